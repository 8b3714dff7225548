"""The wizard's first two pages: the file and what it holds, then its first rows as read.

Sniffing and the preview read only the first rows (:data:`app.dms.read.PREVIEW_ROWS`), so they
run in the GUI thread and a change of encoding, separator or header row shows at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.dms.fields import FileKind, guess_kind
from app.dms.normalise import as_text
from app.dms.profile import match_file, match_profile
from app.dms.read import Preview, preview
from app.dms.sniff import Layout, sniff, with_headers
from app.errors import CibleError
from app.i18n import format_date
from app.ui.dms.wizard import ImportState, ProfileStore, kind_label

log = logging.getLogger(__name__)

ERROR_STYLE = "color:#a4262c;"

#: Encodings offered (the detected one is added if it is another).
ENCODINGS = (
    ("utf-8", "UTF-8"),
    ("utf-8-sig", "UTF-8 (BOM)"),
    ("cp1252", "Windows-1252"),
    ("iso8859_15", "ISO-8859-15"),
    ("cp850", "DOS (CP850)"),
    ("utf-16", "UTF-16"),
)


def read_error(path: Path, error: BaseException) -> str:
    """One line for a file that cannot be read: the error's own message when it is meant for
    the user, else one naming the file (never a traceback)."""
    if isinstance(error, CibleError):
        return str(error)
    log.warning("reading %s failed", path, exc_info=error)
    return (
        QCoreApplication.translate(
            "ImportWizard", "%1: this file cannot be read as a data extract (%2)."
        )
        .replace("%1", path.name)
        .replace("%2", str(error) or type(error).__name__)
    )


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error_label")
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


class FilePage(QWizardPage):
    """Pick a file; its kind is guessed from its columns (or from the profile it matches)."""

    def __init__(self, state: ImportState, start_folder: Path) -> None:
        super().__init__()
        self.state = state
        self.start_folder = start_folder
        self.setTitle(self.tr("The file to import"))
        self.setSubTitle(
            self.tr(
                "An extract from your DMS: CSV or TXT (any separator), or an Excel workbook "
                "(XLSX, XLS). Nothing is written to the database before the last step."
            )
        )
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("path_edit")
        self.path_edit.setPlaceholderText(self.tr("Choose the extract…"))
        self.path_edit.editingFinished.connect(self._path_edited)
        self.browse_button = QPushButton(self.tr("&Browse…"))
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)

        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kind_combo")
        for kind in FileKind:
            self.kind_combo.addItem(kind_label(kind), str(kind))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.kind_note = QLabel(
            self.tr("Guessed from the file’s columns: change it if it is wrong.")
        )
        self.kind_note.setWordWrap(True)

        self.error = error_label()
        self.info = QLabel()
        self.info.setObjectName("file_info")
        self.info.setWordWrap(True)

        form = QFormLayout()
        file_label = QLabel(self.tr("&File:"))
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, row)
        form.addRow(self.tr("It &holds:"), self.kind_combo)
        form.addRow("", self.kind_note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.info)
        if start_folder.name == "examples":
            examples = QLabel(
                self.tr(
                    "This is the demo database: the example extracts shipped with Cible are "
                    "offered first (customers, vehicles, workshop invoices, sales), each with "
                    "a few rows wrong on purpose."
                )
            )
            examples.setWordWrap(True)
            examples.setObjectName("examples_note")
            layout.addWidget(examples)
        layout.addStretch(1)

    # -- choosing --------------------------------------------------------------------------
    def browse(self) -> None:
        current = Path(self.path_edit.text()).parent if self.path_edit.text() else None
        folder = current if current is not None and current.is_dir() else self.start_folder
        path, _selected = QFileDialog.getOpenFileName(
            self,
            self.tr("Choose the extract to import"),
            str(folder),
            self.tr("DMS extracts (*.csv *.txt *.xlsx *.xls);;All files (*)"),
        )
        if path:
            self.set_file(Path(path))

    def _path_edited(self) -> None:
        text = self.path_edit.text().strip()
        if text and (self.state.path is None or Path(text) != self.state.path):
            self.set_file(Path(text))

    def set_file(self, path: Path) -> bool:
        """Read *path*'s layout and first rows; say why not if it cannot be read."""
        path = Path(path)
        self.path_edit.setText(str(path))
        state = self.state
        state.path = path
        state.preview = state.layout = state.profile = None
        state.report = state.check_result = None
        self.error.hide()
        self.info.clear()
        drift = ""
        try:
            profile, layout = match_file(path, sniff(path), self.profiles().profiles())
            if profile is not None:
                adjusted = profile.layout_for(layout)
                if adjusted != layout:
                    read = with_headers(path, adjusted)
                    if match_profile(read.headers, [profile]) is profile:
                        layout = read
                    else:  # read as the profile says, its columns are gone: read as found
                        drift = self.drift(profile, layout, adjusted)
            shown = preview(path, layout)
        except Exception as error:  # noqa: BLE001 - every reading failure is said in one line
            self.error.setText(read_error(path, error))
            self.error.show()
            self.completeChanged.emit()
            return False
        state.layout, state.preview, state.profile = layout, shown, profile
        kind = profile.kind if profile is not None else guess_kind(list(shown.headers))
        self.set_kind(kind)
        self.info.setText(" ".join(filter(None, (self.describe(shown, profile), drift))))
        wizard = self.wizard()
        if wizard is not None:
            wizard.remember_folder(path.parent)
        self.completeChanged.emit()
        return True

    def drift(self, profile, found: Layout, expected: Layout) -> str:
        """What changed since the profile was saved (separator, encoding, header row)."""
        changes = []
        if found.separator != expected.separator:
            changes.append(
                self.tr("separator %1 instead of %2")
                .replace("%1", separator_label(found.separator))
                .replace("%2", separator_label(expected.separator))
            )
        if found.encoding != expected.encoding:
            changes.append(
                self.tr("encoding %1 instead of %2")
                .replace("%1", encoding_label(found.encoding))
                .replace("%2", encoding_label(expected.encoding))
            )
        if found.header_row != expected.header_row:
            changes.append(
                self.tr("headers on row %1 instead of %2")
                .replace("%1", str(found.header_row + 1))
                .replace("%2", str(expected.header_row + 1))
            )
        return (
            self.tr(
                "The file is no longer written as the profile “%1” says (%2): it is read as "
                "Cible finds it; check its rows on the next page."
            )
            .replace("%1", profile.name)
            .replace("%2", ", ".join(changes))
        )

    def profiles(self) -> ProfileStore:
        return self.wizard().profiles

    def describe(self, shown: Preview, profile) -> str:
        layout = shown.layout
        if layout.format == "csv":
            text = self.tr(
                "Read as text: %1, separator %2, headers on row %3, %n column(s).",
                "",
                len(shown.headers),
            )
            text = (
                text.replace("%1", encoding_label(layout.encoding))
                .replace("%2", separator_label(layout.separator))
                .replace("%3", str(layout.header_row + 1))
            )
        else:
            text = self.tr(
                "Read as an Excel workbook: sheet “%3”, headers on row %1, %n column(s).",
                "",
                len(shown.headers),
            )
            text = text.replace("%1", str(layout.header_row + 1)).replace(
                "%3", layout.sheet_name or ""
            )
            if len(layout.sheets) > 1:
                names = ", ".join(self.tr("“%1”").replace("%1", n) for n in layout.sheets)
                text += " " + self.tr("Its sheets: %1 (choose another on the next page).").replace(
                    "%1", names
                )
        if profile is not None:
            text += " " + self.tr(
                "Its columns are those of the saved profile “%1”: it is applied."
            ).replace("%1", profile.name)
        return text

    def set_kind(self, kind: FileKind) -> None:
        index = self.kind_combo.findData(str(kind))
        self.kind_combo.setCurrentIndex(index)
        self.state.kind = FileKind(kind)

    def _kind_changed(self) -> None:
        self.state.kind = FileKind(self.kind_combo.currentData())

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.state.preview is not None and bool(self.state.headers)


