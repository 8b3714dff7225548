"""Bad input in the import wizard, as a French user meets it: one line naming the file (and what
to do) on the page where it happens, Next disabled, never a traceback; what the wizard reads
differently from the profile or from day/month/year is said before the check."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from app.dms import sniff as sniff_module
from app.dms.fields import FileKind
from app.dms.profile import Profile
from app.ui.dms import ImportWizard
from app.ui.dms.wizard import EXAMPLES_DIR, ProfileStore
from tests.ui.dms.test_import_wizard import click_next, make_wizard

FIXTURES = Path(__file__).resolve().parents[2] / "dms" / "fixtures"


@pytest.fixture
def french(qapp):
    from app.ui.i18n import install_translators

    install_translators("fr", qapp)
    yield
    install_translators("en", qapp)


@pytest.fixture
def store(database) -> ProfileStore:
    return ProfileStore(database)


def refused(qtbot, database, manager, store, path: Path) -> str:
    wizard = make_wizard(qtbot, database, manager, store)
    assert not wizard.file_page.set_file(path)
    error = wizard.file_page.error
    assert error.isVisible() and "Traceback" not in error.text()
    assert error.text().startswith(f"{path.name} :")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    return error.text()


def test_a_2_gb_file(qtbot, database, manager, store, french, tmp_path) -> None:
    huge = tmp_path / "clients.csv"
    with open(huge, "wb") as handle:
        handle.truncate(2 * 1024**3)
    text = refused(qtbot, database, manager, store, huge).replace("\u00a0", " ")
    assert "2,0 Go" in text and "1,0 Go" in text and "millions de lignes" in text


def test_a_workbook_with_a_password(qtbot, database, manager, store, french) -> None:
    text = refused(qtbot, database, manager, store, FIXTURES / "protected.xlsx")
    assert "mot de passe" in text and "password" not in text


def test_a_web_page_named_xlsx(qtbot, database, manager, store, french, tmp_path) -> None:
    fake = tmp_path / "export.xlsx"
    fake.write_text("<html><table><tr><td>N° client</td></tr></table></html>", encoding="utf-8")
    assert "n’est pas un classeur Excel" in refused(qtbot, database, manager, store, fake)


def test_a_text_table_named_xls_is_read_as_text(
    qtbot, database, manager, store, french, tmp_path
) -> None:
    fake = tmp_path / "export.xls"
    fake.write_bytes("N° client\tNom\r\n300001\tMARTIN\r\n".encode("cp1252"))
    wizard = make_wizard(qtbot, database, manager, store)
    assert wizard.file_page.set_file(fake)
    assert "Lu comme texte : Windows-1252, séparateur tabulation" in wizard.file_page.info.text()


def test_a_file_the_user_may_not_read(
    qtbot, database, manager, store, french, tmp_path, monkeypatch
) -> None:
    extract = tmp_path / "clients.csv"
    extract.write_text("N° client;Nom\n1;MARTIN\n", encoding="utf-8")
    real_open = open

    def locked(file, *args, **kwargs):  # the tests run as root, whom chmod does not stop
        if os.fspath(file) == os.fspath(extract):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(sniff_module, "open", locked, raising=False)
    text = refused(qtbot, database, manager, store, extract)
    assert "pas le droit de le lire" in text and "Permission denied" not in text


def test_a_file_no_longer_written_as_its_profile_says_is_read_as_found(
    qtbot, database, manager, store, french, tmp_path
) -> None:
    store.save(
        Profile("Irium clients", FileKind.CUSTOMERS, {"N° client": "customer.dms_ref",
                "Nom": "customer.last_name", "Prénom": "customer.first_name"},
                encoding="cp1252", separator=";")
    )  # fmt: skip
    extract = tmp_path / "clients.csv"
    extract.write_text("N° client,Nom,Prénom\n100001,MARTIN,Jérôme\n", encoding="utf-8")
    wizard = make_wizard(qtbot, database, manager, store)
    assert wizard.file_page.set_file(extract)
    info = wizard.file_page.info.text()
    assert "« Irium clients »" in info
    assert "séparateur virgule (,) au lieu de point-virgule (;)" in info
    assert "encodage UTF-8 au lieu de Windows-1252" in info
    click_next(qtbot, wizard)
    assert wizard.preview_page.table.columnCount() == 3
    assert wizard.preview_page.table.item(0, 2).text() == "Jérôme"
    click_next(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.MAPPING
    assert wizard.state.profile is not None and wizard.state.profile.name == "Irium clients"
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_a_column_of_us_dates_is_said_before_the_check(
    qtbot, database, manager, store, french, tmp_path
) -> None:
    extract = tmp_path / "clients.csv"
    extract.write_bytes(
        "N° client;Nom;Date naissance\r\n300001;A;02/03/1980\r\n300002;B;01/13/1980\r\n".encode(
            "cp1252"
        )
    )
    wizard = make_wizard(qtbot, database, manager, store)
    assert wizard.file_page.set_file(extract)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    status = wizard.mapping_page.status.text()
    assert "« Date naissance » : ses dates sont lues le mois d’abord" in status
    assert "« 01/13/1980 » ligne 3 est le 13/01/1980" in status


def test_the_example_file_says_nothing_of_us_dates(
    qtbot, database, manager, store, french
) -> None:
    wizard = make_wizard(qtbot, database, manager, store)
    assert wizard.file_page.set_file(EXAMPLES_DIR / "ventes_vn_vo.csv")
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    assert "mois d’abord" not in wizard.mapping_page.status.text()  # 04/15/2020 is one row


def test_a_file_whose_every_row_is_rejected_is_listed_not_a_failure(
    qtbot, database, manager, store, french, tmp_path
) -> None:
    extract = tmp_path / "clients.csv"
    extract.write_bytes("N° client;Nom\r\n;MARTIN\r\n;PETIT\r\n".encode("cp1252"))
    wizard = make_wizard(qtbot, database, manager, store)
    assert wizard.file_page.set_file(extract)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    page = wizard.check_page
    task = page.task
    if not task.is_finished:
        with qtbot.waitSignal(task.finished, timeout=60_000):
            pass
    assert task.outcome == "done", task.error
    assert page.model.rowCount() == 2
    assert "Aucune ligne ne peut être importée" in page.message.text()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
