"""The demo extracts of app/resources/examples/ read as their README says."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.dms.fields import FileKind, guess_kind, suggest_mapping
from app.dms.sniff import sniff
from app.dms.validate import validate_file

EXAMPLES = Path(__file__).resolve().parents[2] / "app" / "resources" / "examples"


@pytest.mark.parametrize("name,kind,read,rejected,warnings", [
    ("clients_irium.csv", FileKind.CUSTOMERS, 17, 2, 5),
    ("vehicules_dcs.csv", FileKind.VEHICLES, 15, 4, 1),
    ("factures_atelier.csv", FileKind.INVOICES, 14, 3, 0),
    ("ventes_vn_vo.csv", FileKind.SALES, 7, 1, 0),
])  # fmt: skip
def test_example(name, kind, read, rejected, warnings):
    path = EXAMPLES / name
    assert b"\r\n" in path.read_bytes() and "é".encode("cp1252") in path.read_bytes()
    layout = sniff(path)
    assert (layout.encoding, layout.separator) == ("cp1252", ";")
    assert guess_kind(layout.headers) is kind
    mapping = suggest_mapping(list(layout.headers), kind)
    assert len(mapping) == len(layout.headers)  # every column suggested
    _rows, report = validate_file(path, layout, mapping, kind)
    assert (report.rows_read, report.rejected, report.warnings) == (read, rejected, warnings)


def test_change_of_owner_is_reported():
    path = EXAMPLES / "vehicules_dcs.csv"
    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), FileKind.VEHICLES)
    _rows, report = validate_file(path, layout, mapping, FileKind.VEHICLES)
    assert any("change of owner" in p.message for p in report.problems)


def test_an_empty_required_cell_is_named_by_the_files_own_header():
    path = EXAMPLES / "clients_irium.csv"
    layout = sniff(path)
    mapping = suggest_mapping(list(layout.headers), FileKind.CUSTOMERS)
    _rows, report = validate_file(path, layout, mapping, FileKind.CUSTOMERS)
    empty = [p for p in report.problems if p.row == 12]
    assert [(p.column, p.message) for p in empty] == [("N° client", "“N° client” is empty.")]
