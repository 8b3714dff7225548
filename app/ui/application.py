"""Start-up of the window: options, language, the database, the demo data, the main window.

    python -m app [--db PATH | --demo] [--lang fr|en] [TARGET.cible]

A target file given (Windows passes the double-clicked ``.cible`` file) is imported into the
window once the database is open, as Target › Import would.

Bad input (a file that is not a Cible database, a read-only location, a database made by a newer
Cible, a damaged file) gives a message box and the same line on stderr, exit code 2; the file is
left as it was (the checks are in :mod:`app.models.db`).
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import i18n
from app.cli.common import ArgumentParser, CommandError, error_line
from app.errors import CibleError
from app.resources import ICON_PNG
from app.ui import tasks
from app.ui.i18n import install_translators
from app.ui.main_window import MainWindow, run_and_wait

if TYPE_CHECKING:
    from app.models.db import Database

#: What the window needs beyond Qt, imported in the background once the window is on screen
#: (SQLAlchemy and the models among them: about half a second; issue 10, point 15).
CORE_MODULES = ("app.models.db", "app.query.engine")

EXIT_BAD_INPUT = 2
# Size of the demo database made on first use of ``--demo``.
DEMO_CUSTOMERS = 5000
DEMO_SEED = 1


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m app",
        add_help=False,
        description="Open Cible's window on a database.",
        epilog="Without --db or --demo, Cible opens the database named by the CIBLE_DATABASE_URL "
        "environment variable (any SQLAlchemy URL), or else its own file in the user's data "
        "folder. Commands for scripts: python -m app --help.",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db", metavar="PATH", help="the SQLite database file to open (created if missing)"
    )
    where.add_argument(
        "--demo", action="store_true",
        help="open the demo database (invented data, kept apart from the real one; made on first use)",
    )  # fmt: skip
    parser.add_argument(
        "--lang", choices=i18n.LANGUAGES,
        help="language of the window (default: the system's, French or English)",
    )  # fmt: skip
    parser.add_argument(
        "target", nargs="?", metavar="TARGET.cible",
        help="a target file to open in the window (.cible, or .json as written before)",
    )  # fmt: skip
    parser.add_argument("-h", "--help", action="store_true", help="show this help and exit")
    return parser


def _application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Cible")
    app.setOrganizationName("Cible")
    app.setApplicationDisplayName("Cible")
    if ICON_PNG.is_file():
        app.setWindowIcon(QIcon(str(ICON_PNG)))
    return app  # type: ignore[return-value]


def report_error(message: str, heading: str) -> None:
    """The same line on stderr and in a message box."""
    print(error_line(message), file=sys.stderr)
    QMessageBox.critical(None, "Cible", heading + "\n\n" + message)


def _open(location: str | os.PathLike[str] | None) -> Database:
    def work(ctx: tasks.TaskContext) -> Database:
        from app.models.db import open_database

        return open_database(location)

    label = QCoreApplication.translate("Application", "Opening the database…")
    return run_and_wait(work, label)  # type: ignore[return-value]


def _load_core() -> None:
    """Import :data:`CORE_MODULES` off the GUI thread: the window, already painted, keeps
    answering (a progress dialog shows if it takes long)."""
    label = QCoreApplication.translate("Application", "Opening the database…")
    try:
        run_and_wait(lambda ctx: [importlib.import_module(n) for n in CORE_MODULES], label)
    except tasks.TaskCancelled:  # not offered to the user; then they load when first used
        pass


def _generate_demo(path: Path) -> bool:
    """Write the demo database at *path* (via a temporary file: never half a database).

    Returns False if the user cancelled.
    """
    from app import files
    from app.models.db import open_database
    from app.models.demo import generate_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    accepts_progress = "progress" in inspect.signature(generate_demo).parameters

    def work(ctx: tasks.TaskContext) -> None:
        # a temporary file next to the demo database, renamed when complete (app.files)
        with files.atomic_path(path) as tmp:
            database = open_database(tmp)
            try:
                options: dict[str, object] = {"customers": DEMO_CUSTOMERS, "seed": DEMO_SEED}
                if accepts_progress:
                    options["progress"] = ctx.report
                generate_demo(database, **options)
                ctx.check_cancelled()
            finally:
                database.dispose()

    label = QCoreApplication.translate(
        "Application", "Making the demo database (%1 invented customers)…"
    ).replace("%1", i18n.format_count(DEMO_CUSTOMERS))
    try:
        run_and_wait(work, label, cancellable=True)
    except tasks.TaskCancelled:
        return False
    return True


def launch(argv: list[str]) -> MainWindow | int:
    """Everything before the event loop: the shown main window, or an exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except CommandError as error:
        print(f"{parser.format_usage().rstrip()}\n{error_line(str(error))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.help:
        print(parser.format_help().rstrip())
        return 0

    app = _application()
    install_translators(args.lang or i18n.system_locale(), app)
    cannot_open = QCoreApplication.translate("Application", "Cible cannot open the database.")
    # The window's shell first, painted before SQLAlchemy and the models are even imported;
    # then the database is opened and the last target run.
    window = MainWindow(None, demo=args.demo)
    probe = os.environ.get("CIBLE_STARTUP_PROBE")
    if probe:
        _probe_paint(window)
    window.show()
    app.processEvents()
    try:
        _load_core()
        from app.models.db import demo_db_path

        if args.demo:
            path = demo_db_path()
            if not path.exists():
                if not _generate_demo(path):
                    print("cible: the demo database was not made (cancelled)", file=sys.stderr)
                    window.close()
                    return 1
            database = _open(path)
        else:
            database = _open(args.db)
    except (CibleError, OSError) as error:
        window.close()
        report_error(str(error), cannot_open)
        return EXIT_BAD_INPUT
    for warning in database.warnings:
        print(f"cible: warning: {' '.join(warning.split())}", file=sys.stderr)
    if database.backup is not None:
        print(f"cible: upgraded the database; previous version saved in {database.backup}", file=sys.stderr)
    window.show_database(database, demo=args.demo)
    if args.target:
        window.targeting.import_file(args.target)
    if probe:
        _probe_target(window)
    return window


def _probe_paint(window: QWidget) -> None:
    """For bench/bench_startup.py: print ``first-paint`` when the window is first painted."""
    from PySide6.QtCore import QEvent, QObject

    class Probe(QObject):
        painted = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and not self.painted:
                self.painted = True
                print("first-paint", flush=True)
            return False

    probe = Probe(window)
    window.installEventFilter(probe)


def _probe_target(window: MainWindow) -> None:
    """For bench/bench_startup.py: print ``target-shown`` when the target's count is on
    screen, then quit."""
    from PySide6.QtCore import QTimer

    targeting = window.targeting
    assert targeting is not None

    def counted(_n: int) -> None:
        print("target-shown", flush=True)
        QTimer.singleShot(0, window.close)

    targeting.counted.connect(counted)


def run_gui(argv: list[str]) -> int:
    """``python -m app [options]``: open the window; return the process exit code."""
    result = launch(argv)
    if isinstance(result, int):
        return result
    window = result
    app = QApplication.instance()
    try:
        code = app.exec()
    finally:
        tasks.manager().shutdown(30_000)
        window.database.dispose()
    return code
