"""What each field writes in a letter: helpers' values, switches, IF conditions, row values."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.export.postal import PostalRecipient
from app.i18n import (
    _,
    format_count,
    format_date,
    format_date_pattern,
    format_number,
    long_date,
    ngettext,
)
from app.models.textfold import fold
from app.query.catalog import Field, FieldType, get_field
from app.query.engine import ResultRow, years_since

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CIVILITIES = {
    "MONSIEUR": "Monsieur",
    "M": "Monsieur",
    "MR": "Monsieur",
    "MADAME": "Madame",
    "MME": "Madame",
    "MRS": "Madame",
    "MS": "Madame",
    # "Mademoiselle" is no longer used in French administrative letters (circulaire of 2012)
    "MADEMOISELLE": "Madame",
    "MLLE": "Madame",
    "MELLE": "Madame",
    "MISS": "Madame",
}
_COUPLE = re.compile(r"^(M|MR|MONSIEUR) (ET|&) (MME|MADAME|MRS)$")


@functools.lru_cache(maxsize=256)
def _civility(civility: str) -> str | None:
    """``"Monsieur"``, ``"Madame"``, ``"Monsieur et Madame"`` or ``None`` (company, unknown)."""
    words = re.sub(r"[^A-Z&]+", " ", (fold(civility or "") or "").replace("&", " & ")).split()
    if not words:
        return None
    if _COUPLE.match(" ".join(words)):
        return "Monsieur et Madame"
    return _CIVILITIES.get("".join(words))


def _name_case(name: str) -> str:
    """``DUPONT`` → ``Dupont``, ``dupont-aignan`` → ``Dupont-Aignan``; mixed case stays."""
    if not name or (name != name.upper() and name != name.lower()):
        return name
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())


def formal_salutation(
    civility: str | None,
    last_name: str | None,
    *,
    company: str | None = None,
    is_company: bool = False,
    first_name: str | None = None,
) -> str:
    """``Madame Dupont``, ``Monsieur Martin``, ``Monsieur et Madame Petit``; a company (or a
    civility that is not one, such as ``ETS``) gets its name alone."""
    title = None if is_company else _civility(civility or "")
    name = _name_case((last_name or "").strip())
    if is_company or not name:
        return (company or last_name or "").strip()
    if title is None:
        return " ".join(p for p in (_name_case((first_name or "").strip()), name) if p)
    return f"{title} {name}"


def _opening(civility: str | None, is_company: bool, lang: str) -> str:
    """How the letter addresses the reader, without punctuation: ``Madame``, ``Monsieur``,
    ``Madame, Monsieur`` (couples, companies, unknown civility)."""
    title = None if is_company else _civility(civility or "")
    if title == "Monsieur":
        # Translators: the opening of a letter to a man, without punctuation.
        return _("Dear Sir", lang)
    if title == "Madame":
        # Translators: the opening of a letter to a woman, without punctuation.
        return _("Dear Madam", lang)
    # Translators: the opening of a letter to a couple, a company or an unknown civility.
    return _("Dear Sir or Madam", lang)


def _vehicle_age(first_registration: Any, today: dt.date, lang: str) -> str:
    if not isinstance(first_registration, dt.date):
        return ""
    years = years_since(first_registration, today)
    if years < 1:
        # Translators: a vehicle's age in a letter ("your vehicle is now less than a year old").
        return _("less than a year", lang)
    return ngettext("{n} year", "{n} years", years, lang).format(n=format_count(years, lang))


def _household_title(recipient: PostalRecipient, others: dict[int, Any]) -> str | None:
    """``Monsieur et Madame`` when the household is a Monsieur and a Madame of the same name."""
    if len(recipient.household) < 2:
        return None
    members = [recipient.address] + [others[m] for m in recipient.household[1:] if m in others]
    names = {fold(m.last_name) for m in members}
    titles = {_civility(m.civility) for m in members}
    if len(names) == 1 and titles == {"Monsieur", "Madame"}:
        return "Monsieur et Madame"
    return None


@dataclass(frozen=True)
class AddressBlockOptions:
    """The switches of Word's ``ADDRESSBLOCK`` that change what Cible's address block prints
    (Microsoft's "Field codes: AddressBlock field"): ``\\c`` 0 never prints the country, 1
    always, 2 unless it is one of the ``\\e`` countries; the ``\\f`` format's ``_COMPANY_``
    adds a person's company name under their name."""

    #: ``\\c``: 0, 1 or 2; ``None`` without the switch (Cible's rule: the country when it is
    #: not France).
    country: int | None = None
    #: ``\\e``: the countries left out with ``\\c 2``, as written (names or ISO codes).
    exclude: tuple[str, ...] = ()
    #: The ``\\f`` format has ``<<_COMPANY_>>``.
    company: bool = False


def _country_name(code: str, lang: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(lang).territories.get(code, code)
    except (ValueError, TypeError):
        return code


def _is_country(code: str, names: Sequence[str]) -> bool:
    """Whether *names* (``\\e`` texts: ``France``, ``FRANCE``, ``FR``, ``Suisse``) name *code*."""
    wanted = {(fold(n.strip()) or "").lower() for n in names if n.strip()}
    known = {code.lower()} | {
        (fold(_country_name(code, lang)) or "").lower() for lang in ("fr", "en", "de")
    }
    return bool(wanted & known)


def address_block(name: str, address: Any, options: AddressBlockOptions, lang: str) -> list[str]:
    """The lines of Word's ADDRESSBLOCK for *address* with *options* (at most seven)."""
    lines = [name]
    if options.company and address.company and not address.is_company:
        lines.append(address.company)
    lines += [*address.lines, f"{address.postal_code} {address.city.upper()}".strip()]
    code = (address.country or "FR").upper()
    if options.country is None:
        if code != "FR":
            lines.append(code)
    elif options.country == 1 or (options.country == 2 and not _is_country(code, options.exclude)):
        lines.append(_country_name(code, lang).upper())
    return [line for line in lines if line][:7]


@dataclass
class FieldRef:
    """One merge field found in the template."""

    name: str  # as written
    #: "mergefield", "placeholder", "if", or Word's record fields "next", "mergerec", "mergeseq"
    kind: str
    case: str = ""  # Upper, Lower, Caps, FirstCap
    before: str = ""
    after: str = ""
    key: str | None = None  # resolved catalog or helper key
    #: For an IF field: its condition and texts.
    condition: IfField | None = None
    #: ``\\@`` and ``\\#`` pictures, as written.
    date_picture: str = ""
    number_picture: str = ""
    #: How many NEXT fields come before this field on the page (which record it shows).
    record: int = 0
    #: Word's ADDRESSBLOCK: its country and company switches.
    block: AddressBlockOptions | None = None

    def nested(self) -> list[FieldRef]:
        """The merge fields an IF field reads, nested IF fields included."""
        if self.condition is None:
            return []
        found = []
        for ref in self.condition.refs():
            found.append(ref)
            found.extend(ref.nested())
        return found

    def apply(self, value: str) -> str:
        if not value:
            return ""
        case = self.case.lower()
        if case == "upper":
            value = value.upper()
        elif case == "lower":
            value = value.lower()
        elif case == "caps":
            value = re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), value)
        elif case == "firstcap":
            value = value[:1].upper() + value[1:]
        return f"{self.before}{value}{self.after}"


