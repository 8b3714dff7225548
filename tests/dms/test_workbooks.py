"""Excel workbooks end to end, through ``python -m app import``: one written by openpyxl and
one as LibreOffice saves it (XLSX and old XLS, tests/dms/fixtures/README.md); dates as Excel
serials and as date cells, codes kept as text; the sheet chosen by name; ``--save-profile``."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from app.__main__ import main
from app.dms.profile_store import find_profile
from app.dms.sniff import sniff
from app.errors import ImportFileError
from app.models.db import open_database

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parents[2] / "app" / "resources" / "examples"
EXCEL_EPOCH = dt.date(1899, 12, 30)


def serial(day: dt.date) -> int:
    return (day - EXCEL_EPOCH).days


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


CUSTOMERS = "select dms_ref, last_name, postal_code, birth_date, phone_mobile from customer"
VEHICLES = (
    "select v.vin, v.plate, v.first_registration, c.dms_ref from vehicle v "
    "join customer c on c.id = v.owner_id"
)


def run(*args: str) -> int:
    return main(["import", *map(str, args), "--lang", "en", "--today", "2026-12-02"])


# --- as LibreOffice saves them ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["clients_vehicules.xlsx", "clients_vehicules.xls"])
def test_a_workbook_saved_by_libreoffice_imports_as_its_csv(tmp_path, capsys, name) -> None:
    from_csv, from_book = tmp_path / "csv.sqlite", tmp_path / "book.sqlite"
    assert run(FIXTURES / "clients_vehicules.csv", "--db", from_csv, "--kind", "vehicles") == 0
    capsys.readouterr()
    assert run(FIXTURES / name, "--db", from_book, "--kind", "vehicles") == 0
    out = capsys.readouterr().out
    assert f"{name}: vehicles, 3 rows read: 3 new, 0 updated, 0 unchanged, 0 rejected" in out
    customers = sorted(rows(from_book, CUSTOMERS))
    assert customers == [
        ("000123", "DUPRÉ", "01000", "1970-12-31", "+33612345678"),  # codes kept as text
        ("000124", "LEFÈVRE", "37000", "1985-02-01", "+33698765432"),
        ("2001", "MARTIN", "01000", None, None),  # the zero Excel took off is put back
    ]
    vehicles = sorted(rows(from_book, VEHICLES))
    assert vehicles == [  # "Date MEC" was an Excel serial number in the workbook
        ("VF1RJA00X12345678", "AB-123-CD", "2024-01-01", "000123"),
        ("VF1RJA00X12345679", "EF-456-GH", "2023-01-01", "000124"),
        ("VF1RJA00X12345680", "IJ-789-KL", "2020-01-01", "2001"),
    ]
    assert customers == sorted(rows(from_csv, CUSTOMERS))
    assert vehicles == sorted(rows(from_csv, VEHICLES))
    # the same workbook again changes nothing
    assert run(FIXTURES / name, "--db", from_book, "--kind", "vehicles") == 0
    assert "0 new, 0 updated, 3 unchanged" in capsys.readouterr().out


# --- written by openpyxl, two sheets ------------------------------------------------------


def workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    clients = book.active
    clients.title = "Clients"
    clients.append(["N° client", "Nom", "Prénom", "CP", "Date naissance"])
    clients.append(["000123", "DUPRÉ", "Jean", "01000", dt.date(1970, 12, 31)])
    clients.append(["000124", "LEFÈVRE", "Élodie", "37000", serial(dt.date(1985, 2, 1))])
    clients.append([2001, "MARTIN", "Luc", 1000, "01/02/1985"])  # numbers, as Excel makes them
    for cell in ("A2", "A3", "D2", "D3"):
        clients[cell].number_format = "@"
    vehicles = book.create_sheet("Véhicules")
    vehicles.append(["N° client", "Immat", "VIN", "Date MEC"])
    vehicles.append(["000123", "AB-123-CD", "VF1RJA00X12345678", serial(dt.date(2024, 1, 1))])
    vehicles.append(["2001", "IJ-789-KL", "VF1RJA00X12345680", dt.datetime(2020, 1, 1)])
    book.save(path)
    return path


def test_the_first_sheet_by_default_then_another_by_name(tmp_path, capsys) -> None:
    book, db = workbook(tmp_path / "export.xlsx"), tmp_path / "cible.sqlite"
    layout = sniff(book)
    assert layout.sheets == ("Clients", "Véhicules") and layout.sheet_name == "Clients"
    assert run(book, "--db", db) == 0
    assert "export.xlsx: customers, 3 rows read: 3 new" in capsys.readouterr().out
    assert sorted(rows(db, "select dms_ref, postal_code, birth_date from customer")) == [
        ("000123", "01000", "1970-12-31"),
        ("000124", "37000", "1985-02-01"),
        ("2001", "01000", "1985-02-01"),
    ]
    assert run(book, "--db", db, "--sheet", "Véhicules") == 0
    assert "export.xlsx: vehicles, 2 rows read: 2 new" in capsys.readouterr().out
    assert sorted(rows(db, VEHICLES)) == [
        ("VF1RJA00X12345678", "AB-123-CD", "2024-01-01", "000123"),
        ("VF1RJA00X12345680", "IJ-789-KL", "2020-01-01", "2001"),
    ]
    assert sniff(book, sheet="véhicules").sheet_name == "Véhicules"  # case aside


def test_a_sheet_that_is_not_there_is_refused_naming_the_sheets(tmp_path, capsys) -> None:
    book, db = workbook(tmp_path / "export.xlsx"), tmp_path / "cible.sqlite"
    assert run(book, "--db", db, "--sheet", "Factures") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "export.xlsx" in err and "“Factures”" in err
    assert "“Clients”, “Véhicules”" in err
    assert not db.exists()  # refused before the database is touched
    assert run(EXAMPLES / "clients_irium.csv", "--db", db, "--sheet", "Clients") == 2
    assert "no sheets" in capsys.readouterr().err
    with pytest.raises(ImportFileError, match="Véhicules"):
        sniff(book, sheet="Feuil1")


def test_an_empty_sheet_is_said_with_the_others(tmp_path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Vide"
    book.create_sheet("Clients").append(["N° client", "Nom"])
    book.save(tmp_path / "x.xlsx")
    with pytest.raises(ImportFileError, match="“Vide” is empty.*“Clients”"):
        sniff(tmp_path / "x.xlsx")


# --- --save-profile ---------------------------------------------------------------------------


def test_save_profile_keeps_the_mapping_and_the_sheet(tmp_path, capsys) -> None:
    book, db = workbook(tmp_path / "export.xlsx"), tmp_path / "cible.sqlite"
    code = run(book, "--db", db, "--sheet", "Véhicules", "--save-profile", "DCS véhicules")
    assert code == 0
    assert "profile “DCS véhicules” saved in the database." in capsys.readouterr().out
    database = open_database(db)
    try:
        profile = find_profile(database, "DCS véhicules")
    finally:
        database.dispose()
    assert profile is not None and profile.kind == "vehicles" and profile.sheet == "Véhicules"
    assert profile.columns["VIN"] == "vehicle.vin"
    assert profile.columns["Date MEC"] == "vehicle.first_registration"
    # the next night: the profile by name reads its sheet, not the first one
    assert run(book, "--db", db, "--profile", "DCS véhicules") == 0
    out = capsys.readouterr().out
    assert "vehicles, 2 rows read: 0 new, 0 updated, 2 unchanged" in out
    assert "(profile “DCS véhicules”)" in out
    # and without naming it: the profile's sheet is looked at, though "Clients" comes first
    assert run(book, "--db", db) == 0
    out = capsys.readouterr().out
    assert "vehicles, 2 rows read: 0 new, 0 updated, 2 unchanged" in out
    assert "(profile “DCS véhicules”)" in out


def test_save_profile_then_the_next_file_gets_it_by_itself(tmp_path, capsys) -> None:
    db = tmp_path / "cible.sqlite"
    clients = EXAMPLES / "clients_irium.csv"
    assert run(clients, "--db", db, "--save-profile", "Irium clients") == 3  # rows rejected
    assert "profile “Irium clients” saved" in capsys.readouterr().out
    run(clients, "--db", db)
    assert "(profile “Irium clients”)" in capsys.readouterr().out
    assert run(clients, "--db", db, "--dry-run", "--save-profile", "Autre") == 2
    assert "dry run" in capsys.readouterr().err
    assert run(clients, "--db", db, "--save-profile", "  ") == 2


def test_save_profile_that_cannot_be_stored_stops_before_the_import(tmp_path, capsys) -> None:
    # A name too long for the setting's key: refused before the database is even opened.
    db = tmp_path / "cible.sqlite"
    clients = EXAMPLES / "clients_irium.csv"
    assert run(clients, "--db", db, "--save-profile", "x" * 200) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "too long" in err
    assert not db.exists()
    # A mapping too large to be stored (long headers): refused before anything is imported.
    keys = ["customer.dms_ref", "customer.last_name", "customer.first_name", "customer.city",
            "customer.address", "customer.address2", "customer.address3", "customer.free1",
            "customer.free2", "customer.free3", "customer.email", "customer.fax"]  # fmt: skip
    headers = [f"{key} " + "x" * 400 for key in keys]
    wide = tmp_path / "wide.csv"
    wide.write_text(";".join(headers) + "\n" + ";".join(["C1", "MARTIN"] + [""] * 10) + "\n")
    used = tmp_path / "wide.json"
    used.write_text(json.dumps({"format": "cible-dms-profile", "version": 1, "name": "Wide",
                                "kind": "customers", "columns": dict(zip(headers, keys, strict=True))}))  # fmt: skip
    open_database(db).dispose()  # an existing, empty database
    assert run(wide, "--db", db, "--profile", used, "--save-profile", "Large") == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "too many columns" in err
    assert rows(db, "select count(*) from customer") == [(0,)]
    # the same without saving the profile imports
    assert run(wide, "--db", db, "--profile", used) == 0
    assert rows(db, "select count(*) from customer") == [(1,)]
