"""permission history, suppression lists, customer aliases and the fields a DMS import needs
(issue 11)

Revision ID: 0006
Revises: 0005

Schema: tables ``permission_event``, ``suppression_entry``, ``customer_alias``; columns
``site.subdivision``, ``customer.unknown_address(_date)``, ``vehicle.status_date``,
``vehicle.driver_*``, ``workshop_invoice.invoice_type``, ``invoice_line.line_number``,
``vehicle_sale.order_number``.

Data: each customer's current refusal per channel (``optout_*`` with date and source) and
marketing basis become history rows (the columns stay, as the current state); a customer
owning a vehicle whose status is ``unknown_address`` gets ``customer.unknown_address`` (the
vehicle keeps its status, still readable). Columns are only added (``ALTER TABLE ADD``, no
table rebuild), so SQLite and PostgreSQL run the same operations.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_CHANNELS = ("post", "phone_home", "phone_work", "phone_mobile", "sms", "fax", "email")


def _enum(name: str, values: tuple[str, ...], length: int = 20) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


_CHANNEL = _enum("channel", _CHANNELS)
_EVENT_KIND = _enum("permissioneventkind", ("refusal", "refusal_withdrawn", "basis"))
_BASIS = _enum(
    "basiskind", ("consent", "legitimate_interest", "implied_purchase", "implied_inquiry")
)
_SUPPRESSION_KIND = _enum("suppressionkind", ("phone", "email"), 8)
_INVOICE_TYPE = _enum("invoicetype", ("customer", "warranty", "internal"), 10)

#: Source of history rows made from the columns when their source was not recorded.
LEGACY_SOURCE = "Cible (before history)"
_BATCH = 1000


def upgrade() -> None:
    _schema_up()
    _data_up()


def _schema_up() -> None:
    with op.batch_alter_table("site") as batch:
        batch.add_column(sa.Column("subdivision", sa.String(length=6), nullable=True))
    with op.batch_alter_table("customer") as batch:
        batch.add_column(
            sa.Column("unknown_address", sa.Boolean(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("unknown_address_date", sa.Date(), nullable=True))
    with op.batch_alter_table("vehicle") as batch:
        batch.add_column(sa.Column("status_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("driver_civility", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("driver_last_name", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("driver_first_name", sa.String(length=80), nullable=True))
    with op.batch_alter_table("workshop_invoice") as batch:
        batch.add_column(
            sa.Column("invoice_type", _INVOICE_TYPE, nullable=False, server_default="customer")
        )
        batch.create_index("ix_workshop_invoice_invoice_type", ["invoice_type"], unique=False)
    with op.batch_alter_table("invoice_line") as batch:
        batch.add_column(sa.Column("line_number", sa.Integer(), nullable=True))
        batch.create_index(
            "ix_invoice_line_invoice_id_line_number", ["invoice_id", "line_number"], unique=True
        )
    with op.batch_alter_table("vehicle_sale") as batch:
        batch.add_column(sa.Column("order_number", sa.String(length=40), nullable=True))
        batch.create_index(
            "ix_vehicle_sale_site_id_order_number", ["site_id", "order_number"], unique=True
        )

    op.create_table(
        "customer_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("dms_ref", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_customer_alias_customer_id_customer")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], name=op.f("fk_customer_alias_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_alias")),
        sa.UniqueConstraint("site_id", "dms_ref", name=op.f("uq_customer_alias_site_id_dms_ref")),
    )
    op.create_index("ix_customer_alias_customer_id", "customer_alias", ["customer_id"])
    op.create_index("ix_customer_alias_site_id", "customer_alias", ["site_id"])

    op.create_table(
        "permission_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", _CHANNEL, nullable=False),
        sa.Column("kind", _EVENT_KIND, nullable=False),
        sa.Column("basis", _BASIS, nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("who", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_permission_event_customer_id_customer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_permission_event")),
    )
    op.create_index(
        "ix_permission_event_customer_id_channel", "permission_event", ["customer_id", "channel"]
    )

    op.create_table(
        "suppression_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _SUPPRESSION_KIND, nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("channel", _CHANNEL, nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("who", sa.String(length=80), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_suppression_entry_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppression_entry")),
        sa.UniqueConstraint(
            "kind", "value", "channel", name=op.f("uq_suppression_entry_kind_value_channel")
        ),
    )
    op.create_index("ix_suppression_entry_customer_id", "suppression_entry", ["customer_id"])


def _data_up() -> None:
    conn = op.get_bind()
    customer = sa.table(
        "customer",
        sa.column("id", sa.Integer),
        sa.column("marketing_basis", sa.String),
        sa.column("marketing_basis_date", sa.Date),
        sa.column("marketing_basis_source", sa.String),
        sa.column("unknown_address", sa.Boolean),
        *[
            col
            for ch in _CHANNELS
            for col in (
                sa.column(f"optout_{ch}", sa.Boolean),
                sa.column(f"optout_{ch}_date", sa.Date),
                sa.column(f"optout_{ch}_source", sa.String),
            )
        ],
    )
    event = sa.table(
        "permission_event",
        sa.column("customer_id", sa.Integer),
        sa.column("channel", sa.String),
        sa.column("kind", sa.String),
        sa.column("basis", sa.String),
        sa.column("event_date", sa.Date),
        sa.column("expires_on", sa.Date),
        sa.column("source", sa.String),
        sa.column("who", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    vehicle = sa.table("vehicle", sa.column("owner_id", sa.Integer), sa.column("status", sa.String))
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def flush(rows: list[dict]) -> None:
        if rows:
            conn.execute(sa.insert(event), rows)
            rows.clear()

    rows: list[dict] = []
    for ch in _CHANNELS:
        flag, date, source = (customer.c[f"optout_{ch}{s}"] for s in ("", "_date", "_source"))
        query = sa.select(customer.c.id, date, source).where(flag == sa.true())
        for cid, when, src in conn.execute(query.order_by(customer.c.id)):
            rows.append(_row(cid, ch, "refusal", None, when, src, now))
            if len(rows) >= _BATCH:
                flush(rows)
    # The one basis of the customer applied to every channel: it becomes each channel's.
    c = customer.c
    query = sa.select(c.id, c.marketing_basis, c.marketing_basis_date, c.marketing_basis_source)
    query = query.where(c.marketing_basis.in_(("consent", "legitimate_interest")))
    for cid, basis, when, src in conn.execute(query.order_by(c.id)):
        for ch in _CHANNELS:
            rows.append(_row(cid, ch, "basis", basis, when, src, now))
        if len(rows) >= _BATCH:
            flush(rows)
    flush(rows)

    owners = sa.select(vehicle.c.owner_id).where(
        vehicle.c.status == "unknown_address", vehicle.c.owner_id.is_not(None)
    )
    conn.execute(sa.update(customer).where(customer.c.id.in_(owners)).values(unknown_address=True))


def _row(cid, channel, kind, basis, when, source, now) -> dict:
    return {
        "customer_id": cid,
        "channel": channel,
        "kind": kind,
        "basis": basis,
        "event_date": when,
        "expires_on": None,
        "source": (source or LEGACY_SOURCE)[:80],
        "who": None,
        "created_at": now,
    }


def downgrade() -> None:
    # The history and lists are dropped; the current state stays in the customer's columns.
    # An unknown address goes back to being a vehicle status only where a vehicle still says so.
    op.drop_index("ix_suppression_entry_customer_id", table_name="suppression_entry")
    op.drop_table("suppression_entry")
    op.drop_index("ix_permission_event_customer_id_channel", table_name="permission_event")
    op.drop_table("permission_event")
    op.drop_index("ix_customer_alias_site_id", table_name="customer_alias")
    op.drop_index("ix_customer_alias_customer_id", table_name="customer_alias")
    op.drop_table("customer_alias")
    with op.batch_alter_table("vehicle_sale") as batch:
        batch.drop_index("ix_vehicle_sale_site_id_order_number")
        batch.drop_column("order_number")
    with op.batch_alter_table("invoice_line") as batch:
        batch.drop_index("ix_invoice_line_invoice_id_line_number")
        batch.drop_column("line_number")
    with op.batch_alter_table("workshop_invoice") as batch:
        batch.drop_index("ix_workshop_invoice_invoice_type")
        batch.drop_constraint("invoicetype", type_="check")
        batch.drop_column("invoice_type")
    with op.batch_alter_table("vehicle") as batch:
        for name in ("driver_first_name", "driver_last_name", "driver_civility", "status_date"):
            batch.drop_column(name)
    with op.batch_alter_table("customer") as batch:
        batch.drop_column("unknown_address_date")
        batch.drop_column("unknown_address")
    with op.batch_alter_table("site") as batch:
        batch.drop_column("subdivision")
