"""One cell of an extract into a typed value, or the reason it cannot be one.

Every function takes the cell as read (text from a CSV, or what calamine gives for a
spreadsheet cell: ``str``, ``int``, ``float``, ``bool``, ``date``, ``datetime``) and returns
``(value, reason)``: the normalised value (``None`` when empty or unusable) and a
:class:`Reason` or ``None``. The functions are pure and memoised (``functools.lru_cache``):
postal codes, cities, dates and phone numbers repeat, and each distinct value is parsed once.

Reasons hold an English message id and its parameters and are translated when shown, so a
cached result never freezes a language.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from app.export.sms import phones
from app.i18n import N_, _
from app.models.textfold import fold

CACHE = 1 << 16

#: Day 0 of Excel serial dates (1900 system; the 1900 leap-year bug makes it 30 Dec 1899).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers read as dates: 1 Jan 1920 to 31 Dec 2099.
EXCEL_SERIALS = (7306, 73050)
#: Dates outside these years are refused as mistakes.
YEARS = (1900, 2100)


@dataclass(frozen=True)
class Reason:
    """Why a value was refused or changed: a message id (English) and its parameters."""

    msgid: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def message(self) -> str:
        return _(self.msgid).format(**dict(self.params))


def _reason(msgid: str, **params: Any) -> Reason:
    return Reason(msgid, tuple(sorted(params.items())))


def as_text(value: Any) -> str:
    """A cell as text: ``1000.0`` → ``"1000"``, ``None`` → ``""``, surrounding spaces removed."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


# -- dates -------------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T]+\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?)?$"
)


def _year(text: str, today_year: int) -> int:
    year = int(text)
    if len(text) <= 2:  # 31/12/24: this century unless that is more than a year ahead
        year += 2000 if year <= today_year % 100 + 1 else 1900
    return year


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@functools.lru_cache(maxsize=CACHE)
def parse_date(value: Any, order: str = "dmy") -> tuple[dt.date | None, Reason | None]:
    """``31/12/2024``, ``31.12.2024``, ``31-12-24``, ``2024-12-31``, ``20241231``, an Excel
    serial (``45657``) or a spreadsheet date → ``date(2024, 12, 31)``.

    *order* is ``"dmy"`` (Europe) or ``"mdy"`` (US) for dates written with the year last.
    A day/month date that only makes sense month first is refused as a US date.
    """
    if isinstance(value, dt.datetime):
        return _checked(value.date(), value)
    if isinstance(value, dt.date):
        return _checked(value, value)
    if isinstance(value, bool):
        return None, _reason(N_("“{value}” is not a date."), value=value)
    if isinstance(value, int | float):
        return _serial(value)
    text = as_text(value)
    if not text:
        return None, None
    match = _DATE.match(text)
    today_year = dt.date.today().year
    if match:
        a, b, c = match.groups()
        if len(a) == 4:  # ISO: year first
            return _checked(_make(int(a), int(b), int(c)), text)
        first, second, year = int(a), int(b), _year(c, today_year)
        day, month = (first, second) if order == "dmy" else (second, first)
        found = _make(year, month, day)
        if found is None and order == "dmy" and second > 12 and first <= 12:
            if _make(year, first, second) is not None:
                return None, _reason(
                    N_(
                        "“{value}” is not a day/month/year date: it looks like a US date "
                        "(month first)."
                    ),
                    value=text,
                )
        return _checked(found, text)
    if text.isdigit():
        if len(text) == 8 and text[:2] in ("19", "20"):
            return _checked(_make(int(text[:4]), int(text[4:6]), int(text[6:])), text)
        return _serial(int(text))
    try:
        return _serial(float(text.replace(",", ".")))
    except ValueError:
        return None, _reason(N_("“{value}” is not a date."), value=text)


def _serial(number: float) -> tuple[dt.date | None, Reason | None]:
    low, high = EXCEL_SERIALS
    if not low <= number < high:
        return None, _reason(N_("“{value}” is not a date."), value=as_text(number))
    return EXCEL_EPOCH + dt.timedelta(days=int(number)), None


def _checked(found: dt.date | None, value: Any) -> tuple[dt.date | None, Reason | None]:
    if found is None:
        return None, _reason(N_("“{value}” is not a date that exists."), value=as_text(value))
    if not YEARS[0] <= found.year < YEARS[1]:
        return None, _reason(
            N_("“{value}”: the year {year} is not plausible."),
            value=as_text(value),
            year=found.year,
        )
    return found, None


