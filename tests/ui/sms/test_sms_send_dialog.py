"""The SMS window on a real database: templates, live counts, preview, confirmation, sending."""

from __future__ import annotations

import datetime as dt

import keyring
import pytest
from PySide6.QtCore import QDateTime, Qt, QUrl
from PySide6.QtWidgets import QMessageBox
from smskit import MemoryKeyring, SmsProvider, everyone, save_sms_settings
from sqlalchemy import select

from app.models import Customer
from app.models.sms import SmsKind, SmsMessage, SmsStatus, SmsTemplate
from app.ui.sms import SmsSendDialog


def open_dialog(qtbot, database, manager) -> SmsSendDialog:
    dialog = SmsSendDialog(database, everyone(), task_manager=manager)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    return dialog


def type_message(qtbot, dialog: SmsSendDialog, text: str) -> None:
    """Type *text* (QTest types Latin-1 only: other characters are inserted as by a paste)."""
    dialog.body_edit.clear()
    for chunk in _chunks(text):
        if chunk.isascii():
            qtbot.keyClicks(dialog.body_edit, chunk)
        else:
            dialog.body_edit.insertPlainText(chunk)
    dialog.update_preview()  # what the debounce timer does after typing


def _chunks(text: str) -> list[str]:
    chunks: list[str] = []
    for ch in text:
        if chunks and chunks[-1].isascii() == ch.isascii():
            chunks[-1] += ch
        else:
            chunks.append(ch)
    return chunks


def set_kind(dialog: SmsSendDialog, kind: str, qtbot) -> None:
    index = dialog.kind_combo.findData(kind)
    if dialog.kind_combo.currentIndex() == index:
        return
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.kind_combo.setCurrentIndex(index)  # the funnel is read again


def funnel_rows(dialog: SmsSendDialog) -> list[tuple[str, str]]:
    tree = dialog.funnel_tree
    return [
        (tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1))
        for i in range(tree.topLevelItemCount())
    ]


