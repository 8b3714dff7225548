"""Word mail merge: every field form replaced, letters, sections, labels, checks and safety."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from sqlalchemy import func, select

from app.export import word
from app.export.postal import postal_funnel
from app.export.word import (
    LABEL_LAYOUTS,
    LetterTemplate,
    MergeCancelled,
    MergeError,
    UnknownMergeFieldError,
    available_merge_fields,
    formal_salutation,
    merge_target,
    record_mailing,
    resolve_field_name,
)
from app.models import ContactHistory
from app.models.db import open_database
from tests.export.mailing_sample import TODAY, build_mailing_sample, everyone
from tests.export.word_templates_xml import (
    complex_field,
    make_template,
    paragraph,
    run,
    simple,
)

WP_DOCPR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"


@pytest.fixture(scope="module")
def mailing(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("word") / "w.sqlite")
    ids = build_mailing_sample(db)
    yield db, ids
    db.dispose()


def merge(db, tmp_path: Path, paragraphs: list[str], target=None, **kw):
    template = make_template(tmp_path / "template.docx", paragraphs, **kw.pop("template_kw", {}))
    out = tmp_path / "letters.docx"
    with db.engine.connect() as conn:
        result = merge_target(conn, target or everyone(), out, template=template, today=TODAY, **kw)
    return result, Document(str(out))


def all_text(doc) -> str:
    """Every text node of the body, headers and footers."""
    parts = ["".join(t.text or "" for t in doc.element.body.iter(qn("w:t")))]
    for rel in doc.part.rels.values():
        if rel.reltype.endswith(("/header", "/footer")):
            parts.append("".join(t.text or "" for t in rel.target_part.element.iter(qn("w:t"))))
    return "\n".join(parts)


def letter_paragraphs(doc) -> list[list[str]]:
    """The body's paragraph texts, cut into letters at each section break."""
    letters: list[list[str]] = [[]]
    for p in doc.element.body.iter(qn("w:p")):
        letters[-1].append("".join(t.text or "" for t in p.iter(qn("w:t"))))
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            letters.append([])
    return letters


def no_fields_left(doc) -> None:
    body = doc.element.body
    assert not list(body.iter(qn("w:fldSimple")))
    assert not list(body.iter(qn("w:instrText")))
    assert not list(body.iter(qn("w:fldChar")))
    text = all_text(doc)
    # French quotation marks (with spaces inside) are text; a merge field touches its marks
    assert re.search(r"«\S|\S»|\{|\}|\ue000|MERGEFIELD", text) is None, text


# --- every kind of field ----------------------------------------------------------------------


def test_both_mergefield_forms_and_split_placeholders_are_replaced(mailing, tmp_path) -> None:
    db, ids = mailing
    result, doc = merge(
        db,
        tmp_path,
        [
            paragraph(
                run("Simple: "), simple("Nom"), run(" / complex: "), complex_field("Code postal")
            ),
            paragraph(
                run("Split: {pré"),
                run("nom", bold=True),
                run("} and «Formule de "),
                run("politesse»"),
            ),
            paragraph(run("Key: "), simple("customer.last_name"), run(" {vehicle.plate}")),
            paragraph(run("Le «Date du jour», âge {Âge du véhicule}, MEC «Date_MEC»")),
        ],
    )
    no_fields_left(doc)
    letters = letter_paragraphs(doc)
    assert len(letters) == result.count == 6
    assert letters[0] == [
        "Simple: Dupré / complex: 37000",
        "Split: Jean and Monsieur Dupré",
        "Key: Dupré AB-123-CD",
        "Le 15 juin 2024, âge 20 ans, MEC 10/03/2004",
    ]
    # Madame Gasnier has no vehicle: vehicle fields are empty, the rest is there
    gasnier_m = letters[[r[0] for r in result.letters].index(ids["gasnier_m"])]
    assert gasnier_m[1] == "Split: Marie and Madame Gasnier"
    assert gasnier_m[3] == "Le 15 juin 2024, âge , MEC "


def test_french_quotation_marks_are_not_fields(mailing, tmp_path) -> None:
    db, _ = mailing
    _, doc = merge(
        db, tmp_path, [paragraph(run("Offre « Printemps » et {\u00a0x\u00a0} pour {Nom}"))]
    )
    assert letter_paragraphs(doc)[0][0] == "Offre « Printemps » et {\u00a0x\u00a0} pour Dupré"


def test_switches_of_mergefield(mailing, tmp_path) -> None:
    db, _ = mailing
    _, doc = merge(
        db,
        tmp_path,
        [
            paragraph(
                simple("Nom", "\\* Upper"),
                run("|"),
                complex_field("Prénom", '\\* Lower \\b "(" \\f ")"'),
                run("|"),
                simple("Raison sociale", '\\b "Société "'),
            )
        ],
    )
    first = letter_paragraphs(doc)[0][0]
    assert first == "DUPRÉ|(jean)|"  # no company: nothing, not even the "before" text


def test_formatting_headers_footers_and_images_are_kept(mailing, tmp_path) -> None:
    db, _ = mailing
    result, doc = merge(
        db,
        tmp_path,
        [paragraph(run("Bonjour "), simple("Formule de politesse"), run(" fin", bold=True))],
        template_kw={
            "header": [paragraph(run("Dossier "), complex_field("Nom"))],
            "footer": [paragraph(run("Garage de Tours"))],
            "image": True,
        },
    )
    no_fields_left(doc)
    body = doc.element.body
    # the value takes the field's formatting (bold in simple() above), the rest keeps its own
    bold_texts = [
        "".join(t.text for t in r.iter(qn("w:t")))
        for r in body.iter(qn("w:r"))
        if r.find(f"{qn('w:rPr')}/{qn('w:b')}") is not None
    ]
    assert bold_texts[:2] == ["Monsieur Dupré", " fin"]
    # one image per letter, sharing the template's picture; drawing ids stay unique
    drawings = list(body.iter(qn("w:drawing")))
    assert len(drawings) == result.count
    ids = [d.get("id") for d in body.iter(WP_DOCPR)]
    assert len(set(ids)) == len(ids)
    assert any(p.partname.endswith(".png") for p in doc.part.package.iter_parts())
    # each letter is a section with its own merged header and the template's footer
    headers = [s.header.paragraphs[0].text for s in doc.sections]
    assert headers[:3] == ["Dossier Dupré", "Dossier Martin", "Dossier GASNIER"]
    assert {s.footer.paragraphs[0].text for s in doc.sections} == {"Garage de Tours"}
    assert len({s.footer.part.partname for s in doc.sections}) == 1


