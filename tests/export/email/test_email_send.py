"""Sending through a real local SMTP server (aiosmtpd on 127.0.0.1): journal, exactly once,
unsubscribe headers, refused recipient, contact history, kill -9 and resume."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from mailkit import everyone
from sqlalchemy import select

from app.export.email.message import token_in
from app.export.email.recipients import plan_send
from app.export.email.sender import SmtpTransport, create_batch, send_due
from app.export.email.settings import EmailSettings, SiteSender
from app.export.email.templates import STARTERS, compile_template
from app.models.activity import ContactHistory
from app.models.email import EmailMessage, EmailStatus
from app.models.enums import ContactChannel

ROOT = Path(__file__).resolve().parents[3]


def settings_for(port: int, **kw) -> EmailSettings:
    s = EmailSettings(host="127.0.0.1", port=port, security="none", per_minute=10_000, **kw)
    s.default = SiteSender(
        from_name="Garage de Tours",
        from_address="atelier@garage-tours.example",
        reply_to="accueil@garage-tours.example",
        unsubscribe_address="desinscription@garage-tours.example",
        postal_address="1 rue Nationale, 37000 Tours",
    )
    return s


def write_send(database, settings, html=None, subject="Bonjour {nom}", kind="marketing"):
    html = html or STARTERS["Merci de votre visite"][2]
    with database.session() as session:
        plan = plan_send(session, everyone(), compile_template(subject, html), kind, settings, lang="fr")
        batch = create_batch(session, plan, settings, campaign="Merci", template_name="Merci", lang="fr")
        return batch.id, [r.address for r in plan.recipients]


def test_each_kept_address_gets_one_complete_message(mail_db, smtp_server) -> None:
    database, ids = mail_db
    settings = settings_for(smtp_server.port)
    batch_id, addresses = write_send(database, settings)
    summary = send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
    assert summary.sent == 3 and summary.failed == summary.unknown == 0
    assert sorted(smtp_server.handler.recipients()) == sorted(addresses)
    with database.session() as session:
        rows = session.scalars(select(EmailMessage)).all()
        assert {m.status for m in rows} == {EmailStatus.SENT}
        by_address = {m.address: m for m in rows}
        history = session.scalars(
            select(ContactHistory).where(ContactHistory.channel == ContactChannel.EMAIL)
        ).all()
        assert sorted(h.customer_id for h in history) == sorted(
            [ids["dupre"], ids["martin"], ids["company"]]
        )
        assert {h.campaign for h in history} == {"Merci"}
    for received in smtp_server.handler.messages:
        address = received["To"].addresses[0].addr_spec
        stored = by_address[address]
        assert received["Message-ID"] == f"<{stored.message_id}>"
        assert received["Reply-To"] == "accueil@garage-tours.example"
        unsubscribe = received["List-Unsubscribe"]
        assert f"mailto:desinscription@garage-tours.example?subject=unsubscribe%20{stored.token}" in unsubscribe
        assert "List-Unsubscribe-Post" not in received  # no HTTPS endpoint declared
        html_part = received.get_body(("html",)).get_content()
        text_part = received.get_body(("plain",)).get_content()
        # the visible line: a link to the unsubscribe mailbox with the token
        assert (
            f'<a href="mailto:desinscription@garage-tours.example?subject=unsubscribe%20{stored.token}">'
            in html_part
        )
        assert token_in(text_part) == stored.token
    dupre = next(m for m in smtp_server.handler.messages if "dupre" in str(m["To"]))
    assert dupre["Subject"] == "Bonjour Dupré"
    body = dupre.get_body(("html",)).get_content()
    assert "Monsieur," in body and "RENAULT CLIO" in body
    company = next(m for m in smtp_server.handler.messages if "roux" in str(m["To"]))
    assert company["Subject"] == "Bonjour Transports Roux"  # {nom} of a company


def test_one_click_header_when_the_site_declares_https(mail_db, smtp_server) -> None:
    database, _ids = mail_db
    settings = settings_for(smtp_server.port)
    settings.default.unsubscribe_url = "https://garage-tours.example/desinscription"
    write_send(database, settings)
    send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
    received = smtp_server.handler.messages[0]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert received["List-Unsubscribe"].startswith("<https://garage-tours.example/desinscription?t=")


def test_a_refused_recipient_fails_and_the_rest_go_on(mail_db, smtp_server) -> None:
    database, _ids = mail_db
    settings = settings_for(smtp_server.port)
    smtp_server.handler.refuse = {"martin@example.fr"}
    write_send(database, settings)
    summary = send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
    assert (summary.sent, summary.failed) == (2, 1)
    assert "martin@example.fr" not in smtp_server.handler.recipients()
    with database.session() as session:
        failed = session.scalars(
            select(EmailMessage).where(EmailMessage.status == EmailStatus.FAILED)
        ).one()
        assert failed.address == "martin@example.fr" and failed.reason.startswith("550")
    # a second run sends nothing again
    again = send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
    assert again.sent == again.failed == 0
    assert len(smtp_server.handler.messages) == 2


def test_a_refusal_recorded_after_the_send_was_written_cancels_the_message(mail_db, smtp_server) -> None:
    from app.models import permissions
    from app.models.dealership import Customer
    from app.models.enums import Channel

    database, ids = mail_db
    settings = settings_for(smtp_server.port)
    write_send(database, settings)
    with database.session() as session:
        customer = session.get(Customer, ids["dupre"])
        permissions.record_refusal(session, customer, Channel.EMAIL, dt.date(2026, 11, 24), "Test")
    summary = send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
    assert (summary.sent, summary.cancelled) == (2, 1)
    assert "jean.dupre@example.fr" not in smtp_server.handler.recipients()


def test_a_send_larger_than_the_days_allowance_is_spread(mail_db, smtp_server) -> None:
    database, _ids = mail_db
    settings = settings_for(smtp_server.port, per_day=2)
    now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    with database.session() as session:
        plan = plan_send(session, everyone(), compile_template("Bonjour", "<p>Bonjour</p>"),
                         "service", settings, now=now)
        create_batch(session, plan, settings, campaign="x", now=now)
    with database.session() as session:
        times = sorted(m.scheduled_for for m in session.scalars(select(EmailMessage)))
    assert times == [dt.datetime(2026, 11, 23, 9)] * 2 + [dt.datetime(2026, 11, 24, 9)] * 2


def test_the_minute_limit_spaces_messages(mail_db, smtp_server) -> None:
    database, _ids = mail_db
    settings = settings_for(smtp_server.port)
    settings.per_minute = 30
    write_send(database, settings)
    waits: list[float] = []
    send_due(database, SmtpTransport(settings), settings, sleep=waits.append, clock=lambda: 0.0)
    assert waits == [2.0, 2.0]  # 60 s / 30, between the 3 messages


CHILD = textwrap.dedent(
    """
    import sys
    from app.models.db import open_database
    from app.export.email.sender import SmtpTransport, send_due
    from app.export.email.settings import EmailSettings
    settings = EmailSettings(host="127.0.0.1", port=int(sys.argv[2]), security="none",
                             per_minute=10000)
    settings.default.from_address = "atelier@garage-tours.example"
    database = open_database(sys.argv[1])
    send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
    """
)


@pytest.mark.parametrize("moment", ["rcpt", "data"])
def test_kill_9_mid_send_then_resume_every_address_gets_exactly_one(
    mail_db, smtp_server, db_path: Path, moment: str
) -> None:
    """A child process sending is SIGKILLed while the server handles its 2nd message (before
    DATA, or while DATA is received); a resumed run delivers the rest: one message each."""
    database, _ids = mail_db
    settings = settings_for(smtp_server.port)
    _batch, addresses = write_send(database, settings, kind="service")
    assert len(addresses) == 4  # service: no legal basis needed
    child: subprocess.Popen | None = None
    seen = {"n": 0}
    killed = threading.Event()

    def kill_second(*_args) -> None:
        seen["n"] += 1
        if seen["n"] == 2 and child is not None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            killed.set()

    if moment == "rcpt":
        smtp_server.handler.on_rcpt = kill_second
    else:
        smtp_server.handler.on_data = kill_second
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(smtp_server.port)], env=env, cwd=ROOT
    )
    child.wait(timeout=60)
    assert killed.is_set() and child.returncode == -signal.SIGKILL
    smtp_server.handler.on_rcpt = smtp_server.handler.on_data = None
    summary = send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
    received = smtp_server.handler.recipients()
    assert sorted(received) == sorted(addresses)  # each exactly once
    with database.session() as session:
        statuses = [m.status for m in session.scalars(select(EmailMessage).order_by(EmailMessage.id))]
    # the four were claimed as one group: the killed one and the two after it were still
    # claimed (or in DATA) when the sender died, and are what the next run recovers
    if moment == "rcpt":
        # the killed one never reached DATA: sent again, once
        assert statuses == [EmailStatus.SENT] * 4 and summary.recovered == 3
        assert summary.sent == 3
    else:
        # the killed one was inside DATA: the server has it, Cible marks it unknown, not re-sent
        assert statuses == [EmailStatus.SENT, EmailStatus.UNKNOWN] + [EmailStatus.SENT] * 2
        assert summary.recovered == 3 and summary.sent == 2


@pytest.mark.parametrize("later", [False, True])
def test_a_refusal_typed_mid_group_is_read_again_after_the_window(mail_db, smtp_server, later) -> None:
    """The group's permissions are read once after its claim; a refusal committed while the
    group sends stops its messages once PERMISSION_WINDOW seconds have passed since that read
    (not before: the documented window)."""
    from app.export.email.sender import PERMISSION_WINDOW
    from app.models import permissions
    from app.models.dealership import Customer
    from app.models.enums import Channel

    database, ids = mail_db
    settings = settings_for(smtp_server.port)
    _batch, addresses = write_send(database, settings)
    assert addresses[-1] == "contact@roux.example"
    seconds = [0.0]

    def refuse_during_the_first(_content: bytes) -> None:
        if smtp_server.handler.on_data is None:
            return
        smtp_server.handler.on_data = None
        with database.session() as session:  # typed by a colleague while the send goes on
            customer = session.get(Customer, ids["company"])
            permissions.record_refusal(session, customer, Channel.EMAIL, dt.date(2026, 11, 24), "Test")
        if later:
            seconds[0] += PERMISSION_WINDOW + 1

    smtp_server.handler.on_data = refuse_during_the_first
    summary = send_due(
        database, SmtpTransport(settings), settings, sleep=lambda s: None, clock=lambda: seconds[0]
    )
    delivered = smtp_server.handler.recipients()
    with database.session() as session:
        roux = session.scalars(
            select(EmailMessage).where(EmailMessage.address == "contact@roux.example")
        ).one()
    if later:
        assert (summary.sent, summary.cancelled) == (2, 1)
        assert "contact@roux.example" not in delivered and roux.status is EmailStatus.CANCELLED
        # the refusal put the address on the suppression list, which is read first
        assert roux.reason == "address on the e-mail suppression list (checked at sending time)"
    else:
        assert (summary.sent, summary.cancelled) == (3, 0) and roux.status is EmailStatus.SENT


def test_what_a_stopped_run_claimed_goes_back_to_pending(mail_db, smtp_server) -> None:
    database, _ids = mail_db
    settings = settings_for(smtp_server.port)
    write_send(database, settings)
    stop = threading.Event()
    summary = send_due(
        database, SmtpTransport(settings), settings, sleep=lambda s: None,
        progress=lambda done, total: stop.set(), cancelled=stop.is_set,
    )  # fmt: skip
    assert summary.sent == 1 and summary.stopped == "cancelled by the user"
    with database.session() as session:
        rows = session.scalars(select(EmailMessage).order_by(EmailMessage.id)).all()
        assert [m.status for m in rows] == [EmailStatus.SENT] + [EmailStatus.PENDING] * 2
        assert all(m.claimed_by is None for m in rows[1:])
    settings.per_day = 2  # the day's limit stops the next run after one more
    summary = send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
    assert summary.sent == 1 and "day's limit of 2" in summary.stopped
    with database.session() as session:
        rows = session.scalars(select(EmailMessage).order_by(EmailMessage.id)).all()
        assert [m.status for m in rows] == [EmailStatus.SENT] * 2 + [EmailStatus.PENDING]
        assert rows[2].claimed_by is None
    assert len(smtp_server.handler.recipients()) == 2


def test_the_database_reads_do_not_grow_with_the_messages(mail_db, smtp_server) -> None:
    """Per message only the journal's writes (in_data; sent with the contact history); the
    reads (due messages, their content, refusals, suppression list, legal basis) are per group."""
    from sqlalchemy import event

    database, _ids = mail_db
    settings = settings_for(smtp_server.port)
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement.split(None, 1)[0].upper())

    def run(sends: int) -> tuple[int, int, int]:
        for _ in range(sends):
            write_send(database, settings, kind="service")
        statements.clear()
        event.listen(database.engine, "before_cursor_execute", seen)
        try:
            summary = send_due(database, SmtpTransport(settings), settings, sleep=lambda s: None)
        finally:
            event.remove(database.engine, "before_cursor_execute", seen)
        writes = statements.count("UPDATE") + statements.count("INSERT")
        return summary.sent, statements.count("SELECT"), writes

    sent, reads_4, writes_4 = run(1)
    assert sent == 4
    sent, reads_12, writes_12 = run(3)
    assert sent == 12
    assert reads_12 == reads_4  # one group either way
    assert writes_12 - writes_4 == 3 * 8  # in_data, sent and its contact history per message
