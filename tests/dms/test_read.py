"""Extracts written the way DMS write them: Windows-1252, `;`, CRLF, BOM, quotes, XLSX; and bad
input that must give one clear message, never a traceback."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from app.dms import sniff as sniff_module
from app.dms.fields import FileKind, guess_kind, suggest_mapping
from app.dms.profile import Profile
from app.dms.read import preview, read_rows
from app.dms.sniff import Layout, sniff
from app.dms.validate import Severity, Validation, validate_file
from app.errors import ImportFileError

HEADERS = ["N° client", "Civilité", "Nom", "Prénom", "Adresse 1", "CP", "Ville",
           "Tél. domicile", "Portable", "E-mail"]  # fmt: skip
ROWS = [
    ["100001", "Monsieur", "DUPRÉ", "Jérôme", "3 rue des Lilas", "1000", "Bourg-en-Bresse",
     "04 74 22 33 44", "06 12 34 56 78", "j.dupre@example.fr"],
    ["100002", "Mme", "LEFÈVRE", "Hélène", "12, place du Marché", "37000", "Tours", "",
     "0033 6 98 76 54 32", "helene.lefevre@example.fr"],
]  # fmt: skip


def write_csv(
    path: Path, rows, *, sep=";", encoding="cp1252", bom=False, quote_all=False, newline="\r\n"
) -> Path:
    def cell(value: str) -> str:
        if quote_all or sep in value or '"' in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    text = newline.join(sep.join(cell(v) for v in row) for row in rows) + newline
    data = text.encode(encoding)
    path.write_bytes(("\ufeff".encode() if bom else b"") + data)
    return path


@pytest.mark.parametrize(
    "sep,encoding,bom,quote_all",
    [(";", "cp1252", False, False), (",", "utf-8", True, True), ("\t", "utf-8", False, False),
     ("|", "cp1252", False, True), (";", "utf-8", False, False)],
)  # fmt: skip
def test_text_extracts_are_sniffed_and_read(tmp_path, sep, encoding, bom, quote_all):
    path = write_csv(tmp_path / "clients.csv", [HEADERS, *ROWS], sep=sep, encoding=encoding,
                     bom=bom, quote_all=quote_all)  # fmt: skip
    layout = sniff(path)
    assert layout.format == "csv"
    assert layout.separator == sep
    assert layout.headers == tuple(HEADERS)
    shown = preview(path, layout)
    assert [list(r) for _n, r in shown.rows] == ROWS
    assert [n for n, _r in shown.rows] == [2, 3]
    kind = guess_kind(layout.headers)
    assert kind is FileKind.CUSTOMERS
    rows, report = validate_file(path, layout, suggest_mapping(list(layout.headers), kind), kind)
    assert report.rejected == 0
    assert rows[0].values["customer.postal_code"] == "01000"
    assert rows[0].values["customer.civility"] == "M."
    assert rows[1].values["customer.phone_mobile"] == "+33698765432"
    assert rows[1].values["customer.address"] == "12, place du Marché"


def test_header_row_below_a_title(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["Extraction clients du 02/01/2025"], [], HEADERS, *ROWS])
    layout = sniff(path)
    assert layout.header_row == 2
    assert layout.headers == tuple(HEADERS)


def _xlsx_openpyxl(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["N° client", "Immat", "VIN", "Marque", "Modèle", "Date MEC", "Km", "CP"])
    sheet.append(["100001", "AB-123-CD", "VF1RFB00X12345678", "RENAULT", "CLIO",
                  dt.datetime(2019, 3, 15), 45210, 1000])  # fmt: skip
    sheet.append(
        [100002, "ab123ce", "VF3 1234567 8901234", "PEUGEOT", "208", 43831, "12 500", 37000]
    )
    workbook.save(path)
    return path


def _xlsx_xlsxwriter(path: Path) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for column, header in enumerate(
        ["N° client", "Immat", "VIN", "Marque", "Modèle", "Date MEC", "Km", "CP"]
    ):
        sheet.write_string(0, column, header)
    sheet.write_row(1, 0, ["100001", "AB-123-CD", "VF1RFB00X12345678", "RENAULT", "CLIO"])
    sheet.write_datetime(1, 5, dt.datetime(2019, 3, 15), date_format)
    sheet.write_number(1, 6, 45210)
    sheet.write_number(1, 7, 1000)
    sheet.write_row(2, 0, [100002, "ab123ce", "VF3 1234567 8901234", "PEUGEOT", "208"])
    sheet.write_number(2, 5, 43831)
    sheet.write_row(2, 6, ["12 500", 37000])
    workbook.close()
    return path


@pytest.mark.parametrize("writer", [_xlsx_openpyxl, _xlsx_xlsxwriter])
def test_xlsx_extracts(tmp_path, writer):
    path = writer(tmp_path / "vehicules.csv")  # the name does not matter, the bytes do
    layout = sniff(path)
    assert layout.format == "xlsx"
    kind = guess_kind(layout.headers)
    assert kind is FileKind.VEHICLES
    rows, report = validate_file(path, layout, suggest_mapping(list(layout.headers), kind), kind)
    assert report.rejected == 0, [p.message for p in report.problems]
    first, second = (r.values for r in rows)
    assert first["vehicle.first_registration"] == dt.date(2019, 3, 15)
    assert second["vehicle.first_registration"] == dt.date(2020, 1, 1)  # Excel serial
    assert second["customer.dms_ref"] == "100002"  # a number cell, read as the reference
    assert second["vehicle.plate"] == "AB-123-CE"
    assert second["vehicle.vin"] == "VF31234567890123" + "4"
    assert first["vehicle.mileage"] == 45210 and second["vehicle.mileage"] == 12500


def test_old_xls_is_recognised(tmp_path):
    # No maintained library writes .xls (xlwt is unmaintained since 2017); calamine reads them.
    # Here only the detection is checked, from the OLE2 signature.
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    assert sniff_module.detect_format(path) == "xls"
    with pytest.raises(ImportFileError, match="old.xls"):
        list(read_rows(path, Layout("xls")))


# -- bad input -----------------------------------------------------------------------------------


def test_pdf_renamed_csv(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    with pytest.raises(ImportFileError, match=r"clients\.csv: .*PDF"):
        sniff(path)


def test_empty_file(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError, match=r"vide\.csv: the file is empty"):
        sniff(path)
    path.write_bytes(b"\r\n\r\n")
    with pytest.raises(ImportFileError, match="empty"):
        sniff(path)


def test_binary_file(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    with pytest.raises(ImportFileError, match=r"photo\.txt: .*binary"):
        sniff(path)


def test_two_gigabyte_file_is_refused(tmp_path):
    path = tmp_path / "enorme.csv"
    with open(path, "wb") as handle:  # sparse: takes no disk space
        handle.write(b"a;b\r\n")
        handle.truncate(2 * 1024**3)
    with pytest.raises(ImportFileError, match=r"enorme\.csv: the file is 2[.,]0"):
        sniff(path)


def test_missing_column_of_a_profile(tmp_path):
    path = write_csv(tmp_path / "clients.csv", [HEADERS[:-1], *[r[:-1] for r in ROWS]])
    profile = Profile("Irium clients", FileKind.CUSTOMERS,
                      {h: k for h, k in zip(HEADERS, ["customer.dms_ref"] + [None] * 8 +
                                                ["customer.email"], strict=True) if k})  # fmt: skip
    layout = sniff(path)
    with pytest.raises(ImportFileError, match=r"clients\.csv, row 1: the column “E-mail”"):
        profile.mapping_for(layout.headers, path)


def test_wrong_separator(tmp_path):
    path = write_csv(tmp_path / "clients.csv", [HEADERS, *ROWS])
    layout = Layout("csv", "cp1252", ",", headers=("N° client;Civilité;Nom",))
    with pytest.raises(ImportFileError, match=r"clients\.csv, row 1: .*separator"):
        Validation(path, layout, {0: "customer.dms_ref", 5: "customer.postal_code"},
                   FileKind.CUSTOMERS)  # fmt: skip


def test_no_reference_column(tmp_path):
    path = write_csv(tmp_path / "clients.csv", [HEADERS, *ROWS])
    with pytest.raises(ImportFileError, match="Customer number"):
        Validation(path, sniff(path), {2: "customer.last_name"}, FileKind.CUSTOMERS)


def test_wrong_encoding_names_the_row(tmp_path):
    path = write_csv(tmp_path / "clients.csv", [HEADERS, *ROWS], encoding="cp1252")
    layout = sniff(path)
    utf8 = Layout("csv", "utf-8", ";", header_row=0, headers=layout.headers)
    with pytest.raises(ImportFileError, match=r"clients\.csv, row \d: .*encoding utf-8"):
        validate_file(path, utf8, {0: "customer.dms_ref"}, FileKind.CUSTOMERS)


def test_us_dates_name_file_row_and_column(tmp_path):
    path = write_csv(tmp_path / "vehicules.csv", [
        ["N° client", "VIN", "Date MEC"],
        ["100001", "VF1RFB00X12345678", "03/15/2019"],
        ["100002", "VF1RFB00X12345679", "12/31/2020"],
    ])  # fmt: skip
    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), FileKind.VEHICLES)
    rows, report = validate_file(path, layout, mapping, FileKind.VEHICLES)
    assert rows == [] and report.rejected == 2
    problem = report.problems[0]
    assert (problem.row, problem.column, problem.severity) == (2, "Date MEC", Severity.ERROR)
    assert "US date" in problem.message
    # once the column is said to be month first, the same file reads
    rows, report = validate_file(
        path, layout, mapping, FileKind.VEHICLES, date_orders={"vehicle.first_registration": "mdy"}
    )
    assert [r.values["vehicle.first_registration"] for r in rows] == [
        dt.date(2019, 3, 15),
        dt.date(2020, 12, 31),
    ]


def test_row_with_too_many_values(tmp_path):
    path = write_csv(tmp_path / "c.csv", [HEADERS, ROWS[0], ROWS[1] + ["extra"]])
    layout = sniff(path)
    rows, report = validate_file(path, layout, {0: "customer.dms_ref"}, FileKind.CUSTOMERS)
    assert [r.number for r in rows] == [2]
    assert report.problems[0].row == 3 and "11 values" in report.problems[0].message
