"""Sending: never twice, never lost.

1. :func:`create_batch` writes the send and **every** message to the log in one transaction,
   each with a unique idempotency key: ``pending`` if due now, ``scheduled`` if it waits for a
   date or for the send window.
2. :func:`send_due` takes the due messages in id order, a chunk at a time. For each chunk it
   first re-reads the customers (a refusal of SMS or a lost marketing basis since the target was
   built cancels the message) and commits; just before messages leave, one more attempt
   and the time are committed; only then is it handed to the gateway. Each result is committed
   as it comes: ``sent`` (with the provider's id), ``exported`` (outbox file) or ``failed``
   with the reason, and a sent message is written to the customer's contact history in the
   same transaction.
3. After a crash, the next run finds the messages still ``pending`` (written, maybe handed to
   the provider, not marked) and hands them again with the **same** key: the provider accepts a
   key once (see the idempotency assumption in :mod:`app.export.sms.gateway`); the outbox skips
   keys already in one of its files. Nobody is skipped: a message leaves ``pending`` only with a
   recorded outcome.
4. If the gateway is unavailable after its retries, the run stops and the rest stays pending
   for the next run (``send-pending``, or the window while it is open).
5. One sender at a time per database (:mod:`app.export.sms.lease`): the window's background
   sender and a scheduled ``send-pending`` never hand the same messages over together.

:func:`poll_statuses` and :func:`import_report` record delivery statuses; a STOP reply sets the
customer's refusal of SMS with its date and source (:func:`apply_stop`).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from app.export.sms.gateway import (
    Gateway,
    GatewayUnavailable,
    OutgoingSms,
    Reply,
    SendResult,
    StatusReport,
    read_report,
)
from app.export.sms.lease import SendingLease
from app.export.sms.phones import DEFAULT_REGION, normalise, region_for
from app.export.sms.recipients import SmsPlan
from app.export.sms.windows import SendWindow
from app.i18n import _, format_date
from app.models import permissions
from app.models.activity import ContactHistory
from app.models.db import Database
from app.models.dealership import Customer, Site
from app.models.enums import Channel, ContactChannel, MarketingBasis
from app.models.sms import OPEN_STATUSES, SmsBatch, SmsKind, SmsMessage, SmsStatus

STOP_SOURCE = "SMS STOP"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def to_utc(when: dt.datetime) -> dt.datetime:
    """Naive UTC for the database (a naive *when* is the computer's local time)."""
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def current_user() -> str:
    try:
        return getpass.getuser()[:80]
    except (OSError, KeyError, ImportError):
        return ""


def new_key() -> str:
    return uuid.uuid4().hex


def create_batch(
    session: Session,
    plan: SmsPlan,
    *,
    campaign: str,
    gateway: str,
    template_name: str | None = None,
    target_name: str | None = None,
    user: str | None = None,
    now: dt.datetime | None = None,
) -> SmsBatch:
    """Write the send and all its messages (pending or scheduled) to the log; flush, no commit."""
    now_utc = to_utc(now) if now is not None else utcnow()
    user = current_user() if user is None else user
    batch = SmsBatch(
        user=user,
        campaign=(campaign.strip() or template_name or "SMS")[:80],
        kind=plan.kind,
        template_name=template_name,
        body=plan.body,
        target_name=(target_name or None) and target_name[:200],
        requested_for=to_utc(plan.requested) if plan.requested else None,
        gateway=gateway,
        funnel=json.dumps(
            [{"step": s.key, "label": s.label, "count": s.count} for s in plan.funnel.steps],
            ensure_ascii=False,
        ),
    )
    session.add(batch)
    session.flush()
    for r in plan.recipients:
        assert r.length is not None
        when = to_utc(plan.send_times.get(r.market, plan.requested))
        session.add(
            SmsMessage(
                batch_id=batch.id,
                customer_id=r.customer_id,
                vehicle_id=r.vehicle_id,
                customer_name=r.name[:200],
                phone=r.phone.e164,
                text=r.text,
                encoding=r.length.encoding,
                segments=r.length.segments,
                idempotency_key=new_key(),
                status=SmsStatus.SCHEDULED if when > now_utc else SmsStatus.PENDING,
                market=r.market,
                scheduled_for=when,
                user=user,
            )
        )
    session.flush()
    return batch


@dataclass
class SendSummary:
    sent: int = 0
    exported: int = 0
    failed: int = 0
    cancelled: int = 0
    #: Marketing messages put back to wait for their market's send window.
    deferred: int = 0
    #: Set when the run stopped early (gateway unavailable); the rest stays pending.
    stopped: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.exported + self.failed + self.cancelled


def _due_filter(now_utc: dt.datetime):
    return or_(
        SmsMessage.status == SmsStatus.PENDING,
        (SmsMessage.status == SmsStatus.SCHEDULED) & (SmsMessage.scheduled_for <= now_utc),
    )


def count_due(session: Session, now: dt.datetime | None = None, batch_id: int | None = None) -> int:
    now_utc = to_utc(now) if now is not None else utcnow()
    query = select(func.count()).select_from(SmsMessage).where(_due_filter(now_utc))
    if batch_id is not None:
        query = query.where(SmsMessage.batch_id == batch_id)
    return int(session.scalar(query) or 0)


def _blocked(message: SmsMessage, kind: SmsKind, customer: Customer | None) -> str | None:
    if customer is None:
        return None
    if customer.optout_sms:
        if customer.optout_sms_date:
            return _("refused SMS since {date} (checked at sending time)").format(
                date=format_date(customer.optout_sms_date)
            )
        return _("refused SMS (checked at sending time)")
    if (
        kind is SmsKind.MARKETING
        and MarketingBasis(customer.marketing_basis) is MarketingBasis.NONE
    ):
        return _("no marketing legal basis (checked at sending time)")
    return None


def send_due(
    database: Database,
    gateway: Gateway,
    *,
    sender_name: str = "",
    now: dt.datetime | None = None,
    batch_id: int | None = None,
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    windows: dict[str, SendWindow] | None = None,
) -> SendSummary:
    """Hand every due message to *gateway* (see the module docstring); resumable at any point.

    *windows* (the settings' send windows): a marketing message whose time has come but whose
    market's window is closed now (the computer was off, ``send-pending`` ran at night) waits
    again for the next allowed time. *progress(done, total)* is called after each message; it
    may raise to stop (the messages not handed yet stay as they are).
    """
    with SendingLease(database) as lease:
        return _send_due(
            database, gateway, lease, sender_name, now, batch_id, chunk, progress, windows
        )


def _send_due(
    database: Database,
    gateway: Gateway,
    lease: SendingLease,
    sender_name: str,
    now: dt.datetime | None,
    batch_id: int | None,
    chunk: int | None,
    progress: Callable[[int, int], None] | None,
    windows: dict[str, SendWindow] | None,
) -> SendSummary:
    now_utc = to_utc(now) if now is not None else utcnow()
    chunk = chunk or gateway.batch_size
    summary = SendSummary()
    with database.session() as session:
        total = count_due(session, now, batch_id)
    last_id = 0
    done = 0
    while True:
        lease.renew()
        with database.session() as session:
            query = (
                select(SmsMessage, SmsBatch.kind, SmsBatch.campaign, SmsBatch.template_name)
                .join(SmsBatch, SmsBatch.id == SmsMessage.batch_id)
                .where(_due_filter(now_utc), SmsMessage.id > last_id)
                .order_by(SmsMessage.id)
                .limit(chunk)
            )
            if batch_id is not None:
                query = query.where(SmsMessage.batch_id == batch_id)
            rows = session.execute(query).all()
            if not rows:
                break
            last_id = rows[-1][0].id
            customer_ids = [r[0].customer_id for r in rows if r[0].customer_id is not None]
            customers = {
                c.id: c
                for c in session.scalars(select(Customer).where(Customer.id.in_(customer_ids)))
            }
            outgoing: list[OutgoingSms] = []
            sent_info: dict[str, _Sent] = {}
            for message, kind, campaign, template in rows:
                reason = _blocked(message, SmsKind(kind), customers.get(message.customer_id))
                if reason:
                    message.status = SmsStatus.CANCELLED
                    message.reason = reason
                    summary.cancelled += 1
                    done += 1
                    continue
                if windows and SmsKind(kind) is SmsKind.MARKETING:
                    window = windows.get(message.market) or windows.get("FR")
                    aware_now = now_utc.replace(tzinfo=dt.UTC)
                    if window is not None and not window.allows(aware_now):
                        message.status = SmsStatus.SCHEDULED
                        message.scheduled_for = to_utc(window.next_allowed(aware_now))
                        summary.deferred += 1
                        done += 1
                        continue
                message.status = SmsStatus.PENDING
                key = message.idempotency_key
                outgoing.append(OutgoingSms(key, message.phone, message.text, sender_name))
                sent_info[key] = _Sent(
                    message.id,
                    message.customer_id,
                    message.vehicle_id,
                    message.phone,
                    message.user,
                    campaign,
                    template,
                )
            # committed here: every message is pending with its key before the gateway sees it

        def on_results(results: list[SendResult], info: dict[str, _Sent] = sent_info) -> None:
            nonlocal done
            _record(database, results, info, summary)
            lease.renew()
            done += len(results)
            if progress is not None:
                progress(done, total)

        def on_handing(leaving: list[OutgoingSms], info: dict[str, _Sent] = sent_info) -> None:
            _mark_handed(database, [info[m.key].id for m in leaving])

        if progress is not None:
            progress(done, total)
        try:
            gateway.send_batch(outgoing, on_results, on_handing)
        except GatewayUnavailable as error:
            summary.stopped = str(error)
            break
    return summary


@dataclass(frozen=True)
class _Sent:
    """What recording a message's outcome needs, read with its chunk."""

    id: int
    customer_id: int | None
    vehicle_id: int | None
    phone: str
    user: str
    campaign: str
    template: str | None


_MESSAGE = SmsMessage.__table__
_HISTORY = ContactHistory.__table__


def _mark_handed(database: Database, ids: list[int]) -> None:
    """Committed just before the gateway call: one more attempt, and when."""
    with database.engine.begin() as conn:
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.id.in_(ids))
            .values(attempts=_MESSAGE.c.attempts + 1, handed_at=utcnow())
        )


