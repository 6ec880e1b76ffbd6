"""The closed loop: cases, their append-only transitions and flags, units and their
frontage, tracks and patrol records (#15).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from roadchief.store.db import GeometryColumn

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "loop_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("photos", sa.Text(), nullable=False),
        sa.Column("reporter", sa.Text(), nullable=False),
        sa.Column("urgency", sa.String(1), nullable=False),
        sa.Column("area_class", sa.String(8), nullable=False),
        sa.Column("segment_id", sa.Text(), nullable=False),
        sa.Column("zone_id", sa.Text(), nullable=False),
        sa.Column("chief_id", sa.Text(), nullable=False),
        sa.Column("road_class", sa.Text(), nullable=False),
        sa.Column("distance_m", sa.Double(), nullable=True),
        sa.Column("unit_id", sa.Text(), nullable=False),
        sa.Column("route_reason", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["input_file.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_id"),
    )
    for column in ("file_id", "category", "segment_id", "zone_id", "chief_id"):
        op.create_index(f"ix_loop_case_{column}", "loop_case", [column])
    op.create_table(
        "loop_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_pk", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("deadline", sa.DateTime(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_pk"], ["loop_case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_pk", "seq"),
    )
    op.create_index("ix_loop_transition_case_pk", "loop_transition", ["case_pk"])
    op.create_table(
        "loop_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_pk", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("rectify_by", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_pk"], ["loop_case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loop_flag_case_pk", "loop_flag", ["case_pk"])
    op.create_table(
        "loop_unit_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["input_file.id"]),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "loop_unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_set_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("zones", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["unit_set_id"], ["loop_unit_set.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_set_id", "unit_id"),
    )
    op.create_index("ix_loop_unit_unit_set_id", "loop_unit", ["unit_set_id"])
    op.create_table(
        "loop_frontage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_set_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Text(), nullable=False),
        sa.Column("segment_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["unit_set_id"], ["loop_unit_set.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_set_id", "unit_id", "segment_id"),
    )
    op.create_index("ix_loop_frontage_unit_set_id", "loop_frontage", ["unit_set_id"])
    op.create_index("ix_loop_frontage_segment_id", "loop_frontage", ["segment_id"])
    op.create_table(
        "loop_track",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("chief_id", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("times_us", sa.LargeBinary(), nullable=False),
        sa.Column("lon", sa.LargeBinary(), nullable=False),
        sa.Column("lat", sa.LargeBinary(), nullable=False),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["input_file.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_loop_track_file_id", "loop_track", ["file_id"])
    op.create_index("ix_loop_track_chief", "loop_track", ["chief_id", "started_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_loop_track_geom", "loop_track", ["geom"], postgresql_using="gist")
    op.create_table(
        "loop_patrol_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot_id", sa.Text(), nullable=False),
        sa.Column("chief_id", sa.Text(), nullable=False),
        sa.Column("segment_id", sa.Text(), nullable=False),
        sa.Column("zone_id", sa.Text(), nullable=False),
        sa.Column("walked", sa.String(8), nullable=False),
        sa.Column("share", sa.Double(), nullable=True),
        sa.Column("matched_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "day", "slot_id", "chief_id", "segment_id"),
    )
    op.create_index("ix_loop_patrol_record_run_id", "loop_patrol_record", ["run_id"])
    op.create_index("ix_loop_patrol_record_day", "loop_patrol_record", ["day"])


def downgrade() -> None:
    for table in (
        "loop_patrol_record",
        "loop_track",
        "loop_frontage",
        "loop_unit",
        "loop_unit_set",
        "loop_flag",
        "loop_transition",
        "loop_case",
    ):
        op.drop_table(table)
