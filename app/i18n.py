"""The user's language and how numbers, dates and money are written in it. Pure Python, no Qt.

Cible speaks French (``"fr"``) and English (``"en"``). The window sets the language once at
start-up (:func:`set_language`, done by ``app.ui.i18n.install_translators``); exporters, the Word
merge and the commands read it with :func:`language` or pass ``lang=`` explicitly.

Formats (decided for the dealership back offices Cible is written for):

============  =========================  =========================
what          French                     English
============  =========================  =========================
date          ``22/11/2026``             ``22/11/2026`` (day first too: Cible's users are in
                                         Europe, and a letter or list must read the same in both)
datetime      ``22/11/2026 14:05``       ``22/11/2026 14:05``
long date     ``22 novembre 2026``,      ``22 November 2026``
              ``1er mars 2026``
count         ``8 679`` (narrow no-break ``8,679``
              space, U+202F)
money         ``1 234,50 €``             ``€1,234.50``
percent       ``12,5 %``                 ``12.5%``
file size     ``12,3 Mo``                ``12.3 MB``
============  =========================  =========================

Naive datetimes are shown as they are; aware ones are first converted to local time.
"""

from __future__ import annotations

import datetime as dt
import locale
import os
import sys

LANGUAGES = ("fr", "en")

#: Narrow no-break space: the French thousands separator (and before ``%``).
NNBSP = "\u202f"
#: No-break space: between an amount and its currency symbol in French.
NBSP = "\u00a0"

_MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip

_language = "en"


def normalize_language(lang: str | None) -> str:
    """``"fr"``, ``"fr_FR.UTF-8"``, ``"French_France"`` → ``"fr"``; anything else → ``"en"``."""
    text = (lang or "").strip().lower()
    return "fr" if text.startswith("fr") else "en"


def set_language(lang: str) -> None:
    """Make *lang* (``"fr"`` or ``"en"``) the language of everything shown from now on."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    global _language
    _language = lang


def language() -> str:
    """The current language: ``"fr"`` or ``"en"``."""
    return _language


def _lang(lang: str | None) -> str:
    return _language if lang is None else normalize_language(lang)


def system_language(environ: dict[str, str] | None = None) -> str:
    """The operating system's language: ``"fr"`` for any French locale, ``"en"`` otherwise.

    Looks at the POSIX variables first (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, in
    the order gettext uses), then at the Windows user interface language, then at Python's locale.
    """
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0].strip()
        if value and value not in ("C", "POSIX") and not value.startswith(("C.", "POSIX.")):
            return normalize_language(value)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            import ctypes

            lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()
            return normalize_language(locale.windows_locale.get(lang_id, ""))
        except (AttributeError, OSError):
            pass
    try:
        return normalize_language(locale.getlocale()[0])
    except ValueError:
        return "en"


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def format_number(value: float | int, decimals: int = 0, lang: str | None = None) -> str:
    """``1234.5`` → ``"1 234,5"`` (French, with ``decimals=1``) or ``"1,234.5"`` (English)."""
    lang = _lang(lang)
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    group, point = (NNBSP, ",") if lang == "fr" else (",", ".")
    out = _group(whole, group) + (point + frac if frac else "")
    negative = value < 0 and any(c not in "0.," for c in text)
    return ("-" if negative else "") + out


def format_count(n: int, lang: str | None = None) -> str:
    """A count of records: ``"8 679"`` in French (narrow no-break space), ``"8,679"`` in English."""
    return format_number(int(n), 0, lang)


def singular(n: int, lang: str | None = None) -> bool:
    """Whether a count takes the singular: 1 in English; 0 and 1 in French ("0 enregistrement")."""
    return n == 1 or (n == 0 and _lang(lang) == "fr")


def format_money(cents: int, lang: str | None = None, symbol: str = "€") -> str:
    """Whole cents as an amount: ``123450`` → ``"1 234,50 €"`` / ``"€1,234.50"``."""
    lang = _lang(lang)
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(int(cents)), 100)
    amount = format_number(units, 0, lang) + ("," if lang == "fr" else ".") + f"{rest:02d}"
    if lang == "fr":
        return f"{sign}{amount}{NBSP}{symbol}"
    return f"{sign}{symbol}{amount}"


def format_percent(ratio: float, decimals: int = 0, lang: str | None = None) -> str:
    """``0.125`` → ``"12,5 %"`` (French, ``decimals=1``) or ``"12.5%"`` (English)."""
    lang = _lang(lang)
    number = format_number(ratio * 100, decimals, lang)
    return f"{number}{NNBSP}%" if lang == "fr" else f"{number}%"


def format_size(n_bytes: int, lang: str | None = None) -> str:
    """A file size: ``"12,3 Mo"`` in French, ``"12.3 MB"`` in English (powers of 1024)."""
    lang = _lang(lang)
    units = ("o", "Ko", "Mo", "Go", "To") if lang == "fr" else ("bytes", "KB", "MB", "GB", "TB")
    value = float(n_bytes)
    unit = 0
    while value >= 1024 and unit < len(units) - 1:
        value /= 1024
        unit += 1
    decimals = 0 if unit == 0 or value >= 100 else 1
    return f"{format_number(value, decimals, lang)}{NBSP}{units[unit]}"


def format_date(d: dt.date | None, lang: str | None = None) -> str:
    """``DD/MM/YYYY`` in both languages; ``""`` for no date."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_datetime(d: dt.datetime | None, lang: str | None = None) -> str:
    """``DD/MM/YYYY HH:MM`` (24-hour clock); aware datetimes are shown in local time."""
    if d is None:
        return ""
    if d.tzinfo is not None:
        d = d.astimezone()
    return f"{format_date(d, lang)} {d.hour:02d}:{d.minute:02d}"


def long_date(d: dt.date | None, lang: str | None = None) -> str:
    """The date as written in a letter: ``"22 novembre 2026"``, ``"1er mars 2026"``,
    ``"22 November 2026"``."""
    if d is None:
        return ""
    lang = _lang(lang)
    day = "1er" if lang == "fr" and d.day == 1 else str(d.day)
    return f"{day} {_MONTHS[lang][d.month - 1]} {d.year}"
