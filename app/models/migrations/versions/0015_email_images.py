"""E-mail templates: the images they show inline (email_template_image, issue 14 point 1)

An image of a template (a logo) is stored with it and sent as a part of the message
(multipart/related), shown by ``<img src="cid:CID">``.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "email_template_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=False),
        sa.Column("cid", sa.String(length=80), nullable=False),
        sa.Column("subtype", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["email_template.id"],
            name=op.f("fk_email_template_image_template_id_email_template"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_template_image")),
        sa.UniqueConstraint("template_id", "cid", name=op.f("uq_email_template_image_template_id_cid")),
    )
    op.create_index(
        op.f("ix_email_template_image_template_id"), "email_template_image", ["template_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_email_template_image_template_id"), table_name="email_template_image")
    op.drop_table("email_template_image")
