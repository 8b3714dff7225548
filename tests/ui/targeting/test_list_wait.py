"""A list that waits more than half a second says so, and Esc stops it (issue 10, point 6)."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import Qt
from targeting_helpers import make_screen

from app.ui.targeting import results
from app.ui.targeting.results import WAIT_NOTICE_MS


def test_a_slow_page_shows_the_notice_and_esc_stops_it(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    release = threading.Event()
    real = results.fetch_page

    def slow_fetch_page(*args, **kwargs):
        release.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(results, "fetch_page", slow_fetch_page)
    label = screen.grid.waiting_label
    started = time.perf_counter()
    screen.refresh_grid()
    assert screen.results.busy and label.isHidden()
    qtbot.waitUntil(label.isVisible, timeout=5_000)
    assert time.perf_counter() - started >= WAIT_NOTICE_MS / 1000 - 0.05
    assert "Esc" in label.text()
    qtbot.keyClick(screen.grid, Qt.Key.Key_Escape)
    release.set()
    qtbot.waitUntil(lambda: not screen.results.busy, timeout=10_000)
    assert label.isHidden()


def test_a_quick_page_shows_no_notice(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    screen.refresh_grid()
    qtbot.waitUntil(lambda: not screen.results.busy, timeout=10_000)
    qtbot.wait(WAIT_NOTICE_MS + 100)
    assert screen.grid.waiting_label.isHidden()
