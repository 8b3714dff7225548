"""A small database with two records of one person (GIRARD Paul / GIRRARD Paul) and a bit of
everything that points at a customer."""

from __future__ import annotations

import datetime as dt
import json

from app.models import (
    ContactHistory,
    Customer,
    CustomerAlias,
    Ownership,
    SavedTarget,
    Site,
    Vehicle,
    VehicleSale,
    WorkshopInvoice,
)
from app.models.enums import ContactChannel, FinancingType, SaleKind
from app.models.sms import SmsBatch, SmsKind, SmsMessage, SmsStatus

D = dt.date


def add_customer(s, site, ref, last, first, **kw) -> Customer:
    customer = Customer(dms_ref=ref, site=site, last_name=last, first_name=first, **kw)
    s.add(customer)
    s.flush()
    return customer


def add_life(s, site, customer: Customer, n: int, vin: str | None = None) -> Vehicle:
    """A vehicle with its ownership, an invoice, a sale, a contact and an SMS."""
    vehicle = Vehicle(site_id=site.id, owner=customer, plate=f"AB-{n:03d}-CD", vin=vin, brand="RENAULT")
    s.add(vehicle)
    s.flush()
    s.add(Ownership(vehicle_id=vehicle.id, customer_id=customer.id, start_date=D(2020, 1, n)))
    s.add(
        WorkshopInvoice(
            number=f"F{customer.id}-{n}", date=D(2024, 2, n), site_id=site.id,
            customer_id=customer.id, vehicle_id=vehicle.id, total_cents=12_000,
        )
    )  # fmt: skip
    s.add(
        VehicleSale(
            kind=SaleKind.NEW, site_id=site.id, customer_id=customer.id, vehicle_id=vehicle.id,
            price_cents=2_000_000, financing_type=FinancingType.CASH, order_number=f"C{n}",
        )
    )  # fmt: skip
    s.add(ContactHistory(customer_id=customer.id, channel=ContactChannel.POST, campaign="Rappel"))
    batch = SmsBatch(campaign="Promo", kind=SmsKind.MARKETING, body="x", gateway="file")
    s.add(batch)
    s.flush()
    s.add(
        SmsMessage(
            batch_id=batch.id, customer_id=customer.id, phone="+33612345678", text="x",
            encoding="GSM-7", segments=1, idempotency_key=f"k{customer.id}-{n}",
            status=SmsStatus.SENT,
        )
    )  # fmt: skip
    s.flush()
    return vehicle


def saved_target(s, name: str, removed: list[int]) -> SavedTarget:
    definition = {"format": 1, "name": name, "columns": ["customer.last_name"], "criteria": [],
                  "sort": [], "removed": sorted(removed)}  # fmt: skip
    target = SavedTarget(name=name, definition=json.dumps(definition, ensure_ascii=False))
    s.add(target)
    s.flush()
    return target


def girard_pair(s):
    """(site, GIRARD Paul, GIRRARD Paul) with their vehicles and history, and an alias."""
    site = Site(code="TOURS", name="Garage de Tours")
    s.add(site)
    girard = add_customer(
        s, site, "C001", "GIRARD", "Paul", address1="12 AVENUE FOCH", postal_code="37000",
        city="TOURS", phone_mobile="06 12 34 56 78",
    )  # fmt: skip
    girrard = add_customer(
        s, site, "C777", "GIRRARD", "Paul", address1="12 av. Foch", postal_code="37000",
        city="Tours", phone_mobile="+33 6 12 34 56 78", email="paul.girard@example.fr",
        birth_date=D(1970, 5, 4),
    )  # fmt: skip
    add_life(s, site, girard, 1, vin="VF1AAAAAA11111111")
    add_life(s, site, girrard, 2, vin="VF1BBBBBB22222222")
    add_life(s, site, girrard, 3)
    s.add(CustomerAlias(site_id=site.id, dms_ref="OLD-777", customer_id=girrard.id))
    s.flush()
    return site, girard, girrard
