"""The demo data generator: deterministic, consistent, realistic; and its command."""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, inspect, select

from app.cli import demo as demo_cli
from app.cli.common import run_command
from app.errors import DatabaseError
from app.models import (
    ContactHistory,
    Customer,
    InvoiceLine,
    Ownership,
    PermissionEvent,
    SaleProduct,
    Setting,
    Site,
    SuppressionEntry,
    Vehicle,
    VehicleSale,
    WorkshopInvoice,
    demo,
    permissions,
)
from app.models.db import Database, open_database
from app.models.textfold import fold

TODAY = dt.date(2026, 3, 10)
TABLES = (
    Site,
    Customer,
    Vehicle,
    Ownership,
    VehicleSale,
    SaleProduct,
    WorkshopInvoice,
    InvoiceLine,
    ContactHistory,
    PermissionEvent,
    SuppressionEntry,
    Setting,
)


def make(path: Path, customers: int, seed: int, today: dt.date = TODAY) -> Database:
    database = open_database(path)
    demo.generate_demo(database, customers, seed, today=today)
    return database


def dump(database: Database) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    with database.engine.connect() as conn:
        return {
            model.__tablename__: [
                tuple(row)
                for row in conn.execute(
                    select(model.__table__).order_by(*model.__table__.primary_key.columns)
                )
            ]
            for model in TABLES
        }


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    """A 400-customer demo database, read into plain rows once for all the consistency tests."""
    database = make(tmp_path_factory.mktemp("demo") / "demo.sqlite", 400, seed=7)
    try:
        with database.engine.connect() as conn:
            return {
                model.__tablename__: conn.execute(select(model.__table__)).mappings().all()
                for model in TABLES
            }
    finally:
        database.dispose()


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


# -- determinism ----------------------------------------------------------------------------------


def test_same_seed_same_rows_different_seed_different_rows(tmp_path: Path) -> None:
    first = make(tmp_path / "a.sqlite", 150, seed=3)
    second = make(tmp_path / "b.sqlite", 150, seed=3)
    other = make(tmp_path / "c.sqlite", 150, seed=4)
    later = make(tmp_path / "d.sqlite", 150, seed=3, today=TODAY + dt.timedelta(days=400))
    try:
        a, b, c, d = dump(first), dump(second), dump(other), dump(later)
        assert a == b
        assert all(a[name] for name in a), "every table has rows"
        assert a["customer"] != c["customer"] and a["vehicle"] != c["vehicle"]
        assert a["workshop_invoice"] != d["workshop_invoice"]
        assert max(row[2] for row in d["workshop_invoice"]) > max(
            row[2] for row in a["workshop_invoice"]
        )
    finally:
        for database in (first, second, other, later):
            database.dispose()


def test_sqlite_fast_path_writes_what_core_insert_writes(tmp_path, monkeypatch) -> None:
    fast = make(tmp_path / "fast.sqlite", 120, seed=5)
    monkeypatch.setattr(demo, "_fast_path", lambda conn: False)
    core = make(tmp_path / "core.sqlite", 120, seed=5)
    try:
        assert dump(fast) == dump(core)
        with fast.engine.connect() as conn:  # dates stored in SQLAlchemy's own format
            raw = conn.exec_driver_sql("SELECT date FROM workshop_invoice LIMIT 1").scalar_one()
        assert isinstance(raw, str) and dt.date.fromisoformat(raw)
    finally:
        fast.dispose()
        core.dispose()


def test_exactly_the_requested_number_of_customers(tmp_path: Path) -> None:
    for count in (1, 39, 2001):
        database = make(tmp_path / f"n{count}.sqlite", count, seed=1)
        try:
            with database.session() as s:
                assert s.scalar(select(func.count()).select_from(Customer)) == count
                assert s.scalar(select(func.count()).select_from(Site)) == 6
                setting = s.get(Setting, demo.DEMO_SETTING)
            assert json.loads(setting.value)["customers"] == count
        finally:
            database.dispose()


# -- consistency ----------------------------------------------------------------------------------


def test_every_vehicle_has_its_owner_in_the_ownership_history(data) -> None:
    history = defaultdict(list)
    for row in data["ownership"]:
        history[row["vehicle_id"]].append(row)
    changed = 0
    for vehicle in data["vehicle"]:
        rows = sorted(history[vehicle["id"]], key=lambda r: r["start_date"])
        assert vehicle["owner_id"] is not None
        open_rows = [r for r in rows if r["end_date"] is None]
        assert len(open_rows) == 1 and open_rows[0] is rows[-1]
        assert rows[-1]["customer_id"] == vehicle["owner_id"]
        assert vehicle["delivery_date"] == rows[-1]["start_date"]
        for before, after in zip(rows, rows[1:], strict=False):
            assert before["end_date"] is not None and before["end_date"] <= after["start_date"]
            assert before["start_date"] < before["end_date"]
        changed += len(rows) > 1
    assert changed >= 10, "vehicles that changed owner"


