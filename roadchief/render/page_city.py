"""The city as every page of a run looks it up: segment lines as [lat, lon], street names,
the crossings a segment runs between, segments by zone and street labels placed once."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from roadchief.crossings import segment_ends
from roadchief.domain import PatrolInstance
from roadchief.geo.city import PreparedCity
from roadchief.i18n import clean_text
from roadchief.render.draw import Draw, geometry_by_segment
from roadchief.render.street_labels import LatLon, angle_deg, street_labels

__all__ = ["LatLon", "PageCity", "along", "line_bounds", "page_city"]


@dataclass(frozen=True)
class PageCity:
    """What every page looks segments up in: lines as [lat, lon] and names."""

    lines: Mapping[str, list[LatLon]]
    roads: Mapping[str, str]
    spans: Mapping[str, str]
    by_zone: Mapping[str, list[str]]
    labels: Mapping[str, list[dict[str, Any]]]
    """Street names of each zone, placed once for every page that shows the zone."""
    marks: dict[tuple[str, bool], tuple[LatLon, LatLon, float]] = dataclasses.field(
        default_factory=dict
    )
    """(segment, walked backwards) -> its midpoint, and the point and angle of its arrow."""

    def line(self, segment_id: str, reverse: bool) -> list[LatLon]:
        """A segment's points in the direction it is walked."""
        return self.lines[segment_id][::-1] if reverse else self.lines[segment_id]

    def mark(self, segment_id: str, reverse: bool) -> tuple[LatLon, LatLon, float]:
        """Midpoint, arrow point and arrow angle of a segment walked one way (kept)."""
        key = (segment_id, reverse)
        found = self.marks.get(key)
        if found is None:
            line = self.line(segment_id, reverse)
            at, angle = along(line, 0.7)
            found = self.marks[key] = (along(line, 0.5)[0], at, angle)
        return found


def page_city(city: PreparedCity, instance: PatrolInstance, draw: Draw) -> PageCity:
    geometry = geometry_by_segment(city.segments_gdf, draw)
    lines = {sid: _latlon(geom) for sid, (geom, _) in geometry.items()}
    ends = segment_ends(instance.segments)
    by_zone: dict[str, list[str]] = {}
    for seg in instance.segments:
        by_zone.setdefault(seg.zone_id, []).append(seg.segment_id)
    spans = {sid: " — ".join(clean_text(e) for e in pair if e) for sid, pair in ends.items()}
    roads = {s.segment_id: clean_text(s.road_name) for s in instance.segments}
    labels = {
        zone: street_labels([(roads[s], lines[s]) for s in ids]) for zone, ids in by_zone.items()
    }
    return PageCity(lines=lines, roads=roads, spans=spans, by_zone=by_zone, labels=labels)


def _latlon(geom: Mapping[str, Any]) -> list[LatLon]:
    """A GeoJSON line (or multi-line, parts joined) as [lat, lon] points."""
    coords = geom["coordinates"]
    if geom["type"] == "MultiLineString":
        coords = [xy for part in coords for xy in part]
    return [[float(y), float(x)] for x, y, *_ in coords]


def along(line: Sequence[LatLon], share: float) -> tuple[LatLon, float]:
    """The point ``share`` of the way along a line (by vertices' distance) and the line's
    screen angle there, in degrees clockwise from east."""
    if len(line) < 2:
        return (list(line[0]) if line else [0.0, 0.0]), 0.0
    cos = math.cos(math.radians(line[0][0]))
    legs = [math.hypot((b[1] - a[1]) * cos, b[0] - a[0]) for a, b in itertools.pairwise(line)]
    goal = sum(legs) * share
    for (a, b), leg in zip(itertools.pairwise(line), legs, strict=True):
        if goal <= leg:
            f = goal / leg if leg else 0.0
            at = [round(a[0] + (b[0] - a[0]) * f, 6), round(a[1] + (b[1] - a[1]) * f, 6)]
            return at, angle_deg(a, b)
        goal -= leg
    return list(line[-1]), angle_deg(line[-2], line[-1])


def line_bounds(points: Sequence[LatLon]) -> list[LatLon]:
    """``[[south, west], [north, east]]`` of the points."""
    if not points:
        return [[0.0, 0.0], [0.0, 0.0]]
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]
