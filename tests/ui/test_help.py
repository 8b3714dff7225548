"""The Help menu: keyboard shortcuts and the French user guide (issue 10, point 13)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from PySide6.QtWidgets import QTextBrowser

from app.ui.help import GuideWindow, ShortcutsDialog, guide_text
from app.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def _window(qtbot, database, manager) -> MainWindow:
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_help_menu_has_the_guide_and_the_shortcuts(qtbot, database, manager) -> None:
    window = _window(qtbot, database, manager)
    help_menu = window.menuBar().actions()[-1].menu()
    texts = [a.text() for a in help_menu.actions() if not a.isSeparator()]
    assert texts == ["&User guide (French)", "&Keyboard shortcuts", "&About Cible"]


def test_the_shortcuts_window_lists_the_menus_keys(qtbot, database, manager) -> None:
    window = _window(qtbot, database, manager)
    window.shortcuts_action.trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    rows = dict(dialog.rows())
    assert rows["Target › Save"] == "Ctrl+S"
    assert rows["File › Database overview"] == "Ctrl+Shift+B"
    assert rows["List: go to the last row"] == "Ctrl+End"
    # every menu command with a key is there
    keys = {key for _what, key in dialog.rows()}
    assert {"Ctrl+E", "Ctrl+D", "Ctrl+T", "Ctrl+O", "Ctrl+Q", "F5"} <= keys


def test_the_guide_opens_offline_from_the_package(qtbot, database, manager) -> None:
    window = _window(qtbot, database, manager)
    window.guide_action.trigger()
    guide = window.findChild(GuideWindow)
    assert guide is not None and guide.isVisible()
    text = guide.findChild(QTextBrowser).toPlainText()
    assert text.startswith("Guide de Cible")
    assert "au plus tard le 01/12/2005" in text
    assert "'" not in guide_text()  # French typography: ’


def test_the_guide_is_package_data() -> None:
    """Listed in pyproject's package data, so an installed wheel carries it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["app"]
    shipped = {p for pattern in patterns for p in (ROOT / "app").glob(pattern)}
    assert ROOT / "app" / "help" / "guide-fr.md" in shipped
