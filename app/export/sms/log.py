"""The sent-SMS log: filters, rows for the window, CSV export, and what waits for a person —
messages whose outcome is unknown and replies nobody has read. No Qt here.

Dates are stored in UTC and shown in the computer's local time.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from app import files
from app.errors import CibleError
from app.export.sms.phones import display
from app.export.sms.windows import market_region
from app.i18n import _, format_datetime, pgettext
from app.models.sms import SmsBatch, SmsMessage, SmsReply, SmsStatus
from app.query.catalog import current_language

#: The log's columns: (key, heading in English; :func:`column_label` translates it).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("phone", pgettext("SMS log column", "Phone", "en")),
    ("sent_at", pgettext("SMS log column", "Date sent", "en")),
    ("scheduled_for", pgettext("SMS log column", "Deferred date", "en")),
    ("customer_name", pgettext("SMS log column", "Customer", "en")),
    ("status", pgettext("SMS log column", "Status", "en")),
    ("reason", pgettext("SMS log column", "Reason", "en")),
    ("campaign", pgettext("SMS log column", "Campaign", "en")),
    ("user", pgettext("SMS log column", "User", "en")),
    ("segments", pgettext("SMS log column", "Segments", "en")),
    ("text", pgettext("SMS log column", "Message", "en")),
)


def status_label(status: SmsStatus | str, lang: str | None = None) -> str:
    """The status as the log shows it (the words of the dealers' former SMS tool in French)."""
    lang = current_language(lang)
    labels = {
        SmsStatus.SCHEDULED: pgettext("SMS status", "Scheduled", lang),
        SmsStatus.PENDING: pgettext("SMS status", "Pending", lang),
        SmsStatus.SENT: pgettext("SMS status", "Sent", lang),
        SmsStatus.EXPORTED: pgettext("SMS status", "In the outbox file", lang),
        SmsStatus.DELIVERED: pgettext("SMS status", "Delivered", lang),
        SmsStatus.FAILED: pgettext("SMS status", "Failed", lang),
        SmsStatus.CANCELLED: pgettext("SMS status", "Cancelled", lang),
        SmsStatus.UNKNOWN: pgettext("SMS status", "Unknown: may have been sent", lang),
        SmsStatus.EXPIRED: pgettext("SMS status", "Expired, not sent", lang),
    }
    return labels[SmsStatus(status)]


def column_label(key: str, lang: str | None = None) -> str:
    for k, heading in COLUMNS:
        if k == key:
            return pgettext("SMS log column", heading, current_language(lang))
    raise KeyError(key)


def local_time(utc_naive: dt.datetime | None) -> dt.datetime | None:
    """A naive UTC time from the database as an aware local time."""
    if utc_naive is None:
        return None
    return utc_naive.replace(tzinfo=dt.UTC).astimezone()


@dataclass
class LogFilter:
    #: Local dates, both included; on the date sent, else the deferred date, else created.
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: SmsStatus | None = None
    #: Part of the customer's name or of the phone number.
    customer: str = ""
    campaign: str | None = None
    batch_id: int | None = None
    customer_id: int | None = None


@dataclass(frozen=True)
class LogRow:
    id: int
    batch_id: int
    customer_id: int | None
    phone: str
    sent_at: dt.datetime | None
    scheduled_for: dt.datetime | None
    created_at: dt.datetime
    customer_name: str
    status: SmsStatus
    reason: str | None
    campaign: str
    user: str
    segments: int
    text: str
    #: The send-window market of the customer's site (its country decides how numbers show).
    market: str = "FR"

    def value(self, key: str, lang: str | None = None) -> str:
        """The cell of column *key* as text."""
        if key in ("sent_at", "scheduled_for"):
            return format_datetime(local_time(getattr(self, key)), lang)
        if key == "status":
            return status_label(self.status, lang)
        if key == "phone":
            return display(self.phone, market_region(self.market))
        value = getattr(self, key)
        return "" if value is None else str(value)


def _utc(day: dt.date, end: bool) -> dt.datetime:
    local = dt.datetime.combine(day + dt.timedelta(days=1) if end else day, dt.time())
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def log_query(filt: LogFilter) -> Select:
    when = func.coalesce(SmsMessage.sent_at, SmsMessage.scheduled_for, SmsMessage.created_at)
    query = select(
        SmsMessage.id,
        SmsMessage.batch_id,
        SmsMessage.customer_id,
        SmsMessage.phone,
        SmsMessage.sent_at,
        SmsMessage.scheduled_for,
        SmsMessage.created_at,
        SmsMessage.customer_name,
        SmsMessage.status,
        SmsMessage.reason,
        SmsBatch.campaign,
        SmsMessage.user,
        SmsMessage.segments,
        SmsMessage.text,
        SmsMessage.market,
    ).join(SmsBatch, SmsBatch.id == SmsMessage.batch_id)
    conditions = []
    if filt.date_from is not None:
        conditions.append(when >= _utc(filt.date_from, False))
    if filt.date_to is not None:
        conditions.append(when < _utc(filt.date_to, True))
    if filt.status is not None:
        conditions.append(SmsMessage.status == SmsStatus(filt.status))
    if filt.campaign:
        conditions.append(SmsBatch.campaign == filt.campaign)
    if filt.batch_id is not None:
        conditions.append(SmsMessage.batch_id == filt.batch_id)
    if filt.customer_id is not None:
        conditions.append(SmsMessage.customer_id == filt.customer_id)
    text = filt.customer.strip()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        name = SmsMessage.customer_name.ilike(pattern, escape="\\")
        digits = re.sub(r"\D", "", text)
        if digits and len(digits) >= 3 and not re.search(r"[A-Za-zÀ-ÿ]", text):
            conditions.append(or_(name, SmsMessage.phone.like(f"%{digits.lstrip('0')}%")))
        else:
            conditions.append(name)
    if conditions:
        query = query.where(and_(*conditions))
    return query.order_by(when.desc(), SmsMessage.id.desc())


def _row(r) -> LogRow:
    return LogRow(
        r.id,
        r.batch_id,
        r.customer_id,
        r.phone,
        r.sent_at,
        r.scheduled_for,
        r.created_at,
        r.customer_name,
        SmsStatus(r.status),
        r.reason,
        r.campaign,
        r.user,
        r.segments,
        r.text,
        r.market,
    )


def read_log(conn: Connection, filt: LogFilter, limit: int | None = None) -> list[LogRow]:
    """The messages matching *filt*, newest first."""
    query = log_query(filt)
    if limit is not None:
        query = query.limit(limit)
    return [_row(r) for r in conn.execute(query)]


def count_log(conn: Connection, filt: LogFilter) -> int:
    query = log_query(filt).order_by(None)
    return int(conn.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def campaigns(conn: Connection) -> list[str]:
    return list(conn.scalars(select(SmsBatch.campaign).distinct().order_by(SmsBatch.campaign)))


def export_log_csv(
    conn: Connection,
    filt: LogFilter,
    path: str | os.PathLike[str],
    lang: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the matching messages to *path* (CSV, ``;``, UTF-8 with BOM for Excel); the file
    appears only once complete. Returns how many rows were written."""
    out = Path(path)
    count = 0
    try:
        with files.atomic_write(out, "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow([column_label(k, lang) for k, _heading in COLUMNS])
            for r in conn.execute(log_query(filt)):
                row = _row(r)
                writer.writerow([row.value(k, lang) for k, _heading in COLUMNS])
                count += 1
                if progress is not None and count % 500 == 0:
                    progress(count)
    except OSError as error:
        raise CibleError(
            _("Cannot write {out}: {detail}.").format(out=out, detail=error.strerror or error)
        ) from None
    return count


# -- what waits for a person --------------------------------------------------------------------


def count_unknown(conn: Connection) -> int:
    """Messages whose outcome is unknown: handed to the provider, no answer came back. Cible
    never sends them again on its own (README, "What Cible guarantees"): the provider is asked
    by reference when its API allows, else a person decides in the SMS log."""
    query = select(func.count()).select_from(SmsMessage)
    return int(conn.execute(query.where(SmsMessage.status == SmsStatus.UNKNOWN)).scalar_one())


@dataclass(frozen=True)
class ReplyRow:
    """A reply with what it answers: the latest message Cible sent to that number."""

    id: int
    phone: str
    text: str
    received_at: dt.datetime | None
    #: When a person marked it as read (``None``: unread).
    handled_at: dt.datetime | None
    #: The customer of the latest message to that number ("" if none).
    customer_name: str = ""
    customer_id: int | None = None
    campaign: str = ""
    answered_text: str = ""
    answered_at: dt.datetime | None = None
    market: str = "FR"

    @property
    def unread(self) -> bool:
        return self.handled_at is None

    def shown_phone(self) -> str:
        return display(self.phone, market_region(self.market))


def _unread_filter():
    return and_(SmsReply.is_stop.is_(False), SmsReply.handled_at.is_(None))


def count_unread_replies(conn: Connection) -> int:
    query = select(func.count()).select_from(SmsReply).where(_unread_filter())
    return int(conn.execute(query).scalar_one())


def read_replies(
    conn: Connection, *, unread_only: bool = True, limit: int = 2000
) -> list[ReplyRow]:
    """Replies that are not opt-outs (those are applied at once), newest first, each with the
    latest message sent to its number."""
    query = select(SmsReply).where(SmsReply.is_stop.is_(False))
    if unread_only:
        query = query.where(SmsReply.handled_at.is_(None))
    when = func.coalesce(SmsReply.received_at, SmsReply.read_at)
    replies = conn.execute(query.order_by(when.desc(), SmsReply.id.desc()).limit(limit)).all()
    phones = sorted({r.phone for r in replies})
    latest: dict[str, Any] = {}
    sent = func.coalesce(SmsMessage.sent_at, SmsMessage.created_at)
    for start in range(0, len(phones), 500):
        rows = conn.execute(
            select(
                SmsMessage.phone,
                SmsMessage.customer_id,
                SmsMessage.customer_name,
                SmsMessage.text,
                SmsMessage.market,
                sent.label("sent"),
                SmsBatch.campaign,
            )
            .join(SmsBatch, SmsBatch.id == SmsMessage.batch_id)
            .where(
                SmsMessage.phone.in_(phones[start : start + 500]),
                SmsMessage.status.notin_((SmsStatus.CANCELLED, SmsStatus.SCHEDULED)),
            )
            .order_by(sent, SmsMessage.id)
        )
        for row in rows:
            latest[row.phone] = row  # ordered: the last one wins
    result = []
    for r in replies:
        m = latest.get(r.phone)
        result.append(
            ReplyRow(
                r.id,
                r.phone,
                r.text,
                r.received_at,
                r.handled_at,
                customer_name=m.customer_name if m is not None else "",
                customer_id=m.customer_id if m is not None else None,
                campaign=m.campaign if m is not None else "",
                answered_text=m.text if m is not None else "",
                answered_at=m.sent if m is not None else None,
                market=m.market if m is not None else "FR",
            )
        )
    return result
