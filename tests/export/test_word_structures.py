"""Structures Word writes (issue 12): each template merges as Word would, or is refused by name.

The templates come from tests/export/word_corpus.py (XML reproducing what Word writes); the
LibreOffice checks print merges to PDF and read them as a reader would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from app.export import word
from app.export.word import LetterTemplate, MergeError, merge_target
from app.models.db import open_database
from tests.export.mailing_sample import TODAY, build_mailing_sample, everyone
from tests.export.word_corpus import (
    build,
    fld,
    fld_simple,
    footnote_ref,
    numbered,
    para,
    text,
    text_box,
)


@pytest.fixture(scope="module")
def mailing(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("structures") / "w.sqlite")
    ids = build_mailing_sample(db)
    yield db, ids
    db.dispose()


def run_merge(db, template: Path, out: Path, **kw):
    with db.engine.connect() as conn:
        return merge_target(conn, everyone(), out, template=template, today=TODAY, **kw)


def body_letters(doc) -> list[list[str]]:
    letters: list[list[str]] = [[]]
    for p in doc.element.body.iterchildren(qn("w:p"), qn("w:tbl")):
        letters[-1].append("".join(t.text or "" for t in p.iter(qn("w:t"))))
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            letters.append([])
    return letters


def part_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read(name).decode() if name in package.namelist() else ""


def every_part(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return "".join(package.read(n).decode("utf-8", "replace") for n in package.namelist())


# --- 1. continuous last section ---------------------------------------------------------------


def test_a_continuous_last_section_still_gives_one_page_per_letter(mailing, tmp_path) -> None:
    db, _ = mailing
    template = build(tmp_path / "t.docx", [para(text("Bonjour "), fld("MERGEFIELD Nom", "«Nom»"))],
                     continuous=True)  # fmt: skip
    result = run_merge(db, template, tmp_path / "o.docx")
    body = Document(str(tmp_path / "o.docx")).element.body
    sections = list(body.iter(qn("w:sectPr")))
    assert len(sections) == result.count == 6
    for sect in sections:
        assert sect.find(qn("w:type")).get(qn("w:val")) == "nextPage"


# --- 2. Word's mail-merge settings --------------------------------------------------------------


def test_words_mail_merge_settings_and_data_source_are_not_copied(mailing, tmp_path) -> None:
    db, _ = mailing
    template = build(tmp_path / "t.docx", [para(fld("MERGEFIELD Nom", "«Nom»"))], mail_merge=True)
    assert "Office Address List" in every_part(template)  # the template has them
    run_merge(db, template, tmp_path / "o.docx")
    out = every_part(tmp_path / "o.docx")
    assert "mailMerge" not in out.replace("mailMergeSource", "")
    for leaked in ("Office Address List", "SELECT", "Clients.mdb", "marie.dubois"):
        assert leaked not in out
    assert "mailMergeSource" not in part_xml(tmp_path / "o.docx", "word/_rels/settings.xml.rels")


# --- 3. ADDRESSBLOCK and GREETINGLINE -----------------------------------------------------------


def test_address_block_and_greeting_line_never_print_the_preview(mailing, tmp_path) -> None:
    db, ids = mailing
    template = build(
        tmp_path / "t.docx",
        [
            para(fld('ADDRESSBLOCK \\f "<<_TITLE0_ >><<_FIRST0_ >><<_LAST0_>>\n<<_STREET1_>>\n'
                     '<<_POSTAL_ >><<_CITY_>>" \\l 1036 \\c 1 \\e "France" \\d',
                     "M. Jean DUPONT 3 rue de la Paix 75002 PARIS")),
            para(fld('GREETINGLINE \\f "<<_BEFORE_ Cher >><<_TITLE0_ >><<_LAST0_>><<,_AFTER_ >>" '
                     '\\l 1036 \\e "Madame, Monsieur,"', "Cher M. DUPONT,")),
            para(fld_simple("GREETINGLINE \\f \"<<_TITLE0_>><<,_AFTER_ >>\" \\l 1036", "M.,")),
        ],
    )  # fmt: skip
    result = run_merge(db, template, tmp_path / "o.docx")
    out = every_part(tmp_path / "o.docx")
    assert "DUPONT" not in out and "rue de la Paix" not in out
    letters = body_letters(Document(str(tmp_path / "o.docx")))
    first = letters[[c for c, _ in result.letters].index(ids["dupre"])]
    assert "DUPRÉ" in first[0] and "37000" in first[0]
    assert first[1] == "Monsieur Dupré,"
    assert first[2] == "Monsieur,"


def test_address_block_country_and_company_switches(tmp_path) -> None:
    """ADDRESSBLOCK's switches as Microsoft documents them ("Field codes: AddressBlock field"):
    ``\\c 0`` never prints the country, ``\\c 1`` always, ``\\c 2`` unless it is one of the
    ``\\e`` countries; ``<<_COMPANY_>>`` in the ``\\f`` format adds a person's company."""
    from sqlalchemy import update

    from app.models import Customer

    db = open_database(tmp_path / "abc.sqlite")
    ids = build_mailing_sample(db)
    with db.session() as s:
        s.execute(
            update(Customer)
            .where(Customer.id == ids["martin"])
            .values(country="BE", postal_code="1000", city="Bruxelles", address1="Rue Haute 5")
        )
        s.execute(
            update(Customer).where(Customer.id == ids["dupre"]).values(company_name="Dupré SARL")
        )
    fmt = '\\f "<<_TITLE0_ >><<_FIRST0_ >><<_LAST0_>>\n<<_COMPANY_\n>><<_STREET1_\n>><<_POSTAL_ >><<_CITY_>><<\n_COUNTRY_>>"'
    template = build(
        tmp_path / "t.docx",
        [
            para(fld(f'ADDRESSBLOCK {fmt} \\l 1036 \\c 2 \\e "France" \\d', "M. X")),
            para(text("--")),
            para(fld('ADDRESSBLOCK \\f "<<_LAST0_>>" \\c 1', "X")),
            para(text("--")),
            para(fld('ADDRESSBLOCK \\c 0', "X")),
            para(text("--")),
            para(fld("ADDRESSBLOCK", "X")),
        ],
    )  # fmt: skip
    out = tmp_path / "o.docx"
    with db.engine.connect() as conn:
        result = merge_target(conn, everyone(), out, template=template, today=TODAY, lang="fr")
    db.dispose()
    letters: list[list[str]] = [[]]
    for p in Document(str(out)).element.body.iter(qn("w:p")):
        letters[-1].append(
            "".join(
                "\n" if el.tag == qn("w:br") else el.text or ""
                for el in p.iter(qn("w:t"), qn("w:br"))
            )
        )
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            letters.append([])
    cells = {customer: lines for (customer, _v), lines in zip(result.letters, letters, strict=False)}

    def blocks(customer: int) -> list[list[str]]:
        found: list[list[str]] = [[]]
        for line in cells[customer]:
            if line == "--":
                found.append([])
            elif line:
                found[-1].append(line)
        return found

    dupre, martin = blocks(ids["dupre"]), blocks(ids["martin"])
    # \c 2 \e "France": a French address has no country line, a Belgian one has BELGIQUE
    assert dupre[0] == ["Monsieur Jean DUPRÉ\nDupré SARL\n12 rue Nationale\n37000 TOURS"]
    assert martin[0][0].endswith("1000 BRUXELLES\nBELGIQUE")
    # \c 1: always, FRANCE included; no _COMPANY_ in its format: no company line
    assert dupre[1] == ["Monsieur Jean DUPRÉ\n12 rue Nationale\n37000 TOURS\nFRANCE"]
    # \c 0: never
    assert martin[2][0].endswith("1000 BRUXELLES")
    # no switch: Cible's own block (the country's code when it is not France)
    assert dupre[3] == ["Monsieur Jean DUPRÉ\n12 rue Nationale\n37000 TOURS"]
    assert martin[3][0].endswith("1000 BRUXELLES\nBE")


