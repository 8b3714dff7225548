"""The criteria editor: the field tree with its criteria lines, the operator buttons, the "OR"
groups as tabs, and the criteria as one plain sentence under the tree.

Keyboard: arrows move in the tree (Right/Left open and close a branch, and move between the
columns of a criteria line); typing on a field or a line types its value; Enter opens a field; ``=`` ``%`` ``!`` ``>`` ``<`` on
a line change its operator, as do Alt+1 … Alt+0 and Alt+- (see the operator buttons' tooltips);
Space ticks a value; Delete removes the criterion under the cursor; Ctrl+F finds a field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QColor, QKeyEvent, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabBar,
    QToolBar,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.query.catalog import GROUPS, EnumValue, fields_in_group
from app.query.criteria import RELATIVE_OPS, UNITS, Group, Op
from app.query.describe import describe_criteria
from app.ui.targeting.criteria_model import (
    COL_CRITERION,
    COL_MORE,
    COL_VALUE,
    ERROR_ROLE,
    KIND_ROLE,
    CriteriaTreeModel,
    op_help,
    op_label,
    unit_label,
)

#: The operators on the buttons, with their shortcuts.
OPERATORS: tuple[tuple[Op, str], ...] = (
    (Op.EQ, "Alt+1"),
    (Op.LIKE, "Alt+2"),
    (Op.NE, "Alt+3"),
    (Op.GE, "Alt+4"),
    (Op.LE, "Alt+5"),
    (Op.BETWEEN, "Alt+6"),
    (Op.EMPTY, "Alt+7"),
    (Op.NOT_EMPTY, "Alt+8"),
    (Op.MORE_THAN_AGO, "Alt+9"),
    (Op.WITHIN_LAST, "Alt+0"),
    (Op.WITHIN_NEXT, "Alt+-"),
    (Op.IN, ""),
)
_OP_KEYS = {"=": Op.EQ, "%": Op.LIKE, "!": Op.NE, ">": Op.GE, "<": Op.LE}


class CriteriaDelegate(QStyledItemDelegate):
    """Red border on invalid values; a list of units for relative dates."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        super().paint(painter, option, index)
        if index.data(ERROR_ROLE):
            painter.save()
            painter.setPen(QPen(QColor("#d0312d"), 2))
            painter.drawRect(option.rect.adjusted(1, 1, -1, -1))
            painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:  # noqa: N802
        if index.column() == COL_MORE and index.data(Qt.ItemDataRole.EditRole) in UNITS:
            combo = QComboBox(parent)
            for unit in UNITS:
                combo.addItem(unit_label(unit), unit)
            return combo
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit) and index.data(ERROR_ROLE):
            editor.setStyleSheet("QLineEdit { border: 2px solid #d0312d; }")
            editor.setToolTip(index.data(ERROR_ROLE))
        return editor

    def setEditorData(self, editor: QWidget, index: Any) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Any) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class CriteriaView(QTreeView):
    """The tree, with the keys of the module docstring."""

    def __init__(self, editor: CriteriaEditor) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setItemDelegate(CriteriaDelegate(self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        index = self.currentIndex()
        kind = index.data(KIND_ROLE) if index.isValid() else None
        key = event.key()
        if self.state() != QAbstractItemView.State.EditingState:
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and kind:
                self._editor.remove_current()
                return
            if kind == "line" and index.column() == COL_CRITERION and event.text() in _OP_KEYS:
                self._editor.set_operator(_OP_KEYS[event.text()])
                return
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if kind in ("field", "group"):
                    self.setExpanded(index.siblingAtColumn(0), True)
                    child = self.model().index(0, COL_VALUE, index.siblingAtColumn(0))
                    if kind == "field" and child.isValid():
                        self.setCurrentIndex(child)
                        if child.flags() & Qt.ItemFlag.ItemIsEditable:
                            self.edit(child)
                    return
                if kind == "line" and index.flags() & Qt.ItemFlag.ItemIsEditable:
                    self.edit(index)
                    return
            if (
                kind == "line"
                and index.column() == COL_CRITERION
                and event.text().strip()
                and not event.modifiers()
                & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            ):
                value = index.siblingAtColumn(COL_VALUE)
                if value.flags() & Qt.ItemFlag.ItemIsEditable:
                    self.setCurrentIndex(value)
            if (
                kind == "field"
                and event.text().strip()
                and event.text() not in "+-*"  # expand / collapse keys
                and not event.modifiers()
                & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            ):
                # typing on a field types the value of its waiting line
                field = index.siblingAtColumn(0)
                model = self.model()
                lines = [
                    model.index(r, COL_VALUE, field)
                    for r in range(model.rowCount(field))
                    if model.index(r, 0, field).data(KIND_ROLE) == "line"
                ]
                if lines and lines[-1].flags() & Qt.ItemFlag.ItemIsEditable:
                    self.setExpanded(field, True)
                    self.setCurrentIndex(lines[-1])
        super().keyPressEvent(event)


class CriteriaEditor(QWidget):
    """Edits a target's criteria: an "all of" group per tab, the tabs joined by "or".

    ``changed`` is emitted after every change of the criteria (not of the view).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.models: list[CriteriaTreeModel] = []
        self._choices: dict[str, list[EnumValue]] = {}

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("criteria_filter")
        self.filter_edit.setPlaceholderText(self.tr("Find a field or a value (Ctrl+F)"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._filter)
        find = QAction(self.tr("Find a field"), self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: (self.filter_edit.setFocus(), self.filter_edit.selectAll()))
        self.addAction(find)
        self.filter_edit.returnPressed.connect(lambda: self.view.setFocus())

        self.tabs = QTabBar()
        self.tabs.setObjectName("criteria_groups")
        self.tabs.setMovable(True)
        self.tabs.setExpanding(False)
        self.tabs.setDocumentMode(True)
        self.tabs.currentChanged.connect(self._show_group)
        self.tabs.tabMoved.connect(self._tab_moved)

        self.add_group_action = QAction(self.tr("Add an &OR group"), self)
        self.add_group_action.setShortcut(QKeySequence("Ctrl+G"))
        self.add_group_action.setToolTip(
            self.tr(
                "Add a group of criteria: the target keeps rows matching this group OR the others (Ctrl+G)"
            )
        )
        self.add_group_action.triggered.connect(self.add_group)
        self.remove_group_action = QAction(self.tr("&Remove this group"), self)
        self.remove_group_action.setShortcut(QKeySequence("Ctrl+Shift+G"))
        self.remove_group_action.triggered.connect(
            lambda: self.remove_group(self.tabs.currentIndex())
        )
        self.move_left_action = QAction(self.tr("Move this group &left"), self)
        self.move_left_action.setShortcut(QKeySequence("Ctrl+Shift+PgUp"))
        self.move_left_action.triggered.connect(
            lambda: self.move_group(self.tabs.currentIndex(), -1)
        )
        self.move_right_action = QAction(self.tr("Move this group r&ight"), self)
        self.move_right_action.setShortcut(QKeySequence("Ctrl+Shift+PgDown"))
        self.move_right_action.triggered.connect(
            lambda: self.move_group(self.tabs.currentIndex(), 1)
        )
        self.next_group_action = QAction(self.tr("&Next group"), self)
        self.next_group_action.setShortcut(QKeySequence("Ctrl+PgDown"))
        self.next_group_action.triggered.connect(lambda: self._step_group(1))
        self.previous_group_action = QAction(self.tr("&Previous group"), self)
        self.previous_group_action.setShortcut(QKeySequence("Ctrl+PgUp"))
        self.previous_group_action.triggered.connect(lambda: self._step_group(-1))
        self.group_actions = [
            self.add_group_action,
            self.next_group_action,
            self.previous_group_action,
            self.remove_group_action,
            self.move_left_action,
            self.move_right_action,
        ]
        self.addActions(self.group_actions)  # their keys work without the menu too
        add_group = QToolButton()
        add_group.setObjectName("add_or_group")
        add_group.setDefaultAction(self.add_group_action)
        add_group.setText(self.tr("+ OR"))
        remove_group = QToolButton()
        remove_group.setObjectName("remove_group")
        remove_group.setDefaultAction(self.remove_group_action)
        remove_group.setText(self.tr("− group"))
        remove_group.setToolTip(self.tr("Remove the group shown (Ctrl+Shift+G)"))

        self.op_group = QActionGroup(self)
        self.op_group.setExclusive(True)
        self.op_actions: dict[Op, QAction] = {}
        # a tool bar: when the pane is narrow, the last buttons go to its » menu
        ops_bar = QToolBar()
        ops_bar.setObjectName("operators")
        ops_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        ops_bar.setIconSize(QSize(1, 1))
        ops_bar.setToolTip(self.tr("The operator of the criteria line under the cursor"))
        for op, shortcut in OPERATORS:
            action = QAction(op_label(op), self)
            action.setCheckable(True)
            action.setEnabled(False)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{op_help(op)} ({shortcut})" if shortcut else op_help(op))
            action.triggered.connect(lambda checked=False, o=op: self.set_operator(o))
            self.op_group.addAction(action)
            self.addAction(action)
            self.op_actions[op] = action
            if op is Op.IN:
                continue  # for text fields: in the context menu only
            if op in RELATIVE_OPS:
                continue  # in the "relative date" menu below
            ops_bar.addAction(action)
            ops_bar.widgetForAction(action).setObjectName(f"op_{op.value}")
        # the three relative dates share one button: they stay true when a target is reopened
        self.relative_button = QToolButton()
        self.relative_button.setObjectName("op_relative")
        self.relative_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.relative_button.setToolTip(
            self.tr(
                "Dates counted from today: older than, in the last, in the next N days, months or years"
            )
        )
        relative_menu = QMenu(self.relative_button)
        for op in (Op.MORE_THAN_AGO, Op.WITHIN_LAST, Op.WITHIN_NEXT):
            relative_menu.addAction(self.op_actions[op])
        self.relative_button.setMenu(relative_menu)
        ops_bar.addWidget(self.relative_button)

        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setRecursiveFilteringEnabled(True)
        self.proxy.setAutoAcceptChildRows(True)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(0)
        self.view = CriteriaView(self)
        self.view.setObjectName("criteria_tree")
        self.view.setModel(self.proxy)
        self.view.customContextMenuRequested.connect(self._context_menu)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)

        self.sentence = QLabel()
        self.sentence.setObjectName("criteria_sentence")
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sentence.setFrameShape(QFrame.Shape.StyledPanel)
        self.sentence.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.sentence.setStyleSheet("QLabel { padding: 6px; background: palette(base); }")
        self.problems = QLabel()
        self.problems.setObjectName("criteria_problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b42318;")
        self.problems.hide()

        tabs_row = QHBoxLayout()
        tabs_row.setSpacing(4)
        tabs_row.addWidget(self.tabs, 1)
        tabs_row.addWidget(add_group)
        tabs_row.addWidget(remove_group)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter_edit)
        layout.addLayout(tabs_row)
        layout.addWidget(ops_bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.sentence)

        self.set_criteria(Group("all", []))

    # -- groups (tabs) --------------------------------------------------------------------------
    @property
    def model(self) -> CriteriaTreeModel:
        """The model of the group shown."""
        return self.models[self.tabs.currentIndex()]

    def _new_model(self, group: Group) -> CriteriaTreeModel:
        model = CriteriaTreeModel(self)
        for key, choices in self._choices.items():
            model.set_choices(key, choices)
        model.load(group)
        model.changed.connect(self._on_changed)
        return model

    def add_group(self) -> None:
        """A new, empty "OR" group, shown at once."""
        self.models.append(self._new_model(Group("all", [])))
        self.tabs.addTab("")
        self._relabel()
        self.tabs.setCurrentIndex(len(self.models) - 1)
        self.view.setFocus()

    def remove_group(self, index: int) -> None:
        if len(self.models) <= 1:
            self.models[0].load(Group("all", []))
            return
        had = self.models[index].active_count() > 0
        model = self.models.pop(index)
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.blockSignals(False)
        self._relabel()
        self._show_group(self.tabs.currentIndex())
        model.deleteLater()
        if had:
            self._on_changed()

    def _step_group(self, step: int) -> None:
        count = self.tabs.count()
        if count > 1:
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % count)
            self.view.setFocus()

    def move_group(self, index: int, step: int) -> None:
        to = index + step
        if 0 <= index < len(self.models) and 0 <= to < len(self.models):
            self.tabs.moveTab(index, to)  # emits tabMoved

    def _tab_moved(self, source: int, to: int) -> None:
        self.models.insert(to, self.models.pop(source))
        self._relabel()
        self._on_changed()

    def _relabel(self) -> None:
        for i, model in enumerate(self.models):
            n = model.active_count() if i < self.tabs.count() else 0
            name = (
                self.tr("Criteria") if i == 0 else self.tr("OR group %1").replace("%1", str(i + 1))
            )
            self.tabs.setTabText(i, f"{name} ({n})" if n else name)
            self.tabs.setTabToolTip(
                i,
                self.tr(
                    "Rows matching every criterion of this group are kept; groups are joined by OR."
                ),
            )
        many = len(self.models) > 1
        for action in (
            self.remove_group_action,
            self.move_left_action,
            self.move_right_action,
            self.next_group_action,
            self.previous_group_action,
        ):
            action.setEnabled(many)

    def _show_group(self, index: int) -> None:
        if not 0 <= index < len(self.models):
            return
        self.proxy.setSourceModel(self.models[index])
        self.view.setColumnWidth(0, self.criterion_width())
        self.view.setColumnWidth(1, 130)
        self._expand_active()
        self._update_ops()
        selection = self.view.selectionModel()
        selection.currentChanged.connect(self._update_ops, Qt.ConnectionType.UniqueConnection)

    def criterion_width(self) -> int:
        """The first column as wide as the longest field label (340 pixels at most: with the
        value column, it stays within the pane of a 1366-pixel screen, never scrolled)."""
        metrics = self.view.fontMetrics()
        widest = max(
            metrics.horizontalAdvance(f.label()) for g in GROUPS for f in fields_in_group(g.key)
        )
        needed = widest + 2 * self.view.indentation() + 36  # branch, check box, margins
        return max(220, min(needed, 340))

    def _expand_active(self) -> None:
        model = self.proxy
        for g in range(model.rowCount()):
            group = model.index(g, 0)
            expand_group = False
            for f in range(model.rowCount(group)):
                field = model.index(f, 0, group)
                if field.data(Qt.ItemDataRole.FontRole) is not None or self.filter_edit.text():
                    self.view.setExpanded(field, True)
                    expand_group = True
            if expand_group or group.data(KIND_ROLE) == "extra_root":
                self.view.setExpanded(group, True)

    # -- criteria in and out --------------------------------------------------------------------
    def criteria(self) -> Group:
        """The criteria in force (invalid values left out; see :meth:`problems_text`)."""
        groups = [Group("all", m.snapshot().children) for m in self.models]
        groups = [g for g in groups if g.children]
        if not groups:
            return Group("all", [])
        if len(groups) == 1:
            return groups[0]
        return Group("any", groups)

    def invalid(self) -> list[str]:
        return [message for m in self.models for message in m.snapshot().invalid]

    def set_criteria(self, criteria: Group) -> None:
        """Show *criteria*: an "any of" group of "all of" groups gives one tab per group."""
        if criteria.kind == "any" and criteria.children:
            groups = [
                c if isinstance(c, Group) and c.kind == "all" else Group("all", [c])
                for c in criteria.children
            ]
        elif criteria.kind == "all":
            groups = [criteria]
        else:
            groups = [Group("all", [criteria])]
        old = self.models
        self.models = [self._new_model(g) for g in groups]
        self.tabs.blockSignals(True)
        while self.tabs.count():
            self.tabs.removeTab(0)
        for _ in self.models:
            self.tabs.addTab("")
        self.tabs.setCurrentIndex(0)
        self.tabs.blockSignals(False)
        self._relabel()
        self._show_group(0)
        for model in old:
            model.deleteLater()
        self._refresh_sentence()

    def set_choices(self, choices: dict[str, list[EnumValue]]) -> None:
        """The checkbox values read from the database, per field key."""
        self._choices.update(choices)
        for model in self.models:
            for key, values in choices.items():
                model.set_choices(key, values)

    # -- editing --------------------------------------------------------------------------------
    def current_source_index(self) -> QModelIndex:
        return self.proxy.mapToSource(self.view.currentIndex())

    def set_operator(self, op: Op) -> bool:
        """Give the criteria line under the cursor the operator *op*."""
        index = self.current_source_index()
        if not self.model.set_op(index, op):
            return False
        self._update_ops()
        value = self.view.currentIndex().siblingAtColumn(COL_VALUE)
        if value.flags() & Qt.ItemFlag.ItemIsEditable and not value.data():
            self.view.setCurrentIndex(value)
        return True

    def remove_current(self) -> bool:
        return self.model.remove(self.current_source_index())

    def select(self, index: QModelIndex | QPersistentModelIndex) -> QModelIndex:
        """Put the cursor on a source *index* of the shown group (for the keyboard and tests)."""
        proxy_index = self.proxy.mapFromSource(QModelIndex(index))
        parent = proxy_index.parent()
        while parent.isValid():
            self.view.setExpanded(parent, True)
            parent = parent.parent()
        self.view.setCurrentIndex(proxy_index)
        self.view.selectionModel().select(
            proxy_index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(proxy_index)
        return proxy_index

    def _update_ops(self, *args: Any) -> None:
        index = self.current_source_index()
        model = self.model
        allowed = set(model.allowed_ops(index))
        current = model.line_op(index)
        for op, action in self.op_actions.items():
            action.setEnabled(op in allowed)
            action.setChecked(op is current)
        relative = current if current in RELATIVE_OPS else None
        self.relative_button.setText(op_label(relative) if relative else self.tr("relative date"))
        self.relative_button.setEnabled(bool(allowed & RELATIVE_OPS))
        self.relative_button.setDown(False)
        font = self.relative_button.font()
        font.setBold(relative is not None)
        self.relative_button.setFont(font)

    def _filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        if text.strip():
            self.view.expandAll()
        else:
            self.view.collapseAll()
            self._expand_active()

    def _context_menu(self, pos: Any) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        menu = QMenu(self)
        if index.data(KIND_ROLE) == "line":
            for action in self.op_actions.values():
                if action.isEnabled():
                    menu.addAction(action)
            menu.addSeparator()
        remove = menu.addAction(self.tr("Remove this criterion (Delete)"))
        remove.triggered.connect(self.remove_current)
        menu.addSeparator()
        for action in self.group_actions:
            menu.addAction(action)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _on_changed(self) -> None:
        self._relabel()
        self._refresh_sentence()
        self._update_ops()
        self.changed.emit()

    def _refresh_sentence(self) -> None:
        self.sentence.setText(describe_criteria(self.criteria()))
        problems = self.invalid()
        if problems:
            text = (
                self.tr("Not taken into account until corrected:") + "\n• " + "\n• ".join(problems)
            )
            self.problems.setText(text)
        self.problems.setVisible(bool(problems))

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self._relabel()
        return super().event(event)
