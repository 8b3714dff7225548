"""The sent-SMS log (seed 2.8 "Liste des SMS envoyés"): filters, export, pending sends, reports.

Every message with its number, customer, text, date sent, deferred date, status and reason,
campaign and user. The rows are read in the background (the newest :data:`SHOWN` at most; the
export writes them all).
"""

from __future__ import annotations

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
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.export.sms.gateway import open_gateway
from app.export.sms.log import (
    COLUMNS,
    LogFilter,
    LogRow,
    campaigns,
    column_label,
    count_log,
    export_log_csv,
    read_log,
    status_label,
)
from app.export.sms.sender import cancel_send, import_report, poll_statuses, send_due
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

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

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

        def work(ctx: tasks.TaskContext) -> tuple[list[LogRow], int, list[str]]:
            with database.engine.connect() as conn:
                rows = read_log(conn, filt, SHOWN)
                ctx.check_cancelled()
                return rows, count_log(conn, filt), campaigns(conn)

        self._task = self._runner().run(
            work, self._loaded, self._failed, on_cancelled=lambda: None, owner=self
        )

    def _loaded(self, result: tuple[list[LogRow], int, list[str]]) -> None:
        rows, total, names = result
        self.total = total
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

    def _selection_changed(self, *args: Any) -> None:
        row = self.selected_row()
        self.cancel_send_button.setEnabled(row is not None and row.status in OPEN_STATUSES)

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
        buttons = (self.export_button, self.report_button, self.pending_button)
        for button in (*buttons, self.cancel_send_button):
            button.setEnabled(False)

        def finish() -> None:
            for button in buttons:
                button.setEnabled(True)
            self._selection_changed()

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
