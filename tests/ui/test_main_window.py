"""The main window and its database overview, on real databases filled with the ORM."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox
from sqlalchemy import insert

from app import i18n
from app.models import (
    ContactHistory,
    Customer,
    InvoiceLine,
    Ownership,
    Site,
    Vehicle,
    VehicleSale,
    WorkshopInvoice,
)
from app.models.db import data_dir, head_revision, open_database
from app.models.enums import (
    ContactChannel,
    FinancingType,
    InvoiceLineCategory,
    SaleKind,
    VehicleStatus,
)
from app.ui.i18n import install_translators
from app.ui.main_window import MainWindow
from app.ui.overview import DatabaseOverview, DatabaseOverviewDialog, compute_overview


def fill(database) -> None:
    """A small dealership: 3 customers (2 companies, 1 of them a leasing company), 2 vehicles."""
    with database.session() as s:
        site = Site(code="LYO", name="Garage de Lyon")
        s.add(site)
        s.flush()
        dupont = Customer(
            dms_ref="C1", site_id=site.id, civility="M.", last_name="Dupont", first_name="Jean"
        )
        arval = Customer(
            dms_ref="C2", site_id=site.id, is_company=True, is_fleet=True, company_name="ARVAL"
        )
        sarl = Customer(
            dms_ref="C3", site_id=site.id, is_company=True, company_name="Transports Morel"
        )
        s.add_all([dupont, arval, sarl])
        s.flush()
        clio = Vehicle(
            site_id=site.id, owner_id=dupont.id, plate="AB-123-CD", brand="RENAULT", model="CLIO"
        )
        old = Vehicle(site_id=site.id, owner_id=sarl.id, plate="EF-456-GH", brand="PEUGEOT", model="208",
                      status=VehicleStatus.SOLD)  # fmt: skip
        s.add_all([clio, old])
        s.flush()
        s.add_all([
            Ownership(vehicle_id=clio.id, customer_id=arval.id, start_date=dt.date(2019, 5, 2),
                      end_date=dt.date(2022, 6, 1)),
            Ownership(vehicle_id=clio.id, customer_id=dupont.id, start_date=dt.date(2022, 6, 1)),
            Ownership(vehicle_id=old.id, customer_id=sarl.id, start_date=dt.date(2020, 1, 15)),
        ])  # fmt: skip
        for number, day, amounts in (
            ("F1", dt.date(2024, 1, 3), [12000, 4550]),
            ("F2", dt.date(2026, 11, 22), [9900]),
        ):
            invoice = WorkshopInvoice(number=number, date=day, site_id=site.id, customer_id=dupont.id,
                                      vehicle_id=clio.id, total_cents=sum(amounts))  # fmt: skip
            invoice.lines = [
                InvoiceLine(category=InvoiceLineCategory.LABOUR, amount_cents=a) for a in amounts
            ]
            s.add(invoice)
        s.add(VehicleSale(kind=SaleKind.USED, site_id=site.id, customer_id=dupont.id, vehicle_id=clio.id,
                          price_cents=1_290_000, financing_type=FinancingType.CASH))  # fmt: skip
        s.add(ContactHistory(customer_id=dupont.id, vehicle_id=clio.id, channel=ContactChannel.POST,
                             campaign="Rappel"))  # fmt: skip


def show(qtbot, overview) -> None:
    if overview.figures is None or overview.busy:
        with qtbot.waitSignal(overview.loaded, timeout=20_000):
            pass


def counted(qtbot, window: MainWindow) -> None:
    """Wait for the targeting screen's first count (the window runs a new target at once)."""
    screen = window.targeting
    qtbot.waitUntil(lambda: screen.count is not None and not screen.results.busy, timeout=20_000)


def overview_of(qtbot, window: MainWindow) -> DatabaseOverview:
    """File > Database overview…, counted."""
    window.overview_action.trigger()
    dialog = window.overview_dialog
    assert dialog is not None and dialog.isVisible()
    show(qtbot, dialog.overview)
    return dialog.overview