def test_one_section_per_letter_starting_a_new_page_numbered_from_one(mailing, tmp_path) -> None:
    db, _ = mailing
    result, doc = merge(db, tmp_path, [paragraph(run("{Nom}")), paragraph(run("fin"))])
    assert len(doc.sections) == result.count == 6
    body = doc.element.body
    inner = [s for s in body.iter(qn("w:sectPr")) if s.getparent().tag == qn("w:pPr")]
    assert len(inner) == result.count - 1  # a break between letters, none after the last
    for sect in body.iter(qn("w:sectPr")):
        kind = sect.find(qn("w:type"))
        assert kind is None or kind.get(qn("w:val")) == "nextPage"
        assert sect.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert doc.sections[0].page_width == doc.sections[-1].page_width


def test_refused_and_removed_customers_get_no_letter(mailing, tmp_path) -> None:
    db, ids = mailing
    target = everyone(removed={ids["somfy"]})
    result, doc = merge(db, tmp_path, [paragraph(run("«N° client (interne)»"))], target=target)
    written = {int(p[0]) for p in letter_paragraphs(doc)}
    assert written == {ids["dupre"], ids["martin"], ids["gasnier"], ids["gasnier_m"], ids["petit"]}
    assert not written & {ids["dupont"], ids["dupont_a"], ids["somfy"]}
    assert [c for c, _ in result.letters] == [int(p[0]) for p in letter_paragraphs(doc)]


def test_one_letter_per_vehicle_option(mailing, tmp_path) -> None:
    db, ids = mailing
    result, doc = merge(db, tmp_path, [paragraph(run("{Nom} {Immatriculation}"))], per_vehicle=True)
    texts = [p[0] for p in letter_paragraphs(doc)]
    assert result.count == len(texts) == 8
    assert texts[:2] == ["Dupré AB-123-CD", "Dupré BC-234-DE"]
    assert result.letters[:2] == [
        (ids["dupre"], ids["dupre_clio"]),
        (ids["dupre"], ids["dupre_laguna"]),
    ]


def test_household_letter_goes_to_monsieur_et_madame(mailing, tmp_path) -> None:
    db, ids = mailing
    result, doc = merge(
        db,
        tmp_path,
        [paragraph(run("{Formule de politesse}|{Formule d'appel}|{Bloc adresse}"))],
        household=True,
    )
    letters = dict(zip([c for c, _ in result.letters], letter_paragraphs(doc), strict=False))
    assert ids["gasnier_m"] not in letters
    assert letters[ids["gasnier"]][0] == (
        "Monsieur et Madame Gasnier|Madame, Monsieur|Monsieur et Madame GASNIER8 Grande Rue78660 ABLIS"
    )
    # the address block's lines are separated by line breaks in one run
    p = next(p for p in doc.element.body.iter(qn("w:p")) if "8 Grande Rue" in "".join(p.itertext()))
    assert len(list(p.iter(qn("w:br")))) == 2


# --- checks before merging --------------------------------------------------------------------


def test_unknown_fields_are_reported_by_name_before_anything_is_written(mailing, tmp_path) -> None:
    db, _ = mailing
    out = tmp_path / "letters.docx"
    template = make_template(
        tmp_path / "t.docx",
        [paragraph(run("{Nom} {Pointure}"), simple("Couleur_preferee"), run("«Pointure»"))],
    )
    with db.engine.connect() as conn, pytest.raises(UnknownMergeFieldError) as caught:
        merge_target(conn, everyone(), out, template=template, today=TODAY)
    assert caught.value.names == ["Pointure", "Couleur_preferee"]
    assert "«Pointure»" in str(caught.value) and "«Couleur_preferee»" in str(caught.value)
    assert not out.exists()


def test_a_template_that_is_not_a_docx_is_refused(mailing, tmp_path) -> None:
    db, _ = mailing
    bad = tmp_path / "letter.docx"
    bad.write_text("not a document")
    with db.engine.connect() as conn, pytest.raises(MergeError, match="not a Word document"):
        merge_target(conn, everyone(), tmp_path / "o.docx", template=bad, today=TODAY)
    with db.engine.connect() as conn, pytest.raises(MergeError, match="No template"):
        merge_target(conn, everyone(), tmp_path / "o.docx", template=tmp_path / "x.docx")


def test_the_template_is_never_overwritten(mailing, tmp_path) -> None:
    db, _ = mailing
    template = make_template(tmp_path / "t.docx", [paragraph(run("{Nom}"))])
    before = template.read_bytes()
    with db.engine.connect() as conn, pytest.raises(MergeError, match="is the template itself"):
        merge_target(conn, everyone(), tmp_path / "." / "t.docx", template=template)
    assert template.read_bytes() == before


def test_nobody_left_writes_nothing(mailing, tmp_path) -> None:
    db, ids = mailing
    target = everyone(
        removed={ids[n] for n in ("dupre", "martin", "gasnier", "somfy", "gasnier_m", "petit")}
    )
    out = tmp_path / "letters.docx"
    template = make_template(tmp_path / "t.docx", [paragraph(run("{Nom}"))])
    with db.engine.connect() as conn, pytest.raises(MergeError, match="Nobody is left"):
        merge_target(conn, target, out, template=template, today=TODAY)
    assert not out.exists()


def test_field_names_match_keys_and_labels_without_case_or_accents() -> None:
    assert resolve_field_name("Nom") == "customer.last_name"
    assert resolve_field_name("nom") == "customer.last_name"
    assert resolve_field_name("NOM") == "customer.last_name"
    assert resolve_field_name("customer.last_name") == "customer.last_name"
    assert resolve_field_name("last_name") == "customer.last_name"
    assert resolve_field_name("Last name") == "customer.last_name"
    assert resolve_field_name("Code_postal") == "customer.postal_code"
    assert resolve_field_name("prenom") == "customer.first_name"
    assert resolve_field_name("Date MEC") == "vehicle.first_registration"
    assert resolve_field_name("Civilité et nom") == "letter.salutation"
    assert resolve_field_name("date du jour") == "letter.date"
    assert resolve_field_name("Company") == "customer.company"
    # a name two fields share: the target's column wins
    assert resolve_field_name("Date de livraison") == "vehicle.delivery_date"
    assert resolve_field_name("delivery_date", ["sale.delivery_date"]) == "sale.delivery_date"
    assert resolve_field_name("Pointure") is None
    assert resolve_field_name("  ") is None


