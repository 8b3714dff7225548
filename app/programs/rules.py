"""One rule per program type, compiled to one SQLAlchemy Core select (set-based).

A rule answers "which (customer, vehicle) have this program's event on a date between *lo* and
*hi*": :func:`due` turns the contact window (days on which contacts fall due) into event dates
(the program's offset: a service reminder 30 days *before* the due date looks for events 30 days
after the window), runs the rule's one query, and leaves out the events already recorded in
``program_contact`` (one more query). No per-customer query, no Qt.

Events per type (``EVENT_KINDS``; the same kind for two programs of one type, so that two
overlapping programs never contact a customer twice for one event):

=================  ======================================================================
pre_welcome        order date of a sale (new or used) not delivered the day it was signed
welcome            delivery date of a sale
courtesy_call      delivery date (offset +1: 24-48 h after)
courtesy_6m        delivery date + 6 months
anniversary        delivery date + 1, 2, ... years, vehicle still the customer's and in use
service            next service: the DMS date when present, otherwise computed (below)
inspection         CT due date (``vehicle.inspection_due_date``)
warranty_end       end of the maker's warranty, for vehicles without a longer extended one
ext_warranty_end   end of the extended warranty
mobility_end       end of the mobility guarantee
thanks_workshop    date of a customer workshop invoice
thanks_purchase    delivery date of a sale
greetings          the program's date (default 15/12) each year, customers who bought here
newsletter         the program's date; the saved target, else customers active in 3 years
=================  ======================================================================

**Service due date computed** (vehicles without a DMS date): from the last customer or
warranty workshop invoice (*d1*, *k1* km), by time: *d1* + the interval of the vehicle's brand
and energy (:class:`~app.programs.settings.ServiceInterval`, first match); by mileage: the
kilometres per day between the previous reading (the invoice before, else 0 km at the first
registration) and the latest one (the vehicle's own reading when newer than *d1*, else *d1*),
extrapolated to *k1* + the interval's km; whichever comes first. A vehicle serviced in the last
``skip_serviced_days`` days gets no reminder. Day arithmetic is done on day numbers
(:class:`daynum`: SQLite ``julianday``, PostgreSQL date subtraction).

Vehicle events concern in-use vehicles owned by the customer; leasing and fleet companies are
left out (the programs are for the people who drive the cars).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Integer,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement, Select

from app.errors import CibleError, TargetError
from app.i18n import _
from app.models.activity import VehicleSale, WorkshopInvoice
from app.models.dealership import Customer, Vehicle
from app.models.enums import InvoiceType, VehicleStatus
from app.models.programs import Program, ProgramContact, ProgramType
from app.programs.settings import ProgramSettings

SALE = VehicleSale.__table__
INVOICE = WorkshopInvoice.__table__
VEHICLE = Vehicle.__table__
CUSTOMER = Customer.__table__
CONTACT = ProgramContact.__table__

EPOCH = dt.date(1970, 1, 1)
_DAY = dt.timedelta(days=1)

#: The event a program type is about (part of the never-twice key).
EVENT_KINDS: dict[ProgramType, str] = {
    ProgramType.PRE_WELCOME: "order",
    ProgramType.WELCOME: "welcome",
    ProgramType.COURTESY_CALL: "courtesy_call",
    ProgramType.COURTESY_6M: "courtesy_6m",
    ProgramType.ANNIVERSARY: "anniversary",
    ProgramType.SERVICE: "service_due",
    ProgramType.INSPECTION: "inspection_due",
    ProgramType.WARRANTY_END: "warranty_end",
    ProgramType.EXT_WARRANTY_END: "ext_warranty_end",
    ProgramType.MOBILITY_END: "mobility_end",
    ProgramType.THANKS_WORKSHOP: "workshop_visit",
    ProgramType.THANKS_PURCHASE: "purchase",
    ProgramType.GREETINGS: "greetings",
    ProgramType.NEWSLETTER: "newsletter",
}

#: Types whose contact is about the customer, not one vehicle.
CUSTOMER_TYPES = frozenset({ProgramType.GREETINGS, ProgramType.NEWSLETTER})


class ProgramError(CibleError):
    """A program that cannot run (its reason is shown on its dashboard line)."""


class daynum(FunctionElement):  # noqa: N801 - reads as a SQL function
    """Days since 1970-01-01 of a date column, as an integer, on SQLite and PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(daynum)
