"""The wizard tells of the rows whose owner Cible knows under another name (a warning: the row
is imported), on its check page and its result page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.dms.fields import FileKind, suggest_mapping
from app.dms.load import import_file
from app.dms.sniff import sniff
from app.models.dealership import Vehicle
from app.ui.dms import ImportWizard
from tests.ui.dms.test_import_wizard import click_next, make_wizard, reports, store, wait_task

__all__ = ["reports", "store"]  # fixtures


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_owner_named_otherwise_is_a_warning_in_the_wizard(
    qtbot, database, manager, english, store, reports, tmp_path
) -> None:
    customers = write(tmp_path / "clients.csv", "N° client;Site;Nom;Prénom;Raison sociale\n"
                      "100012;TRS;;;PHARMACIE DUMAS\n100014;TRS;GIRARD;Thomas;\n")  # fmt: skip
    layout = sniff(customers)
    mapping = suggest_mapping(list(layout.headers), FileKind.CUSTOMERS)
    import_file(database, customers, FileKind.CUSTOMERS, mapping, layout=layout)
    vehicles = write(tmp_path / "vehicules.csv", "N° client;Site;Nom;Prénom;Immat\n"
                     "100012;TRS;GIRARD;Thomas;AB-123-CD\n100014;TRS;Girard;;EF-456-GH\n")  # fmt: skip

    wizard = make_wizard(qtbot, database, manager, store)
    assert wizard.file_page.set_file(vehicles)
    wizard.file_page.kind_combo.setCurrentIndex(wizard.file_page.kind_combo.findData("vehicles"))
    click_next(qtbot, wizard)
    click_next(qtbot, wizard)
    assert wizard.currentId() == ImportWizard.MAPPING
    click_next(qtbot, wizard)
    checking = wizard.check_page
    wait_task(qtbot, checking)
    checking.filter_combo.setCurrentIndex(2)  # warnings
    model = checking.model
    assert model.rowCount() == 1
    problem = model.problem(0)
    assert (problem.row, problem.column, problem.value) == (2, "Nom", "GIRARD Thomas")
    shown = model.index(0, model.REASON).data(Qt.ItemDataRole.DisplayRole)
    assert "“PHARMACIE DUMAS” in Cible and “GIRARD Thomas” in the file" in shown
    summary = checking.summary.text()
    assert "Customers named otherwise in Cible (check the site and number)</td>" in summary
    assert "named otherwise in Cible (check the site and number)</td><td align='right'><b>1<" in (
        summary
    )

    click_next(qtbot, wizard)  # import: the warned row is imported
    importing = wizard.import_page
    wait_task(qtbot, importing)
    assert wizard.state.result.new == 2 and wizard.state.result.rejected == 0
    assert "named otherwise in Cible (check the site and number)</td><td align='right'><b>1<" in (
        importing.summary.text()
    )
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Vehicle)) == 2
