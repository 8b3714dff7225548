"""The SMS window: pick or write a template, see it for a real recipient, check, send.

The recipients are read in the background (``app.ui.tasks``); the message is then rendered for
all of them at each keystroke (pure Python, no database), so the character count, the encoding,
the segments — the longest message decides — and the cost follow the typing. Sending re-reads
the target and the refusals in the background, writes every message to the log, then hands them
to the gateway with a progress bar and a Cancel button.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import CibleError
from app.export.funnel import Funnel
from app.export.sms.encoding import GSM7, analyse, gsm_replacement
from app.export.sms.gateway import open_gateway
from app.export.sms.phones import display
from app.export.sms.recipients import (
    Recipient,
    SmsPlan,
    apply_body,
    build_funnel,
    check_asked,
    plan_send,
)
from app.export.sms.sender import (
    SendSummary,
    WaitingSend,
    cancel_batch,
    cancel_send,
    create_batch,
    send_due,
    waiting_sends,
)
from app.export.sms.settings import SmsSettings, load_settings
from app.export.sms.templates import (
    ASKED_FIELDS,
    MERGE_FIELDS,
    TemplateError,
    TemplateInfo,
    asked_fields,
    catalog_key,
    delete_template,
    list_templates,
    placeholders,
    save_template,
)
from app.export.sms.windows import market_name, market_region
from app.models.db import Database
from app.models.sms import SmsKind
from app.query.target import Target
from app.ui import tasks
from app.ui.fit import fit_to_screen
from app.ui.waiting import ask_waiting

PREVIEW_RECIPIENTS = 200
FUNNEL_MIN_WIDTH = 360
EDITOR_MIN_WIDTH = 420
DROPPED_SHOWN = 500


class SmsSendDialog(QDialog):
    """Send an SMS to the people of *target*.

    Signals: ``loaded`` once the recipients are read, ``sent(result)`` after a send
    (:class:`SendResult` of this module), ``failed(message)``.
    """

    loaded = Signal()
    sent = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        database: Database,
        target: Target,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.target = target
        self._tasks = task_manager
        self.settings = SmsSettings()
        self.templates: list[TemplateInfo] = []
        self.funnel: Funnel[Recipient] | None = None
        self.plan: SmsPlan | None = None
        self._loaded_kind: SmsKind | None = None
        self._requested_kind: SmsKind | None = None
        self._loaded_names: set[str] = set()
        self._load_task: tasks.Task | None = None
        self._send_task: tasks.Task | None = None
        self._cancel_info: dict[str, Any] = {}
        self._filling = False
        self.last_result: SendResult | None = None
        self.setWindowTitle(self.tr("Send an SMS"))
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.update_preview)
        self._build()
        fit_to_screen(self, 980, 720)
        self.reload()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("template_combo")
        self.template_combo.activated.connect(self._template_chosen)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("Template name"))
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("Marketing"), SmsKind.MARKETING.value)
        self.kind_combo.addItem(
            self.tr("Service (appointment, vehicle ready, work needed)"), SmsKind.SERVICE.value
        )
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.save_template_button = QPushButton(self.tr("Save template"))
        self.save_template_button.clicked.connect(self.save_current_template)
        self.delete_template_button = QPushButton(self.tr("Delete template"))
        self.delete_template_button.clicked.connect(self.delete_current_template)

        self.field_combo = QComboBox()
        self.field_combo.addItem(self.tr("Insert a merge field…"), "")
        for name in (*MERGE_FIELDS, *ASKED_FIELDS):
            self.field_combo.addItem("{" + name + "}", name)
        self.field_combo.activated.connect(self._insert_field)

        self.body_edit = QPlainTextEdit()
        self.body_edit.setObjectName("body_edit")
        self.body_edit.setPlaceholderText(self.tr("Bonjour {civilité} {nom}, …"))
        self.body_edit.textChanged.connect(self._body_changed)

        self.asked_box = QGroupBox(self.tr("Values for everyone"))
        asked_form = QFormLayout(self.asked_box)
        self.asked_edits: dict[str, QLineEdit] = {}
        for name in ASKED_FIELDS:
            edit = QLineEdit()
            edit.textChanged.connect(self._schedule_preview)
            self.asked_edits[name] = edit
            asked_form.addRow("{" + name + "}", edit)
        self.asked_box.setVisible(False)

        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")
        self.encoding_label = QLabel()
        self.encoding_label.setObjectName("encoding_label")
        self.encoding_label.setWordWrap(True)
        self.replace_button = QPushButton()
        self.replace_button.setObjectName("replace_button")
        self.replace_button.clicked.connect(self.replace_offending)
        self.replace_button.setVisible(False)
        self.send_empty_check = QCheckBox()
        self.send_empty_check.setObjectName("send_empty_check")
        self.send_empty_check.setToolTip(
            self.tr(
                "A required merge field is empty for these customers (e.g. {modèle} without a "
                "vehicle): their message would read “Votre  est prêt”. "
                "{civilité} and {prénom} may be empty; {nom} is the company name for a company."
            )
        )
        self.send_empty_check.setVisible(False)
        self.send_empty_check.toggled.connect(self._schedule_preview)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")

        template_row = QHBoxLayout()
        template_row.addWidget(QLabel(self.tr("Template:")))
        template_row.addWidget(self.template_combo, 1)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_edit, 1)
        name_row.addWidget(self.kind_combo)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.field_combo)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.save_template_button)
        buttons_row.addWidget(self.delete_template_button)
        encoding_row = QHBoxLayout()
        encoding_row.addWidget(self.encoding_label, 1)
        encoding_row.addWidget(self.replace_button)

        editor = QWidget()
        left = QVBoxLayout(editor)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(template_row)
        left.addLayout(name_row)
        left.addWidget(self.body_edit, 1)
        left.addLayout(buttons_row)
        left.addWidget(self.asked_box)
        left.addWidget(self.count_label)
        left.addLayout(encoding_row)
        left.addWidget(self.send_empty_check)
        left.addWidget(self.error_label)

        self.recipient_combo = QComboBox()
        self.recipient_combo.setObjectName("recipient_combo")
        self.recipient_combo.currentIndexChanged.connect(self._show_recipient)
        self.preview = QPlainTextEdit()
        self.preview.setObjectName("preview")
        self.preview.setReadOnly(True)
        self.preview_count = QLabel()
        preview_box = QGroupBox(self.tr("Preview"))
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.recipient_combo)
        preview_layout.addWidget(self.preview, 1)
        preview_layout.addWidget(self.preview_count)

        self.funnel_tree = QTreeWidget()
        self.funnel_tree.setObjectName("funnel_tree")
        self.funnel_tree.setHeaderLabels([self.tr("Recipients"), self.tr("Count")])
        header = self.funnel_tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        funnel_box = QGroupBox(self.tr("Who gets it"))
        funnel_layout = QVBoxLayout(funnel_box)
        funnel_layout.addWidget(self.funnel_tree)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(preview_box, 2)
        right_layout.addWidget(funnel_box, 3)

        # the preview and "who gets it" get a fair share: never a thin column by the editor
        right.setMinimumWidth(FUNNEL_MIN_WIDTH)
        editor.setMinimumWidth(EDITOR_MIN_WIDTH)
        self.splitter = splitter = QSplitter()
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(editor)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([1, 1])

        self.now_radio = QRadioButton(self.tr("Send now"))
        self.now_radio.setChecked(True)
        self.at_radio = QRadioButton(self.tr("Send on"))
        group = QButtonGroup(self)
        group.addButton(self.now_radio)
        group.addButton(self.at_radio)
        self.at_edit = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600))
        self.at_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.at_edit.setCalendarPopup(True)
        self.at_edit.setEnabled(False)
        self.at_radio.toggled.connect(self.at_edit.setEnabled)
        self.at_radio.toggled.connect(self._schedule_preview)
        self.at_edit.dateTimeChanged.connect(self._schedule_preview)
        self.campaign_edit = QLineEdit()
        self.campaign_edit.setPlaceholderText(self.tr("Campaign name (log and contact history)"))
        self.window_label = QLabel()
        self.window_label.setObjectName("window_label")
        self.window_label.setWordWrap(True)
        self.cost_label = QLabel()
        self.cost_label.setObjectName("cost_label")

        when_row = QHBoxLayout()
        when_row.addWidget(self.now_radio)
        when_row.addWidget(self.at_radio)
        when_row.addWidget(self.at_edit)
        when_row.addSpacing(16)
        when_row.addWidget(self.campaign_edit, 1)

        self.status_label = QLabel(self.tr("Reading the recipients…"))
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.outbox_label = QLabel()
        self.outbox_label.setObjectName("outbox_label")
        self.outbox_label.setWordWrap(True)
        self.outbox_label.setTextFormat(Qt.TextFormat.RichText)
        self.outbox_label.setOpenExternalLinks(True)
        self.outbox_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.outbox_label.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel sending"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_sending)
        self.send_button = QPushButton(self.tr("Send…"))
        self.send_button.setObjectName("send_button")
        self.send_button.setDefault(True)
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self.send)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.progress)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(when_row)
        layout.addWidget(self.window_label)
        layout.addWidget(self.cost_label)
        layout.addWidget(self.outbox_label)
        layout.addLayout(bottom)

    # -- state ------------------------------------------------------------------------------
    @property
    def kind(self) -> SmsKind:
        return SmsKind(self.kind_combo.currentData())

    @property
    def body(self) -> str:
        return self.body_edit.toPlainText()

    @property
    def busy(self) -> bool:
        return any(t is not None and not t.is_finished for t in (self._load_task, self._send_task))

    def asked_values(self) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self.asked_edits.items()}

    def requested_time(self) -> dt.datetime:
        if self.at_radio.isChecked():
            return self.at_edit.dateTime().toPython().astimezone()
        return dt.datetime.now().astimezone()

    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read settings, templates and recipients in the background."""
        if self._load_task is not None and not self._load_task.is_finished:
            self._load_task.cancel()
        database, target, kind = self.database, self.target, self.kind
        self._requested_kind = kind
        names = sorted(set(MERGE_FIELDS) | self._names_in_body())
        first_time = not self.templates

        def work(ctx: tasks.TaskContext) -> tuple[SmsSettings, list[TemplateInfo], Any]:
            with database.session() as session:
                settings = load_settings(session)
                templates = list_templates(session)
            with database.engine.connect() as conn:
                funnel = build_funnel(
                    conn,
                    target,
                    kind,
                    settings,
                    merge_names=names,
                    progress=lambda done, total: ctx.report(done, total),
                )
            return settings, templates, (funnel, kind, set(names))

        self.status_label.setText(self.tr("Reading the recipients…"))
        self.send_button.setEnabled(False)
        self._load_task = self._runner().run(
            work,
            lambda result: self._loaded(result, first_time),
            self._load_failed,
            on_cancelled=lambda: None,
            owner=self,
        )

    def _names_in_body(self) -> set[str]:
        try:
            return {n for n in placeholders(self.body) if catalog_key(n) is not None}
        except TemplateError:
            return set()

    def _loaded(self, result: Any, first_time: bool) -> None:
        settings, templates, (funnel_and_time, kind, names) = result
        self.settings = settings
        self.funnel = funnel_and_time[0]
        self._loaded_kind = kind
        self._loaded_names = names
        self._fill_templates(templates, keep=self.template_combo.currentText())
        if first_time and templates and not self.body:
            self._template_chosen(0)
        if self.kind is not kind:
            return  # the kind changed meanwhile: its funnel is being read (then "loaded")
        self._fill_recipients()
        self.status_label.setText("")
        self.update_preview()
        self.loaded.emit()

    def _load_failed(self, error: BaseException) -> None:
        message = self.tr("Cannot read the recipients: %1").replace("%1", str(error))
        self.status_label.setText(message)
        self.failed.emit(message)

    def _fill_templates(self, templates: list[TemplateInfo], keep: str = "") -> None:
        self.templates = templates
        self._filling = True
        self.template_combo.clear()
        for t in templates:
            self.template_combo.addItem(t.name, t.id)
        index = self.template_combo.findText(keep) if keep else -1
        if index >= 0:
            self.template_combo.setCurrentIndex(index)
        self._filling = False

    def _fill_recipients(self) -> None:
        self._filling = True
        current = self.recipient_combo.currentIndex()
        self.recipient_combo.clear()
        if self.funnel is not None:
            for r in self.funnel.kept[:PREVIEW_RECIPIENTS]:
                number = display(r.phone.e164, market_region(r.market))
                self.recipient_combo.addItem(f"{r.name} – {number}", r.customer_id)
        if 0 <= current < self.recipient_combo.count():
            self.recipient_combo.setCurrentIndex(current)
        self._filling = False

    # -- templates --------------------------------------------------------------------------
    def _template_chosen(self, index: int) -> None:
        if self._filling or not 0 <= index < len(self.templates):
            return
        template = self.templates[index]
        self.template_combo.setCurrentIndex(index)
        self.name_edit.setText(template.name)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(template.kind.value))
        self.body_edit.setPlainText(template.body)

    def select_template(self, name: str) -> None:
        index = self.template_combo.findText(name)
        if index < 0:
            raise KeyError(name)
        self._template_chosen(index)

    def _current_template_id(self) -> int | None:
        name = self.name_edit.text().strip()
        for t in self.templates:
            if t.name == name:
                return t.id
        return None

    def save_current_template(self) -> None:
        database = self.database
        name, kind, body = self.name_edit.text(), self.kind, self.body
        template_id = self._current_template_id()

        def work(ctx: tasks.TaskContext) -> list[TemplateInfo]:
            with database.session() as session:
                save_template(session, name, kind, body, template_id)
            with database.session() as session:
                return list_templates(session)

        self._runner().run(
            work,
            lambda templates: (
                self._fill_templates(templates, keep=" ".join(name.split())),
                self.status_label.setText(self.tr("Template saved.")),
            ),
            lambda error: self._show_error(self.tr("Cannot save the template: %1"), error),
            owner=self,
        )

    def delete_current_template(self) -> None:
        template_id = self._current_template_id()
        if template_id is None:
            return
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            self.tr("Delete the template “%1”?").replace("%1", self.name_edit.text()),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database = self.database

        def work(ctx: tasks.TaskContext) -> list[TemplateInfo]:
            with database.session() as session:
                delete_template(session, template_id)
            with database.session() as session:
                return list_templates(session)

        self._runner().run(
            work,
            lambda templates: (
                self._fill_templates(templates),
                self.status_label.setText(self.tr("Template deleted.")),
            ),
            lambda error: self._show_error(self.tr("Cannot delete the template: %1"), error),
            owner=self,
        )

    def _insert_field(self, index: int) -> None:
        name = self.field_combo.itemData(index)
        if name:
            self.body_edit.insertPlainText("{" + name + "}")
            self.body_edit.setFocus()
        self.field_combo.setCurrentIndex(0)

    # -- live preview -----------------------------------------------------------------------
    def _body_changed(self) -> None:
        self._schedule_preview()

    def _schedule_preview(self, *args: Any) -> None:
        self._debounce.start()

    def _kind_changed(self, *args: Any) -> None:
        if self._load_task is not None and self.kind is not self._requested_kind:
            self.reload()  # the marketing steps (legal basis, recent SMS) change the funnel
        self._schedule_preview()

    def update_preview(self) -> None:
        """Render the message for every recipient; show counts, encoding, cost, funnel."""
        self._debounce.stop()
        body = self.body
        self.error_label.setText("")
        used = set()
        try:
            used = set(placeholders(body)) if body.strip() else set()
        except TemplateError as error:
            self._invalid(str(error))
            return
        asked_used = set(asked_fields(body)) if used else set()
        self.asked_box.setVisible(bool(asked_used))
        for name, edit in self.asked_edits.items():
            edit.setEnabled(name in asked_used)
        if self.funnel is None:
            return
        if {n for n in used if catalog_key(n) is not None} - self._loaded_names:
            self.reload()  # a field key that was not read yet
            return
        if not body.strip():
            self._invalid(self.tr("Write the message or choose a template."))
            return
        asked = {n: v or "{" + n + "}" for n, v in self.asked_values().items()}
        try:
            self.plan = apply_body(
                self.funnel,
                body,
                self.kind,
                self.settings,
                self.requested_time(),
                asked=asked,
                send_empty=self.send_empty_check.isChecked(),
                lang=i18n.language(),
            )
        except CibleError as error:
            self._invalid(str(error))
            return
        self._show_plan(self.plan)

    def _invalid(self, message: str) -> None:
        self.plan = None
        self.error_label.setText(message)
        # the reason replaces the preview: never the text of a message that is no longer typed
        self.preview.setPlainText(self.tr("No preview: %1").replace("%1", message))
        self.preview_count.setText("")
        self.send_button.setEnabled(False)
        self.count_label.setText("")
        self.cost_label.setText("")

    def _show_plan(self, plan: SmsPlan) -> None:
        longest = plan.longest
        if longest is not None and longest.length is not None:
            length = longest.length
            self.count_label.setText(
                self.tr("Longest message: %1 characters, %2, %3 segment(s) (%4)")
                .replace("%1", i18n.format_count(length.characters))
                .replace("%2", length.encoding)
                .replace("%3", i18n.format_count(length.segments))
                .replace("%4", longest.name)
            )
        else:
            length = analyse(self.body)
            self.count_label.setText(
                self.tr("%1 characters, %2, %3 segment(s)")
                .replace("%1", i18n.format_count(length.characters))
                .replace("%2", length.encoding)
                .replace("%3", i18n.format_count(length.segments))
            )
        self._show_encoding(plan)
        self.cost_label.setText(
            self.tr("%1 SMS, %2 segments, estimated cost %3")
            .replace("%1", i18n.format_count(plan.count))
            .replace("%2", i18n.format_count(plan.total_segments))
            .replace("%3", i18n.format_money(plan.cost_cents(self.settings)))
        )
        self._show_window(plan)
        self._show_funnel(plan.funnel)
        self._show_empty(plan)
        self._show_recipient()
        too_long = plan.segment_error(self.settings, i18n.language())
        if too_long:
            self.error_label.setText(too_long)
        ready = plan.count > 0 and not self.busy and not too_long
        self.send_button.setEnabled(ready)
        if plan.count == 0:
            self.status_label.setText(self.tr("Nobody in this target can receive this SMS."))

    def _show_empty(self, plan: SmsPlan) -> None:
        """The choice to send the messages whose required merge field is empty too."""
        count = len(plan.empty)
        self.send_empty_check.setVisible(count > 0 or self.send_empty_check.isChecked())
        self.send_empty_check.setText(
            self.tr("Also send the %1 messages with an empty merge field").replace(
                "%1", i18n.format_count(count)
            )
        )

    def _show_encoding(self, plan: SmsPlan) -> None:
        offending = plan.offending or analyse(self.body).offending
        if plan.encoding == GSM7 and not offending:
            self.encoding_label.setText(self.tr("GSM-7: 160 characters per SMS, 153 per segment."))
            self.replace_button.setVisible(False)
            return
        ch = self.offending_in_body()
        shown = ch or offending[0]
        text = self.tr(
            "“%1” forces UCS-2: 70 characters per SMS (67 per segment) instead of 160."
        ).replace("%1", shown)
        if ch is None:
            text += " " + self.tr("It comes from the customers' data, not from the message.")
        if 0 < plan.ucs2_count < plan.count:
            text += " " + self.tr("UCS-2 for %1 of the %2 messages.").replace(
                "%1", i18n.format_count(plan.ucs2_count)
            ).replace("%2", i18n.format_count(plan.count))
        self.encoding_label.setText(text)
        replacement = gsm_replacement(ch) if ch is not None else None
        self.replace_button.setVisible(replacement is not None)
        if replacement is not None:
            self.replace_button.setText(
                self.tr("Replace “%1” with “%2”").replace("%1", ch).replace("%2", replacement)
            )

    def offending_in_body(self) -> str | None:
        """The first character of the message itself that forces UCS-2 and can be replaced."""
        for ch in analyse(self.body).offending:
            if gsm_replacement(ch) is not None:
                return ch
        return None

    def replace_offending(self) -> None:
        ch = self.offending_in_body()
        if ch is None:
            return
        replacement = gsm_replacement(ch) or ""
        self.body_edit.setPlainText(self.body.replace(ch, replacement))
        self.update_preview()

    def _show_window(self, plan: SmsPlan) -> None:
        lang = i18n.language()
        deferred = plan.deferred_markets
        if not deferred:
            self.window_label.setText("")
            return
        parts = []
        for market, when in deferred.items():
            parts.append(
                self.tr("%1: %2")
                .replace("%1", market_name(market, lang))
                .replace("%2", i18n.format_datetime(when))
            )
        self.window_label.setText(
            self.tr(
                "Outside the marketing send window; these messages will wait until (this "
                "computer's time): %1"
            ).replace("%1", "; ".join(parts))
        )

    def _show_funnel(self, funnel: Funnel[Recipient]) -> None:
        self.funnel_tree.clear()
        previous = None
        for step in funnel.steps:
            count = i18n.format_count(step.count)
            if previous is not None and previous != step.count:
                count += f" (−{i18n.format_count(previous - step.count)})"
            item = QTreeWidgetItem([step.label, count])
            item.setData(0, Qt.ItemDataRole.UserRole, step.key)
            for who, reason in step.dropped[:DROPPED_SHOWN]:
                child = QTreeWidgetItem([f"{who}: {reason}", ""])
                child.setToolTip(0, f"{who}: {reason}")
                item.addChild(child)
            if len(step.dropped) > DROPPED_SHOWN:
                item.addChild(
                    QTreeWidgetItem(
                        [
                            self.tr("… and %1 more").replace(
                                "%1", i18n.format_count(len(step.dropped) - DROPPED_SHOWN)
                            ),
                            "",
                        ]
                    )
                )
            self.funnel_tree.addTopLevelItem(item)
            previous = step.count

    def _show_recipient(self, *args: Any) -> None:
        if self._filling or self.plan is None or self.funnel is None:
            return
        customer_id = self.recipient_combo.currentData()
        r = next((r for r in self.funnel.kept if r.customer_id == customer_id), None)
        if r is None:
            self.preview.setPlainText("")
            self.preview_count.setText("")
            return
        text = self.plan.as_received(r)  # with the clause the provider appends itself
        reason = self._left_out(r)
        if reason is not None:  # shown as it would read, and why it does not go
            text += "\n\n" + self.tr("Not sent: %1").replace("%1", reason)
        self.preview.setPlainText(text)
        if r.length is not None:
            count = (
                self.tr("%1 characters, %2, %3 segment(s)")
                .replace("%1", i18n.format_count(r.length.characters))
                .replace("%2", r.length.encoding)
                .replace("%3", i18n.format_count(r.length.segments))
            )
            if self.plan.clause:
                count += "\n" + self.tr("with “%1”, added by the provider").replace(
                    "%1", self.plan.clause.strip()
                )
            self.preview_count.setText(count)

    def _left_out(self, recipient: Recipient) -> str | None:
        """Why the plan leaves *recipient* out (a step that depends on the message)."""
        assert self.plan is not None
        for step in self.plan.funnel.steps:
            if step.key in ("filled", "duplicate"):
                for who, reason in step.dropped:
                    if who is recipient:
                        return reason
        return None

    # -- sending ----------------------------------------------------------------------------
    def confirmation_text(self) -> str:
        plan = self.plan
        assert plan is not None
        return (
            self.tr("You are about to send %1 SMS (%2 segments, estimated cost %3).")
            .replace("%1", i18n.format_count(plan.count))
            .replace("%2", i18n.format_count(plan.total_segments))
            .replace("%3", i18n.format_money(plan.cost_cents(self.settings)))
        )

    def _confirmation_details(self) -> str:
        plan = self.plan
        assert plan is not None
        lines = [self.tr("Message:"), self.body, ""]
        lines += plan.funnel.summary_lines()
        if plan.empty and plan.send_empty:
            lines += [
                "",
                self.tr("%1 messages are sent with an empty merge field.").replace(
                    "%1", i18n.format_count(len(plan.empty))
                ),
            ]
        if self.window_label.text():
            lines += ["", self.window_label.text()]
        return "\n".join(lines)

    def send(self) -> None:
        """Confirm, then send in the background."""
        self.update_preview()
        if self.plan is None or self.plan.count == 0 or self.busy:
            return
        too_long = self.plan.segment_error(self.settings, i18n.language())
        if too_long:
            self.error_label.setText(too_long)
            return
        try:
            check_asked(self.body, self.asked_values())
        except TemplateError as error:
            self._invalid(str(error))
            return
        try:
            with self.database.session() as session:
                waiting = waiting_sends(session)
        except Exception as error:  # noqa: BLE001 - shown, never a traceback
            self._show_error(self.tr("Cannot read the SMS log: %1"), error)
            return
        pending = None
        if waiting:
            pending = self.ask_waiting(waiting)
            if pending is None:
                return
        if self._ask_confirmation():
            self.start_sending(pending)

    def ask_waiting(self, waiting: list[WaitingSend]) -> str | None:
        """Before anything new is made: send, cancel or leave the messages of earlier sends
        still waiting (``"resume"``, ``"cancel"``, ``"leave"``; ``None``: do nothing now)."""
        return ask_waiting(
            self,
            waiting,
            self.tr("SMS still waiting"),
            self.tr("Send them, cancel them, or leave them (send-pending sends them later)?"),
        )

    def _ask_confirmation(self) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Send SMS"))
        box.setText(self.confirmation_text())
        box.setInformativeText(
            self.tr("Message:") + "\n" + self.body + "\n\n" + self.tr("Continue?")
        )
        box.setDetailedText(self._confirmation_details())
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def start_sending(self, pending: str | None = None) -> None:
        """Send without asking (the confirmation is :meth:`send`'s); *pending*: what to do
        first with the messages of earlier sends still waiting (see :meth:`ask_waiting`)."""
        database, target = self.database, self.target
        body, kind, asked = self.body, self.kind, self.asked_values()
        send_empty = self.send_empty_check.isChecked()
        at = self.requested_time() if self.at_radio.isChecked() else None
        template = self.template_combo.currentText()
        template_name = template if template == self.name_edit.text().strip() else None
        campaign = self.campaign_edit.text().strip() or template_name or self.target.name or "SMS"
        info = self._cancel_info = {}

        def work(ctx: tasks.TaskContext) -> SendResult:
            ctx.report(0, 0, "")
            with database.session() as session:
                settings = load_settings(session)
            gateway = open_gateway(database.path, settings)
            if pending == "cancel":
                with database.session() as session:
                    waiting = waiting_sends(session)
                for send in waiting:
                    cancel_send(database, send.batch_id)
            elif pending == "resume":
                send_due(
                    database,
                    gateway,
                    sender_name=settings.sender_name,
                    windows=settings.windows,
                    expire_days=settings.expire_days,
                    progress=lambda done, total: ctx.check_cancelled(),
                )
            with database.engine.connect() as conn:  # refusals are read again now
                plan = plan_send(
                    conn, target, body, kind, settings, asked=asked, at=at, send_empty=send_empty
                )
            too_long = plan.segment_error(settings)
            if too_long:  # the data changed since the preview: nothing is written
                raise TemplateError(too_long)
            with database.session() as session:
                batch = create_batch(
                    session,
                    plan,
                    campaign=campaign,
                    gateway=gateway.kind,
                    template_name=template_name,
                    target_name=target.name or None,
                )
                batch_id = batch.id
            info["batch_id"] = batch_id
            try:
                summary = send_due(
                    database,
                    gateway,
                    sender_name=settings.sender_name,
                    windows=settings.windows,
                    expire_days=settings.expire_days,
                    batch_id=batch_id,
                    progress=lambda done, total: ctx.report(done, total),
                )
            except tasks.TaskCancelled:
                with database.session() as session:
                    info["cancelled"] = cancel_batch(session, batch_id)
                raise
            files = [str(path) for path in getattr(gateway, "written", [])]
            return SendResult(batch_id, plan.count, summary, files)

        self.send_button.setEnabled(False)
        self.outbox_label.setVisible(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.status_label.setText(self.tr("Sending…"))
        self._send_task = self._runner().run(
            work,
            self._sent,
            self._send_failed,
            self._progress,
            on_cancelled=self._send_cancelled,
            owner=self,
        )

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.status_label.setText(
                self.tr("Sending… %1 of %2")
                .replace("%1", i18n.format_count(done))
                .replace("%2", i18n.format_count(total))
            )

    def cancel_sending(self) -> None:
        if self._send_task is not None and not self._send_task.is_finished:
            self.cancel_button.setEnabled(False)
            self._send_task.cancel()

    def _end_sending(self) -> None:
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.send_button.setEnabled(self.plan is not None and self.plan.count > 0)

    def _sent(self, result: SendResult) -> None:
        self._end_sending()
        self.last_result = result
        self.status_label.setText(self.describe_result(result))
        self.outbox_label.setText(self.describe_outbox(result))
        self.outbox_label.setVisible(bool(result.files))
        self.sent.emit(result)

    def describe_outbox(self, result: SendResult) -> str:
        """Where the outbox file is (a link to its folder) and what to do with it; rich text."""
        if not result.files:
            return ""
        links = []
        for name in result.files:
            path = Path(name)
            url = QUrl.fromLocalFile(str(path.parent)).toString()
            links.append(f'<a href="{html.escape(url)}">{html.escape(str(path))}</a>')
        text = html.escape(self.tr("Outbox file (click to open its folder): %1")).replace(
            "%1", ", ".join(links)
        )
        return (
            text
            + "<br>"
            + html.escape(
                self.tr(
                    "Upload it to your SMS provider's portal, then import its report file in the "
                    "SMS log (Import a delivery report…)."
                )
            )
        )

    def describe_result(self, result: SendResult) -> str:
        s = result.summary
        count = i18n.format_count
        parts = []
        if s.sent:
            parts.append(self.tr("%1 sent").replace("%1", count(s.sent)))
        if s.exported:
            parts.append(self.tr("%1 written to the outbox file").replace("%1", count(s.exported)))
        if result.waiting:
            parts.append(self.tr("%1 waiting for their time").replace("%1", count(result.waiting)))
        if s.failed:
            parts.append(self.tr("%1 failed").replace("%1", count(s.failed)))
        if s.cancelled:
            parts.append(
                self.tr("%1 not sent (refusal recorded since)").replace("%1", count(s.cancelled))
            )
        text = self.tr("SMS sending finished: %1.").replace("%1", ", ".join(parts) or "0")
        if s.stopped:
            text += " " + s.stopped
        return text

    def _send_cancelled(self) -> None:
        self._end_sending()
        cancelled = self._cancel_info.get("cancelled", 0)
        self.status_label.setText(
            self.tr("Sending cancelled: %1 messages not sent (see the SMS log).").replace(
                "%1", i18n.format_count(cancelled)
            )
        )

    def _send_failed(self, error: BaseException) -> None:
        self._end_sending()
        self._show_error(self.tr("The SMS were not sent: %1"), error)

    def _show_error(self, template: str, error: BaseException) -> None:
        message = template.replace("%1", str(error))
        self.status_label.setText(message)
        self.error_label.setText(message)
        self.failed.emit(message)


@dataclass
class SendResult:
    """What a send did: the batch, how many messages, and the sender's summary."""

    batch_id: int
    count: int
    summary: SendSummary
    #: The outbox files written (outbox gateway), to upload to the provider's portal.
    files: list[str] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return self.count - self.summary.handled
