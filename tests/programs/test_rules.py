"""Each program type on a small dataset with known answers (today fixed: 10/03/2027)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models.dealership import Customer
from app.models.enums import InvoiceType, VehicleStatus
from app.models.programs import ProgramType
from app.programs.rules import ProgramError, add_months, day_number, due, from_day_number
from app.programs.settings import ProgramSettings
from app.query.saved import delete_saved, save_target
from app.query.target import Target
from tests.programs.conftest import TODAY, D, add_program

SETTINGS = ProgramSettings()


def found(shop, program, start=TODAY, end=TODAY) -> set[tuple[str, dt.date, dt.date]]:
    """(customer name, event date, contact date) of the reminders due between start and end."""
    rows = due(shop.s.connection(), program, SETTINGS, start, end, today=TODAY)
    names = {c.id: c.last_name for c in shop.s.query(Customer)}
    return {(names[r.customer_id], r.event_date, r.contact_date) for r in rows}


def test_pre_welcome_is_for_orders_awaiting_delivery(shop) -> None:
    a, b, c = shop.customer("ATTENTE"), shop.customer("LIVRE"), shop.customer("ANCIEN")
    shop.sale(a, shop.vehicle(a), order=D(2027, 3, 8), delivery=D(2027, 4, 2))
    shop.sale(b, shop.vehicle(b), order=D(2027, 3, 8), delivery=D(2027, 3, 8))  # same day
    shop.sale(c, shop.vehicle(c), order=D(2027, 3, 1), delivery=D(2027, 4, 2))
    p = add_program(shop.s, ProgramType.PRE_WELCOME)  # offset +2
    assert found(shop, p) == {("ATTENTE", D(2027, 3, 8), TODAY)}


@pytest.mark.parametrize(
    ("kind", "delivered"),
    [
        (ProgramType.WELCOME, D(2027, 3, 7)),  # +3
        (ProgramType.COURTESY_CALL, D(2027, 3, 9)),  # +1: 24-48 h
        (ProgramType.THANKS_PURCHASE, D(2027, 3, 3)),  # +7
    ],
)
def test_delivery_programs(shop, kind: ProgramType, delivered: dt.date) -> None:
    a, b = shop.customer("BON"), shop.customer("AUTRE")
    shop.sale(a, shop.vehicle(a), order=delivered - dt.timedelta(days=20), delivery=delivered)
    shop.sale(b, shop.vehicle(b), order=D(2027, 1, 1), delivery=D(2027, 2, 1))
    fleet = shop.customer("ARVAL", fleet=True)
    shop.sale(fleet, shop.vehicle(fleet), order=D(2027, 1, 1), delivery=delivered)
    p = add_program(shop.s, kind)
    assert found(shop, p) == {("BON", delivered, TODAY)}


def test_courtesy_call_six_months_after_delivery(shop) -> None:
    a, b = shop.customer("SIXMOIS"), shop.customer("CINQMOIS")
    shop.sale(a, shop.vehicle(a), order=D(2026, 8, 1), delivery=D(2026, 9, 10))
    shop.sale(b, shop.vehicle(b), order=D(2026, 9, 1), delivery=D(2026, 10, 10))
    p = add_program(shop.s, ProgramType.COURTESY_6M)
    assert found(shop, p) == {("SIXMOIS", TODAY, TODAY)}


def test_purchase_anniversaries_only_for_cars_still_owned(shop) -> None:
    a, b, c = shop.customer("DEUXANS"), shop.customer("REVENDU"), shop.customer("DEMAIN")
    shop.sale(a, shop.vehicle(a), order=D(2025, 2, 1), delivery=D(2025, 3, 10))
    sold = shop.vehicle(b, status=VehicleStatus.SOLD)
    shop.sale(b, sold, order=D(2024, 2, 1), delivery=D(2024, 3, 10))
    shop.sale(c, shop.vehicle(c), order=D(2024, 2, 1), delivery=D(2024, 3, 11))
    p = add_program(shop.s, ProgramType.ANNIVERSARY)
    assert found(shop, p) == {("DEUXANS", TODAY, TODAY)}
    assert found(shop, p, TODAY, D(2027, 3, 11)) == {
        ("DEUXANS", TODAY, TODAY),
        ("DEMAIN", D(2027, 3, 11), D(2027, 3, 11)),
    }


def test_service_reminder_dms_date_and_recent_service(shop) -> None:
    a, b = shop.customer("DMS"), shop.customer("RECENT")
    shop.vehicle(a, next_service_date=D(2027, 4, 9))  # offset -30
    v = shop.vehicle(b, next_service_date=D(2027, 4, 9))
    shop.invoice(b, v, D(2027, 2, 1), km=40_000)  # serviced 37 days ago (< 60)
    p = add_program(shop.s, ProgramType.SERVICE)
    assert found(shop, p) == {("DMS", D(2027, 4, 9), TODAY)}


def test_service_reminder_computed_by_mileage_and_by_time(shop) -> None:
    # 100 km a day between the two invoices: 20,000 km come 200 days after the last service,
    # before the yearly interval
    a = shop.customer("KM")
    v = shop.vehicle(a)
    shop.invoice(a, v, D(2025, 9, 10), km=10_000)
    shop.invoice(a, v, D(2026, 9, 10), km=46_500)
    # the vehicle's own newer reading: same pace, 10,000 km since the service on 19/12/2026
    b = shop.customer("RELEVE")
    w = shop.vehicle(b, mileage=56_500, mileage_date=D(2026, 12, 19))
    shop.invoice(b, w, D(2025, 9, 10), km=10_000)
    shop.invoice(b, w, D(2026, 9, 10), km=46_500)
    # electric: 730 days or 30,000 km; 10 km a day since the first registration: by time
    c = shop.customer("ELEC")
    e = shop.vehicle(c, energy="ELECTRIQUE", first_registration=D(2024, 9, 10))
    shop.invoice(c, e, D(2026, 9, 10), km=7_300)
    # a warranty invoice is a service too; an internal one is not
    d = shop.customer("TEMPS")
    t = shop.vehicle(d)
    shop.invoice(d, t, D(2026, 3, 20), km=5_000, kind=InvoiceType.WARRANTY)
    shop.invoice(d, t, D(2026, 12, 20), km=6_000, kind=InvoiceType.INTERNAL)
    p = add_program(shop.s, ProgramType.SERVICE)
    got = found(shop, p, D(2027, 1, 1), D(2028, 12, 31))
    assert got == {
        ("KM", D(2027, 3, 29), D(2027, 2, 27)),
        ("RELEVE", D(2027, 3, 29), D(2027, 2, 27)),
        ("ELEC", D(2028, 9, 9), D(2028, 8, 10)),
        ("TEMPS", D(2027, 3, 20), D(2027, 2, 18)),
    }


@pytest.mark.parametrize(
    ("kind", "column", "event"),
    [
        (ProgramType.INSPECTION, "inspection_due_date", D(2027, 4, 9)),
        (ProgramType.WARRANTY_END, "warranty_end", D(2027, 5, 9)),
        (ProgramType.EXT_WARRANTY_END, "extended_warranty_end", D(2027, 5, 9)),
        (ProgramType.MOBILITY_END, "mobility_end", D(2027, 4, 9)),
    ],
)
def test_vehicle_date_programs(shop, kind: ProgramType, column: str, event: dt.date) -> None:
    a, b, c = shop.customer("ECHEANCE"), shop.customer("PLUSTARD"), shop.customer("EPAVE")
    shop.vehicle(a, **{column: event})
    shop.vehicle(b, **{column: event + dt.timedelta(days=1)})
    shop.vehicle(c, status=VehicleStatus.SCRAPPED, **{column: event})
    p = add_program(shop.s, kind)
    assert found(shop, p) == {("ECHEANCE", event, TODAY)}


def test_warranty_end_skips_cars_with_a_longer_extended_warranty(shop) -> None:
    a, b = shop.customer("SANS"), shop.customer("ETENDUE")
    shop.vehicle(a, warranty_end=D(2027, 5, 9))
    shop.vehicle(b, warranty_end=D(2027, 5, 9), extended_warranty_end=D(2029, 5, 9))
    p = add_program(shop.s, ProgramType.WARRANTY_END)
    assert found(shop, p) == {("SANS", D(2027, 5, 9), TODAY)}


def test_thank_you_after_a_customer_workshop_visit(shop) -> None:
    a, b = shop.customer("CLIENT"), shop.customer("GARANTIE")
    v = shop.vehicle(a)
    shop.invoice(a, v, D(2027, 2, 24))  # +14
    shop.invoice(a, v, D(2027, 2, 24))  # two invoices that day: one thank-you
    shop.invoice(b, shop.vehicle(b), D(2027, 2, 24), kind=InvoiceType.WARRANTY)
    p = add_program(shop.s, ProgramType.THANKS_WORKSHOP)
    assert found(shop, p) == {("CLIENT", D(2027, 2, 24), TODAY)}


def test_seasons_greetings_on_the_programs_date_each_year(shop) -> None:
    a, b = shop.customer("ACHETEUR"), shop.customer("ATELIER")
    shop.sale(a, shop.vehicle(a), order=D(2024, 1, 1), delivery=D(2024, 2, 1))
    shop.invoice(b, shop.vehicle(b), D(2027, 1, 5))
    p = add_program(shop.s, ProgramType.GREETINGS, schedule_date=D(2026, 12, 15))
    assert found(shop, p, D(2027, 12, 1), D(2027, 12, 31)) == {
        ("ACHETEUR", D(2027, 12, 15), D(2027, 12, 15))
    }
    assert found(shop, p) == set()


def test_newsletter_with_a_saved_target_and_a_date(shop, database) -> None:
    a, b = shop.customer("MARTIN"), shop.customer("DURAND")
    for c in (a, b):
        shop.invoice(c, shop.vehicle(c), D(2026, 6, 1))
    from app.query.criteria import Condition, Group, Op

    target = Target(
        name="Les Martin",
        criteria=Group("all", [Condition("customer.last_name", Op.EQ, ["MARTIN"])]),
    )
    save_target(shop.s.connection(), target, owner="test")
    from app.models.targets import SavedTarget

    saved = shop.s.query(SavedTarget).one()
    p = add_program(
        shop.s, ProgramType.NEWSLETTER, schedule_date=TODAY, target_id=saved.id,
        target_name=saved.name,
    )  # fmt: skip
    assert found(shop, p) == {("MARTIN", TODAY, TODAY)}
    p.target_id = None
    p.target_name = None
    assert found(shop, p) == {("MARTIN", TODAY, TODAY), ("DURAND", TODAY, TODAY)}
    p.target_id, p.target_name = saved.id, saved.name
    shop.s.flush()
    delete_saved(shop.s.connection(), saved.name)
    shop.s.expire_all()
    with pytest.raises(ProgramError, match="Les Martin"):
        found(shop, p)


def test_extra_criteria_narrow_the_rule(shop) -> None:
    a, b = shop.customer("RENAULT"), shop.customer("PEUGEOT")
    shop.vehicle(a, inspection_due_date=D(2027, 4, 9))
    v = shop.vehicle(b, inspection_due_date=D(2027, 4, 9))
    v.brand = "PEUGEOT"
    p = add_program(
        shop.s, ProgramType.INSPECTION,
        criteria='{"group": "all", "children": [{"field": "vehicle.brand", "op": "in", "values": ["PEUGEOT"]}]}',
    )  # fmt: skip
    assert found(shop, p) == {("PEUGEOT", D(2027, 4, 9), TODAY)}


def test_recorded_events_are_not_due_again(shop) -> None:
    from app.models.programs import ContactStatus, ProgramContact

    a = shop.customer("DEJA")
    v = shop.vehicle(a, inspection_due_date=D(2027, 4, 9))
    p = add_program(shop.s, ProgramType.INSPECTION)
    shop.s.add(
        ProgramContact(
            customer_id=a.id, vehicle_id=v.id, vehicle_key=v.id, event_kind="inspection_due",
            event_date=D(2027, 4, 9), contact_date=D(2027, 3, 1), status=ContactStatus.LETTER,
        )
    )  # fmt: skip
    shop.s.flush()
    assert found(shop, p) == set()


@given(st.dates(dt.date(1971, 1, 1), dt.date(2100, 12, 31)))
def test_day_numbers_round_trip(day: dt.date) -> None:
    assert from_day_number(day_number(day)) == day


@given(st.dates(dt.date(1971, 1, 1), dt.date(2100, 12, 31)), st.integers(-240, 240))
def test_add_months_keeps_the_day_or_the_months_last(day: dt.date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day < day.day