def date_order(values: list[Any]) -> str | None:
    """``"dmy"`` or ``"mdy"`` when the sample shows which (a first number above 12 means day
    first, a second one above 12 means month first); ``None`` when it cannot tell."""
    day_first = month_first = 0
    for value in values:
        match = _DATE.match(as_text(value)) if isinstance(value, str) else None
        if not match or len(match.group(1)) == 4:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        day_first += first > 12 and second <= 12
        month_first += second > 12 and first <= 12
    if month_first > day_first:
        return "mdy"
    if day_first:
        return "dmy"
    return None


# -- numbers -----------------------------------------------------------------------------------

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'’")
_CURRENCY = re.compile(r"(?i)(€|eur|euros?|chf|fr\.|\$|cad|km|%)$")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = as_text(value)
    if _PLAIN_NUMBER.fullmatch(text):  # the usual cell, 1234,50 or -12.5: nothing to clean
        return Decimal(text.replace(",", "."))
    text = _CURRENCY.sub("", text.translate(_SPACES)).strip()
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("-"):
        negative, text = True, text[:-1]
    if "," in text and "." in text:  # the last one is the decimal mark
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above rules it out
        return None
    return -number if negative else number


@functools.lru_cache(maxsize=CACHE)
def parse_money(value: Any) -> tuple[int | None, Reason | None]:
    """``"1 234,50"``, ``"1.234,50 €"``, ``"1234.5"``, ``-12,5`` → whole cents (``123450``)."""
    if as_text(value) == "":
        return None, None
    number = _decimal(value)
    if number is None:
        return None, _reason(N_("“{value}” is not an amount."), value=as_text(value))
    return int((number * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)), None


@functools.lru_cache(maxsize=CACHE)
def parse_integer(value: Any) -> tuple[int | None, Reason | None]:
    """``"123 456"``, ``"123 456 km"``, ``123456.0`` → ``123456``."""
    if as_text(value) == "":
        return None, None
    number = _decimal(value)
    if number is None or number != number.to_integral_value():
        return None, _reason(N_("“{value}” is not a whole number."), value=as_text(value))
    return int(number), None


@functools.lru_cache(maxsize=CACHE)
def parse_number(value: Any) -> tuple[float | None, Reason | None]:
    """``"14,9"``, ``"14,9 %"`` → ``14.9``."""
    if as_text(value) == "":
        return None, None
    number = _decimal(value)
    if number is None:
        return None, _reason(N_("“{value}” is not a number."), value=as_text(value))
    return float(number), None


_TRUE = {"O", "OUI", "Y", "YES", "1", "X", "VRAI", "TRUE", "T", "-1", "J", "JA"}
_FALSE = {"N", "NON", "NO", "0", "FAUX", "FALSE", "F", "NEIN"}


@functools.lru_cache(maxsize=256)
def parse_boolean(value: Any) -> tuple[bool | None, Reason | None]:
    """``O``/``N``, ``Oui``/``Non``, ``Y``/``N``, ``1``/``0``, ``X``/empty → True/False."""
    if isinstance(value, bool):
        return value, None
    text = (fold(as_text(value)) or "").strip()
    if text == "":
        return None, None
    if text in _TRUE:
        return True, None
    if text in _FALSE:
        return False, None
    return None, _reason(N_("“{value}” is neither yes nor no."), value=as_text(value))


# -- countries and postal codes ----------------------------------------------------------------