def _daynum_default(element, compiler, **kw):  # type: ignore[no-untyped-def]
    (arg,) = list(element.clauses)
    return f"CAST(julianday({compiler.process(arg, **kw)}) - 2440587.5 AS INTEGER)"


@compiles(daynum, "postgresql")
def _daynum_pg(element, compiler, **kw):  # type: ignore[no-untyped-def]
    (arg,) = list(element.clauses)
    return f"({compiler.process(arg, **kw)} - DATE '1970-01-01')"


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


def from_day_number(n: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(n))


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month + 1, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Due:
    """One reminder due: who, which vehicle, which event, and the day the contact falls due."""

    customer_id: int
    vehicle_id: int | None
    event_kind: str
    event_date: dt.date
    contact_date: dt.date

    @property
    def key(self) -> tuple[int, int, str, dt.date]:
        return (self.customer_id, self.vehicle_id or 0, self.event_kind, self.event_date)


def parameters(program: Program) -> dict[str, Any]:
    try:
        data = json.loads(program.parameters or "{}")
    except json.JSONDecodeError:
        raise ProgramError(_("The program's parameters are damaged (not JSON).")) from None
    return data if isinstance(data, dict) else {}


# --- the rules --------------------------------------------------------------------------------


def _people() -> ColumnElement:
    """Customers the programs write to: not leasing or fleet companies."""
    return CUSTOMER.c.is_fleet.is_(False)


def _in_use() -> ColumnElement:
    """The vehicle is in use, through coalesce: SQLite (without statistics) would otherwise
    start from the status index (almost every vehicle) instead of the event date's range."""
    return func.coalesce(VEHICLE.c.status, "") == VehicleStatus.IN_USE.value


def _sales(kinds: Sequence[str] | None) -> Select:
    query = select(SALE.c.customer_id, SALE.c.vehicle_id.label("vehicle_id")).select_from(
        SALE.join(CUSTOMER, CUSTOMER.c.id == SALE.c.customer_id)
    )
    query = query.where(_people())
    if kinds:
        query = query.where(SALE.c.kind.in_(list(kinds)))
    return query


def _owned_vehicles(column: ColumnElement, lo: dt.date, hi: dt.date) -> Select:
    return (
        select(
            VEHICLE.c.owner_id.label("customer_id"),
            VEHICLE.c.id.label("vehicle_id"),
            column.label("event"),
        )  # fmt: skip
        .select_from(VEHICLE.join(CUSTOMER, CUSTOMER.c.id == VEHICLE.c.owner_id))
        .where(
            column.between(lo, hi),
            _in_use(),
            _people(),
        )
    )


def _interval_case(settings: ProgramSettings, attr: str) -> ColumnElement:
    whens = []
    default = None
    for item in settings.service_intervals:
        value = getattr(item, attr)
        conds = []
        if item.brand:
            conds.append(func.upper(VEHICLE.c.brand) == item.brand.upper())
        if item.energy:
            conds.append(func.upper(VEHICLE.c.energy) == item.energy.upper())
        if not conds:
            default = value
            break
        whens.append((and_(*conds), value))
    if default is None:
        default = 365 if attr == "days" else 20000
    if not whens:
        return literal(default, Integer)
    return case(*whens, else_=default)


