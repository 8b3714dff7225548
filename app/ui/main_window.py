"""The main window: the targeting screen on the open database.

Menus: File (Open database…, Database overview…, Duplicate customers…, Import from the DMS…, Sites…, Quit), then the targeting screen's Target,
Query and List menus, Export, SMS and E-mail (:mod:`app.ui.outputs`), Programs (:mod:`app.ui.programs`), then Help. Warnings about the database (network share, no WAL) and notices
(backup made before an upgrade, demo data) are shown in bars above the screen.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QCoreApplication, QEventLoop, QSettings, Qt, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import CibleError
from app.ui import tasks
from app.ui.fit import bound_to_screen, fit_to_screen

if TYPE_CHECKING:  # start-up: SQLAlchemy, the models and the screens load after the first paint
    from app.models.db import Database
    from app.query.target import Target
    from app.ui.duplicates import DuplicatesDialog
    from app.ui.outputs import OutputMenus
    from app.ui.overview import DatabaseOverviewDialog
    from app.ui.targeting import TargetingScreen

_BAR_STYLES = {
    "warning": "background:#fff4ce; border:1px solid #e0c060; color:#3b2f00;",
    "info": "background:#e6f0fb; border:1px solid #9cbbe0; color:#0b2a4a;",
    "error": "background:#fde8e7; border:1px solid #e3a09c; color:#5c1410;",
}


class MessageBar(QFrame):
    """A coloured line of text above the window's content, closed with its × button.

    *details* (e.g. a traceback) are shown by a Details… button, for support.
    """

    def __init__(
        self,
        text: str,
        kind: str = "info",
        parent: QWidget | None = None,
        *,
        details: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.details = details
        self.setObjectName(f"{kind}_bar")
        self.setStyleSheet(f"#{kind}_bar {{{_BAR_STYLES[kind]} border-radius:4px;}}")
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setStyleSheet("border:none; background:transparent;")
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Hide this message"))
        close.clicked.connect(self.hide)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        self.details_button: QToolButton | None = None
        if details:
            self.details_button = QToolButton()
            self.details_button.setText(self.tr("Details…"))
            self.details_button.setAutoRaise(True)
            self.details_button.clicked.connect(self.show_details)
            layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)

    def text(self) -> str:
        return self.label.text()

    def show_details(self) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Details"), self.text(), parent=self)
        box.setDetailedText(self.details or "")
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.open()
        return box


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def version() -> str:
    from importlib import metadata  # not at start-up: it costs ~50 ms of imports

    try:
        return metadata.version("cible")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "dev"


def database_notices(database: Database, *, demo: bool = False) -> list[tuple[str, str]]:
    """(kind, text) of what the user should know about a database just opened."""
    notices: list[tuple[str, str]] = []
    if demo:
        notices.append(
            (
                "info",
                QCoreApplication.translate(
                    "MainWindow",
                    "This is the demo database: invented customers and vehicles, safe to try anything. It is kept apart from your real data.",
                ),
            )
        )
    if database.backup is not None:
        text = QCoreApplication.translate(
            "MainWindow",
            "The database was upgraded to this version of Cible. A copy of it as it was before the upgrade is saved in %1",
        )
        notices.append(("info", text.replace("%1", str(database.backup))))
    for warning in database.warnings:
        notices.append(("warning", warning))
    return notices


def run_and_wait(
    fn: Callable[[tasks.TaskContext], object],
    label: str,
    parent: QWidget | None = None,
    *,
    cancellable: bool = False,
    task_manager: tasks.TaskManager | None = None,
) -> object:
    """Run *fn* in the background behind a progress dialog; return its result or raise its error.

    For the few moments where nothing else can happen until the work is done (opening a database
    at start-up or from File > Open). Raises :class:`tasks.TaskCancelled` on Cancel.
    """
    outcome: dict[str, object] = {}
    loop = QEventLoop()
    runner = task_manager or tasks.manager()
    task = runner.run(
        fn,
        lambda result: outcome.update(result=result),
        lambda error: outcome.update(error=error),
        on_cancelled=lambda: outcome.update(error=tasks.TaskCancelled()),
    )
    task.finished.connect(loop.quit)
    tasks.show_progress(task, label, parent, cancellable=cancellable)
    if not task.is_finished:
        loop.exec()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome.get("result")


class MainWindow(QMainWindow):
    """Cible's window on one open database. It owns that database and disposes of it.

    For other menus (exports, SMS): :attr:`database` and :meth:`current_target`.
    """

    def __init__(
        self,
        database: Database | None,
        *,
        demo: bool = False,
        task_manager: tasks.TaskManager | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """*database* None: the window's shell shows at once (menus File and Help, a line
        saying the database is opening); :meth:`show_database` builds the targeting screen and
        fills it. Start-up paints that shell before importing SQLAlchemy, the models and the
        screens (issue 10, point 15)."""
        super().__init__(parent)
        self._tasks = task_manager
        self.database: Database = database  # type: ignore[assignment]  # None until shown
        self.overview_dialog: DatabaseOverviewDialog | None = None
        self.duplicates_dialog: DuplicatesDialog | None = None
        self.sites_dialog: QWidget | None = None
        self.import_wizard = None
        self.targeting: TargetingScreen | None = None  # type: ignore[assignment]
        self.outputs: OutputMenus | None = None  # type: ignore[assignment]
        self.programs_window = None
        self.due_programs_bar: MessageBar | None = None
        self._demo = demo
        self.setObjectName("main_window")
        self.setWindowTitle("Cible")
        fit_to_screen(self, 1280, 780)

        central = QWidget()
        self._bars = QVBoxLayout()
        self._bars.setContentsMargins(12, 8, 12, 0)
        self._bars.setSpacing(6)
        self._layout = QVBoxLayout(central)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addLayout(self._bars)
        self._waiting = QLabel(self.tr("Opening the database…"))
        self._waiting.setObjectName("opening_label")
        self._waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._waiting.setStyleSheet("color: palette(mid); font-size: 14pt;")
        self._layout.addWidget(self._waiting, 1)
        self.setCentralWidget(central)

        self._build_menus()
        for action in self._database_actions():
            action.setEnabled(False)  # until there is a database (start-up opens it after paint)
        self._restore_geometry()
        if database is not None:
            self._show_database(database, demo=demo)
        else:
            self.setWindowTitle(self.tr("Opening the database…"))

    def _build_screen(self) -> None:
        """The targeting screen and its menus, Export and SMS: what needs the query engine
        (and so SQLAlchemy and the models), made once, when the database is known."""
        if self.targeting is not None:
            return
        from app.ui.outputs import OutputMenus
        from app.ui.targeting import TargetingScreen

        central = self.centralWidget()
        self.targeting = TargetingScreen(parent=central, task_manager=self._tasks)
        self.targeting.title_changed.connect(self._update_title)
        self._layout.removeWidget(self._waiting)
        self._waiting.deleteLater()
        self._layout.addWidget(self.targeting, 1)
        self.targeting.show()
        help_action = self.help_menu.menuAction()
        for menu in self.targeting.menus():
            self.menuBar().insertMenu(help_action, menu)
        self.outputs = OutputMenus(
            self, self.current_target, self.add_message, task_manager=self._tasks
        )
        for menu in self.outputs.menus():
            self.menuBar().insertMenu(help_action, menu)
        programs_menu = QMenu(self.tr("&Programs"), self)
        self.programs_action = QAction(self.tr("&Loyalty programs…"), self)
        self.programs_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.programs_action.setStatusTip(
            self.tr("Reminders that run by themselves: services, CT, warranty ends, welcomes…")
        )
        self.programs_action.triggered.connect(self.show_programs)
        programs_menu.addAction(self.programs_action)
        self.menuBar().insertMenu(help_action, programs_menu)

    def show_database(self, database: Database, *, demo: bool = False) -> None:
        """Show *database* in a window made without one (start-up)."""
        self._show_database(database, demo=demo)

    def current_target(self) -> Target:
        """The target on screen: columns, criteria, sort order, removed customers, grain."""
        return self.targeting.current_target()

    # -- menus ------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        self.open_action = QAction(self.tr("Open &database…"), self)
        self.open_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_action.setStatusTip(self.tr("Open another Cible database file"))
        self.open_action.triggered.connect(self.choose_database)
        file_menu.addAction(self.open_action)
        self.overview_action = QAction(self.tr("Database &overview…"), self)
        self.overview_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.overview_action.setStatusTip(
            self.tr("What is in this database: customers, vehicles, invoices…")
        )
        self.overview_action.triggered.connect(self.show_overview)
        file_menu.addAction(self.overview_action)
        self.duplicates_action = QAction(self.tr("Duplicate &customers…"), self)
        self.duplicates_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.duplicates_action.setStatusTip(self.tr("Find customers entered twice and merge them"))
        self.duplicates_action.triggered.connect(self.show_duplicates)
        file_menu.addAction(self.duplicates_action)
        self.import_action = QAction(self.tr("&Import from the DMS…"), self)
        self.import_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.import_action.setStatusTip(
            self.tr("Bring in customers, vehicles, workshop invoices or sales from a DMS extract")
        )
        self.import_action.triggered.connect(self.show_import)
        file_menu.addAction(self.import_action)
        self.sites_action = QAction(self.tr("&Sites…"), self)
        self.sites_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.sites_action.setStatusTip(
            self.tr("Each site's address, phone, e-mail and links, as its letters print them")
        )
        self.sites_action.triggered.connect(self.show_sites)
        file_menu.addAction(self.sites_action)
        file_menu.addSeparator()
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        # the targeting screen's menus, Export and SMS come before Help (_build_screen)
        help_menu = self.help_menu = self.menuBar().addMenu(self.tr("&Help"))
        self.guide_action = QAction(self.tr("&User guide (French)"), self)
        self.guide_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.guide_action.triggered.connect(self.show_guide)
        help_menu.addAction(self.guide_action)
        self.shortcuts_action = QAction(self.tr("&Keyboard shortcuts"), self)
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        self.about_action = QAction(self.tr("&About Cible"), self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def show_overview(self) -> DatabaseOverviewDialog:
        """The database overview in its own window (counted again each time)."""
        if self.overview_dialog is not None:
            self.overview_dialog.close()
            self.overview_dialog.deleteLater()
        from app.ui.overview import DatabaseOverviewDialog

        self.overview_dialog = DatabaseOverviewDialog(self.database, self, task_manager=self._tasks)
        self.overview_dialog.show()
        return self.overview_dialog

    def show_sites(self) -> QWidget:
        """File › Sites…: each site's own details (what letters print about it)."""
        from app.ui.sites import SitesDialog

        if self.sites_dialog is not None:
            self.sites_dialog.close()
            self.sites_dialog.deleteLater()
        self.sites_dialog = SitesDialog(self.database, self)
        self.sites_dialog.show()
        return self.sites_dialog

    def show_duplicates(self) -> DuplicatesDialog:
        """Duplicate customers: probable pairs, the merge screen, past merges."""
        if self.duplicates_dialog is not None:
            self.duplicates_dialog.close()
            self.duplicates_dialog.deleteLater()
        from app.ui.duplicates import DuplicatesDialog

        self.duplicates_dialog = DuplicatesDialog(self.database, self, task_manager=self._tasks)
        self.duplicates_dialog.show()
        return self.duplicates_dialog
    def show_programs(self):
        """Programs › Loyalty programs: the dashboard."""
        from app.ui.programs import ProgramsWindow

        if self.programs_window is not None:
            self.programs_window.close()
            self.programs_window.deleteLater()
        self.programs_window = ProgramsWindow(self.database, self, task_manager=self._tasks)
        self.programs_window.show()
        return self.programs_window

    def offer_due_programs(self, today=None):
        """Programs due today that have not run yet: a bar that opens the dashboard.

        The question goes to the task runner (one query per dated program) so the window answers
        while the database is read; :attr:`due_programs_bar` holds the bar once shown. Returns the task.
        """
        import datetime as dt

        database = self.database
        day = today or dt.date.today()

        def work(ctx: tasks.TaskContext) -> list:
            from app.programs import due_programs

            return list(due_programs(database, day))

        def done(due: list) -> None:
            if self.database is database:
                self._show_due_programs(due)

        def failed(error: BaseException) -> None:
            # a database that cannot answer (older schema, locked) already has its own notice
            if not isinstance(error, CibleError):
                import traceback

                traceback.print_exception(error)

        runner = self._tasks or tasks.manager()
        return runner.run(work, done, failed, owner=self)

    def _show_due_programs(self, due: list) -> MessageBar | None:
        if not due:
            return None
        text = (
            self.tr("One loyalty program due today has not run yet.")
            if len(due) == 1
            else self.tr("%1 loyalty programs due today have not run yet.").replace(
                "%1", i18n.format_count(len(due))
            )
        )
        bar = self.add_message(text, "info")
        button = QToolButton()
        button.setText(self.tr("Open the programs…"))
        button.setAutoRaise(True)
        button.clicked.connect(self.show_programs)
        button.clicked.connect(bar.hide)
        bar.layout().insertWidget(1, button)
        bar.open_button = button
        self.due_programs_bar = bar
        return bar

    def show_import(self):
        """File › Import from the DMS…: the import wizard on this database."""
        from app.ui.dms import ImportWizard

        if self.import_wizard is not None:
            self.import_wizard.close()
            self.import_wizard.deleteLater()
        wizard = ImportWizard(self.database, self, demo=self._demo, task_manager=self._tasks)
        wizard.import_page.imported.connect(self._imported)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def _imported(self, result) -> None:
        """After an import: the grid shows the new data."""
        self.targeting.refresh()

    # -- database ---------------------------------------------------------------------------
    def _database_actions(self) -> list[QAction]:
        return [self.open_action, self.overview_action, self.duplicates_action, self.import_action]

    def _show_database(self, database: Database, *, demo: bool = False) -> None:
        self._build_screen()
        for action in self._database_actions():
            action.setEnabled(True)
        self._demo = demo
        self.database = database
        self.clear_messages()
        for kind, text in database_notices(database, demo=demo):
            self.add_message(text, kind)
        self.targeting.set_database(database)
        self.outputs.set_database(database)
        self._update_title()
        self.offer_due_programs()

    def _update_title(self) -> None:
        name = self.database.path.name if self.database.path else self.database.location
        self.setWindowTitle(
            # Qt adds the application's name ("— Cible") itself
            self.tr("%1[*] — %2").replace("%1", self.targeting.display_name()).replace("%2", name)
        )
        self.setWindowModified(self.targeting.is_modified())

    def messages(self) -> list[MessageBar]:
        bars = (self._bars.itemAt(i).widget() for i in range(self._bars.count()))
        return [bar for bar in bars if isinstance(bar, MessageBar)]

    def add_message(self, text: str, kind: str = "info") -> MessageBar:
        bar = MessageBar(text, kind)
        self._bars.addWidget(bar)
        return bar

    def clear_messages(self) -> None:
        for bar in self.messages():
            self._bars.removeWidget(bar)
            bar.deleteLater()

    def choose_database(self) -> None:
        start = str(self.database.path.parent) if self.database.path else os.path.expanduser("~")
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a Cible database"),
            start,
            self.tr("Cible databases (*.sqlite *.db);;All files (*)"),
        )
        if path:
            self.open_database(Path(path))

    def open_database(self, path: Path) -> bool:
        """Open *path* instead of the current database; on failure say why and keep the current one."""
        if not self.targeting.maybe_save():
            return False
        from app.models.db import open_database

        self.open_action.setEnabled(False)
        try:
            database = run_and_wait(
                lambda ctx: open_database(path, create=False),
                self.tr("Opening the database…"),
                self,
                task_manager=self._tasks,
            )
        except (CibleError, OSError) as error:
            QMessageBox.critical(
                self,
                self.tr("Cible"),
                self.tr("Cible cannot open this database.") + "\n\n" + str(error),
            )
            return False
        finally:
            self.open_action.setEnabled(True)
        old = self.database
        self.targeting.shutdown()
        self._show_database(database)  # type: ignore[arg-type]
        if self.overview_dialog is not None:
            self.overview_dialog.close()
        if self.duplicates_dialog is not None:
            self.duplicates_dialog.close()
            self.duplicates_dialog.deleteLater()
            self.duplicates_dialog = None
        if self.sites_dialog is not None:
            self.sites_dialog.close()
            self.sites_dialog.deleteLater()
            self.sites_dialog = None
        if self.import_wizard is not None:
            self.import_wizard.close()
        if self.programs_window is not None:
            self.programs_window.close()
            self.programs_window.deleteLater()
            self.programs_window = None
        old.dispose()
        return True

    # -- help -------------------------------------------------------------------------------
    def show_guide(self) -> QWidget:
        from app.ui.help import GuideWindow

        window = GuideWindow(self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        return window

    def show_shortcuts(self) -> QWidget:
        from app.ui.help import ShortcutsDialog

        dialog = ShortcutsDialog(self.menuBar(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def help_windows(self) -> list[QWidget]:
        """The Help menu's windows, made but not shown (for the screen-fit test)."""
        from app.ui.help import GuideWindow, ShortcutsDialog

        return [ShortcutsDialog(self.menuBar(), self), GuideWindow(self)]

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About Cible"), self.about_text())

    def about_text(self) -> str:
        return (
            f"<h3>Cible {version()}</h3><p>"
            + self.tr(
                "Customer and vehicle targeting for car-dealership back offices: select customers and vehicles, then reach them by letter, Excel list, SMS or phone."
            )
            + "</p><p>"
            + self.tr("Database: %1").replace("%1", _html(self.database.location))
            + "</p><p>"
            + "<br>".join(_html(line) for line in self.locations())
            + f"</p><p><small>Python {platform.python_version()} · Qt {qVersion()}</small></p>"
        )

    def locations(self) -> list[str]:
        """Where the user's files live (About): data folder, settings, backups."""
        from app.models.db import data_dir

        if self.database.path is not None:
            backups = self.tr("%1, next to the database (NAME.backup-DATE-TIME.sqlite)").replace(
                "%1", str(self.database.path.parent)
            )
        else:
            backups = self.tr("kept by the database server (its administrator makes them)")
        return [
            self.tr("Data folder: %1").replace("%1", str(data_dir())),
            self.tr("Settings: %1").replace("%1", QSettings().fileName()),
            self.tr("Backups: %1").replace("%1", backups),
        ]

    # -- window state -----------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if isinstance(geometry, QByteArray | bytes) and geometry:
            self.restoreGeometry(geometry)
            bound_to_screen(self)  # saved on a larger screen, or with another taskbar

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.targeting is not None and not self.targeting.maybe_save():
            event.ignore()
            return
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        if self.targeting is not None:
            self.targeting.save_state()
            self.targeting.shutdown()
        if self.outputs is not None:
            self.outputs.shutdown()
        if self.overview_dialog is not None:
            self.overview_dialog.close()
        if self.duplicates_dialog is not None:
            self.duplicates_dialog.close()
        if self.sites_dialog is not None:
            self.sites_dialog.close()
        if self.import_wizard is not None:
            self.import_wizard.close()
        if self.programs_window is not None:
            self.programs_window.close()
        super().closeEvent(event)
