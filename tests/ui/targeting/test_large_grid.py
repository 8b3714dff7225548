"""The results grid on 150,000 rows: pages as the user scrolls, never every row at once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import insert

from app.models.db import open_database
from app.models.dealership import Customer, Vehicle
from app.query.target import SortKey, Target
from app.ui.targeting import TargetingScreen
from app.ui.targeting.results import PAGE_SIZE

CUSTOMERS = 50_000
VEHICLES = 150_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    """150,000 vehicles in use (3 per customer), written with Core executemany."""
    db = open_database(tmp_path_factory.mktemp("big") / "big.sqlite")
    with db.engine.begin() as conn:
        conn.execute(
            insert(Customer.__table__),
            [
                {"id": i, "dms_ref": f"C{i}", "civility": "Monsieur", "last_name": f"NOM{i:06d}",
                 "last_name_fold": f"NOM{i:06d}", "postal_code": "37000", "city": "TOURS"}
                for i in range(1, CUSTOMERS + 1)
            ],
        )  # fmt: skip
        conn.execute(
            insert(Vehicle.__table__),
            [
                {"id": j, "owner_id": (j - 1) % CUSTOMERS + 1, "plate": f"AA-{j:06d}",
                 "brand": "RENAULT", "model": "CLIO", "model_fold": "CLIO",
                 "first_registration": dt.date(2000 + j % 20, 1 + j % 12, 1)}
                for j in range(1, VEHICLES + 1)
            ],
        )  # fmt: skip
    yield db
    db.dispose()


@pytest.mark.slow
def test_scrolls_to_the_last_row_page_by_page(qtbot, big_db, manager) -> None:
    screen = TargetingScreen(task_manager=manager, debounce_ms=5, restore_last=False)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    screen.database = big_db  # no saved target to restore: show a sorted target straight away
    with qtbot.waitSignal(screen.counted, timeout=30_000):
        screen.set_target(Target(sort=[SortKey("customer.id", True)]))
    model = screen.results
    qtbot.waitUntil(lambda: not model.busy, timeout=30_000)
    assert screen.count == VEHICLES
    assert screen.count_label.text() == "150,000 records"
    # the view shows the first page only
    assert model.rowCount() == PAGE_SIZE
    assert model.fetch_log == [(0, PAGE_SIZE, PAGE_SIZE)]

    # Scrolling to the bottom of what is loaded asks for exactly one more page
    view = screen.grid
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE_SIZE and not model.busy, timeout=30_000)
    assert model.fetch_log[-1] == (PAGE_SIZE, PAGE_SIZE, PAGE_SIZE)

    # Ctrl+End: the last page, fetched directly; the rows before it are not read
    view.setFocus()
    started = time.perf_counter()
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.exhausted and not model.busy, timeout=60_000)
    print(f"Ctrl+End on {VEHICLES:,} rows: {time.perf_counter() - started:.2f} s")
    assert model.rowCount() == VEHICLES
    assert (VEHICLES - PAGE_SIZE, PAGE_SIZE, PAGE_SIZE) in model.fetch_log
    read = sum(1 for row in model.rows if row is not None)
    assert read <= 5 * PAGE_SIZE  # the first pages, the last one and the ones shown: not 150,000
    qtbot.waitUntil(lambda: view.currentIndex().row() == VEHICLES - 1, timeout=10_000)
    last = model.index(VEHICLES - 1, 2)
    assert view.visualRect(last).intersects(view.viewport().rect())
    # sorted by customer number, descending: the last rows are customer 1's
    assert last.data() == "NOM000001"
    assert model.index(0, 2).data() == f"NOM{CUSTOMERS:06d}"

    # a row in the middle is "…" until its page is read, as it comes into view
    middle = VEHICLES // 2
    assert model.rows[middle] is None
    view.scrollTo(model.index(middle, 2))
    qtbot.waitUntil(lambda: model.rows[middle] is not None, timeout=30_000)
    assert model.index(middle, 2).data().startswith("NOM")