def test_invoices_and_sales_belong_to_the_owner_of_the_time(data) -> None:
    history = defaultdict(list)
    for row in data["ownership"]:
        history[row["vehicle_id"]].append(row)

    def owner_on(vehicle_id: int, day: dt.date) -> int | None:
        for row in history[vehicle_id]:
            if row["start_date"] <= day and (row["end_date"] is None or day < row["end_date"]):
                return row["customer_id"]
        return None

    for invoice in data["workshop_invoice"]:
        assert owner_on(invoice["vehicle_id"], invoice["date"]) == invoice["customer_id"]
    for sale in data["vehicle_sale"]:
        assert owner_on(sale["vehicle_id"], sale["delivery_date"]) == sale["customer_id"]
        assert sale["order_date"] <= sale["delivery_date"]


def test_invoice_lines_add_up_to_the_invoice_totals(data) -> None:
    totals: Counter[int] = Counter()
    discounts: Counter[int] = Counter()
    for line in data["invoice_line"]:
        assert line["amount_cents"] > 0 and line["discount_cents"] >= 0
        totals[line["invoice_id"]] += line["amount_cents"]
        discounts[line["invoice_id"]] += line["discount_cents"]
    for invoice in data["workshop_invoice"]:
        assert invoice["total_cents"] == totals[invoice["id"]]
        assert invoice["discount_cents"] == discounts[invoice["id"]]
    assert sum(1 for i in data["workshop_invoice"] if i["discount_cents"]) > 0
    categories = {line["category"] for line in data["invoice_line"]}
    assert categories == {"labour", "parts", "tyres", "wheels", "bodywork", "accessories",
                          "insurance", "other_services"}  # fmt: skip


def test_ten_years_of_workshop_invoices_with_unique_numbers(data) -> None:
    dates = [i["date"] for i in data["workshop_invoice"]]
    assert min(dates) >= demo.add_months(TODAY, -120) and max(dates) < TODAY
    assert max(dates) - min(dates) > dt.timedelta(days=9 * 365)
    assert all(d.weekday() != 6 for d in dates), "workshops are closed on Sundays"
    numbers = [(i["site_id"], i["number"]) for i in data["workshop_invoice"]]
    assert len(numbers) == len(set(numbers))
    by_vehicle = defaultdict(list)
    for invoice in data["workshop_invoice"]:
        by_vehicle[invoice["vehicle_id"]].append((invoice["date"], invoice["mileage"]))
    for visits in by_vehicle.values():
        mileages = [km for _, km in sorted(visits)]
        assert mileages == sorted(mileages), "the odometer never goes back"


def test_financing_end_is_start_plus_term(data) -> None:
    kinds = Counter()
    for sale in data["vehicle_sale"]:
        kinds[(sale["kind"], sale["financing_type"])] += 1
        if sale["financing_type"] == "cash":
            assert sale["lender"] is sale["term_months"] is sale["financing_end"] is None
            continue
        start, end, term = sale["financing_start"], sale["financing_end"], sale["term_months"]
        assert start == sale["delivery_date"]
        assert months_between(start, end) == term
        assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1])
        assert sale["lender"] and sale["rate"] > 0 and sale["monthly_payment_cents"] > 0
        if sale["financing_type"] == "specialised_credit":
            assert sale["rate"] >= 14
    assert {f for _, f in kinds} == {"cash", "loan", "specialised_credit", "lease"}
    assert {k for k, _ in kinds} == {"new", "used"}
    products = {p["kind"] for p in data["sale_product"]}
    assert {"extended_warranty", "maintenance_plan", "gap_insurance"} <= products


