"""Normalised keys that duplicate detection compares: folded names, E.164 mobiles, e-mail
addresses, postal codes and streets. Cheap on purpose: each runs once per customer of a
100,000-customer database, so the common French shapes take a fast path before
:mod:`phonenumbers`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from app.models.permissions import normalise_email
from app.models.textfold import fold

__all__ = [
    "email_key",
    "folded_key",
    "mobile_key",
    "name_tokens",
    "postal_key",
    "street_key",
    "text_key",
]

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")
_DIGITS = re.compile(r"\D+")
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
#: Street words and their abbreviations, as people type them (AV, BD, R...).
_STREET_WORDS = {
    "AV": "AVENUE",
    "AVE": "AVENUE",
    "BD": "BOULEVARD",
    "BLD": "BOULEVARD",
    "BVD": "BOULEVARD",
    "R": "RUE",
    "CH": "CHEMIN",
    "CHE": "CHEMIN",
    "IMP": "IMPASSE",
    "PL": "PLACE",
    "RTE": "ROUTE",
    "ALL": "ALLEE",
    "FBG": "FAUBOURG",
    "SQ": "SQUARE",
    "LOT": "LOTISSEMENT",
    "RES": "RESIDENCE",
    "ST": "SAINT",
    "STE": "SAINTE",
}


def text_key(value: str | None) -> str:
    """``"Dupré-Lefèvre  (M.)"`` → ``"DUPRE LEFEVRE M"``: folded, punctuation as spaces."""
    if not value:
        return ""
    return folded_key(fold(value))


def folded_key(value: str | None) -> str:
    """:func:`text_key` of a value already folded (a ``*_fold`` column): only punctuation."""
    if not value:
        return ""
    return " ".join(_NON_ALNUM.split(value)).strip()


def name_tokens(value: str | None) -> list[str]:
    """The words of a folded name (``"Jean-Marc"`` → ``["JEAN", "MARC"]``)."""
    return text_key(value).split()


def street_key(value: str | None, *, folded: bool = False) -> str:
    """A street with its abbreviations spelt out: ``"12 av. Foch"`` → ``"12 AVENUE FOCH"``
    (*folded*: the value is already folded, an ``address1_fold``)."""
    words = (folded_key(value) if folded else text_key(value)).split()
    return " ".join(_STREET_WORDS.get(word, word) for word in words)


def postal_key(value: str | None, country: str | None = "FR") -> str:
    """``" 1000"`` (a French code that lost its leading zero in Excel) → ``"01000"``;
    spaces removed, upper case."""
    text = "".join((value or "").split()).upper()
    if (country or "FR").upper() == "FR" and text.isdigit() and len(text) == 4:
        return "0" + text
    return text


def email_key(value: str | None) -> str:
    """The e-mail address trimmed and in lower case (empty if it is not one)."""
    return normalise_email(value)


def mobile_key(value: str | None, region: str | None = "FR") -> str:
    """The E.164 form of a number that can be a mobile (``"06 12 34 56 78"`` →
    ``"+33612345678"``); empty for landlines, invalid numbers and nothing."""
    if not value:
        return ""
    region = (region or "FR").upper()
    digits = _DIGITS.sub("", value)
    if region == "FR" or value.lstrip().startswith(("+33", "0033")):
        # The French shapes, without a parser: 06..., +33 6..., 0033 6..., 336...
        if len(digits) == 10 and digits[0] == "0":
            national = digits[1:]
        elif len(digits) == 11 and digits.startswith("33"):
            national = digits[2:]
        elif len(digits) == 13 and digits.startswith("0033"):
            national = digits[4:]
        else:
            national = ""
        if national:
            return "+33" + national if national[0] in "67" else ""
    return _parsed_mobile(value.strip(), region)


@lru_cache(maxsize=65536)
def _parsed_mobile(text: str, region: str) -> str:
    try:
        number = phonenumbers.parse(text, region if len(region) == 2 else "FR")
    except NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        return ""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
