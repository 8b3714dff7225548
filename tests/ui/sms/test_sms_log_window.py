"""The sent-SMS log window, the settings dialog and the background sender of deferred SMS."""

from __future__ import annotations

import csv
import datetime as dt

import keyring
import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox
from smskit import NOW, PHONES, MemoryKeyring, SmsProvider, everyone, save_sms_settings
from sqlalchemy import select

from app.export.sms.gateway import OutboxGateway, load_secret
from app.export.sms.recipients import plan_send
from app.export.sms.sender import create_batch, send_due
from app.export.sms.settings import load_settings
from app.models import ContactHistory, Setting
from app.models.sms import SmsKind, SmsMessage, SmsReply, SmsStatus
from app.ui.sms import PendingSmsRunner, SmsLogWindow, SmsSettingsDialog

LATER = NOW + dt.timedelta(minutes=1)


def batch(db, body: str, kind: SmsKind, campaign: str, *, at=None, now=NOW) -> int:
    with db.session() as s:
        settings = load_settings(s)
    with db.engine.connect() as conn:
        the_plan = plan_send(conn, everyone(), body, kind, settings, at=at, now=now)
    with db.session() as s:
        return create_batch(
            s, the_plan, campaign=campaign, gateway="outbox", user="anne", now=now
        ).id


def today() -> dt.datetime:
    """Now: a message due long ago (NOW, May 2026) has expired by the time the window runs."""
    return dt.datetime.now(dt.UTC)


@pytest.fixture
def log_db(sms_db, tmp_path):
    """Two campaigns sent to the outbox (6 + 7 messages), one failure, one cancellation."""
    db, ids = sms_db
    batch(db, "Portes ouvertes samedi", SmsKind.MARKETING, "Portes ouvertes")
    batch(db, "Votre voiture est prête", SmsKind.SERVICE, "Atelier")
    send_due(db, OutboxGateway(tmp_path), sender_name="GARAGE", now=LATER)
    with db.session() as s:
        messages = s.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()
        messages[0].status = SmsStatus.FAILED
        messages[0].reason = "unknown subscriber"
        messages[1].status = SmsStatus.CANCELLED
        messages[1].reason = "cancelled by the user"
    return db, ids


def open_log(qtbot, db, manager) -> SmsLogWindow:
    window = SmsLogWindow(db, task_manager=manager)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0 or window.total == 0, timeout=10_000)
    qtbot.waitUntil(lambda: not window.busy, timeout=10_000)
    return window


def reload(qtbot, window: SmsLogWindow, change) -> None:
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        change()
        window.refresh()