def test_vehicle_dates_are_consistent(data) -> None:
    ext_warranties = {}
    sales = {s["id"]: s for s in data["vehicle_sale"]}
    for product in data["sale_product"]:
        if product["kind"] == "extended_warranty":
            ext_warranties.setdefault(sales[product["sale_id"]]["vehicle_id"], set()).add(
                product["end_date"]
            )
    on_order = {s["vehicle_id"] for s in data["vehicle_sale"] if s["delivery_date"] > TODAY}
    assert on_order, "open orders: new cars delivered after today (issue 15)"
    for v in data["vehicle"]:
        mec = v["first_registration"]
        assert (mec < TODAY or v["id"] in on_order) and mec.year >= TODAY.year - 30
        assert v["model_year"] in (mec.year, mec.year + 1)
        due = v["inspection_due_date"]  # CT: MEC + 4 years, then every 2 years
        assert due >= TODAY - dt.timedelta(days=60) and due >= demo.add_months(mec, 48)
        assert (months_between(mec, due) - 48) % 24 == 0
        assert months_between(mec, v["warranty_end"]) in (24, 36)
        assert v["next_service_date"] > mec and v["mileage_date"] >= mec
        assert v["mileage"] >= 0 and len(v["vin"]) == 17
        if v["extended_warranty_end"] is not None:
            assert v["extended_warranty_end"] in ext_warranties[v["id"]]
    plates = [v["plate"] for v in data["vehicle"]]
    assert len(set(plates)) == len(plates) and len({v["vin"] for v in data["vehicle"]}) == len(
        plates
    )
    statuses = Counter(v["status"] for v in data["vehicle"])
    assert statuses["in_use"] > 0.8 * len(plates)
    assert statuses["sold"] > 0 and statuses["scrapped"] > 0
    brands = {v["brand"] for v in data["vehicle"]}
    assert {
        "RENAULT",
        "DACIA",
        "PEUGEOT",
        "CITROEN",
        "VOLKSWAGEN",
        "AUDI",
        "SEAT",
        "SKODA",
    } <= brands
    assert {"CLIO", "MEGANE", "208", "GOLF"} <= {v["model"] for v in data["vehicle"]}
    assert {v["category"] for v in data["vehicle"]} == {"VP", "VU"}
    assert {"DIESEL", "ESSENCE", "HYBRIDE", "ELECTRIQUE"} <= {v["energy"] for v in data["vehicle"]}
    assert all(v["model_fold"] == fold(v["model"]) for v in data["vehicle"])


# -- customers ------------------------------------------------------------------------------------


def test_postal_codes_match_their_cities(data) -> None:
    known = {(c.postal_code, fold(c.city), c.country) for c in demo.COMMUNES}
    typed_wrong = 0
    for customer in data["customer"]:
        assert customer["city_fold"] == fold(customer["city"])
        if (customer["postal_code"], fold(customer["city"]), customer["country"]) not in known:
            # data-entry gaps: no postal code, or a French one missing a digit
            assert customer["postal_code"] is None or len(customer["postal_code"]) == 4
            typed_wrong += 1
    assert typed_wrong < 0.03 * len(data["customer"])
    for site in data["site"]:
        assert (site["postal_code"], fold(site["city"]), site["country"]) in known


