"""The closed loop's tables (rows, not domain objects): cases, their transitions and flags,
units and their frontage, tracks and patrol records.

A case is stored once with where it was placed and routed when it was imported; its
history is append-only rows of ``loop_transition`` (nothing updates or deletes them).
Units come in sets, one per imported units file; the newest set is the current one.
Tracks keep their points (times, lon, lat) as packed arrays and their line as geometry;
a patrol record is a planned patrol of a stored run as the tracks showed it.
"""

from __future__ import annotations

import datetime as dt

from shapely.geometry.base import BaseGeometry
from sqlalchemy import (
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

from roadchief.store.db import Base, GeometryColumn


class CaseRow(Base):
    """A case as reported, with its place and unit at import (unplaced: ``reason`` set)."""

    __tablename__ = "loop_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(String(64), unique=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("input_file.id"), index=True)
    row: Mapped[str] = mapped_column(Text)
    """Where in its file (``row 12``, ``feature 3``): messages name it."""
    source: Mapped[str] = mapped_column(String(16))
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    """Local time of the city (naive), as the domain keeps it."""
    category: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str] = mapped_column(Text)
    lon: Mapped[float | None] = mapped_column(Double)
    lat: Mapped[float | None] = mapped_column(Double)
    address: Mapped[str] = mapped_column(Text)
    photos: Mapped[str] = mapped_column(Text)
    """``;``-separated references."""
    reporter: Mapped[str] = mapped_column(Text)
    """Private: never exported where the public reads."""
    urgency: Mapped[str] = mapped_column(String(1))
    area_class: Mapped[str] = mapped_column(String(8))
    """As given in the file (empty: from the segment)."""
    segment_id: Mapped[str] = mapped_column(Text, index=True)
    zone_id: Mapped[str] = mapped_column(Text, index=True)
    chief_id: Mapped[str] = mapped_column(Text, index=True)
    road_class: Mapped[str] = mapped_column(Text)
    distance_m: Mapped[float | None] = mapped_column(Double)
    unit_id: Mapped[str] = mapped_column(Text)
    route_reason: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    """Why the case is unplaced; empty when placed."""


class TransitionRow(Base):
    """One change of a case's state: append-only, with who and when."""

    __tablename__ = "loop_transition"
    __table_args__ = (UniqueConstraint("case_pk", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("loop_case.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    """0 for ``reported``, then 1, 2, ...: the order of the history."""
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.datetime | None] = mapped_column(DateTime)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    """When the row was written (``at`` is when the change happened)."""


class FlagRow(Base):
    """挂牌督办 of a case: level, who, when and the rectification deadline."""

    __tablename__ = "loop_flag"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("loop_case.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    rectify_by: Mapped[dt.datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text)


class UnitSet(Base):
    """The units read from one units file against one city."""

    __tablename__ = "loop_unit_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("input_file.id"))
    city_id: Mapped[int] = mapped_column(ForeignKey("city.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class UnitRow(Base):
    __tablename__ = "loop_unit"
    __table_args__ = (UniqueConstraint("unit_set_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_set_id: Mapped[int] = mapped_column(
        ForeignKey("loop_unit_set.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    contact: Mapped[str] = mapped_column(Text)
    categories: Mapped[str] = mapped_column(Text)
    """``;``-separated sub or main class codes (empty: by kind)."""
    zones: Mapped[str] = mapped_column(Text)
    """``;``-separated zone ids (empty: the whole city)."""


class FrontageRow(Base):
    """A segment a unit's frontage lines (门前三包)."""

    __tablename__ = "loop_frontage"
    __table_args__ = (UniqueConstraint("unit_set_id", "unit_id", "segment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_set_id: Mapped[int] = mapped_column(
        ForeignKey("loop_unit_set.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[str] = mapped_column(Text)
    segment_id: Mapped[str] = mapped_column(Text, index=True)


class TrackRow(Base):
    """One person's track from one file: packed points and the line they draw."""

    __tablename__ = "loop_track"
    __table_args__ = (Index("ix_loop_track_chief", "chief_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("input_file.id"), index=True)
    chief_id: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime] = mapped_column(DateTime)
    points: Mapped[int] = mapped_column(Integer)
    times_us: Mapped[bytes] = mapped_column(LargeBinary)
    """Local times as int64 microseconds since 1970 (little-endian)."""
    lon: Mapped[bytes] = mapped_column(LargeBinary)
    lat: Mapped[bytes] = mapped_column(LargeBinary)
    """float64 arrays (little-endian)."""
    geom: Mapped[BaseGeometry] = mapped_column(GeometryColumn())
    """The points as a line (a point for a single check-in), WGS-84."""


class PatrolRecordRow(Base):
    """A planned patrol of a stored run as the tracks showed it: yes, no or unknown."""

    __tablename__ = "loop_patrol_record"
    __table_args__ = (UniqueConstraint("run_id", "day", "slot_id", "chief_id", "segment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    slot_id: Mapped[str] = mapped_column(Text)
    chief_id: Mapped[str] = mapped_column(Text)
    segment_id: Mapped[str] = mapped_column(Text)
    zone_id: Mapped[str] = mapped_column(Text)
    walked: Mapped[str] = mapped_column(String(8))
    share: Mapped[float | None] = mapped_column(Double)
    matched_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
