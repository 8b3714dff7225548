"""Sending e-mail: written before it leaves, at most once, resumable. No Qt here.

1. :func:`create_batch` writes the send and **every** message (complete, with the
   ``Message-ID`` and unsubscribe token Cible chose) to the journal in one transaction:
   ``pending`` if due now, ``scheduled`` if it waits for a date or for a later day's allowance
   (a send larger than what is left of the day's limit is spread over the next days).
2. :func:`send_due` handles due messages one at a time. A message is first **claimed** with a
   compare-and-swap (``UPDATE … WHERE status IN (pending, scheduled)``: two senders never take
   the same message) and committed; the customer's refusal, suppression and legal basis are
   read again (a change since the send was written cancels it). SMTP ``MAIL FROM`` and ``RCPT
   TO`` follow: a recipient the server refuses is ``failed`` and the rest go on. Then
   ``in_data`` is committed and only then is the content handed over (``DATA``). The server's
   answer is committed with the contact history: ``sent``, or ``failed`` when it refused the
   content. A session that dies after ``DATA`` started leaves the message ``unknown``: it may
   have been delivered, so it is **never re-sent blindly** (the log shows it).
3. After a crash (``kill -9``), the next run looks at messages whose sender is gone (same host
   and its process no longer runs, or claimed over an hour ago): ``claimed`` ones go back to
   ``pending`` (the server never saw their content), ``in_data`` ones become ``unknown``.
4. Limits: at most ``per_minute`` messages a minute (a pause between messages), and no more than
   ``per_day`` in 24 hours: the rest stays for the next run.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import socket
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.errors import CibleError
from app.export.email.message import build
from app.export.email.recipients import EmailPlan
from app.export.email.settings import EmailSettings, get_password
from app.export.waiting import WaitingSend
from app.export.waiting import waiting_sends as shared_waiting_sends
from app.files import pid_running
from app.i18n import _, format_date
from app.models import permissions
from app.models.activity import ContactHistory
from app.models.base import current_user, to_utc, utcnow
from app.models.db import Database
from app.models.dealership import Customer
from app.models.email import EmailBatch, EmailContent, EmailKind, EmailMessage, EmailStatus
from app.models.enums import Channel, ContactChannel

#: A claim older than this belongs to a sender that is surely gone, whatever its host.
CLAIM_EXPIRY = dt.timedelta(hours=1)


class EmailSendError(CibleError):
    """The server cannot be used (unreachable, TLS failure, login refused): nothing was sent
    by the failing step; the messages stay pending."""




# --- writing the send ------------------------------------------------------------------------


def _already_planned(session: Session, start: dt.datetime, end: dt.datetime) -> int:
    """Messages that use the allowance of the day [start, end) (UTC)."""
    counted = (
        EmailStatus.SCHEDULED,
        EmailStatus.PENDING,
        EmailStatus.CLAIMED,
        EmailStatus.IN_DATA,
    )
    waiting = select(func.count()).select_from(EmailMessage).where(
        EmailMessage.status.in_(counted),
        EmailMessage.scheduled_for >= start,
        EmailMessage.scheduled_for < end,
    )
    gone = select(func.count()).select_from(EmailMessage).where(
        EmailMessage.status.in_((EmailStatus.SENT, EmailStatus.UNKNOWN)),
        EmailMessage.sent_at >= start,
        EmailMessage.sent_at < end,
    )
    return int(session.scalar(waiting) or 0) + int(session.scalar(gone) or 0)


def spread(
    session: Session, count: int, requested_utc: dt.datetime, per_day: int
) -> list[dt.datetime]:
    """The time each of *count* messages may leave: the requested time while the day's
    allowance lasts (what is already planned or sent that day counts), then the same time on
    the next days."""
    times: list[dt.datetime] = []
    day = 0
    while len(times) < count:
        start = requested_utc + dt.timedelta(days=day)
        window_start = start - dt.timedelta(hours=24) if day == 0 else start
        used = _already_planned(session, window_start, start + dt.timedelta(hours=24))
        room = max(0, per_day - used)
        times += [start] * min(room, count - len(times))
        day += 1
    return times


def create_batch(
    session: Session,
    plan: EmailPlan,
    settings: EmailSettings,
    *,
    campaign: str,
    template_name: str | None = None,
    target_name: str | None = None,
    user: str | None = None,
    now: dt.datetime | None = None,
    lang: str | None = None,
) -> EmailBatch:
    """Write the send and every complete message to the journal; flush, no commit."""
    now_utc = to_utc(now) if now is not None else utcnow()
    user = current_user() if user is None else user
    requested = to_utc(plan.requested)
    batch = EmailBatch(
        user=user,
        campaign=(campaign.strip() or template_name or "E-mail")[:80],
        kind=plan.kind,
        template_name=template_name,
        subject=plan.template.subject[:200],
        html=plan.template.html,
        target_name=(target_name or None) and target_name[:200],
        requested_for=requested,
        funnel=json.dumps(
            [{"step": s.key, "label": s.label, "count": s.count} for s in plan.funnel.steps],
            ensure_ascii=False,
        ),
    )
    session.add(batch)
    session.flush()
    times = spread(session, plan.count, requested, settings.per_day)
    for r, when in zip(plan.recipients, times, strict=True):
        sender = settings.sender_for(r.site_code)
        built = build(
            plan.template,
            r.values,
            to_address=r.address,
            to_name=r.name,
            sender=sender,
            kind=plan.kind,
            lang=lang,
        )
        session.add(
            EmailMessage(
                batch_id=batch.id,
                customer_id=r.customer_id,
                vehicle_id=r.vehicle_id,
                customer_name=r.name[:200],
                address=r.address,
                site_code=r.site_code,
                message_id=built.message_id,
                token=built.token,
                subject=built.subject[:200],
                body=EmailContent(content=built.content.decode("ascii", errors="surrogateescape")),
                status=EmailStatus.SCHEDULED if when > now_utc else EmailStatus.PENDING,
                scheduled_for=when,
                user=user,
            )
        )
    session.flush()
    return batch


# --- the transport -------------------------------------------------------------------------


class RecipientRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ContentRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SessionLost(Exception):
    """The connection died: before DATA (nothing delivered) or after (outcome unknown)."""


class NotSent(Exception):
    """The content step failed in a way that proves nothing was accepted (an API that
    refused the key or the rate, or that could not be reached): the message goes back to
    ``pending`` and the send stops."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SmtpTransport:
    """One SMTP session to the dealership's server, opened on first use."""

    def __init__(self, settings: EmailSettings, password: str | None = None, timeout: float = 60):
        self.settings = settings
        self.password = password
        self.timeout = timeout
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        s = self.settings
        s.check()
        context = ssl.create_default_context()
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=self.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=context)
            if s.username:
                password = self.password if self.password is not None else get_password(s.username)
                if password is None:
                    raise EmailSendError(
                        _("No password is stored for {user}: enter it in the e-mail settings.").format(
                            user=s.username
                        )
                    )
                smtp.login(s.username, password)
        except smtplib.SMTPAuthenticationError as error:
            raise EmailSendError(
                _("The mail server refused the login of {user}: {reason}").format(
                    user=s.username, reason=_reply(error)
                )
            ) from None
        except (ssl.SSLError, ssl.CertificateError) as error:
            raise EmailSendError(
                _("Secure connection to {host} failed: {error}").format(host=s.host, error=error)
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise EmailSendError(
                _("{host} does not offer STARTTLS: choose SSL or check the port.").format(host=s.host)
            ) from None
        except (OSError, smtplib.SMTPException) as error:
            raise EmailSendError(
                _("Cannot reach the mail server {host}:{port}: {error}").format(
                    host=s.host, port=s.port, error=error
                )
            ) from None
        self.smtp = smtp

    def envelope(self, from_address: str, to_address: str) -> None:
        """``MAIL FROM`` and ``RCPT TO`` (nothing is delivered yet)."""
        if self.smtp is None:
            self.open()
        smtp = self.smtp
        assert smtp is not None
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(from_address)
            if code != 250:
                smtp.rset()
                raise RecipientRefused(f"{code} {reply.decode(errors='replace')}")
            code, reply = smtp.rcpt(to_address)
            if code not in (250, 251):
                smtp.rset()
                raise RecipientRefused(f"{code} {reply.decode(errors='replace')}")
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            self.smtp = None
            raise SessionLost(str(error)) from None

    def data(self, content: bytes) -> None:
        smtp = self.smtp
        assert smtp is not None
        try:
            code, reply = smtp.data(content)
        except smtplib.SMTPDataError as error:
            raise ContentRefused(_reply(error)) from None
        except (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as error:
            self.smtp = None
            raise SessionLost(str(error)) from None
        if code != 250:
            raise ContentRefused(f"{code} {reply.decode(errors='replace')}")

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    if isinstance(text, bytes):
        text = text.decode(errors="replace")
    return f"{error.smtp_code} {' '.join(str(text).split())}"


class Transport(Protocol):
    """How messages leave: :class:`SmtpTransport` or :class:`app.export.email.brevo.BrevoTransport`.

    ``envelope`` may raise :class:`RecipientRefused`, :class:`SessionLost` or
    :class:`EmailSendError` (nothing handed over); ``data`` may raise :class:`ContentRefused`,
    :class:`NotSent` (provably not accepted) or :class:`SessionLost` (outcome unknown)."""

    def envelope(self, from_address: str, to_address: str) -> None: ...

    def data(self, content: bytes) -> None: ...

    def close(self) -> None: ...


# --- sending the due messages ----------------------------------------------------------------


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    cancelled: int = 0
    recovered: int = 0
    stopped: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _owner_gone(claimed_by: str | None, claimed_at: dt.datetime | None, now: dt.datetime) -> bool:
    if claimed_at is None or now - claimed_at > CLAIM_EXPIRY:
        return True
    host, _sep, rest = (claimed_by or "").partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    return int(pid_text) != os.getpid() and not pid_running(int(pid_text))


def recover(database: Database, now: dt.datetime | None = None) -> int:
    """Messages of senders that are gone: ``claimed`` back to ``pending``, ``in_data`` to
    ``unknown`` (see the module docstring). Returns how many changed."""
    now_utc = to_utc(now) if now is not None else utcnow()
    changed = 0
    with database.session() as session:
        for message in session.scalars(
            select(EmailMessage).where(
                EmailMessage.status.in_((EmailStatus.CLAIMED, EmailStatus.IN_DATA))
            )
        ):
            if not _owner_gone(message.claimed_by, message.claimed_at, now_utc):
                continue
            if message.status is EmailStatus.CLAIMED:
                message.status = EmailStatus.PENDING
            else:
                message.status = EmailStatus.UNKNOWN
                message.reason = _(
                    "the sending stopped while the server was receiving it: maybe delivered, "
                    "not sent again (check the Sent folder)"
                )[:200]
            message.claimed_by = None
            changed += 1
    return changed


def _due_filter(now_utc: dt.datetime):
    return or_(
        EmailMessage.status == EmailStatus.PENDING,
        (EmailMessage.status == EmailStatus.SCHEDULED) & (EmailMessage.scheduled_for <= now_utc),
    )


def count_due(session: Session, now: dt.datetime | None = None, batch_id: int | None = None) -> int:
    now_utc = to_utc(now) if now is not None else utcnow()
    query = select(func.count()).select_from(EmailMessage).where(_due_filter(now_utc))
    if batch_id is not None:
        query = query.where(EmailMessage.batch_id == batch_id)
    return int(session.scalar(query) or 0)


def waiting_sends(session: Session, now: dt.datetime | None = None) -> list[WaitingSend]:
    """The sends whose e-mails are pending or due (their time has come) but not handed over,
    oldest first: a new send is made only once they are settled (sent, cancelled or left).
    A message a dead sender left ``claimed`` counts once :func:`recover` has put it back."""
    now_utc = to_utc(now) if now is not None else utcnow()
    return shared_waiting_sends(session, EmailBatch, EmailMessage, _due_filter(now_utc), "email")


def _sent_last_24h(session: Session, now_utc: dt.datetime) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(EmailMessage)
            .where(
                EmailMessage.status.in_(
                    (EmailStatus.SENT, EmailStatus.UNKNOWN, EmailStatus.IN_DATA)
                ),
                EmailMessage.sent_at >= now_utc - dt.timedelta(hours=24),
            )
        )
        or 0
    )


