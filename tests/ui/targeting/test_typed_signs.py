"""Operator signs typed before a value, as I'Marketing users do (issue 10, point 5)."""

from __future__ import annotations

import pytest
from targeting_helpers import column, make_screen, type_value, wait_count

from app.query.catalog import get_field
from app.query.criteria import Op, read_sign
from app.ui.targeting.criteria_model import COL_VALUE, op_label


@pytest.mark.parametrize(
    "key, typed, op, value",
    [
        ("vehicle.first_registration", "<01/12/2005", Op.LE, "01/12/2005"),
        ("vehicle.first_registration", "<= 01/12/2005", Op.LE, "01/12/2005"),
        ("vehicle.first_registration", "≤01/12/2005", Op.LE, "01/12/2005"),
        ("vehicle.first_registration", ">=01/01/2009", Op.GE, "01/01/2009"),
        ("vehicle.mileage", ">150 000", Op.GE, "150 000"),
        ("vehicle.mileage", "≥150000", Op.GE, "150000"),
        ("customer.postal_code", "<>37210", Op.NE, "37210"),
        ("customer.postal_code", "!37210", Op.NE, "37210"),
        ("customer.postal_code", "≠37210; 37000", Op.NE, "37210; 37000"),
        ("customer.postal_code", "!=37210", Op.NE, "37210"),
        ("customer.last_name", "=DUPONT", Op.EQ, "DUPONT"),
    ],
)
def test_a_leading_sign_is_the_operator(key, typed, op, value) -> None:
    assert read_sign(get_field(key), typed) == (op, value)


def test_no_sign_and_the_wildcard_stay_in_the_value() -> None:
    name = get_field("customer.last_name")
    assert read_sign(name, "DUP%") == (None, "DUP%")
    assert read_sign(name, "%DUP") == (None, "%DUP")
    # a sign the field cannot take is left as typed (and flagged by the line)
    assert read_sign(get_field("customer.optout_post"), ">Oui") == (None, ">Oui")


def test_the_operator_bar_shows_symbols() -> None:
    assert [op_label(o) for o in (Op.EQ, Op.NE, Op.GE, Op.LE)] == ["=", "≠", "≥", "≤"]


def test_typing_a_sign_on_a_field_sets_the_operator(qtbot, sample_db, manager) -> None:
    """'<01/12/2005' typed on Date MEC is '≤ 01/12/2005': the same six rows as the ≤ button."""
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    editor = screen.editor
    field = editor.model.field_index("vehicle.first_registration")
    type_value(qtbot, editor, field, "<01/12/2005")
    line = editor.model.line_indexes("vehicle.first_registration")[0]
    assert editor.model.line_op(line) is Op.LE
    assert line.siblingAtColumn(COL_VALUE).data() == "01/12/2005"
    wait_count(qtbot, screen, 6)
    assert editor.sentence.text() == "Vehicle: First registration (MEC) on or before 01/12/2005"
    assert "30/11/2005" in column(screen, "vehicle.first_registration")


def test_typing_a_sign_in_a_value_cell_and_a_wildcard(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    editor = screen.editor
    line = editor.model.line_indexes("customer.postal_code")[0]
    type_value(qtbot, editor, line.siblingAtColumn(COL_VALUE), "<>37210")
    assert editor.model.line_op(line) is Op.NE
    assert "Postal code different from 37210" in editor.sentence.text()
    name = editor.model.line_indexes("customer.last_name")[0]
    type_value(qtbot, editor, name.siblingAtColumn(COL_VALUE), "DUP%")
    assert editor.model.line_op(name) is Op.LIKE
    assert name.siblingAtColumn(COL_VALUE).data() == "DUP%"
    assert "Last name starts with DUP" in editor.sentence.text()
