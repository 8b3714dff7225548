"""The Brevo route against a local HTTP server answering as Brevo's documentation says: the
same journal and at-most-once rule as SMTP, and Brevo's blocked contacts brought back."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from mailkit import FakeBrevo, everyone
from sqlalchemy import select
from test_email_send import settings_for

from app.export.email.brevo import (
    BREVO_BOUNCE_SOURCE,
    BREVO_UNSUBSCRIBE_SOURCE,
    BrevoTransport,
    sync_blocked,
)
from app.export.email.recipients import plan_send
from app.export.email.routes import open_transport, send_test_email
from app.export.email.sender import EmailSendError, create_batch, send_due
from app.export.email.templates import STARTERS, compile_template
from app.models.activity import ContactHistory
from app.models.dealership import Customer
from app.models.email import EmailMessage, EmailStatus, InvalidEmail
from app.models.enums import ContactChannel


def brevo_settings(api: FakeBrevo):
    settings = settings_for(1)
    settings.route = "brevo"
    settings.brevo_url = api.url
    return settings


def write_send(database, settings) -> list[str]:
    html = STARTERS["Merci de votre visite"][2]
    with database.session() as session:
        plan = plan_send(session, everyone(), compile_template("Bonjour {nom}", html), "marketing", settings, lang="fr")
        create_batch(session, plan, settings, campaign="Merci", template_name="Merci", lang="fr")
        return [r.address for r in plan.recipients]


def statuses(database) -> dict[str, EmailStatus]:
    with database.session() as session:
        return {m.address: m.status for m in session.scalars(select(EmailMessage))}


def test_each_message_is_one_request_with_the_journal_token_as_idempotency_key(mail_db, brevo) -> None:
    database, ids = mail_db
    settings = brevo_settings(brevo)
    addresses = write_send(database, settings)
    transport = open_transport(settings, FakeBrevo.KEY)
    assert isinstance(transport, BrevoTransport)
    summary = send_due(database, transport, settings, sleep=lambda s: None)
    assert summary.sent == len(addresses) == 3 and summary.failed == summary.unknown == 0
    bodies = brevo.sent()
    assert sorted(b["to"][0]["email"] for b in bodies) == sorted(addresses)
    with database.session() as session:
        journal = {m.address: m for m in session.scalars(select(EmailMessage))}
        for body in bodies:
            message = journal[body["to"][0]["email"]]
            assert message.status is EmailStatus.SENT
            assert body["sender"] == {"email": "atelier@garage-tours.example", "name": "Garage de Tours"}
            assert body["replyTo"] == {"email": "accueil@garage-tours.example"}
            assert body["subject"] == message.subject
            assert "Merci d’avoir confié" in body["htmlContent"]
            assert "Merci d’avoir confié" in body["textContent"]
            # the visible unsubscribe line carries the journal's token
            assert f"unsubscribe%20{message.token}" in body["htmlContent"]
            assert body["headers"]["idempotencyKey"] == str(uuid.UUID(hex=message.token))
            assert body["headers"]["X-Cible-Message-Id"] == message.message_id
        history = session.scalars(select(ContactHistory)).all()
        assert len(history) == 3 and {h.channel for h in history} == {ContactChannel.EMAIL}
    # a second run finds nothing to send
    assert send_due(database, open_transport(settings, FakeBrevo.KEY), settings).sent == 0
    assert len(brevo.sent()) == 3


def test_a_refused_address_fails_and_the_rest_go_on(mail_db, brevo) -> None:
    database, _ids = mail_db
    settings = brevo_settings(brevo)
    write_send(database, settings)
    brevo.refuse.add("martin@example.fr")
    summary = send_due(database, open_transport(settings, FakeBrevo.KEY), settings, sleep=lambda s: None)
    assert summary.sent == 2 and summary.failed == 1
    assert summary.failures[0][0] == "martin@example.fr" and "400" in summary.failures[0][1]
    assert statuses(database)["martin@example.fr"] is EmailStatus.FAILED


@pytest.mark.parametrize("trouble", ["wrong key", "rate limit", "no key"])
def test_nothing_accepted_goes_back_to_pending_then_leaves_once(mail_db, brevo, trouble, monkeypatch) -> None:
    database, _ids = mail_db
    settings = brevo_settings(brevo)
    addresses = write_send(database, settings)
    if trouble == "no key":
        monkeypatch.setattr("app.export.email.brevo.get_password", lambda account: None)
        transport = open_transport(settings)
    else:
        brevo.rate_limited = trouble == "rate limit"
        transport = open_transport(settings, "wrong" if trouble == "wrong key" else FakeBrevo.KEY)
    summary = send_due(database, transport, settings, sleep=lambda s: None)
    assert summary.sent == 0 and summary.stopped
    assert {"wrong key": "API key", "rate limit": "rate limit", "no key": "No Brevo API key"}[trouble] in summary.stopped
    assert set(statuses(database).values()) == {EmailStatus.PENDING}
    brevo.rate_limited = False
    again = send_due(database, open_transport(settings, FakeBrevo.KEY), settings, sleep=lambda s: None)
    assert again.sent == 3
    accepted = [b["to"][0]["email"] for b in brevo.sent() if b["to"]]
    # every address accepted exactly once (the refused requests were not accepted)
    assert sorted(accepted[-3:]) == sorted(addresses)


def test_an_answer_lost_is_unknown_and_never_sent_again(mail_db, brevo) -> None:
    database, _ids = mail_db
    settings = brevo_settings(brevo)
    write_send(database, settings)
    brevo.drop.add("jean.dupre@example.fr")
    summary = send_due(database, open_transport(settings, FakeBrevo.KEY, timeout=5), settings, sleep=lambda s: None)
    assert summary.unknown == 1 and summary.stopped
    assert statuses(database)["jean.dupre@example.fr"] is EmailStatus.UNKNOWN
    brevo.drop.clear()
    send_due(database, open_transport(settings, FakeBrevo.KEY), settings, sleep=lambda s: None)
    posts = [b["to"][0]["email"] for b in brevo.sent()]
    assert posts.count("jean.dupre@example.fr") == 1  # the request that got no answer, only
    assert statuses(database)["jean.dupre@example.fr"] is EmailStatus.UNKNOWN


def test_blocked_contacts_come_back_as_refusals_and_invalid_addresses(mail_db, brevo) -> None:
    database, ids = mail_db
    settings = brevo_settings(brevo)
    write_send(database, settings)
    filler = [
        {"email": f"other{i}@example.org", "senderEmail": "atelier@garage-tours.example",
         "reason": {"code": "adminBlocked", "message": "blocked by admin"}, "blockedAt": "2026-11-01T10:00:00.000Z"}
        for i in range(120)
    ]  # fmt: skip
    brevo.blocked = [
        *filler,
        {"email": "Martin@Example.fr", "reason": {"code": "unsubscribedViaEmail", "message": "x"},
         "blockedAt": "2026-11-25T08:30:00.000+01:00"},
        {"email": "jean.dupre@example.fr", "reason": {"code": "hardBounce", "message": "x"},
         "blockedAt": "2026-11-24T10:00:00.000Z"},
    ]  # fmt: skip
    transport = BrevoTransport(settings, api_key=FakeBrevo.KEY)
    summary = sync_blocked(database, transport)
    assert summary.unsubscribed == ["martin@example.fr"]
    assert summary.invalid == ["jean.dupre@example.fr"]
    assert summary.ignored == 120  # an admin block is Brevo's business, not a customer's refusal
    assert [p for m, p, _h, _b in brevo.requests if m == "GET"] == [
        "/v3/smtp/blockedContacts?limit=100&offset=0&sort=asc",
        "/v3/smtp/blockedContacts?limit=100&offset=100&sort=asc",
    ]
    with database.session() as session:
        for key in ("martin", "shared"):  # both customers holding the address
            customer = session.get(Customer, ids[key])
            assert customer.optout_email and customer.optout_email_date == dt.date(2026, 11, 25)
            assert customer.optout_email_source == BREVO_UNSUBSCRIBE_SOURCE
        invalid = session.get(InvalidEmail, "jean.dupre@example.fr")
        assert invalid.since == dt.date(2026, 11, 24) and invalid.source == BREVO_BOUNCE_SOURCE
        # the open message of the unsubscribed address is cancelled
        assert session.scalar(
            select(EmailMessage.status).where(EmailMessage.address == "martin@example.fr")
        ) is EmailStatus.CANCELLED
    assert sync_blocked(database, transport).unsubscribed == ["martin@example.fr"]  # idempotent
    with database.session() as session:
        assert session.get(Customer, ids["martin"]).optout_email_date == dt.date(2026, 11, 25)


def test_sync_with_a_wrong_key_is_one_line(mail_db, brevo) -> None:
    database, _ids = mail_db
    with pytest.raises(EmailSendError, match="API key"):
        sync_blocked(database, BrevoTransport(brevo_settings(brevo), api_key="wrong"))


def test_the_test_email_goes_through_brevo(brevo) -> None:
    settings = brevo_settings(brevo)
    assert send_test_email(settings, " Moi@Garage.example ", secret=FakeBrevo.KEY) == "moi@garage.example"
    (body,) = brevo.sent()
    assert body["to"] == [{"email": "moi@garage.example"}]
    assert "test" in body["subject"].lower()
    with pytest.raises(EmailSendError, match="API key"):
        send_test_email(settings, "moi@garage.example", secret="wrong")
