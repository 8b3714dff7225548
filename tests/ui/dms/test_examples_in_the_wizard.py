"""The four example extracts of app/resources/examples/ imported in order through the wizard, on
an empty database and on a demo one, as a user tries them: counts, the saved report with its
rejected rows, the change of owner, and the duplicate the duplicates window finds afterwards.
On each database the same files through ``python -m app import`` (on a copy made before) give
the same counts and the same database."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt

from app.__main__ import main
from app.models.demo import generate_demo
from app.ui.dms import check
from app.ui.dms.wizard import EXAMPLES_DIR, ProfileStore
from app.ui.duplicates import DuplicatesDialog
from tests.ui.dms.test_import_wizard import click_next, make_wizard, wait_task

#: file, kind, rows read, rejected, and on an empty database: new, updated
EXAMPLES = [
    ("clients_irium.csv", "customers", 17, 2, 14, 0),
    ("vehicules_dcs.csv", "vehicles", 15, 4, 10, 1),
    ("factures_atelier.csv", "invoices", 14, 3, 6, 0),
    ("ventes_vn_vo.csv", "sales", 7, 1, 6, 0),
]  # fmt: skip


@pytest.fixture
def store(database) -> ProfileStore:
    return ProfileStore(database)


@pytest.fixture
def reports(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "reports"
    monkeypatch.setattr(check, "reports_dir", lambda: folder)
    return folder


def table_rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def soffice_sheets(book: Path, out: Path) -> dict[str, list[list[str]]]:
    """Every sheet of *book* as LibreOffice reads it, by sheet name."""
    out.mkdir()
    copy = out / "report.xlsx"
    shutil.copy(book, copy)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{out}/profile",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(out), str(copy)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    sheets = {}
    for sheet in out.glob("report-*.csv"):
        with open(sheet, encoding="utf-8", newline="") as handle:
            sheets[sheet.stem.removeprefix("report-")] = list(csv.reader(handle))
    return sheets


@pytest.mark.parametrize("garage", ["empty", "demo"])
def test_every_example_through_the_wizard_then_the_command(
    qtbot, database, db_path, manager, english, store, reports, tmp_path, garage, capsys
) -> None:
    if garage == "demo":
        generate_demo(database, 400, 1, today=dt.date.today())
    copy = tmp_path / "command.sqlite"
    source, target = sqlite3.connect(db_path), sqlite3.connect(copy)
    source.backup(target)  # the write-ahead log included
    source.close(), target.close()
    results = {}
    for name, kind, read, rejected, new, updated in EXAMPLES:
        wizard = make_wizard(qtbot, database, manager, store, demo=True)
        assert wizard.file_page.set_file(EXAMPLES_DIR / name)
        assert wizard.file_page.kind_combo.currentData() == kind
        click_next(qtbot, wizard)  # the rows as read
        click_next(qtbot, wizard)  # the columns
        click_next(qtbot, wizard)  # the check
        wait_task(qtbot, wizard.check_page)
        report = wizard.state.report
        assert (report.rows_read, report.rejected) == (read, rejected), name
        click_next(qtbot, wizard)  # Import
        wait_task(qtbot, wizard.import_page)
        result = wizard.state.result
        assert result is not None and result.rejected == rejected, name
        if garage == "empty":
            assert (result.new, result.updated, result.unchanged) == (new, updated, 0), name
        results[name] = result
        saved = wizard.import_page.report_path
        assert saved is not None and saved.suffix == ".xlsx" and saved.parent == reports
        book = openpyxl.load_workbook(saved)
        problems = [r for r in book.worksheets[1].iter_rows(min_row=2, values_only=True) if r[0]]
        assert len([r for r in problems if r[3] == "Error"]) == rejected
        assert all(r[4] for r in problems)  # every problem has its reason
        if name == "vehicules_dcs.csv":
            changes = [c.vehicle for c in result.changes]
            assert changes == ["DR-903-MB (UU1HSDAG563214587)"]
            assert wizard.import_page.changes.rowCount() == 1
            changed = list(book.worksheets[2].iter_rows(min_row=2, values_only=True))
            # to GIRARD Thomas of Orléans, not to whoever is 100012 at Tours in the demo
            assert [(r[2], r[4], r[5]) for r in changed] == [("100003", "100012", "GIRARD Thomas")]
            vehicles_report = saved
        wizard.close()

    # the report opens in LibreOffice, rejected rows and reasons, and the change of owner
    if shutil.which("soffice"):
        sheets = soffice_sheets(vehicles_report, tmp_path / "soffice")
        problems = sheets["Problems"]
        assert problems[0] == ["Row", "Column", "Value", "Severity", "Problem"]
        assert ["13", "VIN", "VF1RJA00I63458128", "Error"] == problems[2][:4]
        assert "I, O or Q" in problems[2][4]
        changes = sheets["Changes"]
        assert changes[1][0] == "15" and changes[1][2] == "100003" and changes[1][4] == "100012"

    # the duplicate of the example: GIRRARD Thomas is GIRARD Thomas typed again
    dialog = DuplicatesDialog(database, task_manager=manager)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and not dialog.progress.isVisible(), timeout=60_000)
    model = dialog.candidates
    pairs = [
        " / ".join(model.index(r, c).data() for c in (1, 2)) for r in range(model.rowCount())
    ]
    found = [p for p in pairs if "(100012)" in p and "(100016)" in p]
    assert found, pairs
    assert "GIRARD Thomas" in found[0] and "GIRRARD Thomas" in found[0]
    dialog.close()

    # the command on the copy: the same counts, the same database
    for name, _kind, _read, rejected, _new, _updated in EXAMPLES:
        code = main(["import", str(EXAMPLES_DIR / name), "--db", str(copy), "--lang", "en"])
        out = capsys.readouterr().out
        assert code == 3, out
        result = results[name]
        assert (
            f"{result.new} new, {result.updated} updated, {result.unchanged} unchanged, "
            f"{rejected} rejected" in out
        ), out
    database.dispose()
    wizard_rows = table_rows(db_path, "select dms_ref, last_name, postal_code from customer order by 1, 2")
    command_rows = table_rows(copy, "select dms_ref, last_name, postal_code from customer order by 1, 2")
    assert wizard_rows == command_rows
    for table in ("vehicle", "workshop_invoice", "vehicle_sale"):
        sql = f"select count(*) from {table}"
        assert table_rows(db_path, sql) == table_rows(copy, sql), table
