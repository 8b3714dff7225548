"""The duplicates window: search, compare side by side, merge in the background, undo."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.models import Customer, CustomerAlias
from app.ui.duplicates import DuplicatesDialog
from app.ui.main_window import MainWindow
from tests.dedupe.sample import add_customer, girard_pair


def fill(database) -> None:
    with database.session() as s:
        site, girard, girrard = girard_pair(s)
        # one household: not a duplicate
        add_customer(s, site, "D1", "DURAND", "Marie", postal_code="37000", phone_mobile="0633333333")
        add_customer(s, site, "D2", "DURAND", "Pierre", postal_code="37000", phone_mobile="0633333333")


def searched(qtbot, dialog: DuplicatesDialog) -> None:
    qtbot.mouseClick(dialog.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and not dialog.progress.isVisible())


def test_search_compare_merge_and_undo(qtbot, database, manager, english, qtmodeltester, monkeypatch) -> None:
    fill(database)
    dialog = DuplicatesDialog(database, task_manager=manager)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.compare_button.isEnabled()
    searched(qtbot, dialog)
    qtmodeltester.check(dialog.candidates)
    model = dialog.candidates
    assert model.rowCount() == 1  # GIRARD / GIRRARD; the DURAND household is not listed
    row = [model.index(0, c).data() for c in range(model.columnCount())]
    assert row[1:4] == ["GIRARD Paul (C001)", "GIRRARD Paul (C777)", "37000 TOURS"]
    assert "same mobile +33612345678" in row[4] and "same street" in row[4]
    assert dialog.status.text() == "Probable duplicates: 1"

    dialog.candidates_view.selectRow(0)
    assert dialog.compare_button.isEnabled()
    qtbot.mouseClick(dialog.compare_button, Qt.MouseButton.LeftButton)
    merge = dialog.merge_dialog
    assert merge is not None
    qtbot.waitUntil(lambda: merge.merge_button.isEnabled())
    table = merge.table
    labels = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    ref_row, email_row, vehicles_row = (
        labels.index("DMS reference"), labels.index("E-mail"), labels.index("Vehicles")
    )  # fmt: skip
    assert [table.item(ref_row, c).text() for c in (0, 1)] == ["C001", "C777"]
    assert [table.item(email_row, c).text() for c in (0, 1)] == ["", "paul.girard@example.fr"]
    assert [table.item(vehicles_row, c).text() for c in (0, 1)] == ["1", "2"]

    # keep the second record this time
    merge.keep_b.click()
    assert merge.survivor_and_merged() == (merge.candidate.b_id, merge.candidate.a_id)
    with qtbot.waitSignal(merge.merged, timeout=20_000):
        qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 0
    with database.session() as s:
        refs = set(s.scalars(select(Customer.dms_ref)))
        assert "C001" not in refs and "C777" in refs
        aliases = {a.dms_ref for a in s.scalars(select(CustomerAlias))}
        assert "C001" in aliases

    # past merges: undo
    qtbot.waitUntil(lambda: dialog.merges.rowCount() == 1)
    qtmodeltester.check(dialog.merges)
    dialog.tabs.setCurrentIndex(1)
    assert dialog.merges.index(0, 1).data() == "GIRRARD Paul (C777)"
    assert dialog.merges.index(0, 2).data() == "GIRARD Paul (C001)"
    dialog.merges_view.selectRow(0)
    assert dialog.undo_button.isEnabled()
    asked = []
    monkeypatch.setattr(
        QMessageBox, "question",
        lambda *args, **kw: asked.append(args[2]) or QMessageBox.StandardButton.Yes,
    )  # fmt: skip
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.merges.rowCount() == 1 and dialog.merges.merges[0].undone_at is not None)
    assert "GIRRARD Paul and GIRARD Paul back as two separate customers" in asked[0]
    with database.session() as s:
        assert {"C001", "C777"} <= set(s.scalars(select(Customer.dms_ref)))
        assert "C001" not in {a.dms_ref for a in s.scalars(select(CustomerAlias))}
    dialog.merges_view.selectRow(0)
    assert not dialog.undo_button.isEnabled()  # already undone
    searched(qtbot, dialog)
    assert dialog.candidates.rowCount() == 1  # the pair is back


def test_a_lower_threshold_lists_the_household(qtbot, database, manager, english) -> None:
    fill(database)
    dialog = DuplicatesDialog(database, task_manager=manager)
    qtbot.addWidget(dialog)
    dialog.threshold.setValue(0)
    searched(qtbot, dialog)
    why = [dialog.candidates.index(r, 4).data() for r in range(dialog.candidates.rowCount())]
    assert any("first names differ" in w for w in why)


def test_merging_a_pair_already_merged_says_so(qtbot, database, manager, english) -> None:
    fill(database)
    dialog = DuplicatesDialog(database, task_manager=manager)
    qtbot.addWidget(dialog)
    searched(qtbot, dialog)
    dialog.candidates_view.selectRow(0)
    merge = dialog.compare()
    qtbot.waitUntil(lambda: merge.merge_button.isEnabled())
    with database.session() as s:  # someone else merged (or deleted) the second record meanwhile
        from app.dedupe.merge import merge_customers

        merge_customers(s, merge.candidate.a_id, merge.candidate.b_id)
    qtbot.mouseClick(merge.merge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not merge.busy)
    assert merge.status.text() == (
        "One of the two customers no longer exists: search for duplicates again."
    )
    assert merge.isVisible() or not merge.result()


def test_the_file_menu_opens_it(qtbot, database, manager, english) -> None:
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    assert window.duplicates_action in file_menu.actions()
    assert window.duplicates_action.text() == "Duplicate &customers…"
    window.duplicates_action.trigger()
    assert window.duplicates_dialog is not None and window.duplicates_dialog.isVisible()
    qtbot.waitUntil(lambda: not manager.busy)
