"""Columns sized to their content, the user's widths kept per target (issue 10, point 10)."""

from __future__ import annotations

from targeting_helpers import make_screen, wait_grid

from app.query.catalog import get_field
from app.query.target import Target
from app.ui.targeting.results import MAX_COLUMN, MIN_COLUMN


def _width(screen, key: str) -> int:
    keys = [f.key for f in screen.results.fields]
    return screen.grid.columnWidth(keys.index(key) + 1)


def test_the_criterion_column_shows_the_longest_field_label(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    view = screen.editor.view
    label = get_field("customer.optout_phone").label()
    assert view.columnWidth(0) > view.fontMetrics().horizontalAdvance(label) + view.indentation()
    assert view.columnWidth(0) <= 340


def test_list_columns_fit_their_values(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    grid, model = screen.grid, screen.results
    metrics = grid.fontMetrics()
    for i, f in enumerate(model.fields, start=1):
        width = grid.columnWidth(i)
        assert MIN_COLUMN <= width <= MAX_COLUMN
        longest = max(metrics.horizontalAdvance(model.index(r, i).data() or "")
                      for r in range(model.rowCount()))  # fmt: skip
        title = metrics.horizontalAdvance(f.label())
        assert width >= min(longest, MAX_COLUMN - 16), f.key  # its values are not cut
        assert width <= max(MIN_COLUMN, title + 28, longest + 16), f.key  # nor padded


def test_the_users_widths_are_kept_per_target(qtbot, sample_db, manager) -> None:
    database, _ids = sample_db
    screen = make_screen(qtbot, database, manager)
    screen.set_target(Target(name="RELANCE"))
    wait_grid(qtbot, screen)
    city = [f.key for f in screen.results.fields].index("customer.city") + 1
    screen.grid.horizontalHeader().resizeSection(city, 333)  # as a drag of the border does
    screen.set_target(Target(name="AUTRE"))
    wait_grid(qtbot, screen)
    assert screen.grid.columnWidth(city) != 333
    screen.set_target(Target(name="RELANCE"))
    wait_grid(qtbot, screen)
    assert screen.grid.columnWidth(city) == 333
