"""``python -m app send-pending`` and the e-mails: the unsubscribes waiting in the site's mailbox
(a real Dovecot on loopback) are read before the due e-mails leave through a real SMTP server;
without a mail server, or with a mailbox that cannot be read, nothing leaves and the command says
why with exit code 1."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from mailkit import LocalSmtp
from sqlalchemy import select
from test_email_send import settings_for, write_send

from app.__main__ import main
from app.export.email.settings import KEYRING_SERVICE, EmailSettings, save_settings
from app.models.email import EmailMessage, EmailStatus

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sms"))

MAILBOX_USER = "site@garage.example"  # the login the Dovecot fixture knows


@pytest.fixture
def smtp_server():
    """The dealership's server, asking for the mailbox's login as Microsoft 365 or OVHcloud do."""
    with LocalSmtp({MAILBOX_USER: "secret"}) as running:
        yield running


def _statuses(database) -> dict[str, EmailStatus]:
    with database.session() as session:
        return {m.address: m.status for m in session.scalars(select(EmailMessage))}


def _settings(smtp_port: int, imap_port: int) -> EmailSettings:
    settings = settings_for(smtp_port, username=MAILBOX_USER)
    settings.imap_host, settings.imap_port, settings.imap_ssl = "127.0.0.1", imap_port, False
    return settings


def test_the_unsubscribes_are_read_before_the_waiting_e_mails_leave(
    mail_db, smtp_server, imap_server, memory_keyring, db_path, capsys
) -> None:
    database, _ids = mail_db
    settings = _settings(smtp_server.port, imap_server.port)
    memory_keyring.set_password(KEYRING_SERVICE, MAILBOX_USER, "secret")
    with database.session() as session:
        save_settings(session, settings)
    _batch, addresses = write_send(database, settings)  # waiting, as a program's run leaves them
    assert "martin@example.fr" in addresses and len(addresses) >= 2
    with database.session() as session:
        token = session.scalar(
            select(EmailMessage.token).where(EmailMessage.address == "martin@example.fr")
        )
    imap_server.append(
        "INBOX",
        (
            "From: Martin <martin@example.fr>\r\nTo: desinscription@garage-tours.example\r\n"
            f"Subject: unsubscribe {token}\r\nDate: Wed, 25 Nov 2026 08:30:00 +0100\r\n\r\n\r\n"
        ).encode(),
    )

    assert main(["send-pending", "--db", str(db_path), "--lang", "en"]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    assert "e-mails: 1 unsubscribe(s), 0 rejected address(es) read first" in out
    sent_to = sorted(m["To"].addresses[0].addr_spec for m in smtp_server.handler.messages)
    assert sent_to == sorted(a for a in addresses if a != "martin@example.fr")
    assert f"e-mails: sent {len(sent_to)}, failed 0" in out
    assert _statuses(database)["martin@example.fr"] is EmailStatus.CANCELLED

    # the next run finds nothing waiting and sends nothing again
    assert main(["send-pending", "--db", str(db_path), "--lang", "en"]) == 0
    assert len(smtp_server.handler.messages) == len(sent_to)
    assert "e-mails: sent" not in capsys.readouterr().out


def test_a_mailbox_that_cannot_be_read_holds_the_e_mails_back(
    mail_db, smtp_server, imap_server, memory_keyring, db_path, capsys
) -> None:
    database, _ids = mail_db
    settings = _settings(smtp_server.port, imap_server.port)
    memory_keyring.set_password(KEYRING_SERVICE, MAILBOX_USER, "wrong")
    with database.session() as session:
        save_settings(session, settings)
    write_send(database, settings)

    assert main(["send-pending", "--db", str(db_path), "--lang", "fr"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "boîte aux lettres" in err and "restent en attente" in err
    assert not smtp_server.handler.messages
    assert set(_statuses(database).values()) == {EmailStatus.PENDING}


def test_waiting_e_mails_without_a_mail_server_are_named(mail_db, db_path, capsys) -> None:
    database, _ids = mail_db
    write_send(database, settings_for(25))  # written, then the server was removed
    with database.session() as session:
        save_settings(session, EmailSettings())
    count = len(_statuses(database))

    assert main(["send-pending", "--db", str(db_path), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert f"{count} e-mails are waiting, but no mail server is set" in err
    assert set(_statuses(database).values()) == {EmailStatus.PENDING}


def test_without_e_mail_settings_send_pending_is_about_sms_only(database, db_path, capsys) -> None:
    assert main(["send-pending", "--db", str(db_path), "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert "e-mails" not in captured.out + captured.err