def test_phone_numbers_are_valid_french_numbers(data) -> None:
    mobile, fixed = phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE
    kinds = {"phone_mobile": {mobile}, "phone_home": {fixed}, "phone_work": {fixed, mobile},
             "fax": {fixed}}  # fmt: skip
    formats = set()
    for customer in data["customer"]:
        for column, allowed in kinds.items():
            raw = customer[column]
            if raw is None:
                continue
            number = phonenumbers.parse(raw, customer["country"])
            assert phonenumbers.is_valid_number(number), raw
            assert phonenumbers.region_code_for_number(number) == customer["country"]
            if customer["country"] == "CA":  # North American numbers may be either
                allowed = {phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
            assert phonenumbers.number_type(number) in allowed, raw
            formats.add(raw[2] if not raw.startswith("+") else "+")
    assert {" ", "+"} <= formats
    people = [c for c in data["customer"] if not c["is_company"]]
    no_phone = [c for c in people if not (c["phone_home"] or c["phone_mobile"] or c["phone_work"])]
    landline_only = [c for c in people if c["phone_home"] and not c["phone_mobile"]]
    assert no_phone and landline_only
    assert 0.5 < sum(1 for c in people if c["phone_mobile"]) / len(people) < 0.95


def test_people_companies_and_fleets(data) -> None:
    customers = data["customer"]
    civilities = Counter(c["civility"] for c in customers if not c["is_company"])
    assert civilities["M."] > civilities["Mlle"] > 0 and civilities["Mme"] > civilities["Mlle"]
    assert civilities["M. et Mme"] > 0
    assert all(
        c["created_at"] < dt.datetime(2012, 2, 21) for c in customers if c["civility"] == "Mlle"
    )
    for c in customers:
        if c["is_company"]:
            assert c["civility"] is None and c["company_name"] and c["last_name"] is None
        else:
            assert c["last_name"] and c["first_name"] and c["company_name"] is None
            assert c["last_name_fold"] == fold(c["last_name"])
        if c["email"]:
            assert (
                c["email"].count("@") == 1 and c["email"].split("@")[1].split(".")[-2] == "example"
            )
    fleets = {c["id"]: c["company_name"] for c in customers if c["is_fleet"]}
    assert {"ARVAL", "DIAC LOCATION", "ALD AUTOMOTIVE"} <= set(fleets.values())
    assert all(c["is_company"] for c in customers if c["is_fleet"])
    held = Counter(o["customer_id"] for o in data["ownership"])  # vehicles owned, then or now
    arval = next(i for i, name in fleets.items() if name == "ARVAL")
    assert held[arval] >= 8
    assert held[arval] > max(held[c["id"]] for c in customers if not c["is_company"])
    assert len({c["dms_ref"] for c in customers}) == len(customers)
    refs = [(c["site_id"], c["dms_ref"]) for c in customers]
    assert len(set(refs)) == len(refs)


def test_a_few_customers_are_entered_twice(data) -> None:
    people = [c for c in data["customer"] if not c["is_company"]]
    pairs = []
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if a["postal_code"] != b["postal_code"] or (a["address1"] or "")[:3] != (
                b["address1"] or ""
            )[:3]:
                continue
            same_contact = a["phone_home"] == b["phone_home"] or (
                a["email"] is not None and a["email"] == b["email"]
            )
            name_a = f"{a['last_name_fold']} {a['first_name_fold']}"
            name_b = f"{b['last_name_fold']} {b['first_name_fold']}"
            if same_contact and difflib.SequenceMatcher(None, name_a, name_b).ratio() > 0.75:
                pairs.append((a, b))
    assert 1 <= len(pairs) <= 0.05 * len(people)
    assert any(
        (a["last_name"], a["first_name"], a["address1"])
        != (b["last_name"], b["first_name"], b["address1"])
        for a, b in pairs
    )


def test_opt_outs_and_legal_basis_have_dates_and_sources(data) -> None:
    customers = data["customer"]
    channels = ("post", "phone_home", "phone_work", "phone_mobile", "sms", "fax", "email")
    for channel in channels:
        refused = [c for c in customers if c[f"optout_{channel}"]]
        assert 0 < len(refused) < 0.25 * len(customers), channel
        for c in customers:
            flagged = c[f"optout_{channel}"]
            assert (c[f"optout_{channel}_date"] is not None) == flagged
            assert (c[f"optout_{channel}_source"] is not None) == flagged
            if flagged:
                assert c["created_at"].date() <= c[f"optout_{channel}_date"] < TODAY
    bases = Counter(c["marketing_basis"] for c in customers)
    assert set(bases) == {"consent", "legitimate_interest", "none"}
    for c in customers:
        assert (c["marketing_basis_date"] is None) == (c["marketing_basis"] == "none")
        assert (c["marketing_basis_source"] is None) == (c["marketing_basis"] == "none")


def test_nobody_is_contacted_on_a_channel_they_refused(data) -> None:
    customers = {c["id"]: c for c in data["customer"]}
    refusal = {"post": "optout_post", "sms": "optout_sms", "email": "optout_email"}
    bases = defaultdict(list)
    for event in data["permission_event"]:
        if event["kind"] == "basis":
            bases[(event["customer_id"], event["channel"])].append(event)
    programs = Counter()
    for contact in data["contact_history"]:
        c = customers[contact["customer_id"]]
        day = contact["contacted_at"].date()
        programs[contact["program"]] += 1
        assert day < TODAY and contact["campaign"] and contact["outcome"]
        column = refusal.get(contact["channel"])
        if column and c[column]:
            assert day < c[f"{column}_date"]
        if contact["channel"] == "sms":
            assert c["phone_mobile"] and 9 <= contact["contacted_at"].hour < 21
        if contact["channel"] == "email":
            assert c["email"]
        if contact["channel"] == "phone":
            assert day.weekday() < 5
        assert contact["user"]
        if contact["program"] in ("Rappel d'entretien", "Vœux", "Reconquête"):  # marketing
            channel = {"phone": "phone_mobile"}.get(contact["channel"], contact["channel"])
            assert any(
                b["event_date"] <= day and (b["expires_on"] is None or day < b["expires_on"])
                for b in bases[(c["id"], channel)]
            ), "marketing needs a basis in force on the day"
    assert {"Lettre de bienvenue", "Appel de courtoisie", "Rappel d'entretien", "Vœux"} <= set(
        programs
    )


# -- the manual's examples and the rules the window shows ------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory):
    """A 3,000-customer demo database, kept open for the engine and ORM tests."""
    database = make(tmp_path_factory.mktemp("demo3k") / "demo.sqlite", 3000, seed=1)
    yield database
    database.dispose()


def count(database: Database, *conditions, kind: str = "all", grain: str = "vehicle") -> int:
    from app.query.criteria import Condition, Group
    from app.query.engine import count_rows
    from app.query.target import Target

    children = [c if isinstance(c, (Group, Condition)) else Condition(*c) for c in conditions]
    target = Target(name="t", criteria=Group(kind, children), grain=grain)
    with database.engine.connect() as conn:
        return count_rows(conn, target, today=TODAY)


def test_the_manuals_examples_find_rows(demo_db) -> None:
    from app.query.criteria import Condition, Group

    vehicles = count(demo_db)
    mini = count(demo_db, ("vehicle.model", "like", ["%MINI%"]))
    twizy = count(demo_db, ("vehicle.model", "like", ["%TWIZY%"]))
    assert mini >= 20 and twizy >= 3
    either = count(demo_db, Group("any", [Condition("vehicle.model", "like", ["%MINI%"]),
                                          Condition("vehicle.model", "eq", ["TWIZY"])]))  # fmt: skip
    assert either == mini + twizy
    clio_and_laguna = count(
        demo_db, ("vehicle.model", "like", ["%CLIO%"]), ("vehicle.model", "like", ["%LAGUNA%"]),
        grain="customer",
    )  # fmt: skip
    assert 2 <= clio_and_laguna < 0.02 * 3000
    mec_2008_2009 = count(demo_db, ("vehicle.first_registration", "between",
                                    ["01/01/2008", "31/12/2009"]))  # fmt: skip
    assert 0.02 * vehicles < mec_2008_2009 < 0.15 * vehicles
    before_dec_2005 = count(demo_db, ("vehicle.first_registration", "le", ["01/12/2005"]))
    assert 0.03 * vehicles < before_dec_2005 < 0.2 * vehicles
    old = Condition("vehicle.first_registration", "more_than_ago", [12], unit="years")
    over_12 = count(demo_db, old)
    not_arval = count(demo_db, old, Condition("customer.company", "ne", ["ARVAL"],
                                              keep_empty=True))  # fmt: skip
    assert 0.1 * vehicles < over_12 < 0.6 * vehicles
    assert 3 <= over_12 - not_arval, "some 12-year-old cars still belong to ARVAL"
    not_seen = count(demo_db, Condition("customer.last_invoice_date", "more_than_ago", [2],
                                        unit="years"), grain="customer")  # fmt: skip
    assert 0.05 * 3000 < not_seen < 0.6 * 3000


def test_every_relationship_status_and_this_months_reminders(demo_db) -> None:
    from app.query.engine import iter_rows
    from app.query.target import Target

    target = Target(name="t", columns=["customer.relationship_status"], grain="customer")
    with demo_db.engine.connect() as conn:
        statuses = Counter(r.values[0] for r in iter_rows(conn, target, today=TODAY))
    assert min(statuses[s] for s in ("active", "reactivate", "win_back")) >= 0.05 * 3000
    start = TODAY.replace(day=1)
    end = demo.add_months(start, 2) - dt.timedelta(days=1)  # this month and next
    with demo_db.engine.connect() as conn:
        for column in ("next_service_date", "inspection_due_date", "warranty_end", "mobility_end"):
            col = Vehicle.__table__.c[column]
            found = conn.execute(
                select(func.count()).where(col.between(start, end), Vehicle.status == "in_use")
            ).scalar_one()
            assert found >= 10, column


def test_the_postal_funnel_drops_unusable_addresses(demo_db) -> None:
    from app.export.postal import read_addresses

    with demo_db.engine.connect() as conn:
        ids = conn.execute(select(Customer.id)).scalars().all()
        addresses = read_addresses(conn, ids)
        flagged = conn.execute(
            select(Customer.unknown_address_date).where(Customer.unknown_address.is_(True))
        ).scalars().all()
    problems = Counter(a.problem() for a in addresses.values())
    assert {"unknown_address", "no_street", "no_postal_code", "bad_postal_code"} <= set(problems)
    assert 0.9 * len(ids) < problems[None] < 0.99 * len(ids)
    assert 0.01 * len(ids) < len(flagged) < 0.06 * len(ids)
    assert all(day is not None and day < TODAY for day in flagged)
    with demo_db.engine.connect() as conn:  # the old vehicle-status representation is gone
        assert not conn.execute(
            select(func.count()).where(Vehicle.status == "unknown_address")
        ).scalar_one()
        late_letters = conn.execute(
            select(func.count())
            .select_from(ContactHistory)
            .join(Customer, Customer.id == ContactHistory.customer_id)
            .where(Customer.unknown_address.is_(True), ContactHistory.channel == "post",
                   func.date(ContactHistory.contacted_at) >= Customer.unknown_address_date)
        ).scalar_one()  # fmt: skip
    assert late_letters == 0


def test_the_permission_cache_is_what_the_history_says(demo_db) -> None:
    from sqlalchemy.orm import selectinload

    channels = ("post", "phone_home", "phone_work", "phone_mobile", "sms", "fax", "email")
    expected: set[tuple[str, str, str]] = set()
    with demo_db.session() as s:
        customers = s.scalars(
            select(Customer).options(selectinload(Customer.permission_events),
                                     selectinload(Customer.site))
        ).all()  # fmt: skip
        listed = {(e.kind.value, e.value, e.channel.value): e for e in s.scalars(
            select(SuppressionEntry))}  # fmt: skip
        for c in customers:
            for channel in channels:
                refusal = permissions.current_refusal(c, channel)
                assert getattr(c, f"optout_{channel}") == (refusal is not None)
                assert getattr(c, f"optout_{channel}_date") == (refusal and refusal.event_date)
                if refusal is None:
                    continue
                for number in permissions.customer_numbers(c, channel):
                    expected.add(("phone", number, channel))
                if channel == "email" and permissions.normalise_email(c.email):
                    expected.add(("email", permissions.normalise_email(c.email), channel))
            basis = permissions.effective_basis(c, "sms", TODAY)
            assert c.marketing_basis.value == permissions._marketing(basis and basis.basis).value
            assert c.marketing_basis_date == (basis.event_date if basis else None)
        assert set(listed) == expected, "the lists hold exactly what the refusals cover"
        for key, entry in listed.items():  # the newest refusal of the value is named
            owner = s.get(Customer, entry.customer_id)
            assert getattr(owner, f"optout_{key[2]}_date") == entry.entry_date
        canadians = [c for c in customers if permissions.is_canadian(c)]
        implied = [e for c in canadians for e in c.permission_events if e.expires_on]
        assert canadians and implied
        assert any(e.expires_on <= TODAY for e in implied), "some implied consents lapsed"
        assert any(e.expires_on > TODAY for e in implied)


def test_a_shared_number_refused_on_one_record_is_listed(demo_db) -> None:
    with demo_db.session() as s:
        girard = s.scalars(select(Customer).where(Customer.last_name == "GIRARD",
                                                  Customer.first_name == "Claire")).one()  # fmt: skip
        girrard = s.scalars(select(Customer).where(Customer.last_name == "GIRRARD")).one()
        number = permissions.normalise_phone(girard.phone_mobile)
        assert number and number == permissions.normalise_phone(girrard.phone_mobile)
        assert girrard.optout_sms and girrard.optout_sms_source == "STOP SMS"
        assert not girard.optout_sms
        assert permissions.is_phone_suppressed(s, number, "sms")
        late = s.scalar(
            select(func.count()).where(
                ContactHistory.customer_id == girard.id, ContactHistory.channel == "sms",
                func.date(ContactHistory.contacted_at) >= girrard.optout_sms_date,
            )
        )  # fmt: skip
        assert late == 0
        # Other duplicates share refusals the same way: numbers listed by one record only.
        shared = 0
        for entry in s.scalars(select(SuppressionEntry).where(SuppressionEntry.channel == "sms")):
            holders = [c for c in s.scalars(select(Customer).where(Customer.phone_mobile.is_not(None)))
                       if permissions.normalise_phone(c.phone_mobile, c.country) == entry.value]
            shared += any(not c.optout_sms for c in holders)
        assert shared >= 2


def test_sites_countries_drivers_and_dms_fields(demo_db) -> None:
    with demo_db.engine.connect() as conn:
        sites = conn.execute(select(Site.code, Site.country, Site.subdivision)).all()
        customers = conn.execute(select(Customer.country, Customer.site_id)).all()
        vehicles = conn.execute(
            select(Vehicle.__table__, Customer.is_fleet, Customer.company_name)
            .join(Customer, Customer.id == Vehicle.owner_id)
        ).mappings().all()  # fmt: skip
        invoices = conn.execute(select(WorkshopInvoice.invoice_type)).scalars().all()
        lines = conn.execute(select(InvoiceLine.invoice_id, InvoiceLine.line_number)).all()
        orders = conn.execute(select(VehicleSale.site_id, VehicleSale.order_number)).all()
    assert {s for _, _, s in sites} == {"FR-37", "FR-41", "FR-45", "CH-VD", "CH-GE", "CA-QC"}
    assert all(sub.startswith(country + "-") for _, country, sub in sites)
    site_country = {i + 1: country for i, (_, country, _) in enumerate(sites)}
    by_country = Counter(country for country, _ in customers)
    assert by_country["FR"] > 0.8 * 3000 and by_country["CH"] > 30 and by_country["CA"] > 30
    assert all(country == site_country[site] or site_country[site] == "FR" and country == "FR"
               for country, site in customers)  # fmt: skip
    fleet = [v for v in vehicles if v["is_fleet"]]
    with_driver = [v for v in fleet if v["driver_last_name"]]
    assert len(with_driver) > 0.8 * len(fleet) and all(v["driver_first_name"] and
                                                       v["driver_civility"] for v in with_driver)  # fmt: skip
    assert not any(v["driver_last_name"] for v in vehicles if not v["is_fleet"])
    for v in vehicles:
        assert (v["status_date"] is None) == (v["status"] == "in_use")
        if v["status_date"] is not None:
            assert v["first_registration"] <= v["status_date"] < TODAY
    types = Counter(invoices)
    assert types["customer"] > 0.8 * len(invoices) and types["warranty"] and types["internal"]
    numbered = defaultdict(list)
    for invoice_id, number in lines:
        numbered[invoice_id].append(number)
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbered.values())
    assert all(number for _, number in orders) and len(set(orders)) == len(orders)