def service_select(
    settings: ProgramSettings, lo: dt.date, hi: dt.date, today: dt.date, skip_days: int
) -> Select:
    """The service rule: (customer_id, vehicle_id, event day number) due in [lo, hi]."""
    lo_n, hi_n = day_number(lo), day_number(hi)
    recent = today - dt.timedelta(days=skip_days)
    service_types = [InvoiceType.CUSTOMER.value, InvoiceType.WARRANTY.value]
    # (a) the DMS gives the date
    serviced_lately = (
        exists()
        .where(
            INVOICE.c.vehicle_id == VEHICLE.c.id,
            INVOICE.c.date > recent,
            INVOICE.c.invoice_type.in_(service_types),
        )
        .correlate(VEHICLE)
    )
    dms = (
        select(
            VEHICLE.c.owner_id.label("customer_id"),
            VEHICLE.c.id.label("vehicle_id"),
            daynum(VEHICLE.c.next_service_date).label("event"),
        )
        .select_from(VEHICLE.join(CUSTOMER, CUSTOMER.c.id == VEHICLE.c.owner_id))
        .where(
            VEHICLE.c.next_service_date.between(lo, hi),
            _in_use(),
            _people(),
            ~serviced_lately,
        )
    )
    # (b) computed from the last service invoice. Only a vehicle last serviced between
    # lo - (its longest interval) and ``recent`` can be due in [lo, hi] (due <= time due).
    longest = max([i.days for i in settings.service_intervals] or [365])
    i1 = INVOICE.alias("i1")
    last_day = (
        select(func.max(i1.c.date))
        .where(i1.c.vehicle_id == VEHICLE.c.id, i1.c.invoice_type.in_(service_types))
        .correlate(VEHICLE)
        .scalar_subquery()
    )
    # vehicles without a DMS date and their last service day: an index seek each
    # (vehicle_id, date); MATERIALIZED so that the seek is made once per vehicle
    serviced = (
        select(VEHICLE.c.id.label("vehicle_id"), last_day.label("date"))
        .where(
            VEHICLE.c.next_service_date.is_(None),
            # through coalesce: the next-service index (vehicles without a DMS date), not the
            # status one (almost every vehicle), for SQLite without statistics
            func.coalesce(VEHICLE.c.status, "") == VehicleStatus.IN_USE.value,
        )
        .cte("serviced")
        .prefix_with("MATERIALIZED")
    )
    recent_services = (
        select(serviced.c.vehicle_id, serviced.c.date)
        .where(serviced.c.date.between(lo - dt.timedelta(days=longest), recent))
        .subquery("recent_services")
    )
    i2 = INVOICE.alias("i2")
    i3 = INVOICE.alias("i3")

    def _reading(column, before: bool) -> ColumnElement:
        """The mileage (or date) of the vehicle's service invoice on its last service day, or
        of the one before it: an index seek per vehicle (vehicle_id, date)."""
        table = i3 if before else i2
        query = select(table.c[column]).where(
            table.c.vehicle_id == recent_services.c.vehicle_id,
            table.c.invoice_type.in_(service_types),
            table.c.mileage.is_not(None),
        )
        if before:
            query = query.where(table.c.date < recent_services.c.date)
        else:
            query = query.where(table.c.date == recent_services.c.date)
        return (
            query.order_by(table.c.date.desc(), table.c.id.desc())
            .limit(1)
            .correlate(recent_services)
            .scalar_subquery()
        )

    # MATERIALIZED (SQLite 3.35+, PostgreSQL 12+): computed once per vehicle, not inlined into
    # every expression that reads it
    last = (
        select(
            recent_services.c.vehicle_id,
            recent_services.c.date,
            _reading("mileage", False).label("mileage"),
            _reading("date", True).label("prev_date"),
            _reading("mileage", True).label("prev_mileage"),
        )
        .cte("last")
        .prefix_with("MATERIALIZED")
    )
    # readings, per vehicle, computed once in a subquery (day numbers, km)
    newer = and_(VEHICLE.c.mileage_date > last.c.date, VEHICLE.c.mileage.is_not(None))
    has_prev = and_(last.c.prev_date.is_not(None), last.c.prev_mileage.is_not(None))
    readings = (
        select(
            VEHICLE.c.owner_id.label("customer_id"),
            VEHICLE.c.id.label("vehicle_id"),
            daynum(last.c.date).label("d1"),
            last.c.mileage.label("k1"),
            case((newer, daynum(VEHICLE.c.mileage_date)), else_=daynum(last.c.date)).label("dn"),
            case((newer, VEHICLE.c.mileage), else_=last.c.mileage).label("kn"),
            case(
                (has_prev, daynum(last.c.prev_date)),
                else_=daynum(VEHICLE.c.first_registration),
            ).label("d0"),
            case((has_prev, last.c.prev_mileage), else_=0).label("k0"),
            _interval_case(settings, "days").label("days"),
            _interval_case(settings, "km").label("km"),
        )
        .select_from(
            last.join(VEHICLE, VEHICLE.c.id == last.c.vehicle_id).join(
                CUSTOMER, CUSTOMER.c.id == VEHICLE.c.owner_id
            )
        )
        .where(
            VEHICLE.c.next_service_date.is_(None),
            VEHICLE.c.status == VehicleStatus.IN_USE.value,
            _people(),
        )
        .subquery("readings")
    )
    r = readings.c
    usable = and_(r.dn > r.d0, r.kn > r.k0, r.k1.is_not(None))
    km_due = case((usable, r.dn + (r.km - (r.kn - r.k1)) * (r.dn - r.d0) * 1.0 / (r.kn - r.k0)))
    time_due = r.d1 + r.days
    dues = select(
        r.customer_id,
        r.vehicle_id,
        cast(case((km_due < time_due, km_due), else_=time_due), Integer).label("event"),
    ).subquery("dues")
    computed = select(dues.c.customer_id, dues.c.vehicle_id, dues.c.event).where(
        dues.c.event.between(lo_n, hi_n)
    )
    return union_all(dms, computed)  # type: ignore[return-value]


