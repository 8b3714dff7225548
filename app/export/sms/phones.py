"""Phone numbers for SMS: E.164 with ``phonenumbers``, mobile or not (shared/COMPLIANCE.md §4).

The default region of a number written without its country code is the country of the
customer's site (``Site.country``), then the customer's own country, then France.

Canadian and US numbers (+1) are ``FIXED_LINE_OR_MOBILE``: they are accepted for SMS and the
gateway's error tells a landline apart.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

DEFAULT_REGION = "FR"


class PhoneKind(enum.StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    INVALID = "invalid"
    EMPTY = "empty"


_SMS_TYPES = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.PAGER,
}


@dataclass(frozen=True)
class Phone:
    """One number as typed, its E.164 form (empty if invalid) and what kind it is."""

    raw: str
    e164: str
    kind: PhoneKind
    region: str

    @property
    def can_receive_sms(self) -> bool:
        return self.kind is PhoneKind.MOBILE


def region_for(site_country: str | None, customer_country: str | None = None) -> str:
    """The default region: the site's country, else the customer's, else France."""
    for country in (site_country, customer_country):
        code = (country or "").strip().upper()
        if len(code) == 2 and code.isalpha():
            return code
    return DEFAULT_REGION


def normalise(raw: str | None, region: str = DEFAULT_REGION) -> Phone:
    """Parse *raw* with *region* as default; ``06 12 34 56 78`` (FR) → ``+33612345678``."""
    text = (raw or "").strip()
    region = (region or DEFAULT_REGION).upper()
    if not text:
        return Phone("", "", PhoneKind.EMPTY, region)
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return Phone(text, "", PhoneKind.INVALID, region)
    if not phonenumbers.is_valid_number(number):
        return Phone(text, "", PhoneKind.INVALID, region)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    kind = (
        PhoneKind.MOBILE if phonenumbers.number_type(number) in _SMS_TYPES else PhoneKind.LANDLINE
    )
    return Phone(text, e164, kind, region)


def best_mobile(numbers: list[str | None], region: str = DEFAULT_REGION) -> Phone:
    """The first number of *numbers* (mobile field first) that can receive an SMS.

    Without one, the most telling failure: a landline, else an invalid number, else empty.
    """
    parsed = [normalise(raw, region) for raw in numbers]
    for kind in (PhoneKind.MOBILE, PhoneKind.LANDLINE, PhoneKind.INVALID):
        for phone in parsed:
            if phone.kind is kind:
                return phone
    return Phone("", "", PhoneKind.EMPTY, region)


def display(e164: str, region: str = DEFAULT_REGION) -> str:
    """A number as people of *region* write it (``06 12 34 56 78``), other countries' numbers
    in international form (``+41 79 123 45 67``); the input if it cannot be read."""
    try:
        number = phonenumbers.parse(e164, region)
    except NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region.upper():
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
