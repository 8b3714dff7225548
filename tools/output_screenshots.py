"""Screenshots of the Export and SMS dialogs for the README (docs/output-*.png).

    python tools/output_screenshots.py [--lang en|fr] [--out docs] [--db PATH]

Makes a 2,000-customer demo database (unless --db names one), puts a target on it (Renault
vehicles first registered more than 8 years ago, one row per customer) and grabs the Excel
export, mail-merge and SMS dialogs once their counts are read. Runs offscreen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.models.db import open_database  # noqa: E402
from app.query.criteria import Condition, Group  # noqa: E402
from app.query.target import Target  # noqa: E402
from app.ui.i18n import install_translators  # noqa: E402
from app.ui.tasks import TaskManager  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--out", type=Path, default=Path("docs"))
    parser.add_argument("--db", type=Path)
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    install_translators(args.lang, app)
    path = args.db or Path(tempfile.gettempdir()) / "cible-screenshots.sqlite"
    if not path.exists():
        from app.models.demo import generate_demo

        made = open_database(path)
        generate_demo(made, customers=2000, seed=1, today=dt.date(2026, 11, 23))
        made.dispose()
    database = open_database(path, create=False)
    manager = TaskManager()
    target = Target(
        name="Rappel entretien Renault" if args.lang == "fr" else "Renault service reminder",
        grain="customer",
        columns=[
            "customer.civility",
            "customer.last_name",
            "customer.first_name",
            "customer.postal_code",
            "customer.city",
            "customer.phone_mobile",
            "vehicle.brand",
            "vehicle.model",
            "vehicle.plate",
        ],
        criteria=Group(
            "all",
            [
                Condition("vehicle.brand", "in", ["RENAULT"]),
                Condition("vehicle.first_registration", "more_than_ago", [8], unit="years"),
            ],
        ),
    )

    def settle(done, ms: int = 20000) -> None:
        timer = QElapsedTimer()
        timer.start()
        while not done() and timer.elapsed() < ms:
            app.processEvents()

    def counted(dialog) -> bool:
        return dialog.funnel_tree.topLevelItemCount() > 0 and not manager.busy

    from app.ui.exports.excel_dialog import ExcelExportDialog
    from app.ui.exports.merge_dialog import MailMergeDialog
    from app.ui.sms.send_dialog import SmsSendDialog

    args.out.mkdir(parents=True, exist_ok=True)
    excel = ExcelExportDialog(database, target, task_manager=manager)
    excel.mailing_check.setChecked(True)
    excel.show()
    settle(lambda: counted(excel))
    excel.grab().save(str(args.out / "output-excel.png"))
    merge = MailMergeDialog(database, target, task_manager=manager)
    merge.household_check.setChecked(True)
    merge.show()
    settle(lambda: counted(merge))
    merge.grab().save(str(args.out / "output-letters.png"))
    sms = SmsSendDialog(database, target, task_manager=manager)
    sms.show()
    settle(lambda: counted(sms))
    sms.body_edit.setPlainText(
        "Bonjour {civilité} {nom}, votre {modèle} {immatriculation} a bientôt besoin de son "
        "entretien. Prenez rendez-vous au 02 47 00 00 00."
    )
    settle(lambda: False, 1500)
    settle(lambda: not manager.busy)
    sms.grab().save(str(args.out / "output-sms.png"))
    for dialog in (excel, merge, sms):
        dialog.done(0)
    manager.shutdown(20000)
    database.dispose()
    print(f"screenshots written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
