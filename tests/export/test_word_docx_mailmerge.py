"""docx-mailmerge's test templates (MIT, tests/export/corpus/docx-mailmerge/LICENSE.txt), saved
by Word 2010 for Windows, Word 2011 for Mac and others, merged by Cible: the letters read as the
templates say, for each customer.

The templates name their own fields (``first_name``, ``Voornaam``, ``class_grade``...); each test
renames them to Cible's fields in the field instructions only (the runs, the cached results, the
tables and section properties stay as Word wrote them), as a user would in Word's field dialog.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from app.export.word import LetterTemplate, merge_target
from app.models.db import open_database
from tests.export.mailing_sample import TODAY, build_mailing_sample, everyone

CORPUS = Path(__file__).parent / "corpus" / "docx-mailmerge"

#: Template → its field names → Cible's (a field name, label or key of the catalog).
MAPPINGS: dict[str, dict[str, str]] = {
    "test_winword2010": {
        "Titel": "Civilité",
        "Voornaam": "Prénom",
        "Achternaam": "Nom",
        "Adresregel_1": "customer.address",
        "Postcode": "Code postal",
        "Plaats": "Ville",
        "Provincie": "customer.dms_ref",
        "Land_of_regio": "customer.country",
    },
    "test_macword2011": {"address_line": "customer.address", "state": "customer.dms_ref"},
    "test_issue8": {"testfield": "Nom"},
    "test_merge_pages": {"fieldname": "Nom"},
    "test_merge_pages_paged": {"fieldname": "Nom"},
    "test_merge_templates_simple": {"fieldname": "Nom"},
    "test_multiple_elements": {"foo": "Nom", "bar": "Prénom", "gak": "Ville"},
    "test_spaces": {"Singleword": "Nom", "Hello world": "Prénom", "More than one space": "Ville"},
    "test_merge_table_rows": {
        "student_name": "Nom",
        "study_name": "Modèle",
        "class_code": "Immatriculation",
        "class_name": "Marque",
        "class_grade": "Code postal",
        "thesis_grade": "Ville",
    },
    "test_merge_table_multipart": {
        "student_name": "Nom",
        "study_name": "Modèle",
        "class_code": "Immatriculation",
        "class_name": "Marque",
        "class_grade": "Code postal",
        "thesis_grade": "Ville",
    },
}

_INSTR = re.compile(r'(<w:instrText[^>]*>)([^<]*)(</w:instrText>)|(w:instr=")([^"]*)(")')


def renamed(name: str, mapping: dict[str, str], folder: Path) -> Path:
    """A copy of corpus template *name* whose field instructions use Cible's names."""
    source = CORPUS / f"{name}.docx"
    target = folder / f"{name}.docx"

    def rename(text: str, quote: str = '"') -> str:
        for old, new in mapping.items():
            quoted = f"{quote}{new}{quote}" if " " in new else new
            text = re.sub(rf"(&quot;|\"){re.escape(old)}(&quot;|\")", quoted, text)
            text = re.sub(rf"(?<![\w]){re.escape(old)}(?![\w])", quoted, text)
        return text

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                xml = data.decode("utf-8")
                xml = _INSTR.sub(
                    lambda m: (
                        m.group(1) + rename(m.group(2)) + m.group(3)
                        if m.group(1)
                        else m.group(4) + rename(m.group(5), "&quot;") + m.group(6)
                    ),
                    xml,
                )
                data = xml.encode("utf-8")
            zout.writestr(item, data)
    return target


def letters_text(doc) -> list[list[str]]:
    """Each letter's paragraphs (table cells included, in order), cut at section breaks."""
    letters: list[list[str]] = [[]]
    for p in doc.element.body.iter(qn("w:p")):
        letters[-1].append("".join(t.text or "" for t in p.iter(qn("w:t"))))
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            letters.append([])
    if not letters[-1]:
        letters.pop()  # after the last letter's own section break
    return [[line for line in letter if line] for letter in letters]


@pytest.fixture(scope="module")
def garage(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("dmm") / "g.sqlite")
    build_mailing_sample(db)
    yield db
    db.dispose()


