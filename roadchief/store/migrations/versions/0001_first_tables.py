"""The first tables: versioned input files, prepared cities, chiefs and snapshots.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from roadchief.store.db import GeometryColumn

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GEOMETRY_TABLES = ("zone", "segment", "place", "incident")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "input_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "version"),
    )
    op.create_table(
        "chief_set",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("chiefs_file_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chiefs_file_id"],
            ["input_file.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "city",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("zones_file_id", sa.Integer(), nullable=False),
        sa.Column("roads_file_id", sa.Integer(), nullable=False),
        sa.Column("places_file_id", sa.Integer(), nullable=True),
        sa.Column("incidents_file_id", sa.Integer(), nullable=True),
        sa.Column("rules_file_id", sa.Integer(), nullable=True),
        sa.Column("metric_crs", sa.Text(), nullable=False),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incidents_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["places_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["roads_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["rules_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["zones_file_id"],
            ["input_file.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "chief",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chief_set_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("chief_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("zone_id", sa.Text(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("max_patrols_per_week", sa.Integer(), nullable=False),
        sa.Column("unavailable", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("supervisor_id", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["chief_set_id"], ["chief_set.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chief_set_id", "chief_id"),
    )
    op.create_index("ix_chief_chief_set_id", "chief", ["chief_set_id"])

    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Text(), nullable=False),
        sa.Column("segment_id", sa.Text(), nullable=False),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_city_id", "incident", ["city_id"])

    op.create_table(
        "place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("place_id", sa.Text(), nullable=False),
        sa.Column("place_type", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_place_city_id", "place", ["city_id"])

    op.create_table(
        "segment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("placed", sa.Boolean(), nullable=False),
        sa.Column("segment_id", sa.Text(), nullable=False),
        sa.Column("source_id", sa.Text(), nullable=False),
        sa.Column("zone_id", sa.Text(), nullable=True),
        sa.Column("road_name", sa.Text(), nullable=False),
        sa.Column("road_class", sa.Text(), nullable=False),
        sa.Column("length_m", sa.Double(), nullable=False),
        sa.Column("patrols_per_week", sa.Integer(), nullable=False),
        sa.Column("from_node", sa.BigInteger(), nullable=False),
        sa.Column("to_node", sa.BigInteger(), nullable=False),
        sa.Column("x_m", sa.Double(), nullable=False),
        sa.Column("y_m", sa.Double(), nullable=False),
        sa.Column("incidents", sa.Integer(), nullable=False),
        sa.Column("place_types", sa.Text(), nullable=True),
        sa.Column("share_in_zones", sa.Double(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("city_id", "segment_id"),
    )
    op.create_index("ix_segment_city_id", "segment", ["city_id"])

    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("zones_file_id", sa.Integer(), nullable=True),
        sa.Column("roads_file_id", sa.Integer(), nullable=True),
        sa.Column("places_file_id", sa.Integer(), nullable=True),
        sa.Column("incidents_file_id", sa.Integer(), nullable=True),
        sa.Column("chiefs_file_id", sa.Integer(), nullable=True),
        sa.Column("rules_file_id", sa.Integer(), nullable=True),
        sa.Column("city_id", sa.Integer(), nullable=True),
        sa.Column("chief_set_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chief_set_id"],
            ["chief_set.id"],
        ),
        sa.ForeignKeyConstraint(
            ["chiefs_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["city.id"],
        ),
        sa.ForeignKeyConstraint(
            ["incidents_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["places_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["roads_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["rules_file_id"],
            ["input_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["zones_file_id"],
            ["input_file.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("geom", GeometryColumn(), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["city.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("city_id", "zone_id"),
    )
    op.create_index("ix_zone_city_id", "zone", ["city_id"])
    if op.get_bind().dialect.name == "postgresql":
        for table in GEOMETRY_TABLES:
            op.create_index(f"ix_{table}_geom", table, ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("zone")
    op.drop_table("snapshot")
    op.drop_table("segment")
    op.drop_table("place")
    op.drop_table("incident")
    op.drop_table("chief")
    op.drop_table("city")
    op.drop_table("chief_set")
    op.drop_table("input_file")
