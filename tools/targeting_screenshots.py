"""Screenshots of the targeting window on the demo database, for docs/ and the README.

    xvfb-run -a -s "-screen 0 1600x1000x24" python tools/targeting_screenshots.py [--lang fr]

Drives the window through the seed's examples (CLIO and LAGUNA; MINI or TWIZY; vehicles older
than 3 years with a leasing company removed; an invalid date) and the dialogs, and writes
``docs/targeting-*.png`` at 1366 x 768 (256 colours if ImageMagick's ``convert`` is there). The demo database is made first if missing; the window's
settings go to a temporary folder (the user's own are not touched).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", type=Path, default=Path(tempfile.gettempdir()) / "cible-shots.sqlite"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--customers", type=int, default=5000)
    args = parser.parse_args(argv)
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cible-shots-")
    sys.path.insert(0, str(ROOT))

    from app.models.db import open_database

    if not args.db.exists():
        from app.models.demo import generate_demo

        database = open_database(args.db)
        generate_demo(database, customers=args.customers)
        database.dispose()

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QWidget

    from app.query.criteria import Op
    from app.query.saved import save_target
    from app.query.target import Target
    from app.ui.application import launch
    from app.ui.targeting.criteria_model import COL_MORE, COL_VALUE
    from app.ui.targeting.fields import FieldsDialog, SortDialog
    from app.ui.targeting.saved_dialogs import OpenTargetDialog

    window = launch(["--db", str(args.db), "--lang", args.lang])
    if isinstance(window, int):
        return window
    app = QApplication.instance()
    window.resize(1366, 768)
    window.show()
    screen = window.targeting
    editor = screen.editor
    args.out.mkdir(parents=True, exist_ok=True)

    def wait(condition: Callable[[], bool], timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise SystemExit("the window did not answer in time")
            app.processEvents()
            time.sleep(0.02)

    def settle() -> None:
        def idle() -> bool:
            task = screen._count_task
            counting = task is not None and not task.is_finished
            return not screen._timer.isActive() and not screen.results.busy and not counting

        wait(idle)
        for _ in range(10):
            app.processEvents()
            time.sleep(0.02)

    def shot(widget: QWidget, name: str) -> None:
        settle()
        path = args.out / f"targeting-{name}.png"
        widget.grab().save(str(path))
        if shutil.which("convert"):  # ImageMagick: a 256-colour PNG, half the size
            subprocess.run(["convert", str(path), "-colors", "256", f"PNG8:{path}"], check=True)
        print(path)

    def line(
        key: str, text: str, row: int = 0, op: Op | None = None, unit: str | None = None
    ) -> None:
        model = editor.model
        index = model.line_indexes(key)[row]
        editor.select(index)
        if op is not None:
            editor.set_operator(op)
        model.setData(model.line_indexes(key)[row].siblingAtColumn(COL_VALUE), text)
        if unit is not None:
            model.setData(model.line_indexes(key)[row].siblingAtColumn(COL_MORE), unit)
        editor.select(model.line_indexes(key)[row].siblingAtColumn(COL_VALUE))

    settle()
    shot(window, "start")
    line("vehicle.model", "%CLIO%")
    line("vehicle.model", "%LAGUNA%", row=1)
    shot(window, "clio-and-laguna")

    screen.set_target(screen._blank())
    brands = editor.model._fields["vehicle.brand"]
    wait(lambda: any(c.choice.value == "MINI" for c in brands.choices()))
    mini = editor.model.choice_index("vehicle.brand", "MINI")
    editor.select(mini)
    editor.model.setData(mini, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    editor.add_group()
    line("vehicle.model", "%TWIZY%")
    shot(window, "or-group")

    screen.set_target(screen._blank())
    line("vehicle.first_registration", "3", op=Op.MORE_THAN_AGO, unit="years")
    settle()
    company = screen.current_target().columns.index("customer.company")
    fleet = [r for r in screen.results.rows if r.values[company]]  # the first leasing company
    if fleet:  # (sorted by name, it comes among the persons: ALD AUTOMOTIVE after ADAM)
        screen.results.set_removed({fleet[0].customer_id}, True)
        screen.grid.selectRow(2)
    shot(window, "removed")
    line("vehicle.inspection_due_date", "31/02/2025", op=Op.GE)
    screen.grid.clearSelection()
    shot(window, "invalid-value")

    dialog = FieldsDialog(screen.current_target().columns, window)
    dialog.show()
    dialog.tick("vehicle.inspection_due_date")
    shot(dialog, "fields-dialog")
    dialog.close()
    dialog = SortDialog([], window)
    dialog.show()
    dialog.tick("vehicle.first_registration")
    dialog.tick("customer.last_name")
    dialog.toggle_direction()
    shot(dialog, "sort-dialog")
    dialog.close()
    examples = (
        ("VEHICULES PLUS DE 12 ANS", "Véhicules dont la MEC a plus de 12 ans (hors L.D.D.)"),
        ("CLIO ET LAGUNA", "Clients possédant les deux modèles"),
        ("CT_RORO", ""),
    )
    for name, description in examples:
        target = Target(name=name, description=description)
        screen._db(lambda conn, t=target: save_target(conn, t, overwrite=True), write=True)
    dialog = OpenTargetDialog(screen._list(), lambda names: 0, window)
    dialog.show()
    shot(dialog, "open-dialog")
    dialog.close()
    screen.forget_changes()  # nothing to ask about on close
    window.close()
    window.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
