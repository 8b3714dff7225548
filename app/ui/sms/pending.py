"""Deferred SMS while the application runs: a timer hands the due messages to the gateway.

The main window's menus start one :class:`PendingSmsRunner` per open database;
``python -m app send-pending`` does the same from a scheduled task when Cible is closed. Both are
safe together: a message leaves ``pending`` only with its outcome, and a message handed twice
keeps its idempotency key.
"""

from __future__ import annotations

from app.export.sms.gateway import open_gateway
from app.export.sms.sender import SendSummary, count_due, send_due
from app.export.sms.settings import load_settings
from app.models.db import Database
from app.ui import tasks
from app.ui.pending import DEFAULT_INTERVAL_MS, PendingRunner

__all__ = ["DEFAULT_INTERVAL_MS", "PendingSmsRunner"]


class PendingSmsRunner(PendingRunner):
    """Every *interval_ms*, send the SMS whose time has come (:class:`SendSummary`)."""

    def deliver_due(self, database: Database, ctx: tasks.TaskContext) -> SendSummary | None:
        with database.session() as session:
            if count_due(session) == 0:
                return None
            settings = load_settings(session)
        gateway = open_gateway(database.path, settings)
        return send_due(
            database,
            gateway,
            sender_name=settings.sender_name,
            windows=settings.windows,
            expire_days=settings.expire_days,
            progress=lambda done, total: ctx.check_cancelled(),
        )
