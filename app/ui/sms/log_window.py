"""The sent-SMS log (seed 2.8 "Liste des SMS envoyés"): filters, export, pending sends, reports.

Every message with its number, customer, text, date sent, deferred date, status and reason,
campaign and user. The rows are read in the background (the newest :data:`SHOWN` at most; the
export writes them all).

What waits for a person is settled here too:

* messages whose outcome is **unknown** (handed to the provider, no answer came back: they may
  have gone, and Cible never sends them again on its own): ask the provider by reference where
  its API allows, or decide — mark as sent (the provider's portal shows it, the customer got
  it), mark as not sent, or send again (knowing the customer may get it twice);
* **replies** that are not an opt-out (those are applied at once): the "Replies" tab lists the
  unread ones with the message they answer; open one to read it, mark them as read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.export.sms.gateway import open_gateway
from app.export.sms.log import (
    COLUMNS,
    LogFilter,
    LogRow,
    ReplyRow,
    campaigns,
    column_label,
    count_log,
    count_unknown,
    count_unread_replies,
    export_log_csv,
    local_time,
    read_log,
    read_replies,
    status_label,
)
from app.export.sms.sender import (
    cancel_send,
    import_report,
    mark_replies_read,
    poll_statuses,
    release_unknown,
    resolve_unknown,
    send_due,
    settle_unknown,
)
from app.export.sms.settings import load_settings
from app.models.db import Database
from app.models.sms import OPEN_STATUSES, SmsStatus
from app.ui import tasks
from app.ui.fit import fit_to_screen

SHOWN = 5000
_NO_DATE = QDate(2000, 1, 1)
_STATUS_COLOURS = {
    SmsStatus.FAILED: QColor("#b00020"),
    SmsStatus.CANCELLED: QColor("#777777"),
    SmsStatus.EXPIRED: QColor("#777777"),
    SmsStatus.DELIVERED: QColor("#1b5e20"),
    SmsStatus.UNKNOWN: QColor("#b35c00"),
}

Index = QModelIndex | QPersistentModelIndex


@dataclass
class _Loaded:
    """What a (re)load read: the rows shown, and what waits for a person."""

    rows: list[LogRow]
    total: int
    campaigns: list[str]
    unknown: int
    unread: int
    replies: list[ReplyRow]


class SmsLogModel(QAbstractTableModel):
    """The log rows (:class:`LogRow`), one column per :data:`app.export.sms.log.COLUMNS`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LogRow] = []

    def set_rows(self, rows: list[LogRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            text = row.value(key)
            return text.replace("\n", " ⏎ ") if key == "text" else text
        if role == Qt.ItemDataRole.ToolTipRole and key in ("text", "reason"):
            return row.value(key) or None
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            colour = _STATUS_COLOURS.get(row.status)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and key == "segments":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return column_label(COLUMNS[section][0])
        if orientation == Qt.Orientation.Vertical:
            return section + 1
        return None


class SmsLogWindow(QWidget):
    """The log in a window of its own. ``loaded`` is emitted after each (re)load."""

    loaded = Signal()
    failed = Signal(str)
    done = Signal(str)

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
        self.total = 0
        self.unknown_count = 0
        self.unread_count = 0
        self.setWindowTitle(self.tr("Sent SMS"))
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.refresh)
        self._build()
        self._shortcuts(parent)
        fit_to_screen(self, 1100, 600)
        self.refresh()

    def _shortcuts(self, parent: QWidget | None) -> None:
        """Escape closes the log; the main window's shortcuts (Ctrl+E, Ctrl+M, Ctrl+Shift+M…)
        keep working while the log has the focus: its actions are added to this window too."""
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

    def _build(self) -> None:
        self.date_from = self._date_edit()
        self.date_to = self._date_edit()
        self.status_combo = QComboBox()
        self.status_combo.addItem(self.tr("All statuses"), None)
        for status in SmsStatus:
            self.status_combo.addItem(status_label(status), status.value)
        self.customer_edit = QLineEdit()
        self.customer_edit.setPlaceholderText(self.tr("Customer or number"))
        self.customer_edit.setClearButtonEnabled(True)
        self.campaign_combo = QComboBox()
        self.campaign_combo.addItem(self.tr("All campaigns"), None)
        for widget in (self.date_from, self.date_to):
            widget.dateChanged.connect(self._schedule)
        self.status_combo.currentIndexChanged.connect(self._schedule)
        self.campaign_combo.currentIndexChanged.connect(self._schedule)
        self.customer_edit.textChanged.connect(self._schedule)

        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("From")))
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(self.tr("to")))
        filters.addWidget(self.date_to)
        filters.addWidget(self.status_combo)
        filters.addWidget(self.customer_edit, 1)
        filters.addWidget(self.campaign_combo)

        self.model = SmsLogModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)

        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.clicked.connect(self.choose_export)
        self.report_button = QPushButton(self.tr("Import a delivery report…"))
        self.report_button.setToolTip(
            self.tr("The provider's report file: delivery statuses and STOP replies")
        )
        self.report_button.clicked.connect(self.choose_report)
        self.pending_button = QPushButton(self.tr("Send pending SMS now"))
        self.pending_button.setToolTip(
            self.tr("Send the SMS whose time has come and read the delivery statuses")
        )
        self.pending_button.clicked.connect(self.send_pending)
        self.cancel_send_button = QPushButton(self.tr("Cancel this send…"))
        self.cancel_send_button.setToolTip(
            self.tr("Cancel the messages of the selected send that have not left yet")
        )
        self.cancel_send_button.setEnabled(False)
        self.cancel_send_button.clicked.connect(self.confirm_cancel_send)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.refresh_button)
        bottom.addWidget(self.cancel_send_button)
        bottom.addWidget(self.pending_button)
        bottom.addWidget(self.report_button)
        bottom.addWidget(self.export_button)

        messages = QWidget()
        messages_layout = QVBoxLayout(messages)
        messages_layout.addLayout(filters)
        messages_layout.addWidget(self._unknown_bar())
        messages_layout.addWidget(self.view, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(messages, self.tr("Messages"))
        self.tabs.addTab(self._replies_page(), self.tr("Replies"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    def _unknown_bar(self) -> QWidget:
        """Shown while messages have an unknown outcome: what it means and what to do."""
        self.unknown_bar = bar = QWidget()
        bar.setObjectName("unknown_bar")
        self.unknown_label = QLabel()
        self.unknown_label.setObjectName("unknown_label")
        self.unknown_label.setWordWrap(True)
        self.unknown_label.setStyleSheet("color: #b35c00")
        self.show_unknown_button = QPushButton(self.tr("Show them"))
        self.show_unknown_button.clicked.connect(self.show_unknown)
        self.ask_provider_button = QPushButton(self.tr("Ask the provider"))
        self.ask_provider_button.setToolTip(
            self.tr(
                "Ask the provider, by Cible's reference, whether it has these messages "
                "(possible when the SMS settings have a lookup URL)"
            )
        )
        self.ask_provider_button.clicked.connect(self.ask_provider)
        self.mark_sent_button = QPushButton(self.tr("Mark as sent…"))
        self.mark_sent_button.setToolTip(
            self.tr("The provider's portal shows them, or the customer got them")
        )
        self.mark_sent_button.clicked.connect(lambda: self.confirm_settle(sent=True))
        self.mark_not_sent_button = QPushButton(self.tr("Mark as not sent…"))
        self.mark_not_sent_button.setToolTip(
            self.tr("The provider's portal does not have them: they will not be sent")
        )
        self.mark_not_sent_button.clicked.connect(lambda: self.confirm_settle(sent=False))
        self.send_again_button = QPushButton(self.tr("Send again…"))
        self.send_again_button.setToolTip(
            self.tr("Send them with the next pending SMS: the customer may get them twice")
        )
        self.send_again_button.clicked.connect(self.confirm_send_again)
        column = QVBoxLayout(bar)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.unknown_label)
        row = QHBoxLayout()
        row.addStretch(1)
        for button in (
            self.show_unknown_button,
            self.ask_provider_button,
            self.mark_sent_button,
            self.mark_not_sent_button,
            self.send_again_button,
        ):
            row.addWidget(button)
        column.addLayout(row)
        bar.setVisible(False)
        return bar

    def _replies_page(self) -> QWidget:
        page = QWidget()
        self.replies_view = QTreeWidget()
        self.replies_view.setObjectName("replies_view")
        self.replies_view.setRootIsDecorated(False)
        self.replies_view.setAlternatingRowColors(True)
        self.replies_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.replies_view.setHeaderLabels(
            [
                self.tr("Received"),
                self.tr("Phone"),
                self.tr("Customer"),
                self.tr("Reply"),
                self.tr("In answer to"),
            ]
        )
        self.replies_view.itemSelectionChanged.connect(self._reply_selection_changed)
        self.replies_view.itemDoubleClicked.connect(lambda *args: self.open_reply())
        self.show_read_check = QCheckBox(self.tr("Show the replies already read"))
        self.show_read_check.toggled.connect(self._schedule)
        self.open_reply_button = QPushButton(self.tr("Open…"))
        self.open_reply_button.clicked.connect(self.open_reply)
        self.mark_read_button = QPushButton(self.tr("Mark as read"))
        self.mark_read_button.clicked.connect(self.mark_selected_read)
        hint = QLabel(
            self.tr(
                "Replies that are not an opt-out. STOP and the like put the number on the "
                "suppression list at once and are not listed here."
            )
        )
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_read_check, 1)
        buttons.addWidget(self.open_reply_button)
        buttons.addWidget(self.mark_read_button)
        layout = QVBoxLayout(page)
        layout.addWidget(hint)
        layout.addWidget(self.replies_view, 1)
        layout.addLayout(buttons)
        self.replies: list[ReplyRow] = []
        self._reply_selection_changed()
        return page

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setCalendarPopup(True)
        edit.setMinimumDate(_NO_DATE)
        edit.setSpecialValueText(self.tr("any date"))
        edit.setDate(_NO_DATE)
        return edit

    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    def _schedule(self, *args: Any) -> None:
        self._debounce.start()

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_finished

    def current_filter(self) -> LogFilter:
        def day(edit: QDateEdit):
            return None if edit.date() == _NO_DATE else edit.date().toPython()

        status = self.status_combo.currentData()
        return LogFilter(
            date_from=day(self.date_from),
            date_to=day(self.date_to),
            status=SmsStatus(status) if status else None,
            customer=self.customer_edit.text(),
            campaign=self.campaign_combo.currentData(),
        )

    def refresh(self) -> None:
        self._debounce.stop()
        if self._task is not None and not self._task.is_finished:
            self._task.cancel()
        database, filt = self.database, self.current_filter()
        unread_only = not self.show_read_check.isChecked()

        def work(ctx: tasks.TaskContext) -> _Loaded:
            with database.engine.connect() as conn:
                rows = read_log(conn, filt, SHOWN)
                ctx.check_cancelled()
                return _Loaded(
                    rows,
                    count_log(conn, filt),
                    campaigns(conn),
                    count_unknown(conn),
                    count_unread_replies(conn),
                    read_replies(conn, unread_only=unread_only),
                )

        self._task = self._runner().run(
            work, self._loaded, self._failed, on_cancelled=lambda: None, owner=self
        )

    def _loaded(self, result: _Loaded) -> None:
        rows, total, names = result.rows, result.total, result.campaigns
        self.total = total
        self.unknown_count = result.unknown
        self.unread_count = result.unread
        self._show_waiting(result)
        self.model.set_rows(rows)
        self._selection_changed()
        current = self.campaign_combo.currentData()
        self.campaign_combo.blockSignals(True)
        self.campaign_combo.clear()
        self.campaign_combo.addItem(self.tr("All campaigns"), None)
        for name in names:
            self.campaign_combo.addItem(name, name)
        index = self.campaign_combo.findData(current) if current else 0
        self.campaign_combo.setCurrentIndex(max(index, 0))
        self.campaign_combo.blockSignals(False)
        text = self.tr("%1 messages").replace("%1", i18n.format_count(total))
        if total > len(rows):
            text += " " + self.tr("(the latest %1 shown)").replace(
                "%1", i18n.format_count(len(rows))
            )
        self.count_label.setText(text)
        if self.view.model() is self.model and rows:
            self.view.resizeColumnsToContents()
            self.view.setColumnWidth(len(COLUMNS) - 1, 400)
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        message = self.tr("Cannot read the SMS log: %1").replace("%1", str(error))
        self.status_label.setText(message)
        self.failed.emit(message)

    def selected_row(self) -> LogRow | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.model.rows):
            return None
        return self.model.rows[rows[0].row()]

    def selected_rows(self) -> list[LogRow]:
        rows = self.view.selectionModel().selectedRows()
        return [self.model.rows[i.row()] for i in rows if 0 <= i.row() < len(self.model.rows)]

    def selected_unknown(self) -> list[LogRow]:
        return [r for r in self.selected_rows() if r.status is SmsStatus.UNKNOWN]

    def _selection_changed(self, *args: Any) -> None:
        row = self.selected_row()
        self.cancel_send_button.setEnabled(row is not None and row.status in OPEN_STATUSES)
        chosen = bool(self.selected_unknown())
        for button in (self.mark_sent_button, self.mark_not_sent_button, self.send_again_button):
            button.setEnabled(chosen)

    # -- unknown outcomes -------------------------------------------------------------------
    def _show_waiting(self, result: _Loaded) -> None:
        self.unknown_bar.setVisible(result.unknown > 0)
        self.unknown_label.setText(
            self.tr(
                "%n message(s) with an unknown outcome: the provider took them and no answer "
                "came back, so they may have gone. Cible never sends them again on its own: "
                "select them, then decide.",
                "",
                result.unknown,
            )
        )
        self.replies = result.replies
        self.replies_view.clear()
        for reply in result.replies:
            answered = ""
            if reply.campaign:
                answered = self.tr("%1 of %2").replace("%1", reply.campaign)
                answered = answered.replace(
                    "%2", i18n.format_datetime(local_time(reply.answered_at))
                )
            item = QTreeWidgetItem(
                [
                    i18n.format_datetime(local_time(reply.received_at)),
                    reply.shown_phone(),
                    reply.customer_name,
                    reply.text.replace("\n", " ⏎ "),
                    answered,
                ]
            )
            item.setToolTip(3, reply.text)
            if reply.unread:
                font = item.font(3)
                font.setBold(True)
                for col in range(5):
                    item.setFont(col, font)
            self.replies_view.addTopLevelItem(item)
        for col in range(4):
            self.replies_view.resizeColumnToContents(col)
        self.replies_view.setColumnWidth(3, min(max(self.replies_view.columnWidth(3), 200), 420))
        title = self.tr("Replies")
        if result.unread:
            title = self.tr("Replies (%1 unread)").replace("%1", i18n.format_count(result.unread))
        self.tabs.setTabText(1, title)
        self._reply_selection_changed()

    def show_unknown(self) -> None:
        """Filter the log on the messages whose outcome is unknown."""
        self.tabs.setCurrentIndex(0)
        self.status_combo.setCurrentIndex(self.status_combo.findData(SmsStatus.UNKNOWN.value))
        self.refresh()

    def ask_provider(self) -> None:
        database = self.database

        def work(ctx: tasks.TaskContext) -> tuple[int, str]:
            with database.session() as session:
                settings = load_settings(session)
            gateway = open_gateway(database.path, settings)
            if not gateway.can_lookup:
                return 0, gateway.lookup_missing
            return resolve_unknown(database, gateway), ""

        def describe(result: tuple[int, str]) -> str:
            settled, missing = result
            if missing:
                return self.tr(
                    "Your provider cannot be asked about a message (%1): check its portal, "
                    "then mark the messages as sent or not sent."
                ).replace("%1", missing)
            return self.tr("The provider was asked: %1 messages settled.").replace(
                "%1", i18n.format_count(settled)
            )

        self._run_action(work, describe)

    def confirm_settle(self, sent: bool) -> None:
        ids = [r.id for r in self.selected_unknown()]
        if not ids:
            return
        count = i18n.format_count(len(ids))
        if sent:
            text = self.tr(
                "Record %1 messages as sent? Do it when the provider's portal shows them or "
                "the customers got them: they go into the contact history."
            ).replace("%1", count)
        else:
            text = self.tr(
                "Record %1 messages as not sent? Do it when the provider's portal does not have "
                "them. They will not be sent; use “Send again…” to send them."
            ).replace("%1", count)
        answer = QMessageBox.question(self, self.windowTitle(), text)
        if answer == QMessageBox.StandardButton.Yes:
            self.settle(ids, sent)

    def settle(self, ids: list[int], sent: bool) -> None:
        database = self.database

        def work(ctx: tasks.TaskContext) -> int:
            with database.session() as session:
                return settle_unknown(session, ids, sent)

        if sent:
            describe = self.tr("%1 messages recorded as sent.")
        else:
            describe = self.tr("%1 messages recorded as not sent.")
        self._run_action(work, lambda n: describe.replace("%1", i18n.format_count(n)))

    def confirm_send_again(self) -> None:
        ids = [r.id for r in self.selected_unknown()]
        if not ids:
            return
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            self.tr(
                "Send %1 messages again? If the provider did take them, these customers get "
                "the SMS twice: check the provider's portal first. They leave with the next "
                "pending SMS (“Send pending SMS now”), refusals and the send window checked again."
            ).replace("%1", i18n.format_count(len(ids))),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.send_again(ids)

    def send_again(self, ids: list[int]) -> None:
        database = self.database

        def work(ctx: tasks.TaskContext) -> int:
            with database.session() as session:
                return release_unknown(session, ids)

        self._run_action(
            work,
            lambda n: self.tr("%1 messages will be sent again with the pending SMS.").replace(
                "%1", i18n.format_count(n)
            ),
        )

    # -- replies ----------------------------------------------------------------------------
    def selected_replies(self) -> list[ReplyRow]:
        chosen = []
        for item in self.replies_view.selectedItems():
            index = self.replies_view.indexOfTopLevelItem(item)
            if 0 <= index < len(self.replies):
                chosen.append(self.replies[index])
        return chosen

    def _reply_selection_changed(self) -> None:
        chosen = self.selected_replies()
        self.open_reply_button.setEnabled(len(chosen) == 1)
        self.mark_read_button.setEnabled(any(r.unread for r in chosen))

    def open_reply(self) -> None:
        """The reply in full, who sent it and what it answers; "Mark as read" from there."""
        chosen = self.selected_replies()
        if len(chosen) != 1:
            return
        reply = chosen[0]
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Reply from %1").replace("%1", reply.shown_phone()))
        box.setText(reply.text)
        who = reply.customer_name or self.tr("a number Cible has not written to")
        info = (
            self.tr("From %1 (%2), received %3.")
            .replace("%1", who)
            .replace("%2", reply.shown_phone())
            .replace("%3", i18n.format_datetime(local_time(reply.received_at)))
        )
        if reply.answered_text:
            info += "\n\n" + self.tr("In answer to “%1” (%2):").replace(
                "%1", reply.campaign
            ).replace("%2", i18n.format_datetime(local_time(reply.answered_at)))
            info += "\n" + reply.answered_text
        box.setInformativeText(info)
        mark = None
        if reply.unread:
            mark = box.addButton(self.tr("Mark as read"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if mark is not None and box.clickedButton() is mark:
            self.mark_read([reply.id])

    def mark_selected_read(self) -> None:
        ids = [r.id for r in self.selected_replies() if r.unread]
        if ids:
            self.mark_read(ids)

    def mark_read(self, ids: list[int]) -> None:
        database = self.database

        def work(ctx: tasks.TaskContext) -> int:
            with database.session() as session:
                mark_replies_read(session, ids)
            return len(ids)

        self._run_action(
            work,
            lambda n: self.tr("%1 replies marked as read.").replace("%1", i18n.format_count(n)),
        )

    def confirm_cancel_send(self) -> None:
        row = self.selected_row()
        if row is None or row.status not in OPEN_STATUSES:
            return
        answer = QMessageBox.question(
            self,
            self.windowTitle(),
            self.tr("Cancel the messages of the send “%1” that have not left yet?").replace(
                "%1", row.campaign
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.cancel_send(row.batch_id)

    def cancel_send(self, batch_id: int) -> None:
        database = self.database
        self._run_action(
            lambda ctx: cancel_send(database, batch_id),
            lambda n: self.tr("%1 messages cancelled.").replace("%1", i18n.format_count(n)),
        )

    def _run_action(self, work, describe) -> None:
        buttons = (
            self.export_button,
            self.report_button,
            self.pending_button,
            self.ask_provider_button,
        )
        for button in (
            *buttons,
            self.cancel_send_button,
            self.mark_sent_button,
            self.mark_not_sent_button,
            self.send_again_button,
            self.mark_read_button,
        ):
            button.setEnabled(False)

        def finish() -> None:
            for button in buttons:
                button.setEnabled(True)
            self._selection_changed()
            self._reply_selection_changed()

        def on_done(result: Any) -> None:
            finish()
            message = describe(result)
            self.status_label.setText(message)
            self.done.emit(message)
            self.refresh()

        def on_error(error: BaseException) -> None:
            finish()
            self.status_label.setText(str(error))
            self.failed.emit(str(error))

        self._runner().run(work, on_done, on_error, on_cancelled=finish, owner=self)

    # -- export -----------------------------------------------------------------------------
    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the SMS log"), "sms.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_csv(path)

    def export_csv(self, path: str) -> None:
        database, filt, lang = self.database, self.current_filter(), i18n.language()

        def work(ctx: tasks.TaskContext) -> int:
            with database.engine.connect() as conn:
                return export_log_csv(conn, filt, path, lang, progress=lambda n: ctx.report(n))

        self._run_action(
            work,
            lambda n: (
                self.tr("%1 messages written to %2")
                .replace("%1", i18n.format_count(n))
                .replace("%2", path)
            ),
        )

    # -- report and pending -----------------------------------------------------------------
    def choose_report(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Delivery report"), "", self.tr("CSV files (*.csv *.txt)")
        )
        if path:
            self.import_report(path)

    def import_report(self, path: str) -> None:
        database = self.database
        self._run_action(
            lambda ctx: import_report(database, path),
            lambda s: (
                self.tr("Report imported: %1 statuses updated, %2 STOP")
                .replace("%1", i18n.format_count(s.updated))
                .replace("%2", i18n.format_count(s.stops))
            ),
        )

    def send_pending(self) -> None:
        database = self.database

        def work(ctx: tasks.TaskContext) -> tuple[Any, Any]:
            with database.session() as session:
                settings = load_settings(session)
            gateway = open_gateway(database.path, settings)
            summary = send_due(
                database,
                gateway,
                sender_name=settings.sender_name,
                windows=settings.windows,
                expire_days=settings.expire_days,
                progress=lambda done, total: ctx.report(done, total),
            )
            polled = None
            if gateway.polls and not summary.stopped:
                polled = poll_statuses(database, gateway)
            return summary, polled

        def describe(result: tuple[Any, Any]) -> str:
            summary, polled = result
            text = (
                self.tr("%1 sent, %2 written to the outbox file, %3 failed, %4 cancelled.")
                .replace("%1", i18n.format_count(summary.sent))
                .replace("%2", i18n.format_count(summary.exported))
                .replace("%3", i18n.format_count(summary.failed))
                .replace("%4", i18n.format_count(summary.cancelled))
            )
            if summary.deferred:
                text += " " + self.tr("%1 wait for the send window.").replace(
                    "%1", i18n.format_count(summary.deferred)
                )
            if polled is not None:
                text += " " + self.tr("Statuses: %1 updated, %2 STOP.").replace(
                    "%1", i18n.format_count(polled.updated)
                ).replace("%2", i18n.format_count(polled.stops))
            if summary.stopped:
                text += " " + summary.stopped
            return text

        self._run_action(work, describe)