def test_opens_with_the_starter_templates_and_the_funnel(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    names = [dialog.template_combo.itemText(i) for i in range(dialog.template_combo.count())]
    assert names == [
        "AUTRES TRAVAUX",
        "CONFIRMATION RDV",
        "CONTROLE TECHNIQUE",
        "SORTIE NOUVEAU MODELE VN",
        "VEHICULE TERMINE",
    ]
    assert dialog.name_edit.text() == "AUTRES TRAVAUX"
    assert dialog.body.startswith("Bonjour {civilité} {nom}. Suite à des travaux imprévus")
    assert dialog.kind_combo.currentData() == "service"
    assert funnel_rows(dialog)[0] == ("Rows in the target", "13")
    # the starter uses {modèle}: the customers without a vehicle are left out and counted
    assert funnel_rows(dialog)[-2] == ("Required merge fields filled", "3 (−5)")
    assert funnel_rows(dialog)[-1] == ("One SMS per number", "3")
    assert dialog.send_empty_check.isVisibleTo(dialog)
    assert dialog.recipient_combo.count() == 8
    assert dialog.send_button.isEnabled()
    with db.session() as s:  # the starter templates are now saved
        assert len(s.scalars(select(SmsTemplate)).all()) == 5


def test_dropped_people_are_listed_with_their_reason(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    tree = dialog.funnel_tree
    valid = next(
        tree.topLevelItem(i)
        for i in range(tree.topLevelItemCount())
        if tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == "valid"
    )
    assert [valid.child(i).text(0) for i in range(valid.childCount())] == [
        "Petit (0612): invalid number: 0612"
    ]


def test_marketing_adds_the_legal_basis_step_and_the_optout_mention(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    set_kind(dialog, "marketing", qtbot)
    type_message(qtbot, dialog, "Portes ouvertes samedi")
    assert ("With a marketing legal basis", "7 (−1)") in funnel_rows(dialog)
    assert dialog.recipient_combo.count() == 7  # Martin-Bis too: "Not sent: same number…"
    assert dialog.preview.toPlainText() == "Portes ouvertes samedi\nSTOP au 36111"


def test_through_ovhcloud_the_preview_shows_its_stop_clause_and_counts_it(
    qtbot, sms_db, manager
) -> None:
    db, _ = sms_db
    save_sms_settings(db, gateway="ovh", providers={"ovh": {"service": "sms-ab12345-1"}})
    dialog = open_dialog(qtbot, db, manager)
    set_kind(dialog, "marketing", qtbot)
    type_message(qtbot, dialog, "Portes ouvertes samedi " + "x" * 127)  # 150 characters
    # OVHcloud's clause, not Cible's mention; 161 characters: billed as 2 SMS
    assert dialog.preview.toPlainText().endswith("x\nSTOP:36111")
    assert "STOP au 36111" not in dialog.preview.toPlainText()
    assert dialog.preview_count.text() == (
        "161 characters, GSM-7, 2 segment(s)\nwith “STOP:36111”, added by the provider"
    )
    assert "6 SMS, 12 segments" in dialog.cost_label.text()


def test_live_count_names_the_character_and_replaces_it(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "Bonjour {nom}, l’atelier vous attend")
    assert "UCS-2" in dialog.count_label.text()
    assert "“’” forces UCS-2" in dialog.encoding_label.text()
    assert not dialog.replace_button.isHidden()
    assert dialog.replace_button.text() == "Replace “’” with “'”"
    qtbot.mouseClick(dialog.replace_button, Qt.MouseButton.LeftButton)
    assert dialog.body == "Bonjour {nom}, l'atelier vous attend"
    assert "GSM-7" in dialog.count_label.text()
    assert dialog.encoding_label.text().startswith("GSM-7")


def test_accents_of_the_data_are_made_gsm_safe_by_default(qtbot, sms_db, manager) -> None:
    db, ids = sms_db
    with db.session() as s:
        s.get(Customer, ids["tamm"]).last_name = "Tõnisson"
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "Bonjour {nom}")
    dialog.recipient_combo.setCurrentIndex(dialog.recipient_combo.findData(ids["tamm"]))
    assert dialog.preview.toPlainText() == "Bonjour Tonisson"
    assert dialog.encoding_label.text().startswith("GSM-7")


def test_a_character_from_the_data_is_named_but_not_replaced(qtbot, sms_db, manager) -> None:
    db, ids = sms_db
    save_sms_settings(db, gsm_safe_values=False)
    with db.session() as s:
        s.get(Customer, ids["tamm"]).last_name = "Tõnisson"
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "Bonjour {nom}")
    assert "“õ” forces UCS-2" in dialog.encoding_label.text()
    assert "customers' data" in dialog.encoding_label.text()
    assert dialog.encoding_label.text().endswith("UCS-2 for 1 of the 7 messages.")
    assert dialog.replace_button.isHidden()


def test_the_longest_message_decides_segments_and_cost(qtbot, sms_db, manager) -> None:
    db, ids = sms_db
    with db.session() as s:
        s.get(Customer, ids["tamm"]).last_name = "T" * 150
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "Bonjour {nom}, votre voiture est prête")
    assert dialog.count_label.text() == (
        "Longest message: 183 characters, UCS-2, 3 segment(s) (" + "T" * 150 + ")"
    )
    # 6 one-segment messages (UCS-2 for ê) + Tamm's 3 segments at 67 per segment
    assert dialog.cost_label.text() == "7 SMS, 9 segments, estimated cost €0.45"


def test_preview_for_a_real_recipient(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "{civilité} {nom}, votre {modèle} est prêt")
    dialog.recipient_combo.setCurrentIndex(0)
    assert dialog.recipient_combo.currentText() == "Dupré Jean – 06 12 34 56 78"
    assert dialog.preview.toPlainText() == "M. Dupré, votre CLIO est prêt"
    dialog.recipient_combo.setCurrentIndex(1)
    assert dialog.preview.toPlainText() == "Mme Martin, votre 208 est prêt"


def test_unknown_merge_field_blocks_sending(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "Votre {couleur}")
    assert "Unknown merge field {couleur}" in dialog.error_label.text()
    assert not dialog.send_button.isEnabled()


