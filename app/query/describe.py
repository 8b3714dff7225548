"""The criteria of a target as one plain sentence, in the users' words.

Véhicule : Date MEC au plus tard le 01/12/2005 et Client : CNIL - Refus contact par courrier = Non
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.i18n import N_, _, format_count
from app.query.catalog import Entity, Field, FieldType, current_language, get_field
from app.query.criteria import RELATIVE_OPS, VALUE_OPS, Condition, Group, Op, format_date

#: Relative dates: (n == 0, n == 1, n > 1) per operator and unit (English; French in the catalog).
_RELATIVE: dict[str, dict[str, tuple[str, str, str]]] = {
    "more_than_ago": {
        "days": (N_("before today"), N_("more than 1 day ago"), N_("more than {n} days ago")),
        "months": (N_("before today"), N_("more than 1 month ago"), N_("more than {n} months ago")),
        "years": (N_("before today"), N_("more than 1 year ago"), N_("more than {n} years ago")),
    },
    "within_last": {
        "days": (N_("today"), N_("since yesterday"), N_("within the last {n} days")),
        "months": (N_("today"), N_("within the last month"), N_("within the last {n} months")),
        "years": (N_("today"), N_("within the last year"), N_("within the last {n} years")),
    },
    "within_next": {
        "days": (N_("today"), N_("by tomorrow"), N_("within the next {n} days")),
        "months": (N_("today"), N_("within the next month"), N_("within the next {n} months")),
        "years": (N_("today"), N_("within the next year"), N_("within the next {n} years")),
    },
}
#: The words of the sentence (English; French in the catalog).
_WORDS = {
    "and": N_(" and "),
    "or": N_(" or "),
    "all": N_("all of"),
    "any": N_("any of"),
    "none": N_("none of"),
    "empty": N_("is empty"),
    "not_empty": N_("is not empty"),
    "between": N_("between {low} and {high}"),
    "in": N_("in ({values})"),
    "ne_keep": N_("(empty values included)"),
    "ne_drop": N_("(empty values excluded)"),
    "has_one": N_("{entity}: at least one with {what}"),
    "everyone": N_("All customers and their vehicles in use"),
    "split": N_("(the customer owns a vehicle for each of these {field} values)"),
    "bounds": N_("(these {field} bounds apply to one and the same vehicle)"),
    "same": N_("(these {field} conditions apply to one and the same vehicle)"),
    "sep": N_("; "),
    "ne": N_("different from {values}"),
    "eq_date": N_("on {value}"),
    "ge_date": N_("on or after {value}"),
    "le_date": N_("on or before {value}"),
    "ge_number": N_("at least {value}"),
    "le_number": N_("at most {value}"),
    "ge_text": N_("from {value} on"),
    "le_text": N_("up to {value}"),
    "contains": N_("contains {value}"),
    "starts": N_("starts with {value}"),
    "ends": N_("ends with {value}"),
    "matches": N_("matches {value}"),
    "label": N_("{entity}: {text}"),
}


def _w(key: str, lang: str) -> str:
    return _(_WORDS[key], lang)


def relative_text(op: Op | str, amount: int, unit: str, lang: str | None = None) -> str:
    """A relative date in words: "il y a plus de 12 ans", "within the next month"."""
    lang = current_language(lang)
    zero, one, many = _RELATIVE[Op(op).value][unit]
    if amount == 0:
        return _(zero, lang)
    if amount == 1:
        return _(one, lang)
    return _(many, lang).format(n=format_count(amount, lang))


def like_text(pattern: str, lang: str | None = None) -> str:
    """A % pattern in words: ``%CLIO%`` → "contains CLIO", ``DUP%`` → "starts with DUP"."""
    lang = current_language(lang)
    inner = pattern.strip("%")
    if inner and "%" not in inner:
        if pattern.startswith("%") and pattern.endswith("%"):
            return _w("contains", lang).format(value=inner)
        if pattern.endswith("%"):
            return _w("starts", lang).format(value=inner)
        if pattern.startswith("%"):
            return _w("ends", lang).format(value=inner)
    return _w("matches", lang).format(value=pattern)


def _value(f: Field, value: Any, lang: str) -> str:
    if f.type is FieldType.DATE and isinstance(value, dt.date):
        return format_date(value, lang)
    if f.type in (FieldType.ENUM, FieldType.BOOLEAN):
        return f.value_label(value, lang)
    if f.money:
        return f.format_value(value, lang)
    if f.type is FieldType.NUMBER and isinstance(value, int) and abs(value) >= 10_000:
        return format_count(value, lang)  # 150 000 km; years (2015) stay as they are
    if f.type is FieldType.NUMBER and isinstance(value, float) and lang == "fr":
        return str(value).replace(".", ",")
    return str(value)


def _condition_text(cond: Condition, lang: str, with_entity: bool = True) -> str:
    f = get_field(cond.field)
    op = Op(cond.op)
    values = [] if op in RELATIVE_OPS else [_value(f, v, lang) for v in cond.values]
    if op in RELATIVE_OPS:
        text = relative_text(op, int(cond.values[0]), str(cond.unit), lang)
    elif op is Op.EMPTY:
        text = _w("empty", lang)
    elif op is Op.NOT_EMPTY:
        text = _w("not_empty", lang)
    elif op is Op.BETWEEN:
        text = _w("between", lang).format(low=values[0], high=values[1])
    elif op is Op.IN:
        text = _w("in", lang).format(values=", ".join(values))
        if cond.each:
            text += " " + _w("split", lang).format(field=f.label(lang))
    elif op is Op.NE:
        empty = _w("ne_keep", lang) if cond.keep_empty else _w("ne_drop", lang)
        text = _w("ne", lang).format(values=", ".join(values)) + " " + empty
    elif op is Op.LIKE:
        text = like_text(values[0], lang)
    elif op is Op.EQ:
        text = _w("eq_date", lang).format(value=values[0]) if f.type is FieldType.DATE else "= " + values[0]
    else:
        kind = {FieldType.DATE: "date", FieldType.NUMBER: "number"}.get(f.type, "text")
        text = _w(f"{'ge' if op is Op.GE else 'le'}_{kind}", lang).format(value=values[0])
    body = f"{f.label(lang)} {text}"
    return _w("label", lang).format(entity=f.entity_label(lang), text=body) if with_entity else body


def _notes(group: Group) -> dict[int, str]:
    """Which "and" rule applies, keyed by the id of the condition the note follows.

    Mirrors the engine (:func:`app.query.engine._split_fields`): in an "all of" group, two value
    conditions (=, %, in) on one vehicle field mean one vehicle per value; other conditions on
    one vehicle field (>= and <=...) bound the same vehicle.
    """
    if group.kind != "all":
        return {}
    by_field: dict[str, list[Condition]] = {}
    for c in group.children:
        if isinstance(c, Condition) and get_field(c.field).entity is Entity.VEHICLE:
            by_field.setdefault(c.field, []).append(c)
    notes: dict[int, str] = {}
    for conds in by_field.values():
        values = [c for c in conds if Op(c.op) in VALUE_OPS]
        others = [c for c in conds if Op(c.op) not in VALUE_OPS]
        if len(values) > 1:
            notes[id(values[-1])] = "split"
        if len(others) > 1:
            bounds = all(Op(c.op) in (Op.GE, Op.LE, Op.BETWEEN) for c in others)
            notes[id(others[-1])] = "bounds" if bounds else "same"
    return notes


def _group_text(group: Group, lang: str, top: bool) -> str:
    children = [c for c in group.children if not (isinstance(c, Group) and c.is_empty())]
    if not children:
        return ""
    notes = _notes(group)
    parts: list[str] = []
    entities: dict[Entity, list[Condition]] = {}
    for c in children:
        if isinstance(c, Group):
            inner = _group_text(c, lang, False)
            parts.append(inner)
            continue
        f = get_field(c.field)
        if f.entity in (Entity.INVOICE, Entity.CONTACT, Entity.SALE):
            if f.entity not in entities:
                entities[f.entity] = []
                parts.append(f"\0{f.entity.value}")
            entities[f.entity].append(c)
            continue
        text = _condition_text(c, lang)
        if id(c) in notes:
            text += " " + _w(notes[id(c)], lang).format(field=f.label(lang))
        parts.append(text)
    joiner = _w("and", lang) if group.kind == "all" else _w("or", lang)
    rendered = []
    for p in parts:
        if p.startswith("\0"):
            entity = Entity(p[1:])
            conds = entities[entity]
            what = joiner.join(_condition_text(c, lang, with_entity=False) for c in conds)
            label = get_field(conds[0].field).entity_label(lang)
            rendered.append(_w("has_one", lang).format(entity=label, what=what))
        else:
            rendered.append(p)
    if group.kind == "none":
        return f"{_w('none', lang)} ({_w('sep', lang).join(rendered)})"
    text = joiner.join(rendered)
    if top or len(rendered) == 1:
        return text
    return f"({text})"


def describe_criteria(criteria: Group, lang: str | None = None) -> str:
    """The criteria tree as one sentence, saying which "and" rule applies where it matters."""
    lang = current_language(lang)
    text = _group_text(criteria, lang, True)
    return text or _w("everyone", lang)
