"""The name sort's stored key on the sample dealership, on SQLite or on the server that
``CIBLE_TEST_DATABASE_URL`` names (CI runs this folder on PostgreSQL too): migration 0010's
backfill and the order it gives (issue 10, point 7)."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import select, update

from app.models.db import alembic_config, head_revision
from app.models.dealership import Customer, display_name_fold
from app.query.engine import fetch_page
from app.query.target import SortKey, Target

TODAY = dt.date(2026, 11, 23)
C = Customer.__table__.c


def keys(conn) -> dict[int, tuple[str, str]]:
    """id → (stored key, key computed again from the names)."""
    rows = conn.execute(select(C.id, C.display_name_fold, C.is_company, C.company_name,
                               C.last_name, C.first_name))  # fmt: skip
    return {r[0]: (r[1], display_name_fold(*r[2:])) for r in rows}


def test_migration_0010_fills_the_key_of_existing_customers(sample) -> None:
    db, _ids = sample
    with db.engine.begin() as conn:
        conn.execute(update(Customer.__table__).values(display_name_fold=""))
        command.downgrade(alembic_config(conn), "0009")
        command.upgrade(alembic_config(conn), head_revision())
    with db.engine.connect() as conn:
        found = keys(conn)
    assert found and all(stored == computed and stored for stored, computed in found.values())


def test_companies_sort_by_their_name_among_persons(sample) -> None:
    db, ids = sample
    with db.engine.begin() as conn:
        conn.execute(
            update(Customer.__table__)
            .where(C.id == ids["arval"])
            .values(last_name=None, display_name_fold="ARVAL SERVICE-LEASE")
        )
    try:
        target = Target(columns=["customer.display_name", "customer.last_name"],
                        sort=[SortKey("customer.last_name")], grain="customer")  # fmt: skip
        with db.engine.connect() as conn:
            rows = fetch_page(conn, target, 0, 1000, today=TODAY)
        names = [r.values[0] for r in rows]
        assert "ARVAL SERVICE-LEASE" in names
        # on the stored key, whatever the server's collation does with spaces and hyphens
        with db.engine.connect() as conn:
            stored = dict(conn.execute(select(C.id, C.display_name_fold)).all())
        order = [stored[r.customer_id] for r in rows]
        assert order == sorted(order)
        assert rows[0].values[1] is None  # the company without a last name: "A…" comes first
    finally:
        with db.engine.begin() as conn:
            conn.execute(
                update(Customer.__table__)
                .where(C.id == ids["arval"])
                .values(last_name="ARVAL SERVICE-LEASE")
            )
