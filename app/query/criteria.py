"""The criteria tree of a target: groups ("all of", "any of", "none of") and conditions.

A :class:`Condition` is one line of the tree: a field, an operator and its values. Values are
typed (``str``, ``int``/``float``, ``datetime.date``, ``bool``); :func:`parse_value` turns what a
user typed (``01/12/2005``, ``150,50``, ``Oui``) into them with a message saying what is wrong.
Relative dates (``more_than_ago``, ``within_last``, ``within_next``) keep their number and unit,
so a saved target stays true when it is reopened months later.
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from app.errors import TargetError
from app.i18n import N_, _, format_count, format_date_pattern, ngettext
from app.query.catalog import Entity, Field, FieldType, current_language, get_field


class Op(enum.StrEnum):
    EQ = "eq"  # = exact
    LIKE = "like"  # % wildcards, case- and accent-insensitive
    NE = "ne"  # different from (keep_empty says whether empty values are kept)
    GE = "ge"  # >=
    LE = "le"  # <=
    BETWEEN = "between"  # two bounds, both included
    EMPTY = "empty"
    NOT_EMPTY = "not_empty"
    IN = "in"  # one of the ticked values (checkbox criteria)
    MORE_THAN_AGO = "more_than_ago"  # date: more than N days/months/years ago
    WITHIN_LAST = "within_last"  # date: within the last N days/months/years (today included)
    WITHIN_NEXT = "within_next"  # date: within the next N days/months/years (today included)


RELATIVE_OPS = frozenset({Op.MORE_THAN_AGO, Op.WITHIN_LAST, Op.WITHIN_NEXT})
#: Operators that name values a vehicle must have: two of them on one field in an "all of" group
#: mean "owns a vehicle matching each" (seed 2.1.3, the CLIO-and-LAGUNA example).
VALUE_OPS = frozenset({Op.EQ, Op.LIKE, Op.IN})

UNITS = ("days", "months", "years")
Unit = Literal["days", "months", "years"]

#: Operators allowed per field type.
OPS_BY_TYPE: dict[FieldType, tuple[Op, ...]] = {
    FieldType.TEXT: (
        Op.EQ,
        Op.LIKE,
        Op.NE,
        Op.GE,
        Op.LE,
        Op.BETWEEN,
        Op.IN,
        Op.EMPTY,
        Op.NOT_EMPTY,
    ),
    FieldType.ENUM: (Op.IN, Op.EQ, Op.NE, Op.LIKE, Op.EMPTY, Op.NOT_EMPTY),
    FieldType.DATE: (
        Op.EQ,
        Op.NE,
        Op.GE,
        Op.LE,
        Op.BETWEEN,
        Op.EMPTY,
        Op.NOT_EMPTY,
        Op.MORE_THAN_AGO,
        Op.WITHIN_LAST,
        Op.WITHIN_NEXT,
    ),
    FieldType.NUMBER: (Op.EQ, Op.NE, Op.GE, Op.LE, Op.BETWEEN, Op.IN, Op.EMPTY, Op.NOT_EMPTY),
    FieldType.BOOLEAN: (Op.EQ, Op.IN),
}

OP_SYMBOLS: dict[Op, str] = {
    Op.EQ: "=",
    Op.LIKE: "%",
    Op.NE: "≠",
    Op.GE: "≥",
    Op.LE: "≤",
    Op.BETWEEN: "entre",
    Op.EMPTY: "vide",
    Op.NOT_EMPTY: "non vide",
    Op.IN: "parmi",
    Op.MORE_THAN_AGO: "il y a plus de",
    Op.WITHIN_LAST: "depuis moins de",
    Op.WITHIN_NEXT: "dans moins de",
}


def ops_for(f: Field) -> tuple[Op, ...]:
    ops = OPS_BY_TYPE[f.type]
    if f.type is FieldType.ENUM and f.fixed_values:
        ops = tuple(o for o in ops if o is not Op.LIKE)
    if f.type is FieldType.NUMBER and f.derived:
        ops = tuple(o for o in ops if o is not Op.IN)
    return ops


def _nvalues(op: Op) -> tuple[int, int | None]:
    """(minimum, maximum) number of values of an operator (``None``: no maximum)."""
    if op in (Op.EMPTY, Op.NOT_EMPTY):
        return 0, 0
    if op is Op.BETWEEN:
        return 2, 2
    if op in (Op.IN, Op.NE):
        return 1, None
    return 1, 1


# --- limits --------------------------------------------------------------------------------
# What a target may hold, checked when it is read (file, saved target, window), so that nothing
# reaches the database that it cannot run: docs/target-format.md, "Limits".

#: Groups inside groups.
MAX_DEPTH = 10
#: Conditions in a whole criteria tree.
MAX_CONDITIONS = 300
#: Values of one condition (ticked boxes, "different from" values).
MAX_VALUES = 500
#: Characters of one typed text value (names and addresses hold at most 200).
MAX_TEXT = 200
#: The largest number a condition compares (far above any mileage, amount or count).
MAX_NUMBER = 10**12
#: The longest relative date, per unit (200 years).
MAX_RELATIVE = {"days": 73_000, "months": 2_400, "years": 200}
#: Derived numbers (vehicle age in years, months left): (lowest, highest, unit).
DERIVED_BOUNDS = {"years_since": (0, 200, "years"), "months_until": (-2_400, 2_400, "months")}


def amount_text(amount: int, unit: str, lang: str | None = None) -> str:
    """``12 ans``, ``1 mois``, ``3 days``: a number of days, months or years."""
    forms = {
        "days": ngettext("{n} day", "{n} days", amount, lang),
        "months": ngettext("{n} month", "{n} months", amount, lang),
        "years": ngettext("{n} year", "{n} years", amount, lang),
    }
    return forms[unit].format(n=format_count(amount, lang))


def check_size(criteria: Group, lang: str | None = None) -> None:
    """Refuse a tree deeper or larger than :data:`MAX_DEPTH` / :data:`MAX_CONDITIONS`."""
    count = 0
    todo: list[tuple[Group, int]] = [(criteria, 1)]
    while todo:
        group, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise TargetError(
                _("The criteria hold groups more than {max} levels deep.", lang).format(
                    max=MAX_DEPTH
                )
            )
        for child in group.children:
            if isinstance(child, Group):
                todo.append((child, depth + 1))
            else:
                count += 1
    if count > MAX_CONDITIONS:
        raise TargetError(
            _("The criteria hold {count} conditions; Cible runs at most {max}.", lang).format(
                count=format_count(count, lang), max=format_count(MAX_CONDITIONS, lang)
            )
        )


# --- dates ---------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``; the day is clamped to the month's end (31/01 + 1 → 28/02)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def shift(day: dt.date, amount: int, unit: str) -> dt.date:
    """``day`` moved by ``amount`` days, months or years (negative: into the past)."""
    if unit == "days":
        return day + dt.timedelta(days=amount)
    if unit == "months":
        return add_months(day, amount)
    if unit == "years":
        return add_months(day, 12 * amount)
    raise TargetError(_("Unknown unit {unit!r}: use days, months or years.").format(unit=unit))


_DATE_FR = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$")
_DATE_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str, lang: str | None = None) -> dt.date:
    """``DD/MM/YYYY`` (or ``YYYY-MM-DD``) → date; :class:`TargetError` saying why it is refused."""
    lang = current_language(lang)
    raw = str(text).strip()

    def refuse(message: str, **values: Any) -> TargetError:
        return TargetError(_(message, lang).format(raw=raw, **values))

    match = _DATE_ISO.match(raw)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _DATE_FR.match(raw)
        if not match:
            raise refuse(
                N_("{raw!r} is not a date: type it as DD/MM/YYYY, for example 01/12/2005.")
            )
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            raise refuse(N_("{raw!r}: type the year with 4 digits (DD/MM/YYYY)."))
    if not 1 <= month <= 12:
        raise refuse(N_("{raw!r} is not a valid date: there is no month {month}."), month=month)
    if year < 1:
        raise refuse(N_("{raw!r} is not a valid date: there is no year 0."))
    if day < 1:
        raise refuse(N_("{raw!r} is not a valid date: there is no day 0."))
    last = calendar.monthrange(year, month)[1]
    if day > last:
        month_name = format_date_pattern(dt.date(year, month, 1), "MMMM", lang)
        raise refuse(
            N_("{raw!r} is not a valid date: {month} {year} has only {last} days."),
            month=month_name,
            year=year,
            last=last,
        )
    value = dt.date(year, month, day)
    return value


def format_date(day: dt.date | None, lang: str | None = None) -> str:
    """DD/MM/YYYY (both languages, as :mod:`app.i18n`); what :func:`parse_date` reads back."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = day.date()
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


