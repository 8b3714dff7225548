"""Cancel clicked while the import writes, on a database that already holds a dealership (a demo
and the example extracts): every table as it was, row for row — customers updated, refusals
added, suppression lists, ownerships and the import's own traces included."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt

from app.models.demo import generate_demo
from app.ui.dms import check
from app.ui.dms.wizard import EXAMPLES_DIR, ProfileStore
from tests.ui.dms.test_import_wizard import (  # noqa: F401 - the fixture that holds the import
    click_next,
    held,
    make_wizard,
    to_mapping,
    wait_task,
)


def dump(db: Path) -> list[str]:
    """Every row of every table (the write-ahead log included: read through SQLite)."""
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def extract(path: Path, n: int = 3000) -> Path:
    """Updates of the demo's customers (new names, a refusal of SMS), then new customers: more
    than one batch, so that the first is written when Cancel is clicked."""
    lines = ["N° client;Site;Nom;Prénom;CP;Ville;Portable;Refus SMS"]
    for i in range(n):
        lines.append(f"{100001 + i};TRS;NOM{i};Prénom;37000;Tours;06 {i % 100:02d} 00 00 00;Oui")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def test_cancel_while_the_import_writes_leaves_every_table_as_it_was(
    qtbot, database, db_path, manager, english, tmp_path, monkeypatch, held  # noqa: F811
) -> None:
    monkeypatch.setattr(check, "reports_dir", lambda: tmp_path / "reports")
    store = ProfileStore(database)
    generate_demo(database, 300, 1, today=dt.date.today())
    first = make_wizard(qtbot, database, manager, store, demo=True)
    held.set()
    to_mapping(qtbot, first, EXAMPLES_DIR / "clients_irium.csv")
    click_next(qtbot, first)
    wait_task(qtbot, first.check_page)
    click_next(qtbot, first)
    wait_task(qtbot, first.import_page)
    first.close()
    held.clear()
    before = dump(db_path)

    wizard = make_wizard(qtbot, database, manager, store)
    to_mapping(qtbot, wizard, extract(tmp_path / "clients.csv"))
    assert "customer.optout_sms" in wizard.state.mapping.values()
    click_next(qtbot, wizard)
    held.set()  # the check runs through
    wait_task(qtbot, wizard.check_page)
    assert wizard.state.check_result.updated > 0 and wizard.state.check_result.new > 0
    held.clear()
    click_next(qtbot, wizard)  # Import
    page = wizard.import_page
    qtbot.waitUntil(lambda: "imported" in page.progress_text.text(), timeout=60_000)
    assert page.cancel_button.isVisible() and page.cancel_button.isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    held.set()
    wait_task(qtbot, page)
    assert page.task.outcome == "cancelled", page.task.error
    assert "as it was" in page.message.text()
    assert dump(db_path) == before
