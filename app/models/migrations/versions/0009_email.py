"""E-mail templates, sends, the journal of sent e-mails and invalid addresses (issue 14)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_KIND = sa.Enum(
    "marketing", "service", name="emailkind", native_enum=False, create_constraint=True, length=12
)
_STATUS = sa.Enum(
    "scheduled",
    "pending",
    "claimed",
    "in_data",
    "sent",
    "unknown",
    "failed",
    "cancelled",
    name="emailstatus",
    native_enum=False,
    create_constraint=True,
    length=12,
)
_INDEXED = ("batch_id", "customer_id", "vehicle_id", "address", "sent_at", "status")


def upgrade() -> None:
    op.create_table(
        "email_template",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_template")),
        sa.UniqueConstraint("name", name=op.f("uq_email_template_name")),
    )
    op.create_table(
        "email_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.Column("campaign", sa.String(length=80), nullable=False),
        sa.Column("kind", _KIND, nullable=False),
        sa.Column("template_name", sa.String(length=80), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=True),
        sa.Column("requested_for", sa.DateTime(), nullable=True),
        sa.Column("funnel", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_batch")),
    )
    op.create_index(op.f("ix_email_batch_campaign"), "email_batch", ["campaign"])
    op.create_index(op.f("ix_email_batch_created_at"), "email_batch", ["created_at"])
    op.create_table(
        "email_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("vehicle_id", sa.Integer(), nullable=True),
        sa.Column("customer_name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("site_code", sa.String(length=20), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("status", _STATUS, nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["email_batch.id"], name=op.f("fk_email_message_batch_id_email_batch")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customer.id"],
            name=op.f("fk_email_message_customer_id_customer"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vehicle_id"],
            ["vehicle.id"],
            name=op.f("fk_email_message_vehicle_id_vehicle"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_message")),
        sa.UniqueConstraint("message_id", name=op.f("uq_email_message_message_id")),
        sa.UniqueConstraint("token", name=op.f("uq_email_message_token")),
    )
    for column in _INDEXED:
        op.create_index(op.f(f"ix_email_message_{column}"), "email_message", [column])
    op.create_index(
        "ix_email_message_status_scheduled_for", "email_message", ["status", "scheduled_for"]
    )
    op.create_table(
        "email_invalid",
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("address", name=op.f("pk_email_invalid")),
    )


def downgrade() -> None:
    op.drop_table("email_invalid")
    op.drop_index("ix_email_message_status_scheduled_for", table_name="email_message")
    for column in _INDEXED:
        op.drop_index(op.f(f"ix_email_message_{column}"), table_name="email_message")
    op.drop_table("email_message")
    op.drop_index(op.f("ix_email_batch_created_at"), table_name="email_batch")
    op.drop_index(op.f("ix_email_batch_campaign"), table_name="email_batch")
    op.drop_table("email_batch")
    op.drop_table("email_template")
