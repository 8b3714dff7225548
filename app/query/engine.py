"""The criteria engine: a target becomes one SQLAlchemy Core select.

How a target is read (docs/target-format.md says the same for users):

* **Rows.** Grain ``vehicle``: one row per vehicle a customer owns now and that is in use
  (``vehicle.owner_id`` and ``status = in_use``); a customer with no such vehicle gives one row
  with empty vehicle columns. A condition on ``vehicle.status`` anywhere in the tree lifts the
  "in use" rule (the condition then decides). Grain ``customer``: one row per customer who has at
  least one matching row; its vehicle columns show the matching vehicle with the highest id.
* **Vehicle conditions in one "all of" group apply to the same vehicle** (brand RENAULT and MEC
  before 2009 is a Renault registered before 2009; a >= and a <= bound the same vehicle).
* **Two values under one field in an "all of" group** (=, %, in; seed 2.1.3): the customer must
  own a vehicle matching each value — CLIO and LAGUNA gives the customers who own both, with a
  row for each of those vehicles. The group's other vehicle conditions apply to each of them.
* **Invoice, sale and contact conditions** mean "has at least one": the conditions of one group
  on the same entity apply to the same invoice (sale, contact). A sale is the sale of the row's
  vehicle to the customer. Aggregates (last invoice date, visits...) are values of the row.
* **Empty values** never equal, match or compare with anything; "different from" keeps them only
  with ``keep_empty``; "none of" is the exact complement of "any of".

Bound parameters only; dates are computed in Python from ``today`` and bound, so the same SQL
runs on SQLite and PostgreSQL. Case- and accent-insensitive searches compare the folded
``*_fold`` columns (or, for short fields without one, ``folded(column)``: a SQL function on
SQLite, ``translate``/``upper`` on PostgreSQL) with a folded pattern (no per-row Python function).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Select,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Integer

from app.errors import TargetError
from app.i18n import _
from app.models.dealership import CustomerAlias, Site
from app.models.enums import VehicleStatus
from app.models.textfold import fold, folded
from app.query.catalog import (
    CONTACT,
    CUSTOMER,
    INVOICE,
    LINE,
    SALE,
    VEHICLE,
    Entity,
    Field,
    FieldType,
    NullVehicle,
    Sources,
    get_field,
)
from app.query.criteria import (
    RELATIVE_OPS,
    VALUE_OPS,
    Condition,
    Group,
    Op,
    shift,
)
from app.query.target import Target

__all__ = [
    "ResultRow",
    "compile_target",
    "count_rows",
    "describe",
    "fetch_page",
    "iter_rows",
]

_ROW_ENTITIES = (Entity.VEHICLE, Entity.SALE)  # depend on the row's vehicle
_EXISTS_ENTITIES = (Entity.INVOICE, Entity.SALE, Entity.CONTACT)


class ResultRow(NamedTuple):
    """One row of a target: ``values`` are aligned with the requested columns."""

    customer_id: int
    vehicle_id: int | None
    removed: bool
    values: tuple[Any, ...]


@dataclass
class _Ctx:
    today: dt.date
    in_use_only: bool


# --- leaves ------------------------------------------------------------------------------------


def _like_pattern(text: str) -> str:
    return text.replace("\\", "\\\\").replace("_", "\\_")


def _text_operand(f: Field, src: Sources, folded: bool) -> tuple[ColumnElement, Any]:
    """(column expression, function applied to typed values) for text comparisons."""
    if folded and f.fold is not None:
        return f.fold(src), fold
    return f.compute(src), (lambda s: s)


def _cents(value: Any) -> Decimal:
    return Decimal(str(value)) * 100


def _number_bound(f: Field, value: Any, side: str) -> Any:
    """A number typed by the user, as compared with the stored value (cents for money)."""
    if not f.money:
        return value
    cents = _cents(value)
    if side == "ge":
        return int(math.ceil(cents))
    if side == "le":
        return int(math.floor(cents))
    return int(cents) if cents == cents.to_integral_value() else None


#: An INTEGER column's range on PostgreSQL (4 bytes): a bound beyond it is decided here, since
#: the server refuses to compare with a parameter it cannot hold ("integer out of range").
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1


def _integer(expr: ColumnElement) -> bool:
    return isinstance(getattr(expr, "type", None), Integer)


def _fits(expr: ColumnElement, bound: Any) -> bool:
    if bound is None:
        return False
    return not _integer(expr) or _INT_MIN <= bound <= _INT_MAX


def _at_least(expr: ColumnElement, bound: Any) -> ColumnElement:
    if _integer(expr) and bound > _INT_MAX:
        return false()
    if _integer(expr) and bound < _INT_MIN:
        return expr.is_not(None)
    return expr >= bound


def _at_most(expr: ColumnElement, bound: Any) -> ColumnElement:
    if _integer(expr) and bound < _INT_MIN:
        return false()
    if _integer(expr) and bound > _INT_MAX:
        return expr.is_not(None)
    return expr <= bound


def _date_range(cond: Condition, today: dt.date) -> tuple[dt.date | None, dt.date | None, bool]:
    """(lowest date, highest date, both included) a date condition accepts."""
    op = Op(cond.op)
    if op in RELATIVE_OPS:
        amount, unit = int(cond.values[0]), str(cond.unit)
        if op is Op.MORE_THAN_AGO:
            return None, shift(today, -amount, unit) - dt.timedelta(days=1), True
        if op is Op.WITHIN_LAST:
            return shift(today, -amount, unit), today, True
        return today, shift(today, amount, unit), True
    if op is Op.GE:
        return cond.values[0], None, True
    if op is Op.LE:
        return None, cond.values[0], True
    if op is Op.BETWEEN:
        return cond.values[0], cond.values[1], True
    if op is Op.EQ:
        return cond.values[0], cond.values[0], True
    raise AssertionError(op)


def _date_between(
    expr: ColumnElement, low: dt.date | None, high: dt.date | None, timestamp: bool
) -> ColumnElement:
    parts = []
    if low is not None:
        parts.append(expr >= (dt.datetime.combine(low, dt.time()) if timestamp else low))
    if high is not None and high < dt.date.max:  # 31/12/9999: no upper bound (nor overflow)
        if timestamp:
            parts.append(expr < dt.datetime.combine(high + dt.timedelta(days=1), dt.time()))
        else:
            parts.append(expr <= high)
    if low is not None and high is not None and low > high:
        return false()
    return and_(*parts) if parts else expr.is_not(None)


def _derived_date_range(f: Field, op: Op, values: list[Any], today: dt.date) -> tuple[Any, Any]:
    """A number condition on a derived field as (lowest date, highest date) of the date behind it."""

    def at_least(n: int) -> tuple[Any, Any]:
        if f.derived == "years_since":  # age >= n  <=>  date <= today - n years
            return None, shift(today, -n, "years")
        if n <= 0:  # months_until: remaining >= n
            return None, None
        return shift(today, n, "months"), None

    def at_most(n: int) -> tuple[Any, Any]:
        if f.derived == "years_since":  # age <= n  <=>  date > today - (n+1) years
            return shift(today, -(n + 1), "years") + dt.timedelta(days=1), None
        if n < 0:
            return "never", None
        return None, shift(today, n + 1, "months") - dt.timedelta(days=1)

    def merge(a: tuple[Any, Any], b: tuple[Any, Any]) -> tuple[Any, Any]:
        if "never" in (a[0], b[0]):
            return "never", None
        low = max((x for x in (a[0], b[0]) if x is not None), default=None)
        high = min((x for x in (a[1], b[1]) if x is not None), default=None)
        return low, high

    def as_int(v: Any, up: bool) -> int:
        return int(math.ceil(v)) if up else int(math.floor(v))

    if op is Op.GE:
        return at_least(as_int(values[0], True))
    if op is Op.LE:
        return at_most(as_int(values[0], False))
    if op is Op.BETWEEN:
        return merge(at_least(as_int(values[0], True)), at_most(as_int(values[1], False)))
    if op is Op.EQ:
        v = values[0]
        if v != int(v):
            return "never", None
        return merge(at_least(int(v)), at_most(int(v)))
    raise AssertionError(op)


def _leaf(cond: Condition, src: Sources, ctx: _Ctx) -> ColumnElement:
    """A two-valued-in-spirit predicate (NULL only where it must read as false) for one condition."""
    f = get_field(cond.field)
    op = Op(cond.op)
    if f.key == "invoice.line_category":
        line = LINE.alias()
        inner = _leaf_on(f, op, cond, Sources(src.customer, src.vehicle, src.today, line=line), ctx)
        return exists().where(line.c.invoice_id == src.invoice.c.id, inner).correlate_except(line)
    return _leaf_on(f, op, cond, src, ctx)


def _leaf_on(f: Field, op: Op, cond: Condition, src: Sources, ctx: _Ctx) -> ColumnElement:
    values = cond.values
    expr = f.compute(src)
    # '' counts as empty for free text; enum columns with fixed values cannot hold it
    is_text = f.type in (FieldType.TEXT, FieldType.ENUM) and not f.fixed_values

    if op is Op.EMPTY:
        if is_text:
            return or_(expr.is_(None), expr == "")
        return expr.is_(None)
    if op is Op.NOT_EMPTY:
        if is_text:
            return and_(expr.is_not(None), expr != "")
        return expr.is_not(None)

    if op is Op.NE:
        positive = _any_equal(f, values, src, ctx)
        empty = or_(expr.is_(None), expr == "") if is_text else expr.is_(None)
        if cond.keep_empty:
            return or_(empty, not_(func.coalesce(positive, false())))
        return and_(not_(empty), not_(func.coalesce(positive, false())))

    if f.derived:
        low, high = _derived_date_range(f, op, values, ctx.today)
        if low == "never":
            return false()
        return _date_between(expr, low, high, False)

    if f.type is FieldType.DATE:
        if op is Op.IN:
            return or_(*[_date_between(expr, v, v, f.timestamp) for v in values])
        low, high, _ = _date_range(cond, ctx.today)
        return _date_between(expr, low, high, f.timestamp)

    if f.type is FieldType.BOOLEAN:
        wanted = set(values)
        if wanted == {True, False}:
            return expr.is_not(None)
        value = next(iter(wanted))
        if hasattr(expr, "table"):  # a plain column: literal 0/1 keeps SQLite's plan good
            return expr == (true() if value else false())
        return expr if value else not_(expr)

    if f.type is FieldType.NUMBER:
        if op is Op.IN:
            bounds = [b for b in (_number_bound(f, v, "eq") for v in values) if _fits(expr, b)]
            return expr.in_(bounds) if bounds else false()
        if op is Op.EQ:
            bound = _number_bound(f, values[0], "eq")
            return expr == bound if _fits(expr, bound) else false()
        if op is Op.GE:
            return _at_least(expr, _number_bound(f, values[0], "ge"))
        if op is Op.LE:
            return _at_most(expr, _number_bound(f, values[0], "le"))
        if op is Op.BETWEEN:
            return and_(
                _at_least(expr, _number_bound(f, values[0], "ge")),
                _at_most(expr, _number_bound(f, values[1], "le")),
            )
        raise AssertionError(op)

    # TEXT and ENUM
    if op is Op.LIKE:
        if f.fold is not None:
            return f.fold(src).like(_like_pattern(fold(values[0]) or ""), escape="\\")
        pattern = _like_pattern(fold(values[0]) or "")
        return (func.upper(expr) if f.codes else folded(expr)).like(pattern, escape="\\")
    if op is Op.IN:
        return expr.in_([str(v) for v in values])
    column, conv = _text_operand(f, src, folded=True)
    if op is Op.EQ:
        return column == conv(values[0])
    if op is Op.GE:
        return column >= conv(values[0])
    if op is Op.LE:
        return column <= conv(values[0])
    if op is Op.BETWEEN:
        return and_(column >= conv(values[0]), column <= conv(values[1]))
    raise AssertionError(op)


def _any_equal(f: Field, values: list[Any], src: Sources, ctx: _Ctx) -> ColumnElement:
    """*f* equals one of *values*: one ``IN`` list where equality is a plain comparison (so 500
    values stay one expression, not an ``OR`` chain 500 deep), else an ``OR`` of equalities."""
    if f.type is FieldType.NUMBER and not f.derived:
        expr = f.compute(src)
        bounds = [b for b in (_number_bound(f, v, "eq") for v in values) if _fits(expr, b)]
        return expr.in_(bounds) if bounds else false()
    if f.type in (FieldType.TEXT, FieldType.ENUM) and len(values) > 1:
        column, conv = _text_operand(f, src, folded=True)
        return column.in_([conv(v) for v in values])
    return or_(*[_leaf_on(f, Op.EQ, Condition(f.key, Op.EQ, [v]), src, ctx) for v in values])


# --- groups ------------------------------------------------------------------------------------


def _split_fields(group: Group) -> dict[str, list[Condition]]:
    """Vehicle fields with two or more value conditions among an "all of" group's children."""
    if group.kind != "all":
        return {}
    by_field: dict[str, list[Condition]] = {}
    for child in group.children:
        if isinstance(child, Condition) and Op(child.op) in VALUE_OPS:
            f = get_field(child.field)
            if f.entity is Entity.VEHICLE:
                by_field.setdefault(child.field, []).append(child)
    return {k: v for k, v in by_field.items() if len(v) > 1}


