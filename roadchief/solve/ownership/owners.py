"""One road, one chief (一路一长): give every segment one owner, balanced, compact and stable.

Per zone, the segments are cut into one connected region per owning chief by
``roadchief.solve.ownership.partition`` (seeded region growing, then local search on balance, cut,
road runs and pieces). Workload is length x required patrols a week. With an earlier
ownership, every segment starts with its earlier owner if that chief still owns in the zone,
and a move away from the earlier owner costs; pins never move. A second, separate mapping
gives whole roads (segments sharing a name within a zone) to the levels that own roads
(``owns_roads``, L2 by default), cut the same way on the graph of roads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from roadchief.domain import Chief, Ownership, PatrolInstance, Segment
from roadchief.errors import InfeasibleError
from roadchief.solve.lanes.processes import map_lanes
from roadchief.solve.ownership.graph import road_graph, road_key, segment_graph, workload
from roadchief.solve.ownership.grow import UNOWNED
from roadchief.solve.ownership.partition import PartitionWeights, partition

__all__ = ["assign_owners", "owners_by_zone", "partition_zone", "road_key", "workload"]


def owners_by_zone(instance: PatrolInstance, *, roads: bool = False) -> dict[str, list[Chief]]:
    """The chiefs of each zone who may own segments (or, with ``roads``, whole roads)."""
    chiefs_by_zone = instance.chiefs_by_zone()
    out: dict[str, list[Chief]] = {}
    for zone in instance.zones:
        people = chiefs_by_zone.get(zone.zone_id, [])
        out[zone.zone_id] = sorted(
            (
                c
                for c in people
                if (instance.limits[c.level].owns_roads if roads else _owns_segments(instance, c))
            ),
            key=lambda c: c.chief_id,
        )
    return out


def _owns_segments(instance: PatrolInstance, chief: Chief) -> bool:
    return instance.limits[chief.level].owns_segments


def assign_owners(
    instance: PatrolInstance,
    *,
    previous: Mapping[str, str] | None = None,
    pins: Mapping[str, str] | None = None,
    weights: PartitionWeights | None = None,
    parallel: int = 1,
) -> Ownership:
    """Owners for every placed segment, and road owners where a zone has any.

    Parameters
    ----------
    instance
        The measured city.
    previous
        segment id -> chief id of an earlier ownership: kept wherever balance allows.
        Segments or chiefs that no longer exist are ignored.
    pins
        segment id -> chief id that must hold (validated by ``roadchief.io.ownership``).
    weights
        Weights of the partition objective.
    parallel
        Local processes the zones are shared among (the result is the same).

    Raises
    ------
    InfeasibleError
        Naming every zone that has segments but no chief who may own them, and every pin
        that names a chief who cannot own the segment.
    """
    pins = dict(pins or {})
    segs_by_zone = instance.segments_by_zone()
    owners = owners_by_zone(instance)
    road_owners = owners_by_zone(instance, roads=True)
    _check_owners(instance, segs_by_zone, owners, pins)
    jobs = [
        ZoneOwnersJob(
            zone_id,
            tuple(segs),
            tuple(owners[zone_id]),
            tuple(road_owners.get(zone_id, ())),
            None if previous is None else _only(previous, segs),
            _only(pins, segs),
            weights,
        )
        for zone_id, segs in sorted(segs_by_zone.items())
        if segs
    ]
    sizes = [len(j.segments) for j in jobs]
    results = map_lanes(own_zones, jobs, sizes, parallel, what="owning segments")
    owner_of: dict[str, str] = {}
    road_owner_of: dict[tuple[str, str], str] = {}
    for job, (segment_owners, roads) in zip(jobs, results, strict=True):
        owner_of.update(segment_owners)
        road_owner_of.update({(job.zone_id, road): chief for road, chief in roads.items()})
    return Ownership(owner_of, road_owner_of)


@dataclass(frozen=True)
class ZoneOwnersJob:
    """One zone's ownership inputs: all a process gets when zones are owned in parallel."""

    zone_id: str
    segments: tuple[Segment, ...]
    owners: tuple[Chief, ...]
    road_owners: tuple[Chief, ...]
    previous: Mapping[str, str] | None
    pins: Mapping[str, str]
    weights: PartitionWeights | None


