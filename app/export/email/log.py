"""The e-mail log: the journal's messages, the addresses rejected by their server (bounces)
and the unsubscribes, for the log window. No Qt here. Dates are stored in UTC."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.i18n import pgettext
from app.models.dealership import SuppressionEntry, SuppressionKind
from app.models.email import EmailBatch, EmailMessage, EmailStatus, InvalidEmail
from app.models.enums import Channel
from app.query.catalog import current_language

ROW_LIMIT = 5_000


def status_label(status: EmailStatus | str, lang: str | None = None) -> str:
    lang = current_language(lang)
    labels = {
        EmailStatus.SCHEDULED: pgettext("e-mail status", "Scheduled", lang),
        EmailStatus.PENDING: pgettext("e-mail status", "Pending", lang),
        EmailStatus.CLAIMED: pgettext("e-mail status", "Being sent", lang),
        EmailStatus.IN_DATA: pgettext("e-mail status", "Being sent", lang),
        EmailStatus.SENT: pgettext("e-mail status", "Sent", lang),
        EmailStatus.UNKNOWN: pgettext("e-mail status", "Unknown: may have been sent", lang),
        EmailStatus.FAILED: pgettext("e-mail status", "Failed", lang),
        EmailStatus.CANCELLED: pgettext("e-mail status", "Cancelled", lang),
    }
    return labels[EmailStatus(status)]


@dataclass(frozen=True)
class MessageRow:
    id: int
    batch_id: int
    when: dt.datetime | None  # UTC: sent, else scheduled, else written
    customer_name: str
    address: str
    subject: str
    campaign: str
    status: EmailStatus
    reason: str
    user: str


@dataclass(frozen=True)
class AddressRow:
    address: str
    since: dt.date | None
    reason: str
    source: str


def messages(
    session: Session, status: EmailStatus | None = None, limit: int = ROW_LIMIT
) -> tuple[list[MessageRow], int]:
    """The newest messages (at most *limit*) and how many match in all."""
    query = select(EmailMessage, EmailBatch.campaign).join(EmailBatch)
    count = select(func.count()).select_from(EmailMessage)
    if status is not None:
        wanted = (
            (EmailStatus.CLAIMED, EmailStatus.IN_DATA)
            if status in (EmailStatus.CLAIMED, EmailStatus.IN_DATA)
            else (status,)
        )
        query = query.where(EmailMessage.status.in_(wanted))
        count = count.where(EmailMessage.status.in_(wanted))
    query = query.order_by(EmailMessage.id.desc()).limit(limit)
    rows = [
        MessageRow(
            m.id,
            m.batch_id,
            m.sent_at or m.scheduled_for or m.created_at,
            m.customer_name,
            m.address,
            m.subject,
            campaign,
            EmailStatus(m.status),
            m.reason or "",
            m.user,
        )
        for m, campaign in session.execute(query)
    ]
    return rows, int(session.scalar(count) or 0)


def counts(session: Session) -> dict[EmailStatus, int]:
    return {
        EmailStatus(status): n
        for status, n in session.execute(
            select(EmailMessage.status, func.count()).group_by(EmailMessage.status)
        )
    }


def bounces(session: Session) -> list[AddressRow]:
    rows = session.scalars(select(InvalidEmail).order_by(InvalidEmail.since.desc()))
    return [AddressRow(r.address, r.since, r.reason, r.source) for r in rows]


def unsubscribes(session: Session) -> list[AddressRow]:
    """The e-mail suppression list (unsubscribe requests, refusals, lists brought in)."""
    rows = session.scalars(
        select(SuppressionEntry)
        .where(
            SuppressionEntry.kind == SuppressionKind.EMAIL,
            SuppressionEntry.channel == Channel.EMAIL,
        )
        .order_by(SuppressionEntry.entry_date.desc(), SuppressionEntry.id.desc())
    )
    return [AddressRow(r.value, r.entry_date, "", r.source) for r in rows]
