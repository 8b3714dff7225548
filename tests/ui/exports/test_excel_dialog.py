"""The "Export to Excel" dialog, driven through its real widgets on a real database."""

from __future__ import annotations

import threading
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton

from app.export.excel import list_saved_exports
from app.query.target import SortKey
from app.ui.exports.excel_dialog import ExcelExportDialog
from tests.export.mailing_sample import TODAY, everyone


def target(**kw):
    kw.setdefault(
        "columns", ["customer.last_name", "customer.postal_code", "vehicle.first_registration"]
    )
    kw.setdefault("sort", [SortKey("customer.last_name")])
    kw.setdefault("name", "Relance CT")
    return everyone(**kw)


@pytest.fixture
def dialog(qtbot, garage, manager, english):
    db, _ = garage
    return make_dialog(qtbot, db, manager, target())


def make_dialog(qtbot, db, manager, t) -> ExcelExportDialog:
    """A shown dialog whose list of saved exports has been read."""
    dlg = ExcelExportDialog(db, t, task_manager=manager, today=TODAY)
    qtbot.addWidget(dlg)
    dlg.open_check.setChecked(False)
    with qtbot.waitSignal(dlg.saved_changed, timeout=10_000):
        dlg.show()
    return dlg


@pytest.fixture
def answers(monkeypatch):
    """QMessageBox.question answers (Yes/No) queued by the test; every question is recorded."""
    asked: list[str] = []
    queue: list[QMessageBox.StandardButton] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return queue.pop(0) if queue else QMessageBox.StandardButton.No

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "warning", lambda p, t, text, *a, **k: warnings.append(text))
    return {"asked": asked, "queue": queue, "warnings": warnings}


def export_and_wait(qtbot, dlg: ExcelExportDialog, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    task = dlg.current_task()
    assert task is not None
    with qtbot.waitSignal(task.finished, timeout=20_000):
        pass


def names_in(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_export_writes_the_workbook_and_lists_it(qtbot, dialog, garage, tmp_path) -> None:
    db, _ = garage
    out = tmp_path / "relance"
    qtbot.keyClicks(dialog.path_edit, str(out))
    qtbot.keyClicks(dialog.name_edit, "Liste CT")
    qtbot.keyClicks(dialog.description_edit, "pour l'atelier")
    opened: list[Path] = []
    dialog.open_workbook = opened.append
    dialog.open_check.setChecked(True)
    export_and_wait(qtbot, dialog, dialog.export_button)

    written = tmp_path / "relance.xlsx"  # .xlsx added
    assert dialog.last_result is not None and dialog.last_result.path == written
    assert opened == [written]
    rows = dialog.last_result.rows
    assert len(names_in(written)) == rows and "Dupré" in names_in(written)
    assert dialog.status_label.text() == f"{rows} rows written to {written}."
    assert dialog.saved_names() == ["Liste CT"]
    assert dialog.saved_table.item(0, 2).text() == str(rows)
    assert dialog.saved_table.item(0, 3).text() == "pour l'atelier"
    with db.engine.connect() as conn:
        (saved,) = list_saved_exports(conn, "Relance CT")
    assert (saved.file_path, saved.row_count) == (str(written), rows)


def test_overwrite_warnings_for_an_existing_file_and_name(qtbot, dialog, tmp_path, answers) -> None:
    out = tmp_path / "old.xlsx"
    out.write_bytes(b"someone's workbook")
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)  # answered No
    assert dialog.current_task() is None
    assert answers["asked"] == [f"{out} already exists. Replace it with a new workbook?"]
    assert out.read_bytes() == b"someone's workbook"

    answers["queue"].append(QMessageBox.StandardButton.Yes)
    dialog.name_edit.setText("Liste")
    export_and_wait(qtbot, dialog, dialog.export_button)
    assert out.read_bytes()[:2] == b"PK"  # a real workbook now

    # same name again: asked first, and "No" keeps everything as it was
    before = out.read_bytes()
    dialog.path_edit.setText(str(tmp_path / "new.xlsx"))
    dialog.name_edit.setText("liste")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert (
        answers["asked"][-1]
        == "An Excel export of this target is already called liste. Replace it?"
    )
    assert not (tmp_path / "new.xlsx").exists() and out.read_bytes() == before
    assert dialog.saved_names() == ["Liste"]


def test_mailing_option_shows_the_funnel_with_reasons(qtbot, dialog, tmp_path) -> None:
    assert not dialog.mailing_panel.isVisibleTo(dialog)
    qtbot.mouseClick(dialog.mailing_check, Qt.MouseButton.LeftButton)
    assert dialog.mailing_panel.isVisibleTo(dialog)
    tree = dialog.funnel_tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() > 0, timeout=10_000)
    steps = {
        tree.topLevelItem(i).text(0): tree.topLevelItem(i).text(1)
        for i in range(tree.topLevelItemCount())
    }
    assert steps["In the target"] == "16"
    assert steps["Not refusing postal contact"] == "6"
    refusal = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).text(0) == "Not refusing postal contact"
    )
    assert (refusal.child(0).text(0), refusal.child(0).text(1)) == ("refuses postal contact", "-2")
    assert dialog.funnel_status.text().startswith("6 customers will be in the workbook")

    # the cap on recent contacts adds a step
    dialog.recent_check.setChecked(True)
    qtbot.waitUntil(
        lambda: any(
            tree.topLevelItem(i).text(0) == "Not contacted in the last 30 days"
            for i in range(tree.topLevelItemCount())
        ),
        timeout=10_000,
    )
    dialog.path_edit.setText(str(tmp_path / "courrier.xlsx"))
    export_and_wait(qtbot, dialog, dialog.export_button)
    names = names_in(tmp_path / "courrier.xlsx")
    assert len(names) == 4 == dialog.last_result.rows
    assert not {"DUPONT", "dupont-aignan", "Dupré"} & set(names)


