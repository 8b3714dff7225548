"""customer_merge: the log of merged duplicate customers, with what undoing a merge needs
(issue 11, point 6)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_merge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("survivor_name", sa.String(length=200), nullable=False),
        sa.Column("merged_name", sa.String(length=200), nullable=False),
        sa.Column("survivor_dms_ref", sa.String(length=40), nullable=False),
        sa.Column("merged_dms_ref", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("who", sa.String(length=80), nullable=False),
        sa.Column("undo_data", sa.Text(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_merge")),
    )
    op.create_index("ix_customer_merge_merged_id", "customer_merge", ["merged_id"])
    op.create_index("ix_customer_merge_survivor_id", "customer_merge", ["survivor_id"])


def downgrade() -> None:
    op.drop_index("ix_customer_merge_survivor_id", table_name="customer_merge")
    op.drop_index("ix_customer_merge_merged_id", table_name="customer_merge")
    op.drop_table("customer_merge")
