"""The ORM schema round-trips on a real (migrated) database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.models import (
    ContactHistory,
    Customer,
    InvoiceLine,
    Ownership,
    SaleProduct,
    Site,
    Vehicle,
    VehicleSale,
    WorkshopInvoice,
)
from app.models.enums import (
    ContactChannel,
    FinancingType,
    InvoiceLineCategory,
    MarketingBasis,
    SaleKind,
    SaleProductKind,
    VehicleStatus,
)


def test_create_insert_query_round_trip(database) -> None:
    with database.session() as s:
        site = Site(code="TRS", name="Garage de Tours", country="FR")
        customer = Customer(
            dms_ref="C001",
            site=site,
            civility="Madame",
            last_name="Dupré",
            first_name="Élodie",
            postal_code="37000",
            city="Tours",
            phone_mobile="06 12 34 56 78",
            optout_post=True,
            optout_post_date=dt.date(2024, 3, 1),
            optout_post_source="courrier",
            marketing_basis=MarketingBasis.CONSENT,
        )
        vehicle = Vehicle(
            plate="AB-123-CD",
            vin="VF1RFB00123456789",
            brand="RENAULT",
            model="Clio",
            first_registration=dt.date(2005, 6, 1),
            owner=customer,
        )
        s.add_all([site, customer, vehicle])
        s.flush()
        s.add(
            Ownership(
                vehicle_id=vehicle.id, customer_id=customer.id, start_date=dt.date(2005, 6, 1)
            )
        )
        invoice = WorkshopInvoice(
            number="F1",
            date=dt.date(2025, 1, 10),
            customer_id=customer.id,
            vehicle_id=vehicle.id,
            total_cents=15000,
            discount_cents=500,
            lines=[
                InvoiceLine(
                    category=InvoiceLineCategory.LABOUR, amount_cents=10000, discount_cents=500
                ),
                InvoiceLine(category=InvoiceLineCategory.PARTS, amount_cents=5000),
            ],
        )
        sale = VehicleSale(
            kind=SaleKind.USED,
            customer_id=customer.id,
            vehicle_id=vehicle.id,
            price_cents=900000,
            financing_type=FinancingType.SPECIALISED_CREDIT,
            rate=14.9,
            term_months=60,
            financing_start=dt.date(2022, 1, 15),
            financing_end=dt.date(2027, 1, 15),
            products=[SaleProduct(kind=SaleProductKind.EXTENDED_WARRANTY, name="Garantie 5 ans")],
        )
        s.add_all(
            [invoice, sale, ContactHistory(customer_id=customer.id, channel=ContactChannel.SMS)]
        )

    with database.session() as s:
        got = s.scalars(select(Customer).where(Customer.last_name_fold.like("DUP%"))).one()
        assert got.first_name_fold == "ELODIE"
        assert got.vehicles[0].model_fold == "CLIO"
        assert got.vehicles[0].status is VehicleStatus.IN_USE
        assert got.marketing_basis is MarketingBasis.CONSENT
        assert got.optout_post and got.optout_post_date == dt.date(2024, 3, 1)
        assert s.scalar(select(func.sum(InvoiceLine.amount_cents))) == 15000
        assert s.scalars(select(VehicleSale)).one().products[0].name == "Garantie 5 ans"
        assert s.scalar(select(func.count()).select_from(ContactHistory)) == 1


def test_foreign_keys_are_enforced(database) -> None:
    with pytest.raises(IntegrityError):
        with database.session() as s:
            s.add(Vehicle(plate="X", owner_id=999))


def test_enum_columns_reject_unknown_values(database) -> None:
    from sqlalchemy import text

    with pytest.raises(IntegrityError):
        with database.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO vehicle (category, status, is_demo, created_at) "
                    "VALUES ('VP', 'flying', 0, '2020-01-01')"
                )
            )


def test_every_foreign_key_is_indexed(database) -> None:
    from sqlalchemy import inspect

    insp = inspect(database.engine)
    for table in insp.get_table_names():
        indexed = {tuple(ix["column_names"])[0] for ix in insp.get_indexes(table)}
        indexed |= {tuple(uq["column_names"])[0] for uq in insp.get_unique_constraints(table)}
        indexed |= set(insp.get_pk_constraint(table)["constrained_columns"][:1])  # an index too
        for fk in insp.get_foreign_keys(table):
            column = fk["constrained_columns"][0]
            assert column in indexed, f"{table}.{column} has no index"
