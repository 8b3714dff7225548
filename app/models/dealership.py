"""The dealership's data: sites, customers, vehicles and who owns them.

Contact permissions: every refusal and every legal basis, per channel, is a row of
:class:`PermissionEvent` (the history, never edited); numbers and e-mail addresses that must not
be contacted are :class:`SuppressionEntry` rows. The ``optout_*`` and ``marketing_basis*``
columns of :class:`Customer` are the *current* state, a cache kept by
:mod:`app.models.permissions` so that targets filter on them without a join. Change
permissions only through that module (see docs/permissions.md and shared/COMPLIANCE.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.base import (
    Base,
    date,
    intpk,
    str20,
    str40,
    str80,
    str200,
    str_enum,
    timestamp,
    utcnow,
)
from app.models.enums import (
    BasisKind,
    Channel,
    MarketingBasis,
    PermissionEventKind,
    PreferredChannel,
    SuppressionKind,
    VehicleCategory,
    VehicleStatus,
)
from app.models.textfold import fold

#: The columns a customer's display name is made of (see :func:`display_name`).
DISPLAY_NAME_INPUTS = ("is_company", "company_name", "last_name", "first_name")
_DISPLAY_NAME_LENGTH = 200


def display_name(
    is_company: bool | None, company_name: str | None, last_name: str | None, first_name: str | None
) -> str:
    """How a customer is named in lists: the company name for a company (or a record without
    a last name), else last name and first name. ``"ARVAL"``, ``"DUPRÉ Émile"``."""
    if is_company or not last_name:
        text = company_name or last_name or first_name or ""
    else:
        text = f"{last_name} {first_name or ''}"
    return " ".join(text.split())


def display_name_fold(
    is_company: bool | None, company_name: str | None, last_name: str | None, first_name: str | None
) -> str:
    """The stored sort key of a customer (``Customer.display_name_fold``): :func:`display_name`
    folded (upper case, no accents; ``"DUPRE EMILE"``), so that companies sort among persons.

    The ONE place that computes it: the ORM calls it when a name changes; writers that go
    around the ORM (the DMS import, the demo) call :func:`with_display_name`."""
    name = display_name(is_company, company_name, last_name, first_name)
    return (fold(name) or "")[:_DISPLAY_NAME_LENGTH]


def with_display_name(
    values: dict[str, Any], stored: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Add ``display_name_fold`` to *values*, customer columns about to be written by Core
    (an INSERT or UPDATE row), when they set any of :data:`DISPLAY_NAME_INPUTS`. An input
    that *values* does not set is taken from *stored* (the record as it is in the database;
    None or missing: a new record, so empty). Returns *values*."""
    if any(name in values for name in DISPLAY_NAME_INPUTS):
        stored = stored or {}
        inputs = {
            name: values[name] if name in values else stored.get(name)
            for name in DISPLAY_NAME_INPUTS
        }
        values["display_name_fold"] = display_name_fold(**inputs)
    return values


class Site(Base):
    """A branch (succursale) of a dealer group."""

    __tablename__ = "site"

    id: Mapped[intpk]
    code: Mapped[str20] = mapped_column(unique=True)
    name: Mapped[str80]
    address: Mapped[str200 | None]
    postal_code: Mapped[str20 | None]
    city: Mapped[str80 | None]
    #: ISO 3166 alpha-2; the default region for phone numbers and the send-window market.
    country: Mapped[str] = mapped_column(String(2), default="FR")
    #: ISO 3166-2 subdivision ("CH-VD", "CA-QC"): provincial and cantonal rules (SMS windows).
    subdivision: Mapped[str | None] = mapped_column(String(6))
    phone: Mapped[str40 | None]
    # What the site's letters print about it (merge fields «Site - …», File › Sites…).
    email: Mapped[str200 | None]
    website: Mapped[str200 | None]
    #: The page where customers book a workshop appointment online.
    booking_url: Mapped[str200 | None]


