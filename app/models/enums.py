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


class PermissionEventKind(enum.StrEnum):
    """What a row of the permission history records (see :mod:`app.models.permissions`)."""

    REFUSAL = "refusal"
    #: Only a person in Cible withdraws a refusal; an import never does.
    REFUSAL_WITHDRAWN = "refusal_withdrawn"
    BASIS = "basis"


class BasisKind(enum.StrEnum):
    """The kind of legal basis given for marketing on one channel.

    Implied consent is CASL's (Canada): it lapses two years after a purchase and six months
    after an inquiry (shared/COMPLIANCE.md §1).
    """

    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"
    IMPLIED_PURCHASE = "implied_purchase"
    IMPLIED_INQUIRY = "implied_inquiry"


class SuppressionKind(enum.StrEnum):
    """What a suppression entry is keyed by."""

    PHONE = "phone"  # E.164, e.g. +33612345678
    EMAIL = "email"  # normalised: trimmed, lower case


class InvoiceType(enum.StrEnum):
    """Who pays a workshop invoice. Only customer invoices are a customer's visit."""

    CUSTOMER = "customer"
    WARRANTY = "warranty"
    INTERNAL = "internal"


class RelationshipStatus(enum.StrEnum):
    """How recent a customer's last customer invoice is (thresholds T1 < T2 are settings)."""

    ACTIVE = "active"
    REACTIVATE = "reactivate"
    WIN_BACK = "win_back"


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
    """Only ``in_use`` vehicles generate reminders.

    ``unknown_address`` is kept readable for old data: since migration 0006 an unknown address
    is the customer's (``Customer.unknown_address``), which the postal funnel honours.
    """

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
