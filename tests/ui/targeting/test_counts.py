"""The counts say what is shown and applied (issue 10, point 9)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from targeting_helpers import make_screen, type_value, wait_count, wait_grid

from app.ui.targeting.criteria_model import COL_VALUE
from app.ui.targeting.results import CUSTOMER_ROLE


def test_only_removed_counts_the_rows_shown(qtbot, sample_db, manager) -> None:
    database, ids = sample_db
    screen = make_screen(qtbot, database, manager)
    total = screen.count
    assert total and total > 2
    rows = [r for r in range(screen.results.rowCount())
            if screen.results.index(r, 0).data(CUSTOMER_ROLE) == ids["arval"]]  # fmt: skip
    assert len(rows) == 2
    qtbot.mouseClick(
        screen.grid.viewport(),
        Qt.MouseButton.LeftButton,
        pos=screen.grid.visualRect(screen.results.index(rows[0], 0)).center(),
    )
    assert screen.removed == {ids["arval"]}
    qtbot.mouseClick(screen.only_removed, Qt.MouseButton.LeftButton)
    wait_count(qtbot, screen, 2)
    assert screen.results.rowCount() == 2
    assert screen.count_label.text() == "2 removed records"
    qtbot.mouseClick(screen.only_removed, Qt.MouseButton.LeftButton)
    wait_count(qtbot, screen, total)
    assert screen.count_label.text() == f"{total} records"
    assert screen.results.rowCount() == total


def test_only_removed_with_nobody_removed_says_zero(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    qtbot.mouseClick(screen.only_removed, Qt.MouseButton.LeftButton)
    wait_count(qtbot, screen, 0)
    wait_grid(qtbot, screen)
    assert screen.results.rowCount() == 0
    assert screen.count_label.text() == "0 removed records"


def test_an_invalid_line_is_not_counted_in_the_tab(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    editor = screen.editor
    line = editor.model.line_indexes("vehicle.first_registration")[0]
    type_value(qtbot, editor, line.siblingAtColumn(COL_VALUE), "01/12/2005")
    name = editor.model.line_indexes("customer.last_name")[0]
    type_value(qtbot, editor, name.siblingAtColumn(COL_VALUE), "DUP%")
    assert editor.tabs.tabText(0) == "Criteria (2)"
    bad = editor.model.line_indexes("vehicle.first_registration")[1]
    type_value(qtbot, editor, bad.siblingAtColumn(COL_VALUE), "31/02/2020")
    assert editor.invalid()  # shown in red, not applied
    assert editor.tabs.tabText(0) == "Criteria (2)"
    group = editor.model.field_index("vehicle.first_registration").parent()
    assert group.siblingAtColumn(COL_VALUE).data() == "1 criterion"