class Customer(Base):
    """A person or a company (leasing and fleet companies such as ARVAL included)."""

    __tablename__ = "customer"
    __table_args__ = (
        UniqueConstraint("site_id", "dms_ref"),
        Index("ix_customer_last_name_first_name", "last_name", "first_name"),
        # The grid's first page sorted by name walks this index (issue 10, point 7).
        Index("ix_customer_display_name_fold", "display_name_fold", "id"),
    )

    id: Mapped[intpk]
    #: The customer's number in the dealer-management system the data came from.
    dms_ref: Mapped[str40]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    is_company: Mapped[bool] = mapped_column(default=False)
    #: Leasing or fleet company (ARVAL, DIAC LOCATION...): the driver is not the owner.
    is_fleet: Mapped[bool] = mapped_column(default=False)
    civility: Mapped[str40 | None]
    last_name: Mapped[str80 | None]
    first_name: Mapped[str80 | None]
    company_name: Mapped[str200 | None]
    address1: Mapped[str200 | None]
    address2: Mapped[str200 | None]
    address3: Mapped[str200 | None]
    postal_code: Mapped[str20 | None] = mapped_column(index=True)
    city: Mapped[str80 | None]
    country: Mapped[str] = mapped_column(String(2), default="FR")
    phone_home: Mapped[str40 | None]
    phone_mobile: Mapped[str40 | None]
    phone_work: Mapped[str40 | None]
    fax: Mapped[str40 | None]
    email: Mapped[str200 | None]
    #: ISO 639-1 language for letters and messages.
    language: Mapped[str] = mapped_column(String(5), default="fr")
    preferred_channel: Mapped[PreferredChannel | None] = mapped_column(str_enum(PreferredChannel))
    birth_date: Mapped[date | None]
    free1: Mapped[str80 | None]
    free2: Mapped[str80 | None]
    free3: Mapped[str80 | None]
    #: Letters come back: the postal funnel leaves this customer out (since migration 0006;
    #: before, it was a vehicle status).
    unknown_address: Mapped[bool] = mapped_column(default=False)
    unknown_address_date: Mapped[date | None]

    # CNIL: refusal of contact per channel, each with its date and source. The CURRENT state,
    # kept from the history (PermissionEvent) by app.models.permissions: do not set by hand.
    optout_post: Mapped[bool] = mapped_column(default=False)
    optout_post_date: Mapped[date | None]
    optout_post_source: Mapped[str40 | None]
    optout_phone_home: Mapped[bool] = mapped_column(default=False)
    optout_phone_home_date: Mapped[date | None]
    optout_phone_home_source: Mapped[str40 | None]
    optout_phone_work: Mapped[bool] = mapped_column(default=False)
    optout_phone_work_date: Mapped[date | None]
    optout_phone_work_source: Mapped[str40 | None]
    optout_phone_mobile: Mapped[bool] = mapped_column(default=False)
    optout_phone_mobile_date: Mapped[date | None]
    optout_phone_mobile_source: Mapped[str40 | None]
    optout_sms: Mapped[bool] = mapped_column(default=False)
    optout_sms_date: Mapped[date | None]
    optout_sms_source: Mapped[str40 | None]
    optout_fax: Mapped[bool] = mapped_column(default=False)
    optout_fax_date: Mapped[date | None]
    optout_fax_source: Mapped[str40 | None]
    optout_email: Mapped[bool] = mapped_column(default=False)
    optout_email_date: Mapped[date | None]
    optout_email_source: Mapped[str40 | None]

    #: Legal basis for marketing contact, with when and how it was obtained: the SMS channel's
    #: latest basis (cache kept by app.models.permissions; other channels: effective_basis()).
    marketing_basis: Mapped[MarketingBasis] = mapped_column(
        str_enum(MarketingBasis), default=MarketingBasis.NONE
    )
    marketing_basis_date: Mapped[date | None]
    marketing_basis_source: Mapped[str40 | None]

    created_at: Mapped[timestamp] = mapped_column(default=utcnow)
    updated_at: Mapped[timestamp] = mapped_column(default=utcnow, onupdate=utcnow)

    # Folded copies for case- and accent-insensitive searches (see app.models.textfold).
    last_name_fold: Mapped[str80 | None] = mapped_column(index=True)
    first_name_fold: Mapped[str80 | None]
    company_name_fold: Mapped[str200 | None] = mapped_column(index=True)
    address1_fold: Mapped[str200 | None]
    city_fold: Mapped[str80 | None]
    #: :func:`display_name_fold` of the record: the name sort's key, kept by the ORM
    #: (:meth:`_fill_fold`) and by every writer that bypasses it (:func:`with_display_name`).
    display_name_fold: Mapped[str200] = mapped_column(default="", server_default="")

    site: Mapped[Site | None] = relationship()
    vehicles: Mapped[list[Vehicle]] = relationship(back_populates="owner")
    permission_events: Mapped[list[PermissionEvent]] = relationship(
        back_populates="customer",
        order_by="PermissionEvent.id",
        cascade="all, delete-orphan",
    )

    @validates("last_name", "first_name", "company_name", "address1", "city", "is_company")
    def _fill_fold(self, key: str, value: Any) -> Any:
        if key != "is_company":
            setattr(self, f"{key}_fold", fold(value))
        if key in DISPLAY_NAME_INPUTS:
            inputs = {name: getattr(self, name) for name in DISPLAY_NAME_INPUTS}
            inputs[key] = value
            self.display_name_fold = display_name_fold(**inputs)
        return value

    @property
    def display_name(self) -> str:
        return display_name(self.is_company, self.company_name, self.last_name, self.first_name)


