"""The targeting screen: criteria on the left, the live count and the results grid on the right,
and the actions of the Target and Query menus.

Every change of the criteria, columns, sort order or grain restarts a short timer (``debounce``);
when it fires, the count and the first page of the grid are asked for in the background. Each
request carries a generation number: an answer to an older request is dropped, so a slow,
stale count never overwrites a newer one. Cancel (Esc) stops the query under way.
"""

from __future__ import annotations

import copy
import datetime as dt
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QByteArray, QEventLoop, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import Connection

from app import i18n
from app.errors import CibleError, TargetError
from app.models.db import Database
from app.query.catalog import FIELDS, enum_choices
from app.query.criteria import Condition, Group, Op
from app.query.engine import count_rows, resolve_removed
from app.query.saved import (
    TargetExistsError,
    delete_saved,
    list_saved,
    load_saved,
    rename_saved,
    save_target,
)
from app.query.target import DEFAULT_COLUMNS, SortKey, Target
from app.query.targetfile import SUFFIX as TARGET_SUFFIX
from app.query.targetfile import load_target_file, save_target_file
from app.ui import tasks
from app.ui.targeting.criteria_editor import CriteriaEditor
from app.ui.targeting.fields import FieldsDialog, SortDialog
from app.ui.targeting.results import Interruptible, ResultsTableModel, ResultsView
from app.ui.targeting.saved_dialogs import OpenTargetDialog, SaveTargetDialog

T = TypeVar("T")

DEBOUNCE_MS = 350
#: The columns of a new target: the engine's defaults.
NEW_TARGET_COLUMNS = DEFAULT_COLUMNS
NEW_TARGET_SORT = (SortKey("customer.last_name"),)
SETTINGS_LAST_DB = "targeting/last_database"
SETTINGS_LAST_TARGET = "targeting/last_target"
SETTINGS_SPLITTER = "targeting/splitter"


