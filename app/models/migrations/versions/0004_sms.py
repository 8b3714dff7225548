"""SMS templates, sends and the sent-SMS log (issue 6)

Revision ID: 0004
Revises: 0003

Reserved in the revision chain so that the features can be built side by side; the tables
arrive with the feature. Until then this revision changes nothing.
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
