"""Deferred e-mails while the application runs: a timer hands the due messages to the server.

One :class:`PendingEmailRunner` per open database (started by the main window's menus). A send
written for a later date, or spread over the next days by the day's limit, leaves from here.
Safe next to another sender: a message is claimed before it leaves (see
:mod:`app.export.email.sender`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.export.email.routes import open_transport
from app.export.email.sender import SendSummary, count_due, send_due
from app.export.email.settings import load_settings
from app.models.db import Database
from app.ui import tasks

DEFAULT_INTERVAL_MS = 5 * 60 * 1000


class PendingEmailRunner(QObject):
    """Every *interval_ms*, send the e-mails whose time has come (in the background).

    ``finished(summary)`` after a run that had something to send, ``failed(message)`` when
    the server or the database refused.
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

    def run_now(self) -> None:
        """One run now (skipped while the previous one is still going)."""
        if self.busy:
            return
        database = self.database

        def work(ctx: tasks.TaskContext) -> SendSummary | None:
            with database.session() as session:
                if count_due(session) == 0:
                    return None
                settings = load_settings(session)
            settings.check()
            return send_due(
                database, open_transport(settings), settings, cancelled=lambda: ctx.cancelled
            )

        runner = self._tasks or tasks.manager()
        self._task = runner.run(
            work,
            self._done,
            lambda error: self.failed.emit(str(error)),
            on_cancelled=lambda: None,
            owner=self,
        )

    def _done(self, summary: SendSummary | None) -> None:
        if summary is not None:
            self.finished.emit(summary)
            if summary.stopped and not summary.sent:
                self.failed.emit(summary.stopped)
