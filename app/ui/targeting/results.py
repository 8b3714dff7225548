"""The results grid: a lazy table model over a target, and its view.

:class:`ResultsTableModel` asks :func:`app.query.engine.fetch_page` for one page of rows at a
time, in the background, when the view scrolls to the end of what it holds (``canFetchMore`` /
``fetchMore``). Ctrl+End does not read every row before the last: it counts the rows and fetches
the last page directly; the rows between stay holes (``None``, shown as "…") until they are
scrolled into view, when their page is fetched. Removed customers
are a set of customer ids: their rows are struck through, left out of every export, and can be
put back.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)
from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from app.models.db import Database
from app.query.catalog import Field, FieldType, get_field
from app.query.engine import ResultRow, count_rows, fetch_page
from app.query.target import Target
from app.ui import tasks

PAGE_SIZE = 500
#: After this long waiting for rows, the list says it is reading them (Esc stops).
WAIT_NOTICE_MS = 500
#: Column widths fitted to the values of the first rows, within these bounds (pixels).
SIZE_ROWS = 200
MIN_COLUMN = 48
MAX_COLUMN = 320
CUSTOMER_ROLE = Qt.ItemDataRole.UserRole + 10
REMOVED_ROLE = Qt.ItemDataRole.UserRole + 11

Index = QModelIndex | QPersistentModelIndex


class Interruptible:
    """Runs a query in a task so that Cancel can stop it mid-statement (SQLite ``interrupt``,
    PostgreSQL ``cancel``), not only between batches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._raw: Any = None

    def run(
        self, database: Database, ctx: tasks.TaskContext, fn: Callable[[Connection], Any]
    ) -> Any:
        with database.engine.connect() as conn:
            with self._lock:
                self._raw = conn.connection.driver_connection
            try:
                ctx.check_cancelled()
                result = fn(conn)
                ctx.check_cancelled()  # an answer nobody waits for any more
                return result
            except DBAPIError:
                if ctx.cancelled:
                    raise tasks.TaskCancelled() from None
                raise
            finally:
                with self._lock:
                    self._raw = None

    def interrupt(self) -> None:
        with self._lock:
            raw = self._raw
            if raw is None:
                return
            stop = getattr(raw, "interrupt", None) or getattr(raw, "cancel", None)
            if stop is not None:
                stop()


