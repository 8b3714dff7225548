"""Programs › Loyalty programs: the dashboard (seed 002's table), one line per program.

Name, type, reminders due this month and next month, next processing date, owner, last run and
its result, and what keeps a program from running. Buttons: new program (from a type's
defaults), open (edit), pause / resume, run now (in the background, with progress and Stop; the
run's funnels and files are shown after), settings; under the table, the selected program's
effectiveness (came back to the workshop, contacted against the control group) drawn by
:class:`~app.ui.programs.chart.EffectChart`.

The work is :mod:`app.programs` (no Qt); it runs in the background thread (:mod:`app.ui.tasks`).
"""

from __future__ import annotations

import datetime as dt
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
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import CibleError
from app.models.base import current_user
from app.models.db import Database
from app.models.programs import Program, ProgramType, RunResult
from app.programs import ProgramLine, RunReport, list_programs, run_now, set_paused
from app.programs import labels as program_labels
from app.programs.channels import channel_label
from app.programs.defaults import new_program
from app.programs.effectiveness import RunEffect, program_series, program_total
from app.ui import tasks
from app.ui.fit import fit_to_screen
from app.ui.programs.chart import EffectChart

_Index = QModelIndex | QPersistentModelIndex
_PROBLEM = QBrush(QColor("#b3261e"))
_PAUSED = QBrush(QColor("#6b6b6b"))


