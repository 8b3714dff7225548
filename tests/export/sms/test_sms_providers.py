"""Provider presets (OVHcloud, smsmode, Brevo, Twilio) against local fakes answering as each one's
documentation says: success, error, rate limit, STOP; statuses polled with as few requests as
the API allows; keyring."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from fake_providers import OVH_STOP_CLAUSE, FakeProvider
from smskit import LATER, PHONES, make_batch, messages, save_sms_settings
from sqlalchemy import select

from app.export.sms.gateway import GatewayError, gateway_from_settings
from app.export.sms.providers import (
    PRESETS,
    BrevoGateway,
    OvhGateway,
    SmsmodeGateway,
    TwilioGateway,
    preset_secrets,
    provider_gateway,
    store_preset_secrets,
)
from app.export.sms.sender import poll_statuses, send_due
from app.models import ContactHistory, Customer
from app.models.enums import Channel
from app.models.permissions import suppressed_phones
from app.models.sms import SmsMessage, SmsStatus

ALL = ["twilio", "brevo", "smsmode", "ovh"]
SENT_TO = sorted(PHONES[k] for k in ("dupre", "martin", "rossi", "tremblay", "tamm", "homemobile"))


def gateway(fake: FakeProvider, sleeps: list[float] | None = None):
    sleeps = [] if sleeps is None else sleeps
    return PRESETS[fake.provider].gateway_class(
        fake.values,
        fake.secrets,
        sleep=sleeps.append,
        jitter=lambda wait: 0.0,
        backoff=0.01,
        retries=2,
        timeout=5,
    )


@pytest.fixture(params=ALL)
def fake(request):
    with FakeProvider(request.param) as running:
        yield running


def sent_to(fake: FakeProvider) -> list[str]:
    return sorted(s.to for s in fake.state.sent.values())


def test_every_message_goes_once_in_the_providers_format(sms_db, fake) -> None:
    db, ids = sms_db
    save_sms_settings(db, gateway=fake.provider, providers={fake.provider: fake.values})
    make_batch(db, gateway=fake.provider)
    summary = send_due(db, gateway(fake), sender_name="GARAGE", now=LATER)
    assert summary.sent == 6 and summary.failed == 0
    assert sent_to(fake) == SENT_TO
    assert len(fake.state.posts()) == 6
    by_phone = {m.phone: m for m in messages(db)}
    for s in fake.state.sent.values():
        assert by_phone[s.to].status is SmsStatus.SENT
        assert by_phone[s.to].provider_id == s.id
        # as the phone shows it: OVHcloud appends its STOP clause instead of Cible's mention
        clause = OVH_STOP_CLAUSE if fake.provider == "ovh" else ""
        assert s.text == by_phone[s.to].text + clause
        assert s.text.count("STOP") == 1
    post = fake.state.posts()[0].body
    if fake.provider == "twilio":  # form fields, the sender name as From
        assert set(post) == {"To", "Body", "From"} and post["From"] == "GARAGE"
    elif fake.provider == "brevo":  # marketing route, number without +
        assert post["type"] == "marketing" and post["sender"] == "GARAGE"
        assert not post["recipient"].startswith("+")
    elif fake.provider == "smsmode":  # Cible's reference kept with the message
        keys = {m.idempotency_key for m in messages(db)}
        assert {s.ref for s in fake.state.sent.values()} == keys
    else:  # OVHcloud: signed, one receiver per job, its STOP clause kept for marketing
        assert post["noStopClause"] is False and len(post["receivers"]) == 1
        assert post["coding"] == "7bit" and post["sender"] == "GARAGE"


def test_a_number_the_provider_refuses_fails_with_its_reason(sms_db, fake) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    fake.state.invalid.add(PHONES["tamm"])
    summary = send_due(db, gateway(fake), sender_name="GARAGE", now=LATER)
    assert (summary.sent, summary.failed) == (5, 1)
    tamm = next(m for m in messages(db) if m.phone == PHONES["tamm"])
    assert tamm.status is SmsStatus.FAILED
    expected = {
        "twilio": "21211 The 'To' number",
        "brevo": "Invalid phone number",
        "smsmode": "recipient.to: invalid phone number",
        "ovh": "invalid receiver +37251234567",
    }[fake.provider]
    assert expected in tamm.reason
    assert PHONES["tamm"] not in sent_to(fake)


def test_the_rate_limit_is_waited_for_then_the_message_goes_once(sms_db, fake) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    fake.state.script = ["429"]
    sleeps: list[float] = []
    summary = send_due(db, gateway(fake, sleeps), sender_name="GARAGE", now=LATER)
    assert summary.sent == 6 and sent_to(fake) == SENT_TO
    assert len(fake.state.posts()) == 7  # the refused request, then each message once
    if fake.provider == "twilio":  # no wait header documented: back-off
        assert sleeps and sleeps[0] == pytest.approx(0.01)
    else:  # Retry-After, or Brevo's x-sib-ratelimit-reset
        assert 2.0 in sleeps


def test_wrong_credentials_stop_the_send_and_nothing_is_lost(sms_db, fake) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    secrets = {k: "wrong" for k in fake.secrets}
    bad = PRESETS[fake.provider].gateway_class(fake.values, secrets, sleep=lambda s: None)
    summary = send_due(db, bad, sender_name="GARAGE", now=LATER)
    assert summary.stopped and PRESETS[fake.provider].name in summary.stopped
    assert {m.status for m in messages(db)} == {SmsStatus.PENDING}
    assert not fake.state.sent


def test_a_stop_held_by_the_provider_reaches_every_customer_with_that_number(sms_db, fake) -> None:
    db, ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    fake.state.optout.add(PHONES["dupre"])
    fake.state.replies.append((PHONES["tamm"], "Merci, à samedi"))
    summary = send_due(db, gateway(fake), sender_name="GARAGE", now=LATER)
    dupre = next(m for m in messages(db) if m.phone == PHONES["dupre"])
    if fake.provider == "twilio":  # read when Twilio refuses the message (error 21610)
        assert dupre.status is SmsStatus.FAILED and "21610" in dupre.reason
        poll_statuses(db, gateway(fake), now=LATER)
    else:  # read from the provider's replies or STOP list before anything is sent
        assert summary.stops == 1 and summary.replies == 1
        assert dupre.status is SmsStatus.CANCELLED and "STOP" in dupre.reason
    assert PHONES["dupre"] not in sent_to(fake)
    with db.session() as s:
        assert s.get(Customer, ids["dupre"]).optout_sms
        assert suppressed_phones(s, [PHONES["dupre"]], Channel.SMS) == {PHONES["dupre"]}


@pytest.mark.parametrize("provider", ALL)
def test_statuses_are_read_and_final_ones_are_not_asked_again(sms_db, provider) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    with FakeProvider(provider) as fake:
        send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        delivered = {"twilio": "delivered", "brevo": "delivered", "smsmode": "DELIVERED",
                     "ovh": "delivered"}[provider]  # fmt: skip
        failed = {"twilio": "undelivered", "brevo": "hardBounces", "smsmode": "UNDELIVERABLE",
                  "ovh": "failed"}[provider]  # fmt: skip
        for key in ("dupre", "martin", "rossi", "tremblay"):
            fake.state.set_status(PHONES[key], delivered)
        fake.state.set_status(PHONES["tamm"], failed)
        fake.state.requests.clear()
        summary = poll_statuses(db, gateway(fake), now=LATER)
        assert summary.updated == 5
        statuses = {m.phone: m.status for m in messages(db)}
        assert statuses[PHONES["dupre"]] is SmsStatus.DELIVERED
        assert statuses[PHONES["tamm"]] is SmsStatus.FAILED
        assert statuses[PHONES["homemobile"]] is SmsStatus.SENT
        first = len(fake.state.gets())
        fake.state.requests.clear()
        poll_statuses(db, gateway(fake), now=LATER)
        second = len(fake.state.gets())
    reason = next(m.reason for m in messages(db) if m.phone == PHONES["tamm"])
    assert reason  # the provider's words
    # one listing for every message (Twilio, Brevo: statuses and replies from the same pages),
    # or one request per message not final yet (smsmode: 6 then 1, plus the replies; OVHcloud:
    # 6 then 1, plus the server time, the failure code's description once, the incoming
    # messages and the STOP list)
    expected = {"twilio": (1, 1), "brevo": (1, 1), "smsmode": (7, 2), "ovh": (10, 4)}[provider]
    assert (first, second) == expected


def test_a_listing_provider_pages_instead_of_asking_each_message() -> None:
    from fake_providers import Sent

    with FakeProvider("twilio") as fake:
        for i in range(2500):  # what a few large sends leave to poll
            sid = f"SM{100_000 + i:032x}"
            fake.state.sent[sid] = Sent(sid, f"+336{i:08d}", "x", "GARAGE", status="delivered")
        twilio = gateway(fake)
        reports = twilio.statuses([(f"k{i}", sid) for i, sid in enumerate(fake.state.sent)])
        assert len(reports) == 2500 and {r.status for r in reports} == {SmsStatus.DELIVERED}
        # 3 pages of 1,000, where one request per message would have been 2,500
        assert [r.query.get("Page", "0") for r in fake.state.gets()] == ["0", "1", "2"]
        assert fake.state.gets()[0].query["PageSize"] == "1000"


def test_pages_are_followed(sms_db) -> None:
    with FakeProvider("brevo") as fake:
        for i in range(130):
            fake.state.replies.append((f"+336000{i:05d}", f"réponse {i}"))
        replies = gateway(fake).replies()
        assert len(replies) == 130
        assert [r.query["offset"] for r in fake.state.gets()] == ["0", "100"]


# -- settings and keyring -----------------------------------------------------------------------


def test_only_the_credentials_are_typed_and_secrets_stay_in_the_keyring(
    sms_db, memory_keyring
) -> None:
    db, _ids = sms_db
    with FakeProvider("ovh") as fake:
        values = fake.values
        store_preset_secrets("ovh", values, fake.secrets)
        settings = save_sms_settings(db, gateway="ovh", providers={"ovh": values})
        assert "ovh-app-secret" not in str(settings.to_dict())
        assert set(memory_keyring.store.values()) == {"ovh-app-secret", "ovh-consumer"}
        built = gateway_from_settings(settings)
        assert isinstance(built, OvhGateway) and built.kind == "ovh"
        assert preset_secrets("ovh", values) == fake.secrets


@pytest.mark.parametrize(
    ("key", "cls", "missing"),
    [
        ("twilio", TwilioGateway, "Auth token"),
        ("brevo", BrevoGateway, "API key"),
        ("smsmode", SmsmodeGateway, "API key"),
        ("ovh", OvhGateway, "Application secret"),
    ],
)
def test_a_missing_credential_is_named(memory_keyring, key, cls, missing) -> None:
    with FakeProvider(key) as fake:
        with pytest.raises(GatewayError, match=missing):
            provider_gateway(key, fake.values)
        assert PRESETS[key].gateway_class is cls


def test_a_demo_database_never_reaches_a_preset(sms_db, memory_keyring) -> None:
    db, _ids = sms_db
    settings = save_sms_settings(db, gateway="brevo")
    settings.demo_database = True
    with pytest.raises(GatewayError, match="demo"):
        gateway_from_settings(settings)


def test_every_preset_cites_its_documentation() -> None:
    for preset in PRESETS.values():
        assert preset.doc_url.startswith("https://")
        assert preset.doc_url in (preset.gateway_class.__doc__ or "")


def test_expired_messages_are_never_sent(sms_db, fake) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    at = dt.datetime(2026, 5, 21, 10, 0, tzinfo=dt.UTC)
    make_batch(db, at=at)
    ten_days_later = at + dt.timedelta(days=10)
    summary = send_due(db, gateway(fake), sender_name="GARAGE", now=ten_days_later, expire_days=7)
    assert summary.expired == 6 and summary.sent == 0 and not fake.state.sent
    assert {m.status for m in messages(db)} == {SmsStatus.EXPIRED}
    assert "7 days" in messages(db)[0].reason
    again = send_due(db, gateway(fake), sender_name="GARAGE", now=ten_days_later)
    assert again.handled == 0 and not fake.state.sent


# -- a message whose outcome is unknown ---------------------------------------------------------

LOOKUP = ["twilio", "brevo", "ovh"]


def posts_to(fake: FakeProvider) -> Counter:
    field = {"twilio": "To", "brevo": "recipient", "smsmode": "recipient", "ovh": "receivers"}
    numbers = []
    for r in fake.state.posts():
        value = r.body[field[fake.provider]]
        value = value[0] if isinstance(value, list) else value
        value = value["to"] if isinstance(value, dict) else value
        numbers.append("+" + value.lstrip("+"))
    return Counter(numbers)


@pytest.mark.parametrize("answer", ["took-500", "late"])
@pytest.mark.parametrize("provider", LOOKUP)
def test_a_message_the_provider_kept_without_answering_is_found_not_sent_again(
    sms_db, provider, answer
) -> None:
    """The provider keeps the second message but its answer is lost (a 500, or an answer after
    the timeout): the message is unknown, the run stops; the next run finds it at the
    provider by its number, time and text, records it as sent, and sends the rest."""
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    with FakeProvider(provider) as fake:
        fake.state.script = ["ok", answer]
        fake.state.late_seconds = 1.0
        first = PRESETS[provider].gateway_class(
            fake.values, fake.secrets, sleep=lambda s: None, timeout=0.3, retries=2
        )
        summary = send_due(db, first, sender_name="GARAGE", now=LATER, read_replies=False)
        assert (summary.sent, summary.unknown) == (1, 1) and summary.stopped
        unknown = next(m for m in messages(db) if m.status is SmsStatus.UNKNOWN)
        assert "may have been sent" in unknown.reason

        summary = send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        assert summary.resolved == 1 and summary.sent == 4 and summary.stopped is None
        found = next(m for m in messages(db) if m.id == unknown.id)
        assert found.status is SmsStatus.SENT
        kept = next(s for s in fake.state.sent.values() if s.to == unknown.phone)
        assert found.provider_id == kept.id
        assert set(posts_to(fake).values()) == {1}  # no number got a second POST
        assert sorted(posts_to(fake)) == SENT_TO
    with db.session() as s:  # found at the provider: in the contact history too
        assert unknown.customer_id in set(s.scalars(select(ContactHistory.customer_id)))


@pytest.mark.parametrize("provider", LOOKUP)
def test_a_message_the_provider_does_not_have_stays_unknown_and_says_why(sms_db, provider) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    with FakeProvider(provider) as fake:
        fake.state.script = ["ok", "500"]  # refused with a 500: it never reached the provider
        send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        summary = send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        assert summary.resolved == 0 and summary.sent == 4
        unknown = [m for m in messages(db) if m.status is SmsStatus.UNKNOWN]
        assert len(unknown) == 1
        assert f"{PRESETS[provider].name} lists no message to this number" in unknown[0].reason
        assert "check its portal" in unknown[0].reason
        assert posts_to(fake)[unknown[0].phone] == 1  # asked about, never posted again
        assert len(fake.state.posts()) == 6


def test_two_messages_that_could_be_it_are_left_to_a_person(sms_db) -> None:
    """Brevo's events carry no text: a message sent to the number from its portal meanwhile
    makes two candidates, and Cible does not guess."""
    from fake_providers import Sent

    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    with FakeProvider("brevo") as fake:
        fake.state.script = ["ok", "took-500"]
        send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        unknown = next(m for m in messages(db) if m.status is SmsStatus.UNKNOWN)
        fake.state.sent["99"] = Sent("99", unknown.phone, "Rappel atelier", "GARAGE")
        summary = send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        assert summary.resolved == 0
        again = next(m for m in messages(db) if m.id == unknown.id)
        assert again.status is SmsStatus.UNKNOWN
        assert "Brevo lists 2 messages to this number" in again.reason


def test_smsmode_cannot_be_asked_and_the_log_says_so(sms_db) -> None:
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    with FakeProvider("smsmode") as fake:
        fake.state.script = ["ok", "took-500"]
        send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        summary = send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        assert summary.resolved == 0 and summary.sent == 4
        unknown = [m for m in messages(db) if m.status is SmsStatus.UNKNOWN]
        assert len(unknown) == 1 and "may have been sent" in unknown[0].reason
        assert "smsmode's API documents no search for a message" in unknown[0].reason
        assert "a person decides in the SMS log" in unknown[0].reason
        assert len(fake.state.posts()) == 6 and not fake.state.gets("/sms/v1/messages/")


def test_smsmode_statuses_and_replies_follow_its_reference(sms_db) -> None:
    """smsmode's message object (status.value, status.detail, status.deliveryDate, direction):
    delivered at its deliveryDate, failed with its detail, any other value left as sent; only
    the phones' messages (MO) of a listing are read as replies."""
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    with FakeProvider("smsmode") as fake:
        send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        fake.state.set_status(PHONES["dupre"], "DELIVERED")
        fake.state.set_status(PHONES["tamm"], "UNDELIVERABLE")
        fake.state.set_status(PHONES["rossi"], "SOMETHING_NEW")  # not a documented value
        fake.state.replies.append((PHONES["martin"], "Merci"))
        summary = poll_statuses(db, gateway(fake), now=LATER)
    by_phone = {m.phone: m for m in messages(db)}
    assert by_phone[PHONES["dupre"]].status is SmsStatus.DELIVERED
    assert by_phone[PHONES["dupre"]].delivered_at == dt.datetime(2026, 5, 20, 14, 0, 5)
    assert by_phone[PHONES["tamm"]].status is SmsStatus.FAILED
    assert by_phone[PHONES["tamm"]].reason == "Unknown subscriber"
    assert by_phone[PHONES["rossi"]].status is SmsStatus.SENT
    # one reply, Martin's: Cible's six messages in the same listing are not replies
    assert (summary.updated, summary.replies, summary.stops) == (2, 1, 0)


def test_an_old_unknown_message_is_left_to_a_person_without_asking_again(sms_db) -> None:
    """Each run asks again about the unknown messages of the last 7 days only: an older one is
    not asked about on every run for ever."""
    db, _ids = sms_db
    save_sms_settings(db)
    make_batch(db)
    with FakeProvider("twilio") as fake:
        fake.state.script = ["ok", "took-500"]
        send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        with db.session() as s:
            unknown = s.scalars(select(SmsMessage).where(SmsMessage.status == SmsStatus.UNKNOWN))
            unknown.one().handed_at -= dt.timedelta(days=8)
        fake.state.requests.clear()
        summary = send_due(db, gateway(fake), sender_name="GARAGE", now=LATER, read_replies=False)
        assert summary.resolved == 0 and summary.sent == 4
        assert not fake.state.gets()  # not asked
        assert sum(m.status is SmsStatus.UNKNOWN for m in messages(db)) == 1