# --- values -----------------------------------------------------------------------------------

_TRUE = {"true", "1", "oui", "yes", "o", "y", "vrai"}
_FALSE = {"false", "0", "non", "no", "n", "faux"}


def parse_value(f: Field, value: Any, lang: str | None = None, *, name: str | None = None) -> Any:
    """A value for field *f*, from what a user typed or a file holds; :class:`TargetError` if wrong.

    Messages start with the field's label (or *name*, e.g. the label and the key for files).
    """
    label = name or f.label(lang)
    if value is None:
        raise TargetError(_("{label}: a value is missing.").format(label=label))
    if f.type is FieldType.DATE:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            raise TargetError(
                _("{label}: {value!r} is not a date (expected DD/MM/YYYY).").format(
                    label=label, value=value
                )
            )
        try:
            return parse_date(value, lang)
        except TargetError as error:
            raise TargetError(
                _("{label}: {error}", lang).format(label=label, error=error)
            ) from None
    if f.type is FieldType.NUMBER:
        if isinstance(value, bool):
            raise TargetError(
                _("{label}: {value!r} is not a number.").format(label=label, value=value)
            )
        if isinstance(value, float) and math.isfinite(value):
            whole = value.is_integer() and not f.money and f.key != "sale.rate"
            value = int(value) if whole and abs(value) <= MAX_NUMBER else value
        elif isinstance(value, str):
            text = (
                value.strip()
                .replace("\u202f", "")
                .replace("\xa0", "")
                .replace(" ", "")
                .replace(",", ".")
            )
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise TargetError(
                    _("{label}: {value!r} is not a number.").format(label=label, value=value)
                ) from None
            if not number.is_finite() or abs(number) > 10 * MAX_NUMBER:
                if number.is_finite():
                    raise TargetError(
                        _("{label}: {value} is not possible (at most {max}).", lang).format(
                            label=label, value=value, max=format_count(MAX_NUMBER, lang)
                        )
                    )
                raise TargetError(
                    _("{label}: {value!r} is not a number.").format(label=label, value=value)
                )
            value = int(number) if number == number.to_integral_value() else float(number)
        if not isinstance(value, int | float):
            raise TargetError(
                _("{label}: {value!r} is not a number.", lang).format(label=label, value=value)
            )
        if isinstance(value, float) and not math.isfinite(value):
            raise TargetError(
                _("{label}: {value!r} is not a number.", lang).format(label=label, value=value)
            )
        if abs(value) > MAX_NUMBER:
            raise TargetError(
                _("{label}: {value} is not possible (at most {max}).", lang).format(
                    label=label, value=value, max=format_count(MAX_NUMBER, lang)
                )
            )
        return value
    if f.type is FieldType.BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE:
            return True
        if isinstance(value, str) and value.strip().lower() in _FALSE:
            return False
        raise TargetError(
            _("{label}: {value!r} is not yes or no (Oui / Non).").format(label=label, value=value)
        )
    # TEXT and ENUM
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TargetError(_("{label}: {value!r} is not text.").format(label=label, value=value))
    text = str(value)
    if len(text) > MAX_TEXT:
        raise TargetError(
            _(
                "{label}: the text is {count} characters long; Cible compares at most {max}.", lang
            ).format(label=label, count=format_count(len(text), lang), max=MAX_TEXT)
        )
    bad = next((c for c in text if "\ud800" <= c <= "\udfff" or c == "\x00"), None)
    if bad is not None:
        raise TargetError(
            _("{label}: the text holds a character that is not valid (U+{code:04X}).", lang).format(
                label=label, code=ord(bad)
            )
        )
    if f.fixed_values:
        allowed = [v.value for v in f.fixed_values]
        if text not in allowed:
            raise TargetError(
                _("{label}: {text!r} is not one of {values}.").format(
                    label=label, text=text, values=", ".join(map(str, allowed))
                )
            )
    return text


