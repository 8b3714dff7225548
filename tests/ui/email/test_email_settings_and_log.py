"""The e-mail settings window (presets, per-site sender, keyring, the test e-mail through a real
local SMTP server and through a local Brevo) and the e-mail log (statuses, "Check the mailbox
now" against a real dovecot, "Send waiting e-mails")."""

from __future__ import annotations

import datetime as dt

from mailkit import FakeBrevo, everyone
from PySide6.QtCore import Qt
from sqlalchemy import select
from test_email_send import settings_for

from app.export.email.recipients import plan_send
from app.export.email.sender import create_batch
from app.export.email.settings import BREVO_ACCOUNT, KEYRING_SERVICE, load_settings, save_settings
from app.export.email.templates import STARTERS, compile_template
from app.models.dealership import Customer
from app.models.email import EmailMessage, EmailStatus
from app.ui.email import EmailLogWindow, EmailSettingsDialog

LEFT = Qt.MouseButton.LeftButton


def open_settings(qtbot, database, manager) -> EmailSettingsDialog:
    dialog = EmailSettingsDialog(database, task_manager=manager)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        pass
    return dialog


def test_presets_senders_per_site_and_the_password_in_the_keyring(qtbot, mail_db, manager, memory_keyring) -> None:
    database, _ids = mail_db
    dialog = open_settings(qtbot, database, manager)
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findData("microsoft365"))
    dialog.preset_combo.activated.emit(dialog.preset_combo.currentIndex())
    assert dialog.host_edit.text() == "smtp.office365.com" and dialog.port_spin.value() == 587
    assert (dialog.per_minute_spin.value(), dialog.per_day_spin.value()) == (30, 2000)
    assert "bulk" in dialog.preset_note.text()
    dialog.per_day_spin.setValue(1500)  # the published limits stay editable
    qtbot.keyClicks(dialog.user_edit, "atelier@garage-tours.example")
    qtbot.keyClicks(dialog.password_edit, "s3cret")
    qtbot.keyClicks(dialog.from_name_edit, "Garage de Tours")
    qtbot.keyClicks(dialog.from_address_edit, "atelier@garage-tours.example")
    # the Tours site gets its own reply-to
    dialog.site_combo.setCurrentIndex(dialog.site_combo.findData("TRS"))
    assert not dialog.from_address_edit.isEnabled()
    dialog.own_sender_check.setChecked(True)
    dialog.reply_to_edit.setText("tours@garage.example")
    with qtbot.waitSignal(dialog.saved, timeout=20_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    with database.session() as session:
        saved = load_settings(session)
    assert (saved.host, saved.per_day, saved.username) == ("smtp.office365.com", 1500, "atelier@garage-tours.example")
    assert saved.default.from_address == "atelier@garage-tours.example"
    assert saved.sender_for("TRS").reply_to == "tours@garage.example"
    assert saved.sender_for("TRS").from_address == "atelier@garage-tours.example"  # copied from the default
    assert "s3cret" not in saved.to_json()
    assert memory_keyring.store[(KEYRING_SERVICE, "atelier@garage-tours.example")] == "s3cret"


def test_a_wrong_address_is_one_line_and_nothing_is_saved(qtbot, mail_db, manager) -> None:
    database, _ids = mail_db
    dialog = open_settings(qtbot, database, manager)
    dialog.from_address_edit.setText("pas une adresse")
    with qtbot.waitSignal(dialog.failed, timeout=5_000) as failed:
        dialog.save()
    assert failed.args[0] == "'pas une adresse' is not an e-mail address."
    assert dialog.message_label.text() == failed.args[0]
    with database.session() as session:
        assert load_settings(session).default.from_address == ""


def test_send_a_test_email_to_me_through_the_server(qtbot, mail_db, manager, smtp_server) -> None:
    database, _ids = mail_db
    with database.session() as session:
        save_settings(session, settings_for(smtp_server.port))
    dialog = open_settings(qtbot, database, manager)
    assert dialog.test_edit.text() == "accueil@garage-tours.example"  # the reply-to: the user's
    dialog.test_edit.setText("moi@garage-tours.example")
    with qtbot.waitSignal(dialog.tested, timeout=20_000):
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert smtp_server.handler.recipients() == ["moi@garage-tours.example"]
    assert "Test e-mail sent to moi@garage-tours.example" in dialog.message_label.text()
    # a server that is not there: one line
    dialog.port_spin.setValue(1)
    with qtbot.waitSignal(dialog.failed, timeout=20_000) as failed:
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert failed.args[0].startswith("Cannot reach the mail server 127.0.0.1:1")


def test_brevo_route_with_its_key_and_its_test_email(qtbot, mail_db, manager, brevo, memory_keyring) -> None:
    database, _ids = mail_db
    with database.session() as session:
        save_settings(session, settings_for(25))
    dialog = open_settings(qtbot, database, manager)
    dialog.brevo_radio.setChecked(True)
    assert dialog.brevo_box.isVisible() and not dialog.smtp_box.isVisible()
    dialog.brevo_url_edit.setText(brevo.url)
    qtbot.keyClicks(dialog.brevo_key_edit, FakeBrevo.KEY)
    with qtbot.waitSignal(dialog.tested, timeout=20_000):
        qtbot.mouseClick(dialog.test_button, LEFT)
    assert [b["to"][0]["email"] for b in brevo.sent()] == ["accueil@garage-tours.example"]
    with qtbot.waitSignal(dialog.saved, timeout=20_000):
        dialog.save()
    with database.session() as session:
        saved = load_settings(session)
    assert saved.route == "brevo" and saved.brevo_url == brevo.url
    assert memory_keyring.store[(KEYRING_SERVICE, BREVO_ACCOUNT)] == FakeBrevo.KEY


def write_send(database, settings, kind="marketing") -> None:
    with database.session() as session:
        plan = plan_send(session, everyone(), compile_template("Bonjour", STARTERS["Merci de votre visite"][2]), kind, settings)
        create_batch(session, plan, settings, campaign="Merci")


def open_log(qtbot, database, manager) -> EmailLogWindow:
    window = EmailLogWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.loaded, timeout=20_000):
        pass
    return window