def test_available_fields_are_the_targets_columns_then_the_helpers() -> None:
    fields = available_merge_fields(everyone())
    keys = [f.key for f in fields]
    assert keys[:5] == everyone().columns
    assert {"letter.salutation", "letter.date", "letter.vehicle_age"} <= set(keys[5:])


def test_formal_salutation() -> None:
    assert formal_salutation("Madame", "DUPONT") == "Madame Dupont"
    assert formal_salutation("M.", "martin") == "Monsieur Martin"
    assert formal_salutation("MR", "Le Gall") == "Monsieur Le Gall"
    assert formal_salutation("Mademoiselle", "dupont-aignan") == "Madame Dupont-Aignan"
    assert formal_salutation("M. et Mme", "PETIT") == "Monsieur et Madame Petit"
    assert formal_salutation("Monsieur et Madame", "Petit") == "Monsieur et Madame Petit"
    assert formal_salutation("ETS", None, company="SOMFY SAS", is_company=True) == "SOMFY SAS"
    assert formal_salutation("ETS", "SOMFY SAS") == "Somfy Sas"  # no civility: the name alone
    assert formal_salutation(None, "Œuvre", first_name="paul") == "Paul Œuvre"
    assert formal_salutation("Madame", "", company="ARVAL") == "ARVAL"


# --- split placeholders: any split works -------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    before=st.text(alphabet="ab c,.", max_size=6),
    after=st.text(alphabet="ab c,.", max_size=6),
    braces=st.booleans(),
    cuts=st.lists(st.integers(min_value=1, max_value=30), max_size=6),
)
def test_a_placeholder_split_at_any_points_still_merges(before, after, braces, cuts) -> None:
    name = "Code postal"
    text = before + ("{" + name + "}" if braces else "«" + name + "»") + after
    points = sorted({c for c in cuts if c < len(text)})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    p = etree.fromstring(
        paragraph(*(run(piece, bold=i % 2 == 1) for i, piece in enumerate(pieces)))
    )
    compiler = word._Compiler()
    compiler.compile(p)
    assert [ref.name for ref in compiler.refs] == [name]
    word._fill(p, ["37000"])
    assert "".join(t.text or "" for t in p.iter(qn("w:t"))) == before + "37000" + after


# --- safety ------------------------------------------------------------------------------------


def test_a_cancelled_merge_leaves_the_old_file_intact(mailing, tmp_path) -> None:
    db, _ = mailing
    out = tmp_path / "letters.docx"
    out.write_bytes(b"the good old letters")
    template = make_template(tmp_path / "t.docx", [paragraph(run("{Nom}"))])
    seen = []

    def progress(done: int, total: int, text: str) -> None:
        seen.append(done)
        if total and done >= 1:
            raise MergeCancelled()

    with db.engine.connect() as conn, pytest.raises(MergeCancelled):
        merge_target(
            conn,
            everyone(),
            out,
            template=template,
            today=TODAY,
            per_vehicle=True,
            progress=progress,
        )
    with db.engine.connect() as conn, pytest.raises(MergeCancelled):
        merge_target(conn, everyone(), out, template=template, cancelled=lambda: True)
    assert out.read_bytes() == b"the good old letters"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letters.docx", "t.docx"]


def test_an_unwritable_folder_is_a_clear_error(mailing, tmp_path) -> None:
    db, _ = mailing
    template = make_template(tmp_path / "t.docx", [paragraph(run("{Nom}"))])
    with db.engine.connect() as conn, pytest.raises(MergeError, match="does not exist"):
        merge_target(conn, everyone(), tmp_path / "no" / "o.docx", template=template, today=TODAY)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with db.engine.connect() as conn, pytest.raises(MergeError, match="Cannot write"):
            merge_target(conn, everyone(), locked / "o.docx", template=template, today=TODAY)
    finally:
        locked.chmod(stat.S_IRWXU)


# --- labels ------------------------------------------------------------------------------------


def label_cells(doc) -> list[str]:
    """Text of each label cell (gap columns left out), in reading order."""
    table = doc.element.body.find(qn("w:tbl"))
    texts = []
    for tr in table.iter(qn("w:tr")):
        for i, tc in enumerate(tr.findall(qn("w:tc"))):
            if i % 2 == 0:
                paragraphs = tc.findall(qn("w:p"))
                texts.append(
                    "\n".join(
                        "".join(
                            (t.text or "") if t.tag == qn("w:t") else "\n"
                            for t in p.iter(qn("w:t"), qn("w:br"))
                        )
                        for p in paragraphs
                    )
                )
    return texts


@pytest.mark.parametrize("key", ["3x7", "3x8", "2x7"])
def test_label_layouts_fill_an_a4_sheet(key) -> None:
    layout = LABEL_LAYOUTS[key]
    width = 2 * layout.side + layout.columns * layout.width + (layout.columns - 1) * layout.gap
    height = 2 * layout.top + layout.rows * layout.height
    assert width == pytest.approx(210, abs=0.3)
    assert height == pytest.approx(297, abs=0.3)