def _combine(kind: str, parts: list[ColumnElement]) -> ColumnElement:
    if kind == "all":
        return and_(*parts) if parts else true()
    if not parts:
        return true() if kind == "none" else false()
    if kind == "any":
        return or_(*parts)
    return not_(func.coalesce(or_(*parts), false()))


def _entity_exists(
    entity: Entity, conds: list[Condition], kind: str, src: Sources, ctx: _Ctx
) -> ColumnElement:
    connective = and_ if kind == "all" else or_
    if entity is Entity.INVOICE:
        inv = INVOICE.alias()
        inner_src = src.replace(invoice=inv)
        inner = connective(*[_leaf(c, inner_src, ctx) for c in conds])
        return exists().where(inv.c.customer_id == src.customer.c.id, inner).correlate_except(inv)
    if entity is Entity.SALE:
        sale = SALE.alias()
        inner_src = src.replace(sale=sale)
        inner = connective(*[_leaf(c, inner_src, ctx) for c in conds])
        return (
            exists()
            .where(
                sale.c.vehicle_id == src.vehicle.c.id,
                sale.c.customer_id == src.customer.c.id,
                inner,
            )
            .correlate_except(sale)
        )
    contact = CONTACT.alias()
    inner_src = src.replace(contact=contact)
    inner = connective(*[_leaf(c, inner_src, ctx) for c in conds])
    return (
        exists().where(contact.c.customer_id == src.customer.c.id, inner).correlate_except(contact)
    )


