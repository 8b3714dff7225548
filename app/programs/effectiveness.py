"""Did it work: per program and run, who came back, the revenue, against the control group.

A customer *came back* when they have a customer workshop invoice dated 1 to ``came_back_days``
days after the contact (the run's day). The revenue is the total (tax excluded) of those
invoices. Customers are counted once per run (a customer reminded for two vehicles counts once).
Contacts the channels' own checks cancelled are not counted; the control group is the
customers held out at random (:func:`app.programs.runner.in_control_group`).

The comparison is the difference of the came-back rates (contacted minus control) with its 95 %
confidence interval (normal approximation, unpooled standard error), and the same for the mean
revenue per customer (Welch). Plain Python (``math``, ``statistics``): no new dependency.
**Not enough data yet** when either group has fewer than :data:`MIN_GROUP` customers, or
fewer than :data:`MIN_EVENTS` customers who came back or who did not (where the normal
approximation says nothing useful). No Qt here.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select

from app.models.activity import WorkshopInvoice
from app.models.db import Database
from app.models.enums import InvoiceType
from app.models.programs import ContactStatus, ProgramContact, ProgramRun
from app.programs.rules import daynum
from app.programs.settings import ProgramSettings, load_settings

MIN_GROUP = 30
MIN_EVENTS = 5
Z95 = 1.959963984540054


@dataclass
class Group:
    """One group's figures: customers, how many came back, revenue per customer (cents)."""

    customers: int = 0
    came_back: int = 0
    revenue_cents: list[int] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.came_back / self.customers if self.customers else None

    @property
    def revenue_total_cents(self) -> int:
        return sum(self.revenue_cents)


@dataclass
class Comparison:
    """Contacted minus control, with its 95 % confidence interval (``None`` if not enough)."""

    enough_data: bool
    rate_difference: float | None = None
    rate_interval: tuple[float, float] | None = None
    revenue_difference_cents: float | None = None
    revenue_interval_cents: tuple[float, float] | None = None


@dataclass
class RunEffect:
    run_id: int | None
    day: dt.date | None
    contacted: Group
    control: Group
    comparison: Comparison


def rate_difference(
    came1: int, n1: int, came0: int, n0: int
) -> tuple[float, tuple[float, float]] | None:
    """Difference of two proportions with its 95 % interval; ``None`` when there is not
    enough data (see the module docstring)."""
    if n1 < MIN_GROUP or n0 < MIN_GROUP:
        return None
    for came, n in ((came1, n1), (came0, n0)):
        if came < MIN_EVENTS or n - came < MIN_EVENTS:
            return None
    p1, p0 = came1 / n1, came0 / n0
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    diff = p1 - p0
    return diff, (diff - Z95 * se, diff + Z95 * se)


def mean_difference(a: list[int], b: list[int]) -> tuple[float, tuple[float, float]] | None:
    """Difference of the means of *a* and *b* with a 95 % interval (Welch, normal)."""
    if len(a) < MIN_GROUP or len(b) < MIN_GROUP:
        return None
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    se = math.sqrt(statistics.variance(a) / len(a) + statistics.variance(b) / len(b))
    diff = ma - mb
    return diff, (diff - Z95 * se, diff + Z95 * se)


def compare(contacted: Group, control: Group) -> Comparison:
    rates = rate_difference(
        contacted.came_back, contacted.customers, control.came_back, control.customers
    )
    if rates is None:
        return Comparison(False)
    money = mean_difference(contacted.revenue_cents, control.revenue_cents)
    return Comparison(
        True,
        rates[0],
        rates[1],
        money[0] if money else None,
        money[1] if money else None,
    )


def _groups(
    database: Database, run_ids: list[int] | None, program_id: int, days: int
) -> dict[int, tuple[Group, Group]]:
    pc = ProgramContact
    inv = WorkshopInvoice
    who = (
        select(pc.run_id, pc.customer_id, pc.is_control, pc.contact_date)
        .where(pc.program_id == program_id, pc.status != ContactStatus.CANCELLED.value)
        .distinct()
    )
    if run_ids is not None:
        who = who.where(pc.run_id.in_(run_ids))
    sub = who.subquery("who")
    gap = daynum(inv.date) - daynum(sub.c.contact_date)
    query = (
        select(
            sub.c.run_id,
            sub.c.customer_id,
            sub.c.is_control,
            func.count(inv.id),
            func.coalesce(func.sum(inv.total_cents), 0),
        )
        .select_from(sub)
        .outerjoin(
            inv,
            and_(
                inv.customer_id == sub.c.customer_id,
                inv.invoice_type == InvoiceType.CUSTOMER.value,
                inv.date > sub.c.contact_date,
                gap <= days,
            ),
        )
        .group_by(sub.c.run_id, sub.c.customer_id, sub.c.is_control)
    )
    # per run and customer: came back, revenue (a customer contacted twice in a run: once)
    seen: dict[tuple[int, int, bool], tuple[int, int]] = {}
    with database.engine.connect() as conn:
        for run_id, customer_id, is_control, n, total in conn.execute(query):
            key = (run_id, customer_id, bool(is_control))
            old = seen.get(key, (0, 0))
            seen[key] = (max(old[0], n), max(old[1], int(total)))
    out: dict[int, tuple[Group, Group]] = defaultdict(lambda: (Group(), Group()))
    for (run_id, _customer, is_control), (n, total) in sorted(seen.items()):
        group = out[run_id][1 if is_control else 0]
        group.customers += 1
        group.came_back += n > 0
        group.revenue_cents.append(total)
    return dict(out)


def program_series(
    database: Database,
    program_id: int,
    settings: ProgramSettings | None = None,
) -> list[RunEffect]:
    """Per run of the program (date order): the chart's data."""
    if settings is None:
        with database.session() as session:
            settings = load_settings(session)
    with database.session() as session:
        runs = session.execute(
            select(ProgramRun.id, ProgramRun.day)
            .where(ProgramRun.program_id == program_id)
            .order_by(ProgramRun.day, ProgramRun.id)
        ).all()
    groups = _groups(database, None, program_id, settings.came_back_days)
    series = []
    for run_id, day in runs:
        if run_id not in groups:
            continue
        contacted, control = groups[run_id]
        series.append(RunEffect(run_id, day, contacted, control, compare(contacted, control)))
    return series


def program_total(
    database: Database, program_id: int, settings: ProgramSettings | None = None
) -> RunEffect:
    """All runs of the program together (customers counted once per run)."""
    series = program_series(database, program_id, settings)
    contacted, control = Group(), Group()
    for effect in series:
        for mine, theirs in ((contacted, effect.contacted), (control, effect.control)):
            mine.customers += theirs.customers
            mine.came_back += theirs.came_back
            mine.revenue_cents.extend(theirs.revenue_cents)
    return RunEffect(None, None, contacted, control, compare(contacted, control))