def test_the_preview_shows_why_it_cannot_render_never_the_previous_message(
    qtbot, sms_db, manager
) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "{civilité} {nom}, votre {modèle} est prêt")
    dialog.recipient_combo.setCurrentIndex(0)
    assert dialog.preview.toPlainText() == "M. Dupré, votre CLIO est prêt"
    type_message(qtbot, dialog, "Votre {inconnu} est prêt")
    shown = dialog.preview.toPlainText()
    assert "Unknown merge field {inconnu}" in shown
    assert "CLIO" not in shown and "Dupré" not in shown
    assert dialog.preview_count.text() == ""
    type_message(qtbot, dialog, "   ")
    assert "Write the message" in dialog.preview.toPlainText()


def test_asked_fields_are_typed_once(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    dialog.select_template("CONFIRMATION RDV")
    dialog.update_preview()
    assert dialog.asked_box.isVisibleTo(dialog)
    assert "{date rdv}" in dialog.preview.toPlainText()
    qtbot.keyClicks(dialog.asked_edits["date rdv"], "21/05/2026")
    qtbot.keyClicks(dialog.asked_edits["heure rdv"], "9h30")
    dialog.update_preview()
    assert "le 21/05/2026 à 9h30" in dialog.preview.toPlainText()


def test_save_and_delete_a_template(qtbot, sms_db, manager, monkeypatch) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    dialog.name_edit.setText("Relance pneus")
    type_message(qtbot, dialog, "Pneus hiver: -20 % pour votre {modèle}")
    qtbot.mouseClick(dialog.save_template_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.template_combo.findText("Relance pneus") >= 0, timeout=10_000)
    assert dialog.template_combo.currentText() == "Relance pneus"
    with db.session() as s:
        saved = s.scalars(select(SmsTemplate).where(SmsTemplate.name == "Relance pneus")).one()
        assert saved.body == "Pneus hiver: -20 % pour votre {modèle}"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(dialog.delete_template_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.template_combo.findText("Relance pneus") < 0, timeout=10_000)
    with db.session() as s:
        assert (
            s.scalars(select(SmsTemplate).where(SmsTemplate.name == "Relance pneus")).first()
            is None
        )


@pytest.fixture
def confirm(monkeypatch):
    """Answer Yes to the confirmation; keep what it said."""
    seen: dict[str, str] = {}

    def exec_(box: QMessageBox) -> int:
        seen["text"] = box.text()
        seen["details"] = box.detailedText()
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return seen


def test_confirm_then_send_to_the_outbox(qtbot, sms_db, manager, confirm, tmp_path) -> None:
    db, _ = sms_db
    save_sms_settings(db, gateway="outbox", outbox_dir=str(tmp_path))
    dialog = open_dialog(qtbot, db, manager)
    dialog.select_template("VEHICULE TERMINE")
    dialog.campaign_edit.setText("Atelier")
    dialog.update_preview()
    # {modèle} is empty for the customers without a vehicle: left out unless chosen
    assert dialog.send_empty_check.text().startswith(
        "Also send the 4 messages with an empty merge field"
    )
    dialog.send_empty_check.setChecked(True)
    with qtbot.waitSignal(dialog.sent, timeout=20_000) as blocker:
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    # the starter is GSM-7 (it said "A bientôt": ô made it UCS-2, 2 segments of 67 each)
    assert confirm["text"] == "You are about to send 7 SMS (7 segments, estimated cost €0.35)."
    assert "One SMS per number: 7 (-1)" in confirm["details"]
    assert "4 messages are sent with an empty merge field." in confirm["details"]
    result = blocker.args[0]
    assert result.summary.exported == 7
    assert dialog.status_label.text() == "SMS sending finished: 7 written to the outbox file."
    files = list(tmp_path.glob("cible-sms-outbox-*.csv"))
    assert len(files) == 1
    assert result.files == [str(files[0])]
    where = dialog.outbox_label.text()
    assert dialog.outbox_label.isVisibleTo(dialog)
    assert f'<a href="{QUrl.fromLocalFile(str(tmp_path)).toString()}">{files[0]}</a>' in where
    assert "Upload it to your SMS provider&#x27;s portal" in where
    assert "import its report file in the SMS log" in where
    with db.session() as s:
        assert {m.status for m in s.scalars(select(SmsMessage))} == {SmsStatus.EXPORTED}


def test_answering_no_sends_nothing(qtbot, sms_db, manager, monkeypatch) -> None:
    db, _ = sms_db
    monkeypatch.setattr(QMessageBox, "exec", lambda box: QMessageBox.StandardButton.No)
    dialog = open_dialog(qtbot, db, manager)
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert not dialog.busy
    with db.session() as s:
        assert s.scalars(select(SmsMessage)).first() is None


def test_send_later(qtbot, sms_db, manager, confirm, tmp_path) -> None:
    db, _ = sms_db
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    save_sms_settings(db, gateway="outbox", outbox_dir=str(outbox))
    dialog = open_dialog(qtbot, db, manager)
    dialog.at_radio.setChecked(True)
    later = QDateTime.currentDateTime().addDays(2)
    dialog.at_edit.setDateTime(later)
    with qtbot.waitSignal(dialog.sent, timeout=20_000):
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    # AUTRES TRAVAUX uses {modèle}: the three customers with a vehicle
    assert dialog.status_label.text() == "SMS sending finished: 3 waiting for their time."
    with db.session() as s:
        messages = s.scalars(select(SmsMessage)).all()
    assert {m.status for m in messages} == {SmsStatus.SCHEDULED}
    wanted = later.toPython().replace(second=0, microsecond=0).astimezone(dt.UTC)
    assert {m.scheduled_for.replace(second=0, microsecond=0) for m in messages} == {
        wanted.replace(tzinfo=None)
    }
    assert list(outbox.iterdir()) == []


def test_cancel_while_sending(qtbot, sms_db, manager, confirm) -> None:
    db, _ = sms_db
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with SmsProvider() as provider:
            save_sms_settings(db, gateway="http", http=provider.config(auth="none", timeout=10))
            provider.state.script = ["hold"]  # the first message is accepted, then no answer
            dialog = open_dialog(qtbot, db, manager)
            qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(provider.state.holding.is_set, timeout=20_000)
            assert dialog.cancel_button.isVisibleTo(dialog)
            qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
            provider.state.release.set()  # the connection drops without an answer
            qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
            assert len(provider.state.delivered) == 1
    finally:
        keyring.set_keyring(previous)
    assert dialog.status_label.text() == (
        "Sending cancelled: 2 messages not sent (see the SMS log)."
    )
    with db.session() as s:
        statuses = sorted(m.status.value for m in s.scalars(select(SmsMessage)))
    # the message the provider took without answering is never posted again: "unknown" (the
    # provider is asked about it by reference on the next run, or a person decides)
    assert statuses == ["cancelled"] * 2 + ["unknown"]


def test_gateway_errors_are_shown(qtbot, sms_db, manager, confirm, tmp_path) -> None:
    db, _ = sms_db
    save_sms_settings(db, gateway="outbox", outbox_dir=str(tmp_path / "missing"))
    dialog = open_dialog(qtbot, db, manager)
    with qtbot.waitSignal(dialog.failed, timeout=20_000) as blocker:
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert "outbox folder" in blocker.args[0] and "does not exist" in blocker.args[0]


@pytest.mark.parametrize("choice", ["resume", "cancel", "leave", None])
def test_messages_still_waiting_are_settled_before_a_new_send(
    qtbot, sms_db, manager, confirm, tmp_path, monkeypatch, choice
) -> None:
    from smskit import make_batch

    db, _ = sms_db
    save_sms_settings(db, gateway="outbox", outbox_dir=str(tmp_path))
    first = make_batch(db, "Votre voiture est prête", SmsKind.SERVICE, now=dt.datetime.now(dt.UTC))
    asked: list[str] = []

    def ask(waiting) -> str | None:
        asked.extend(w.describe() for w in waiting)
        return choice

    dialog = open_dialog(qtbot, db, manager)
    monkeypatch.setattr(dialog, "ask_waiting", ask)
    dialog.select_template("VEHICULE TERMINE")
    if choice is None:
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
        assert not dialog.busy
    else:
        with qtbot.waitSignal(dialog.sent, timeout=20_000):
            qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].startswith("7 messages of the send of")
    with db.session() as s:
        old = [m.status for m in s.scalars(select(SmsMessage).where(SmsMessage.batch_id == first))]
        new = s.scalars(select(SmsMessage).where(SmsMessage.batch_id != first)).all()
    expected = {
        "resume": SmsStatus.EXPORTED,
        "cancel": SmsStatus.CANCELLED,
        "leave": SmsStatus.PENDING,
        None: SmsStatus.PENDING,
    }
    assert set(old) == {expected[choice]}
    assert (len(new) == 0) is (choice is None)


