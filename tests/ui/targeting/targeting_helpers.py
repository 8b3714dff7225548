"""Helpers for the targeting tests: drive the screen as a user and wait for its answers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from app.ui.targeting import TargetingScreen


def make_screen(qtbot, database, manager) -> TargetingScreen:
    screen = TargetingScreen(task_manager=manager, debounce_ms=5, restore_last=False)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    with qtbot.waitSignal(screen.counted, timeout=20_000):
        screen.set_database(database)
    wait_grid(qtbot, screen)
    return screen


def wait_grid(qtbot, screen: TargetingScreen) -> None:
    qtbot.waitUntil(lambda: not screen.results.busy and screen.results.exhausted, timeout=20_000)


def wait_count(qtbot, screen: TargetingScreen, expected: int) -> None:
    qtbot.waitUntil(
        lambda: screen.count == expected and not screen._timer.isActive(), timeout=20_000
    )
    wait_grid(qtbot, screen)


def grid(screen: TargetingScreen) -> list[list[str]]:
    model = screen.results
    return [
        [model.index(r, c).data() for c in range(1, model.columnCount())]
        for r in range(model.rowCount())
    ]


def column(screen: TargetingScreen, key: str) -> list[str]:
    i = [f.key for f in screen.results.fields].index(key)
    return [row[i] for row in grid(screen)]


def type_value(qtbot, editor, index, text: str) -> None:
    """Put the cursor on a criteria cell (source *index*) and type *text* + Return, as a user."""
    editor.select(index)
    view = editor.view
    qtbot.keyClick(view, text[0])
    editors = [w for w in view.viewport().findChildren(QLineEdit) if w.isVisible()]
    assert len(editors) == 1, "typing did not open an editor"
    line = editors[0]
    qtbot.keyClicks(line, text[1:])
    qtbot.keyClick(line, Qt.Key.Key_Return)
    # the delegate commits the value in a queued call
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=5_000)