# --- 4. footnotes, endnotes, text boxes ---------------------------------------------------------


def test_footnotes_and_text_boxes_are_merged_for_each_letter(mailing, tmp_path) -> None:
    db, ids = mailing
    template = build(
        tmp_path / "t.docx",
        [
            para(text("Offre réservée"), footnote_ref(1), text(".")),
            para(text_box(para(text("Pour "), fld_simple("MERGEFIELD Nom", "«Nom»")))),
        ],
        footnotes=[text(" Valable pour ") + fld("MERGEFIELD Nom", "«Nom»")],
    )
    result = run_merge(db, template, tmp_path / "o.docx")
    notes = etree.fromstring(part_xml(tmp_path / "o.docx", "word/footnotes.xml").encode())
    texts = {
        n.get(qn("w:id")): "".join(t.text or "" for t in n.iter(qn("w:t")))
        for n in notes.iter(qn("w:footnote"))
        if n.get(qn("w:type")) is None
    }
    body = Document(str(tmp_path / "o.docx")).element.body
    refs = [r.get(qn("w:id")) for r in body.iter(qn("w:footnoteReference"))]
    assert len(refs) == len(set(refs)) == result.count == len(texts)
    assert texts[refs[0]] == " Valable pour Dupré"
    assert "«" not in "".join(texts.values()) and "MERGEFIELD" not in every_part(
        tmp_path / "o.docx"
    )
    boxes = [
        "".join(t.text or "" for t in b.iter(qn("w:t"))) for b in body.iter(qn("w:txbxContent"))
    ]
    assert boxes[0] == "Pour Dupré" and len(boxes) == result.count