def test_refresh_keeps_the_users_sheet_and_current_target_changes_columns(
    qtbot, dialog, garage, tmp_path, answers
) -> None:
    out = tmp_path / "suivi.xlsx"
    dialog.path_edit.setText(str(out))
    dialog.name_edit.setText("Suivi")
    export_and_wait(qtbot, dialog, dialog.export_button)
    wb = openpyxl.load_workbook(out)
    wb.create_sheet("Mes calculs")["A1"] = "=COUNTA(Cible_Data)"
    wb.save(out)

    dialog.saved_table.selectRow(0)
    assert dialog.refresh_button.isEnabled()
    export_and_wait(qtbot, dialog, dialog.refresh_button)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Data", "About", "Mes calculs"]
    assert wb["Mes calculs"]["A1"].value == "=COUNTA(Cible_Data)"
    assert wb["Data"]["A1"].value == "Last name"

    # the target has changed in the window: its columns go into the same workbook
    dialog.target = target(columns=["customer.city", "customer.last_name"])
    dialog.saved_table.selectRow(0)
    answers["queue"].append(QMessageBox.StandardButton.Yes)
    export_and_wait(qtbot, dialog, dialog.current_button)
    assert answers["asked"][-1].startswith("Replace the data of Suivi with the rows")
    wb = openpyxl.load_workbook(out)
    assert [c.value for c in wb["Data"][1]] == ["City", "Last name"]
    assert "Mes calculs" in wb.sheetnames
    db, _ = garage
    with db.engine.connect() as conn:
        (saved,) = list_saved_exports(conn, "Relance CT")
    assert saved.target().columns == ["customer.city", "customer.last_name"]


