"""saved Excel exports and Word mailings (issue 5)

Revision ID: 0003
Revises: 0002

Reserved in the revision chain so that the features can be built side by side; the tables
arrive with the feature. Until then this revision changes nothing.
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
