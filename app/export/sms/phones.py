"""Phone numbers for SMS: E.164 with ``phonenumbers``, mobile or not (shared/COMPLIANCE.md §4).

A number written without its country code is read with the customer's own country first,
then with the country of the customer's site (``Site.country``), then France
(:func:`regions_for`). When it is valid in both the customer's and the site's country and the
two readings differ (a Swiss customer's ``079 123 45 68`` at a French site is also a French
mobile), it is **ambiguous**: not sent, and listed (:func:`normalise_in`).

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
    #: Valid in the customer's and the site's country with two different meanings.
    AMBIGUOUS = "ambiguous"
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
    #: For an ambiguous number: its E.164 readings, one per country.
    readings: tuple[str, ...] = ()

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


def regions_for(customer_country: str | None, site_country: str | None) -> list[str]:
    """The regions a national number is read in: the customer's country, then the site's,
    then France (each once)."""
    found = []
    for country in (customer_country, site_country, DEFAULT_REGION):
        code = (country or "").strip().upper()
        if len(code) == 2 and code.isalpha() and code not in found:
            found.append(code)
    return found


def normalise_in(raw: str | None, regions: list[str], *, both: bool = False) -> Phone:
    """*raw* read with the first of *regions* that makes it valid. *both*: the first two
    regions are the customer's and the site's countries; when both make it valid with
    different numbers it is :attr:`PhoneKind.AMBIGUOUS` (not sent, listed)."""
    regions = regions or [DEFAULT_REGION]
    first = normalise(raw, regions[0])
    if first.kind is PhoneKind.EMPTY:
        return first
    if both and len(regions) > 1:
        second = normalise(raw, regions[1])
        if first.e164 and second.e164 and first.e164 != second.e164:
            return Phone(first.raw, "", PhoneKind.AMBIGUOUS, regions[0], (first.e164, second.e164))
    if first.e164:
        return first
    for region in regions[1:]:
        other = normalise(raw, region)
        if other.e164:
            return other
    return first


def customer_regions(
    customer_country: str | None, site_country: str | None
) -> tuple[list[str], bool]:
    """(regions, both) for :func:`normalise_in` and :func:`best_mobile`."""
    regions = regions_for(customer_country, site_country)
    both = (
        _code(customer_country) != ""
        and _code(site_country) != ""
        and _code(customer_country) != _code(site_country)
    )
    return regions, both


def _code(country: str | None) -> str:
    code = (country or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else ""


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
    # number_type() is UNKNOWN exactly when is_valid_number() is false (both match the
    # number against its region's patterns): one pass instead of two, most of the cost.
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
        return Phone(text, "", PhoneKind.INVALID, region)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    kind = PhoneKind.MOBILE if number_type in _SMS_TYPES else PhoneKind.LANDLINE
    return Phone(text, e164, kind, region)


def best_mobile(
    numbers: list[str | None], region: str | list[str] = DEFAULT_REGION, *, both: bool = False
) -> Phone:
    """The first number of *numbers* (mobile field first) that can receive an SMS; *region*:
    one region, or the regions of :func:`regions_for`.

    Without one, the most telling failure: an ambiguous number, a landline, else an invalid
    number, else empty.
    """
    regions = [region] if isinstance(region, str) else region
    parsed = [normalise_in(raw, regions, both=both) for raw in numbers]
    region = regions[0] if regions else DEFAULT_REGION
    for kind in (PhoneKind.MOBILE, PhoneKind.AMBIGUOUS, PhoneKind.LANDLINE, PhoneKind.INVALID):
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
