"""Contact permissions: the one model every channel shares (issue 11, point 4). No Qt here.

**The history.** Every change of a customer's permission on a channel is a row of
:class:`~app.models.dealership.PermissionEvent`, only ever added: a *refusal*, the *withdrawal*
of a refusal (by a person in Cible, never by an import), or a *basis* given (consent,
legitimate interest, or CASL implied consent after a purchase or an inquiry, with its expiry).
Each row keeps its date, source ("Import DMS 02/12/2026", "STOP SMS", "Saisie Cible") and who.

**The current state** of a channel is read from the history in date order (then in the order
recorded; an unknown date counts as the oldest): the channel is refused when its last refusal
is not followed by a withdrawal, and the date shown is the latest refusal's (a newer refusal
date wins). The customer's ``optout_<channel>``, ``optout_<channel>_date`` and
``optout_<channel>_source`` columns are a cache of it, and ``marketing_basis`` (with date and
source) caches the SMS channel's basis; the engine, the targets and the funnels read those
columns. This module keeps them in step: change permissions only through it.

**Suppression lists.** A refusal follows the number or the address: a refusal of SMS or of the
mobile phone puts the customer's mobile numbers (E.164, read with the customer's country, then
the site's) on the list of that channel, a refusal of the home or work phone or of fax that
number, a refusal of e-mail the address (trimmed, lower case). Every customer holding a listed
number or address is left out of that channel's sends (:func:`suppressed_phones`,
:func:`suppressed_emails`). A STOP reply lists the number itself. Withdrawing a customer's
refusal lifts only the entries that customer's refusal put there: a STOP, or another
customer's refusal of the same number, stays.

**Legal basis.** :func:`effective_basis` gives the basis in force on a channel on a day: none
while the channel is refused; otherwise the latest basis given after the last refusal that has
not lapsed. Implied consent (CASL) lapses two years after the purchase and six months after
the inquiry, for Canadian customers (the customer's country, or the site's when the customer's
is not Canada).

**Imports** (:func:`apply_import_permissions`) may add a refusal or a basis, and never remove
anything: a refusal Cible holds (a STOP, a refusal typed in Cible) stays whatever the file says;
a refusal the file dates later than the one held is recorded (the newer date wins); a refusal
the file dates on or before a withdrawal made in Cible is the one already withdrawn, and is not
brought back; a basis is added when it is newer than the channel's latest one. Every change
is recorded with its date and the import's source.

Users' words for all this: docs/permissions.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models.dealership import Customer, PermissionEvent, SuppressionEntry
from app.models.enums import (
    BasisKind,
    Channel,
    MarketingBasis,
    PermissionEventKind,
    SuppressionKind,
)

__all__ = [
    "IMPLIED_MONTHS",
    "IncomingPermission",
    "apply_import_permissions",
    "apply_import_permissions_many",
    "current_refusal",
    "customer_numbers",
    "effective_basis",
    "implied_expiry",
    "is_canadian",
    "is_email_suppressed",
    "is_phone_suppressed",
    "normalise_email",
    "normalise_phone",
    "record_basis",
    "record_refusal",
    "refresh_cache",
    "suppress_email",
    "suppress_phone",
    "suppressed_emails",
    "suppressed_phones",
    "withdraw_refusal",
]

#: How long CASL implied consent lasts, in months, after its event.
IMPLIED_MONTHS: dict[BasisKind, int] = {
    BasisKind.IMPLIED_PURCHASE: 24,
    BasisKind.IMPLIED_INQUIRY: 6,
}
_CHUNK = 500
_OLDEST = dt.date.min

# Which of the customer's numbers a refusal of a phone channel lists, and on which channel.
_PHONE_FIELDS: dict[Channel, tuple[str, ...]] = {
    Channel.SMS: ("phone_mobile", "phone_home", "phone_work"),  # the ones that are mobiles
    Channel.PHONE_MOBILE: ("phone_mobile",),
    Channel.PHONE_HOME: ("phone_home",),
    Channel.PHONE_WORK: ("phone_work",),
    Channel.FAX: ("fax",),
}
_MOBILE_TYPES = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.PAGER,
}


# --- small helpers -------------------------------------------------------------------------


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def implied_expiry(kind: BasisKind | str, day: dt.date | None) -> dt.date | None:
    """When an implied consent of *kind* given on *day* lapses (``None`` for other kinds)."""
    months = IMPLIED_MONTHS.get(BasisKind(kind))
    if months is None or day is None:
        return None
    return _add_months(day, months)


def normalise_email(address: str | None) -> str:
    """``" Jean.Dupont@Example.FR "`` → ``"jean.dupont@example.fr"`` (empty if not an address)."""
    text = (address or "").strip().lower()
    return text if "@" in text and " " not in text else ""


def normalise_phone(raw: str | None, region: str = "FR", *, mobile_only: bool = False) -> str:
    """The E.164 form of *raw* read with *region* as default (empty when invalid, or when
    *mobile_only* and it cannot receive an SMS)."""
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, (region or "FR").upper())
    except NumberParseException:
        return ""
    number_type = phonenumbers.number_type(number)  # UNKNOWN exactly when not valid
    if number_type == PhoneNumberType.UNKNOWN:
        return ""
    if mobile_only and number_type not in _MOBILE_TYPES:
        return ""
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _country(code: str | None) -> str:
    code = (code or "").strip().upper()
    return code if len(code) == 2 and code.isalpha() else ""


def _regions(customer: Customer) -> list[str]:
    """The customer's country, then the site's, then France: the regions numbers are read in."""
    site = customer.site
    found = [_country(customer.country), _country(site.country if site else None), "FR"]
    return list(dict.fromkeys(r for r in found if r))


def customer_numbers(customer: Customer, channel: Channel | str) -> list[str]:
    """The E.164 numbers of *customer* that a refusal of *channel* puts on the list."""
    channel = Channel(channel)
    numbers: list[str] = []
    for name in _PHONE_FIELDS.get(channel, ()):
        raw = getattr(customer, name)
        for region in _regions(customer):
            e164 = normalise_phone(raw, region, mobile_only=channel is Channel.SMS)
            if e164:
                numbers.append(e164)
                break
    return list(dict.fromkeys(numbers))


def is_canadian(customer: Customer) -> bool:
    """CASL applies: the customer lives in Canada, or their site is there."""
    if _country(customer.country) == "CA":
        return True
    return customer.site is not None and _country(customer.site.country) == "CA"


# --- reading the history -------------------------------------------------------------------


def _order(event: PermissionEvent) -> tuple[dt.date, int]:
    return (event.event_date or _OLDEST, event.id or 0)


def _events(customer: Customer, channel: Channel) -> list[PermissionEvent]:
    # Events not flushed yet have no id: keep the order they were added in for equal dates.
    listed = [e for e in customer.permission_events if e.channel == channel]
    return [e for _, e in sorted(enumerate(listed), key=lambda p: (_order(p[1])[0], p[0]))]


def current_refusal(customer: Customer, channel: Channel | str) -> PermissionEvent | None:
    """The refusal in force on *channel* (the latest one), or ``None`` if the channel is open."""
    state: PermissionEvent | None = None
    for event in _events(customer, Channel(channel)):
        if event.kind is PermissionEventKind.REFUSAL:
            state = event
        elif event.kind is PermissionEventKind.REFUSAL_WITHDRAWN:
            state = None
    return state


def _last(
    customer: Customer, channel: Channel, kind: PermissionEventKind
) -> PermissionEvent | None:
    found = [e for e in _events(customer, channel) if e.kind is kind]
    return found[-1] if found else None


def effective_basis(
    customer: Customer, channel: Channel | str, today: dt.date
) -> PermissionEvent | None:
    """The basis event in force on *channel* on *today*, or ``None``.

    None while the channel is refused; else the latest basis given after the last refusal
    (or withdrawal) that has not lapsed: CASL implied consent lapses on its ``expires_on`` for
    Canadian customers.
    """
    channel = Channel(channel)
    events = _events(customer, channel)
    if current_refusal(customer, channel) is not None:
        return None
    canadian = is_canadian(customer)
    in_force: PermissionEvent | None = None
    for event in events:
        if event.kind is not PermissionEventKind.BASIS:
            in_force = None  # a refusal (even withdrawn since) ends the bases given before it
            continue
        if canadian and event.basis in IMPLIED_MONTHS:
            expires = event.expires_on or implied_expiry(event.basis, event.event_date)
            if expires is None or today >= expires:
                continue
        in_force = event
    return in_force


def _marketing(basis: BasisKind | None) -> MarketingBasis:
    if basis is None:
        return MarketingBasis.NONE
    if basis is BasisKind.LEGITIMATE_INTEREST:
        return MarketingBasis.LEGITIMATE_INTEREST
    return MarketingBasis.CONSENT


def refresh_cache(customer: Customer, channel: Channel | str, today: dt.date | None = None) -> None:
    """Set the customer's ``optout_<channel>`` columns (and, for SMS, ``marketing_basis``)
    from the history."""
    channel = Channel(channel)
    refusal = current_refusal(customer, channel)
    setattr(customer, f"optout_{channel.value}", refusal is not None)
    setattr(customer, f"optout_{channel.value}_date", refusal.event_date if refusal else None)
    setattr(customer, f"optout_{channel.value}_source", refusal.source[:40] if refusal else None)
    if channel is Channel.SMS:
        basis = effective_basis(customer, channel, today or dt.date.today())
        customer.marketing_basis = _marketing(basis.basis if basis else None)
        customer.marketing_basis_date = basis.event_date if basis else None
        customer.marketing_basis_source = basis.source[:40] if basis else None


# --- recording -------------------------------------------------------------------------------


def _add(
    session: Session,
    customer: Customer,
    channel: Channel,
    kind: PermissionEventKind,
    day: dt.date | None,
    source: str,
    who: str | None,
    basis: BasisKind | None = None,
    expires_on: dt.date | None = None,
) -> PermissionEvent:
    if not (source or "").strip():
        raise ValueError("a permission change needs its source")
    event = PermissionEvent(
        channel=channel,
        kind=kind,
        basis=basis,
        event_date=day,
        expires_on=expires_on,
        source=source.strip()[:80],
        who=(who or None) and who[:80],
    )
    customer.permission_events.append(event)
    session.add(event)
    return event


def record_refusal(
    session: Session,
    customer: Customer,
    channel: Channel | str,
    date: dt.date | None,
    source: str,
    who: str | None = None,
    *,
    suppressions: SuppressionBatch | None = None,
) -> PermissionEvent:
    """Record that *customer* refuses *channel* (on *date*, from *source*, by *who*), update the
    cache and put the customer's number or address for that channel on the suppression list
    (collected in *suppressions* when given, written by its :meth:`SuppressionBatch.write`)."""
    channel = Channel(channel)
    event = _add(session, customer, channel, PermissionEventKind.REFUSAL, date, source, who)
    refresh_cache(customer, channel)
    _list_refusal(session, customer, channel, date, source, who, suppressions)
    return event


def _list_refusal(
    session: Session,
    customer: Any,
    channel: Channel,
    date: dt.date | None,
    source: str,
    who: str | None,
    suppressions: SuppressionBatch | None,
) -> None:
    """Put the number or address a refusal of *channel* covers on the suppression list."""
    if channel is Channel.EMAIL:
        address = normalise_email(customer.email)
        if address:
            if suppressions is not None:
                suppressions.add(
                    SuppressionKind.EMAIL, address, channel, date, source, who, customer
                )
            else:
                suppress_email(session, address, channel, date, source, who, customer=customer)
    for e164 in customer_numbers(customer, channel):
        if suppressions is not None:
            suppressions.add(SuppressionKind.PHONE, e164, channel, date, source, who, customer)
        else:
            suppress_phone(session, e164, channel, date, source, who, customer=customer)


def withdraw_refusal(
    session: Session,
    customer: Customer,
    channel: Channel | str,
    date: dt.date,
    source: str,
    who: str,
) -> PermissionEvent:
    """A person in Cible lifts *customer*'s refusal of *channel* (the customer asked to be
    contacted again). Only a person does this: *who* is required. Lifts the suppression entries
    that this customer's refusals made, not a STOP nor another customer's.

    A withdrawal dated before the refusal in force (typed late, for a day before the customer
    refused again) is kept in the history but lifts nothing: the later refusal and its
    suppression entries stay."""
    if not (who or "").strip():
        raise ValueError("only a person in Cible withdraws a refusal: say who")
    channel = Channel(channel)
    event = _add(
        session, customer, channel, PermissionEventKind.REFUSAL_WITHDRAWN, date, source, who
    )
    refresh_cache(customer, channel)
    if customer.id is not None and current_refusal(customer, channel) is None:
        session.execute(
            delete(SuppressionEntry).where(
                SuppressionEntry.customer_id == customer.id, SuppressionEntry.channel == channel
            )
        )
    return event


def record_basis(
    session: Session,
    customer: Customer,
    channel: Channel | str,
    kind: BasisKind | str,
    date: dt.date | None,
    source: str,
    who: str | None = None,
    expires_on: dt.date | None = None,
) -> PermissionEvent:
    """Record a legal basis for marketing on *channel*. Implied consent gets its CASL expiry
    (two years after a purchase, six months after an inquiry) unless *expires_on* is given.
    A basis never lifts a refusal."""
    channel, kind = Channel(channel), BasisKind(kind)
    expires_on = expires_on or implied_expiry(kind, date)
    event = _add(
        session, customer, channel, PermissionEventKind.BASIS, date, source, who, kind, expires_on
    )
    refresh_cache(customer, channel)
    return event


# --- suppression lists ---------------------------------------------------------------------


class SuppressionBatch:
    """Suppression entries of many refusals, written at once (an import's batch of customers):
    one query reads the entries already listed, instead of a flush and a query per refusal.
    The rule is :func:`_suppress`'s, applied in the order the refusals came: a newer date wins,
    an entry holding a refusal as recent stays as it is."""

    def __init__(self) -> None:
        #: (kind, value, channel) → (date, source, who, customer), the winner so far.
        self.entries: dict[tuple, tuple] = {}

    def add(
        self,
        kind: SuppressionKind,
        value: str,
        channel: Channel,
        date: dt.date | None,
        source: str,
        who: str | None,
        customer: Customer | None,
    ) -> None:
        if not source.strip():
            raise ValueError("a suppression needs its source")
        key = (kind, value, channel)
        held = self.entries.get(key)
        if held is not None and held[0] is not None and (date is None or date <= held[0]):
            return
        self.entries[key] = (date, source, who, customer)

    def write(self, session: Session) -> None:
        """Add or update the entries (the listed ones read in one query per 2,000 values)."""
        if not self.entries:
            return
        session.flush()  # the customers' ids
        listed: dict[tuple, SuppressionEntry] = {}
        values = sorted({value for _kind, value, _channel in self.entries})
        for start in range(0, len(values), 2000):
            query = select(SuppressionEntry).where(
                SuppressionEntry.value.in_(values[start : start + 2000])
            )
            for entry in session.scalars(query):
                listed[(entry.kind, entry.value, entry.channel)] = entry
        for (kind, value, channel), (date, source, who, customer) in self.entries.items():
            entry = listed.get((kind, value, channel))
            if entry is None:
                entry = SuppressionEntry(kind=kind, value=value, channel=channel)
                session.add(entry)
            elif entry.entry_date is not None and (date is None or date <= entry.entry_date):
                continue
            _fill(entry, date, source, who, customer)
        self.entries.clear()


def _fill(
    entry: SuppressionEntry,
    date: dt.date | None,
    source: str,
    who: str | None,
    customer: Customer | None,
) -> None:
    entry.entry_date = date
    entry.source = source.strip()[:80]
    entry.who = (who or None) and who[:80]
    entry.customer_id = customer.id if customer is not None else None


def _suppress(
    session: Session,
    kind: SuppressionKind,
    value: str,
    channel: Channel,
    date: dt.date | None,
    source: str,
    who: str | None,
    customer: Customer | None,
) -> SuppressionEntry:
    session.flush()
    entry = session.scalar(
        select(SuppressionEntry).where(
            SuppressionEntry.kind == kind,
            SuppressionEntry.value == value,
            SuppressionEntry.channel == channel,
        )
    )
    if entry is None:
        entry = SuppressionEntry(kind=kind, value=value, channel=channel)
        session.add(entry)
    elif entry.entry_date is not None and (date is None or date <= entry.entry_date):
        return entry  # the entry already holds a refusal as recent: it stays as it is
    _fill(entry, date, source, who, customer)
    return entry


def suppress_phone(
    session: Session,
    e164: str,
    channel: Channel | str = Channel.SMS,
    date: dt.date | None = None,
    source: str = "",
    who: str | None = None,
    *,
    customer: Customer | None = None,
) -> SuppressionEntry:
    """Put the number *e164* (``+33612345678``) on *channel*'s list (a newer date wins)."""
    if not e164.startswith("+"):
        raise ValueError(f"not an E.164 number: {e164!r}")
    if not source.strip():
        raise ValueError("a suppression needs its source")
    return _suppress(
        session, SuppressionKind.PHONE, e164, Channel(channel), date, source, who, customer
    )


def suppress_email(
    session: Session,
    address: str,
    channel: Channel | str = Channel.EMAIL,
    date: dt.date | None = None,
    source: str = "",
    who: str | None = None,
    *,
    customer: Customer | None = None,
) -> SuppressionEntry:
    """Put the e-mail *address* (normalised here) on *channel*'s list (a newer date wins)."""
    value = normalise_email(address)
    if not value:
        raise ValueError(f"not an e-mail address: {address!r}")
    if not source.strip():
        raise ValueError("a suppression needs its source")
    return _suppress(
        session, SuppressionKind.EMAIL, value, Channel(channel), date, source, who, customer
    )


def _listed(
    conn: Any, kind: SuppressionKind, values: Iterable[str], channel: Channel | str
) -> set[str]:
    wanted = sorted({v for v in values if v})
    found: set[str] = set()
    t = SuppressionEntry.__table__.c
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        query = select(t.value).where(
            t.kind == kind.value, t.channel == Channel(channel).value, t.value.in_(chunk)
        )
        found.update(conn.execute(query).scalars())
    return found


def suppressed_phones(
    conn: Any, numbers: Iterable[str], channel: Channel | str = Channel.SMS
) -> set[str]:
    """The E.164 numbers among *numbers* on *channel*'s list (a Connection or a Session)."""
    return _listed(conn, SuppressionKind.PHONE, numbers, channel)


def suppressed_emails(
    conn: Any, addresses: Iterable[str], channel: Channel | str = Channel.EMAIL
) -> set[str]:
    """The normalised addresses among *addresses* (normalised here) on *channel*'s list."""
    return _listed(conn, SuppressionKind.EMAIL, (normalise_email(a) for a in addresses), channel)


def is_phone_suppressed(conn: Any, e164: str, channel: Channel | str = Channel.SMS) -> bool:
    return bool(suppressed_phones(conn, [e164], channel))


def is_email_suppressed(conn: Any, address: str, channel: Channel | str = Channel.EMAIL) -> bool:
    return bool(suppressed_emails(conn, [address], channel))


# --- imports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingPermission:
    """What an imported record says about one channel.

    ``refused`` with its date (``None``: the file gives none) — a file that does not say
    "refused" changes nothing; ``basis`` with its date: a basis the file gives.
    """

    channel: Channel
    refused: bool = False
    refusal_date: dt.date | None = None
    basis: BasisKind | None = None
    basis_date: dt.date | None = None


def _decide(
    customer: Any, item: IncomingPermission, today: dt.date
) -> list[tuple[PermissionEventKind, Channel, dt.date | None, BasisKind | None]]:
    """What the import rule (module docstring) records for one *item* on *customer*'s history
    as it stands: (kind, channel, date, basis) of a refusal and/or a basis; none when the file
    brings nothing new. *customer* is a :class:`Customer` or any object with its attributes
    (:func:`apply_import_permissions_many`'s snapshots)."""
    channel = Channel(item.channel)
    events: list[tuple[PermissionEventKind, Channel, dt.date | None, BasisKind | None]] = []
    if item.refused:
        held = current_refusal(customer, channel)
        if held is not None:
            newer = item.refusal_date is not None and (
                held.event_date is None or item.refusal_date > held.event_date
            )
        else:
            withdrawn = _last(customer, channel, PermissionEventKind.REFUSAL_WITHDRAWN)
            newer = withdrawn is None or (
                item.refusal_date is not None
                and (withdrawn.event_date is None or item.refusal_date > withdrawn.event_date)
            )
        if newer:
            events.append((PermissionEventKind.REFUSAL, channel, item.refusal_date or today, None))
    if item.basis is not None:
        kind = BasisKind(item.basis)
        latest = _last(customer, channel, PermissionEventKind.BASIS)
        same = latest is not None and latest.basis is kind and latest.event_date == item.basis_date
        newer = latest is None or (
            item.basis_date is not None
            and (latest.event_date is None or item.basis_date > latest.event_date)
        )
        if newer and not same:
            events.append((PermissionEventKind.BASIS, channel, item.basis_date, kind))
    return events


def apply_import_permissions(
    session: Session,
    customer: Customer,
    incoming: Sequence[IncomingPermission],
    source: str,
    today: dt.date,
    who: str | None = None,
    *,
    suppressions: SuppressionBatch | None = None,
) -> list[PermissionEvent]:
    """Apply an import's permissions to *customer* by the import rule (module docstring):
    add refusals and bases, never remove one; a newer refusal date wins. Returns the events
    recorded (empty when the file brings nothing new). *source*: ``"Import DMS 02/12/2026"``.
    The suppression entries go into *suppressions* when given (written by the caller)."""
    recorded: list[PermissionEvent] = []
    for item in incoming:
        for kind, channel, day, basis in _decide(customer, item, today):
            if kind is PermissionEventKind.REFUSAL:
                recorded.append(
                    record_refusal(
                        session, customer, channel, day, source, who, suppressions=suppressions
                    )
                )
            else:
                recorded.append(record_basis(session, customer, channel, basis, day, source, who))
    return recorded


@dataclass
class _Held:
    """A permission event as :func:`apply_import_permissions_many` reads and adds it."""

    channel: Channel
    kind: PermissionEventKind
    basis: BasisKind | None
    event_date: dt.date | None
    expires_on: dt.date | None
    source: str
    id: int | None = None


#: The customer columns the permission rules read (numbers, addresses, countries) or cache.
_CACHE_COLUMNS = (
    *(
        name
        for ch in Channel
        for name in (f"optout_{ch.value}", f"optout_{ch.value}_date", f"optout_{ch.value}_source")
    ),
    "marketing_basis",
    "marketing_basis_date",
    "marketing_basis_source",
)
_READ_COLUMNS = ("country", "email", "fax", *(f for fs in _PHONE_FIELDS.values() for f in fs))


def apply_import_permissions_many(
    session: Session,
    incoming: dict[int, Sequence[IncomingPermission]],
    source: str,
    today: dt.date,
    who: str | None = None,
    *,
    suppressions: SuppressionBatch,
) -> set[int]:
    """:func:`apply_import_permissions` for many customers (customer id → what the file says),
    without loading them as ORM objects: an import's batch. The same rules (:func:`_decide`,
    :func:`refresh_cache`, the suppression entries) run on light snapshots of each customer
    and history; the new events are inserted and the changed caches updated with one
    statement each per 500 customers. Returns the ids of the customers something was recorded
    for. A first import's new customers with a consent or refusal column were 1 ms each."""
    if not (source or "").strip():
        raise ValueError("a permission change needs its source")
    from types import SimpleNamespace

    from sqlalchemy import bindparam, insert, update

    from app.models.dealership import Site

    customers_t, events_t = Customer.__table__, PermissionEvent.__table__
    connection = session.connection()
    countries = dict(
        connection.execute(select(Site.__table__.c.id, Site.__table__.c.country)).all()
    )
    columns = [customers_t.c.id, customers_t.c.site_id]
    columns += [customers_t.c[name] for name in dict.fromkeys(_READ_COLUMNS + _CACHE_COLUMNS)]
    event_columns = [events_t.c[name] for name in ("customer_id", *_Held.__dataclass_fields__)]
    clean_source, clean_who = source.strip()[:80], (who or None) and who[:80]
    recorded: set[int] = set()
    ids = sorted(incoming)
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        history: dict[int, list[_Held]] = {}
        query = select(*event_columns).where(events_t.c.customer_id.in_(part))
        for customer_id, *values in connection.execute(query.order_by(events_t.c.id)).all():
            history.setdefault(customer_id, []).append(_Held(*values))
        new_events: list[dict[str, Any]] = []
        caches: list[dict[str, Any]] = []
        for row in connection.execute(select(*columns).where(customers_t.c.id.in_(part))):
            values = row._asdict()
            site = values.pop("site_id")
            customer = SimpleNamespace(
                **values,
                site=SimpleNamespace(country=countries[site]) if site in countries else None,
                permission_events=history.get(values["id"], []),
            )
            for item in incoming[customer.id]:
                for kind, channel, day, basis in _decide(customer, item, today):
                    expires = implied_expiry(basis, day) if basis is not None else None
                    customer.permission_events.append(
                        _Held(channel, kind, basis, day, expires, clean_source)
                    )
                    new_events.append(
                        {
                            "customer_id": customer.id,
                            "channel": channel,
                            "kind": kind,
                            "basis": basis,
                            "event_date": day,
                            "expires_on": expires,
                            "source": clean_source,
                            "who": clean_who,
                        }
                    )
                    refresh_cache(customer, channel)
                    if kind is PermissionEventKind.REFUSAL:
                        _list_refusal(session, customer, channel, day, source, who, suppressions)
            cache = {f"_{name}": getattr(customer, name) for name in _CACHE_COLUMNS}
            if any(cache[f"_{name}"] != values[name] for name in _CACHE_COLUMNS):
                caches.append({"_id": customer.id, **cache})
        if new_events:
            connection.execute(insert(events_t), new_events)
            recorded.update(e["customer_id"] for e in new_events)
        if caches:
            stmt = (
                update(customers_t)
                .where(customers_t.c.id == bindparam("_id"))
                .values({name: bindparam(f"_{name}") for name in _CACHE_COLUMNS})
            )
            connection.execute(stmt, caches)
    return recorded
