"""Beats: a zone's segments grouped into short walks whose segments the rules treat alike.

A beat joins nearby segments of one owner that carry the same demand, slot windows,
personal patrols, spread rule and last patrol, and no pin. It may be patrolled by the
people who may patrol each of its segments, and is cut before a segment that would leave
it no helper besides the owner: nearby segments mostly share their nearest helpers, and
asking all of them to share every helper (as beats first did) cut the demo's biggest zone
into 128 beats, not 53, and its beat model took 7.7 s, not 1.8 s, to its optimum, the
same roster. The beat zone is
an ordinary ``ZoneProblem`` whose "segments" are the beats (lengths and 10 m units
summed), so the roster model, its rules and the greedy run on it unchanged. Walking a beat
means walking every segment of it, so a beat roster expands into a segment roster that
keeps every hard rule and costs exactly the same: every cost is per 10 m or per tour.
It is a restriction (a beat is never split), used to find a good roster fast; the segment
model then improves it and proves its bound.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from roadchief.domain import Segment
from roadchief.solve.roster.cells import WalkCells
from roadchief.solve.roster.zone import Tours, ZoneProblem

BEAT_M = 1500.0
"""Longest beat, in metres (a quarter of a segment chief's tour)."""

STEP_M = 400.0
"""Farthest step between the midpoints of two consecutive segments of one beat."""


@dataclass(frozen=True)
class Beats:
    """A zone's beats: the beat zone and, per beat, its segments in the segment zone."""

    zone: ZoneProblem
    members: tuple[tuple[int, ...], ...]

    def expand(self, tours: Tours) -> Tours:
        """The segment tours that walk the beats of ``tours``."""
        return {
            key: (t, sorted(s for b in beats for s in self.members[b]))
            for key, (t, beats) in tours.items()
        }


def _signature(zone: ZoneProblem, s: int) -> tuple[object, ...] | None:
    """What segments of one beat must share; None for a segment that stays alone."""
    if any(ss == s for _p, ss, _d, _t in zone.pins):
        return None
    return (
        zone.owner[s],
        zone.demand[s],
        zone.windows[s] if zone.windows else (),
        zone.accountable[s] if zone.accountable else 0,
        zone.spread_days[s] if zone.spread_days else 0,
        zone.last_offset[s] if zone.last_offset else None,
        zone.priority[s] if zone.priority else 1,
        zone.per_day[s] if zone.per_day else 1,
    )


def _chain(zone: ZoneProblem, group: list[int]) -> list[int]:
    """The group's segments in a nearest-neighbour walk from its westmost midpoint."""
    segs = zone.segments
    return zone.chained(sorted(group, key=lambda s: (segs[s].x_m, segs[s].y_m, s)))


def _cut(zone: ZoneProblem, chain: list[int], beat_m: float) -> list[list[int]]:
    """The chain cut into beats of at most ``beat_m`` with short steps, each with someone
    besides the owner who may patrol all of it (if its first segment has such a helper),
    that fit the tour of everyone who may patrol all of it."""
    segs = zone.segments
    out: list[list[int]] = []
    who: set[int] = set()
    length = 0.0
    for s in chain:
        if out:
            last = segs[out[-1][-1]]
            step = math.hypot(segs[s].x_m - last.x_m, segs[s].y_m - last.y_m)
            joint = who & set(zone.patrollers[s])
            helped = len(joint - {zone.owner[s]}) >= min(1, len(who - {zone.owner[s]}))
            cm = zone.model_cm([*out[-1], s])
            cap = min((zone.cap_cm[p] for p in joint), default=0)
            if length + segs[s].length_m <= beat_m and step <= STEP_M and helped and cm <= cap:
                out[-1].append(s)
                who = joint
                length += segs[s].length_m
                continue
        out.append([s])
        who = set(zone.patrollers[s])
        length = segs[s].length_m
    return out


def make_beats(zone: ZoneProblem, beat_m: float = BEAT_M) -> Beats:
    """Group the zone's segments into beats (one segment per beat where none share).

    A re-plan keeps every segment alone: its cost of changes counts patrols, not length.
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    members: list[list[int]] = []
    for s in range(len(zone.segments)):
        sig = None if zone.replan else _signature(zone, s)
        if sig is None:
            members.append([s])
        else:
            groups.setdefault(sig, []).append(s)
    for group in groups.values():
        members.extend(_cut(zone, _chain(zone, group), beat_m))
    members.sort()
    return Beats(_beat_zone(zone, members), tuple(tuple(m) for m in members))


def _beat_segment(zone: ZoneProblem, member: list[int]) -> Segment:
    """A stand-in segment for a beat: its first segment's id and class, summed length,
    mean midpoint."""
    first = zone.segments[member[0]]
    if len(member) == 1:
        return first
    n = len(member)
    return dataclasses.replace(
        first,
        segment_id=f"{first.segment_id}+{n - 1}",
        length_m=sum(zone.segments[s].length_m for s in member),
        x_m=sum(zone.segments[s].x_m for s in member) / n,
        y_m=sum(zone.segments[s].y_m for s in member) / n,
    )


def _everyones(zone: ZoneProblem, member: list[int]) -> tuple[int, ...]:
    """The people who may patrol every segment of a beat, in index order."""
    return tuple(sorted(set.intersection(*(set(zone.patrollers[s]) for s in member))))


def _beat_zone(zone: ZoneProblem, members: list[list[int]]) -> ZoneProblem:
    """The zone with beats as its segments."""
    beat_of = {s: b for b, m in enumerate(members) for s in m}
    firsts = [m[0] for m in members]

    return dataclasses.replace(
        zone,
        segments=tuple(_beat_segment(zone, m) for m in members),
        owner=tuple(zone.owner[s] for s in firsts),
        # a beat's steps and cells within it are part of its length in the model
        length_cm=tuple(zone.model_cm(m) for m in members),
        own_cm=tuple(sum(zone.short_cm[s] for s in m) for m in members),
        given_cells=_beat_cells(zone, members),
        units_10m=tuple(sum(zone.units_10m[s] for s in m) for m in members),
        demand=tuple(zone.demand[s] for s in firsts),
        patrollers=tuple(_everyones(zone, m) for m in members),
        windows=tuple(zone.windows[s] for s in firsts) if zone.windows else (),
        accountable=tuple(zone.accountable[s] for s in firsts) if zone.accountable else (),
        spread_days=tuple(zone.spread_days[s] for s in firsts) if zone.spread_days else (),
        last_offset=tuple(zone.last_offset[s] for s in firsts) if zone.last_offset else (),
        priority=tuple(zone.priority[s] for s in firsts) if zone.priority else (),
        per_day=tuple(zone.per_day[s] for s in firsts) if zone.per_day else (),
        pins=frozenset((p, beat_of[s], d, t) for p, s, d, t in zone.pins),
        rechecks=tuple((beat_of[s], last) for s, last in zone.rechecks),
    )


def _beat_cells(zone: ZoneProblem, members: list[list[int]]) -> WalkCells:
    """A beat's cell: its segments' cell if they share one, else a cell of its own (the
    cells it spans are in its length): a beat tour is planned at no less than its
    segments' tour, so an expanded beat roster fits the segment model."""
    cell = zone.cells.cell
    own = max(cell, default=-1) + 1
    out = []
    for m in members:
        inside = {cell[s] for s in m}
        if len(inside) == 1:
            out.append(cell[m[0]])
        else:
            out.append(own)
            own += 1
    return WalkCells(tuple(out), zone.cells.step_cm, zone.cells.cell_cm, zone.cells.side_m)
