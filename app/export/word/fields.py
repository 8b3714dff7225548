"""The fields a template can name: the catalog's and the helpers, matched by name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import normalize_language
from app.models.textfold import fold
from app.query.catalog import FIELDS, get_field
from app.query.target import Target


@dataclass(frozen=True)
class MergeField:
    """A field a template can use: a catalog field or a helper."""

    key: str
    fr: str
    en: str
    helper: bool = False
    #: More names that find a helper.
    aliases: tuple[str, ...] = ()

    def label(self, lang: str | None = None) -> str:
        return self.fr if normalize_language(lang or "fr") == "fr" else self.en


HELPERS: tuple[MergeField, ...] = (
    MergeField(
        "letter.salutation",
        "Formule de politesse",
        "Salutation",
        True,
        ("Civilité et nom", "Civility and name", "Appellation"),
    ),
    MergeField(
        "letter.opening",
        "Formule d’appel",
        "Opening",
        True,
        ("Madame Monsieur", "Dear"),
    ),
    MergeField(
        "letter.recipient",
        "Destinataire",
        "Recipient",
        True,
        ("Nom complet", "Full name"),
    ),
    MergeField(
        "letter.address_block",
        "Bloc adresse",
        "Address block",
        True,
        ("Adresse complète", "Full address"),
    ),
    MergeField(
        "letter.date",
        "Date du jour",
        "Today's date",
        True,
        ("Date", "Date de la lettre", "Letter date", "Aujourd'hui", "Today"),
    ),
    MergeField(
        "letter.vehicle_age",
        "Âge du véhicule",
        "Vehicle age",
        True,
        ("Age du vehicule en lettres",),
    ),
)
HELPERS_BY_KEY = {h.key: h for h in HELPERS}

#: What a helper needs from the rows (fetched even when the target does not show it).
_HELPER_COLUMNS = {"letter.vehicle_age": ("vehicle.first_registration",)}


def _norm(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", (fold(name) or "").lower()).strip()


def _build_index() -> list[dict[str, list[str]]]:
    """Name tiers, most exact first: keys, unique key ends, labels, shared key ends."""
    keys: dict[str, list[str]] = {}
    ends: dict[str, list[str]] = {}
    labels: dict[str, list[str]] = {}
    for f in FIELDS.values():
        if not f.displayable:
            continue
        keys.setdefault(_norm(f.key), []).append(f.key)
        ends.setdefault(_norm(f.key.split(".", 1)[1]), []).append(f.key)
        for label in (f.fr, f.en, *f.aliases):
            bucket = labels.setdefault(_norm(label), [])
            if f.key not in bucket:
                bucket.append(f.key)
    for h in HELPERS:
        keys.setdefault(_norm(h.key), []).append(h.key)
        ends.setdefault(_norm(h.key.split(".", 1)[1]), []).append(h.key)
        for label in (h.fr, h.en, *h.aliases):
            labels.setdefault(_norm(label), []).insert(0, h.key)  # helpers win over fields
    unique_ends = {k: v for k, v in ends.items() if len(v) == 1}
    shared_ends = {k: v for k, v in ends.items() if len(v) > 1}
    return [keys, unique_ends, labels, shared_ends]


_INDEX = _build_index()


def resolve_field_name(name: str, preferred: Iterable[str] = ()) -> str | None:
    """The catalog or helper key a template's field name means, or ``None``.

    When a name fits several fields (``Date de livraison``), the target's columns
    (``preferred``) win, then the catalog's order.
    """
    norm = _norm(name)
    if not norm:
        return None
    wanted = list(preferred)
    best = None
    for tier in _INDEX:
        candidates = tier.get(norm, [])
        for key in wanted:
            if key in candidates:
                return key
        if best is None and candidates:
            best = candidates[0]
    return best


def available_merge_fields(target: Target) -> list[MergeField]:
    """The fields offered to a template: the target's displayed fields, then the helpers.

    (Any other field of the catalog is accepted too when a template names it.)
    """
    fields = [
        MergeField(f.key, f.fr, f.en)
        for f in (get_field(k) for k in target.columns)
        if f.displayable
    ]
    return fields + list(HELPERS)
