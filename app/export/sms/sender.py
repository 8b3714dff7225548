"""Sending: never twice, never lost, never to a number that refused, never after hours.

1. :func:`create_batch` writes the send and **every** message to the log in one transaction,
   each with a unique reference (``idempotency_key``): ``pending`` if due now, ``scheduled`` if
   it waits for a date or for the send window. Before a new send is made, the sends still
   waiting are settled (:func:`waiting_sends`: send, cancel or leave them), and the funnel sees
   every message already pending, scheduled or sent to the same numbers.
2. :func:`send_due` first reads the replies waiting at the provider (a STOP there cancels the
   messages to that number before any leaves), settles the messages a crash left without an
   outcome (below), then takes the due messages in id order, a chunk at a time. For each chunk
   it re-reads the customers and the SMS suppression list (a refusal of SMS, a STOP from any
   customer holding the number, or a lost marketing basis since the target was built cancels
   the message) and commits. Just before each message leaves, the send window of its market is
   checked again with the clock of that moment (a marketing message that would leave after
   hours waits for the next allowed time), and one more attempt and the time are committed;
   only then is it handed to the gateway. Each result is committed as it comes: ``sent`` (with
   the provider's id), ``exported`` (outbox file), ``failed`` with the reason, or ``unknown``
   (no answer: it may have gone), and a sent message is written to the customer's contact
   history in the same transaction.
3. **No message is handed to a provider twice.** A message whose outcome is unknown — no answer
   to its request, or handed before a crash and never marked — gets the status ``unknown`` and
   is never handed again by Cible: :func:`resolve_unknown` asks the provider for it by Cible's
   reference where its API allows (found: ``sent``), otherwise a person decides in the SMS log
   (:func:`release_unknown` to send it again, :func:`settle_unknown` to record it as sent or
   failed). The outbox is the exception: it skips a reference already written to one of its
   files, so a message handed to it before a crash is simply handed again.
4. If the gateway is unavailable, the run stops and the rest stays pending for the next run
   (``send-pending``, or the window while it is open).
5. One sender at a time per database (:mod:`app.export.sms.lease`): the window's background
   sender and a scheduled ``send-pending`` never hand the same messages over together.

:func:`poll_statuses` and :func:`import_report` record delivery statuses and replies; an
opt-out reply puts the number on the SMS suppression list and sets the refusal of every
customer holding it (:func:`apply_stop`); other replies wait in the SMS log for a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, func, or_, select
from sqlalchemy.orm import Session

from app.export.sms.gateway import (
    Gateway,
    GatewayUnavailable,
    OutcomeUnknown,
    OutgoingSms,
    Reply,
    SendResult,
    StatusReport,
    UnknownSms,
    read_report,
)
from app.export.sms.lease import SendingLease
from app.export.sms.phones import DEFAULT_REGION, normalise, regions_for
from app.export.sms.recipients import SmsPlan
from app.export.sms.windows import SendWindow, window_for
from app.export.waiting import WaitingSend
from app.export.waiting import waiting_sends as shared_waiting_sends
from app.i18n import _, format_date, ngettext
from app.models import permissions
from app.models.activity import ContactHistory
from app.models.base import current_user, to_utc, utcnow
from app.models.db import Database
from app.models.dealership import Customer, Site
from app.models.enums import Channel, ContactChannel, MarketingBasis
from app.models.sms import OPEN_STATUSES, SmsBatch, SmsKind, SmsMessage, SmsReply, SmsStatus

STOP_SOURCE = "SMS STOP"


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
    #: Handed over without an answer (never handed again; asked from the provider or decided
    #: by a person in the SMS log).
    unknown: int = 0
    #: Opt-out replies read before sending, and other replies waiting for a person.
    stops: int = 0
    replies: int = 0
    #: Unknown outcomes the provider, asked by reference, said it had.
    resolved: int = 0
    #: Waiting messages whose time was past by more than the settings' days: never sent.
    expired: int = 0
    #: Set when the run stopped early (gateway unavailable); the rest stays pending.
    stopped: str | None = None
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.exported + self.failed + self.cancelled + self.unknown


def _due_filter(now_utc: dt.datetime):
    return or_(
        SmsMessage.status == SmsStatus.PENDING,
        (SmsMessage.status == SmsStatus.SCHEDULED) & (SmsMessage.scheduled_for <= now_utc),
    )


def count_unknown(session: Session) -> int:
    """Messages whose outcome is unknown (a person decides in the SMS log)."""
    query = select(func.count()).select_from(SmsMessage)
    return int(session.scalar(query.where(SmsMessage.status == SmsStatus.UNKNOWN)) or 0)


def count_due(session: Session, now: dt.datetime | None = None, batch_id: int | None = None) -> int:
    now_utc = to_utc(now) if now is not None else utcnow()
    query = select(func.count()).select_from(SmsMessage).where(_due_filter(now_utc))
    if batch_id is not None:
        query = query.where(SmsMessage.batch_id == batch_id)
    return int(session.scalar(query) or 0)


def _blocked(
    message: SmsMessage,
    kind: SmsKind,
    customer: Customer | None,
    suppressed: set[str],
    today: dt.date,
) -> str | None:
    if message.phone in suppressed:
        return _("number on the SMS suppression list (checked at sending time)")
    if customer is None:
        return None
    if customer.optout_sms:
        if customer.optout_sms_date:
            return _("refused SMS since {date} (checked at sending time)").format(
                date=format_date(customer.optout_sms_date)
            )
        return _("refused SMS (checked at sending time)")
    if kind is SmsKind.MARKETING and not has_marketing_basis(customer, today):
        return _("no marketing legal basis (checked at sending time)")
    return None


def _clause_lost(kind: SmsKind, planned_for: str, gateway: Gateway, sender_name: str) -> str | None:
    """A marketing message planned for a provider that appends its own opt-out clause (so
    without Cible's mention) must not leave through a gateway that does not."""
    if kind is not SmsKind.MARKETING or planned_for == gateway.kind:
        return None
    from app.export.sms.providers import PRESETS

    preset = PRESETS.get(planned_for)
    if preset is None or gateway.stop_clause(kind.value, sender_name):
        return None
    if not preset.gateway_class.provider_clause(kind.value, sender_name, {}):
        return None
    return _(
        "written for {provider}, which adds its own STOP clause: the gateway has changed "
        "since, and the message has no opt-out mention; make the send again"
    ).format(provider=preset.name)


def has_marketing_basis(customer: Customer, today: dt.date) -> bool:
    """A basis for marketing SMS today: the cached basis, and for a Canadian customer the basis
    in force in the history (CASL implied consent lapses: two years after a purchase, six
    months after an inquiry)."""
    if MarketingBasis(customer.marketing_basis) is MarketingBasis.NONE:
        return False
    if permissions.is_canadian(customer) and customer.permission_events:
        return permissions.effective_basis(customer, Channel.SMS, today) is not None
    return True


Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


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
    clock: Clock | None = None,
    read_replies: bool = True,
    expire_days: int | None = None,
) -> SendSummary:
    """Hand every due message to *gateway* (see the module docstring); resumable at any point.

    *windows* (the settings' send windows): a marketing message whose market's window is closed
    at the moment it would leave (the computer was off, ``send-pending`` ran at night, the send
    ran past 21:30) waits again for the next allowed time. *clock* gives that moment (aware;
    default: the computer's clock, or *now* when given). *progress(done, total)* is called
    after each message; it may raise to stop (the messages not handed yet stay as they are).
    *read_replies*: the provider's replies are read (STOP applied) before anything is sent.
    *expire_days*: messages waiting longer than that past their time expire first
    (:func:`expire_waiting`; the settings' ``expire_days``).
    """
    if clock is None:
        clock = (lambda: now) if now is not None else system_clock  # type: ignore[assignment,return-value]
    with SendingLease(database) as lease:
        return _send_due(
            database,
            gateway,
            lease,
            sender_name,
            now,
            batch_id,
            chunk,
            progress,
            windows,
            clock,  # type: ignore[arg-type]
            read_replies,
            expire_days,
        )


