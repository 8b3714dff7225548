"""customer.display_name_fold: the folded display name the grid sorts by (issue 10, point 7)

Revision ID: 0010
Revises: 0009

A company sorts by its company name among persons sorted by last and first name. The column
is filled here for the existing customers, in batches, by the same function the application
uses (:func:`app.models.dealership.display_name_fold`): plain SELECT and UPDATE, so it runs
on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from app.models.dealership import display_name_fold

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    op.add_column(
        "customer",
        sa.Column("display_name_fold", sa.String(length=200), server_default="", nullable=False),
    )
    customer = sa.table(
        "customer",
        sa.column("id", sa.Integer),
        sa.column("is_company", sa.Boolean),
        sa.column("company_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("first_name", sa.String),
        sa.column("display_name_fold", sa.String),
    )
    conn = op.get_bind()
    update = (
        customer.update()
        .where(customer.c.id == sa.bindparam("_id"))
        .values(display_name_fold=sa.bindparam("_key"))
    )
    last = None
    while True:
        query = (
            sa.select(
                customer.c.id,
                customer.c.is_company,
                customer.c.company_name,
                customer.c.last_name,
                customer.c.first_name,
            )
            .order_by(customer.c.id)
            .limit(_BATCH)
        )
        if last is not None:
            query = query.where(customer.c.id > last)
        rows = conn.execute(query).all()
        if not rows:
            break
        params = [
            {
                "_id": r.id,
                "_key": display_name_fold(r.is_company, r.company_name, r.last_name, r.first_name),
            }
            for r in rows
        ]
        params = [p for p in params if p["_key"]]
        if params:
            conn.execute(update, params)
        last = rows[-1].id
    op.create_index(op.f("ix_customer_display_name_fold"), "customer", ["display_name_fold", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_customer_display_name_fold"), table_name="customer")
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+): no copy of the customer table, which
    # SQLite could not drop while vehicles and invoices point at it
    op.drop_column("customer", "display_name_fold")
