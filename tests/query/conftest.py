"""A small hand-built dealership: the customers and vehicles of the seed's examples."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from app.models import (
    ContactHistory,
    Customer,
    InvoiceLine,
    Ownership,
    Site,
    Vehicle,
    VehicleSale,
    WorkshopInvoice,
)
from app.models.db import Database, open_database
from app.models.enums import (
    ContactChannel,
    FinancingType,
    InvoiceLineCategory,
    MarketingBasis,
    SaleKind,
    VehicleStatus,
)

TODAY = dt.date(2024, 6, 15)
D = dt.date


def _customer(ref: str, **kw) -> Customer:
    return Customer(dms_ref=ref, **kw)


def build_sample(db: Database) -> dict[str, int]:
    """Fill *db*; return names → ids for the tests."""
    ids: dict[str, int] = {}
    with db.session() as s:
        tours = Site(code="TRS", name="Garage de Tours")
        s.add(tours)
        customers = {
            "dupre": _customer(
                "C1",
                civility="Monsieur",
                last_name="Dupré",
                first_name="Jean",
                postal_code="37000",
                city="Tours",
                phone_mobile="0612345678",
                email="jean@example.fr",
                site=tours,
                marketing_basis=MarketingBasis.CONSENT,
            ),
            "dupont": _customer(
                "C2",
                civility="Monsieur",
                last_name="DUPONT",
                first_name="Luc",
                postal_code="37210",
                city="CHANCAY",
                optout_post=True,
                phone_mobile="0699999999",
                optout_sms=True,
            ),
            "martin": _customer(
                "C3",
                civility="Madame",
                last_name="Martin",
                first_name="Sophie",
                postal_code="78000",
                city="Versailles",
                optout_phone_work=True,
                marketing_basis=MarketingBasis.LEGITIMATE_INTEREST,
            ),
            "arval": _customer(
                "C4",
                is_company=True,
                is_fleet=True,
                company_name="ARVAL SERVICE-LEASE",
                last_name="ARVAL SERVICE-LEASE",
                address1="5 AVENUE KLEBER",
            ),
            "gasnier": _customer(
                "C5",
                civility="Monsieur",
                last_name="GASNIER",
                first_name="JOSEPH",
                postal_code="78660",
                city="ABLIS",
            ),
            "lefevre": _customer(
                "C6",
                civility="Madame",
                last_name="Lefèvre",
                first_name="Élodie",
                postal_code="",
                city="Tours",
                optout_email=True,
            ),
            "oeuvre": _customer("C7", last_name="Œuvre", first_name="Paul", postal_code="37210"),
            "somfy": _customer("C8", is_company=True, company_name="SOMFY SAS", civility="ETS"),
            "dupont_a": _customer(
                "C9",
                civility="Mademoiselle",
                last_name="dupont-aignan",
                first_name="Lucette",
                postal_code="37100",
                city="TOURS",
                optout_post=True,
            ),
            "nulls": _customer("C10", last_name="Sansinfo"),
        }
        s.add_all(customers.values())
        s.flush()

        def vehicle(owner: str | None, **kw) -> Vehicle:
            v = Vehicle(owner=customers[owner] if owner else None, **kw)
            s.add(v)
            return v

        vehicles = {
            "dupre_clio": vehicle(
                "dupre",
                plate="AB-123-CD",
                brand="RENAULT",
                model="CLIO",
                energy="DIESEL",
                first_registration=D(2004, 3, 10),
                mileage=180000,
                purchase_date=D(2004, 3, 1),
                inspection_due_date=D(2024, 7, 1),
                site_id=tours.id,
            ),
            "dupre_laguna": vehicle(
                "dupre",
                plate="BC-234-DE",
                brand="RENAULT",
                model="LAGUNA",
                energy="ESSENCE",
                first_registration=D(2009, 6, 1),
                mileage=90000,
                warranty_end=D(2024, 9, 1),
            ),
            "dupont_clio": vehicle(
                "dupont",
                plate="CD-345-EF",
                brand="RENAULT",
                model="Clio III",
                energy="DIESEL",
                first_registration=D(2008, 5, 5),
                mileage=120000,
            ),
            "dupont_twizy": vehicle(
                "dupont",
                plate="AB451ML",
                brand="RENAULT",
                model="TWIZY",
                energy="ELECTRIQUE",
                first_registration=D(2012, 1, 1),
                is_demo=True,
            ),
            "martin_laguna": vehicle(
                "martin",
                plate="DE-456-FG",
                brand="RENAULT",
                model="Laguna Estate",
                energy="DIESEL",
                first_registration=D(2005, 11, 30),
                mileage=210000,
                mobility_end=D(2024, 5, 1),
            ),
            "martin_mini": vehicle(
                "martin",
                plate="DR160PL",
                brand="MINI",
                model="MINI 1.6i 115 COOPER",
                energy="ESSENCE",
                first_registration=D(2004, 5, 5),
            ),
            "arval_megane1": vehicle(
                "arval",
                plate="EF-567-GH",
                brand="RENAULT",
                model="MEGANE",
                energy="DIESEL",
                first_registration=D(2003, 2, 2),
            ),
            "arval_megane2": vehicle(
                "arval",
                plate="FG-678-HI",
                brand="RENAULT",
                model="MÉGANE",
                energy="DIESEL",
                first_registration=D(2004, 12, 1),
            ),
            "arval_clio_sold": vehicle(
                "arval",
                plate="GH-789-IJ",
                brand="RENAULT",
                model="CLIO",
                first_registration=D(2003, 1, 1),
                status=VehicleStatus.SOLD,
            ),
            "gasnier_mini": vehicle(
                "gasnier",
                plate="5435WJ78",
                brand="AUSTIN",
                model="AUSTIN MINI",
                energy="ESSENCE",
                first_registration=D(1992, 2, 17),
                mileage=250000,
            ),
            "oeuvre_clio": vehicle(
                "oeuvre",
                plate="HI-890-JK",
                brand="RENAULT",
                model="CLIO",
                first_registration=D(2001, 1, 1),
                status=VehicleStatus.SCRAPPED,
            ),
            "somfy_kangoo": vehicle(
                "somfy",
                plate="IJ-901-KL",
                brand="RENAULT",
                model="KANGOO",
                energy="DIESEL",
                first_registration=D(2020, 2, 29),
                genre="CTTE",
            ),
            "dupont_a_twingo": vehicle(
                "dupont_a",
                plate="JK-012-LM",
                brand="RENAULT",
                model="Twingo",
                energy="ESSENCE",
                first_registration=D(2014, 6, 15),
            ),
            "nulls_vehicle": vehicle("nulls"),
            "orphan": vehicle(None, plate="ZZ-999-ZZ", brand="PEUGEOT", model="208"),
        }
        s.flush()
        for v in vehicles.values():
            if v.owner_id is not None:
                s.add(
                    Ownership(
                        vehicle_id=v.id,
                        customer_id=v.owner_id,
                        start_date=v.first_registration or D(2020, 1, 1),
                    )
                )
        # a former owner: Gasnier once owned the Twingo
        s.add(
            Ownership(
                vehicle_id=vehicles["dupont_a_twingo"].id,
                customer_id=customers["gasnier"].id,
                start_date=D(2014, 6, 15),
                end_date=D(2018, 1, 1),
            )
        )

        def invoice(
            number: str, customer: str, vehicle: str | None, day: dt.date, total: int, *cats
        ) -> None:
            inv = WorkshopInvoice(
                number=number,
                customer_id=customers[customer].id,
                vehicle_id=vehicles[vehicle].id if vehicle else None,
                date=day,
                total_cents=total,
            )
            for cat in cats:
                inv.lines.append(InvoiceLine(category=cat, amount_cents=total // len(cats)))
            s.add(inv)

        invoice(
            "F1",
            "dupre",
            "dupre_clio",
            D(2024, 1, 10),
            15050,
            InvoiceLineCategory.LABOUR,
            InvoiceLineCategory.PARTS,
        )
        invoice("F2", "dupre", "dupre_laguna", D(2022, 3, 1), 80000, InvoiceLineCategory.BODYWORK)
        invoice("F3", "dupont", "dupont_clio", D(2021, 5, 5), 9900, InvoiceLineCategory.TYRES)
        invoice("F4", "martin", "martin_laguna", D(2023, 7, 1), 45000, InvoiceLineCategory.LABOUR)
        invoice("F5", "martin", "martin_laguna", D(2024, 6, 1), 12000, InvoiceLineCategory.PARTS)
        invoice("F6", "lefevre", None, D(2024, 2, 2), 5000, InvoiceLineCategory.ACCESSORIES)
        invoice("F7", "arval", "arval_megane1", D(2015, 1, 1), 30000, InvoiceLineCategory.LABOUR)
        invoice(
            "F8",
            "gasnier",
            "gasnier_mini",
            D(2019, 9, 9),
            20000,
            InvoiceLineCategory.BODYWORK,
            InvoiceLineCategory.PARTS,
        )

        def sale(
            customer: str, vehicle: str, kind: SaleKind, delivery: dt.date, price: int, **kw
        ) -> None:
            s.add(
                VehicleSale(
                    customer_id=customers[customer].id,
                    vehicle_id=vehicles[vehicle].id,
                    kind=kind,
                    delivery_date=delivery,
                    price_cents=price,
                    **kw,
                )
            )

        sale(
            "dupre",
            "dupre_laguna",
            SaleKind.USED,
            D(2021, 5, 1),
            1200000,
            financing_type=FinancingType.LOAN,
            lender="DIAC",
            rate=4.9,
            term_months=48,
            monthly_payment_cents=25000,
            financing_start=D(2021, 5, 1),
            financing_end=D(2025, 5, 1),
            salesperson="Paul",
        )
        sale(
            "dupont",
            "dupont_twizy",
            SaleKind.NEW,
            D(2012, 1, 1),
            700000,
            financing_type=FinancingType.CASH,
            salesperson="Anne",
        )
        sale(
            "somfy",
            "somfy_kangoo",
            SaleKind.NEW,
            D(2020, 3, 1),
            1800000,
            financing_type=FinancingType.SPECIALISED_CREDIT,
            lender="Crédit Spécial",
            rate=14.9,
            term_months=60,
            monthly_payment_cents=38000,
            financing_start=D(2020, 3, 1),
            financing_end=D(2025, 3, 1),
        )
        sale(
            "dupont_a",
            "dupont_a_twingo",
            SaleKind.USED,
            D(2018, 1, 2),
            600000,
            financing_type=FinancingType.LEASE,
            lender="diac",
            rate=3.5,
            term_months=36,
            financing_start=D(2018, 1, 2),
            financing_end=D(2021, 1, 2),
        )

        def contact(
            customer: str, when: dt.datetime, channel: ContactChannel, campaign: str | None = None
        ) -> None:
            s.add(
                ContactHistory(
                    customer_id=customers[customer].id,
                    contacted_at=when,
                    channel=channel,
                    campaign=campaign,
                )
            )

        contact("dupre", dt.datetime(2024, 6, 14, 18, 30), ContactChannel.SMS, "CT")
        contact("dupre", dt.datetime(2023, 1, 5, 9, 0), ContactChannel.POST, "Portes ouvertes")
        contact("martin", dt.datetime(2024, 6, 15, 8, 0), ContactChannel.PHONE)
        contact("gasnier", dt.datetime(2020, 1, 1, 12, 0), ContactChannel.POST, "WinBack")
        s.flush()
        ids.update({k: c.id for k, c in customers.items()})
        ids.update({k: v.id for k, v in vehicles.items()})
    return ids


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    """(database, ids) of the sample dealership, built once per test module (read-only).

    With ``CIBLE_TEST_DATABASE_URL`` set (e.g. a PostgreSQL database made for the tests, emptied
    here), the engine's tests run on that server instead of a SQLite file.
    """
    url = os.environ.get("CIBLE_TEST_DATABASE_URL")
    if url:
        from sqlalchemy import create_engine, text

        scratch = create_engine(url)
        with scratch.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        scratch.dispose()
        db = open_database(url)
    else:
        path: Path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
        db = open_database(path)
    ids = build_sample(db)
    yield db, ids
    db.dispose()


@pytest.fixture
def conn(sample):
    db, _ = sample
    with db.engine.connect() as connection:
        yield connection


@pytest.fixture
def ids(sample) -> dict[str, int]:
    return sample[1]