def _owned(v: Any, customer: Any, ctx: _Ctx) -> ColumnElement:
    cond = v.c.owner_id == customer.c.id
    if ctx.in_use_only:
        return and_(cond, v.c.status == literal(VehicleStatus.IN_USE.value, literal_execute=True))
    return cond


def _group(group: Group, src: Sources, ctx: _Ctx) -> ColumnElement:
    kind = group.kind
    split = _split_fields(group)
    split_ids = {id(c) for conds in split.values() for c in conds}
    parts: list[ColumnElement] = []
    by_entity: dict[Entity, list[Condition]] = {}
    for child in group.children:
        if isinstance(child, Group):
            if child.is_empty():
                continue
            parts.append(_group(child, src, ctx))
            continue
        if id(child) in split_ids:
            continue
        entity = get_field(child.field).entity
        if entity in _EXISTS_ENTITIES:
            by_entity.setdefault(entity, []).append(child)
        else:
            parts.append(_leaf(child, src, ctx))
    for entity, conds in by_entity.items():
        parts.append(_entity_exists(entity, conds, kind, src, ctx))
    if not split:
        return _combine(kind, parts)
    # "all of" with two values under one field: rows match one of the values, and the
    # customer owns a vehicle (matching the rest of the group) for each value.
    split_or = [or_(*[_leaf(c, src, ctx) for c in conds]) for conds in split.values()]
    # Each requirement is "the customer is among the owners of such a vehicle": a subquery
    # that does not depend on the outer row, so the database runs it once (a correlated
    # EXISTS per row was several times slower on 100,000 customers, see bench/README.md).
    # Built once for the whole group (not once per value, which grew as the square of the
    # number of values): the other vehicle's conditions, and per split field the OR of its values.
    v2, c2 = VEHICLE.alias(), CUSTOMER.alias()
    other = src.replace(customer=c2, vehicle=v2)
    rest = Group(
        "all",
        [c for c in group.children if not (isinstance(c, Condition) and id(c) in split_ids)],
    )
    common = [_group(rest, other, ctx)] if not rest.is_empty() else []
    field_or = {key: or_(*[_leaf(c, other, ctx) for c in cs]) for key, cs in split.items()}
    owners = select(v2.c.owner_id).select_from(v2.join(c2, _owned(v2, c2, ctx)))
    requirements = []
    for key, conds in split.items():
        # the OR of the *other* split fields; this field's own OR is implied by each value
        others = [clause for k, clause in field_or.items() if k != key]
        for cond in conds:
            inner = [*common, *others, _leaf(cond, other, ctx)]
            requirements.append(src.customer.c.id.in_(owners.where(*inner)))
    return and_(*parts, *split_or, *requirements)


