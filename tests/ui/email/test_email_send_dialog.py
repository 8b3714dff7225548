"""The e-mail window on a real database and a real local SMTP server (aiosmtpd): templates,
merge-field menu, live preview, funnel, sending with progress and cancel, .eml files."""

from __future__ import annotations

import email
import email.policy
import threading

import pytest
from mailkit import everyone
from sqlalchemy import select
from test_email_send import settings_for

from app.export.email.settings import save_settings
from app.models.activity import ContactHistory
from app.models.email import EmailMessage, EmailStatus, EmailTemplate
from app.ui.email import EmailSendDialog
from app.ui.email.editor import SOURCE

STARTERS = [
    "Contrôle technique à prévoir",
    "Merci de votre visite",
    "Rappel d’entretien",
    "Reconquête avec prise de rendez-vous",
]


def use_settings(database, settings) -> None:
    with database.session() as session:
        save_settings(session, settings)


def open_dialog(qtbot, database, manager) -> EmailSendDialog:
    dialog = EmailSendDialog(database, everyone(), task_manager=manager)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        pass
    return dialog


def funnel_rows(dialog: EmailSendDialog) -> list[tuple[str, str]]:
    tree = dialog.funnel_tree
    return [(tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1)) for i in range(tree.topLevelItemCount())]


def choose(qtbot, dialog: EmailSendDialog, name: str) -> None:
    """Pick a template as the user does (the combo), and wait for the funnel when the kind changes."""
    index = dialog.template_combo.findText(name)
    kind = next(t.kind for t in dialog.templates if t.name == name)
    if kind is dialog._loaded_kind:
        dialog.template_combo.activated.emit(index)
    else:
        with qtbot.waitSignal(dialog.loaded, timeout=20_000):
            dialog.template_combo.activated.emit(index)
    dialog.update_preview()


def test_opens_with_the_starters_the_funnel_and_a_real_preview(qtbot, mail_db, manager, smtp_server) -> None:
    database, _ids = mail_db
    use_settings(database, settings_for(smtp_server.port))
    dialog = open_dialog(qtbot, database, manager)
    names = [dialog.template_combo.itemText(i) for i in range(dialog.template_combo.count())]
    assert names == STARTERS
    assert dialog.name_edit.text() == STARTERS[0]
    assert dialog.subject.startswith("Votre contrôle technique")
    rows = dict(funnel_rows(dialog))
    assert rows["Rows in the target"] == "8"
    assert rows["With an e-mail address"] == "7 (−1)"
    assert rows["Valid address"] == "6 (−1)"
    assert rows["Not refusing e-mail"] == "5 (−1)"
    assert rows["With a marketing legal basis for e-mail"] == "4 (−1)"
    assert rows["One e-mail per address"] == "3 (−1)"
    # the reasons are listed under each step
    tree = dialog.funnel_tree
    duplicate = tree.topLevelItem(tree.topLevelItemCount() - 1)
    assert "same address as" in duplicate.child(0).text(0)
    assert dialog.recipient_combo.count() == 3
    assert dialog.recipient_combo.itemText(0) == "Dupré Jean – jean.dupre@example.fr"
    html = dialog.preview_html.toPlainText()
    assert "Dear Sir," in html  # «Formule d'appel» of M. Dupré, in the language of the window
    assert "RENAULT" in html or "CLIO" in html
    assert "unsubscribe here" in html  # the marketing footer, as it will leave
    text = dialog.preview_text.toPlainText()
    assert "Dear Sir," in text and "To stop receiving our e-mails: mailto:desinscription@garage-tours.example" in text
    assert "Subject: Votre contrôle technique" in dialog.preview_subject.text()
    assert "127.0.0.1" in dialog.route_label.text()
    assert dialog.send_button.isEnabled() and dialog.eml_button.isEnabled()
    # another customer: the company's name for {nom}-like fields, its own address
    dialog.recipient_combo.setCurrentIndex(2)
    assert "contact@roux.example" in dialog.preview_subject.text()


