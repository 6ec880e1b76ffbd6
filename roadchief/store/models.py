"""The database tables as SQLAlchemy 2.0 typed ORM classes (rows, not domain objects).

Versioning: every imported file is an ``InputFile`` (kind, version, hash, bytes). An
import makes a ``Snapshot``: the current file of every kind, the ``City`` prepared from
them (zones, segments, places, incidents, keyed by the files it came from) and the
``ChiefSet`` read from the chiefs file. A ``Run`` is one planned week: the snapshot it
used, its ownership, assignments, solve parts and summary. ``PlanWeek`` holds each
week's current run and a version number that two planners race on.
"""

from __future__ import annotations

import datetime as dt

from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from roadchief.store.db import Base, GeometryColumn


class InputFile(Base):
    """One version of one input file, byte for byte."""

    __tablename__ = "input_file"
    __table_args__ = (UniqueConstraint("kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    """zones, roads, places, incidents, chiefs or rules (cases, units, tracks of the loop;
    ``web``: the one row every case reported on the web names as its source)."""
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    """The path as given on the command line (used in messages and summary.json)."""
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    options: Mapped[str] = mapped_column(Text, default="{}")
    """JSON: crs and layer used to read the file."""
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class City(Base):
    """A prepared city: what ingest made of one set of zones, roads, places, incidents, rules."""

    __tablename__ = "city"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    """Hash of the ids of the files it was prepared from."""
    zones_file_id: Mapped[int] = mapped_column(ForeignKey("input_file.id"))
    roads_file_id: Mapped[int] = mapped_column(ForeignKey("input_file.id"))
    places_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    incidents_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    rules_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    metric_crs: Mapped[str] = mapped_column(Text)
    report: Mapped[str] = mapped_column(Text)
    """JSON of the IngestReport."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ZoneRow(Base):
    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("city_id", "zone_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    zone_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    geom: Mapped[BaseGeometry] = mapped_column(GeometryColumn())


class SegmentRow(Base):
    """A placed (``zone_id`` set) or unplaced (``reason`` set) segment of a city."""

    __tablename__ = "segment"
    __table_args__ = (UniqueConstraint("city_id", "segment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    placed: Mapped[bool] = mapped_column(Boolean)
    segment_id: Mapped[str] = mapped_column(Text)
    source_id: Mapped[str] = mapped_column(Text)
    zone_id: Mapped[str | None] = mapped_column(Text)
    road_name: Mapped[str] = mapped_column(Text)
    road_class: Mapped[str] = mapped_column(Text)
    length_m: Mapped[float] = mapped_column(Double)
    patrols_per_week: Mapped[int] = mapped_column(Integer)
    from_node: Mapped[int] = mapped_column(BigInteger)
    to_node: Mapped[int] = mapped_column(BigInteger)
    x_m: Mapped[float] = mapped_column(Double)
    y_m: Mapped[float] = mapped_column(Double)
    incidents: Mapped[int] = mapped_column(Integer)
    place_types: Mapped[str | None] = mapped_column(Text)
    share_in_zones: Mapped[float | None] = mapped_column(Double)
    reason: Mapped[str | None] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(64))
    """Hash of the geometry and attributes: tells changed segments from unchanged ones."""
    geom: Mapped[BaseGeometry] = mapped_column(GeometryColumn())


class PlaceRow(Base):
    __tablename__ = "place"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    place_id: Mapped[str] = mapped_column(Text)
    place_type: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    geom: Mapped[BaseGeometry] = mapped_column(GeometryColumn())


class IncidentRow(Base):
    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    incident_id: Mapped[str] = mapped_column(Text)
    segment_id: Mapped[str] = mapped_column(Text)
    geom: Mapped[BaseGeometry] = mapped_column(GeometryColumn())


class ChiefSet(Base):
    """The people read from one chiefs file against one set of zones and rules."""

    __tablename__ = "chief_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    chiefs_file_id: Mapped[int] = mapped_column(ForeignKey("input_file.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class ChiefRow(Base):
    __tablename__ = "chief"
    __table_args__ = (UniqueConstraint("chief_set_id", "chief_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chief_set_id: Mapped[int] = mapped_column(
        ForeignKey("chief_set.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    chief_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    zone_id: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16))
    max_patrols_per_week: Mapped[int] = mapped_column(Integer)
    unavailable: Mapped[str] = mapped_column(Text)
    """JSON: dates, weekdays, half_days."""
    phone: Mapped[str] = mapped_column(Text)
    supervisor_id: Mapped[str] = mapped_column(Text)
    avoid: Mapped[str] = mapped_column(Text, server_default="{}")
    """JSON like ``unavailable``: when the person would rather not patrol."""


class Snapshot(Base):
    """The state after one import: the current file of every kind and what was made of them."""

    __tablename__ = "snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(Text)
    zones_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    roads_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    places_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    incidents_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    chiefs_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    rules_file_id: Mapped[int | None] = mapped_column(ForeignKey("input_file.id"))
    city_id: Mapped[int | None] = mapped_column(ForeignKey("city.id"))
    chief_set_id: Mapped[int | None] = mapped_column(ForeignKey("chief_set.id"))
    changes: Mapped[str] = mapped_column(Text, default="{}")
    """JSON: segments added / changed / removed against the previous snapshot's city."""


class PlanWeek(Base):
    """A planned week: its current run and the version two planners race on."""

    __tablename__ = "plan_week"

    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    current_run_id: Mapped[int] = mapped_column(ForeignKey("run.id"))
    version: Mapped[int] = mapped_column(Integer)


class Run(Base):
    """One roster of one week, with the snapshot of inputs it was built from."""

    __tablename__ = "run"

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshot.id"))
    previous_run_id: Mapped[int | None] = mapped_column(ForeignKey("run.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    objective: Mapped[float] = mapped_column(Double)
    best_bound: Mapped[float] = mapped_column(Double)
    gap: Mapped[float] = mapped_column(Double)
    options: Mapped[str] = mapped_column(Text)
    """JSON of the PlanOptions."""
    summary: Mapped[str] = mapped_column(Text)
    """summary.json as written by the run."""
    ownership_summary: Mapped[str] = mapped_column(Text)
    """ownership.json as written by the run."""


class RunOwner(Base):
    __tablename__ = "run_owner"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    segment_id: Mapped[str] = mapped_column(Text)
    chief_id: Mapped[str] = mapped_column(Text)


class RunRoadOwner(Base):
    __tablename__ = "run_road_owner"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    zone_id: Mapped[str] = mapped_column(Text)
    road: Mapped[str] = mapped_column(Text)
    chief_id: Mapped[str] = mapped_column(Text)


class RunPart(Base):
    """Solve statistics of one independently solved part (a zone)."""

    __tablename__ = "run_part"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    part: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    objective: Mapped[float] = mapped_column(Double)
    best_bound: Mapped[float] = mapped_column(Double)
    wall_s: Mapped[float] = mapped_column(Double)
    seed: Mapped[int] = mapped_column(Integer)
    stopped_by_clock: Mapped[bool] = mapped_column(Boolean, server_default=false())
    tours_over_cap: Mapped[int] = mapped_column(Integer, server_default="0")
    patrols_dropped: Mapped[int] = mapped_column(Integer, server_default="0")
    patrols_moved: Mapped[int] = mapped_column(Integer, server_default="0")
    patrols_added: Mapped[int] = mapped_column(Integer, server_default="0")
    bound_on: Mapped[str] = mapped_column(String(16), server_default="model")


class RunAssignment(Base):
    """One patrol of one segment by one person in one slot of one day."""

    __tablename__ = "run_assignment"
    __table_args__ = (Index("ix_run_assignment_chief", "chief_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    day: Mapped[dt.date] = mapped_column(Date)
    slot_id: Mapped[str] = mapped_column(Text)
    chief_id: Mapped[str] = mapped_column(Text)
    segment_id: Mapped[str] = mapped_column(Text)
    tour_id: Mapped[str] = mapped_column(Text)
    order: Mapped[int] = mapped_column(Integer)


from roadchief.store import models_loop  # noqa: E402, F401  (the closed loop's tables on the same Base)
from roadchief.store import models_web as _web_tables  # noqa: E402, F401  (the web app's tables)