def _greeting_days(program: Program, lo: dt.date, hi: dt.date) -> list[dt.date]:
    base = program.schedule_date or dt.date(lo.year, 12, 15)
    found = []
    for year in range(lo.year, hi.year + 1):
        try:
            day = base.replace(year=year)
        except ValueError:  # 29 February
            day = base.replace(year=year, day=28)
        if lo <= day <= hi:
            found.append(day)
    return found


def _active_customers(since: dt.date) -> Select:
    bought = select(SALE.c.customer_id).where(SALE.c.delivery_date >= since)
    visited = select(INVOICE.c.customer_id).where(
        INVOICE.c.date >= since, INVOICE.c.invoice_type == InvoiceType.CUSTOMER.value
    )
    return select(CUSTOMER.c.id).where(
        _people(), or_(CUSTOMER.c.id.in_(bought), CUSTOMER.c.id.in_(visited))
    )


@dataclass
class RuleQuery:
    """A rule compiled for an event window: its select and how to read its ``event`` column."""

    query: Select
    #: "date": the event date; "day": a day number; "months:N": base date + N months (filtered
    #: exactly in Python); "years": an anniversary (the year found in Python); "fixed": the
    #: ``fixed`` dates (customers' rules).
    reads: str
    fixed: tuple[dt.date, ...] = ()


