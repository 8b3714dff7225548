"""The field tree (catalog groups → fields) with checkboxes, and the two dialogs built on it:
"Fields to display" (the grid's and every export's columns) and "Sort order".

On the left the tree: ticking a field adds it at the end of the list on the right, unticking
removes it. On the right the ordered list: Up / Down (Ctrl+Up / Ctrl+Down), Remove (Delete)
and, for the sort order, ascending / descending (Space).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.query.catalog import GROUPS, Field, fields_in_group, get_field
from app.query.target import SortKey
from app.ui.fit import fit_to_screen

Index = QModelIndex | QPersistentModelIndex


class FieldTreeModel(QAbstractItemModel):
    """The catalog's groups and their displayable fields; a field is ticked when its key is in
    :attr:`checked`. ``toggled(key, checked)`` is emitted when the user ticks or unticks one."""

    toggled = Signal(str, bool)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[tuple[str, str, list[Field]]] = []
        for g in GROUPS:
            fields = [f for f in fields_in_group(g.key) if f.displayable]
            if fields:
                self.groups.append((g.key, g.label(), fields))
        self.checked: set[str] = set()

    def set_checked(self, keys: set[str]) -> None:
        self.checked = set(keys)
        for g in range(len(self.groups)):
            parent = self.index(g, 0)
            n = self.rowCount(parent)
            if n:
                self.dataChanged.emit(self.index(0, 0, parent), self.index(n - 1, 0, parent))
            self.dataChanged.emit(parent, parent)

    def field_index(self, key: str) -> QModelIndex:
        for g, (_k, _label, fields) in enumerate(self.groups):
            for r, f in enumerate(fields):
                if f.key == key:
                    return self.index(r, 0, self.index(g, 0))
        raise KeyError(key)

    def field_at(self, index: Index) -> Field | None:
        if index.isValid() and index.internalId() > 0:
            return self.groups[index.internalId() - 1][2][index.row()]
        return None

    # internalId: 0 for a group, group number + 1 for a field
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self.groups) else QModelIndex()
        if parent.internalId() == 0 and row < len(self.groups[parent.row()][2]):
            return self.createIndex(row, 0, parent.row() + 1)
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self.groups[parent.row()][2])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() > 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        f = self.field_at(index)
        if f is None:
            _key, label, fields = self.groups[index.row()]
            if role == Qt.ItemDataRole.DisplayRole:
                n = sum(1 for x in fields if x.key in self.checked)
                return f"{label} ({n})" if n else label
            if role == Qt.ItemDataRole.FontRole and any(x.key in self.checked for x in fields):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f.label()
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if f.key in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.label()} ({f.key})"
        if role == Qt.ItemDataRole.UserRole:
            return f.key
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        f = self.field_at(index)
        if f is None or role != Qt.ItemDataRole.CheckStateRole:
            return False
        on = (
            (value == Qt.CheckState.Checked)
            if isinstance(value, Qt.CheckState)
            else int(value) == 2
        )
        if on == (f.key in self.checked):
            return True
        if on:
            self.checked.add(f.key)
        else:
            self.checked.discard(f.key)
        self.dataChanged.emit(index, index, [role])
        parent = index.parent()
        self.dataChanged.emit(parent, parent)
        self.toggled.emit(f.key, on)
        return True


class FieldPickerDialog(QDialog):
    """The field tree on the left, the ordered list of chosen fields on the right."""

    def __init__(
        self,
        title: str,
        explanation: str,
        keys: list[str],
        parent: QWidget | None = None,
        *,
        with_direction: bool = False,
        descending: dict[str, bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._with_direction = with_direction
        self.model = FieldTreeModel(self)
        self.model.toggled.connect(self._toggled)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(self.tr("Find a field"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        self.tree = QTreeView()
        self.tree.setObjectName("field_tree")
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.proxy)
        self.tree.setUniformRowHeights(True)
        self.tree.activated.connect(self._activated)

        self.list = QListWidget()
        self.list.setObjectName("chosen_fields")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.itemDoubleClicked.connect(lambda item: self.toggle_direction())

        def button(text: str, shortcut: str, slot: Any, name: str) -> QPushButton:
            b = QPushButton(text)
            b.setObjectName(name)
            b.clicked.connect(slot)
            b.setToolTip(f"{text.replace('&', '')} ({shortcut})")
            return b

        self.list.installEventFilter(self)  # its keys: see eventFilter

        self.up_button = button(self.tr("&Up"), "Ctrl+Up", lambda: self.move(-1), "up")
        self.down_button = button(self.tr("D&own"), "Ctrl+Down", lambda: self.move(1), "down")
        self.remove_button = button(self.tr("&Remove"), "Delete", self.remove_current, "remove")
        side = QVBoxLayout()
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addWidget(self.remove_button)
        self.direction_button: QPushButton | None = None
        if with_direction:
            self.direction_button = button(
                self.tr("Ascending / &descending"), "Space", self.toggle_direction, "direction"
            )
            side.addWidget(self.direction_button)
        side.addStretch(1)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        note = QLabel(explanation)
        note.setWordWrap(True)
        grid = QGridLayout(self)
        grid.addWidget(note, 0, 0, 1, 3)
        grid.addWidget(QLabel(self.tr("Fields (tick to add):")), 1, 0)
        grid.addWidget(QLabel(self.tr("In this order:")), 1, 1)
        grid.addWidget(self.filter_edit, 2, 0)
        grid.addWidget(self.tree, 3, 0)
        grid.addWidget(self.list, 2, 1, 2, 1)
        grid.addLayout(side, 2, 2, 2, 1)
        grid.addWidget(buttons, 4, 0, 1, 3)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        fit_to_screen(self, 820, 560)

        descending = descending or {}
        for key in keys:
            self._append(key, descending.get(key, False))
        self.model.set_checked(set(keys))
        for g, (_key, _label, fields) in enumerate(self.model.groups):
            if any(f.key in self.model.checked for f in fields):  # show what is ticked
                self.tree.expand(self.proxy.mapFromSource(self.model.index(g, 0)))
        if self.list.count():
            self.list.setCurrentRow(0)
        self.tree.setFocus()

    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802
        """The list's keys: Ctrl+Up / Ctrl+Down move, Delete removes, Space switches the order."""
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)  # type: ignore[attr-defined]
            if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if key == Qt.Key.Key_Delete:
                self.remove_current()
                return True
            if key == Qt.Key.Key_Space and self._with_direction:
                self.toggle_direction()
                return True
        return super().eventFilter(watched, event)

    # -- list -----------------------------------------------------------------------------------
    def keys(self) -> list[str]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _append(self, key: str, descending: bool = False) -> None:
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setData(Qt.ItemDataRole.UserRole + 1, descending)
        self._label(item)
        self.list.addItem(item)

    def _label(self, item: QListWidgetItem) -> None:
        f = get_field(item.data(Qt.ItemDataRole.UserRole))
        text = f.label()
        if self._with_direction:
            down = bool(item.data(Qt.ItemDataRole.UserRole + 1))
            text += "  ↓ " + self.tr("descending") if down else "  ↑ " + self.tr("ascending")
        item.setText(text)
        item.setToolTip(f"{f.label()} — {f.group_label()}")

    def _toggled(self, key: str, on: bool) -> None:
        if on:
            self._append(key)
            self.list.setCurrentRow(self.list.count() - 1)
        else:
            for i in range(self.list.count()):
                if self.list.item(i).data(Qt.ItemDataRole.UserRole) == key:
                    self.list.takeItem(i)
                    break

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if row < 0 or not 0 <= to < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(to, item)
        self.list.setCurrentRow(to)

    def remove_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        self.list.takeItem(self.list.row(item))
        self.model.set_checked(self.model.checked - {key})

    def toggle_direction(self) -> None:
        item = self.list.currentItem()
        if item is None or not self._with_direction:
            return
        item.setData(Qt.ItemDataRole.UserRole + 1, not item.data(Qt.ItemDataRole.UserRole + 1))
        self._label(item)

    # -- tree -----------------------------------------------------------------------------------
    def tick(self, key: str, on: bool = True) -> None:
        """Tick (or untick) a field in the tree, as a click on its box does."""
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.model.setData(self.model.field_index(key), state, Qt.ItemDataRole.CheckStateRole)

    def _activated(self, index: QModelIndex) -> None:
        source = self.proxy.mapToSource(index)
        f = self.model.field_at(source)
        if f is not None:
            self.tick(f.key, f.key not in self.model.checked)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.tree.expandAll()