def column(window: SmsLogWindow, name: str) -> list[str]:
    from app.export.sms.log import COLUMNS

    col = [k for k, _heading in COLUMNS].index(name)
    model = window.model
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_the_log_lists_every_message(qtbot, log_db, manager, qtmodeltester) -> None:
    db, _ = log_db
    window = open_log(qtbot, db, manager)
    qtmodeltester.check(window.model)
    assert window.model.rowCount() == 13
    assert window.count_label.text() == "13 messages"
    headers = [window.model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert headers == ["Phone", "Date sent", "Deferred date", "Customer"]
    # national format in the site's country (Swiss and Quebec sites), as in the SMS window
    assert {"06 12 34 56 78", "079 123 45 67", "(514) 555-0199"} <= set(column(window, "phone"))
    statuses = column(window, "status")
    assert statuses.count("In the outbox file") == 11
    assert statuses.count("Failed") == 1 and statuses.count("Cancelled") == 1
    assert set(column(window, "user")) == {"anne"}
    assert set(column(window, "campaign")) == {"Portes ouvertes", "Atelier"}
    campaigns = [window.campaign_combo.itemText(i) for i in range(window.campaign_combo.count())]
    assert campaigns == ["All campaigns", "Atelier", "Portes ouvertes"]


def test_filters_status_customer_campaign_and_dates(qtbot, log_db, manager) -> None:
    db, _ = log_db
    window = open_log(qtbot, db, manager)
    reload(qtbot, window, lambda: window.status_combo.setCurrentIndex(
        window.status_combo.findData("failed")))  # fmt: skip
    assert column(window, "reason") == ["unknown subscriber"]
    reload(qtbot, window, lambda: window.status_combo.setCurrentIndex(0))
    reload(qtbot, window, lambda: window.customer_edit.setText("dupr"))
    assert column(window, "customer_name") == ["Dupré Jean", "Dupré Jean"]
    reload(qtbot, window, lambda: window.customer_edit.setText("06 12 34"))
    assert set(column(window, "phone")) == {"06 12 34 56 78"}
    reload(qtbot, window, lambda: window.customer_edit.setText(""))
    reload(qtbot, window, lambda: window.campaign_combo.setCurrentIndex(
        window.campaign_combo.findData("Atelier")))  # fmt: skip
    assert window.model.rowCount() == 7
    today = dt.date.today()
    tomorrow = QDate(today.year, today.month, today.day).addDays(1)
    reload(qtbot, window, lambda: window.date_from.setDate(tomorrow))
    assert window.model.rowCount() == 0 and window.count_label.text() == "0 messages"
    reload(qtbot, window, lambda: window.date_from.setDate(tomorrow.addDays(-2)))
    assert window.model.rowCount() == 7


def test_export_csv_writes_the_filtered_rows(qtbot, log_db, manager, tmp_path) -> None:
    db, _ = log_db
    window = open_log(qtbot, db, manager)
    reload(qtbot, window, lambda: window.campaign_combo.setCurrentIndex(
        window.campaign_combo.findData("Portes ouvertes")))  # fmt: skip
    out = tmp_path / "journal.csv"
    with qtbot.waitSignal(window.done, timeout=10_000) as blocker:
        window.export_csv(str(out))
    assert blocker.args[0] == f"6 messages written to {out}"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[0][:5] == ["Phone", "Date sent", "Deferred date", "Customer", "Status"]
    assert len(rows) == 7
    assert {r[6] for r in rows[1:]} == {"Portes ouvertes"}
    assert all(r[9].endswith("STOP au 36111") for r in rows[1:])
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".journal")] == []


def test_import_a_report_from_the_window(qtbot, log_db, manager, tmp_path) -> None:
    db, _ = log_db
    window = open_log(qtbot, db, manager)
    report = tmp_path / "report.csv"
    report.write_text(f"phone;status\n{PHONES['tamm']};delivered\n", encoding="utf-8")
    with qtbot.waitSignal(window.done, timeout=10_000) as blocker:
        window.import_report(str(report))
    assert blocker.args[0] == "Report imported: 1 statuses updated, 0 STOP"
    qtbot.waitUntil(lambda: "Delivered" in column(window, "status"), timeout=10_000)


def test_send_pending_now_from_the_window(qtbot, sms_db, manager, tmp_path) -> None:
    db, _ = sms_db
    save_sms_settings(db, gateway="outbox", outbox_dir=str(tmp_path))
    # due, never handed
    batch(db, "Votre voiture est prête", SmsKind.SERVICE, "Atelier", now=today())
    window = open_log(qtbot, db, manager)
    assert set(column(window, "status")) == {"Pending"}
    with qtbot.waitSignal(window.done, timeout=10_000) as blocker:
        window.send_pending()
    assert blocker.args[0] == "0 sent, 7 written to the outbox file, 0 failed, 0 cancelled."
    qtbot.waitUntil(lambda: set(column(window, "status")) == {"In the outbox file"}, timeout=10_000)


def test_cancel_a_scheduled_send(qtbot, sms_db, manager, monkeypatch) -> None:
    db, _ = sms_db
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    batch(db, "Votre voiture est prête", SmsKind.SERVICE, "Atelier", at=later)
    window = open_log(qtbot, db, manager)
    assert set(column(window, "status")) == {"Scheduled"}
    assert not window.cancel_send_button.isEnabled()
    window.view.selectRow(0)
    assert window.cancel_send_button.isEnabled()
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    with qtbot.waitSignal(window.done, timeout=10_000) as blocker:
        qtbot.mouseClick(window.cancel_send_button, Qt.MouseButton.LeftButton)
    assert asked == ["Cancel the messages of the send “Atelier” that have not left yet?"]
    assert blocker.args[0] == "7 messages cancelled."
    qtbot.waitUntil(lambda: set(column(window, "status")) == {"Cancelled"}, timeout=10_000)
    assert not window.cancel_send_button.isEnabled()


