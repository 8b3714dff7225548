"""SMS: the ``expired`` status (scheduled or pending messages never handed over within the
setting's number of days of their time; issue 13, point 13)

Revision ID: 0012
Revises: 0011

Schema: ``sms_message.status`` accepts ``expired`` (the CHECK constraint is replaced: a table
rebuild on SQLite, drop and create on PostgreSQL, as in 0008). ``site.subdivision``, which the
send windows now read for the canton's or province's holidays, exists since 0006.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_OLD = ("scheduled", "pending", "sent", "exported", "delivered", "failed", "cancelled", "unknown")
_NEW = (*_OLD, "expired")
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


def downgrade() -> None:
    op.execute(sa.text("UPDATE sms_message SET status = 'cancelled' WHERE status = 'expired'"))
    _status_values(_NEW, _OLD)
