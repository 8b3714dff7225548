"""The dealership's data: sites, customers, vehicles and who owns them.

Contact permissions (CNIL refusals per channel and the marketing legal basis) are columns of
:class:`Customer` so that targets filter on them without a join; each refusal has its date and
source, as the compliance rules require (see shared/COMPLIANCE.md).
"""

from __future__ import annotations

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
from app.models.enums import MarketingBasis, PreferredChannel, VehicleCategory, VehicleStatus
from app.models.textfold import fold


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
    phone: Mapped[str40 | None]


class Customer(Base):
    """A person or a company (leasing and fleet companies such as ARVAL included)."""

    __tablename__ = "customer"
    __table_args__ = (
        UniqueConstraint("site_id", "dms_ref"),
        Index("ix_customer_last_name_first_name", "last_name", "first_name"),
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

    # CNIL: refusal of contact per channel, each with its date and source.
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

    #: Legal basis for marketing contact, with when and how it was obtained.
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

    site: Mapped[Site | None] = relationship()
    vehicles: Mapped[list[Vehicle]] = relationship(back_populates="owner")

    @validates("last_name", "first_name", "company_name", "address1", "city")
    def _fill_fold(self, key: str, value: str | None) -> str | None:
        setattr(self, f"{key}_fold", fold(value))
        return value

    @property
    def display_name(self) -> str:
        if self.is_company or not self.last_name:
            return self.company_name or self.last_name or ""
        return " ".join(p for p in (self.last_name, self.first_name) if p)


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