# --- does a criteria tree need a vehicle? -------------------------------------------------------

_F, _T, _U = "F", "T", "?"


def _on_no_vehicle(node: Condition | Group) -> str:
    """Whether *node* holds for a customer with no vehicle: ``F`` never, ``T`` always, ``?``."""
    if isinstance(node, Condition):
        f = get_field(node.field)
        if f.entity is Entity.SALE:
            return _F
        if f.entity is not Entity.VEHICLE:
            return _U
        op = Op(node.op)
        if f.aggregate and f.type is FieldType.NUMBER and not f.money:
            return _U  # counts read 0 without a vehicle
        if op is Op.EMPTY or (op is Op.NE and node.keep_empty):
            return _T
        return _F
    results = [
        _on_no_vehicle(c) for c in node.children if not (isinstance(c, Group) and c.is_empty())
    ]
    if node.kind == "all":
        if _F in results:
            return _F
        return _T if all(r == _T for r in results) else _U
    anyr = _T if _T in results else (_F if all(r == _F for r in results) else _U)
    if node.kind == "any":
        return anyr
    return {_T: _F, _F: _T, _U: _U}[anyr]


def _uses_row_vehicle(node: Condition | Group) -> bool:
    if isinstance(node, Condition):
        return get_field(node.field).entity in _ROW_ENTITIES
    return any(_uses_row_vehicle(c) for c in node.children)


