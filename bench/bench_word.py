"""Word mail merge: 5,000 one-page letters, Cible's merge next to plain python-docx.

    python bench/bench_word.py [--letters 5000] [--repeat 3]

Both sides write the same letters (about ten merge fields each, a one-page letter with a
header) from the same generated database, in the same run:

* **reference**: the fastest plain way found in shared/PERFORMANCE.md — one SQLAlchemy Core
  select of the needed columns, then python-docx: deep-copy the template's body once per letter,
  replace ``«Field»`` in the text nodes, a page break between letters, save.
* **Cible**: :func:`app.export.word.merge_target` end to end — the target query, the postal
  funnel (addresses, refusals read from the customer table), field matching, split placeholders,
  one section per letter, temporary file then rename.
* **Cible, writing only**: :func:`app.export.word.write_letters` on the letters the funnel gave,
  next to the reference's writing only.

Prints medians and the ratios (goal: <= 1.5x).
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docx import Document  # noqa: E402
from docx.enum.text import WD_BREAK  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.text.paragraph import Paragraph  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402

from app.export.postal import postal_funnel  # noqa: E402
from app.export.word import (  # noqa: E402
    LetterTemplate,
    _letters,
    _needed_columns,
    _Values,
    merge_target,
    write_letters,
)
from app.models import Customer, Vehicle  # noqa: E402
from app.models.db import open_database  # noqa: E402
from app.query.criteria import Group  # noqa: E402
from app.query.target import Target  # noqa: E402

TODAY = dt.date(2026, 11, 23)
FIELDS = [
    "Formule de politesse",
    "Prénom",
    "Nom",
    "Adresse",
    "Code postal",
    "Ville",
    "Immatriculation",
    "Marque",
    "Modèle",
    "Date MEC",
    "Date du jour",
]
BODY = [
    "«Prénom» «Nom»",
    "«Adresse»",
    "«Code postal» «Ville»",
    "",
    "Tours, le «Date du jour»",
    "",
    "Objet : l'entretien de votre «Marque» «Modèle» («Immatriculation»)",
    "",
    "«Formule de politesse»,",
    "Votre véhicule, mis en circulation le «Date MEC», arrive à l'échéance de sa prochaine "
    "révision. Nos techniciens vous accueillent du lundi au samedi pour la contrôler, avec un "
    "véhicule de courtoisie sur réservation.",
    "Pour prendre rendez-vous, appelez notre accueil atelier au 02 47 00 00 00 ou répondez à ce "
    "courrier. Une remise de 10 % vous est réservée sur présentation de cette lettre.",
    "Nous restons à votre disposition pour toute question sur votre véhicule.",
    "Veuillez agréer, «Formule de politesse», l'expression de nos salutations distinguées.",
    "",
    "Le service après-vente",
]


def make_database(path: Path, n: int):
    db = open_database(path)
    customers = [
        {
            "id": i,
            "dms_ref": f"C{i}",
            "civility": "Madame" if i % 2 else "Monsieur",
            "last_name": f"NOM{i}",
            "last_name_fold": f"NOM{i}",
            "first_name": f"Prénom{i}",
            "address1": f"{i} rue de la République",
            "postal_code": f"{37000 + i % 900:05d}",
            "city": "Tours",
            "country": "FR",
        }
        for i in range(1, n + 1)
    ]
    vehicles = [
        {
            "id": i,
            "owner_id": i,
            "plate": f"AB-{i:03d}-CD",
            "brand": "RENAULT",
            "model": "CLIO",
            "model_fold": "CLIO",
            "first_registration": dt.date(2010 + i % 10, 1 + i % 12, 1),
            "status": "in_use",
            "category": "VP",
        }
        for i in range(1, n + 1)
    ]
    with db.engine.begin() as conn:
        conn.execute(insert(Customer.__table__), customers)
        conn.execute(insert(Vehicle.__table__), vehicles)
    return db


def make_template(path: Path) -> None:
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "Garage de Tours — 12 avenue de Grammont"
    for text in BODY:
        doc.add_paragraph(text)
    doc.save(str(path))


def reference(db, template: Path, out: Path) -> tuple[float, float]:
    """Plain SQL + python-docx deep copy per letter. Returns (total, writing only) seconds."""
    start = time.perf_counter()
    c, v = Customer.__table__.c, Vehicle.__table__.c
    query = (
        select(
            c.civility,
            c.first_name,
            c.last_name,
            c.address1,
            c.postal_code,
            c.city,
            v.plate,
            v.brand,
            v.model,
            v.first_registration,
        )
        .select_from(Customer.__table__.join(Vehicle.__table__, v.owner_id == c.id))
        .where(c.optout_post.is_(False))
        .order_by(c.id)
    )
    with db.engine.connect() as conn:
        rows = conn.execute(query).all()
    write_start = time.perf_counter()
    doc = Document(str(template))
    body = doc.element.body
    sect = body[-1]
    content = [copy.deepcopy(e) for e in body if e is not sect]
    for e in list(body):
        if e is not sect:
            body.remove(e)
    pattern = re.compile("«([^»]+)»")
    date = f"{TODAY.day} novembre {TODAY.year}"
    for n, row in enumerate(rows):
        values = {
            "Formule de politesse": f"{row.civility} {row.last_name.title()}",
            "Prénom": row.first_name,
            "Nom": row.last_name,
            "Adresse": row.address1,
            "Code postal": row.postal_code,
            "Ville": row.city,
            "Immatriculation": row.plate,
            "Marque": row.brand,
            "Modèle": row.model,
            "Date MEC": row.first_registration.strftime("%d/%m/%Y"),
            "Date du jour": date,
        }
        for element in content:
            c_el = copy.deepcopy(element)
            for t in c_el.iter(qn("w:t")):
                if t.text and "«" in t.text:
                    t.text = pattern.sub(lambda m, v=values: v[m.group(1)], t.text)
            sect.addprevious(c_el)
        if n < len(rows) - 1:
            last = sect.getprevious()
            Paragraph(last, doc._body).add_run().add_break(WD_BREAK.PAGE)
    doc.save(str(out))
    end = time.perf_counter()
    return end - start, end - write_start


def cible(db, template: Path, out: Path, target: Target) -> float:
    start = time.perf_counter()
    with db.engine.connect() as conn:
        result = merge_target(conn, target, out, template=template, today=TODAY)
    assert result.count == N_LETTERS, result.count
    return time.perf_counter() - start


def cible_writing_only(db, template: Path, out: Path, target: Target) -> float:
    letter_template = LetterTemplate(template)
    keys = letter_template.resolve(target)
    columns = _needed_columns(target, keys)
    with db.engine.connect() as conn:
        funnel = postal_funnel(conn, target, today=TODAY, columns=columns)
    letters = _letters(funnel, False)
    values = _Values(letter_template.refs, columns, TODAY, "fr", {})
    start = time.perf_counter()
    write_letters(letter_template, letters, values, out)
    return time.perf_counter() - start


N_LETTERS = 5000


def main() -> None:
    global N_LETTERS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    N_LETTERS = args.letters
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        db = make_database(folder / "bench.sqlite", args.letters)
        template = folder / "letter.docx"
        make_template(template)
        target = Target(
            name="bench",
            columns=["customer.last_name", "vehicle.plate", "vehicle.brand", "vehicle.model"],
            criteria=Group("all", []),
        )
        ref_total, ref_write, ours, ours_write = [], [], [], []
        for _ in range(args.repeat):
            total, write = reference(db, template, folder / "reference.docx")
            ref_total.append(total)
            ref_write.append(write)
            ours.append(cible(db, template, folder / "cible.docx", target))
            ours_write.append(cible_writing_only(db, template, folder / "cible2.docx", target))
        db.dispose()
        r_total, r_write = statistics.median(ref_total), statistics.median(ref_write)
        c_total, c_write = statistics.median(ours), statistics.median(ours_write)
        print(f"{args.letters} letters, median of {args.repeat}")
        print(f"reference (SQL + deep copy per letter): {r_total:.2f} s (writing {r_write:.2f} s)")
        print(
            f"Cible merge_target, end to end:          {c_total:.2f} s  ratio {c_total / r_total:.2f}x"
        )
        print(
            f"Cible write_letters only:                {c_write:.2f} s  ratio {c_write / r_write:.2f}x"
        )


if __name__ == "__main__":
    main()