def column(table, j: int) -> list[str]:
    return [table.item(i, j).text() for i in range(table.rowCount())]


def test_log_sends_waiting_messages_and_shows_each_status(qtbot, mail_db, manager, smtp_server, memory_keyring) -> None:
    database, _ids = mail_db
    settings = settings_for(smtp_server.port)
    with database.session() as session:
        save_settings(session, settings)
    write_send(database, settings)
    smtp_server.handler.refuse.add("martin@example.fr")
    window = open_log(qtbot, database, manager)
    assert column(window.messages_table, 5) == ["Pending"] * 3
    with qtbot.waitSignal(window.sent, timeout=30_000) as sent:
        qtbot.mouseClick(window.send_button, LEFT)
    assert (sent.args[0].sent, sent.args[0].failed) == (2, 1)
    qtbot.waitUntil(lambda: "Failed" in column(window.messages_table, 5), timeout=20_000)
    statuses = dict(zip(column(window.messages_table, 2), column(window.messages_table, 5), strict=True))
    assert statuses == {"jean.dupre@example.fr": "Sent", "martin@example.fr": "Failed", "contact@roux.example": "Sent"}
    reasons = dict(zip(column(window.messages_table, 2), column(window.messages_table, 6), strict=True))
    assert reasons["martin@example.fr"] == "550 5.1.1 No such user"
    assert window.counts_label.text() == "Sent: 2 · Failed: 1"
    assert window.message_label.text() == "2 sent, 1 failed, 0 unknown."
    # the status filter
    with qtbot.waitSignal(window.loaded, timeout=20_000):
        window.status_combo.setCurrentIndex(window.status_combo.findData(EmailStatus.FAILED.value))
    assert column(window.messages_table, 2) == ["martin@example.fr"]
    # nothing left: said so
    qtbot.mouseClick(window.send_button, LEFT)
    qtbot.waitUntil(lambda: window.message_label.text() == "No e-mail is waiting to be sent.", timeout=20_000)


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

Final-Recipient: rfc822; contact@roux.example
Action: failed
Status: 5.1.1

--B--
"""


def test_check_the_mailbox_now_against_dovecot(qtbot, mail_db, manager, imap_server, memory_keyring) -> None:
    database, ids = mail_db
    settings = settings_for(25)
    settings.username = "site@garage.example"
    settings.imap_host, settings.imap_port, settings.imap_ssl = "127.0.0.1", imap_server.port, False
    memory_keyring.set_password(KEYRING_SERVICE, "site@garage.example", "secret")
    with database.session() as session:
        save_settings(session, settings)
    write_send(database, settings)
    with database.session() as session:
        token = session.scalar(select(EmailMessage.token).where(EmailMessage.address == "jean.dupre@example.fr"))
    imap_server.append(
        "INBOX",
        f"From: jean.dupre@example.fr\r\nSubject: unsubscribe {token}\r\n"
        f"Date: Wed, 25 Nov 2026 08:30:00 +0100\r\n\r\n\r\n".encode(),
    )
    imap_server.append("INBOX", BOUNCE)
    window = open_log(qtbot, database, manager)
    with qtbot.waitSignal(window.checked, timeout=30_000):
        qtbot.mouseClick(window.check_button, LEFT)
    assert window.message_label.text() == "Mailbox read: 1 unsubscribe(s), 1 rejected address(es)."
    qtbot.waitUntil(lambda: window.unsubscribes_table.rowCount() == 2, timeout=20_000)
    # the newest first: the request read now, then the refusal recorded in the sample
    assert column(window.unsubscribes_table, 0) == ["jean.dupre@example.fr", "refus@example.fr"]
    assert column(window.unsubscribes_table, 1) == ["25/11/2026", "03/02/2026"]
    assert column(window.unsubscribes_table, 2)[0] == "E-mail unsubscribe"
    assert column(window.bounces_table, 0) == ["contact@roux.example"]
    assert window.tabs.tabText(2) == "Unsubscribes: 2"
    with database.session() as session:
        dupre = session.get(Customer, ids["dupre"])
        assert dupre.optout_email and dupre.optout_email_date == dt.date(2026, 11, 25)
    # a wrong password: one line
    memory_keyring.set_password(KEYRING_SERVICE, "site@garage.example", "wrong")
    with qtbot.waitSignal(window.failed, timeout=30_000) as failed:
        qtbot.mouseClick(window.check_button, LEFT)
    assert failed.args[0].startswith("The mailbox refused the login of site@garage.example")