class FieldsDialog(FieldPickerDialog):
    """Fields to display: the grid's columns and every export's, in this order."""

    def __init__(self, columns: list[str], parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Fields to display"),
            self.tr(
                "The columns of the grid and of every export (Excel, letters), in this order. "
                "They are not the criteria: they only say what is shown."
            ),
            columns,
            parent,
        )

    def columns(self) -> list[str]:
        return self.keys()

    def accept(self) -> None:
        if not self.keys():
            self.list.setFocus()
            self.setToolTip("")
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setToolTip(
                self.tr("Choose at least one field.")
            )
            return
        super().accept()


class SortDialog(FieldPickerDialog):
    """Sort order: the fields the rows are sorted by, first one first."""

    def __init__(self, sort: list[SortKey], parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Sort order"),
            self.tr(
                "The rows are sorted by the first field, then by the second for equal values, "
                "and so on. Space or a double click switches between ascending and descending."
            ),
            [k.field for k in sort],
            parent,
            with_direction=True,
            descending={k.field: k.descending for k in sort},
        )

    def sort_keys(self) -> list[SortKey]:
        return [
            SortKey(
                self.list.item(i).data(Qt.ItemDataRole.UserRole),
                bool(self.list.item(i).data(Qt.ItemDataRole.UserRole + 1)),
            )
            for i in range(self.list.count())
        ]
