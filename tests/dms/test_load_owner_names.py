"""The owner's name of a vehicles, invoices or sales row against the customer Cible holds under
its (site, DMS reference): a plainly different name warns, the row still imports."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from app import i18n
from app.dms.fields import FileKind, suggest_mapping
from app.dms.load import NAME_MISMATCH, import_file, names_agree
from app.dms.report import write_report
from app.dms.sniff import sniff
from app.models.dealership import Customer, Vehicle

TODAY = dt.date(2026, 12, 2)
CUSTOMERS = [
    "N° client;Site;Nom;Prénom;Raison sociale",
    "100012;TRS;;;PHARMACIE DUMAS",
    "100013;TRS;DUPRÉ;Anne-Sophie;",
    "100014;TRS;GIRARD;Thomas;",
    "100015;TRS;LEFÈVRE;Émile;",
]
VEHICLES = "N° client;Site;Nom;Prénom;Raison sociale;Immat;VIN"


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    before = i18n.language()
    i18n.set_language(lang)
    try:
        yield
    finally:
        i18n.set_language(before)


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def run(database, path: Path, kind: FileKind, **options):
    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), kind)
    return import_file(database, path, kind, mapping, layout=layout, today=TODAY, **options)


def mismatches(result) -> list:
    return [p for p in result.report.problems if p.reason.msgid == NAME_MISMATCH]


def test_another_name_warns_and_the_row_still_imports(database, tmp_path):
    run(database, write_csv(tmp_path / "c.csv", CUSTOMERS), FileKind.CUSTOMERS)
    file = write_csv(
        tmp_path / "v.csv",
        [
            VEHICLES,
            "100012;TRS;GIRARD;Thomas;;AB-123-CD;VF1RJA00X63458127",
            "100014;TRS;GIRARD;Thomas;;EF-456-GH;VF1RFB00467812345",
        ],  # fmt: skip
    )
    result = run(database, file, FileKind.VEHICLES)
    [warning] = mismatches(result)
    assert (warning.row, warning.column, warning.value) == (2, "Nom", "GIRARD Thomas")
    assert warning.severity == "warning"
    with use_language("en"):
        assert warning.message == (
            "customer 100012 is named “PHARMACIE DUMAS” in Cible and “GIRARD Thomas” in the "
            "file: check the site and the number."
        )
    with use_language("fr"):
        assert warning.message == (
            "le client 100012 s’appelle « PHARMACIE DUMAS » dans Cible, « GIRARD Thomas » dans "
            "le fichier : vérifiez le site et le numéro."
        )
    report = result.report
    assert (report.name_mismatches, report.rows_with_warnings, result.rejected) == (1, 1, 0)
    assert result.new == 2  # both vehicles imported
    with database.session() as session:
        car = session.scalars(select(Vehicle).where(Vehicle.plate == "AB-123-CD")).one()
        assert car.owner.dms_ref == "100012"
        assert car.owner.company_name == "PHARMACIE DUMAS"  # the customer is not renamed
    path = tmp_path / "report.xlsx"
    with use_language("en"):
        write_report(report, path)
    book = openpyxl.load_workbook(path)
    rows = list(book["Problems"].iter_rows(values_only=True))
    with use_language("en"):
        assert (2, "Nom", "GIRARD Thomas", "Warning", warning.message) in rows[1:]
    summary = dict(book["Summary"].iter_rows(values_only=True))
    assert summary["Rows whose customer has another name in Cible"] == "1"


def test_the_same_names_written_differently_do_not_warn(database, tmp_path):
    run(database, write_csv(tmp_path / "c.csv", CUSTOMERS), FileKind.CUSTOMERS)
    file = write_csv(
        tmp_path / "v.csv",
        [
            VEHICLES,
            "100012;TRS;DUMAS;Jean;Pharmacie Dumas;AB-123-CD;VF1RJA00X63458127",  # company
            "100013;TRS;Anne Sophie;dupre;;EF-456-GH;VF1RFB00467812345",  # inverted, accents
            "100014;TRS;GIRRARD;;;JK-789-LM;VF1RFB00467812346",  # a typo, no first name
            "100015;TRS;lefevre;emile;;NP-012-QR;VF1RFB00467812347",  # case and accents
        ],
    )
    result = run(database, file, FileKind.VEHICLES)
    assert mismatches(result) == [] and result.report.name_mismatches == 0
    assert result.new == 4


def test_invoices_and_sales_rows_are_compared_too(database, tmp_path):
    run(database, write_csv(tmp_path / "c.csv", CUSTOMERS), FileKind.CUSTOMERS)
    invoices = write_csv(
        tmp_path / "f.csv",
        [
            "N° facture;Date facture;N° client;Site;Nom;Prénom;Montant HT",
            "F1;02/11/2026;100013;TRS;MOREAU;Luc;100,00",
        ],  # fmt: skip
    )
    result = run(database, invoices, FileKind.INVOICES)
    assert [p.row for p in mismatches(result)] == [2] and result.rejected == 0
    with database.session() as session:
        assert session.scalars(select(Customer).where(Customer.dms_ref == "100013")).one()


def test_no_name_columns_no_comparison_and_new_customers_are_not_compared(database, tmp_path):
    run(database, write_csv(tmp_path / "c.csv", CUSTOMERS), FileKind.CUSTOMERS)
    bare = write_csv(tmp_path / "a.csv", ["N° client;Site;Immat", "100012;TRS;AB-123-CD"])
    assert run(database, bare, FileKind.VEHICLES).report.name_mismatches == 0
    # 200001 is created by this file: a later row naming it otherwise is not "in Cible".
    file = write_csv(
        tmp_path / "b.csv",
        [
            VEHICLES,
            "200001;TRS;ROUX;Paul;;EF-456-GH;VF1RFB00467812345",
            "200001;TRS;ROUX;Paul;;JK-789-LM;VF1RFB00467812346",
        ],  # fmt: skip
    )
    assert run(database, file, FileKind.VEHICLES).report.name_mismatches == 0


def test_a_customers_file_renames_without_warning(database, tmp_path):
    run(database, write_csv(tmp_path / "c.csv", CUSTOMERS), FileKind.CUSTOMERS)
    renamed = write_csv(tmp_path / "d.csv", [CUSTOMERS[0], "100014;TRS;ROUX;Paul;"])
    result = run(database, renamed, FileKind.CUSTOMERS)
    assert result.report.name_mismatches == 0 and result.updated == 1


# -- the rule, for all names ------------------------------------------------------------------

_ACCENTED = {"e": "éèêë", "a": "àâä", "i": "îï", "o": "ôö", "u": "ùûü", "c": "ç"}
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=12)


def _rewritten(draw, word: str) -> str:
    """*word* with accents added and its letters' case changed at random."""
    out = []
    for letter in word:
        if letter in _ACCENTED and draw(st.booleans()):
            letter = draw(st.sampled_from(_ACCENTED[letter]))
        out.append(letter.upper() if draw(st.booleans()) else letter)
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), "".join(out))


