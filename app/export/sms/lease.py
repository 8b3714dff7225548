"""One sender at a time: a lease in the ``setting`` table.

The window's background sender and ``send-pending`` from a scheduled task may start at the same
moment, on one PC or on several sharing a PostgreSQL database. Both would pick the same pending
messages. Before sending, :class:`SendingLease` takes the ``sms.sending`` row with a
compare-and-swap (insert, or update of the exact value it read), so only one process wins; it
renews the lease while it sends and deletes it at the end.

A lease is free when it has expired, or when it belongs to a process of this computer that no
longer exists (a sender killed or crashed: the next run resumes at once).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
import uuid

from sqlalchemy import delete, insert, select, update
from sqlalchemy import exc as sa_exc

from app.errors import CibleError
from app.i18n import _, format_datetime
from app.models.activity import Setting
from app.models.db import Database

LEASE_KEY = "sms.sending"
DURATION = dt.timedelta(minutes=5)
RENEW_AFTER = dt.timedelta(seconds=60)


class SendingBusy(CibleError):
    """Another process is sending SMS from this database."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def pid_alive(pid: int) -> bool:
    """True if process *pid* of this computer exists (never signals it)."""
    if pid == os.getpid():
        return True
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        try:
            ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        finally:
            kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SendingLease:
    """``with SendingLease(database): ...`` — raises :class:`SendingBusy` if taken."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.token = uuid.uuid4().hex
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self._value: str | None = None
        self._renewed: dt.datetime | None = None

    def _new_value(self, now: dt.datetime) -> str:
        return json.dumps(
            {
                "owner": self.token,
                "host": self.host,
                "pid": self.pid,
                "until": (now + DURATION).isoformat(timespec="seconds"),
            },
            sort_keys=True,
        )

    def _free(self, value: str, now: dt.datetime) -> bool:
        try:
            lease = json.loads(value)
            until = dt.datetime.fromisoformat(lease["until"])
        except (ValueError, KeyError, TypeError):
            return True  # damaged: nobody can own it
        if lease.get("owner") == self.token or until <= now:
            return True
        return lease.get("host") == self.host and not pid_alive(int(lease.get("pid", -1)))

    def acquire(self) -> None:
        for _attempt in range(3):
            now = _utcnow()
            new = self._new_value(now)
            try:
                with self.database.engine.begin() as conn:
                    current = conn.execute(
                        select(Setting.value).where(Setting.key == LEASE_KEY)
                    ).scalar()
                    if current is None:
                        conn.execute(insert(Setting).values(key=LEASE_KEY, value=new))
                    elif self._free(current, now):
                        done = conn.execute(
                            update(Setting)
                            .where(Setting.key == LEASE_KEY, Setting.value == current)
                            .values(value=new)
                        )
                        if done.rowcount != 1:
                            continue
                    else:
                        lease = json.loads(current)
                        until = dt.datetime.fromisoformat(lease["until"]).replace(tzinfo=dt.UTC)
                        raise SendingBusy(
                            _(
                                "SMS are being sent by another Cible ({host}, process {pid}) "
                                "until {until} at the latest; the messages stay pending for the "
                                "next run."
                            ).format(
                                host=lease.get("host"),
                                pid=lease.get("pid"),
                                until=format_datetime(until),
                            )
                        )
            except (sa_exc.IntegrityError, sa_exc.OperationalError):
                continue  # another process wrote the lease meanwhile: look again
            self._value, self._renewed = new, now
            return
        raise SendingBusy(_("SMS are being sent by another Cible; try again in a few minutes."))

    def renew(self, force: bool = False) -> None:
        """Extend the lease (at most once a minute unless *force*)."""
        now = _utcnow()
        if self._value is None:
            raise SendingBusy(_("The SMS sending lease was not taken."))
        if not force and self._renewed is not None and now - self._renewed < RENEW_AFTER:
            return
        new = self._new_value(now)
        with self.database.engine.begin() as conn:
            done = conn.execute(
                update(Setting)
                .where(Setting.key == LEASE_KEY, Setting.value == self._value)
                .values(value=new)
            )
        if done.rowcount != 1:
            self._value = None
            raise SendingBusy(_("Another Cible took over the SMS sending; this one stops."))
        self._value, self._renewed = new, now

    def release(self) -> None:
        if self._value is None:
            return
        with self.database.engine.begin() as conn:
            conn.execute(
                delete(Setting).where(Setting.key == LEASE_KEY, Setting.value == self._value)
            )
        self._value = None

    def __enter__(self) -> SendingLease:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