def test_labels_with_an_offset_on_a_3x8_sheet(mailing, tmp_path) -> None:
    db, ids = mailing
    out = tmp_path / "labels.docx"
    with db.engine.connect() as conn:
        result = merge_target(conn, everyone(), out, labels="3x8", offset=5, today=TODAY)
    doc = Document(str(out))
    layout = LABEL_LAYOUTS["3x8"]
    cells = label_cells(doc)
    assert cells[:5] == [""] * 5
    assert cells[5] == "Monsieur Jean DUPRÉ\n12 rue Nationale\n37000 TOURS"
    assert (
        cells[5 + 5]
        == "Monsieur et Madame Marc PETIT\n7 allée des Tilleuls\nBâtiment B\n37300 JOUÉ-LÈS-TOURS"
    )
    assert cells[5 + 3] == "SOMFY SAS\n50 avenue du Nouveau Monde\n74300 CLUSES"
    assert result.labels and result.count == 6
    assert len([c for c in cells if c]) == 6
    assert len(cells) == 12  # four rows of three
    table = doc.tables[0]
    assert len(table.rows) == 4
    for tr in doc.element.body.iter(qn("w:trHeight")):
        assert tr.get(qn("w:hRule")) == "exact"
        assert int(tr.get(qn("w:val"))) == round(33.9 * 1440 / 25.4)
    # text 4 mm inside each label by paragraph indents; no cell margin (which Word before 2013
    # and LibreOffice would use to shift the whole grid left)
    for side in doc.element.body.find(f".//{qn('w:tblCellMar')}"):
        assert side.get(qn("w:w")) == "0"
    for tc in doc.element.body.iter(qn("w:tc")):
        for ind in tc.iter(qn("w:ind")):
            assert int(ind.get(qn("w:left"))) == round(4 * 1440 / 25.4)
    assert len(list(doc.element.body.iter(qn("w:ind")))) == 6
    widths = [int(c.get(qn("w:w"))) for c in doc.element.body.iter(qn("w:gridCol"))]
    assert widths == [round(x * 1440 / 25.4) for x in (63.5, 2.5, 63.5, 2.5, 63.5)]
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert section.top_margin == pytest.approx(Mm(layout.top), abs=Mm(0.05))
    assert section.left_margin == pytest.approx(Mm(layout.side), abs=Mm(0.05))
    # the rows of a sheet fit on the page, one more would not
    usable = 297 - layout.top - section.bottom_margin.mm
    assert layout.rows * layout.height <= usable < (layout.rows + 1) * layout.height


def test_labels_from_a_label_template_and_bad_offsets(mailing, tmp_path) -> None:
    db, _ = mailing
    template = make_template(
        tmp_path / "label.docx",
        [paragraph(simple("Destinataire")), paragraph(run("{Ville}"))],
        header=[paragraph(run("not on labels"))],
    )
    out = tmp_path / "labels.docx"
    with db.engine.connect() as conn:
        merge_target(conn, everyone(), out, template=template, labels="2x7", today=TODAY)
        cells = label_cells(Document(str(out)))
        assert cells[0] == "Monsieur Jean DUPRÉ\nTours"
        assert len(cells) == 6
        for bad in (-1, 14):
            with pytest.raises(MergeError, match="between 0 and 13"):
                merge_target(conn, everyone(), out, labels="2x7", offset=bad, today=TODAY)
        with pytest.raises(MergeError, match="Unknown label layout"):
            merge_target(conn, everyone(), out, labels="4x4", today=TODAY)
    assert "not on labels" not in all_text(Document(str(out)))


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_is_unavailable_without_libreoffice(monkeypatch) -> None:
    monkeypatch.setattr(word.shutil, "which", lambda name: None)
    assert word.pdf_converter() is None
    assert "LibreOffice" in word.pdf_unavailable_reason()
    with pytest.raises(MergeError, match="LibreOffice"):
        word.convert_to_pdf("a.docx", "a.pdf")


def test_pdf_through_soffice(mailing, tmp_path, monkeypatch) -> None:
    """A stand-in soffice that writes a PDF where LibreOffice would; checks the command line."""
    db, _ = mailing
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "soffice"
    fake.write_text(
        "#!/bin/sh\n"
        'echo "$@" > "$(dirname "$0")/args"\n'
        "while [ $# -gt 1 ]; do case $1 in --outdir) out=$2;; esac; shift; done\n"
        'name=$(basename "$1" .docx)\n'
        'printf "%%PDF-1.4 fake" > "$out/$name.pdf"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert word.pdf_unavailable_reason() is None
    template = make_template(tmp_path / "t.docx", [paragraph(run("{Nom}"))])
    with db.engine.connect() as conn:
        result = merge_target(
            conn,
            everyone(),
            tmp_path / "l.docx",
            template=template,
            today=TODAY,
            pdf=tmp_path / "l.pdf",
        )
    assert result.pdf_path == tmp_path / "l.pdf"
    assert (tmp_path / "l.pdf").read_bytes().startswith(b"%PDF")
    args = (bin_dir / "args").read_text()
    assert "--headless --convert-to pdf" in args and args.strip().endswith("l.docx")


# --- contact history ---------------------------------------------------------------------------


def test_recording_the_mailing_lets_the_next_one_skip_these_customers(tmp_path) -> None:
    db = open_database(tmp_path / "rec.sqlite")
    ids = build_mailing_sample(db)
    template = make_template(tmp_path / "t.docx", [paragraph(run("{Nom}"))])
    with db.engine.connect() as conn:
        result = merge_target(conn, everyone(), tmp_path / "l.docx", template=template, today=TODAY)
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(ContactHistory))
        n = record_mailing(
            session,
            result.letters,
            campaign="Rappel entretien juin",
            template=str(template),
            when=dt.datetime(2024, 6, 15, 9, 0),
        )
    assert n == result.count == 6
    with db.session() as session:
        rows = session.scalars(
            select(ContactHistory).where(ContactHistory.campaign == "Rappel entretien juin")
        ).all()
        assert sorted(r.customer_id for r in rows) == sorted(c for c, _ in result.letters)
        assert {(r.channel.value, r.template) for r in rows} == {("post", "t.docx")}
        assert session.scalar(select(func.count()).select_from(ContactHistory)) == before + 6
    with db.engine.connect() as conn:
        later = postal_funnel(conn, everyone(), today=TODAY, contacted_within_days=30)
    assert later.final_count == 0
    assert ids["gasnier"] in [r.customer_id for r, _ in later.steps[-2].dropped]
    db.dispose()


def test_letter_template_lists_its_field_names(tmp_path) -> None:
    template = make_template(
        tmp_path / "t.docx",
        [paragraph(run("{Nom} «Nom» "), simple("Ville"), complex_field("Code postal"))],
    )
    assert LetterTemplate(template).field_names == ["Nom", "Ville", "Code postal"]


# --- saved mailings ----------------------------------------------------------------------------


