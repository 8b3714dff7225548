"""What happened with customers: workshop invoices, vehicle sales, contacts made."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    cents,
    date,
    intpk,
    str40,
    str80,
    str200,
    str_enum,
    timestamp,
    utcnow,
)
from app.models.enums import (
    ContactChannel,
    FinancingType,
    InvoiceLineCategory,
    InvoiceType,
    SaleKind,
    SaleProductKind,
)


class WorkshopInvoice(Base):
    """A workshop (après-vente) invoice. ``total_cents`` is the sum of its lines' amounts."""

    __tablename__ = "workshop_invoice"
    __table_args__ = (
        UniqueConstraint("site_id", "number"),
        Index("ix_workshop_invoice_vehicle_id_date", "vehicle_id", "date"),
        Index("ix_workshop_invoice_customer_id_date", "customer_id", "date"),
    )

    id: Mapped[intpk]
    number: Mapped[str40]
    date: Mapped[date] = mapped_column(index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicle.id"), index=True)
    mileage: Mapped[int | None]
    #: Customer, warranty or internal: warranty and internal invoices are not a customer's visit.
    invoice_type: Mapped[InvoiceType] = mapped_column(
        str_enum(InvoiceType, 10), default=InvoiceType.CUSTOMER, index=True
    )
    #: Net total (after discounts), tax excluded, in cents.
    total_cents: Mapped[cents] = mapped_column(default=0)
    #: Total discount granted on the invoice, in cents.
    discount_cents: Mapped[cents] = mapped_column(default=0)

    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", cascade="all, delete-orphan", order_by="InvoiceLine.id"
    )


class InvoiceLine(Base):
    __tablename__ = "invoice_line"
    __table_args__ = (
        Index("ix_invoice_line_invoice_id_line_number", "invoice_id", "line_number", unique=True),
    )

    id: Mapped[intpk]
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("workshop_invoice.id", ondelete="CASCADE"), index=True
    )
    #: The line's number on the invoice in the DMS (an import updates lines by it).
    line_number: Mapped[int | None]
    category: Mapped[InvoiceLineCategory] = mapped_column(str_enum(InvoiceLineCategory), index=True)
    description: Mapped[str200 | None]
    #: Net amount of the line (after its discount), in cents.
    amount_cents: Mapped[cents]
    discount_cents: Mapped[cents] = mapped_column(default=0)

    invoice: Mapped[WorkshopInvoice] = relationship(back_populates="lines")


class VehicleSale(Base):
    """A new (VN) or used (VO) vehicle sale, with its financing."""

    __tablename__ = "vehicle_sale"
    __table_args__ = (
        Index("ix_vehicle_sale_site_id_order_number", "site_id", "order_number", unique=True),
    )

    id: Mapped[intpk]
    #: The order (bon de commande) number in the DMS: an import updates the sale by it.
    order_number: Mapped[str40 | None]
    kind: Mapped[SaleKind] = mapped_column(str_enum(SaleKind, 8))
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicle.id"), index=True)
    order_date: Mapped[date | None] = mapped_column(index=True)
    delivery_date: Mapped[date | None] = mapped_column(index=True)
    salesperson: Mapped[str80 | None]
    fi_manager: Mapped[str80 | None]
    price_cents: Mapped[cents]
    financing_type: Mapped[FinancingType] = mapped_column(
        str_enum(FinancingType), default=FinancingType.CASH, index=True
    )
    lender: Mapped[str80 | None]
    #: Annual percentage rate, e.g. 14.9.
    rate: Mapped[float | None]
    term_months: Mapped[int | None]
    monthly_payment_cents: Mapped[cents | None]
    financing_start: Mapped[date | None]
    #: Always ``financing_start`` + ``term_months`` when financed.
    financing_end: Mapped[date | None] = mapped_column(index=True)

    products: Mapped[list[SaleProduct]] = relationship(
        back_populates="sale", cascade="all, delete-orphan"
    )


class SaleProduct(Base):
    """A warranty or protection plan sold with a vehicle."""

    __tablename__ = "sale_product"

    id: Mapped[intpk]
    sale_id: Mapped[int] = mapped_column(
        ForeignKey("vehicle_sale.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SaleProductKind] = mapped_column(str_enum(SaleProductKind, 30))
    name: Mapped[str80]
    price_cents: Mapped[cents] = mapped_column(default=0)
    end_date: Mapped[date | None] = mapped_column(index=True)

    sale: Mapped[VehicleSale] = relationship(back_populates="products")


class ContactHistory(Base):
    """Every contact made with a customer, so nobody is contacted twice by mistake."""

    __tablename__ = "contact_history"
    __table_args__ = (
        Index("ix_contact_history_customer_id_contacted_at", "customer_id", "contacted_at"),
    )

    id: Mapped[intpk]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicle.id"), index=True)
    channel: Mapped[ContactChannel] = mapped_column(str_enum(ContactChannel, 10))
    contacted_at: Mapped[timestamp] = mapped_column(default=utcnow, index=True)
    campaign: Mapped[str80 | None] = mapped_column(index=True)
    program: Mapped[str80 | None]
    template: Mapped[str80 | None]
    outcome: Mapped[str80 | None]
    user: Mapped[str] = mapped_column(String(80), default="")


class Setting(Base):
    """Application settings that live with the data (send windows, prices, sender name...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: JSON-encoded value.
    value: Mapped[str] = mapped_column(String(4000))
