"""Chiefs' preferences: when a person would rather not patrol (the chiefs file's avoid).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("chief", sa.Column("avoid", sa.Text(), server_default="{}", nullable=False))


def downgrade() -> None:
    op.drop_column("chief", "avoid")