def test_saved_mailings_per_target_with_overwrite_warning(database) -> None:
    from app.errors import CibleError
    from app.models.mailings import (
        MailingExists,
        delete_mailing,
        list_mailings,
        save_mailing,
    )

    with database.session() as s:
        save_mailing(
            s,
            target_name="VEHICULES PLUS DE 12 ANS",
            name="CT",
            description="Contrôle technique",
            template_path="/t/ct.docx",
            options={"labels": None, "per_vehicle": True},
            letter_count=12,
        )
        save_mailing(s, target_name="Autre cible", name="CT")  # same name, other target
    with database.session() as s, pytest.raises(MailingExists, match="'CT' already exists"):
        save_mailing(s, target_name="VEHICULES PLUS DE 12 ANS", name=" CT ")
    with database.session() as s:
        replaced = save_mailing(
            s,
            target_name="VEHICULES PLUS DE 12 ANS",
            name="CT",
            description="v2",
            options={"labels": "3x8", "offset": 4},
            overwrite=True,
        )
        assert replaced.description == "v2"
    with database.session() as s:
        mailings = list_mailings(s, "VEHICULES PLUS DE 12 ANS")
        assert [(m.name, m.description) for m in mailings] == [("CT", "v2")]
        assert mailings[0].option_values == {"labels": "3x8", "offset": 4}
        assert len(list_mailings(s, "Autre cible")) == 1
        delete_mailing(s, mailings[0].id)
    with database.session() as s:
        assert list_mailings(s, "VEHICULES PLUS DE 12 ANS") == []
        with pytest.raises(CibleError, match="needs a name"):
            save_mailing(s, target_name="x", name="  ")


# --- starter letters and "New template" --------------------------------------------------------


@pytest.mark.parametrize("key", ["service", "inspection", "open_days", "win_back"])
def test_shipped_starter_letters_merge_with_any_target(mailing, tmp_path, key) -> None:
    from app.export.word_templates import RESOURCES, STARTERS, starter_templates

    db, _ = mailing
    starters = dict((s.key, path) for s, path in starter_templates())
    path = starters[key]
    assert path.parent == RESOURCES and path.is_file()
    assert {s.key for s in STARTERS} == set(starters)
    out = tmp_path / "out.docx"
    with db.engine.connect() as conn:
        result = merge_target(conn, everyone(), out, template=path, today=TODAY)
    doc = Document(str(out))
    no_fields_left(doc)
    first = letter_paragraphs(doc)[0]
    assert first[0] == "Monsieur Jean DUPRÉ12 rue Nationale37000 TOURS"
    assert first[1] == "Tours, le 15 juin 2024"
    assert "Monsieur," in first
    assert any("RENAULT CLIO" in p for p in first)
    assert len(doc.sections) == result.count
    # the letterhead and the signature are the site's, from its details
    header = doc.sections[0].header.paragraphs
    assert header[0].text == (
        "Garage de Tours — 145 avenue de Grammont, 37000 Tours — 02 47 20 45 60"
    )
    assert header[1].text == "atelier@garage-tours.example — https://garage-tours.example"
    assert any("Garage de Tours — 02 47 20 45 60" in p for p in first)
    assert not re.search(r"\[(Nom du garage|adresse|téléphone|avantage proposé)\]", all_text(doc))
    left = {"service": [], "inspection": [], "open_days": ["[dates]", "[heures]"]}
    if key in left:
        assert LetterTemplate(path).placeholders == left[key]
        assert bool(left[key]) == any("in brackets" in w for w in result.warnings)
    if key in ("service", "inspection"):
        assert any("https://garage-tours.example/rdv" in p for p in first)


def test_starter_letters_are_built_when_the_resources_are_missing(tmp_path, monkeypatch) -> None:
    from app.export import word_templates

    monkeypatch.setattr(word_templates, "RESOURCES", tmp_path / "missing")
    found = word_templates.starter_templates(tmp_path / "built")
    assert [p.name for _, p in found] == [s.filename for s in word_templates.STARTERS]
    assert all(p.parent == tmp_path / "built" and p.is_file() for _, p in found)
    assert "Formule d'appel" in "".join(LetterTemplate(found[3][1]).field_names)


def test_new_template_lists_the_targets_fields_and_merges(mailing, tmp_path) -> None:
    from app.export.word_templates import write_new_template

    db, _ = mailing
    target = everyone(
        columns=["customer.last_name", "vehicle.model", "vehicle.inspection_due_date"]
    )
    path = tmp_path / "nouveau.docx"
    fields = write_new_template(path, target, "fr")
    doc = Document(str(path))
    listed = [row.cells[0].text for row in doc.tables[0].rows[1:]]
    assert listed[:3] == ["Nom", "Modèle", "Date contrôle technique (CT)"]
    assert {"Formule de politesse", "Date du jour", "Âge du véhicule", "Bloc adresse"} <= set(
        listed
    )
    assert len(listed) == len(fields)
    # every listed name is understood by the merge, and the new template merges as it is
    assert all(resolve_field_name(name) is not None for name in listed)
    with db.engine.connect() as conn:
        merge_target(conn, target, tmp_path / "out.docx", template=path, today=TODAY)
    no_fields_left(Document(str(tmp_path / "out.docx")))


def test_a_template_with_two_sections_keeps_each_letters_header(mailing, tmp_path) -> None:
    db, _ = mailing
    path = make_template(
        tmp_path / "two.docx",
        [paragraph(run("A {Nom}"))],
        header=[paragraph(run("Dossier {Nom}"))],
    )
    doc = Document(str(path))
    doc.add_section()  # the first section's break moves into the body, its header with it
    doc.add_paragraph("B {Ville}")
    doc.save(str(path))
    out = tmp_path / "out.docx"
    with db.engine.connect() as conn:
        result = merge_target(conn, everyone(), out, template=path, today=TODAY)
    merged = Document(str(out))
    no_fields_left(merged)
    assert len(merged.sections) == 2 * result.count
    headers = [s.header.paragraphs[0].text for s in merged.sections]
    assert headers[:4] == ["Dossier Dupré", "Dossier Dupré", "Dossier Martin", "Dossier Martin"]


def test_labels_with_a_logo_keep_unique_drawing_ids(mailing, tmp_path) -> None:
    db, _ = mailing
    template = make_template(tmp_path / "logo.docx", [paragraph(run("{Destinataire}"))], image=True)
    out = tmp_path / "labels.docx"
    with db.engine.connect() as conn:
        result = merge_target(conn, everyone(), out, template=template, labels="3x7", today=TODAY)
    body = Document(str(out)).element.body
    ids = [d.get("id") for d in body.iter(WP_DOCPR)]
    assert len(ids) == result.count == 6 and len(set(ids)) == 6


