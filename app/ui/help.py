"""The Help menu's windows: the keyboard shortcuts and the user guide (French, shipped in
``app/help/``, read offline from the installed package)."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.ui.fit import fit_to_screen

GUIDE = "guide-fr.md"


def guide_text() -> str:
    """The user guide (Markdown), from the package: it works from an installed wheel."""
    return resources.files("app").joinpath("help", GUIDE).read_text(encoding="utf-8")


def _keys_not_in_menus() -> list[tuple[str, str]]:
    """Keys that are not menu commands: (where and what, key)."""
    return [
        (QCoreApplication.translate("Shortcuts", "Criteria: type a value under a field (a leading < > = ≠ ! is its operator)"), QCoreApplication.translate("Shortcuts", "any character")),
        (QCoreApplication.translate("Shortcuts", "Criteria: operator of the line"), "= % ! > <"),
        (QCoreApplication.translate("Shortcuts", "Criteria: operator buttons"), "Alt+1 … Alt+0"),
        (QCoreApplication.translate("Shortcuts", "Criteria: tick a value"), QCoreApplication.translate("Shortcuts", "Space")),
        (QCoreApplication.translate("Shortcuts", "Criteria: remove a criterion"), QCoreApplication.translate("Shortcuts", "Delete")),
        (QCoreApplication.translate("Shortcuts", "Criteria: find a field or a value"), "Ctrl+F"),
        (QCoreApplication.translate("Shortcuts", "Criteria: previous / next OR group"), "Ctrl+PgUp / Ctrl+PgDown"),
        (QCoreApplication.translate("Shortcuts", "List: go to the last row"), "Ctrl+End"),
        (QCoreApplication.translate("Shortcuts", "List: remove / put back the selected customers"), QCoreApplication.translate("Shortcuts", "Delete / Insert")),
        (QCoreApplication.translate("Shortcuts", "List: copy the selected rows for Excel"), "Ctrl+C"),
        (QCoreApplication.translate("Shortcuts", "Stop the query under way"), QCoreApplication.translate("Shortcuts", "Esc")),
    ]  # fmt: skip


def menu_shortcuts(menu_bar: QMenuBar) -> list[tuple[str, str]]:
    """(Menu › command, key) of every menu command with a shortcut, in menu order."""
    found: list[tuple[str, str]] = []

    def walk(actions: list[QAction], path: str) -> None:
        for action in actions:
            text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            if action.menu() is not None:
                walk(action.menu().actions(), f"{path}{text} › ")
            elif not action.shortcut().isEmpty():
                key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                found.append((path + text.rstrip("…").rstrip("."), key))

    walk(menu_bar.actions(), "")
    return found


class ShortcutsDialog(QDialog):
    """Help › Keyboard shortcuts: the menus' keys (read from the menus) and the other keys."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = menu_shortcuts(menu_bar) + _keys_not_in_menus()
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcuts")
        self.table.setHorizontalHeaderLabels([self.tr("Command"), self.tr("Key")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        for r, (what, key) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(what))
            self.table.setItem(r, 1, QTableWidgetItem(key))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 640)

    def rows(self) -> list[tuple[str, str]]:
        return [
            (self.table.item(r, 0).text(), self.table.item(r, 1).text())
            for r in range(self.table.rowCount())
        ]


class GuideWindow(QDialog):
    """Help › User guide: the French guide shipped with Cible, offline."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("guide_window")
        self.setWindowTitle(self.tr("User guide"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide")
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(guide_text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        fit_to_screen(self, 820, 760)