def test_fields_menu_formatting_and_bad_templates(qtbot, mail_db, manager) -> None:
    database, _ids = mail_db
    dialog = open_dialog(qtbot, database, manager)
    dialog.body_editor.tabs.setCurrentIndex(SOURCE)  # written as HTML (the Text view: test_email_editor)
    dialog.body_edit.clear()
    dialog.body_edit.setFocus()
    dialog._last_edit = dialog.body_edit
    qtbot.keyClicks(dialog.body_edit, "<style>p{color:#123}</style><p>Bonjour ")
    helpers = dialog.field_menu.actions()[0].menu()
    opening = next(a for a in helpers.actions() if a.objectName() == "field:letter.opening")
    opening.trigger()
    qtbot.keyClicks(dialog.body_edit, " (")
    first_name = next(
        a for m in dialog.field_menu.actions()[1:] for a in m.menu().actions() if a.objectName() == "field:customer.first_name"
    )
    first_name.trigger()
    qtbot.keyClicks(dialog.body_edit, ")")
    qtbot.keyClicks(dialog.body_edit, "</p>")
    assert "«Formule d’appel»" in dialog.body
    with qtbot.waitSignal(dialog.loaded, timeout=20_000):
        dialog.update_preview()  # the model was not read yet: the recipients are read again
    assert "Bonjour Dear Sir (Jean)" in dialog.preview_text.toPlainText()
    assert "color" not in dialog.preview_text.toPlainText()  # CSS braces are not fields
    # bold around a selection
    cursor = dialog.body_edit.textCursor()
    start = dialog.body.index("Bonjour")
    cursor.setPosition(start)
    cursor.setPosition(start + len("Bonjour"), cursor.MoveMode.KeepAnchor)
    dialog.body_edit.setTextCursor(cursor)
    dialog.body_editor.bold_action.trigger()
    assert "<b>Bonjour</b>" in dialog.body
    dialog.insert_link("https://garage.example/rdv?immat={immatriculation}")
    assert '<a href="https://garage.example/rdv?immat={immatriculation}"></a>' in dialog.body
    # the subject takes fields too
    dialog.subject_edit.setFocus()
    dialog._last_edit = dialog.subject_edit
    dialog.subject_edit.setText("Pour ")
    opening.trigger()
    assert dialog.subject == "Pour «Formule d’appel»"
    # bad templates: one clear line, no preview, no send
    for subject, body, expected in [
        ("Bonjour", "<p>{champ inconnu}</p>", "merge field that does not exist: «champ inconnu»"),
        ("", "<p>Bonjour</p>", "no subject"),
        ("Bonjour", "<p></p>", "has no text"),
    ]:
        dialog.subject_edit.setText(subject)
        dialog.body_edit.setPlainText(body)
        dialog.update_preview()
        assert expected in dialog.error_label.text()
        assert dialog.preview_text.toPlainText().startswith("No preview:")
        assert not dialog.send_button.isEnabled()


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_import_html_and_save_a_template(qtbot, mail_db, manager, tmp_path) -> None:
    database, _ids = mail_db
    dialog = open_dialog(qtbot, database, manager)
    page = tmp_path / "Offre hiver.html"
    page.write_bytes("<html><body><p>Offre d’hiver pour {nom}</p></body></html>".encode("cp1252"))
    assert dialog.import_html(str(page))
    assert dialog.name_edit.text() == "Offre hiver"
    assert "Offre d’hiver pour {nom}" in dialog.body  # read as Windows-1252 when not UTF-8
    dialog.subject_edit.setText("L’hiver arrive")
    dialog.save_current_template()
    qtbot.waitUntil(lambda: dialog.template_combo.findText("Offre hiver") >= 0, timeout=20_000)
    with database.session() as session:
        saved = session.scalar(select(EmailTemplate).where(EmailTemplate.name == "Offre hiver"))
        assert saved.subject == "L’hiver arrive" and "{nom}" in saved.html
    # a template that does not compile is not saved
    dialog.name_edit.setText("Cassé")
    dialog.body_edit.setPlainText("<p>{inconnu}</p>")
    with qtbot.waitSignal(dialog.failed, timeout=20_000) as failed:
        dialog.save_current_template()
    assert "Cannot save the template" in failed.args[0] and "«inconnu»" in failed.args[0]


