"""The SMS funnel for any customers: counts add up, nobody who must not get one gets one."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from app.export.sms.phones import customer_regions, normalise_in
from app.export.sms.recipients import plan_send
from app.export.sms.settings import SmsSettings
from app.models import ContactHistory, Customer, Site, Vehicle
from app.models.enums import MarketingBasis
from app.models.sms import SmsKind
from app.query.target import Target

NOW = dt.datetime(2026, 5, 20, 14, 0, tzinfo=dt.UTC)
PHONES = [
    None,
    "",
    "06 12 34 56 78",
    "+33 6 12 34 56 78",  # the same number written another way
    "07 81 22 33 44",
    "02 47 11 22 33",  # landline
    "0612",  # invalid
    "079 123 45 67",  # a Swiss mobile, or a French one, depending on the site
]
SETTINGS = SmsSettings(sender_name="GARAGE", optout_mention="STOP au 36111", recent_days=30)

customer_st = st.fixed_dictionaries(
    {
        "mobile": st.sampled_from(PHONES),
        "home": st.sampled_from(PHONES),
        "optout": st.booleans(),
        "basis": st.sampled_from(list(MarketingBasis)),
        "swiss": st.booleans(),
        "vehicles": st.integers(0, 2),
        "texted_days_ago": st.sampled_from([None, 3, 60]),
    }
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(people=st.lists(customer_st, max_size=12), kind=st.sampled_from(list(SmsKind)))
def test_funnel_for_any_customers(database, people, kind) -> None:
    with database.session() as s:
        for table in (ContactHistory, Vehicle, Customer, Site):
            s.execute(delete(table))
    with database.session() as s:
        fr, ch = (
            Site(code="FR", name="Tours", country="FR"),
            Site(code="CH", name="GVA", country="CH"),
        )
        s.add_all([fr, ch])
        s.flush()
        for i, p in enumerate(people):
            c = Customer(
                dms_ref=str(i),
                last_name=f"C{i}",
                site_id=(ch if p["swiss"] else fr).id,
                phone_mobile=p["mobile"],
                phone_home=p["home"],
                optout_sms=p["optout"],
                marketing_basis=p["basis"],
            )
            s.add(c)
            s.flush()
            for _ in range(p["vehicles"]):
                s.add(Vehicle(owner_id=c.id, model="CLIO"))
            if p["texted_days_ago"] is not None:
                when = NOW.replace(tzinfo=None) - dt.timedelta(days=p["texted_days_ago"])
                s.add(ContactHistory(customer_id=c.id, channel="sms", contacted_at=when))
    with database.engine.connect() as conn:
        plan = plan_send(conn, Target(), "Bonjour {nom}", kind, SETTINGS, now=NOW)

    steps = plan.funnel.steps
    assert steps[0].count == sum(max(1, p["vehicles"]) for p in people)
    for before, after in zip(steps, steps[1:], strict=False):
        assert after.count == before.count - len(after.dropped)
    kept = plan.recipients
    phones = [r.phone.e164 for r in kept]
    assert len(phones) == len(set(phones))  # one SMS per number
    by_id = {f"C{i}": p for i, p in enumerate(people)}
    for r in kept:
        p = by_id[r.name]
        assert r.phone.can_receive_sms
        assert not p["optout"]
        if kind is SmsKind.MARKETING:
            assert p["basis"] is not MarketingBasis.NONE
            assert p["texted_days_ago"] != 3
            assert r.text.endswith("\nSTOP au 36111")
        else:
            assert r.text == f"Bonjour {r.name}"
    # everyone who could get one does, unless someone kept has the same number
    for i, p in enumerate(people):
        # the customer's country (FR by default) first, then the site's; a number valid in
        # both with two meanings is ambiguous: not sent
        regions, both = customer_regions("FR", "CH" if p["swiss"] else "FR")
        mobiles = [normalise_in(x, regions, both=both) for x in (p["mobile"], p["home"])]
        mobile = next((m for m in mobiles if m.can_receive_sms), None)
        if mobile is None:
            assert not any(r.name == f"C{i}" for r in kept)
        # a kept customer gets the number read without ambiguity, never a guess
        assert all(r.phone.e164 == mobile.e164 for r in kept if r.name == f"C{i}")
        eligible = (
            mobile is not None
            and not p["optout"]
            and (
                kind is SmsKind.SERVICE
                or (p["basis"] is not MarketingBasis.NONE and p["texted_days_ago"] != 3)
            )
        )
        if eligible:
            assert mobile.e164 in phones, (i, p)