def own_zones(jobs: Sequence[ZoneOwnersJob]) -> list[tuple[dict[str, str], dict[str, str]]]:
    """Per zone: segment id -> owner, and road key -> road owner."""
    out = []
    for j in jobs:
        segment_owners = partition_zone(
            j.segments, j.owners, previous=j.previous, pins=j.pins, weights=j.weights
        )
        roads = partition_roads(j.segments, j.road_owners) if j.road_owners else {}
        out.append((segment_owners, roads))
    return out


def _only(ids: Mapping[str, str], segs: Sequence[Segment]) -> dict[str, str]:
    """The entries of ``ids`` for ``segs``."""
    return {s.segment_id: ids[s.segment_id] for s in segs if s.segment_id in ids}


def _check_owners(
    instance: PatrolInstance,
    segs_by_zone: Mapping[str, list[Segment]],
    owners: Mapping[str, list[Chief]],
    pins: Mapping[str, str],
) -> None:
    """Raise one InfeasibleError naming every zone without an owner and every bad pin."""
    missing = [z for z, segs in sorted(segs_by_zone.items()) if segs and not owners.get(z)]
    lines = []
    if missing:
        levels = ", ".join(lv.value for lv, lim in instance.limits.items() if lim.owns_segments)
        detail = "; ".join(f"{z} ({len(segs_by_zone[z])} segments)" for z in missing)
        lines.append(
            f"one road one chief: {len(missing)} zone(s) have road segments but no chief who "
            f"may own them: {detail}. Add a chief of an owning level ({levels or 'none'}) "
            "to each of these zones, or let another level own segments in the rules file"
        )
    seg_zone = {s.segment_id: s.zone_id for s in instance.segments}
    for seg_id, chief_id in sorted(pins.items()):
        zone_id = seg_zone.get(seg_id)
        allowed = {c.chief_id for c in owners.get(zone_id or "", [])}
        if zone_id is None or chief_id not in allowed:
            lines.append(
                f"pin {seg_id} -> {chief_id}: the chief is not an owning chief of the "
                f"segment's zone {zone_id or '(segment not placed)'}"
            )
    if lines:
        raise InfeasibleError("\n".join(lines))


def partition_zone(
    segments: Sequence[Segment],
    owners: Sequence[Chief],
    *,
    previous: Mapping[str, str] | None = None,
    pins: Mapping[str, str] | None = None,
    weights: PartitionWeights | None = None,
) -> dict[str, str]:
    """segment_id -> owner id for one zone: connected regions of similar workload.

    Also cuts staff beats (``roadchief.solve.roster.patrollers``)."""
    segs = sorted(segments, key=lambda s: s.segment_id)
    ids = [c.chief_id for c in sorted(owners, key=lambda c: c.chief_id)]
    if not segs or not ids:
        return {}
    index = {c: k for k, c in enumerate(ids)}
    fixed = {
        i: index[(pins or {})[s.segment_id]]
        for i, s in enumerate(segs)
        if (pins or {}).get(s.segment_id) in index
    }
    if len(ids) == 1:
        return {s.segment_id: ids[0] for s in segs}
    graph = segment_graph(segs)
    start: list[int] | None = None
    if previous is not None:
        start = [index.get(previous.get(s.segment_id, ""), UNOWNED) for s in segs]
        if all(r == UNOWNED for r in start):
            start = None  # nothing to keep here: a fresh cut
    region = partition(graph, len(ids), fixed=fixed, start=start, previous=start, weights=weights)
    return {s.segment_id: ids[region[i]] for i, s in enumerate(segs)}


def partition_roads(segments: Sequence[Segment], owners: Sequence[Chief]) -> dict[str, str]:
    """road key -> owner id for one zone: whole roads, in connected groups of similar load."""
    ids = [c.chief_id for c in sorted(owners, key=lambda c: c.chief_id)]
    graph = road_graph(segments)
    if not ids or not len(graph):
        return {}
    if len(ids) == 1:
        return {road: ids[0] for road in graph.ids}
    region = partition(graph, len(ids), weights=PartitionWeights(piece=500.0))
    return {road: ids[region[i]] for i, road in enumerate(graph.ids)}
