"""Which channel reaches each customer, and who may not be contacted (issue 15, points 3-4).

For each due reminder: the customer's preferred channel when the program uses it, then the
program's channels in order; the first one that is usable and allowed wins:

* post: an address (line, postal code, city), no refusal of post, address not unknown;
* e-mail: an address, no refusal, not on the e-mail suppression list, a marketing basis in force
  (:func:`app.models.permissions.effective_basis`);
* SMS: a mobile number, no refusal, not on the SMS suppression list, a marketing basis;
* phone: a number whose line is not refused nor listed, and the market's call rules
  (shared/COMPLIANCE.md §7, :class:`~app.programs.settings.CallRules`): at most N calls per 30
  days, none for 60 days after a refusal during a call, and where the market asks for it
  (France since 11/08/2026) consent for phone calls or a contract in progress (financing
  running, a plan sold with the vehicle still running, or a sale delivered lately).

The send windows of SMS and e-mail are applied by their own senders when the messages are
written (:mod:`app.export.sms`, :mod:`app.export.email`); calls get the first allowed calling
day and its hours on the call list.

**Monthly cap** (``monthly_cap``): marketing contacts of the customer in the calendar month —
SMS and e-mails of marketing sends in the journals (programs, campaigns and hand sends alike;
pending, scheduled and unknown included; cancelled and failed not), letters and calls in the
contact history, and program calls still on a call list — plus those this run assigns.

A reminder that no channel can carry is left out with the reason of each channel tried
(the funnel says why). No Qt here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.export.sms.windows import holidays, market_for_country
from app.i18n import N_, _, format_date
from app.models import permissions
from app.models.activity import ContactHistory, SaleProduct, VehicleSale
from app.models.dealership import Customer
from app.models.email import EmailBatch, EmailMessage, EmailStatus
from app.models.enums import BasisKind, Channel, ContactChannel
from app.models.programs import ContactStatus, ProgramContact
from app.models.sms import SmsBatch, SmsKind, SmsMessage, SmsStatus
from app.programs.rules import Due, add_months
from app.programs.settings import CallRules, ProgramSettings

CHANNELS = ("post", "email", "sms", "phone")
#: Outcomes of a call that count as the person refusing (60 days before calling again).
REFUSAL_OUTCOMES = frozenset({"pas intéressé", "refus", "refused", "not interested"})
_PHONE_FIELDS = (
    ("phone_mobile", Channel.PHONE_MOBILE),
    ("phone_home", Channel.PHONE_HOME),
    ("phone_work", Channel.PHONE_WORK),
)
_CHUNK = 500

CHANNEL_LABELS = {
    "post": N_("letter"),
    "email": N_("e-mail"),
    "sms": N_("SMS"),
    "phone": N_("phone call"),
}


def channel_label(channel: str, lang: str | None = None) -> str:
    return _(CHANNEL_LABELS.get(channel, channel), lang)


@dataclass
class Assignment:
    """A due reminder and the channel that carries it (``None``: left out, see ``reasons``)."""

    due: Due
    channel: str | None = None
    #: Why each channel tried could not be used (channel → reason), or the cap.
    reasons: dict[str, str] = field(default_factory=dict)
    #: Phone: the numbers that may be called (E.164) and when.
    phones: list[str] = field(default_factory=list)
    call_day: dt.date | None = None
    call_hours: str = ""

    def why(self, lang: str | None = None) -> str:
        return "; ".join(
            _("{channel}: {reason}", lang).format(channel=channel_label(c, lang), reason=r)
            if c in CHANNEL_LABELS
            else r
            for c, r in self.reasons.items()
        )


def parse_channels(text: str) -> list[str]:
    found = [c.strip().lower() for c in (text or "").split(",") if c.strip()]
    return list(dict.fromkeys(found))


def channel_order(program_channels: list[str], preferred: str | None) -> list[str]:
    """The preferred channel first when the program uses it, then the program's order."""
    order = list(program_channels)
    if preferred and preferred in order:
        order.remove(preferred)
        order.insert(0, preferred)
    return order


