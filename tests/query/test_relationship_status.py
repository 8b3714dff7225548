"""The computed field "relationship status": from the last customer invoice, T1/T2 settings."""

from __future__ import annotations

import datetime as dt
import json

from app.models import Customer, Setting, WorkshopInvoice
from app.models.enums import InvoiceType
from app.query.criteria import Condition, Group
from app.query.engine import iter_rows
from app.query.target import Target

TODAY = dt.date(2026, 11, 23)


def _build(db) -> dict[str, int]:
    invoices = {
        "active": [(dt.date(2025, 11, 23), InvoiceType.CUSTOMER)],  # exactly 12 months: active
        "reactivate": [
            (dt.date(2025, 11, 22), InvoiceType.CUSTOMER),
            (dt.date(2026, 10, 1), InvoiceType.WARRANTY),  # not a visit
            (dt.date(2026, 10, 2), InvoiceType.INTERNAL),
        ],
        "win_back": [(dt.date(2024, 11, 22), InvoiceType.CUSTOMER)],
        "none": [(dt.date(2026, 1, 1), InvoiceType.WARRANTY)],
    }
    ids = {}
    with db.session() as s:
        for n, (name, rows) in enumerate(invoices.items()):
            c = Customer(dms_ref=str(n), last_name=name)
            s.add(c)
            s.flush()
            for i, (day, kind) in enumerate(rows):
                s.add(
                    WorkshopInvoice(
                        number=f"{n}-{i}", date=day, customer_id=c.id, invoice_type=kind
                    )
                )
            ids[name] = c.id
    return ids


def _status(db, criteria=None) -> dict[int, str | None]:
    target = Target(
        name="t", columns=["customer.relationship_status"], criteria=criteria or Group()
    )
    with db.engine.connect() as conn:
        return {r.customer_id: r.values[0] for r in iter_rows(conn, target, today=TODAY)}


def test_status_from_the_last_customer_invoice(database) -> None:
    ids = _build(database)
    assert _status(database) == {
        ids["active"]: "active",
        ids["reactivate"]: "reactivate",
        ids["win_back"]: "win_back",
        ids["none"]: None,
    }
    only = Group(children=[Condition("customer.relationship_status", "eq", ["reactivate"])])
    assert set(_status(database, only)) == {ids["reactivate"]}


def test_thresholds_are_settings(database) -> None:
    ids = _build(database)
    with database.session() as s:
        s.add(Setting(key="relationship.active_months", value=json.dumps(6)))
        s.add(Setting(key="relationship.reactivate_months", value=json.dumps(36)))
    status = _status(database)
    assert status[ids["active"]] == "reactivate"
    assert status[ids["win_back"]] == "reactivate"
