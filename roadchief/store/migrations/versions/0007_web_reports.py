"""Cases reported on the web: the receipt codes citizens follow them with, and the one
input file every web report names as its source (``kind = 'web'``).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WEB_KIND = "web"


def upgrade() -> None:
    op.create_table(
        "web_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_pk", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_pk"], ["loop_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_pk"),
        sa.UniqueConstraint("code_hash"),
    )
    files = sa.table(
        "input_file",
        sa.column("kind", sa.String), sa.column("version", sa.Integer),
        sa.column("name", sa.Text), sa.column("sha256", sa.String),
        sa.column("size_bytes", sa.BigInteger), sa.column("content", sa.LargeBinary),
        sa.column("options", sa.Text), sa.column("imported_at", sa.DateTime(timezone=True)),
    )  # fmt: skip
    op.bulk_insert(
        files,
        [
            {
                "kind": WEB_KIND, "version": 1, "name": "web reports",
                "sha256": hashlib.sha256(b"").hexdigest(), "size_bytes": 0, "content": b"",
                "options": "{}", "imported_at": dt.datetime.now(dt.UTC),
            }
        ],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("web_receipt")
    op.execute(
        "DELETE FROM input_file WHERE kind = 'web' AND id NOT IN (SELECT file_id FROM loop_case)"
    )
