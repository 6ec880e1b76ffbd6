"""Who may patrol a segment: its owner and a bounded number of nearby helpers.

Pure data, no ortools: the roster model, the greedy and the checker all read this one rule,
so the model offers exactly the helpers the checker accepts.

A zone's *active* patrollers are its people whose level patrols, who may walk at least one
tour a week and are available in at least one slot of the week. Each has a territory: the
segments they own, or, for active patrollers who own none (patrollers, L2 chiefs), a beat
of the zone cut the way ownership is (contiguous, similar workload). A person's distance to a
segment is the distance from the segment's midpoint to the nearest midpoint of their
territory. A segment may be patrolled by its owner and by the ``helpers_per_segment`` other
active patrollers of its zone nearest to it (ties by id); with no bound (None), by every
active patroller of the zone.

Why a bound: letting everyone help everywhere gives a zone of P people and S segments
P x S x days patrol choices (145,000 on central Shanghai), most of them absurd (a helper
walking one street at the far end of the zone), and CP-SAT then never leaves presolve.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from roadchief.domain import Chief, Ownership, PatrolInstance, Segment
from roadchief.solve.lanes.processes import map_lanes
from roadchief.solve.ownership.owners import partition_zone

MEMO_SIZE = 4096
"""Zones whose helpers are remembered (same segments, people, owners and bound): the
roster's set-up, the greedy and the checker ask for the same zones, a city's worth of
small dicts."""
_MEMO: dict[tuple[object, ...], dict[str, tuple[str, ...]]] = {}

CHUNK = 256
"""Territory segments compared at once (bounds memory to segments x CHUNK distances)."""


def active_patrollers(instance: PatrolInstance, people: list[Chief]) -> list[Chief]:
    """The people who can walk a tour this week, sorted by id."""
    return sorted(
        (
            c
            for c in people
            if instance.limits[c.level].patrols
            and c.max_patrols_per_week > 0
            and any(c.available(d, t) for d in instance.days for t in instance.slots)
        ),
        key=lambda c: c.chief_id,
    )


def patrollers_by_segment(
    instance: PatrolInstance, ownership: Ownership
) -> dict[str, tuple[str, ...]]:
    """segment id -> ids of the people who may patrol it: the owner (if active), then helpers
    nearest first. Segments whose zone has no active patroller map to ``()``."""
    out: dict[str, tuple[str, ...]] = {}
    chiefs_by_zone = instance.chiefs_by_zone()
    for zone_id, segs in sorted(instance.segments_by_zone().items()):
        if segs:
            people = active_patrollers(instance, chiefs_by_zone.get(zone_id, []))
            pinned = {(a.segment_id, a.chief_id) for a in instance.context.pins}
            out.update(
                zone_patrollers(
                    segs, people, ownership.owner_of, instance.helpers_per_segment, pinned=pinned
                )
            )
    return out


def zone_patrollers(
    segments: list[Segment],
    people: list[Chief],
    owner_of: Mapping[str, str],
    helpers: int | None,
    *,
    pinned: set[tuple[str, str]] | None = None,
) -> dict[str, tuple[str, ...]]:
    """The rule of this module for one zone; ``people`` are its active patrollers.

    A person pinned by hand to a segment (``pinned``: (segment_id, chief_id)) may patrol it
    even when not among its nearest helpers.
    """
    key = _memo_key(segments, people, owner_of, helpers)
    found = _MEMO.get(key)
    if found is None:  # the partition behind it takes seconds: model, greedy, checker share it
        found = _zone_patrollers(segments, people, owner_of, helpers)
        _remember(key, found)
    out = dict(found)
    for seg_id, chief_id in sorted(pinned or ()):
        known = any(c.chief_id == chief_id for c in people)
        if seg_id in out and chief_id not in out[seg_id] and known:
            out[seg_id] = (*out[seg_id], chief_id)
    return out


@dataclass(frozen=True)
class HelpersJob:
    """One zone's inputs to its helpers: all a process gets when zones are set up in parallel."""

    segments: tuple[Segment, ...]
    people: tuple[Chief, ...]
    owner_of: Mapping[str, str]
    helpers: int | None


def find_helpers(jobs: Sequence[HelpersJob]) -> list[dict[str, tuple[str, ...]]]:
    """Per job: segment id -> the people who may patrol it (the rule of this module)."""
    return [_zone_patrollers(list(j.segments), list(j.people), j.owner_of, j.helpers) for j in jobs]


