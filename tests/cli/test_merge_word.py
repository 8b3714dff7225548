"""``python -m app merge-word``: letters, labels, funnel counts printed, errors exit 2."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import select

from app.cli import merge_word
from app.cli.common import run_command
from app.models import ContactHistory
from app.models.db import open_database
from tests.export.mailing_sample import build_mailing_sample, everyone
from tests.export.word_templates_xml import complex_field, make_template, paragraph, run, simple

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_file(tmp_path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "garage.sqlite"
    db = open_database(path)
    ids = build_mailing_sample(db)
    db.dispose()
    return path, ids


@pytest.fixture
def target_file(tmp_path) -> Path:
    path = tmp_path / "tous.json"
    path.write_text(json.dumps(everyone(name="Tous").to_dict()), encoding="utf-8")
    return path


@pytest.fixture
def template(tmp_path) -> Path:
    return make_template(
        tmp_path / "rappel.docx",
        [
            paragraph(run("«Formule de politesse»,")),
            paragraph(
                run("Votre "),
                simple("Modèle"),
                run(" immatriculé "),
                complex_field("vehicle.plate"),
            ),
        ],
    )


def call(argv: list[str], capsys) -> tuple[int, str, str]:
    code = run_command(merge_word.main, argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_letters_and_the_funnel_counts(db_file, target_file, template, tmp_path, capsys) -> None:
    db, _ = db_file
    out = tmp_path / "lettres.docx"
    code, stdout, err = call(
        [str(target_file), "--db", str(db), "--template", str(template), "--out", str(out),
         "--today", "2024-06-15", "--not-contacted-days", "30", "--lang", "en"],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert stdout.splitlines() == [
        "In the target: 16",
        "With a usable postal address: 11 (-5)",
        "    no postal code: 3",
        "    no city: 1",
        "    no address line: 1",
        "One per customer: 8 (-3)",
        "    another vehicle of the same customer: 3",
        "Not refusing postal contact: 6 (-2)",
        "    refuses postal contact: 2",
        "Not contacted in the last 30 days: 4 (-2)",
        "    contacted recently: 2",
        "To send: 4 (-0)",
        f"4 letters written to {out}",
    ]
    doc = Document(str(out))
    assert len(doc.sections) == 4
    texts = [p.text for p in doc.paragraphs]
    assert texts[:2] == ["Monsieur Gasnier,", "Votre AUSTIN MINI immatriculé 5435WJ78"]
    assert "Dupré" not in "".join(texts)  # contacted yesterday


def test_labels_per_household_with_an_offset(db_file, target_file, tmp_path, capsys) -> None:
    db, _ = db_file
    out = tmp_path / "etiquettes.docx"
    code, stdout, err = call(
        [str(target_file), "--db", str(db), "--out", str(out), "--labels", "3x7",
         "--offset", "2", "--household", "--today", "2024-06-15", "--lang", "fr"],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "Un par foyer: 7 (-1)" in stdout.splitlines()
    assert stdout.splitlines()[-1] == f"5 étiquettes écrites dans {out}"
    rows = Document(str(out)).tables[0].rows
    cells = [row.cells[i].text for row in rows for i in (0, 2, 4)]
    assert cells[:2] == ["", ""]
    assert cells[2].startswith("Monsieur Jean DUPRÉ")
    assert len([c for c in cells if c]) == 5
    height = Document(str(out)).element.body.find(f".//{qn('w:trHeight')}")
    assert int(height.get(qn("w:val"))) == round(38.1 * 1440 / 25.4)


def test_labels_that_would_be_cut_are_named_on_stderr(db_file, target_file, tmp_path, capsys):
    """Issue 12, point 12: the labels still cut at 7 pt are listed; the sheet is written."""
    from sqlalchemy import update

    from app.models import Customer

    db, ids = db_file
    database = open_database(db)
    with database.session() as s:
        s.execute(
            update(Customer)
            .where(Customer.id == ids["dupre"])
            .values(
                address1="Résidence " + "des Très Longs Noms de Rues " * 8,
                address2="Bâtiment " + "de la Grande Cour Intérieure " * 8,
                address3="Lieu-dit " + "Les Hauts Plateaux du Levant " * 8,
            )
        )
    database.dispose()
    out = tmp_path / "etiquettes.docx"
    code, stdout, err = call(
        [str(target_file), "--db", str(db), "--out", str(out), "--labels", "3x8",
         "--today", "2024-06-15", "--lang", "fr"],
        capsys,
    )  # fmt: skip
    assert code == 0
    assert err.splitlines() == [
        "Attention : 1 étiquette est trop longue pour le format 3x8, même en 7 pt, et sera "
        "coupée : Monsieur Jean DUPRÉ."
    ]
    assert stdout.splitlines()[-1].endswith(f"étiquettes écrites dans {out}")
    assert out.exists()


def test_per_vehicle_and_record(db_file, target_file, template, tmp_path, capsys) -> None:
    db, ids = db_file
    out = tmp_path / "lettres.docx"
    code, stdout, err = call(
        [str(target_file), "--db", str(db), "--template", str(template), "--out", str(out),
         "--per-vehicle", "--record", "Rappel juin", "--today", "2024-06-15"],
        capsys,
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert f"8 letters written to {out}" in stdout
    assert "8 postal contacts recorded under 'Rappel juin'" in stdout
    database = open_database(db, create=False)
    with database.session() as s:
        rows = s.scalars(select(ContactHistory).where(ContactHistory.campaign == "Rappel juin"))
        contacts = sorted((r.customer_id, r.vehicle_id) for r in rows)
    database.dispose()
    assert (ids["dupre"], ids["dupre_clio"]) in contacts
    assert (ids["dupre"], ids["dupre_laguna"]) in contacts
    assert len(contacts) == 8


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--labels", "4x4"], "argument --labels: invalid choice: '4x4'"),
        (["--offset", "3"], "--offset goes with --labels"),
        (["--labels", "3x8", "--offset", "24"], "between 0 and 23"),
        (["--labels", "3x8", "--per-vehicle"], "--per-vehicle is for letters"),
        (["--today", "15/06/2024"], "--today '15/06/2024' is not a date"),
        (["--not-contacted-days", "-1"], "give a number of days, 0 or more"),
        (["--record", " "], "--record needs a campaign name"),
    ],
)
def test_bad_options_exit_2_with_one_line(
    db_file, target_file, template, tmp_path, capsys, extra, message
) -> None:
    db, _ = db_file
    out = tmp_path / "o.docx"
    code, stdout, err = call(
        [str(target_file), "--db", str(db), "--template", str(template), "--out", str(out), *extra],
        capsys,
    )
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert stdout == "" and not out.exists()


def test_errors_exit_2_and_write_nothing(db_file, target_file, tmp_path, capsys) -> None:
    db, _ = db_file
    out = tmp_path / "o.docx"
    unknown = make_template(tmp_path / "u.docx", [paragraph(run("{Nom} {Pointure} «Couleur»"))])
    not_docx = tmp_path / "n.docx"
    not_docx.write_text("hello")
    cases = [
        ([str(target_file), "--db", str(db), "--out", str(out)], "--template is required"),
        (
            [str(target_file), "--db", str(db), "--template", str(unknown), "--out", str(out)],
            "merge fields that do not exist: «Pointure», «Couleur»",
        ),
        (
            [str(target_file), "--db", str(db), "--template", str(not_docx), "--out", str(out)],
            "is not a Word document",
        ),
        (
            [
                str(target_file),
                "--db",
                str(db),
                "--template",
                str(tmp_path / "x.docx"),
                "--out",
                str(out),
            ],
            "no such file",
        ),
        (
            [
                str(target_file),
                "--db",
                str(tmp_path / "none.sqlite"),
                "--template",
                str(unknown),
                "--out",
                str(out),
            ],
            "No database at",
        ),
        (
            [
                str(tmp_path / "none.json"),
                "--db",
                str(db),
                "--template",
                str(unknown),
                "--out",
                str(out),
            ],
            "No target file at",
        ),
        (
            [
                str(target_file),
                "--db",
                str(db),
                "--template",
                str(unknown),
                "--out",
                str(tmp_path / "o.pdf"),
            ],
            "must end in .docx",
        ),
        (
            [
                str(target_file),
                "--db",
                str(db),
                "--template",
                str(unknown),
                "--out",
                str(tmp_path / "no" / "o.docx"),
            ],
            "does not exist",
        ),
    ]
    for argv, message in cases:
        code, stdout, err = call(argv, capsys)
        assert code == 2, (argv, err)
        assert len(err.strip().splitlines()) == 1 and message in err, err
        assert err.startswith("cible: error: ")
        assert not out.exists() and not (tmp_path / "o.pdf").exists()


def test_pdf_without_libreoffice_is_refused_before_writing(
    db_file, target_file, template, tmp_path, capsys, monkeypatch
) -> None:
    db, _ = db_file
    monkeypatch.setattr("app.export.word.shutil.which", lambda name: None)
    out = tmp_path / "o.docx"
    code, _, err = call(
        [str(target_file), "--db", str(db), "--template", str(template), "--out", str(out),
         "--pdf", str(tmp_path / "o.pdf")],
        capsys,
    )  # fmt: skip
    assert code == 2 and "LibreOffice" in err and not out.exists()


def test_nobody_left(db_file, tmp_path, template, capsys) -> None:
    db, ids = db_file
    target = tmp_path / "vide.json"
    target.write_text(json.dumps(everyone(removed=set(ids.values())).to_dict()), encoding="utf-8")
    code, _, err = call(
        [
            str(target),
            "--db",
            str(db),
            "--template",
            str(template),
            "--out",
            str(tmp_path / "o.docx"),
        ],
        capsys,
    )
    assert code == 2 and "Nobody is left to write to" in err


def test_registered_as_python_m_app_merge_word(db_file, target_file, template, tmp_path) -> None:
    db, _ = db_file
    out = tmp_path / "o.docx"
    done = subprocess.run(
        [sys.executable, "-m", "app", "merge-word", str(target_file), "--db", str(db),
         "--template", str(template), "--out", str(out), "--today", "2024-06-15"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.exists()


def test_placeholders_stop_the_command_unless_allowed_and_past_dates_warn(
    db_file, target_file, tmp_path, capsys
) -> None:
    db, _ = db_file
    template = make_template(
        tmp_path / "po.docx",
        [paragraph(run("{Nom}, venez le [dates] ; CT le «Date contrôle technique (CT)»"))],
    )
    out = tmp_path / "po_out.docx"
    argv = [str(target_file), "--db", str(db), "--template", str(template), "--out", str(out)]
    code, stdout, err = call([*argv, "--lang", "en"], capsys)
    assert code == 2 and not out.exists()
    assert err.strip().splitlines() == [
        "cible: error: po.docx: The template still holds 1 text in brackets to fill in: [dates]. "
        "Replace the text in brackets in the template, or write the letters anyway with "
        "--allow-placeholders."
    ]
    # a year later every CT date of the sample is past: a warning, not a refusal
    code, stdout, err = call(
        [*argv, "--lang", "en", "--allow-placeholders", "--today", "2025-12-31", "--per-vehicle"],
        capsys,
    )
    assert code == 0 and out.exists()
    lines = err.strip().splitlines()
    assert lines[0] == "Warning: The template still holds 1 text in brackets to fill in: [dates]."
    assert re.fullmatch(
        r"Warning: \d+ letters? prints? a «Roadworthiness test due \(CT\)» already past "
        r"\(before 31/12/2025\)\.",
        lines[1],
    ), lines[1]
