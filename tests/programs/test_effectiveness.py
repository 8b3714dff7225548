"""Did it work: came back, revenue, control group, confidence intervals (known answers)."""

from __future__ import annotations

import math

import pytest

from app.models.enums import InvoiceType
from app.models.programs import ContactStatus, ProgramContact, ProgramRun, ProgramType, RunResult
from app.programs.effectiveness import (
    MIN_GROUP,
    mean_difference,
    program_series,
    program_total,
    rate_difference,
)
from tests.programs.conftest import TODAY, D, add_program


def test_rate_difference_known_answer() -> None:
    # 60/200 came back against 20/100: difference 0.10, SE = sqrt(.3*.7/200 + .2*.8/100)
    diff, (low, high) = rate_difference(60, 200, 20, 100)
    se = math.sqrt(0.3 * 0.7 / 200 + 0.2 * 0.8 / 100)
    assert diff == pytest.approx(0.10)
    assert low == pytest.approx(0.10 - 1.959964 * se, abs=1e-6)
    assert high == pytest.approx(0.10 + 1.959964 * se, abs=1e-6)
    assert low == pytest.approx(-0.0009, abs=1e-4) and high == pytest.approx(0.2009, abs=1e-4)


def test_not_enough_data_yet() -> None:
    assert rate_difference(10, MIN_GROUP - 1, 5, 100) is None
    assert rate_difference(2, 100, 20, 100) is None  # too few came back to say anything
    assert rate_difference(98, 100, 20, 100) is None  # too few did not
    assert mean_difference([1] * 10, [2] * 40) is None


def test_mean_difference_known_answer() -> None:
    a = [100, 300] * 20  # mean 200, variance 10,256.41...
    b = [100] * 39 + [140]  # mean 101
    diff, (low, high) = mean_difference(a, b)
    assert diff == pytest.approx(99)
    se = math.sqrt(
        (sum((x - 200) ** 2 for x in a) / 39) / 40 + (sum((x - 101) ** 2 for x in b) / 39) / 40
    )
    assert high - low == pytest.approx(2 * 1.959964 * se, abs=1e-3)


def test_program_series_counts_customers_who_came_back(shop, database) -> None:
    program = add_program(shop.s, ProgramType.SERVICE, control_percent=50)
    run = ProgramRun(program_id=program.id, day=TODAY, result=RunResult.DONE)
    shop.s.add(run)
    shop.s.flush()
    came = []
    for i in range(6):
        c = shop.customer(f"C{i}")
        control = i >= 3
        for _car in range(2 if i == 0 else 1):  # C0 reminded for two cars: counted once
            v = shop.vehicle(c)
            shop.s.add(
                ProgramContact(
                    program_id=program.id, run_id=run.id, customer_id=c.id, vehicle_id=v.id,
                    vehicle_key=v.id, event_kind="service_due", event_date=D(2027, 4, 1),
                    contact_date=TODAY, channel=None if control else "sms",
                    status=ContactStatus.CONTROL if control else ContactStatus.PENDING,
                    is_control=control,
                )
            )  # fmt: skip
        came.append(c)
    shop.invoice(came[0], None, D(2027, 3, 20), total=25_000)  # within 90 days: came back
    shop.invoice(came[0], None, D(2027, 3, 25), total=5_000)
    shop.invoice(came[1], None, TODAY, total=99_999)  # the same day: not after the contact
    shop.invoice(came[2], None, D(2027, 7, 1), total=1_000)  # 113 days: too late
    shop.invoice(came[3], None, D(2027, 4, 1), total=12_000)  # control, came back
    shop.invoice(came[4], None, D(2027, 4, 1), kind=InvoiceType.WARRANTY, total=7_000)
    shop.s.commit()
    (effect,) = program_series(database, program.id)
    assert effect.run_id == run.id and effect.day == TODAY
    assert (effect.contacted.customers, effect.contacted.came_back) == (3, 1)
    assert effect.contacted.revenue_total_cents == 30_000
    assert (effect.control.customers, effect.control.came_back) == (3, 1)
    assert effect.control.revenue_total_cents == 12_000
    assert not effect.comparison.enough_data
    total = program_total(database, program.id)
    assert total.contacted.customers == 3 and not total.comparison.enough_data