def _blocked(session: Session, message: EmailMessage, kind: EmailKind, today: dt.date) -> str | None:
    if permissions.is_email_suppressed(session, message.address):
        return _("address on the e-mail suppression list (checked at sending time)")
    customer = session.get(Customer, message.customer_id) if message.customer_id else None
    if customer is None:
        return None
    if customer.optout_email:
        if customer.optout_email_date:
            return _("refused e-mail since {date} (checked at sending time)").format(
                date=format_date(customer.optout_email_date)
            )
        return _("refused e-mail (checked at sending time)")
    if kind is EmailKind.MARKETING and permissions.effective_basis(customer, Channel.EMAIL, today) is None:
        return _("no marketing legal basis for e-mail (checked at sending time)")
    return None


def _claim(database: Database, message_id: int, owner: str, now_utc: dt.datetime) -> bool:
    with database.engine.begin() as conn:
        done = conn.execute(
            update(EmailMessage)
            .where(
                EmailMessage.id == message_id,
                EmailMessage.status.in_((EmailStatus.PENDING, EmailStatus.SCHEDULED)),
            )
            .values(
                status=EmailStatus.CLAIMED,
                claimed_by=owner,
                claimed_at=now_utc,
                attempts=EmailMessage.attempts + 1,
            )
        )
    return done.rowcount == 1


