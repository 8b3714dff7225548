"""One loyalty program, edited: who, when, how (channels in order, a template each), how often,
who looks after it, and the control group.

A program is saved only when its name is set and unique; a program with problems (no template
for a channel, a template that cannot be read…) can be saved but is shown as blocked on the
dashboard, and the window says so before saving.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import i18n
from app.errors import CibleError
from app.models.db import Database
from app.models.programs import Program, ProgramSchedule, ProgramType
from app.programs import labels as program_labels
from app.programs.channels import CHANNELS, channel_label
from app.programs.rules import EVENT_KINDS
from app.programs.runner import problems
from app.ui.fit import fit_to_screen


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class ProgramDialog(QDialog):
    """Edit (or create) one program. Emits :attr:`saved` with its id."""

    saved = Signal(int)

    def __init__(
        self,
        database: Database,
        program: Program,
        parent: QWidget | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self.program = program
        self.today = today or dt.date.today()
        self.setObjectName("program_dialog")
        lang = i18n.language()
        kind = ProgramType(program.type)
        self.setWindowTitle(
            self.tr("New program: %1").replace("%1", program_labels.type_label(kind, lang))
            if program.id is None
            else self.tr("Program: %1").replace("%1", program.name)
        )
        try:
            templates = json.loads(program.templates or "{}")
        except json.JSONDecodeError:
            templates = {}
        if not isinstance(templates, dict):
            templates = {}
        self._criteria = program.criteria or ""

        # -- who ----------------------------------------------------------------------------
        self.name_edit = QLineEdit(program.name or "")
        self.type_label = QLabel(program_labels.type_label(kind, lang))
        self.target_combo = QComboBox()
        self.target_combo.addItem(self.tr("Everyone the type's rule finds"), None)
        self._saved_targets = self._list_targets()
        for ident, name in self._saved_targets:
            self.target_combo.addItem(self.tr("Saved target: %1").replace("%1", name), ident)
        if program.target_id is not None:
            index = self.target_combo.findData(program.target_id)
            self.target_combo.setCurrentIndex(max(index, 0))
        elif program.target_name:
            self.target_combo.addItem(
                self.tr("Saved target: %1 (deleted: choose another)").replace(
                    "%1", program.target_name
                ),
                -1,
            )
            self.target_combo.setCurrentIndex(self.target_combo.count() - 1)
        self.criteria_label = QLabel()
        self.criteria_label.setWordWrap(True)
        self.criteria_from = QComboBox()
        self.criteria_from.addItem(self.tr("Add the criteria of a saved target…"), None)
        for ident, name in self._saved_targets:
            self.criteria_from.addItem(name, ident)
        self.criteria_from.activated.connect(self._take_criteria)
        self.clear_criteria = QPushButton(self.tr("No extra criteria"))
        self.clear_criteria.clicked.connect(lambda: self._set_criteria(""))
        criteria_row = QHBoxLayout()
        criteria_row.addWidget(self.criteria_from, 1)
        criteria_row.addWidget(self.clear_criteria)
        who = QGroupBox(self.tr("Who"))
        who_form = QFormLayout(who)
        who_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        who_form.addRow(self.tr("Name:"), self.name_edit)
        who_form.addRow(self.tr("Type:"), self.type_label)
        who_form.addRow(self.tr("Customers:"), self.target_combo)
        who_form.addRow(self.tr("Extra criteria:"), self.criteria_label)
        who_form.addRow("", criteria_row)
        self._set_criteria(self._criteria)

        # -- when ---------------------------------------------------------------------------
        self.offset_spin = QSpinBox()
        self.offset_spin.setRange(0, 3650)
        self.offset_spin.setValue(abs(program.offset_days or 0))
        self.offset_spin.setSuffix(self.tr(" days"))
        self.offset_side = QComboBox()
        self.offset_side.addItem(self.tr("before"), -1)
        self.offset_side.addItem(self.tr("after"), 1)
        self.offset_side.setCurrentIndex(0 if (program.offset_days or 0) < 0 else 1)
        event = program_labels.event_label(EVENT_KINDS[kind], lang)
        offset_row = QHBoxLayout()
        offset_row.addWidget(self.offset_spin)
        offset_row.addWidget(self.offset_side)
        offset_row.addWidget(QLabel(self.tr("the event: %1").replace("%1", event)), 1)
        self.late_spin = QSpinBox()
        self.late_spin.setRange(0, 365)
        self.late_spin.setValue(program.late_days if program.late_days is not None else 30)
        self.late_spin.setSuffix(self.tr(" days"))
        self.late_spin.setToolTip(
            self.tr("A reminder that should have gone out longer ago than this is no longer sent")
        )
        self.schedule_combo = QComboBox()
        for schedule in ProgramSchedule:
            self.schedule_combo.addItem(
                program_labels.schedule_label(schedule, lang), schedule.value
            )
        self.schedule_combo.setCurrentIndex(
            max(
                self.schedule_combo.findData(ProgramSchedule(program.schedule or "monthly").value),
                0,
            )
        )
        self.weekday_combo = QComboBox()
        for n in range(7):
            # 2024-01-01 is a Monday
            self.weekday_combo.addItem(i18n.format_date_pattern(dt.date(2024, 1, 1 + n), "EEEE"), n)
        self.monthday_spin = QSpinBox()
        self.monthday_spin.setRange(1, 28)
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        day = int(program.schedule_day or 0)
        self.weekday_combo.setCurrentIndex(min(max(day, 0), 6))
        self.monthday_spin.setValue(min(max(day, 1), 28))
        self.date_edit.setDate(_qdate(program.schedule_date or self.today))
        self.schedule_combo.currentIndexChanged.connect(self._schedule_changed)
        schedule_row = QHBoxLayout()
        schedule_row.addWidget(self.schedule_combo)
        schedule_row.addWidget(self.weekday_combo)
        schedule_row.addWidget(self.monthday_spin)
        schedule_row.addWidget(self.date_edit)
        schedule_row.addStretch(1)
        when = QGroupBox(self.tr("When"))
        when_form = QFormLayout(when)
        when_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        when_form.addRow(self.tr("Contact:"), offset_row)
        when_form.addRow(self.tr("Catch up to:"), self.late_spin)
        when_form.addRow(self.tr("Processed:"), schedule_row)
        self._schedule_changed()

        # -- how ----------------------------------------------------------------------------
        self.channel_list = QListWidget()
        self.channel_list.setObjectName("program_channels")
        self.channel_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        chosen = [c.strip() for c in (program.channels or "").split(",") if c.strip()]
        for channel in chosen + [c for c in CHANNELS if c not in chosen]:
            if channel not in CHANNELS:
                continue
            item = QListWidgetItem(channel_label(channel, lang))
            item.setData(Qt.ItemDataRole.UserRole, channel)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if channel in chosen else Qt.CheckState.Unchecked
            )
            self.channel_list.addItem(item)
        self.channel_list.setMaximumHeight(110)
        self.up_button = QPushButton(self.tr("Up"))
        self.up_button.clicked.connect(lambda: self._move(-1))
        self.down_button = QPushButton(self.tr("Down"))
        self.down_button.clicked.connect(lambda: self._move(1))
        moves = QVBoxLayout()
        moves.addWidget(self.up_button)
        moves.addWidget(self.down_button)
        moves.addStretch(1)
        channel_row = QHBoxLayout()
        channel_row.addWidget(self.channel_list, 1)
        channel_row.addLayout(moves)
        channel_help = QLabel(
            self.tr(
                "Each customer is reached on the channel they prefer when it is ticked and allowed, "
                "else on the first allowed one in this order."
            )
        )
        channel_help.setWordWrap(True)

        self.letter_edit = QLineEdit(str(templates.get("post") or ""))
        self.letter_edit.setPlaceholderText(self.tr("A Word letter template (.docx)"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_letter)
        letter_page = QWidget()
        letter_row = QHBoxLayout()
        letter_row.addWidget(self.letter_edit, 1)
        letter_row.addWidget(browse)
        letter_help = QLabel(
            self.tr(
                "A name alone (rappel_entretien.docx) is one of the starter letters shipped with Cible."
            )
        )
        letter_help.setWordWrap(True)
        letter_layout = QVBoxLayout(letter_page)
        letter_layout.addLayout(letter_row)
        letter_layout.addWidget(letter_help)
        letter_layout.addStretch(1)
        self.sms_edit = QPlainTextEdit(str(templates.get("sms") or ""))
        self.sms_edit.setPlaceholderText(self.tr("The SMS text, with {merge fields}"))
        email = templates.get("email") if isinstance(templates.get("email"), dict) else {}
        self.email_subject = QLineEdit(str(email.get("subject") or ""))
        self.email_subject.setPlaceholderText(self.tr("Subject"))
        self.email_body = QPlainTextEdit(str(email.get("html") or ""))
        self.email_body.setPlaceholderText(
            self.tr("The message (HTML or text), with {merge fields}")
        )
        email_page = QWidget()
        email_layout = QVBoxLayout(email_page)
        email_layout.addWidget(self.email_subject)
        email_layout.addWidget(self.email_body, 1)
        self.script_edit = QPlainTextEdit(str(templates.get("phone") or ""))
        self.script_edit.setPlaceholderText(
            self.tr("What to say on the phone (printed on the call list)")
        )
        self.template_tabs = QTabWidget()
        self.template_tabs.addTab(letter_page, channel_label("post", lang))
        self.template_tabs.addTab(email_page, channel_label("email", lang))
        self.template_tabs.addTab(self.sms_edit, channel_label("sms", lang))
        self.template_tabs.addTab(self.script_edit, channel_label("phone", lang))
        how = QGroupBox(self.tr("How"))
        how_layout = QVBoxLayout(how)
        how_layout.addWidget(channel_help)
        how_layout.addLayout(channel_row)
        how_layout.addWidget(self.template_tabs, 1)

        # -- by whom, measured how ------------------------------------------------------------
        self.owner_edit = QLineEdit(program.owner or "")
        self.control_spin = QSpinBox()
        self.control_spin.setRange(0, 50)
        self.control_spin.setSuffix(" %")
        self.control_spin.setValue(int(program.control_percent or 0))
        self.control_spin.setToolTip(
            self.tr(
                "Customers held out at random and not contacted, to measure what the reminders "
                "bring (0: no control group)"
            )
        )
        self.paused_check = QCheckBox(self.tr("Paused (not processed until resumed)"))
        self.paused_check.setChecked(bool(program.paused))
        other = QGroupBox(self.tr("Follow-up"))
        other_form = QFormLayout(other)
        other_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        other_form.addRow(self.tr("Owner:"), self.owner_edit)
        other_form.addRow(self.tr("Control group:"), self.control_spin)
        other_form.addRow("", self.paused_check)

        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color:#b3261e;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        left = QVBoxLayout()
        left.addWidget(who)
        left.addWidget(when)
        left.addWidget(other)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(how, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.problems_label)
        layout.addWidget(buttons)
        fit_to_screen(self, 1000, 640)
        self.show_problems()

    # -- helpers ------------------------------------------------------------------------------
    def _list_targets(self) -> list[tuple[int, str]]:
        from app.query.saved import list_saved

        with self.database.engine.connect() as conn:
            return [(info.id, info.name) for info in list_saved(conn)]

    def _set_criteria(self, criteria: str) -> None:
        self._criteria = criteria
        if not criteria.strip():
            self.criteria_label.setText(self.tr("none"))
            self.clear_criteria.setEnabled(False)
            return
        from app.query.criteria import Group
        from app.query.describe import describe_criteria

        try:
            text = describe_criteria(Group.from_dict(json.loads(criteria)), i18n.language())
        except (ValueError, TypeError, CibleError) as error:
            text = self.tr("cannot be read: %1").replace("%1", str(error))
        self.criteria_label.setText(text)
        self.clear_criteria.setEnabled(True)

    def _take_criteria(self, index: int) -> None:
        ident = self.criteria_from.itemData(index)
        self.criteria_from.setCurrentIndex(0)
        if ident is None:
            return
        from app.query.saved import _read

        try:
            with self.database.engine.connect() as conn:
                target = _read(conn, int(ident))
        except CibleError as error:
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return
        self._set_criteria(json.dumps(target.criteria.to_dict(), ensure_ascii=False))

    def _schedule_changed(self) -> None:
        kind = ProgramSchedule(self.schedule_combo.currentData())
        self.weekday_combo.setVisible(kind is ProgramSchedule.WEEKLY)
        self.monthday_spin.setVisible(kind is ProgramSchedule.MONTHLY)
        self.date_edit.setVisible(kind is ProgramSchedule.DATE)

    def _move(self, step: int) -> None:
        row = self.channel_list.currentRow()
        new = row + step
        if row < 0 or not 0 <= new < self.channel_list.count():
            return
        item = self.channel_list.takeItem(row)
        self.channel_list.insertItem(new, item)
        self.channel_list.setCurrentRow(new)

    def _browse_letter(self) -> None:
        start = self.letter_edit.text() or str(Path.home())
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Letter template"), start, self.tr("Word documents (*.docx)")
        )
        if path:
            self.letter_edit.setText(path)

    def channels(self) -> list[str]:
        """The ticked channels, in the order shown."""
        out = []
        for row in range(self.channel_list.count()):
            item = self.channel_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def templates(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.letter_edit.text().strip():
            data["post"] = self.letter_edit.text().strip()
        if self.sms_edit.toPlainText().strip():
            data["sms"] = self.sms_edit.toPlainText().strip()
        if self.email_subject.text().strip() or self.email_body.toPlainText().strip():
            data["email"] = {
                "subject": self.email_subject.text().strip(),
                "html": self.email_body.toPlainText().strip(),
            }
        if self.script_edit.toPlainText().strip():
            data["phone"] = self.script_edit.toPlainText().strip()
        return data

    def apply(self, program: Program) -> None:
        """Copy what the window shows into *program*."""
        program.name = self.name_edit.text().strip()
        ident = self.target_combo.currentData()
        if ident is None:
            program.target_id, program.target_name = None, None
        elif ident != -1:
            program.target_id = int(ident)
            program.target_name = dict(self._saved_targets).get(int(ident))
        program.criteria = self._criteria
        program.offset_days = self.offset_spin.value() * int(self.offset_side.currentData())
        program.late_days = self.late_spin.value()
        program.channels = ",".join(self.channels())
        program.templates = json.dumps(self.templates(), ensure_ascii=False)
        schedule = ProgramSchedule(self.schedule_combo.currentData())
        program.schedule = schedule
        if schedule is ProgramSchedule.WEEKLY:
            program.schedule_day = int(self.weekday_combo.currentData())
        elif schedule is ProgramSchedule.MONTHLY:
            program.schedule_day = self.monthday_spin.value()
        if schedule is ProgramSchedule.DATE:
            q = self.date_edit.date()
            program.schedule_date = dt.date(q.year(), q.month(), q.day())
        program.owner = self.owner_edit.text().strip()
        program.control_percent = self.control_spin.value()
        program.paused = self.paused_check.isChecked()

    def current_problems(self) -> list[str]:
        """What would keep the program as shown from running."""
        probe = Program(type=self.program.type, parameters=self.program.parameters or "{}")
        self.apply(probe)
        with self.database.session() as session:
            found = problems(session, probe, i18n.language())
            session.expunge_all()
            session.rollback()
        return found

    def show_problems(self) -> list[str]:
        found = self.current_problems()
        self.problems_label.setText(
            self.tr("This program cannot run yet: %1").replace("%1", "; ".join(found))
            if found
            else ""
        )
        return found

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        name = self.name_edit.text().strip()
        if not name:
            QMessageBox.warning(self, self.windowTitle(), self.tr("Give the program a name."))
            self.name_edit.setFocus()
            return
        found = self.show_problems()
        if found:
            answer = QMessageBox.question(
                self,
                self.windowTitle(),
                self.tr("This program cannot run yet:\n\n%1\n\nSave it anyway? It stays on the "
                        "dashboard with the reason, and is skipped until it is put right.")
                .replace("%1", "\n".join(f"• {p}" for p in found)),
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return
        try:
            with self.database.session() as session:
                clash = session.scalar(
                    select(Program.id).where(
                        Program.name == name, Program.id != (self.program.id or 0)
                    )
                )
                if clash is not None:
                    raise CibleError(
                        self.tr("Another program is already called “%1”.").replace("%1", name)
                    )
                if self.program.id is None:
                    program = self.program
                    self.apply(program)
                    session.add(program)
                else:
                    program = session.get(Program, self.program.id)
                    if program is None:
                        raise CibleError(self.tr("This program was deleted meanwhile."))
                    self.apply(program)
                session.flush()
                ident = program.id
        except CibleError as error:
            QMessageBox.warning(self, self.windowTitle(), str(error))
            return
        except IntegrityError:
            QMessageBox.warning(
                self,
                self.windowTitle(),
                self.tr("Another program is already called “%1”.").replace("%1", name),
            )
            return
        self.saved.emit(ident)
        self.accept()