# --- 5. IF fields -------------------------------------------------------------------------------


def test_if_with_a_simple_mergefield_and_nested_ifs_are_computed(mailing, tmp_path) -> None:
    db, ids = mailing
    nested = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        + fld_simple("MERGEFIELD Civilité", "«Civilité»")
        + '<w:r><w:instrText xml:space="preserve">="Madame" "Chère Madame" </w:instrText></w:r>'
        + '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        + fld("MERGEFIELD Civilité", "«Civilité»")
        + '<w:r><w:instrText xml:space="preserve"> = "Monsieur" "Cher Monsieur" '
        '"Madame, Monsieur" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Cher Monsieur</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Chère Madame</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    template = build(tmp_path / "t.docx", [para(nested, text(","))])
    result = run_merge(db, template, tmp_path / "o.docx")
    letters = body_letters(Document(str(tmp_path / "o.docx")))
    by_id = dict(zip([c for c, _ in result.letters], letters, strict=False))
    assert by_id[ids["dupre"]][0] == "Cher Monsieur,"
    assert by_id[ids["martin"]][0] == "Chère Madame,"
    assert by_id[ids["petit"]][0] == "Madame, Monsieur,"
    assert "instrText" not in part_xml(tmp_path / "o.docx", "word/document.xml")


def test_an_if_over_several_paragraphs_is_refused_with_its_text(tmp_path) -> None:
    first = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        + fld("MERGEFIELD Civilité", "«Civilité»")
        + '<w:r><w:instrText xml:space="preserve"> = "Madame" "Chère Madame,</w:instrText></w:r>'
    )
    second = (
        '<w:r><w:instrText xml:space="preserve">merci" "" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    template = build(tmp_path / "t.docx", [para(first), para(second)])
    with pytest.raises(MergeError, match="IF \\{ MERGEFIELD Civilité \\}.*several paragraphs"):
        LetterTemplate(template)


@pytest.mark.parametrize("name", ["NEXTIF", "SKIPIF"])
def test_nextif_and_skipif_are_refused_by_name(tmp_path, name) -> None:
    template = build(tmp_path / "t.docx", [para(fld(f'{name} "a" = "b"', ""), text("x"))])
    with pytest.raises(MergeError, match=name):
        LetterTemplate(template)


# --- 6. numbered lists --------------------------------------------------------------------------


def test_numbered_lists_start_again_in_each_letter(mailing, tmp_path) -> None:
    db, _ = mailing
    template = build(
        tmp_path / "t.docx",
        [numbered(text("Vidange")), numbered(text("Freins")), para(fld("MERGEFIELD Nom", ""))],
        numbering=True,
    )
    result = run_merge(db, template, tmp_path / "o.docx")
    doc = Document(str(tmp_path / "o.docx"))
    ids = [n.get(qn("w:val")) for n in doc.element.body.iter(qn("w:numId"))]
    per_letter = [ids[i : i + 2] for i in range(0, len(ids), 2)]
    assert len(per_letter) == result.count and all(a == b for a, b in per_letter)
    assert len({a for a, _ in per_letter}) == result.count  # each letter its own list
    numbering = doc.part.numbering_part.element
    for num_id, _ in per_letter[1:]:
        num = numbering.xpath(f'./w:num[@w:numId="{num_id}"]')[0]
        assert num.xpath("./w:lvlOverride/w:startOverride/@w:val") == ["1"]


def _word_list_numbers(out: Path) -> list[list[str]]:
    """The numbers Word shows before the list paragraphs of each letter, read from the output's
    document.xml and numbering.xml as Word counts (ECMA-376 §17.9): list definitions (w:num)
    that share an abstract list continue its count, unless a w:num has a w:startOverride for
    the level, which starts that level again the first time the w:num is used."""
    with zipfile.ZipFile(out) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        numbering = etree.fromstring(package.read("word/numbering.xml"))
    w = qn("w:val")
    nums = {n.get(qn("w:numId")): n for n in numbering.iter(qn("w:num"))}
    starts = {
        (a.get(qn("w:abstractNumId")), lvl.get(qn("w:ilvl"))): int(
            lvl.find(qn("w:start")).get(w)
        )
        for a in numbering.iter(qn("w:abstractNum"))
        for lvl in a.iter(qn("w:lvl"))
    }
    counters: dict[tuple[str, str], int] = {}
    used: set[str] = set()
    letters: list[list[str]] = [[]]
    for p in body.iter(qn("w:p")):
        num_pr = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None:
            num_id = num_pr.find(qn("w:numId")).get(w)
            ilvl = num_pr.find(qn("w:ilvl")).get(w)
            num = nums[num_id]
            key = (num.find(qn("w:abstractNumId")).get(w), ilvl)
            override = num.xpath(
                f'./w:lvlOverride[@w:ilvl="{ilvl}"]/w:startOverride/@w:val',
                namespaces={"w": qn("w:p")[1:].split("}")[0]},
            )
            if override and num_id not in used:
                counters[key] = int(override[0])
            else:
                counters[key] = counters.get(key, starts[key] - 1) + 1
            used.add(num_id)
            letters[-1].append(f"{counters[key]}.")
        if p.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            letters.append([])
    return [numbers for numbers in letters if numbers]


def test_three_letters_each_number_their_list_from_one_in_numbering_xml(
    mailing, tmp_path
) -> None:
    """Issue 12, point 6: letter 27 read "79. 80. 81.". Each letter has its own w:num, with a
    restart at 1, so that Word (and LibreOffice) count each letter's list from one."""
    db, ids = mailing
    template = build(
        tmp_path / "t.docx",
        [
            para(fld("MERGEFIELD Nom", "")),
            numbered(text("Vidange")),
            numbered(text("Freins")),
            numbered(text("Pneus")),
        ],
        numbering=True,
    )
    out = tmp_path / "o.docx"
    three = everyone(removed={ids["somfy"], ids["petit"], ids["dupre"]})
    with db.engine.connect() as conn:
        result = merge_target(conn, three, out, template=template, today=TODAY)
    assert result.count == 3
    assert _word_list_numbers(out) == [["1.", "2.", "3."]] * 3
    # each letter's paragraphs point at one w:num of their own, found in numbering.xml
    with zipfile.ZipFile(out) as package:
        body = etree.fromstring(package.read("word/document.xml"))
        numbering = etree.fromstring(package.read("word/numbering.xml"))
    ids_in_body = [n.get(qn("w:val")) for n in body.iter(qn("w:numId"))]
    per_letter = [ids_in_body[i : i + 3] for i in range(0, len(ids_in_body), 3)]
    assert len(per_letter) == 3
    assert all(len(set(letter)) == 1 for letter in per_letter)
    assert len({letter[0] for letter in per_letter}) == 3
    defined = {n.get(qn("w:numId")) for n in numbering.iter(qn("w:num"))}
    assert {letter[0] for letter in per_letter} <= defined


def test_the_list_counter_reads_a_shared_list_as_one_count(tmp_path) -> None:
    """The counter of the test above sees the bug: three letters sharing numId 20 count on."""
    template = build(
        tmp_path / "t.docx",
        [numbered(text(x)) for x in ("a", "b", "c")] * 3,
        numbering=True,
    )
    assert _word_list_numbers(template) == [[f"{n}." for n in range(1, 10)]]


# --- 7. NEXT, MERGEREC, MERGESEQ ----------------------------------------------------------------


def test_a_word_label_sheet_with_next_shows_a_different_customer_in_each_label(
    mailing, tmp_path
) -> None:
    db, _ = mailing
    cell = '<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>{}</w:tc>'
    first = para(fld("MERGEFIELD Nom", "«Nom»"), text(" #"), fld("MERGEREC", "1"))
    other = para(fld("NEXT", ""), fld("MERGEFIELD Nom", "«Nom»"), text(" #"),
                 fld("MERGESEQ", "1"))  # fmt: skip
    table = (
        f"<w:tbl {__import__('docx.oxml.ns', fromlist=['nsdecls']).nsdecls('w')}>"
        '<w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="3000"/>'
        '<w:gridCol w:w="3000"/></w:tblGrid>'
        f"<w:tr>{cell.format(first)}{cell.format(other)}</w:tr>"
        f"<w:tr>{cell.format(other)}{cell.format(other)}</w:tr></w:tbl>"
    )
    template = build(tmp_path / "t.docx", [table, para()])
    result = run_merge(db, template, tmp_path / "o.docx")
    doc = Document(str(tmp_path / "o.docx"))
    cells = [
        "".join(t.text or "" for t in tc.iter(qn("w:t")))
        for tc in doc.element.body.iter(qn("w:tc"))
    ]
    assert result.count == 6 and len(cells) == 8  # two sheets of four labels
    assert [c.split(" #")[1] for c in cells[:6]] == ["1", "2", "3", "4", "5", "6"]
    assert len({c.split(" #")[0] for c in cells[:6]}) >= 5  # not one customer four times
    assert [c.split(" #")[0] for c in cells[6:]] == ["", ""]  # after the last record: no one
    assert len(list(doc.element.body.iter(qn("w:sectPr")))) == 2


# --- 8. switches --------------------------------------------------------------------------------


def test_date_and_number_pictures(mailing, tmp_path) -> None:
    db, ids = mailing
    template = build(
        tmp_path / "t.docx",
        [
            para(fld('MERGEFIELD "Date MEC" \\@ "dddd d MMMM yyyy"', "«Date MEC»")),
            para(fld('MERGEFIELD "Date du jour" \\@ "d MMMM yyyy"', "")),
            para(fld('MERGEFIELD Nom \\* Upper \\b "M. "', "")),
        ],
    )
    result = run_merge(db, template, tmp_path / "o.docx")
    letters = body_letters(Document(str(tmp_path / "o.docx")))
    first = letters[[c for c, _ in result.letters].index(ids["dupre"])]
    assert first == ["mercredi 10 mars 2004", "15 juin 2024", "M. DUPRÉ"]


def test_word_number_picture() -> None:
    from app.export.word.compute import word_date_pattern, word_number

    assert word_number(1234.5, "# ##0,00 €", "fr") == "1\u202f234,50 €"
    assert word_number(1234.5, "0.00", "en") == "1,234.50"
    assert word_number(87000, "# ##0 km", "fr") == "87\u202f000 km"
    assert word_date_pattern("dddd d MMMM yyyy") == "EEEE d MMMM yyyy"
    assert word_date_pattern("dd/MM/yy") == "dd/MM/yy"


# --- 9. page numbers ----------------------------------------------------------------------------


def test_numpages_counts_the_pages_of_each_letter(mailing, tmp_path) -> None:
    db, _ = mailing
    footer = [para(text("Page "), fld("PAGE", "1"), text(" sur "), fld("NUMPAGES", "53"))]
    template = build(tmp_path / "t.docx", [para(fld("MERGEFIELD Nom", ""))], footer=footer)
    run_merge(db, template, tmp_path / "o.docx")
    out = every_part(tmp_path / "o.docx")
    assert "NUMPAGES" not in out and "SECTIONPAGES" in out


# --- 11. messages -------------------------------------------------------------------------------


def test_a_password_protected_docx_is_named_as_such(tmp_path) -> None:
    # An encrypted Office package is an OLE compound file holding EncryptionInfo and
    # EncryptedPackage streams ([MS-OFFCRYPTO] 2.3.4); its directory names are UTF-16.
    path = tmp_path / "protégé.docx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
                     + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512)  # fmt: skip
    with pytest.raises(MergeError, match="password"):
        LetterTemplate(path)
    old = tmp_path / "vieux.doc"
    old.write_bytes(header + b"\x00" * 1024)
    with pytest.raises(MergeError, match="97-2003"):
        LetterTemplate(old)


