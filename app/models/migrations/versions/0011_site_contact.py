"""The sending site's own details for letters: e-mail, website, booking link (issue 12)

Revision ID: 0011
Revises: 0010

Schema: ``site.email``, ``site.website``, ``site.booking_url`` (nullable VARCHAR(200)); the
name, address, postal code, city and phone were there already. Plain ``ADD COLUMN`` on both
SQLite and PostgreSQL (no table rebuild, no default to backfill).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_COLUMNS = ("email", "website", "booking_url")


def upgrade() -> None:
    for name in _COLUMNS:
        op.add_column("site", sa.Column(name, sa.String(length=200), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both (SQLite 3.35+, as 0010): no copy of the site table,
    # which SQLite could not drop while customers, vehicles and invoices point at it
    for name in reversed(_COLUMNS):
        op.drop_column("site", name)
