"""What each solved part's bound bounds: the model's rosters, or every roster walked.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "run_part",
        sa.Column("bound_on", sa.String(16), server_default="model", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("run_part", "bound_on")
