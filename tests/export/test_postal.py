"""The postal permissions funnel: counts, reasons, households, refusals read at export time."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from app.export.postal import PostalAddress, postal_funnel, reason_counts
from app.models import ContactHistory, Customer
from app.models.db import open_database
from app.models.enums import ContactChannel
from tests.export.mailing_sample import TODAY, build_mailing_sample, everyone


@pytest.fixture(scope="module")
def mailing(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("postal") / "p.sqlite")
    ids = build_mailing_sample(db)
    yield db, ids
    db.dispose()


def counts(result) -> dict[str, int]:
    return {step.key: step.count for step in result.steps}


def test_steps_counts_and_reasons(mailing) -> None:
    db, ids = mailing
    with db.engine.connect() as conn:
        result = postal_funnel(conn, everyone(), today=TODAY, contacted_within_days=30, lang="en")
    assert counts(result) == {
        "target": 16,
        "address": 11,
        "customer": 8,
        "refusal": 6,
        "recent": 4,
        "final": 4,
    }
    assert [s.key for s in result.steps] == [
        "target",
        "address",
        "customer",
        "refusal",
        "recent",
        "final",
    ]
    address = result.steps[1]
    assert dict(reason_counts(address)) == {
        "no postal code": 3,  # ARVAL's two vehicles and Lefèvre
        "no city": 1,
        "no address line": 1,
    }
    refused = {r.customer_id for r, _ in result.steps[3].dropped}
    assert refused == {ids["dupont"], ids["dupont_a"]}
    assert {reason for _, reason in result.steps[3].dropped} == {"refuses postal contact"}
    recent = {r.customer_id for r, _ in result.steps[4].dropped}
    assert recent == {ids["dupre"], ids["martin"]}
    assert set(result.customer_ids) == {
        ids["gasnier"],
        ids["somfy"],
        ids["gasnier_m"],
        ids["petit"],
    }
    assert result.summary_lines()[0] == "In the target: 16"
    assert result.summary_lines()[-2] == "Not contacted in the last 30 days: 4 (-2)"


def test_one_row_per_vehicle_stays_with_its_customer(mailing) -> None:
    db, ids = mailing
    with db.engine.connect() as conn:
        result = postal_funnel(conn, everyone(), today=TODAY)
    by_id = {r.customer_id: r for r in result.recipients}
    assert [row.values[3] for row in by_id[ids["dupre"]].rows] == ["AB-123-CD", "BC-234-DE"]
    # dupre 2, martin 2, gasnier, somfy, petit, and Madame Gasnier without a vehicle
    assert result.vehicle_count == 8
    assert "recent" not in counts(result)


def test_households_share_an_address_written_differently(mailing) -> None:
    db, ids = mailing
    with db.engine.connect() as conn:
        result = postal_funnel(conn, everyone(), today=TODAY, household=True, lang="fr")
    step = {s.key: s for s in result.steps}["household"]
    assert step.count == 7
    assert [(r.customer_id, reason) for r, reason in step.dropped] == [
        (ids["gasnier_m"], "même adresse qu’un autre client")
    ]
    head = {r.customer_id: r for r in result.recipients}[ids["gasnier"]]
    assert head.household == [ids["gasnier"], ids["gasnier_m"]]


def test_refusal_is_read_at_export_time_not_from_the_target(tmp_path) -> None:
    db = open_database(tmp_path / "late.sqlite")
    ids = build_mailing_sample(db)
    # a target with no criterion on refusals: the funnel checks them itself
    target = everyone(columns=["customer.last_name"])
    with db.engine.connect() as conn:
        before = postal_funnel(conn, target, today=TODAY)
    assert ids["somfy"] in before.customer_ids
    assert ids["dupont"] not in before.customer_ids
    # the refusal is recorded after the target was built and run once
    with db.session() as s:
        s.execute(update(Customer).where(Customer.id == ids["somfy"]).values(optout_post=True))
    with db.engine.connect() as conn:
        after = postal_funnel(conn, target, today=TODAY)
    assert ids["somfy"] not in after.customer_ids
    assert after.final_count == before.final_count - 1
    db.dispose()


def test_a_household_member_who_refuses_or_was_contacted_removes_the_household(tmp_path) -> None:
    db = open_database(tmp_path / "home.sqlite")
    ids = build_mailing_sample(db)
    with db.session() as s:
        s.add(
            ContactHistory(
                customer_id=ids["gasnier_m"],
                contacted_at=dt.datetime(2024, 6, 1, 10, 0),
                channel=ContactChannel.POST,
            )
        )
    with db.engine.connect() as conn:
        result = postal_funnel(
            conn, everyone(), today=TODAY, household=True, contacted_within_days=30, lang="en"
        )
        assert ids["gasnier"] not in result.customer_ids
        recent = {s.key: s for s in result.steps}["recent"]
        assert (ids["gasnier"], "a member of the household was contacted recently") in [
            (r.customer_id, why) for r, why in recent.dropped
        ]
        # only SMS contacts count: the letter sent to Madame Gasnier does not
        result = postal_funnel(
            conn,
            everyone(),
            today=TODAY,
            household=True,
            contacted_within_days=30,
            contact_channels=[ContactChannel.SMS],
        )
        assert ids["gasnier"] in result.customer_ids and ids["dupre"] not in result.customer_ids
    with db.session() as s:
        s.execute(update(Customer).where(Customer.id == ids["gasnier_m"]).values(optout_post=True))
    with db.engine.connect() as conn:
        result = postal_funnel(conn, everyone(), today=TODAY, household=True)
        assert ids["gasnier"] not in result.customer_ids
        result = postal_funnel(conn, everyone(), today=TODAY, household=False)
        assert ids["gasnier"] in result.customer_ids
    db.dispose()


def test_removed_customers_never_enter_the_funnel(mailing) -> None:
    db, ids = mailing
    with db.engine.connect() as conn:
        result = postal_funnel(conn, everyone(removed={ids["somfy"]}), today=TODAY)
    assert result.steps[0].count == 15
    assert ids["somfy"] not in result.customer_ids


def test_contact_window_counts_whole_days(mailing) -> None:
    db, ids = mailing
    with db.engine.connect() as conn:
        # Dupré's SMS of 14/06 18:30 is within 1 day of 15/06, not within 0 days
        one = postal_funnel(conn, everyone(), today=TODAY, contacted_within_days=1)
        zero = postal_funnel(conn, everyone(), today=TODAY, contacted_within_days=0)
    assert ids["dupre"] not in one.customer_ids
    assert ids["dupre"] in zero.customer_ids and ids["martin"] not in zero.customer_ids


def _address(**kw) -> PostalAddress:
    values = dict(
        customer_id=1,
        civility="Madame",
        first_name="Sophie",
        last_name="Martin",
        company="",
        is_company=False,
        lines=("3 avenue de Paris",),
        postal_code="78000",
        city="Versailles",
        country="FR",
        optout_post=False,
    )
    values.update(kw)
    return PostalAddress(**values)


def test_address_rules_and_block() -> None:
    assert _address().problem() is None
    assert _address().block() == ["Madame Sophie MARTIN", "3 avenue de Paris", "78000 VERSAILLES"]
    assert _address(postal_code="7800").problem() == "bad_postal_code"
    assert _address(postal_code="1000", country="BE").problem() is None
    assert _address(country="BE").block()[-1] == "BE"
    assert _address(lines=()).problem() == "no_street"
    assert _address(city="").problem() == "no_city"
    company = _address(is_company=True, company="SOMFY SAS", civility="ETS")
    assert company.recipient == "SOMFY SAS"


# --- for any data: nobody who refused, was removed or contacted gets a letter -----------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sqlalchemy import delete, insert  # noqa: E402

from app.models import Vehicle  # noqa: E402

_person = st.fixed_dictionaries(
    {
        "street": st.sampled_from(["", "1 rue A", "1, RUE A", "2 rue B"]),
        "postal_code": st.sampled_from(["", "37000", "3700"]),
        "city": st.sampled_from(["", "Tours", "TOURS"]),
        "optout_post": st.booleans(),
        "contacted_days_ago": st.one_of(st.none(), st.integers(0, 60)),
        "vehicles": st.integers(0, 2),
        "removed": st.booleans(),
    }
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("prop") / "prop.sqlite")
    yield db
    db.dispose()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(_person, min_size=1, max_size=10),
    household=st.booleans(),
    cap=st.one_of(st.none(), st.integers(0, 45)),
)
def test_funnel_rules_hold_for_any_customers(scratch, people, household, cap) -> None:
    with scratch.engine.begin() as conn:
        for table in (ContactHistory, Vehicle, Customer):
            conn.execute(delete(table))
        for i, p in enumerate(people, start=1):
            conn.execute(
                insert(Customer.__table__).values(
                    id=i, dms_ref=f"P{i}", last_name=f"N{i}", address1=p["street"],
                    postal_code=p["postal_code"], city=p["city"], optout_post=p["optout_post"],
                    country="FR", is_company=False, is_fleet=False,
                )
            )  # fmt: skip
            for v in range(p["vehicles"]):
                conn.execute(insert(Vehicle.__table__).values(owner_id=i, plate=f"{i}-{v}"))
            if p["contacted_days_ago"] is not None:
                when = dt.datetime.combine(TODAY, dt.time(9)) - dt.timedelta(
                    days=p["contacted_days_ago"]
                )
                conn.execute(
                    insert(ContactHistory.__table__).values(
                        customer_id=i, channel="post", contacted_at=when, user=""
                    )
                )
    removed = {i for i, p in enumerate(people, start=1) if p["removed"]}
    with scratch.engine.connect() as conn:
        result = postal_funnel(
            conn, everyone(removed=removed), today=TODAY, household=household,
            contacted_within_days=cap,
        )  # fmt: skip
    # every step's count is the previous one minus the ones it dropped
    for before, step in zip(result.steps, result.steps[1:], strict=False):
        assert step.count == before.count - len(step.dropped)
    assert result.steps[0].count == sum(
        max(1, p["vehicles"]) for i, p in enumerate(people, start=1) if i not in removed
    )

    def eligible(i: int) -> bool:
        p = people[i - 1]
        recent = p["contacted_days_ago"] is not None and (
            cap is not None and p["contacted_days_ago"] <= cap
        )
        usable = p["street"] and p["postal_code"] == "37000" and p["city"]
        return bool(usable) and not p["optout_post"] and not recent and i not in removed

    final = set(result.customer_ids)
    assert all(eligible(i) for i in final)  # never someone who refused, was removed or contacted
    assert len(final) == len(result.recipients)  # one letter per customer
    if not household:
        assert final == {i for i in range(1, len(people) + 1) if eligible(i)}
    else:
        keys = [r.address.household_key() for r in result.recipients]
        assert len(keys) == len(set(keys))  # one letter per home
        for r in result.recipients:
            assert all(eligible(m) for m in r.household)
