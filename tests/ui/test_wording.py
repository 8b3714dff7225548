"""The window's French wording (issue 10, point 12)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.query.catalog import get_field
from app.ui.main_window import MainWindow
from app.ui.targeting.criteria_model import CriteriaTreeModel

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("ts", sorted((ROOT / "app" / "resources" / "i18n").glob("*_fr.ts")), ids=lambda p: p.name)
def test_french_translations_use_the_typographic_apostrophe(ts: Path) -> None:
    translations = re.findall(r"<translation[^>]*>(.*?)</translation>", ts.read_text(), re.S)
    assert translations
    straight = [t for t in translations if "'" in t or "&apos;" in t]
    assert straight == []


@pytest.fixture
def french(qapp):
    from app.ui.i18n import install_translators

    install_translators("fr", qapp)
    yield
    install_translators("en", qapp)


def test_the_overview_window_has_the_menu_s_name(qtbot, database, manager, french) -> None:
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    command = window.overview_action.text().replace("&", "").rstrip("…")
    dialog = window.show_overview()
    assert command == "Vue d’ensemble de la base"
    assert dialog.windowTitle() == command
    dialog.close()


def test_cible_is_not_twice_in_the_title(qtbot, database, manager, english) -> None:
    window = MainWindow(database, task_manager=manager)
    qtbot.addWidget(window)
    assert "Cible" not in window.windowTitle()  # Qt adds "— Cible", the application's name
    assert window.windowTitle().endswith(" — " + database.path.name)


def test_plain_words_in_the_tree_and_the_fields(english) -> None:
    model = CriteriaTreeModel()
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Second value, unit or option"
    assert get_field("customer.company").label("fr") == "Raison sociale"
    assert get_field("customer.is_company").label("fr") == "Client société (personne morale)"