class ProgramsTableModel(QAbstractTableModel):
    """The dashboard's lines."""

    COLUMNS = 9
    NAME, TYPE, STATUS, THIS_MONTH, NEXT_MONTH, NEXT_PROCESSING, OWNER, LAST_RUN, RESULT = range(9)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: list[ProgramLine] = []

    def headers(self) -> list[str]:
        return [
            self.tr("Program"),
            self.tr("Type"),
            self.tr("Status"),
            self.tr("Due this month"),
            self.tr("Due next month"),
            self.tr("Next processing"),
            self.tr("Owner"),
            self.tr("Last run"),
            self.tr("Result"),
        ]

    def set_lines(self, lines: list[ProgramLine]) -> None:
        self.beginResetModel()
        self.lines = list(lines)
        self.endResetModel()

    def row_of(self, program_id: int) -> int | None:
        for row, line in enumerate(self.lines):
            if line.id == program_id:
                return row
        return None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt's name
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def status_text(self, line: ProgramLine) -> str:
        if line.problems:
            return line.status
        if line.paused:
            return self.tr("Paused")
        if line.last_result in (RunResult.SKIPPED, RunResult.FAILED) and line.last_message:
            return line.last_message
        return self.tr("Ready")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        line, column = self.lines[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            lang = i18n.language()
            if column == self.NAME:
                return line.name
            if column == self.TYPE:
                return program_labels.type_label(line.type, lang)
            if column == self.STATUS:
                return self.status_text(line)
            if column == self.THIS_MONTH:
                return i18n.format_count(line.due_this_month)
            if column == self.NEXT_MONTH:
                return i18n.format_count(line.due_next_month)
            if column == self.NEXT_PROCESSING:
                if line.paused:
                    return self.tr("paused")
                return i18n.format_date(line.next_processing) or "—"
            if column == self.OWNER:
                return line.owner
            if column == self.LAST_RUN:
                return i18n.format_datetime(line.last_run_at) or self.tr("never")
            return program_labels.result_label(line.last_result, lang) if line.last_result else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.THIS_MONTH,
            self.NEXT_MONTH,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if line.problems and column in (self.NAME, self.STATUS):
                return _PROBLEM
            if line.paused:
                return _PAUSED
        if role == Qt.ItemDataRole.FontRole and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if line.problems:
                return "\n".join(line.problems)
            if line.last_message:
                return line.last_message
        return None


def report_html(report: RunReport, *, dry_run: bool = False) -> str:
    """What a run did, for the report window: the summary, the funnel of each channel, the
    files written, and why reminders were left out."""
    lang = i18n.language()

    def esc(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    parts = [f"<h3>{esc(report.program_name)}</h3><p>{esc(report.summary_line(lang))}</p>"]
    if dry_run:
        parts.append(
            "<p><i>"
            + esc(
                QCoreApplication.translate(
                    "ProgramsWindow", "Dry run: nothing was recorded, sent or written."
                )
            )
            + "</i></p>"
        )
    file_word = QCoreApplication.translate("ProgramsWindow", "File:")
    for channel, output in report.outputs.items():
        parts.append(
            f"<h4>{esc(channel_label(channel, lang))} — {i18n.format_count(output.count)}</h4>"
        )
        if output.funnel:
            parts.append(
                "<ul>" + "".join(f"<li>{esc(step)}</li>" for step in output.funnel) + "</ul>"
            )
        for path in output.files:
            url = QUrl.fromLocalFile(path).toString()
            parts.append(f'<p>{esc(file_word)} <a href="{url}">{esc(path)}</a></p>')
    if report.left_out_reasons:
        parts.append(
            "<h4>" + esc(QCoreApplication.translate("ProgramsWindow", "Left out")) + "</h4><ul>"
        )
        for reason, count in sorted(report.left_out_reasons.items(), key=lambda kv: -kv[1]):
            parts.append(f"<li>{esc(reason)}: {i18n.format_count(count)}</li>")
        parts.append("</ul>")
    return "".join(parts)


def effect_text(total: RunEffect) -> str:
    """One paragraph under the chart: what all the runs together show."""
    lang = i18n.language()
    mine, theirs, comparison = total.contacted, total.control, total.comparison
    if not mine.customers and not theirs.customers:
        return QCoreApplication.translate("ProgramsWindow", "No customer contacted yet.")
    text = (
        QCoreApplication.translate(
            "ProgramsWindow",
            "Contacted: %1 customers, %2 came back to the workshop (%3), %4 of workshop revenue.",
        )
        .replace("%1", i18n.format_count(mine.customers))
        .replace("%2", i18n.format_count(mine.came_back))
        .replace("%3", i18n.format_percent(mine.rate or 0.0, 1))
        .replace("%4", i18n.format_money(mine.revenue_total_cents, lang))
    )
    if not theirs.customers:
        return (
            text
            + " "
            + QCoreApplication.translate(
                "ProgramsWindow",
                "No control group: set one in the program to measure what the reminders add.",
            )
        )
    text += " " + (
        QCoreApplication.translate(
            "ProgramsWindow", "Control group: %1 customers, %2 came back (%3)."
        )
        .replace("%1", i18n.format_count(theirs.customers))
        .replace("%2", i18n.format_count(theirs.came_back))
        .replace("%3", i18n.format_percent(theirs.rate or 0.0, 1))
    )
    if not comparison.enough_data or comparison.rate_difference is None:
        return (
            text
            + " "
            + QCoreApplication.translate(
                "ProgramsWindow", "Not enough data yet to tell the difference."
            )
        )
    low, high = comparison.rate_interval or (0.0, 0.0)
    text += " " + (
        QCoreApplication.translate(
            "ProgramsWindow", "Difference: %1 points (95 % confidence: %2 to %3)."
        )
        .replace("%1", i18n.format_number(comparison.rate_difference * 100, 1))
        .replace("%2", i18n.format_number(low * 100, 1))
        .replace("%3", i18n.format_number(high * 100, 1))
    )
    return text


class RunReportDialog(QDialog):
    """What a run (or a dry run) did: funnels per channel, files (links open them)."""

    def __init__(
        self, report: RunReport, parent: QWidget | None = None, *, dry_run: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("program_run_report")
        self.setWindowTitle(
            self.tr("Dry run: %1").replace("%1", report.program_name)
            if dry_run
            else self.tr("Run: %1").replace("%1", report.program_name)
        )
        self.report = report
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(QDesktopServices.openUrl)
        self.browser.setHtml(report_html(report, dry_run=dry_run))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.folder_button: QPushButton | None = None
        files = [f for o in report.outputs.values() for f in o.files]
        if files:
            self.folder_button = buttons.addButton(
                self.tr("Open the folder"), QDialogButtonBox.ButtonRole.ActionRole
            )
            folder = str(Path(files[0]).parent)
            self.folder_button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(folder))
            )
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 640, 480)


