"""Dialogs over the saved targets: "Open a target" (search, open, delete several) and
"Save the target as" (name, description, overwrite warning)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.query.saved import SavedTargetInfo
from app.ui.fit import fit_to_screen


def _local(value) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return ""
    return i18n.format_date(value.date() if hasattr(value, "date") else value)


class SavedTargetsTable(QTableWidget):
    """Name, created on, last used on, description; one row per saved target."""

    def __init__(self, targets: list[SavedTargetInfo], parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setObjectName("saved_targets")
        self.setHorizontalHeaderLabels(
            [
                self.tr("Target name"),
                self.tr("Created on"),
                self.tr("Used on"),
                self.tr("Description"),
            ]
        )
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.set_targets(targets)

    def set_targets(self, targets: list[SavedTargetInfo]) -> None:
        self.setRowCount(0)
        for info in targets:
            row = self.rowCount()
            self.insertRow(row)
            cells = [
                info.name,
                _local(info.created_at),
                _local(info.last_used_at),
                info.description,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, info.name)
                if col == 3:
                    item.setToolTip(info.description)
                self.setItem(row, col, item)

    def names(self) -> list[str]:
        return [self.item(r, 0).text() for r in range(self.rowCount())]

    def selected_names(self) -> list[str]:
        rows = sorted({i.row() for i in self.selectedIndexes()})
        return [self.item(r, 0).text() for r in rows if not self.isRowHidden(r)]

    def filter(self, text: str) -> None:
        words = text.casefold().split()
        for r in range(self.rowCount()):
            hay = " ".join(self.item(r, c).text() for c in range(4)).casefold()
            self.setRowHidden(r, not all(w in hay for w in words))

    def select_name(self, name: str) -> None:
        for r in range(self.rowCount()):
            if self.item(r, 0).text() == name:
                self.selectRow(r)
                return


class OpenTargetDialog(QDialog):
    """Pick a saved target to open; delete one or several (after a confirmation).

    *delete* removes saved targets by name and returns how many were deleted.
    """

    def __init__(
        self,
        targets: list[SavedTargetInfo],
        delete: Callable[[list[str]], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Open a target"))
        self._delete = delete
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(self.tr("Search in names and descriptions"))
        self.search.setClearButtonEnabled(True)
        self.table = SavedTargetsTable(targets)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.search.textChanged.connect(self._search)
        self.table.doubleClicked.connect(lambda _index: self.accept())
        self.empty = QLabel(
            self.tr("No saved target yet: Target > Save (Ctrl+S) saves the current one.")
        )
        self.empty.setVisible(not targets)

        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(
            self.tr("&Open"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.delete_button = QPushButton(self.tr("&Delete…"))
        self.delete_button.setToolTip(self.tr("Delete the selected targets (Delete)"))
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.itemSelectionChanged.connect(self._selection)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 420)
        if targets:
            self.table.selectRow(0)
        self._selection()
        self.search.setFocus()

    def _search(self, text: str) -> None:
        self.table.filter(text)
        visible = [r for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)]
        if visible and not self.table.selected_names():
            self.table.selectRow(visible[0])
        self._selection()

    def _selection(self) -> None:
        names = self.table.selected_names()
        self.open_button.setEnabled(len(names) == 1)
        self.delete_button.setEnabled(bool(names))

    def selected_name(self) -> str | None:
        names = self.table.selected_names()
        return names[0] if len(names) == 1 else None

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if event.key() == Qt.Key.Key_Down and self.search.hasFocus():
            self.table.setFocus()
            return
        if event.key() == Qt.Key.Key_Delete and not self.search.hasFocus():
            self.delete_selected()  # the table leaves Delete to its dialog
            return
        super().keyPressEvent(event)

    def accept(self) -> None:
        if self.selected_name() is not None:
            super().accept()

    def delete_selected(self) -> int:
        names = self.table.selected_names()
        if not names:
            return 0
        if len(names) == 1:
            question = self.tr("Delete the saved target “%1”?").replace("%1", names[0])
        else:
            question = self.tr("Delete these %1 saved targets?").replace("%1", str(len(names)))
            question += "\n\n" + "\n".join(names)
        answer = QMessageBox.question(
            self,
            self.tr("Delete saved targets"),
            question + "\n\n" + self.tr("The customers and vehicles are not touched."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return 0
        count = self._delete(names)
        for r in reversed(range(self.table.rowCount())):
            if self.table.item(r, 0).text() in names:
                self.table.removeRow(r)
        self._selection()
        self.empty.setVisible(self.table.rowCount() == 0)
        return count


class SaveTargetDialog(QDialog):
    """Save the target under a name, with a description; warns before replacing a saved one."""

    def __init__(
        self,
        targets: list[SavedTargetInfo],
        name: str,
        description: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Save the target as"))
        self.table = SavedTargetsTable(targets)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemSelectionChanged.connect(self._picked)
        self.name_edit = QLineEdit(name)
        self.name_edit.setObjectName("target_name")
        self.name_edit.setMaxLength(200)
        self.description_edit = QPlainTextEdit(description)
        self.description_edit.setObjectName("target_description")
        self.description_edit.setTabChangesFocus(True)
        self.description_edit.setFixedHeight(self.fontMetrics().height() * 4 + 12)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b42318;")
        self.message.hide()
        self.overwrite = False

        form = QFormLayout()
        form.addRow(self.tr("Target &name:"), self.name_edit)
        form.addRow(self.tr("&Description:"), self.description_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Saved targets:")))
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 460)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def _picked(self) -> None:
        names = self.table.selected_names()
        if names:
            self.name_edit.setText(names[0])

    def name(self) -> str:
        return " ".join(self.name_edit.text().split())

    def description(self) -> str:
        return self.description_edit.toPlainText().strip()

    def accept(self) -> None:
        name = self.name()
        if not name:
            self.message.setText(self.tr("Type a name for the target."))
            self.message.show()
            self.name_edit.setFocus()
            return
        existing = {n.casefold(): n for n in self.table.names()}
        self.overwrite = False
        if name.casefold() in existing:
            answer = QMessageBox.question(
                self,
                self.tr("Replace a saved target"),
                self.tr("A saved target is already called “%1”. Replace it with this one?").replace(
                    "%1", existing[name.casefold()]
                ),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.overwrite = True
        super().accept()
