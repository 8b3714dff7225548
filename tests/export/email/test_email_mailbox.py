"""The site's mailbox over IMAP, against a real Dovecot started here on loopback: an
unsubscribe request sets the e-mail refusal with date and source; a hard bounce marks the
address invalid. Skipped when Dovecot is not installed, except in CI (CI set): then it fails."""

from __future__ import annotations

import datetime as dt

from mailkit import everyone
from sqlalchemy import select

from app.export.email.mailbox import UNSUBSCRIBE_SOURCE, process_mailbox
from app.export.email.recipients import plan_send
from app.export.email.sender import create_batch
from app.export.email.templates import compile_template
from app.models.dealership import Customer, SuppressionEntry
from app.models.email import InvalidEmail

BOUNCE = b"""From: MAILER-DAEMON@mx.example
To: atelier@garage-tours.example
Subject: Undelivered Mail Returned to Sender
Date: Tue, 24 Nov 2026 10:00:00 +0100
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

The mail could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example

Final-Recipient: rfc822; jean.dupre@example.fr
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 No such user

--B--
"""


def test_unsubscribe_and_bounce_read_from_the_mailbox(mail_db, imap_server) -> None:
    database, ids = mail_db
    from test_email_send import settings_for

    settings = settings_for(25)
    with database.session() as session:
        plan = plan_send(session, everyone(), compile_template("Bonjour", "<p>Bonjour</p>"),
                         "marketing", settings)
        create_batch(session, plan, settings, campaign="x")
    with database.session() as session:
        from app.models.email import EmailMessage

        token = session.scalar(select(EmailMessage.token).where(EmailMessage.address == "martin@example.fr"))
    request = (
        f"From: Someone <someone.else@example.fr>\r\nTo: desinscription@garage-tours.example\r\n"
        f"Subject: unsubscribe {token}\r\nDate: Wed, 25 Nov 2026 08:30:00 +0100\r\n\r\n\r\n"
    ).encode()
    unrelated = b"From: a@b.example\r\nSubject: Rendez-vous\r\n\r\nBonjour, je voudrais un RDV.\r\n"
    for raw in (request, BOUNCE, unrelated):
        imap_server.append("INBOX", raw)
    summary = process_mailbox(database, imap_server)
    assert summary.unsubscribed == ["martin@example.fr"]
    assert summary.invalid == ["jean.dupre@example.fr"]
    assert summary.ignored == 1
    with database.session() as session:
        martin = session.get(Customer, ids["martin"])
        shared = session.get(Customer, ids["shared"])  # the same address: refused too
        for customer in (martin, shared):
            assert customer.optout_email
            assert customer.optout_email_date == dt.date(2026, 11, 25)
            assert customer.optout_email_source == UNSUBSCRIBE_SOURCE
        entry = session.scalar(select(SuppressionEntry).where(SuppressionEntry.value == "martin@example.fr"))
        assert entry is not None and entry.source == UNSUBSCRIBE_SOURCE
        invalid = session.get(InvalidEmail, "jean.dupre@example.fr")
        assert invalid is not None and invalid.since == dt.date(2026, 11, 24)
    # read once: a second pass finds nothing new
    again = process_mailbox(database, imap_server)
    assert again.unsubscribed == [] and again.invalid == [] and again.ignored == 1
    # the next send leaves both out
    with database.session() as session:
        plan = plan_send(session, everyone(), compile_template("Bonjour", "<p>Bonjour</p>"),
                         "service", settings)
        steps = {s.key: [str(w) for w, _r in s.dropped] for s in plan.funnel.steps}
        assert any("jean.dupre" in w for w in steps["valid"])
        assert any("martin@example.fr" in w for w in steps["refused"])
