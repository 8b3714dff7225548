"""The import wizard and what its pages share.

Five pages, in the users' order: the file and what it holds (:class:`~app.ui.dms.source.FilePage`),
its first rows as read (:class:`~app.ui.dms.source.PreviewPage`), a field for each column
(:class:`~app.ui.dms.mapping.MappingPage`), the check (:class:`~app.ui.dms.check.CheckPage`,
a commit page: its button says "Import") and the import with its result
(:class:`~app.ui.dms.check.ImportPage`). The pages keep their choices in one
:class:`ImportState`; the check and the import run through :mod:`app.ui.tasks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QWidget, QWizard

from app import files
from app.dms import profile_store
from app.dms.fields import FileKind
from app.dms.profile import Profile
from app.dms.read import Preview
from app.dms.sniff import Layout
from app.dms.validate import ValidationReport
from app.models.db import Database
from app.resources import EXAMPLES_DIR
from app.ui import tasks

#: Where the folder of the last import is remembered.
SETTINGS_FOLDER = "dms_import/folder"
#: Where the folder of the last profile file is remembered.
SETTINGS_PROFILE_FOLDER = "dms_import/profile_folder"


class ProfileStore:
    """The import profiles saved in the database (one ``setting`` row each, see
    :mod:`app.dms.profile_store`), so every PC of the dealership and the nightly
    ``python -m app import`` find them. Profile *files* (to share between sites) are written
    and read where the user chooses."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def profiles(self) -> list[Profile]:
        return profile_store.load_profiles(self.database)

    def save(self, profile: Profile) -> None:
        """Save *profile*, replacing the one of the same name."""
        profile_store.save_profile(self.database, profile)

    @property
    def folder(self) -> Path:
        """Where profile files are offered first (the folder of the last one)."""
        last = QSettings().value(SETTINGS_PROFILE_FOLDER)
        if isinstance(last, str) and last and Path(last).is_dir():
            return Path(last)
        return Path.home()

    @folder.setter
    def folder(self, value: Path) -> None:
        QSettings().setValue(SETTINGS_PROFILE_FOLDER, str(value))


def write_profile(profile: Profile, path: Path | str) -> None:
    """*profile* as a JSON file at *path* (to share between sites), complete or not at all."""
    with files.atomic_write(path, "w", encoding="utf-8") as handle:
        handle.write(profile.to_json() + "\n")


@dataclass
class ImportState:
    """The choices made so far; each page reads what the earlier ones set."""

    path: Path | None = None
    layout: Layout | None = None
    preview: Preview | None = None
    kind: FileKind = FileKind.CUSTOMERS
    #: Column index → field key.
    mapping: dict[int, str] = field(default_factory=dict)
    #: The profile applied (matched by the headers, loaded, or just saved).
    profile: Profile | None = None
    date_orders: dict[str, str] = field(default_factory=dict)
    country: str = "FR"
    report: ValidationReport | None = None
    #: What the check found beyond the report (the dry-run import's result, when there is one).
    check_result: Any = None
    result: Any = None

    @property
    def headers(self) -> tuple[str, ...]:
        return self.preview.headers if self.preview is not None else ()

    @property
    def profile_name(self) -> str | None:
        return self.profile.name if self.profile is not None else None


def kind_label(kind: FileKind) -> str:
    return {
        FileKind.CUSTOMERS: QCoreApplication.translate("ImportWizard", "Customers"),
        FileKind.VEHICLES: QCoreApplication.translate(
            "ImportWizard", "Vehicles (with their owner)"
        ),
        FileKind.INVOICES: QCoreApplication.translate(
            "ImportWizard", "Workshop invoices (one row per line)"
        ),
        FileKind.SALES: QCoreApplication.translate(
            "ImportWizard", "Vehicle sales (with their financing)"
        ),
    }[FileKind(kind)]


def fit_to_screen(widget: QWidget, width: int, height: int, margin: int = 40) -> None:
    """Resize *widget* to *width* × *height*, or less to fit the screen's available area."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width() - margin)
        height = min(height, area.height() - margin)
    widget.resize(max(width, 400), max(height, 300))


class ImportWizard(QWizard):
    """File › Import from the DMS…: one extract into *database*.

    *demo*: the database is the demo one; the shipped example extracts are offered first.
    *profiles*: where saved profiles live (tests give a folder of their own).
    """

    FILE, PREVIEW, MAPPING, CHECK, IMPORT = range(5)

    def __init__(
        self,
        database: Database,
        parent: QWidget | None = None,
        *,
        demo: bool = False,
        task_manager: tasks.TaskManager | None = None,
        profiles: ProfileStore | None = None,
        start_folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        from app.ui.dms.check import CheckPage, ImportPage
        from app.ui.dms.mapping import MappingPage
        from app.ui.dms.source import FilePage, PreviewPage

        self.database = database
        self.demo = demo
        self.task_manager = task_manager
        self.profiles = profiles or ProfileStore(database)
        self.state = ImportState()
        self.setObjectName("dms_import_wizard")
        self.setWindowTitle(self.tr("Import from the DMS"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Import"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Back"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Close"))
        if start_folder is None:
            start_folder = self.default_folder()
        self.file_page = FilePage(self.state, start_folder)
        self.preview_page = PreviewPage(self.state)
        self.mapping_page = MappingPage(self.state, self.profiles)
        self.check_page = CheckPage(self.state, database)
        self.import_page = ImportPage(self.state, database)
        for page_id, page in enumerate(
            (self.file_page, self.preview_page, self.mapping_page, self.check_page,
             self.import_page)
        ):  # fmt: skip
            self.setPage(page_id, page)
        fit_to_screen(self, 1100, 720)

    def default_folder(self) -> Path:
        """The examples on the demo database; else the folder of the last import."""
        if self.demo and EXAMPLES_DIR.is_dir():
            return EXAMPLES_DIR
        last = QSettings().value(SETTINGS_FOLDER)
        if isinstance(last, str) and last and Path(last).is_dir():
            return Path(last)
        return Path.home()

    def remember_folder(self, folder: Path) -> None:
        if not self.demo:
            QSettings().setValue(SETTINGS_FOLDER, str(folder))

    def run_task(self, fn, on_done, on_error, on_progress, on_cancelled) -> tasks.Task:
        runner = self.task_manager or tasks.manager()
        return runner.run(fn, on_done, on_error, on_progress, on_cancelled=on_cancelled, owner=self)

    def current_task(self) -> tasks.Task | None:
        for page in (self.check_page, self.import_page):
            task = page.task
            if task is not None and not task.is_finished:
                return task
        return None

    def reject(self) -> None:
        """Cancel stops the check or the import under way (the import is rolled back)."""
        task = self.current_task()
        if task is not None:
            task.cancel()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        task = self.current_task()
        if task is not None:
            task.cancel()
        super().closeEvent(event)