def _set(database: Database, message_id: int, owner: str, **values: object) -> None:
    with database.engine.begin() as conn:
        conn.execute(
            update(EmailMessage)
            .where(EmailMessage.id == message_id, EmailMessage.claimed_by == owner)
            .values(**values)
        )


def send_due(
    database: Database,
    transport: Transport,
    settings: EmailSettings,
    *,
    now: dt.datetime | None = None,
    batch_id: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> SendSummary:
    """Send every due message through *transport* (see the module docstring)."""
    summary = SendSummary()
    summary.recovered = recover(database, now)
    owner = owner_id()
    now_utc = to_utc(now) if now is not None else utcnow()
    with database.session() as session:
        total = count_due(session, now, batch_id)
        sent_today = _sent_last_24h(session, now_utc)
    interval = 60.0 / max(1, settings.per_minute)
    last_sent: float | None = None
    done = 0
    last_id = 0
    try:
        while True:
            if cancelled is not None and cancelled():
                summary.stopped = _("cancelled by the user")
                break
            if sent_today >= settings.per_day:
                summary.stopped = _(
                    "the day's limit of {count} e-mails is reached; the rest waits for the next run"
                ).format(count=settings.per_day)
                break
            with database.session() as session:
                query = (
                    select(EmailMessage.id)
                    .where(_due_filter(now_utc), EmailMessage.id > last_id)
                    .order_by(EmailMessage.id)
                    .limit(1)
                )
                if batch_id is not None:
                    query = query.where(EmailMessage.batch_id == batch_id)
                next_id = session.scalar(query)
            if next_id is None:
                break
            last_id = next_id
            if not _claim(database, next_id, owner, utcnow()):
                continue  # another sender took it
            with database.session() as session:
                message = session.get(EmailMessage, next_id)
                assert message is not None
                batch = session.get(EmailBatch, message.batch_id)
                assert batch is not None
                reason = _blocked(session, message, EmailKind(batch.kind), now_utc.date())
                if reason:
                    message.status = EmailStatus.CANCELLED
                    message.reason = reason[:200]
                    summary.cancelled += 1
                    done += 1
                    continue
                info = (
                    message.address,
                    message.body.content.encode("ascii", errors="surrogateescape"),
                    message.customer_id,
                    message.vehicle_id,
                    message.user,
                    batch.campaign,
                    batch.template_name,
                    settings.sender_for(message.site_code).from_address,
                )
            address, content, customer_id, vehicle_id, user, campaign, template, from_addr = info
            if last_sent is not None:
                wait = interval - (clock() - last_sent)
                if wait > 0:
                    sleep(wait)
            try:
                transport.envelope(from_addr, address)
            except RecipientRefused as refused:
                _set(database, next_id, owner, status=EmailStatus.FAILED, reason=refused.reason[:200])
                summary.failed += 1
                summary.failures.append((address, refused.reason))
                done += 1
                continue
            except (SessionLost, EmailSendError) as error:
                _set(database, next_id, owner, status=EmailStatus.PENDING, claimed_by=None)
                summary.stopped = str(error) or _("the connection to the mail server was lost")
                break
            _set(database, next_id, owner, status=EmailStatus.IN_DATA, sent_at=utcnow())
            try:
                transport.data(content)
            except NotSent as error:
                _set(database, next_id, owner, status=EmailStatus.PENDING, claimed_by=None, sent_at=None)
                summary.stopped = error.reason
                break
            except ContentRefused as refused:
                _set(database, next_id, owner, status=EmailStatus.FAILED, reason=refused.reason[:200])
                summary.failed += 1
                summary.failures.append((address, refused.reason))
                done += 1
                continue
            except SessionLost as error:
                _set(
                    database,
                    next_id,
                    owner,
                    status=EmailStatus.UNKNOWN,
                    reason=_(
                        "the connection was lost while the server was receiving it: maybe "
                        "delivered, not sent again ({error})"
                    ).format(error=error)[:200],
                )
                summary.unknown += 1
                summary.stopped = _("the connection to the mail server was lost")
                break
            last_sent = clock()
            sent_today += 1
            _record_sent(database, next_id, owner, customer_id, vehicle_id, user, campaign, template)
            summary.sent += 1
            done += 1
            if progress is not None:
                progress(done, total)
    finally:
        transport.close()
    return summary


_MESSAGE = EmailMessage.__table__
_HISTORY = ContactHistory.__table__


def _record_sent(
    database: Database,
    message_id: int,
    owner: str,
    customer_id: int | None,
    vehicle_id: int | None,
    user: str,
    campaign: str,
    template: str | None,
) -> None:
    """``sent`` and the contact history, in one transaction."""
    now = utcnow()
    with database.engine.begin() as conn:
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.id == message_id, _MESSAGE.c.claimed_by == owner)
            .values(status=EmailStatus.SENT, sent_at=now, reason=None)
        )
        if customer_id is not None:
            conn.execute(
                _HISTORY.insert().values(
                    customer_id=customer_id,
                    vehicle_id=vehicle_id,
                    channel=ContactChannel.EMAIL,
                    contacted_at=now,
                    campaign=campaign[:80],
                    program=None,
                    template=template,
                    outcome="E-mail sent",
                    user=user,
                )
            )


def cancel_batch(session: Session, batch_id: int, reason: str | None = None) -> int:
    """Cancel the messages of a send not handed over yet (scheduled or pending)."""
    reason = _("cancelled by the user") if reason is None else reason
    count = 0
    for message in session.scalars(
        select(EmailMessage).where(
            EmailMessage.batch_id == batch_id,
            EmailMessage.status.in_((EmailStatus.SCHEDULED, EmailStatus.PENDING)),
        )
    ):
        message.status = EmailStatus.CANCELLED
        message.reason = reason[:200]
        count += 1
    return count
