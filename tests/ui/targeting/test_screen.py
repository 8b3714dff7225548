"""The targeting screen's behaviour: live count, errors, saved targets, files, keyboard."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QInputDialog, QMessageBox, QToolButton
from targeting_helpers import column, make_screen, type_value, wait_count, wait_grid

from app.query.criteria import Condition, Group, Op
from app.query.saved import list_saved, load_saved
from app.query.target import SortKey, Target
from app.query.targetfile import load_target_file, save_target_file
from app.ui.main_window import MainWindow
from app.ui.targeting import TargetingScreen
from app.ui.targeting import screen as screen_module
from app.ui.targeting.criteria_model import COL_VALUE, ERROR_ROLE
from app.ui.targeting.fields import FieldsDialog, SortDialog
from app.ui.targeting.saved_dialogs import OpenTargetDialog, SaveTargetDialog

MINI = Target(criteria=Group("all", [Condition("vehicle.model", Op.LIKE, ["%MINI%"])]))


@pytest.fixture
def no_boxes(monkeypatch):
    """Fail on any message box: errors must go to the bar, never to a modal storm."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"unexpected message box: {args[1:3]}")

    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, refuse)


def answer(monkeypatch, button, seen: list[str] | None = None) -> None:
    def ask(parent, title, text, *args, **kwargs):
        if seen is not None:
            seen.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", ask)


def saved_names(database) -> list[str]:
    with database.engine.connect() as conn:
        return [t.name for t in list_saved(conn)]


def save_named(monkeypatch, screen, name: str) -> bool:
    def fill(dialog: SaveTargetDialog) -> int:
        dialog.name_edit.setText(name)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SaveTargetDialog, "exec", fill)
    return screen.save_as()


# --- live count ----------------------------------------------------------------------------


def test_a_stale_count_never_overwrites_a_newer_one(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    real = screen_module.count_rows
    entered, release = threading.Event(), threading.Event()
    calls: list[Target] = []

    def slow_first(conn, target, today=None):
        calls.append(target)
        if len(calls) == 1:
            entered.set()
            release.wait(20)
            return 111  # an old answer, arriving late
        return real(conn, target, today=today)

    monkeypatch.setattr(screen_module, "count_rows", slow_first)
    shown: list[int] = []
    screen.counted.connect(shown.append)
    screen.set_target(MINI)  # the first question: stuck in the background
    qtbot.waitUntil(entered.is_set, timeout=10_000)
    assert screen.busy_bar.isVisible() and screen.cancel_button.isVisible()
    twizy = Target(criteria=Group("all", [Condition("vehicle.model", Op.EQ, ["TWIZY"])]))
    screen.set_target(twizy)  # a newer question, while the old one runs
    release.set()
    wait_count(qtbot, screen, 1)
    assert shown == [1]  # 111 never reached the screen
    assert screen.count_label.text() == "1 record"
    assert column(screen, "vehicle.model") == ["TWIZY"]
    assert not screen.busy_bar.isVisible()


def test_cancel_stops_the_query_and_the_window_stays_usable(
    qtbot, sample_db, manager, monkeypatch
) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    real = screen_module.count_rows
    entered, release = threading.Event(), threading.Event()

    def stuck(conn, target, today=None):
        entered.set()
        release.wait(20)
        return real(conn, target, today=today)

    monkeypatch.setattr(screen_module, "count_rows", stuck)
    screen.set_target(MINI)
    qtbot.waitUntil(entered.is_set, timeout=10_000)
    assert screen.cancel_action.isEnabled()
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: screen.count_label.text() == "Cancelled", timeout=10_000)
    qtbot.waitUntil(lambda: not screen.busy_bar.isVisible(), timeout=10_000)
    assert not screen.cancel_action.isEnabled()
    monkeypatch.setattr(screen_module, "count_rows", real)
    qtbot.keyClick(screen, Qt.Key.Key_F5)  # Run again
    wait_count(qtbot, screen, 2)


def test_a_failed_count_goes_to_the_message_bar_with_details(
    qtbot, sample_db, manager, monkeypatch, no_boxes
) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    real = screen_module.count_rows

    def broken(conn, target, today=None):
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(screen_module, "count_rows", broken)
    with qtbot.waitSignal(screen.count_failed, timeout=10_000):
        screen.refresh()
    (bar,) = screen.messages()
    assert bar.kind == "error"
    assert bar.text() == "The target could not be counted. RuntimeError: disk I/O error"
    assert (
        bar.details_button is not None
        and "Traceback" in bar.details
        and "disk I/O error" in bar.details
    )
    assert screen.count_label.text() == "Count failed"
    monkeypatch.setattr(screen_module, "count_rows", real)
    with qtbot.waitSignal(screen.counted, timeout=10_000):
        screen.run_action.trigger()
    assert screen.count == 14