def cell_text(cell: Any) -> str:
    """A cell as the wizard shows it: a workbook's date cell as the user writes dates
    (31/12/1970, with the time when it has one), anything else as read."""
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time(0):
            return format_date(cell.date())
        return f"{format_date(cell.date())} {cell:%H:%M}"
    if isinstance(cell, dt.date):
        return format_date(cell)
    return as_text(cell)


def encoding_label(encoding: str) -> str:
    return dict(ENCODINGS).get(encoding, encoding)


def separator_label(separator: str) -> str:
    return {
        ";": QCoreApplication.translate("ImportWizard", "semicolon (;)"),
        ",": QCoreApplication.translate("ImportWizard", "comma (,)"),
        "\t": QCoreApplication.translate("ImportWizard", "tab"),
        "|": QCoreApplication.translate("ImportWizard", "vertical bar (|)"),
    }.get(separator, f"« {separator} »")


class PreviewPage(QWizardPage):
    """The first rows as Cible reads them; encoding, separator and header row changeable (the
    sheet, for a workbook)."""

    def __init__(self, state: ImportState) -> None:
        super().__init__()
        self.state = state
        self.setTitle(self.tr("The file as read"))
        self.setSubTitle(
            self.tr(
                "Check that the columns are split right and the accents are readable. If not, "
                "change the encoding, the separator or the row of the headers: the rows below "
                "are read again at once."
            )
        )
        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("encoding_combo")
        for codec, label in ENCODINGS:
            self.encoding_combo.addItem(label, codec)
        self.separator_combo = QComboBox()
        self.separator_combo.setObjectName("separator_combo")
        for sep in (";", ",", "\t", "|"):
            self.separator_combo.addItem(separator_label(sep), sep)
        self.header_spin = QSpinBox()
        self.header_spin.setObjectName("header_spin")
        self.header_spin.setRange(1, 50)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheet_combo")
        self.sheet_combo.setMinimumContentsLength(12)
        self.format_note = QLabel()
        self.format_note.setWordWrap(True)
        self.encoding_combo.currentIndexChanged.connect(self.reread)
        self.separator_combo.currentIndexChanged.connect(self.reread)
        self.header_spin.valueChanged.connect(self.reread)
        self.sheet_combo.currentIndexChanged.connect(self.choose_sheet)

        controls = QHBoxLayout()
        form1 = QFormLayout()
        form1.addRow(self.tr("&Encoding:"), self.encoding_combo)
        form2 = QFormLayout()
        form2.addRow(self.tr("&Separator:"), self.separator_combo)
        form3 = QFormLayout()
        form3.addRow(self.tr("&Headers on row:"), self.header_spin)
        self.sheet_form = QWidget()
        form4 = QFormLayout(self.sheet_form)
        form4.setContentsMargins(0, 0, 0, 0)
        form4.addRow(self.tr("S&heet:"), self.sheet_combo)
        for form in (self.sheet_form, form1, form2, form3):
            if isinstance(form, QWidget):
                controls.addWidget(form)
            else:
                controls.addLayout(form)
        controls.addStretch(1)

        self.table = QTableWidget()
        self.table.setObjectName("preview_table")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(120)
        self.error = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.format_note)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        layout = self.state.layout
        if layout is None:
            return
        widgets = (self.encoding_combo, self.separator_combo, self.header_spin, self.sheet_combo)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self.sheet_combo.clear()
            for name in layout.sheets:
                self.sheet_combo.addItem(name, name)
            if layout.sheets:
                self.sheet_combo.setCurrentIndex(layout.sheet)
            if self.encoding_combo.findData(layout.encoding) < 0:
                self.encoding_combo.addItem(layout.encoding, layout.encoding)
            self.encoding_combo.setCurrentIndex(self.encoding_combo.findData(layout.encoding))
            self.separator_combo.setCurrentIndex(self.separator_combo.findData(layout.separator))
            self.header_spin.setValue(layout.header_row + 1)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        text = layout.format == "csv"
        self.encoding_combo.setEnabled(text)
        self.separator_combo.setEnabled(text)
        self.sheet_form.setVisible(not text)
        self.format_note.setText(
            ""
            if text
            else self.tr(
                "An Excel workbook has no encoding nor separator: choose the sheet that holds "
                "the extract."
            )
        )
        self.format_note.setVisible(not text)
        self.error.hide()
        self.show_preview()

    def chosen_layout(self) -> Layout:
        layout = self.state.layout
        assert layout is not None
        return dataclasses.replace(
            layout,
            encoding=self.encoding_combo.currentData() or layout.encoding,
            separator=self.separator_combo.currentData() or layout.separator,
            header_row=self.header_spin.value() - 1,
        )

    def choose_sheet(self) -> None:
        """Read the chosen sheet of the workbook (its header row found again)."""
        state = self.state
        name = self.sheet_combo.currentData()
        if state.path is None or state.layout is None or not name:
            return
        self.error.hide()
        try:
            layout = sniff(state.path, sheet=name)
        except Exception as error:  # noqa: BLE001 - said in one line, never a traceback
            self._unreadable(error)
            return
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(layout.header_row + 1)
        self.header_spin.blockSignals(False)
        state.layout = layout
        self.reread()

    def _unreadable(self, error: BaseException) -> None:
        state = self.state
        assert state.path is not None
        state.preview = None
        self.error.setText(read_error(state.path, error))
        self.error.show()
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.completeChanged.emit()

    def reread(self) -> None:
        """Read the file again with the chosen encoding, separator and header row."""
        state = self.state
        if state.path is None or state.layout is None:
            return
        layout = self.chosen_layout()
        self.error.hide()
        try:
            layout = with_headers(state.path, layout)
            shown = preview(state.path, layout)
        except Exception as error:  # noqa: BLE001 - said in one line, never a traceback
            state.layout = layout
            self._unreadable(error)
            return
        state.layout, state.preview = layout, shown
        state.report = state.check_result = None
        self.show_preview()
        self.completeChanged.emit()

    def show_preview(self) -> None:
        shown = self.state.preview
        self.table.clear()
        if shown is None:
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            return
        width = max([len(shown.headers), *(len(cells) for _n, cells in shown.rows)])
        self.table.setColumnCount(width)
        self.table.setRowCount(len(shown.rows))
        headers = list(shown.headers) + [""] * (width - len(shown.headers))
        self.table.setHorizontalHeaderLabels([h or "—" for h in headers])
        self.table.setVerticalHeaderLabels([str(number) for number, _cells in shown.rows])
        for row, (_number, cells) in enumerate(shown.rows):
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(cell_text(cell)))

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return self.state.preview is not None and bool(self.state.headers)