def test_errors_are_shown_in_the_window(qtbot, sms_db, manager, tmp_path) -> None:
    db, _ = sms_db
    window = open_log(qtbot, db, manager)
    with qtbot.waitSignal(window.failed, timeout=10_000) as blocker:
        window.import_report(str(tmp_path / "missing.csv"))
    assert "No report file at" in blocker.args[0]
    assert window.export_button.isEnabled()


# -- the pending runner -------------------------------------------------------------------------


def test_pending_runner_sends_what_is_due(qtbot, sms_db, manager, tmp_path) -> None:
    db, _ = sms_db
    save_sms_settings(db, gateway="outbox", outbox_dir=str(tmp_path))
    runner = PendingSmsRunner(db, task_manager=manager, interval_ms=60_000)
    batch(db, "Votre voiture est prête", SmsKind.SERVICE, "Atelier", now=today())
    with qtbot.waitSignal(runner.finished, timeout=10_000) as blocker:
        runner.run_now()
    assert blocker.args[0].exported == 7
    with db.session() as s:
        assert {m.status for m in s.scalars(select(SmsMessage))} == {SmsStatus.EXPORTED}
    runner.start()
    assert runner.timer.isActive()
    runner.stop()
    assert not runner.timer.isActive()


# -- the settings dialog ------------------------------------------------------------------------


def open_settings(qtbot, db, manager) -> SmsSettingsDialog:
    dialog = SmsSettingsDialog(db, task_manager=manager)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sender_edit.text() != "", timeout=10_000)
    return dialog


def test_settings_dialog_shows_and_saves(qtbot, sms_db, manager, memory_keyring) -> None:
    db, _ = sms_db
    dialog = open_settings(qtbot, db, manager)
    assert dialog.optout_edit.text() == "STOP au 36111"
    assert dialog.windows_table.item(0, 0).text() == "08:00-21:30"  # France, Monday
    assert dialog.windows_table.item(0, 6).text() == ""  # no Sundays
    dialog.sender_edit.setText("AUTO TOURS")
    dialog.price_edit.setText("0,045")
    dialog.gateway_combo.setCurrentIndex(dialog.gateway_combo.findData("http"))
    with SmsProvider() as provider:
        dialog.url_edit.setText(provider.base + "/sms")
    dialog.account_edit.setText("tours")
    dialog.secret_edit.setText("top-secret")
    dialog.extra_edit.setPlainText('{"type": "marketing"}')
    assert dialog.gsm_safe_check.isChecked()
    dialog.gsm_safe_check.setChecked(False)
    dialog.windows_table.item(0, 6).setText("10:00-12:00")  # Sunday mornings in France
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    with db.session() as s:
        saved = load_settings(s)
        stored = s.get(Setting, "sms").value
    assert saved.sender_name == "AUTO TOURS"
    assert saved.cost_cents(100) == 450
    assert saved.gateway == "http" and saved.http.extra == {"type": "marketing"}
    assert saved.gsm_safe_values is False
    assert saved.windows["FR"].allows(dt.datetime(2026, 5, 17, 11, 0))
    assert "top-secret" not in stored
    assert load_secret(saved.http) == "top-secret"


