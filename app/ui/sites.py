"""File › Sites…: each site's own details, as its letters print them (merge fields «Site - …»).

The sites are listed on the left (code and name); the form on the right is built from
:data:`app.models.sites.SITE_FIELDS`, one line per detail, so a new detail needs no change here.
"Save" checks every value (e-mail, web addresses) and stores the site's details together;
leaving a site or closing with changes not saved asks first.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import CibleError
from app.models.db import Database
from app.models.sites import SITE_FIELDS, list_sites, save_site, site_values
from app.ui.fit import fit_to_screen


class SitesDialog(QDialog):
    """Edit the details of each site of *database*."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._saved: dict[str, str] = {}
        self._current: int | None = None
        self.setObjectName("sites_dialog")
        self.setWindowTitle(self.tr("Sites"))
        fit_to_screen(self, 760, 460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "What the letters print about the site that sends them (the customer's site): "
                "the merge fields «Site - Name», «Site - Phone»…"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        columns = QHBoxLayout()
        layout.addLayout(columns, 1)
        self.site_list = QListWidget()
        self.site_list.setObjectName("site_list")
        self.site_list.setMinimumWidth(220)
        columns.addWidget(self.site_list)
        form_box = QVBoxLayout()
        columns.addLayout(form_box, 1)
        form = QFormLayout()
        form_box.addLayout(form)
        lang = i18n.language()
        #: One line edit per detail of SITE_FIELDS, by column.
        self.edits: dict[str, QLineEdit] = {}
        for field in SITE_FIELDS:
            edit = QLineEdit()
            edit.setObjectName(f"site_{field.column}")
            edit.setMaxLength(field.max_length)
            if field.kind == "url":
                edit.setPlaceholderText("https://…")
            edit.textEdited.connect(self._update_buttons)
            form.addRow(field.label(lang), edit)
            self.edits[field.column] = edit
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setObjectName("save_button")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Undo changes"))
        self.revert_button.setObjectName("revert_button")
        self.revert_button.clicked.connect(self._revert)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        form_box.addLayout(row)
        form_box.addStretch(1)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.site_list.currentItemChanged.connect(self._site_changed)
        self._reload()

    # -- sites ------------------------------------------------------------------------------
    def _reload(self, select_id: int | None = None) -> None:
        with self.database.session() as session:
            sites = [(s.id, s.code, s.name) for s in list_sites(session)]
        self.site_list.blockSignals(True)
        self.site_list.clear()
        for ident, code, name in sites:
            item = QListWidgetItem(f"{code} — {name}")
            item.setData(Qt.ItemDataRole.UserRole, ident)
            self.site_list.addItem(item)
        self.site_list.blockSignals(False)
        if not sites:
            self._current = None
            for edit in self.edits.values():
                edit.clear()
                edit.setEnabled(False)
            self._say(self.tr("No site yet: sites come with the import from the DMS."))
            self._update_buttons()
            return
        ids = [ident for ident, _code, _name in sites]
        row = ids.index(select_id) if select_id in ids else 0
        self.site_list.setCurrentRow(row)
        if self._current != ids[row]:
            self._show(ids[row])

    def site_ids(self) -> list[int]:
        return [
            self.site_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.site_list.count())
        ]

    def _site_changed(self, current: QListWidgetItem | None, previous: QListWidgetItem | None):
        if current is None:
            return
        ident = current.data(Qt.ItemDataRole.UserRole)
        if ident == self._current:
            return
        if not self._leave():
            self.site_list.blockSignals(True)
            self.site_list.setCurrentItem(previous)
            self.site_list.blockSignals(False)
            return
        self._show(ident)

    def _show(self, site_id: int) -> None:
        from app.models.dealership import Site

        with self.database.session() as session:
            site = session.get(Site, site_id)
            values = site_values(site) if site is not None else {}
        self._current = site_id if values else None
        self._saved = values
        for column, edit in self.edits.items():
            edit.setEnabled(bool(values))
            edit.setText(values.get(column, ""))
        self._say("")
        self._update_buttons()

    # -- editing ----------------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        """The details as typed in the form."""
        return {column: edit.text() for column, edit in self.edits.items()}

    def is_modified(self) -> bool:
        return self._current is not None and any(
            self.values()[c] != self._saved.get(c, "") for c in self.edits
        )

    def _update_buttons(self) -> None:
        modified = self.is_modified()
        self.save_button.setEnabled(modified)
        self.revert_button.setEnabled(modified)

    def _revert(self) -> None:
        if self._current is not None:
            self._show(self._current)

    def save(self) -> bool:
        """Store the site's details; a value that is not valid is named and nothing is stored."""
        if self._current is None:
            return False
        try:
            with self.database.session() as session:
                site = save_site(session, self._current, self.values(), i18n.language())
                name = site.name
        except CibleError as error:
            self._say(str(error))
            QMessageBox.warning(self, self.tr("Sites"), str(error))
            return False
        current = self._current
        self._current = None  # shown again from the database, as stored
        self._reload(select_id=current)
        self._say(self.tr("Details of %1 saved.").replace("%1", name))
        return True

    def _leave(self) -> bool:
        """Whether the current site can be left: its changes saved or dropped, as asked."""
        if not self.is_modified():
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Sites"),
            self.tr("Save the changes to this site's details?"),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _say(self, text: str) -> None:
        self.status_label.setText(text)

    def reject(self) -> None:
        """Close (the button, Escape): changes not saved are asked about first."""
        if self._leave():
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self._leave():
            event.ignore()
            return
        super().closeEvent(event)
