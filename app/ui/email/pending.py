"""Deferred e-mails while the application runs: a timer hands the due messages to the server.

One :class:`PendingEmailRunner` per open database (started by the main window's menus). A send
written for a later date, or spread over the next days by the day's limit, leaves from here.
Safe next to another sender: a message is claimed before it leaves (see
:mod:`app.export.email.sender`).
"""

from __future__ import annotations

from app.export.email.routes import open_transport
from app.export.email.sender import SendSummary, count_due, send_due
from app.export.email.settings import load_settings
from app.models.db import Database
from app.ui import tasks
from app.ui.pending import DEFAULT_INTERVAL_MS, PendingRunner

__all__ = ["DEFAULT_INTERVAL_MS", "PendingEmailRunner"]


class PendingEmailRunner(PendingRunner):
    """Every *interval_ms*, send the e-mails whose time has come (:class:`SendSummary`); a
    run the server stopped before anything left is also reported as ``failed``."""

    def deliver_due(self, database: Database, ctx: tasks.TaskContext) -> SendSummary | None:
        with database.session() as session:
            if count_due(session) == 0:
                return None
            settings = load_settings(session)
        settings.check()
        return send_due(
            database, open_transport(settings), settings, cancelled=lambda: ctx.cancelled
        )

    def _done(self, summary: SendSummary | None) -> None:
        super()._done(summary)
        if summary is not None and summary.stopped and not summary.sent:
            self.failed.emit(summary.stopped)
