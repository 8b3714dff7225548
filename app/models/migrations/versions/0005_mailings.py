"""saved Word mailings (issue 5)

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_mailing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_name", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("template_path", sa.Text(), nullable=False),
        sa.Column("output_path", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("letter_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_mailing")),
        sa.UniqueConstraint("target_name", "name", name=op.f("uq_saved_mailing_target_name_name")),
    )
    with op.batch_alter_table("saved_mailing", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_saved_mailing_target_name"), ["target_name"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("saved_mailing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_mailing_target_name"))
    op.drop_table("saved_mailing")
