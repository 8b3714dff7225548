"""Who gets the SMS: the recipient funnel, the rendered messages, segments, cost and timing.

:func:`plan_send` reads the target's rows with the engine (removed customers left out) and
feeds them through these steps, each dropping people with a reason (:mod:`app.export.funnel`):

1. one row per customer (a target by vehicle has a row per vehicle: the first one is kept);
2. a phone number (the mobile field first, then home and work numbers that are mobiles);
3. a valid number (``phonenumbers``, default region = the site's country);
4. a mobile (landlines are listed);
5. no refusal of SMS (read from the database now, not when the target was built), and the
   number not on the SMS suppression list (a STOP or a refusal follows the number to every
   customer holding it, see :mod:`app.models.permissions`);
6. marketing only: a legal basis for marketing (consent or legitimate interest); for Canadian
   customers the basis in force today in the permission history (CASL implied consent lapses);
7. marketing only, when set (default 7 days): no marketing SMS to the number in the last N days —
   messages pending, scheduled or unknown included, so four sends made the same day reach a
   number once — nor any SMS to the customer in the contact history;
8. the same message (same text) is not already waiting for or sent to that number in that time
   (a send made again after a crash), whatever its kind;
9. the message's required merge fields are filled (``{nom}`` falls back to the company name;
   ``{civilité}`` and ``{prénom}`` may be empty): unless the user chooses to send those messages
   too, they are left out — "Bonjour . Suite à des travaux…" never goes;
10. one SMS per number (customers sharing a phone), among those still in.

Steps 1–8 read the database (:func:`build_funnel`); 9 and 10 depend on the message and are
applied with it (:func:`apply_body`, at every keystroke of the window). The longest rendered
message decides the segment count shown; a message over the maximum number of segments (a
setting, 3 by default) is refused (:meth:`SmsPlan.segment_error`); the cost is the total of every
message's segments times the price per segment. Marketing messages carry the settings' opt-out
mention, unless the gateway appends its own clause (OVHcloud): then they are measured and priced
with that clause (:attr:`SmsPlan.clause`). No Qt here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, or_, select
from sqlalchemy.orm import Session

from app.export.funnel import Funnel, first_per, keep_filled
from app.export.sms.encoding import GSM7, UCS2, SmsLength, analyse, make_gsm_safe
from app.export.sms.phones import Phone, PhoneKind, best_mobile, customer_regions, region_for
from app.export.sms.providers import provider_clause
from app.export.sms.settings import SmsSettings
from app.export.sms.templates import (
    TemplateError,
    asked_fields,
    catalog_key,
    check_body,
    has_mention,
    placeholders,
    render,
    required_fields,
    with_optout,
)
from app.export.sms.windows import market_for_site, window_for
from app.i18n import N_, _, format_count, format_date, ngettext
from app.models import permissions
from app.models.activity import ContactHistory
from app.models.dealership import Customer, Site
from app.models.enums import Channel, ContactChannel, MarketingBasis
from app.models.permissions import suppressed_phones
from app.models.sms import SmsBatch, SmsKind, SmsMessage, SmsStatus
from app.query.catalog import current_language, get_field
from app.query.engine import iter_rows
from app.query.target import Target

PHONE_COLUMNS = ["customer.phone_mobile", "customer.phone_home", "customer.phone_work"]
_CHUNK = 500

#: The funnel's steps (the "recent" step's label counts days: :func:`_recent_label`).
_LABELS: dict[str, str] = {
    "rows": N_("Rows in the target"),
    "customers": N_("One SMS per customer"),
    "number": N_("With a phone number"),
    "valid": N_("Valid number"),
    "mobile": N_("Mobile number"),
    "refused": N_("Not refusing SMS"),
    "basis": N_("With a marketing legal basis"),
    "duplicate": N_("One SMS per number"),
    "same": N_("Not the same message again"),
}
#: Why a step leaves someone out.
_REASONS: dict[str, str] = {
    "customers": N_("another vehicle of the same customer"),
    "number": N_("no mobile number"),
    "valid": N_("invalid number: {raw}"),
    "ambiguous": N_("number {raw} means {first} in {country} and {second} in {other}: not sent"),
    "mobile": N_("landline: {raw}"),
    "refused": N_("refused SMS"),
    "refused_since": N_("refused SMS ({date})"),
    "suppressed": N_("number on the SMS suppression list: {raw}"),
    "basis": N_("no marketing legal basis"),
    "casl": N_("implied consent expired (CASL)"),
    "duplicate": N_("same number as {name}"),
    "recent": N_("SMS sent on {date}"),
    "recent_number": N_("marketing SMS to this number on {date}"),
    "waiting": N_("marketing SMS to this number waiting (send of {date})"),
    "same": N_("the same message to this number already in the send of {date}"),
}


def _label(key: str, lang: str) -> str:
    return _(_LABELS[key], lang)


def _recent_label(days: int, lang: str) -> str:
    return ngettext(
        "No SMS in the last {days} day", "No SMS in the last {days} days", days, lang
    ).format(days=format_count(days, lang))


def _reason(key: str, lang: str, **kw: Any) -> str:
    return _(_REASONS[key], lang).format(**kw)


@dataclass
class Recipient:
    customer_id: int
    vehicle_id: int | None
    name: str
    phone: Phone
    market: str = "FR"
    values: dict[str, str] = field(default_factory=dict)
    text: str = ""
    length: SmsLength | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.phone.e164 or self.phone.raw or '-'})"


@dataclass
class SmsPlan:
    """Everything the confirmation shows, and what the sender writes to the log."""

    kind: SmsKind
    body: str
    funnel: Funnel[Recipient]
    #: The time asked for (aware), now if none.
    requested: dt.datetime
    #: Per market: the time messages go (aware); later than requested outside the window.
    send_times: dict[str, dt.datetime] = field(default_factory=dict)
    #: Recipients whose message has a required merge field empty, with those fields: sent when
    #: the user chose to send them too, else those that would then be sent (one per number).
    empty: list[tuple[Recipient, list[str]]] = field(default_factory=list)
    #: The user chose to send the messages with an empty required merge field too.
    send_empty: bool = False
    #: The opt-out clause the provider appends itself to every message (OVHcloud's STOP on
    #: marketing SMS): not in :attr:`Recipient.text` (what Cible sends), counted in
    #: :attr:`Recipient.length` (what is billed). See :func:`providers.provider_clause`.
    clause: str = ""

    def as_received(self, recipient: Recipient) -> str:
        """*recipient*'s message as the phone shows it (with the provider's clause)."""
        return recipient.text + self.clause

    @property
    def recipients(self) -> list[Recipient]:
        return self.funnel.kept

    @property
    def count(self) -> int:
        return len(self.funnel.kept)

    @property
    def total_segments(self) -> int:
        return sum(r.length.segments for r in self.recipients if r.length)

    @property
    def longest(self) -> Recipient | None:
        """The recipient whose message takes the most segments (then the most units)."""
        measured = [r for r in self.recipients if r.length is not None]
        if not measured:
            return None
        return max(measured, key=lambda r: (r.length.segments, r.length.units))  # type: ignore[union-attr]

    @property
    def encoding(self) -> str:
        if any(r.length and r.length.encoding == UCS2 for r in self.recipients):
            return UCS2
        return GSM7

    @property
    def ucs2_count(self) -> int:
        """How many messages go in UCS-2 (an accent in a name is enough)."""
        return sum(1 for r in self.recipients if r.length and r.length.encoding == UCS2)

    @property
    def offending(self) -> list[str]:
        seen: dict[str, None] = {}
        for r in self.recipients:
            for ch in r.length.offending if r.length else ():
                seen.setdefault(ch, None)
        return list(seen)

    @property
    def deferred_markets(self) -> dict[str, dt.datetime]:
        """Markets whose messages wait for the send window."""
        return {m: t for m, t in self.send_times.items() if t > self.requested}

    def cost_cents(self, settings: SmsSettings) -> int:
        return settings.cost_cents(self.total_segments)

    def over_limit(self, max_segments: int) -> list[Recipient]:
        """The recipients whose message takes more than *max_segments* segments."""
        return [r for r in self.recipients if r.length and r.length.segments > max_segments]

    def segment_error(self, settings: SmsSettings, lang: str | None = None) -> str | None:
        """Why this send is refused for its length (``None``: every message fits)."""
        over = self.over_limit(settings.max_segments)
        if not over:
            return None
        longest = max(r.length.segments for r in over if r.length)
        return ngettext(
            "{n} message is longer than {max} segments (up to {longest}): shorten the text or "
            "raise the maximum in the SMS settings.",
            "{n} messages are longer than {max} segments (up to {longest}): shorten the text or "
            "raise the maximum in the SMS settings.",
            len(over),
            lang,
        ).format(
            n=format_count(len(over), lang),
            max=format_count(settings.max_segments, lang),
            longest=format_count(longest, lang),
        )


def customer_name(row: Any) -> str:
    if row.is_company or not row.last_name:
        return row.company_name or row.last_name or ""
    return " ".join(p for p in (row.last_name, row.first_name) if p)


def _chunks(items: list[int]) -> list[list[int]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _customer_facts(conn: Connection, ids: list[int]) -> dict[int, Any]:
    facts: dict[int, Any] = {}
    query = select(
        Customer.id,
        Customer.is_company,
        Customer.last_name,
        Customer.first_name,
        Customer.company_name,
        Customer.country,
        Customer.optout_sms,
        Customer.optout_sms_date,
        Customer.marketing_basis,
        Site.country.label("site_country"),
        Site.subdivision.label("site_subdivision"),
    ).outerjoin(Site, Site.id == Customer.site_id)
    for chunk in _chunks(ids):
        for row in conn.execute(query.where(Customer.id.in_(chunk))):
            facts[row.id] = row
    return facts


def _last_sms(conn: Connection, ids: list[int], since: dt.datetime) -> dict[int, dt.datetime]:
    result: dict[int, dt.datetime] = {}
    query = (
        select(ContactHistory.customer_id, func.max(ContactHistory.contacted_at))
        .where(
            ContactHistory.channel == ContactChannel.SMS,
            ContactHistory.contacted_at >= since,
        )
        .group_by(ContactHistory.customer_id)
    )
    for chunk in _chunks(ids):
        for customer_id, when in conn.execute(query.where(ContactHistory.customer_id.in_(chunk))):
            result[customer_id] = when
    return result


def _invalid(r: Recipient, facts: dict[int, Any], lang: str) -> str | None:
    if r.phone.kind is PhoneKind.INVALID:
        return _reason("valid", lang, raw=r.phone.raw)
    if r.phone.kind is PhoneKind.AMBIGUOUS:
        fact = facts.get(r.customer_id)
        first, second = r.phone.readings
        return _reason(
            "ambiguous",
            lang,
            raw=r.phone.raw,
            first=first,
            country=(fact.country or "").upper() if fact else "",
            second=second,
            other=(fact.site_country or "").upper() if fact else "",
        )
    return None


_LIVE = (
    SmsStatus.SCHEDULED,
    SmsStatus.PENDING,
    SmsStatus.UNKNOWN,
    SmsStatus.SENT,
    SmsStatus.EXPORTED,
    SmsStatus.DELIVERED,
)


def _logged(
    conn: Connection,
    phones: list[str],
    since: dt.datetime,
    *,
    kind: SmsKind | None = None,
    body: str | None = None,
) -> dict[str, tuple[dt.datetime, bool]]:
    """Per number: the latest message of the log made or sent since *since*, or still waiting
    (pending, scheduled, unknown) — (its send's date, still waiting)."""
    found: dict[str, tuple[dt.datetime, bool]] = {}
    waiting = (SmsStatus.SCHEDULED, SmsStatus.PENDING, SmsStatus.UNKNOWN)
    query = (
        select(SmsMessage.phone, SmsMessage.status, SmsBatch.created_at)
        .join(SmsBatch, SmsBatch.id == SmsMessage.batch_id)
        .where(
            SmsMessage.status.in_(_LIVE),
            or_(
                SmsMessage.status.in_(waiting),
                func.coalesce(SmsMessage.sent_at, SmsMessage.created_at) >= since,
            ),
        )
    )
    if kind is not None:
        query = query.where(SmsBatch.kind == kind)
    if body is not None:
        query = query.where(SmsBatch.body == body)
    wanted = sorted({p for p in phones if p})
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for phone, status, created in conn.execute(query.where(SmsMessage.phone.in_(chunk))):
            is_waiting = SmsStatus(status) in waiting
            held = found.get(phone)
            if held is None or (is_waiting, created) > (held[1], held[0]):
                found[phone] = (created, is_waiting)
    return found


def _lapsed_casl(
    conn: Connection, kept: list[Recipient], facts: dict[int, Any], today: dt.date
) -> set[int]:
    """Canadian customers (their country, or their site's) whose basis in force today is gone:
    CASL implied consent lapses two years after a purchase, six months after an inquiry
    (:func:`app.models.permissions.effective_basis`)."""
    ids = [
        r.customer_id
        for r in kept
        if (f := facts.get(r.customer_id)) is not None
        and "CA" in ((f.country or "").upper(), (f.site_country or "").upper())
    ]
    if not ids:
        return set()
    lapsed: set[int] = set()
    with Session(bind=conn) as session:
        for chunk in _chunks(ids):
            for customer in session.scalars(select(Customer).where(Customer.id.in_(chunk))):
                if customer.permission_events and (
                    permissions.effective_basis(customer, Channel.SMS, today) is None
                ):
                    lapsed.add(customer.id)
    return lapsed


def _local_date(utc: dt.datetime) -> dt.date:
    return utc.replace(tzinfo=dt.UTC).astimezone().date()


def _utc_naive(when: dt.datetime) -> dt.datetime:
    return when.astimezone(dt.UTC).replace(tzinfo=None)


def plan_send(
    conn: Connection,
    target: Target,
    body: str,
    kind: SmsKind | str,
    settings: SmsSettings,
    *,
    asked: dict[str, str] | None = None,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    lang: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    send_empty: bool = False,
) -> SmsPlan:
    """The funnel, rendered messages and send times of *body* for *target*.

    *at* (aware, or naive local time) is when the user wants it sent; *now* defaults to the
    clock. *progress(done, total)* is called between batches (it may raise to cancel).
    *send_empty*: send the messages whose required merge fields are empty too.
    """
    check_body(body)
    check_asked(body, asked)
    funnel, requested = build_funnel(
        conn,
        target,
        kind,
        settings,
        merge_names=placeholders(body),
        body=body,
        at=at,
        now=now,
        today=today,
        lang=lang,
        progress=progress,
    )
    return apply_body(
        funnel, body, kind, settings, requested, asked=asked, send_empty=send_empty, lang=lang
    )


def check_asked(body: str, asked: dict[str, str] | None) -> None:
    """Raise :class:`TemplateError` naming the merge fields typed when sending that are empty."""
    asked = asked or {}
    missing = [name for name in asked_fields(body) if not str(asked.get(name) or "").strip()]
    if missing:
        raise TemplateError(
            _("Give a value for {fields} before sending.").format(
                fields=", ".join("{" + n + "}" for n in missing)
            )
        )


def build_funnel(
    conn: Connection,
    target: Target,
    kind: SmsKind | str,
    settings: SmsSettings,
    *,
    merge_names: list[str],
    body: str | None = None,
    at: dt.datetime | None = None,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    lang: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Funnel[Recipient], dt.datetime]:
    """The recipients of *target* (with the values of *merge_names*) and the time asked for.

    Reads the database; the message itself is applied by :func:`apply_body` (cheap: the
    window's live preview calls it at every keystroke), with the steps that depend on it
    (required merge fields filled, then one SMS per number). With *body*, numbers that already
    have that message (waiting or sent lately) are left out.
    """
    kind = SmsKind(kind)
    lang = current_language(lang)
    names = [n for n in merge_names if catalog_key(n) is not None]
    merge_keys = [catalog_key(n) for n in names]
    columns = list(dict.fromkeys(PHONE_COLUMNS + merge_keys))  # type: ignore[operator]
    fields = [get_field(k) for k in columns]
    now = (now or dt.datetime.now(dt.UTC)).astimezone()
    requested = at.astimezone() if at is not None else now
    if requested < now:
        requested = now
    today = today or requested.date()

    rows = []
    for i, row in enumerate(iter_rows(conn, target, today=today, columns=columns)):
        if progress is not None and i % 500 == 0:
            progress(i, 0)
        rows.append(row)
    ids = list(dict.fromkeys(r.customer_id for r in rows))
    facts = _customer_facts(conn, ids)

    candidates: list[Recipient] = []
    for row in rows:
        values = dict(zip(columns, row.values, strict=True))
        fact = facts.get(row.customer_id)
        regions, both = customer_regions(
            fact.country if fact else None, fact.site_country if fact else None
        )
        region = region_for(fact.site_country if fact else None, fact.country if fact else None)
        phone = best_mobile([values[k] for k in PHONE_COLUMNS], regions, both=both)
        merge = {
            name: fields[columns.index(key)].format_value(values[key], lang)
            for name, key in zip(names, merge_keys, strict=True)
        }
        if "nom" in merge and not merge["nom"].strip() and fact is not None:
            merge["nom"] = fact.company_name or ""  # a company: its name
        if settings.gsm_safe_values:
            merge = {name: make_gsm_safe(value) for name, value in merge.items()}
        candidates.append(
            Recipient(
                row.customer_id,
                row.vehicle_id,
                customer_name(fact) if fact else str(row.customer_id),
                phone,
                market_for_site(fact.site_country, fact.site_subdivision)
                if fact and fact.site_country
                else market_for_site(region),
                merge,
            )
        )

    funnel: Funnel[Recipient] = Funnel.start("rows", _label("rows", lang), candidates)
    seen_customers: set[int] = set()

    def one_per_customer(r: Recipient) -> str | None:
        if r.customer_id in seen_customers:
            return _reason("customers", lang)
        seen_customers.add(r.customer_id)
        return None

    funnel.keep("customers", _label("customers", lang), one_per_customer)
    funnel.keep(
        "number",
        _label("number", lang),
        lambda r: _reason("number", lang) if r.phone.kind is PhoneKind.EMPTY else None,
    )
    funnel.keep(
        "valid",
        _label("valid", lang),
        lambda r: _invalid(r, facts, lang),
    )
    funnel.keep(
        "mobile",
        _label("mobile", lang),
        lambda r: (
            _reason("mobile", lang, raw=r.phone.e164)
            if r.phone.kind is PhoneKind.LANDLINE
            else None
        ),
    )

    listed = suppressed_phones(conn, [r.phone.e164 for r in funnel.kept], Channel.SMS)

    def refused(r: Recipient) -> str | None:
        fact = facts.get(r.customer_id)
        if fact is None or not fact.optout_sms:
            if r.phone.e164 in listed:
                return _reason("suppressed", lang, raw=r.phone.e164)
            return None
        if fact.optout_sms_date:
            return _reason("refused_since", lang, date=format_date(fact.optout_sms_date, lang))
        return _reason("refused", lang)

    funnel.keep("refused", _label("refused", lang), refused)
    if kind is SmsKind.MARKETING:
        lapsed = _lapsed_casl(conn, funnel.kept, facts, today)

        def no_basis(r: Recipient) -> str | None:
            fact = facts.get(r.customer_id)
            basis = MarketingBasis(fact.marketing_basis) if fact else MarketingBasis.NONE
            if basis is MarketingBasis.NONE:
                return _reason("basis", lang)
            if r.customer_id in lapsed:
                return _reason("casl", lang)
            return None

        funnel.keep("basis", _label("basis", lang), no_basis)
    days = settings.recent_days if settings.recent_days > 0 else 7
    since = _utc_naive(now) - dt.timedelta(days=days)
    if kind is SmsKind.MARKETING and settings.recent_days > 0:
        last = _last_sms(conn, [r.customer_id for r in funnel.kept], since)
        logged = _logged(conn, [r.phone.e164 for r in funnel.kept], since, kind=kind)

        def recent(r: Recipient) -> str | None:
            found = logged.get(r.phone.e164)
            if found is not None:
                day = format_date(_local_date(found[0]), lang)
                return _reason("waiting" if found[1] else "recent_number", lang, date=day)
            if r.customer_id in last:
                return _reason("recent", lang, date=format_date(last[r.customer_id].date(), lang))
            return None

        funnel.keep("recent", _recent_label(settings.recent_days, lang), recent)
    if body is not None:
        same = _logged(conn, [r.phone.e164 for r in funnel.kept], since, body=body)
        funnel.keep(
            "same",
            _label("same", lang),
            lambda r: (
                _reason("same", lang, date=format_date(_local_date(same[r.phone.e164][0]), lang))
                if r.phone.e164 in same
                else None
            ),
        )
    return funnel, requested


def _one_per_number(funnel: Funnel[Recipient], lang: str) -> None:
    by_number: dict[str, Recipient] = {}

    def duplicate(r: Recipient) -> str | None:
        first = by_number.get(r.phone.e164)
        if first is not None:
            return _reason("duplicate", lang, name=first.name)
        by_number[r.phone.e164] = r
        return None

    funnel.keep("duplicate", _label("duplicate", lang), duplicate)


def apply_body(
    funnel: Funnel[Recipient],
    body: str,
    kind: SmsKind | str,
    settings: SmsSettings,
    requested: dt.datetime,
    *,
    asked: dict[str, str] | None = None,
    send_empty: bool = False,
    lang: str | None = None,
) -> SmsPlan:
    """Render *body* for every recipient of *funnel* (opt-out mention included), measure the
    messages and work out when each market may receive them.

    *funnel* (from :func:`build_funnel`) is not changed: the plan's funnel is a copy with the
    steps that depend on the message — required merge fields filled (recipients with one
    empty are left out unless *send_empty*), then one SMS per number.
    """
    kind = SmsKind(kind)
    lang = current_language(lang)
    check_body(body)
    if kind is SmsKind.MARKETING and not settings.sender_name.strip():
        raise TemplateError(
            _("Marketing SMS must name the sender: set the sender name in the SMS settings.")
        )
    asked = {k: v for k, v in (asked or {}).items() if v}
    asked_names = [n for n in placeholders(body) if catalog_key(n) is None]
    mention = settings.optout_mention.strip()
    # the provider appends its own opt-out clause (OVHcloud's STOP on marketing SMS): Cible
    # adds no mention of its own, and measures every message with the clause, as billed
    clause = provider_clause(settings, kind)
    # else the template carries the mention, or every message gets it (checked once: Cible
    # does not look for an opt-out mention in customers' data)
    suffix = ""
    if kind is SmsKind.MARKETING and not clause:
        if not mention:
            with_optout("", kind, mention)  # raises: a marketing SMS needs the mention
        if not has_mention(body, mention):
            suffix = "\n" + mention
    required = [n for n in required_fields(body) if catalog_key(n) is not None]
    empty: list[tuple[Recipient, list[str]]] = []
    for r in funnel.kept:
        values = r.values
        if asked_names:
            values = {**values, **{n: asked.get(n, "") for n in asked_names}}
        text = render(body, values)
        r.text = text + suffix if text else suffix.lstrip("\n")
        r.length = analyse(r.text + clause)
        if required:
            missing = [n for n in required if not str(values.get(n) or "").strip()]
            if missing:
                empty.append((r, missing))
    plan_funnel: Funnel[Recipient] = Funnel(list(funnel.kept), list(funnel.steps))
    if required:
        missing = {id(r): ["{" + f + "}" for f in fields] for r, fields in empty}
        keep_filled(plan_funnel, missing, send_empty, lang)
    _one_per_number(plan_funnel, lang)
    if empty:  # those that go (or would go, if chosen) once one SMS per number is applied
        goes = first_per(funnel.kept, lambda r: r.phone.e164)
        empty = [(r, fields) for r, fields in empty if id(r) in goes]
    if any(not r.text.strip() for r in plan_funnel.kept):
        raise TemplateError(_("The message is empty once the merge fields are filled."))
    send_times: dict[str, dt.datetime] = {}
    for market in sorted({r.market for r in plan_funnel.kept}):
        if kind is SmsKind.MARKETING:
            window = window_for(settings.windows, market)
            send_times[market] = window.next_allowed(requested, market)
        else:
            send_times[market] = requested
    return SmsPlan(kind, body, plan_funnel, requested, send_times, empty, send_empty, clause)
