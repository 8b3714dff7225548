"""The user's language: messages (gettext) and how numbers, dates and money are written.

Pure Python, no Qt. Cible speaks French (``"fr"``) and English (``"en"``, the language of the
source). The window sets the language once at start-up (:func:`set_language`, done by
``app.ui.i18n.install_translators``); the commands set it from ``--lang`` or the system; the
exporters, the Word merge and the engine read it with :func:`language` or take ``lang=``.

**Messages.** Every message a user can see that the core layers (``app.query``, ``app.export``,
``app.models``, ``app.cli``) write is English in the source, wrapped for translation::

    from app.i18n import _, N_, ngettext

    raise TargetError(_("{label}: {value} is not a number.").format(label=..., value=...))
    print(ngettext("{n} letter written", "{n} letters written", n).format(n=format_count(n)))
    UNITS = {"days": N_("days")}   # marked at import time, translated where shown: _(UNITS[u])

Placeholders are named (``{label}``), never positional, so a translation can move them, and
the ``.format`` comes after ``_``. The French catalog is ``app/locale/fr/LC_MESSAGES/cible.po``
(compiled to ``cible.mo`` beside it), kept by ``python tools/messages.py``; a test fails when a
message of the core has no French. The window's own texts are Qt's (``self.tr``, ``.ts``
files, ``tools/i18n.py``).

**Formats** (Babel, with the locale of the language: ``fr`` is ``fr_FR``; ``fr_CH``, ``fr_CA``,
``en_GB`` may be set in full with :func:`set_language` or come from the system's locale):

============  =========================  =========================
what          French                     English
============  =========================  =========================
date          ``22/11/2026``             ``22/11/2026`` (day first too: Cible's users are in
                                         Europe, and a letter or list must read the same in both)
datetime      ``22/11/2026 14:05``       ``22/11/2026 14:05``
long date     ``22 novembre 2026``,      ``22 November 2026``
              ``1er mars 2026``
count         ``8 679`` (narrow no-break ``8,679``
              space, U+202F; ``8'679``
              in Switzerland)
money         ``1 234,50 €``             ``€1,234.50``
percent       ``12,5 %``                 ``12.5%``
file size     ``12,3 Mo``                ``12.3 MB``
============  =========================  =========================

Naive datetimes are shown as they are; aware ones are first converted to local time.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as _gettext
import locale
import os
import sys
from decimal import Decimal
from pathlib import Path

LANGUAGES = ("fr", "en")

#: Narrow no-break space: the French thousands separator.
NNBSP = "\u202f"
#: No-break space: between an amount and its currency symbol in French.
NBSP = "\u00a0"

#: The locale each language stands for when only the language is known.
DEFAULT_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
#: The locales whose formats Cible follows (others of a language fall back to its default).
LOCALES = ("fr_FR", "fr_CH", "fr_CA", "fr_BE", "en_GB", "en_CA", "en_US", "en_IE")

#: The compiled message catalogs: ``<lang>/LC_MESSAGES/cible.mo``.
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "cible"

_language = "en"
_locale = DEFAULT_LOCALES["en"]


def normalize_language(lang: str | None) -> str:
    """``"fr"``, ``"fr_FR.UTF-8"``, ``"French_France"`` → ``"fr"``; anything else → ``"en"``."""
    text = (lang or "").strip().lower()
    return "fr" if text.startswith("fr") else "en"


def normalize_locale(lang: str | None) -> str:
    """``"fr_CH.UTF-8"`` → ``"fr_CH"``, ``"fr-ca"`` → ``"fr_CA"``, ``"fr"`` → ``"fr_FR"``,
    ``"de_DE"`` → ``"en_GB"``: one of :data:`LOCALES`."""
    language = normalize_language(lang)
    text = (lang or "").strip().split(".")[0].split("@")[0].replace("-", "_")
    head, _sep, region = text.partition("_")
    candidate = f"{head.lower()}_{region.upper()}" if region else ""
    if candidate in LOCALES and candidate.startswith(language):
        return candidate
    return DEFAULT_LOCALES[language]


def set_language(lang: str) -> None:
    """Make *lang* the language of everything shown from now on.

    *lang* is ``"fr"`` or ``"en"``, or a locale of one of them (``"fr_CH"``, ``"fr_CA.UTF-8"``),
    which also chooses the number formats (``8'679`` in Switzerland).
    """
    head = (lang or "").strip().lower()[:2]
    if head not in LANGUAGES or (len(lang.strip()) > 2 and lang.strip()[2] not in "_-"):
        raise ValueError(f"unsupported language {lang!r} (expected one of {', '.join(LANGUAGES)})")
    global _language, _locale
    _language = head
    _locale = normalize_locale(lang)


def language() -> str:
    """The current language: ``"fr"`` or ``"en"``."""
    return _language


def locale_name(lang: str | None = None) -> str:
    """The locale formats follow: the current one, or *lang*'s (``"fr"`` → ``"fr_FR"``)."""
    if lang is None:
        return _locale
    if normalize_language(lang) == _language and len(lang) == 2:
        return _locale
    return normalize_locale(lang)


def _lang(lang: str | None) -> str:
    return _language if lang is None else normalize_language(lang)


def system_locale(environ: dict[str, str] | None = None) -> str:
    """The operating system's locale as one of :data:`LOCALES` (``"fr_CH"``, ``"en_GB"``…).

    Looks at the POSIX variables first (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``, in
    the order gettext uses), then at the Windows user interface language, then at Python's locale.
    """
    environ = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").split(":")[0].strip()
        if value and value not in ("C", "POSIX") and not value.startswith(("C.", "POSIX.")):
            return normalize_locale(value)
    if sys.platform == "win32":  # pragma: no cover - Windows only
        try:
            import ctypes

            lang_id = ctypes.windll.kernel32.GetUserDefaultUILanguage()
            return normalize_locale(locale.windows_locale.get(lang_id, ""))
        except (AttributeError, OSError):
            pass
    try:
        return normalize_locale(locale.getlocale()[0])
    except ValueError:
        return DEFAULT_LOCALES["en"]


def system_language(environ: dict[str, str] | None = None) -> str:
    """The operating system's language: ``"fr"`` for any French locale, ``"en"`` otherwise."""
    return normalize_language(system_locale(environ))


# -- messages (gettext) -----------------------------------------------------------------------


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The message catalog of *lang* (English, the source language, has none)."""
    if lang == "en":
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str, lang: str | None = None) -> str:
    """*message* (English) in the user's language, or in *lang*."""
    return translations(_lang(lang)).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """The form of a message for a count *n*: French takes the singular for 0 and 1."""
    return translations(_lang(lang)).ngettext(singular, plural, n)


def pgettext(context: str, message: str, lang: str | None = None) -> str:
    """*message* in the user's language where the same English word has several meanings."""
    return translations(_lang(lang)).pgettext(context, message)


def N_(message: str) -> str:
    """Mark *message* for translation without translating it (module constants): the code that
    shows it calls ``_(value)``."""
    return message


# -- formats (Babel) --------------------------------------------------------------------------


def singular(n: int, lang: str | None = None) -> bool:
    """Whether a count takes the singular: 1 in English; 0 and 1 in French ("0 enregistrement")."""
    return n == 1 or (n == 0 and _lang(lang) == "fr")


def _decimal_pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def format_number(value: float | int, decimals: int = 0, lang: str | None = None) -> str:
    """``1234.5`` → ``"1 234,5"`` (French, with ``decimals=1``) or ``"1,234.5"`` (English)."""
    from babel.numbers import format_decimal

    rounded = round(Decimal(str(value)) if isinstance(value, float) else Decimal(value), decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0,00"
    return format_decimal(rounded, _decimal_pattern(decimals), locale=locale_name(lang))


def format_count(n: int, lang: str | None = None) -> str:
    """A count of records: ``"8 679"`` in French (narrow no-break space), ``"8,679"`` in English."""
    return format_number(int(n), 0, lang)


def format_money(cents: int, lang: str | None = None, currency: str = "EUR") -> str:
    """Whole cents as an amount: ``123450`` → ``"1 234,50 €"`` / ``"€1,234.50"``."""
    from babel.numbers import format_currency

    amount = Decimal(int(cents)).scaleb(-2)
    return format_currency(amount, currency, locale=locale_name(lang))


def format_percent(ratio: float, decimals: int = 0, lang: str | None = None) -> str:
    """``0.125`` → ``"12,5 %"`` (French, ``decimals=1``) or ``"12.5%"`` (English)."""
    from babel import Locale
    from babel.numbers import format_percent as babel_percent

    loc = Locale.parse(locale_name(lang))
    pattern = loc.percent_formats[None].pattern.replace("#,##0", _decimal_pattern(decimals), 1)
    return babel_percent(Decimal(str(ratio)), pattern, locale=loc)


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


def format_date_pattern(d: dt.date, pattern: str, lang: str | None = None) -> str:
    """*d* with a CLDR/Word date picture (``"d MMMM yyyy"`` → ``"1 juin 2023"``, ``"EEEE"``)."""
    from babel.dates import format_date as babel_date

    return babel_date(d, pattern, locale=locale_name(lang))


def long_date(d: dt.date | None, lang: str | None = None) -> str:
    """The date as written in a letter: ``"22 novembre 2026"``, ``"1er mars 2026"``,
    ``"22 November 2026"``."""
    if d is None:
        return ""
    text = format_date_pattern(d, "d MMMM y", lang)
    if _lang(lang) == "fr" and d.day == 1:
        text = "1er" + text[1:]
    return text
