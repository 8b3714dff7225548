"""The loyalty programs' settings: the monthly cap, service intervals, how long a visit counts as
"came back", where run files go, and running every day by itself (Windows Task Scheduler, or
the cron line elsewhere)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QTime, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import CibleError
from app.models.db import Database
from app.programs import schedule
from app.programs.settings import ProgramSettings, ServiceInterval, load_settings, save_settings
from app.ui.fit import fit_to_screen


def console_python() -> str:
    """The Python that runs commands (python.exe beside pythonw.exe on Windows)."""
    exe = Path(sys.executable)
    if exe.name.lower() == "pythonw.exe":
        candidate = exe.with_name("python.exe")
        if candidate.exists():
            return str(candidate)
    return str(exe)


class ProgramSettingsDialog(QDialog):
    """Programs › Settings. Emits :attr:`saved` after saving."""

    saved = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.setObjectName("program_settings_dialog")
        self.setWindowTitle(self.tr("Loyalty programs: settings"))
        with database.session() as session:
            try:
                self.settings = load_settings(session)
                self.load_error = ""
            except CibleError as error:
                self.settings = ProgramSettings()
                self.load_error = str(error)

        self.cap_spin = QSpinBox()
        self.cap_spin.setRange(0, 31)
        self.cap_spin.setValue(self.settings.monthly_cap)
        self.cap_spin.setSpecialValueText(self.tr("no limit"))
        self.cap_spin.setToolTip(
            self.tr(
                "Marketing contacts per customer per month, all programs, campaigns and channels together"
            )
        )
        self.skip_spin = QSpinBox()
        self.skip_spin.setRange(0, 365)
        self.skip_spin.setSuffix(self.tr(" days"))
        self.skip_spin.setValue(self.settings.skip_serviced_days)
        self.came_back_spin = QSpinBox()
        self.came_back_spin.setRange(1, 730)
        self.came_back_spin.setSuffix(self.tr(" days"))
        self.came_back_spin.setValue(self.settings.came_back_days)
        self.folder_edit = QLineEdit(self.settings.out_folder)
        self.folder_edit.setPlaceholderText(self.tr("A “programmes” folder beside the database"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        general = QGroupBox(self.tr("Rules"))
        form = QFormLayout(general)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow(self.tr("At most, per customer and month:"), self.cap_spin)
        form.addRow(self.tr("No service reminder after a service in the last:"), self.skip_spin)
        form.addRow(
            self.tr("A contacted customer came back if seen at the workshop within:"),
            self.came_back_spin,
        )
        form.addRow(self.tr("Letters and call lists go to:"), folder_row)

        self.intervals = QTableWidget(0, 4)
        self.intervals.setObjectName("service_intervals")
        self.intervals.setHorizontalHeaderLabels(
            [self.tr("Brand"), self.tr("Energy"), self.tr("Every (days)"), self.tr("Every (km)")]
        )
        self.intervals.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.intervals.verticalHeader().setVisible(False)
        self.intervals.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for interval in self.settings.service_intervals:
            self._add_interval(interval)
        add = QPushButton(self.tr("Add a line"))
        add.clicked.connect(lambda: self._add_interval(ServiceInterval()))
        remove = QPushButton(self.tr("Remove the line"))
        remove.clicked.connect(self._remove_interval)
        interval_buttons = QHBoxLayout()
        interval_buttons.addWidget(QLabel(self.tr("An empty brand or energy applies to all.")), 1)
        interval_buttons.addWidget(add)
        interval_buttons.addWidget(remove)
        service = QGroupBox(
            self.tr("Service intervals (the DMS's due date comes first when known)")
        )
        service_layout = QVBoxLayout(service)
        service_layout.addWidget(self.intervals)
        service_layout.addLayout(interval_buttons)

        # running by itself
        self.time_edit = QTimeEdit(QTime(7, 0))
        self.time_edit.setDisplayFormat("HH:mm")
        self.time_edit.timeChanged.connect(self._update_command)
        self.command_edit = QLineEdit()
        self.command_edit.setObjectName("schedule_command")
        self.command_edit.setReadOnly(True)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.command_edit.text())
        )
        self.register_button = QPushButton(self.tr("Register in the Task Scheduler"))
        self.register_button.setVisible(sys.platform == "win32")
        self.register_button.clicked.connect(self.register_task)
        command_row = QHBoxLayout()
        command_row.addWidget(self.command_edit, 1)
        command_row.addWidget(self.copy_button)
        command_row.addWidget(self.register_button)
        self.schedule_help = QLabel(
            self.tr("Windows: register the daily task, or run this command in a command prompt.")
            if sys.platform == "win32"
            else self.tr("Add this line to the crontab (crontab -e) of the user who runs Cible.")
        )
        self.schedule_help.setWordWrap(True)
        auto = QGroupBox(self.tr("Running by itself every day"))
        auto_form = QFormLayout(auto)
        auto_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        auto_form.addRow(self.tr("At:"), self.time_edit)
        auto_form.addRow(self.schedule_help)
        auto_form.addRow(command_row)

        self.error_label = QLabel(self.load_error)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color:#b3261e;")
        self.error_label.setVisible(bool(self.load_error))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.error_label)
        layout.addWidget(general)
        layout.addWidget(service, 1)
        layout.addWidget(auto)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 640)
        self._update_command()

    # -- intervals ----------------------------------------------------------------------------
    def _add_interval(self, interval: ServiceInterval) -> None:
        row = self.intervals.rowCount()
        self.intervals.insertRow(row)
        for column, value in enumerate(
            (interval.brand, interval.energy, interval.days, interval.km)
        ):
            self.intervals.setItem(row, column, QTableWidgetItem(str(value)))

    def _remove_interval(self) -> None:
        for index in sorted(self.intervals.selectionModel().selectedRows(), key=lambda i: -i.row()):
            self.intervals.removeRow(index.row())

    def read_intervals(self) -> list[ServiceInterval]:
        """The table as intervals; :class:`CibleError` naming the line that is not a number."""
        out = []
        for row in range(self.intervals.rowCount()):
            cells = [
                (self.intervals.item(row, c).text().strip() if self.intervals.item(row, c) else "")
                for c in range(4)
            ]
            try:
                days, km = int(cells[2] or 0), int(cells[3] or 0)
            except ValueError:
                raise CibleError(
                    self.tr("Service intervals, line %1: days and km are whole numbers.").replace(
                        "%1", str(row + 1)
                    )
                ) from None
            if days <= 0 and km <= 0:
                raise CibleError(
                    self.tr("Service intervals, line %1: give a number of days or of km.").replace(
                        "%1", str(row + 1)
                    )
                )
            out.append(
                ServiceInterval(brand=cells[0].upper(), energy=cells[1].upper(), days=days, km=km)
            )
        return out

    # -- scheduling ---------------------------------------------------------------------------
    def _at(self) -> str:
        return self.time_edit.time().toString("HH:mm")

    def _db(self) -> str:
        return str(self.database.path) if self.database.path else str(self.database.location)

    def _update_command(self) -> None:
        python = console_python()
        try:
            if sys.platform == "win32":
                text = subprocess.list2cmdline(
                    schedule.schtasks_command(python, self._db(), at=self._at())
                )
            else:
                text = schedule.cron_line(python, self._db(), at=self._at())
        except CibleError as error:
            text = str(error)
        self.command_edit.setText(text)
        self.command_edit.setCursorPosition(0)

    def register_task(self) -> bool:
        """Windows: create (or replace) the daily task from its XML (no length limit)."""
        xml = schedule.task_xml(console_python(), self._db(), at=self._at())
        handle, name = tempfile.mkstemp(suffix=".xml", prefix="cible-task-")
        try:
            with os.fdopen(handle, "w", encoding="utf-16") as out:
                out.write(xml)
            result = subprocess.run(
                schedule.schtasks_xml_command(name), capture_output=True, text=True, check=False
            )
        except OSError as error:
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return False
        finally:
            Path(name).unlink(missing_ok=True)
        if result.returncode != 0:
            QMessageBox.warning(
                self,
                self.windowTitle(),
                self.tr("Windows did not register the task: %1").replace(
                    "%1", (result.stderr or result.stdout).strip()
                ),
            )
            return False
        QMessageBox.information(
            self,
            self.windowTitle(),
            self.tr("The programs will run every day at %1 (task “%2”).")
            .replace("%1", self._at())
            .replace("%2", schedule.TASK_NAME),
        )
        return True

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Folder for letters and call lists"), self.folder_edit.text()
        )
        if path:
            self.folder_edit.setText(path)

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        try:
            intervals = self.read_intervals()
        except CibleError as error:
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return
        self.settings.monthly_cap = self.cap_spin.value()
        self.settings.skip_serviced_days = self.skip_spin.value()
        self.settings.came_back_days = self.came_back_spin.value()
        self.settings.out_folder = self.folder_edit.text().strip()
        self.settings.service_intervals = intervals
        with self.database.session() as session:
            save_settings(session, self.settings)
        self.saved.emit()
        self.accept()