def test_e164_agrees_with_the_permission_model(demo_db) -> None:
    with demo_db.engine.connect() as conn:
        rows = conn.execute(select(Customer.country, Customer.phone_home, Customer.phone_mobile,
                                   Customer.phone_work, Customer.fax)).all()  # fmt: skip
    for country, *numbers in rows:
        for raw in numbers:
            if raw:
                number = demo.e164(raw, country)
                assert number == permissions.normalise_phone(raw, country), raw
                mobile = permissions.normalise_phone(raw, country, mobile_only=True)
                assert demo._is_mobile(number) == bool(mobile), raw


# -- the function's contract ----------------------------------------------------------------------


def test_progress_is_reported_and_can_cancel(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    database = open_database(tmp_path / "p.sqlite")
    try:
        demo.generate_demo(database, 4500, 2, lambda done, total: calls.append((done, total)),
                           today=TODAY)  # fmt: skip
        assert calls[0] == (0, 4500) and calls[-1] == (4500, 4500) and len(calls) >= 4
        assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    finally:
        database.dispose()

    class Stop(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done > 0:
            raise Stop

    database = open_database(tmp_path / "cancelled.sqlite")
    try:
        with pytest.raises(Stop):
            demo.generate_demo(database, 2500, 2, cancel, today=TODAY)
        assert all(not rows for name, rows in dump(database).items())
        demo.generate_demo(database, 30, 2, today=TODAY)  # still usable, indexes intact
        with database.engine.connect() as conn:
            names = {
                index["name"]
                for table in ("vehicle", "workshop_invoice", "invoice_line")
                for index in inspect(conn).get_indexes(table)
            }
        assert {
            "ix_vehicle_owner_id",
            "ix_workshop_invoice_date",
            "ix_invoice_line_invoice_id",
        } <= names
    finally:
        database.dispose()


def test_refuses_a_database_that_holds_data(tmp_path: Path) -> None:
    database = make(tmp_path / "full.sqlite", 20, seed=1)
    try:
        before = dump(database)
        with pytest.raises(DatabaseError, match="already holds demo data"):
            demo.generate_demo(database, 20, seed=2, today=TODAY)
        assert dump(database) == before
        with pytest.raises(ValueError):
            demo.generate_demo(database, 0)
    finally:
        database.dispose()
    database = open_database(tmp_path / "real.sqlite")
    try:
        with database.session() as s:
            s.add(Site(code="TRS", name="Garage de Tours"))
        before = dump(database)
        with pytest.raises(DatabaseError, match=r"already holds data \(site\)"):
            demo.generate_demo(database, 5, today=TODAY)
        assert dump(database) == before
    finally:
        database.dispose()


@given(st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), st.integers(-300, 300))
def test_add_months_is_calendar_arithmetic(day: dt.date, months: int) -> None:
    result = demo.add_months(day, months)
    assert months_between(day, result) == months
    assert result.day == min(day.day, calendar.monthrange(result.year, result.month)[1])


@given(st.dates(dt.date(1990, 1, 1), dt.date(2060, 12, 31)), st.integers(0, 20_000))
def test_inspection_due_is_the_first_ct_date_not_before(mec: dt.date, days: int) -> None:
    after = mec + dt.timedelta(days=days)
    due = demo.inspection_due(mec, after)
    periods = (months_between(mec, due) - 48) // 24
    assert due >= after and due == demo.add_months(mec, 48 + 24 * periods) and periods >= 0
    if periods:
        assert demo.add_months(mec, 48 + 24 * (periods - 1)) < after


# -- the command ----------------------------------------------------------------------------------


def test_command_writes_a_new_database(tmp_path: Path, capsys) -> None:
    target = tmp_path / "demo.sqlite"
    target.touch()  # an empty file (as a file dialog may leave) is not a database: replaced
    argv = ["--db", str(target), "--customers", "120", "--seed", "9", "--today", "2026-03-10"]
    assert run_command(demo_cli.main, argv) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "120 customers" in out and "seed 9" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite"]
    database = open_database(target, create=False)
    try:
        with database.session() as s:
            assert s.scalar(select(func.count()).select_from(Customer)) == 120
        copy = make(tmp_path / "copy.sqlite", 120, seed=9)
        try:
            assert dump(database) == dump(copy)
        finally:
            copy.dispose()
    finally:
        database.dispose()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--customers", "12"], "required: --db"),
        (["--db", "{new}", "--customers", "abc"], "--customers 'abc' is not a whole number"),
        (["--db", "{new}", "--customers", "0"], "--customers must be between 1"),
        (["--db", "{new}", "--seed", "x"], "--seed 'x' is not a whole number"),
        (["--db", "{new}", "--today", "2026-02-30"], "--today '2026-02-30' is not a date"),
        (["--db", "{existing}"], "already exists"),
        (["--db", "{folder}"], "is a folder"),
        (["--db", "{missing}/x.sqlite"], "does not exist"),
        (["--db", "postgresql://host/db"], "give a file path"),
    ],
)
def test_command_refuses_bad_input(tmp_path: Path, capsys, argv, message) -> None:
    existing = tmp_path / "existing.sqlite"
    database = make(existing, 10, seed=1)
    database.dispose()
    content = existing.read_bytes()
    names = {"new": tmp_path / "new.sqlite", "existing": existing, "folder": tmp_path,
             "missing": tmp_path / "missing"}  # fmt: skip
    argv = [a.format(**names) for a in argv]
    assert run_command(demo_cli.main, argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cible: error: ") and message in err
    assert existing.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.sqlite"]


def test_interrupted_command_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "generate_demo", interrupted)
    target = tmp_path / "demo.sqlite"
    assert run_command(demo_cli.main, ["--db", str(target)]) == 130
    assert list(tmp_path.iterdir()) == []


