"""Measure an ownership: balance, pieces, spread and road splits per chief and zone, moves.

Pure data, no ortools: re-derives everything from the instance and the ownership, so the
benchmark and ``ownership.json`` judge any method (and the baseline) the same way.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from roadchief.domain import Ownership, PatrolInstance, Segment
from roadchief.solve.ownership.graph import pieces, road_key, segment_graph, workload
from roadchief.solve.ownership.owners import owners_by_zone
from roadchief.solve.ownership.partition import PartitionWeights

SHORT_ROAD_M = PartitionWeights().short_road_m
"""Roads up to this length (within a zone) should not be split between chiefs."""


@dataclass(frozen=True)
class ChiefStats:
    """What one chief owns."""

    chief_id: str
    zone_id: str
    segments: int
    km: float
    workload: float
    """Metres walked a week for the required patrols (length x patrols per week)."""
    pieces: int
    """Connected pieces of the road graph."""
    diameter_m: float
    """Largest distance between two owned segment midpoints."""
    hull_area_m2: float
    """Area of the convex hull of the owned segment midpoints."""


@dataclass(frozen=True)
class ZoneStats:
    """Balance and compactness of one zone's owners, against the bounds where they exist."""

    zone_id: str
    segments: int
    owners: int
    road_pieces: int
    """Connected pieces of the zone's own road graph: a lower limit on the zone's pieces."""
    workload_target: float
    """Perfect balance: the zone's workload over its owners (the bound on the heaviest)."""
    workload_max: float
    workload_min: float
    balance_ratio: float | None
    """Heaviest / lightest owner; None with one owner or an owner without segments."""
    pieces_sum: int
    pieces_bound: int
    """max(owners holding segments, road pieces): no cut can have fewer pieces."""
    roads: int
    roads_split: int
    short_roads_split: int
    """Roads of at most SHORT_ROAD_M split between chiefs."""


@dataclass(frozen=True)
class OwnershipReport:
    """The measures of ``ownership.json``."""

    segments_placed: int
    segments_owned: int
    balance_ratio: float | None
    """The worst zone's heaviest / lightest owner."""
    max_over_target: float
    """The worst owner's workload over their zone's perfect-balance workload."""
    pieces_max: int
    pieces_mean: float
    moved: int | None
    """Segments whose owner changed from the earlier ownership (None without one)."""
    moved_required: int | None
    """Of those, segments whose earlier owner no longer owns in the zone: they must move."""
    roads_owned: int
    roads_total: int
    zones: list[ZoneStats]
    chiefs: list[ChiefStats]
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def measure_ownership(
    instance: PatrolInstance,
    ownership: Ownership,
    *,
    previous: Mapping[str, str] | None = None,
) -> OwnershipReport:
    """Every measure of the issue, per chief and zone, and the city summary."""
    owners = owners_by_zone(instance)
    road_owners = owners_by_zone(instance, roads=True)
    zones: list[ZoneStats] = []
    chiefs: list[ChiefStats] = []
    warnings: list[str] = []
    roads_total = 0
    for zone_id, segs in sorted(instance.segments_by_zone().items()):
        zone_owners = [c.chief_id for c in owners.get(zone_id, [])]
        if not segs:
            if zone_owners:
                warnings.append(
                    f"zone {zone_id}: {len(zone_owners)} owning chief(s) but no placed "
                    f"segment ({', '.join(zone_owners)} own nothing)"
                )
            continue
        roads_here = {road_key(s) for s in segs}
        roads_total += len(roads_here)
        if not road_owners.get(zone_id):
            warnings.append(
                f"zone {zone_id}: {len(roads_here)} roads but no chief of a level that owns "
                "roads; add one (an l2 chief by default) to have every road owned"
            )
        zs, cs = _measure_zone(zone_id, segs, zone_owners, ownership)
        zones.append(zs)
        chiefs.extend(cs)
        idle = [c.chief_id for c in cs if c.segments == 0]
        if idle:
            warnings.append(
                f"zone {zone_id}: more owning chiefs than can be given segments; "
                f"{', '.join(idle)} own nothing"
            )
    moved = moved_required = None
    if previous is not None:
        moved = moved_required = 0
        owner_zone = {c.chief_id: z for z, cs_ in owners.items() for c in cs_}
        for seg in instance.segments:
            before = previous.get(seg.segment_id)
            if before is None:
                continue
            if ownership.owner_of.get(seg.segment_id) != before:
                moved += 1
                if owner_zone.get(before) != seg.zone_id:
                    moved_required += 1
    ratios = [z.balance_ratio for z in zones if z.balance_ratio is not None]
    over = [
        c.workload / z.workload_target
        for z in zones
        for c in chiefs
        if c.zone_id == z.zone_id and z.workload_target > 0
    ]
    owning = [c for c in chiefs if c.segments]
    return OwnershipReport(
        segments_placed=len(instance.segments),
        segments_owned=sum(1 for s in instance.segments if ownership.owner_of.get(s.segment_id)),
        balance_ratio=round(max(ratios), 4) if ratios else None,
        max_over_target=round(max(over, default=0.0), 4),
        pieces_max=max((c.pieces for c in owning), default=0),
        pieces_mean=round(sum(c.pieces for c in owning) / len(owning), 3) if owning else 0.0,
        moved=moved,
        moved_required=moved_required,
        roads_owned=len(ownership.road_owner_of),
        roads_total=roads_total,
        zones=zones,
        chiefs=chiefs,
        warnings=warnings,
    )