def test_send_through_the_server_once_each(qtbot, mail_db, manager, smtp_server, monkeypatch) -> None:
    database, _ids = mail_db
    use_settings(database, settings_for(smtp_server.port))
    dialog = open_dialog(qtbot, database, manager)
    choose(qtbot, dialog, "Merci de votre visite")  # service: no legal basis step
    assert dialog.kind.value == "service"
    dialog.campaign_edit.setText("Merci novembre")
    monkeypatch.setattr(dialog, "_ask_confirmation", lambda: True)
    with qtbot.waitSignal(dialog.sent, timeout=30_000) as sent:
        qtbot.mouseClick(dialog.send_button, qtbot_left())
    result = sent.args[0]
    assert result.summary.sent == result.count == 4
    assert sorted(smtp_server.handler.recipients()) == [
        "contact@roux.example", "jean.dupre@example.fr", "martin@example.fr", "sansbase@example.fr",
    ]  # fmt: skip
    assert dialog.status_label.text() == "E-mail sending finished: 4 sent."
    with database.session() as session:
        assert {m.status for m in session.scalars(select(EmailMessage))} == {EmailStatus.SENT}
        campaigns = {h.campaign for h in session.scalars(select(ContactHistory))}
        assert campaigns == {"Merci novembre"}
    message = smtp_server.handler.messages[0]
    assert message["Subject"].startswith("Merci de votre visite")
    assert "List-Unsubscribe" not in message  # a service e-mail


def test_cancel_stops_after_the_message_being_sent(qtbot, mail_db, manager, smtp_server, monkeypatch) -> None:
    database, _ids = mail_db
    use_settings(database, settings_for(smtp_server.port))
    dialog = open_dialog(qtbot, database, manager)
    arrived, release = threading.Event(), threading.Event()

    def hold(content: bytes) -> None:  # the server holds the first message until the user cancels
        if not arrived.is_set():
            arrived.set()
            release.wait(20)

    smtp_server.handler.on_data = hold
    monkeypatch.setattr(dialog, "_ask_confirmation", lambda: True)
    qtbot.mouseClick(dialog.send_button, qtbot_left())
    qtbot.waitUntil(arrived.is_set, timeout=20_000)
    assert dialog.cancel_button.isVisible() and dialog.progress.isVisible()
    assert not dialog.send_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, qtbot_left())
    release.set()
    qtbot.waitUntil(lambda: dialog.status_label.text().startswith("Sending cancelled"), timeout=20_000)
    assert dialog.status_label.text() == "Sending cancelled: 2 e-mails not sent (see the e-mail log)."
    assert len(smtp_server.handler.recipients()) == 1
    with database.session() as session:
        statuses = sorted(m.status.value for m in session.scalars(select(EmailMessage)))
    assert statuses == ["cancelled", "cancelled", "sent"]
    assert not dialog.cancel_button.isVisible() and dialog.send_button.isEnabled()


def test_without_a_server_the_send_says_so_and_eml_files_are_written(qtbot, mail_db, manager, tmp_path) -> None:
    database, _ids = mail_db
    dialog = open_dialog(qtbot, database, manager)
    assert "No mail server is set" in dialog.route_label.text()
    with qtbot.waitSignal(dialog.failed, timeout=5_000) as failed:
        qtbot.mouseClick(dialog.send_button, qtbot_left())
    assert failed.args[0] == "Set the mail server in the e-mail settings."
    folder = tmp_path / "eml"
    with qtbot.waitSignal(dialog.saved, timeout=30_000) as saved:
        dialog.save_eml_files(str(folder))
    paths = saved.args[0]
    assert len(paths) == 3 and sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)
    assert dialog.status_label.text().startswith("3 .eml files written")
    assert dialog.folder_label.isVisible() and str(folder) in dialog.folder_label.text()
    parsed = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]
    assert {str(m["To"].addresses[0].addr_spec) for m in parsed} == {
        "jean.dupre@example.fr", "martin@example.fr", "contact@roux.example",
    }  # fmt: skip
    assert all(m.get_body(("html",)) is not None and m.get_body(("plain",)) is not None for m in parsed)
    with database.session() as session:  # nothing journaled: the user sends the files
        assert session.scalars(select(EmailMessage)).first() is None


def test_in_french(qtbot, mail_db, manager, qapp) -> None:
    from app import i18n
    from app.ui.i18n import install_translators

    database, _ids = mail_db
    i18n.set_language("fr")
    install_translators("fr", qapp)
    dialog = open_dialog(qtbot, database, manager)
    assert dialog.windowTitle() == "Envoyer un e-mail"
    assert dialog.eml_button.text() == "Enregistrer en fichiers .eml…"
    assert dict(funnel_rows(dialog))["Adresse valide"] == "6 (−1)"
    text = dialog.preview_text.toPlainText()
    assert text.startswith("Monsieur,")  # «Formule d'appel» of M. Dupré
    assert "Pour ne plus recevoir nos e-mails" in text


