"""What a reader would catch in the printed letters, found before anything is written.

* ``[bracketed text]`` the template's author left to fill in (``[Nom du garage]``, ``[dates]``);
* letters printing a due date (next service, CT: catalog fields marked ``due``) already past;
* letters printing a detail of the customer's site that is empty (no phone for this site);
* labels that would be cut even in 7 pt (the labels' own fit computation,
  :func:`~app.export.word.labels.labels_cut`).

:func:`~app.export.word.merge.precheck_merge` computes them for a window to show before the
merge; :func:`~app.export.word.merge.merge_target` adds them to its warnings (and refuses a
template with placeholders unless ``allow_placeholders``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.export.word.compute import Letter
from app.i18n import _, format_count, format_date, ngettext
from app.query.catalog import FIELDS, get_field

#: The catalog group of the customer's site's details (``Site - Téléphone``...).
SITE_GROUP = "site"


@dataclass
class Precheck:
    """What to tell the user before writing; empty when the letters look ready to print."""

    #: ``[text]`` left in the template, as written, each once.
    placeholders: list[str] = field(default_factory=list)
    #: Due-date field key → how many letters print it already past.
    overdue: dict[str, int] = field(default_factory=dict)
    #: Site field key → how many letters print it empty.
    empty_site: dict[str, int] = field(default_factory=dict)
    #: Recipients (name lines) whose label is cut even in 7 pt.
    cut_labels: list[str] = field(default_factory=list)
    #: The label sheet's layout key (for the cut-labels message).
    layout: str = ""
    #: The date the due dates are compared with.
    today: dt.date | None = None
    #: How many letters (or labels) the merge would write.
    count: int = 0

    def __bool__(self) -> bool:
        return bool(self.placeholders or self.overdue or self.empty_site or self.cut_labels)

    def warnings(self, lang: str | None = None) -> list[str]:
        """One sentence per problem, in the user's language."""
        lines = []
        if self.placeholders:
            lines.append(placeholder_warning(self.placeholders, lang))
        for key, n in self.overdue.items():
            lines.append(
                ngettext(
                    "{n} letter prints a «{field}» already past (before {today}).",
                    "{n} letters print a «{field}» already past (before {today}).",
                    n,
                    lang,
                ).format(
                    n=format_count(n, lang),
                    field=get_field(key).label(lang),
                    today=format_date(self.today, lang) if self.today else "",
                )
            )
        lines += empty_site_warnings(self.empty_site, lang)
        if self.cut_labels:
            lines.append(cut_labels_warning(self.cut_labels, self.layout, lang))
        return lines


def site_keys(keys: Iterable[str]) -> list[str]:
    """The site details (``Site - Téléphone``...) among the catalog field *keys*."""
    return [k for k in keys if k in FIELDS and FIELDS[k].group == SITE_GROUP]


def count_empty(rows: Iterable[Mapping[str, Any] | None], keys: Sequence[str]) -> dict[str, int]:
    """Key → how many of *rows* (field key → value; ``None``: no row) have it empty, for the
    *keys* empty at least once."""
    empty = dict.fromkeys(keys, 0)
    if not keys:
        return {}
    for row in rows:
        for key in keys:
            value = row.get(key) if row is not None else None
            if value is None or not str(value).strip():
                empty[key] += 1
    return {k: n for k, n in empty.items() if n}


def empty_site_warnings(
    empty_site: Mapping[str, int], lang: str | None = None, *, channel: str = "letter"
) -> list[str]:
    """One sentence per site detail printed empty (see :func:`count_empty`), for letters or
    e-mails (*channel* ``"email"``)."""
    lines = []
    for key, n in empty_site.items():
        if channel == "email":
            text = ngettext(
                "{n} e-mail shows an empty «{field}»: fill in the site's details "
                "(File › Sites… in Cible).",
                "{n} e-mails show an empty «{field}»: fill in the site's details "
                "(File › Sites… in Cible).",
                n,
                lang,
            )
        else:
            text = ngettext(
                "{n} letter prints an empty «{field}»: fill in the site's details "
                "(File › Sites… in Cible).",
                "{n} letters print an empty «{field}»: fill in the site's details "
                "(File › Sites… in Cible).",
                n,
                lang,
            )
        lines.append(text.format(n=format_count(n, lang), field=get_field(key).label(lang)))
    return lines


def placeholder_warning(placeholders: Sequence[str], lang: str | None = None) -> str:
    return ngettext(
        "The template still holds {n} text in brackets to fill in: {items}.",
        "The template still holds {n} texts in brackets to fill in: {items}.",
        len(placeholders),
        lang,
    ).format(n=format_count(len(placeholders), lang), items=", ".join(placeholders))


def cut_labels_warning(names: Sequence[str], layout: str, lang: str | None = None) -> str:
    return ngettext(
        "{n} label is too long for a {layout} label even in 7 pt and will be cut: {names}.",
        "{n} labels are too long for a {layout} label even in 7 pt and will be cut: {names}.",
        len(names),
        lang,
    ).format(n=format_count(len(names), lang), layout=layout, names=", ".join(names))


def placeholders_refused(file: str, placeholders: Sequence[str], lang: str | None = None) -> str:
    """The command line's refusal of a template with placeholders (see ``--allow-placeholders``)."""
    return _(
        "{file}: {warning} Replace the text in brackets in the template, or write the letters "
        "anyway with --allow-placeholders.",
        lang,
    ).format(file=file, warning=placeholder_warning(placeholders, lang))


def letter_checks(
    check: Precheck,
    letters: Iterable[Letter],
    keys: Iterable[str],
    columns: Sequence[str],
    today: dt.date,
) -> None:
    """Count into *check* the letters printing a past due date or an empty site detail, for
    the fields *keys* the template prints."""
    index = {key: i for i, key in enumerate(columns)}
    due = [k for k in keys if k in index and get_field(k).due]
    site = site_keys(k for k in keys if k in index)
    if not due and not site:
        return
    overdue = dict.fromkeys(due, 0)
    letters = list(letters)
    for letter in letters:
        values = letter.row.values if letter.row is not None else None
        for key in due:
            value = values[index[key]] if values is not None else None
            if isinstance(value, dt.datetime):
                value = value.date()
            if isinstance(value, dt.date) and value < today:
                overdue[key] += 1
    check.overdue = {k: n for k, n in overdue.items() if n}
    check.empty_site = count_empty(
        (
            {k: letter.row.values[index[k]] for k in site} if letter.row is not None else None
            for letter in letters
        ),
        site,
    )
    check.today = today