# --- 15. read as a reader does: LibreOffice prints the merge ------------------------------------


def _needs_libreoffice() -> None:
    if word.pdf_converter() is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install LibreOffice Writer and poppler-utils (soffice, pdftotext)")
        pytest.skip("LibreOffice or pdftotext is not installed")


def _pdf_text(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext reads it."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def test_libreoffice_prints_each_letter_on_its_own_pages_with_its_own_numbers(
    mailing, tmp_path
) -> None:
    _needs_libreoffice()
    db, _ = mailing
    footer = [para(text("Page "), fld("PAGE", "1"), text(" sur "), fld("NUMPAGES", "53"))]
    template = build(
        tmp_path / "t.docx",
        [
            para(fld('ADDRESSBLOCK \\f "<<_LAST0_>>"', "M. Jean DUPONT")),
            para(text("Client "), fld("MERGEFIELD Nom", "«Nom»"), footnote_ref(1)),
            numbered(text("Vidange")),
            numbered(text("Freins")),
        ],
        continuous=True,
        mail_merge=True,
        footnotes=[fld_simple("MERGEFIELD Nom", "«Nom»")],
        footer=footer,
        numbering=True,
    )
    result = run_merge(db, template, tmp_path / "o.docx", pdf=tmp_path / "o.pdf")
    pages = _pdf_text(tmp_path / "o.pdf")
    assert len(pages) == result.count == 6
    for page in pages:
        assert "Page 1 sur 1" in page
        assert re.search(r"^\s*1\.\s+Vidange", page, re.M) and re.search(
            r"^\s*2\.\s+Freins", page, re.M
        )
        assert "DUPONT" not in page
    assert "Dupré" in pages[0]


