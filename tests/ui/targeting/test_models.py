"""The Qt models of the targeting screen: qtmodeltester, and what each one promises."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt

from app.query.catalog import FIELDS, EnumValue, FieldType
from app.query.criteria import Condition, Group, Op
from app.query.target import Target
from app.ui.targeting.criteria_model import (
    COL_MORE,
    COL_VALUE,
    ERROR_ROLE,
    CriteriaTreeModel,
)
from app.ui.targeting.fields import FieldTreeModel
from app.ui.targeting.results import PAGE_SIZE, REMOVED_ROLE, ResultsTableModel


def set_value(model: CriteriaTreeModel, key: str, text: str, line: int = 0, col: int = COL_VALUE):
    index = model.line_indexes(key)[line].siblingAtColumn(col)
    assert model.setData(index, text)
    return model.line_indexes(key)[line]


# --- criteria tree ---------------------------------------------------------------------------


def test_criteria_model_passes_the_model_tester(qtmodeltester) -> None:
    model = CriteriaTreeModel()
    qtmodeltester.check(model)
    set_value(model, "vehicle.model", "%CLIO%")
    set_value(model, "vehicle.model", "%LAGUNA%", line=1)
    model.set_choices("vehicle.brand", [EnumValue("RENAULT", "RENAULT", "RENAULT")])
    model.setData(
        model.choice_index("vehicle.brand", "RENAULT"),
        Qt.CheckState.Checked,
        Qt.ItemDataRole.CheckStateRole,
    )
    line = model.line_indexes("vehicle.first_registration")[0]
    model.set_op(line, Op.BETWEEN)
    set_value(model, "vehicle.first_registration", "01/01/2008")
    set_value(model, "vehicle.first_registration", "31/12/2009", col=COL_MORE)
    model.remove(model.line_indexes("vehicle.model")[0])
    model.load(Group("all", [Group("none", [Condition("customer.city", Op.EQ, ["Tours"])])]))
    qtmodeltester.check(model)


def test_a_second_value_under_a_field_reads_and() -> None:
    model = CriteriaTreeModel()
    first = set_value(model, "vehicle.model", "%CLIO%")
    assert first.data() == "%"  # "=" became "%" because of the wildcard
    lines = model.line_indexes("vehicle.model")
    assert [i.data() for i in lines] == ["%", "and ="]
    set_value(model, "vehicle.model", "%LAGUNA%", line=1)
    assert model.snapshot().children == [
        Condition("vehicle.model", Op.LIKE, ["%CLIO%"]),
        Condition("vehicle.model", Op.LIKE, ["%LAGUNA%"]),
    ]
    # clearing the first value removes its line; the second loses its "and"
    model.setData(model.line_indexes("vehicle.model")[0].siblingAtColumn(COL_VALUE), "")
    assert [i.data() for i in model.line_indexes("vehicle.model")] == ["%", "and ="]
    assert model.snapshot().children == [Condition("vehicle.model", Op.LIKE, ["%LAGUNA%"])]


def test_invalid_value_is_flagged_where_it_was_typed() -> None:
    model = CriteriaTreeModel()
    line = set_value(model, "vehicle.first_registration", "31/02/2020")
    value = line.siblingAtColumn(COL_VALUE)
    assert value.data() == "31/02/2020"  # kept as typed
    message = value.data(ERROR_ROLE)
    assert (
        message
        == "First registration (MEC): '31/02/2020' is not a valid date: February 2020 has only 29 days."
    )
    assert value.data(Qt.ItemDataRole.ToolTipRole) == message
    snap = model.snapshot()
    assert snap.children == [] and snap.invalid == [message]
    set_value(model, "vehicle.first_registration", "29/02/2020")
    assert value.data(ERROR_ROLE) is None
    assert model.snapshot().children == [
        Condition("vehicle.first_registration", Op.LE, [dt.date(2020, 2, 29)])
    ]


@pytest.mark.parametrize(
    ("key", "op", "texts", "expected"),
    [
        ("customer.last_name", Op.EQ, ["DUPONT"], ["DUPONT"]),
        ("customer.postal_code", Op.NE, ["37210; 37000"], ["37210", "37000"]),
        ("vehicle.mileage", Op.GE, ["150 000"], [150000]),
        ("customer.last_invoice_amount", Op.LE, ["150,50"], [150.5]),
        ("vehicle.first_registration", Op.MORE_THAN_AGO, ["12", "years"], [12]),
        ("customer.email", Op.EMPTY, [], []),
    ],
)
def test_operators_and_values(key, op, texts, expected) -> None:
    model = CriteriaTreeModel()
    line = model.line_indexes(key)[0]
    assert model.set_op(line, op)
    if texts:
        set_value(model, key, texts[0])
    if len(texts) > 1:
        set_value(model, key, texts[1], col=COL_MORE)
    (cond,) = model.snapshot().children
    assert cond.op is op and cond.values == expected
    if op is Op.MORE_THAN_AGO:
        assert cond.unit == "years"
        assert model.line_indexes(key)[0].siblingAtColumn(COL_MORE).data() == "years"


def test_ne_keeps_empty_values_only_when_asked() -> None:
    model = CriteriaTreeModel()
    line = model.line_indexes("customer.postal_code")[0]
    model.set_op(line, Op.NE)
    set_value(model, "customer.postal_code", "37210")
    box = model.line_indexes("customer.postal_code")[0].siblingAtColumn(COL_MORE)
    assert box.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert model.snapshot().children[0].keep_empty is False
    model.setData(box, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.snapshot().children[0].keep_empty is True


def test_ticked_values() -> None:
    model = CriteriaTreeModel()
    model.set_choices("vehicle.brand", [EnumValue(b, b, b) for b in ("MINI", "RENAULT", "PEUGEOT")])
    for brand in ("MINI", "PEUGEOT"):
        model.setData(
            model.choice_index("vehicle.brand", brand),
            Qt.CheckState.Checked,
            Qt.ItemDataRole.CheckStateRole,
        )
    assert model.snapshot().children == [Condition("vehicle.brand", Op.IN, ["MINI", "PEUGEOT"])]
    no = model.choice_index("customer.optout_post", False)
    model.setData(no, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert Condition("customer.optout_post", Op.EQ, [False]) in model.snapshot().children
    # a ticked value the database no longer has is kept (from a saved target)
    model.load(Group("all", [Condition("vehicle.brand", Op.EQ, ["SIMCA"])]))
    model.set_choices("vehicle.brand", [EnumValue("MINI", "MINI", "MINI")])
    assert (
        model.choice_index("vehicle.brand", "SIMCA").data(Qt.ItemDataRole.CheckStateRole)
        == Qt.CheckState.Checked
    )
    assert model.snapshot().children == [Condition("vehicle.brand", Op.EQ, ["SIMCA"])]


_DATES = st.dates(dt.date(1950, 1, 1), dt.date(2040, 12, 31))


def _condition() -> st.SearchStrategy[Condition]:
    text_fields = [k for k, f in FIELDS.items() if f.type is FieldType.TEXT]
    date_fields = [k for k, f in FIELDS.items() if f.type is FieldType.DATE]
    words = (
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ%0123456789 -", min_size=1, max_size=12)
        .map(str.strip)
        .filter(bool)
    )
    return st.one_of(
        st.builds(lambda k, v: Condition(k, Op.EQ if "%" not in v else Op.LIKE, [v]), st.sampled_from(text_fields), words),
        st.builds(lambda k, op, d: Condition(k, op, [d]), st.sampled_from(date_fields), st.sampled_from([Op.GE, Op.LE, Op.EQ]), _DATES),
        st.builds(lambda k, a, b: Condition(k, Op.BETWEEN, sorted([a, b])), st.sampled_from(date_fields), _DATES, _DATES),
        st.builds(lambda k, n, u: Condition(k, Op.WITHIN_LAST, [n], unit=u), st.sampled_from(date_fields),
                  st.integers(0, 99), st.sampled_from(["days", "months", "years"])),
        st.builds(lambda k: Condition(k, Op.NOT_EMPTY, []), st.sampled_from(text_fields + date_fields)),
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(_condition(), max_size=6))
def test_any_criteria_come_back_as_they_went_in(conditions) -> None:
    """What a saved target holds is shown and read back unchanged (up to the order of fields)."""
    model = CriteriaTreeModel()
    group = Group("all", [c.validated("en") for c in conditions])
    model.load(group)
    back = model.snapshot()
    assert back.invalid == []

    def key(c: Condition) -> str:
        return repr(c.to_dict())

    assert sorted(back.children, key=key) == sorted(group.children, key=key)


# --- field tree ------------------------------------------------------------------------------


def test_field_tree_passes_the_model_tester(qtmodeltester) -> None:
    model = FieldTreeModel()
    model.set_checked({"customer.last_name", "vehicle.plate"})
    qtmodeltester.check(model)
    seen: list[tuple[str, bool]] = []
    model.toggled.connect(lambda key, on: seen.append((key, on)))
    index = model.field_index("vehicle.brand")
    assert model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert seen == [("vehicle.brand", True)]
    assert model.index(index.parent().row(), 0).data() == "Vehicle (2)"
    # criteria-only fields cannot be columns
    keys = {model.field_at(model.index(r, 0, model.index(g, 0))).key
            for g in range(model.rowCount()) for r in range(model.rowCount(model.index(g, 0)))}  # fmt: skip
    assert "invoice.line_category" not in keys and "vehicle.plate" in keys


# --- results ---------------------------------------------------------------------------------


def test_results_model_passes_the_model_tester(qtbot, qtmodeltester, sample_db, manager) -> None:
    database, ids = sample_db
    model = ResultsTableModel(task_manager=manager)
    removed = {ids["arval"]}
    target = Target(criteria=Group("all", [Condition("vehicle.brand", Op.EQ, ["RENAULT"])]))
    with qtbot.waitSignal(model.complete, timeout=20_000):
        model.set_query(database, target, removed, today=dt.date(2024, 6, 15))
    qtmodeltester.check(model)
    assert model.rowCount() == 9
    assert model.columnCount() == 1 + len(target.columns)
    arval = [r for r in range(9) if model.rows[r].customer_id == ids["arval"]]
    assert [model.index(r, 1).data(REMOVED_ROLE) for r in arval] == [True, True]
    assert model.index(arval[0], 0).data() == "↺"
    # putting a customer back changes every row of theirs and the shared set
    assert model.set_removed({ids["arval"]}, False)
    assert removed == set() and not model.set_removed({ids["arval"]}, False)
    assert model.index(arval[1], 3).data(Qt.ItemDataRole.FontRole) is None


def test_a_new_query_replaces_one_under_way(qtbot, sample_db, manager) -> None:
    """Two runs in a row: the second one's rows are shown, never the first one's."""
    database, _ids = sample_db
    model = ResultsTableModel(task_manager=manager, page_size=3)
    everyone = Target()
    minis = Target(criteria=Group("all", [Condition("vehicle.model", Op.LIKE, ["%MINI%"])]))
    model.set_query(database, everyone, set())
    with qtbot.waitSignal(model.complete, timeout=20_000):
        model.set_query(database, minis, set())
    qtbot.waitUntil(lambda: not model.busy, timeout=20_000)
    at = minis.columns.index("vehicle.model")
    assert sorted(r.values[at] for r in model.rows) == ["AUSTIN MINI", "MINI 1.6i 115 COOPER"]
    assert model.fetch_log == [(0, 3, 2)]


def test_pages_are_asked_one_at_a_time(qtbot, sample_db, manager, qtmodeltester) -> None:
    database, _ids = sample_db
    model = ResultsTableModel(task_manager=manager, page_size=4)
    with qtbot.waitSignal(model.page_loaded, timeout=20_000):
        model.set_query(database, Target(), set())
    assert model.rowCount() == 4 and model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())  # the page is on its way: nothing more is asked
    qtbot.waitUntil(lambda: not model.busy, timeout=20_000)
    assert model.fetch_log == [(0, 4, 4), (4, 4, 4)]
    with qtbot.waitSignal(model.complete, timeout=20_000):
        model.fetch_to_end()
    assert model.rowCount() == 14 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)
    assert PAGE_SIZE >= 100


def test_units_of_a_relative_date_are_picked_from_a_list(qtbot) -> None:
    from PySide6.QtWidgets import QComboBox

    from app.ui.targeting.criteria_editor import CriteriaEditor

    editor = CriteriaEditor()
    qtbot.addWidget(editor)
    editor.show()
    model = editor.model
    line = model.line_indexes("customer.last_invoice_date")[0]
    qtbot.waitExposed(editor)
    editor.select(line)
    editor.view.setFocus()
    qtbot.waitUntil(editor.view.hasFocus, timeout=5_000)
    qtbot.keyClick(editor.view, Qt.Key.Key_9, Qt.KeyboardModifier.AltModifier)  # older than
    assert model.line_op(line) is Op.MORE_THAN_AGO
    assert editor.relative_button.text() == "older than"
    model.setData(line.siblingAtColumn(COL_VALUE), "2")
    unit = model.line_indexes("customer.last_invoice_date")[0].siblingAtColumn(COL_MORE)
    editor.select(unit)
    editor.view.edit(editor.proxy.mapFromSource(unit))
    (combo,) = [w for w in editor.view.viewport().findChildren(QComboBox) if w.isVisible()]
    assert [combo.itemText(i) for i in range(combo.count())] == ["days", "months", "years"]
    combo.setCurrentIndex(2)
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: unit.data() == "years", timeout=5_000)
    (cond,) = model.snapshot().children
    assert (cond.op, cond.values, cond.unit) == (Op.MORE_THAN_AGO, [2], "years")
    assert editor.sentence.text() == "Customer: Last invoice date (customer) more than 2 years ago"