# --- operator signs typed before a value ------------------------------------------------------

#: Signs users of I'Marketing type before a value, longest first. ``%`` is not one: it is the
#: wildcard, and stays in the value.
_SIGNS: tuple[tuple[str, str], ...] = (
    ("<>", "ne"), ("!=", "ne"), (">=", "ge"), ("<=", "le"), ("=>", "ge"), ("=<", "le"),
    ("≠", "ne"), ("!", "ne"), ("≥", "ge"), ("≤", "le"), (">", "ge"), ("<", "le"), ("=", "eq"),
)  # fmt: skip


def read_sign(f: Field, text: str) -> tuple[Op | None, str]:
    """The operator a leading sign names, and the value without it: ``<01/12/2005`` gives
    (≤, ``01/12/2005``); ``(None, text)`` when *text* starts with no sign that *f* accepts.

    ``>`` and ``<`` are ≥ and ≤, as in I'Marketing, whose manual calls its ≤ sign "inférieure
    au 1er décembre 2005" (the only bounds it has, and the engine's): the line then shows ≤ and
    the sentence "au plus tard le 01/12/2005", so what applies is written out.
    """
    stripped = text.strip()
    for sign, name in _SIGNS:
        if stripped.startswith(sign):
            op = Op(name)
            if op not in ops_for(f):
                return None, text
            return op, stripped[len(sign) :].strip()
    return None, text


