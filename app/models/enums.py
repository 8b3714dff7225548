"""Enumerations stored in the database (by value) and used by the field catalog."""

from __future__ import annotations

import enum


class Channel(enum.StrEnum):
    """A way to reach a customer. Each has its own refusal (CNIL) flag on the customer."""

    POST = "post"
    PHONE_HOME = "phone_home"
    PHONE_WORK = "phone_work"
    PHONE_MOBILE = "phone_mobile"
    SMS = "sms"
    FAX = "fax"
    EMAIL = "email"


class MarketingBasis(enum.StrEnum):
    """Legal basis for marketing contact (GDPR art. 6, CASL, UWG)."""

    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"
    NONE = "none"


class PreferredChannel(enum.StrEnum):
    POST = "post"
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"


class VehicleCategory(enum.StrEnum):
    """Passenger car (VP) or commercial vehicle (VU)."""

    PASSENGER = "VP"
    COMMERCIAL = "VU"


class VehicleStatus(enum.StrEnum):
    """Only ``in_use`` vehicles generate reminders."""

    IN_USE = "in_use"
    SOLD = "sold"
    SCRAPPED = "scrapped"
    STOLEN = "stolen"
    UNKNOWN_ADDRESS = "unknown_address"


class InvoiceLineCategory(enum.StrEnum):
    LABOUR = "labour"
    PARTS = "parts"
    TYRES = "tyres"
    WHEELS = "wheels"
    BODYWORK = "bodywork"  # K+L: carrosserie et peinture
    ACCESSORIES = "accessories"
    INSURANCE = "insurance"
    OTHER_SERVICES = "other_services"


class SaleKind(enum.StrEnum):
    NEW = "new"  # VN
    USED = "used"  # VO


class FinancingType(enum.StrEnum):
    CASH = "cash"
    LOAN = "loan"  # financement régulier
    SPECIALISED_CREDIT = "specialised_credit"  # crédit spécialisé (14 %+)
    LEASE = "lease"  # LOA / LLD


class SaleProductKind(enum.StrEnum):
    EXTENDED_WARRANTY = "extended_warranty"
    MAINTENANCE_PLAN = "maintenance_plan"
    MOBILITY_GUARANTEE = "mobility_guarantee"
    GAP_INSURANCE = "gap_insurance"
    TYRE_PROTECTION = "tyre_protection"
    RUST_PROTECTION = "rust_protection"


class ContactChannel(enum.StrEnum):
    POST = "post"
    SMS = "sms"
    EMAIL = "email"
    PHONE = "phone"
    VISIT = "visit"