def _chunks(items: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def month_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = day.replace(day=1)
    end = add_months(start, 1)
    return dt.datetime.combine(start, dt.time()), dt.datetime.combine(end, dt.time())


def monthly_counts(session: Session, ids: list[int], day: dt.date) -> Counter[int]:
    """Marketing contacts per customer in *day*'s month (see the module docstring)."""
    start, end = month_bounds(day)
    counts: Counter[int] = Counter()
    closed_sms = (SmsStatus.CANCELLED.value, SmsStatus.FAILED.value)
    closed_email = (EmailStatus.CANCELLED.value, EmailStatus.FAILED.value)
    for chunk in _chunks(ids):
        queries = [
            select(SmsMessage.customer_id, func.count())
            .join(SmsBatch, SmsBatch.id == SmsMessage.batch_id)
            .where(
                SmsMessage.customer_id.in_(chunk),
                SmsBatch.kind == SmsKind.MARKETING.value,
                SmsMessage.status.not_in(closed_sms),
                func.coalesce(SmsMessage.scheduled_for, SmsMessage.created_at) >= start,
                func.coalesce(SmsMessage.scheduled_for, SmsMessage.created_at) < end,
            )
            .group_by(SmsMessage.customer_id),
            select(EmailMessage.customer_id, func.count())
            .join(EmailBatch, EmailBatch.id == EmailMessage.batch_id)
            .where(
                EmailMessage.customer_id.in_(chunk),
                EmailBatch.kind == "marketing",
                EmailMessage.status.not_in(closed_email),
                func.coalesce(EmailMessage.scheduled_for, EmailMessage.created_at) >= start,
                func.coalesce(EmailMessage.scheduled_for, EmailMessage.created_at) < end,
            )
            .group_by(EmailMessage.customer_id),
            select(ContactHistory.customer_id, func.count())
            .where(
                ContactHistory.customer_id.in_(chunk),
                ContactHistory.channel.in_([ContactChannel.POST.value, ContactChannel.PHONE.value]),
                ContactHistory.contacted_at >= start,
                ContactHistory.contacted_at < end,
            )
            .group_by(ContactHistory.customer_id),
            select(ProgramContact.customer_id, func.count())
            .where(
                ProgramContact.customer_id.in_(chunk),
                ProgramContact.status == ContactStatus.TO_CALL.value,
                ProgramContact.contact_date >= start.date(),
                ProgramContact.contact_date < end.date(),
            )
            .group_by(ProgramContact.customer_id),
        ]
        for query in queries:
            for customer_id, n in session.execute(query):
                counts[customer_id] += n
    return counts


# --- calls ----------------------------------------------------------------------------------


def _call_facts(
    session: Session, ids: list[int], today: dt.date
) -> tuple[Counter[int], dict[int, dt.date], set[int]]:
    """Calls in the last 30 days, the last refusal during a call, contracts in progress."""
    calls: Counter[int] = Counter()
    refused: dict[int, dt.date] = {}
    contract: set[int] = set()
    since = dt.datetime.combine(today - dt.timedelta(days=30), dt.time())
    long_ago = dt.datetime.combine(today - dt.timedelta(days=366), dt.time())
    for chunk in _chunks(ids):
        for customer_id, n in session.execute(
            select(ContactHistory.customer_id, func.count())
            .where(
                ContactHistory.customer_id.in_(chunk),
                ContactHistory.channel == ContactChannel.PHONE.value,
                ContactHistory.contacted_at >= since,
            )
            .group_by(ContactHistory.customer_id)
        ):
            calls[customer_id] += n
        for customer_id, n in session.execute(
            select(ProgramContact.customer_id, func.count())
            .where(
                ProgramContact.customer_id.in_(chunk),
                ProgramContact.status == ContactStatus.TO_CALL.value,
                ProgramContact.contact_date >= since.date(),
            )
            .group_by(ProgramContact.customer_id)
        ):
            calls[customer_id] += n
        for customer_id, outcome, when in session.execute(
            select(
                ContactHistory.customer_id, ContactHistory.outcome, ContactHistory.contacted_at
            ).where(
                ContactHistory.customer_id.in_(chunk),
                ContactHistory.channel == ContactChannel.PHONE.value,
                ContactHistory.contacted_at >= long_ago,
                ContactHistory.outcome.is_not(None),
            )
        ):
            if (outcome or "").strip().casefold() in REFUSAL_OUTCOMES:
                day = when.date()
                if customer_id not in refused or refused[customer_id] < day:
                    refused[customer_id] = day
        contract.update(
            session.execute(
                select(VehicleSale.customer_id).where(
                    VehicleSale.customer_id.in_(chunk),
                    or_(
                        VehicleSale.financing_end >= today,
                        VehicleSale.delivery_date >= today - dt.timedelta(days=90),
                        VehicleSale.id.in_(
                            select(SaleProduct.sale_id).where(SaleProduct.end_date >= today)
                        ),
                    ),
                )
            ).scalars()
        )
    return calls, refused, contract


def first_call_day(rules: CallRules, market: str, today: dt.date) -> tuple[dt.date, str] | None:
    """The first day from *today* on which *market* allows calls, and its hours."""
    for i in range(0, 15):
        day = today + dt.timedelta(days=i)
        hours = rules.hours[day.weekday()] if len(rules.hours) == 7 else []
        if not hours:
            continue
        if rules.no_holidays and day in holidays(market.split("-")[0], day.year):
            continue
        return day, ", ".join(h.replace("-", "–") for h in hours)
    return None


# --- choosing ---------------------------------------------------------------------------------


def _customers(session: Session, ids: list[int]) -> dict[int, Customer]:
    found: dict[int, Customer] = {}
    for chunk in _chunks(ids):
        for c in session.scalars(
            select(Customer)
            .where(Customer.id.in_(chunk))
            .options(selectinload(Customer.permission_events), selectinload(Customer.site))
        ):
            found[c.id] = c
    return found


def _market(c: Customer) -> str:
    return market_for_country((c.site.country if c.site else None) or c.country)


def assign_channels(
    session: Session,
    dues: list[Due],
    program_channels: list[str],
    settings: ProgramSettings,
    today: dt.date,
    *,
    lang: str | None = None,
) -> list[Assignment]:
    """Choose a channel for each due reminder (see the module docstring), the cap included."""
    ids = sorted({d.customer_id for d in dues})
    customers = _customers(session, ids)
    emails = {cid: permissions.normalise_email(c.email) for cid, c in customers.items() if c.email}
    mobiles = {cid: permissions.customer_numbers(c, Channel.SMS) for cid, c in customers.items()}
    blocked_emails = permissions.suppressed_emails(session, emails.values())
    blocked_sms = permissions.suppressed_phones(session, [n for v in mobiles.values() for n in v])
    phone_numbers: dict[int, list[tuple[str, Channel]]] = defaultdict(list)
    blocked_phone: set[tuple[str, str]] = set()
    if "phone" in program_channels:
        by_channel: dict[Channel, set[str]] = defaultdict(set)
        for cid, c in customers.items():
            for attr, channel in _PHONE_FIELDS:
                if getattr(c, f"optout_{attr}"):
                    continue
                for number in permissions.customer_numbers(c, channel):
                    phone_numbers[cid].append((number, channel))
                    by_channel[channel].add(number)
        for channel, numbers in by_channel.items():
            blocked_phone.update(
                (n, channel.value) for n in permissions.suppressed_phones(session, numbers, channel)
            )
        calls, refused, contract = _call_facts(session, ids, today)
    else:
        calls, refused, contract = Counter(), {}, set()
    cap = settings.monthly_cap
    counts = monthly_counts(session, ids, today) if cap > 0 else Counter()

    out: list[Assignment] = []
    for d in dues:
        a = Assignment(d)
        out.append(a)
        c = customers.get(d.customer_id)
        if c is None:
            a.reasons["-"] = _("customer deleted", lang)
            continue
        if cap > 0 and counts[c.id] >= cap:
            a.reasons["cap"] = _(
                "{n} marketing contacts this month already (the cap is {cap})", lang
            ).format(n=counts[c.id], cap=cap)
            continue
        preferred = c.preferred_channel.value if c.preferred_channel else None
        for channel in channel_order(program_channels, preferred):
            reason = None
            if channel == "post":
                if c.optout_post:
                    reason = _("refused post", lang)
                elif c.unknown_address:
                    reason = _("unknown address (mail returned)", lang)
                elif not (c.address1 and c.postal_code and c.city):
                    reason = _("incomplete address", lang)
            elif channel == "email":
                address = emails.get(c.id, "")
                if not address:
                    reason = _("no e-mail address", lang)
                elif c.optout_email:
                    reason = _("refused e-mail", lang)
                elif address in blocked_emails:
                    reason = _("address on the e-mail suppression list", lang)
                elif permissions.effective_basis(c, Channel.EMAIL, today) is None:
                    reason = _("no marketing legal basis for e-mail", lang)
            elif channel == "sms":
                numbers = mobiles.get(c.id) or []
                if not numbers:
                    reason = _("no mobile number", lang)
                elif c.optout_sms:
                    reason = _("refused SMS", lang)
                elif all(n in blocked_sms for n in numbers):
                    reason = _("number on the SMS suppression list", lang)
                elif permissions.effective_basis(c, Channel.SMS, today) is None:
                    reason = _("no marketing legal basis for SMS", lang)
            elif channel == "phone":
                reason = _phone_reason(
                    a, c, phone_numbers.get(c.id, []), blocked_phone, calls, refused,
                    contract, settings, today, lang,
                )  # fmt: skip
            else:
                reason = _("unknown channel", lang)
            if reason is None:
                a.channel = channel
                counts[c.id] += 1
                break
            a.reasons[channel] = reason
    return out


def _phone_reason(
    a: Assignment,
    c: Customer,
    numbers: list[tuple[str, Channel]],
    blocked: set[tuple[str, str]],
    calls: Counter[int],
    refused: dict[int, dt.date],
    contract: set[int],
    settings: ProgramSettings,
    today: dt.date,
    lang: str | None,
) -> str | None:
    usable = [n for n, ch in numbers if (n, ch.value) not in blocked]
    if not numbers:
        return _("no phone number that may be called", lang)
    if not usable:
        return _("numbers on the phone suppression list", lang)
    market = _market(c)
    rules = settings.call_rules(market.split("-")[0])
    if calls[c.id] >= rules.calls_per_30_days:
        return _("{n} calls in the last 30 days (at most {max})", lang).format(
            n=calls[c.id], max=rules.calls_per_30_days
        )
    when = refused.get(c.id)
    if when is not None and today < when + dt.timedelta(days=rules.days_after_refusal):
        return _("refused during a call on {date}: not before {until}", lang).format(
            date=format_date(when, lang),
            until=format_date(when + dt.timedelta(days=rules.days_after_refusal), lang),
        )
    if rules.consent_from and today >= dt.date.fromisoformat(rules.consent_from):
        consent = any(
            (e := permissions.effective_basis(c, ch, today)) is not None
            and e.basis is BasisKind.CONSENT
            for ch in (Channel.PHONE_MOBILE, Channel.PHONE_HOME, Channel.PHONE_WORK)
        )
        if not consent and c.id not in contract:
            return _("no consent to calls and no contract in progress (since {date})", lang).format(
                date=format_date(dt.date.fromisoformat(rules.consent_from), lang)
            )
    slot = first_call_day(rules, market, today)
    if slot is None:
        return _("no calling day in the next two weeks", lang)
    a.phones = list(dict.fromkeys(usable))
    a.call_day, a.call_hours = slot
    return None


__all__ = [
    "CHANNELS",
    "Assignment",
    "assign_channels",
    "channel_label",
    "channel_order",
    "first_call_day",
    "monthly_counts",
    "parse_channels",
]