def test_compute_overview_counts_every_table(database) -> None:
    fill(database)
    figures = compute_overview(database)
    assert (figures.customers, figures.companies, figures.fleet) == (3, 2, 1)
    assert (figures.vehicles, figures.vehicles_in_use, figures.ownerships) == (2, 1, 3)
    assert (figures.invoices, figures.invoice_lines) == (2, 3)
    assert (figures.first_invoice, figures.last_invoice) == (
        dt.date(2024, 1, 3),
        dt.date(2026, 11, 22),
    )
    assert (figures.sales, figures.contacts, figures.sites) == (1, 1, 1)
    assert figures.schema == head_revision()
    assert figures.size_bytes and figures.size_bytes > 0


def test_main_window_shows_the_counts(qtbot, database, manager, english) -> None:
    fill(database)
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    window.show()
    counted(qtbot, window)
    o = overview_of(qtbot, window)
    values = {key: o.value_text(key) for key in (
        "customers", "companies", "fleet", "vehicles", "vehicles_in_use", "ownerships",
        "invoices", "invoice_lines", "sales", "contacts", "sites",
    )}  # fmt: skip
    assert values == {
        "customers": "3", "companies": "2", "fleet": "1", "vehicles": "2", "vehicles_in_use": "1",
        "ownerships": "3", "invoices": "2", "invoice_lines": "3", "sales": "1", "contacts": "1",
        "sites": "1",
    }  # fmt: skip
    assert o.value_text("invoice_dates") == "from 03/01/2024 to 22/11/2026"
    assert o.value_text("location") == str(database.path)
    assert o.value_text("schema") == head_revision()
    assert o.value_text("size").endswith(("KB", "MB"))
    assert window.windowTitle() == "New target[*] — cible.sqlite"
    assert not window.isWindowModified()
    assert window.messages() == []
    assert [a.text() for a in window.menuBar().actions()] == [
        "&File", "&Target", "&Query", "&List", "E&xport", "&SMS", "E-ma&il", "&Programs", "&Help",
    ]  # fmt: skip
    # the targeting screen counts the rows of a new target: Dupont's Clio, and the two
    # companies without a vehicle in use
    assert window.targeting.count == 3
    assert window.targeting.count_label.text() == "3 records"
    assert window.current_target().criteria.is_empty()


def test_french_labels_and_number_formats(qtbot, database, manager, english, qapp) -> None:
    with database.engine.begin() as conn:
        conn.execute(insert(Customer), [
            {"dms_ref": f"C{i}", "last_name": "MARTIN", "last_name_fold": "MARTIN"} for i in range(1234)
        ])  # fmt: skip
    install_translators("fr", qapp)
    assert i18n.language() == "fr"
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    counted(qtbot, window)
    assert [a.text() for a in window.menuBar().actions()][0] == "&Fichier"
    assert [a.text() for a in window.menuBar().actions()][-1] == "&Aide"
    assert window.quit_action.text() == "&Quitter"
    overview = overview_of(qtbot, window)
    assert overview.value_text("customers") == "1\u202f234"
    assert overview.value_text("invoice_dates") == "aucune facture"
    assert "Ko" in overview.value_text("size")
    assert overview.refresh_button.text() == "Actualiser"
    assert window.targeting.count == 1234
    # Qt's own strings come from qtbase_fr.qm.
    box = QMessageBox(QMessageBox.Icon.Question, "t", "t", QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Cancel).text() in ("Annuler", "&Annuler")


def test_warnings_and_backup_are_shown(qtbot, database, manager, english) -> None:
    database.warnings.append("/mnt/partage/cible.sqlite is on a network share.")
    database.backup = Path("/data/cible.backup-20261122-101500.sqlite")
    window = MainWindow(database, task_manager=manager, demo=True)
    qtbot.addWidget(window)
    counted(qtbot, window)
    bars = [(bar.kind, bar.text()) for bar in window.messages()]
    assert bars[0][0] == "info" and "demo database" in bars[0][1]
    assert bars[1] == (
        "info",
        "The database was upgraded to this version of Cible. A copy of it as it "
        "was before the upgrade is saved in /data/cible.backup-20261122-101500.sqlite",
    )
    assert bars[2] == ("warning", "/mnt/partage/cible.sqlite is on a network share.")


