"""Each solved part's walk repair and clock: tours over the cap, patrols dropped and moved,
and whether a deterministic search stopped at its wall-clock cap.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

COUNTS = ("tours_over_cap", "patrols_dropped", "patrols_moved")


def upgrade() -> None:
    for name in COUNTS:
        op.add_column("run_part", sa.Column(name, sa.Integer(), server_default="0", nullable=False))
    op.add_column(
        "run_part",
        sa.Column("stopped_by_clock", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    for name in (*COUNTS, "stopped_by_clock"):
        op.drop_column("run_part", name)
