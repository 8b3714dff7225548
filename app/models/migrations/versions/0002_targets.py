"""saved targets (issue 3)

Revision ID: 0002
Revises: 0001

Reserved in the revision chain so that the features can be built side by side; the tables
arrive with the feature. Until then this revision changes nothing.
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