def rule_query(
    program: Program, settings: ProgramSettings, lo: dt.date, hi: dt.date, today: dt.date
) -> RuleQuery | None:
    """The rule of *program*'s type for events between *lo* and *hi* (``None``: none possible)."""
    kind = ProgramType(program.type)
    params = parameters(program)
    kinds = params.get("sale_kinds") or None
    if kind is ProgramType.PRE_WELCOME:
        q = (
            _sales(kinds)
            .add_columns(SALE.c.order_date.label("event"))
            .where(
                SALE.c.order_date.between(lo, hi),
                or_(SALE.c.delivery_date.is_(None), SALE.c.delivery_date > SALE.c.order_date),
            )
        )
        return RuleQuery(q, "date")
    if kind in (ProgramType.WELCOME, ProgramType.COURTESY_CALL, ProgramType.THANKS_PURCHASE):
        q = (
            _sales(kinds)
            .add_columns(SALE.c.delivery_date.label("event"))
            .where(SALE.c.delivery_date.between(lo, hi))
        )
        return RuleQuery(q, "date")
    if kind is ProgramType.COURTESY_6M:
        months = int(params.get("months", 6))
        q = (
            _sales(kinds)
            .add_columns(SALE.c.delivery_date.label("event"))
            .where(
                SALE.c.delivery_date.between(
                    add_months(lo, -months) - 3 * _DAY, add_months(hi, -months)
                )
            )
        )
        return RuleQuery(q, f"months:{months}")
    if kind is ProgramType.ANNIVERSARY:
        years = int(params.get("max_years", 15))
        # one index range per year (UNION ALL): SQLite does not turn an OR of ranges into one
        parts = [
            _sales(kinds)
            .add_columns(SALE.c.delivery_date.label("event"))
            .join(VEHICLE, VEHICLE.c.id == SALE.c.vehicle_id)
            .where(
                SALE.c.delivery_date.between(
                    add_months(lo, -12 * y) - _DAY, add_months(hi, -12 * y)
                ),
                VEHICLE.c.owner_id == SALE.c.customer_id,
                _in_use(),
            )
            for y in range(1, years + 1)
        ]
        return RuleQuery(union_all(*parts), "years")  # type: ignore[arg-type]
    if kind is ProgramType.SERVICE:
        skip = int(params.get("skip_serviced_days", settings.skip_serviced_days))
        return RuleQuery(service_select(settings, lo, hi, today, skip), "day")
    if kind is ProgramType.INSPECTION:
        return RuleQuery(_owned_vehicles(VEHICLE.c.inspection_due_date, lo, hi), "date")
    if kind is ProgramType.WARRANTY_END:
        q = _owned_vehicles(VEHICLE.c.warranty_end, lo, hi).where(
            or_(
                VEHICLE.c.extended_warranty_end.is_(None),
                VEHICLE.c.extended_warranty_end <= VEHICLE.c.warranty_end,
            )
        )
        return RuleQuery(q, "date")
    if kind is ProgramType.EXT_WARRANTY_END:
        return RuleQuery(_owned_vehicles(VEHICLE.c.extended_warranty_end, lo, hi), "date")
    if kind is ProgramType.MOBILITY_END:
        return RuleQuery(_owned_vehicles(VEHICLE.c.mobility_end, lo, hi), "date")
    if kind is ProgramType.THANKS_WORKSHOP:
        q = (
            select(INVOICE.c.customer_id, INVOICE.c.vehicle_id, INVOICE.c.date.label("event"))
            .select_from(INVOICE.join(CUSTOMER, CUSTOMER.c.id == INVOICE.c.customer_id))
            .where(
                INVOICE.c.date.between(lo, hi),
                # through coalesce: the date's index, not the type's (most invoices)
                func.coalesce(INVOICE.c.invoice_type, "") == InvoiceType.CUSTOMER.value,
                _people(),
            )
            .distinct()
        )
        return RuleQuery(q, "date")
    if kind in (ProgramType.GREETINGS, ProgramType.NEWSLETTER):
        if kind is ProgramType.GREETINGS:
            days = _greeting_days(program, lo, hi)
            who = select(CUSTOMER.c.id).where(
                _people(), CUSTOMER.c.id.in_(select(SALE.c.customer_id))
            )
        else:
            when = program.schedule_date
            days = [when] if when is not None and lo <= when <= hi else []
            years = int(params.get("active_years", 3))
            who = _active_customers(add_months(today, -12 * years))
        if not days:
            return None
        q = who.with_only_columns(
            CUSTOMER.c.id.label("customer_id"), literal(None, Integer).label("vehicle_id")
        )
        return RuleQuery(q, "fixed", tuple(days))
    raise ProgramError(_("Unknown program type {type!r}.").format(type=str(program.type)))


# --- who: the saved target and the extra criteria --------------------------------------------