Parts = list["str | FieldRef"]

_IF_OPERATORS = ("=", "<>", "<", ">", "<=", ">=")


@dataclass
class IfField:
    """Word's ``IF Expression1 Operator Expression2 "TrueText" "FalseText"`` whose expressions
    or texts hold MERGEFIELD fields (``{ IF { MERGEFIELD Civilité } = "Madame" "Chère" "Cher" }``).

    Compared without case or accents; numbers as numbers; ``*`` and ``?`` are wildcards with
    ``=`` and ``<>``, as in Word.
    """

    left: Parts
    op: str
    right: Parts
    then: Parts
    otherwise: Parts

    def refs(self) -> list[FieldRef]:
        parts = [*self.left, *self.right, *self.then, *self.otherwise]
        return [p for p in parts if isinstance(p, FieldRef)]

    def evaluate(self, value_of: Callable[[FieldRef], str]) -> str:
        def text(parts: Parts) -> str:
            return "".join(p if isinstance(p, str) else value_of(p) for p in parts)

        left, right = text(self.left), text(self.right)
        return text(self.then) if _compare(left, self.op, right) else text(self.otherwise)


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def _compare(left: str, op: str, right: str) -> bool:
    a, b = _number(left), _number(right)
    if a is None or b is None or not left.strip() or not right.strip():
        x, y = (fold(left.strip()) or "").lower(), (fold(right.strip()) or "").lower()
        if op in ("=", "<>") and ("*" in y or "?" in y):
            pattern = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in y)
            equal = re.fullmatch(pattern, x, re.DOTALL) is not None
            return equal if op == "=" else not equal
        a, b = x, y  # type: ignore[assignment]
    if op == "=":
        return a == b
    if op == "<>":
        return a != b
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


