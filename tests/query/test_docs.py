"""docs/target-format.md stays true: its field table, its JSON examples and what it says they find."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from app.query.catalog import FIELDS
from app.query.criteria import Op, node_from_dict
from app.query.describe import describe_criteria
from app.query.engine import fetch_page, iter_rows
from app.query.target import SortKey, Target
from tests.query.conftest import TODAY

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "target-format.md"
TOOL = ROOT / "tools" / "field_table.py"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("field_table", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _text() -> str:
    return DOC.read_text(encoding="utf-8")


def json_blocks(text: str) -> list[str]:
    return re.findall(r"^```json\n(.*?)^```$", text, flags=re.S | re.M)


def examples() -> dict[str, Target]:
    found = {}
    for block in json_blocks(_text()):
        target = Target.from_dict(json.loads(block))
        found[target.name] = target
    return found


# --- the field table ---------------------------------------------------------------------------


def test_the_field_table_in_the_doc_is_the_tools_output() -> None:
    tool = _tool()
    assert tool.between_markers(_text()) == tool.tables()


def test_the_field_table_lists_every_catalog_key_once() -> None:
    table = _tool().field_table()
    keys = re.findall(r"^\| `([a-z_.0-9]+)` \|", table, flags=re.M)
    assert keys == list(FIELDS)
    # the keys the issue names for files and the command line are all there
    for key in ("customer.marketing_basis", "vehicle.first_registration", "vehicle.mobility_end"):
        assert f"| `{key}` |" in _text()


def test_the_tool_prints_the_tables_when_run() -> None:
    result = subprocess.run(
        [sys.executable, str(TOOL)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout == _tool().tables()
    assert "| `vehicle.brand` | Marque | Brand | Véhicule | enum |" in result.stdout
    assert (
        "| `sale.financing_type` | `loan` | Financement régulier | Regular loan |" in result.stdout
    )


def test_update_rewrites_only_the_part_between_the_markers(tmp_path: Path) -> None:
    tool = _tool()
    stale = tmp_path / "doc.md"
    stale.write_text(
        f"# Title\n\nbefore\n\n{tool.START}\n| old | table |\n{tool.END}\n\nafter\n", "utf-8"
    )
    assert tool.update(stale) is True
    text = stale.read_text("utf-8")
    assert text.startswith("# Title\n\nbefore\n\n") and text.endswith(f"{tool.END}\n\nafter\n")
    assert tool.between_markers(text) == tool.tables() and "| old | table |" not in text
    assert tool.update(stale) is False


# --- the JSON examples -------------------------------------------------------------------------


def test_every_json_block_is_a_valid_target() -> None:
    blocks = json_blocks(_text())
    assert len(blocks) >= 7
    names = []
    for block in blocks:
        target = Target.from_dict(json.loads(block))
        target.validate()
        names.append(target.name)
        # what Cible writes back reads the same
        assert Target.from_dict(target.to_dict()) == target
    assert len(set(names)) == len(names)


def test_every_inline_condition_or_group_is_valid() -> None:
    prose = re.sub(r"^```.*?^```$", "", _text(), flags=re.S | re.M)
    spans = [" ".join(s.split()) for s in re.findall(r"`([^`]+)`", prose)]
    pieces = [s for s in spans if s.startswith(('{"field"', '{"group"'))]
    assert len(pieces) >= 6
    for piece in pieces:
        data = json.loads(piece)
        if "descending" in data:
            SortKey.from_dict(data)
        else:
            node_from_dict(data)


def test_the_doc_covers_every_operator_and_every_key() -> None:
    text = _text()
    for op in Op:
        assert f"\n| `{op.value}` |" in text, op
    for key in Target().to_dict():
        assert f"\n| `{key}` |" in text, key
    for key in ("field", "op", "values", "keep_empty", "unit"):
        assert f"\n| `{key}` |" in text, key
    for kind in ("all", "any", "none"):
        assert f'\n| `"{kind}"` |' in text, kind


def test_the_quoted_sentences_are_what_cible_says() -> None:
    quotes = [line[2:] for line in _text().splitlines() if line.startswith("> ")]
    assert len(quotes) == 2
    said = {describe_criteria(t.criteria, "fr") for t in examples().values()}
    for quote in quotes:
        assert quote in said


# --- the examples find what the text says ---------------------------------------------------------

EXPECTED = {
    "CLIO ET LAGUNA": {"dupre"},
    "MINI OU TWIZY": {"martin", "gasnier", "dupont"},
    "VEHICULES PLUS DE 12 ANS": {"dupre", "martin", "gasnier"},
    "IMMATRICULES 2008-2009": {"dupre", "dupont"},
    "RECONQUETE 2 ANS": {"gasnier"},
    "PORTES OUVERTES": {"dupre", "martin"},
    "HORS 37210": {"dupre", "martin", "gasnier", "dupont_a"},
}


def test_every_example_is_checked() -> None:
    assert set(examples()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_finds_the_customers_the_doc_names(conn, ids, name: str) -> None:
    target = examples()[name]
    found = [r.customer_id for r in iter_rows(conn, target, today=TODAY)]
    assert set(found) == {ids[k] for k in EXPECTED[name]}
    if target.grain == "customer":
        assert len(found) == len(set(found))


def test_clio_and_laguna_lists_both_vehicles_of_dupre_only(conn, ids) -> None:
    rows = list(iter_rows(conn, examples()["CLIO ET LAGUNA"], today=TODAY))
    assert {r.vehicle_id for r in rows} == {ids["dupre_clio"], ids["dupre_laguna"]}
    # sorted by name, then MEC descending: the 2009 Laguna before the 2004 Clio
    assert [r.values[7] for r in rows] == ["LAGUNA", "CLIO"]


def test_mini_or_twizy_has_a_row_per_vehicle(conn, ids) -> None:
    rows = list(iter_rows(conn, examples()["MINI OU TWIZY"], today=TODAY))
    assert {r.vehicle_id for r in rows} == {
        ids["martin_mini"],
        ids["gasnier_mini"],
        ids["dupont_twizy"],
    }


def test_the_removed_customer_of_the_example_is_arval(conn, ids) -> None:
    target = examples()["VEHICULES PLUS DE 12 ANS"]
    assert target.removed == {4} == {ids["arval"]}
    grid = fetch_page(conn, target, 0, 100, today=TODAY)
    struck = {r.vehicle_id for r in grid if r.removed}
    assert struck == {ids["arval_megane1"], ids["arval_megane2"]}
    exported = list(iter_rows(conn, target, today=TODAY))
    assert len(exported) == len(grid) - 2
    assert [r.values[1] for r in exported] == sorted(
        (r.values[1] for r in exported), key=lambda n: n.upper()
    )


def test_the_2008_2009_bounds_are_one_vehicle(conn, ids) -> None:
    rows = list(iter_rows(conn, examples()["IMMATRICULES 2008-2009"], today=TODAY))
    assert [r.vehicle_id for r in rows] == [ids["dupont_clio"], ids["dupre_laguna"]]


def test_win_back_two_years_later_finds_more(conn, ids) -> None:
    target = examples()["RECONQUETE 2 ANS"]
    later = {r.customer_id for r in iter_rows(conn, target, today=dt.date(2026, 6, 15))}
    assert later == {ids[k] for k in ("gasnier", "dupre", "martin", "lefevre")}


def test_open_day_is_one_row_per_customer_with_an_old_renault(conn, ids) -> None:
    rows = list(iter_rows(conn, examples()["PORTES OUVERTES"], today=TODAY))
    assert {r.customer_id: r.vehicle_id for r in rows} == {
        ids["dupre"]: ids["dupre_laguna"],
        ids["martin"]: ids["martin_laguna"],
    }


def test_the_example_with_defaults_gets_the_default_columns() -> None:
    target = examples()["HORS 37210"]
    assert target.columns == Target().columns and target.grain == "vehicle"
    assert target.sort == [] and target.removed == set()
