"""saved Excel exports (issue 5)

Revision ID: 0003
Revises: 0002

The Word mail merge's saved mailings arrive in their own later revision.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_excel_export",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("for_mailing", sa.Boolean(), nullable=False),
        sa.Column("household", sa.Boolean(), nullable=False),
        sa.Column("contacted_within_days", sa.Integer(), nullable=True),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_excel_export")),
        sa.UniqueConstraint(
            "target_name", "name", name=op.f("uq_saved_excel_export_target_name_name")
        ),
    )
    with op.batch_alter_table("saved_excel_export", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_excel_export_target_name"), ["target_name"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("saved_excel_export", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_excel_export_target_name"))
    op.drop_table("saved_excel_export")