def test_cancel_leaves_the_older_file_intact(qtbot, dialog, manager, tmp_path, answers) -> None:
    out = tmp_path / "keep.xlsx"
    out.write_bytes(b"the good old workbook")
    release = threading.Event()
    blocker = manager.run(lambda ctx: release.wait(10), None, None)  # keeps the worker busy
    answers["queue"].append(QMessageBox.StandardButton.Yes)
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    task = dialog.current_task()
    assert not dialog.export_button.isEnabled()  # one export at a time
    dialog._progress.findChild(QPushButton).click()  # the progress dialog's Cancel button
    with qtbot.waitSignal(task.finished, timeout=10_000):
        release.set()
    assert blocker is not None and task.outcome == "cancelled"
    assert (
        dialog.status_label.text() == "Export cancelled; the previous file, if any, is unchanged."
    )
    assert out.read_bytes() == b"the good old workbook"
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.suffix != ".sqlite" and "sqlite" not in p.name
    ) == ["keep.xlsx"]
    assert dialog.export_button.isEnabled()


def test_errors_are_shown_and_nothing_is_written(qtbot, dialog, tmp_path, answers) -> None:
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert answers["warnings"] == ["Choose where to write the workbook."]
    dialog.path_edit.setText(str(tmp_path / "nowhere" / "x.xlsx"))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert answers["warnings"][-1] == f"The folder {tmp_path / 'nowhere'} does not exist."
    assert dialog.current_task() is None

    # refreshing a workbook that Cible did not make: a clear message, the file untouched
    dialog.path_edit.setText(str(tmp_path / "mine.xlsx"))
    dialog.name_edit.setText("Mine")
    export_and_wait(qtbot, dialog, dialog.export_button)
    other = openpyxl.Workbook()
    other.active["A1"] = "not from Cible"
    other.save(tmp_path / "mine.xlsx")
    before = (tmp_path / "mine.xlsx").read_bytes()
    dialog.saved_table.selectRow(0)
    export_and_wait(qtbot, dialog, dialog.refresh_button)
    assert "has no Cible_Data range" in answers["warnings"][-1]
    assert "has no Cible_Data range" in dialog.status_label.text()
    assert (tmp_path / "mine.xlsx").read_bytes() == before


def test_delete_forgets_the_export_but_keeps_the_file(qtbot, dialog, tmp_path, answers) -> None:
    out = tmp_path / "a.xlsx"
    dialog.path_edit.setText(str(out))
    dialog.name_edit.setText("A")
    export_and_wait(qtbot, dialog, dialog.export_button)
    dialog.saved_table.selectRow(0)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)  # answered No
    assert dialog.saved_names() == ["A"]
    answers["queue"].append(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(dialog.saved_changed, timeout=10_000):
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == "Export A deleted."
    assert answers["asked"][-1] == f"Forget the export A? The workbook {out} stays on disk."
    assert dialog.saved_names() == [] and out.exists()
    assert not dialog.refresh_button.isEnabled()


def test_saved_exports_of_other_targets_are_not_listed(qtbot, garage, manager, english, tmp_path):
    db, _ = garage
    first = make_dialog(qtbot, db, manager, target())
    first.path_edit.setText(str(tmp_path / "x.xlsx"))
    first.name_edit.setText("X")
    export_and_wait(qtbot, first, first.export_button)
    other = make_dialog(qtbot, db, manager, target(name="Autre"))
    again = make_dialog(qtbot, db, manager, target())
    assert first.saved_names() == ["X"] and other.saved_names() == []
    assert again.saved_names() == ["X"]


def test_choose_adds_the_file_chosen(qtbot, dialog, tmp_path, monkeypatch) -> None:
    chosen = str(tmp_path / "choisi.xlsx")
    calls = []

    def fake_dialog(parent, caption, start, filters, **kwargs):
        calls.append((start, filters))
        return chosen, filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_dialog)
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == chosen
    assert calls[0][0].endswith("Relance CT.xlsx") and "*.xlsx" in calls[0][1]
    dialog.target = target(name='CT 12/2026: "VN"')
    assert dialog.suggested_file_name() == "CT 12_2026_ _VN_.xlsx"