def _record(
    database: Database, results: list[SendResult], info: dict[str, _Sent], summary: SendSummary
) -> None:
    """The outcomes, in one transaction (with the contact history of what was sent)."""
    now = utcnow()
    updates: list[dict[str, object]] = []
    history: list[dict[str, object]] = []
    for result in results:
        sent = info.get(result.key)
        if sent is None:
            continue
        delivered = result.status in (SmsStatus.SENT, SmsStatus.EXPORTED)
        reason = (result.reason or None) and result.reason[:200]
        updates.append(
            {
                "_id": sent.id,
                "_status": result.status,
                "_reason": reason,
                "_provider_id": (result.provider_id or None) and result.provider_id[:80],
                "_sent_at": now if delivered else None,
            }
        )
        if not delivered:
            summary.failed += 1
            summary.failures.append((sent.phone, reason or ""))
            continue
        if result.status is SmsStatus.SENT:
            summary.sent += 1
        else:
            summary.exported += 1
        if sent.customer_id is not None:
            history.append(
                {
                    "customer_id": sent.customer_id,
                    "vehicle_id": sent.vehicle_id,
                    "channel": ContactChannel.SMS,
                    "contacted_at": now,
                    "campaign": sent.campaign[:80],
                    "program": None,
                    "template": sent.template,
                    "outcome": "SMS sent" if result.status is SmsStatus.SENT else "SMS exported",
                    "user": sent.user,
                }
            )
    if not updates:
        return
    with database.engine.begin() as conn:
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.id == bindparam("_id"))
            .values(
                status=bindparam("_status"),
                reason=bindparam("_reason"),
                provider_id=bindparam("_provider_id"),
                sent_at=bindparam("_sent_at"),
            ),
            updates,
        )
        if history:
            conn.execute(_HISTORY.insert(), history)


