"""The "Mail merge" dialog of a target: Word letters and address labels (seed 2.7, done better).

From top to bottom: the template (a starter letter shipped with Cible, or a .docx of one's own,
or "New template…" which writes a letter listing the merge fields); letters (one per customer or
per vehicle) or labels (sheet layout, first-label offset); who receives them — the postal
permissions funnel with the count at each step and why people dropped out, shown before anything
is written; the output .docx (and PDF when LibreOffice is installed; otherwise the option says
why it is not available); the saved mailings of this target (name, date, description, with a
warning before replacing one of the same name).

"Merge" first checks the letters without writing anything (:func:`app.export.word.precheck_merge`):
text in brackets left in the template, letters printing a due date already past or an empty
detail of the site, labels that would be cut even in 7 pt. If it finds any, they are listed and
the user writes anyway or goes back. The template's text in brackets is also shown as soon as the
template is chosen.

The merge runs off the GUI thread (:mod:`app.ui.tasks`) behind a progress dialog with Cancel;
the document is written to a temporary file and replaces an older one only when complete.
Afterwards "Record in the contact history" adds one postal contact per letter, so that later
mailings can leave out people contacted recently.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import CibleError
from app.export.postal import PostalFunnel, postal_funnel
from app.export.word import (
    LABEL_LAYOUTS,
    LetterTemplate,
    MergeResult,
    Precheck,
    UnknownMergeFieldError,
    merge_target,
    pdf_unavailable_reason,
    precheck_merge,
    record_mailing,
)
from app.export.word_templates import starter_templates, write_new_template
from app.models.base import current_user
from app.models.db import Database
from app.models.mailings import (
    SavedMailing,
    delete_mailing,
    find_mailing,
    list_mailings,
    save_mailing,
)
from app.query.target import Target
from app.ui import tasks
from app.ui.exports.funnel_tree import make_funnel_tree, show_funnel
from app.ui.fit import fit_to_screen

#: Combo data of the "a file of my own" entry.
OWN_FILE = "__own__"


def _local_stamp(value: dt.datetime) -> str:
    """A UTC timestamp from the database, shown in local time."""
    return i18n.format_datetime(value.replace(tzinfo=dt.UTC))


def _message(error: BaseException) -> str:
    return str(error) if isinstance(error, CibleError) else f"{type(error).__name__}: {error}"


class MailMergeDialog(QDialog):
    """Merge *target* into Word letters or labels; keep the mailings made from it."""

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
        self._saved: list[SavedMailing] = []
        self._funnel_task: tasks.Task | None = None
        self._merge_task: tasks.Task | None = None
        self._precheck_task: tasks.Task | None = None
        self._record_task: tasks.Task | None = None
        self._progress: QProgressDialog | None = None
        self._template_problem: str | None = None
        #: The last merge that completed (for the "record" button, callers and tests).
        self.last_result: MergeResult | None = None
        #: The funnel last shown.
        self.funnel: PostalFunnel | None = None
        #: What the last check before writing found.
        self.last_check: Precheck | None = None
        self.setObjectName("mail_merge_dialog")
        self.setWindowTitle(self.tr("Mail merge"))
        self.setMinimumWidth(960)
        fit_to_screen(self, 1060, 720)
        self._build()
        self._reload_saved()
        self._template_changed()
        self._update_funnel()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        name = self.target.name or self.tr("(unsaved target)")
        heading = QLabel(self.tr("Target: %1").replace("%1", name))
        heading.setObjectName("target_label")
        heading.setStyleSheet("font-weight: bold")
        layout.addWidget(heading)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout.addLayout(columns)

        # the template
        template_box = QGroupBox(self.tr("Template"))
        form = QFormLayout(template_box)
        self.template_combo = QComboBox()
        self.template_combo.setObjectName("template_combo")
        lang = i18n.language()
        for starter, path in starter_templates():
            self.template_combo.addItem(starter.title(lang), str(path))
        self.template_combo.addItem(self.tr("A .docx file of my own"), OWN_FILE)
        form.addRow(self.tr("Letter"), self.template_combo)
        self.template_edit = QLineEdit()
        self.template_edit.setObjectName("template_edit")
        self.template_edit.setPlaceholderText(self.tr("The Word template (.docx)"))
        self.template_browse = QPushButton(self.tr("Choose…"))
        self.template_browse.setObjectName("template_browse")
        self.template_browse.clicked.connect(self._browse_template)
        row = QHBoxLayout()
        row.addWidget(self.template_edit, 1)
        row.addWidget(self.template_browse)
        form.addRow(self.tr("File"), row)
        self.new_template_button = QPushButton(self.tr("New template…"))
        self.new_template_button.setObjectName("new_template_button")
        self.new_template_button.setToolTip(
            self.tr("Write a starter letter that lists the merge fields of this target.")
        )
        self.new_template_button.clicked.connect(self._new_template)
        form.addRow(self.new_template_button)
        self.fields_label = QLabel()
        self.fields_label.setObjectName("fields_label")
        self.fields_label.setWordWrap(True)
        self.fields_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # a long list of fields scrolls instead of squeezing the rest of the column
        fields_scroll = QScrollArea()
        fields_scroll.setObjectName("fields_scroll")
        fields_scroll.setWidget(self.fields_label)
        fields_scroll.setWidgetResizable(True)
        fields_scroll.setFrameShape(QFrame.Shape.NoFrame)
        fields_scroll.setMinimumHeight(3 * self.fontMetrics().lineSpacing() + 4)
        fields_scroll.setMaximumHeight(4 * self.fontMetrics().lineSpacing() + 4)
        form.addRow(fields_scroll)
        self.placeholders_label = QLabel()
        self.placeholders_label.setObjectName("placeholders_label")
        self.placeholders_label.setWordWrap(True)
        self.placeholders_label.setStyleSheet("color: #8a5300")
        self.placeholders_label.hide()
        form.addRow(self.placeholders_label)
        left.addWidget(template_box)

        # letters or labels
        kind_box = QGroupBox(self.tr("What to print"))
        kind = QFormLayout(kind_box)
        self.letters_radio = QRadioButton(self.tr("Letters"))
        self.letters_radio.setObjectName("letters_radio")
        self.labels_radio = QRadioButton(self.tr("Address labels"))
        self.labels_radio.setObjectName("labels_radio")
        self.letters_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.letters_radio)
        group.addButton(self.labels_radio)
        kind.addRow(self.letters_radio)
        self.per_combo = QComboBox()
        self.per_combo.setObjectName("per_combo")
        self.per_combo.addItem(self.tr("customer"), False)
        self.per_combo.addItem(self.tr("vehicle"), True)
        kind.addRow(self.tr("One letter per"), self.per_combo)
        kind.addRow(self.labels_radio)
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("layout_combo")
        for key, sheet in LABEL_LAYOUTS.items():
            text = (
                self.tr("%1 × %2: %3 labels of %4 × %5 mm (like %6)")
                .replace("%1", str(sheet.columns))
                .replace("%2", str(sheet.rows))
                .replace("%3", str(sheet.per_sheet))
                .replace("%4", i18n.format_number(sheet.width, 1))
                .replace("%5", i18n.format_number(sheet.height, 1))
                .replace("%6", sheet.reference)
            )
            self.layout_combo.addItem(text, key)
        self.layout_combo.setCurrentIndex(list(LABEL_LAYOUTS).index("3x8"))
        kind.addRow(self.tr("Sheet"), self.layout_combo)
        self.offset_spin = QSpinBox()
        self.offset_spin.setObjectName("offset_spin")
        self.offset_spin.setToolTip(
            self.tr("Labels already used on the first sheet: they are left blank.")
        )
        kind.addRow(self.tr("Labels already used"), self.offset_spin)
        self.label_template_check = QCheckBox(self.tr("Label content from the template"))
        self.label_template_check.setToolTip(
            self.tr("Otherwise each label shows the recipient's address block.")
        )
        self.label_template_check.setObjectName("label_template_check")
        kind.addRow(self.label_template_check)
        left.addWidget(kind_box)

        # the output
        out_box = QGroupBox(self.tr("Output"))
        out = QFormLayout(out_box)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("path_edit")
        self.path_edit.setPlaceholderText(self.tr("Where to write the document (.docx)"))
        self.browse_button = QPushButton(self.tr("Choose…"))
        self.browse_button.clicked.connect(self._browse_output)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        out.addRow(self.tr("File"), row)
        self.pdf_check = QCheckBox(self.tr("Also write a PDF"))
        self.pdf_check.setObjectName("pdf_check")
        self.pdf_note = QLabel()
        self.pdf_note.setObjectName("pdf_note")
        self.pdf_note.setWordWrap(True)
        reason = pdf_unavailable_reason()
        if reason:
            self.pdf_check.setEnabled(False)
            self.pdf_check.setToolTip(reason)
            self.pdf_note.setText(
                self.tr(
                    "PDF output is not available: LibreOffice is not installed on this computer."
                )
            )
        else:
            self.pdf_note.hide()
        out.addRow(self.pdf_check)
        out.addRow(self.pdf_note)
        self.open_check = QCheckBox(self.tr("Open the document when it is written"))
        self.open_check.setObjectName("open_check")
        self.open_check.setChecked(True)
        out.addRow(self.open_check)
        self.merge_button = QPushButton(self.tr("Merge"))
        self.merge_button.setObjectName("merge_button")
        self.merge_button.setDefault(True)
        self.merge_button.clicked.connect(self.merge)
        out.addRow(self.merge_button)
        self.campaign_edit = QLineEdit()
        self.campaign_edit.setObjectName("campaign_edit")
        self.campaign_edit.setMaxLength(80)
        self.campaign_edit.setPlaceholderText(self.tr("Campaign name"))
        self.record_button = QPushButton(self.tr("Record in the contact history"))
        self.record_button.setObjectName("record_button")
        self.record_button.setToolTip(
            self.tr(
                "Add one postal contact per letter written, so that later mailings can leave out people contacted recently."
            )
        )
        self.record_button.clicked.connect(self.record)
        left.addWidget(out_box)
        after_box = QGroupBox(self.tr("After merging"))
        after = QFormLayout(after_box)
        after.addRow(self.tr("Campaign"), self.campaign_edit)
        after.addRow(self.record_button)
        left.addWidget(after_box)
        left.addStretch(1)

        # who receives it
        funnel_box = QGroupBox(self.tr("Recipients"))
        funnel = QVBoxLayout(funnel_box)
        self.household_check = QCheckBox(
            self.tr("One per household (customers sharing an address)")
        )
        self.household_check.setObjectName("household_check")
        funnel.addWidget(self.household_check)
        self.recent_check = QCheckBox(self.tr("Leave out customers contacted in the last"))
        self.recent_check.setObjectName("recent_check")
        self.recent_days = QSpinBox()
        self.recent_days.setObjectName("recent_days")
        self.recent_days.setRange(0, 3650)
        self.recent_days.setValue(30)
        self.recent_days.setSuffix(self.tr(" days"))
        self.recent_days.setEnabled(False)
        row = QHBoxLayout()
        row.addWidget(self.recent_check)
        row.addWidget(self.recent_days)
        row.addStretch(1)
        funnel.addLayout(row)
        self.funnel_tree = make_funnel_tree(180)
        funnel.addWidget(self.funnel_tree, 1)
        self.funnel_status = QLabel()
        self.funnel_status.setObjectName("funnel_status")
        self.funnel_status.setWordWrap(True)
        funnel.addWidget(self.funnel_status)
        right.addWidget(funnel_box, 1)

        # saved mailings
        saved_box = QGroupBox(self.tr("Mailings of this target"))
        saved = QVBoxLayout(saved_box)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name_edit")
        self.name_edit.setMaxLength(200)
        form.addRow(self.tr("Name"), self.name_edit)
        self.description_edit = QLineEdit()
        self.description_edit.setObjectName("description_edit")
        form.addRow(self.tr("Description"), self.description_edit)
        saved.addLayout(form)
        self.save_button = QPushButton(self.tr("Save this mailing"))
        self.save_button.setObjectName("save_button")
        self.save_button.setToolTip(
            self.tr("Keep the template and the options under this name, to run them again later.")
        )
        self.save_button.clicked.connect(self.save_current)
        saved.addWidget(self.save_button)
        self.saved_table = QTableWidget(0, 4)
        self.saved_table.setObjectName("saved_table")
        self.saved_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Date"), self.tr("Description"), self.tr("Template")]
        )
        self.saved_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.saved_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.saved_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.saved_table.verticalHeader().hide()
        header = self.saved_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.saved_table.itemSelectionChanged.connect(self._update_buttons)
        self.saved_table.itemDoubleClicked.connect(lambda _item: self.load_selected())
        saved.addWidget(self.saved_table, 1)
        buttons = QHBoxLayout()
        self.load_button = QPushButton(self.tr("Use its settings"))
        self.load_button.setObjectName("load_button")
        self.load_button.clicked.connect(self.load_selected)
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete_button")
        self.delete_button.setToolTip(self.tr("Forget this mailing; its files stay on disk."))
        self.delete_button.clicked.connect(self.delete_selected)
        buttons.addWidget(self.load_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        saved.addLayout(buttons)
        right.addWidget(saved_box, 1)

        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_label)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

        self.template_combo.currentIndexChanged.connect(self._template_changed)
        self.template_edit.editingFinished.connect(self._check_template)
        self.letters_radio.toggled.connect(self._kind_changed)
        self.layout_combo.currentIndexChanged.connect(self._kind_changed)
        self.label_template_check.toggled.connect(self._check_template)
        self.household_check.toggled.connect(self._update_funnel)
        self.recent_check.toggled.connect(self._update_funnel)
        self.recent_check.toggled.connect(self.recent_days.setEnabled)
        self.recent_days.valueChanged.connect(self._update_funnel)
        self._kind_changed()

    # -- helpers ----------------------------------------------------------------------------
    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    def today(self) -> dt.date:
        return self._today or dt.date.today()

    def _busy(self) -> bool:
        return any(
            task is not None and not task.is_finished
            for task in (self._precheck_task, self._merge_task, self._record_task)
        )

    def _say(self, text: str) -> None:
        self.status_label.setText(text)

    def _warn(self, text: str) -> None:
        self._say(text)
        QMessageBox.warning(self, self.tr("Mail merge"), text)

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Mail merge"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def labels(self) -> bool:
        return self.labels_radio.isChecked()

    def contacted_within_days(self) -> int | None:
        return self.recent_days.value() if self.recent_check.isChecked() else None

    def template_path(self) -> Path | None:
        """The template used: ``None`` for labels showing the plain address block."""
        if self.labels() and not self.label_template_check.isChecked():
            return None
        data = self.template_combo.currentData()
        if data == OWN_FILE:
            text = self.template_edit.text().strip()
            return Path(text).expanduser() if text else None
        return Path(data)

    def options(self) -> dict[str, Any]:
        """The options as saved with a mailing."""
        return {
            "labels": self.layout_combo.currentData() if self.labels() else None,
            "offset": self.offset_spin.value() if self.labels() else 0,
            "label_template": self.label_template_check.isChecked(),
            "per_vehicle": bool(self.per_combo.currentData()) and not self.labels(),
            "household": self.household_check.isChecked(),
            "contacted_within_days": self.contacted_within_days(),
            "pdf": self.pdf_check.isChecked() and self.pdf_check.isEnabled(),
        }

    def _update_buttons(self) -> None:
        busy = self._busy()
        selected = self.selected_mailing() is not None
        self.merge_button.setEnabled(not busy and self._template_problem is None)
        self.record_button.setEnabled(not busy and self.last_result is not None)
        self.campaign_edit.setEnabled(self.last_result is not None)
        self.save_button.setEnabled(not busy)
        self.load_button.setEnabled(selected and not busy)
        self.delete_button.setEnabled(selected and not busy)

    # -- the template -----------------------------------------------------------------------
    def _template_changed(self) -> None:
        own = self.template_combo.currentData() == OWN_FILE
        self.template_edit.setEnabled(own)
        self.template_browse.setEnabled(own)
        if not own:
            self.template_edit.setText(self.template_combo.currentData())
        self._check_template()

    def _browse_template(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Word template"),
            self.template_edit.text().strip() or str(Path.home()),
            self.tr("Word document or template (*.docx *.dotx)"),
        )
        if path:
            self.use_template(Path(path))

    def use_template(self, path: Path) -> None:
        """Select a template file of one's own."""
        self.template_combo.setCurrentIndex(self.template_combo.findData(OWN_FILE))
        self.template_edit.setText(str(path))
        self._check_template()

    def _check_template(self) -> None:
        """Read the template's merge fields now: unknown ones are shown before any merge."""
        path = self.template_path()
        self._template_problem = None
        self.placeholders_label.hide()
        if path is None:
            if self.labels() and not self.label_template_check.isChecked():
                self.fields_label.setText(self.tr("Labels show the address block."))
            else:
                self._template_problem = self.tr("Choose a template.")
                self.fields_label.setText(self._template_problem)
        else:
            try:
                template = LetterTemplate(path)
                template.resolve(self.target)
            except UnknownMergeFieldError as error:
                names = ", ".join(f"«{n}»" for n in error.names)
                self._template_problem = self.tr("Unknown merge fields: %1").replace("%1", names)
            except CibleError as error:
                self._template_problem = str(error)
            if self._template_problem:
                self.fields_label.setText(self._template_problem)
                self.fields_label.setStyleSheet("color: #b00020")
            else:
                names = template.field_names
                text = (
                    self.tr("%1 merge fields: %2")
                    .replace("%1", i18n.format_count(len(names)))
                    .replace("%2", ", ".join(names))
                    if names
                    else self.tr("This template has no merge field.")
                )
                self.fields_label.setStyleSheet("")
                self.fields_label.setText(text)
                placeholders = template.placeholders
                if placeholders:  # shown now, asked about again before writing
                    self.placeholders_label.setText(
                        self.tr("Text in brackets to fill in: %1").replace(
                            "%1", ", ".join(placeholders)
                        )
                    )
                self.placeholders_label.setVisible(bool(placeholders))
        self._update_buttons()

    def _new_template(self) -> None:
        start = str(Path.home() / f"{self.target.name or 'modele'}.docx")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("New template"), start, self.tr("Word document (*.docx)")
        )
        if path:
            self.write_new_template(Path(path))

    def write_new_template(self, path: Path) -> None:
        """Write a starter letter listing the merge fields, select it and open it."""
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        try:
            fields = write_new_template(path, self.target, i18n.language())
        except OSError as error:
            self._warn(
                self.tr("Cannot write %1: %2")
                .replace("%1", str(path))
                .replace("%2", error.strerror or str(error))
            )
            return
        self.use_template(path)
        self._say(
            self.tr("New template written to %1 with the %2 merge fields of this target.")
            .replace("%1", str(path))
            .replace("%2", i18n.format_count(len(fields)))
        )
        if self.open_check.isChecked():
            self.open_document(path)

    # -- letters or labels ------------------------------------------------------------------
    def _kind_changed(self) -> None:
        labels = self.labels()
        self.per_combo.setEnabled(not labels)
        self.layout_combo.setEnabled(labels)
        self.offset_spin.setEnabled(labels)
        self.label_template_check.setEnabled(labels)
        layout = LABEL_LAYOUTS[self.layout_combo.currentData()]
        self.offset_spin.setRange(0, layout.per_sheet - 1)
        self._check_template()

    # -- the funnel -------------------------------------------------------------------------
    def _update_funnel(self) -> None:
        """Count the funnel's steps for the current options, in the background."""
        if self._funnel_task is not None and not self._funnel_task.is_finished:
            self._funnel_task.cancel()
        self.funnel_tree.clear()
        self.funnel_status.setText(self.tr("Counting…"))
        database, target, today = self.database, self.target, self.today()
        household, days, lang = (
            self.household_check.isChecked(),
            self.contacted_within_days(),
            i18n.language(),
        )

        def count(ctx: tasks.TaskContext) -> PostalFunnel:
            with database.engine.connect() as conn:
                return postal_funnel(
                    conn,
                    target,
                    today=today,
                    household=household,
                    contacted_within_days=days,
                    columns=[],
                    lang=lang,
                    progress=lambda done, total, text: ctx.check_cancelled(),
                )

        self._funnel_task = self._runner().run(
            count, self._show_funnel, self._funnel_failed, owner=self
        )

    def _show_funnel(self, funnel: PostalFunnel) -> None:
        self.funnel = funnel
        show_funnel(self.funnel_tree, funnel)
        if self.labels() or not self.per_combo.currentData():
            text = self.tr(
                "%1 recipients (refusals are checked again when the document is written)."
            ).replace("%1", i18n.format_count(funnel.final_count))
        else:
            text = (
                self.tr(
                    "%1 recipients, %2 letters with one per vehicle (refusals are checked again when the document is written)."
                )
                .replace("%1", i18n.format_count(funnel.final_count))
                .replace("%2", i18n.format_count(funnel.vehicle_count))
            )
        self.funnel_status.setText(text)

    def _funnel_failed(self, error: BaseException) -> None:
        self.funnel_status.setText(self.tr("Cannot count: %1").replace("%1", _message(error)))

    # -- output -----------------------------------------------------------------------------
    def _browse_output(self) -> None:
        start = self.path_edit.text().strip() or str(
            Path.home() / f"{self.target.name or 'publipostage'}.docx"
        )
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Mail merge"),
            start,
            self.tr("Word document (*.docx)"),
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked by the dialog itself
        )
        if path:
            self.path_edit.setText(path)

    def chosen_path(self) -> Path | None:
        """The output typed or chosen, ``.docx`` added if missing; ``None`` (and a message)
        when it cannot be written."""
        text = self.path_edit.text().strip()
        if not text:
            self._warn(self.tr("Choose where to write the document."))
            return None
        path = Path(text).expanduser()
        if path.suffix.lower() != ".docx":
            path = path.with_name(path.name + ".docx")
        if path.is_dir():
            self._warn(self.tr("%1 is a folder.").replace("%1", str(path)))
            return None
        if not path.parent.is_dir():
            self._warn(self.tr("The folder %1 does not exist.").replace("%1", str(path.parent)))
            return None
        return path.absolute()

    def open_document(self, path: Path) -> None:
        """Open *path* with the program the system uses for it (Word, LibreOffice...)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # -- merging ----------------------------------------------------------------------------
    def merge(self) -> None:
        """The "Merge" button: write the letters or labels (asking before replacing a file)."""
        if self._busy():
            return
        self._check_template()
        if self._template_problem:
            self._warn(self._template_problem)
            return
        path = self.chosen_path()
        if path is None:
            return
        name = " ".join(self.name_edit.text().split())
        if name:
            with self.database.session() as session:
                taken = find_mailing(session, self.target.name, name) is not None
            if taken and not self._confirm(
                self.tr("A mailing of this target is already called %1. Replace it?").replace(
                    "%1", name
                )
            ):
                return
        options = self.options()
        pdf = path.with_suffix(".pdf") if options["pdf"] else None
        existing = [p for p in (path, pdf) if p is not None and p.exists()]
        if existing and not self._confirm(
            self.tr("%1 already exists. Replace it?").replace(
                "%1", ", ".join(str(p) for p in existing)
            )
        ):
            return
        database, target, today = self.database, self.target, self.today()
        template = self.template_path()
        funnel_lang = i18n.language()
        checking = QCoreApplication.translate("MailMergeDialog", "Checking the letters…")

        def check(ctx: tasks.TaskContext) -> Precheck:
            with database.engine.connect() as conn:
                return precheck_merge(
                    conn,
                    target,
                    template=template,
                    today=today,
                    per_vehicle=options["per_vehicle"],
                    household=options["household"],
                    contacted_within_days=options["contacted_within_days"],
                    labels=options["labels"],
                    offset=options["offset"],
                    funnel_lang=funnel_lang,
                    progress=lambda done, total, text: ctx.report(done, total, checking),
                )

        self._say("")
        self.last_check = None
        self._merge_task = None
        self._precheck_task = self._runner().run(
            check,
            lambda result: self._prechecked(result, path, pdf, options),
            self._merge_failed,
            on_cancelled=self._cancelled,
            owner=self,
        )
        self._progress = tasks.show_progress(self._precheck_task, checking, self)
        self._update_buttons()

    def _prechecked(
        self, check: Precheck, path: Path, pdf: Path | None, options: dict[str, Any]
    ) -> None:
        """Before writing: the letters' problems (text in brackets, past due dates, empty site
        details, cut labels) are shown, and the user writes anyway or goes back."""
        self.last_check = check
        self._update_buttons()
        if check:
            lines = "\n".join(f"• {w}" for w in check.warnings(i18n.language()))
            self._say(self.tr("Before writing:") + "\n" + lines)
            question = (
                self.tr("Before writing:")
                + "\n\n"
                + lines
                + "\n\n"
                + (
                    self.tr("Write the %1 labels anyway?")
                    if options["labels"]
                    else self.tr("Write the %1 letters anyway?")
                ).replace("%1", i18n.format_count(check.count))
            )
            if not self._confirm(question):
                self._say(
                    self.tr("Nothing written.") + " " + self.tr("Before writing:") + "\n" + lines
                )
                return
        self._write(path, pdf, options)

    def _write(self, path: Path, pdf: Path | None, options: dict[str, Any]) -> None:
        database, target, today = self.database, self.target, self.today()
        template = self.template_path()
        funnel_lang = i18n.language()
        writing = QCoreApplication.translate("MailMergeDialog", "Writing %1…").replace(
            "%1", path.name
        )

        def work(ctx: tasks.TaskContext) -> MergeResult:
            with database.engine.connect() as conn:
                return merge_target(
                    conn,
                    target,
                    path,
                    template=template,
                    today=today,
                    per_vehicle=options["per_vehicle"],
                    household=options["household"],
                    contacted_within_days=options["contacted_within_days"],
                    labels=options["labels"],
                    offset=options["offset"],
                    pdf=pdf,
                    funnel_lang=funnel_lang,
                    progress=lambda done, total, text: ctx.report(done, total, writing),
                )

        self._merge_task = self._runner().run(
            work, self._merged, self._merge_failed, on_cancelled=self._cancelled, owner=self
        )
        self._progress = tasks.show_progress(self._merge_task, writing, self)
        self._update_buttons()

    def _merged(self, result: MergeResult) -> None:
        self.last_result = result
        if result.funnel is not None:
            self._show_funnel(result.funnel)
        if result.labels:
            text = self.tr("%1 labels written to %2.")
        else:
            text = self.tr("%1 letters written to %2.")
        text = text.replace("%1", i18n.format_count(result.count)).replace("%2", str(result.path))
        if result.pdf_path is not None:
            text += " " + self.tr("PDF: %1.").replace("%1", str(result.pdf_path))
        for warning in result.warnings:  # labels that will be cut, a template without fields
            text += "\n" + self.tr("Before printing: %1").replace("%1", warning)
        self._say(text)
        if not self.campaign_edit.text().strip():
            self.campaign_edit.setText(
                self.name_edit.text().strip() or self.template_combo.currentText()
            )
        name = " ".join(self.name_edit.text().split())
        if name:
            self._save(name, overwrite=True, output=result.path, count=result.count)
        self._update_buttons()
        if self.open_check.isChecked():
            self.open_document(result.pdf_path or result.path)

    def _merge_failed(self, error: BaseException) -> None:
        self._update_buttons()
        self._warn(_message(error))

    def _cancelled(self) -> None:
        self._update_buttons()
        self._say(self.tr("Merge cancelled; the previous file, if any, is unchanged."))

    def current_task(self) -> tasks.Task | None:
        """The merge's task: the check before writing, then the writing."""
        return self._merge_task or self._precheck_task

    # -- recording in the contact history ---------------------------------------------------
    def record(self) -> None:
        """Add one postal contact per letter of the last merge to the contact history."""
        result = self.last_result
        if result is None or self._busy():
            return
        campaign = " ".join(self.campaign_edit.text().split())
        if not campaign:
            self._warn(self.tr("Give the campaign a name."))
            return
        database, template = self.database, str(self.template_path() or "")
        letters = list(result.letters)
        user = current_user()

        def work(ctx: tasks.TaskContext) -> int:
            with database.session() as session:
                return record_mailing(
                    session, letters, campaign=campaign, template=template, user=user
                )

        self._record_task = self._runner().run(work, self._recorded, self._merge_failed, owner=self)
        self._update_buttons()

    def _recorded(self, count: int) -> None:
        self.last_result = None  # recorded once
        self._update_buttons()
        self._say(
            self.tr("%1 postal contacts recorded in the contact history.").replace(
                "%1", i18n.format_count(count)
            )
        )
        self._update_funnel()

    # -- saved mailings ---------------------------------------------------------------------
    def _reload_saved(self, select_id: int | None = None) -> None:
        with self.database.session() as session:
            self._saved = list_mailings(session, self.target.name)
        table = self.saved_table
        table.setRowCount(0)
        for mailing in self._saved:
            row = table.rowCount()
            table.insertRow(row)
            cells = [
                mailing.name,
                _local_stamp(mailing.updated_at),
                mailing.description,
                Path(mailing.template_path).name if mailing.template_path else "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, mailing.id)
                if col >= 2:
                    item.setToolTip(mailing.template_path if col == 3 else text)
                table.setItem(row, col, item)
            if mailing.id == select_id:
                table.selectRow(row)
        self._update_buttons()

    def saved_names(self) -> list[str]:
        return [self.saved_table.item(r, 0).text() for r in range(self.saved_table.rowCount())]

    def selected_mailing(self) -> SavedMailing | None:
        rows = {index.row() for index in self.saved_table.selectedIndexes()}
        if len(rows) != 1:
            return None
        ident = self.saved_table.item(rows.pop(), 0).data(Qt.ItemDataRole.UserRole)
        return next((m for m in self._saved if m.id == ident), None)

    def save_current(self) -> None:
        """ "Save this mailing": keep the settings under the name (warning if it exists)."""
        name = " ".join(self.name_edit.text().split())
        if not name:
            self._warn(self.tr("Give the mailing a name."))
            return
        with self.database.session() as session:
            exists = find_mailing(session, self.target.name, name) is not None
        if exists and not self._confirm(
            self.tr("A mailing of this target is already called %1. Replace it?").replace(
                "%1", name
            )
        ):
            self._say(self.tr("Not saved: choose another name to keep both mailings."))
            return
        self._save(name, overwrite=True)

    def _save(
        self, name: str, *, overwrite: bool, output: Path | None = None, count: int = 0
    ) -> None:
        template = self.template_path()
        try:
            with self.database.session() as session:
                mailing = save_mailing(
                    session,
                    target_name=self.target.name,
                    name=name,
                    description=self.description_edit.text().strip(),
                    template_path=str(template.absolute()) if template else "",
                    output_path=str(output or self.path_edit.text().strip()),
                    options=self.options(),
                    letter_count=count,
                    overwrite=overwrite,
                )
                mailing_id = mailing.id
        except CibleError as error:
            self._warn(str(error))
            return
        self._reload_saved(select_id=mailing_id)
        if output is None:
            self._say(self.tr("Mailing %1 saved.").replace("%1", name))

    def load_selected(self) -> None:
        """Put the selected mailing's template and options back in the dialog."""
        mailing = self.selected_mailing()
        if mailing is None:
            return
        options = mailing.option_values
        self.name_edit.setText(mailing.name)
        self.description_edit.setText(mailing.description)
        if mailing.output_path:
            self.path_edit.setText(mailing.output_path)
        labels = options.get("labels")
        self.labels_radio.setChecked(bool(labels))
        self.letters_radio.setChecked(not labels)
        if labels in LABEL_LAYOUTS:
            self.layout_combo.setCurrentIndex(self.layout_combo.findData(labels))
        self.offset_spin.setValue(int(options.get("offset") or 0))
        self.label_template_check.setChecked(bool(options.get("label_template")))
        self.per_combo.setCurrentIndex(1 if options.get("per_vehicle") else 0)
        if self.pdf_check.isEnabled():
            self.pdf_check.setChecked(bool(options.get("pdf")))
        self.household_check.setChecked(bool(options.get("household")))
        days = options.get("contacted_within_days")
        self.recent_check.setChecked(days is not None)
        if days is not None:
            self.recent_days.setValue(int(days))
        if mailing.template_path:
            index = self.template_combo.findData(mailing.template_path)
            if index >= 0:
                self.template_combo.setCurrentIndex(index)
            else:
                self.use_template(Path(mailing.template_path))
        self._check_template()
        self._update_funnel()
        self._say(self.tr("Settings of %1 loaded.").replace("%1", mailing.name))

    def delete_selected(self) -> None:
        mailing = self.selected_mailing()
        if mailing is None or self._busy():
            return
        if not self._confirm(
            self.tr("Forget the mailing %1? Its files stay on disk.").replace("%1", mailing.name)
        ):
            return
        with self.database.session() as session:
            delete_mailing(session, mailing.id)
        self._reload_saved()
        self._say(self.tr("Mailing %1 deleted.").replace("%1", mailing.name))

    def done(self, result: int) -> None:  # noqa: D401 - QDialog.done
        """Closing the dialog cancels a running merge (its file is left as it was)."""
        for task in (self._precheck_task, self._merge_task, self._funnel_task):
            if task is not None and not task.is_finished:
                task.cancel()
        super().done(result)