@dataclass(frozen=True)
class Letter:
    """One letter (or label): who it is for and the row whose values fill it."""

    recipient: PostalRecipient
    row: ResultRow | None
    #: The letter's number in the merge, from 1 (Word's MERGEREC and MERGESEQ).
    number: int = 0


class _Values:
    """Computes the text of each token for a letter."""

    def __init__(
        self,
        refs: Sequence[FieldRef],
        columns: Sequence[str],
        today: dt.date,
        lang: str,
        addresses: dict[int, Any],
    ) -> None:
        self.refs = refs
        self.index = {key: i for i, key in enumerate(columns)}
        self.formatters = {k: _formatter(get_field(k), lang) for k in columns}
        self.today = today
        self.lang = lang
        self.addresses = addresses
        self.date = long_date(today, lang)

    def __call__(self, letter: Letter) -> list[str]:
        cache: dict[str, str] = {}

        def value_of(ref: FieldRef) -> str:
            if ref.condition is not None:
                return ref.condition.evaluate(value_of)
            if ref.kind != "mergefield" and ref.kind != "placeholder":
                return self.record_field(ref, letter)
            if ref.date_picture or ref.number_picture:
                return ref.apply(_XML_BAD.sub("", self.picture(ref, letter)))
            key = ref.key or ""
            if ref.block is not None:
                held = f"{key}{ref.block}"
                if held not in cache:
                    cache[held] = _XML_BAD.sub("", self.block(ref.block, letter))
                return ref.apply(cache[held])
            if key not in cache:
                cache[key] = _XML_BAD.sub("", self.value(key, letter))
            return ref.apply(cache[key])

        return [value_of(ref) for ref in self.refs]

    def block(self, options: AddressBlockOptions, letter: Letter) -> str:
        """Word's ADDRESSBLOCK: Cible's address block with the field's switches."""
        address = letter.recipient.address
        name = address.recipient
        couple = _household_title(letter.recipient, self.addresses)
        if couple and not address.is_company:
            name = f"{couple} {address.last_name.upper()}"
        return "\n".join(address_block(name, address, options, self.lang))

    def record_field(self, ref: FieldRef, letter: Letter) -> str:
        if ref.kind in ("mergerec", "mergeseq"):
            return str(letter.number)
        return ""  # NEXT writes nothing

    def picture(self, ref: FieldRef, letter: Letter) -> str:
        """A value written with its ``\\@`` date picture or ``\\#`` number picture."""
        key = ref.key or ""
        raw: Any
        if key == "letter.date":
            raw = self.today
        elif key in self.index and letter.row is not None:
            raw = letter.row.values[self.index[key]]
        else:
            return self.value(key, letter)
        if ref.date_picture and isinstance(raw, dt.date):
            return format_date_pattern(raw, word_date_pattern(ref.date_picture), self.lang)
        if (
            ref.number_picture
            and isinstance(raw, int | float | Decimal)
            and not isinstance(raw, bool)
        ):
            return word_number(raw, ref.number_picture, self.lang)
        return self.value(key, letter)

    def value(self, key: str, letter: Letter) -> str:
        address = letter.recipient.address
        row = letter.row
        if key == "letter.date":
            return self.date
        if key in ("letter.salutation", "letter.recipient", "letter.address_block"):
            couple = _household_title(letter.recipient, self.addresses)
            if key == "letter.salutation":
                civility = couple or address.civility
                return formal_salutation(
                    civility,
                    address.last_name,
                    company=address.company,
                    is_company=address.is_company,
                    first_name=address.first_name,
                )
            name = address.recipient
            if couple and not address.is_company:
                name = f"{couple} {address.last_name.upper()}"
            if key == "letter.recipient":
                return name
            return "\n".join([name, *address.block()[1:]])
        if key == "letter.opening":
            couple = _household_title(letter.recipient, self.addresses)
            return _opening(couple or address.civility, address.is_company, self.lang)
        if key == "letter.vehicle_age":
            if row is None:
                return ""
            return _vehicle_age(
                row.values[self.index["vehicle.first_registration"]], self.today, self.lang
            )
        if row is None:
            return ""
        return self.formatters[key](row.values[self.index[key]])