@st.composite
def same_name_twice(draw):
    last, first = draw(words), draw(st.one_of(st.none(), words))
    company = draw(st.one_of(st.none(), st.lists(words, min_size=1, max_size=3).map(" ".join)))
    cible = (last, first, company)
    other_last = _rewritten(draw, last)
    other_first = _rewritten(draw, first) if first is not None else None
    other_company = _rewritten(draw, company) if company is not None else None
    if draw(st.booleans()):  # first and last name swapped
        other_last, other_first = other_first, other_last
    if draw(st.booleans()):  # the company given alone, or not at all
        other_last = other_first = None if other_company else other_last
    else:
        other_company = None
    file = (other_last, other_first, other_company)
    return file, cible


@given(same_name_twice())
def test_the_same_name_written_differently_never_warns(pair):
    file, cible = pair
    assert names_agree(file, cible)


@given(words, words, words, words)
def test_nothing_in_common_disagrees(a, b, c, d):
    from rapidfuzz.fuzz import token_set_ratio

    if max(token_set_ratio(x, y) for x in (a, b) for y in (c, d)) < 50:
        assert not names_agree((a, b, None), (c, d, None))


def test_examples_of_the_rule():
    assert names_agree(("GIRRARD", None, None), ("GIRARD", "Thomas", None))
    assert names_agree(("GIRARD", "Thomas", None), ("girard", None, None))
    assert names_agree((None, None, "Pharmacie Dumas"), (None, None, "PHARMACIE DUMAS"))
    assert names_agree(("D’Artagnan", "Jean-Luc", None), ("D ARTAGNAN", "jean luc", None))
    assert not names_agree(("GIRARD", "Thomas", None), (None, None, "PHARMACIE DUMAS"))
    assert names_agree((None, None, "Pharmacie Dumas"), ("DUMAS", "Jean", None))
    assert names_agree(("Dumas", "Jean", None), ("", None, "PHARMACIE DUMAS"))
    assert not names_agree(("DURAND", "Jean", None), (None, None, "PHARMACIE DUMAS"))
    assert not names_agree(("MARTIN", "Paul", None), ("BERNARD", "Luc", None))
