"""Sending e-mail: written before it leaves, at most once, resumable. No Qt here.

1. :func:`create_batch` writes the send and **every** message (complete, with the
   ``Message-ID`` and unsubscribe token Cible chose) to the journal in one transaction:
   ``pending`` if due now, ``scheduled`` if it waits for a date or for a later day's allowance
   (a send larger than what is left of the day's limit is spread over the next days).
2. :func:`send_due` handles due messages by groups (at most :data:`BATCH`, fewer at a slow
   pace: what the minute limit lets leave in :data:`PERMISSION_WINDOW` seconds). A group is
   first **claimed** with a compare-and-swap (``UPDATE … WHERE status IN (pending, due
   scheduled)``: two senders never take the same message) and committed, before any of it
   reaches the server. Then, in one session, the refusals, the suppression list and the legal
   basis of the whole group are read (:func:`blocked_now`): a change since the send was written
   cancels the message. Then message by message: SMTP ``MAIL FROM`` and ``RCPT TO`` (a
   recipient the server refuses is ``failed`` and the rest go on), ``in_data`` committed, and
   only then the content handed over (``DATA``). The server's answer is committed with the
   contact history: ``sent``, or ``failed`` when it refused the content. A session that dies
   after ``DATA`` started leaves the message ``unknown``: it may have been delivered, so it is
   **never re-sent blindly** (the log shows it). What a run claimed and did not hand over
   (cancelled, the server stopped, the day's limit) goes back to ``pending`` when it stops.

   **When permissions are read.** At sending time, once per group, after the group's claim is
   committed: a refusal (or a suppression, or a basis withdrawn) committed before that read
   blocks every message of the group. One committed after it is seen by the next group, or,
   when the group is still sending :data:`PERMISSION_WINDOW` seconds after the read (a slow
   server), by the read made again then for the rest of the group. So the window in which a
   new refusal does not stop a message is at most :data:`PERMISSION_WINDOW` seconds plus the
   time to hand over one message, and at most :data:`BATCH` messages.
3. After a crash (``kill -9``), the next run looks at messages whose sender is gone (same host
   and its process no longer runs, or claimed over an hour ago): ``claimed`` ones go back to
   ``pending`` (the server never saw their content: the rest of a group included),
   ``in_data`` ones become ``unknown``.
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

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session, selectinload

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
        except smtplib.SMTPNotSupportedError as error:
            if "STARTTLS" not in str(error):  # login(): the server asks for no login
                raise EmailSendError(
                    _("{host} does not ask for a login: leave the login empty in the e-mail "
                      "settings.").format(host=s.host)
                ) from None
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


#: Due messages are claimed, their permissions read and sent by groups of at most this many
#: (fewer at a slow pace: what leaves in about :data:`PERMISSION_WINDOW` seconds).
BATCH = 100
#: Seconds after which the refusals, suppression list and legal basis of the rest of a group
#: are read again before the next message leaves.
PERMISSION_WINDOW = 10.0

_MESSAGE = EmailMessage.__table__
_CONTENT = EmailContent.__table__
_BATCH = EmailBatch.__table__
_HISTORY = ContactHistory.__table__


#: The two writes each message makes (built once; executed with bound parameters).
_IN_DATA = (
    _MESSAGE.update()
    .where(_MESSAGE.c.id == bindparam("m_id"), _MESSAGE.c.claimed_by == bindparam("m_owner"))
    .values(status=EmailStatus.IN_DATA, sent_at=bindparam("m_at"))
)
_SENT = (
    _MESSAGE.update()
    .where(_MESSAGE.c.id == bindparam("m_id"), _MESSAGE.c.claimed_by == bindparam("m_owner"))
    .values(status=EmailStatus.SENT, sent_at=bindparam("m_at"), reason=None)
)
_CONTACT = _HISTORY.insert().values(
    channel=ContactChannel.EMAIL, program=None, outcome="E-mail sent"
)


@dataclass(slots=True)
class _Due:
    """A claimed message, as plain values (no ORM object per message)."""

    id: int
    address: str
    customer_id: int | None
    vehicle_id: int | None
    user: str
    site_code: str | None
    content: str
    kind: str
    campaign: str
    template: str | None


def _group_size(settings: EmailSettings) -> int:
    return max(1, min(BATCH, int(settings.per_minute * PERMISSION_WINDOW / 60)))


def _claim_group(
    conn, ids: list[int], owner: str, now_utc: dt.datetime, due_utc: dt.datetime
) -> list[_Due]:
    """Claim *ids* (compare-and-swap: only those still pending or due) in one committed
    transaction, then read what was claimed, in id order."""
    with conn.begin():
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.id.in_(ids), _due_filter(due_utc))
            .values(
                status=EmailStatus.CLAIMED,
                claimed_by=owner,
                claimed_at=now_utc,
                attempts=_MESSAGE.c.attempts + 1,
            )
        )
    with conn.begin():
        rows = conn.execute(
            select(
                _MESSAGE.c.id,
                _MESSAGE.c.address,
                _MESSAGE.c.customer_id,
                _MESSAGE.c.vehicle_id,
                _MESSAGE.c.user,
                _MESSAGE.c.site_code,
                _CONTENT.c.content,
                _BATCH.c.kind,
                _BATCH.c.campaign,
                _BATCH.c.template_name,
            )
            .join(_CONTENT, _CONTENT.c.message_id == _MESSAGE.c.id)
            .join(_BATCH, _BATCH.c.id == _MESSAGE.c.batch_id)
            .where(
                _MESSAGE.c.id.in_(ids),
                _MESSAGE.c.claimed_by == owner,
                _MESSAGE.c.status == EmailStatus.CLAIMED,
            )
            .order_by(_MESSAGE.c.id)
        ).all()
    return [_Due(*row) for row in rows]


def blocked_now(database: Database, due: list[_Due], today: dt.date) -> dict[int, str]:
    """Message id → why it may not leave, read now for a whole group (one session): the
    address on the e-mail suppression list, the customer's refusal of e-mail, and for
    marketing no legal basis in force *today*."""
    found: dict[int, str] = {}
    if not due:
        return found
    with database.session() as session:
        listed = permissions.suppressed_emails(session, [d.address for d in due])
        customer_ids = sorted({d.customer_id for d in due if d.customer_id is not None})
        refusals = {
            row[0]: (row[1], row[2])
            for start in range(0, len(customer_ids), 500)
            for row in session.execute(
                select(Customer.id, Customer.optout_email, Customer.optout_email_date).where(
                    Customer.id.in_(customer_ids[start : start + 500])
                )
            )
        }
        marketing = sorted(
            {
                d.customer_id
                for d in due
                if d.customer_id in refusals
                and not refusals[d.customer_id][0]
                and EmailKind(d.kind) is EmailKind.MARKETING
            }
        )
        basis: set[int] = set()
        for start in range(0, len(marketing), 500):
            for customer in session.scalars(
                select(Customer)
                .where(Customer.id.in_(marketing[start : start + 500]))
                .options(selectinload(Customer.permission_events), selectinload(Customer.site))
            ):
                if permissions.effective_basis(customer, Channel.EMAIL, today) is not None:
                    basis.add(customer.id)
    for d in due:
        if permissions.normalise_email(d.address) in listed:
            found[d.id] = _("address on the e-mail suppression list (checked at sending time)")
            continue
        if d.customer_id not in refusals:
            continue  # the customer was removed since: nothing to check against
        refused, since = refusals[d.customer_id]
        if refused:
            found[d.id] = (
                _("refused e-mail since {date} (checked at sending time)").format(
                    date=format_date(since)
                )
                if since
                else _("refused e-mail (checked at sending time)")
            )
        elif EmailKind(d.kind) is EmailKind.MARKETING and d.customer_id not in basis:
            found[d.id] = _("no marketing legal basis for e-mail (checked at sending time)")
    return found


def _set(conn, message_id: int, owner: str, **values: object) -> None:
    with conn.begin():
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.id == message_id, _MESSAGE.c.claimed_by == owner)
            .values(**values)
        )


def _cancel_blocked(conn, owner: str, reasons: dict[int, str]) -> None:
    """The blocked messages of a group cancelled with their reasons, in one transaction."""
    if not reasons:
        return
    with conn.begin():
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.id == bindparam("b_id"), _MESSAGE.c.claimed_by == owner)
            .values(status=EmailStatus.CANCELLED, reason=bindparam("b_reason")),
            [{"b_id": i, "b_reason": r[:200]} for i, r in reasons.items()],
        )


def _release(conn, owner: str) -> None:
    """What this run claimed and did not hand over goes back to ``pending``."""
    with conn.begin():
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.claimed_by == owner, _MESSAGE.c.status == EmailStatus.CLAIMED)
            .values(status=EmailStatus.PENDING, claimed_by=None)
        )


def _day_limit(settings: EmailSettings) -> str:
    return _(
        "the day's limit of {count} e-mails is reached; the rest waits for the next run"
    ).format(count=settings.per_day)


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
    today = now_utc.date()
    with database.session() as session:
        total = count_due(session, now, batch_id)
        sent_today = _sent_last_24h(session, now_utc)
    interval = 60.0 / max(1, settings.per_minute)
    group_size = _group_size(settings)
    senders: dict[str | None, str] = {}
    last_sent: float | None = None
    done = 0
    last_id = 0
    claimed = False
    conn = database.engine.connect()
    try:
        while summary.stopped is None:
            if cancelled is not None and cancelled():
                summary.stopped = _("cancelled by the user")
                break
            if sent_today >= settings.per_day:
                summary.stopped = _day_limit(settings)
                break
            query = (
                select(_MESSAGE.c.id)
                .where(_due_filter(now_utc), _MESSAGE.c.id > last_id)
                .order_by(_MESSAGE.c.id)
                .limit(min(group_size, settings.per_day - sent_today))
            )
            if batch_id is not None:
                query = query.where(_MESSAGE.c.batch_id == batch_id)
            with conn.begin():
                ids = list(conn.execute(query).scalars())
            if not ids:
                break
            last_id = ids[-1]
            claimed = True  # set first: whatever happens from here releases the claim
            group = _claim_group(conn, ids, owner, utcnow(), now_utc)  # others may have some
            # read after the claim is committed: a refusal committed before this read blocks
            checked_at = clock()
            reasons = blocked_now(database, group, today)
            _cancel_blocked(conn, owner, reasons)
            summary.cancelled += len(reasons)
            done += len(reasons)
            for position, due in enumerate(group):
                if due.id in reasons:
                    continue
                if cancelled is not None and cancelled():
                    summary.stopped = _("cancelled by the user")
                    break
                if sent_today >= settings.per_day:
                    summary.stopped = _day_limit(settings)
                    break
                if last_sent is not None:
                    wait = interval - (clock() - last_sent)
                    if wait > 0:
                        sleep(wait)
                if clock() - checked_at > PERMISSION_WINDOW:  # a slow server: read them again
                    rest = [d for d in group[position:] if d.id not in reasons]
                    checked_at = clock()
                    late = blocked_now(database, rest, today)
                    _cancel_blocked(conn, owner, late)
                    summary.cancelled += len(late)
                    done += len(late)
                    reasons.update(late)
                    if due.id in late:
                        continue
                if due.site_code not in senders:
                    senders[due.site_code] = settings.sender_for(due.site_code).from_address
                try:
                    transport.envelope(senders[due.site_code], due.address)
                except RecipientRefused as refused:
                    _set(conn, due.id, owner, status=EmailStatus.FAILED, reason=refused.reason[:200])
                    summary.failed += 1
                    summary.failures.append((due.address, refused.reason))
                    done += 1
                    continue
                except (SessionLost, EmailSendError) as error:
                    _set(conn, due.id, owner, status=EmailStatus.PENDING, claimed_by=None)
                    summary.stopped = str(error) or _("the connection to the mail server was lost")
                    break
                with conn.begin():
                    conn.execute(_IN_DATA, {"m_id": due.id, "m_owner": owner, "m_at": utcnow()})
                try:
                    transport.data(due.content.encode("ascii", errors="surrogateescape"))
                except NotSent as error:
                    _set(conn, due.id, owner, status=EmailStatus.PENDING, claimed_by=None, sent_at=None)
                    summary.stopped = error.reason
                    break
                except ContentRefused as refused:
                    _set(conn, due.id, owner, status=EmailStatus.FAILED, reason=refused.reason[:200])
                    summary.failed += 1
                    summary.failures.append((due.address, refused.reason))
                    done += 1
                    continue
                except SessionLost as error:
                    _set(
                        conn,
                        due.id,
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
                _record_sent(conn, owner, due)
                summary.sent += 1
                done += 1
                if progress is not None:
                    progress(done, total)
            else:
                claimed = False  # the whole group was handled
                continue
            break  # stopped inside the group (cancelled, server, day's limit): released below
    finally:
        try:
            if claimed:  # what the group did not hand over goes back to pending
                _release(conn, owner)
        finally:
            conn.close()
            transport.close()
    return summary


def _record_sent(conn, owner: str, due: _Due) -> None:
    """``sent`` and the contact history, in one transaction."""
    now = utcnow()
    with conn.begin():
        conn.execute(_SENT, {"m_id": due.id, "m_owner": owner, "m_at": now})
        if due.customer_id is not None:
            conn.execute(
                _CONTACT,
                {
                    "customer_id": due.customer_id,
                    "vehicle_id": due.vehicle_id,
                    "contacted_at": now,
                    "campaign": due.campaign[:80],
                    "template": due.template,
                    "user": due.user,
                },
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
