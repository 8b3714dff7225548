"""SMS settings: choosing a provider preset, typing only its credentials, sending a test SMS
to one's own number against a local fake of the provider, and what the window looks like."""

from __future__ import annotations

import os

from fake_providers import CREDENTIALS, FakeProvider
from smskit import save_sms_settings

from app.export.sms.providers import preset_secrets
from app.export.sms.settings import load_settings
from app.models import Setting
from app.ui.sms import SmsSettingsDialog


def open_settings(qtbot, db, manager) -> SmsSettingsDialog:
    dialog = SmsSettingsDialog(db, task_manager=manager)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.sender_edit.text() != "", timeout=10_000)
    return dialog


def choose(dialog: SmsSettingsDialog, key: str) -> None:
    dialog.tabs.setCurrentIndex(1)  # Gateway
    dialog.gateway_combo.setCurrentIndex(dialog.gateway_combo.findData(key))


def test_a_preset_asks_only_for_its_credentials(qtbot, sms_db, manager) -> None:
    db, _ = sms_db
    dialog = open_settings(qtbot, db, manager)
    dialog.show()
    choose(dialog, "ovh")
    assert list(dialog.credential_edits) == [
        "service", "account", "secret", "consumer_key", "region",
    ]  # fmt: skip
    assert dialog.provider_box.isVisible() and not dialog.http_box.isVisible()
    assert dialog.credential_edits["secret"].echoMode() is dialog.secret_edit.echoMode()
    note = dialog.findChild(type(dialog.message_label), "provider_note")
    assert "docs.ovhcloud.com" in note.text()
    assert "OVHcloud's own STOP clause (STOP:36111)" in note.text()
    choose(dialog, "brevo")
    assert list(dialog.credential_edits) == ["secret"]
    choose(dialog, "http")
    assert dialog.http_box.isVisible() and not dialog.provider_box.isVisible()
    choose(dialog, "outbox")
    assert not dialog.test_box.isVisible() and dialog.outbox_row.isVisible()


def test_send_a_test_sms_then_save_with_the_token_in_the_keyring(
    qtbot, sms_db, manager, memory_keyring, tmp_path
) -> None:
    db, _ = sms_db
    with FakeProvider("twilio") as fake:
        # the provider's address is the fake's (a setting the window keeps, not shown)
        save_sms_settings(db, providers={"twilio": {"base_url": fake.base, "rate_per_second": "0"}})
        dialog = open_settings(qtbot, db, manager)
        dialog.show()
        choose(dialog, "twilio")
        creds = CREDENTIALS["twilio"]
        dialog.credential_edits["account"].setText(creds["account"])
        dialog.credential_edits["secret"].setText(creds["secret"])
        dialog.test_number_edit.setText("06 12 34 56 78")
        with qtbot.waitSignal(dialog.tested, timeout=20_000) as signal:
            dialog.test_button.click()
        assert signal.args[0].startswith("Test SMS accepted by Twilio (message SM")
        (sms,) = fake.state.sent.values()
        assert sms.to == "+33612345678" and sms.sender == "GARAGE"
        assert "test SMS" in sms.text
        dialog.grab().save(str(tmp_path / "sms-settings-twilio.png"))
        if os.environ.get("CIBLE_SCREENSHOTS"):
            dialog.grab().save(os.environ["CIBLE_SCREENSHOTS"] + "/sms-settings-twilio.png")

        # a wrong token: the provider's refusal, in one line
        dialog.credential_edits["secret"].setText("wrong")
        with qtbot.waitSignal(dialog.tested, timeout=20_000) as signal:
            dialog.test_button.click()
        assert "Twilio refused the request (HTTP 401" in signal.args[0]
        assert len(fake.state.sent) == 1

        dialog.credential_edits["secret"].setText(creds["secret"])
        with qtbot.waitSignal(dialog.saved, timeout=10_000):
            dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    with db.session() as s:
        saved = load_settings(s)
        stored = s.get(Setting, "sms").value
    assert saved.gateway == "twilio"
    assert saved.providers["twilio"]["account"] == creds["account"]
    assert saved.providers["twilio"]["base_url"] == fake.base
    assert creds["secret"] not in stored
    assert preset_secrets("twilio", saved.providers["twilio"]) == {"secret": creds["secret"]}


def test_a_test_sms_to_a_landline_is_refused_before_anything_is_sent(
    qtbot, sms_db, manager, memory_keyring
) -> None:
    db, _ = sms_db
    with FakeProvider("brevo") as fake:
        save_sms_settings(db, providers={"brevo": {"base_url": fake.base, "rate_per_second": "0"}})
        dialog = open_settings(qtbot, db, manager)
        choose(dialog, "brevo")
        dialog.credential_edits["secret"].setText(CREDENTIALS["brevo"]["secret"])
        dialog.test_number_edit.setText("02 47 11 22 33")
        with qtbot.waitSignal(dialog.tested, timeout=20_000) as signal:
            dialog.test_button.click()
        assert "is not a mobile number" in signal.args[0]
        assert not fake.state.requests
