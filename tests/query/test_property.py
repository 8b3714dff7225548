"""Property test: the compiled query returns exactly what a plain Python filter returns.

The reference below re-implements the documented semantics (docs/target-format.md) over rows
read into Python, independently of the engine's SQL, and hypothesis draws random criteria trees
(any depth, every operator, empty values, relative dates, both grains, several "today"s).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.models import (
    ContactHistory,
    Customer,
    InvoiceLine,
    Vehicle,
    VehicleSale,
    WorkshopInvoice,
)
from app.models.textfold import fold
from app.query.catalog import FieldType, get_field
from app.query.criteria import Condition, Group, Op, ops_for
from app.query.engine import count_rows, iter_rows
from app.query.target import Target

# --- the reference model -------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def move(day: dt.date, n: int, unit: str) -> dt.date:
    return {
        "days": lambda: day + dt.timedelta(days=n),
        "months": lambda: add_months(day, n),
        "years": lambda: add_months(day, 12 * n),
    }[unit]()


def age(day: dt.date, today: dt.date) -> int:
    n = -200
    while day <= move(today, -(n + 1), "years"):
        n += 1
    return n


def months_left(day: dt.date, today: dt.date) -> int:
    n = 0
    while move(today, n + 1, "months") <= day:
        n += 1
    return n


class World:
    def __init__(self, conn) -> None:
        def rows(model):
            return [dict(r._mapping) for r in conn.execute(select(model.__table__))]

        self.customers = rows(Customer)
        self.vehicles = rows(Vehicle)
        self.invoices = rows(WorkshopInvoice)
        self.lines = rows(InvoiceLine)
        self.sales = rows(VehicleSale)
        self.contacts = rows(ContactHistory)
        for rec in self.vehicles + self.invoices + self.sales + self.contacts + self.customers:
            for k, v in list(rec.items()):
                if hasattr(v, "value") and not isinstance(v, bool | int):
                    rec[k] = v.value


def customer_value(w: World, key: str, c: dict, today: dt.date) -> Any:
    simple = {
        "customer.last_name": "last_name",
        "customer.first_name": "first_name",
        "customer.postal_code": "postal_code",
        "customer.city": "city",
        "customer.email": "email",
        "customer.civility": "civility",
        "customer.optout_post": "optout_post",
        "customer.marketing_basis": "marketing_basis",
        "customer.is_fleet": "is_fleet",
    }
    if key in simple:
        return c[simple[key]]
    if key == "customer.optout_phone":
        return c["optout_phone_home"] or c["optout_phone_work"] or c["optout_phone_mobile"]
    invoices = [i for i in w.invoices if i["customer_id"] == c["id"]]
    if key == "customer.last_invoice_date":
        return max((i["date"] for i in invoices), default=None)
    if key == "customer.last_invoice_amount":
        if not invoices:
            return None
        latest = max(invoices, key=lambda i: (i["date"], i["id"]))
        return Decimal(latest["total_cents"]) / 100
    if key == "customer.visits_12m":
        return sum(1 for i in invoices if move(today, -12, "months") <= i["date"] <= today)
    if key == "customer.vehicle_count":
        return sum(1 for v in w.vehicles if v["owner_id"] == c["id"] and v["status"] == "in_use")
    if key == "customer.vehicles_bought":
        return sum(1 for s in w.sales if s["customer_id"] == c["id"])
    if key == "customer.last_contact_date":
        stamps = [h["contacted_at"] for h in w.contacts if h["customer_id"] == c["id"]]
        return max(stamps).date() if stamps else None
    raise KeyError(key)


def vehicle_value(w: World, key: str, v: dict | None, today: dt.date) -> Any:
    if key in ("vehicle.visits_24m",):
        if v is None:
            return 0
        return sum(
            1
            for i in w.invoices
            if i["vehicle_id"] == v["id"] and move(today, -24, "months") <= i["date"] <= today
        )
    if v is None:
        return None
    simple = {
        "vehicle.brand": "brand",
        "vehicle.model": "model",
        "vehicle.plate": "plate",
        "vehicle.energy": "energy",
        "vehicle.first_registration": "first_registration",
        "vehicle.mileage": "mileage",
        "vehicle.status": "status",
        "vehicle.is_demo": "is_demo",
    }
    if key in simple:
        return v[simple[key]]
    if key == "vehicle.age_years":
        return None if v["first_registration"] is None else age(v["first_registration"], today)
    if key == "vehicle.last_invoice_date":
        return max((i["date"] for i in w.invoices if i["vehicle_id"] == v["id"]), default=None)
    raise KeyError(key)


def record_value(key: str, rec: dict, today: dt.date) -> Any:
    if key == "invoice.date":
        return rec["date"]
    if key == "invoice.amount":
        return Decimal(rec["total_cents"]) / 100
    if key == "sale.financing_type":
        return rec["financing_type"]
    if key == "sale.rate":
        return rec["rate"]
    if key == "sale.lender":
        return rec["lender"]
    if key == "sale.financing_end":
        return rec["financing_end"]
    if key == "sale.months_remaining":
        return None if rec["financing_end"] is None else months_left(rec["financing_end"], today)
    if key == "contact.channel":
        return rec["channel"]
    if key == "contact.date":
        return rec["contacted_at"].date()
    raise KeyError(key)


def matches(key: str, cond: Condition, x: Any, today: dt.date) -> bool:
    f = get_field(key)
    op = Op(cond.op)
    folded = f.fold is not None
    textual = f.type in (FieldType.TEXT, FieldType.ENUM)
    empty = x is None or (textual and x == "")

    def norm(value: Any) -> Any:
        if textual:
            return fold(value) if folded else value
        if f.money:
            return Decimal(str(value))
        return value

    def eq(value: Any) -> bool:
        return x is not None and norm(x) == norm(value)

    if op is Op.EMPTY:
        return empty
    if op is Op.NOT_EMPTY:
        return not empty
    if op is Op.NE:
        hit = any(eq(v) for v in cond.values)
        return (empty or not hit) if cond.keep_empty else (not empty and not hit)
    if x is None:
        return False
    if op is Op.EQ:
        return eq(cond.values[0])
    if op is Op.IN:
        if textual:
            return x in cond.values
        return any(eq(v) for v in cond.values)
    if op is Op.LIKE:
        pattern, text = fold(cond.values[0]), fold(x)  # every text field: case and accents
        regex = ".*".join(re.escape(part) for part in pattern.split("%"))
        return re.fullmatch(regex, text, re.DOTALL) is not None
    if op in (Op.GE, Op.LE, Op.BETWEEN):
        lo = cond.values[0] if op in (Op.GE, Op.BETWEEN) else None
        hi = cond.values[-1] if op in (Op.LE, Op.BETWEEN) else None
        return (lo is None or norm(x) >= norm(lo)) and (hi is None or norm(x) <= norm(hi))
    n, unit = cond.values[0], cond.unit
    if op is Op.MORE_THAN_AGO:
        return x < move(today, -n, unit)
    if op is Op.WITHIN_LAST:
        return move(today, -n, unit) <= x <= today
    if op is Op.WITHIN_NEXT:
        return today <= x <= move(today, n, unit)
    raise AssertionError(op)


class Reference:
    def __init__(self, world: World, criteria: Group, today: dt.date) -> None:
        self.w = world
        self.today = today
        self.in_use_only = not any(c.field == "vehicle.status" for c in criteria.conditions())
        self.criteria = criteria

    def owned(self, c: dict) -> list[dict]:
        return [
            v
            for v in self.w.vehicles
            if v["owner_id"] == c["id"] and (not self.in_use_only or v["status"] == "in_use")
        ]

    def leaf(self, cond: Condition, c: dict, v: dict | None) -> bool:
        f = get_field(cond.field)
        if f.entity.value == "customer":
            return matches(
                cond.field, cond, customer_value(self.w, cond.field, c, self.today), self.today
            )
        if f.entity.value == "vehicle":
            return matches(
                cond.field, cond, vehicle_value(self.w, cond.field, v, self.today), self.today
            )
        raise AssertionError(cond.field)

    def records(self, entity: str, c: dict, v: dict | None) -> list[dict]:
        if entity == "invoice":
            return [i for i in self.w.invoices if i["customer_id"] == c["id"]]
        if entity == "contact":
            return [h for h in self.w.contacts if h["customer_id"] == c["id"]]
        if v is None:
            return []
        return [
            s for s in self.w.sales if s["customer_id"] == c["id"] and s["vehicle_id"] == v["id"]
        ]

    def on_record(self, cond: Condition, rec: dict) -> bool:
        if cond.field == "invoice.line_category":
            return any(
                matches(cond.field, cond, line["category"], self.today)
                for line in self.w.lines
                if line["invoice_id"] == rec["id"]
            )
        return matches(cond.field, cond, record_value(cond.field, rec, self.today), self.today)

    def node(self, node: Condition | Group, c: dict, v: dict | None) -> bool:
        if isinstance(node, Condition):
            entity = get_field(node.field).entity.value
            if entity in ("invoice", "sale", "contact"):
                return any(self.on_record(node, r) for r in self.records(entity, c, v))
            return self.leaf(node, c, v)
        return self.group(node, c, v)

    def group(self, g: Group, c: dict, v: dict | None) -> bool:
        if g is self.criteria and g.is_empty():
            return True  # no criteria: everyone
        children = [ch for ch in g.children if not (isinstance(ch, Group) and ch.is_empty())]
        if g.kind == "any":
            return any(self.node(ch, c, v) for ch in children)
        if g.kind == "none":
            return not any(self.node(ch, c, v) for ch in children)
        # "all of": record conditions of the group share one record per entity
        by_entity: dict[str, list[Condition]] = {}
        value_conds: dict[str, list[Condition]] = {}
        others: list[Condition | Group] = []
        for ch in children:
            if isinstance(ch, Condition):
                f = get_field(ch.field)
                if f.entity.value in ("invoice", "sale", "contact"):
                    by_entity.setdefault(f.entity.value, []).append(ch)
                    continue
                if f.entity.value == "vehicle" and Op(ch.op) in (Op.EQ, Op.LIKE, Op.IN):
                    value_conds.setdefault(ch.field, []).append(ch)
                    continue
            others.append(ch)
        split = {k: cs for k, cs in value_conds.items() if len(cs) > 1}
        single = [cs[0] for k, cs in value_conds.items() if len(cs) == 1]

        def rowmatch(vv: dict | None) -> bool:
            if not all(self.node(ch, c, vv) for ch in others + single):
                return False
            for entity, conds in by_entity.items():
                if not any(
                    all(self.on_record(k, r) for k in conds) for r in self.records(entity, c, vv)
                ):
                    return False
            return all(any(self.leaf(k, c, vv) for k in cs) for cs in split.values())

        if not rowmatch(v):
            return False
        for cs in split.values():
            for k in cs:
                if not any(rowmatch(other) and self.leaf(k, c, other) for other in self.owned(c)):
                    return False
        return True

    def vehicle_rows(self) -> list[tuple[int, int | None]]:
        found = []
        for c in self.w.customers:
            vs = self.owned(c)
            if vs:
                found += [(c["id"], v["id"]) for v in vs if self.group(self.criteria, c, v)]
            elif self.group(self.criteria, c, None):
                found.append((c["id"], None))
        return found


# --- strategies ------------------------------------------------------------------------------------

FIELDS = [
    "customer.last_name",
    "customer.first_name",
    "customer.postal_code",
    "customer.city",
    "customer.email",
    "customer.civility",
    "customer.optout_post",
    "customer.optout_phone",
    "customer.marketing_basis",
    "customer.is_fleet",
    "customer.last_invoice_date",
    "customer.last_invoice_amount",
    "customer.visits_12m",
    "customer.vehicle_count",
    "customer.vehicles_bought",
    "customer.last_contact_date",
    "vehicle.brand",
    "vehicle.model",
    "vehicle.plate",
    "vehicle.energy",
    "vehicle.first_registration",
    "vehicle.age_years",
    "vehicle.mileage",
    "vehicle.status",
    "vehicle.is_demo",
    "vehicle.last_invoice_date",
    "vehicle.visits_24m",
    "invoice.date",
    "invoice.amount",
    "invoice.line_category",
    "sale.financing_type",
    "sale.rate",
    "sale.lender",
    "sale.financing_end",
    "sale.months_remaining",
    "contact.channel",
    "contact.date",
]
# value conditions on one vehicle field in one group are the interesting case: make them frequent
FAVOURITES = ["vehicle.model", "vehicle.brand", "vehicle.energy", "vehicle.first_registration"]

TEXT_POOL = {
    "customer.last_name": [
        "DUPONT",
        "dup%",
        "Dupré",
        "dupre",
        "%ont%",
        "Œuvre",
        "OEUVRE",
        "%",
        "",
        "x",
    ],
    "customer.first_name": ["Jean", "JEAN", "élodie", "%e%", "Luc"],
    "customer.postal_code": ["37210", "37000", "37", "372%", "78660", ""],
    "customer.city": ["Tours", "TOURS", "tou%", "%Y", "Versailles"],
    "customer.email": ["jean@example.fr", "JEAN%", "%@%"],
    "customer.civility": ["Monsieur", "Madame", "ETS", "monsieur", "M%"],
    "vehicle.brand": ["RENAULT", "MINI", "AUSTIN", "PEUGEOT", "ren%"],
    "vehicle.model": [
        "CLIO",
        "%CLIO%",
        "%LAGUNA%",
        "Laguna Estate",
        "%mini%",
        "TWIZY",
        "MEGANE",
        "%GAN%",
        "Clio III",
    ],
    "vehicle.plate": ["AB-123-CD", "ab%", "%78", "DR160PL"],
    "vehicle.energy": ["DIESEL", "ESSENCE", "ELECTRIQUE", "dies%"],
    "sale.lender": ["DIAC", "diac", "%crédit%", "Crédit Spécial"],
}
DATES = [
    dt.date(1992, 2, 17),
    dt.date(2003, 1, 1),
    dt.date(2004, 3, 10),
    dt.date(2005, 11, 30),
    dt.date(2005, 12, 1),
    dt.date(2008, 5, 5),
    dt.date(2009, 6, 1),
    dt.date(2012, 1, 1),
    dt.date(2020, 2, 29),
    dt.date(2021, 5, 5),
    dt.date(2023, 1, 5),
    dt.date(2024, 1, 10),
    dt.date(2024, 6, 14),
    dt.date(2024, 6, 15),
    dt.date(2025, 3, 1),
    dt.date(2025, 5, 1),
]
NUMBERS = {
    "customer.last_invoice_amount": [50, 99, 99.0, 150.5, "150,50", 150.49, 300, 800],
    "invoice.amount": [50, 99, 150.5, 300, 800, 120],
    "sale.rate": [3.5, 4.9, 10, 14.9],
    "vehicle.mileage": [0, 90000, 120000, 180000, 250000],
}


def values_for(key: str, op: Op) -> st.SearchStrategy:
    f = get_field(key)
    if f.type is FieldType.BOOLEAN:
        return st.sampled_from([True, False])
    if f.type is FieldType.DATE:
        return st.sampled_from(DATES)
    if f.type is FieldType.NUMBER:
        return st.sampled_from(NUMBERS.get(key, [0, 1, 2, 3, 4, 8, 10, 12, 15, 20, 32]))
    if f.fixed_values:
        return st.sampled_from([v.value for v in f.fixed_values])
    pool = TEXT_POOL[key]
    if op is Op.LIKE:
        return st.sampled_from(pool)
    return st.sampled_from([p for p in pool if "%" not in p] or pool)


@st.composite
def conditions(draw) -> Condition:
    key = draw(st.one_of(st.sampled_from(FIELDS), st.sampled_from(FAVOURITES)))
    f = get_field(key)
    op = draw(st.sampled_from(ops_for(f)))
    if op in (Op.MORE_THAN_AGO, Op.WITHIN_LAST, Op.WITHIN_NEXT):
        n = draw(st.integers(0, 30))
        return Condition(key, op, [n], unit=draw(st.sampled_from(["days", "months", "years"])))
    if op in (Op.EMPTY, Op.NOT_EMPTY):
        return Condition(key, op, [])
    count = {Op.BETWEEN: 2, Op.IN: draw(st.integers(1, 3)), Op.NE: draw(st.integers(1, 2))}.get(
        op, 1
    )
    values = [draw(values_for(key, op)) for _ in range(count)]
    return Condition(key, op, values, keep_empty=draw(st.booleans()) if op is Op.NE else False)


def trees(depth: int = 3) -> st.SearchStrategy:
    leaves = conditions()
    return st.recursive(
        leaves,
        lambda children: st.builds(
            Group, st.sampled_from(["all", "all", "any", "none"]), st.lists(children, max_size=4)
        ),
        max_leaves=8,
    ).map(lambda node: node if isinstance(node, Group) else Group("all", [node]))


TODAYS = [dt.date(2024, 6, 15), dt.date(2024, 2, 29), dt.date(2026, 1, 31), dt.date(2019, 12, 31)]


@pytest.fixture(scope="module")
def world(sample) -> World:
    db, _ = sample
    with db.engine.connect() as conn:
        return World(conn)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(tree=trees(), today=st.sampled_from(TODAYS))
def test_compiled_query_equals_python_filter(sample, world, tree: Group, today: dt.date) -> None:
    db, _ = sample
    criteria = tree.validated("en")
    ref = Reference(world, criteria, today)
    expected = ref.vehicle_rows()
    columns = [
        c.field
        for c in criteria.conditions()
        if get_field(c.field).entity.value in ("customer", "vehicle")
    ]
    with db.engine.connect() as conn:
        t = Target(criteria=tree, columns=columns)
        got = list(iter_rows(conn, t, today=today))
        assert sorted((r.customer_id, r.vehicle_id) for r in got) == sorted(expected)
        assert count_rows(conn, t, today=today) == len(expected)
        by_id_c = {c["id"]: c for c in world.customers}
        by_id_v = {v["id"]: v for v in world.vehicles}
        for row in got:
            for key, value in zip(columns, row.values, strict=True):
                entity = get_field(key).entity.value
                if entity == "customer":
                    want = customer_value(world, key, by_id_c[row.customer_id], today)
                else:
                    want = vehicle_value(world, key, by_id_v.get(row.vehicle_id), today)
                assert value == (float(want) if isinstance(want, Decimal) else want), key

        # customer grain: the same customers, each once, with its matching vehicle of highest id
        t.grain = "customer"
        grouped: dict[int, int | None] = {}
        for cid, vid in expected:
            if vid is not None:
                grouped[cid] = max(vid, grouped.get(cid) or 0)
            else:
                grouped.setdefault(cid, None)
        got_c = {r.customer_id: r.vehicle_id for r in iter_rows(conn, t, today=today)}
        assert got_c == grouped
        assert count_rows(conn, t, today=today) == len(grouped)
