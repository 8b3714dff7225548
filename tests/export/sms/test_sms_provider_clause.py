"""OVHcloud appends its own STOP clause to advertising SMS: the planner knows the gateway, adds
no mention of its own there, and counts the clause in the segments and the cost, so what the
user is shown is what OVHcloud bills. The other gateways keep Cible's mention."""

from __future__ import annotations

import pytest
from fake_providers import OVH_STOP_CLAUSE, FakeProvider
from smskit import LATER, make_batch, messages, plan, save_sms_settings

from app.export.sms.encoding import analyse
from app.export.sms.gateway import HttpGateway, OutboxGateway
from app.export.sms.providers import OvhGateway
from app.export.sms.sender import send_due
from app.models.sms import SmsKind, SmsStatus

#: 150 GSM-7 characters: one SMS alone, two with OVHcloud's clause (161) or the mention (164).
LONG = "Portes ouvertes samedi et dimanche: essais, reprise et financement. " * 2
LONG = (LONG + "x" * 150)[:150]


def ovh_settings(db, **changes):
    values = {"service": "sms-ab12345-1", "account": "ovh-app-key", **changes.pop("values", {})}
    return save_sms_settings(db, gateway="ovh", providers={"ovh": values}, **changes)


def test_ovhcloud_marketing_carries_its_clause_not_ciblés_mention(sms_db) -> None:
    db, _ids = sms_db
    ovh_settings(db)
    the_plan = plan(db, LONG)
    assert the_plan.clause == OVH_STOP_CLAUSE
    for r in the_plan.recipients:
        assert r.text == LONG  # what Cible sends: no mention of its own
        assert the_plan.as_received(r) == LONG + "\nSTOP:36111"
        assert (r.length.units, r.length.segments) == (161, 2)  # billed with the clause
    assert the_plan.total_segments == 2 * the_plan.count
    assert the_plan.cost_cents(ovh_settings(db)) == 2 * 5 * the_plan.count


def test_ovhcloud_needs_no_optout_mention_in_the_settings(sms_db) -> None:
    db, _ids = sms_db
    ovh_settings(db, optout_mention="")
    assert plan(db, "Portes ouvertes samedi").count == 6


@pytest.mark.parametrize(
    "changes",
    [
        {"gateway": "twilio"},
        {"gateway": "outbox"},
        {"gateway": "ovh", "sender_name": "+33612345678"},  # a number: no clause from OVHcloud
        {"gateway": "ovh", "providers": {"ovh": {"region": "ca"}}},
    ],
)
def test_other_gateways_keep_ciblés_mention(sms_db, changes) -> None:
    db, _ids = sms_db
    save_sms_settings(db, **changes)
    the_plan = plan(db, LONG)
    assert the_plan.clause == ""
    for r in the_plan.recipients:
        assert r.text == LONG + "\nSTOP au 36111"
        assert r.length == analyse(r.text) and r.length.segments == 2
        assert the_plan.as_received(r) == r.text


def test_a_service_message_through_ovhcloud_has_no_clause(sms_db) -> None:
    db, _ids = sms_db
    ovh_settings(db)
    the_plan = plan(db, LONG, SmsKind.SERVICE)
    assert the_plan.clause == ""
    assert {r.length.segments for r in the_plan.recipients} == {1}


def test_what_the_planner_counts_is_what_ovhcloud_bills(sms_db) -> None:
    db, _ids = sms_db
    with FakeProvider("ovh") as fake:
        ovh_settings(db, values=fake.values)
        shown = plan(db, LONG).total_segments
        make_batch(db, LONG, gateway="ovh")
        gateway = OvhGateway(fake.values, fake.secrets, sleep=lambda s: None)
        summary = send_due(db, gateway, sender_name="GARAGE", now=LATER, read_replies=False)
        assert summary.sent == 6
        posts = [r.body for r in fake.state.posts()]
        assert {p["noStopClause"] for p in posts} == {False}
        assert {p["message"] for p in posts} == {LONG}
        # each phone shows the message once with one opt-out line, OVHcloud's
        assert {s.text for s in fake.state.sent.values()} == {LONG + "\nSTOP:36111"}
        assert sum(fake.state.credits.values()) == shown == 12
        assert sum(m.segments for m in messages(db)) == shown


def test_a_service_message_goes_to_ovhcloud_without_its_clause(sms_db) -> None:
    db, _ids = sms_db
    with FakeProvider("ovh") as fake:
        ovh_settings(db, values=fake.values)
        make_batch(db, "Votre voiture est prête", SmsKind.SERVICE, gateway="ovh")
        gateway = OvhGateway(fake.values, fake.secrets, sleep=lambda s: None)
        send_due(db, gateway, sender_name="GARAGE", now=LATER, read_replies=False)
        assert {r.body["noStopClause"] for r in fake.state.posts()} == {True}
        assert {s.text for s in fake.state.sent.values()} == {"Votre voiture est prête"}


def test_a_message_written_for_ovhcloud_never_leaves_without_an_optout(sms_db, tmp_path) -> None:
    """Written without Cible's mention for OVHcloud, then the gateway is changed: the message
    is cancelled with the reason, never sent without a way to object."""
    db, _ids = sms_db
    ovh_settings(db)
    make_batch(db, "Portes ouvertes samedi", gateway="ovh")
    summary = send_due(db, OutboxGateway(tmp_path), sender_name="GARAGE", now=LATER)
    assert summary.cancelled == 6 and summary.exported == 0
    assert {m.status for m in messages(db)} == {SmsStatus.CANCELLED}
    assert "OVHcloud" in messages(db)[0].reason and "STOP" in messages(db)[0].reason
    assert not list(tmp_path.glob("*.csv"))


def test_a_message_with_ciblés_mention_goes_through_any_gateway(sms_db, provider) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db, "Portes ouvertes samedi", gateway="outbox")
    config = provider.config(auth="none")
    summary = send_due(db, HttpGateway(config, None), sender_name="GARAGE", now=LATER)
    assert summary.sent == 6