def cancel_batch(session: Session, batch_id: int, reason: str | None = None) -> int:
    """Cancel the messages of a batch that have no outcome yet (scheduled or pending); the
    *reason* recorded is "cancelled by the user" unless given.

    Call it only while no send of that batch is running (e.g. after a cancelled send: the
    message in flight then has its outcome already)."""
    reason = _("cancelled by the user") if reason is None else reason
    count = 0
    for message in session.scalars(
        select(SmsMessage).where(
            SmsMessage.batch_id == batch_id, SmsMessage.status.in_(OPEN_STATUSES)
        )
    ):
        message.status = SmsStatus.CANCELLED
        message.reason = reason
        count += 1
    return count


def cancel_send(database: Database, batch_id: int) -> int:
    """Cancel what a send has not handed over yet (a scheduled campaign, say); returns how many.

    Takes the sending lease, so no sender is handing these messages over at the same time.
    """
    with SendingLease(database), database.session() as session:
        return cancel_batch(session, batch_id)


# -- statuses and STOP --------------------------------------------------------------------------


def _find(session: Session, report: StatusReport) -> SmsMessage | None:
    if report.key:
        found = session.scalars(
            select(SmsMessage).where(SmsMessage.idempotency_key == report.key)
        ).first()
        if found is not None:
            return found
    if report.provider_id:
        found = session.scalars(
            select(SmsMessage).where(SmsMessage.provider_id == report.provider_id)
        ).first()
        if found is not None:
            return found
    if report.phone:
        e164 = _e164(report.phone)
        return session.scalars(
            select(SmsMessage)
            .where(
                SmsMessage.phone == e164,
                SmsMessage.status.in_([SmsStatus.SENT, SmsStatus.EXPORTED]),
            )
            .order_by(SmsMessage.id.desc())
        ).first()
    return None