def test_python_m_app_demo(tmp_path: Path) -> None:
    target = tmp_path / "cli.sqlite"
    result = subprocess.run(
        [sys.executable, "-m", "app", "demo", "--db", str(target), "--customers", "30"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "30 customers" in result.stdout and target.stat().st_size > 0
    again = subprocess.run(
        [sys.executable, "-m", "app", "demo", "--db", str(target)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert again.returncode == 2 and again.stderr.startswith("cible: error: ")


# -- the rules hold for any seed, size and date ---------------------------------------------------


def assert_consistent(database: Database, customers: int, today: dt.date) -> None:
    with database.engine.connect() as conn:
        data = {
            model.__tablename__: conn.execute(select(model.__table__)).mappings().all()
            for model in TABLES
        }
    assert len(data["customer"]) == customers
    known = {(c.postal_code, fold(c.city)) for c in demo.COMMUNES}
    for c in data["customer"]:
        code = c["postal_code"]
        assert (code, fold(c["city"])) in known or code is None or len(code) == 4
        for column in ("phone_home", "phone_mobile", "phone_work", "fax"):
            if c[column] is not None:
                number = phonenumbers.parse(c[column], c["country"])
                assert phonenumbers.is_valid_number(number), c[column]
    history = defaultdict(list)
    for row in data["ownership"]:
        history[row["vehicle_id"]].append(row)
    for v in data["vehicle"]:
        rows = sorted(history[v["id"]], key=lambda r: r["start_date"])
        assert [r["end_date"] is None for r in rows] == [False] * (len(rows) - 1) + [True]
        assert rows[-1]["customer_id"] == v["owner_id"]
        for before, after in zip(rows, rows[1:], strict=False):
            assert before["end_date"] <= after["start_date"]
        due = v["inspection_due_date"]
        assert (
            due >= today - dt.timedelta(days=60)
            and (months_between(v["first_registration"], due) - 48) % 24 == 0
        )

    def owner_on(vehicle_id: int, day: dt.date) -> int | None:
        for row in history[vehicle_id]:
            if row["start_date"] <= day and (row["end_date"] is None or day < row["end_date"]):
                return row["customer_id"]
        return None

    totals: Counter[int] = Counter()
    for line in data["invoice_line"]:
        totals[line["invoice_id"]] += line["amount_cents"]
    for invoice in data["workshop_invoice"]:
        assert invoice["total_cents"] == totals[invoice["id"]] > 0
        assert owner_on(invoice["vehicle_id"], invoice["date"]) == invoice["customer_id"]
        assert invoice["date"] < today
    for sale in data["vehicle_sale"]:
        assert owner_on(sale["vehicle_id"], sale["delivery_date"]) == sale["customer_id"]
        if sale["term_months"] is not None:
            start, end = sale["financing_start"], sale["financing_end"]
            assert months_between(start, end) == sale["term_months"]
            assert end.day == min(start.day, calendar.monthrange(end.year, end.month)[1])


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    customers=st.integers(1, 90),
    today=st.dates(dt.date(2005, 1, 1), dt.date(2040, 12, 31)),
)
def test_the_rules_hold_for_any_seed_size_and_date(
    seed: int, customers: int, today: dt.date
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = make(Path(folder) / "any.sqlite", customers, seed, today)
        try:
            assert_consistent(database, customers, today)
        finally:
            database.dispose()
