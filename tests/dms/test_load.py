"""app.dms.load: the four example extracts, upsert rules, refusals, change of owner, cancel."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import inspect, select

from app.__main__ import main
from app.dms.fields import FileKind, suggest_mapping
from app.dms.load import ImportCancelled, import_file, import_source
from app.dms.report import write_report
from app.dms.sniff import sniff
from app.models.activity import InvoiceLine, VehicleSale, WorkshopInvoice
from app.models.db import open_database
from app.models.dealership import Customer, CustomerAlias, Ownership, Site, Vehicle
from app.models.enums import Channel, InvoiceType
from app.models.permissions import record_refusal
from tests.dms.conftest import fingerprint, snapshot, sqlite_only

EXAMPLES = Path(__file__).resolve().parents[2] / "app" / "resources" / "examples"
TODAY = dt.date(2026, 12, 2)
FILES = [
    ("clients_irium.csv", FileKind.CUSTOMERS),
    ("vehicules_dcs.csv", FileKind.VEHICLES),
    ("factures_atelier.csv", FileKind.INVOICES),
    ("ventes_vn_vo.csv", FileKind.SALES),
]


def run(database, path: Path, kind: FileKind, **options):
    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), kind)
    return import_file(database, path, kind, mapping, layout=layout, today=TODAY, **options)


def dump(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_examples_on_an_empty_database(database):
    outcomes = {name: run(database, EXAMPLES / name, kind) for name, kind in FILES}
    got = {n: (r.new, r.updated, r.unchanged, r.rejected) for n, r in outcomes.items()}
    assert got == {
        "clients_irium.csv": (14, 0, 0, 2),  # 100002 twice: one customer
        "vehicules_dcs.csv": (10, 1, 0, 4),  # the SANDERO changes owner within the file
        "factures_atelier.csv": (6, 0, 0, 3),
        "ventes_vn_vo.csv": (6, 0, 0, 1),
    }
    with database.session() as session:
        assert session.scalar(select(Site.code).order_by(Site.code)) == "BLO"
        martin = session.scalars(select(Customer).where(Customer.dms_ref == "100001")).one()
        assert (martin.last_name_fold, martin.first_name_fold, martin.city_fold) == (
            "MARTIN",
            "JEROME",
            "TOURS",
        )
        assert martin.site.code == "TRS"
        # The vehicles file names customers without their site: the one 100001 is found.
        assert (
            session.scalar(
                select(Customer.id)
                .where(Customer.dms_ref == "100001")
                .where(Customer.site_id.is_(None))
            )
            is None
        )
        invoice = session.scalars(
            select(WorkshopInvoice).where(WorkshopInvoice.number == "FA250001")
        ).one()
        assert invoice.total_cents == sum(line.amount_cents for line in invoice.lines) > 0
        assert [line.line_number for line in invoice.lines] == list(
            range(1, len(invoice.lines) + 1)
        )
        assert session.query(VehicleSale).count() == 6
    before = snapshot(database)
    for name, kind in FILES:
        again = run(database, EXAMPLES / name, kind)
        assert (again.new, again.updated, again.changes) == (0, 0, []), name
    assert snapshot(database) == before


def test_change_of_owner(database, tmp_path):
    run(database, EXAMPLES / "clients_irium.csv", FileKind.CUSTOMERS)
    result = run(database, EXAMPLES / "vehicules_dcs.csv", FileKind.VEHICLES)
    [change] = result.changes
    assert (change.former_ref, change.new_ref, change.date) == ("100003", "100012", TODAY)
    assert change.former_name == "PETIT Benoît" and "DR-903-MB" in change.vehicle
    with database.session() as session:
        car = session.scalars(select(Vehicle).where(Vehicle.plate == "DR-903-MB")).one()
        assert car.owner.dms_ref == "100012"
        history = [(o.customer.dms_ref, o.end_date) for o in car.ownerships]
        assert sorted(history, key=str) == sorted([("100003", TODAY), ("100012", None)], key=str)
        former = session.scalars(select(Customer).where(Customer.dms_ref == "100003")).one()
        assert car not in former.vehicles  # the former owner gets no more mail about it
    report = tmp_path / "report.xlsx"
    write_report(result.report, report)
    sheet = openpyxl.load_workbook(report)["Changes"]
    rows = list(sheet.iter_rows(values_only=True))
    assert (
        rows[1][2] == "100003"
        and rows[1][4] == "100012"
        and rows[1][6] == "02/12/2026"
        or rows[1][6] == "12/2/2026"
    )


def test_a_later_file_updates_what_changed_and_deletes_nobody(database, tmp_path):
    header = "N° client;Site;Nom;Prénom;CP;Ville;Portable"
    first = write_csv(tmp_path / "a.csv", [header, "1;TRS;DUPRÉ;Anne;37000;Tours;0612345678",
                                           "2;TRS;MARTIN;Luc;37000;Tours;0612345679"])  # fmt: skip
    assert run(database, first, FileKind.CUSTOMERS).new == 2
    later = write_csv(tmp_path / "b.csv", [header, "1;TRS;DUPRÉ;Anne;37100;Tours;0612345678"])
    result = run(database, later, FileKind.CUSTOMERS)
    assert (result.new, result.updated, result.unchanged) == (0, 1, 0)
    with database.session() as session:
        anne = session.scalars(select(Customer).where(Customer.dms_ref == "1")).one()
        assert (anne.postal_code, anne.last_name_fold) == ("37100", "DUPRE")
        assert session.query(Customer).count() == 2  # 2 is not in the later file: kept


def test_an_alias_lands_on_the_survivor(database, tmp_path):
    header = "N° client;Site;Nom;Ville"
    run(database, write_csv(tmp_path / "a.csv", [header, "7;TRS;GIRARD;Tours"]), FileKind.CUSTOMERS)
    with database.session() as session:
        girard = session.scalars(select(Customer)).one()
        session.add(CustomerAlias(site_id=girard.site_id, dms_ref="8", customer_id=girard.id))
    result = run(database, write_csv(tmp_path / "b.csv", [header, "8;TRS;GIRARD;Blois"]),
                 FileKind.CUSTOMERS)  # fmt: skip
    assert (result.new, result.updated) == (0, 1)
    with database.session() as session:
        assert [(c.dms_ref, c.city) for c in session.scalars(select(Customer))] == [("7", "Blois")]


def test_refusals_from_the_file_are_added_with_the_import_source(database, tmp_path):
    header = "N° client;Site;Nom;Refus SMS;Date refus SMS;Refus courrier"
    path = write_csv(tmp_path / "a.csv", [header, "1;TRS;DUPONT;O;15/11/2026;N"])
    run(database, path, FileKind.CUSTOMERS)
    with database.session() as session:
        c = session.scalars(select(Customer)).one()
        assert (c.optout_sms, c.optout_sms_date, c.optout_sms_source) == (
            True,
            dt.date(2026, 11, 15),
            "Import DMS 02/12/2026",
        )
        assert not c.optout_post
    assert import_source(TODAY) == "Import DMS 02/12/2026"
    again = run(database, path, FileKind.CUSTOMERS)
    assert (again.new, again.updated) == (0, 0)


def test_warranty_and_internal_invoices(database, tmp_path):
    header = "N° facture;Date facture;N° client;Type;Type de ligne;Montant HT"
    path = write_csv(tmp_path / "f.csv", [header, "F1;02/01/2026;1;Garantie;MO;100,00",
                                          "F2;03/01/2026;1;Interne;PR;20,00",
                                          "F3;04/01/2026;1;Client;PR;30,00"])  # fmt: skip
    assert run(database, path, FileKind.INVOICES).new == 3
    with database.session() as session:
        types = dict(
            session.execute(select(WorkshopInvoice.number, WorkshopInvoice.invoice_type)).all()
        )
    assert types == {
        "F1": InvoiceType.WARRANTY,
        "F2": InvoiceType.INTERNAL,
        "F3": InvoiceType.CUSTOMER,
    }


def test_dry_run_and_cancel_leave_the_database_byte_identical(
    database, db_path, tmp_path, monkeypatch
):
    from app.dms import load

    monkeypatch.setattr(load, "BATCH", 500)  # three batches
    lines = ["N° client;Site;Nom;CP"] + [f"{i};TRS;NOM{i};37000" for i in range(1, 1300)]
    path = write_csv(tmp_path / "big.csv", lines)
    run(database, EXAMPLES / "clients_irium.csv", FileKind.CUSTOMERS)
    before = fingerprint(database, db_path)
    dry = run(database, path, FileKind.CUSTOMERS, dry_run=True)
    assert dry.new == 1299 and dry.dry_run
    calls = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 2  # after two batches were written

    seen = []
    with pytest.raises(ImportCancelled):
        run(
            database,
            path,
            FileKind.CUSTOMERS,
            cancel=cancel,
            progress=lambda d, t: seen.append((d, t)),
        )
    assert seen and seen[-1][1] == 1299
    assert fingerprint(database, db_path) == before
    with database.session() as session:
        assert session.query(Customer).count() == 14


def test_an_error_rolls_everything_back(database, db_path, tmp_path, monkeypatch):
    lines = ["N° client;Site;Nom"] + [f"{i};TRS;NOM{i}" for i in range(1, 800)]
    path = write_csv(tmp_path / "big.csv", lines)
    from app.dms import load

    monkeypatch.setattr(load, "BATCH", 500)  # two batches
    original = load._CustomerWriter.write
    calls = []

    def failing(self, rows):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, rows)

    monkeypatch.setattr(load._CustomerWriter, "write", failing)
    with pytest.raises(OSError):
        run(database, path, FileKind.CUSTOMERS)
    with database.session() as session:
        assert session.query(Customer).count() == 0


@sqlite_only
def test_examples_on_a_demo_database(tmp_path):
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(db), "--customers", "300", "--today", "2026-11-23"]) == 0
    database = open_database(db)
    try:
        with database.session() as session:
            customers = session.query(Customer).count()
            known = session.scalar(select(Customer.id).where(Customer.dms_ref == "100001"))
        results = [run(database, EXAMPLES / name, kind) for name, kind in FILES]
        assert all(r.report.accepted for r in results)
        with database.session() as session:
            assert session.query(Customer).count() <= customers + 15
            if known is not None:  # the demo's 100001 is updated, not duplicated
                assert session.query(Customer).filter(Customer.dms_ref == "100001").count() == 1
        database.dispose()
        before = dump(db)
        for name, kind in FILES:
            again = run(database, EXAMPLES / name, kind)
            assert (again.new, again.updated) == (0, 0), name
        database.dispose()
        assert dump(db) == before
    finally:
        database.dispose()


def test_a_refusal_typed_in_cible_survives_a_file_without_it(database, tmp_path):
    header = "N° client;Site;Nom;Refus SMS;Refus e-mail;E-mail;Portable"
    path = write_csv(tmp_path / "a.csv", [header, "1;TRS;DUPONT;N;N;a@b.fr;0612345678"])
    run(database, path, FileKind.CUSTOMERS)
    with database.session() as session:
        c = session.scalars(select(Customer)).one()
        record_refusal(session, c, Channel.SMS, dt.date(2026, 1, 5), "Saisie Cible", "anne")
    result = run(database, path, FileKind.CUSTOMERS)
    assert (result.new, result.updated) == (0, 0)
    with database.session() as session:
        c = session.scalars(select(Customer)).one()
        assert (c.optout_sms, c.optout_sms_source) == (True, "Saisie Cible")


def test_ownership_of_a_new_vehicle_starts_at_its_purchase(database, tmp_path):
    header = "N° client;Nom;Immat;VIN;Date 1ère MEC"
    path = write_csv(
        tmp_path / "v.csv", [header, "5;DURAND;AB-123-CD;VF1RJA00X63458127;15/03/2019"]
    )
    run(database, path, FileKind.VEHICLES)
    with database.session() as session:
        [ownership] = session.scalars(select(Ownership)).all()
        assert ownership.start_date == dt.date(2019, 3, 15) and ownership.end_date is None
    assert InvoiceLine  # the lines model is imported for the invoice tests above


def _indexes(database) -> dict[str, list]:
    with database.engine.connect() as connection:
        found = inspect(connection)
        return {
            table: sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in found.get_indexes(table)
            )
            for table in found.get_table_names()
        }


def test_a_first_import_builds_the_indexes_after_the_load(database, tmp_path, monkeypatch):
    """Into empty tables the secondary indexes are dropped, then built after the load, in the
    import's transaction: a failed or cancelled first import leaves them as they were."""
    from app.dms import load

    before = _indexes(database)
    deferred: list[list[str]] = []
    original = load._defer_indexes

    def spy(session, tables):
        dropped = original(session, tables)
        deferred.append([i.name for i in dropped])
        return dropped

    monkeypatch.setattr(load, "_defer_indexes", spy)
    monkeypatch.setattr(load, "BATCH", 500)
    path = write_csv(
        tmp_path / "big.csv",
        ["N° client;Site;Nom;CP"] + [f"{i};TRS;N{i};37000" for i in range(900)],
    )
    asked: list[int] = []  # cancelled at the second question, after one batch was written
    with pytest.raises(ImportCancelled):
        run(database, path, FileKind.CUSTOMERS, cancel=lambda: len(asked.append(1) or asked) > 1)
    assert "ix_customer_postal_code" in deferred[-1]  # dropped, then rolled back
    assert _indexes(database) == before
    with database.session() as session:
        assert session.query(Customer).count() == 0
    for name, kind in FILES:
        run(database, EXAMPLES / name, kind)
    # customers: every secondary index deferred; vehicles: the customers are there already,
    # and the vehicle look-up indexes (VIN, plate) are kept
    assert "ix_customer_last_name_fold" in deferred[1]
    assert "ix_vehicle_brand_model" in deferred[2] and "ix_customer_site_id" not in deferred[2]
    assert not {"ix_vehicle_vin", "ix_vehicle_plate"} & set(deferred[2])
    assert "ix_workshop_invoice_date" in deferred[3] and "ix_vehicle_status" not in deferred[3]
    assert _indexes(database) == before
    assert run(database, EXAMPLES / FILES[0][0], FILES[0][1]).new == 0
    assert deferred[-1] == []  # not empty any more: nothing dropped
