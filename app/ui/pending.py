"""Deferred messages while the application runs: a timer hands the due ones over, in the
background. :class:`PendingRunner` is the timer and the task; each channel says how it sends
(:class:`~app.ui.sms.pending.PendingSmsRunner`, :class:`~app.ui.email.pending.PendingEmailRunner`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from app.models.db import Database
from app.ui import tasks

DEFAULT_INTERVAL_MS = 5 * 60 * 1000


class PendingRunner(QObject):
    """Every *interval_ms*, send the messages whose time has come (in the background).

    ``finished(summary)`` after a run that had something to send, ``failed(message)`` when the
    provider, the server or the database refused. Subclasses implement :meth:`deliver_due`.
    """

    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        database: Database,
        parent: QObject | None = None,
        *,
        interval_ms: int = DEFAULT_INTERVAL_MS,
        task_manager: tasks.TaskManager | None = None,
    ) -> None:
        super().__init__(parent)
        self.database = database
        self._tasks = task_manager
        self._task: tasks.Task | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.run_now)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        if self._task is not None and not self._task.is_finished:
            self._task.cancel()

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.is_finished

    def deliver_due(self, database: Database, ctx: tasks.TaskContext) -> Any | None:
        """In the background: send what is due; its summary, or ``None`` when nothing was."""
        raise NotImplementedError

    def run_now(self) -> None:
        """One run now (skipped while the previous one is still going)."""
        if self.busy:
            return
        database = self.database
        runner = self._tasks or tasks.manager()
        self._task = runner.run(
            lambda ctx: self.deliver_due(database, ctx),
            self._done,
            lambda error: self.failed.emit(str(error)),
            on_cancelled=lambda: None,
            owner=self,
        )

    def _done(self, summary: Any | None) -> None:
        if summary is not None:
            self.finished.emit(summary)
