"""SMS templates: merge fields, rendering, the opt-out mention, starter templates.

A merge field is written between braces: ``{civilité}``, ``{nom}``, ``{modèle}``... Each name maps
onto a field of the catalog (:mod:`app.query.catalog`), so its value is read by the same engine
as the target's columns and formatted like them (dates DD/MM/YYYY). Any catalog key works too
(``{vehicle.brand}``). Names are matched without regard to case or accents (``{Modele}``).

Two fields have no column in the data: ``{date rdv}`` and ``{heure rdv}`` (the appointment of an
appointment confirmation). Their values are typed when sending and are the same for everyone.

``{{`` and ``}}`` write a literal brace; a brace on its own is refused (a ``{nom`` left half
typed would otherwise go out as it is). ``{nom}`` falls back to the company name for a company
without a contact name. Every merge field of a message is *required* except
:data:`OPTIONAL_FIELDS` (``{civilité}``, ``{prénom}``: a company has none and the sentence reads
well without them): a recipient whose required field is empty is left out of the send (a step
of the funnel) unless the user chooses to send those messages too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import CibleError
from app.i18n import _
from app.models.sms import SmsKind, SmsTemplate
from app.models.textfold import fold
from app.query.catalog import FIELDS

#: ``{{`` and ``}}`` (literal braces), a merge field, or a brace on its own (refused).
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]{1,60})\}|[{}]")


class TemplateError(CibleError):
    """A template cannot be rendered (unknown merge field, missing value, empty text)."""


#: Merge field → catalog key, in the order the editor offers them.
MERGE_FIELDS: dict[str, str] = {
    "civilité": "customer.civility",
    "nom": "customer.last_name",
    "prénom": "customer.first_name",
    "raison sociale": "customer.company",
    "ville": "customer.city",
    "site": "customer.site",
    "marque": "vehicle.brand",
    "modèle": "vehicle.model",
    "immatriculation": "vehicle.plate",
    "date ct": "vehicle.inspection_due_date",
    "date révision": "vehicle.next_service_date",
    "fin de garantie": "vehicle.warranty_end",
    "kilométrage": "vehicle.mileage",
}
#: Merge fields typed when sending (the same value for every recipient).
ASKED_FIELDS: tuple[str, ...] = ("date rdv", "heure rdv")
#: Merge fields that may be empty: the message reads well without them ("Bonjour {civilité}
#: {nom}" for a company). Every other merge field of a message is required.
OPTIONAL_FIELDS: frozenset[str] = frozenset({"civilité", "prénom"})
#: Their catalog keys (the e-mail's optional fields too).
OPTIONAL_KEYS: frozenset[str] = frozenset(MERGE_FIELDS[n] for n in OPTIONAL_FIELDS)

_BY_FOLD: dict[str, str] = {fold(name) or "": name for name in (*MERGE_FIELDS, *ASKED_FIELDS)}


def canonical(name: str) -> str:
    """The merge field *name* refers to (``"Modele"`` → ``"modèle"``; a catalog key stays)."""
    text = " ".join(name.split())
    if text in FIELDS:
        if not FIELDS[text].displayable:
            raise TemplateError(
                _("{field} can be used in criteria only, not in a message.").format(
                    field="{" + text + "}"
                )
            )
        return text
    found = _BY_FOLD.get(fold(text) or "")
    if found is None:
        raise TemplateError(
            _(
                "Unknown merge field {field}. Use one of: {fields}, or a field key such as "
                "{example}."
            ).format(
                field="{" + name + "}",
                fields=", ".join("{" + n + "}" for n in (*MERGE_FIELDS, *ASKED_FIELDS)),
                example="{vehicle.brand}",
            )
        )
    return found


def placeholders(body: str) -> list[str]:
    """The merge fields of *body* (canonical names, each once, in order)."""
    seen: dict[str, None] = {}
    for _literal, name in compile_body(body):
        if name is not None:
            seen[name] = None
    return list(seen)


def required_fields(body: str) -> list[str]:
    """The merge fields of *body* that must not be empty (all but :data:`OPTIONAL_FIELDS`)."""
    return [n for n in placeholders(body) if n not in OPTIONAL_FIELDS]


def escape(text: str) -> str:
    """*text* as a template that writes it as it is (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def catalog_key(name: str) -> str | None:
    """The catalog key behind merge field *name* (``None`` for a value typed when sending)."""
    if name in FIELDS:
        return name
    return MERGE_FIELDS.get(name)


def columns_for(body: str) -> list[str]:
    """The catalog keys to read for *body*."""
    keys = [catalog_key(n) for n in placeholders(body)]
    return [k for k in keys if k is not None]


def asked_fields(body: str) -> list[str]:
    return [n for n in placeholders(body) if catalog_key(n) is None]


@lru_cache(maxsize=64)
def compile_body(body: str) -> tuple[tuple[str, str | None], ...]:
    """*body* as (literal text, canonical merge field or ``None``) pieces, parsed once.

    ``{{`` and ``}}`` become literal braces; a brace on its own raises :class:`TemplateError`.
    """
    pieces: list[tuple[str, str | None]] = []
    literal: list[str] = []
    position = 0
    for match in _TOKEN.finditer(body):
        literal.append(body[position : match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
        elif match.group(1) is not None:
            pieces.append(("".join(literal), canonical(match.group(1))))
            literal = []
        else:
            line = body.count("\n", 0, match.start()) + 1
            raise TemplateError(
                _(
                    "A {brace} on its own (line {line}): write a merge field as {example}, and "
                    "{double} for a brace in the text."
                ).format(
                    brace=token,
                    line=line,
                    example="{nom}",
                    double="{{" if token == "{" else "}}",
                )
            )
    literal.append(body[position:])
    pieces.append(("".join(literal), None))
    return tuple(pieces)


def substitute(body: str, values: dict[str, str]) -> str:
    """*body* with each merge field replaced by ``values[canonical name]`` ("" if missing) and
    ``{{``/``}}`` by braces; nothing else changes (values are never read as templates)."""
    return "".join(
        literal + ((values.get(name) or "") if name is not None else "")
        for literal, name in compile_body(body)
    )


_SPACES = re.compile(r"[ \t]{2,}")


def render(body: str, values: dict[str, str]) -> str:
    """*body* with each merge field replaced by ``values[canonical name]`` ("" if missing).

    Spaces doubled by an empty value are reduced to one; lines are trimmed.
    """
    text = substitute(body, values)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    if "\n" in text:
        return "\n".join(line.strip() for line in text.split("\n")).strip()
    return text.strip()


def empty_required(body: str, values: dict[str, str]) -> list[str]:
    """The required merge fields of *body* whose value in *values* is empty."""
    return [n for n in required_fields(body) if not str(values.get(n) or "").strip()]


def has_mention(text: str, mention: str) -> bool:
    """True if *text* already carries the opt-out *mention* (case and accents ignored)."""
    folded = " ".join((fold(text) or "").split())
    return " ".join((fold(mention) or "").split()) in folded


def with_optout(text: str, kind: SmsKind | str, mention: str) -> str:
    """The text as sent: marketing messages get the opt-out *mention* on a new line if missing."""
    if SmsKind(kind) is not SmsKind.MARKETING:
        return text
    mention = mention.strip()
    if not mention:
        raise TemplateError(
            _(
                "Marketing SMS must offer a free way to object: set the opt-out mention "
                '(for example "{example}") in the SMS settings.'
            ).format(example="STOP au 36111")
        )
    if has_mention(text, mention):
        return text
    return f"{text}\n{mention}" if text else mention


def check_body(body: str) -> None:
    """Raise :class:`TemplateError` if *body* is empty or names an unknown merge field."""
    if not body.strip():
        raise TemplateError(_("The message is empty."))
    placeholders(body)


# -- starter templates (seed 003, section 2.8) --------------------------------------------------


@dataclass(frozen=True)
class Starter:
    """A template shipped with Cible. Its text is GSM-7 (no ô, ê, ç, ’: one of them would make
    every message UCS-2, 70 characters instead of 160) and fits :attr:`segments` with typical
    values and, for marketing, the opt-out mention (tests/export/sms/test_sms_starters.py)."""

    name: str
    kind: SmsKind
    body: str
    segments: int


STARTER_TEMPLATES: tuple[Starter, ...] = (
    Starter(
        "AUTRES TRAVAUX",
        SmsKind.SERVICE,
        "Bonjour {civilité} {nom}. Suite à des travaux imprévus sur votre {modèle}, merci de "
        "nous contacter. {site}",
        1,
    ),
    Starter(
        "CONFIRMATION RDV",
        SmsKind.SERVICE,
        "Bonjour {civilité} {nom}, nous vous confirmons le rendez-vous pour votre {modèle} le "
        "{date rdv} à {heure rdv}. {site}",
        1,
    ),
    Starter(
        "CONTROLE TECHNIQUE",
        SmsKind.MARKETING,
        "Bonjour {civilité} {nom}. Le CT (visite technique) de votre {modèle} est à faire avant "
        "le {date ct}. Nous vous proposons un diagnostic gratuit. {site}",
        2,
    ),
    Starter(
        "SORTIE NOUVEAU MODELE VN",
        SmsKind.MARKETING,
        "Bonjour {civilité} {nom}, votre garage {site} vous invite à ses portes ouvertes à "
        "l'occasion de la sortie du nouveau modèle.",
        2,
    ),
    Starter(
        "VEHICULE TERMINE",
        SmsKind.SERVICE,
        "{civilité} {nom}, les travaux sur votre {modèle} sont terminés. Vous pouvez venir le "
        "récupérer dès maintenant. {site}",
        1,
    ),
)

#: The starters' texts before they were GSM-7 ("A bientôt", "contrôle"): a saved template still
#: holding one of them unchanged is brought up to date (:func:`ensure_starter_templates`).
OLD_STARTER_BODIES: dict[str, str] = {
    "Bonjour {civilité} {nom}, nous vous confirmons le rendez-vous pour votre {modèle} le "
    "{date rdv} à {heure rdv}. A bientôt. {site}": "CONFIRMATION RDV",
    "Bonjour {civilité} {nom}. Le contrôle technique de votre {modèle} arrive à échéance le "
    "{date ct}. Nous vous proposons un pré-contrôle gratuit. {site}": "CONTROLE TECHNIQUE",
    "{civilité} {nom}, les travaux sur votre {modèle} sont terminés. Vous pouvez venir le "
    "récupérer dès maintenant. A bientôt. {site}": "VEHICULE TERMINE",
}


def ensure_starter_templates(session: Session) -> int:
    """Add the starter templates when there is no template at all, and bring saved starters
    that nobody edited up to their GSM-7 text; return how many were added or updated."""
    templates = session.scalars(select(SmsTemplate)).all()
    if not templates:
        for starter in STARTER_TEMPLATES:
            session.add(SmsTemplate(name=starter.name, kind=starter.kind, body=starter.body))
        session.flush()
        return len(STARTER_TEMPLATES)
    by_name = {starter.name: starter for starter in STARTER_TEMPLATES}
    updated = 0
    for template in templates:
        name = OLD_STARTER_BODIES.get(template.body)
        if name is not None and name in by_name:
            template.body = by_name[name].body
            updated += 1
    if updated:
        session.flush()
    return updated


@dataclass(frozen=True)
class TemplateInfo:
    id: int
    name: str
    kind: SmsKind
    body: str


def list_templates(session: Session) -> list[TemplateInfo]:
    ensure_starter_templates(session)
    rows = session.scalars(select(SmsTemplate).order_by(SmsTemplate.name))
    return [TemplateInfo(t.id, t.name, SmsKind(t.kind), t.body) for t in rows]


def find_template(session: Session, name: str) -> TemplateInfo:
    """The template named *name* (the starter templates count while none is saved); reads only."""
    saved = session.scalars(select(SmsTemplate).order_by(SmsTemplate.name)).all()
    if saved:
        known = [TemplateInfo(t.id, t.name, SmsKind(t.kind), t.body) for t in saved]
    else:
        known = [TemplateInfo(0, t.name, t.kind, t.body) for t in STARTER_TEMPLATES]
    for info in known:
        if info.name == name:
            return info
    for info in known:  # then without regard to case and accents
        if fold(info.name) == fold(name.strip()):
            return info
    raise TemplateError(
        _("No SMS template named {name!r}. Templates: {names}.").format(
            name=name, names=", ".join(t.name for t in known)
        )
    )


def save_template(
    session: Session, name: str, kind: SmsKind | str, body: str, template_id: int | None = None
) -> SmsTemplate:
    """Create or update a template (by id, else by name); names are unique."""
    name = " ".join(name.split())
    if not name:
        raise TemplateError(_("A template needs a name."))
    if len(name) > 80:
        raise TemplateError(_("A template name has at most {n} characters.").format(n=80))
    check_body(body)
    other = session.scalars(select(SmsTemplate).where(SmsTemplate.name == name)).first()
    template = session.get(SmsTemplate, template_id) if template_id is not None else other
    if other is not None and template is not None and other.id != template.id:
        raise TemplateError(_("There is already a template named {name!r}.").format(name=name))
    if template is None:
        template = SmsTemplate(name=name, kind=SmsKind(kind), body=body)
        session.add(template)
    else:
        template.name, template.kind, template.body = name, SmsKind(kind), body
    session.flush()
    return template


def delete_template(session: Session, template_id: int) -> None:
    template = session.get(SmsTemplate, template_id)
    if template is not None:
        session.delete(template)
        session.flush()