def _measure_zone(
    zone_id: str, segs: list[Segment], owner_ids: list[str], ownership: Ownership
) -> tuple[ZoneStats, list[ChiefStats]]:
    segs = sorted(segs, key=lambda s: s.segment_id)
    graph = segment_graph(segs)
    owned: dict[str, list[int]] = {c: [] for c in owner_ids}
    for i, s in enumerate(segs):
        owner = ownership.owner_of.get(s.segment_id)
        if owner is not None:
            owned.setdefault(owner, []).append(i)
    chiefs = []
    for chief_id, items in sorted(owned.items()):
        pts = [(segs[i].x_m, segs[i].y_m) for i in items]
        chiefs.append(
            ChiefStats(
                chief_id=chief_id,
                zone_id=zone_id,
                segments=len(items),
                km=round(sum(segs[i].length_m for i in items) / 1000, 3),
                workload=round(sum(workload(segs[i]) for i in items), 1),
                pieces=len(pieces(graph, items)),
                diameter_m=round(_diameter(pts), 1),
                hull_area_m2=round(_hull_area(pts), 1),
            )
        )
    loads = [c.workload for c in chiefs]
    total = sum(workload(s) for s in segs)
    road_pieces = len(pieces(graph, range(len(segs))))
    by_road: dict[str, set[str]] = {}
    road_len: dict[str, float] = {}
    for s in segs:
        by_road.setdefault(road_key(s), set()).add(ownership.owner_of.get(s.segment_id, ""))
        road_len[road_key(s)] = road_len.get(road_key(s), 0.0) + s.length_m
    split = [r for r, who in by_road.items() if len(who) > 1]
    holding = sum(1 for c in chiefs if c.segments)
    stats = ZoneStats(
        zone_id=zone_id,
        segments=len(segs),
        owners=len(chiefs),
        road_pieces=road_pieces,
        workload_target=round(total / len(chiefs), 1) if chiefs else 0.0,
        workload_max=max(loads, default=0.0),
        workload_min=min(loads, default=0.0),
        balance_ratio=(
            round(max(loads) / min(loads), 4) if len(loads) > 1 and min(loads) > 0 else None
        ),
        pieces_sum=sum(c.pieces for c in chiefs),
        pieces_bound=max(holding, road_pieces),
        roads=len(by_road),
        roads_split=len(split),
        short_roads_split=sum(1 for r in split if road_len[r] <= SHORT_ROAD_M),
    )
    return stats, chiefs


def _hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Convex hull, counter-clockwise (Andrew's monotone chain)."""
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _hull_area(points: list[tuple[float, float]]) -> float:
    hull = _hull(points)
    if len(hull) < 3:
        return 0.0
    return (
        abs(
            sum(
                hull[i][0] * hull[(i + 1) % len(hull)][1]
                - hull[(i + 1) % len(hull)][0] * hull[i][1]
                for i in range(len(hull))
            )
        )
        / 2
    )


def _diameter(points: list[tuple[float, float]]) -> float:
    hull = _hull(points)
    return max(
        (math.dist(p, q) for k, p in enumerate(hull) for q in hull[k + 1 :]),
        default=0.0,
    )
