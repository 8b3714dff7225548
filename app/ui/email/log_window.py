"""The e-mail log: every message of the journal with its status (sent, failed, unknown…), the
addresses their server rejected (bounces) and the unsubscribes; "Check now" reads the site's
mailbox (IMAP) — and Brevo's blocked contacts when Brevo sends — and "Send waiting e-mails"
hands the due messages to the server. Opens are not tracked: no pixel, no rewritten link."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.export.email import log
from app.export.email.mailbox import MailboxSummary
from app.export.email.routes import open_transport, read_refusals
from app.export.email.sender import SendSummary, count_due, send_due
from app.export.email.settings import load_settings
from app.models.db import Database
from app.models.email import EmailStatus
from app.ui import tasks
from app.ui.fit import fit_to_screen

_STATUSES = (
    EmailStatus.SENT,
    EmailStatus.FAILED,
    EmailStatus.UNKNOWN,
    EmailStatus.SCHEDULED,
    EmailStatus.PENDING,
    EmailStatus.IN_DATA,
    EmailStatus.CANCELLED,
)
_FAILED_COLOUR = "#b00020"


class EmailLogWindow(QWidget):
    """The e-mail log. ``loaded`` after each refresh, ``checked(summary)`` after "Check now",
    ``sent(summary)`` after "Send waiting e-mails", ``failed(message)``."""

    loaded = Signal()
    checked = Signal(object)
    sent = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.database = database
        self._tasks = task_manager
        self._task: tasks.Task | None = None
        self._action: tasks.Task | None = None
        self.rows: list[log.MessageRow] = []
        self.setWindowTitle(self.tr("E-mail log"))
        self._build()
        self._shortcuts(parent)
        fit_to_screen(self, 1100, 620)
        self.refresh()

    def _shortcuts(self, parent: QWidget | None) -> None:
        """Escape closes the log, F5 refreshes it; the main window's shortcuts keep working
        while the log has the focus (its actions are added to this window too)."""
        escape = QKeySequence(Qt.Key.Key_Escape)
        if parent is not None:
            for action in parent.window().actions():
                shortcut = action.shortcut()
                if not shortcut.isEmpty() and shortcut != escape:
                    self.addAction(action)
        self.close_action = QAction(self.tr("Close"), self)
        self.close_action.setShortcut(escape)
        self.close_action.triggered.connect(self.close)
        self.addAction(self.close_action)
        self.refresh_action = QAction(self.tr("Refresh"), self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        self.addAction(self.refresh_action)

    def _table(self, headers: list[str], name: str) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _build(self) -> None:
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("status_combo")
        self.status_combo.addItem(self.tr("All statuses"), None)
        for status in _STATUSES:
            self.status_combo.addItem(log.status_label(status, i18n.language()), status.value)
        self.status_combo.currentIndexChanged.connect(lambda *_: self.refresh())
        self.counts_label = QLabel()
        self.counts_label.setObjectName("counts_label")
        self.counts_label.setWordWrap(True)
        self.messages_table = self._table(
            [
                self.tr("Date"),
                self.tr("Customer"),
                self.tr("Address"),
                self.tr("Subject"),
                self.tr("Campaign"),
                self.tr("Status"),
                self.tr("Reason"),
                self.tr("User"),
            ],
            "messages_table",
        )
        messages = QWidget()
        messages_layout = QVBoxLayout(messages)
        filter_row = QHBoxLayout()
        filter_row.addWidget(QLabel(self.tr("Show:")))
        filter_row.addWidget(self.status_combo)
        filter_row.addWidget(self.counts_label, 1)
        messages_layout.addLayout(filter_row)
        messages_layout.addWidget(self.messages_table, 1)
        note = QLabel(
            self.tr(
                "“Unknown”: the connection was lost while the server was receiving the e-mail; "
                "it may have arrived, so Cible never sends it again (look in the Sent folder). "
                "Opens are not tracked."
            )
        )
        note.setWordWrap(True)
        messages_layout.addWidget(note)

        self.bounces_table = self._table(
            [self.tr("Address"), self.tr("Since"), self.tr("Reason"), self.tr("Source")],
            "bounces_table",
        )
        self.unsubscribes_table = self._table(
            [self.tr("Address"), self.tr("Date"), self.tr("Source")], "unsubscribes_table"
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(messages, self.tr("Messages"))
        self.tabs.addTab(self.bounces_table, self.tr("Rejected addresses (bounces)"))
        self.tabs.addTab(self.unsubscribes_table, self.tr("Unsubscribes"))

        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.check_button = QPushButton(self.tr("Check the mailbox now"))
        self.check_button.setObjectName("check_button")
        self.check_button.setToolTip(
            self.tr("Read the unsubscribe requests and bounces that arrived (IMAP, or Brevo)")
        )
        self.check_button.clicked.connect(self.check_now)
        self.send_button = QPushButton(self.tr("Send waiting e-mails"))
        self.send_button.setObjectName("send_waiting_button")
        self.send_button.setToolTip(self.tr("Hand the e-mails whose time has come to the server"))
        self.send_button.clicked.connect(self.send_waiting)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(self.check_button)
        bottom.addWidget(self.send_button)
        bottom.addWidget(self.refresh_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    @property
    def busy(self) -> bool:
        return any(t is not None and not t.is_finished for t in (self._task, self._action))

    # -- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._task is not None and not self._task.is_finished:
            self._task.cancel()
        database = self.database
        value = self.status_combo.currentData()
        status = EmailStatus(value) if value else None

        def work(ctx: tasks.TaskContext) -> tuple[Any, ...]:
            with database.session() as session:
                rows, total = log.messages(session, status)
                return rows, total, log.counts(session), log.bounces(session), log.unsubscribes(session)

        self._task = self._runner().run(
            work, self._loaded, self._failed, on_cancelled=lambda: None, owner=self
        )

    def _loaded(self, result: tuple[Any, ...]) -> None:
        rows, total, counts, bounces, unsubscribes = result
        self.rows = rows
        lang = i18n.language()
        table = self.messages_table
        table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = [
                i18n.format_datetime(r.when) if r.when else "",
                r.customer_name,
                r.address,
                r.subject,
                r.campaign,
                log.status_label(r.status, lang),
                r.reason,
                r.user,
            ]
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                if j == 5 and r.status in (EmailStatus.FAILED, EmailStatus.UNKNOWN):
                    item.setForeground(
                        Qt.GlobalColor.darkRed if r.status is EmailStatus.FAILED else Qt.GlobalColor.darkYellow
                    )
                if j == 6 and value:
                    item.setToolTip(value)
                table.setItem(i, j, item)
        table.resizeColumnsToContents()
        parts = [
            self.tr("%1: %2")
            .replace("%1", log.status_label(s, lang))
            .replace("%2", i18n.format_count(counts[s]))
            for s in _STATUSES
            if counts.get(s)
        ]
        text = " · ".join(parts)
        if total > len(rows):
            text += "  " + self.tr("(the newest %1 of %2 shown)").replace(
                "%1", i18n.format_count(len(rows))
            ).replace("%2", i18n.format_count(total))
        self.counts_label.setText(text)
        self._fill(self.bounces_table, [
            [b.address, i18n.format_date(b.since) if b.since else "", b.reason, b.source] for b in bounces
        ])  # fmt: skip
        self._fill(self.unsubscribes_table, [
            [u.address, i18n.format_date(u.since) if u.since else "", u.source] for u in unsubscribes
        ])  # fmt: skip
        self.tabs.setTabText(
            1, self.tr("Rejected addresses (bounces): %1").replace("%1", i18n.format_count(len(bounces)))
        )
        self.tabs.setTabText(
            2, self.tr("Unsubscribes: %1").replace("%1", i18n.format_count(len(unsubscribes)))
        )
        self.loaded.emit()

    def _fill(self, table: QTableWidget, rows: list[list[str]]) -> None:
        table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                table.setItem(i, j, QTableWidgetItem(value))
        table.resizeColumnsToContents()

    def _failed(self, error: BaseException) -> None:
        self._end_action()
        message = str(error)
        self.message_label.setStyleSheet(f"color: {_FAILED_COLOUR}")
        self.message_label.setText(message)
        self.failed.emit(message)

    # -- actions ----------------------------------------------------------------------------
    def _start_action(self, text: str) -> None:
        self.check_button.setEnabled(False)
        self.send_button.setEnabled(False)
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)

    def _end_action(self) -> None:
        self.check_button.setEnabled(True)
        self.send_button.setEnabled(True)

    def check_now(self) -> None:
        """Read the mailbox (and Brevo's blocked contacts when Brevo sends) in the background."""
        if self._action is not None and not self._action.is_finished:
            return
        database = self.database

        def work(ctx: tasks.TaskContext) -> MailboxSummary:
            with database.session() as session:
                settings = load_settings(session)
            return read_refusals(database, settings)

        self._start_action(self.tr("Reading the mailbox…"))
        self._action = self._runner().run(work, self._checked, self._failed, owner=self)

    def _checked(self, summary: MailboxSummary) -> None:
        self._end_action()
        count = i18n.format_count
        self.message_label.setText(
            self.tr("Mailbox read: %1 unsubscribe(s), %2 rejected address(es).")
            .replace("%1", count(len(set(summary.unsubscribed))))
            .replace("%2", count(len(set(summary.invalid))))
        )
        self.checked.emit(summary)
        self.refresh()

    def send_waiting(self) -> None:
        """Hand the e-mails whose time has come to the server, in the background."""
        if self._action is not None and not self._action.is_finished:
            return
        database = self.database

        def work(ctx: tasks.TaskContext) -> SendSummary | None:
            with database.session() as session:
                if count_due(session) == 0:
                    return None
                settings = load_settings(session)
            settings.check()
            return send_due(
                database,
                open_transport(settings),
                settings,
                progress=lambda done, total: ctx.report(done, total),
                cancelled=lambda: ctx.cancelled,
            )

        self._start_action(self.tr("Sending the waiting e-mails…"))
        self._action = self._runner().run(work, self._sent, self._failed, owner=self)

    def _sent(self, summary: SendSummary | None) -> None:
        self._end_action()
        if summary is None:
            self.message_label.setText(self.tr("No e-mail is waiting to be sent."))
        else:
            text = (
                self.tr("%1 sent, %2 failed, %3 unknown.")
                .replace("%1", i18n.format_count(summary.sent))
                .replace("%2", i18n.format_count(summary.failed))
                .replace("%3", i18n.format_count(summary.unknown))
            )
            if summary.stopped:
                text += " " + summary.stopped
            self.message_label.setText(text)
            self.sent.emit(summary)
        self.refresh()
