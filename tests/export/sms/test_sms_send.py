"""The recipient funnel and the whole send against a real local HTTP provider."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter

import pytest
from smskit import (
    LATER,
    MARKETING_RECIPIENTS,
    PHONES,
    make_batch,
    messages,
    plan,
    save_sms_settings,
)
from sqlalchemy import select

from app.export.sms.gateway import (
    GatewayError,
    HttpGateway,
    OutboxGateway,
    gateway_from_settings,
    store_secret,
)
from app.export.sms.sender import (
    cancel_batch,
    create_batch,
    import_report,
    poll_statuses,
    release_unknown,
    send_due,
    settle_unknown,
    unread_replies,
)
from app.export.sms.settings import load_settings
from app.models import ContactHistory, Customer, Setting
from app.models.sms import SmsBatch, SmsKind, SmsMessage, SmsStatus


def names_by_id(ids: dict[str, int]) -> dict[int, str]:
    return {v: k for k, v in ids.items()}


# -- funnel -------------------------------------------------------------------------------------


def test_marketing_funnel_counts_and_reasons(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    result = plan(db)
    steps = {s.key: s for s in result.funnel.steps}
    assert [(s.key, s.count) for s in result.funnel.steps] == [
        ("rows", 13),  # Dupré has two vehicles
        ("customers", 12),
        ("number", 11),
        ("valid", 10),
        ("mobile", 9),
        ("refused", 8),
        ("basis", 7),
        ("recent", 7),  # no marketing SMS in the last 7 days (the default)
        ("same", 7),
        ("filled", 7),  # {nom} is filled for everyone
        ("duplicate", 6),
    ]
    reasons = {
        s.key: [(names_by_id(ids)[r.customer_id], why) for r, why in s.dropped]
        for s in result.funnel.steps
    }
    assert reasons["number"] == [("nobody", "no mobile number")]
    assert reasons["valid"] == [("petit", "invalid number: 0612")]
    assert reasons["mobile"] == [("durand", "landline: +33247112233")]
    assert reasons["refused"] == [("leroy", "refused SMS (02/01/2025)")]
    assert reasons["basis"] == [("moreau", "no marketing legal basis")]
    assert reasons["duplicate"] == [("martin2", "same number as Martin")]
    assert steps["duplicate"].count == len(MARKETING_RECIPIENTS)
    got = {names_by_id(ids)[r.customer_id]: r.phone.e164 for r in result.recipients}
    assert got == {k: PHONES[k] for k in MARKETING_RECIPIENTS}
    markets = {names_by_id(ids)[r.customer_id]: r.market for r in result.recipients}
    assert markets["rossi"] == "CH-GE" and markets["tremblay"] == "CA-QC" and markets["tamm"] == "EE"
    dupre = next(r for r in result.recipients if r.customer_id == ids["dupre"])
    assert dupre.text == (
        "Bonjour M. Dupré, votre garage vous invite aux portes ouvertes.\nSTOP au 36111"
    )
    assert result.encoding == "GSM-7"
    assert result.total_segments == 6
    assert result.cost_cents(load_settings_of(db)) == 30


def load_settings_of(db):
    with db.session() as s:
        return load_settings(s)


def test_service_messages_skip_the_marketing_rules(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    # those without a vehicle too (their message would read "Votre est prêt.")
    result = plan(db, "Votre {modèle} est prêt.", SmsKind.SERVICE, send_empty=True)
    assert "basis" not in [s.key for s in result.funnel.steps]
    got = {names_by_id(ids)[r.customer_id] for r in result.recipients}
    assert got == MARKETING_RECIPIENTS | {"moreau"}
    dupre = next(r for r in result.recipients if r.customer_id == ids["dupre"])
    assert dupre.text == "Votre CLIO est prêt."  # no opt-out mention on a service message
    assert result.encoding == "UCS-2" and result.offending == ["ê"]


def test_the_longest_message_decides_and_the_cost_counts_every_segment(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    with db.session() as s:
        s.get(Customer, ids["tamm"]).last_name = "T" * 150  # one long name
    result = plan(db, "Bonjour {nom}")
    assert result.longest.customer_id == ids["tamm"]
    assert result.longest.length.segments == 2
    assert result.total_segments == 7  # five 1-segment messages + one 2-segment message
    assert result.cost_cents(load_settings_of(db)) == 35


def test_recently_contacted_customers_are_left_out(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db, recent_days=30)
    with db.session() as s:
        s.add(
            ContactHistory(
                customer_id=ids["rossi"],
                channel="sms",
                contacted_at=dt.datetime(2026, 5, 1, 9, 0),
            )
        )
        s.add(
            ContactHistory(
                customer_id=ids["tamm"], channel="sms", contacted_at=dt.datetime(2026, 3, 1, 9, 0)
            )
        )
    result = plan(db)
    assert [s.key for s in result.funnel.steps][-4:] == ["recent", "same", "filled", "duplicate"]
    recent = result.funnel.steps[-4]
    assert recent.label == "No SMS in the last 30 days"
    assert [(r.customer_id, why) for r, why in recent.dropped] == [
        (ids["rossi"], "SMS sent on 01/05/2026")
    ]


def test_four_marketing_sends_the_same_day_reach_a_number_once(sms_db) -> None:
    """Messages waiting (scheduled for 08:00, pending) count like messages sent."""
    db, ids = sms_db
    save_sms_settings(db)
    night = dt.datetime(2026, 5, 20, 22, 0, tzinfo=dt.UTC)  # every window closed in Europe
    first = make_batch(db, now=night)
    bodies = ["Offre pneus {nom}", "Offre clim {nom}", "Offre révision {nom}"]
    for body in bodies:
        the_plan = plan(db, body, now=night)
        recent = next(s for s in the_plan.funnel.steps if s.key == "recent")
        assert the_plan.count == 0 or {r.customer_id for r in the_plan.recipients}.isdisjoint(
            {m.customer_id for m in messages(db)}
        )
        with db.session() as s:
            create_batch(s, the_plan, campaign="x", gateway="http", now=night)
    assert recent.dropped and "waiting" in recent.dropped[0][1]
    per_number = Counter(m.phone for m in messages(db))
    assert set(per_number.values()) == {1}
    assert {m.batch_id for m in messages(db)} == {first}


def test_the_same_message_is_not_made_again_for_a_number(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    body = "Votre {modèle} est prêt."
    make_batch(db, body, SmsKind.SERVICE)
    again = plan(db, body, SmsKind.SERVICE)
    assert again.count == 0
    same = next(s for s in again.funnel.steps if s.key == "same")
    assert "the same message to this number already in the send of" in same.dropped[0][1]
    assert plan(db, "Autre message {nom}", SmsKind.SERVICE).count > 0


def test_marketing_without_an_optout_mention_is_refused(sms_db) -> None:
    db, _ = sms_db
    save_sms_settings(db, optout_mention="")
    with pytest.raises(Exception, match="opt-out mention"):
        plan(db)


def test_marketing_without_a_sender_name_is_refused(sms_db) -> None:
    db, _ = sms_db
    save_sms_settings(db, sender_name="")
    with pytest.raises(Exception, match="must name the sender"):
        plan(db)
    assert plan(db, "Votre voiture est prête", SmsKind.SERVICE).count == 7


def test_asked_fields_must_be_given(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    body = "RDV le {date rdv} à {heure rdv}"
    with pytest.raises(Exception, match=r"\{date rdv\}, \{heure rdv\}"):
        plan(db, body, SmsKind.SERVICE)
    result = plan(db, body, SmsKind.SERVICE, asked={"date rdv": "21/05/2026", "heure rdv": "9h"})
    assert result.recipients[0].text == "RDV le 21/05/2026 à 9h"


# -- windows and deferred sends -----------------------------------------------------------------


def test_marketing_outside_the_window_waits_service_does_not(sms_db) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    saturday_night = dt.datetime(2026, 5, 23, 20, 30, tzinfo=dt.UTC)  # 22:30 in Paris
    result = plan(db, now=saturday_night)
    # Sunday, then Whit Monday: Tuesday 08:00 in Paris = 06:00 UTC
    assert result.send_times["FR"] == dt.datetime(2026, 5, 26, 6, 0, tzinfo=dt.UTC)
    assert "FR" in result.deferred_markets
    with db.session() as s:
        batch = create_batch(s, result, campaign="PO", gateway="http", now=saturday_night)
        statuses = {m.phone: (m.status, m.scheduled_for) for m in batch.messages}
    assert statuses[PHONES["dupre"]] == (SmsStatus.SCHEDULED, dt.datetime(2026, 5, 26, 6, 0))
    service = plan(db, "Votre voiture est prête", SmsKind.SERVICE, now=saturday_night)
    assert service.deferred_markets == {}


def test_the_window_is_checked_again_when_the_time_comes(sms_db, tmp_path) -> None:
    db, _ = sms_db
    settings = save_sms_settings(db)
    make_batch(db)  # planned on a Wednesday afternoon, inside every window
    saturday_night = dt.datetime(2026, 5, 23, 21, 0, tzinfo=dt.UTC)  # 23:00 Paris, 17:00 Quebec
    summary = send_due(db, OutboxGateway(tmp_path), now=saturday_night, windows=settings.windows)
    assert (summary.exported, summary.deferred) == (1, 5)
    by_phone = {m.phone: m for m in messages(db)}
    assert by_phone[PHONES["tremblay"]].status is SmsStatus.EXPORTED  # Quebec: Saturday 10-18
    dupre = by_phone[PHONES["dupre"]]
    assert dupre.status is SmsStatus.SCHEDULED
    assert dupre.scheduled_for == dt.datetime(2026, 5, 26, 6, 0)  # Tuesday 08:00 Paris
    assert by_phone[PHONES["rossi"]].scheduled_for == dt.datetime(2026, 5, 26, 6, 0)
    assert by_phone[PHONES["tamm"]].scheduled_for == dt.datetime(2026, 5, 25, 6, 0)  # 09:00
    service = make_batch(db, "Votre voiture est prête", SmsKind.SERVICE)
    summary = send_due(
        db, OutboxGateway(tmp_path), now=saturday_night, windows=settings.windows, batch_id=service
    )
    assert (summary.exported, summary.deferred) == (7, 0)  # service messages are exempt


def test_deferred_send_is_handed_over_only_when_due(sms_db, provider, memory_keyring) -> None:
    db, _ = sms_db
    save_sms_settings(db, gateway="http", http=provider.config())
    gateway = HttpGateway(provider.config(), "secret")
    at = dt.datetime(2026, 5, 21, 14, 0, tzinfo=dt.UTC)  # inside every market's window
    make_batch(db, at=at)
    assert {m.status for m in messages(db)} == {SmsStatus.SCHEDULED}
    summary = send_due(db, gateway, now=LATER)
    assert summary.handled == 0 and provider.state.posts() == []
    summary = send_due(db, gateway, now=at + dt.timedelta(seconds=1))
    assert summary.sent == 6
    assert {m.status for m in messages(db)} == {SmsStatus.SENT}


# -- the HTTP gateway ---------------------------------------------------------------------------


def test_send_through_the_http_gateway(sms_db, provider, memory_keyring) -> None:
    db, ids = sms_db
    settings = save_sms_settings(db, gateway="http", http=provider.config())
    store_secret(settings.http, "s3cret-key")
    gateway = gateway_from_settings(settings)
    batch_id = make_batch(db)
    # written before anything was sent: every message pending with a unique key
    before = messages(db)
    assert {m.status for m in before} == {SmsStatus.PENDING}
    assert len({m.idempotency_key for m in before}) == len(before) == 6
    assert provider.state.posts() == []

    summary = send_due(db, gateway, sender_name="GARAGE", now=LATER)

    assert (summary.sent, summary.failed, summary.stopped) == (6, 0, None)
    posts = provider.state.posts()
    assert len(posts) == 6
    first = posts[0]
    assert first.headers["Authorization"] == "Bearer s3cret-key"
    assert first.body["from"] == "GARAGE"
    assert first.headers["Idempotency-Key"] == first.body["reference"]
    assert sorted(p.body["to"] for p in posts) == sorted(PHONES[k] for k in MARKETING_RECIPIENTS)
    after = messages(db)
    assert {m.status for m in after} == {SmsStatus.SENT}
    assert {m.provider_id for m in after} == set(provider.state.delivered)
    assert all(m.attempts == 1 and m.sent_at is not None for m in after)
    with db.session() as s:
        history = s.scalars(select(ContactHistory).where(ContactHistory.channel == "sms")).all()
        assert sorted(h.customer_id for h in history) == sorted(
            ids[k] for k in MARKETING_RECIPIENTS
        )
        assert {h.campaign for h in history} == {"Portes ouvertes"}
        assert s.get(SmsBatch, batch_id).campaign == "Portes ouvertes"
        # the secret is in the keyring, nowhere in the database
        assert all("s3cret" not in row.value for row in s.scalars(select(Setting)))
    assert memory_keyring.store == {("Cible SMS gateway", "garage"): "s3cret-key"}


def test_form_body_and_api_key_header(sms_db, provider) -> None:
    db, _ = sms_db
    config = provider.config(body="form", auth="header", auth_header="X-Api-Key")
    save_sms_settings(db, gateway="http", http=config)
    make_batch(db, "Votre voiture est prête", SmsKind.SERVICE)
    send_due(db, HttpGateway(config, "k1"), sender_name="GARAGE", now=LATER)
    post = provider.state.posts()[0]
    assert post.headers["X-Api-Key"] == "k1"
    assert post.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert post.body["text"] == "Votre voiture est prête"


def test_without_a_secret_in_the_keyring_the_gateway_says_so(
    sms_db, provider, memory_keyring
) -> None:
    db, _ = sms_db
    settings = save_sms_settings(db, gateway="http", http=provider.config())
    with pytest.raises(GatewayError, match="keyring"):
        gateway_from_settings(settings)


def test_a_demo_database_never_reaches_a_provider(sms_db, provider, memory_keyring) -> None:
    """Demo phone numbers are random valid numbers: they may belong to real people."""
    from app.models.demo import DEMO_SETTING

    db, _ = sms_db
    save_sms_settings(db, gateway="http", http=provider.config())
    with db.session() as session:
        settings = load_settings(session)
    assert not settings.demo_database
    store_secret(settings.http, "s3cret-key")
    gateway_from_settings(settings)  # a real database: allowed
    with db.session() as session:
        session.add(Setting(key=DEMO_SETTING, value="{}"))
    with db.session() as session:
        settings = load_settings(session)
    assert settings.demo_database and "demo_database" not in settings.to_dict()
    with pytest.raises(GatewayError, match="demo database"):
        gateway_from_settings(settings)
    assert provider.state.posts() == []
    # the outbox file stays available to try the feature
    with db.session() as session:
        settings = load_settings(session)
    settings.gateway = "outbox"
    gateway_from_settings(settings, db.path.parent)


def test_plain_http_is_refused_except_locally() -> None:
    from app.export.sms.settings import HttpConfig

    with pytest.raises(GatewayError, match="https://"):
        HttpGateway(HttpConfig(url="http://api.example.com/sms"), "k")
    HttpGateway(HttpConfig(url="https://api.example.com/sms"), "k")


def test_503_and_429_are_retried_honouring_retry_after(sms_db, provider) -> None:
    db, _ = sms_db
    config = provider.config(retry_after_cap=30)
    save_sms_settings(db, gateway="http", http=config)
    provider.state.script = ["503", "503"]  # "not now": nothing was done, asking again is safe
    provider.state.retry_after = "7"
    slept: list[float] = []
    gateway = HttpGateway(config, "k", sleep=slept.append, jitter=lambda wait: wait / 10)
    make_batch(db)
    summary = send_due(db, gateway, now=LATER)
    assert summary.sent == 6 and summary.stopped is None
    assert slept == [7.7, 7.7]  # the provider's Retry-After, plus jitter
    posts = provider.state.posts()
    assert len(posts) == 8
    assert posts[0].body["reference"] == posts[1].body["reference"] == posts[2].body["reference"]
    assert len(provider.state.delivered) == 6


def test_retry_after_is_capped_and_slows_the_rate(sms_db, provider) -> None:
    db, _ = sms_db
    config = provider.config(retry_after_cap=5, rate_per_second=4)
    save_sms_settings(db, gateway="http", http=config)
    provider.state.script = ["ok", "503"]
    provider.state.retry_after = "3600"
    clock = {"t": 100.0}
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        clock["t"] += seconds

    gateway = HttpGateway(
        config, "k", sleep=sleep, clock=lambda: clock["t"], jitter=lambda wait: 0.0
    )
    make_batch(db)
    assert send_due(db, gateway, now=LATER, read_replies=False).sent == 6
    assert slept[:2] == [0.25, 5.0]  # an hour asked, the cap taken
    assert slept[2:] == [0.5] * 4  # then half the rate for the rest of the run


def test_an_answer_that_comes_too_late_is_never_posted_again(sms_db, provider) -> None:
    """The provider accepts the message and answers after the timeout: the message is marked
    unknown, not posted again, and the next run asks the provider about it by reference."""
    db, _ = sms_db
    config = provider.config(timeout=0.3)
    save_sms_settings(db, gateway="http", http=config)
    provider.state.script = ["ok", "late"]
    provider.state.timeout_seconds = 1.5
    make_batch(db)
    summary = send_due(db, HttpGateway(config, "k", sleep=lambda s: None), now=LATER)
    assert (summary.sent, summary.unknown) == (1, 1)
    assert summary.stopped and "unknown" in summary.stopped
    statuses = [m.status for m in messages(db)]
    assert statuses.count(SmsStatus.UNKNOWN) == 1 and statuses.count(SmsStatus.PENDING) == 4
    assert len(provider.state.posts()) == 2

    summary = send_due(db, HttpGateway(config, "k"), now=LATER)
    assert summary.sent == 4 and summary.stopped is None
    assert {m.status for m in messages(db)} == {SmsStatus.SENT}
    keys = Counter(p.body["reference"] for p in provider.state.posts())
    assert set(keys.values()) == {1}  # no message posted twice
    phones = provider.state.phones_delivered()
    assert sorted(phones) == sorted(PHONES[k] for k in MARKETING_RECIPIENTS)
    with db.session() as s:  # the one found by reference is in the contact history too
        assert len(s.scalars(select(ContactHistory.customer_id)).all()) == 6


@pytest.mark.parametrize("answer", ["500", "timeout"])
def test_without_a_lookup_an_unknown_message_waits_for_a_person(sms_db, provider, answer) -> None:
    db, _ = sms_db
    config = provider.config(timeout=0.3, lookup_url="")
    save_sms_settings(db, gateway="http", http=config)
    provider.state.script = [answer]
    make_batch(db)
    gateway = HttpGateway(config, "k", sleep=lambda s: None)
    assert send_due(db, gateway, now=LATER).unknown == 1
    assert send_due(db, gateway, now=LATER).sent == 5
    unknown = [m for m in messages(db) if m.status is SmsStatus.UNKNOWN]
    assert len(unknown) == 1 and "may have been sent" in unknown[0].reason
    assert len(provider.state.posts()) == 6  # asked once, never again
    # the person decides to send it again: a new reference, one more POST
    with db.session() as s:
        assert release_unknown(s, [unknown[0].id]) == 1
    assert send_due(db, gateway, now=LATER).sent == 1
    again = [m for m in messages(db) if m.id == unknown[0].id][0]
    assert again.status is SmsStatus.SENT and again.idempotency_key != unknown[0].idempotency_key


def test_a_person_records_an_unknown_message_as_sent(sms_db, provider) -> None:
    db, _ = sms_db
    config = provider.config(lookup_url="")
    save_sms_settings(db, gateway="http", http=config)
    provider.state.script = ["500"]
    make_batch(db)
    send_due(db, HttpGateway(config, "k", sleep=lambda s: None), now=LATER)
    unknown = [m for m in messages(db) if m.status is SmsStatus.UNKNOWN][0]
    with db.session() as s:
        assert settle_unknown(s, [unknown.id], sent=True) == 1
    with db.session() as s:
        assert s.get(SmsMessage, unknown.id).status is SmsStatus.SENT
        assert unknown.customer_id in set(s.scalars(select(ContactHistory.customer_id)))


def test_a_refused_message_fails_with_the_providers_reason(sms_db, provider) -> None:
    db, ids = sms_db
    config = provider.config()
    save_sms_settings(db, gateway="http", http=config)
    provider.state.reject.add(PHONES["tamm"])
    make_batch(db)
    summary = send_due(db, HttpGateway(config, "k"), now=LATER)
    assert (summary.sent, summary.failed) == (5, 1)
    failed = [m for m in messages(db) if m.status is SmsStatus.FAILED]
    assert [m.phone for m in failed] == [PHONES["tamm"]]
    assert "HTTP 400" in failed[0].reason and "invalid destination" in failed[0].reason
    with db.session() as s:  # a failed SMS is not a contact
        assert ids["tamm"] not in set(s.scalars(select(ContactHistory.customer_id)))


def test_gateway_down_stops_and_the_rest_stays_pending(sms_db, provider) -> None:
    db, _ = sms_db
    config = provider.config()
    save_sms_settings(db, gateway="http", http=config)
    make_batch(db)
    gateway = HttpGateway(config, "k", sleep=lambda s: None)
    provider.state.script = ["ok", "503", "503", "503"]  # 2nd message: three "not now"
    summary = send_due(db, gateway, now=LATER)
    assert summary.sent == 1 and summary.stopped and "unavailable" in summary.stopped
    statuses = [m.status for m in messages(db)]
    assert statuses.count(SmsStatus.SENT) == 1
    assert statuses.count(SmsStatus.PENDING) == 5
    # later, the provider is back: the rest goes, nobody twice
    summary = send_due(db, gateway, now=LATER)
    assert summary.sent == 5
    assert sorted(provider.state.phones_delivered()) == sorted(
        PHONES[k] for k in MARKETING_RECIPIENTS
    )


def test_a_wrong_api_key_stops_the_send_instead_of_failing_everyone(sms_db, provider) -> None:
    db, _ = sms_db
    config = provider.config()
    save_sms_settings(db, gateway="http", http=config)
    make_batch(db)
    provider.state.script = ["401"] * 10
    summary = send_due(db, HttpGateway(config, "wrong"), now=LATER)
    assert summary.failed == 0 and summary.sent == 0
    assert "HTTP 401" in summary.stopped and "API key" in summary.stopped
    assert len(provider.state.posts()) == 1
    assert {m.status for m in messages(db)} == {SmsStatus.PENDING}


def test_rate_limit_spaces_the_requests(sms_db, provider) -> None:
    db, _ = sms_db
    config = provider.config(rate_per_second=4)
    save_sms_settings(db, gateway="http", http=config)
    clock = {"t": 100.0}
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        clock["t"] += seconds

    gateway = HttpGateway(config, "k", sleep=sleep, clock=lambda: clock["t"])
    make_batch(db)
    send_due(db, gateway, now=LATER)
    assert slept == [0.25] * 6  # the replies read first, then 6 messages: 4 requests a second


def test_refusal_is_checked_again_at_sending_time(sms_db, provider) -> None:
    db, ids = sms_db
    config = provider.config()
    save_sms_settings(db, gateway="http", http=config)
    make_batch(db)
    with db.session() as s:
        s.get(Customer, ids["rossi"]).optout_sms = True
        s.get(Customer, ids["tamm"]).marketing_basis = "none"
    summary = send_due(db, HttpGateway(config, "k"), now=LATER)
    assert (summary.sent, summary.cancelled) == (4, 2)
    cancelled = {m.phone: m.reason for m in messages(db) if m.status is SmsStatus.CANCELLED}
    assert "refused SMS" in cancelled[PHONES["rossi"]]
    assert "no marketing legal basis" in cancelled[PHONES["tamm"]]
    assert PHONES["rossi"] not in provider.state.phones_delivered()


def test_statuses_and_stop_replies_are_polled(sms_db, provider) -> None:
    db, ids = sms_db
    config = provider.config()
    save_sms_settings(db, gateway="http", http=config)
    gateway = HttpGateway(config, "k")
    make_batch(db)
    send_due(db, gateway, now=LATER)
    by_phone = {m.phone: m for m in messages(db)}
    provider.state.statuses[by_phone[PHONES["dupre"]].provider_id] = "delivered"
    provider.state.statuses[by_phone[PHONES["rossi"]].provider_id] = "failed"
    provider.state.replies = [
        {"from": PHONES["dupre"], "text": "Stop", "date": "2026-05-21T09:00:00Z"},
        {"from": PHONES["tamm"], "text": "Merci !", "date": "2026-05-21T09:05:00Z"},
    ]
    # a later deferred message to Dupré is cancelled by his STOP
    make_batch(
        db, "Rappel {nom}", SmsKind.SERVICE, at=dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)
    )
    summary = poll_statuses(db, gateway, now=LATER)
    assert (summary.updated, summary.stops, summary.replies) == (2, 1, 1)
    with db.session() as s:  # "Merci !" waits in the SMS log for a person
        assert [(r.phone, r.text) for r in unread_replies(s)] == [(PHONES["tamm"], "Merci !")]
    by_phone = {m.phone: m for m in messages(db) if m.batch_id == 1}
    assert by_phone[PHONES["dupre"]].status is SmsStatus.DELIVERED
    assert by_phone[PHONES["rossi"]].status is SmsStatus.FAILED
    assert by_phone[PHONES["rossi"]].reason == "unknown subscriber"
    with db.session() as s:
        dupre = s.get(Customer, ids["dupre"])
        assert dupre.optout_sms and dupre.optout_sms_date == dt.date(2026, 5, 21)
        assert dupre.optout_sms_source == "SMS STOP (http)"
        assert not s.get(Customer, ids["tamm"]).optout_sms
    later = [m for m in messages(db) if m.batch_id == 2 and m.phone == PHONES["dupre"]]
    assert later[0].status is SmsStatus.CANCELLED and "STOP" in later[0].reason


def test_stop_covers_every_customer_with_that_number(sms_db) -> None:
    from app.export.sms.gateway import Reply
    from app.export.sms.sender import apply_stop

    db, ids = sms_db
    save_sms_settings(db)
    make_batch(db)  # Martin gets the SMS; Martin-Bis shares his number and does not
    with db.session() as s:
        assert apply_stop(s, Reply("07 81 22 33 44", "STOP", dt.datetime(2026, 5, 22, 8, 0))) == 2
    with db.session() as s:
        for name in ("martin", "martin2"):
            customer = s.get(Customer, ids[name])
            assert customer.optout_sms and customer.optout_sms_date == dt.date(2026, 5, 22)
        assert not s.get(Customer, ids["dupre"]).optout_sms
    pending = {m.phone: m for m in messages(db)}
    assert pending[PHONES["martin"]].status is SmsStatus.CANCELLED
    assert pending[PHONES["dupre"]].status is SmsStatus.PENDING


def test_cancel_a_scheduled_batch(sms_db) -> None:
    db, _ = sms_db
    save_sms_settings(db)
    batch_id = make_batch(db, at=dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC))
    with db.session() as s:
        assert cancel_batch(s, batch_id) == 6
    assert {m.status for m in messages(db)} == {SmsStatus.CANCELLED}


# -- the outbox ---------------------------------------------------------------------------------


def test_outbox_file_and_report_import(sms_db, tmp_path) -> None:
    db, ids = sms_db
    save_sms_settings(db, gateway="outbox", outbox_dir=str(tmp_path))
    make_batch(db, gateway="outbox")
    gateway = OutboxGateway(tmp_path, clock=lambda: dt.datetime(2026, 5, 20, 16, 0))
    summary = send_due(db, gateway, sender_name="GARAGE", now=LATER)
    assert summary.exported == 6
    [path] = gateway.written
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    logged = {m.idempotency_key: m for m in messages(db)}
    assert {r["reference"] for r in rows} == set(logged)
    row = next(r for r in rows if r["phone"] == PHONES["dupre"])
    assert row["sender"] == "GARAGE"
    assert row["message"].endswith("portes ouvertes.\nSTOP au 36111")
    assert {m.status for m in logged.values()} == {SmsStatus.EXPORTED}

    # a crash after the file was written but before the log said so: not written twice
    with db.session() as s:
        for m in s.scalars(select(SmsMessage)):
            m.status = SmsStatus.PENDING
    again = OutboxGateway(tmp_path)
    assert send_due(db, again, now=LATER).exported == 6
    assert again.written == []
    assert len(list(tmp_path.glob("cible-sms-outbox-*.csv"))) == 1

    report = tmp_path / "report.csv"
    dupre_key = next(k for k, m in logged.items() if m.phone == PHONES["dupre"])
    report.write_text(
        "Référence;Numéro;Statut;Motif;Date\n"
        f"{dupre_key};{PHONES['dupre']};Délivré;;21/05/2026 10:00\n"
        f";{PHONES['rossi']};echec;numéro inconnu;21/05/2026 10:01\n"
        f";{PHONES['tamm']};STOP;;22/05/2026 08:00\n",
        encoding="utf-8-sig",
    )
    imported = import_report(db, str(report))
    assert (imported.updated, imported.stops) == (2, 1)
    by_phone = {m.phone: m for m in messages(db)}
    assert by_phone[PHONES["dupre"]].status is SmsStatus.DELIVERED
    assert by_phone[PHONES["rossi"]].status is SmsStatus.FAILED
    assert by_phone[PHONES["rossi"]].reason == "numéro inconnu"
    with db.session() as s:
        tamm = s.get(Customer, ids["tamm"])
        assert tamm.optout_sms and tamm.optout_sms_date == dt.date(2026, 5, 22)
        assert tamm.optout_sms_source == "SMS STOP (report)"


def test_a_report_without_usable_columns_is_refused(tmp_path, sms_db) -> None:
    db, _ = sms_db
    report = tmp_path / "r.csv"
    report.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(GatewayError, match="no 'reference' or 'phone' column"):
        import_report(db, str(report))


def test_the_window_is_checked_for_each_message_as_it_leaves(sms_db, provider) -> None:
    """A send started at 21:29:50 in Paris: the clock moves 5 s per message; nothing marketing
    leaves at or after 21:30, the rest waits for 08:00 the next morning."""
    db, ids = sms_db
    config = provider.config()
    save_sms_settings(db, gateway="http", http=config)
    with db.session() as s:
        for i in range(20):
            s.add(
                Customer(
                    dms_ref=f"W{i}",
                    last_name=f"Soir{i:02d}",
                    phone_mobile=f"06 20 00 00 {i:02d}",
                    marketing_basis="consent",
                    country="FR",
                )
            )
        for key in ("rossi", "tremblay", "tamm"):  # only French customers in this send
            s.delete(s.get(Customer, ids[key]))
    start = dt.datetime(2026, 5, 20, 19, 29, 50, tzinfo=dt.UTC)  # 21:29:50 in Paris (CEST)
    batch = make_batch(db, now=start)

    def clock() -> dt.datetime:  # each message takes 5 s to leave
        return start + dt.timedelta(seconds=5 * (len(provider.state.posts()) + 1))

    settings = load_settings_of(db)
    summary = send_due(
        db, HttpGateway(config, "k"), now=start, windows=settings.windows, clock=clock,
        read_replies=False,
    )  # fmt: skip
    rows = [m for m in messages(db) if m.batch_id == batch]
    sent = [m for m in rows if m.status is SmsStatus.SENT]
    waiting = [m for m in rows if m.status is SmsStatus.SCHEDULED]
    assert len(sent) == 1  # handed at 21:29:55; the next check is at 21:30:00
    assert summary.deferred == len(waiting) == len(rows) - 1
    morning = dt.datetime(2026, 5, 21, 6, 0)  # 08:00 in Paris, naive UTC
    assert {m.scheduled_for for m in waiting} == {morning}
    assert len(provider.state.posts()) == 1


def test_a_refusal_blocks_the_number_for_every_customer_who_holds_it(sms_db, provider) -> None:
    """GIRARD refuses SMS; GIRRARD, a duplicate record with the same mobile, gets none either:
    in the funnel, and at sending time for a message made before the refusal."""
    from app.models import permissions
    from app.models.enums import Channel

    db, _ = sms_db
    config = provider.config()
    save_sms_settings(db, gateway="http", http=config)
    with db.session() as s:
        for ref, name, phone in (
            ("G1", "GIRARD", "06 11 22 33 44"),
            ("G2", "GIRRARD", "+33 6 11 22 33 44"),
            ("G3", "BLANC", "06 11 22 33 55"),
            ("G4", "BLANCHE", "06 11 22 33 55"),
        ):
            s.add(
                Customer(
                    dms_ref=ref, last_name=name, phone_mobile=phone, marketing_basis="consent",
                    country="FR",
                )
            )  # fmt: skip
    batch = make_batch(db, "Votre voiture est prête", SmsKind.SERVICE)
    with db.session() as s:  # after the send was made: GIRARD refuses, typed in Cible
        girard = s.scalars(select(Customer).where(Customer.last_name == "GIRARD")).one()
        permissions.record_refusal(s, girard, Channel.SMS, dt.date(2026, 5, 20), "Saisie Cible")
        blanc = s.scalars(select(Customer).where(Customer.last_name == "BLANC")).one()
        s.delete(blanc)  # the refusal below survives the record's deletion
        permissions.suppress_phone(s, "+33611223355", Channel.SMS, None, "Import DMS 02/12/2026")
    send_due(db, HttpGateway(config, "k"), now=LATER)
    delivered = provider.state.phones_delivered()
    assert "+33611223344" not in delivered and "+33611223355" not in delivered
    girrard = [m for m in messages(db) if m.batch_id == batch and m.phone == "+33611223344"]
    assert girrard[0].status is SmsStatus.CANCELLED
    assert "suppression list" in girrard[0].reason
    # and the next funnel leaves both numbers out, whoever holds them
    again = plan(db, "Autre message {nom}", SmsKind.SERVICE)
    refused = next(s for s in again.funnel.steps if s.key == "refused")
    assert sorted(why for _, why in refused.dropped if "+33611" in why) == [
        "number on the SMS suppression list: +33611223344",
        "number on the SMS suppression list: +33611223355",
    ]


def test_casl_implied_consent_lapses_for_canadian_customers(sms_db, provider) -> None:
    """Tremblay (Quebec) has only an implied consent from a purchase in 2023: by 2026 it has
    lapsed (two years), so no marketing SMS — in the funnel and again at sending time."""
    from app.models import permissions
    from app.models.enums import BasisKind, Channel

    db, ids = sms_db
    config = provider.config()
    save_sms_settings(db, gateway="http", http=config)
    batch = make_batch(db)  # made while the cached basis still says "consent"
    with db.session() as s:
        tremblay = s.get(Customer, ids["tremblay"])
        permissions.record_basis(
            s, tremblay, Channel.SMS, BasisKind.IMPLIED_PURCHASE, dt.date(2023, 3, 1), "Achat"
        )
        tremblay.marketing_basis = "consent"  # a stale cache: the history decides
    the_plan = plan(db, "Autre offre {nom}")
    basis = next(s for s in the_plan.funnel.steps if s.key == "basis")
    assert (ids["tremblay"], "implied consent expired (CASL)") in [
        (r.customer_id, why) for r, why in basis.dropped
    ]
    send_due(db, HttpGateway(config, "k"), now=LATER)
    mine = [m for m in messages(db) if m.batch_id == batch and m.customer_id == ids["tremblay"]]
    assert mine[0].status is SmsStatus.CANCELLED and "legal basis" in mine[0].reason
    assert PHONES["tremblay"] not in provider.state.phones_delivered()
