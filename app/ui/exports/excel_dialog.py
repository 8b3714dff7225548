"""The "Export to Excel" dialog of a target (seed 2.6, done better).

Top: a new export — the workbook's file, a name and a description to find it again, the
"meant for mailing" option with the postal funnel's counts and reasons, shown before anything
is written. Bottom: the Excel exports already made from this target, with "Open and refresh
data" (re-run the target as it was exported and replace the data sheet, keeping the user's other
sheets), "Export with the current target" (the same, with the target as it is now) and "Delete"
(forgets the export; the workbook stays on disk).

Every export runs off the GUI thread through :mod:`app.ui.tasks`, behind a progress dialog with
Cancel; the workbook is written to a temporary file and replaces the old one only when complete.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import CibleError
from app.export.excel import (
    ExportResult,
    MailingOptions,
    SavedExport,
    delete_saved_exports,
    export_target,
    list_saved_exports,
    mailing_funnel,
    record_export,
    refresh_workbook,
)
from app.export.postal import PostalFunnel
from app.models.db import Database
from app.query.target import Target
from app.ui import tasks
from app.ui.exports.funnel_tree import make_funnel_tree, show_funnel
from app.ui.fit import fit_to_screen


def _local_stamp(value: dt.datetime) -> str:
    """A UTC timestamp from the database, shown in local time."""
    return i18n.format_datetime(value.replace(tzinfo=dt.UTC))


class ExcelExportDialog(QDialog):
    """Export *target* to Excel, and refresh the exports made from it before."""

    #: The list of saved exports was (re)read and shown.
    saved_changed = Signal()

    def __init__(
        self,
        database: Database,
        target: Target,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.target = target
        self._tasks = task_manager
        self._today = today
        self._saved: list[SavedExport] = []
        self._funnel_task: tasks.Task | None = None
        self._export_task: tasks.Task | None = None
        self._progress: QProgressDialog | None = None
        #: The last export or refresh that completed (for callers and tests).
        self.last_result: ExportResult | None = None
        self.setObjectName("excel_export_dialog")
        self.setWindowTitle(self.tr("Export to Excel"))
        self.setMinimumWidth(720)
        self._build()
        self.reload_saved()
        fit_to_screen(self)

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        name = self.target.name or self.tr("(unsaved target)")
        heading = QLabel(self.tr("Target: %1").replace("%1", name))
        heading.setObjectName("target_label")
        heading.setStyleSheet("font-weight: bold")
        layout.addWidget(heading)

        new_box = QGroupBox(self.tr("New Excel export"))
        form = QFormLayout(new_box)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("path_edit")
        self.path_edit.setPlaceholderText(self.tr("Where to write the workbook (.xlsx)"))
        self.browse_button = QPushButton(self.tr("Choose…"))
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow(self.tr("File"), row)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name_edit")
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText(self.tr("To find this export again and refresh it"))
        form.addRow(self.tr("Name"), self.name_edit)
        self.description_edit = QLineEdit()
        self.description_edit.setObjectName("description_edit")
        form.addRow(self.tr("Description"), self.description_edit)

        self.mailing_check = QCheckBox(
            self.tr("Meant for mailing: apply the postal permissions before writing")
        )
        self.mailing_check.setObjectName("mailing_check")
        form.addRow(self.mailing_check)
        self.household_check = QCheckBox(
            self.tr("One per household (customers sharing an address)")
        )
        self.household_check.setObjectName("household_check")
        self.recent_check = QCheckBox(self.tr("Leave out customers contacted in the last"))
        self.recent_check.setObjectName("recent_check")
        self.recent_days = QSpinBox()
        self.recent_days.setObjectName("recent_days")
        self.recent_days.setRange(1, 3650)
        self.recent_days.setValue(30)
        self.recent_days.setSuffix(self.tr(" days"))
        recent_row = QHBoxLayout()
        recent_row.addWidget(self.recent_check)
        recent_row.addWidget(self.recent_days)
        recent_row.addStretch(1)
        self.funnel_tree = make_funnel_tree(150)
        self.funnel_status = QLabel()
        self.funnel_status.setObjectName("funnel_status")
        self.mailing_panel = QWidget()
        mailing_layout = QVBoxLayout(self.mailing_panel)
        mailing_layout.setContentsMargins(20, 0, 0, 0)
        mailing_layout.addWidget(self.household_check)
        mailing_layout.addLayout(recent_row)
        mailing_layout.addWidget(self.funnel_status)
        mailing_layout.addWidget(self.funnel_tree)
        self.mailing_panel.setVisible(False)
        form.addRow(self.mailing_panel)

        self.open_check = QCheckBox(self.tr("Open the workbook when it is written"))
        self.open_check.setObjectName("open_check")
        self.open_check.setChecked(True)
        form.addRow(self.open_check)
        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setObjectName("export_button")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.export_new)
        form.addRow(self.export_button)
        layout.addWidget(new_box)

        saved_box = QGroupBox(self.tr("Excel exports made from this target"))
        saved_layout = QVBoxLayout(saved_box)
        self.saved_table = QTableWidget(0, 5)
        self.saved_table.setObjectName("saved_table")
        self.saved_table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Date"),
                self.tr("Rows"),
                self.tr("Description"),
                self.tr("File"),
            ]
        )
        self.saved_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.saved_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.saved_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.saved_table.verticalHeader().hide()
        header = self.saved_table.horizontalHeader()
        for col in range(3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.saved_table.itemSelectionChanged.connect(self._update_buttons)
        saved_layout.addWidget(self.saved_table)
        buttons = QHBoxLayout()
        self.refresh_button = QPushButton(self.tr("Open and refresh data"))
        self.refresh_button.setObjectName("refresh_button")
        self.refresh_button.setToolTip(
            self.tr(
                "Run the target as it was exported again and replace the data sheet of the workbook; the sheets you added are kept."
            )
        )
        self.refresh_button.clicked.connect(self.refresh_selected)
        self.current_button = QPushButton(self.tr("Export with the current target"))
        self.current_button.setObjectName("current_button")
        self.current_button.setToolTip(
            self.tr(
                "Replace the data sheet of the workbook with the rows of the target as it is now; the sheets you added are kept."
            )
        )
        self.current_button.clicked.connect(self.export_selected_with_current_target)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete_button")
        self.delete_button.setToolTip(self.tr("Forget this export; the workbook stays on disk."))
        self.delete_button.clicked.connect(self.delete_selected)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.current_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        saved_layout.addLayout(buttons)
        layout.addWidget(saved_box, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_label)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

        self.mailing_check.toggled.connect(self._mailing_toggled)
        self.household_check.toggled.connect(self._update_funnel)
        self.recent_check.toggled.connect(self._update_funnel)
        self.recent_days.valueChanged.connect(self._update_funnel)
        self.recent_check.toggled.connect(self.recent_days.setEnabled)
        self.recent_days.setEnabled(False)
        self._update_buttons()

    # -- helpers ----------------------------------------------------------------------------
    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def mailing_options(self) -> MailingOptions | None:
        """The mailing options as set in the dialog (``None``: not meant for mailing)."""
        if not self.mailing_check.isChecked():
            return None
        days = self.recent_days.value() if self.recent_check.isChecked() else None
        return MailingOptions(
            household=self.household_check.isChecked(), contacted_within_days=days
        )

    def _busy(self) -> bool:
        return self._export_task is not None and not self._export_task.is_finished

    def _update_buttons(self) -> None:
        busy = self._busy()
        selected = self.selected_export() is not None
        self.export_button.setEnabled(not busy)
        self.refresh_button.setEnabled(selected and not busy)
        self.current_button.setEnabled(selected and not busy)
        self.delete_button.setEnabled(selected and not busy)

    def _say(self, text: str) -> None:
        self.status_label.setText(text)

    def _error(self, title: str, error: BaseException) -> None:
        message = (
            str(error) if isinstance(error, CibleError) else f"{type(error).__name__}: {error}"
        )
        self._say(message)
        QMessageBox.warning(self, title, message)

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def open_workbook(self, path: Path) -> None:
        """Open *path* in the program the system uses for .xlsx files (Excel, LibreOffice)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # -- the file ---------------------------------------------------------------------------
    def _browse(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home() / self.suggested_file_name())
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Export to Excel"),
            start,
            self.tr("Excel workbook (*.xlsx)"),
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked by the dialog itself
        )
        if path:
            self.path_edit.setText(path)

    def suggested_file_name(self) -> str:
        """The target's name as a file name (characters Windows refuses replaced)."""
        name = "".join("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 else ch for ch in self.target.name)
        return (name.strip(" .") or "cible") + ".xlsx"

    def chosen_path(self) -> Path | None:
        """The file typed or chosen, with ``.xlsx`` added if missing; ``None`` (and a message)
        when it cannot be written."""
        text = self.path_edit.text().strip()
        if not text:
            QMessageBox.warning(
                self, self.tr("Export to Excel"), self.tr("Choose where to write the workbook.")
            )
            return None
        path = Path(text).expanduser()
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        if path.is_dir():
            QMessageBox.warning(
                self,
                self.tr("Export to Excel"),
                self.tr("%1 is a folder.").replace("%1", str(path)),
            )
            return None
        if not path.parent.is_dir():
            QMessageBox.warning(
                self,
                self.tr("Export to Excel"),
                self.tr("The folder %1 does not exist.").replace("%1", str(path.parent)),
            )
            return None
        return path.absolute()

    # -- the mailing funnel -----------------------------------------------------------------
    def _mailing_toggled(self, checked: bool) -> None:
        self.mailing_panel.setVisible(checked)
        self._update_funnel()

    def _update_funnel(self) -> None:
        """Count the funnel's steps for the current options, in the background."""
        if self._funnel_task is not None and not self._funnel_task.is_finished:
            self._funnel_task.cancel()
        options = self.mailing_options()
        self.funnel_tree.clear()
        if options is None:
            self.funnel_status.clear()
            return
        self.funnel_status.setText(self.tr("Counting…"))
        database, target, today, lang = self.database, self.target, self.today(), i18n.language()

        def count(ctx: tasks.TaskContext) -> PostalFunnel:
            with database.engine.connect() as conn:
                return mailing_funnel(
                    conn,
                    target,
                    today=today,
                    options=options,
                    lang=lang,
                    progress=lambda done, total: ctx.check_cancelled(),
                )

        self._funnel_task = self._runner().run(
            count, self._show_funnel, self._funnel_failed, owner=self
        )

    def _show_funnel(self, funnel: PostalFunnel) -> None:
        show_funnel(self.funnel_tree, funnel)
        self.funnel_status.setText(
            self.tr(
                "%1 customers will be in the workbook (refusals are checked again when it is written)."
            ).replace("%1", i18n.format_count(funnel.final_count))
        )

    def _funnel_failed(self, error: BaseException) -> None:
        message = (
            str(error) if isinstance(error, CibleError) else f"{type(error).__name__}: {error}"
        )
        self.funnel_status.setText(self.tr("Cannot count: %1").replace("%1", message))

    # -- saved exports ----------------------------------------------------------------------
    def reload_saved(self, select_id: int | None = None) -> None:
        """Read this target's saved exports (in the background) and show them."""
        database, name = self.database, self.target.name

        def load(ctx: tasks.TaskContext) -> list[SavedExport]:
            with database.engine.connect() as conn:
                return list_saved_exports(conn, name)

        self._runner().run(
            load,
            lambda saved: self._show_saved(saved, select_id),
            lambda error: self._error(self.tr("Excel exports made from this target"), error),
            owner=self,
        )

    def _show_saved(self, saved_exports: list[SavedExport], select_id: int | None = None) -> None:
        self._saved = saved_exports
        table = self.saved_table
        table.setRowCount(0)
        for saved in self._saved:
            row = table.rowCount()
            table.insertRow(row)
            cells = [
                saved.name,
                _local_stamp(saved.updated_at),
                i18n.format_count(saved.row_count),
                saved.description,
                saved.file_path,
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, saved.id)
                if col in (3, 4):
                    item.setToolTip(text)
                table.setItem(row, col, item)
            if saved.id == select_id:
                table.selectRow(row)
        self._update_buttons()
        self.saved_changed.emit()

    def saved_names(self) -> list[str]:
        return [self.saved_table.item(r, 0).text() for r in range(self.saved_table.rowCount())]

    def selected_export(self) -> SavedExport | None:
        rows = {index.row() for index in self.saved_table.selectedIndexes()}
        if len(rows) != 1:
            return None
        ident = self.saved_table.item(rows.pop(), 0).data(Qt.ItemDataRole.UserRole)
        return next((s for s in self._saved if s.id == ident), None)

    # -- actions ----------------------------------------------------------------------------
    def export_new(self) -> None:
        """The "Export" button: write a new workbook (asking before replacing anything)."""
        if self._busy():
            return
        path = self.chosen_path()
        if path is None:
            return
        name = " ".join(self.name_edit.text().split())
        export_id = None
        if name:
            export_id = next(
                (s.id for s in self._saved if s.name.casefold() == name.casefold()), None
            )
            if export_id is not None and not self._confirm(
                self.tr("Export to Excel"),
                self.tr("An Excel export of this target is already called %1. Replace it?").replace(
                    "%1", name
                ),
            ):
                return
        if path.exists() and not self._confirm(
            self.tr("Export to Excel"),
            self.tr("%1 already exists. Replace it with a new workbook?").replace("%1", str(path)),
        ):
            return
        self._start(
            path,
            self.target,
            self.mailing_options(),
            refresh=False,
            record=(name, self.description_edit.text().strip(), export_id) if name else None,
        )

    def refresh_selected(self) -> None:
        """ "Open and refresh data": re-run the export's own target into its workbook."""
        saved = self.selected_export()
        if saved is None or self._busy():
            return
        try:
            target = saved.target()
        except CibleError as error:
            self._error(self.tr("Open and refresh data"), error)
            return
        self._start(
            Path(saved.file_path),
            target,
            saved.mailing,
            refresh=True,
            record=(saved.name, saved.description, saved.id),
        )

    def export_selected_with_current_target(self) -> None:
        """Replace the selected export's data with the rows of the target as it is now."""
        saved = self.selected_export()
        if saved is None or self._busy():
            return
        if not self._confirm(
            self.tr("Export with the current target"),
            self.tr(
                "Replace the data of %1 with the rows of the target as it is now? The sheets you added to the workbook are kept."
            ).replace("%1", saved.name),
        ):
            return
        self._start(
            Path(saved.file_path),
            self.target,
            saved.mailing,
            refresh=True,
            record=(saved.name, saved.description, saved.id),
        )

    def delete_selected(self) -> None:
        saved = self.selected_export()
        if saved is None or self._busy():
            return
        if not self._confirm(
            self.tr("Delete"),
            self.tr("Forget the export %1? The workbook %2 stays on disk.")
            .replace("%1", saved.name)
            .replace("%2", saved.file_path),
        ):
            return
        database, name = self.database, self.target.name
        deleted = self.tr("Export %1 deleted.").replace("%1", saved.name)

        def forget(ctx: tasks.TaskContext) -> list[SavedExport]:
            with database.engine.begin() as conn:
                delete_saved_exports(conn, [saved.id])
                return list_saved_exports(conn, name)

        def done(saved_exports: list[SavedExport]) -> None:
            self._show_saved(saved_exports)
            self._say(deleted)

        self._runner().run(
            forget, done, lambda error: self._error(self.tr("Delete"), error), owner=self
        )

    # -- running ----------------------------------------------------------------------------
    def _start(
        self,
        path: Path,
        target: Target,
        mailing: MailingOptions | None,
        *,
        refresh: bool,
        record: tuple[str, str, int | None] | None,
    ) -> None:
        database, today, lang = self.database, self.today(), i18n.language()
        target_name = self.target.name
        writing = QCoreApplication.translate("ExcelExportDialog", "Writing %1…").replace(
            "%1", path.name
        )

        def work(ctx: tasks.TaskContext) -> tuple[ExportResult, int | None, list[SavedExport]]:
            def progress(done: int, total: int) -> None:
                ctx.report(done, total, writing)

            run = refresh_workbook if refresh else export_target
            with database.engine.connect() as conn:
                result = run(
                    conn, target, path, today=today, lang=lang, mailing=mailing, progress=progress
                )
            saved_id = None
            if record is not None:
                name, description, export_id = record
                with database.engine.begin() as conn:
                    saved_id = record_export(
                        conn,
                        target=target,
                        name=name,
                        description=description,
                        path=path,
                        rows=result.rows,
                        mailing=mailing,
                        overwrite=True,
                        export_id=export_id,
                    )
            with database.engine.connect() as conn:
                saved_exports = list_saved_exports(conn, target_name)
            return result, saved_id, saved_exports

        self._say("")
        self._export_task = self._runner().run(
            work,
            self._done,
            self._failed,
            on_cancelled=self._cancelled,
            owner=self,
        )
        self._progress = tasks.show_progress(self._export_task, writing, self)
        self._update_buttons()

    def _done(self, payload: tuple[ExportResult, int | None, list[SavedExport]]) -> None:
        result, saved_id, saved_exports = payload
        self.last_result = result
        self._show_saved(saved_exports, select_id=saved_id)
        if result.created:
            text = self.tr("The workbook was missing: a new one was written, %1 rows, to %2.")
        else:
            text = self.tr("%1 rows written to %2.")
        self._say(
            text.replace("%1", i18n.format_count(result.rows)).replace("%2", str(result.path))
        )
        if self.open_check.isChecked():
            self.open_workbook(result.path)

    def _failed(self, error: BaseException) -> None:
        self._update_buttons()
        self._error(self.tr("Export to Excel"), error)

    def _cancelled(self) -> None:
        self._update_buttons()
        self._say(self.tr("Export cancelled; the previous file, if any, is unchanged."))

    def done(self, result: int) -> None:  # noqa: D401 - QDialog.done
        """Closing the dialog cancels a running export (its file is left as it was)."""
        for task in (self._export_task, self._funnel_task):
            if task is not None and not task.is_finished:
                task.cancel()
        super().done(result)

    def current_task(self) -> Any:
        """The running export task, if any (for the progress dialog and tests)."""
        return self._export_task