def test_open_another_database(qtbot, database, manager, english, tmp_path, monkeypatch) -> None:
    other_path = tmp_path / "autre.sqlite"
    other = open_database(other_path)
    fill(other)
    other.dispose()
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    counted(qtbot, window)
    assert window.targeting.count == 0
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other_path), ""))
    with qtbot.waitSignal(window.targeting.counted, timeout=20_000):
        window.open_action.trigger()
    assert window.database.path == other_path
    assert window.targeting.database is window.database
    assert window.targeting.count == 3
    assert overview_of(qtbot, window).value_text("customers") == "3"
    assert window.windowTitle() == "New target[*] — autre.sqlite"
    window.overview_dialog.close()
    window.database.dispose()


def test_open_a_file_that_is_not_a_database(
    qtbot, database, manager, english, tmp_path, monkeypatch
) -> None:
    bad = tmp_path / "clients.xlsx"
    bad.write_bytes(b"PK\x03\x04 not a database")
    before = bad.read_bytes()
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    counted(qtbot, window)
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    window.open_action.trigger()
    assert len(shown) == 1
    assert shown[0].startswith("Cible cannot open this database.")
    assert "not a Cible database" in shown[0]
    assert window.database is database
    assert bad.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("clients")) == [
        "clients.xlsx"
    ]


def test_cancelled_file_dialog_changes_nothing(
    qtbot, database, manager, english, monkeypatch
) -> None:
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    counted(qtbot, window)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    window.open_action.trigger()
    assert window.database is database


def test_about_and_quit(qtbot, database, manager, english, monkeypatch) -> None:
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    window.show()
    counted(qtbot, window)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "about", lambda parent, title, text: shown.append(title + "|" + text)
    )
    window.about_action.trigger()
    assert shown and shown[0].startswith("About Cible|<h3>Cible ")
    assert str(database.path) in shown[0]
    # where the user's files live: the data folder (platformdirs), the settings, the backups
    assert f"Data folder: {data_dir()}" in shown[0]
    assert f"Settings: {QSettings().fileName()}" in shown[0]
    assert f"Backups: {database.path.parent}, next to the database" in shown[0]
    window.quit_action.trigger()
    assert not window.isVisible()


def test_refresh_counts_again(qtbot, database, manager, english) -> None:
    overview = DatabaseOverview(database, task_manager=manager)
    qtbot.addWidget(overview)
    show(qtbot, overview)
    assert overview.value_text("customers") == "0"
    fill(database)
    with qtbot.waitSignal(overview.loaded, timeout=20_000):
        qtbot.mouseClick(overview.refresh_button, qtbot_left())
    assert overview.value_text("customers") == "3"
    assert overview.refresh_button.isEnabled()


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_overview_reports_a_database_it_cannot_read(qtbot, database, manager, english) -> None:
    with sqlite3.connect(database.path) as conn:
        conn.execute("DROP TABLE contact_history")
    overview = DatabaseOverview(database, task_manager=manager)
    qtbot.addWidget(overview)
    with qtbot.waitSignal(overview.failed, timeout=20_000) as blocker:
        pass
    assert blocker.args[0].startswith("Cannot read the database:")
    assert "contact_history" in overview.status.text()


def test_overview_dialog_for_other_windows(qtbot, database, manager, english) -> None:
    fill(database)
    dialog = DatabaseOverviewDialog(database, task_manager=manager)
    qtbot.addWidget(dialog)
    dialog.show()
    show(qtbot, dialog.overview)
    assert dialog.windowTitle() == "Database overview"
    assert dialog.overview.value_text("customers") == "3"
    buttons = dialog.findChild(QDialogButtonBox)
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Close), qtbot_left())
    assert not dialog.isVisible()