def expire_waiting(database: Database, days: int, now: dt.datetime | None = None) -> int:
    """Scheduled or pending messages never handed over whose time (``scheduled_for``) is more
    than *days* old become ``expired``, a final state: they are never sent afterwards (a
    garage's "see you Saturday" must not arrive on Tuesday). Returns how many."""
    now_utc = to_utc(now) if now is not None else utcnow()
    limit = now_utc - dt.timedelta(days=days)
    reason = ngettext(
        "not sent within {n} day of its time: expired on {date}",
        "not sent within {n} days of its time: expired on {date}",
        days,
    ).format(n=days, date=format_date(now_utc.date()))[:200]
    with database.engine.begin() as conn:
        result = conn.execute(
            _MESSAGE.update()
            .where(
                _MESSAGE.c.status.in_([SmsStatus.SCHEDULED.value, SmsStatus.PENDING.value]),
                _MESSAGE.c.handed_at.is_(None),
                func.coalesce(_MESSAGE.c.scheduled_for, _MESSAGE.c.created_at) < limit,
            )
            .values(status=SmsStatus.EXPIRED.value, reason=reason)
        )
        return int(result.rowcount or 0)


def mark_lost_unknown(database: Database) -> int:
    """Messages handed to a gateway before a crash and never marked (pending, handed) become
    ``unknown``: the provider may have them. Call it holding the sending lease."""
    with database.engine.begin() as conn:
        result = conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.status == SmsStatus.PENDING.value, _MESSAGE.c.handed_at.is_not(None))
            .values(
                status=SmsStatus.UNKNOWN.value,
                reason=_("handed to the provider before an interruption; no answer recorded"),
            )
        )
        return int(result.rowcount or 0)


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
    clock: Clock,
    read_replies: bool,
    expire_days: int | None = None,
) -> SendSummary:
    summary = SendSummary()
    if read_replies:
        try:
            read = read_provider_replies(database, gateway)
        except GatewayUnavailable as error:
            summary.stopped = str(error)
            return summary
        summary.stops, summary.replies = read.stops, read.replies
    if not gateway.rehand_safe:
        mark_lost_unknown(database)
    if expire_days:
        summary.expired = expire_waiting(database, expire_days, now)
    if gateway.can_lookup:
        try:
            summary.resolved = resolve_unknown(database, gateway)
        except GatewayUnavailable as error:
            summary.stopped = str(error)
            return summary
    now_utc = to_utc(now) if now is not None else utcnow()
    chunk = chunk or gateway.batch_size
    with database.session() as session:
        total = count_due(session, now, batch_id)
    last_id = 0
    done = 0
    while True:
        lease.renew()
        with database.session() as session:
            query = (
                select(
                    SmsMessage,
                    SmsBatch.kind,
                    SmsBatch.campaign,
                    SmsBatch.template_name,
                    SmsBatch.gateway,
                )
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
            suppressed = permissions.suppressed_phones(
                session, [r[0].phone for r in rows], Channel.SMS
            )
            today = clock().date()
            outgoing: list[OutgoingSms] = []
            sent_info: dict[str, _Sent] = {}
            for message, kind, campaign, template, planned_for in rows:
                reason = _blocked(
                    message, SmsKind(kind), customers.get(message.customer_id), suppressed, today
                ) or _clause_lost(SmsKind(kind), planned_for, gateway, sender_name)
                if reason:
                    message.status = SmsStatus.CANCELLED
                    message.reason = reason
                    summary.cancelled += 1
                    done += 1
                    continue
                message.status = SmsStatus.PENDING
                key = message.idempotency_key
                outgoing.append(
                    OutgoingSms(key, message.phone, message.text, sender_name, SmsKind(kind).value)
                )
                sent_info[key] = _Sent(
                    message.id,
                    message.customer_id,
                    message.vehicle_id,
                    message.phone,
                    message.user,
                    campaign,
                    template,
                    SmsKind(kind),
                    message.market,
                )
            # committed here: every message is pending with its key before the gateway sees it

        in_flight: set[int] = set()

        def on_results(
            results: list[SendResult],
            info: dict[str, _Sent] = sent_info,
            in_flight: set[int] = in_flight,
        ) -> None:
            nonlocal done
            _record(database, results, info, summary)
            in_flight.difference_update(info[r.key].id for r in results if r.key in info)
            lease.renew()
            done += len(results)
            if progress is not None:
                progress(done, total)

        def on_handing(
            leaving: list[OutgoingSms],
            info: dict[str, _Sent] = sent_info,
            in_flight: set[int] = in_flight,
        ) -> list[OutgoingSms]:
            nonlocal done
            allowed, held = _check_window(leaving, info, windows, clock)
            if held:
                _hold(database, held)
                summary.deferred += len(held)
                done += len(held)
                if progress is not None:
                    progress(done, total)
            if allowed:
                ids = [info[m.key].id for m in allowed]
                _mark_handed(database, ids)
                in_flight.update(ids)
            return allowed

        if progress is not None:
            progress(done, total)
        try:
            gateway.send_batch(outgoing, on_results, on_handing)
        except OutcomeUnknown as error:
            summary.stopped = str(error)
            break
        except GatewayUnavailable as error:
            # the provider did not take it (no connection, "not now", refused the account):
            # the message in hand was not sent and may be handed again
            _unmark_handed(database, sorted(in_flight))
            summary.stopped = str(error)
            break
    return summary


def _check_window(
    leaving: list[OutgoingSms],
    info: dict[str, _Sent],
    windows: dict[str, SendWindow] | None,
    clock: Clock,
) -> tuple[list[OutgoingSms], list[tuple[int, dt.datetime]]]:
    """Split *leaving* into the messages that may leave now and the marketing ones whose
    window is closed at this moment (with the next allowed time, naive UTC)."""
    if not windows:
        return leaving, []
    moment = clock()
    if moment.tzinfo is None:
        moment = moment.astimezone()
    allowed: list[OutgoingSms] = []
    held: list[tuple[int, dt.datetime]] = []
    for m in leaving:
        sent = info[m.key]
        if sent.kind is SmsKind.MARKETING:
            window = window_for(windows, sent.market)
            if not window.allows(moment, sent.market):
                held.append((sent.id, to_utc(window.next_allowed(moment, sent.market))))
                continue
        allowed.append(m)
    return allowed, held


def _hold(database: Database, held: list[tuple[int, dt.datetime]]) -> None:
    with database.engine.begin() as conn:
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.id == bindparam("_id"))
            .values(status=SmsStatus.SCHEDULED.value, scheduled_for=bindparam("_when")),
            [{"_id": i, "_when": when} for i, when in held],
        )


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
    kind: SmsKind = SmsKind.SERVICE
    market: str = "FR"


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