PARALLEL_AT_LEAST = 5000
"""Segments from which a city's helpers are worked out on several processes: starting them
costs about what they save on the demo city (2,587 segments: 3.4 s in one, 3.2 s on two);
on its 10x copy they save 15 s (33.3 s in one, 18.5 s on two)."""


def prefetch_helpers(instance: PatrolInstance, ownership: Ownership, parallel: int) -> None:
    """Work out the helpers of every zone not yet remembered on ``parallel`` local processes
    (one below ``PARALLEL_AT_LEAST`` segments), and remember them: the staff beats behind
    them are most of the roster's set-up, and the zones are independent."""
    if len(instance.segments) < PARALLEL_AT_LEAST:
        parallel = 1
    chiefs_by_zone = instance.chiefs_by_zone()
    jobs: list[HelpersJob] = []
    keys = []
    for zone_id, zone_segs in sorted(instance.segments_by_zone().items()):
        segs = sorted(zone_segs, key=lambda s: s.segment_id)
        people = active_patrollers(instance, chiefs_by_zone.get(zone_id, []))
        key = _memo_key(segs, people, ownership.owner_of, instance.helpers_per_segment)
        owned = all(s.segment_id in ownership.owner_of for s in segs)  # else zone_problems says
        if segs and owned and key not in _MEMO:
            owners = {s.segment_id: ownership.owner_of[s.segment_id] for s in segs}
            jobs.append(
                HelpersJob(tuple(segs), tuple(people), owners, instance.helpers_per_segment)
            )
            keys.append(key)
    sizes = [len(j.segments) for j in jobs]
    found = map_lanes(find_helpers, jobs, sizes, parallel, what="finding each zone's helpers")
    for key, helpers in zip(keys, found, strict=True):
        _remember(key, helpers)


def _memo_key(
    segments: Sequence[Segment],
    people: Sequence[Chief],
    owner_of: Mapping[str, str],
    helpers: int | None,
) -> tuple[object, ...]:
    """The same key whatever order the zone's segments and people come in (the set-up, the
    greedy and the checker list them differently; the rule sorts them itself)."""
    ids = sorted(s.segment_id for s in segments)
    return (
        tuple(ids),
        tuple(sorted(c.chief_id for c in people)),
        tuple(owner_of.get(i) for i in ids),
        helpers,
    )


def _remember(key: tuple[object, ...], found: dict[str, tuple[str, ...]]) -> None:
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[key] = found


def _zone_patrollers(
    segments: list[Segment],
    people: list[Chief],
    owner_of: Mapping[str, str],
    helpers: int | None,
) -> dict[str, tuple[str, ...]]:
    segs = sorted(segments, key=lambda s: s.segment_id)
    ids = [c.chief_id for c in people]
    if not ids:
        return {s.segment_id: () for s in segs}
    owner = [owner_of.get(s.segment_id) for s in segs]
    if helpers is None or helpers >= len(ids):
        return {
            s.segment_id: tuple(
                ([o] if o in ids else []) + [i for i in ids if i != o]  # owner first
            )
            for s, o in zip(segs, owner, strict=True)
        }
    index = {c: k for k, c in enumerate(ids)}
    territory: list[list[int]] = [[] for _ in ids]
    for i, o in enumerate(owner):
        if o is not None and o in index:
            territory[index[o]].append(i)
    idle = [c for c in people if not territory[index[c.chief_id]]]
    if idle:
        beat = partition_zone(segs, idle)
        for i, s in enumerate(segs):
            territory[index[beat[s.segment_id]]].append(i)
    xy = np.array([(s.x_m, s.y_m) for s in segs], dtype=np.float64)
    dist = np.full((len(segs), len(ids)), np.inf)  # no territory (more staff than segments): last
    for k, own in enumerate(territory):
        for start in range(0, len(own), CHUNK):
            diff = xy[:, None, :] - xy[None, own[start : start + CHUNK], :]
            near = np.sqrt((diff**2).sum(axis=2).min(axis=1))
            dist[:, k] = np.minimum(dist[:, k], near)
    order = np.argsort(dist, axis=1, kind="stable")  # ties keep id order
    out = {}
    for i, s in enumerate(segs):
        o = owner[i]
        first = [o] if o in index else []
        near = [ids[k] for k in order[i] if ids[k] != o][:helpers]
        out[s.segment_id] = tuple(first + near)
    return out
