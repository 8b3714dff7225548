"""The wizard as a French user reads it: dates as DD/MM/YYYY, every page within a 1366×768 screen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.ui.dms import ImportWizard
from app.ui.dms.wizard import EXAMPLES_DIR, ProfileStore
from tests.ui.dms.test_import_wizard import click_next, make_wizard

FIXTURES = Path(__file__).resolve().parents[2] / "dms" / "fixtures"
DDMMYYYY = re.compile(r"^\d{2}/\d{2}/\d{4}$")


@pytest.fixture
def french(qapp):
    from app.ui.i18n import install_translators

    install_translators("fr", qapp)
    yield
    install_translators("en", qapp)


def test_date_cells_of_a_workbook_are_shown_day_first(qtbot, database, manager, french) -> None:
    wizard = make_wizard(qtbot, database, manager, ProfileStore(database))
    assert wizard.file_page.set_file(FIXTURES / "clients_vehicules.xlsx")
    click_next(qtbot, wizard)
    table = wizard.preview_page.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    born = headers.index("Date naissance")
    shown = [table.item(r, born).text() for r in range(table.rowCount()) if table.item(r, born)]
    shown = [text for text in shown if text]
    assert shown and all(DDMMYYYY.match(text) for text in shown), shown
    click_next(qtbot, wizard)
    examples = wizard.mapping_page.table.item(born, wizard.mapping_page.EXAMPLES_COLUMN).text()
    assert all(DDMMYYYY.match(text) for text in examples.split(" · ")), examples


def test_every_page_fits_a_1366_by_768_screen(qtbot, database, manager, french) -> None:
    wizard = make_wizard(qtbot, database, manager, ProfileStore(database), demo=True)
    assert wizard.file_page.set_file(EXAMPLES_DIR / "clients_irium.csv")
    for _page in range(ImportWizard.MAPPING + 1):
        size = wizard.frameGeometry().size()
        assert size.width() <= 1366 and size.height() <= 768 - 40, wizard.currentPage().title()
        hint = wizard.currentPage().minimumSizeHint()
        assert hint.width() <= wizard.width() and hint.height() <= wizard.height()
        if wizard.currentId() < ImportWizard.MAPPING:
            click_next(qtbot, wizard)


def test_one_column_is_said_in_the_singular(qtbot, database, manager, french, tmp_path) -> None:
    one = tmp_path / "clients.csv"
    one.write_bytes("N° client\r\n100001\r\n".encode("cp1252"))
    wizard = make_wizard(qtbot, database, manager, ProfileStore(database))
    assert wizard.file_page.set_file(one)
    assert "en-têtes ligne 1, 1 colonne." in wizard.file_page.info.text()
    assert wizard.file_page.set_file(EXAMPLES_DIR / "clients_irium.csv")
    assert "13 colonnes." in wizard.file_page.info.text()