class Vehicle(Base):
    __tablename__ = "vehicle"
    __table_args__ = (Index("ix_vehicle_brand_model", "brand", "model"),)

    id: Mapped[intpk]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    #: The current owner (also the open row of :class:`Ownership`).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    plate: Mapped[str20 | None] = mapped_column(index=True)
    vin: Mapped[str | None] = mapped_column(String(17), index=True)
    brand: Mapped[str40 | None]
    model: Mapped[str80 | None]
    version: Mapped[str80 | None]
    #: Registration-document body category (genre): VP, CTTE, DERIV-VP...
    genre: Mapped[str20 | None]
    category: Mapped[VehicleCategory] = mapped_column(
        str_enum(VehicleCategory, 2), default=VehicleCategory.PASSENGER
    )
    energy: Mapped[str20 | None]
    model_year: Mapped[int | None]
    #: MEC: date de première mise en circulation.
    first_registration: Mapped[date | None] = mapped_column(index=True)
    purchase_date: Mapped[date | None] = mapped_column(index=True)
    delivery_date: Mapped[date | None] = mapped_column(index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    mileage: Mapped[int | None]
    mileage_date: Mapped[date | None]
    next_service_date: Mapped[date | None] = mapped_column(index=True)
    #: CT: contrôle technique due date.
    inspection_due_date: Mapped[date | None] = mapped_column(index=True)
    warranty_end: Mapped[date | None] = mapped_column(index=True)
    extended_warranty_end: Mapped[date | None] = mapped_column(index=True)
    mobility_end: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[VehicleStatus] = mapped_column(
        str_enum(VehicleStatus), default=VehicleStatus.IN_USE, index=True
    )
    #: Since when the status holds (sold on, scrapped on...).
    status_date: Mapped[date | None]
    #: The driver of a leased or fleet car: letters about the car go to them, not to the
    #: leasing company that owns it.
    driver_civility: Mapped[str40 | None]
    driver_last_name: Mapped[str80 | None]
    driver_first_name: Mapped[str80 | None]
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)

    # Folded copies for case- and accent-insensitive searches (see app.models.textfold).
    model_fold: Mapped[str80 | None]
    version_fold: Mapped[str80 | None]

    owner: Mapped[Customer | None] = relationship(back_populates="vehicles")
    ownerships: Mapped[list[Ownership]] = relationship(
        back_populates="vehicle", order_by="Ownership.start_date"
    )

    @validates("model", "version")
    def _fill_fold(self, key: str, value: str | None) -> str | None:
        setattr(self, f"{key}_fold", fold(value))
        return value


class Ownership(Base):
    """Who owned a vehicle when. The open row (``end_date`` NULL) is the current owner."""

    __tablename__ = "ownership"

    id: Mapped[intpk]
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    start_date: Mapped[date] = mapped_column(index=True)
    end_date: Mapped[date | None] = mapped_column(index=True)

    vehicle: Mapped[Vehicle] = relationship(back_populates="ownerships")
    customer: Mapped[Customer] = relationship()


class CustomerAlias(Base):
    """A DMS reference that now means another customer (a merged duplicate): a later import of
    ``(site_id, dms_ref)`` lands on ``customer_id``."""

    __tablename__ = "customer_alias"
    __table_args__ = (UniqueConstraint("site_id", "dms_ref"),)

    id: Mapped[intpk]
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    dms_ref: Mapped[str40]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship()


class PermissionEvent(Base):
    """One change of a customer's permission on one channel: a refusal, the withdrawal of a
    refusal (by a person in Cible), or a legal basis given. Rows are only ever added.

    ``event_date`` is when it happened (NULL: unknown, for refusals older than the history);
    ``expires_on`` is the end of a CASL implied consent; ``source`` says where it came from
    ("Import DMS 02/12/2026", "STOP SMS", "Saisie Cible"); ``who`` the user, if a person.
    """

    __tablename__ = "permission_event"
    __table_args__ = (Index("ix_permission_event_customer_id_channel", "customer_id", "channel"),)

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id", ondelete="CASCADE"))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    kind: Mapped[PermissionEventKind] = mapped_column(str_enum(PermissionEventKind))
    basis: Mapped[BasisKind | None] = mapped_column(str_enum(BasisKind))
    event_date: Mapped[date | None]
    expires_on: Mapped[date | None]
    source: Mapped[str80]
    who: Mapped[str80 | None]
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="permission_events")


class SuppressionEntry(Base):
    """A phone number (E.164) or e-mail address (trimmed, lower case) that must not be contacted
    on ``channel``, whoever's record holds it. ``customer_id``: whose refusal put it there
    (NULL for a STOP reply or a list brought in as such)."""

    __tablename__ = "suppression_entry"
    __table_args__ = (UniqueConstraint("kind", "value", "channel"),)

    id: Mapped[intpk]
    kind: Mapped[SuppressionKind] = mapped_column(str_enum(SuppressionKind, 8))
    value: Mapped[str200]
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    entry_date: Mapped[date | None]
    source: Mapped[str80]
    who: Mapped[str80 | None]
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[timestamp] = mapped_column(default=utcnow)