def test_settings_dialog_refuses_bad_values(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_settings(qtbot, db, manager)
    dialog.windows_table.item(1, 0).setText("8h à midi")
    dialog.save()
    assert "Send window CH, Mon" in dialog.message_label.text()
    dialog.windows_table.item(1, 0).setText("08:00-20:00")
    dialog.sender_edit.setText("GARAGE DE TOURS")
    dialog.save()
    assert "sender name" in dialog.message_label.text()
    with db.session() as s:
        assert load_settings(s).sender_name == "GARAGE"


def test_escape_closes_the_log_and_the_main_window_shortcuts_still_work(
    qtbot, sms_db, manager
) -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    from app.ui.outputs import OutputMenus

    db, _ = sms_db
    main = QMainWindow()
    qtbot.addWidget(main)
    outputs = OutputMenus(main, everyone, lambda *args: None, task_manager=manager)
    outputs.database = db
    main.show()
    log = outputs.sms_log()
    qtbot.waitUntil(lambda: not log.busy, timeout=10_000)
    log.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is log, timeout=5_000)
    log.view.setFocus()
    fired: list[str] = []
    for name in ("excel_action", "merge_action", "sms_action"):
        action = getattr(outputs, name)
        action.setEnabled(True)
        # the real slots open windows: only see that the shortcut reaches the action
        action.triggered.disconnect()
        action.triggered.connect(lambda _checked=False, name=name: fired.append(name))
    modifiers = Qt.KeyboardModifier
    qtbot.keyClick(log.view, Qt.Key.Key_E, modifiers.ControlModifier)
    qtbot.keyClick(log.view, Qt.Key.Key_M, modifiers.ControlModifier)
    qtbot.keyClick(log.view, Qt.Key.Key_M, modifiers.ControlModifier | modifiers.ShiftModifier)
    assert fired == ["excel_action", "merge_action", "sms_action"]
    assert log.isVisible()
    qtbot.keyClick(log.customer_edit, Qt.Key.Key_Escape)
    assert not log.isVisible()
    outputs.shutdown()


def test_the_price_per_segment_reads_in_french(qtbot, sms_db, manager) -> None:
    from app import i18n

    db, _ = sms_db
    i18n.set_language("fr")  # the english fixture puts the language back
    dialog = open_settings(qtbot, db, manager)
    assert dialog.price_edit.text() == "0,05"
    dialog.price_edit.setText("0,045")
    assert dialog.collect().price_per_segment == "0.045"
    with db.session() as s:
        assert load_settings(s).price_per_segment == "0.05"


def test_an_empty_opt_out_mention_is_marked_required_not_shown_as_a_grey_example(
    qtbot, sms_db, manager
) -> None:
    db, _ = sms_db
    save_sms_settings(db, optout_mention="")
    dialog = open_settings(qtbot, db, manager)
    assert dialog.optout_edit.text() == ""
    assert dialog.optout_edit.placeholderText() == ""
    hint = dialog.required_hints[dialog.optout_edit]
    assert hint.isVisibleTo(dialog) and hint.text() == "Required for marketing SMS"
    assert not dialog.required_hints[dialog.sender_edit].isVisibleTo(dialog)  # filled in
    qtbot.keyClicks(dialog.optout_edit, "STOP au 36111")
    assert not hint.isVisibleTo(dialog)
    dialog.optout_edit.clear()
    assert hint.isVisibleTo(dialog)


def test_a_message_waiting_too_long_expires_and_the_log_says_so(
    qtbot, sms_db, manager, tmp_path
) -> None:
    db, _ = sms_db
    save_sms_settings(db, gateway="outbox", outbox_dir=str(tmp_path), expire_days=7)
    batch(db, "Votre voiture est prête", SmsKind.SERVICE, "Atelier")  # due in May 2026
    window = open_log(qtbot, db, manager)
    with qtbot.waitSignal(window.done, timeout=10_000) as blocker:
        window.send_pending()
    assert blocker.args[0].startswith("0 sent, 0 written to the outbox file")
    qtbot.waitUntil(lambda: set(column(window, "status")) == {"Expired, not sent"}, timeout=10_000)
    assert not list(tmp_path.glob("cible-sms-outbox-*"))


# -- what waits for a person: unknown outcomes and replies --------------------------------------


def _make_unknown(db, count: int = 2) -> list[int]:
    """The first messages handed to the outbox become "unknown" (no answer came back)."""
    with db.session() as s:
        rows = s.scalars(
            select(SmsMessage)
            .where(SmsMessage.status == SmsStatus.EXPORTED)
            .order_by(SmsMessage.id)
            .limit(count)
        ).all()
        for m in rows:
            m.status = SmsStatus.UNKNOWN
            m.reason = "no answer from the provider"
        return [m.id for m in rows]


