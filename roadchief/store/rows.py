"""Turn domain objects and prepared frames into table rows and back (explicit, no magic).

Every ``*_to_rows`` has a ``*_from_rows`` that gives back an equal object: the frames of a
PreparedCity with the same columns, dtypes, order and exact coordinates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from roadchief.domain import (
    Assignment,
    Chief,
    ChiefLevel,
    Ownership,
    Roster,
    SolveStats,
    Unavailability,
    Week,
)
from roadchief.errors import Problem
from roadchief.geo.city import IngestReport, PreparedCity
from roadchief.store.models import (
    ChiefRow,
    IncidentRow,
    PlaceRow,
    RunAssignment,
    RunOwner,
    RunPart,
    RunRoadOwner,
    SegmentRow,
    ZoneRow,
)

WGS84 = "EPSG:4326"
SEGMENT_COLUMNS = (
    "segment_id", "source_id", "zone_id", "road_name", "road_class", "length_m",
    "patrols_per_week", "from_node", "to_node", "x_m", "y_m", "incidents", "place_types",
)  # fmt: skip
UNPLACED_COLUMNS = (
    "segment_id", "source_id", "road_name", "road_class", "length_m", "share_in_zones",
    "reason", "patrols_per_week", "from_node", "to_node", "x_m", "y_m", "incidents",
)  # fmt: skip
_INT_COLUMNS = {"patrols_per_week", "from_node", "to_node", "incidents"}
_FLOAT_COLUMNS = {"length_m", "x_m", "y_m", "share_in_zones"}


# --- the prepared city ---------------------------------------------------------------------


def report_to_json(report: IngestReport) -> str:
    return json.dumps(
        {
            "features_in": report.features_in,
            "skipped": report.skipped,
            "segments_in": report.segments_in,
            "warnings": [[p.source, p.where, p.message, p.fatal] for p in report.warnings],
            "metric_crs": report.metric_crs,
        },
        ensure_ascii=False,
    )


def report_from_json(text: str) -> IngestReport:
    raw = json.loads(text)
    return IngestReport(
        features_in=dict(raw["features_in"]),
        skipped=dict(raw["skipped"]),
        segments_in=int(raw["segments_in"]),
        warnings=[Problem(s, w, m, bool(f)) for s, w, m, f in raw["warnings"]],
        metric_crs=str(raw["metric_crs"]),
    )


def _value(v: Any) -> Any:
    """A pandas / numpy scalar as a plain Python value."""
    return v.item() if isinstance(v, np.generic) else v


def segment_fingerprint(row: SegmentRow) -> str:
    """Hash of a segment's geometry and attributes (zone and weights included)."""
    attrs = [
        row.source_id, row.zone_id, row.road_name, row.road_class, row.length_m,
        row.patrols_per_week, row.incidents, row.place_types, row.reason,
    ]  # fmt: skip
    digest = hashlib.sha256(shapely.to_wkb(row.geom))
    digest.update(json.dumps(attrs, ensure_ascii=False).encode())
    return digest.hexdigest()


