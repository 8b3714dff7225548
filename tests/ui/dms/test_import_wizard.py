"""The DMS import wizard, driven through its real widgets on the shipped example extracts."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWizard
from sqlalchemy import func, select

from app.dms import load
from app.dms.profile import load_profile
from app.dms.profile_store import find_profile
from app.models.db import open_database
from app.models.dealership import Customer, Vehicle
from app.ui.dms import ImportWizard, check
from app.ui.dms.wizard import EXAMPLES_DIR, ProfileStore

CLIENTS = EXAMPLES_DIR / "clients_irium.csv"
VEHICLES = EXAMPLES_DIR / "vehicules_dcs.csv"


@pytest.fixture
def store(database) -> ProfileStore:
    return ProfileStore(database)


@pytest.fixture
def reports(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "reports"
    monkeypatch.setattr(check, "reports_dir", lambda: folder)
    return folder


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a, **k: said.append(text)
    )
    return said


def make_wizard(qtbot, database, manager, store, **kw) -> ImportWizard:
    wizard = ImportWizard(database, task_manager=manager, profiles=store, **kw)
    qtbot.addWidget(wizard)
    wizard.show()
    return wizard


def customers(database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Customer))


def click_next(qtbot, wizard: ImportWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    if wizard.currentPage().isCommitPage():
        button = wizard.button(QWizard.WizardButton.CommitButton)
    assert button.isEnabled(), wizard.currentPage().title()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def wait_task(qtbot, page) -> None:
    task = page.task
    assert task is not None
    if not task.is_finished:
        with qtbot.waitSignal(task.finished, timeout=60_000):
            pass


def to_mapping(qtbot, wizard: ImportWizard, path: Path) -> None:
    assert wizard.file_page.set_file(path)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.MAPPING


def test_customers_example_from_file_to_result(
    qtbot, database, manager, english, store, reports, tmp_path
) -> None:
    wizard = make_wizard(qtbot, database, manager, store, demo=True)
    assert wizard.file_page.start_folder == EXAMPLES_DIR
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()  # no file yet
    qtbot.keyClicks(wizard.file_page.path_edit, str(CLIENTS))
    qtbot.keyClick(wizard.file_page.path_edit, Qt.Key.Key_Return)  # read, then Next
    assert wizard.currentId() == ImportWizard.PREVIEW
    assert wizard.file_page.kind_combo.currentData() == "customers"
    assert "Windows-1252" in wizard.file_page.info.text()
    page = wizard.preview_page
    assert page.encoding_combo.currentData() == "cp1252"
    assert page.separator_combo.currentData() == ";"
    assert page.header_spin.value() == 1
    table = page.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:4] == ["N° client", "Site", "Civilité", "Nom"]
    assert table.item(0, 4).text() == "Jérôme"
    assert table.verticalHeaderItem(0).text() == "2"  # the file's own row numbers

    click_next(qtbot, wizard)  # the columns
    mapping = wizard.mapping_page
    assert wizard.state.mapping[0] == "customer.dms_ref"
    assert wizard.state.mapping[headers.index("CP")] == "customer.postal_code"
    assert mapping.combos[0].currentText().endswith("*")  # required
    assert "No saved profile" in mapping.profile_label.text()

    click_next(qtbot, wizard)  # the check
    checking = wizard.check_page
    wait_task(qtbot, checking)
    report = wizard.state.report
    assert report.rows_read == 17 == report.accepted + report.rejected
    assert report.rejected == 2  # no customer number; 31/02/1990
    assert wizard.state.check_result.new == 14
    assert customers(database) == 0  # the check wrote nothing
    model = checking.model
    assert model.rowCount() == len(report.problems) > 0
    problems = {(model.problem(r).row, model.problem(r).column) for r in range(model.rowCount())}
    assert any(column == "Date naissance" for _row, column in problems)  # 31/02/1990
    checking.filter_combo.setCurrentIndex(1)  # errors only
    assert 0 < model.rowCount() < len(report.problems)
    saved = checking.save_report(str(tmp_path / "check"))
    assert saved == tmp_path / "check.xlsx"
    sheets = openpyxl.load_workbook(saved).sheetnames
    assert len(sheets) >= 2

    assert wizard.button(QWizard.WizardButton.CommitButton).text() == "&Import"
    click_next(qtbot, wizard)  # import
    importing = wizard.import_page
    assert wizard.currentId() == ImportWizard.IMPORT
    with qtbot.waitSignal(importing.imported, timeout=60_000) as imported:
        pass
    assert imported.args[0].new == 14
    assert customers(database) == 14
    assert "14" in importing.summary.text()
    assert importing.report_path is not None and importing.report_path.parent == reports
    assert importing.report_path.exists()
    assert importing.backup_path is not None and importing.backup_path.exists()
    assert str(importing.backup_path) in importing.where.text()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "PDF"),
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00\x00data" * 50, "binary"),
    ],
)
def test_a_file_that_is_not_an_extract_is_said_by_name(
    qtbot, database, manager, english, store, tmp_path, content, said
) -> None:
    bad = tmp_path / "clients.csv"
    bad.write_bytes(content)
    wizard = make_wizard(qtbot, database, manager, store)
    assert not wizard.file_page.set_file(bad)
    error = wizard.file_page.error
    assert error.isVisible()
    assert "clients.csv" in error.text() and said in error.text()
    assert "Traceback" not in error.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    # a good file afterwards is read as usual
    assert wizard.file_page.set_file(CLIENTS)
    assert not error.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_preview_is_read_again_at_once(qtbot, database, manager, english, store) -> None:
    wizard = make_wizard(qtbot, database, manager, store)
    wizard.file_page.set_file(CLIENTS)
    click_next(qtbot, wizard)
    page = wizard.preview_page
    page.separator_combo.setCurrentIndex(page.separator_combo.findData(","))
    assert page.table.columnCount() < 5  # one column, or a few where a value has a comma
    page.separator_combo.setCurrentIndex(page.separator_combo.findData(";"))
    assert page.table.columnCount() == 13
    page.encoding_combo.setCurrentIndex(page.encoding_combo.findData("utf-8"))
    assert page.error.isVisible()  # the file is Windows-1252: é is not UTF-8
    assert "clients_irium.csv, row" in page.error.text()
    assert "encoding" in page.error.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.encoding_combo.setCurrentIndex(page.encoding_combo.findData("cp1252"))
    assert not page.error.isVisible()
    page.header_spin.setValue(2)  # the first customer's row taken as headers
    assert page.table.horizontalHeaderItem(0).text() == "100001"
    page.header_spin.setValue(1)
    click_next(qtbot, wizard)
    assert wizard.state.mapping[0] == "customer.dms_ref"


def test_mapping_required_field_and_duplicates_block_the_check(
    qtbot, database, manager, english, store
) -> None:
    wizard = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, wizard, CLIENTS)
    page = wizard.mapping_page
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.isEnabled()
    page.set_field(0, None)  # "N° client" ignored
    assert not next_button.isEnabled()
    assert "needs" in page.status.text()
    page.set_field(0, "customer.dms_ref")
    page.set_field(1, "customer.dms_ref")  # "Site" as customer number too
    assert not next_button.isEnabled()
    assert "N° client" in page.status.text() and "Site" in page.status.text()
    page.set_field(1, None)
    assert next_button.isEnabled()
    assert 1 not in wizard.state.mapping
    # a column's choices are the importable fields of the kind: no computed field
    keys = [page.combos[0].itemData(i) for i in range(page.combos[0].count())]
    assert keys[0] is None and "customer.dms_ref" in keys
    assert not any(key and key.startswith("vehicle.") for key in keys)


def test_profile_saved_then_applied_by_itself_exported_and_loaded(
    qtbot, database, manager, english, store, tmp_path, warnings
) -> None:
    wizard = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, wizard, CLIENTS)
    page = wizard.mapping_page
    page.set_field(12, None)  # "Date naissance" not wanted here
    profile = page.save_profile("Irium clients")
    assert profile is not None and profile.name == "Irium clients"
    assert [p.name for p in store.profiles()] == ["Irium clients"]
    assert "Irium clients" in page.profile_label.text()
    exported = tmp_path / "shared" / "irium"
    exported.parent.mkdir()
    assert page.export_profile(str(exported))
    shared = load_profile(exported.with_suffix(".json"))
    assert shared.name == "Irium clients" and "Date naissance" not in shared.columns

    # the next import of the same layout gets the profile by itself
    again = make_wizard(qtbot, database, manager, store)
    again.file_page.set_file(CLIENTS)
    assert "Irium clients" in again.file_page.info.text()
    click_next(qtbot, again)
    click_next(qtbot, again)
    assert "Irium clients" in again.mapping_page.profile_label.text()
    assert 12 not in again.state.mapping
    again.mapping_page.set_field(12, "customer.birth_date")  # changed: no longer the profile
    assert again.state.profile is None
    assert "Changed from the profile" in again.mapping_page.profile_label.text()

    # the profile is in the database: the nightly command finds it by name
    assert find_profile(database, "Irium clients").columns == shared.columns

    # another site loads the shared file
    other_db = open_database(tmp_path / "other-site.sqlite")
    other = make_wizard(qtbot, other_db, manager, ProfileStore(other_db))
    to_mapping(qtbot, other, CLIENTS)
    assert other.mapping_page.load_profile_file(str(exported.with_suffix(".json")))
    assert other.state.profile.name == "Irium clients"
    assert 12 not in other.state.mapping
    assert [p.name for p in other.profiles.profiles()] == ["Irium clients"]
    other.close()
    other_db.dispose()
    # a profile whose columns are not in the file is refused in one line
    vehicles = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, vehicles, VEHICLES)
    assert not vehicles.mapping_page.load_profile_file(str(exported.with_suffix(".json")))
    assert warnings and "vehicules_dcs.csv" in warnings[-1] and "missing" in warnings[-1]


@pytest.fixture
def held(monkeypatch):
    """The import (check or real) stops after its first batch until the test lets it go."""
    gate = threading.Event()
    real = load.import_file

    def held_import(*args, progress=None, **kwargs):
        def report(done, total):
            progress(done, total)
            gate.wait(30)
            progress(done, total)  # raises once cancelled

        return real(*args, progress=report, **kwargs)

    monkeypatch.setattr(load, "import_file", held_import)
    yield gate
    gate.set()


def big_extract(path: Path, n: int = 1500) -> Path:
    lines = ["N° client;Nom;Prénom;CP;Ville"]
    lines += [f"{200000 + i};NOM{i};Prénom;37000;Tours" for i in range(n)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    return path


def test_cancel_during_the_import_leaves_the_database_as_it_was(
    qtbot, database, manager, english, store, reports, tmp_path, held
) -> None:
    extract = big_extract(tmp_path / "clients.csv")
    wizard = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, wizard, extract)
    click_next(qtbot, wizard)
    checking = wizard.check_page
    with qtbot.waitSignal(checking.task.progress, timeout=30_000):
        pass
    held.set()  # the check goes on
    wait_task(qtbot, checking)
    assert wizard.state.check_result.new == 1500
    held.clear()

    click_next(qtbot, wizard)
    page = wizard.import_page
    # the first 500 customers are written, in the transaction
    qtbot.waitUntil(lambda: "imported" in page.progress_text.text(), timeout=30_000)
    assert page.cancel_button.isVisible()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    held.set()
    wait_task(qtbot, page)
    assert page.task.outcome == "cancelled", page.task.error
    assert "cancelled" in page.message.text() and "as it was" in page.message.text()
    assert customers(database) == 0
    assert wizard.state.result is None
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()


def test_cancel_during_the_check_then_check_again(
    qtbot, database, manager, english, store, tmp_path, held
) -> None:
    extract = big_extract(tmp_path / "clients.csv")
    wizard = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, wizard, extract)
    click_next(qtbot, wizard)
    page = wizard.check_page
    with qtbot.waitSignal(page.task.progress, timeout=30_000):
        pass
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    held.set()
    wait_task(qtbot, page)
    assert "stopped" in page.progress_text.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert page.again_button.isVisible()
    qtbot.mouseClick(page.again_button, Qt.MouseButton.LeftButton)
    wait_task(qtbot, page)
    assert wizard.state.report.accepted == 1500
    assert wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_closing_the_wizard_cancels_the_import(
    qtbot, database, manager, english, store, reports, tmp_path, held
) -> None:
    extract = big_extract(tmp_path / "clients.csv")
    wizard = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, wizard, extract)
    click_next(qtbot, wizard)
    held.set()
    wait_task(qtbot, wizard.check_page)
    held.clear()
    click_next(qtbot, wizard)
    task = wizard.import_page.task
    qtbot.waitUntil(lambda: "imported" in wizard.import_page.progress_text.text(), timeout=30_000)
    wizard.close()
    held.set()
    if not task.is_finished:
        with qtbot.waitSignal(task.finished, timeout=30_000):
            pass
    assert customers(database) == 0


def test_a_file_that_changes_under_the_check_is_said_not_raised(
    qtbot, database, manager, english, store, tmp_path
) -> None:
    extract = big_extract(tmp_path / "clients.csv", 20)
    wizard = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, wizard, extract)
    extract.write_bytes(
        b"N\xb0 client;Nom\r\n" + b"1;\x81\x8d\x8f\x90\x9d\r\n" * 5 + b'"never closed'
    )
    wizard.state.layout = wizard.state.layout.__class__(
        **{**wizard.state.layout.__dict__, "encoding": "utf-8"}
    )
    click_next(qtbot, wizard)
    page = wizard.check_page
    wait_task(qtbot, page)
    assert page.message.isVisible() or page.message.text()
    assert "clients.csv" in page.message.text()
    assert "Traceback" not in page.message.text()
    assert page.again_button.isVisible()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()


def test_vehicles_with_a_change_of_owner(qtbot, database, manager, english, store, reports) -> None:
    first = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, first, CLIENTS)
    click_next(qtbot, first)
    wait_task(qtbot, first.check_page)
    click_next(qtbot, first)
    wait_task(qtbot, first.import_page)

    wizard = make_wizard(qtbot, database, manager, store)
    wizard.file_page.set_file(VEHICLES)
    assert wizard.file_page.kind_combo.currentData() == "vehicles"
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    wait_task(qtbot, wizard.check_page)
    assert wizard.state.report.rejected > 0
    click_next(qtbot, wizard)
    wait_task(qtbot, wizard.import_page)
    result = wizard.state.result
    assert result is not None
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Vehicle)) == result.new
    page = wizard.import_page
    assert page.changes.rowCount() == len(result.changes) >= 1
    assert page.changes.isVisible()
    assert any(
        "DR-903-MB" in page.changes.item(r, 0).text()
        or "UU1HSDAG563214587" in page.changes.item(r, 0).text()
        for r in range(page.changes.rowCount())
    )  # noqa: E501


def test_file_menu_opens_the_wizard_and_the_grid_follows_the_import(
    qtbot, database, manager, english, reports, monkeypatch, tmp_path
) -> None:
    from app.ui.main_window import MainWindow

    window = MainWindow(database, task_manager=manager, demo=True)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.import_action in file_menu.actions()
    refreshed: list[bool] = []
    monkeypatch.setattr(window.targeting, "refresh", lambda: refreshed.append(True))
    window.import_action.trigger()
    wizard = window.import_wizard
    assert isinstance(wizard, ImportWizard) and wizard.isVisible()
    assert wizard.file_page.start_folder == EXAMPLES_DIR  # the demo database
    assert wizard.file_page.findChild(type(wizard.file_page.info), "examples_note") is not None
    size = wizard.size()
    assert size.width() <= 1366 and size.height() <= 768
    to_mapping(qtbot, wizard, CLIENTS)
    click_next(qtbot, wizard)
    wait_task(qtbot, wizard.check_page)
    click_next(qtbot, wizard)
    wait_task(qtbot, wizard.import_page)
    assert refreshed == [True]
    window.close()


def test_the_wizard_speaks_french(qtbot, database, manager, qapp, store, tmp_path) -> None:
    from app.ui.i18n import install_translators

    install_translators("fr", qapp)
    try:
        wizard = make_wizard(qtbot, database, manager, store)
        assert wizard.windowTitle() == "Importer depuis le DMS"
        assert wizard.file_page.kind_combo.itemText(0) == "Clients"
        bad = tmp_path / "facture.csv"
        bad.write_bytes(b"%PDF-1.4\n")
        wizard.file_page.set_file(bad)
        assert "facture.csv" in wizard.file_page.error.text()
        assert "PDF" in wizard.file_page.error.text()
        wizard.file_page.set_file(CLIENTS)
        click_next(qtbot, wizard)
        click_next(qtbot, wizard)
        assert wizard.mapping_page.combos[0].currentText() == "Client › Code client *"
    finally:
        install_translators("en", qapp)


def test_the_sheet_of_a_workbook_is_chosen_and_kept_in_the_profile(
    qtbot, database, manager, english, store, tmp_path
) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Lisez-moi"
    book.active.append(["Extraction DCS", "du 02/12/2026"])
    sheet = book.create_sheet("Clients")
    sheet.append(["N° client", "Nom", "Prénom", "CP"])
    sheet.append(["000123", "DUPRÉ", "Jean", "01000"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    wizard = make_wizard(qtbot, database, manager, store)
    assert wizard.file_page.set_file(path)
    assert "“Lisez-moi”" in wizard.file_page.info.text()
    assert "Its sheets: “Lisez-moi”, “Clients”" in wizard.file_page.info.text()
    click_next(qtbot, wizard)
    page = wizard.preview_page
    assert page.sheet_form.isVisible() and not page.encoding_combo.isEnabled()
    assert [page.sheet_combo.itemText(i) for i in range(page.sheet_combo.count())] == [
        "Lisez-moi",
        "Clients",
    ]
    assert page.table.horizontalHeaderItem(0).text() == "Extraction DCS"
    page.sheet_combo.setCurrentIndex(1)
    assert page.table.horizontalHeaderItem(0).text() == "N° client"
    assert page.table.item(0, 0).text() == "000123"  # a code stays text
    assert wizard.state.layout.sheet_name == "Clients"
    click_next(qtbot, wizard)
    assert wizard.state.mapping[0] == "customer.dms_ref"
    profile = wizard.mapping_page.save_profile("DCS clients")
    assert profile is not None and profile.sheet == "Clients"
    # the next wizard on the same workbook goes to the profile's sheet by itself
    again = make_wizard(qtbot, database, manager, store)
    assert again.file_page.set_file(path)
    assert again.state.layout.sheet_name == "Clients"
    assert "DCS clients" in again.file_page.info.text()