class ResultsTableModel(QAbstractTableModel):
    """The rows of a target, fetched a page at a time (see the module docstring).

    Column 0 is the remove / put back mark; the target's columns follow. ``fetch_log`` records
    every page asked for, as ``(offset, limit, rows received)``.
    """

    page_loaded = Signal(int, int)  # offset, rows received
    complete = Signal()  # the last row is loaded
    failed = Signal(object)  # the exception of a page that could not be read
    busy_changed = Signal(bool)
    removed_changed = Signal()

    def __init__(
        self,
        parent: Any = None,
        *,
        task_manager: tasks.TaskManager | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._tasks = task_manager
        self.page_size = page_size
        self._database: Database | None = None
        self._target = Target()
        self._fields: list[Field] = [get_field(k) for k in self._target.columns]
        self._today = dt.date.today()
        self.rows: list[ResultRow | None] = []  # None: a row not read yet (after Ctrl+End)
        self._holes: list[int] = []  # first rows of the pages of holes asked for, latest last
        self.removed: set[int] = set()
        self.exhausted = True
        self._task: tasks.Task | None = None
        self._task_generation = 0
        self._query = Interruptible()
        self._generation = 0
        self.fetch_log: list[tuple[int, int, int]] = []

    # -- what is shown --------------------------------------------------------------------------
    @property
    def fields(self) -> list[Field]:
        return list(self._fields)

    @property
    def target(self) -> Target:
        """The target shown (as asked for: with "only removed" added, if so)."""
        return self._target

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_finished

    def set_query(
        self, database: Database, target: Target, removed: set[int], today: dt.date | None = None
    ) -> None:
        """Show *target* on *database* from its first row (the first page is asked for at once).

        *removed* is the set of removed customer ids, shared with the caller.
        """
        self.cancel()
        self.beginResetModel()
        self._generation += 1
        self._database = database
        self._target = target
        self._fields = [get_field(k) for k in target.columns]
        self._today = today or dt.date.today()
        self.removed = removed
        self.rows = []
        self._holes = []
        self.exhausted = False
        self.fetch_log = []
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def clear(self) -> None:
        self.cancel()
        self.beginResetModel()
        self._generation += 1
        self.rows = []
        self._holes = []
        self.exhausted = True
        self.endResetModel()

    # -- Qt model API ---------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 1 + len(self._fields)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.rows):
                return str(section + 1)
            return None
        if not 0 <= section <= len(self._fields):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if section == 0 else self._fields[section - 1].label()
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == 0:
                return QCoreApplication.translate(
                    "Results", "Click a mark to remove a customer from the target or put them back"
                )
            f = self._fields[section - 1]
            return f"{f.label()} ({f.group_label()})"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        col = index.column()
        if row is None:  # not read yet: ask for its page
            if role == Qt.ItemDataRole.DisplayRole:
                self._want(index.row())
                return "…" if col else ""
            return None
        removed = row.customer_id in self.removed
        if role == CUSTOMER_ROLE:
            return row.customer_id
        if role == REMOVED_ROLE:
            return removed
        if col == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return "↺" if removed else "✕"
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    QCoreApplication.translate(
                        "Results", "Put this customer back in the target (Insert)"
                    )
                    if removed
                    else QCoreApplication.translate(
                        "Results", "Remove this customer from the target (Delete)"
                    )
                )
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#1a7f37" if removed else "#b42318"))
            return None
        f = self._fields[col - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return f.format_value(row.values[col - 1])
        if role == Qt.ItemDataRole.FontRole and removed:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and removed:
            return QBrush(QColor("#8a8a8a"))
        if role == Qt.ItemDataRole.ToolTipRole and removed:
            return QCoreApplication.translate(
                "Results", "Removed from the target: left out of every export"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and f.type is FieldType.NUMBER:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._database is not None and not self.exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        """Ask for the next page in the background (nothing if one is on its way)."""
        if parent.isValid() or not self.canFetchMore():
            return
        if self.busy and self._task_generation == self._generation:
            return  # this run's next page is on its way
        database, target, today = self._database, self._target, self._today
        limit = self.page_size
        offset, generation = len(self.rows), self._generation
        query = self._query

        def work(ctx: tasks.TaskContext) -> list[ResultRow]:
            return query.run(
                database,  # type: ignore[arg-type]
                ctx,
                lambda conn: fetch_page(conn, target, offset, limit, today=today),
            )

        runner = self._tasks or tasks.manager()
        if getattr(runner, "_closed", False):
            return  # the application is closing
        self._task_generation = generation
        self._task = runner.run(
            work,
            lambda rows: self._page(generation, offset, limit, rows),
            lambda error: self._page_failed(generation, error),
            on_cancelled=lambda: self._busy_ended(generation),
            owner=self,
        )
        self.busy_changed.emit(True)

    def fetch_to_end(self) -> None:
        """Count the rows and fetch the last page directly (Ctrl+End); ``complete`` then."""
        if self.exhausted:
            self.complete.emit()
            return
        if self._database is None:
            return
        self.cancel()
        database, target, today = self._database, self._target, self._today
        loaded, generation, size = len(self.rows), self._generation, self.page_size
        query = self._query

        def work(ctx: tasks.TaskContext) -> tuple[int, int, list[ResultRow]]:
            def last_page(conn: Connection) -> tuple[int, int, list[ResultRow]]:
                total = count_rows(conn, target, today=today)
                offset = max(loaded, total - size)
                ctx.check_cancelled()
                return total, offset, fetch_page(conn, target, offset, total - offset, today=today)

            return query.run(database, ctx, last_page)  # type: ignore[arg-type]

        runner = self._tasks or tasks.manager()
        if getattr(runner, "_closed", False):
            return
        self._task_generation = generation
        self._task = runner.run(
            work,
            lambda result: self._tail(generation, *result),
            lambda error: self._page_failed(generation, error),
            on_cancelled=lambda: self._busy_ended(generation),
            owner=self,
        )
        self.busy_changed.emit(True)

    def _tail(self, generation: int, total: int, offset: int, rows: list[ResultRow]) -> None:
        if generation != self._generation:
            self.busy_changed.emit(self.busy)
            return
        self.fetch_log.append((offset, total - offset, len(rows)))
        first = len(self.rows)
        new: list[ResultRow | None] = [None] * (offset - first) + list(rows)
        if new:
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self.rows.extend(new)
            self.endInsertRows()
        self.exhausted = True
        self.page_loaded.emit(offset, len(rows))
        self.complete.emit()
        self.busy_changed.emit(self.busy)
        self._fill_next()

    def _want(self, row: int) -> None:
        """Row *row* is shown but not read: fetch its page (the latest asked for first)."""
        start = row - row % self.page_size
        if start in self._holes:
            self._holes.remove(start)
        self._holes.append(start)
        if not self.busy:
            self._fill_next()

    def _fill_next(self) -> None:
        while self._holes:
            start = self._holes.pop()
            end = min(start + self.page_size, len(self.rows))
            if any(self.rows[r] is None for r in range(start, end)):
                break
        else:
            return
        database, target, today = self._database, self._target, self._today
        generation, query, limit = self._generation, self._query, end - start

        def work(ctx: tasks.TaskContext) -> list[ResultRow]:
            return query.run(
                database,  # type: ignore[arg-type]
                ctx,
                lambda conn: fetch_page(conn, target, start, limit, today=today),
            )

        runner = self._tasks or tasks.manager()
        if getattr(runner, "_closed", False):
            return
        self._task_generation = generation
        self._task = runner.run(
            work,
            lambda rows: self._filled(generation, start, limit, rows),
            lambda error: self._page_failed(generation, error),
            on_cancelled=lambda: self._busy_ended(generation),
            owner=self,
        )
        self.busy_changed.emit(True)

    def _filled(self, generation: int, start: int, limit: int, rows: list[ResultRow]) -> None:
        if generation != self._generation:
            self.busy_changed.emit(self.busy)
            return
        self.fetch_log.append((start, limit, len(rows)))
        for i, row in enumerate(rows):
            if start + i < len(self.rows):
                self.rows[start + i] = row
        if rows:
            self.dataChanged.emit(
                self.index(start, 0), self.index(start + len(rows) - 1, self.columnCount() - 1)
            )
        self.page_loaded.emit(start, len(rows))
        self.busy_changed.emit(self.busy)
        self._fill_next()

    def cancel(self) -> None:
        """Stop the page on its way (the rows already shown stay)."""
        self._holes = []
        if self._task is not None and not self._task.is_finished:
            self._task.cancel()
            self._query.interrupt()

    def _busy_ended(self, generation: int) -> None:
        self.busy_changed.emit(self.busy)

    def _page(self, generation: int, offset: int, limit: int, rows: list[ResultRow]) -> None:
        if generation != self._generation:  # a page of a previous run
            self.busy_changed.emit(self.busy)
            return
        self.fetch_log.append((offset, limit, len(rows)))
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        if len(rows) < limit:
            self.exhausted = True
        self.page_loaded.emit(offset, len(rows))
        if self.exhausted:
            self.complete.emit()
        self.busy_changed.emit(self.busy)

    def _page_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.exhausted = True
            self.failed.emit(error)
        self.busy_changed.emit(self.busy)

    # -- removed customers ----------------------------------------------------------------------
    def customers(self, rows: Iterable[int]) -> set[int]:
        found = (self.rows[r] for r in rows if 0 <= r < len(self.rows))
        return {row.customer_id for row in found if row is not None}

    def set_removed(self, customer_ids: Iterable[int], removed: bool) -> bool:
        """Remove (or put back) customers: every row of theirs changes. True if anything did."""
        ids = set(customer_ids)
        if removed:
            change = ids - self.removed
            self.removed |= change
        else:
            change = ids & self.removed
            self.removed -= change
        if not change:
            return False
        if self.rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self.rows) - 1, self.columnCount() - 1)
            )
        self.removed_changed.emit()
        return True

    def toggle_removed(self, row: int) -> None:
        if self.rows[row] is None:
            return
        customer = self.rows[row].customer_id  # type: ignore[union-attr]
        self.set_removed({customer}, customer not in self.removed)

    # -- copy -----------------------------------------------------------------------------------
    def as_tsv(self, rows: Iterable[int]) -> str:
        """Rows as tab-separated text with a header line (what Excel pastes into columns)."""

        def clean(text: str) -> str:
            return " ".join(text.replace("\t", " ").split())

        lines = ["\t".join(clean(f.label()) for f in self._fields)]
        for r in sorted(set(rows)):
            if 0 <= r < len(self.rows) and self.rows[r] is not None:
                values = self.rows[r].values  # type: ignore[union-attr]
                lines.append(
                    "\t".join(
                        clean(f.format_value(v)) for f, v in zip(self._fields, values, strict=True)
                    )
                )
        return "\r\n".join(lines) + "\r\n"