def _mentions_status(group: Group) -> bool:
    return any(c.field == "vehicle.status" for c in group.conditions())


# --- the select --------------------------------------------------------------------------------


def _output_expr(f: Field, src: Sources) -> ColumnElement:
    return f.compute(src)


def _sort_exprs(target: Target, src: Sources) -> list[ColumnElement]:
    result = []
    for key in target.sort:
        f = get_field(key.field)
        expr = (f.sort or f.fold or f.compute)(src)
        descending = key.descending
        if f.derived == "years_since":
            descending = not descending  # older date = older vehicle
        # Empty values first going up, last going down, on every database (SQLite's own
        # order; PostgreSQL would put them the other way round).
        result.append(expr.desc().nulls_last() if descending else expr.asc().nulls_first())
    return result


@dataclass
class _Compiled:
    query: Select
    fields: list[Field]
    removed_param: bool


def _expand_each(group: Group) -> Group:
    """Ticked values marked "each" become one line per value, as if typed: in an "all" group
    they join its lines (one vehicle per value, matching the group's other vehicle lines); in
    an "any" or "none" group they form an "all" group of their own."""
    children: list[Condition | Group] = []
    for child in group.children:
        if isinstance(child, Group):
            children.append(_expand_each(child))
        elif child.each and Op(child.op) is Op.IN:
            lines = [Condition(child.field, Op.EQ, [v]) for v in child.values]
            children.extend(lines if group.kind == "all" else [Group("all", list(lines))])
        else:
            children.append(child)
    return Group(group.kind, children)


