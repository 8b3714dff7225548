"""A small dealership with known answers for every program type (today fixed: 10/03/2027)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from pathlib import Path

import pytest

from app.export.email.settings import load_settings as email_settings
from app.export.email.settings import save_settings as save_email
from app.export.sms.settings import load_settings as sms_settings
from app.export.sms.settings import save_settings as save_sms
from app.models.activity import VehicleSale, WorkshopInvoice
from app.models.db import open_database
from app.models.dealership import Customer, Ownership, Site, Vehicle
from app.models.enums import BasisKind, Channel, InvoiceType, PreferredChannel, VehicleStatus
from app.models.permissions import record_basis, record_refusal
from app.models.programs import Program, ProgramType
from app.programs.defaults import new_program

TODAY = dt.date(2027, 3, 10)  # a Wednesday
D = dt.date
_numbers = itertools.count(1)


class Shop:
    """Builds customers, vehicles, sales and invoices in one session."""

    def __init__(self, session) -> None:
        self.s = session
        self.site = Site(code="TRS", name="Tours", country="FR")
        session.add(self.site)
        session.flush()

    def customer(self, name: str, *, preferred: str | None = None, fleet: bool = False,
                 email: bool = True, mobile: bool = True, basis: bool = True) -> Customer:  # fmt: skip
        n = next(_numbers)
        c = Customer(
            dms_ref=f"C{n}", site_id=self.site.id, civility="M.", last_name=name,
            first_name="Jean", address1=f"{n} rue des Lilas", postal_code="37000", city="TOURS",
            country="FR", email=f"{name.lower()}@example.fr" if email else None,
            phone_mobile=f"06 12 34 {n // 100:02d} {n % 100:02d}" if mobile else None,
            phone_home=f"02 47 00 {n // 100:02d} {n % 100:02d}", is_fleet=fleet,
            is_company=fleet,
            preferred_channel=PreferredChannel(preferred) if preferred else None,
        )  # fmt: skip
        self.s.add(c)
        self.s.flush()
        if basis:
            for channel in (Channel.SMS, Channel.EMAIL):
                record_basis(self.s, c, channel, BasisKind.CONSENT, D(2020, 1, 1), "test")
        return c

    def vehicle(self, owner: Customer, **dates) -> Vehicle:
        n = next(_numbers)
        v = Vehicle(
            site_id=self.site.id, owner_id=owner.id, plate=f"AB-{n:03d}-CD", brand="RENAULT",
            model="CLIO", energy=dates.pop("energy", "ESSENCE"),
            first_registration=dates.pop("first_registration", D(2020, 1, 15)),
            status=dates.pop("status", VehicleStatus.IN_USE), **dates,
        )  # fmt: skip
        self.s.add(v)
        self.s.flush()
        self.s.add(Ownership(vehicle_id=v.id, customer_id=owner.id, start_date=D(2020, 1, 15)))
        return v

    def sale(self, c: Customer, v: Vehicle, order: dt.date, delivery: dt.date | None,
             kind: str = "new") -> VehicleSale:  # fmt: skip
        s = VehicleSale(
            order_number=f"BC{next(_numbers)}", kind=kind, site_id=self.site.id,
            customer_id=c.id, vehicle_id=v.id, order_date=order, delivery_date=delivery,
            price_cents=2_000_000,
        )  # fmt: skip
        self.s.add(s)
        self.s.flush()
        return s

    def invoice(self, c: Customer, v: Vehicle | None, day: dt.date, km: int | None = None,
                kind: InvoiceType = InvoiceType.CUSTOMER, total: int = 10_000) -> None:  # fmt: skip
        self.s.add(
            WorkshopInvoice(
                number=f"F{next(_numbers)}", date=day, site_id=self.site.id, customer_id=c.id,
                vehicle_id=v.id if v else None, mileage=km, invoice_type=kind, total_cents=total,
            )
        )  # fmt: skip
        self.s.flush()


def configure_channels(session) -> None:
    """SMS (outbox, sender, opt-out mention) and e-mail (a server) set, as a dealership would."""
    sms = sms_settings(session)
    sms.sender_name = "GARAGE"
    sms.optout_mention = "STOP au 36111"
    save_sms(session, sms)
    mail = email_settings(session)
    mail.host = "smtp.example.invalid"
    mail.default.from_address = "atelier@example.fr"
    mail.default.from_name = "Garage"
    mail.default.postal_address = "1 rue de Tours, 37000 TOURS"
    save_email(session, mail)


def add_program(session, kind: ProgramType, **changes) -> Program:
    program = new_program(kind, owner="Sophie")
    templates = changes.pop("templates", None)
    if templates is not None:
        program.templates = json.dumps(templates, ensure_ascii=False)
    for key, value in changes.items():
        setattr(program, key, value)
    session.add(program)
    session.flush()
    return program


@pytest.fixture
def database(db_path: Path):
    """An empty, migrated database: a SQLite file, or with ``CIBLE_TEST_DATABASE_URL`` set
    (CI: PostgreSQL) that server, emptied first, so that the rules run on PostgreSQL too."""
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
        db = open_database(db_path)
    yield db
    db.dispose()


@pytest.fixture
def shop(database):
    with database.session() as session:
        yield Shop(session)


REFUSED_ON = D(2026, 1, 1)


def refuse(session, customer: Customer, channel: Channel, day: dt.date = REFUSED_ON) -> None:
    record_refusal(session, customer, channel, day, "test")


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"