def test_invalid_value_is_flagged_in_place_without_a_box(
    qtbot, sample_db, manager, no_boxes
) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    editor = screen.editor
    line = editor.model.line_indexes("vehicle.first_registration")[0]
    type_value(qtbot, editor, line.siblingAtColumn(COL_VALUE), "31/02/2020")
    value = editor.model.line_indexes("vehicle.first_registration")[0].siblingAtColumn(COL_VALUE)
    assert "February 2020 has only 29 days" in value.data(ERROR_ROLE)
    assert value.data(Qt.ItemDataRole.ToolTipRole) == value.data(ERROR_ROLE)
    assert (
        editor.problems.isVisible() and "February 2020 has only 29 days" in editor.problems.text()
    )
    assert editor.sentence.text() == "All customers and their vehicles in use"  # left out
    assert screen.is_modified()
    # the red border is painted around the cell
    view = editor.view
    rect = view.visualRect(editor.proxy.mapFromSource(value))
    image = view.viewport().grab().toImage()
    border = QColor(image.pixel(rect.left() + 1, rect.center().y()))
    assert (border.red(), border.green() < 90, border.blue() < 90) == (border.red(), True, True)
    assert border.red() > 180
    # corrected where it was typed
    type_value(qtbot, editor, value, "28/02/2020")
    assert value.data(ERROR_ROLE) is None and not editor.problems.isVisible()
    wait_count(qtbot, screen, 10)  # every vehicle but the Kangoo of 29/02/2020


# --- saved targets -------------------------------------------------------------------------


