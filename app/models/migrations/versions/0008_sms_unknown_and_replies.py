"""SMS: the ``unknown`` status (handed to the provider, no answer) and the replies received
(issue 13)

Revision ID: 0008
Revises: 0007

Schema: ``sms_message.status`` accepts ``unknown`` (the CHECK constraint is replaced: a table
rebuild on SQLite, drop and create on PostgreSQL); table ``sms_reply``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_OLD = ("scheduled", "pending", "sent", "exported", "delivered", "failed", "cancelled")
_NEW = (*_OLD, "unknown")
_CHECK = "ck_sms_message_smsstatus"


def _enum(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name="smsstatus", native_enum=False, create_constraint=True, length=12)


def _status_values(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("sms_message", recreate="always") as batch:
            batch.alter_column(
                "status", existing_type=_enum(old), type_=_enum(new), existing_nullable=False
            )
    else:
        op.drop_constraint(op.f(_CHECK), "sms_message", type_="check")
        op.create_check_constraint(op.f(_CHECK), "sms_message", sa.column("status").in_(new))


def upgrade() -> None:
    _status_values(_OLD, _NEW)
    op.create_table(
        "sms_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=False),
        sa.Column("is_stop", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("handled_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sms_reply"),
        sa.UniqueConstraint("phone", "received_at", "text_hash", name="uq_sms_reply_phone"),
    )
    op.create_index("ix_sms_reply_phone", "sms_reply", ["phone"])


def downgrade() -> None:
    op.drop_index("ix_sms_reply_phone", table_name="sms_reply")
    op.drop_table("sms_reply")
    op.execute(sa.text("UPDATE sms_message SET status = 'failed' WHERE status = 'unknown'"))
    _status_values(_NEW, _OLD)
