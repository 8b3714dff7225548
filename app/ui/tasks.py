"""The one place that runs database work off the GUI thread.

Modelled on Anki's ``aqt/taskman.py``: a **single** background thread runs the tasks one after the
other (SQLite has one writer; queries never compete with each other), and results come back to
the GUI thread by a Qt signal, where your callbacks run. Usage from a widget::

    from app.ui import tasks

    def count(ctx: tasks.TaskContext) -> int:          # runs in the background thread
        with database.session() as session:            # open your own Session here
            n = 0
            for batch in batches(session):
                ctx.report(n, total, "Counting…")      # progress; raises TaskCancelled if cancelled
                n += len(batch)
            return n

    task = tasks.run(count, on_done=self._show_count, on_error=self._show_error,
                     on_progress=self._progress, owner=self)
    ...
    task.cancel()                                      # e.g. from a Cancel button

Rules:

* The task function receives a :class:`TaskContext` and **never touches widgets** (nor any
  QObject living in the GUI thread). It opens its own ``Session``/``Connection``.
* Cancel is cooperative: the task checks ``ctx.cancelled`` or calls ``ctx.check_cancelled()``
  between batches; :meth:`TaskContext.report` does that check for you. A task stopped that way
  raises :class:`TaskCancelled` and ends in ``on_cancelled`` (never in ``on_error``).
* ``on_done(result)``, ``on_error(exception)``, ``on_progress(done, total, text)`` and
  ``on_cancelled()`` run in the GUI thread. Give ``owner=`` (usually ``self``): if the owner is
  deleted before the task ends, the task is cancelled and no callback runs.
* :func:`show_progress` turns a task into a progress dialog with a Cancel button.

Tests use their own :class:`TaskManager` and call :meth:`TaskManager.shutdown` at the end, so no
thread outlives a test; the application-wide one is shut down when the application quits.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

__all__ = [
    "Task",
    "TaskCancelled",
    "TaskContext",
    "TaskManager",
    "manager",
    "run",
    "show_progress",
]

# Progress reports closer together than this (seconds) are merged; the last one always passes.
PROGRESS_INTERVAL = 0.05


class TaskCancelled(Exception):
    """Raised inside a task to stop it after a cancel request."""


class TaskContext:
    """What a task gets: the cancel flag and a way to report progress. Thread-safe."""

    def __init__(self, task: Task | None = None) -> None:
        self._event = threading.Event()
        self._task = task
        self._last_report = 0.0

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()

    def check_cancelled(self) -> None:
        """Raise :class:`TaskCancelled` if a cancel was requested."""
        if self._event.is_set():
            raise TaskCancelled()

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        """Progress: *done* out of *total* (``total=0``: unknown). Also checks for cancel."""
        self.check_cancelled()
        task = self._task
        if task is None:
            return
        now = time.monotonic()
        last = total > 0 and done >= total
        if last or now - self._last_report >= PROGRESS_INTERVAL:
            self._last_report = now
            task._progress_from_worker.emit((int(done), int(total), str(text)))


class Task(QObject):
    """A handle on a submitted task, living in the GUI thread.

    Signals (GUI thread): ``progress(done, total, text)`` and ``finished()``, emitted after the
    callbacks, whatever the outcome (done, error or cancelled).
    """

    progress = Signal(int, int, str)
    finished = Signal()

    # Emitted from the worker thread; queued to the GUI thread because this object lives there.
    _progress_from_worker = Signal(object)
    _result_from_worker = Signal(object)

    def __init__(
        self,
        fn: Callable[[TaskContext], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[int, int, str], None] | None,
        on_cancelled: Callable[[], None] | None,
        owner: QObject | None,
    ) -> None:
        super().__init__()
        self._fn = fn
        self._on_done = on_done
        self._on_error = on_error
        self._on_progress = on_progress
        self._on_cancelled = on_cancelled
        self._owner = owner
        self.context = TaskContext(self)
        self.outcome: str | None = None  # "done", "error" or "cancelled" once finished
        self._dropped = False  # set by TaskManager.shutdown: no callback any more
        self.result: Any = None
        self.error: BaseException | None = None
        self._progress_from_worker.connect(self._deliver_progress)
        self._result_from_worker.connect(self._deliver_result)
        if owner is not None:
            owner.destroyed.connect(self.context.cancel)

    # -- GUI thread -------------------------------------------------------------------------
    def cancel(self) -> None:
        """Ask the task to stop; it ends in ``on_cancelled`` when it notices."""
        self.context.cancel()

    @property
    def cancelled(self) -> bool:
        return self.context.cancelled

    @property
    def is_finished(self) -> bool:
        return self.outcome is not None

    def _owner_alive(self) -> bool:
        return self._owner is None or shiboken6.isValid(self._owner)

    @Slot(object)
    def _deliver_progress(self, payload: tuple[int, int, str]) -> None:
        if self.outcome is not None or self._dropped or not self._owner_alive():
            return
        done, total, text = payload
        if self._on_progress is not None:
            self._on_progress(done, total, text)
        self.progress.emit(done, total, text)

    @Slot(object)
    def _deliver_result(self, payload: tuple[str, Any]) -> None:
        kind, value = payload
        if self._dropped:
            return
        self.outcome = kind
        try:
            if self._owner_alive():
                if kind == "done":
                    self.result = value
                    if self._on_done is not None:
                        self._on_done(value)
                elif kind == "cancelled":
                    if self._on_cancelled is not None:
                        self._on_cancelled()
                else:
                    self.error = value
                    if self._on_error is not None:
                        self._on_error(value)
                    else:
                        traceback.print_exception(value)
        finally:
            self.finished.emit()
            self._fn = self._on_done = self._on_error = self._on_progress = None
            self._on_cancelled = None

    # -- worker thread ----------------------------------------------------------------------
    def _execute(self) -> None:
        try:
            self.context.check_cancelled()
            result = self._fn(self.context)  # type: ignore[misc]
        except TaskCancelled:
            payload: tuple[str, Any] = ("cancelled", None)
        except BaseException as error:  # noqa: BLE001 - handed to on_error in the GUI thread
            payload = ("error", error)
        else:
            payload = ("done", result)
        if shiboken6.isValid(self):  # the manager may have been deleted meanwhile
            self._result_from_worker.emit(payload)


class TaskManager(QObject):
    """A single-thread executor for database work (see the module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pool.setExpiryTimeout(5000)
        self._active: set[Task] = set()
        self._closed = False

    def run(
        self,
        fn: Callable[[TaskContext], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[int, int, str], None] | None = None,
        *,
        on_cancelled: Callable[[], None] | None = None,
        owner: QObject | None = None,
    ) -> Task:
        """Queue ``fn(context)``; call back in the GUI thread. Call from the GUI thread only.

        ``on_error`` receives the exception (``None``: the traceback goes to stderr).
        """
        if self._closed:
            raise RuntimeError("the task manager is shut down")
        task = Task(fn, on_done, on_error, on_progress, on_cancelled, owner)
        self._active.add(task)
        task.finished.connect(lambda: self._active.discard(task))
        self._pool.start(task._execute)
        return task

    @property
    def busy(self) -> bool:
        """True while a task is queued, running or waiting for its callbacks."""
        return bool(self._active)

    def cancel_all(self) -> None:
        for task in list(self._active):
            task.cancel()

    def shutdown(self, timeout_ms: int = -1) -> bool:
        """Cancel everything, wait for the running task to stop; no callback runs afterwards.

        Returns False if the running task did not stop within *timeout_ms*.
        """
        self._closed = True
        self.cancel_all()
        self._pool.clear()
        stopped = self._pool.waitForDone(timeout_ms)
        for task in self._active:
            task._dropped = True
            task.outcome = task.outcome or "cancelled"
        self._active.clear()
        return stopped


_manager: TaskManager | None = None


def manager() -> TaskManager:
    """The application-wide task manager (created on first use, shut down when the app quits)."""
    global _manager
    if _manager is None or not shiboken6.isValid(_manager) or _manager._closed:
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before running tasks")
        _manager = TaskManager(app)
        app.aboutToQuit.connect(_manager.shutdown)
    return _manager


def run(
    fn: Callable[[TaskContext], Any],
    on_done: Callable[[Any], None] | None,
    on_error: Callable[[BaseException], None] | None,
    on_progress: Callable[[int, int, str], None] | None = None,
    *,
    on_cancelled: Callable[[], None] | None = None,
    owner: QObject | None = None,
) -> Task:
    """Run *fn* on the application-wide task manager (see :meth:`TaskManager.run`)."""
    return manager().run(fn, on_done, on_error, on_progress, on_cancelled=on_cancelled, owner=owner)


def show_progress(
    task: Task,
    label: str,
    parent: QWidget | None = None,
    *,
    cancellable: bool = True,
    minimum_duration_ms: int = 400,
) -> QProgressDialog:
    """A modal progress dialog that follows *task*, cancels it on Cancel and closes at the end.

    The dialog appears only if the task lasts longer than *minimum_duration_ms*.
    """
    dialog = QProgressDialog(label, None, 0, 0, parent)
    dialog.setWindowTitle(QCoreApplication.applicationName() or "Cible")
    dialog.setWindowModality(
        Qt.WindowModality.WindowModal if parent is not None else Qt.WindowModality.ApplicationModal
    )
    dialog.setMinimumDuration(minimum_duration_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    if cancellable:
        dialog.setCancelButtonText(QCoreApplication.translate("Tasks", "Cancel"))
        dialog.canceled.connect(task.cancel)
    else:
        dialog.setCancelButton(None)

    def on_progress(done: int, total: int, text: str) -> None:
        if total > 0:
            dialog.setMaximum(total)
            dialog.setValue(min(done, total))
        if text:
            dialog.setLabelText(text)

    def on_finished() -> None:
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()

    task.progress.connect(on_progress)
    task.finished.connect(on_finished)
    dialog.setValue(0)
    return dialog