# --- the tree -----------------------------------------------------------------------------------

GroupKind = Literal["all", "any", "none"]
GROUP_KINDS = ("all", "any", "none")


@dataclass
class Condition:
    """``field op values``: one line of the criteria tree."""

    field: str
    op: Op | str
    values: list[Any] = field(default_factory=list)
    #: For "different from": also keep rows where the field is empty.
    keep_empty: bool = False
    #: For relative dates: days, months or years (the number is ``values[0]``).
    unit: str | None = None
    #: For ticked values (``in``) of a vehicle field: the customer must own a vehicle for *each*
    #: value, as two typed lines under one field mean (the default, ``False``, is *any* of them).
    each: bool = False

    def __post_init__(self) -> None:
        try:
            self.op = Op(self.op)
        except ValueError:
            raise TargetError(
                _("Unknown operator {op!r} for {field}: use one of {values}.").format(
                    op=self.op, field=self.field, values=", ".join(o.value for o in Op)
                )
            ) from None
        self.values = list(self.values)

    @property
    def field_def(self) -> Field:
        return get_field(self.field)

    def validated(self, lang: str | None = None) -> Condition:
        """A copy with typed values; :class:`TargetError` naming the field and the problem."""
        f = get_field(self.field)
        op = Op(self.op)
        label = f.label(lang)
        if op not in ops_for(f):
            raise TargetError(
                _("{label} ({key}): the operator {value!r} cannot be used on this field.").format(
                    label=label, key=f.key, value=op.value
                )
            )
        low, high = _nvalues(op)
        n = len(self.values)
        if n < low or (high is not None and n > high):
            if low == high:
                message = ngettext(
                    "{label} ({key}): {op!r} takes {low} value, not {n}.",
                    "{label} ({key}): {op!r} takes {low} values, not {n}.",
                    low,
                    lang,
                )
            else:
                message = ngettext(
                    "{label} ({key}): {op!r} takes at least {low} value, not {n}.",
                    "{label} ({key}): {op!r} takes at least {low} values, not {n}.",
                    low,
                    lang,
                )
            raise TargetError(message.format(label=label, key=f.key, op=op.value, low=low, n=n))
        unit = self.unit
        if op in RELATIVE_OPS:
            if unit not in UNITS:
                raise TargetError(
                    _("{label} ({key}): relative dates need a unit: days, months or years.").format(
                        label=label, key=f.key
                    )
                )
            amount = self.values[0]
            if isinstance(amount, str) and amount.strip().isdigit():
                amount = int(amount.strip())
            if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
                raise TargetError(
                    _("{label} ({key}): {amount!r} is not a whole number of {unit}.").format(
                        label=label, key=f.key, amount=amount, unit=unit
                    )
                )
            if amount > MAX_RELATIVE[unit]:
                raise TargetError(
                    _("{label}: {amount} is not possible (at most {max}).", lang).format(
                        label=label,
                        amount=amount_text(amount, unit, lang),
                        max=amount_text(MAX_RELATIVE[unit], unit, lang),
                    )
                )
            values: list[Any] = [amount]
        else:
            if unit is not None:
                raise TargetError(
                    _("{label} ({key}): a unit only goes with a relative date.").format(
                        label=label, key=f.key
                    )
                )
            if len(self.values) > MAX_VALUES:
                raise TargetError(
                    _(
                        "{label}: {count} values in one condition; Cible runs at most {max}.", lang
                    ).format(
                        label=label,
                        count=format_count(len(self.values), lang),
                        max=format_count(MAX_VALUES, lang),
                    )
                )
            values = [parse_value(f, v, lang, name=f"{label} ({f.key})") for v in self.values]
            if f.derived in DERIVED_BOUNDS:
                low_n, high_n, unit_n = DERIVED_BOUNDS[f.derived]
                for v in values:
                    if not low_n <= v <= high_n:
                        limit, word = (
                            (high_n, N_("at most")) if v > high_n else (low_n, N_("at least"))
                        )
                        raise TargetError(
                            _("{label}: {amount} is not possible ({bound} {max}).", lang).format(
                                label=f.label(lang),
                                amount=amount_text(int(v), unit_n, lang),
                                bound=_(word, lang),
                                max=format_count(limit, lang),
                            )
                        )
            if op is Op.BETWEEN and _comparable(values[0]) > _comparable(values[1]):
                values = [values[1], values[0]]
        each = bool(self.each) and op is Op.IN and f.entity is Entity.VEHICLE and len(values) > 1
        return Condition(
            self.field,
            op,
            values,
            keep_empty=bool(self.keep_empty) and op is Op.NE,
            unit=unit,
            each=each,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"field": self.field, "op": Op(self.op).value}
        if self.values:
            data["values"] = [_dump_value(v) for v in self.values]
        if Op(self.op) is Op.NE:
            data["keep_empty"] = bool(self.keep_empty)
        if self.each:
            data["each"] = True
        if self.unit:
            data["unit"] = self.unit
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Condition:
        if not isinstance(data, dict):
            raise TargetError(_("A condition must be an object, not {data!r}.").format(data=data))
        unknown = set(data) - {"field", "op", "values", "keep_empty", "unit", "each"}
        if unknown:
            raise TargetError(
                _("Unknown key(s) in a condition: {values}.").format(
                    values=", ".join(sorted(unknown))
                )
            )
        if "field" not in data or "op" not in data:
            raise TargetError(
                _("A condition needs a 'field' and an 'op': {data!r}.").format(data=data)
            )
        values = data.get("values", [])
        if not isinstance(values, list):
            raise TargetError(
                _("Condition on {field}: 'values' must be a list.").format(field=data["field"])
            )
        get_field(data["field"])
        if not isinstance(data.get("keep_empty", False), bool):
            raise TargetError(
                _(
                    "Condition on {field}: 'keep_empty' must be true or false, not {keep_empty!r}."
                ).format(field=data["field"], keep_empty=data["keep_empty"])
            )
        if not isinstance(data.get("each", False), bool):
            raise TargetError(
                _("Condition on {field}: 'each' must be true or false, not {each!r}.").format(
                    field=data["field"], each=data["each"]
                )
            )
        if data.get("unit") is not None and data["unit"] not in UNITS:
            raise TargetError(
                _(
                    "Condition on {field}: 'unit' must be days, months or years, not {unit!r}."
                ).format(field=data["field"], unit=data["unit"])
            )
        return cls(
            data["field"],
            data["op"],
            values,
            keep_empty=bool(data.get("keep_empty", False)),
            each=bool(data.get("each", False)),
            unit=data.get("unit"),
        ).validated()