def _prepared(target: Target, today: dt.date | None) -> tuple[Group, _Ctx]:
    criteria = _expand_each(target.criteria.validated())
    today = today or dt.date.today()
    return criteria, _Ctx(today=today, in_use_only=not _mentions_status(criteria))


def compile_target(
    target: Target,
    *,
    today: dt.date | None = None,
    columns: Sequence[str] | None = None,
    include_removed: bool = True,
    count: bool = False,
) -> Select:
    """The target as one Core select (bound parameters only). Mostly for tests and the bench."""
    return _compile(target, today, columns, include_removed, count).query


def _compile(
    target: Target,
    today: dt.date | None,
    columns: Sequence[str] | None,
    include_removed: bool,
    count: bool,
) -> _Compiled:
    criteria, ctx = _prepared(target, today)
    keys = list(target.columns if columns is None else columns)
    fields = [get_field(k) for k in keys]
    for f in fields:
        if not f.displayable:
            raise TargetError(
                _("{label} ({key}) can be used in criteria only, not as a column.").format(
                    label=f.label(), key=f.key
                )
            )
    c = CUSTOMER
    if target.grain == "customer":
        query, src, vid = _customer_grain(criteria, c, ctx)
    else:
        query, src, vid = _vehicle_grain(criteria, c, ctx)
    removed_param = False
    if not include_removed and target.removed:
        query = query.where(c.c.id.not_in(bindparam("removed_ids", expanding=True)))
        removed_param = True
    if count:
        query = query.with_only_columns(func.count(), maintain_column_froms=True)
        return _Compiled(query.order_by(None), fields, removed_param)
    outputs = [_output_expr(f, src).label(f"c{i}") for i, f in enumerate(fields)]
    query = query.with_only_columns(c.c.id.label("customer_id"), vid.label("vehicle_id"), *outputs)
    query = query.order_by(*_sort_exprs(target, src), c.c.id, vid)
    return _Compiled(query, fields, removed_param)


def _vehicle_grain(criteria: Group, c: Any, ctx: _Ctx) -> tuple[Select, Sources, ColumnElement]:
    v = VEHICLE
    src = Sources(c, v, ctx.today)
    on = _owned(v, c, ctx)
    need_vehicle = not criteria.is_empty() and _on_no_vehicle(criteria) == _F
    from_ = c.join(v, on) if need_vehicle else c.outerjoin(v, on)
    query = select(c.c.id).select_from(from_)
    if not criteria.is_empty():
        query = query.where(_group(criteria, src, ctx))
    return query, src, v.c.id


