"""The criteria of one "all of" group as a Qt tree: catalog groups → fields → criteria lines.

Under each field come its criteria lines (an operator and a value, as in the seed's tool) and,
for fields with checkboxes, the values read from the database. Two lines under one field mean
"and" (the second line is labelled so); one empty line always waits under each field for a new
value. Two ticked values mean "or": a hint says so under them and, for a vehicle field, holds
the switch "Must own each" (``Condition.each``: a vehicle for each ticked value). An invalid value stays where it was typed, with its message in ``ERROR_ROLE`` and in
the tooltip; it is left out of the criteria until it is fixed.

Nested groups that the tree cannot show as lines (from a target file) are kept as they are,
listed under "Other criteria", and can be removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from app import i18n
from app.errors import TargetError
from app.query.catalog import GROUPS, Entity, EnumValue, Field, FieldType, fields_in_group
from app.query.criteria import (
    RELATIVE_OPS,
    UNITS,
    Condition,
    Group,
    Op,
    format_date,
    ops_for,
    read_sign,
)
from app.query.describe import describe_criteria

ERROR_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
FIELD_ROLE = Qt.ItemDataRole.UserRole + 3

COL_CRITERION, COL_VALUE, COL_MORE = 0, 1, 2

Index = QModelIndex | QPersistentModelIndex


def op_label(op: Op) -> str:
    """The short label of an operator in the tree and on its button."""
    return {
        Op.EQ: "=",
        Op.LIKE: "%",
        Op.NE: "≠",
        Op.GE: "≥",
        Op.LE: "≤",
        Op.BETWEEN: QCoreApplication.translate("Criteria", "between"),
        Op.EMPTY: QCoreApplication.translate("Criteria", "empty"),
        Op.NOT_EMPTY: QCoreApplication.translate("Criteria", "not empty"),
        Op.IN: QCoreApplication.translate("Criteria", "one of"),
        Op.MORE_THAN_AGO: QCoreApplication.translate("Criteria", "older than"),
        Op.WITHIN_LAST: QCoreApplication.translate("Criteria", "in the last"),
        Op.WITHIN_NEXT: QCoreApplication.translate("Criteria", "in the next"),
    }[op]


def op_help(op: Op) -> str:
    """What an operator does, for tooltips."""
    return {
        Op.EQ: QCoreApplication.translate("Criteria", "Equals: the exact value"),
        Op.LIKE: QCoreApplication.translate(
            "Criteria", "Like: % stands for any characters (DUP% finds DUPONT and Dupré)"
        ),
        Op.NE: QCoreApplication.translate("Criteria", "Different from"),
        Op.GE: QCoreApplication.translate(
            "Criteria", "Greater than or equal to (from this value on)"
        ),
        Op.LE: QCoreApplication.translate("Criteria", "Less than or equal to (up to this value)"),
        Op.BETWEEN: QCoreApplication.translate("Criteria", "Between two values, both included"),
        Op.EMPTY: QCoreApplication.translate("Criteria", "The field is empty"),
        Op.NOT_EMPTY: QCoreApplication.translate("Criteria", "The field is filled in"),
        Op.IN: QCoreApplication.translate("Criteria", "One of several values, separated by ;"),
        Op.MORE_THAN_AGO: QCoreApplication.translate(
            "Criteria", "More than N days, months or years ago (stays true over time)"
        ),
        Op.WITHIN_LAST: QCoreApplication.translate(
            "Criteria", "Within the last N days, months or years"
        ),
        Op.WITHIN_NEXT: QCoreApplication.translate(
            "Criteria", "Within the next N days, months or years"
        ),
    }[op]


def unit_label(unit: str) -> str:
    return {
        "days": QCoreApplication.translate("Criteria", "days"),
        "months": QCoreApplication.translate("Criteria", "months"),
        "years": QCoreApplication.translate("Criteria", "years"),
    }[unit]


def takes_value(op: Op) -> bool:
    return op not in (Op.EMPTY, Op.NOT_EMPTY)


def value_text(f: Field, value: Any) -> str:
    """A typed value as the user would type it (DD/MM/YYYY, decimal comma in French)."""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, bool):
        return f.value_label(value)
    if isinstance(value, float) and i18n.language() == "fr":
        return f"{value:g}".replace(".", ",")
    return str(value)


# --- nodes -------------------------------------------------------------------------------------


class _Node:
    kind = "node"

    def __init__(self, parent: _Node | None) -> None:
        self.parent = parent
        self.children: list[_Node] = []

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent is not None else 0


class _Root(_Node):
    kind = "root"


class GroupNode(_Node):
    kind = "group"

    def __init__(self, parent: _Node, key: str, label: str) -> None:
        super().__init__(parent)
        self.key = key
        self.label = label


class FieldNode(_Node):
    kind = "field"

    def __init__(self, parent: _Node, f: Field) -> None:
        super().__init__(parent)
        self.field = f
        #: Ticked values of a vehicle field: the customer must own a vehicle for each of them
        #: (``Condition.each``); otherwise any of them will do.
        self.each = False

    def ticked(self) -> list[Any]:
        return [c.choice.value for c in self.choices() if c.checked]

    def each_node(self) -> EachNode | None:
        last = self.children[-1] if self.children else None
        return last if isinstance(last, EachNode) else None

    def lines(self) -> list[LineNode]:
        return [c for c in self.children if isinstance(c, LineNode)]

    def choices(self) -> list[ChoiceNode]:
        return [c for c in self.children if isinstance(c, ChoiceNode)]

    def active(self) -> int:
        """How many criteria this field holds (lines typed, ticked values count as one)."""
        n = sum(1 for line in self.lines() if not line.placeholder)
        return n + (1 if any(c.checked for c in self.choices()) else 0)

    def applied(self) -> int:
        """How many of them are applied: :meth:`active` without the invalid lines."""
        return self.active() - sum(
            1 for line in self.lines() if line.error and not line.placeholder
        )


class LineNode(_Node):
    kind = "line"

    def __init__(self, parent: FieldNode, op: Op, placeholder: bool = True) -> None:
        super().__init__(parent)
        self.op = op
        self.text = ""
        self.text2 = ""
        self.unit = "months"
        self.keep_empty = False
        self.placeholder = placeholder
        self.error: str | None = None
        #: Not the field's first line: labelled "and" (kept here, not derived from the row, so
        #: that removing a line changes the next one's label by a dataChanged, as Qt expects).
        self.and_ = bool(parent.lines()) if isinstance(parent, FieldNode) else False

    @property
    def field(self) -> Field:
        return self.parent.field  # type: ignore[union-attr]


class ChoiceNode(_Node):
    kind = "choice"

    def __init__(self, parent: FieldNode, choice: EnumValue, checked: bool = False) -> None:
        super().__init__(parent)
        self.choice = choice
        self.checked = checked


class EachNode(_Node):
    """Under two or more ticked values: says they mean "any of them" and, for a vehicle field,
    holds the switch "Must own each" (``Condition.each``)."""

    kind = "each"

    @property
    def field(self) -> Field:
        return self.parent.field  # type: ignore[union-attr]


class ExtraRootNode(_Node):
    kind = "extra_root"


class ExtraNode(_Node):
    kind = "extra"

    def __init__(self, parent: _Node, node: Condition | Group) -> None:
        super().__init__(parent)
        self.node = node


@dataclass
class Snapshot:
    """What the tree holds as criteria: the conditions in force and the invalid lines."""

    children: list[Condition | Group] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def _default_op(f: Field) -> Op:
    ops = ops_for(f)
    if f.type is FieldType.DATE:
        return Op.LE if Op.LE in ops else ops[0]
    return Op.EQ if Op.EQ in ops else ops[0]


def _has_lines(f: Field) -> bool:
    return f.type is not FieldType.BOOLEAN


def _has_choices(f: Field) -> bool:
    return f.type in (FieldType.ENUM, FieldType.BOOLEAN)


class CriteriaTreeModel(QAbstractItemModel):
    """One "all of" group of criteria, shown over the field catalog (see the module docstring).

    ``changed`` is emitted after every change of the criteria.
    """

    changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Root(None)
        self._fields: dict[str, FieldNode] = {}
        self._extra: ExtraRootNode | None = None
        for g in GROUPS:
            fields = [f for f in fields_in_group(g.key)]
            if not fields:
                continue
            group = GroupNode(self._root, g.key, g.label())
            self._root.children.append(group)
            for f in fields:
                node = FieldNode(group, f)
                group.children.append(node)
                self._fields[f.key] = node
                if _has_lines(f):
                    node.children.append(LineNode(node, _default_op(f)))
                for choice in f.enum_values:
                    node.children.append(ChoiceNode(node, choice))

    # -- Qt model API ---------------------------------------------------------------------------
    def _node(self, index: Index) -> _Node:
        if index.isValid():
            return index.internalPointer()  # type: ignore[no-any-return]
        return self._root

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column < 0 or column >= 3 or row < 0:
            return QModelIndex()
        node = self._node(parent)
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row(), 0, parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (
                (
                    QCoreApplication.translate("Criteria", "Criterion"),
                    QCoreApplication.translate("Criteria", "Value"),
                    QCoreApplication.translate("Criteria", "Second value, unit or option"),
                )[section]
                if 0 <= section < 3
                else None
            )
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        node = self._node(index)
        col = index.column()
        if isinstance(node, ChoiceNode) and col == COL_CRITERION:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if isinstance(node, EachNode) and col == COL_VALUE and _owns_each(node.field):
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if isinstance(node, LineNode):
            if col == COL_VALUE and takes_value(node.op):
                return base | Qt.ItemFlag.ItemIsEditable
            if col == COL_MORE and (node.op is Op.BETWEEN or node.op in RELATIVE_OPS):
                return base | Qt.ItemFlag.ItemIsEditable
            if col == COL_MORE and node.op is Op.NE:
                return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node = self._node(index)
        col = index.column()
        if role == KIND_ROLE:
            return node.kind
        if role == FIELD_ROLE:
            f = getattr(node, "field", None)
            return f.key if f is not None else None
        if isinstance(node, GroupNode):
            return self._group_data(node, col, role)
        if isinstance(node, FieldNode):
            return self._field_data(node, col, role)
        if isinstance(node, LineNode):
            return self._line_data(node, col, role)
        if isinstance(node, ChoiceNode):
            if col != COL_CRITERION:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return node.choice.label()
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if node.checked else Qt.CheckState.Unchecked
            return None
        if isinstance(node, EachNode):
            return self._each_data(node, col, role)
        if isinstance(node, ExtraRootNode):
            if col == COL_CRITERION and role == Qt.ItemDataRole.DisplayRole:
                return QCoreApplication.translate("Criteria", "Other criteria (nested groups)")
            if role == Qt.ItemDataRole.FontRole:
                return _bold()
            return None
        if isinstance(node, ExtraNode):
            if col == COL_CRITERION and role in (
                Qt.ItemDataRole.DisplayRole,
                Qt.ItemDataRole.ToolTipRole,
            ):
                group = node.node if isinstance(node.node, Group) else Group("all", [node.node])
                return describe_criteria(group)
            return None
        return None

    def _each_data(self, node: EachNode, col: int, role: int) -> Any:
        each = node.parent.each  # type: ignore[union-attr]
        if col == COL_CRITERION:
            if role == Qt.ItemDataRole.DisplayRole:
                return (
                    QCoreApplication.translate("Criteria", "Ticked values: a vehicle for each")
                    if each
                    else QCoreApplication.translate("Criteria", "Ticked values: any of them")
                )
            if role == Qt.ItemDataRole.ToolTipRole:
                return QCoreApplication.translate(
                    "Criteria",
                    "Two ticked values mean “or”; two typed lines mean “and”.",
                )
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#606060"))
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            return None
        if col == COL_VALUE and _owns_each(node.field):
            if role == Qt.ItemDataRole.DisplayRole:
                return QCoreApplication.translate("Criteria", "Must own each")
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if each else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.ToolTipRole:
                return QCoreApplication.translate(
                    "Criteria", "The customer must own a vehicle for each ticked value."
                )
        return None

    def _group_data(self, node: GroupNode, col: int, role: int) -> Any:
        active = sum(f.active() for f in node.children if isinstance(f, FieldNode))
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_CRITERION:
                return node.label
            applied = sum(f.applied() for f in node.children if isinstance(f, FieldNode))
            if col == COL_VALUE and applied:
                return _count_text(applied)
            return None
        if role == Qt.ItemDataRole.FontRole and active:
            return _bold()
        return None

    def _field_data(self, node: FieldNode, col: int, role: int) -> Any:
        f = node.field
        if role == Qt.ItemDataRole.DisplayRole:
            if col == COL_CRITERION:
                return f.label()
            return None
        if role == Qt.ItemDataRole.FontRole and node.active():
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_CRITERION:
            return f"{f.label()} — {f.group_label()} ({f.key})"
        return None

    def _line_data(self, node: LineNode, col: int, role: int) -> Any:
        f = node.field
        if role == ERROR_ROLE:
            return node.error if col == COL_VALUE else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if node.error and col == COL_VALUE:
                return node.error
            if col == COL_CRITERION:
                return op_help(node.op)
            if col == COL_VALUE and node.placeholder:
                return (
                    QCoreApplication.translate("Criteria", "Type a value (dates as DD/MM/YYYY)")
                    if f.type is FieldType.DATE
                    else QCoreApplication.translate("Criteria", "Type a value")
                )
            return None
        if role == Qt.ItemDataRole.ForegroundRole and node.placeholder and col == COL_CRITERION:
            return QBrush(QColor("#808080"))
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_MORE and node.op is Op.NE:
            return Qt.CheckState.Checked if node.keep_empty else Qt.CheckState.Unchecked
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        if col == COL_CRITERION:
            if role == Qt.ItemDataRole.EditRole:
                return None
            label = op_label(node.op)
            if not node.and_:
                return label
            return QCoreApplication.translate("Criteria", "and %1").replace("%1", label)
        if col == COL_VALUE:
            return node.text if takes_value(node.op) else ""
        if node.op is Op.BETWEEN:
            return node.text2
        if node.op in RELATIVE_OPS:
            return unit_label(node.unit) if role == Qt.ItemDataRole.DisplayRole else node.unit
        if node.op is Op.NE and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("Criteria", "empty values too")
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid():
            return False
        node = self._node(index)
        col = index.column()
        if isinstance(node, ChoiceNode) and role == Qt.ItemDataRole.CheckStateRole and col == 0:
            node.checked = _is_checked(value)
            self.dataChanged.emit(index, index, [role])
            self._field_changed(node.parent)  # type: ignore[arg-type]
            return True
        if isinstance(node, EachNode) and role == Qt.ItemDataRole.CheckStateRole:
            if col != COL_VALUE or not _owns_each(node.field):
                return False
            node.parent.each = _is_checked(value)  # type: ignore[union-attr]
            self._emit_row(node)
            self._field_changed(node.parent)  # type: ignore[arg-type]
            return True
        if not isinstance(node, LineNode):
            return False
        if role == Qt.ItemDataRole.CheckStateRole and col == COL_MORE and node.op is Op.NE:
            node.keep_empty = _is_checked(value)
            self._line_changed(node)
            return True
        if role != Qt.ItemDataRole.EditRole:
            return False
        text = "" if value is None else str(value).strip()
        if col == COL_VALUE:
            op, text = read_sign(node.field, text) if node.op not in RELATIVE_OPS else (None, text)
            if op is not None:  # "<01/12/2005", ">150 000", "≠37210": the sign is the operator
                node.op = op
            node.text = text
            if node.op is Op.EQ and "%" in text and Op.LIKE in ops_for(node.field):
                node.op = Op.LIKE
        elif col == COL_MORE and node.op is Op.BETWEEN:
            node.text2 = text
        elif col == COL_MORE and node.op in RELATIVE_OPS:
            if text not in UNITS:
                return False
            node.unit = text
        else:
            return False
        self._line_changed(node)
        return True

    # -- editing API ----------------------------------------------------------------------------
    def field_index(self, key: str, column: int = 0) -> QModelIndex:
        node = self._fields[key]
        return self.createIndex(node.row(), column, node)

    def node_index(self, node: _Node, column: int = 0) -> QModelIndex:
        if node is self._root:
            return QModelIndex()
        return self.createIndex(node.row(), column, node)

    def line_indexes(self, key: str) -> list[QModelIndex]:
        """The criteria lines under field *key* (the waiting empty line last)."""
        return [self.node_index(n) for n in self._fields[key].lines()]

    def choice_index(self, key: str, value: Any) -> QModelIndex:
        for node in self._fields[key].choices():
            if node.choice.value == value:
                return self.node_index(node)
        raise KeyError(value)

    def allowed_ops(self, index: Index) -> tuple[Op, ...]:
        node = self._node(index)
        if isinstance(node, LineNode):
            return tuple(
                o
                for o in ops_for(node.field)
                if o is not Op.IN or node.field.type is not FieldType.ENUM
            )
        return ()

    def line_op(self, index: Index) -> Op | None:
        node = self._node(index)
        return node.op if isinstance(node, LineNode) else None

    def set_op(self, index: Index, op: Op) -> bool:
        """Give the criteria line at *index* another operator."""
        node = self._node(index)
        if not isinstance(node, LineNode) or op not in ops_for(node.field):
            return False
        node.op = Op(op)
        if not takes_value(node.op):
            node.text = node.text2 = ""
        self._line_changed(node, force_real=not takes_value(node.op), keep=True)
        return True

    def remove(self, index: Index) -> bool:
        """Remove the criterion at *index*: a line, a ticked value, every criterion of a field
        or group, or a nested group. Returns False if there was nothing to remove."""
        node = self._node(index)
        if isinstance(node, LineNode):
            if node.placeholder and not node.text and not node.text2:
                return False
            self._drop_line(node)
            return True
        if isinstance(node, ChoiceNode):
            if not node.checked:
                return False
            node.checked = False
            i = self.node_index(node)
            self.dataChanged.emit(i, i)
            self._field_changed(node.parent)  # type: ignore[arg-type]
            return True
        if isinstance(node, FieldNode):
            return self._clear_field(node)
        if isinstance(node, GroupNode):
            done = False
            for f in node.children:
                done = self._clear_field(f) or done  # type: ignore[arg-type]
            return done
        if isinstance(node, ExtraNode):
            parent = node.parent
            row = node.row()
            self.beginRemoveRows(self.node_index(parent), row, row)  # type: ignore[arg-type]
            parent.children.pop(row)  # type: ignore[union-attr]
            self.endRemoveRows()
            if parent is self._extra and not parent.children:
                row = parent.row()
                self.beginRemoveRows(QModelIndex(), row, row)
                self._root.children.pop(row)
                self._extra = None
                self.endRemoveRows()
            self.criteria_changed()
            return True
        return False

    def _clear_field(self, node: FieldNode) -> bool:
        if not node.active() and not any(line.text for line in node.lines()):
            return False
        for line in list(node.lines()):
            if not line.placeholder or line.text or line.text2:
                self._drop_line(line, notify=False)
        for choice in node.choices():
            if choice.checked:
                choice.checked = False
                i = self.node_index(choice)
                self.dataChanged.emit(i, i)
        self._field_changed(node)
        return True

    def set_choices(self, key: str, choices: list[EnumValue]) -> None:
        """The checkbox values of a field read from the database (ticked ones are kept)."""
        node = self._fields.get(key)
        if node is None:
            return
        existing = {c.choice.value: c for c in node.choices()}
        for choice in choices:
            if choice.value in existing:
                continue
            row = len(node.children) - (1 if node.each_node() is not None else 0)
            self.beginInsertRows(self.node_index(node), row, row)
            child = ChoiceNode(node, choice)
            node.children.insert(row, child)
            existing[choice.value] = child
            self.endInsertRows()

    # -- criteria in and out --------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """The conditions in force, in catalog order, and the messages of the invalid lines."""
        snap = Snapshot()
        for node in self._fields.values():
            ticked = node.ticked()
            if ticked:
                op = Op.EQ if len(ticked) == 1 else Op.IN
                each = node.each and len(ticked) > 1 and _owns_each(node.field)
                cond = Condition(node.field.key, op, ticked, each=each)
                snap.children.append(cond.validated())
            for line in node.lines():
                if line.placeholder:
                    continue
                if line.error is None:
                    cond = self._condition(line)
                    if cond is not None:
                        snap.children.append(cond)
                else:
                    snap.invalid.append(line.error)
        if self._extra is not None:
            snap.children.extend(n.node for n in self._extra.children)  # type: ignore[attr-defined]
        return snap

    def active_count(self) -> int:
        """How many criteria are applied (invalid lines are not: they wait to be corrected)."""
        n = sum(f.applied() for f in self._fields.values())
        return n + (len(self._extra.children) if self._extra is not None else 0)

    def load(self, group: Group) -> None:
        """Show the children of an "all of" *group* (replaces what the tree held)."""
        self.beginResetModel()
        for node in self._fields.values():
            for line in list(node.lines()):
                node.children.remove(line)
            for choice in node.choices():
                choice.checked = False
            node.each = False
            if node.each_node() is not None:
                node.children.pop()
        if self._extra is not None:
            self._root.children.remove(self._extra)
            self._extra = None
        ticked_fields: set[str] = set()
        for child in group.children:
            if isinstance(child, Group) or child.field not in self._fields:
                self._add_extra(child)
                continue
            node = self._fields[child.field]
            f = node.field
            op = Op(child.op)
            if _has_choices(f) and op in (Op.EQ, Op.IN) and f.key not in ticked_fields:
                ticked_fields.add(f.key)
                for value in child.values:
                    self._tick(node, value)
                node.each = bool(child.each)
                continue
            if not _has_lines(f):
                self._add_extra(child)
                continue
            line = LineNode(node, op, placeholder=False)
            values = list(child.values)
            if op in RELATIVE_OPS:
                line.text = str(values[0]) if values else ""
                line.unit = child.unit or "months"
            elif op is Op.BETWEEN:
                line.text, line.text2 = (value_text(f, v) for v in values[:2])
            elif op in (Op.NE, Op.IN):
                line.text = "; ".join(value_text(f, v) for v in values)
            elif values:
                line.text = value_text(f, values[0])
            line.keep_empty = bool(child.keep_empty)
            node.children.insert(len(node.lines()), line)
            line.error = self._check(line)
        for node in self._fields.values():
            if _has_lines(node.field):
                node.children.insert(len(node.lines()), LineNode(node, _default_op(node.field)))
            if len(node.ticked()) > 1:
                node.children.append(EachNode(node))
        self.endResetModel()
        self.criteria_changed()

    # -- internals ------------------------------------------------------------------------------
    def _tick(self, node: FieldNode, value: Any) -> None:
        for choice in node.choices():
            if choice.choice.value == value:
                choice.checked = True
                return
        label = node.field.value_label(value)
        node.children.append(ChoiceNode(node, EnumValue(value, label, label), checked=True))

    def _add_extra(self, child: Condition | Group) -> None:
        if self._extra is None:
            self._extra = ExtraRootNode(self._root)
            self._root.children.append(self._extra)
        self._extra.children.append(ExtraNode(self._extra, child))

    def _condition(self, line: LineNode) -> Condition | None:
        f = line.field
        op = line.op
        if op in (Op.EMPTY, Op.NOT_EMPTY):
            values: list[Any] = []
        elif op is Op.BETWEEN:
            values = [line.text, line.text2]
        elif op in (Op.NE, Op.IN):
            values = [p.strip() for p in line.text.split(";") if p.strip()]
        else:
            values = [line.text]
        unit = line.unit if op in RELATIVE_OPS else None
        return Condition(f.key, op, values, keep_empty=line.keep_empty, unit=unit).validated()

    def _check(self, line: LineNode) -> str | None:
        if takes_value(line.op) and not line.text:
            return QCoreApplication.translate("Criteria", "Type a value.")
        if line.op is Op.BETWEEN and not line.text2:
            return QCoreApplication.translate(
                "Criteria", "Type the second value (between … and …)."
            )
        try:
            self._condition(line)
        except TargetError as error:  # the field is named by the tree: say only what is wrong
            return str(error).replace(f" ({line.field.key})", "")
        return None

    def _line_changed(self, node: LineNode, force_real: bool = False, keep: bool = False) -> None:
        parent: FieldNode = node.parent  # type: ignore[assignment]
        empty = takes_value(node.op) and not node.text and not node.text2
        if node.placeholder and (force_real or not empty):
            node.placeholder = False
            node.error = self._check(node)
            self._emit_row(node)
            row = len(parent.lines())
            self.beginInsertRows(self.node_index(parent), row, row)
            parent.children.insert(row, LineNode(parent, _default_op(parent.field)))
            self.endInsertRows()
        elif not node.placeholder and empty and not keep:
            self._drop_line(node, notify=False)
        else:
            node.error = None if node.placeholder else self._check(node)
            self._emit_row(node)
        self._field_changed(parent)

    def _drop_line(self, node: LineNode, notify: bool = True) -> None:
        parent: FieldNode = node.parent  # type: ignore[assignment]
        lines = parent.lines()
        if node is lines[-1]:  # the waiting line: just empty it
            node.text = node.text2 = ""
            node.error = None
            node.placeholder = True
            self._emit_row(node)
        else:
            row = node.row()
            self.beginRemoveRows(self.node_index(parent), row, row)
            parent.children.pop(row)
            self.endRemoveRows()
            self._renumber(parent)
        if notify:
            self._field_changed(parent)

    def _renumber(self, parent: FieldNode) -> None:
        for i, line in enumerate(parent.lines()):
            if line.and_ != (i > 0):
                line.and_ = i > 0
                self._emit_row(line)

    def _emit_row(self, node: _Node) -> None:
        self.dataChanged.emit(self.node_index(node, 0), self.node_index(node, 2))

    def _sync_each(self, node: FieldNode) -> None:
        """Show the "any of them" hint (and switch) under two or more ticked values only."""
        present = node.each_node()
        wanted = len(node.ticked()) > 1
        row = len(node.children)
        if wanted and present is None:
            self.beginInsertRows(self.node_index(node), row, row)
            node.children.append(EachNode(node))
            self.endInsertRows()
        elif not wanted and present is not None:
            self.beginRemoveRows(self.node_index(node), row - 1, row - 1)
            node.children.pop()
            node.each = False
            self.endRemoveRows()
        elif present is not None:
            self._emit_row(present)

    def _field_changed(self, node: FieldNode) -> None:
        self._sync_each(node)
        self._emit_row(node)
        self._emit_row(node.parent)  # type: ignore[arg-type]
        self.criteria_changed()

    def criteria_changed(self) -> None:
        self.changed.emit()


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def _owns_each(f: Field) -> bool:
    """Whether ticked values of *f* can mean "a vehicle for each" (``Condition.each``)."""
    return f.entity is Entity.VEHICLE


def _is_checked(value: Any) -> bool:
    if isinstance(value, Qt.CheckState):
        return value == Qt.CheckState.Checked
    return int(value) == Qt.CheckState.Checked.value


def _count_text(n: int) -> str:
    return (
        QCoreApplication.translate("Criteria", "1 criterion")
        if n == 1
        else QCoreApplication.translate("Criteria", "%1 criteria").replace("%1", str(n))
    )
