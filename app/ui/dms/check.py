"""The wizard's last two pages: the check, then the import and its result.

Both run :func:`app.dms.load.import_file` off the GUI thread (:mod:`app.ui.tasks`), with a
progress bar and a Cancel button: the check as a dry run (everything done, then rolled back, so
its new / updated / unchanged counts are the real ones), the import for real. The import is one
transaction: cancelled or failed, the database is as it was. Before it, a SQLite database is
copied next to itself (:func:`app.models.db.backup_sqlite`); after it, the report is saved as
an .xlsx in the user's data folder. Both places are shown with the result.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from app import files
from app.dms.report import write_report
from app.dms.validate import Problem, Severity, ValidationReport
from app.errors import CibleError
from app.i18n import format_count, format_date
from app.models.db import Database, backup_sqlite, data_dir
from app.ui import tasks
from app.ui.dms.source import ERROR_STYLE, read_error
from app.ui.dms.wizard import ImportState

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex


def reports_dir() -> Path:
    """Where the report of each import made from the wizard is kept."""
    return data_dir() / "import-reports"


def save_report(report: ValidationReport, target: Path) -> Path:
    """Write *report* as an .xlsx at *target*, complete or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with files.atomic_path(target) as tmp:
        write_report(report, tmp)
    return target


def cancellable(fn):
    """*fn* whose "cancelled" error (:class:`app.dms.load.ImportCancelled`, raised when its
    *cancel* callback says so) ends the task as cancelled, like a cancel seen by progress."""
    from app.dms.load import ImportCancelled

    def call(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ImportCancelled:
            raise tasks.TaskCancelled() from None

    return call


def is_cancel(error: BaseException) -> bool:
    from app.dms.load import ImportCancelled

    return isinstance(error, ImportCancelled | tasks.TaskCancelled)


class ProblemsModel(QAbstractTableModel):
    """Every problem of the report: row, column, value, error or warning, reason."""

    ROW, COLUMN, VALUE, SEVERITY, REASON = range(5)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._all: list[Problem] = []
        self._shown: list[Problem] = []
        self._only: Severity | None = None

    def set_problems(self, problems: list[Problem]) -> None:
        self.beginResetModel()
        self._all = list(problems)
        self._filter()
        self.endResetModel()

    def set_only(self, severity: Severity | None) -> None:
        self.beginResetModel()
        self._only = severity
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        only = self._only
        self._shown = self._all if only is None else [p for p in self._all if p.severity == only]

    def problem(self, row: int) -> Problem:
        return self._shown[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt's API
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:  # noqa: N802, E501
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            self.tr("Row"),
            self.tr("Column"),
            self.tr("Value"),
            self.tr("Kind"),
            self.tr("Problem"),
        )[section]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        problem = self._shown[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.ROW:
                return problem.row
            if column == self.COLUMN:
                return problem.column
            if column == self.VALUE:
                return problem.value
            if column == self.SEVERITY:
                return (
                    self.tr("Error") if problem.severity is Severity.ERROR else self.tr("Warning")
                )
            return problem.message
        if role == Qt.ItemDataRole.ForegroundRole and column == self.SEVERITY:
            return QColor("#a4262c") if problem.severity is Severity.ERROR else QColor("#8a5300")
        if role == Qt.ItemDataRole.ToolTipRole and column == self.REASON:
            return problem.message
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _RunningPage(QWizardPage):
    """A page whose work runs in the background behind a progress bar and a Cancel button."""

    def __init__(self, state: ImportState, database: Database) -> None:
        super().__init__()
        self.state = state
        self.database = database
        self.task: tasks.Task | None = None
        self.progress = QProgressBar()
        self.progress.setObjectName("progress")
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress_text = QLabel()
        self.progress_text.setObjectName("progress_text")
        self.progress_row = QHBoxLayout()
        self.progress_row.addWidget(self.progress, 1)
        self.progress_row.addWidget(self.cancel_button)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.message.setOpenExternalLinks(False)
        self.message.linkActivated.connect(self.open_link)
        self.message.hide()

    def say(self, text: str, *, error: bool = False) -> None:
        """A line under the progress bar (red for an error); hidden when there is none."""
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def running(self) -> bool:
        return self.task is not None and not self.task.is_finished

    def cancel(self) -> None:
        if self.running():
            self.cancel_button.setEnabled(False)
            self.progress_text.setText(self.tr("Stopping…"))
            self.task.cancel()  # type: ignore[union-attr]

    def start(self, fn, text: str) -> tasks.Task:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.progress_text.setText(text)
        self.say("")
        wizard = self.wizard()
        self.task = wizard.run_task(fn, self._done, self._error, self._progress, self._cancelled)
        self.completeChanged.emit()
        return self.task

    def _progress(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        if text:
            self.progress_text.setText(text)

    def _stopped(self) -> None:
        self.progress.setRange(0, 1)
        self.cancel_button.hide()

    def _done(self, result: Any) -> None:
        self._stopped()
        self.progress.setValue(1)
        self.finished(result)
        self.completeChanged.emit()

    def _error(self, error: BaseException) -> None:
        self._stopped()
        self.progress.setValue(0)
        if is_cancel(error):
            self.cancelled()
        else:
            self.failed(error)
        self.completeChanged.emit()

    def _cancelled(self) -> None:
        self._stopped()
        self.progress.setValue(0)
        self.cancelled()
        self.completeChanged.emit()

    def error_text(self, error: BaseException) -> str:
        path = self.state.path or Path("?")
        if isinstance(error, CibleError | OSError | UnicodeError | ValueError):
            return read_error(path, error)
        log.error("import of %s failed", path, exc_info=error)
        return (
            self.tr("Something unexpected stopped the work on %1 (%2).")
            .replace("%1", path.name)
            .replace("%2", str(error) or type(error).__name__)
        )

    def open_link(self, link: str) -> None:
        QDesktopServices.openUrl(QUrl(link))

    # overridden
    def finished(self, result: Any) -> None: ...
    def failed(self, error: BaseException) -> None: ...
    def cancelled(self) -> None: ...


def rows_text(done: int, total: int, verb: str) -> str:
    if total > done:
        return verb.replace("%1", format_count(done)).replace("%2", format_count(total))
    return verb.replace("%1", format_count(done)).replace("%2", format_count(done))


class CheckPage(_RunningPage):
    """Every row read and checked (a dry run of the import), every problem listed."""

    def __init__(self, state: ImportState, database: Database) -> None:
        super().__init__(state, database)
        self.setTitle(self.tr("Check before importing"))
        self.setSubTitle(
            self.tr(
                "Every row is read and checked; nothing is written yet. Rows with an error "
                "are not imported; rows with a warning are imported without the doubtful value."
            )
        )
        self.setCommitPage(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("filter_combo")
        self.filter_combo.addItem(self.tr("Every problem"), None)
        self.filter_combo.addItem(self.tr("Errors (rows not imported)"), Severity.ERROR)
        self.filter_combo.addItem(self.tr("Warnings"), Severity.WARNING)
        self.filter_combo.currentIndexChanged.connect(
            lambda: self.model.set_only(self.filter_combo.currentData())
        )
        self.save_button = QPushButton(self.tr("&Save the report (.xlsx)…"))
        self.save_button.setObjectName("save_report_button")
        self.save_button.clicked.connect(self.save_report)
        self.again_button = QPushButton(self.tr("Check &again"))
        self.again_button.clicked.connect(self.start_check)
        self.again_button.hide()
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Show:")))
        tools.addWidget(self.filter_combo)
        tools.addStretch(1)
        tools.addWidget(self.again_button)
        tools.addWidget(self.save_button)
        self.model = ProblemsModel(self)
        self.table = QTableView()
        self.table.setObjectName("problems_table")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        header = self.table.horizontalHeader()
        for column, width in ((0, 60), (1, 140), (2, 170), (3, 115)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(ProblemsModel.REASON, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addLayout(self.progress_row)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addLayout(tools)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        self.wizard().setButtonText(self.wizard().WizardButton.CommitButton, self.tr("&Import"))
        self.start_check()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt's name (Back)
        if self.running():
            self.task.cancel()  # type: ignore[union-attr]

    def start_check(self) -> None:
        state = self.state
        state.report = state.check_result = None
        self.model.set_problems([])
        self.summary.clear()
        self.again_button.hide()
        self.save_button.setEnabled(False)
        path, kind, mapping, layout = state.path, state.kind, dict(state.mapping), state.layout
        profile, country, orders = state.profile, state.country, dict(state.date_orders)
        database = self.database
        label = self.tr("%1 of about %2 rows checked…")

        def check(ctx: tasks.TaskContext):
            from app.dms.load import import_file

            return cancellable(import_file)(
                database,
                path,
                kind,
                mapping,
                layout=layout,
                profile=profile,
                country=country,
                date_orders=orders,
                dry_run=True,
                progress=lambda done, total: ctx.report(done, total, rows_text(done, total, label)),
                cancel=lambda: ctx.cancelled,
            )

        self.start(check, self.tr("Reading and checking %1…").replace("%1", path.name))

    def finished(self, result: Any) -> None:
        state = self.state
        state.check_result = result
        state.report = result.report
        report = result.report
        self.progress_text.setText(self.tr("Check done: nothing was written."))
        self.model.set_problems(report.problems)
        self.save_button.setEnabled(True)
        self.summary.setText(summary_html(self, result))
        if report.accepted == 0:
            self.say(
                error=True,
                text=self.tr(
                    "No row can be imported: see the problems below, fix the file or the columns (Back), and try again."
                ),
            )

    def failed(self, error: BaseException) -> None:
        self.progress_text.clear()
        self.say(error=True, text=self.error_text(error))
        self.again_button.show()

    def cancelled(self) -> None:
        self.progress_text.setText(self.tr("Check stopped: nothing was written."))
        self.again_button.show()

    def save_report(self, path: str | None = None) -> Path | None:
        report = self.state.report
        if report is None:
            return None
        if not path:
            start = Path.home() / f"{_stem(self.state)} - {self.tr('check')}.xlsx"
            path, _selected = QFileDialog.getSaveFileName(
                self, self.tr("Save the report"), str(start), self.tr("Excel workbooks (*.xlsx)")
            )
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        try:
            save_report(report, target)
        except OSError as error:
            QMessageBox.warning(
                self,
                self.tr("Save the report"),
                self.tr("The report cannot be written: %1").replace("%1", str(error)),
            )
            return None
        self.progress_text.setText(self.tr("Report saved: %1").replace("%1", str(target)))
        return target

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        report = self.state.report
        return not self.running() and report is not None and report.accepted > 0


def _stem(state: ImportState) -> str:
    return state.path.stem if state.path is not None else "import"


def _count(n: int | None) -> str:
    return "—" if n is None else format_count(n)


def summary_html(page: QWizardPage, result: Any) -> str:
    """The counts of a check or an import, as a small table."""
    report = result.report
    rows = [
        (QCoreApplication.translate("ImportWizard", "Rows read"), _count(report.rows_read)),
        (QCoreApplication.translate("ImportWizard", "New"), _count(result.new)),
        (QCoreApplication.translate("ImportWizard", "Updated"), _count(result.updated)),
        (QCoreApplication.translate("ImportWizard", "Unchanged"), _count(result.unchanged)),
        (
            QCoreApplication.translate("ImportWizard", "Rejected (rows with an error)"),
            _count(result.rejected),
        ),
        (
            QCoreApplication.translate("ImportWizard", "Imported with a warning"),
            _count(report.rows_with_warnings),
        ),
        (
            QCoreApplication.translate("ImportWizard", "Errors / warnings"),
            f"{_count(report.errors)} / {_count(report.warnings)}",
        ),
        (
            QCoreApplication.translate("ImportWizard", "Changes of owner"),
            _count(len(result.changes)),
        ),
        (
            QCoreApplication.translate(
                "ImportWizard", "Customers named otherwise in Cible (check the site and number)"
            ),
            _count(report.name_mismatches),
        ),
    ]
    cells = "".join(
        f"<tr><td style='padding-right:18px'>{label}</td><td align='right'><b>{value}</b></td></tr>"
        for label, value in rows
    )
    return f"<table>{cells}</table>"


class ImportPage(_RunningPage):
    """The import for real, then what it did."""

    imported = Signal(object)

    def __init__(self, state: ImportState, database: Database) -> None:
        super().__init__(state, database)
        self.setTitle(self.tr("Import"))
        self.setSubTitle(
            self.tr(
                "The rows are written in one go: if you cancel, or if anything goes wrong, "
                "the database stays as it was."
            )
        )
        self.setFinalPage(True)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.changes_label = QLabel(self.tr("Changes of owner:"))
        self.changes = QTableWidget(0, 4)
        self.changes.setObjectName("changes_table")
        self.changes.setHorizontalHeaderLabels(
            [self.tr("Vehicle"), self.tr("Former owner"), self.tr("New owner"), self.tr("Since")]
        )
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.verticalHeader().setVisible(False)
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.changes_label.hide()
        self.changes.hide()
        self.where = QLabel()
        self.where.setObjectName("where_label")
        self.where.setWordWrap(True)
        self.where.setTextFormat(Qt.TextFormat.RichText)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.where.linkActivated.connect(self.open_link)
        layout = QVBoxLayout(self)
        layout.addLayout(self.progress_row)
        layout.addWidget(self.progress_text)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(self.changes_label)
        layout.addWidget(self.changes, 1)
        layout.addWidget(self.where)
        layout.addStretch(0)
        self.report_path: Path | None = None
        self.backup_path: Path | None = None

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        self.start_import()

    def start_import(self) -> None:
        state = self.state
        state.result = None
        path, kind, mapping, layout = state.path, state.kind, dict(state.mapping), state.layout
        profile, country, orders = state.profile, state.country, dict(state.date_orders)
        database = self.database
        stamp = dt.datetime.now()
        report_target = reports_dir() / f"{_stem(state)} {stamp:%Y-%m-%d %H-%M-%S}.xlsx"
        label = self.tr("%1 of about %2 rows imported…")
        backing_up = self.tr("Copying the database before the import…")

        def run(ctx: tasks.TaskContext):
            from app.dms.load import import_file

            backup = None
            if database.path is not None and database.path.exists():
                ctx.report(0, 0, backing_up)
                backup = backup_sqlite(database.path, stamp)
            ctx.check_cancelled()
            result = cancellable(import_file)(
                database,
                path,
                kind,
                mapping,
                layout=layout,
                profile=profile,
                country=country,
                date_orders=orders,
                progress=lambda done, total: ctx.report(done, total, rows_text(done, total, label)),
                cancel=lambda: ctx.cancelled,
            )
            try:
                report = save_report(result.report, report_target)
            except OSError:
                report = None
            return result, backup, report

        self.start(run, self.tr("Importing %1…").replace("%1", path.name))

    def finished(self, outcome: Any) -> None:
        result, backup, report = outcome
        self.state.result = result
        self.report_path, self.backup_path = report, backup or result.backup
        self.progress_text.setText(self.tr("Import done."))
        self.summary.setText(summary_html(self, result))
        self.show_changes(result.changes)
        self.where.setText(self.where_html())
        self.imported.emit(result)

    def show_changes(self, changes: list) -> None:
        self.changes.setRowCount(len(changes))
        for row, change in enumerate(changes):
            cells = (
                change.vehicle,
                f"{change.former_ref} {change.former_name}".strip(),
                f"{change.new_ref} {change.new_name}".strip(),
                format_date(change.date),
            )
            for column, text in enumerate(cells):
                self.changes.setItem(row, column, QTableWidgetItem(text))
        self.changes_label.setVisible(bool(changes))
        self.changes.setVisible(bool(changes))

    def where_html(self) -> str:
        lines = []
        if self.report_path is not None:
            lines.append(
                self.tr("The report (every problem, every change of owner): %1").replace(
                    "%1", _link(self.report_path)
                )
            )
        else:
            lines.append(self.tr("The report could not be saved."))
        if self.backup_path is not None:
            lines.append(
                self.tr("The database as it was before this import: %1").replace(
                    "%1", _link(self.backup_path)
                )
            )
        return "<br>".join(lines)

    def failed(self, error: BaseException) -> None:
        self.progress_text.clear()
        self.say(
            error=True,
            text=self.error_text(error)
            + " "
            + self.tr("Nothing was imported: the database is as it was."),
        )

    def cancelled(self) -> None:
        self.progress_text.clear()
        self.say(text=self.tr("Import cancelled: nothing was written, the database is as it was."))

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.task is not None and not self.running()


def _link(path: Path) -> str:
    url = QUrl.fromLocalFile(str(path)).toString()
    text = str(path).replace("&", "&amp;").replace("<", "&lt;")
    return f"<a href='{url}'>{text}</a>"
