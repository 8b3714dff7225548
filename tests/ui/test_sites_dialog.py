"""File › Sites…: each site's details, edited in a form built from SITE_FIELDS."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.models import Site
from app.models.sites import SITE_FIELDS
from app.ui.sites import SitesDialog


@pytest.fixture
def two_sites(database):
    with database.session() as s:
        s.add_all(
            [
                Site(code="TRS", name="Garage de Tours", city="Tours", phone="02 47 20 45 60"),
                Site(code="BLO", name="Garage de Blois", subdivision="FR-41"),
            ]
        )
    return database


@pytest.fixture
def asked(monkeypatch):
    """QMessageBox answers queued by the test; questions and warnings are recorded."""
    record = {"questions": [], "warnings": [], "answers": []}

    def question(parent, title, text, *args, **kwargs):
        record["questions"].append(text)
        return record["answers"].pop(0) if record["answers"] else QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(
        QMessageBox, "warning", lambda p, t, text, *a, **k: record["warnings"].append(text)
    )
    return record


def make(qtbot, database) -> SitesDialog:
    dialog = SitesDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def stored(database, code: str) -> Site:
    with database.session() as s:
        site = s.query(Site).filter_by(code=code).one()
        s.expunge(site)
    return site


def test_the_form_has_a_line_per_detail_and_shows_the_first_site(
    qtbot, two_sites, english
) -> None:
    dialog = make(qtbot, two_sites)
    assert [dialog.site_list.item(i).text() for i in range(dialog.site_list.count())] == [
        "BLO — Garage de Blois",
        "TRS — Garage de Tours",
    ]
    assert list(dialog.edits) == [f.column for f in SITE_FIELDS]
    assert dialog.edits["name"].text() == "Garage de Blois"
    assert not dialog.save_button.isEnabled()
    dialog.site_list.setCurrentRow(1)
    assert dialog.edits["phone"].text() == "02 47 20 45 60"
    assert dialog.edits["booking_url"].placeholderText() == "https://…"
    assert dialog.edits["postal_code"].maxLength() == 20


def test_typing_and_saving_stores_the_details(qtbot, two_sites, english, asked) -> None:
    dialog = make(qtbot, two_sites)
    dialog.site_list.setCurrentRow(1)  # Tours
    qtbot.keyClicks(dialog.edits["email"], "atelier@garage-tours.fr")
    qtbot.keyClicks(dialog.edits["booking_url"], "garage-tours.fr/rdv")
    assert dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    site = stored(two_sites, "TRS")
    assert site.email == "atelier@garage-tours.fr"
    assert site.booking_url == "https://garage-tours.fr/rdv"
    assert dialog.edits["booking_url"].text() == "https://garage-tours.fr/rdv"  # as stored
    assert dialog.status_label.text() == "Details of Garage de Tours saved."
    assert not dialog.save_button.isEnabled() and asked["warnings"] == []


def test_a_bad_value_is_named_and_nothing_is_stored(qtbot, two_sites, english, asked) -> None:
    dialog = make(qtbot, two_sites)
    qtbot.keyClicks(dialog.edits["city"], "Blois")
    qtbot.keyClicks(dialog.edits["email"], "atelier-blois")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert asked["warnings"] == ["E-mail: atelier-blois is not an e-mail address."]
    assert stored(two_sites, "BLO").city is None
    assert dialog.is_modified()


def test_leaving_a_site_with_changes_asks_first(qtbot, two_sites, english, asked) -> None:
    dialog = make(qtbot, two_sites)
    qtbot.keyClicks(dialog.edits["phone"], "02 54 78 12 30")
    dialog.site_list.setCurrentRow(1)  # Cancel: stays on Blois with the text typed
    assert asked["questions"] == ["Save the changes to this site's details?"]
    assert dialog.site_list.currentRow() == 0
    assert dialog.edits["phone"].text() == "02 54 78 12 30"
    asked["answers"].append(QMessageBox.StandardButton.Save)
    dialog.site_list.setCurrentRow(1)  # Save, then Tours
    assert stored(two_sites, "BLO").phone == "02 54 78 12 30"
    assert dialog.edits["name"].text() == "Garage de Tours"
    qtbot.keyClicks(dialog.edits["city"], "-Nord")
    asked["answers"].append(QMessageBox.StandardButton.Discard)
    dialog.close()
    assert stored(two_sites, "TRS").city == "Tours"


def test_the_subdivision_is_edited_and_checked(qtbot, two_sites, english, asked) -> None:
    """The canton or province (the SMS and call windows follow its holidays): a bad code is
    refused by name and nothing is stored; a good one is stored in capitals."""
    dialog = make(qtbot, two_sites)
    assert dialog.edits["subdivision"].text() == "FR-41"
    dialog.edits["subdivision"].clear()
    qtbot.keyClicks(dialog.edits["subdivision"], "vaud")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "is not an ISO 3166-2 code" in (asked["warnings"] or [dialog.status_label.text()])[-1]
    assert stored(two_sites, "BLO").subdivision == "FR-41"
    dialog.edits["subdivision"].clear()
    qtbot.keyClicks(dialog.edits["subdivision"], "fr-37")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert stored(two_sites, "BLO").subdivision == "FR-37"


def test_no_site_yet(qtbot, database, english) -> None:
    dialog = make(qtbot, database)
    assert dialog.site_list.count() == 0
    assert not dialog.edits["name"].isEnabled() and not dialog.save_button.isEnabled()
    assert "sites come with the import" in dialog.status_label.text()


def test_file_menu_opens_the_sites_window(qtbot, two_sites, manager, english) -> None:
    from app.ui.main_window import MainWindow

    window = MainWindow(two_sites, task_manager=manager)
    qtbot.addWidget(window)
    assert window.sites_action in window.menuBar().actions()[0].menu().actions()
    window.sites_action.trigger()
    assert isinstance(window.sites_dialog, SitesDialog) and window.sites_dialog.isVisible()
    window.sites_dialog.close()