def test_save_as_warns_before_overwriting(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    screen.set_target(MINI)
    assert save_named(monkeypatch, screen, "Les Mini")
    screen.set_target(Target(criteria=Group("all", [Condition("vehicle.model", Op.EQ, ["TWIZY"])])))
    asked: list[str] = []
    answer(monkeypatch, QMessageBox.StandardButton.No, asked)
    assert not save_named(monkeypatch, screen, "les mini")  # same name, other case: asked, refused
    assert asked == ["A saved target is already called “Les Mini”. Replace it with this one?"]
    with database.engine.connect() as conn:
        assert load_saved(conn, "Les Mini", mark_used=False).criteria == MINI.criteria
    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    assert save_named(monkeypatch, screen, "les mini")
    assert saved_names(database) == ["les mini"]
    with database.engine.connect() as conn:
        assert load_saved(conn, "les mini", mark_used=False).criteria.conditions()[0].values == [
            "TWIZY"
        ]


def test_rename_and_title(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    screen = window.targeting
    qtbot.waitUntil(lambda: screen.count is not None, timeout=20_000)
    assert window.windowTitle() == "New target[*] — sample.sqlite"
    assert not screen.rename_action.isEnabled()
    with qtbot.waitSignal(screen.counted, timeout=20_000):
        screen.set_target(MINI)
    assert window.isWindowModified()
    assert save_named(monkeypatch, screen, "Les Mini")
    assert window.windowTitle() == "Les Mini[*] — sample.sqlite"
    assert not window.isWindowModified()
    assert screen.rename_action.isEnabled()
    save_named(monkeypatch, screen, "Autre")
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Les Mini", True))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: warned.append(text))
    assert not screen.rename()  # "Autre" cannot take the name of another saved target
    assert warned == ["A saved target is already called “Les Mini”. Choose another name."]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("MINI 2024", True))
    screen.rename_action.trigger()
    assert saved_names(database) == ["Les Mini", "MINI 2024"]
    assert window.windowTitle() == "MINI 2024[*] — sample.sqlite"
    assert not window.isWindowModified()
    window.close()


def test_open_list_searches_and_deletes_several(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    for name in ("CT_RORO", "JAMAIN", "SCENIC 2010"):
        screen.set_target(MINI)
        assert save_named(monkeypatch, screen, name)
    screen.new_target()
    dialog = OpenTargetDialog(screen._list(), screen._delete_saved, screen)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.names() == ["CT_RORO", "JAMAIN", "SCENIC 2010"]
    qtbot.keyClicks(dialog.search, "scen")
    assert dialog.selected_name() == "SCENIC 2010"
    dialog.search.clear()
    dialog.table.selectRow(0)
    dialog.table.selectionModel().select(
        dialog.table.model().index(2, 0),
        dialog.table.selectionModel().SelectionFlag.Select
        | dialog.table.selectionModel().SelectionFlag.Rows,
    )
    assert dialog.table.selected_names() == ["CT_RORO", "SCENIC 2010"]
    assert not dialog.open_button.isEnabled()  # one target at a time
    asked: list[str] = []
    answer(monkeypatch, QMessageBox.StandardButton.No, asked)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Delete)
    assert asked and "Delete these 2 saved targets?" in asked[0]
    assert saved_names(database) == ["CT_RORO", "JAMAIN", "SCENIC 2010"]
    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert saved_names(database) == ["JAMAIN"]
    assert dialog.table.names() == ["JAMAIN"]


def test_unsaved_changes_are_asked_about(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    window.show()
    screen = window.targeting
    qtbot.waitUntil(lambda: screen.count is not None, timeout=20_000)
    screen.set_target(MINI)
    save_named(monkeypatch, screen, "Les Mini")
    type_value(qtbot, screen.editor,
               screen.editor.model.line_indexes("customer.city")[0].siblingAtColumn(COL_VALUE), "Tours")  # fmt: skip
    assert window.isWindowModified()
    opened: list[bool] = []
    monkeypatch.setattr(OpenTargetDialog, "exec", lambda self: opened.append(True) or 0)
    asked: list[str] = []
    answer(monkeypatch, QMessageBox.StandardButton.Cancel, asked)
    screen.open_action.trigger()
    assert asked == ["The target “Les Mini” has changes that are not saved. Save them?"]
    assert opened == []  # cancelled before the list
    window.close()
    assert window.isVisible()  # Cancel keeps the window open
    answer(monkeypatch, QMessageBox.StandardButton.Save)
    window.close()
    assert not window.isVisible()
    with database.engine.connect() as conn:
        saved = load_saved(conn, "Les Mini", mark_used=False)
    assert Condition("customer.city", Op.EQ, ["Tours"]) in saved.criteria.conditions()


def test_the_window_reopens_the_last_target_and_its_geometry(
    qtbot, sample_db, manager, monkeypatch
) -> None:
    database, _ids = sample_db
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    window.show()
    screen = window.targeting
    qtbot.waitUntil(lambda: screen.count is not None, timeout=20_000)
    qtbot.waitUntil(lambda: not screen.busy_bar.isVisible(), timeout=20_000)
    window.resize(700, 507)  # the offscreen screen is 800 x 600
    size = (window.width(), window.height())
    screen.set_target(MINI)
    save_named(monkeypatch, screen, "Les Mini")
    window.close()
    again = MainWindow(database, task_manager=manager)
    qtbot.addWidget(again)
    wait_count(qtbot, again.targeting, 2)
    assert again.targeting.saved_name == "Les Mini"
    assert again.windowTitle() == "Les Mini[*] — sample.sqlite"
    assert again.height() == size[1] == 507
    assert abs(again.width() - size[0]) <= 4  # the offscreen platform adds its frame
    assert QSettings().value("targeting/last_target") == "Les Mini"
    again.close()


# --- files ---------------------------------------------------------------------------------


def test_export_then_import_a_target_file(qtbot, sample_db, manager, tmp_path, monkeypatch) -> None:
    database, ids = sample_db
    screen = make_screen(qtbot, database, manager)
    screen.set_target(Target(name="Vieux", columns=["customer.last_name", "vehicle.plate"],
                             criteria=Group("all", [Condition("vehicle.first_registration", Op.MORE_THAN_AGO, [12], unit="years")]),
                             sort=[SortKey("customer.last_name", True)], removed={ids["arval"]}))  # fmt: skip
    path = tmp_path / "vieux.json"
    assert screen.export_file(path)
    written = load_target_file(path)  # removed customers by site and DMS reference (format 2)
    assert written.removed == set() and written.removed_refs == {("", "C4")}
    assert dataclasses.replace(written, removed={ids["arval"]}, removed_refs=set()) == (
        screen.current_target()
    )
    assert "Target written to" in screen.messages()[-1].text()
    asked: list[str] = []
    answer(monkeypatch, QMessageBox.StandardButton.Discard, asked)
    assert screen.new_target()
    assert asked == ["The target “Vieux” has changes that are not saved. Save them?"]
    assert screen.import_file(path)
    target = screen.current_target()
    assert target.criteria.conditions() == [
        Condition("vehicle.first_registration", Op.MORE_THAN_AGO, [12], unit="years")
    ]
    assert target.removed == {ids["arval"]} and target.sort == [SortKey("customer.last_name", True)]
    assert screen.name_label.text() == "Vieux *"  # not saved in this database yet
    line = screen.editor.model.line_indexes("vehicle.first_registration")[0]
    assert (line.data(), line.siblingAtColumn(COL_VALUE).data()) == ("older than", "12")


def test_a_bad_target_file_is_refused_in_the_bar(
    qtbot, sample_db, manager, tmp_path, no_boxes
) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    screen.set_target(MINI)
    path = tmp_path / "bad.json"
    data = Target(criteria=Group("all", [Condition("vehicle.brand", Op.EQ, ["MINI"])])).to_dict()
    data["criteria"]["children"][0]["field"] = "vehicle.colour"
    path.write_text(json.dumps(data), encoding="utf-8")
    screen.forget_changes()  # nothing to ask about
    assert not screen.is_modified()
    assert not screen.import_file(path)
    assert (
        screen.messages()[-1].text()
        == "This file cannot be imported. bad.json: Unknown field 'vehicle.colour'."
    )
    assert screen.current_target().criteria == MINI.criteria  # the target on screen is kept
    assert save_target_file is not None


# --- dialogs and keyboard ------------------------------------------------------------------


def test_fields_to_display_from_the_keyboard(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)

    def drive(dialog: FieldsDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        tree = dialog.tree
        qtbot.keyClicks(dialog.filter_edit, "inspection")
        index = dialog.proxy.mapFromSource(dialog.model.field_index("vehicle.inspection_due_date"))
        tree.setCurrentIndex(index)
        qtbot.keyClick(tree, Qt.Key.Key_Space)  # tick
        assert dialog.columns()[-1] == "vehicle.inspection_due_date"
        for _ in range(len(dialog.columns()) - 1):
            qtbot.keyClick(dialog.list, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
        dialog.list.setCurrentRow(1)
        qtbot.keyClick(dialog.list, Qt.Key.Key_Delete)  # civility goes
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(FieldsDialog, "exec", drive)
    with qtbot.waitSignal(screen.counted, timeout=20_000):
        qtbot.keyClick(screen, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    wait_grid(qtbot, screen)
    columns = screen.current_target().columns
    assert columns[0] == "vehicle.inspection_due_date" and "customer.civility" not in columns
    assert screen.results.headerData(1, Qt.Orientation.Horizontal) == "Roadworthiness test due (CT)"
    assert "01/07/2024" in column(screen, "vehicle.inspection_due_date")


def test_sort_order_reruns_the_target(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    screen.set_target(MINI)
    wait_count(qtbot, screen, 2)

    def drive(dialog: SortDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.activateWindow()
        dialog.tick("vehicle.first_registration")
        dialog.list.setFocus()
        qtbot.keyClick(dialog.list, Qt.Key.Key_Space)  # descending
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SortDialog, "exec", drive)
    with qtbot.waitSignal(screen.results.complete, timeout=20_000):
        screen.sort_action.trigger()
    assert screen.current_target().sort == [SortKey("vehicle.first_registration", True)]
    assert column(screen, "vehicle.first_registration") == ["05/05/2004", "17/02/1992"]


def test_every_action_has_a_shortcut(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.targeting.count is not None, timeout=20_000)
    ours = {"target_menu", "query_menu", "list_menu"}
    menus = [a.menu() for a in window.menuBar().actions()]
    checked = [m for m in menus if m.objectName() in ours or m.title() == "&File"]
    assert len(checked) == 4
    missing = [
        action.text()
        for menu in checked
        for action in menu.actions()
        if not action.isSeparator() and action.shortcut().isEmpty()
    ]
    assert missing == []
    editor = window.targeting.editor
    buttons = [b for b in editor.findChildren(QToolButton) if b.objectName().startswith("op_")]
    actions = [b.defaultAction() for b in buttons if b.objectName() != "op_relative"]
    actions += editor.relative_button.menu().actions()
    assert len(actions) == 11  # every operator but "one of" (text lists, in the context menu)
    assert all(not a.shortcut().isEmpty() for a in actions)
    window.close()


def test_the_criteria_tree_without_a_mouse(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    editor = screen.editor
    view = editor.view
    qtbot.keyClick(screen, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor.filter_edit, "Last name")
    qtbot.keyClick(editor.filter_edit, Qt.Key.Key_Return)  # back to the tree
    field = editor.proxy.mapFromSource(editor.model.field_index("customer.last_name"))
    view.setCurrentIndex(field)
    qtbot.keyClick(view, Qt.Key.Key_Return)  # opens the field, the cursor on its value
    editors = [w for w in view.viewport().findChildren(type(editor.filter_edit)) if w.isVisible()]
    assert len(editors) == 1
    qtbot.keyClicks(editors[0], "dup%")
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    wait_count(qtbot, screen, 5)  # case- and accent-insensitive: two vehicles each, and one
    assert sorted(set(column(screen, "customer.last_name"))) == ["DUPONT", "Dupré", "dupont-aignan"]
    # the operator from the keyboard: on the line, "!" means "different from"
    line = editor.model.line_indexes("customer.last_name")[0]
    editor.select(line)
    qtbot.keyClick(view, Qt.Key.Key_Exclam)
    assert editor.model.line_op(line) is Op.NE
    qtbot.keyClick(view, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)  # Alt+2: "%"
    assert editor.model.line_op(line) is Op.LIKE
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    wait_count(qtbot, screen, 14)
    assert editor.criteria().is_empty()
    # typing on a field types its value
    editor.filter_edit.clear()
    city = editor.proxy.mapFromSource(editor.model.field_index("customer.city"))
    assert city.isValid()
    view.setCurrentIndex(city)
    qtbot.keyClick(view, "t")
    editors = [w for w in view.viewport().findChildren(type(editor.filter_edit)) if w.isVisible()]
    assert len(editors) == 1 and editors[0].text() == "t"
    qtbot.keyClicks(editors[0], "ours")
    qtbot.keyClick(editors[0], Qt.Key.Key_Return)
    wait_count(qtbot, screen, 4)  # Tours, Tours and TOURS (folded): 2 + 1 + 1 rows
    assert sorted(set(column(screen, "customer.city"))) == ["TOURS", "Tours"]


def test_a_click_on_a_column_title_sorts_by_it(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    screen.set_target(MINI)
    wait_count(qtbot, screen, 2)
    header = screen.grid.horizontalHeader()
    section = [f.key for f in screen.results.fields].index("vehicle.first_registration") + 1
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    with qtbot.waitSignal(screen.results.complete, timeout=20_000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert screen.current_target().sort == [SortKey("vehicle.first_registration", False)]
    assert column(screen, "vehicle.first_registration") == ["17/02/1992", "05/05/2004"]
    assert header.isSortIndicatorShown() and header.sortIndicatorSection() == section
    with qtbot.waitSignal(screen.results.complete, timeout=20_000):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert column(screen, "vehicle.first_registration") == ["05/05/2004", "17/02/1992"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert screen.is_modified()


def test_french_numbers_dates_and_field_labels(qtbot, database, manager, qapp) -> None:
    from sqlalchemy import insert

    from app.models.dealership import Customer, Vehicle
    from app.ui.i18n import install_translators

    with database.engine.begin() as conn:
        conn.execute(insert(Customer.__table__), [
            {"id": i, "dms_ref": f"C{i}", "last_name": f"NOM{i:04d}", "last_name_fold": f"NOM{i:04d}"}
            for i in range(1, 8680)
        ])  # fmt: skip
        conn.execute(insert(Vehicle.__table__), [
            {"id": 1, "owner_id": 1, "brand": "RENAULT", "model": "CLIO", "model_fold": "CLIO",
             "first_registration": dt.date(2005, 12, 1)}
        ])  # fmt: skip
    install_translators("fr", qapp)
    screen = TargetingScreen(task_manager=manager, debounce_ms=5, restore_last=False)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.counted, timeout=20_000):
        screen.set_database(database)
    qtbot.waitUntil(
        lambda: screen.results.rowCount() > 0 and not screen.results.busy, timeout=20_000
    )
    assert screen.count == 8679
    assert screen.count_label.text().startswith("8\u202f679 ")  # "8 679 enregistrements"
    headers = [screen.results.headerData(c, Qt.Orientation.Horizontal) for c in range(1, 4)]
    assert headers == ["Civilité", "Nom", "Prénom"]
    assert column(screen, "vehicle.first_registration")[0] == "01/12/2005"
    group = screen.editor.model.index(6, 0)
    assert group.data() == "Véhicule"
    line = screen.editor.model.line_indexes("vehicle.first_registration")[0]
    screen.editor.model.setData(line.siblingAtColumn(COL_VALUE), "31/02/2020")
    error = screen.editor.model.line_indexes("vehicle.first_registration")[0].siblingAtColumn(
        COL_VALUE
    )
    assert error.data(ERROR_ROLE) == (
        "Date MEC : « 31/02/2020 » n’est pas une date valide : février 2020 n’a que 29 jours."
    )
    screen.shutdown()
