"""The criteria of a target as one plain sentence, in the users' words.

Véhicule : Date MEC <= 01/12/2005 et Client : CNIL - Refus contact par courrier = Non
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from app.query.catalog import Entity, Field, FieldType, current_language, get_field
from app.query.criteria import Condition, Group, Op, format_date

_UNITS = {
    "fr": {"days": "jours", "months": "mois", "years": "ans"},
    "en": {"days": "days", "months": "months", "years": "years"},
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
        "more_than_ago": "il y a plus de {0} {1}",
        "within_last": "dans les {0} derniers {1}",
        "within_next": "dans les {0} prochains {1}",
        "has": "au moins une",
        "has_one": "{entity} : au moins un(e) avec {what}",
        "everyone": "Tous les clients et leurs véhicules en circulation",
        "split": "(le client possède un véhicule pour chacune de ces valeurs de {0})",
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
        "more_than_ago": "more than {0} {1} ago",
        "within_last": "within the last {0} {1}",
        "within_next": "within the next {0} {1}",
        "has_one": "{entity}: at least one with {what}",
        "everyone": "All customers and their vehicles in use",
        "split": "(the customer owns a vehicle for each of these {0} values)",
        "sep": "; ",
    },
}


def _value(f: Field, value: Any, lang: str) -> str:
    if f.type is FieldType.DATE and isinstance(value, dt.date):
        return format_date(value, lang)
    if f.type in (FieldType.ENUM, FieldType.BOOLEAN):
        return f.value_label(value, lang)
    if f.type is FieldType.NUMBER and isinstance(value, float) and lang == "fr":
        return str(value).replace(".", ",")
    return str(value)


def _condition_text(cond: Condition, lang: str, with_entity: bool = True) -> str:
    w = _WORDS[lang]
    f = get_field(cond.field)
    op = Op(cond.op)
    values = (
        []
        if op in (Op.MORE_THAN_AGO, Op.WITHIN_LAST, Op.WITHIN_NEXT)
        else [_value(f, v, lang) for v in cond.values]
    )
    if op in (Op.MORE_THAN_AGO, Op.WITHIN_LAST, Op.WITHIN_NEXT):
        text = w[op.value].format(cond.values[0], _UNITS[lang][str(cond.unit)])
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


def _group_text(group: Group, lang: str, top: bool) -> str:
    w = _WORDS[lang]
    children = [c for c in group.children if not (isinstance(c, Group) and c.is_empty())]
    if not children:
        return ""
    split: dict[str, list[Condition]] = {}
    if group.kind == "all":
        for c in children:
            if isinstance(c, Condition) and Op(c.op) in (Op.EQ, Op.LIKE, Op.IN):
                if get_field(c.field).entity is Entity.VEHICLE:
                    split.setdefault(c.field, []).append(c)
        split = {k: v for k, v in split.items() if len(v) > 1}
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
        if c.field in split and c is split[c.field][-1]:
            text += " " + w["split"].format(f.label(lang))
        parts.append(text)
    joiner = w["and"] if group.kind == "all" else w["or"]
    rendered = []
    for p in parts:
        if p.startswith("\0"):
            entity = Entity(p[1:])
            conds = entities[entity]
            inner_join = w["and"] if group.kind == "all" else w["or"]
            what = inner_join.join(_condition_text(c, lang, with_entity=False) for c in conds)
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
