"""The e-mail window: pick or write a template, see it for a real customer, check, send.

The settings, templates and recipients (the funnel) are read in the background
(``app.ui.tasks``). The template is then compiled at each pause in the typing (pure Python, no
database) and the message built for the customer chosen in the preview, exactly as it will
leave: the HTML part rendered, the plain-text part beside it. A merge field that was not read
yet reads the recipients again. Sending re-reads the target and the refusals in the background,
writes every message to the journal, then hands them to the server (or Brevo) with a progress
bar and a Cancel button; "Save as .eml files" writes one file per customer instead.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QHideEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import CibleError
from app.export.email.eml import save_eml
from app.export.email.library import TemplateInfo, delete_template, list_templates, save_template
from app.export.email.message import build
from app.export.email.recipients import EmailPlan, EmailRecipient, apply_template, plan_send
from app.export.email.routes import open_transport
from app.export.email.sender import (
    SendSummary,
    cancel_batch,
    create_batch,
    recover,
    send_due,
    waiting_sends,
)
from app.export.email.settings import EmailSettings, load_settings
from app.export.email.templates import CompiledTemplate, compile_template
from app.export.funnel import Funnel
from app.export.waiting import WaitingSend
from app.export.word.fields import HELPERS, resolve_field_name
from app.models.db import Database
from app.models.email import EmailKind
from app.query.catalog import FIELDS, GROUPS
from app.query.target import Target
from app.ui import tasks
from app.ui.email.editor import EmailBodyEditor
from app.ui.fit import fit_to_screen
from app.ui.waiting import ask_waiting

PREVIEW_RECIPIENTS = 200
DROPPED_SHOWN = 500
EDITOR_MIN_WIDTH = 440
PREVIEW_MIN_WIDTH = 380
#: The template used to read the funnel while the one typed cannot be compiled.
_PLAIN = ("-", "<p>-</p>")


class EmailSendDialog(QDialog):
    """Send an e-mail to the people of *target*.

    Signals: ``loaded`` once the recipients are read, ``sent(result)`` after a send
    (:class:`SendResult`), ``saved(paths)`` after "Save as .eml files", ``failed(message)``.
    """

    loaded = Signal()
    sent = Signal(object)
    saved = Signal(object)
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
        self.settings = EmailSettings()
        self.templates: list[TemplateInfo] = []
        self.plan: EmailPlan | None = None
        self.compiled: CompiledTemplate | None = None
        self._loaded_keys: set[str] = set()
        self._loaded_kind: EmailKind | None = None
        self._load_task: tasks.Task | None = None
        self._send_task: tasks.Task | None = None
        self._cancel_info: dict[str, Any] = {}
        self._filling = False
        self._last_edit: QLineEdit | EmailBodyEditor | None = None
        self.last_result: SendResult | None = None
        self.setWindowTitle(self.tr("Send an e-mail"))
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.update_preview)
        self._build()
        fit_to_screen(self, 1100, 760)
        self.reload()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("template_combo")
        self.template_combo.activated.connect(self._template_chosen)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("Template name"))
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("Marketing (unsubscribe line added)"), EmailKind.MARKETING.value)
        self.kind_combo.addItem(
            self.tr("Service (appointment, vehicle ready, work needed)"), EmailKind.SERVICE.value
        )
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.subject_edit = QLineEdit()
        self.subject_edit.setObjectName("subject_edit")
        self.subject_edit.setPlaceholderText(self.tr("Subject"))
        self.subject_edit.textChanged.connect(self._schedule_preview)
        self.subject_edit.installEventFilter(self)
        self.body_editor = EmailBodyEditor()
        self.body_editor.setObjectName("body_editor")
        self.body_editor.visual_edit.setPlaceholderText(
            self.tr("«Formule d'appel», … (merge fields: the Merge field button)")
        )
        self.body_editor.html_edit.setPlaceholderText(self.tr("<p>«Formule d'appel»,</p> …"))
        self.body_editor.html_edit.setToolTip(
            self.tr(
                "The e-mail in HTML. Merge fields: {marque} or «Formule d'appel»; they are "
                "replaced in the text and in links, never in <style>."
            )
        )
        self.body_editor.changed.connect(self._schedule_preview)
        self.body_editor.failed.connect(self.error_label_text)
        self.body_editor.visual_edit.installEventFilter(self)
        self.body_editor.html_edit.installEventFilter(self)
        # the HTML view of the body, under its former name (setting its text shows it)
        self.body_edit = self.body_editor.html_edit
        self.field_button = QToolButton()
        self.field_button.setObjectName("field_button")
        self.field_button.setText(self.tr("Merge field"))
        self.field_button.setToolTip(self.tr("Insert a merge field where you are typing (subject or body)"))
        self.field_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.field_menu = self._field_menu()
        self.field_button.setMenu(self.field_menu)
        self.import_button = QPushButton(self.tr("Import .html…"))
        self.import_button.clicked.connect(self.choose_html)
        self.save_template_button = QPushButton(self.tr("Save template"))
        self.save_template_button.clicked.connect(self.save_current_template)
        self.delete_template_button = QPushButton(self.tr("Delete template"))
        self.delete_template_button.clicked.connect(self.delete_current_template)
        self.error_label = QLabel()
        self.error_label.setObjectName("error_label")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020")
        self.send_empty_check = QCheckBox()
        self.send_empty_check.setObjectName("send_empty_check")
        self.send_empty_check.setToolTip(
            self.tr(
                "A required merge field is empty for these customers (e.g. «Modèle» without a "
                "vehicle, or a site's booking link not filled in): their e-mail would read "
                "“Merci d’avoir confié votre  à notre atelier”. «Civilité» and «Prénom» may be "
                "empty, except in a link; «Nom» is the company name for a company."
            )
        )
        self.send_empty_check.setVisible(False)
        self.send_empty_check.toggled.connect(self._schedule_preview)
        self.site_label = QLabel()
        self.site_label.setObjectName("site_label")
        self.site_label.setWordWrap(True)
        self.site_label.setTextFormat(Qt.TextFormat.PlainText)
        self.site_label.setStyleSheet("color: #8a5300")
        self.site_label.setVisible(False)

        template_row = QHBoxLayout()
        template_row.addWidget(QLabel(self.tr("Template:")))
        template_row.addWidget(self.template_combo, 1)
        name_row = QHBoxLayout()
        name_row.addWidget(self.name_edit, 1)
        name_row.addWidget(self.kind_combo)
        subject_row = QHBoxLayout()
        subject_row.addWidget(QLabel(self.tr("Subject:")))
        subject_row.addWidget(self.subject_edit, 1)
        self.body_editor.toolbar.addSeparator()
        self.body_editor.toolbar.addWidget(self.field_button)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.import_button)
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.save_template_button)
        buttons_row.addWidget(self.delete_template_button)

        editor = QWidget()
        left = QVBoxLayout(editor)
        left.setContentsMargins(0, 0, 0, 0)
        left.addLayout(template_row)
        left.addLayout(name_row)
        left.addLayout(subject_row)
        left.addWidget(self.body_editor, 1)
        left.addLayout(buttons_row)
        left.addWidget(self.send_empty_check)
        left.addWidget(self.site_label)
        left.addWidget(self.error_label)

        self.recipient_combo = QComboBox()
        self.recipient_combo.setObjectName("recipient_combo")
        self.recipient_combo.currentIndexChanged.connect(self._show_recipient)
        self.preview_subject = QLabel()
        self.preview_subject.setObjectName("preview_subject")
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_html = QTextBrowser()
        self.preview_html.setObjectName("preview_html")
        self.preview_html.setOpenLinks(False)  # a click in the preview never sends anything
        self.preview_text = QPlainTextEdit()
        self.preview_text.setObjectName("preview_text")
        self.preview_text.setReadOnly(True)
        self.preview_tabs = QTabWidget()
        self.preview_tabs.addTab(self.preview_html, self.tr("As it will look"))
        self.preview_tabs.addTab(self.preview_text, self.tr("Plain-text part"))
        preview_box = QGroupBox(self.tr("Preview"))
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.addWidget(self.recipient_combo)
        preview_layout.addWidget(self.preview_subject)
        preview_layout.addWidget(self.preview_tabs, 1)

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
        right_layout.addWidget(preview_box, 3)
        right_layout.addWidget(funnel_box, 2)
        right.setMinimumWidth(PREVIEW_MIN_WIDTH)
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
        self.campaign_edit = QLineEdit()
        self.campaign_edit.setPlaceholderText(self.tr("Campaign name (log and contact history)"))
        when_row = QHBoxLayout()
        when_row.addWidget(self.now_radio)
        when_row.addWidget(self.at_radio)
        when_row.addWidget(self.at_edit)
        when_row.addSpacing(16)
        when_row.addWidget(self.campaign_edit, 1)

        self.route_label = QLabel()
        self.route_label.setObjectName("route_label")
        self.route_label.setTextFormat(Qt.TextFormat.PlainText)
        self.route_label.setWordWrap(True)
        self.status_label = QLabel(self.tr("Reading the recipients…"))
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("folder_label")
        self.folder_label.setTextFormat(Qt.TextFormat.RichText)
        self.folder_label.setOpenExternalLinks(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.folder_label.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel sending"))
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_sending)
        self.eml_button = QPushButton(self.tr("Save as .eml files…"))
        self.eml_button.setObjectName("eml_button")
        self.eml_button.setToolTip(
            self.tr("One file per customer in a folder, to send from Outlook or another mail program")
        )
        self.eml_button.setEnabled(False)
        self.eml_button.clicked.connect(self.choose_eml_folder)
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
        bottom.addWidget(self.eml_button)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(when_row)
        layout.addWidget(self.route_label)
        layout.addWidget(self.folder_label)
        layout.addLayout(bottom)

    def _field_menu(self) -> QMenu:
        """Letter helpers first, then the catalog's fields by group."""
        lang = i18n.language()
        menu = QMenu(self)
        helpers = menu.addMenu(self.tr("Letter helpers"))
        for helper in HELPERS:
            self._field_action(helpers, helper.label(lang), helper.key, f"«{helper.label('fr')}»")
        for group in GROUPS:
            fields = [f for f in FIELDS.values() if f.group == group.key and f.displayable]
            if not fields:
                continue
            sub = menu.addMenu(group.label(lang))
            for f in fields:
                label = f.label(lang)
                # the label when it finds this field again, else the key (never another field)
                text = f"«{label}»" if resolve_field_name(label) == f.key else "{" + f.key + "}"
                self._field_action(sub, label, f.key, text)
        return menu

    def _field_action(self, menu: QMenu, label: str, key: str, text: str) -> QAction:
        action = menu.addAction(label)
        action.setData(text)
        action.setObjectName(f"field:{key}")
        action.triggered.connect(lambda _checked=False, t=text: self.insert_text(t))
        return action

    # -- state ------------------------------------------------------------------------------
    @property
    def kind(self) -> EmailKind:
        return EmailKind(self.kind_combo.currentData())

    @property
    def subject(self) -> str:
        return self.subject_edit.text()

    @property
    def body(self) -> str:
        return self.body_editor.html()

    @property
    def images(self) -> dict[str, tuple[bytes, str]]:
        """The images the body may show (content id → bytes, subtype): the template's."""
        return dict(self.body_editor.images)

    def set_body(self, source: str, images: dict[str, tuple[bytes, str]] | None = None) -> None:
        """Show *source* in the editor (the Text view when it loses nothing there)."""
        self.body_editor.set_html(source, images)

    def error_label_text(self, message: str) -> None:
        self.error_label.setText(message)

    @property
    def busy(self) -> bool:
        return any(t is not None and not t.is_finished for t in (self._load_task, self._send_task))

    def requested_time(self) -> dt.datetime | None:
        if self.at_radio.isChecked():
            return self.at_edit.dateTime().toPython().astimezone()
        return None

    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802
        if event.type() == event.Type.FocusIn and watched in (
            self.subject_edit,
            self.body_editor.visual_edit,
            self.body_editor.html_edit,
        ):
            self._last_edit = self.subject_edit if watched is self.subject_edit else self.body_editor
        return super().eventFilter(watched, event)

    # -- loading ----------------------------------------------------------------------------
    def reload(self) -> None:
        """Read settings, templates and recipients in the background."""
        if self._load_task is not None and not self._load_task.is_finished:
            self._load_task.cancel()
        database, target, kind = self.database, self.target, self.kind
        subject, body, images = self.subject, self.body, self.images
        send_empty = self.send_empty_check.isChecked()
        first_time = not self.templates

        def work(ctx: tasks.TaskContext) -> tuple[Any, ...]:
            with database.session() as session:
                settings = load_settings(session)
                templates = list_templates(session)
            chosen = None
            nonlocal subject, body, kind, images
            if first_time and templates and not body.strip():
                chosen = templates[0]
                subject, body, kind, images = chosen.subject, chosen.html, chosen.kind, chosen.images
            compiled = _compile_or_none(subject, body, settings, images)
            with database.session() as session:
                plan = plan_send(
                    session,
                    target,
                    compiled or compile_template(*_PLAIN),
                    kind,
                    settings,
                    progress=lambda done, total: ctx.report(done, total),
                    send_empty=send_empty,
                )
            keys = set(compiled.keys) if compiled is not None else set()
            return settings, templates, chosen, plan, kind, keys

        self.status_label.setText(self.tr("Reading the recipients…"))
        self.send_button.setEnabled(False)
        self.eml_button.setEnabled(False)
        self._load_task = self._runner().run(
            work,
            self._loaded,
            self._load_failed,
            on_cancelled=lambda: None,
            owner=self,
        )

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt's name
        """A closed window previews nothing more (a typing pause may still be pending)."""
        self._debounce.stop()
        super().hideEvent(event)

    def _loaded(self, result: tuple[Any, ...]) -> None:
        settings, templates, chosen, plan, kind, keys = result
        self.settings = settings
        self.body_editor.max_bytes = settings.max_bytes
        self.plan = plan
        self._loaded_kind = kind
        self._loaded_keys = keys
        self._fill_templates(templates, keep=self.template_combo.currentText())
        if chosen is not None and not self.body.strip():
            self._show_template(chosen)
        self._fill_recipients()
        self._show_funnel(plan.funnel)
        self._show_route()
        self.status_label.setText("")
        if self.kind is not kind:
            self.reload()  # the kind changed meanwhile
            return
        self.update_preview()
        self.loaded.emit()

    def _load_failed(self, error: BaseException) -> None:
        message = self.tr("Cannot read the recipients: %1").replace("%1", str(error))
        self.status_label.setText(message)
        self.failed.emit(message)

    def _show_route(self) -> None:
        s = self.settings
        if s.route == "brevo":
            text = self.tr("Sent through Brevo (%1).").replace("%1", s.brevo_url)
        elif s.host.strip():
            text = (
                self.tr("Sent through %1, at most %2 a minute and %3 a day.")
                .replace("%1", f"{s.host}:{s.port}")
                .replace("%2", i18n.format_count(s.per_minute))
                .replace("%3", i18n.format_count(s.per_day))
            )
        else:
            text = self.tr(
                "No mail server is set: fill in the e-mail settings to send, or save .eml files."
            )
        if s.route == "brevo" and self.compiled is not None and self.compiled.images:
            text += " " + self.tr(
                "Brevo's API cannot put an image inside the text: the logo arrives as an "
                "attachment. Send through the mail server, or use an image on the web "
                "(<img src=\"https://…\"> in the HTML view)."
            )
        self.route_label.setText(text)

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
        chosen = self.recipient_combo.currentData()
        self.recipient_combo.clear()
        if self.plan is not None:
            for r in self.plan.recipients[:PREVIEW_RECIPIENTS]:
                self.recipient_combo.addItem(f"{r.name} – {r.address}", r.customer_id)
        found = self.recipient_combo.findData(chosen) if chosen is not None else -1
        if found >= 0:  # the same customer, when still in
            self.recipient_combo.setCurrentIndex(found)
        elif 0 <= current < self.recipient_combo.count():
            self.recipient_combo.setCurrentIndex(current)
        self._filling = False

    # -- templates --------------------------------------------------------------------------
    def _show_template(self, template: TemplateInfo) -> None:
        self.name_edit.setText(template.name)
        self.name_edit.setCursorPosition(0)
        self.kind_combo.blockSignals(True)  # the funnel is read once, with the new template
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(template.kind.value))
        self.kind_combo.blockSignals(False)
        self.subject_edit.setText(template.subject)
        self.body_editor.set_html(template.html, template.images)
        self._kind_changed()
        index = self.template_combo.findText(template.name)
        if index >= 0:
            self._filling = True
            self.template_combo.setCurrentIndex(index)
            self._filling = False

    def _template_chosen(self, index: int) -> None:
        if self._filling or not 0 <= index < len(self.templates):
            return
        self._show_template(self.templates[index])

    def select_template(self, name: str) -> None:
        for t in self.templates:
            if t.name == name:
                self._show_template(t)
                return
        raise KeyError(name)

    def _current_template_id(self) -> int | None:
        name = " ".join(self.name_edit.text().split())
        for t in self.templates:
            if t.name == name:
                return t.id
        return None

    def save_current_template(self) -> None:
        database = self.database
        name, kind, subject, body = self.name_edit.text(), self.kind, self.subject, self.body
        images = self.images
        template_id = self._current_template_id()

        def work(ctx: tasks.TaskContext) -> list[TemplateInfo]:
            with database.session() as session:
                save_template(session, name, kind, subject, body, template_id, images)
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

    def choose_html(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import an e-mail"), "", self.tr("Web pages (*.html *.htm)")
        )
        if path:
            self.import_html(path)

    def import_html(self, path: str) -> bool:
        """Put the .html file's content in the editor (UTF-8, else Windows-1252), named after
        the file."""
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            self._show_error(self.tr("Cannot read the file: %1"), error)
            return False
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        self.body_editor.set_html(text, {})
        self.name_edit.setText(Path(path).stem)
        self.name_edit.setCursorPosition(0)  # a new template: saving never overwrites another
        self.update_preview()
        return True

    # -- editing ----------------------------------------------------------------------------
    def insert_text(self, text: str) -> None:
        """Insert *text* where the user was typing: the subject or the body."""
        if self._last_edit is self.subject_edit:
            self.subject_edit.insert(text)
            self.subject_edit.setFocus()
        else:
            self.body_editor.insert_text(text)

    def insert_link(self, url: str) -> None:
        self.body_editor.insert_link(url)

    # -- live preview -----------------------------------------------------------------------
    def _schedule_preview(self, *args: Any) -> None:
        self._debounce.start()

    def _kind_changed(self, *args: Any) -> None:
        if self._loaded_kind is not None and self.kind is not self._loaded_kind:
            self.reload()  # the marketing steps (legal basis, recent e-mail) change the funnel
        self._schedule_preview()

    def update_preview(self) -> None:
        """Compile the template; build the message for the chosen customer."""
        self._debounce.stop()
        self.error_label.setText("")
        if not self.subject.strip() and not self.body.strip():
            self._invalid(self.tr("Write the e-mail or choose a template."))
            return
        try:
            compiled = compile_template(
                self.subject, self.body, images=self.images, max_bytes=self.settings.max_bytes
            )
        except CibleError as error:
            self._invalid(str(error))
            return
        self.compiled = compiled
        self._show_route()
        if self.plan is None:
            return
        if set(compiled.keys) - self._loaded_keys:
            self.reload()  # a merge field that was not read yet
            return
        if self.plan.base is not None:  # the steps that depend on the template, again
            self.plan = apply_template(
                self.plan.base,
                compiled,
                self.kind,
                self.plan.requested,
                send_empty=self.send_empty_check.isChecked(),
                lang=i18n.language(),
            )
            self._fill_recipients()
            self._show_funnel(self.plan.funnel)
        self._show_empty(self.plan)
        count = self.plan.count
        self.send_button.setEnabled(count > 0 and not self.busy)
        self.eml_button.setEnabled(count > 0 and not self.busy)
        self._show_recipient()

    def _show_empty(self, plan: EmailPlan) -> None:
        """The choice to send the e-mails whose required merge field is empty too, and the
        site details the e-mails show empty."""
        count = len(plan.empty)
        self.send_empty_check.setVisible(count > 0 or self.send_empty_check.isChecked())
        self.send_empty_check.setText(
            self.tr("Send them anyway: %1 e-mails with an empty merge field").replace(
                "%1", i18n.format_count(count)
            )
        )
        warnings = plan.warnings(i18n.language())
        self.site_label.setText("\n".join(warnings))
        self.site_label.setVisible(bool(warnings))

    def _invalid(self, message: str) -> None:
        self.compiled = None
        self.error_label.setText(message)
        self.send_button.setEnabled(False)
        self.eml_button.setEnabled(False)
        # the reason replaces the preview: never a message that is no longer the one typed
        self.preview_subject.setText("")
        self.preview_html.setPlainText(self.tr("No preview: %1").replace("%1", message))
        self.preview_text.setPlainText(self.tr("No preview: %1").replace("%1", message))

    def current_recipient(self) -> EmailRecipient | None:
        if self.plan is None:
            return None
        index = self.recipient_combo.currentIndex()
        recipients = self.plan.recipients
        return recipients[index] if 0 <= index < min(len(recipients), PREVIEW_RECIPIENTS) else None

    def _show_recipient(self, *args: Any) -> None:
        if self._filling or self.compiled is None:
            return
        r = self.current_recipient()
        if r is None:
            self.preview_subject.setText(self.tr("Nobody gets this e-mail."))
            self.preview_html.clear()
            self.preview_text.clear()
            return
        built = build(
            self.compiled,
            r.values,
            to_address=r.address,
            to_name=r.name,
            sender=self.settings.sender_for(r.site_code),
            kind=self.kind,
            lang=i18n.language(),
        )
        message = email.message_from_bytes(built.content, policy=email.policy.default)
        html_part = message.get_body(("html",))
        text_part = message.get_body(("plain",))
        self.preview_subject.setText(
            self.tr("Subject: %1").replace("%1", built.subject)
            + "\n"
            + self.tr("To: %1").replace("%1", str(message["To"]))
        )
        document = self.preview_html.document()
        for part in message.walk():  # the images as they leave: parts with a Content-ID
            cid = str(part.get("Content-ID") or "").strip().strip("<>")
            if cid and part.get_content_maintype() == "image":
                EmailBodyEditor.register_image(document, cid, part.get_payload(decode=True))
        self.preview_html.setHtml(html_part.get_content() if html_part is not None else "")
        self.preview_text.setPlainText(text_part.get_content() if text_part is not None else "")

    def _show_funnel(self, funnel: Funnel[EmailRecipient]) -> None:
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
                more = len(step.dropped) - DROPPED_SHOWN
                item.addChild(
                    QTreeWidgetItem(
                        [self.tr("… and %1 more").replace("%1", i18n.format_count(more)), ""]
                    )
                )
            self.funnel_tree.addTopLevelItem(item)
            previous = step.count

    # -- sending ----------------------------------------------------------------------------
    def confirmation_text(self) -> str:
        assert self.plan is not None
        text = self.tr("You are about to send %1 e-mails: “%2”.").replace(
            "%1", i18n.format_count(self.plan.count)
        ).replace("%2", self.subject.strip())
        at = self.requested_time()
        if at is not None:
            text += " " + self.tr("They will leave on %1.").replace("%1", i18n.format_datetime(at))
        return text

    def send(self) -> None:
        """Confirm, then send in the background."""
        self.update_preview()
        if self.busy:
            self.status_label.setText(self.tr("Wait: the recipients are being read."))
            return
        if self.compiled is None or self.plan is None or self.plan.count == 0:
            return
        try:
            self.settings.check()
        except CibleError as error:
            self._show_error("%1", error)
            return
        try:
            recover(self.database)  # what a sender that is gone left claimed is waiting again
            with self.database.session() as session:
                waiting = waiting_sends(session)
        except Exception as error:  # noqa: BLE001 - shown, never a traceback
            self._show_error(self.tr("Cannot read the e-mail log: %1"), error)
            return
        pending = None
        if waiting:
            pending = self.ask_waiting(waiting)
            if pending is None:
                return
        if self._ask_confirmation():
            self.start_sending(pending)

    def ask_waiting(self, waiting: list[WaitingSend]) -> str | None:
        """Before anything new is made: send, cancel or leave the e-mails of earlier sends
        still waiting (``"resume"``, ``"cancel"``, ``"leave"``; ``None``: do nothing now)."""
        return ask_waiting(
            self,
            waiting,
            self.tr("E-mails still waiting"),
            self.tr(
                "Send them, cancel them, or leave them (sent later, while Cible is open)?"
            ),
        )

    def _ask_confirmation(self) -> bool:
        assert self.plan is not None
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Send e-mails"))
        box.setText(self.confirmation_text())
        box.setInformativeText(self.route_label.text() + "\n\n" + self.tr("Continue?"))
        box.setDetailedText(self.confirmation_details())
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def confirmation_details(self) -> str:
        assert self.plan is not None
        lines = self.plan.funnel.summary_lines()
        if self.plan.empty and self.plan.send_empty:
            lines += [
                "",
                self.tr("%1 e-mails are sent with an empty merge field.").replace(
                    "%1", i18n.format_count(len(self.plan.empty))
                ),
            ]
        warnings = self.plan.warnings(i18n.language())
        if warnings:
            lines += ["", *warnings]
        return "\n".join(lines)

    def _template_name(self) -> str | None:
        name = " ".join(self.name_edit.text().split())
        for t in self.templates:
            if t.name == name and t.subject == self.subject and t.html == self.body:
                return name
        return None

    def start_sending(self, pending: str | None = None) -> None:
        """Send without asking (the confirmation is :meth:`send`'s); *pending*: what to do
        first with the e-mails of earlier sends still waiting (see :meth:`ask_waiting`)."""
        database, target = self.database, self.target
        subject, body, kind, at = self.subject, self.body, self.kind, self.requested_time()
        images = self.images
        send_empty = self.send_empty_check.isChecked()
        template_name = self._template_name()
        campaign = self.campaign_edit.text().strip() or template_name or target.name or "E-mail"
        lang = i18n.language()
        info = self._cancel_info = {}

        def work(ctx: tasks.TaskContext) -> SendResult:
            ctx.report(0, 0, "")
            with database.session() as session:
                settings = load_settings(session)
                settings.check()
                compiled = compile_template(subject, body, images=images, max_bytes=settings.max_bytes)
            earlier = None
            if pending == "cancel":
                with database.session() as session:
                    for send in waiting_sends(session):
                        cancel_batch(session, send.batch_id)
            elif pending == "resume":
                earlier = send_due(
                    database,
                    open_transport(settings),
                    settings,
                    progress=lambda done, total: ctx.report(done, total),
                    cancelled=lambda: ctx.cancelled,
                )
                ctx.check_cancelled()
                if earlier.stopped:  # nothing new is made while the earlier ones cannot leave
                    raise CibleError(earlier.stopped)
            with database.session() as session:  # the journal is read again now
                plan = plan_send(
                    session, target, compiled, kind, settings, at=at, lang=lang,
                    send_empty=send_empty,
                )
            if plan.count == 0:
                return SendResult(None, 0, SendSummary(), earlier)
            with database.session() as session:
                batch = create_batch(
                    session,
                    plan,
                    settings,
                    campaign=campaign,
                    template_name=template_name,
                    target_name=target.name or None,
                    lang=lang,
                )
                batch_id = batch.id
            info["batch_id"] = batch_id
            try:
                summary = send_due(
                    database,
                    open_transport(settings),
                    settings,
                    batch_id=batch_id,
                    progress=lambda done, total: ctx.report(done, total),
                    cancelled=lambda: ctx.cancelled,
                )
                ctx.check_cancelled()
            except tasks.TaskCancelled:
                with database.session() as session:
                    info["cancelled"] = cancel_batch(session, batch_id)
                raise
            return SendResult(batch_id, plan.count, summary, earlier)

        self._busy_ui(self.tr("Sending…"))
        self._send_task = self._runner().run(
            work,
            self._sent,
            self._send_failed,
            self._progress,
            on_cancelled=self._send_cancelled,
            owner=self,
        )

    def _busy_ui(self, text: str) -> None:
        self.send_button.setEnabled(False)
        self.eml_button.setEnabled(False)
        self.folder_label.setVisible(False)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.status_label.setText(text)

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
        ready = self.compiled is not None and self.plan is not None and self.plan.count > 0
        self.send_button.setEnabled(ready)
        self.eml_button.setEnabled(ready)

    def _sent(self, result: SendResult) -> None:
        self._end_sending()
        self.last_result = result
        self.status_label.setText(self.describe_result(result))
        self.sent.emit(result)

    def describe_result(self, result: SendResult) -> str:
        s = result.summary
        count = i18n.format_count
        parts = []
        if s.sent:
            parts.append(self.tr("%1 sent").replace("%1", count(s.sent)))
        if result.waiting:
            parts.append(self.tr("%1 waiting for their time").replace("%1", count(result.waiting)))
        if s.failed:
            parts.append(self.tr("%1 failed").replace("%1", count(s.failed)))
        if s.unknown:
            parts.append(
                self.tr("%1 unknown (maybe delivered, never sent again)").replace("%1", count(s.unknown))
            )
        if s.cancelled:
            parts.append(
                self.tr("%1 not sent (refusal recorded since)").replace("%1", count(s.cancelled))
            )
        text = self.tr("E-mail sending finished: %1.").replace("%1", ", ".join(parts) or "0")
        if result.earlier is not None:
            text += " " + self.tr("Earlier sends: %1 sent.").replace(
                "%1", count(result.earlier.sent)
            )
        if s.stopped:
            text += " " + s.stopped
        for address, reason in s.failures[:3]:
            text += "\n" + self.tr("%1 failed: %2").replace("%1", address).replace("%2", reason)
        return text

    def _send_cancelled(self) -> None:
        self._end_sending()
        cancelled = self._cancel_info.get("cancelled", 0)
        self.status_label.setText(
            self.tr("Sending cancelled: %1 e-mails not sent (see the e-mail log).").replace(
                "%1", i18n.format_count(cancelled)
            )
        )

    def _send_failed(self, error: BaseException) -> None:
        self._end_sending()
        self._show_error(self.tr("The e-mails were not sent: %1"), error)

    # -- .eml files -------------------------------------------------------------------------
    def choose_eml_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the .eml files"))
        if folder:
            self.save_eml_files(folder)

    def save_eml_files(self, folder: str) -> None:
        """Write one .eml file per recipient into *folder*, in the background."""
        self.update_preview()
        if self.compiled is None or self.busy:
            return
        database, target = self.database, self.target
        subject, body, kind = self.subject, self.body, self.kind
        images = self.images
        send_empty = self.send_empty_check.isChecked()
        lang = i18n.language()

        def work(ctx: tasks.TaskContext) -> list[Path]:
            with database.session() as session:
                settings = load_settings(session)
                compiled = compile_template(subject, body, images=images, max_bytes=settings.max_bytes)
                plan = plan_send(
                    session, target, compiled, kind, settings, lang=lang, send_empty=send_empty
                )
            return save_eml(
                plan,
                settings,
                folder,
                lang=lang,
                progress=lambda done, total: ctx.report(done, total),
            )

        self._busy_ui(self.tr("Writing the .eml files…"))
        self._send_task = self._runner().run(
            work,
            lambda paths: self._eml_saved(folder, paths),
            lambda error: (self._end_sending(), self._show_error(self.tr("The .eml files were not written: %1"), error)),
            self._progress,
            on_cancelled=lambda: (self._end_sending(), self.status_label.setText(self.tr("Cancelled."))),
            owner=self,
        )

    def _eml_saved(self, folder: str, paths: list[Path]) -> None:
        self._end_sending()
        self.status_label.setText(
            self.tr("%1 .eml files written: open them in Outlook (or another mail program) to send them.")
            .replace("%1", i18n.format_count(len(paths)))
        )
        url = QUrl.fromLocalFile(folder).toString()
        self.folder_label.setText(f'<a href="{html.escape(url)}">{html.escape(folder)}</a>')
        self.folder_label.setVisible(True)
        self.saved.emit(paths)

    def _show_error(self, template: str, error: BaseException) -> None:
        message = template.replace("%1", str(error))
        self.status_label.setText(message)
        self.error_label.setText(message)
        self.failed.emit(message)


def _compile_or_none(
    subject: str, body: str, settings: EmailSettings, images: dict[str, tuple[bytes, str]]
) -> CompiledTemplate | None:
    try:
        return compile_template(subject, body, images=images, max_bytes=settings.max_bytes)
    except CibleError:
        return None


@dataclass
class SendResult:
    """What a send did: the batch, how many messages, and the sender's summary."""

    batch_id: int | None
    count: int
    summary: SendSummary = field(default_factory=SendSummary)
    #: What the earlier sends still waiting did, when the user chose to send them first.
    earlier: SendSummary | None = None

    @property
    def waiting(self) -> int:
        s = self.summary
        return max(0, self.count - s.sent - s.failed - s.unknown - s.cancelled)
