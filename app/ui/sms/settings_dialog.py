"""SMS settings: sender, opt-out mention, price, gateway (a provider preset, another provider's
HTTP API, or the outbox file), windows.

A provider preset (OVHcloud, smsmode, Brevo, Twilio: :mod:`app.export.sms.providers`) asks only
for its credentials. API keys, tokens and passwords go to the system keyring, never to the
database. "Send a test SMS to my number" tries the gateway as typed, before saving.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import CibleError
from app.export.sms.gateway import HttpGateway, load_secret, store_secret
from app.export.sms.providers import PRESETS, preset_secrets, send_test_sms, store_preset_secrets
from app.export.sms.settings import (
    MAX_SEGMENTS_LIMIT,
    HttpConfig,
    SettingsError,
    SmsSettings,
    load_settings,
    save_settings,
)
from app.export.sms.windows import MARKET_NAMES, MARKETS, SendWindow
from app.i18n import _ as core_text
from app.i18n import format_number, language
from app.models.db import Database
from app.models.sms import SmsStatus
from app.ui import tasks
from app.ui.fit import fit_to_screen


class SmsSettingsDialog(QDialog):
    """Edit the SMS settings. ``saved`` is emitted once they are in the database."""

    saved = Signal(object)
    failed = Signal(str)
    #: The outcome of "Send a test SMS to my number", as shown.
    tested = Signal(str)

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self._tasks = task_manager
        self.settings = SmsSettings()
        #: Typed values of each provider preset (kept when another one is chosen).
        self._provider_values: dict[str, dict[str, str]] = {}
        self._shown_preset: str | None = None
        self.credential_edits: dict[str, QLineEdit] = {}
        self.setWindowTitle(self.tr("SMS settings"))
        self._build()
        fit_to_screen(self, 900, 620)
        self._load()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        tabs = self.tabs = QTabWidget()
        tabs.addTab(self._general_tab(), self.tr("General"))
        tabs.addTab(self._gateway_tab(), self.tr("Gateway"))
        tabs.addTab(self._windows_tab(), self.tr("Send windows"))
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)

    def _required(self, edit: QLineEdit) -> QWidget:
        """*edit* with a visible "required" mark while it is empty (marketing SMS need it)."""
        hint = QLabel(self.tr("Required for marketing SMS"))
        hint.setObjectName("required_hint")
        hint.setStyleSheet("color: #b00020")
        self.required_hints[edit] = hint
        edit.setAccessibleDescription(hint.text())
        edit.textChanged.connect(lambda text: hint.setVisible(not text.strip()))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addWidget(hint)
        return row

    def _general_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.sender_edit = QLineEdit()
        self.sender_edit.setMaxLength(15)
        self.sender_edit.setToolTip(
            self.tr("Up to 11 letters or digits (what the phone shows as the sender)")
        )
        self.optout_edit = QLineEdit()
        # no grey example in the field: it would look like a value already filled in
        self.optout_edit.setToolTip(
            self.tr(
                "Added to marketing messages that lack it; it counts in the length. "
                "Your provider gives it, e.g. “STOP au 36111”."
            )
        )
        self.required_hints: dict[QLineEdit, QLabel] = {}
        self.price_edit = QLineEdit()
        self.price_edit.setToolTip(self.tr("In euros, e.g. 0.045"))
        self.recent_spin = QSpinBox()
        self.recent_spin.setRange(0, 3650)
        self.recent_spin.setSpecialValueText(self.tr("no such rule"))
        self.recent_spin.setSuffix(self.tr(" days"))
        form.addRow(self.tr("Sender name"), self._required(self.sender_edit))
        form.addRow(self.tr("Opt-out mention"), self._required(self.optout_edit))
        form.addRow(self.tr("Price per segment (€)"), self.price_edit)
        form.addRow(self.tr("Skip marketing SMS to customers texted in the last"), self.recent_spin)
        self.expire_spin = QSpinBox()
        self.expire_spin.setRange(1, 365)
        self.expire_spin.setSuffix(self.tr(" days"))
        self.expire_spin.setToolTip(
            self.tr(
                "A scheduled or waiting message that could not leave within this many days of "
                "its time (computer off…) is marked expired and never sent"
            )
        )
        form.addRow(self.tr("Waiting messages expire after"), self.expire_spin)
        self.max_segments_spin = QSpinBox()
        self.max_segments_spin.setRange(1, MAX_SEGMENTS_LIMIT)
        self.max_segments_spin.setToolTip(
            self.tr(
                "A longer message is refused before sending: each segment is billed. "
                "One segment is 160 characters (153 each when there are several), 70 with an "
                "accent such as ê (67)."
            )
        )
        form.addRow(self.tr("Maximum segments per SMS"), self.max_segments_spin)
        self.gsm_safe_check = QCheckBox(
            self.tr("Replace the accents of names and data that would force UCS-2 (È → E)")
        )
        self.gsm_safe_check.setToolTip(
            self.tr("One such character halves the length of that SMS and can double its cost")
        )
        form.addRow("", self.gsm_safe_check)
        return page

    def _gateway_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QFormLayout()
        self.gateway_combo = QComboBox()
        self.gateway_combo.addItem(
            self.tr("Outbox file (upload to the provider's portal)"), "outbox"
        )
        for key, preset in PRESETS.items():
            self.gateway_combo.addItem(preset.name, key)
        self.gateway_combo.addItem(self.tr("Other provider: HTTP API to describe"), "http")
        self.gateway_combo.currentIndexChanged.connect(self._gateway_changed)
        self.outbox_edit = QLineEdit()
        self.outbox_edit.setPlaceholderText(self.tr("Default: sms-outbox next to the database"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_outbox)
        self.outbox_row = QWidget()
        outbox_row = QHBoxLayout(self.outbox_row)
        outbox_row.setContentsMargins(0, 0, 0, 0)
        outbox_row.addWidget(self.outbox_edit, 1)
        outbox_row.addWidget(browse)
        top.addRow(self.tr("Gateway"), self.gateway_combo)
        self.outbox_label = QLabel(self.tr("Outbox folder"))
        top.addRow(self.outbox_label, self.outbox_row)
        layout.addLayout(top)

        # a provider preset: only its credentials
        self.provider_box = QWidget()
        self.provider_form = QFormLayout(self.provider_box)
        self.provider_form.setContentsMargins(0, 0, 0, 0)
        self.provider_note = QLabel()
        self.provider_note.setWordWrap(True)
        self.provider_note.setOpenExternalLinks(True)
        self.provider_note.setObjectName("provider_note")
        layout.addWidget(self.provider_box)

        # any other provider: the HTTP mapping
        self.http_box = QWidget()
        form = QFormLayout(self.http_box)
        form.setContentsMargins(0, 0, 0, 0)
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://api.example.com/sms")
        self.body_combo = QComboBox()
        self.body_combo.addItem("JSON", "json")
        self.body_combo.addItem(self.tr("Form fields"), "form")
        self.auth_combo = QComboBox()
        for label, value in (
            (self.tr("API key as bearer token"), "bearer"),
            (self.tr("Account and password (basic)"), "basic"),
            (self.tr("API key in a header"), "header"),
            (self.tr("None"), "none"),
        ):
            self.auth_combo.addItem(label, value)
        self.auth_header_edit = QLineEdit()
        self.account_edit = QLineEdit()
        self.secret_edit = QLineEdit()
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setPlaceholderText(
            self.tr("Kept in the system keyring; leave empty to keep the current one")
        )
        self.field_edits: dict[str, QLineEdit] = {}
        mapping = QHBoxLayout()
        for name, label in (
            ("to", self.tr("number")),
            ("text", self.tr("text")),
            ("sender", self.tr("sender")),
            ("key", self.tr("idempotency key")),
        ):
            edit = QLineEdit()
            edit.setToolTip(self.tr("Request field for the %1").replace("%1", label))
            edit.setPlaceholderText(label)
            self.field_edits[name] = edit
            mapping.addWidget(edit)
        self.extra_edit = QPlainTextEdit()
        self.extra_edit.setPlaceholderText('{"type": "transactional"}')
        self.extra_edit.setMaximumHeight(60)
        self.id_field_edit = QLineEdit()
        self.idem_header_edit = QLineEdit()
        self.status_url_edit = QLineEdit()
        self.status_url_edit.setPlaceholderText("https://api.example.com/sms/{id}")
        self.status_field_edit = QLineEdit()
        self.delivered_edit = QLineEdit()
        self.failed_edit = QLineEdit()
        self.replies_url_edit = QLineEdit()
        self.rate_spin = QDoubleSpinBox()
        self.rate_spin.setRange(0, 1000)
        self.rate_spin.setSuffix(self.tr(" per second"))
        self.retries_spin = QSpinBox()
        self.retries_spin.setRange(0, 10)
        self.timeout_spin = QDoubleSpinBox()
        self.timeout_spin.setRange(1, 120)
        self.timeout_spin.setSuffix(" s")

        form.addRow(self.tr("URL (HTTPS)"), self.url_edit)
        form.addRow(self.tr("Request body"), self.body_combo)
        form.addRow(self.tr("Authentication"), self.auth_combo)
        form.addRow(self.tr("API key header"), self.auth_header_edit)
        form.addRow(self.tr("Account"), self.account_edit)
        form.addRow(self.tr("API key or password"), self.secret_edit)
        form.addRow(self.tr("Field names"), mapping)
        form.addRow(self.tr("Fixed fields (JSON)"), self.extra_edit)
        form.addRow(self.tr("Message id in the answer"), self.id_field_edit)
        form.addRow(self.tr("Idempotency header"), self.idem_header_edit)
        form.addRow(self.tr("Status URL"), self.status_url_edit)
        form.addRow(self.tr("Status field"), self.status_field_edit)
        form.addRow(self.tr("Delivered values"), self.delivered_edit)
        form.addRow(self.tr("Failed values"), self.failed_edit)
        form.addRow(self.tr("Replies URL (STOP)"), self.replies_url_edit)
        form.addRow(self.tr("Rate limit"), self.rate_spin)
        form.addRow(self.tr("Retries"), self.retries_spin)
        form.addRow(self.tr("Timeout"), self.timeout_spin)
        self._http_widgets = [
            self.url_edit, self.body_combo, self.auth_combo, self.auth_header_edit,
            self.account_edit, self.secret_edit, *self.field_edits.values(), self.extra_edit,
            self.id_field_edit, self.idem_header_edit, self.status_url_edit,
            self.status_field_edit, self.delivered_edit, self.failed_edit,
            self.replies_url_edit, self.rate_spin, self.retries_spin, self.timeout_spin,
        ]  # fmt: skip
        layout.addWidget(self.http_box)

        # try the gateway as typed
        self.test_box = QWidget()
        test_row = QHBoxLayout(self.test_box)
        test_row.setContentsMargins(0, 8, 0, 0)
        self.test_number_edit = QLineEdit()
        self.test_number_edit.setPlaceholderText(self.tr("Your mobile number"))
        self.test_number_edit.setAccessibleName(self.tr("Your mobile number"))
        self.test_button = QPushButton(self.tr("Send a test SMS to my number"))
        self.test_button.clicked.connect(self.send_test)
        test_row.addWidget(self.test_number_edit, 1)
        test_row.addWidget(self.test_button)
        layout.addWidget(self.test_box)
        layout.addStretch(1)
        return page

    def _show_preset(self, key: str | None) -> None:
        """The credential fields of preset *key* (none: hidden); the values typed for the
        preset shown before are kept."""
        self._remember_preset()
        while self.provider_form.rowCount():
            self.provider_form.removeRow(0)
        self.credential_edits = {}
        self._shown_preset = key
        self.provider_box.setVisible(key is not None)
        if key is None:
            return
        preset = PRESETS[key]
        values = self._provider_values.get(key) or self.settings.providers.get(key, {})
        for credential in preset.credentials:
            edit = QLineEdit()
            edit.setObjectName(f"credential_{credential.key}")
            label = core_text(credential.label)
            if credential.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setPlaceholderText(
                    self.tr("Kept in the system keyring; leave empty to keep the current one")
                )
            else:
                edit.setText(values.get(credential.key, ""))
                if credential.optional:
                    edit.setPlaceholderText(self.tr("optional"))
            self.credential_edits[credential.key] = edit
            self.provider_form.addRow(label, edit)
        self.provider_note = QLabel(
            self.tr("%1 Documentation followed: %2")
            .replace("%1", core_text(preset.sender_rule))
            .replace("%2", f'<a href="{preset.doc_url}">{preset.doc_url}</a>')
        )
        self.provider_note.setObjectName("provider_note")
        self.provider_note.setWordWrap(True)
        self.provider_note.setOpenExternalLinks(True)
        self.provider_form.addRow(self.provider_note)

    def _remember_preset(self) -> None:
        key = self._shown_preset
        if key is None:
            return
        values = dict(self._provider_values.get(key) or self.settings.providers.get(key, {}))
        for credential in PRESETS[key].credentials:
            edit = self.credential_edits.get(credential.key)
            if edit is not None and not credential.secret:
                values[credential.key] = edit.text().strip()
        self._provider_values[key] = values

    def _typed_secrets(self) -> dict[str, str]:
        key = self._shown_preset
        if key is None:
            return {}
        return {
            c.key: self.credential_edits[c.key].text()
            for c in PRESETS[key].credentials
            if c.secret and self.credential_edits[c.key].text()
        }

    def _windows_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        note = QLabel(
            self.tr(
                "Marketing SMS are sent only inside these hours (local time of each market); "
                "write HH:MM-HH:MM, or leave a day empty for no sending. Service messages are "
                "exempt. The public holidays are those of each site's canton or province when "
                "the site has one (its subdivision, e.g. CH-VD, CA-QC)."
            )
        )
        note.setWordWrap(True)
        days = [
            self.tr("Mon"), self.tr("Tue"), self.tr("Wed"), self.tr("Thu"),
            self.tr("Fri"), self.tr("Sat"), self.tr("Sun"),
        ]  # fmt: skip
        self._day_names = days
        self.windows_table = QTableWidget(len(MARKETS), 8)
        self.windows_table.setHorizontalHeaderLabels([*days, self.tr("No holidays")])
        fr = language() == "fr"
        self.windows_table.setVerticalHeaderLabels(
            [MARKET_NAMES[m][0 if fr else 1] for m in MARKETS]
        )
        self.windows_table.horizontalHeader().setDefaultSectionSize(84)
        self.windows_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(note)
        layout.addWidget(self.windows_table, 1)
        return page

    # -- values -----------------------------------------------------------------------------
    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    def _load(self) -> None:
        database = self.database

        def work(ctx: tasks.TaskContext) -> SmsSettings:
            with database.session() as session:
                return load_settings(session)

        self._runner().run(work, self.show_settings, self._failed, owner=self)

    def show_settings(self, settings: SmsSettings) -> None:
        self.settings = settings
        self.sender_edit.setText(settings.sender_name)
        self.optout_edit.setText(settings.optout_mention)
        self.price_edit.setText(price_text(settings.price_per_segment))
        self.recent_spin.setValue(settings.recent_days)
        self.expire_spin.setValue(settings.expire_days)
        self._provider_values = {}
        self._shown_preset = None
        self.max_segments_spin.setValue(settings.max_segments)
        self.gsm_safe_check.setChecked(settings.gsm_safe_values)
        self.gateway_combo.setCurrentIndex(self.gateway_combo.findData(settings.gateway))
        self.outbox_edit.setText(settings.outbox_dir)
        h = settings.http
        self.url_edit.setText(h.url)
        self.body_combo.setCurrentIndex(self.body_combo.findData(h.body))
        self.auth_combo.setCurrentIndex(self.auth_combo.findData(h.auth))
        self.auth_header_edit.setText(h.auth_header)
        self.account_edit.setText(h.account)
        for name, edit in self.field_edits.items():
            edit.setText(h.fields.get(name, ""))
        self.extra_edit.setPlainText(json.dumps(h.extra, ensure_ascii=False) if h.extra else "")
        self.id_field_edit.setText(h.id_field)
        self.idem_header_edit.setText(h.idempotency_header)
        self.status_url_edit.setText(h.status_url)
        self.status_field_edit.setText(h.status_field)
        self.delivered_edit.setText(", ".join(h.delivered_values))
        self.failed_edit.setText(", ".join(h.failed_values))
        self.replies_url_edit.setText(h.replies_url)
        self.rate_spin.setValue(h.rate_per_second)
        self.retries_spin.setValue(h.retries)
        self.timeout_spin.setValue(h.timeout)
        for row, market in enumerate(MARKETS):
            window = settings.windows[market]
            for col, hours in enumerate(window.hours):
                text = "" if hours is None else f"{hours[0]:%H:%M}-{hours[1]:%H:%M}"
                self.windows_table.setItem(row, col, QTableWidgetItem(text))
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(
                Qt.CheckState.Checked if window.skip_holidays else Qt.CheckState.Unchecked
            )
            self.windows_table.setItem(row, 7, check)
        self._gateway_changed()

    def _gateway_changed(self, *args: Any) -> None:
        gateway = self.gateway_combo.currentData()
        self.http_box.setVisible(gateway == "http")
        self.outbox_label.setVisible(gateway == "outbox")
        self.outbox_row.setVisible(gateway == "outbox")
        self._show_preset(gateway if gateway in PRESETS else None)
        self.test_box.setVisible(gateway != "outbox")

    def _browse_outbox(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Outbox folder"), self.outbox_edit.text()
        )
        if folder:
            self.outbox_edit.setText(folder)

    def collect(self) -> SmsSettings:
        """The settings as typed; :class:`SettingsError` naming the first problem."""

        def values(text: str) -> list[str]:
            return [v.strip() for v in text.split(",") if v.strip()]

        extra_text = self.extra_edit.toPlainText().strip()
        try:
            extra = json.loads(extra_text) if extra_text else {}
        except json.JSONDecodeError as error:
            raise SettingsError(
                self.tr("Fixed fields: not valid JSON (%1).").replace("%1", error.msg)
            ) from None
        if not isinstance(extra, dict):
            raise SettingsError(self.tr('Fixed fields: write a JSON object, e.g. {"type": "sms"}.'))
        fields = {k: e.text().strip() for k, e in self.field_edits.items() if e.text().strip()}
        http = HttpConfig.from_dict(
            {
                **HttpConfig().__dict__,
                "url": self.url_edit.text().strip(),
                "body": self.body_combo.currentData(),
                "auth": self.auth_combo.currentData(),
                "auth_header": self.auth_header_edit.text().strip() or "X-Api-Key",
                "account": self.account_edit.text().strip(),
                "fields": fields,
                "extra": extra,
                "id_field": self.id_field_edit.text().strip(),
                "idempotency_header": self.idem_header_edit.text().strip(),
                "status_url": self.status_url_edit.text().strip(),
                "status_field": self.status_field_edit.text().strip() or "status",
                "delivered_values": values(self.delivered_edit.text()),
                "failed_values": values(self.failed_edit.text()),
                "replies_url": self.replies_url_edit.text().strip(),
                "rate_per_second": self.rate_spin.value(),
                "retries": self.retries_spin.value(),
                "timeout": self.timeout_spin.value(),
            }
        )
        windows: dict[str, SendWindow] = {}
        for row, market in enumerate(MARKETS):
            hours: list[list[str] | None] = []
            for col in range(7):
                item = self.windows_table.item(row, col)
                text = (item.text() if item else "").strip().replace("–", "-")
                if not text:
                    hours.append(None)
                    continue
                start, sep, end = text.partition("-")
                if not sep:
                    raise SettingsError(
                        self.tr("Send window %1, %2: write HH:MM-HH:MM, e.g. 08:00-21:30.")
                        .replace("%1", market)
                        .replace("%2", self._day_names[col])
                    )
                hours.append([start.strip(), end.strip()])
            check = self.windows_table.item(row, 7)
            windows[market] = SendWindow.from_dict(
                market,
                {
                    "hours": hours,
                    "skip_holidays": check is None or check.checkState() == Qt.CheckState.Checked,
                    "time_zone": self.settings.windows[market].time_zone,
                },
            )
        self._remember_preset()
        providers = {**self.settings.providers, **self._provider_values}
        settings = SmsSettings(
            sender_name=self.sender_edit.text().strip(),
            optout_mention=self.optout_edit.text().strip(),
            price_per_segment=price_value(self.price_edit.text()),
            gateway=self.gateway_combo.currentData(),
            http=http,
            outbox_dir=self.outbox_edit.text().strip(),
            recent_days=self.recent_spin.value(),
            expire_days=self.expire_spin.value(),
            providers={k: v for k, v in providers.items() if k in PRESETS},
            max_segments=self.max_segments_spin.value(),
            gsm_safe_values=self.gsm_safe_check.isChecked(),
            windows=windows,
        )
        settings.validate()
        return settings

    def save(self) -> None:
        try:
            settings = self.collect()
        except CibleError as error:
            self._failed(error)
            return
        database = self.database
        secret = self.secret_edit.text()
        preset, typed = self._shown_preset, self._typed_secrets()

        def work(ctx: tasks.TaskContext) -> SmsSettings:
            if secret and settings.gateway == "http":
                store_secret(settings.http, secret)
            if preset is not None and typed:
                store_preset_secrets(preset, settings.providers.get(preset, {}), typed)
            with database.session() as session:
                save_settings(session, settings)
            return settings

        self.buttons.setEnabled(False)
        self._runner().run(work, self._saved, self._failed, owner=self)

    def _saved(self, settings: SmsSettings) -> None:
        self.buttons.setEnabled(True)
        self.settings = settings
        self.secret_edit.clear()
        for edit in self.credential_edits.values():
            if edit.echoMode() is QLineEdit.EchoMode.Password:
                edit.clear()
        self.saved.emit(settings)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        message = str(error)
        self.message_label.setText(message)
        self.failed.emit(message)

    # -- test SMS ---------------------------------------------------------------------------
    def send_test(self) -> None:
        """Send one SMS to the number typed, through the gateway as typed (not saved yet)."""
        number = self.test_number_edit.text().strip()
        if not number:
            self._tested(self.tr("Type your mobile number first."))
            return
        try:
            settings = self.collect()
        except CibleError as error:
            self._tested(str(error))
            return
        preset, typed = self._shown_preset, self._typed_secrets()
        http_secret = self.secret_edit.text()
        name = PRESETS[preset].name if preset else settings.http.url

        def work(ctx: tasks.TaskContext) -> Any:
            if preset is not None:
                values = settings.providers.get(preset, {})
                secrets = {**preset_secrets(preset, values), **typed}
                gateway: HttpGateway = PRESETS[preset].gateway_class(values, secrets, retries=1)
            else:
                config = settings.http
                secret = http_secret or (load_secret(config) if config.auth != "none" else None)
                gateway = HttpGateway(config, secret)
            return send_test_sms(gateway, number, settings.sender_name)

        def done(result: Any) -> None:
            self.test_button.setEnabled(True)
            if result.status is SmsStatus.SENT:
                self._tested(
                    self.tr("Test SMS accepted by %1 (message %2): check your phone.")
                    .replace("%1", name)
                    .replace("%2", result.provider_id or "?")
                )
            else:
                self._tested(
                    self.tr("The test SMS was not accepted: %1").replace("%1", result.reason or "")
                )

        def failed(error: BaseException) -> None:
            self.test_button.setEnabled(True)
            self._tested(str(error))

        self.test_button.setEnabled(False)
        self.message_label.setText(self.tr("Sending a test SMS…"))
        self._runner().run(work, done, failed, owner=self)

    def _tested(self, text: str) -> None:
        self.message_label.setText(text)
        self.tested.emit(text)


def price_text(value: str) -> str:
    """The stored price (``"0.05"``) as the user's language writes it (``0,05`` in French),
    with its digits kept (``0.045`` → ``0,045``); at least two decimals."""
    try:
        price = Decimal(value.replace(",", ".").strip() or "0")
    except InvalidOperation:
        return value
    exponent = price.normalize().as_tuple().exponent
    decimals = max(2, -exponent) if isinstance(exponent, int) else 2
    return format_number(float(price), decimals)


def price_value(text: str) -> str:
    """What the user typed (``0,045``, ``0.045``) as the stored text (``0.045``)."""
    return "".join(text.split()).replace(",", ".") or "0"
