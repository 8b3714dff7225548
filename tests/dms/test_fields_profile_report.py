"""Importable columns come from the model and catalog; profiles round-trip and match; report."""

from __future__ import annotations

import datetime as dt

import openpyxl

from app.dms.fields import FileKind, fields_for, importable_fields, suggest_mapping
from app.dms.profile import Profile, load_profile, match_profile, save_profile
from app.dms.report import write_report
from app.dms.validate import validate_file
from app.query.catalog import FIELDS
from tests.dms.test_read import HEADERS, write_csv


def test_computed_fields_are_never_import_targets():
    fields = importable_fields()
    for key, f in FIELDS.items():
        if f.aggregate or f.derived or key.endswith(".id") or key.endswith(".site"):
            assert key not in fields, key
    assert "customer.optout_phone" not in fields  # computed (any of the three phones)
    for key, f in fields.items():
        assert key in FIELDS or key.startswith(f"{f.table}."), key
        assert not f.column.endswith("_fold")


def test_every_kind_has_its_own_columns():
    assert "invoice.line_category" in fields_for(FileKind.INVOICES)
    assert "line.amount" in fields_for(FileKind.INVOICES)
    assert "sale.financing_type" in fields_for(FileKind.SALES)
    assert "sale.price" not in fields_for(FileKind.VEHICLES)


def test_suggestions_in_french_and_english():
    french = ["N° client", "Code postal", "GSM", "Courriel", "Immat", "N° de série", "Énergie",
              "Date 1ère MEC", "Kilométrage", "Date facture", "N° facture", "Montant HT",
              "Remise", "Type de ligne", "Colonne inconnue"]  # fmt: skip
    english = ["Customer number", "Postcode", "Mobile", "Email", "Registration", "VIN", "Fuel",
               "First registration", "Mileage", "Invoice date", "Invoice number", "Line amount",
               "Discount", "Line type", "Unknown"]  # fmt: skip
    for headers in (french, english):
        mapping = suggest_mapping(headers, FileKind.INVOICES)
        assert [mapping.get(i) for i in range(len(headers))] == [
            "customer.dms_ref", "customer.postal_code", "customer.phone_mobile", "customer.email",
            "vehicle.plate", "vehicle.vin", "vehicle.energy", "vehicle.first_registration",
            "vehicle.mileage", "invoice.date", "invoice.number", "line.amount", "line.discount",
            "invoice.line_category", None,
        ], headers  # fmt: skip


def test_profile_round_trip_and_match(tmp_path):
    mapping = suggest_mapping(HEADERS, FileKind.CUSTOMERS)
    profile = Profile.from_mapping("Irium clients", FileKind.CUSTOMERS, HEADERS, mapping,
                                   site_code="TRS")  # fmt: skip
    save_profile(profile, tmp_path / "irium.json")
    loaded = load_profile(tmp_path / "irium.json")
    assert loaded == profile
    other = Profile(
        "DCS véhicules",
        FileKind.VEHICLES,
        {"Immat": "vehicle.plate", "N° client": "customer.dms_ref"},
    )
    moved = list(reversed(HEADERS)) + ["Nouvelle colonne"]
    assert match_profile(moved, [other, loaded]) is loaded
    assert loaded.mapping_for(moved) == {len(HEADERS) - 1 - i: k for i, k in mapping.items()}
    assert match_profile(["Immat", "N° client", "VIN"], [other, loaded]) is other
    assert match_profile(["Nom", "Prénom"], [other, loaded]) is None


def test_invoice_lines_and_report(tmp_path):
    path = write_csv(tmp_path / "factures.csv", [
        ["N° facture", "Date facture", "N° client", "VIN", "Type de ligne", "Libellé", "Montant HT"],
        ["F1", "02/01/2025", "100001", "VF1RFB00X12345678", "MO", "Vidange", "89,90"],
        ["F1", "02/01/2025", "100001", "VF1RFB00X12345678", "Pièces", "Filtre", "1 234,50"],
        ["F1", "03/01/2025", "100001", "VF1RFB00X12345678", "PR", "Joint", "2,00"],
        ["F2", "02/01/2025", "100002", "VF1RFB00X12345679", "??", "Divers", "abc"],
    ])  # fmt: skip
    from app.dms.sniff import sniff

    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), FileKind.INVOICES)
    rows, report = validate_file(path, layout, mapping, FileKind.INVOICES, profile="Test")
    assert [r.values["line.amount"] for r in rows] == [8990, 123450]
    assert rows[1].values["invoice.line_category"] == "parts"
    assert rows[0].values["invoice.date"] == dt.date(2025, 1, 2)
    assert (report.rows_read, report.accepted, report.rejected) == (4, 2, 2)
    report.set_outcome(new=1, updated=1, unchanged=0)
    write_report(report, tmp_path / "rapport.xlsx")
    book = openpyxl.load_workbook(tmp_path / "rapport.xlsx")
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    assert summary["Rows rejected"] == "2" and summary["New"] == "1"
    problems = list(book["Problems"].iter_rows(values_only=True))[1:]
    assert {(p[0], p[1]) for p in problems} == {
        (4, "N° facture"),
        (5, "Type de ligne"),
        (5, "Montant HT"),
    }