def _customer_grain(criteria: Group, c: Any, ctx: _Ctx) -> tuple[Select, Sources, ColumnElement]:
    # Conditions of a top "all of" that do not look at the row's vehicle filter customers
    # directly; the rest picks the customer's matching vehicles.
    if criteria.kind == "all":
        customer_part = [ch for ch in criteria.children if not _uses_row_vehicle(ch)]
        vehicle_part = Group("all", [ch for ch in criteria.children if _uses_row_vehicle(ch)])
        if _split_fields(criteria):
            customer_part, vehicle_part = [], criteria
    elif _uses_row_vehicle(criteria):
        customer_part, vehicle_part = [], criteria
    else:
        customer_part, vehicle_part = [criteria], Group("all", [])
    mv = VEHICLE.alias("mv")
    pick = select(func.max(mv.c.id)).where(_owned(mv, c, ctx)).correlate_except(mv)
    has_vehicle_part = not vehicle_part.is_empty()
    if has_vehicle_part:
        pick = pick.where(_group(vehicle_part, Sources(c, mv, ctx.today), ctx))
    rv = VEHICLE
    query = select(c.c.id).select_from(c.outerjoin(rv, rv.c.id == pick.scalar_subquery()))
    customer_src = Sources(c, NullVehicle(), ctx.today)
    for node in customer_part:
        if isinstance(node, Group) and node.is_empty():
            continue
        query = query.where(_group(Group("all", [node]), customer_src, ctx))
    if has_vehicle_part:
        matched = rv.c.id.is_not(None)
        if _on_no_vehicle(vehicle_part) != _F:
            av = VEHICLE.alias("av")
            none_owned = ~exists().where(_owned(av, c, ctx)).correlate_except(av)
            without = and_(none_owned, _group(vehicle_part, customer_src, ctx))
            matched = or_(matched, without)
        query = query.where(matched)
    return query, Sources(c, rv, ctx.today), rv.c.id


# --- running -----------------------------------------------------------------------------------