def city_to_rows(city: PreparedCity, city_id: int) -> list[Any]:
    """Rows of the zones, placed and unplaced segments, places and incidents of a city."""
    rows: list[Any] = [
        ZoneRow(city_id=city_id, position=i, zone_id=str(r.zone_id), name=str(r.name), geom=g)
        for i, (r, g) in enumerate(
            zip(city.zones_gdf.itertuples(index=False), city.zones_gdf.geometry, strict=True)
        )
    ]
    position = 0
    for gdf, placed in ((city.segments_gdf, True), (city.unplaced_gdf, False)):
        records = gdf.drop(columns="geometry").to_dict("records")
        for rec, geom in zip(records, gdf.geometry, strict=True):
            values = {k: _value(v) for k, v in rec.items()}
            seg = SegmentRow(
                city_id=city_id,
                position=position,
                placed=placed,
                segment_id=str(values["segment_id"]),
                source_id=str(values["source_id"]),
                zone_id=values.get("zone_id") if placed else None,
                road_name=str(values["road_name"] or ""),
                road_class=str(values["road_class"]),
                length_m=float(values["length_m"]),
                patrols_per_week=int(values["patrols_per_week"]),
                from_node=int(values["from_node"]),
                to_node=int(values["to_node"]),
                x_m=float(values["x_m"]),
                y_m=float(values["y_m"]),
                incidents=int(values["incidents"]),
                place_types=values.get("place_types") if placed else None,
                share_in_zones=None if placed else float(values["share_in_zones"]),
                reason=None if placed else str(values["reason"]),
                geom=geom,
            )
            seg.fingerprint = segment_fingerprint(seg)
            rows.append(seg)
            position += 1
    if city.places_gdf is not None:
        rows += [
            PlaceRow(
                city_id=city_id,
                position=i,
                place_id=str(r.place_id),
                place_type=str(r.place_type),
                name=str(r.name),
                geom=g,
            )
            for i, (r, g) in enumerate(
                zip(city.places_gdf.itertuples(index=False), city.places_gdf.geometry, strict=True)
            )
        ]
    if city.incidents_gdf is not None:
        rows += [
            IncidentRow(
                city_id=city_id,
                position=i,
                incident_id=str(r.incident_id),
                segment_id=str(r.segment_id),
                geom=g,
            )
            for i, (r, g) in enumerate(
                zip(
                    city.incidents_gdf.itertuples(index=False),
                    city.incidents_gdf.geometry,
                    strict=True,
                )
            )
        ]
    return rows


def _frame(
    columns: Sequence[str], records: list[dict[str, Any]], geoms: list[Any]
) -> gpd.GeoDataFrame:
    data: dict[str, Any] = {}
    for col in columns:
        values = [r[col] for r in records]
        if col in _INT_COLUMNS:
            data[col] = np.array(values, dtype=np.int64)
        elif col in _FLOAT_COLUMNS:
            data[col] = np.array(values, dtype=np.float64)
        else:
            data[col] = pd.Series(values)  # the default text dtype, as ingest makes it
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=WGS84).values, crs=WGS84)


def city_from_rows(
    zones: Iterable[ZoneRow],
    segments: Iterable[SegmentRow],
    places: Iterable[PlaceRow] | None,
    incidents: Iterable[IncidentRow] | None,
    report_json: str,
) -> PreparedCity:
    """The PreparedCity the rows were made from (``None`` places or incidents: not given)."""
    zone_list = sorted(zones, key=lambda r: r.position)
    zones_gdf = _frame(
        ("zone_id", "name"),
        [{"zone_id": z.zone_id, "name": z.name} for z in zone_list],
        [z.geom for z in zone_list],
    )
    segs = sorted(segments, key=lambda r: r.position)
    placed = [s for s in segs if s.placed]
    unplaced = [s for s in segs if not s.placed]

    def record(s: SegmentRow) -> dict[str, Any]:
        return {c: getattr(s, c) for c in {*SEGMENT_COLUMNS, *UNPLACED_COLUMNS}}

    segments_gdf = _frame(SEGMENT_COLUMNS, [record(s) for s in placed], [s.geom for s in placed])
    unplaced_gdf = _frame(
        UNPLACED_COLUMNS, [record(s) for s in unplaced], [s.geom for s in unplaced]
    )
    places_gdf = None
    if places is not None:
        pl = sorted(places, key=lambda r: r.position)
        places_gdf = _frame(
            ("place_id", "place_type", "name"),
            [{"place_id": p.place_id, "place_type": p.place_type, "name": p.name} for p in pl],
            [p.geom for p in pl],
        )
    incidents_gdf = None
    if incidents is not None:
        inc = sorted(incidents, key=lambda r: r.position)
        incidents_gdf = _frame(
            ("incident_id",), [{"incident_id": i.incident_id} for i in inc], [i.geom for i in inc]
        )
        incidents_gdf["segment_id"] = pd.Series([i.segment_id for i in inc])
    return PreparedCity(
        zones_gdf=zones_gdf,
        segments_gdf=segments_gdf,
        unplaced_gdf=unplaced_gdf,
        places_gdf=places_gdf,
        incidents_gdf=incidents_gdf,
        report=report_from_json(report_json),
    )


# --- chiefs --------------------------------------------------------------------------------


