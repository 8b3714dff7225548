"""The seed's examples (sections 2.1 to 2.5) built by driving the targeting screen's widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton
from targeting_helpers import column, make_screen, type_value, wait_count, wait_grid

from app.query.criteria import Condition, Group, Op
from app.ui.targeting import TargetingScreen
from app.ui.targeting.criteria_model import COL_VALUE
from app.ui.targeting.results import CUSTOMER_ROLE, REMOVED_ROLE
from app.ui.targeting.saved_dialogs import OpenTargetDialog, SaveTargetDialog


def save_as(monkeypatch, qtbot, screen: TargetingScreen, name: str, description: str = "") -> None:
    def fill(dialog: SaveTargetDialog) -> int:
        dialog.name_edit.clear()
        qtbot.keyClicks(dialog.name_edit, name)
        qtbot.keyClicks(dialog.description_edit, description)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SaveTargetDialog, "exec", fill)
    assert screen.save_as()


def open_saved(monkeypatch, qtbot, screen: TargetingScreen, name: str) -> None:
    def pick(dialog: OpenTargetDialog) -> int:
        qtbot.keyClicks(dialog.search, name)
        assert dialog.selected_name() == name
        qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(OpenTargetDialog, "exec", pick)
    with qtbot.waitSignal(screen.counted, timeout=20_000):
        assert screen.open_target()
    wait_grid(qtbot, screen)


def test_clio_and_laguna(qtbot, sample_db, manager, monkeypatch) -> None:
    """2.1.3: two values under Model mean AND: customers who own both models."""
    database, ids = sample_db
    screen = make_screen(qtbot, database, manager)
    assert screen.count == 14  # every vehicle in use, plus the customers without one
    model = screen.editor.model
    type_value(
        qtbot,
        screen.editor,
        model.line_indexes("vehicle.model")[0].siblingAtColumn(COL_VALUE),
        "%CLIO%",
    )
    second = model.line_indexes("vehicle.model")[1]
    assert second.data() == "and ="  # the second sign appears: it means "and"
    type_value(qtbot, screen.editor, second.siblingAtColumn(COL_VALUE), "%LAGUNA%")
    wait_count(qtbot, screen, 2)
    assert screen.count_label.text() == "2 records"
    assert sorted(column(screen, "vehicle.model")) == ["CLIO", "LAGUNA"]
    assert set(column(screen, "customer.last_name")) == {"Dupré"}
    sentence = screen.editor.sentence.text()
    assert "Model contains CLIO" in sentence and "Model contains LAGUNA" in sentence
    assert "owns a vehicle for each" in sentence
    assert screen.editor.criteria() == Group(
        "all",
        [
            Condition("vehicle.model", Op.LIKE, ["%CLIO%"]),
            Condition("vehicle.model", Op.LIKE, ["%LAGUNA%"]),
        ],
    )
    assert screen.is_modified()

    save_as(monkeypatch, qtbot, screen, "CLIO ET LAGUNA", "Owners of both models")
    assert not screen.is_modified()
    assert screen.name_label.text() == "CLIO ET LAGUNA"
    screen.new_target()
    wait_count(qtbot, screen, 14)
    open_saved(monkeypatch, qtbot, screen, "CLIO ET LAGUNA")
    assert screen.count == 2
    assert sorted(column(screen, "vehicle.model")) == ["CLIO", "LAGUNA"]
    assert [
        i.siblingAtColumn(COL_VALUE).data()
        for i in screen.editor.model.line_indexes("vehicle.model")
    ] == [
        "%CLIO%",
        "%LAGUNA%",
        "",
    ]
    assert screen.description_label.text() == "Owners of both models"
    assert not screen.is_modified()


def test_mini_or_twizy(qtbot, sample_db, manager, monkeypatch) -> None:
    """2.1.4: an OR group: customers with a MINI or a TWIZY, a row per vehicle."""
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    editor = screen.editor
    type_value(
        qtbot,
        editor,
        editor.model.line_indexes("vehicle.model")[0].siblingAtColumn(COL_VALUE),
        "%MINI%",
    )
    wait_count(qtbot, screen, 2)
    qtbot.mouseClick(editor.findChild(QToolButton, "add_or_group"), Qt.MouseButton.LeftButton)
    assert editor.tabs.count() == 2 and editor.tabs.currentIndex() == 1
    type_value(
        qtbot,
        editor,
        editor.model.line_indexes("vehicle.model")[0].siblingAtColumn(COL_VALUE),
        "%TWIZY%",
    )
    wait_count(qtbot, screen, 3)
    assert sorted(column(screen, "vehicle.model")) == [
        "AUSTIN MINI",
        "MINI 1.6i 115 COOPER",
        "TWIZY",
    ]
    assert editor.sentence.text() == "Vehicle: Model contains MINI or Vehicle: Model contains TWIZY"
    assert [editor.tabs.tabText(i) for i in range(2)] == ["Criteria (1)", "OR group 2 (1)"]

    save_as(monkeypatch, qtbot, screen, "MINI OU TWIZY")
    screen.new_target()
    wait_count(qtbot, screen, 14)
    assert editor.tabs.count() == 1
    open_saved(monkeypatch, qtbot, screen, "MINI OU TWIZY")
    assert screen.count == 3 and editor.tabs.count() == 2
    assert sorted(column(screen, "vehicle.model")) == [
        "AUSTIN MINI",
        "MINI 1.6i 115 COOPER",
        "TWIZY",
    ]

    # from one group to the other with the keyboard
    editor.view.setFocus()
    assert editor.tabs.currentIndex() == 0
    qtbot.keyClick(editor.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert editor.tabs.currentIndex() == 1
    qtbot.keyClick(editor.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert editor.tabs.currentIndex() == 0
    # reorder the groups: the sentence follows, the rows stay the same
    editor.tabs.setCurrentIndex(0)
    editor.move_right_action.trigger()
    assert editor.sentence.text() == "Vehicle: Model contains TWIZY or Vehicle: Model contains MINI"
    assert editor.tabs.currentIndex() == 1 and editor.tabs.tabText(0) == "Criteria (1)"
    wait_count(qtbot, screen, 3)
    editor.move_left_action.trigger()
    assert editor.sentence.text() == "Vehicle: Model contains MINI or Vehicle: Model contains TWIZY"
    # remove the first group: only the TWIZY is left
    editor.tabs.setCurrentIndex(0)
    qtbot.mouseClick(editor.findChild(QToolButton, "remove_group"), Qt.MouseButton.LeftButton)
    assert editor.tabs.count() == 1
    wait_count(qtbot, screen, 1)
    assert column(screen, "vehicle.model") == ["TWIZY"]
    assert screen.is_modified()


def test_old_vehicles_without_arval(qtbot, sample_db, manager, monkeypatch) -> None:
    """2.3: MEC before 01/12/2005, then the ARVAL rows removed by hand; saved and reopened."""
    database, ids = sample_db
    screen = make_screen(qtbot, database, manager)
    editor = screen.editor
    line = editor.model.line_indexes("vehicle.first_registration")[0]
    editor.select(line)
    qtbot.keyClick(editor.view, "<")  # the operator, from the keyboard
    assert editor.model.line_op(line) is Op.LE
    assert editor.op_actions[Op.LE].isChecked()
    type_value(qtbot, editor, line.siblingAtColumn(COL_VALUE), "01/12/2005")
    wait_count(qtbot, screen, 6)
    assert "Vehicle: First registration (MEC) on or before 01/12/2005" == editor.sentence.text()
    dates = column(screen, "vehicle.first_registration")
    assert "17/02/1992" in dates and "30/11/2005" in dates and "01/12/2004" in dates
    arval_rows = [r for r in range(screen.results.rowCount())
                  if screen.results.index(r, 0).data(CUSTOMER_ROLE) == ids["arval"]]  # fmt: skip
    assert len(arval_rows) == 2

    # one click on the mark of one ARVAL row strikes every ARVAL row
    grid_view = screen.grid
    rect = grid_view.visualRect(screen.results.index(arval_rows[0], 0))
    qtbot.mouseClick(grid_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.removed == {ids["arval"]}
    for r in range(screen.results.rowCount()):
        index = screen.results.index(r, 2)
        struck = bool(
            index.data(Qt.ItemDataRole.FontRole)
            and index.data(Qt.ItemDataRole.FontRole).strikeOut()
        )
        assert struck == (r in arval_rows)
        assert index.data(REMOVED_ROLE) == (r in arval_rows)
    assert screen.count_label.text() == "6 records"
    assert screen.removed_label.text() == "· 1 customer removed"
    assert screen.current_target().removed == {ids["arval"]}

    # only the removed rows
    qtbot.mouseClick(screen.only_removed, Qt.MouseButton.LeftButton)
    wait_grid(qtbot, screen)
    assert screen.results.rowCount() == 2
    assert {screen.results.index(r, 0).data(CUSTOMER_ROLE) for r in range(2)} == {ids["arval"]}
    qtbot.mouseClick(screen.only_removed, Qt.MouseButton.LeftButton)
    wait_grid(qtbot, screen)
    assert screen.results.rowCount() == 6

    save_as(monkeypatch, qtbot, screen, "VEHICULES PLUS DE 12 ANS", "Hors L.D.D.")
    screen.new_target()
    wait_count(qtbot, screen, 14)
    assert screen.removed == set()
    open_saved(monkeypatch, qtbot, screen, "VEHICULES PLUS DE 12 ANS")
    assert screen.count == 6
    assert screen.removed == {ids["arval"]}
    struck = [r for r in range(6) if screen.results.index(r, 1).data(REMOVED_ROLE)]
    assert len(struck) == 2
    assert (
        screen.editor.model.line_indexes("vehicle.first_registration")[0]
        .siblingAtColumn(COL_VALUE)
        .data()
        == "01/12/2005"
    )

    # put them back with the keyboard: select the struck rows, press Insert
    grid_view.setFocus()
    grid_view.clearSelection()
    for r in struck:
        grid_view.selectionModel().select(
            screen.results.index(r, 1),
            grid_view.selectionModel().SelectionFlag.Select
            | grid_view.selectionModel().SelectionFlag.Rows,
        )
    qtbot.keyClick(grid_view, Qt.Key.Key_Insert)
    assert screen.removed == set()
    assert screen.is_modified()
    # and remove them again with Delete
    qtbot.keyClick(grid_view, Qt.Key.Key_Delete)
    assert screen.removed == {ids["arval"]}


def test_copy_rows_as_tab_separated_text(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    screen.set_columns(["customer.last_name", "vehicle.model", "vehicle.first_registration"])
    screen.set_sort([])
    wait_count(qtbot, screen, 14)
    type_value(qtbot, screen.editor,
               screen.editor.model.line_indexes("vehicle.model")[0].siblingAtColumn(COL_VALUE), "%MINI%")  # fmt: skip
    wait_count(qtbot, screen, 2)
    screen.grid.setFocus()
    screen.grid.selectAll()
    qtbot.keyClick(screen.grid, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QApplication.clipboard().text()
    lines = text.split("\r\n")
    assert lines[0] == "Last name\tModel\tFirst registration (MEC)"
    assert sorted(lines[1:3]) == [
        "GASNIER\tAUSTIN MINI\t17/02/1992",
        "Martin\tMINI 1.6i 115 COOPER\t05/05/2004",
    ]
    assert lines[3:] == [""]


@pytest.mark.parametrize("grain, expected", [("vehicle", 6), ("customer", 4)])
def test_one_row_per_customer(qtbot, sample_db, manager, grain, expected) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    line = screen.editor.model.line_indexes("vehicle.first_registration")[0]
    type_value(qtbot, screen.editor, line.siblingAtColumn(COL_VALUE), "01/12/2005")
    wait_count(qtbot, screen, 6)
    if grain == "customer":
        screen.grain_action.trigger()
    wait_count(qtbot, screen, expected)
    assert screen.results.rowCount() == expected
    assert screen.current_target().grain == grain