def test_if_fields_around_merge_fields_are_computed_per_letter(mailing, tmp_path) -> None:
    from tests.export.word_templates_xml import if_field

    db, ids = mailing
    result, doc = merge(
        db,
        tmp_path,
        [
            paragraph(if_field("Civilité", "=", "madame", "Chère Madame", "Cher client"), run(",")),
            paragraph(
                run("Âge "), if_field("Âge du véhicule (ans)", ">=", "15", "ancien", "récent")
            ),
            paragraph(if_field("Ville", "=", "T*", "Tourangeau", "")),
        ],
    )
    no_fields_left(doc)
    by_customer = dict(zip([c for c, _ in result.letters], letter_paragraphs(doc), strict=False))
    assert by_customer[ids["dupre"]] == ["Cher client,", "Âge ancien", "Tourangeau"]
    assert by_customer[ids["martin"]] == ["Chère Madame,", "Âge ancien", ""]
    assert by_customer[ids["petit"]] == ["Cher client,", "Âge récent", ""]


def test_an_if_field_naming_an_unknown_field_is_reported(mailing, tmp_path) -> None:
    from tests.export.word_templates_xml import if_field

    template = make_template(
        tmp_path / "t.docx", [paragraph(if_field("Pointure", "=", "42", "grand", "petit"))]
    )
    with pytest.raises(UnknownMergeFieldError) as caught:
        LetterTemplate(template).resolve(everyone())
    assert caught.value.names == ["Pointure"]


def test_a_field_the_merge_cannot_compute_is_refused(tmp_path) -> None:
    # a MERGEFIELD inside a field that is not IF (here inside a QUOTE field)
    quote = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> QUOTE </w:instrText></w:r>'
        + complex_field("Nom", "")
        + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    template = make_template(tmp_path / "t.docx", [paragraph(quote)])
    with pytest.raises(MergeError, match="cannot compute: \\{ QUOTE \\{ MERGEFIELD Nom \\} \\}"):
        LetterTemplate(template)


def test_other_fields_such_as_page_numbers_are_kept(mailing, tmp_path) -> None:
    db, _ = mailing
    page = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    result, doc = merge(
        db, tmp_path, [paragraph(run("{Nom}"))], template_kw={"footer": [paragraph(page)]}
    )
    footer = doc.sections[0].footer._element
    assert ["".join(t.text for t in footer.iter(qn("w:instrText")))] == [" PAGE "]


def test_a_word_template_dotx_is_read_and_an_old_doc_is_explained(mailing, tmp_path) -> None:
    import zipfile

    db, _ = mailing
    docx = make_template(tmp_path / "t.docx", [paragraph(run("Bonjour {Nom}"))])
    dotx = tmp_path / "modele.dotx"
    with zipfile.ZipFile(docx) as src, zipfile.ZipFile(dotx, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"wordprocessingml.document.main+xml", b"wordprocessingml.template.main+xml"
                )
            dst.writestr(item, data)
    with pytest.raises(ValueError):
        Document(str(dotx))  # python-docx alone refuses it
    with db.engine.connect() as conn:
        merge_target(conn, everyone(), tmp_path / "o.docx", template=dotx, today=TODAY)
    assert Document(str(tmp_path / "o.docx")).paragraphs[0].text == "Bonjour Dupré"
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(MergeError, match="old Word 97-2003 document"):
        LetterTemplate(old)


def test_fields_in_a_text_box_and_a_table_are_merged(mailing, tmp_path) -> None:
    db, _ = mailing
    v = 'xmlns:v="urn:schemas-microsoft-com:vml"'
    box = (
        f'<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" {v}>'
        "<w:r><w:t>avant </w:t></w:r>"
        '<w:r><w:pict><v:shape style="width:200pt;height:50pt"><v:textbox><w:txbxContent>'
        "<w:p><w:r><w:t>{Nom}</w:t></w:r></w:p>"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
        '<w:r><w:t xml:space="preserve"> après {Ville}</w:t></w:r></w:p>'
    )
    table = (
        '<w:tbl xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:tblPr/><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>'
        "<w:tr><w:tc><w:p><w:r><w:t>«Immatri</w:t></w:r><w:r><w:t>culation»</w:t></w:r></w:p>"
        "</w:tc></w:tr></w:tbl>"
    )
    result, doc = merge(db, tmp_path, [box, table])
    no_fields_left(doc)
    first_box = next(doc.element.body.iter("{urn:schemas-microsoft-com:vml}textbox"))
    assert "".join(t.text for t in first_box.iter(qn("w:t"))) == "Dupré"
    assert doc.tables[0].cell(0, 0).text == "AB-123-CD"
    assert doc.paragraphs[0].text == "avant  après Tours"
    assert len(doc.tables) == result.count


def test_marks_that_must_stay_unique_are_not_repeated(mailing, tmp_path) -> None:
    db, _ = mailing
    w14 = "http://schemas.microsoft.com/office/word/2010/wordml"
    p = (
        f'<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'xmlns:w14="{w14}" w14:paraId="1A2B3C4D" w14:textId="77777777">'
        '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:r><w:t>{Nom}</w:t></w:r>'
        '<w:bookmarkEnd w:id="0"/></w:p>'
    )
    result, doc = merge(db, tmp_path, [p])
    body = doc.element.body
    assert not list(body.iter(qn("w:bookmarkStart"))) and not list(body.iter(qn("w:bookmarkEnd")))
    assert all(f"{{{w14}}}paraId" not in e.attrib for e in body.iter(qn("w:p")))
    assert letter_paragraphs(doc)[0] == ["Dupré"] and result.count == 6


def _pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