# --- 10 and 11: the command line ----------------------------------------------------------------


def test_an_unwritable_pdf_is_refused_before_anything_is_written(mailing, tmp_path) -> None:
    db, _ = mailing
    template = build(tmp_path / "t.docx", [para(fld("MERGEFIELD Nom", ""))])
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "o.pdf").mkdir()  # a folder where the PDF should go
    with pytest.raises(MergeError, match="Cannot write the PDF .*folder"):
        run_merge(db, template, tmp_path / "o.docx", pdf=locked / "o.pdf")
    with pytest.raises(MergeError, match="does not exist"):
        run_merge(db, template, tmp_path / "o.docx", pdf=tmp_path / "nowhere" / "o.pdf")
    assert not (tmp_path / "o.docx").exists()


def test_a_pdf_conversion_that_fails_leaves_no_letters(mailing, tmp_path, monkeypatch) -> None:
    from app.export.word import merge as merge_module

    db, _ = mailing
    template = build(tmp_path / "t.docx", [para(fld("MERGEFIELD Nom", ""))])

    def fail(docx, pdf, **kw):
        raise MergeError("LibreOffice could not convert o.docx to PDF.")

    monkeypatch.setattr(merge_module, "convert_to_pdf", fail)
    with pytest.raises(MergeError, match="could not convert"):
        run_merge(db, template, tmp_path / "o.docx", pdf=tmp_path / "o.pdf")
    assert not (tmp_path / "o.docx").exists()