def _restrict(rq: RuleQuery, program: Program, conn: Any, today: dt.date) -> RuleQuery:
    from app.query.criteria import Group
    from app.query.engine import compile_target, resolve_removed
    from app.query.saved import _read
    from app.query.target import Target

    query = rq.query
    sub = query.subquery("rule")
    restricted = select(sub)
    changed = False
    if program.target_id is not None:
        try:
            target = resolve_removed(conn, _read(conn, program.target_id))
        except TargetError as error:
            raise ProgramError(str(error)) from None
        ids = compile_target(target, today=today, columns=[]).subquery("target")
        restricted = restricted.where(sub.c.customer_id.in_(select(ids.c.customer_id)))
        if target.removed:
            restricted = restricted.where(sub.c.customer_id.not_in(sorted(target.removed)))
        changed = True
    elif program.target_name:
        raise ProgramError(
            _("Its saved target {name!r} was deleted: choose another one.").format(
                name=program.target_name
            )
        )
    if (program.criteria or "").strip():
        try:
            group = Group.from_dict(json.loads(program.criteria))
            extra = Target(criteria=group, grain="vehicle", columns=[])
            ids = compile_target(extra, today=today, columns=[]).subquery("extra")
        except (json.JSONDecodeError, TargetError, ValueError, TypeError) as error:
            raise ProgramError(
                _("Its extra criteria cannot be read: {error}").format(error=error)
            ) from None
        if ProgramType(program.type) in CUSTOMER_TYPES:
            restricted = restricted.where(sub.c.customer_id.in_(select(ids.c.customer_id)))
        else:
            restricted = restricted.where(sub.c.vehicle_id.in_(select(ids.c.vehicle_id)))
        changed = True
    if not changed:
        return rq
    return RuleQuery(restricted, rq.reads, rq.fixed)


# --- due reminders ----------------------------------------------------------------------------


def event_window(program: Program, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """Event dates whose contact (event + offset) falls between *start* and *end*."""
    offset = dt.timedelta(days=program.offset_days or 0)
    return start - offset, end - offset


def due(
    conn: Any,
    program: Program,
    settings: ProgramSettings,
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    exclude_recorded: bool = True,
) -> list[Due]:
    """Reminders of *program* whose contact date falls between *start* and *end* (inclusive),
    the events already recorded in ``program_contact`` left out. Raises :class:`ProgramError`."""
    if end < start:
        return []
    lo, hi = event_window(program, start, end)
    rq = rule_query(program, settings, lo, hi, today)
    if rq is None:
        return []
    rq = _restrict(rq, program, conn, today)
    kind = EVENT_KINDS[ProgramType(program.type)]
    offset = dt.timedelta(days=program.offset_days or 0)
    found: dict[tuple, Due] = {}
    for customer_id, vehicle_id, *rest in conn.execute(rq.query):
        events: list[dt.date]
        if rq.reads == "fixed":
            events = list(rq.fixed)
        else:
            base = rest[0]
            if base is None:
                continue
            if rq.reads == "day":
                events = [from_day_number(base)]
            elif rq.reads == "date":
                events = [base if isinstance(base, dt.date) else dt.date.fromisoformat(str(base))]
            elif rq.reads.startswith("months:"):
                events = [add_months(base, int(rq.reads.split(":")[1]))]
            else:  # years
                events = [
                    add_months(base, 12 * y)
                    for y in range(1, 100)
                    if lo <= add_months(base, 12 * y) <= hi
                ]
        for event in events:
            if not lo <= event <= hi:
                continue
            item = Due(customer_id, vehicle_id, kind, event, event + offset)
            found.setdefault(item.key, item)
    if exclude_recorded and found:
        recorded = set(
            conn.execute(
                select(
                    CONTACT.c.customer_id,
                    CONTACT.c.vehicle_key,
                    CONTACT.c.event_kind,
                    CONTACT.c.event_date,
                ).where(CONTACT.c.event_kind == kind, CONTACT.c.event_date.between(lo, hi))
            ).all()
        )
        for key in recorded & found.keys():
            del found[key]
    return sorted(found.values(), key=lambda d: (d.contact_date, d.customer_id, d.vehicle_id or 0))


__all__ = [
    "CUSTOMER_TYPES",
    "EVENT_KINDS",
    "Due",
    "ProgramError",
    "add_months",
    "day_number",
    "daynum",
    "due",
    "event_window",
    "from_day_number",
    "parameters",
    "rule_query",
    "service_select",
]