_DATE_WORDS = re.compile(r"'[^']*'|d+|M+|y+|H+|h+|m+|s+|am/pm|AM/PM|[A-Za-z]+|.", re.DOTALL)


def word_date_pattern(picture: str) -> str:
    """Word's date picture (``\\@ "dddd d MMMM yyyy"``) as a CLDR pattern for Babel."""
    out = []
    for piece in _DATE_WORDS.findall(picture):
        if piece.startswith("'") or piece in ("d", "dd", "M", "MM", "MMM", "MMMM", "yyyy"):
            out.append(piece)
        elif piece.startswith("d"):  # ddd: short day name, dddd: day name
            out.append("EEE" if len(piece) == 3 else "EEEE")
        elif piece.startswith("M"):
            out.append("MMMM")
        elif piece.startswith("y"):
            out.append("yy" if len(piece) <= 2 else "yyyy")
        elif piece[0] in "Hhms":
            out.append(piece[:2])
        elif piece.upper() == "AM/PM":
            out.append("a")
        elif piece.isalpha():
            out.append(f"'{piece}'")
        else:
            out.append(piece)
    return "".join(out)


def word_number(value: Any, picture: str, lang: str) -> str:
    """*value* with Word's number picture (``\\# "# ##0,00 €"``, ``\\# "0.00"``): as many
    decimals as the picture has after its decimal mark, the letter's grouping, and the
    picture's text before and after the digits."""
    digits = re.search(r"[#0x][#0x.,\s\u00a0\u202f]*", picture)
    if not digits:
        return format_number(value, 0, lang)
    body = digits.group(0).rstrip()
    decimals = 0
    mark = max(body.rfind("."), body.rfind(","))
    if mark >= 0:
        tail = body[mark + 1 :]
        if len(tail) != 3 or body[mark] == ".":
            decimals = sum(1 for c in tail if c in "#0x")
    prefix, suffix = picture[: digits.start()], picture[digits.start() + len(body) :]
    return f"{prefix}{format_number(value, decimals, lang)}{suffix}"


def _formatter(f: Field, lang: str) -> Callable[[Any], str]:
    """How a row value of *f* is written in a letter (fast paths for text and dates)."""
    if f.type is FieldType.TEXT or (f.type is FieldType.ENUM and not f.enum_values):
        return lambda v: "" if v is None else str(v)
    if f.type is FieldType.DATE:
        return lambda v: "" if v is None else format_date(v)
    return lambda v: f.format_value(v, lang)