def test_a_template_without_fields_is_warned_about(mailing, tmp_path) -> None:
    db, _ = mailing
    template = build(tmp_path / "t.docx", [para(text("Bonjour"))])
    result = run_merge(db, template, tmp_path / "o.docx")
    assert result.warnings and "no merge field" in result.warnings[0]


def test_a_template_saved_by_libreoffice_merges(mailing, tmp_path) -> None:
    """The Word-style template saved again by LibreOffice Writer, then merged and printed."""
    _needs_libreoffice()
    db, ids = mailing
    word_made = build(
        tmp_path / "word.docx",
        [
            para(
                fld("MERGEFIELD Civilité", "«Civilité»"),
                text(" "),
                fld_simple("MERGEFIELD Nom", "«Nom»"),
            ),
            para(text("Votre garage")),
        ],
        continuous=True,
        mail_merge=True,
    )
    saved = tmp_path / "lo"
    saved.mkdir()
    subprocess.run(
        [word.pdf_converter(), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--headless", "--convert-to", "docx", "--outdir", str(saved), str(word_made)],
        capture_output=True, check=True, timeout=300,
    )  # fmt: skip
    result = run_merge(db, saved / "word.docx", tmp_path / "o.docx", pdf=tmp_path / "o.pdf")
    pages = _pdf_text(tmp_path / "o.pdf")
    assert len(pages) == result.count == 6
    assert "Monsieur Dupré" in pages[0] and all("Votre garage" in p for p in pages)
    assert "«" not in "".join(pages)