def merged(garage, name: str, tmp_path: Path, **kw):
    template = renamed(name, MAPPINGS[name], tmp_path)
    out = tmp_path / f"{name}.out.docx"
    with garage.engine.connect() as conn:
        result = merge_target(conn, everyone(), out, template=template, today=TODAY, **kw)
    doc = Document(str(out))
    body = doc.element.body
    # nothing of the template's fields is left: no instruction, no cached «field» result
    assert not list(body.iter(qn("w:instrText"))) and not list(body.iter(qn("w:fldSimple")))
    assert "«" not in "".join(t.text or "" for t in body.iter(qn("w:t")))
    letters = letters_text(doc)
    assert len(letters) == result.count == len(doc.sections)
    assert result.count == (8 if kw.get("per_vehicle") else 6)
    return result, letters


def test_every_template_of_the_corpus_is_read_with_its_fields() -> None:
    assert {p.stem for p in CORPUS.glob("*.docx")} == set(MAPPINGS)
    assert (CORPUS / "LICENSE.txt").read_text().startswith("Copyright (C) 2012 Bouke Haarsma")
    for name, mapping in MAPPINGS.items():
        assert set(LetterTemplate(CORPUS / f"{name}.docx").field_names) == set(mapping) | (
            {"first_name", "last_name", "postal_code", "city", "country", "date"}
            if name == "test_macword2011"
            else set()
        ), name


def test_winword_2010_letter(garage, tmp_path) -> None:
    _result, letters = merged(garage, "test_winword2010", tmp_path)
    assert letters[0] == [
        "Monsieur Jean Dupré",
        "12 rue Nationale",
        "37000 Tours C1 FR",
        "Groningen,",
        "Dear Jean,",
        "I hope this document from WinWord 2010 finds you well.",
        "Kind regards,",
        "docx-mailmerge.",
    ]
    assert letters[1][:3] == ["Madame Sophie Martin", "3 avenue de Paris", "78000 Versailles C3 FR"]


def test_mac_word_2011_letter(garage, tmp_path) -> None:
    _result, letters = merged(garage, "test_macword2011", tmp_path)
    assert letters[0] == [
        "Jean Dupré",
        "12 rue Nationale",
        "37000 Tours C1 FR",
        "Groningen, 15 juin 2024,",
        "Dear Jean,",
        "I hope this message finds you well.",
        "Kind regards,",
        "docx-mailmerge.",
    ]


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("test_issue8", ["Dupré"]),
        ("test_merge_pages", ["This is a template for the Dupré merge_list test case"]),
        ("test_merge_templates_simple", ["Merge : Dupré"]),
        ("test_multiple_elements", ["Dupré", "Jean", "Tours"]),
        ("test_spaces", ["Dupré", "Jean", "Tours"]),
    ],
)
def test_one_field_templates(garage, tmp_path, name, first) -> None:
    _result, letters = merged(garage, name, tmp_path)
    assert letters[0] == first
    assert "Martin" in " ".join(letters[1])  # the second customer's own letter


def test_a_two_page_template_gives_two_pages_per_letter(garage, tmp_path) -> None:
    _result, letters = merged(garage, "test_merge_pages_paged", tmp_path)
    assert letters[0] == [
        "This is a template for the Dupré merge_list test case, page 1",
        "This is a template for the Dupré merge_list test case, page 2",
    ]
    assert letters[1][0] == "This is a template for the Martin merge_list test case, page 1"
    doc = Document(str(tmp_path / "test_merge_pages_paged.out.docx"))
    breaks = [br for br in doc.element.body.iter(qn("w:br")) if br.get(qn("w:type")) == "page"]
    assert len(breaks) == 6  # the template's own page break, once in each letter


@pytest.mark.parametrize("name", ["test_merge_table_rows", "test_merge_table_multipart"])
def test_fields_in_a_table_are_merged_in_each_letter(garage, tmp_path, name) -> None:
    _result, letters = merged(garage, name, tmp_path, per_vehicle=True)
    first = letters[0]
    assert first[:2] == ["Grades", "Dupré received the grades for CLIO in the table below."]
    assert first[2:5] == ["Class Code", "Class Name", "Grade"]
    assert first[5:8] == ["AB-123-CD", "RENAULT", "37000"]
    assert first[8:] == ["THESIS", "Final thesis", "Tours"]