def _comparable(value: Any) -> Any:
    return value


def _dump_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@dataclass
class Group:
    """ "all of" (AND), "any of" (OR) or "none of" the children (conditions or groups)."""

    kind: GroupKind | str = "all"
    children: list[Condition | Group] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in GROUP_KINDS:
            raise TargetError(
                _("Unknown group kind {kind!r}: use all, any or none.").format(kind=self.kind)
            )
        self.children = list(self.children)

    def validated(self, lang: str | None = None) -> Group:
        return Group(self.kind, [c.validated(lang) for c in self.children])

    def conditions(self) -> list[Condition]:
        """Every condition of the tree, depth first."""
        found: list[Condition] = []
        for child in self.children:
            if isinstance(child, Group):
                found.extend(child.conditions())
            else:
                found.append(child)
        return found

    def is_empty(self) -> bool:
        return not self.conditions()

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.kind, "children": [c.to_dict() for c in self.children]}

    @classmethod
    def from_dict(cls, data: Any, depth: int = 1) -> Group:
        if not isinstance(data, dict):
            raise TargetError(
                _("A criteria group must be an object, not {data!r}.").format(data=data)
            )
        if "group" not in data:
            raise TargetError(
                _("A criteria group needs a 'group' (all, any or none): {data!r}.").format(
                    data=data
                )
            )
        unknown = set(data) - {"group", "children"}
        if unknown:
            raise TargetError(
                _("Unknown key(s) in a criteria group: {values}.").format(
                    values=", ".join(sorted(unknown))
                )
            )
        children = data.get("children", [])
        if not isinstance(children, list):
            raise TargetError(_("A criteria group's 'children' must be a list."))
        if depth > MAX_DEPTH:
            raise TargetError(
                _("The criteria hold groups more than {max} levels deep.").format(max=MAX_DEPTH)
            )
        return cls(
            data["group"],
            [
                cls.from_dict(c, depth + 1)
                if isinstance(c, dict) and "group" in c
                else Condition.from_dict(c)
                for c in children
            ],
        )


def node_from_dict(data: Any) -> Condition | Group:
    if isinstance(data, dict) and "group" in data:
        return Group.from_dict(data)
    return Condition.from_dict(data)