def _unmark_handed(database: Database, ids: list[int]) -> None:
    if not ids:
        return
    with database.engine.begin() as conn:
        conn.execute(
            _MESSAGE.update()
            .where(_MESSAGE.c.id.in_(ids), _MESSAGE.c.status == SmsStatus.PENDING.value)
            .values(handed_at=None)
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
        if result.status is SmsStatus.UNKNOWN:
            summary.unknown += 1
            summary.failures.append((sent.phone, reason or ""))
            continue
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
    opted_out = [info[r.key].phone for r in results if r.opted_out and r.key in info]
    if opted_out:
        # the provider holds a STOP from that number: it goes on Cible's suppression list too
        with database.session() as session:
            record_replies(session, [Reply(phone, "STOP") for phone in opted_out], "provider")
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
        if message is None or message.status in (SmsStatus.CANCELLED, SmsStatus.EXPIRED):
            continue  # never handed over: nothing the provider says can be about it
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
    """Customers whose mobile, home or work number is *e164* read with their own country, their
    site's or France's (any of them: a refusal errs on the side of the person), plus those SMS
    were sent to at that number."""
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
        regions = regions_for(row[4], row[5])
        if any(normalise(raw, r).e164 == e164 for raw in row[1:4] if raw for r in regions):
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
    #: Replies that are not an opt-out, waiting in the SMS log for a person.
    replies: int = 0


def record_replies(session: Session, replies: list[Reply], source: str) -> StatusSummary:
    """Keep *replies* (a reply read twice is kept once): an opt-out is applied at once
    (:func:`apply_stop`), the others wait in the SMS log for a person to read them."""
    summary = StatusSummary()
    for reply in replies:
        e164 = _e164(reply.phone)[:20]
        digest = hashlib.sha256(reply.text.encode("utf-8")).hexdigest()[:16]
        seen = session.scalar(
            select(SmsReply.id).where(
                SmsReply.phone == e164,
                SmsReply.text_hash == digest,
                SmsReply.received_at.is_(None)
                if reply.when is None
                else SmsReply.received_at == reply.when,
            )
        )
        if seen is not None:
            continue
        stop = reply.is_stop
        session.add(
            SmsReply(
                phone=e164,
                text=reply.text,
                text_hash=digest,
                received_at=reply.when,
                is_stop=stop,
                source=source[:80],
                handled_at=utcnow() if stop else None,
            )
        )
        session.flush()
        if stop:
            apply_stop(session, reply, f"{STOP_SOURCE} ({source})")
            summary.stops += 1
        else:
            summary.replies += 1
    return summary


def read_provider_replies(database: Database, gateway: Gateway) -> StatusSummary:
    """Read the replies waiting at the provider and record them (:func:`record_replies`)."""
    replies = gateway.replies()
    if not replies:
        return StatusSummary()
    with database.session() as session:
        return record_replies(session, replies, gateway.kind)


def unread_replies(session: Session) -> list[SmsReply]:
    """Replies that are not an opt-out and that nobody has read yet (the SMS log lists them)."""
    return list(
        session.scalars(
            select(SmsReply)
            .where(SmsReply.is_stop.is_(False), SmsReply.handled_at.is_(None))
            .order_by(SmsReply.id)
        )
    )


def mark_replies_read(session: Session, ids: list[int]) -> None:
    for reply in session.scalars(select(SmsReply).where(SmsReply.id.in_(ids))):
        reply.handled_at = utcnow()


# -- unknown outcomes ---------------------------------------------------------------------------


def resolve_unknown(database: Database, gateway: Gateway, *, days: int = 7) -> int:
    """Ask the provider about every message whose outcome is unknown (:meth:`Gateway.lookup`:
    by Cible's reference, or by number, time and text, as its API allows); those it has become
    ``sent`` (or their final status), with the contact history. Returns how many were settled;
    the others stay ``unknown`` for a person to decide, their reason saying what the provider
    answered. Only the messages handed over in the last *days* are asked about (each run asks
    again about those not found: a provider may list a message late)."""
    if not gateway.can_lookup:
        return 0
    since = utcnow() - dt.timedelta(days=days)
    with database.session() as session:
        rows = session.execute(
            select(
                SmsMessage.idempotency_key,
                SmsMessage.phone,
                SmsMessage.text,
                SmsMessage.handed_at,
            )
            .where(
                SmsMessage.status == SmsStatus.UNKNOWN,
                or_(SmsMessage.handed_at.is_(None), SmsMessage.handed_at >= since),
            )
            .order_by(SmsMessage.id)
        ).all()
        known: dict[str, set[str]] = {}
        phones = sorted({r.phone for r in rows})
        for start in range(0, len(phones), 500):
            for phone, provider_id in session.execute(
                select(SmsMessage.phone, SmsMessage.provider_id).where(
                    SmsMessage.phone.in_(phones[start : start + 500]),
                    SmsMessage.provider_id.is_not(None),
                )
            ):
                known.setdefault(phone, set()).add(str(provider_id))
    unknown = [
        UnknownSms(
            r.idempotency_key, r.phone, r.text, r.handed_at, frozenset(known.get(r.phone, ()))
        )
        for r in rows
    ]
    settled = 0
    for start in range(0, len(unknown), 100):
        reports = gateway.lookup(unknown[start : start + 100])
        with database.session() as session:
            for report in reports:
                message = session.scalars(
                    select(SmsMessage).where(SmsMessage.idempotency_key == report.key)
                ).first()
                if message is None or message.status is not SmsStatus.UNKNOWN:
                    continue
                if report.status is None:  # asked: not found, or not told apart
                    if report.reason:
                        message.reason = report.reason[:200]
                    continue
                _settle(
                    session,
                    message,
                    report.status,
                    report.provider_id,
                    report.reason,
                )
                settled += 1
    return settled


def _settle(
    session: Session,
    message: SmsMessage,
    status: SmsStatus,
    provider_id: str | None = None,
    reason: str | None = None,
) -> None:
    now = utcnow()
    message.status = status
    if provider_id:
        message.provider_id = provider_id[:80]
    if status is SmsStatus.FAILED:
        message.reason = (reason or _("not delivered"))[:200]
        return
    message.reason = None
    message.sent_at = message.sent_at or message.handed_at or now
    if status is SmsStatus.DELIVERED:
        message.delivered_at = now
    if message.customer_id is not None:
        batch = session.get(SmsBatch, message.batch_id)
        session.add(
            ContactHistory(
                customer_id=message.customer_id,
                vehicle_id=message.vehicle_id,
                channel=ContactChannel.SMS,
                contacted_at=message.sent_at,
                campaign=(batch.campaign if batch else "SMS")[:80],
                template=batch.template_name if batch else None,
                outcome="SMS sent",
                user=message.user,
            )
        )


def settle_unknown(session: Session, ids: list[int], sent: bool) -> int:
    """A person's decision on messages whose outcome is unknown: they went (the customer got
    it, the provider's portal shows it) or they did not. Returns how many changed."""
    count = 0
    for message in session.scalars(
        select(SmsMessage).where(SmsMessage.id.in_(ids), SmsMessage.status == SmsStatus.UNKNOWN)
    ):
        if sent:
            _settle(session, message, SmsStatus.SENT)
        else:
            _settle(session, message, SmsStatus.FAILED, reason=_("not sent (decided by a person)"))
        count += 1
    return count


def release_unknown(session: Session, ids: list[int]) -> int:
    """A person decided to send these unknown messages again: they become pending with a new
    reference (the provider may have the old one). Returns how many."""
    count = 0
    for message in session.scalars(
        select(SmsMessage).where(SmsMessage.id.in_(ids), SmsMessage.status == SmsStatus.UNKNOWN)
    ):
        message.status = SmsStatus.PENDING
        message.idempotency_key = new_key()
        message.attempts = 0
        message.handed_at = None
        message.reason = _("sent again by {user}").format(user=current_user() or "?")[:200]
        count += 1
    return count


# -- sends still waiting ------------------------------------------------------------------------


def waiting_sends(session: Session, now: dt.datetime | None = None) -> list[WaitingSend]:
    """The sends whose messages are pending or due (their time has come) but not handed over,
    oldest first: a new send is made only once they are settled (sent, cancelled or left)."""
    now_utc = to_utc(now) if now is not None else utcnow()
    return shared_waiting_sends(session, SmsBatch, SmsMessage, _due_filter(now_utc), "sms")


def poll_statuses(
    database: Database, gateway: Gateway, *, days: int = 3, now: dt.datetime | None = None
) -> StatusSummary:
    """Ask the provider for the statuses of recent sent messages, then for replies.

    Only messages whose status is not final yet are asked about (``sent``: not ``delivered``,
    ``failed`` or ``expired``), those sent in the last *days*: a message stops being polled as
    soon as its status is final, or after *days*. A provider with a listing or report endpoint
    (:attr:`Gateway.batch_statuses`: Twilio, Brevo) is asked once for all of them, by pages,
    not once per message.
    """
    now_utc = to_utc(now) if now is not None else utcnow()
    summary = StatusSummary()
    with database.session() as session:
        sent = session.execute(
            select(SmsMessage.idempotency_key, SmsMessage.provider_id, SmsMessage.sent_at)
            .where(
                SmsMessage.status == SmsStatus.SENT,
                SmsMessage.sent_at >= now_utc - dt.timedelta(days=days),
            )
            .order_by(SmsMessage.sent_at)
        ).all()
    pairs = [(k, p) for k, p, _when in sent]
    since = sent[0][2] if sent else None
    step = (len(pairs) or 1) if gateway.batch_statuses else 100
    for i in range(0, len(pairs), step):
        reports = gateway.statuses(pairs[i : i + step], since)
        with database.session() as session:
            summary.updated += apply_status_reports(session, reports)
    read = read_provider_replies(database, gateway)
    summary.stops, summary.replies = read.stops, read.replies
    return summary


def import_report(database: Database, path: str) -> StatusSummary:
    """Import a provider's report file (statuses and replies) into the log."""
    reports, replies = read_report(path)
    with database.session() as session:
        summary = record_replies(session, replies, "report")
        summary.updated = apply_status_reports(session, reports)
    return summary
