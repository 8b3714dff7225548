"""Screenshots of the DMS import wizard for the README (docs/import-*.png).

    xvfb-run -s "-screen 0 1366x768x24" python tools/import_screenshots.py --lang fr

Makes a small demo database (unless --db names one) and runs the wizard on the shipped example
extracts: the customers file (file, preview, columns saved as the profile "Irium clients", check,
result), a workbook whose second sheet is chosen (preview-sheet), then the vehicles file (its
result lists the change of owner). The database and the reports
go to a temporary folder. Runs offscreen unless a display is given (xvfb-run: real fonts and sizes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWizard  # noqa: E402

from app.models.db import open_database  # noqa: E402
from app.ui.i18n import install_translators  # noqa: E402
from app.ui.tasks import TaskManager  # noqa: E402


def workbook(path: Path) -> Path:
    """A DMS export saved as a workbook: a cover sheet first, then the customers, with codes
    typed as text and birth dates as date cells."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Lisez-moi"
    book.active.append(["Extraction DCS", "du 02/12/2026"])
    sheet = book.create_sheet("Clients")
    sheet.append(["N° client", "Civilité", "Nom", "Prénom", "CP", "Ville", "Portable",
                  "Date naissance"])  # fmt: skip
    sheet.append(["000123", "M.", "DUPRÉ", "Jean", "01000", "Bourg-en-Bresse",
                  "06 12 34 56 78", dt.date(1970, 12, 31)])  # fmt: skip
    sheet.append(["000124", "Mme", "LEFÈVRE", "Élodie", "37000", "Tours", "0698765432",
                  dt.date(1985, 2, 1)])  # fmt: skip
    sheet.append([2001, "M.", "MARTIN", "Luc", 1000, "Bourg-en-Bresse", None, None])
    book.save(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "fr"), default="fr")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    install_translators(args.lang, app)
    scratch = Path(tempfile.mkdtemp(prefix="cible-import-shots-"))
    path = args.db or scratch / "demo.sqlite"
    if not path.exists():
        from app.models.demo import generate_demo

        made = open_database(path)
        generate_demo(made, customers=500, seed=1, today=dt.date(2026, 11, 23))
        made.dispose()
    database = open_database(path, create=False)
    manager = TaskManager()

    from app.ui.dms import ImportWizard, check
    from app.ui.dms.wizard import EXAMPLES_DIR, ProfileStore

    check.reports_dir = lambda: scratch / "reports"
    store = ProfileStore(database)
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(done, ms: int = 30000) -> None:
        timer = QElapsedTimer()
        timer.start()
        while not done() and timer.elapsed() < ms:
            app.processEvents()

    def shot(wizard: ImportWizard, name: str) -> None:
        settle(lambda: False, 300)
        wizard.grab().save(str(args.out / f"import-{name}.png"))

    def next_page(wizard: ImportWizard) -> None:
        wizard.next()
        settle(lambda: False, 100)

    def idle(page) -> bool:
        return page.task is not None and page.task.is_finished and not manager.busy

    wizard = ImportWizard(database, demo=True, task_manager=manager, profiles=store)
    wizard.show()
    wizard.file_page.set_file(EXAMPLES_DIR / "clients_irium.csv")
    shot(wizard, "file")
    next_page(wizard)
    shot(wizard, "preview")
    next_page(wizard)
    wizard.mapping_page.save_profile("Irium clients")
    shot(wizard, "mapping")
    next_page(wizard)
    settle(lambda: idle(wizard.check_page))
    shot(wizard, "check")
    wizard.button(QWizard.WizardButton.CommitButton).click()
    settle(lambda: idle(wizard.import_page))
    wizard.done(0)

    wizard = ImportWizard(database, demo=True, task_manager=manager, profiles=store)
    wizard.show()
    wizard.file_page.set_file(workbook(scratch / "export.xlsx"))
    next_page(wizard)
    wizard.preview_page.sheet_combo.setCurrentIndex(1)
    shot(wizard, "preview-sheet")
    wizard.done(0)

    wizard = ImportWizard(database, demo=True, task_manager=manager, profiles=store)
    wizard.show()
    wizard.file_page.set_file(EXAMPLES_DIR / "vehicules_dcs.csv")
    next_page(wizard)
    next_page(wizard)
    next_page(wizard)
    settle(lambda: idle(wizard.check_page))
    wizard.button(QWizard.WizardButton.CommitButton).click()
    settle(lambda: idle(wizard.import_page))
    shot(wizard, "result")
    wizard.done(0)
    manager.shutdown(20000)
    database.dispose()
    print(f"screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