@pytest.mark.skipif(word.pdf_converter() is None, reason="LibreOffice is not installed")
def test_libreoffice_prints_one_page_per_letter_and_one_sheet_per_full_page_of_labels(
    mailing, tmp_path
) -> None:
    from app.export.word_templates import starter_templates

    db, _ = mailing
    template = starter_templates()[0][1]
    with db.engine.connect() as conn:
        letters = merge_target(
            conn, everyone(), tmp_path / "l.docx", template=template, today=TODAY,
            per_vehicle=True, pdf=tmp_path / "l.pdf",
        )  # fmt: skip
        # 6 labels after 18 used ones fill a 3x8 sheet exactly: no blank page after it
        labels = merge_target(
            conn, everyone(), tmp_path / "e.docx", labels="3x8", offset=18, today=TODAY,
            pdf=tmp_path / "e.pdf",
        )  # fmt: skip
    assert _pdf_pages(tmp_path / "l.pdf") == letters.count == 8
    assert labels.count == 6 and _pdf_pages(tmp_path / "e.pdf") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for LibreOffice")
def test_the_pdf_is_converted_next_to_the_output_and_moved_into_place(
    tmp_path, monkeypatch
) -> None:
    """LibreOffice's output and profile go to a scratch folder next to the PDF, not the shared
    temporary folder; the PDF replaces an older one only when complete, keeping its mode."""
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text(
        "#!/bin/sh\n"
        'while [ "$1" != "--outdir" ]; do shift; done\n'
        f'out="$2"; echo "$out" > {tmp_path}/seen.txt\n'
        'printf "%%PDF-1.4 new" > "$out/$(basename "$3" .docx).pdf"\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    out.mkdir()
    (out / "l.docx").write_bytes(b"docx")
    pdf = out / "l.pdf"
    pdf.write_bytes(b"%PDF-1.4 old")
    pdf.chmod(0o640)
    assert word.convert_to_pdf(out / "l.docx", pdf) == pdf
    assert pdf.read_bytes() == b"%PDF-1.4 new" and stat.S_IMODE(pdf.stat().st_mode) == 0o640
    assert sorted(p.name for p in out.iterdir()) == ["l.docx", "l.pdf"]
    work = Path((tmp_path / "seen.txt").read_text().strip())
    assert work.parent == out and work.name.startswith(".l.pdf.cible-")


# --- labels that do not fit (issue 12, point 12) -------------------------------------------------


def _label_sizes(doc) -> list[list[int]]:
    """The font sizes (half-points) of each label cell's runs, in reading order."""
    table = doc.element.body.find(qn("w:tbl"))
    sizes = []
    for tr in table.iter(qn("w:tr")):
        for i, tc in enumerate(tr.findall(qn("w:tc"))):
            if i % 2 == 0:
                sizes.append([int(sz.get(qn("w:val"))) for sz in tc.iter(qn("w:sz"))])
    return sizes


def test_long_labels_shrink_and_those_still_cut_are_listed(tmp_path) -> None:
    from sqlalchemy import update

    from app.models import Customer

    db = open_database(tmp_path / "long.sqlite")
    ids = build_mailing_sample(db)
    with db.session() as s:
        # a long name, three address lines and a long city: cut at 9 pt on a 3x8 label
        s.execute(
            update(Customer)
            .where(Customer.id == ids["petit"])
            .values(
                first_name="Marie-Christine",
                last_name="Petit-Delaroche de Montbazon",
                address1="Résidence Les Jardins du Château de Montbazon",
                address2="Bâtiment B, escalier 4, appartement 1207",
                address3="Lieu-dit La Grande Bretonnière",
                city="Saint-Étienne-de-Chigny-sur-Loire",
            )
        )
        # far too long for any label, even in 7 pt
        s.execute(
            update(Customer)
            .where(Customer.id == ids["dupre"])
            .values(
                address1="Résidence " + "des Très Longs Noms de Rues " * 8,
                address2="Bâtiment " + "de la Grande Cour Intérieure " * 8,
                address3="Lieu-dit " + "Les Hauts Plateaux du Levant " * 8,
            )
        )
    out = tmp_path / "labels.docx"
    with db.engine.connect() as conn:
        result = merge_target(conn, everyone(), out, labels="3x8", today=TODAY, lang="fr")
    db.dispose()
    doc = Document(str(out))
    cells, sizes = label_cells(doc), _label_sizes(doc)
    by_name = {c.split("\n")[0]: s for c, s in zip(cells, sizes, strict=True) if c}
    petit = by_name["Monsieur et Madame Marie-Christine PETIT-DELAROCHE DE MONTBAZON"]
    assert petit and all(14 <= s < 18 for s in petit)  # smaller than 9 pt, not below 7 pt
    assert by_name["Madame Sophie MARTIN"] == [18]  # a short label keeps its 9 pt
    dupre = by_name["Monsieur Jean DUPRÉ"]
    assert dupre and all(s == 14 for s in dupre)  # down to the floor, and still cut
    assert result.cut_labels == ["Monsieur Jean DUPRÉ"]
    assert any("Monsieur Jean DUPRÉ" in w and "3x8" in w for w in result.warnings)
    # every postal code line is in the file: nothing is dropped, only listed
    assert "37000 TOURS" in cells[[c.split("\n")[0] for c in cells].index("Monsieur Jean DUPRÉ")]


@given(st.lists(st.text("abcdefghijklmnopqrstuvwxyz ", min_size=0, max_size=120), max_size=8))
@settings(max_examples=60, deadline=None)
def test_a_label_that_shrinks_fits_at_its_new_size(lines) -> None:
    """Whatever the text: either it fits at the size it is given, or it is at the floor."""
    from app.export.word.labels import LABEL_FLOOR_HALF_POINTS, label_text_height, shrink_to_fit

    layout = LABEL_LAYOUTS["3x8"]
    p = etree.fromstring(
        f'<w:p xmlns:w="{qn("w:p")[1:].split("}")[0]}"><w:r><w:rPr><w:sz w:val="20"/></w:rPr>'
        + "<w:br/>".join(f"<w:t>{line}</w:t>" for line in lines)
        + "</w:r></w:p>"
    )
    fits = shrink_to_fit([p], layout)
    sizes = [int(sz.get(qn("w:val"))) for sz in p.iter(qn("w:sz"))]
    assert all(LABEL_FLOOR_HALF_POINTS <= s <= 20 for s in sizes)
    if fits:
        assert label_text_height([p], layout) <= layout.height - 2
    else:
        assert sizes == [LABEL_FLOOR_HALF_POINTS]


# --- the site's details and the checks before writing ------------------------------------------


def test_site_fields_merge_the_customers_sites_details(mailing, tmp_path) -> None:
    db, _ = mailing
    result, doc = merge(
        db,
        tmp_path,
        [
            paragraph(run("«Site - Nom» «Site - Adresse» «Site - Code postal» «Site - Ville»")),
            paragraph(simple("Site - Téléphone"), run(" {Site - E-mail} «Site_-_Site_web»")),
            paragraph(run("«Site - Lien de réservation»")),
        ],
    )
    no_fields_left(doc)
    assert letter_paragraphs(doc)[0][:3] == [
        "Garage de Tours 145 avenue de Grammont 37000 Tours",
        "02 47 20 45 60 atelier@garage-tours.example https://garage-tours.example",
        "https://garage-tours.example/rdv",
    ]
    assert result.check is not None and not result.check
    assert result.warnings == []


def test_placeholders_are_listed_and_refused_only_when_asked(mailing, tmp_path) -> None:
    db, _ = mailing
    template = make_template(
        tmp_path / "t.docx",
        [
            paragraph(run("Bonjour {Nom}, nos portes ouvertes du [da"), run("tes] à [heures].")),
            paragraph(run("Références [1] et [ ] et [12/06] ne sont pas à remplir ; [dates].")),
        ],
        header=[paragraph(run("[Nom du garage]"))],
    )
    assert LetterTemplate(template).placeholders == ["[dates]", "[heures]", "[Nom du garage]"]
    out = tmp_path / "out.docx"
    with db.engine.connect() as conn:
        with pytest.raises(MergeError, match=r"\[dates\], \[heures\], \[Nom du garage\]"):
            merge_target(
                conn, everyone(), out, template=template, today=TODAY, allow_placeholders=False
            )
        assert not out.exists()
        result = merge_target(conn, everyone(), out, template=template, today=TODAY)
    assert out.exists()
    assert result.check is not None and result.check.placeholders == [
        "[dates]",
        "[heures]",
        "[Nom du garage]",
    ]
    assert any("3 texts in brackets" in w for w in result.warnings)


def test_letters_printing_a_past_due_date_are_counted_by_field(mailing, tmp_path) -> None:
    db, _ = mailing
    paragraphs = [paragraph(run("CT avant le «Date contrôle technique (CT)», {Marque}"))]
    # the sample's CT dates: 01/07/2024 (Dupré's Clio) and others; on 15/06/2024 none is past
    result, _doc = merge(db, tmp_path, paragraphs, per_vehicle=True)
    assert result.check is not None and result.check.overdue == {}
    later = TODAY.replace(year=TODAY.year + 1)
    with db.engine.connect() as conn:
        rows = [
            (x.row.values, x.row.vehicle_id)
            for x in word._letters(
                postal_funnel(
                    conn,
                    everyone(),
                    today=later,
                    columns=["vehicle.inspection_due_date"],
                ),
                True,
            )
            if x.row is not None
        ]
    past = sum(1 for values, _v in rows if values[0] is not None and values[0] < later)
    assert past > 0
    template = make_template(tmp_path / "ct.docx", paragraphs)
    with db.engine.connect() as conn:
        check = word.precheck_merge(
            conn, everyone(), template=template, today=later, per_vehicle=True
        )
    assert check.overdue == {"vehicle.inspection_due_date": past}
    [line] = check.warnings("fr")
    assert line.startswith(f"{past} lettre")
    assert "«Date contrôle technique (CT)»" in line and "15/06/2025" in line


def test_empty_site_details_are_counted(mailing, tmp_path) -> None:
    db, _ = mailing
    template = make_template(tmp_path / "t.docx", [paragraph(run("{Nom} {Site - Ville}"))])
    with db.engine.connect() as conn:
        full = word.precheck_merge(conn, everyone(), template=template, today=TODAY)
        assert full.empty_site == {}
        conn.execute(
            __import__("sqlalchemy").text("UPDATE site SET city = NULL WHERE code = 'TRS'")
        )
        empty = word.precheck_merge(conn, everyone(), template=template, today=TODAY)
        conn.rollback()
    assert empty.empty_site == {"customer.site_city": empty.count} and empty.count == 6
    assert "File › Sites…" in empty.warnings("en")[0]


def test_the_precheck_names_the_labels_the_merge_will_cut(tmp_path) -> None:
    from app.models import Customer

    db = open_database(tmp_path / "long.sqlite")
    ids = build_mailing_sample(db)
    with db.session() as s:
        s.execute(
            __import__("sqlalchemy")
            .update(Customer)
            .where(Customer.id == ids["dupre"])
            .values(
                address1="Résidence " + "des Très Longs Noms de Rues " * 8,
                address2="Bâtiment " + "de la Grande Cour Intérieure " * 8,
                address3="Lieu-dit " + "Les Hauts Plateaux du Levant " * 8,
            )
        )
    with db.engine.connect() as conn:
        check = word.precheck_merge(conn, everyone(), labels="3x8", today=TODAY)
        result = merge_target(conn, everyone(), tmp_path / "l.docx", labels="3x8", today=TODAY)
    db.dispose()
    assert result.cut_labels == ["Monsieur Jean DUPRÉ"]
    assert check.cut_labels == result.cut_labels
    assert check.warnings("en") == [w for w in result.warnings if "label" in w]


def test_letters_whose_header_reads_the_same_share_one_header_part(mailing, tmp_path) -> None:
    """The site's letterhead is the same for every customer of a site: one header part, not one
    per letter (5,000 letters made 10,000 parts); a header naming the customer is per letter."""
    db, _ = mailing
    for header, distinct in (("«Site - Nom» — «Site - Téléphone»", 1), ("Dossier {Nom}", 6)):
        result, doc = merge(
            db,
            tmp_path,
            [paragraph(run("Bonjour {Nom}"))],
            template_kw={"header": [paragraph(run(header))]},
        )
        refs = [s._sectPr.find(qn("w:headerReference")).get(qn("r:id")) for s in doc.sections]
        assert len(refs) == result.count == 6
        assert len(set(refs)) == distinct, header
        texts = {doc.part.related_parts[r].element.xpath("string(.)") for r in refs}
        if distinct == 1:
            assert texts == {"Garage de Tours — 02 47 20 45 60"}
        else:
            assert "Dossier Dupré" in texts and len(texts) == 6
