"""The criteria of a target as one plain sentence, in the users' words.

Véhicule : Date MEC <= 01/12/2005 et Client : CNIL - Refus contact par courrier = Non
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.query.catalog import Entity, Field, FieldType, current_language, get_field
from app.query.criteria import RELATIVE_OPS, VALUE_OPS, Condition, Group, Op, format_date

#: Relative dates: (n == 0, n == 1, n > 1) per operator, language and unit.
_RELATIVE: dict[str, dict[str, dict[str, tuple[str, str, str]]]] = {
    "fr": {
        "more_than_ago": {
            "days": ("avant aujourd'hui", "il y a plus de 1 jour", "il y a plus de {n} jours"),
            "months": ("avant aujourd'hui", "il y a plus de 1 mois", "il y a plus de {n} mois"),
            "years": ("avant aujourd'hui", "il y a plus de 1 an", "il y a plus de {n} ans"),
        },
        "within_last": {
            "days": ("aujourd'hui", "depuis hier", "au cours des {n} derniers jours"),
            "months": ("aujourd'hui", "au cours du dernier mois", "au cours des {n} derniers mois"),
            "years": (
                "aujourd'hui",
                "au cours de la dernière année",
                "au cours des {n} dernières années",
            ),
        },
        "within_next": {
            "days": ("aujourd'hui", "d'ici demain", "au cours des {n} prochains jours"),
            "months": (
                "aujourd'hui",
                "au cours du prochain mois",
                "au cours des {n} prochains mois",
            ),
            "years": (
                "aujourd'hui",
                "au cours de la prochaine année",
                "au cours des {n} prochaines années",
            ),
        },
    },
    "en": {
        "more_than_ago": {
            "days": ("before today", "more than 1 day ago", "more than {n} days ago"),
            "months": ("before today", "more than 1 month ago", "more than {n} months ago"),
            "years": ("before today", "more than 1 year ago", "more than {n} years ago"),
        },
        "within_last": {
            "days": ("today", "since yesterday", "within the last {n} days"),
            "months": ("today", "within the last month", "within the last {n} months"),
            "years": ("today", "within the last year", "within the last {n} years"),
        },
        "within_next": {
            "days": ("today", "by tomorrow", "within the next {n} days"),
            "months": ("today", "within the next month", "within the next {n} months"),
            "years": ("today", "within the next year", "within the next {n} years"),
        },
    },
}
_WORDS = {
    "fr": {
        "and": " et ",
        "or": " ou ",
        "all": "tous ces critères",
        "any": "au moins un de ces critères",
        "none": "aucun de ces critères",
        "empty": "est vide",
        "not_empty": "n'est pas vide",
        "between": "entre {0} et {1}",
        "in": "parmi ({0})",
        "ne_keep": "(vides inclus)",
        "ne_drop": "(vides exclus)",
        "has_one": "{entity} : au moins un(e) avec {what}",
        "everyone": "Tous les clients et leurs véhicules en circulation",
        "split": "(le client possède un véhicule pour chacune de ces valeurs de {0})",
        "bounds": "(ces bornes de {0} portent sur un même véhicule)",
        "same": "(ces conditions sur {0} portent sur un même véhicule)",
        "sep": " ; ",
    },
    "en": {
        "and": " and ",
        "or": " or ",
        "all": "all of",
        "any": "any of",
        "none": "none of",
        "empty": "is empty",
        "not_empty": "is not empty",
        "between": "between {0} and {1}",
        "in": "in ({0})",
        "ne_keep": "(empty values included)",
        "ne_drop": "(empty values excluded)",
        "has_one": "{entity}: at least one with {what}",
        "everyone": "All customers and their vehicles in use",
        "split": "(the customer owns a vehicle for each of these {0} values)",
        "bounds": "(these {0} bounds apply to one and the same vehicle)",
        "same": "(these {0} conditions apply to one and the same vehicle)",
        "sep": "; ",
    },
}


def relative_text(op: Op | str, amount: int, unit: str, lang: str | None = None) -> str:
    """A relative date in words: "il y a plus de 12 ans", "within the next month"."""
    zero, one, many = _RELATIVE[current_language(lang)][Op(op).value][unit]
    if amount == 0:
        return zero
    if amount == 1:
        return one
    return many.format(n=amount)


def _value(f: Field, value: Any, lang: str) -> str:
    if f.type is FieldType.DATE and isinstance(value, dt.date):
        return format_date(value, lang)
    if f.type in (FieldType.ENUM, FieldType.BOOLEAN):
        return f.value_label(value, lang)
    if f.money:
        return f.format_value(value, lang)
    if f.type is FieldType.NUMBER and isinstance(value, float) and lang == "fr":
        return str(value).replace(".", ",")
    return str(value)


def _condition_text(cond: Condition, lang: str, with_entity: bool = True) -> str:
    w = _WORDS[lang]
    f = get_field(cond.field)
    op = Op(cond.op)
    values = [] if op in RELATIVE_OPS else [_value(f, v, lang) for v in cond.values]
    if op in RELATIVE_OPS:
        text = relative_text(op, int(cond.values[0]), str(cond.unit), lang)
    elif op is Op.EMPTY:
        text = w["empty"]
    elif op is Op.NOT_EMPTY:
        text = w["not_empty"]
    elif op is Op.BETWEEN:
        text = w["between"].format(*values)
    elif op is Op.IN:
        text = w["in"].format(", ".join(values))
    elif op is Op.NE:
        text = "≠ " + ", ".join(values) + " " + (w["ne_keep"] if cond.keep_empty else w["ne_drop"])
    elif op is Op.LIKE:
        text = "% " + values[0]
    else:
        text = {Op.EQ: "=", Op.GE: ">=", Op.LE: "<="}[op] + " " + values[0]
    sep = " : " if lang == "fr" else ": "
    body = f"{f.label(lang)} {text}"
    return f"{f.entity_label(lang)}{sep}{body}" if with_entity else body


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
    w = _WORDS[lang]
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
            text += " " + w[notes[id(c)]].format(f.label(lang))
        parts.append(text)
    joiner = w["and"] if group.kind == "all" else w["or"]
    rendered = []
    for p in parts:
        if p.startswith("\0"):
            entity = Entity(p[1:])
            conds = entities[entity]
            what = joiner.join(_condition_text(c, lang, with_entity=False) for c in conds)
            label = get_field(conds[0].field).entity_label(lang)
            rendered.append(w["has_one"].format(entity=label, what=what))
        else:
            rendered.append(p)
    if group.kind == "none":
        return f"{w['none']} ({w['sep'].join(rendered)})"
    text = joiner.join(rendered)
    if top or len(rendered) == 1:
        return text
    return f"({text})"


def describe_criteria(criteria: Group, lang: str | None = None) -> str:
    """The criteria tree as one sentence, saying which "and" rule applies where it matters."""
    lang = current_language(lang)
    text = _group_text(criteria, lang, True)
    return text or _WORDS[lang]["everyone"]
