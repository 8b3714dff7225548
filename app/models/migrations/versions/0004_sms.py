"""SMS templates, sends and the sent-SMS log (issue 6)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_KIND = sa.Enum(
    "marketing", "service", name="smskind", native_enum=False, create_constraint=True, length=12
)
_STATUS = sa.Enum(
    "scheduled",
    "pending",
    "sent",
    "exported",
    "delivered",
    "failed",
    "cancelled",
    name="smsstatus",
    native_enum=False,
    create_constraint=True,
    length=12,
)

_INDEXED = ("batch_id", "customer_id", "vehicle_id", "phone", "provider_id", "sent_at", "status")


def upgrade() -> None:
    op.create_table(
        "sms_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_template")),
        sa.UniqueConstraint("name", name=op.f("uq_sms_template_name")),
    )
    op.create_table(
        "sms_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("campaign", sa.String(length=80), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("template_name", sa.String(length=80), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=True),
        sa.Column("requested_for", sa.DateTime(), nullable=True),
        sa.Column("gateway", sa.String(length=20), nullable=False),
        sa.Column("funnel", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_batch")),
    )
    op.create_index(op.f("ix_sms_batch_campaign"), "sms_batch", ["campaign"])
    op.create_index(op.f("ix_sms_batch_created_at"), "sms_batch", ["created_at"])
    op.create_table(
        "sms_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("encoding", sa.String(length=8), nullable=False),
        sa.Column("segments", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("handed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("provider_id", sa.String(length=80), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["sms_batch.id"], name=op.f("fk_sms_message_batch_id_sms_batch")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_sms_message_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicle.id"],
            name=op.f("fk_sms_message_vehicle_id_vehicle"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_message")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_sms_message_idempotency_key")),
    )
    for column in _INDEXED:
        op.create_index(op.f(f"ix_sms_message_{column}"), "sms_message", [column])
    op.create_index(
        "ix_sms_message_status_scheduled_for", "sms_message", ["status", "scheduled_for"]
    )


def downgrade() -> None:
    op.drop_index("ix_sms_message_status_scheduled_for", table_name="sms_message")
    for column in _INDEXED:
        op.drop_index(op.f(f"ix_sms_message_{column}"), table_name="sms_message")
    op.drop_table("sms_message")
    op.drop_index(op.f("ix_sms_batch_created_at"), table_name="sms_batch")
    op.drop_index(op.f("ix_sms_batch_campaign"), table_name="sms_batch")
    op.drop_table("sms_batch")
    op.drop_table("sms_template")
