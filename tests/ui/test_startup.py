"""Start-up (issue 10, point 15): the window's first paint needs Qt and the window's shell only;
SQLAlchemy, the models, the query engine and the export libraries load after it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]
#: Libraries the first paint must not wait for.
HEAVY = ("sqlalchemy", "alembic", "openpyxl", "xlsxwriter", "pandas", "docx", "lxml",
         "rapidfuzz", "phonenumbers", "babel")  # fmt: skip


def modules_after(code: str) -> set[str]:
    """Top-level packages and app modules loaded by *code*, run in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize(
    "code",
    [
        # python -m app: its module, then the window's start-up module (what main() imports)
        "import app.__main__\nimport app.ui.application",
        "import app.ui.main_window",
    ],
)
def test_the_window_entry_modules_do_not_import_the_heavy_libraries(code: str) -> None:
    loaded = modules_after(code)
    assert "PySide6.QtWidgets" in loaded  # the probe sees what was imported
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []
    assert sorted(m for m in loaded if m.startswith(("app.models", "app.query", "app.export"))) == []


def test_the_shell_is_painted_without_the_heavy_libraries() -> None:
    """Making and painting the window without a database imports none of them either."""
    code = (
        "from PySide6.QtWidgets import QApplication\n"
        "from app.ui.main_window import MainWindow\n"
        "app = QApplication([])\n"
        "window = MainWindow(None)\n"
        "window.show()\n"
        "app.processEvents()\n"
        "assert not window.grab().isNull()\n"
    )
    loaded = modules_after(code)
    assert sorted(m for m in loaded if m.split(".")[0] in HEAVY) == []


def test_the_check_above_can_fail() -> None:
    assert "sqlalchemy" in modules_after("import app.models.db")


def test_the_shell_says_the_database_is_opening_then_shows_the_screen(qtbot, database) -> None:
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.show()
    assert window.targeting is None
    assert window.findChild(type(window._waiting), "opening_label").isVisible()
    assert not window.overview_action.isEnabled()  # no database yet: nothing to look at
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Help"]
    window.show_database(database)
    assert window.targeting is not None and window.targeting.isVisible()
    assert window.overview_action.isEnabled()
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[0] == "File" and titles[-1] == "Help" and len(titles) > 4
    qtbot.waitUntil(lambda: window.targeting.count is not None, timeout=20_000)
    window.close()