class TargetingScreen(QWidget):
    """Build, run, save and open targets on one database (see the module docstring).

    Signals: ``title_changed()`` when the target's name or modified state changes,
    ``counted(int)`` when a count is shown, ``count_failed(str)``.
    """

    title_changed = Signal()
    counted = Signal(int)
    count_failed = Signal(str)

    def __init__(
        self,
        database: Database | None = None,
        parent: QWidget | None = None,
        *,
        task_manager: tasks.TaskManager | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        restore_last: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("targeting_screen")
        self._tasks = task_manager
        self.database: Database | None = None
        self._restore_last = restore_last
        self._name = ""
        self._description = ""
        self._columns = list(DEFAULT_COLUMNS)
        self._sort: list[SortKey] = []
        self._grain = "vehicle"
        self.removed: set[int] = set()
        self._saved_name: str | None = None
        self._clean: Any = None
        self._loading = False
        self.count: int | None = None
        self._generation = 0
        self._count_task: tasks.Task | None = None
        self._count_query = Interruptible()
        self._choices_task: tasks.Task | None = None

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.refresh)

        self._build()
        self._build_actions()
        self._set_target_state(self._blank(), None)
        if database is not None:
            self.set_database(database)

    # -- layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self._bars = QVBoxLayout()
        self._bars.setSpacing(4)

        self.name_label = QLabel()
        self.name_label.setObjectName("target_name")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.name_label.setFont(font)
        self.description_label = QLabel()
        self.description_label.setObjectName("target_description")
        self.description_label.setStyleSheet("color: palette(mid);")
        self.description_label.setWordWrap(True)

        self.editor = CriteriaEditor()
        self.editor.changed.connect(self._criteria_changed)

        #: What to do first, over the list while the target is new and has no criteria.
        self.welcome = QLabel(
            self.tr(
                "Choose criteria on the left to find your customers (for example %1 or %2), "
                "or open a saved target (Ctrl+O). Until then, the list shows every customer."
            )
            .replace("%1", FIELDS["vehicle.model"].label())
            .replace("%2", FIELDS["vehicle.first_registration"].label())
        )
        self.welcome.setObjectName("targeting_welcome")
        self.welcome.setWordWrap(True)
        self.welcome.setStyleSheet(
            "QLabel#targeting_welcome { background: #eef4fb; border: 1px solid #b7cde6;"
            " border-radius: 4px; padding: 8px; }"
        )
        self.welcome.hide()
        self.count_label = QLabel()
        self.count_label.setObjectName("record_count")
        font = self.count_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.count_label.setFont(font)
        self.removed_label = QLabel()
        self.removed_label.setObjectName("removed_count")
        self.grain_combo = QComboBox()
        self.grain_combo.setObjectName("grain")
        self.grain_combo.addItem(self.tr("One row per vehicle"), "vehicle")
        self.grain_combo.addItem(self.tr("One row per customer"), "customer")
        self.grain_combo.setToolTip(
            self.tr(
                "One row per customer: a customer with three old cars gets one letter, not three (Ctrl+U)"
            )
        )
        self.grain_combo.currentIndexChanged.connect(self._grain_changed)
        self.only_removed = QCheckBox(self.tr("Only removed"))
        self.only_removed.setObjectName("only_removed")
        self.only_removed.setToolTip(
            self.tr("Show only the rows of the customers removed by hand (Ctrl+H)")
        )
        self.only_removed.toggled.connect(lambda _on: self.refresh())
        self.busy_bar = QProgressBar()
        self.busy_bar.setObjectName("busy")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(120)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setToolTip(self.tr("Stop the query under way (Esc)"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setObjectName("run")
        self.run_button.setToolTip(self.tr("Count and list again now (F5)"))
        self.run_button.clicked.connect(self.refresh)

        self.results = ResultsTableModel(self, task_manager=self._tasks)
        self.results.failed.connect(self._grid_failed)
        self.results.busy_changed.connect(lambda _busy: self._update_busy())
        self.results.removed_changed.connect(self._removed_changed)
        self.grid = ResultsView()
        self.grid.setModel(self.results)
        self.grid.sort_requested.connect(self.sort_by)

        top = QHBoxLayout()
        top.addWidget(self.count_label)
        top.addWidget(self.removed_label)
        top.addStretch(1)
        top.addWidget(self.busy_bar)
        top.addWidget(self.cancel_button)
        top.addWidget(self.run_button)
        options = QHBoxLayout()
        options.addWidget(self.grain_combo)
        options.addWidget(self.only_removed)
        options.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(top)
        right_layout.addLayout(options)
        right_layout.addWidget(self.welcome)
        right_layout.addWidget(self.grid, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("targeting_splitter")
        self.splitter.addWidget(self.editor)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([460, 700])
        state = QSettings().value(SETTINGS_SPLITTER)
        if isinstance(state, QByteArray | bytes) and state:
            self.splitter.restoreState(state)

        header = QHBoxLayout()
        header.addWidget(self.name_label)
        header.addWidget(self.description_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        layout.addLayout(self._bars)
        layout.addLayout(header)
        layout.addWidget(self.splitter, 1)

    def _action(
        self, text: str, shortcut: QKeySequence | str | None, slot: Callable[[], Any], tip: str = ""
    ) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        k = QKeySequence.StandardKey
        self.new_action = self._action(self.tr("&New target"), QKeySequence(k.New), self.new_target)
        self.open_action = self._action(
            self.tr("&Open a target…"), QKeySequence(k.Open), self.open_target
        )
        self.save_action = self._action(self.tr("&Save"), QKeySequence(k.Save), self.save)
        self.save_as_action = self._action(self.tr("Save &as…"), "Ctrl+Shift+S", self.save_as)
        self.rename_action = self._action(self.tr("&Rename…"), "Ctrl+Shift+R", self.rename)
        self.import_action = self._action(
            self.tr("&Import a target file…"), "Ctrl+I", self.import_file,
            self.tr("Open a target shared as a JSON file"),
        )  # fmt: skip
        self.export_action = self._action(
            self.tr("&Export to a target file…"), "Ctrl+Shift+E", self.export_file,
            self.tr("Write this target as a JSON file to share with another site"),
        )  # fmt: skip
        self.fields_action = self._action(
            self.tr("&Fields to display…"), "Ctrl+D", self.choose_fields
        )
        self.sort_action = self._action(self.tr("&Sort order…"), "Ctrl+T", self.choose_sort)
        self.run_action = self._action(self.tr("&Run"), "F5", self.refresh)
        self.run_action.setShortcuts([QKeySequence("F5"), QKeySequence("Ctrl+Return")])
        self.cancel_action = self._action(self.tr("&Cancel the query"), "Esc", self.cancel)
        self.cancel_action.setEnabled(False)
        self.grain_action = self._action(
            self.tr("One row per &customer"), "Ctrl+U", self._toggle_grain
        )
        self.grain_action.setCheckable(True)
        self.criteria_focus_action = self._action(
            self.tr("Go to the &criteria"), "Ctrl+1", lambda: self.editor.view.setFocus()
        )
        self.grid_focus_action = self._action(
            self.tr("Go to the &list"), "Ctrl+2", lambda: self.grid.setFocus()
        )

        self.remove_action = QAction(self.tr("&Remove the selected customers"), self)
        self.remove_action.setShortcut(QKeySequence(k.Delete))
        self.remove_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.remove_action.triggered.connect(lambda: self.grid.remove_selected(True))
        self.put_back_action = QAction(self.tr("&Put back the selected customers"), self)
        self.put_back_action.setShortcut(QKeySequence("Ins"))
        self.put_back_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.put_back_action.triggered.connect(lambda: self.grid.remove_selected(False))
        self.copy_action = QAction(self.tr("&Copy the selected rows"), self)
        self.copy_action.setShortcut(QKeySequence(k.Copy))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.grid.copy_selected)
        self.last_row_action = QAction(self.tr("Go to the &last row"), self)
        self.last_row_action.setShortcut(QKeySequence("Ctrl+End"))
        self.last_row_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.last_row_action.triggered.connect(self.grid.go_to_end)
        for action in (
            self.remove_action,
            self.put_back_action,
            self.copy_action,
            self.last_row_action,
        ):
            self.grid.addAction(action)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)  # right click
        self.only_removed_action = self._action(
            self.tr("Show &only removed customers"), "Ctrl+H", self.only_removed.toggle
        )
        self.only_removed_action.setCheckable(True)
        self.only_removed.toggled.connect(self.only_removed_action.setChecked)

    def menus(self) -> list[QMenu]:
        """The Target, Query and List menus, for the window's menu bar."""
        target = QMenu(self.tr("&Target"), self)
        target.setObjectName("target_menu")
        for action in (self.new_action, self.open_action, None, self.save_action,
                       self.save_as_action, self.rename_action, None, self.import_action,
                       self.export_action):  # fmt: skip
            target.addSeparator() if action is None else target.addAction(action)
        query = QMenu(self.tr("&Query"), self)
        query.setObjectName("query_menu")
        for action in (self.fields_action, self.sort_action, self.grain_action, None,
                       *self.editor.group_actions, None, self.run_action, self.cancel_action,
                       None, self.criteria_focus_action, self.grid_focus_action):  # fmt: skip
            query.addSeparator() if action is None else query.addAction(action)
        rows = QMenu(self.tr("&List"), self)
        rows.setObjectName("list_menu")
        for action in (self.remove_action, self.put_back_action, self.only_removed_action, None,
                       self.copy_action, self.last_row_action):  # fmt: skip
            rows.addSeparator() if action is None else rows.addAction(action)
        return [target, query, rows]

    # -- database -------------------------------------------------------------------------------
    def set_database(self, database: Database) -> None:
        """Work on *database*: read the checkbox values, reopen the last target used on it."""
        self.database = database
        self.results.clear()
        self._load_choices()
        target, saved = self._blank(), None
        settings = QSettings()
        last = settings.value(SETTINGS_LAST_TARGET)
        if self._restore_last and last and settings.value(SETTINGS_LAST_DB) == database.location:
            try:
                target = self._db(lambda conn: load_saved(conn, str(last)), write=True)
                saved = target.name
            except (CibleError, tasks.TaskCancelled):
                target = self._blank()
        self._set_target_state(target, saved)
        self.refresh()

    def _load_choices(self) -> None:
        database = self.database
        if database is None:
            return
        keys = [f.key for f in FIELDS.values() if f.values_from_db]

        def work(ctx: tasks.TaskContext) -> dict[str, list[Any]]:
            found = {}
            with database.engine.connect() as conn:
                for key in keys:
                    ctx.check_cancelled()
                    found[key] = enum_choices(conn, key)
            return found

        self._choices_task = self._runner().run(
            work, self.editor.set_choices, self._choices_failed, owner=self
        )

    def _choices_failed(self, error: BaseException) -> None:
        self.show_error(self.tr("The values to tick could not be read from the database."), error)

    def _runner(self) -> tasks.TaskManager:
        return self._tasks or tasks.manager()

    def _db(self, fn: Callable[[Connection], T], *, write: bool = False) -> T:
        """Run *fn* on a connection in the background and wait for it, the window staying live
        (for the short saved-target operations). Raises what *fn* raised."""
        database = self.database
        if database is None:
            raise TargetError(self.tr("No database is open."))

        def work(ctx: tasks.TaskContext) -> T:
            if write:
                with database.engine.begin() as conn:
                    return fn(conn)
            with database.engine.connect() as conn:
                return fn(conn)

        outcome: dict[str, Any] = {}
        loop = QEventLoop()
        task = self._runner().run(
            work,
            lambda result: outcome.update(result=result),
            lambda error: outcome.update(error=error),
            on_cancelled=lambda: outcome.update(error=tasks.TaskCancelled()),
        )
        task.finished.connect(loop.quit)
        if not task.is_finished:
            loop.exec()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("result")  # type: ignore[return-value]

    # -- the target -----------------------------------------------------------------------------
    def current_target(self) -> Target:
        """What the window shows: name, description, columns, criteria, sort, removed, grain."""
        return Target(
            name=self._name,
            description=self._description,
            columns=list(self._columns),
            criteria=self.editor.criteria(),
            sort=[SortKey(k.field, k.descending) for k in self._sort],
            removed=set(self.removed),
            grain=self._grain,
        )

    def set_target(self, target: Target, saved_name: str | None = None) -> None:
        """Show *target* (``saved_name``: the saved target it comes from, if any) and run it."""
        self._set_target_state(target, saved_name)
        self.refresh()

    def _set_target_state(self, target: Target, saved_name: str | None) -> None:
        self._loading = True
        try:
            self._name = target.name
            self._description = target.description
            self._columns = list(target.columns)
            self._sort = list(target.sort)
            self._grain = str(target.grain)
            self.removed.clear()
            self.removed.update(target.removed)
            self.editor.set_criteria(target.criteria)
            self.grain_combo.setCurrentIndex(0 if self._grain == "vehicle" else 1)
            self.grain_action.setChecked(self._grain == "customer")
            self.only_removed.setChecked(False)
            self._saved_name = saved_name
        finally:
            self._loading = False
        self._clean = self._state() if saved_name is not None or target == self._blank() else None
        self._update_title()

    def _state(self) -> Any:
        return (self.current_target().to_dict(), tuple(self.editor.invalid()))

    def forget_changes(self) -> None:
        """Take what is on screen as saved: closing or opening another target will not ask.

        For callers that set a target on purpose (tests, scripts); users get the question."""
        self._clean = self._state()
        self._update_title()

    def is_modified(self) -> bool:
        return self._clean is None or self._state() != self._clean

    @property
    def saved_name(self) -> str | None:
        return self._saved_name

    def display_name(self) -> str:
        return self._name or self.tr("New target")

    def _update_title(self) -> None:
        self.name_label.setText(self.display_name() + (" *" if self.is_modified() else ""))
        self.description_label.setText(self._description)
        self.rename_action.setEnabled(self._saved_name is not None)
        self._update_welcome()

    def _update_welcome(self) -> None:
        """The welcome shows on a new target without criteria, once a database is open."""
        blank = (
            self.database is not None
            and self._saved_name is None
            and not self.editor.criteria().children
            and not self.editor.invalid()
        )
        self.welcome.setVisible(blank)
        self.title_changed.emit()

    def _criteria_changed(self) -> None:
        if self._loading:
            return
        self._update_title()
        self._timer.start()

    def _grain_changed(self, index: int) -> None:
        grain = self.grain_combo.itemData(index)
        if self._loading or grain == self._grain:
            return
        self._grain = grain
        self.grain_action.setChecked(grain == "customer")
        self._criteria_changed()

    def _toggle_grain(self) -> None:
        self.grain_combo.setCurrentIndex(1 if self._grain == "vehicle" else 0)

    def _removed_changed(self) -> None:
        self._show_removed()
        self._update_title()
        if self.only_removed.isChecked():
            self._timer.start()  # the rows shown and their count change

    # -- running --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Count and list again now (the timer's job, and F5)."""
        self._timer.stop()
        if self.database is None:
            return
        self._generation += 1
        generation = self._generation
        if self._count_task is not None and not self._count_task.is_finished:
            self._count_task.cancel()
            self._count_query.interrupt()
        target = self.current_target()
        database = self.database
        today = dt.date.today()
        query = self._count_query
        self.count_label.setText(self.tr("Counting…"))
        shown = self._shown(target)
        if shown is None:  # "only removed" and nobody removed: nothing to count nor list
            self._counted(generation, 0)
            self.refresh_grid(target)
            return

        def work(ctx: tasks.TaskContext) -> int:
            return query.run(database, ctx, lambda conn: count_rows(conn, shown, today=today))

        runner = self._runner()
        if getattr(runner, "_closed", False):
            return  # the application is closing: no more queries
        self._count_task = runner.run(
            work,
            lambda n: self._counted(generation, n),
            lambda error: self._count_error(generation, error),
            on_cancelled=lambda: self._count_cancelled(generation),
            owner=self,
        )
        self.refresh_grid(target)
        self._update_busy()

    def refresh_grid(self, target: Target | None = None) -> None:
        if self.database is None:
            return
        shown = self._shown(target or self.current_target())
        if shown is None:
            self.results.clear()
            self._update_busy()
            return
        self.results.set_query(self.database, shown, self.removed)
        self._update_busy()

    def _shown(self, target: Target) -> Target | None:
        """What the list shows and the label counts: *target*, or only its removed customers'
        rows ("Only removed"; None when nobody is removed)."""
        if not self.only_removed.isChecked():
            return target
        if not self.removed:
            return None
        shown = copy.copy(target)
        shown.criteria = Group(
            "all", [target.criteria, Condition("customer.id", Op.IN, sorted(self.removed))]
        )
        return shown

    def cancel(self) -> None:
        """Stop the count and the page under way."""
        if self._count_task is not None and not self._count_task.is_finished:
            self._count_task.cancel()
            self._count_query.interrupt()
        self.results.cancel()
        self._update_busy()

    def _counted(self, generation: int, n: int) -> None:
        if generation != self._generation:
            return  # the answer to an older question
        self.count = n
        if self.only_removed.isChecked():  # the label counts the rows shown
            text = (
                self.tr("%1 removed record") if i18n.singular(n) else self.tr("%1 removed records")
            )
        else:
            text = self.tr("%1 record") if i18n.singular(n) else self.tr("%1 records")
        self.count_label.setText(text.replace("%1", i18n.format_count(n)))
        self.count_label.setToolTip("")
        self._show_removed()
        self._update_busy()
        self.counted.emit(n)

    def _count_error(self, generation: int, error: BaseException) -> None:
        self._update_busy()
        if generation != self._generation:
            return
        self.count = None
        self.count_label.setText(self.tr("Count failed"))
        message = self.tr("The target could not be counted.")
        self.show_error(message, error)
        self.count_failed.emit(str(error))

    def _count_cancelled(self, generation: int) -> None:
        if generation == self._generation:
            self.count_label.setText(self.tr("Cancelled"))
            self.count_label.setToolTip(self.tr("Press F5 to count again."))
        self._update_busy()

    def _grid_failed(self, error: BaseException) -> None:
        self.show_error(self.tr("The list could not be read."), error)

    def _update_busy(self) -> None:
        counting = self._count_task is not None and not self._count_task.is_finished
        busy = counting or self.results.busy
        self.busy_bar.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.cancel_action.setEnabled(busy)

    def _show_removed(self) -> None:
        n = len(self.removed)
        if n:
            text = self.tr("· 1 customer removed") if n == 1 else self.tr("· %1 customers removed")
            self.removed_label.setText(text.replace("%1", i18n.format_count(n)))
        else:
            self.removed_label.setText("")

    # -- messages -------------------------------------------------------------------------------
    def show_error(self, message: str, error: BaseException | None = None) -> Any:
        """A red bar above the screen; the error's detail behind its Details button."""
        from app.ui.main_window import MessageBar  # the window module imports this one

        details = None
        if error is not None:
            if isinstance(error, CibleError):
                message = f"{message} {error}"
            else:
                first_line = (str(error).strip().splitlines() or [""])[0]
                message = f"{message} {type(error).__name__}: {first_line}"
                details = "".join(traceback.format_exception(error))
        return self._add_bar(MessageBar(message, "error", details=details))

    def show_info(self, message: str) -> Any:
        from app.ui.main_window import MessageBar

        return self._add_bar(MessageBar(message, "info"))

    def _add_bar(self, bar: QWidget) -> QWidget:
        self._bars.addWidget(bar)
        bar.show()
        while self._bars.count() > 3:  # never a pile of bars
            old = self._bars.takeAt(0).widget()
            if old is not None:
                old.deleteLater()
        return bar

    def messages(self) -> list[Any]:
        bars = (self._bars.itemAt(i).widget() for i in range(self._bars.count()))
        return [bar for bar in bars if bar is not None and not bar.isHidden()]

    # -- Target menu ----------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False if the user cancelled (or the save failed)."""
        if not self.is_modified() or (
            self._clean is None and self.current_target() == self._blank()
        ):
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Unsaved changes"),
            self.tr("The target “%1” has changes that are not saved. Save them?").replace(
                "%1", self.display_name()
            ),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _blank(self) -> Target:
        """A new, empty target, sorted by name (companies by their name, among persons)."""
        return Target(
            columns=list(NEW_TARGET_COLUMNS),
            sort=[SortKey(k.field, k.descending) for k in NEW_TARGET_SORT],
        )

    def new_target(self) -> bool:
        if not self.maybe_save():
            return False
        self.set_target(self._blank(), None)
        self._remember(None)
        return True

    def _list(self) -> list[Any]:
        return self._db(list_saved)

    def open_target(self, name: str | None = None) -> bool:
        """Open a saved target (the list dialog if no *name*); asks about unsaved changes first."""
        if not self.maybe_save():
            return False
        if name is None:
            try:
                saved = self._list()
            except Exception as error:  # noqa: BLE001 - shown in the bar
                self.show_error(self.tr("The saved targets could not be listed."), error)
                return False
            dialog = OpenTargetDialog(saved, self._delete_saved, self)
            if dialog.exec() != OpenTargetDialog.DialogCode.Accepted:
                return False
            name = dialog.selected_name()
            if name is None:
                return False
        try:
            target = self._db(lambda conn: load_saved(conn, name), write=True)
        except Exception as error:  # noqa: BLE001 - shown in the bar
            self.show_error(self.tr("The target could not be opened."), error)
            return False
        self.set_target(target, target.name)
        self._remember(target.name)
        return True

    def _delete_saved(self, names: list[str]) -> int:
        try:
            count = self._db(lambda conn: delete_saved(conn, *names), write=True)
        except Exception as error:  # noqa: BLE001 - shown in the bar
            self.show_error(self.tr("The targets could not be deleted."), error)
            return 0
        if self._saved_name is not None and self._saved_name.casefold() in {
            n.casefold() for n in names
        }:
            self._saved_name = None
            self._clean = None
            self._remember(None)
            self._update_title()
        return int(count)

    def save(self) -> bool:
        """Save under the current name (Save as… if the target was never saved)."""
        if self._saved_name is None:
            return self.save_as()
        return self._save_as_name(self._saved_name, self._description, overwrite=True)

    def save_as(self) -> bool:
        try:
            saved = self._list()
        except Exception as error:  # noqa: BLE001 - shown in the bar
            self.show_error(self.tr("The saved targets could not be listed."), error)
            return False
        dialog = SaveTargetDialog(saved, self._name, self._description, self)
        if dialog.exec() != SaveTargetDialog.DialogCode.Accepted:
            return False
        return self._save_as_name(dialog.name(), dialog.description(), overwrite=dialog.overwrite)

    def _save_as_name(self, name: str, description: str, *, overwrite: bool) -> bool:
        target = self.current_target()
        target.name = name
        target.description = description
        try:
            self._db(lambda conn: save_target(conn, target, overwrite=overwrite), write=True)
        except TargetExistsError:
            QMessageBox.warning(
                self,
                self.tr("Save the target"),
                self.tr("A saved target is already called “%1”. Choose another name.").replace(
                    "%1", name
                ),
            )
            return False
        except Exception as error:  # noqa: BLE001 - shown in the bar
            self.show_error(self.tr("The target could not be saved."), error)
            return False
        self._name, self._description, self._saved_name = name, description, name
        self._clean = self._state()
        self._remember(name)
        self._update_title()
        return True

    def rename(self) -> bool:
        old = self._saved_name
        if old is None:
            return False
        new, ok = QInputDialog.getText(
            self, self.tr("Rename the target"), self.tr("New name:"), QLineEdit.EchoMode.Normal, old
        )
        new = " ".join(new.split())
        if not ok or not new or new == old:
            return False
        try:
            self._db(lambda conn: rename_saved(conn, old, new), write=True)
        except TargetExistsError:
            QMessageBox.warning(
                self,
                self.tr("Rename the target"),
                self.tr("A saved target is already called “%1”. Choose another name.").replace(
                    "%1", new
                ),
            )
            return False
        except Exception as error:  # noqa: BLE001 - shown in the bar
            self.show_error(self.tr("The target could not be renamed."), error)
            return False
        modified = self.is_modified()
        self._name = self._saved_name = new
        if not modified:
            self._clean = self._state()
        elif self._clean is not None:
            self._clean[0]["name"] = new
        self._remember(new)
        self._update_title()
        return True

    def import_file(self, path: str | Path | None = None) -> bool:
        if not self.maybe_save():
            return False
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import a target file"), str(Path.home()),
                self.tr("Cible targets (*.cible *.json);;All files (*)"),
            )  # fmt: skip
            if not path:
                return False
        try:
            target = load_target_file(path)
            if self.database is not None and target.removed_refs:
                # removed customers named by site and DMS reference (a file from another site):
                # the ones of this database, found in one short query
                with self.database.engine.connect() as conn:
                    target = resolve_removed(conn, target)
        except TargetError as error:
            self.show_error(self.tr("This file cannot be imported."), error)
            return False
        self.set_target(target, None)
        self.show_info(
            self.tr("Imported from %1. Save it (Ctrl+S) to keep it in this database.").replace(
                "%1", str(path)
            )
        )
        return True

    def export_file(self, path: str | Path | None = None) -> bool:
        if path is None:
            suggested = Path.home() / f"{_file_stem(self.display_name())}{TARGET_SUFFIX}"
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export to a target file"), str(suggested),
                self.tr("Cible targets (*.cible)"),
            )  # fmt: skip
            if not path:
                return False
            if not Path(path).suffix:  # a name typed without its extension
                path = f"{path}{TARGET_SUFFIX}"
        try:
            if self.database is not None:
                with self.database.engine.connect() as conn:  # removed customers by reference
                    save_target_file(self.current_target(), path, conn)
            else:
                save_target_file(self.current_target(), path)
        except TargetError as error:
            self.show_error(self.tr("The target file could not be written."), error)
            return False
        self.show_info(self.tr("Target written to %1.").replace("%1", str(path)))
        return True

    def _remember(self, name: str | None) -> None:
        settings = QSettings()
        if self.database is not None:
            settings.setValue(SETTINGS_LAST_DB, self.database.location)
        settings.setValue(SETTINGS_LAST_TARGET, name or "")

    # -- Query menu -----------------------------------------------------------------------------
    def choose_fields(self) -> bool:
        dialog = FieldsDialog(self._columns, self)
        if dialog.exec() != FieldsDialog.DialogCode.Accepted:
            return False
        return self.set_columns(dialog.columns())

    def set_columns(self, columns: list[str]) -> bool:
        if not columns or columns == self._columns:
            return False
        self._columns = list(columns)
        self._update_title()
        self.refresh()
        return True

    def choose_sort(self) -> bool:
        dialog = SortDialog(self._sort, self)
        if dialog.exec() != SortDialog.DialogCode.Accepted:
            return False
        return self.set_sort(dialog.sort_keys())

    def sort_by(self, key: str) -> None:
        """A click on a column title: sort by it first (a second click: the other way round)."""
        first = self._sort[0] if self._sort else None
        descending = not first.descending if first is not None and first.field == key else False
        self.set_sort([SortKey(key, descending), *[k for k in self._sort if k.field != key]])

    def set_sort(self, sort: list[SortKey]) -> bool:
        """A new sort order: the target runs again at once."""
        self._sort = list(sort)
        self._update_title()
        self.refresh()
        return True

    def save_state(self) -> None:
        QSettings().setValue(SETTINGS_SPLITTER, self.splitter.saveState())

    def shutdown(self) -> None:
        """Stop what is under way (the window is closing)."""
        self._timer.stop()
        self.cancel()
        if self._choices_task is not None and not self._choices_task.is_finished:
            self._choices_task.cancel()


def _file_stem(name: str) -> str:
    stem = "".join(c if c.isalnum() or c in " -_" else "_" for c in name).strip()
    return stem or "target"