@functools.cache
def _country_names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for lang in ("en", "fr"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names[_fold_word(name)] = code
    names.update({"F": "FR", "FRA": "FR", "B": "BE", "BEL": "BE", "CHE": "CH", "SUI": "CH",
                  "L": "LU", "LUX": "LU", "D": "DE", "DEU": "DE", "E": "ES", "ESP": "ES",
                  "I": "IT", "ITA": "IT", "EST": "EE", "CAN": "CA", "UK": "GB", "GBR": "GB",
                  "MON": "MC", "MCO": "MC", "NLD": "NL", "PRT": "PT", "USA": "US"})  # fmt: skip
    return names


def _fold_word(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", " ", fold(text) or "").strip()


@functools.lru_cache(maxsize=1024)
def parse_country(value: Any) -> tuple[str | None, Reason | None]:
    """``"FR"``, ``"France"``, ``"F"``, ``"Suisse"`` → ISO 3166 alpha-2 (``"CH"``)."""
    text = _fold_word(as_text(value))
    if not text:
        return None, None
    if len(text) == 2 and text.isalpha() and text in _country_names().values():
        return text, None
    code = _country_names().get(text)
    if code is None:
        return None, _reason(N_("“{value}” is not a country."), value=as_text(value))
    return code, None


_FR_DEPARTMENTS = {f"{n:02d}" for n in range(1, 96)} | {"97", "98"}
_POSTAL_PATTERNS: dict[str, re.Pattern[str]] = {
    "BE": re.compile(r"[1-9]\d{3}"),
    "CH": re.compile(r"[1-9]\d{3}"),
    "LU": re.compile(r"\d{4}"),
    "AT": re.compile(r"[1-9]\d{3}"),
    "DK": re.compile(r"\d{4}"),
    "NO": re.compile(r"\d{4}"),
    "DE": re.compile(r"\d{5}"),
    "ES": re.compile(r"(0[1-9]|[1-4]\d|5[0-2])\d{3}"),
    "IT": re.compile(r"\d{5}"),
    "EE": re.compile(r"\d{5}"),
    "FI": re.compile(r"\d{5}"),
    "US": re.compile(r"\d{5}(-\d{4})?"),
    "PT": re.compile(r"\d{4}-\d{3}"),
    "NL": re.compile(r"[1-9]\d{3} ?[A-Z]{2}"),
    "CA": re.compile(r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d"),
    "GB": re.compile(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}"),
}
#: Countries whose codes are 5 digits, some starting with 0 that a spreadsheet drops.
_FIVE_DIGITS = {"FR", "MC", "DE", "ES", "IT", "EE", "FI", "US"}


@functools.lru_cache(maxsize=CACHE)
def parse_postal_code(value: Any, country: str = "FR") -> tuple[str | None, Reason | None]:
    """A postal code as the country writes it: ``1000`` (FR, read by Excel as a number) →
    ``"01000"``; ``"h2x1y4"`` (CA) → ``"H2X 1Y4"``; ``"L-1234"`` (LU) → ``"1234"``."""
    text = as_text(value).upper()
    if not text:
        return None, None
    country = (country or "FR").upper()
    compact = re.sub(r"[\s.]", "", text)
    if country == "LU":
        compact = compact.removeprefix("L-").removeprefix("L")
    if country in _FIVE_DIGITS and compact.isdigit() and len(compact) == 4:
        compact = "0" + compact
    if country in ("FR", "MC"):
        if len(compact) == 5 and compact.isdigit() and compact[:2] in _FR_DEPARTMENTS:
            return compact, None
    elif country in ("CA", "GB"):
        spaced = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
        if _POSTAL_PATTERNS[country].fullmatch(spaced):
            return spaced, None
    elif country in _POSTAL_PATTERNS:
        if _POSTAL_PATTERNS[country].fullmatch(compact):
            return compact, None
    else:
        return text, None  # a country whose codes Cible does not check
    return None, _reason(
        N_("“{value}” is not a postal code of {country}."), value=text, country=country
    )


# -- phones, e-mail, VIN, plates, civility ------------------------------------------------------


@functools.lru_cache(maxsize=CACHE)
def parse_phone(value: Any, region: str = "FR") -> tuple[phones.Phone | None, Reason | None]:
    """Any way of writing a number → :class:`app.export.sms.phones.Phone` (E.164 in
    ``.e164``), with *region* (the customer's country) for numbers written without theirs.
    Idempotent: an E.164 number parses to itself."""
    text = as_text(value)
    if not text:
        return None, None
    if text.startswith("00"):
        text = "+" + text[2:]
    phone = phones.normalise(text, region or "FR")
    if phone.kind is phones.PhoneKind.INVALID and text.isdigit() and not text.startswith("0"):
        phone = phones.normalise("0" + text, region or "FR")  # a leading 0 Excel dropped
    if phone.kind is phones.PhoneKind.INVALID:
        return None, _reason(N_("“{value}” is not a phone number."), value=as_text(value))
    return phone, None


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


@functools.lru_cache(maxsize=CACHE)
def parse_email(value: Any) -> tuple[str | None, Reason | None]:
    """``" Jean.Dupont@Example.FR "`` → ``"Jean.Dupont@example.fr"`` (the domain in lower
    case); refused without one ``@``, with spaces, two dots in a row or no dotted domain."""
    text = as_text(value).removeprefix("mailto:")
    if not text:
        return None, None
    if len(text) <= 254 and _EMAIL.fullmatch(text):
        local, _at, domain = text.rpartition("@")
        return f"{local}@{domain.lower()}", None
    return None, _reason(N_("“{value}” is not an e-mail address."), value=text)


_VIN_CHARS = re.compile(r"[A-HJ-NPR-Z0-9]{17}")


@functools.lru_cache(maxsize=CACHE)
def parse_vin(value: Any) -> tuple[str | None, Reason | None]:
    """``"vf1 rfb00x 12345678"`` → ``"VF1RFB00X12345678"``: 17 letters and digits, never
    I, O or Q (ISO 3779)."""
    text = re.sub(r"[\s\-.]", "", as_text(value)).upper()
    if not text:
        return None, None
    if _VIN_CHARS.fullmatch(text):
        return text, None
    if len(text) != 17:
        return None, _reason(
            N_("“{value}” is not a VIN: it has {count} characters instead of 17."),
            value=text,
            count=len(text),
        )
    bad = "".join(sorted(set(c for c in text if c in "IOQ")))
    if bad:
        return None, _reason(
            N_("“{value}” is not a VIN: a VIN never contains the letters I, O or Q."), value=text
        )
    return None, _reason(N_("“{value}” is not a VIN: only letters and digits."), value=text)


_SIV = re.compile(r"([A-Z]{2})-?(\d{3})-?([A-Z]{2})")


@functools.lru_cache(maxsize=CACHE)
def parse_plate(value: Any) -> tuple[str | None, Reason | None]:
    """``"ab123cd"`` / ``"AB 123 CD"`` → ``"AB-123-CD"`` (French SIV); other plates upper case
    with single spaces."""
    text = re.sub(r"\s+", " ", as_text(value).upper())
    if not text:
        return None, None
    match = _SIV.fullmatch(text.replace(" ", ""))
    if match:
        return "-".join(match.groups()), None
    return text, None


#: Civility as DMS write it (folded, punctuation as spaces) → as Cible stores it.
CIVILITIES: dict[str, str] = {
    **dict.fromkeys(("M", "MR", "MONSIEUR", "MISTER", "MSR", "SIR", "HERR"), "M."),
    **dict.fromkeys(("MME", "MADAME", "MRS", "MS", "MDM", "FRAU"), "Mme"),
    **dict.fromkeys(("MLLE", "MADEMOISELLE", "MISS", "MELLE"), "Mlle"),
    **dict.fromkeys(
        ("M ET MME", "MR ET MME", "MONSIEUR ET MADAME", "M MME", "MR MME", "MR AND MRS",
         "MR MRS", "MM", "M ET MADAME"),
        "M. et Mme",
    ),
    **dict.fromkeys(("DR", "DOCTEUR", "DOCTOR"), "Dr"),
    **dict.fromkeys(("ME", "MAITRE"), "Me"),
}  # fmt: skip
#: Legal forms written in the civility column: the customer is a company.
COMPANY_FORMS = frozenset(
    "STE SOCIETE SARL SA SAS SASU EURL SCI SNC SCP SCM ETS ETABLISSEMENTS GAEC EI EIRL "
    "ASSOCIATION ASSO CIE SELARL SELAS COMPANY LTD GMBH AG SC EARL".split()
)


@functools.lru_cache(maxsize=1024)
def parse_civility(value: Any) -> tuple[tuple[str | None, bool], Reason | None]:
    """``"Monsieur"``, ``"MR"``, ``"m."`` → ``("M.", False)``; ``"Madame"``, ``"Mrs"`` →
    ``("Mme", False)``; ``"SARL"``, ``"Sté"`` → ``(None, True)`` (a company)."""
    text = as_text(value)
    words = _fold_word(text)
    if not words:
        return (None, False), None
    if words in CIVILITIES:
        return (CIVILITIES[words], False), None
    if words in COMPANY_FORMS or words.replace(" ", "") in COMPANY_FORMS:  # S.A.R.L.
        return (None, True), None
    return (text, False), _reason(N_("“{value}” is not a known civility."), value=text)


def parse_text(value: Any) -> tuple[str | None, Reason | None]:
    """Text with its surrounding and repeated spaces removed; ``None`` when empty."""
    text = " ".join(as_text(value).split())
    return (text or None), None


def parse_enum(value: Any, words: tuple[tuple[str, tuple[str, ...]], ...]):
    """The stored value whose value or label (French or English) the cell says."""
    raw = as_text(value)
    if not raw:
        return None, None
    return _enum_lookup(_fold_word(raw), words, raw)


@functools.lru_cache(maxsize=4096)
def _enum_lookup(text: str, words: tuple, raw: str):
    for stored, names in words:
        if text in names:
            return stored, None
    choices = ", ".join(names[-1] if names else stored for stored, names in words)
    return None, _reason(
        N_("“{value}” is not one of the expected values ({choices})."),
        value=raw,
        choices=choices,
    )


def clear_caches() -> None:
    """Forget the memoised values (tests, or after a very large import)."""
    for function in (parse_date, parse_money, parse_integer, parse_number, parse_boolean,
                     parse_country, parse_postal_code, parse_phone, parse_email, parse_vin,
                     parse_plate, parse_civility, _enum_lookup):  # fmt: skip
        function.cache_clear()
