"""Each solved part's refill: missing patrols added where the measured walk left room.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "run_part", sa.Column("patrols_added", sa.Integer(), server_default="0", nullable=False)
    )


def downgrade() -> None:
    op.drop_column("run_part", "patrols_added")