def test_numbers_show_as_in_the_log_national_in_the_site_country(qtbot, sms_db, manager) -> None:
    from app.export.sms.log import LogRow
    from app.export.sms.phones import display
    from app.models.sms import SmsStatus as Status

    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    shown = [dialog.recipient_combo.itemText(i) for i in range(dialog.recipient_combo.count())]
    assert "Dupré Jean – 06 12 34 56 78" in shown
    assert not [text for text in shown if "+33" in text]
    for r in dialog.funnel.kept:  # the preview and the log use the same rule
        row = LogRow(
            1,
            1,
            r.customer_id,
            r.phone.e164,
            None,
            None,
            dt.datetime(2026, 5, 1),
            r.name,
            Status.SENT,
            None,
            "",
            "",
            1,
            "",
            r.market,
        )
        assert f"{r.name} – {row.value('phone')}" in shown
    assert display("+41791234567", "CH") == "079 123 45 67"
    assert display("+41791234567", "FR") == "+41 79 123 45 67"


def test_the_recipients_panel_gets_a_fair_share_of_the_width(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    dialog.resize(980, 720)
    dialog.show()
    qtbot.waitExposed(dialog)
    editor, right = dialog.splitter.sizes()
    assert right >= 360
    assert right >= 0.4 * (editor + right)
    dialog.splitter.moveSplitter(dialog.splitter.width(), 1)  # dragged to the right edge
    assert dialog.splitter.sizes()[1] >= 360


def test_a_message_over_the_maximum_of_segments_cannot_be_sent(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    save_sms_settings(db, max_segments=2)
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "Bonjour {nom}. " + "x" * 400)
    assert dialog.error_label.text() == (
        "7 messages are longer than 2 segments (up to 3): shorten the text or raise the "
        "maximum in the SMS settings."
    )
    assert not dialog.send_button.isEnabled()
    dialog.send()  # even when asked directly, nothing is made
    with db.session() as s:
        assert s.scalars(select(SmsMessage)).first() is None
    type_message(qtbot, dialog, "Bonjour {nom}. " + "x" * 200)
    assert dialog.error_label.text() == ""
    assert dialog.send_button.isEnabled()


def test_a_message_left_out_for_an_empty_field_is_previewed_with_the_reason(
    qtbot, sms_db, manager
) -> None:
    db, ids = sms_db
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "Votre {modèle} est prêt, {nom}.")
    dialog.recipient_combo.setCurrentIndex(dialog.recipient_combo.findData(ids["tamm"]))
    assert dialog.preview.toPlainText() == (
        "Votre est prêt, Tamm.\n\nNot sent: required field empty: {modèle}"
    )
    assert not dialog.send_empty_check.isChecked()
    assert dialog.cost_label.text().startswith("3 SMS")
    dialog.send_empty_check.setChecked(True)
    dialog.update_preview()
    assert dialog.preview.toPlainText() == "Votre est prêt, Tamm."
    assert dialog.cost_label.text().startswith("7 SMS")


def test_the_counter_counts_characters_as_people_see_them(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_dialog(qtbot, db, manager)
    type_message(qtbot, dialog, "Merci 👨‍👩‍👧‍👦🇫🇷👍🏽")
    # 5 letters, a space, a family, a flag and a thumb with its skin tone
    assert dialog.count_label.text().startswith("Longest message: 9 characters, UCS-2, 1")