@pytest.fixture
def yes(monkeypatch):
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def _select_unknown(qtbot, window: SmsLogWindow) -> None:
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        qtbot.mouseClick(window.show_unknown_button, Qt.MouseButton.LeftButton)
    assert set(column(window, "status")) == {"Unknown: may have been sent"}
    window.view.selectAll()
    assert window.selected_unknown(), "the unknown messages are selected"
    assert window.send_again_button.isEnabled()


def _status(db, message_id: int) -> SmsStatus:
    with db.session() as s:
        return s.get(SmsMessage, message_id).status


def test_unknown_messages_are_shown_with_what_to_do(qtbot, log_db, manager) -> None:
    db, _ = log_db
    window = open_log(qtbot, db, manager)
    assert not window.unknown_bar.isVisibleTo(window)  # nothing to settle
    _make_unknown(db)
    reload(qtbot, window, lambda: None)
    assert window.unknown_bar.isVisibleTo(window)
    assert window.unknown_label.text().startswith("2 message(s) with an unknown outcome")
    assert not window.mark_sent_button.isEnabled()  # nothing chosen yet
    _select_unknown(qtbot, window)
    assert window.model.rowCount() == 2
    for button in (window.mark_sent_button, window.mark_not_sent_button, window.send_again_button):
        assert button.isEnabled()


def test_mark_unknown_messages_as_sent(qtbot, log_db, manager, yes) -> None:
    db, _ = log_db
    ids = _make_unknown(db)
    history = _history_count(db)
    window = open_log(qtbot, db, manager)
    _select_unknown(qtbot, window)
    with qtbot.waitSignal(window.done, timeout=10_000) as blocker:
        qtbot.mouseClick(window.mark_sent_button, Qt.MouseButton.LeftButton)
    assert yes[0].startswith("Record 2 messages as sent?")
    assert _history_count(db) == history + 2
    assert blocker.args[0] == "2 messages recorded as sent."
    assert [_status(db, i) for i in ids] == [SmsStatus.SENT] * 2
    with db.session() as s:  # in the customers' contact history
        history = s.scalars(select(ContactHistory)).all()
        customers = {s.get(SmsMessage, i).customer_id for i in ids}
    assert customers <= {h.customer_id for h in history}
    qtbot.waitUntil(lambda: not window.unknown_bar.isVisibleTo(window), timeout=10_000)


def test_mark_unknown_messages_as_not_sent(qtbot, log_db, manager, yes) -> None:
    db, _ = log_db
    ids = _make_unknown(db)
    before = _history_count(db)
    window = open_log(qtbot, db, manager)
    _select_unknown(qtbot, window)
    with qtbot.waitSignal(window.done, timeout=10_000) as blocker:
        qtbot.mouseClick(window.mark_not_sent_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] == "2 messages recorded as not sent."
    assert [_status(db, i) for i in ids] == [SmsStatus.FAILED] * 2
    assert _history_count(db) == before  # nothing added to the contact history


def _history_count(db) -> int:
    with db.session() as s:
        return len(s.scalars(select(ContactHistory)).all())


def test_send_unknown_messages_again(qtbot, log_db, manager, yes) -> None:
    db, _ = log_db
    ids = _make_unknown(db, 1)
    with db.session() as s:
        old_key = s.get(SmsMessage, ids[0]).idempotency_key
    window = open_log(qtbot, db, manager)
    _select_unknown(qtbot, window)
    with qtbot.waitSignal(window.done, timeout=30_000) as blocker:
        qtbot.mouseClick(window.send_again_button, Qt.MouseButton.LeftButton)
    assert "get the SMS twice" in yes[0]
    assert blocker.args[0] == "1 messages will be sent again with the pending SMS."
    with db.session() as s:
        message = s.get(SmsMessage, ids[0])
        assert message.status is SmsStatus.PENDING
        assert message.idempotency_key != old_key  # the provider may hold the old one