def chiefs_to_rows(chiefs: Sequence[Chief], chief_set_id: int) -> list[ChiefRow]:
    return [
        ChiefRow(
            chief_set_id=chief_set_id,
            position=i,
            chief_id=c.chief_id,
            name=c.name,
            zone_id=c.zone_id,
            level=c.level.value,
            max_patrols_per_week=c.max_patrols_per_week,
            unavailable=_times_json(c.unavailable),
            phone=c.phone,
            supervisor_id=c.supervisor_id,
            avoid=_times_json(c.avoid),
        )
        for i, c in enumerate(chiefs)
    ]


def chiefs_from_rows(rows: Iterable[ChiefRow]) -> list[Chief]:
    out = []
    for r in sorted(rows, key=lambda r: r.position):
        out.append(
            Chief(
                chief_id=r.chief_id,
                name=r.name,
                zone_id=r.zone_id,
                level=ChiefLevel(r.level),
                max_patrols_per_week=r.max_patrols_per_week,
                unavailable=_times_from_json(r.unavailable),
                phone=r.phone,
                supervisor_id=r.supervisor_id,
                avoid=_times_from_json(r.avoid),
            )
        )
    return out


def _times_json(times: Unavailability) -> str:
    """Dates, weekdays and half-days as JSON (for ``unavailable`` and ``avoid``)."""
    return json.dumps(
        {
            "dates": sorted(d.isoformat() for d in times.dates),
            "weekdays": sorted(times.weekdays),
            "half_days": sorted([wd, am] for wd, am in times.half_days),
        }
    )


def _times_from_json(text: str) -> Unavailability:
    raw = json.loads(text or "{}")
    return Unavailability(
        frozenset(dt.date.fromisoformat(d) for d in raw.get("dates", [])),
        frozenset(int(w) for w in raw.get("weekdays", [])),
        frozenset((int(w), bool(am)) for w, am in raw.get("half_days", [])),
    )


# --- a planned week ------------------------------------------------------------------------


def ownership_to_rows(ownership: Ownership, run_id: int) -> list[RunOwner | RunRoadOwner]:
    rows: list[RunOwner | RunRoadOwner] = [
        RunOwner(run_id=run_id, position=i, segment_id=s, chief_id=c)
        for i, (s, c) in enumerate(ownership.owner_of.items())
    ]
    rows += [
        RunRoadOwner(run_id=run_id, position=i, zone_id=z, road=road, chief_id=c)
        for i, ((z, road), c) in enumerate(ownership.road_owner_of.items())
    ]
    return rows


def ownership_from_rows(owners: Iterable[RunOwner], roads: Iterable[RunRoadOwner]) -> Ownership:
    return Ownership(
        owner_of={r.segment_id: r.chief_id for r in sorted(owners, key=lambda r: r.position)},
        road_owner_of={
            (r.zone_id, r.road): r.chief_id for r in sorted(roads, key=lambda r: r.position)
        },
    )


def roster_to_rows(roster: Roster, run_id: int) -> list[RunAssignment | RunPart]:
    rows: list[RunAssignment | RunPart] = [
        RunAssignment(
            run_id=run_id,
            position=i,
            day=a.day,
            slot_id=a.slot_id,
            chief_id=a.chief_id,
            segment_id=a.segment_id,
            tour_id=a.tour_id,
            order=a.order,
        )
        for i, a in enumerate(roster.assignments)
    ]
    rows += [
        RunPart(run_id=run_id, position=i, part=name, **_stats_of(p))
        for i, (name, p) in enumerate(roster.parts.items())
    ]
    return rows


def _stats_of(source: SolveStats | RunPart) -> dict[str, Any]:
    """The ``SolveStats`` fields of a part, by name: a ``run_part`` row has a column for each."""
    return {f.name: getattr(source, f.name) for f in dataclasses.fields(SolveStats)}


def roster_from_rows(
    week: Week, assignments: Iterable[RunAssignment], parts: Iterable[RunPart]
) -> Roster:
    return Roster(
        week=week,
        assignments=tuple(
            Assignment(a.day, a.slot_id, a.chief_id, a.segment_id, a.tour_id, a.order)
            for a in sorted(assignments, key=lambda a: a.position)
        ),
        parts={p.part: SolveStats(**_stats_of(p)) for p in sorted(parts, key=lambda p: p.position)},
    )