class ResultsView(QTableView):
    """The grid: a click on the first column removes a customer or puts them back; Delete and
    Insert do the same for the selected rows; Ctrl+C copies them; Ctrl+End goes to the last row.
    A click on a column's title asks to sort by it (``sort_requested(field key)``)."""

    sort_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("results_grid")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.clicked.connect(self._clicked)
        self.horizontalHeader().setSectionsClickable(True)
        self.horizontalHeader().sectionClicked.connect(self._header_clicked)
        self.horizontalHeader().sectionResized.connect(self._section_resized)
        self._want_end = False
        self._sizing = False
        # after half a second of waiting for rows, say so (and how to stop)
        self.waiting_label = QLabel(self.tr("Reading the list… (Esc to stop)"), self.viewport())
        self.waiting_label.setObjectName("list_waiting")
        self.waiting_label.setStyleSheet(
            "QLabel { background: palette(tool-tip-base); border: 1px solid palette(mid);"
            " padding: 8px 14px; border-radius: 4px; }"
        )
        self.waiting_label.hide()
        self._wait_timer = QTimer(self)
        self._wait_timer.setSingleShot(True)
        self._wait_timer.setInterval(WAIT_NOTICE_MS)
        self._wait_timer.timeout.connect(self._show_waiting)

    def setModel(self, model: Any) -> None:  # noqa: N802
        super().setModel(model)
        model.complete.connect(self._complete)
        model.modelReset.connect(self._columns)
        model.page_loaded.connect(self._page_loaded)
        model.busy_changed.connect(self._busy_changed)
        self._columns()

    def results(self) -> ResultsTableModel:
        return self.model()  # type: ignore[return-value]

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedIndexes()})

    def remove_selected(self, removed: bool = True) -> bool:
        rows = self.selected_rows() or (
            [self.currentIndex().row()] if self.currentIndex().isValid() else []
        )
        model = self.results()
        return model.set_removed(model.customers(rows), removed)

    def copy_selected(self) -> str:
        text = self.results().as_tsv(self.selected_rows())
        QApplication.clipboard().setText(text)
        return text

    def go_to_end(self) -> None:
        self._want_end = True
        self.results().fetch_to_end()

    def _complete(self) -> None:
        if self._want_end:
            self._want_end = False
            last = self.results().rowCount() - 1
            if last >= 0:
                index = self.model().index(last, max(1, self.currentIndex().column()))
                self.setCurrentIndex(index)
                self.scrollTo(index)

    def _columns(self) -> None:
        self._sizing = True
        self.setColumnWidth(0, 28)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        metrics = self.fontMetrics()
        model = self.results()
        for i, f in enumerate(model.fields, start=1):
            chars = {FieldType.DATE: 10, FieldType.NUMBER: 8, FieldType.BOOLEAN: 5,
                     FieldType.ENUM: 9}.get(f.type, 15)  # fmt: skip
            label = metrics.horizontalAdvance(f.label()) + 20
            self.setColumnWidth(i, max(label, metrics.averageCharWidth() * chars + 12))
        self._sizing = False
        header = self.horizontalHeader()
        keys = [f.key for f in model.fields]
        sort = model.target.sort
        if sort and sort[0].field in keys:
            order = (
                Qt.SortOrder.DescendingOrder if sort[0].descending else Qt.SortOrder.AscendingOrder
            )
            header.setSortIndicator(keys.index(sort[0].field) + 1, order)
            header.setSortIndicatorShown(True)
        else:
            header.setSortIndicatorShown(False)

    def fit_columns(self, rows: int = SIZE_ROWS) -> None:
        """Each column as wide as its title and its values in the first *rows* rows, between
        :data:`MIN_COLUMN` and :data:`MAX_COLUMN` pixels; then the widths the user gave this
        target's columns."""
        model = self.results()
        metrics = self.fontMetrics()
        n = min(rows, model.rowCount())
        self._sizing = True
        try:
            for i, f in enumerate(model.fields, start=1):
                title = metrics.horizontalAdvance(f.label()) + 28  # room for the sort arrow
                values = (
                    metrics.horizontalAdvance(str(model.index(r, i).data() or "")) + 16
                    for r in range(n)
                )
                width = max(title, *values) if n else title
                self.setColumnWidth(i, max(MIN_COLUMN, min(MAX_COLUMN, width)))
            for key, width in self.remembered_widths().items():
                if key in (keys := [f.key for f in model.fields]):
                    self.setColumnWidth(keys.index(key) + 1, width)
        finally:
            self._sizing = False

    def _busy_changed(self, busy: bool) -> None:
        if busy and self.results().busy:
            if not self._wait_timer.isActive() and self.waiting_label.isHidden():
                self._wait_timer.start()
        else:
            self._wait_timer.stop()
            self.waiting_label.hide()

    def _show_waiting(self) -> None:
        if not self.results().busy:
            return
        label = self.waiting_label
        label.adjustSize()
        area = self.viewport().rect()
        label.move(area.center().x() - label.width() // 2, area.center().y() - label.height() // 2)
        label.show()
        label.raise_()

    def _page_loaded(self, offset: int, received: int) -> None:
        if offset == 0:
            self.fit_columns()

    def _settings_key(self) -> str:
        name = self.results().target.name or "-"
        return f"results/column_widths/{name}"

    def remembered_widths(self) -> dict[str, int]:
        """The widths the user gave columns of the target shown (field key → pixels)."""
        value = QSettings().value(self._settings_key())
        try:
            data = json.loads(value) if isinstance(value, str) else {}
        except ValueError:
            return {}
        return {str(k): int(v) for k, v in data.items() if isinstance(v, int) and v > 0}

    def _section_resized(self, section: int, _old: int, new: int) -> None:
        fields = self.results().fields
        if self._sizing or not 1 <= section <= len(fields):
            return
        widths = self.remembered_widths()
        widths[fields[section - 1].key] = new
        QSettings().setValue(self._settings_key(), json.dumps(widths))

    def _header_clicked(self, section: int) -> None:
        fields = self.results().fields
        if 1 <= section <= len(fields):
            self.sort_requested.emit(fields[section - 1].key)

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid() and index.column() == 0:
            self.results().toggle_removed(index.row())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if (
            event.key() == Qt.Key.Key_End
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.go_to_end()
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selected()
            return
        super().keyPressEvent(event)
