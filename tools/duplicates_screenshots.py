"""Screenshots of the duplicates window for the README (docs/duplicates-*.png).

    xvfb-run -s "-screen 0 1366x768x24" python tools/duplicates_screenshots.py [--lang fr] [--out docs] [--db PATH]

Makes a 10,000-customer demo database (unless --db names one), opens File › Duplicate customers
on a 1366×768 screen, searches, grabs the list, then opens the merge screen on a pair whose
names differ by a letter and grabs it. Needs a display (Xvfb); QT_QPA_PLATFORM=offscreen works
too but draws with another style.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QElapsedTimer
from PySide6.QtWidgets import QApplication

from app.models.db import open_database
from app.ui.duplicates import DuplicatesDialog
from app.ui.i18n import install_translators
from app.ui.tasks import TaskManager


def wait(app: QApplication, condition, ms: int = 60_000) -> None:
    timer = QElapsedTimer()
    timer.start()
    while not condition():
        app.processEvents()
        if timer.elapsed() > ms:
            raise SystemExit("timed out")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "fr"), default="fr")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    install_translators(args.lang, app)
    path = args.db or Path(tempfile.gettempdir()) / "cible-duplicates-screenshots.sqlite"
    if not path.exists():
        from app.models.demo import generate_demo

        made = open_database(path)
        generate_demo(made, customers=10_000, seed=1, today=dt.date(2026, 11, 23))
        made.dispose()
    database = open_database(path, create=False)
    manager = TaskManager()
    suffix = "" if args.lang == "en" else f"-{args.lang}"
    try:
        dialog = DuplicatesDialog(database, task_manager=manager)
        dialog.resize(1280, 680)
        dialog.move(40, 30)
        dialog.show()
        dialog.search()
        wait(app, lambda: not dialog.busy and dialog.candidates.rowCount() > 0)
        candidates = dialog.candidates.candidates
        row = next(
            i for i, c in enumerate(candidates)
            if {"close_name", "mobile"} <= {r.code for r in c.reasons}
        )  # fmt: skip
        dialog.candidates_view.selectRow(row)
        dialog.candidates_view.scrollTo(dialog.candidates.index(row, 0))
        wait(app, lambda: True)
        dialog.grab().save(str(args.out / f"duplicates{suffix}.png"))
        merge = dialog.compare()
        assert merge is not None
        merge.move(200, 40)
        wait(app, lambda: merge.merge_button.isEnabled())
        merge.grab().save(str(args.out / f"duplicates-merge{suffix}.png"))
        merge.reject()
        dialog.close()
    finally:
        manager.shutdown(20_000)
        database.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
