"""Point 14 of issue 10: ticked values mean "any of them", said under them, and a switch
"Must own each" for vehicle fields (``Condition.each``), saved and reopened."""

from __future__ import annotations

from PySide6.QtCore import Qt
from targeting_helpers import make_screen, wait_count, wait_grid
from test_seed_examples import open_saved, save_as

from app.query.catalog import EnumValue
from app.query.criteria import Condition, Group, Op
from app.query.engine import count_rows
from app.query.target import Target
from app.ui.targeting.criteria_model import COL_VALUE, KIND_ROLE, CriteriaTreeModel


def _press_space(qtbot, editor, source_index) -> None:
    """Put the cursor on a checkbox of the tree and press Space, as a user."""
    view_index = editor.select(source_index)
    assert view_index.isValid()
    qtbot.keyClick(editor.view, Qt.Key.Key_Space)


def _each_row(model: CriteriaTreeModel, key: str):
    field = model.field_index(key)
    last = model.index(model.rowCount(field) - 1, 0, field)
    return last if last.data(KIND_ROLE) == "each" else None


def _engine_count(database, *conditions: Condition) -> int:
    with database.engine.connect() as conn:
        return count_rows(conn, Target(criteria=Group("all", list(conditions))))


def test_ticked_models_any_of_them_or_each(qtbot, sample_db, manager, monkeypatch) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    editor = screen.editor
    model = editor.model
    qtbot.waitUntil(lambda: _has_choice(model, "vehicle.model", "LAGUNA"), timeout=20_000)

    _press_space(qtbot, editor, model.choice_index("vehicle.model", "CLIO"))
    assert _each_row(model, "vehicle.model") is None  # one ticked value: nothing to explain
    _press_space(qtbot, editor, model.choice_index("vehicle.model", "LAGUNA"))
    hint = _each_row(model, "vehicle.model")
    assert hint is not None and hint.data() == "Ticked values: any of them"
    switch = hint.siblingAtColumn(COL_VALUE)
    assert switch.data() == "Must own each"
    assert switch.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked

    any_of = Condition("vehicle.model", Op.IN, ["CLIO", "LAGUNA"])
    both = Condition("vehicle.model", Op.IN, ["CLIO", "LAGUNA"], each=True)
    n_any, n_both = _engine_count(database, any_of), _engine_count(database, both)
    assert n_both == 2  # Dupré's CLIO and LAGUNA (the sample has no other owner of either)
    wait_count(qtbot, screen, n_any)
    assert editor.criteria() == Group("all", [any_of])

    _press_space(qtbot, editor, switch)
    assert switch.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert hint.data() == "Ticked values: a vehicle for each"
    wait_count(qtbot, screen, n_both)
    assert editor.criteria() == Group("all", [both])
    assert "owns a vehicle for each" in editor.sentence.text()

    # a third ticked value: nobody owns all three, while any of them is more people
    _press_space(qtbot, editor, model.choice_index("vehicle.model", "MÉGANE"))
    three = ["CLIO", "LAGUNA", "MÉGANE"]
    assert _engine_count(database, Condition("vehicle.model", Op.IN, three, each=True)) == 0
    wait_count(qtbot, screen, 0)
    _press_space(qtbot, editor, _each_row(model, "vehicle.model").siblingAtColumn(COL_VALUE))
    n_three = _engine_count(database, Condition("vehicle.model", Op.IN, three))
    assert n_three > n_any
    wait_count(qtbot, screen, n_three)
    _press_space(qtbot, editor, _each_row(model, "vehicle.model").siblingAtColumn(COL_VALUE))
    _press_space(qtbot, editor, model.choice_index("vehicle.model", "MÉGANE"))
    wait_count(qtbot, screen, n_both)
    assert editor.criteria() == Group("all", [both])

    save_as(monkeypatch, qtbot, screen, "CLIO ET LAGUNA COCHES")
    screen.new_target()
    wait_count(qtbot, screen, _engine_count(database))
    assert _each_row(screen.editor.model, "vehicle.model") is None
    open_saved(monkeypatch, qtbot, screen, "CLIO ET LAGUNA COCHES")
    wait_grid(qtbot, screen)
    assert screen.count == n_both
    assert screen.editor.criteria() == Group("all", [both])
    reopened = _each_row(screen.editor.model, "vehicle.model")
    assert reopened is not None
    assert reopened.siblingAtColumn(COL_VALUE).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Checked
    )

    # unticking down to one value takes the hint and the switch away, and "each" with them
    model = screen.editor.model
    _press_space(qtbot, screen.editor, model.choice_index("vehicle.model", "LAGUNA"))
    assert _each_row(model, "vehicle.model") is None
    assert screen.editor.criteria() == Group("all", [Condition("vehicle.model", Op.EQ, ["CLIO"])])


def _has_choice(model: CriteriaTreeModel, key: str, value: str) -> bool:
    try:
        model.choice_index(key, value)
    except KeyError:
        return False
    return True


def test_hint_without_switch_on_customer_fields() -> None:
    """A customer field's ticked values get the hint but no switch; 'each' stays off."""
    model = CriteriaTreeModel()
    key = "customer.preferred_channel"
    field = model.field_index(key)
    values = [c.choice.value for c in model._fields[key].choices()][:2]
    assert len(values) == 2
    for v in values:
        model.setData(
            model.choice_index(key, v), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
        )
    hint = _each_row(model, key)
    assert hint is not None and hint.data() == "Ticked values: any of them"
    switch = hint.siblingAtColumn(COL_VALUE)
    assert not switch.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.setData(switch, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.snapshot().children == [Condition(key, Op.IN, values)]
    # choices read later from the database go above the hint
    model.set_choices("vehicle.brand", [EnumValue("MINI", "MINI", "MINI")])
    assert model.rowCount(field) == len(model._fields[key].children)


def test_welcome_on_a_new_target(qtbot, sample_db, manager, monkeypatch) -> None:
    """Point 7 (welcome only): a new target without criteria says what to do first."""
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    welcome = screen.welcome
    assert welcome.isVisible()
    assert "Choose criteria on the left" in welcome.text()
    assert "Model" in welcome.text() and "First registration (MEC)" in welcome.text()
    model = screen.editor.model
    qtbot.waitUntil(lambda: _has_choice(model, "vehicle.model", "CLIO"), timeout=20_000)
    _press_space(qtbot, screen.editor, model.choice_index("vehicle.model", "CLIO"))
    assert not welcome.isVisible()  # criteria chosen: the welcome has done its job
    _press_space(qtbot, screen.editor, model.choice_index("vehicle.model", "CLIO"))
    assert welcome.isVisible()
    _press_space(qtbot, screen.editor, model.choice_index("vehicle.model", "CLIO"))
    save_as(monkeypatch, qtbot, screen, "CLIO SEULE")
    _press_space(qtbot, screen.editor, model.choice_index("vehicle.model", "CLIO"))
    assert not welcome.isVisible()  # a saved target is open, even with no criteria left
    screen.forget_changes()
    screen.new_target()
    assert welcome.isVisible()