class Boxes:
    """Answers the message boxes the window opens, in turn, by clicking their real buttons."""

    def __init__(self, answers) -> None:
        from PySide6.QtCore import QTimer

        self.answers, self.texts = list(answers), []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self._answer)
        self.timer.start()

    def _answer(self) -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            return
        self.texts.append((box.objectName(), box.text()))
        answer = self.answers.pop(0) if self.answers else None
        if answer is None or not answer(box):
            box.done(0)  # a box the test did not expect is closed (the test then fails), no hang

    def stop(self) -> None:
        self.timer.stop()


def _click(found) -> bool:
    if found is None:
        return False
    found.click()
    return True


def button(name):
    from PySide6.QtWidgets import QPushButton

    return lambda box: _click(box.findChild(QPushButton, name))


def yes(box) -> bool:
    from PySide6.QtWidgets import QMessageBox

    return _click(box.button(QMessageBox.StandardButton.Yes))


def close(box) -> bool:
    from PySide6.QtWidgets import QMessageBox

    return _click(box.button(QMessageBox.StandardButton.Close))


@pytest.mark.parametrize("answer", ["resume", "cancel", "leave", None])
def test_e_mails_still_waiting_are_asked_about_before_a_new_send(
    qtbot, mail_db, manager, smtp_server, answer
) -> None:
    import datetime as dt

    from test_email_send import write_send

    database, _ids = mail_db
    settings = settings_for(smtp_server.port, recent_days=7)
    use_settings(database, settings)
    # an earlier send (service) to Dupré, Martin and Sansbase: Dupré's left, then the sender died
    first, _addresses = write_send(database, settings, kind="service")
    with database.session() as session:
        for message in session.scalars(select(EmailMessage)):
            if message.address == "jean.dupre@example.fr":
                message.status = EmailStatus.SENT
                message.sent_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            elif message.address == "contact@roux.example":
                session.delete(message)
    dialog = open_dialog(qtbot, database, manager)  # marketing: Dupré e-mailed, Martin waiting
    assert [r.address for r in dialog.plan.recipients] == ["contact@roux.example"]
    boxes = Boxes([button(answer), yes] if answer else [close])
    try:
        if answer is None:
            qtbot.mouseClick(dialog.send_button, qtbot_left())
            qtbot.waitUntil(lambda: not boxes.answers, timeout=10_000)
        else:
            with qtbot.waitSignal(dialog.sent, timeout=30_000) as sent:
                qtbot.mouseClick(dialog.send_button, qtbot_left())
    finally:
        boxes.stop()
    name, text = boxes.texts[0]
    assert name == "waiting_question"
    assert text.startswith("2 e-mails of the send of ") and "(Merci) are still waiting." in text
    with database.session() as session:
        old = [m.status for m in session.scalars(
            select(EmailMessage).where(EmailMessage.batch_id == first).order_by(EmailMessage.id))]
        new = session.scalars(select(EmailMessage).where(EmailMessage.batch_id != first)).all()
    delivered = smtp_server.handler.recipients()
    assert len(set(delivered)) == len(delivered)  # nobody twice
    waiting = ["martin@example.fr", "sansbase@example.fr"]
    assert old[0] is EmailStatus.SENT
    if answer is None:  # closed: nothing settled, nothing made, no confirmation asked
        assert len(boxes.texts) == 1 and not dialog.busy
        assert old[1:] == [EmailStatus.PENDING] * 2 and new == [] and delivered == []
        return
    assert [n for n, _t in boxes.texts] == ["waiting_question", ""]  # then the confirmation
    result = sent.args[0]
    assert result.summary.sent == len(new)
    if answer == "resume":  # the two waiting leave first, then the new send (Roux)
        assert old == [EmailStatus.SENT] * 3 and result.earlier.sent == 2
        assert sorted(delivered) == sorted([*waiting, "contact@roux.example"])
        assert dialog.status_label.text() == (
            "E-mail sending finished: 1 sent. Earlier sends: 2 sent."
        )
    elif answer == "cancel":  # cancelled: the new send goes to Martin (marketing) and Roux
        assert old[1:] == [EmailStatus.CANCELLED] * 2 and result.earlier is None
        assert sorted(delivered) == ["contact@roux.example", "martin@example.fr"]
    else:  # left for the deferred sending: the new send is Roux's only
        assert old[1:] == [EmailStatus.PENDING] * 2
        assert delivered == ["contact@roux.example"]