class ProgramsWindow(QDialog):
    """Programs › Loyalty programs (the dashboard)."""

    #: Emitted after a run ended (its :class:`RunReport`).
    run_finished = Signal(object)

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self._tasks = task_manager
        self._today = today
        self._task: tasks.Task | None = None
        self._selected_after_refresh: int | None = None
        self.editor = None
        self.settings_dialog = None
        self.report_dialog: RunReportDialog | None = None
        self.setObjectName("programs_window")
        self.setWindowTitle(self.tr("Loyalty programs"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        explain = QLabel(
            self.tr(
                "Each program contacts every customer at the right moment (a service due, a warranty "
                "ending, a delivery…) on the channel they prefer, and never twice for the same event. "
                "Programs run by themselves on their schedule; you can also run one now."
            )
        )
        explain.setWordWrap(True)

        self.model = ProgramsTableModel(self)
        self.view = QTableView()
        self.view.setObjectName("programs_view")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.doubleClicked.connect(lambda _index: self.open_program())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)

        self.new_button = QToolButton()
        self.new_button.setText(self.tr("&New program"))
        self.new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.new_menu = QMenu(self.new_button)
        lang = i18n.language()
        for kind in ProgramType:
            action = self.new_menu.addAction(program_labels.type_label(kind, lang))
            action.setData(kind.value)
            action.triggered.connect(lambda _checked=False, k=kind: self.new_program(k))
        self.new_button.setMenu(self.new_menu)
        self.open_button = QPushButton(self.tr("&Open…"))
        self.open_button.clicked.connect(self.open_program)
        self.pause_button = QPushButton(self.tr("&Pause"))
        self.pause_button.clicked.connect(self.toggle_pause)
        self.dry_button = QPushButton(self.tr("&Preview (dry run)"))
        self.dry_button.setToolTip(
            self.tr("What a run would do today, without recording or sending anything")
        )
        self.dry_button.clicked.connect(lambda: self.run_selected(dry_run=True))
        self.run_button = QPushButton(self.tr("&Run now…"))
        self.run_button.clicked.connect(lambda: self.run_selected(dry_run=False))
        self.settings_button = QPushButton(self.tr("&Settings…"))
        self.settings_button.clicked.connect(self.show_settings)
        self.refresh_button = QPushButton(self.tr("Re&fresh"))
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        for widget in (self.new_button, self.open_button, self.pause_button, self.dry_button,
                       self.run_button):  # fmt: skip
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.settings_button)

        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setVisible(False)
        self.stop_button.clicked.connect(self.cancel)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status = QHBoxLayout()
        status.addWidget(self.status, 3)
        status.addWidget(self.progress, 1)
        status.addWidget(self.stop_button)

        self.effect_box = QGroupBox(self.tr("Did it work?"))
        self.chart = EffectChart()
        self.effect_label = QLabel(self.tr("Select a program to see how many customers came back."))
        self.effect_label.setWordWrap(True)
        effect_layout = QVBoxLayout(self.effect_box)
        effect_layout.addWidget(self.chart, 1)
        effect_layout.addWidget(self.effect_label)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(explain)
        top_layout.addWidget(self.view, 1)
        top_layout.addLayout(buttons)
        top_layout.addLayout(status)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.effect_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 200])

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        fit_to_screen(self, 1180, 720)
        self._update_buttons()
        self.refresh()

    # -- helpers ------------------------------------------------------------------------------
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_finished

    def selected_line(self) -> ProgramLine | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.lines[rows[0].row()] if rows else None

    def select_program(self, program_id: int) -> None:
        row = self.model.row_of(program_id)
        if row is not None:
            self.view.selectRow(row)

    def _update_buttons(self) -> None:
        line = self.selected_line()
        idle = not self.busy
        for button in (self.open_button, self.pause_button):
            button.setEnabled(idle and line is not None)
        can_run = idle and line is not None and not line.problems
        self.run_button.setEnabled(can_run)
        self.dry_button.setEnabled(can_run)
        self.new_button.setEnabled(idle)
        self.refresh_button.setEnabled(idle)
        self.pause_button.setText(
            self.tr("Res&ume") if line is not None and line.paused else self.tr("&Pause")
        )

    def _idle(self) -> None:
        self.progress.setVisible(False)
        self.stop_button.setVisible(False)
        self._task = None
        self._update_buttons()

    def _failed(self, error: BaseException) -> None:
        self._idle()
        if isinstance(error, CibleError):
            self.status.setText(str(error))
        else:
            self.status.setText(self.tr("Cible could not do this: %1").replace("%1", str(error)))

    # -- the list -----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Count again (in the background): due reminders, last runs, problems."""
        if self.busy:
            return
        database, today, lang = self.database, self.today(), i18n.language()
        selected = self.selected_line()
        if selected is not None and self._selected_after_refresh is None:
            self._selected_after_refresh = selected.id

        def work(ctx: tasks.TaskContext) -> list[ProgramLine]:
            return list_programs(database, today, lang=lang)

        self.status.setText(self.tr("Counting the reminders due…"))
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self._task = self._runner().run(work, self._show_lines, self._failed, owner=self)
        self._update_buttons()

    def _show_lines(self, lines: list[ProgramLine]) -> None:
        self._idle()
        self.model.set_lines(lines)
        self.view.resizeColumnsToContents()
        header = self.view.horizontalHeader()
        widest = {
            ProgramsTableModel.NAME: 230,
            ProgramsTableModel.TYPE: 200,
            ProgramsTableModel.STATUS: 280,
        }
        for column in range(self.model.COLUMNS - 1):
            header.resizeSection(column, min(header.sectionSize(column), widest.get(column, 200)))
        blocked = sum(1 for line in lines if line.problems)
        text = (
            self.tr("%1 programs, %2 reminders due this month.")
            .replace("%1", i18n.format_count(len(lines)))
            .replace("%2", i18n.format_count(sum(line.due_this_month for line in lines)))
        )
        if blocked:
            text += " " + self.tr("%1 cannot run: see Status.").replace(
                "%1", i18n.format_count(blocked)
            )
        if not lines:
            text = self.tr("No program yet: create one with New program.")
        self.status.setText(text)
        wanted, self._selected_after_refresh = self._selected_after_refresh, None
        if wanted is not None:
            self.select_program(wanted)
        elif lines:
            self.view.selectRow(0)
        self._update_buttons()

    def _selection_changed(self) -> None:
        self._update_buttons()
        line = self.selected_line()
        if line is None:
            self.chart.set_series([])
            return
        database, ident = self.database, line.id

        def work(ctx: tasks.TaskContext) -> tuple[list[RunEffect], RunEffect]:
            return program_series(database, ident), program_total(database, ident)

        def done(result: tuple[list[RunEffect], RunEffect]) -> None:
            current = self.selected_line()
            if current is None or current.id != ident:
                return  # another program was selected meanwhile
            series, total = result
            self.chart.set_series(series)
            self.effect_label.setText(effect_text(total))

        self._runner().run(work, done, self._failed, owner=self)

    # -- actions ------------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        line = self.selected_line()
        if line is None or self.busy:
            return
        database, ident, paused = self.database, line.id, not line.paused

        def work(ctx: tasks.TaskContext) -> None:
            set_paused(database, ident, paused)

        def done(_result: object) -> None:
            self._task = None
            self._selected_after_refresh = ident
            self.refresh()

        self._task = self._runner().run(work, done, self._failed, owner=self)
        self._update_buttons()

    def run_selected(self, *, dry_run: bool = False) -> None:
        """Run now (after a confirmation) or preview what a run would do."""
        line = self.selected_line()
        if line is None or self.busy or line.problems:
            return
        if not dry_run:
            answer = QMessageBox.question(
                self,
                self.tr("Run now"),
                self.tr(
                    "Process “%1” now? Reminders due today are recorded, letters and call lists "
                    "are written, and SMS and e-mails are queued in their journals (sent within "
                    "their send windows). A customer is never reminded twice for the same event."
                ).replace("%1", line.name),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        database, ident, today, lang = self.database, line.id, self.today(), i18n.language()

        def work(ctx: tasks.TaskContext) -> RunReport:
            return run_now(
                database, ident, today, dry_run=dry_run, progress=ctx.report,
                cancelled=lambda: ctx.cancelled, lang=lang,
            )  # fmt: skip

        def on_progress(done: int, total: int, text: str) -> None:
            self.progress.setRange(0, max(total, 0))
            self.progress.setValue(done)
            if text:
                self.status.setText(text)

        def finished(report: RunReport) -> None:
            self._idle()
            self.status.setText(report.summary_line(lang))
            self.show_report(report, dry_run=dry_run)
            self.run_finished.emit(report)
            self._selected_after_refresh = ident
            self.refresh()

        def stopped() -> None:
            self._idle()
            self.status.setText(
                self.tr(
                    "Run stopped. Nothing was sent twice: the next run finishes what was started."
                )
            )
            self._selected_after_refresh = ident
            self.refresh()

        self.status.setText(self.tr("Processing “%1”…").replace("%1", line.name))
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.stop_button.setVisible(True)
        self._task = self._runner().run(
            work, finished, self._failed, on_progress, on_cancelled=stopped, owner=self
        )
        self._update_buttons()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def show_report(self, report: RunReport, *, dry_run: bool = False) -> RunReportDialog:
        if self.report_dialog is not None:
            self.report_dialog.close()
            self.report_dialog.deleteLater()
        self.report_dialog = RunReportDialog(report, self, dry_run=dry_run)
        self.report_dialog.show()
        return self.report_dialog

    def new_program(self, kind: ProgramType) -> Any:
        """A new program of *kind*, with the type's defaults, in the editor."""
        from app.ui.programs.editor import ProgramDialog

        program = new_program(kind, owner=current_user(), lang=i18n.language())
        return self._edit(ProgramDialog(self.database, program, self, today=self.today()))

    def open_program(self) -> Any:
        line = self.selected_line()
        if line is None or self.busy:
            return None
        from app.ui.programs.editor import ProgramDialog

        with self.database.session() as session:
            program = session.get(Program, line.id)
            if program is None:
                self.refresh()
                return None
            session.expunge(program)
        return self._edit(ProgramDialog(self.database, program, self, today=self.today()))

    def _edit(self, dialog: Any) -> Any:
        if self.editor is not None:
            self.editor.close()
            self.editor.deleteLater()
        self.editor = dialog
        dialog.saved.connect(self._saved)
        dialog.open()
        return dialog

    def _saved(self, program_id: int) -> None:
        self._selected_after_refresh = program_id
        self.refresh()

    def show_settings(self) -> Any:
        from app.ui.programs.settings_dialog import ProgramSettingsDialog

        if self.settings_dialog is not None:
            self.settings_dialog.close()
            self.settings_dialog.deleteLater()
        self.settings_dialog = ProgramSettingsDialog(self.database, self)
        self.settings_dialog.saved.connect(self.refresh)
        self.settings_dialog.open()
        return self.settings_dialog