def _convert(f: Field, value: Any, today: dt.date) -> Any:
    if value is None:
        return None
    if f.money:
        return float(Decimal(int(value)) / 100)
    if f.type is FieldType.DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, str):  # defensive: raw SQLite text
            return dt.date.fromisoformat(value[:10])
        return value
    if f.derived == "years_since":
        return years_since(value, today)
    if f.derived == "months_until":
        return months_until(value, today)
    if f.type is FieldType.BOOLEAN:
        return bool(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


def years_since(day: dt.date, today: dt.date) -> int:
    """Whole years from *day* to *today* (the vehicle age): the largest n with day <= today - n years."""
    n = today.year - day.year
    while day > shift(today, -n, "years"):
        n -= 1
    while day <= shift(today, -(n + 1), "years"):
        n += 1
    return n


def months_until(day: dt.date, today: dt.date) -> int:
    """Whole months left until *day* (0 once it is less than a month away or past)."""
    if day < today:
        return 0
    n = (day.year - today.year) * 12 + day.month - today.month
    while n > 0 and shift(today, n, "months") > day:
        n -= 1
    while shift(today, n + 1, "months") <= day:
        n += 1
    return max(n, 0)


def _params(target: Target, compiled: _Compiled) -> dict[str, Any]:
    return {"removed_ids": sorted(target.removed)} if compiled.removed_param else {}


def resolve_removed(conn: Connection, target: Target) -> Target:
    """*target* with the customers of its removed references (``removed_refs``: a target file
    made at another site names them by site and DMS reference) turned into this database's
    customer numbers. References that match nobody here remove nobody."""
    if not target.removed_refs:
        return target
    refs = {ref for _site, ref in target.removed_refs}
    found: set[int] = set()
    site = Site.__table__
    for dms_ref, code, customer_id in conn.execute(
        select(CUSTOMER.c.dms_ref, site.c.code, CUSTOMER.c.id)
        .select_from(CUSTOMER.outerjoin(site, CUSTOMER.c.site_id == site.c.id))
        .where(CUSTOMER.c.dms_ref.in_(sorted(refs)))
    ):
        if (code or "", dms_ref) in target.removed_refs:
            found.add(customer_id)
    alias = CustomerAlias.__table__
    for dms_ref, code, customer_id in conn.execute(
        select(alias.c.dms_ref, site.c.code, alias.c.customer_id)
        .select_from(alias.outerjoin(site, alias.c.site_id == site.c.id))
        .where(alias.c.dms_ref.in_(sorted(refs)))
    ):
        if (code or "", dms_ref) in target.removed_refs:
            found.add(customer_id)
    return replace(target, removed=set(target.removed) | found, removed_refs=set())


def removed_references(conn: Connection, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Customer number → (site code, DMS reference), for writing a target file another site
    can read (see :func:`resolve_removed`)."""
    if not ids:
        return {}
    site = Site.__table__
    rows = conn.execute(
        select(CUSTOMER.c.id, site.c.code, CUSTOMER.c.dms_ref)
        .select_from(CUSTOMER.outerjoin(site, CUSTOMER.c.site_id == site.c.id))
        .where(CUSTOMER.c.id.in_(sorted(ids)))
    )
    return {cid: (code or "", ref) for cid, code, ref in rows}


def count_rows(
    conn: Connection, target: Target, *, today: dt.date | None = None, include_removed: bool = True
) -> int:
    """How many rows the target has (the grid's "N enregistrements", removed rows included)."""
    target = resolve_removed(conn, target)
    compiled = _compile(target, today, [], include_removed, True)
    return int(conn.execute(compiled.query, _params(target, compiled)).scalar_one())


def _rows(result: Any, compiled: _Compiled, target: Target, today: dt.date) -> Iterator[ResultRow]:
    fields = compiled.fields
    removed = target.removed
    plain = [
        not (f.money or f.derived or f.type in (FieldType.DATE, FieldType.BOOLEAN, FieldType.ENUM))
        for f in fields
    ]
    for row in result:
        values = tuple(
            row[i + 2] if plain[i] else _convert(f, row[i + 2], today) for i, f in enumerate(fields)
        )
        yield ResultRow(row[0], row[1], row[0] in removed, values)


def fetch_page(
    conn: Connection,
    target: Target,
    offset: int,
    limit: int,
    *,
    today: dt.date | None = None,
    columns: Sequence[str] | None = None,
) -> list[ResultRow]:
    """Rows ``offset`` to ``offset + limit`` in the target's sort order (removed rows included)."""
    target = resolve_removed(conn, target)
    today = today or dt.date.today()
    compiled = _compile(target, today, columns, True, False)
    query = compiled.query.offset(max(0, int(offset))).limit(max(0, int(limit)))
    return list(_rows(conn.execute(query, _params(target, compiled)), compiled, target, today))


def iter_rows(
    conn: Connection,
    target: Target,
    *,
    today: dt.date | None = None,
    columns: Sequence[str] | None = None,
    include_removed: bool = False,
    batch_size: int = 2000,
) -> Iterator[ResultRow]:
    """Every row in the target's sort order, streamed (removed customers left out by default)."""
    target = resolve_removed(conn, target)
    today = today or dt.date.today()
    compiled = _compile(target, today, columns, include_removed, False)
    # options for this statement only: Connection.execution_options() would set them on the
    # connection for good, and a later INSERT on it would get a server-side cursor (PostgreSQL)
    result = conn.execute(
        compiled.query,
        _params(target, compiled),
        execution_options={"stream_results": True, "yield_per": batch_size},
    )
    try:
        yield from _rows(result, compiled, target, today)
    finally:
        result.close()


def describe(target: Target, lang: str | None = None) -> str:
    """The criteria as one plain sentence (see :mod:`app.query.describe`)."""
    from app.query.describe import describe_criteria

    return describe_criteria(target.criteria, lang)