def apply_status_reports(session: Session, reports: list[StatusReport]) -> int:
    """Record delivery statuses; return how many messages changed."""
    changed = 0
    for report in reports:
        if report.status is None:
            continue
        message = _find(session, report)
        if message is None or message.status in (SmsStatus.CANCELLED,):
            continue
        if message.status is report.status:
            continue
        message.status = report.status
        if report.status is SmsStatus.DELIVERED:
            message.delivered_at = report.when or utcnow()
            message.reason = None
        else:
            message.reason = (report.reason or _("not delivered"))[:200]
        changed += 1
    return changed


def _e164(raw: str) -> str:
    phone = normalise(raw, DEFAULT_REGION)
    return phone.e164 or raw.strip()


def _digits(column):
    """The column with the usual separators removed (portable SQL ``replace``)."""
    expr = column
    for sep in (" ", ".", "-", "/", "(", ")"):
        expr = func.replace(expr, sep, "")
    return expr


def customers_with_number(session: Session, e164: str) -> set[int]:
    """Customers whose mobile, home or work number is *e164* once normalised with their site's
    (or their own) country, plus those SMS were sent to at that number."""
    ids = set(
        session.scalars(
            select(SmsMessage.customer_id).where(
                SmsMessage.phone == e164, SmsMessage.customer_id.is_not(None)
            )
        )
    )
    tail = e164[-8:]
    if len(tail) < 8:
        return ids
    columns = (Customer.phone_mobile, Customer.phone_home, Customer.phone_work)
    query = (
        select(Customer.id, *columns, Customer.country, Site.country)
        .outerjoin(Site, Site.id == Customer.site_id)
        .where(or_(*[_digits(c).like(f"%{tail}") for c in columns]))
    )
    for row in session.execute(query):
        region = region_for(row[5], row[4])
        if any(normalise(raw, region).e164 == e164 for raw in row[1:4] if raw):
            ids.add(row[0])
    return ids


def apply_stop(session: Session, reply: Reply, source: str = STOP_SOURCE) -> int:
    """A STOP from *reply.phone*: every customer with that number refuses SMS from now on (date
    and source recorded) and the open messages to it are cancelled. Returns how many customers
    were newly opted out."""
    e164 = _e164(reply.phone)
    when = (reply.when or utcnow()).date()
    customer_ids = customers_with_number(session, e164)
    count = 0
    # The number itself goes on the SMS suppression list, so the refusal follows it to every
    # record that holds it, now or after a later import.
    permissions.suppress_phone(session, e164, Channel.SMS, when, source)
    for customer in session.scalars(select(Customer).where(Customer.id.in_(customer_ids))):
        if not customer.optout_sms:
            permissions.record_refusal(session, customer, Channel.SMS, when, source)
            count += 1
    for message in session.scalars(
        select(SmsMessage).where(SmsMessage.phone == e164, SmsMessage.status.in_(OPEN_STATUSES))
    ):
        message.status = SmsStatus.CANCELLED
        message.reason = _("STOP received on {date}").format(date=format_date(when))
    return count


@dataclass
class StatusSummary:
    updated: int = 0
    stops: int = 0


def poll_statuses(
    database: Database, gateway: Gateway, *, days: int = 3, now: dt.datetime | None = None
) -> StatusSummary:
    """Ask the provider for the statuses of recent sent messages and for STOP replies."""
    now_utc = to_utc(now) if now is not None else utcnow()
    summary = StatusSummary()
    with database.session() as session:
        sent = session.execute(
            select(SmsMessage.idempotency_key, SmsMessage.provider_id).where(
                SmsMessage.status == SmsStatus.SENT,
                SmsMessage.sent_at >= now_utc - dt.timedelta(days=days),
            )
        ).all()
    for i in range(0, len(sent), 100):
        reports = gateway.statuses([(k, p) for k, p in sent[i : i + 100]])
        with database.session() as session:
            summary.updated += apply_status_reports(session, reports)
    replies = [r for r in gateway.replies() if r.is_stop]
    with database.session() as session:
        for reply in replies:
            summary.stops += apply_stop(session, reply, f"{STOP_SOURCE} ({gateway.kind})")
    return summary


def import_report(database: Database, path: str) -> StatusSummary:
    """Import a provider's report file (statuses and STOP replies) into the log."""
    reports, replies = read_report(path)
    summary = StatusSummary()
    with database.session() as session:
        summary.updated = apply_status_reports(session, reports)
        for reply in replies:
            summary.stops += apply_stop(session, reply, f"{STOP_SOURCE} (report)")
    return summary
