"""E-mail settings: the way out (the dealership's SMTP server or Brevo), limits, each site's
sender, the mailbox read for unsubscribes and bounces, and "Send a test e-mail to me".

The SMTP password and the Brevo API key go to the system keyring, never to the database; an
empty password field keeps the one stored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.errors import CibleError
from app.export.email.recipients import check_address
from app.export.email.routes import send_test_email
from app.export.email.settings import (
    BREVO_ACCOUNT,
    PRESETS,
    EmailSettings,
    EmailSettingsError,
    SiteSender,
    load_settings,
    save_settings,
    set_password,
)
from app.i18n import _
from app.models.db import Database
from app.models.dealership import Site
from app.ui import tasks
from app.ui.email.editor import EmailBodyEditor
from app.ui.fit import fit_to_screen

_DEFAULT_SITE = ""


class EmailSettingsDialog(QDialog):
    """Edit the e-mail settings. ``saved`` once they are in the database; ``tested(address)``
    after a test e-mail left; ``failed(message)``."""

    saved = Signal(object)
    tested = Signal(str)
    failed = Signal(str)
    loaded = Signal()

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
        self.settings = EmailSettings()
        self.senders: dict[str, SiteSender] = {}
        self._site_shown = _DEFAULT_SITE
        self._task: tasks.Task | None = None
        self.setWindowTitle(self.tr("E-mail settings"))
        self._build()
        fit_to_screen(self, 760, 640)
        self._load()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(self._server_tab(), self.tr("Sending"))
        self.tabs.addTab(self._sender_tab(), self.tr("Sender"))
        self.tabs.addTab(self._mailbox_tab(), self.tr("Mailbox"))
        self.test_edit = QLineEdit()
        self.test_edit.setObjectName("test_edit")
        self.test_edit.setPlaceholderText(self.tr("Your e-mail address"))
        self.test_button = QPushButton(self.tr("Send a test e-mail to me"))
        self.test_button.setObjectName("test_button")
        self.test_button.setToolTip(
            self.tr("Sends one short e-mail with the settings as they are in this window")
        )
        self.test_button.clicked.connect(self.send_test)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_edit, 1)
        test_row.addWidget(self.test_button)
        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(test_row)
        layout.addWidget(self.message_label)
        layout.addWidget(self.buttons)

    def _server_tab(self) -> QWidget:
        page = QWidget()
        outer = QVBoxLayout(page)
        self.smtp_radio = QRadioButton(self.tr("The dealership's mail server (SMTP)"))
        self.smtp_radio.setObjectName("smtp_radio")
        self.brevo_radio = QRadioButton(self.tr("Brevo, a sending service (for large sends)"))
        self.brevo_radio.setObjectName("brevo_radio")
        group = QButtonGroup(self)
        group.addButton(self.smtp_radio)
        group.addButton(self.brevo_radio)
        self.smtp_radio.setChecked(True)
        self.smtp_radio.toggled.connect(self._route_changed)
        outer.addWidget(self.smtp_radio)
        outer.addWidget(self.brevo_radio)

        self.smtp_box = QGroupBox(self.tr("Mail server"))
        form = QFormLayout(self.smtp_box)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("preset_combo")
        for key, preset in PRESETS.items():
            self.preset_combo.addItem(_(preset.label), key)
        self.preset_combo.activated.connect(self._preset_chosen)
        self.preset_note = QLabel()
        self.preset_note.setWordWrap(True)
        self.host_edit = QLineEdit()
        self.host_edit.setObjectName("host_edit")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.security_combo = QComboBox()
        self.security_combo.addItem(self.tr("STARTTLS"), "starttls")
        self.security_combo.addItem(self.tr("SSL/TLS"), "ssl")
        self.security_combo.addItem(self.tr("None (local server only)"), "none")
        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("user_edit")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("kept in the system keyring; empty: unchanged"))
        form.addRow(self.tr("Provider"), self.preset_combo)
        form.addRow("", self.preset_note)
        form.addRow(self.tr("Server"), self.host_edit)
        form.addRow(self.tr("Port"), self.port_spin)
        form.addRow(self.tr("Security"), self.security_combo)
        form.addRow(self.tr("Login"), self.user_edit)
        form.addRow(self.tr("Password"), self.password_edit)
        outer.addWidget(self.smtp_box)

        self.brevo_box = QGroupBox(self.tr("Brevo"))
        brevo_form = QFormLayout(self.brevo_box)
        self.brevo_key_edit = QLineEdit()
        self.brevo_key_edit.setObjectName("brevo_key_edit")
        self.brevo_key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.brevo_key_edit.setPlaceholderText(self.tr("kept in the system keyring; empty: unchanged"))
        self.brevo_url_edit = QLineEdit()
        self.brevo_url_edit.setObjectName("brevo_url_edit")
        brevo_form.addRow(self.tr("API key"), self.brevo_key_edit)
        brevo_form.addRow(self.tr("API address"), self.brevo_url_edit)
        hint = QLabel(
            self.tr(
                "Brevo handles one-click unsubscribes and bounces; “Check the mailbox now” in the e-mail "
                "log brings them back into Cible's refusals."
            )
        )
        hint.setWordWrap(True)
        brevo_form.addRow("", hint)
        outer.addWidget(self.brevo_box)

        limits = QGroupBox(self.tr("Limits"))
        limits_form = QFormLayout(limits)
        self.per_minute_spin = QSpinBox()
        self.per_minute_spin.setRange(1, 100_000)
        self.per_minute_spin.setSuffix(self.tr(" a minute"))
        self.per_day_spin = QSpinBox()
        self.per_day_spin.setRange(1, 10_000_000)
        self.per_day_spin.setSuffix(self.tr(" a day"))
        self.max_kb_spin = QSpinBox()
        self.max_kb_spin.setRange(20, 20_000)
        self.max_kb_spin.setSuffix(self.tr(" KB"))
        self.recent_spin = QSpinBox()
        self.recent_spin.setRange(0, 3650)
        self.recent_spin.setSpecialValueText(self.tr("no such rule"))
        self.recent_spin.setSuffix(self.tr(" days"))
        limits_form.addRow(self.tr("At most"), self.per_minute_spin)
        limits_form.addRow(self.tr("and"), self.per_day_spin)
        limits_form.addRow(self.tr("Largest e-mail"), self.max_kb_spin)
        limits_form.addRow(self.tr("Skip marketing e-mails to customers e-mailed in the last"), self.recent_spin)
        outer.addWidget(limits)
        outer.addStretch(1)
        return page

    def _sender_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.site_combo = QComboBox()
        self.site_combo.setObjectName("site_combo")
        self.site_combo.addItem(self.tr("All sites (default)"), _DEFAULT_SITE)
        self.site_combo.currentIndexChanged.connect(self._site_changed)
        self.own_sender_check = QCheckBox(self.tr("This site has its own sender"))
        self.own_sender_check.setObjectName("own_sender_check")
        self.own_sender_check.toggled.connect(self._own_sender_toggled)
        self.from_name_edit = QLineEdit()
        self.from_address_edit = QLineEdit()
        self.from_address_edit.setObjectName("from_address_edit")
        self.reply_to_edit = QLineEdit()
        self.unsubscribe_address_edit = QLineEdit()
        self.unsubscribe_address_edit.setPlaceholderText(self.tr("the sender's address"))
        self.unsubscribe_url_edit = QLineEdit()
        self.unsubscribe_url_edit.setPlaceholderText("https://…")
        self.unsubscribe_url_edit.setToolTip(
            self.tr("An HTTPS page of the site that records one-click unsubscribes (?t=TOKEN)")
        )
        self.postal_edit = QLineEdit()
        self.signature_editor = EmailBodyEditor(compact=True)
        self.signature_editor.setObjectName("signature_editor")
        self.signature_editor.visual_edit.setPlaceholderText(
            self.tr("Added at the end of every e-mail of this site")
        )
        self.signature_editor.html_edit.setPlaceholderText(
            self.tr("HTML added at the end of every e-mail")
        )
        self.sender_widgets: list[QWidget] = [
            self.from_name_edit,
            self.from_address_edit,
            self.reply_to_edit,
            self.unsubscribe_address_edit,
            self.unsubscribe_url_edit,
            self.postal_edit,
            self.signature_editor,
        ]
        form.addRow(self.tr("Site"), self.site_combo)
        form.addRow("", self.own_sender_check)
        form.addRow(self.tr("Sender name"), self.from_name_edit)
        form.addRow(self.tr("Sender address"), self.from_address_edit)
        form.addRow(self.tr("Reply-To"), self.reply_to_edit)
        form.addRow(self.tr("Unsubscribe address"), self.unsubscribe_address_edit)
        form.addRow(self.tr("One-click unsubscribe page"), self.unsubscribe_url_edit)
        form.addRow(self.tr("Postal address (footer)"), self.postal_edit)
        form.addRow(self.tr("Signature"), self.signature_editor)
        self.own_sender_check.setVisible(False)
        return page

    def _mailbox_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.imap_host_edit = QLineEdit()
        self.imap_host_edit.setObjectName("imap_host_edit")
        self.imap_host_edit.setPlaceholderText(self.tr("the mail server"))
        self.imap_port_spin = QSpinBox()
        self.imap_port_spin.setRange(1, 65535)
        self.imap_ssl_check = QCheckBox(self.tr("SSL/TLS"))
        explain = QLabel(
            self.tr(
                "Cible reads the unread messages of this mailbox (IMAP, with the login above): "
                "unsubscribe requests set the customer's e-mail refusal, bounces mark the "
                "address invalid. Other messages stay unread."
            )
        )
        explain.setWordWrap(True)
        form.addRow(self.tr("IMAP server"), self.imap_host_edit)
        form.addRow(self.tr("Port"), self.imap_port_spin)
        form.addRow("", self.imap_ssl_check)
        form.addRow(explain)
        return page

    # -- loading ----------------------------------------------------------------------------
    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    def _load(self) -> None:
        database = self.database

        def work(ctx: tasks.TaskContext) -> tuple[EmailSettings, list[tuple[str, str]]]:
            with database.session() as session:
                sites = [(s.code, s.name) for s in session.scalars(select(Site).order_by(Site.code))]
                return load_settings(session), sites

        self._task = self._runner().run(work, self._loaded, self._failed, owner=self)

    def _loaded(self, result: tuple[EmailSettings, list[tuple[str, str]]]) -> None:
        settings, sites = result
        for code, name in sites:
            self.site_combo.addItem(f"{code} – {name}" if name else code, code)
        self.show_settings(settings)
        self.loaded.emit()

    def show_settings(self, settings: EmailSettings) -> None:
        self.settings = settings
        (self.brevo_radio if settings.route == "brevo" else self.smtp_radio).setChecked(True)
        self._route_changed()
        self.preset_combo.setCurrentIndex(max(0, self.preset_combo.findData(settings.preset)))
        self._show_preset_note()
        self.host_edit.setText(settings.host)
        self.port_spin.setValue(settings.port)
        self.security_combo.setCurrentIndex(max(0, self.security_combo.findData(settings.security)))
        self.user_edit.setText(settings.username)
        self.brevo_url_edit.setText(settings.brevo_url)
        self.per_minute_spin.setValue(settings.per_minute)
        self.per_day_spin.setValue(settings.per_day)
        self.max_kb_spin.setValue(max(20, settings.max_bytes // 1000))
        self.recent_spin.setValue(settings.recent_days)
        self.imap_host_edit.setText(settings.imap_host)
        self.imap_port_spin.setValue(settings.imap_port)
        self.imap_ssl_check.setChecked(settings.imap_ssl)
        self.senders = {_DEFAULT_SITE: settings.default, **settings.sites}
        self._site_shown = _DEFAULT_SITE
        self.site_combo.setCurrentIndex(0)
        self._show_sender(_DEFAULT_SITE)
        if not self.test_edit.text():
            self.test_edit.setText(settings.default.reply_to or settings.default.from_address)

    def _route_changed(self, *args: Any) -> None:
        brevo = self.brevo_radio.isChecked()
        self.smtp_box.setVisible(not brevo)
        self.brevo_box.setVisible(brevo)

    def _preset_chosen(self, index: int) -> None:
        key = self.preset_combo.itemData(index)
        preset = PRESETS[key]
        if preset.host:
            self.host_edit.setText(preset.host)
        self.port_spin.setValue(preset.port)
        self.security_combo.setCurrentIndex(self.security_combo.findData(preset.security))
        self.per_minute_spin.setValue(preset.per_minute)
        self.per_day_spin.setValue(preset.per_day)
        self._show_preset_note()

    def _show_preset_note(self) -> None:
        preset = PRESETS.get(self.preset_combo.currentData())
        note = _(preset.note) if preset is not None and preset.note else ""
        limits = self.tr("Published limits, filled in as editable defaults.")
        self.preset_note.setText((note + " " + limits).strip())

    # -- per-site senders -------------------------------------------------------------------
    def _sender_from_widgets(self) -> SiteSender:
        return SiteSender(
            from_name=self.from_name_edit.text().strip(),
            from_address=self.from_address_edit.text().strip(),
            reply_to=self.reply_to_edit.text().strip(),
            unsubscribe_address=self.unsubscribe_address_edit.text().strip(),
            unsubscribe_url=self.unsubscribe_url_edit.text().strip(),
            signature_html=self.signature_editor.html().strip(),
            postal_address=self.postal_edit.text().strip(),
        )

    def _stash_sender(self) -> None:
        code = self._site_shown
        if code == _DEFAULT_SITE or self.own_sender_check.isChecked():
            self.senders[code] = self._sender_from_widgets()
        else:
            self.senders.pop(code, None)

    def _show_sender(self, code: str) -> None:
        own = code in self.senders
        sender = self.senders.get(code) or self.senders.get(_DEFAULT_SITE) or SiteSender()
        self.own_sender_check.setVisible(code != _DEFAULT_SITE)
        self.own_sender_check.blockSignals(True)
        self.own_sender_check.setChecked(own)
        self.own_sender_check.blockSignals(False)
        self.from_name_edit.setText(sender.from_name)
        self.from_address_edit.setText(sender.from_address)
        self.reply_to_edit.setText(sender.reply_to)
        self.unsubscribe_address_edit.setText(sender.unsubscribe_address)
        self.unsubscribe_url_edit.setText(sender.unsubscribe_url)
        self.postal_edit.setText(sender.postal_address)
        self.signature_editor.set_html(sender.signature_html)
        for widget in self.sender_widgets:
            widget.setEnabled(code == _DEFAULT_SITE or own)

    def _site_changed(self, index: int) -> None:
        code = self.site_combo.itemData(index)
        if code is None:
            return
        self._stash_sender()
        self._site_shown = code
        self._show_sender(code)

    def _own_sender_toggled(self, on: bool) -> None:
        for widget in self.sender_widgets:
            widget.setEnabled(on)

    # -- collecting -------------------------------------------------------------------------
    def collect(self) -> EmailSettings:
        """The settings as the window shows them; :class:`EmailSettingsError` when one is wrong."""
        self._stash_sender()
        s = EmailSettings.from_json(self.settings.to_json())  # keeps what the window does not show
        s.route = "brevo" if self.brevo_radio.isChecked() else "smtp"
        s.preset = self.preset_combo.currentData()
        s.host = self.host_edit.text().strip()
        s.port = self.port_spin.value()
        s.security = self.security_combo.currentData()
        s.username = self.user_edit.text().strip()
        s.brevo_url = self.brevo_url_edit.text().strip()
        s.per_minute = self.per_minute_spin.value()
        s.per_day = self.per_day_spin.value()
        s.max_bytes = self.max_kb_spin.value() * 1000
        s.recent_days = self.recent_spin.value()
        s.imap_host = self.imap_host_edit.text().strip()
        s.imap_port = self.imap_port_spin.value()
        s.imap_ssl = self.imap_ssl_check.isChecked()
        s.default = self.senders.get(_DEFAULT_SITE, SiteSender())
        s.sites = {k: v for k, v in self.senders.items() if k != _DEFAULT_SITE}
        for sender in (s.default, *s.sites.values()):
            for value in (sender.from_address, sender.reply_to, sender.unsubscribe_address):
                if value and not check_address(value):
                    raise EmailSettingsError(
                        _("{address!r} is not an e-mail address.").format(address=value)
                    )
            if sender.unsubscribe_url and not sender.unsubscribe_url.lower().startswith("https://"):
                raise EmailSettingsError(_("The one-click unsubscribe page must start with https://."))
        if s.route == "brevo" or s.host:
            s.check()
        return s

    def secret(self, settings: EmailSettings) -> str | None:
        """The password or API key typed in the window (``None``: the one in the keyring)."""
        typed = (self.brevo_key_edit if settings.route == "brevo" else self.password_edit).text()
        return typed or None

    # -- actions ----------------------------------------------------------------------------
    def save(self) -> None:
        try:
            settings = self.collect()
        except CibleError as error:
            self._failed(error)
            return
        database = self.database
        password, api_key = self.password_edit.text(), self.brevo_key_edit.text()

        def work(ctx: tasks.TaskContext) -> EmailSettings:
            if password and settings.username:
                set_password(settings.username, password)
            if api_key:
                set_password(BREVO_ACCOUNT, api_key)
            with database.session() as session:
                save_settings(session, settings)
            return settings

        self.buttons.setEnabled(False)
        self._task = self._runner().run(work, self._saved, self._failed, owner=self)

    def _saved(self, settings: EmailSettings) -> None:
        self.buttons.setEnabled(True)
        self.settings = settings
        self.saved.emit(settings)
        self.accept()

    def send_test(self) -> None:
        """Send a short e-mail to the address typed, with the settings of the window."""
        try:
            settings = self.collect()
            settings.check()
        except CibleError as error:
            self._failed(error)
            return
        to, secret = self.test_edit.text(), self.secret(settings)

        def work(ctx: tasks.TaskContext) -> str:
            return send_test_email(settings, to, secret=secret)

        self.test_button.setEnabled(False)
        self.message_label.setStyleSheet("")
        self.message_label.setText(self.tr("Sending the test e-mail…"))
        self._task = self._runner().run(work, self._tested, self._test_failed, owner=self)

    def _tested(self, address: str) -> None:
        self.test_button.setEnabled(True)
        self.message_label.setStyleSheet("")
        self.message_label.setText(
            self.tr("Test e-mail sent to %1: check that it arrived (and not among the spam).")
            .replace("%1", address)
        )
        self.tested.emit(address)

    def _test_failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        self._failed(error)

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message_label.setStyleSheet("color: #b00020")
        self.message_label.setText(str(error))
        self.failed.emit(str(error))
