"""The wizard's third page: a Cible field for each column of the file, and saved profiles.

Each column of the file gets a list of the fields a file of its kind can fill (by their labels
in the user's language, grouped by what they describe), suggested from its header, or "Ignore
this column". A saved profile whose columns are all in the file is applied by itself. The
mapping is saved as a named profile ("Irium clients"), and a profile can be exported as a small
JSON file and loaded at another site.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from app.dms.fields import FileKind, fields_for, suggest_mapping
from app.dms.normalise import as_text, parse_date
from app.dms.profile import Profile, load_profile
from app.dms.validate import REQUIRED, detect_date_orders, missing_fields, month_first
from app.errors import CibleError
from app.i18n import format_date
from app.ui.dms.source import ERROR_STYLE, cell_text
from app.ui.dms.wizard import ImportState, ProfileStore, write_profile

OK_STYLE = "color:#107c10;"
#: Sample values shown beside each column.
EXAMPLES = 3


def table_label(table: str) -> str:
    return {
        "customer": QCoreApplication.translate("ImportWizard", "Customer"),
        "vehicle": QCoreApplication.translate("ImportWizard", "Vehicle"),
        "invoice": QCoreApplication.translate("ImportWizard", "Invoice"),
        "line": QCoreApplication.translate("ImportWizard", "Invoice line"),
        "sale": QCoreApplication.translate("ImportWizard", "Sale"),
    }.get(table, table)


def required_keys(kind: FileKind) -> set[str]:
    return {key for group in REQUIRED[FileKind(kind)] for key in group}


class MappingPage(QWizardPage):
    """A field for each column; profiles applied, saved, loaded and exported."""

    COLUMN, EXAMPLES_COLUMN, FIELD = range(3)

    def __init__(self, state: ImportState, store: ProfileStore) -> None:
        super().__init__()
        self.state = state
        self.store = store
        self.combos: list[QComboBox] = []
        #: The profile the user changed the mapping of (said until saved).
        self._changed_from: str | None = None
        self._mapped_for: tuple | None = None
        self.setTitle(self.tr("What each column holds"))
        self.setSubTitle(
            self.tr(
                "Choose the Cible field each column goes to; columns left on “Ignore this "
                "column” are not imported. Fields marked * are needed for this kind of file."
            )
        )
        self.profile_label = QLabel()
        self.profile_label.setObjectName("profile_label")
        self.profile_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save as a profile…"))
        self.save_button.setObjectName("save_profile_button")
        self.save_button.setToolTip(
            self.tr("The next file with these columns gets this mapping by itself.")
        )
        self.save_button.clicked.connect(self.save_profile)
        self.load_button = QPushButton(self.tr("&Load a profile file…"))
        self.load_button.setToolTip(self.tr("A profile exported at another site (.json)."))
        self.load_button.clicked.connect(self.load_profile_file)
        self.export_button = QPushButton(self.tr("E&xport the profile…"))
        self.export_button.setToolTip(
            self.tr("Save the mapping as a small .json file to share with another site.")
        )
        self.export_button.clicked.connect(self.export_profile)
        buttons = QHBoxLayout()
        buttons.addWidget(self.profile_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.load_button)
        buttons.addWidget(self.export_button)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("mapping_table")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Column in the file"), self.tr("First values"), self.tr("Cible field")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(self.COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.EXAMPLES_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.FIELD, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(self.FIELD, 340)

        self.status = QLabel()
        self.status.setObjectName("mapping_status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

    # -- building --------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """Map again only if the file's columns or its kind changed (choices kept on Back)."""
        state = self.state
        key = (state.path, state.headers, state.kind)
        if key == self._mapped_for:
            return
        self._mapped_for = key
        self._changed_from = None
        profile = state.profile
        mapping: dict[int, str] | None = None
        if profile is not None and profile.kind == state.kind:
            try:
                mapping = profile.mapping_for(state.headers, state.path or "")
            except CibleError:
                mapping = None
        if mapping is None:
            state.profile = None
            mapping = suggest_mapping(list(state.headers), state.kind)
        self.build(mapping)

    def build(self, mapping: dict[int, str]) -> None:
        state = self.state
        fields = fields_for(state.kind)
        required = required_keys(state.kind)
        self.combos = []
        self.table.setRowCount(len(state.headers))
        rows = state.preview.rows if state.preview is not None else ()
        for column, header in enumerate(state.headers):
            name = QTableWidgetItem(header or self.tr("(no header)"))
            name.setToolTip(self.tr("Column %1 of the file").replace("%1", str(column + 1)))
            self.table.setItem(column, self.COLUMN, name)
            values = [cell_text(cells[column]) for _n, cells in rows if column < len(cells)]
            shown = [v for v in values if v][:EXAMPLES]
            self.table.setItem(column, self.EXAMPLES_COLUMN, QTableWidgetItem(" · ".join(shown)))
            combo = QComboBox()
            combo.setObjectName(f"field_combo_{column}")
            combo.addItem(self.tr("— Ignore this column —"), None)
            for key, f in fields.items():
                label = f"{table_label(f.table)} › {f.label()}"
                if key in required:
                    label += " *"
                combo.addItem(label, key)
            combo.setMaxVisibleItems(20)
            index = combo.findData(mapping.get(column)) if column in mapping else 0
            combo.setCurrentIndex(max(index, 0))
            combo.currentIndexChanged.connect(self._mapping_changed)
            self.table.setCellWidget(column, self.FIELD, combo)
            self.combos.append(combo)
        self._mapping_changed(from_user=False)

    # -- state -----------------------------------------------------------------------------
    def mapping(self) -> dict[int, str]:
        return {i: c.currentData() for i, c in enumerate(self.combos) if c.currentData()}

    def set_field(self, column: int, key: str | None) -> None:
        """Choose *key* (None: ignore) for *column* (for tests and scripts)."""
        combo = self.combos[column]
        combo.setCurrentIndex(max(combo.findData(key), 0) if key else 0)

    def _mapping_changed(self, *args, from_user: bool = True) -> None:
        state = self.state
        mapping = self.mapping()
        if from_user and state.profile is not None and self._differs(state.profile, mapping):
            self._changed_from = state.profile.name
            state.profile = None
        state.mapping = mapping
        state.report = state.check_result = None
        rows = [cells for _n, cells in state.preview.rows] if state.preview is not None else []
        state.date_orders = detect_date_orders(rows, mapping, state.kind)
        if state.profile is not None:
            state.date_orders = {**state.date_orders, **state.profile.date_orders}
        self._show_profile()
        self._show_status()
        self.completeChanged.emit()

    def _differs(self, profile: Profile, mapping: dict[int, str]) -> bool:
        try:
            return profile.mapping_for(self.state.headers) != mapping
        except CibleError:
            return True

    def problems(self) -> list[str]:
        """Why the mapping cannot be checked yet (empty: it can)."""
        state = self.state
        mapping = self.mapping()
        fields = fields_for(state.kind)
        problems = []
        for key in missing_fields(state.kind, set(mapping.values())):
            problems.append(
                self.tr("No column goes to “%1”, which this kind of file needs.").replace(
                    "%1", f"{table_label(fields[key].table)} › {fields[key].label()}"
                )
            )
        seen: dict[str, int] = {}
        for column, key in mapping.items():
            if key in seen:
                problems.append(
                    self.tr("The columns “%1” and “%2” both go to “%3”: keep one.")
                    .replace("%1", state.headers[seen[key]])
                    .replace("%2", state.headers[column])
                    .replace("%3", fields[key].label())
                )
            seen[key] = column
        return problems

    def _show_status(self) -> None:
        problems = self.problems()
        mapped = len(self.mapping())
        notes = self.date_notes()
        if problems:
            self.status.setStyleSheet(ERROR_STYLE)
            self.status.setText("\n".join(problems + notes))
        else:
            self.status.setStyleSheet(OK_STYLE)
            ignored = len(self.combos) - mapped
            self.status.setText(
                self.tr(
                    "%1 columns imported, %2 ignored. Every field this kind of file needs has its column."
                )
                .replace("%1", str(mapped))
                .replace("%2", str(ignored))
                + "".join("\n" + note for note in notes)
            )

    def date_notes(self) -> list[str]:
        """A line for each date column read month first (US dates), with the date that shows
        it, so that the user sees it before the check (the command refuses such a file)."""
        state = self.state
        notes = []
        rows = state.preview.rows if state.preview is not None else ()
        for column, key in sorted(self.mapping().items()):
            if state.date_orders.get(key) != "mdy":
                continue
            seen = next(
                ((n, cells[column]) for n, cells in rows
                 if column < len(cells) and month_first(cells[column])),
                None,
            )  # fmt: skip
            note = self.tr(
                "“%1”: its dates are read month first, as in the United States."
            ).replace("%1", state.headers[column])
            if seen is not None:
                note += " " + self.tr("For example “%1” on row %2 is %3.").replace(
                    "%1", as_text(seen[1])
                ).replace("%2", str(seen[0])).replace("%3", _us_date(seen[1]))
            notes.append(note)
        return notes

    def _show_profile(self) -> None:
        profile = self.state.profile
        if profile is not None:
            self.profile_label.setText(
                self.tr(
                    "Profile: <b>%1</b> (applied by itself: these columns are its own)."
                ).replace("%1", _html(profile.name))
            )
        elif self._changed_from is not None:
            self.profile_label.setText(
                self.tr("Changed from the profile “%1”: save it to keep the changes.").replace(
                    "%1", _html(self._changed_from)
                )
            )
        else:
            self.profile_label.setText(
                self.tr(
                    "No saved profile has these columns: the fields are suggested from the headers."
                )
            )

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return bool(self.combos) and not self.problems()

    # -- profiles --------------------------------------------------------------------------
    def current_profile(self, name: str) -> Profile:
        state = self.state
        old = state.profile
        options = {}
        if old is not None:
            options = {"country": old.country, "site_code": old.site_code}
        return Profile.from_mapping(
            name,
            state.kind,
            list(state.headers),
            self.mapping(),
            state.layout,
            date_orders=dict(state.date_orders),
            **options,
        )

    def ask_name(self) -> str | None:
        default = self.state.profile_name or ""
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save the profile"),
            self.tr("Name of the profile (for example “Irium clients”):"),
            QLineEdit.EchoMode.Normal,
            default,
        )
        name = name.strip()
        return name if ok and name else None

    def save_profile(self, name: str | None = None) -> Profile | None:
        """Save the mapping as a named profile (asked if not given)."""
        if not self.isComplete():
            return None
        name = name if isinstance(name, str) and name else self.ask_name()
        if not name:
            return None
        profile = self.current_profile(name)
        try:
            self.store.save(profile)
        except Exception as error:  # noqa: BLE001 - a stored setting: said in one line
            QMessageBox.warning(
                self,
                self.tr("Save the profile"),
                self.tr("The profile cannot be saved: %1").replace("%1", str(error)),
            )
            return None
        self.state.profile = profile
        self._changed_from = None
        self._show_profile()
        return profile

    def export_profile(self, path: str | None = None) -> bool:
        """Write the mapping as a profile file to share between sites."""
        if not self.isComplete():
            return False
        name = self.state.profile_name or self.ask_name()
        if not name:
            return False
        if not path:
            path, _selected = QFileDialog.getSaveFileName(
                self,
                self.tr("Export the profile"),
                str(self.store.folder / f"{name}.json"),
                self.tr("Import profiles (*.json)"),
            )
        if not path:
            return False
        if not str(path).lower().endswith(".json"):
            path = f"{path}.json"
        self.store.folder = Path(path).parent
        try:
            write_profile(self.current_profile(name), path)
        except OSError as error:
            QMessageBox.warning(
                self,
                self.tr("Export the profile"),
                self.tr("The profile cannot be written: %1").replace("%1", str(error)),
            )
            return False
        return True

    def load_profile_file(self, path: str | None = None) -> bool:
        """Apply a profile file (from another site) to this file and keep it."""
        if not path:
            path, _selected = QFileDialog.getOpenFileName(
                self,
                self.tr("Load a profile"),
                str(self.store.folder),
                self.tr("Import profiles (*.json);;All files (*)"),
            )
        if not path:
            return False
        state = self.state
        self.store.folder = Path(path).parent
        try:
            profile = load_profile(path)
            mapping = profile.mapping_for(state.headers, state.path or "")
        except CibleError as error:
            QMessageBox.warning(self, self.tr("Load a profile"), str(error))
            return False
        try:
            self.store.save(profile)
        except Exception as error:  # noqa: BLE001 - applied to this import all the same
            QMessageBox.warning(self, self.tr("Load a profile"), str(error))
        state.kind = profile.kind
        wizard = self.wizard()
        if wizard is not None:
            wizard.file_page.set_kind(profile.kind)
        state.profile = profile
        self._mapped_for = (state.path, state.headers, state.kind)
        self.build(mapping)
        return True


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _us_date(value) -> str:
    """A month-first date as the user reads dates (DD/MM/YYYY)."""
    found, _reason = parse_date(as_text(value), "mdy")
    return format_date(found) if found is not None else as_text(value)