def test_answering_no_changes_nothing(qtbot, log_db, manager, monkeypatch) -> None:
    db, _ = log_db
    ids = _make_unknown(db)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window = open_log(qtbot, db, manager)
    _select_unknown(qtbot, window)
    for button in (window.mark_sent_button, window.mark_not_sent_button, window.send_again_button):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not window.busy
    assert [_status(db, i) for i in ids] == [SmsStatus.UNKNOWN] * 2


def test_ask_the_provider_about_unknown_messages(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with SmsProvider() as provider:
            save_sms_settings(db, gateway="http", http=provider.config(auth="none"))
            batch(db, "Votre voiture est prête", SmsKind.SERVICE, "Atelier")
            with db.session() as s:
                first, second = s.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()[:2]
                for m in (first, second):
                    m.status = SmsStatus.UNKNOWN
                # the provider got the first one (its answer was lost), never the second
                provider.state.accepted[first.idempotency_key] = "P-1"
                provider.state.delivered["P-1"] = (first.phone, first.text)
                ids = (first.id, second.id)
            window = open_log(qtbot, db, manager)
            assert window.unknown_bar.isVisibleTo(window)
            with qtbot.waitSignal(window.done, timeout=20_000) as blocker:
                qtbot.mouseClick(window.ask_provider_button, Qt.MouseButton.LeftButton)
            assert blocker.args[0] == "The provider was asked: 1 messages settled."
            assert [_status(db, i) for i in ids] == [SmsStatus.SENT, SmsStatus.UNKNOWN]

            save_sms_settings(db, gateway="http", http=provider.config(auth="none", lookup_url=""))
            with qtbot.waitSignal(window.done, timeout=20_000) as blocker:
                qtbot.mouseClick(window.ask_provider_button, Qt.MouseButton.LeftButton)
            assert blocker.args[0].startswith("Your provider cannot be asked about a message")
    finally:
        keyring.set_keyring(previous)


def _add_replies(db) -> None:
    with db.session() as s:
        s.add_all(
            [
                SmsReply(
                    phone=PHONES["dupre"],
                    text="Je passerai jeudi,\nmerci",
                    text_hash="a1",
                    received_at=dt.datetime(2026, 5, 21, 8, 0),
                ),
                SmsReply(
                    phone=PHONES["martin"],
                    text="C'est combien ?",
                    text_hash="a2",
                    received_at=dt.datetime(2026, 5, 21, 9, 0),
                ),
                SmsReply(  # an opt-out: applied at once, never listed
                    phone=PHONES["rossi"],
                    text="STOP",
                    text_hash="a3",
                    received_at=dt.datetime(2026, 5, 21, 9, 30),
                    is_stop=True,
                ),
            ]
        )


def _reply_texts(window: SmsLogWindow) -> list[str]:
    view = window.replies_view
    return [view.topLevelItem(i).text(3) for i in range(view.topLevelItemCount())]


def test_unread_replies_are_listed_with_what_they_answer(qtbot, log_db, manager) -> None:
    db, _ = log_db
    _add_replies(db)
    window = open_log(qtbot, db, manager)
    assert window.tabs.tabText(1) == "Replies (2 unread)"
    assert _reply_texts(window) == ["C'est combien ?", "Je passerai jeudi, ⏎ merci"]
    item = window.replies_view.topLevelItem(1)
    assert item.text(2) == "Dupré Jean"
    assert item.text(4).startswith("Atelier of ")  # the latest message sent to that number
    assert not window.open_reply_button.isEnabled() and not window.mark_read_button.isEnabled()


def test_mark_replies_as_read(qtbot, log_db, manager) -> None:
    db, _ = log_db
    _add_replies(db)
    window = open_log(qtbot, db, manager)
    window.tabs.setCurrentIndex(1)
    window.replies_view.topLevelItem(0).setSelected(True)
    assert window.mark_read_button.isEnabled()
    with qtbot.waitSignal(window.done, timeout=10_000) as blocker:
        qtbot.mouseClick(window.mark_read_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] == "1 replies marked as read."
    qtbot.waitUntil(lambda: window.tabs.tabText(1) == "Replies (1 unread)", timeout=10_000)
    assert _reply_texts(window) == ["Je passerai jeudi, ⏎ merci"]
    with qtbot.waitSignal(window.loaded, timeout=10_000):
        window.show_read_check.setChecked(True)  # the read ones come back on demand
    qtbot.waitUntil(lambda: len(_reply_texts(window)) == 2, timeout=10_000)


def test_open_a_reply_then_mark_it_as_read(qtbot, log_db, manager, monkeypatch) -> None:
    db, _ = log_db
    _add_replies(db)
    window = open_log(qtbot, db, manager)
    window.tabs.setCurrentIndex(1)
    window.replies_view.topLevelItem(1).setSelected(True)
    shown: dict[str, str] = {}

    def exec_(box: QMessageBox) -> int:
        shown["text"], shown["info"] = box.text(), box.informativeText()
        [mark] = [b for b in box.buttons() if b.text() == "Mark as read"]
        mark.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    with qtbot.waitSignal(window.done, timeout=10_000):
        qtbot.mouseClick(window.open_reply_button, Qt.MouseButton.LeftButton)
    assert shown["text"] == "Je passerai jeudi,\nmerci"
    assert shown["info"].startswith("From Dupré Jean (06 12 34 56 78), received 21/05/2026")
    assert "In answer to “Atelier”" in shown["info"]
    assert "Votre voiture est prête" in shown["info"]
    with db.session() as s:
        unread = s.scalars(select(SmsReply).where(SmsReply.handled_at.is_(None))).all()
    assert [r.text for r in unread] == ["C'est combien ?", "STOP"]


def test_settings_dialog_sets_the_maximum_of_segments(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_settings(qtbot, db, manager)
    assert dialog.max_segments_spin.value() == 3  # the default
    assert (dialog.max_segments_spin.minimum(), dialog.max_segments_spin.maximum()) == (1, 10)
    dialog.max_segments_spin.setValue(2)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save()
    with db.session() as s:
        assert load_settings(s).max_segments == 2


@pytest.mark.parametrize("provider", ["ovh", "smsmode"])
def test_ask_the_provider_preset_about_an_unknown_message(qtbot, sms_db, manager, provider) -> None:
    """A preset is asked about a message whose answer was lost (OVHcloud: by number, time and
    text); smsmode's API has no such search, and the window says so."""
    from fake_providers import FakeProvider

    from app.export.sms.providers import PRESETS, store_preset_secrets

    db, _ = sms_db
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        with FakeProvider(provider) as fake:
            store_preset_secrets(provider, fake.values, fake.secrets)
            save_sms_settings(db, gateway=provider, providers={provider: fake.values})
            batch(db, "Votre voiture est prête", SmsKind.SERVICE, "Atelier")
            fake.state.script = ["ok", "took-500"]  # the provider keeps it, its answer is lost
            gateway = PRESETS[provider].gateway_class(fake.values, fake.secrets, retries=0)
            send_due(db, gateway, sender_name="GARAGE", now=LATER, read_replies=False)
            with db.session() as s:
                unknown = s.scalars(
                    select(SmsMessage).where(SmsMessage.status == SmsStatus.UNKNOWN)
                ).one()
            window = open_log(qtbot, db, manager)
            assert window.unknown_bar.isVisibleTo(window)
            with qtbot.waitSignal(window.done, timeout=20_000) as blocker:
                qtbot.mouseClick(window.ask_provider_button, Qt.MouseButton.LeftButton)
            if provider == "ovh":
                assert blocker.args[0] == "The provider was asked: 1 messages settled."
                assert _status(db, unknown.id) is SmsStatus.SENT
            else:
                assert blocker.args[0] == (
                    "Your provider cannot be asked about a message (smsmode's API documents no "
                    "search for a message): check its portal, then mark the messages as sent "
                    "or not sent."
                )
                assert _status(db, unknown.id) is SmsStatus.UNKNOWN
            assert len(fake.state.posts()) == 2  # never posted again
    finally:
        keyring.set_keyring(previous)
