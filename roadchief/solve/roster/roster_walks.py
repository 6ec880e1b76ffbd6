"""A roster's tours measured: each on the streets of its zones, the steps traced for the
maps, and the walk in figures (summary.json, explain.md).

One tour's walk on one network is ``walk.py``; this module only picks the network of each
tour and sums or traces what ``walk.py`` measures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from roadchief.domain import PatrolInstance, Roster, Segment
from roadchief.solve.roster.walk import DETOUR_FACTOR, TourWalk, WalkNetwork


def _zone_networks(
    segments: Sequence[Segment], tours: Mapping[str, Sequence[str]], detour_factor: float
) -> dict[str, WalkNetwork]:
    """Each tour's network (tour id -> segment ids): the streets of the zones its segments
    lie in, as the roster model's zones measure it; one network per set of zones."""
    by_id = {s.segment_id: s for s in segments}
    by_zone: dict[str, list[Segment]] = {}
    for s in segments:
        by_zone.setdefault(s.zone_id, []).append(s)
    networks: dict[tuple[str, ...], WalkNetwork] = {}
    out = {}
    for tour_id, ids in tours.items():
        key = tuple(sorted({by_id[i].zone_id for i in ids}))
        net = networks.get(key)
        if net is None:
            members = [s for z in key for s in by_zone[z]]
            net = networks[key] = WalkNetwork(members, detour_factor=detour_factor)
        out[tour_id] = net
    return out


def roster_walks(
    segments: Sequence[Segment],
    tours: Mapping[str, Sequence[str]],
    *,
    detour_factor: float = DETOUR_FACTOR,
) -> dict[str, TourWalk]:
    """Each tour (tour id -> segment ids in walking order) walked in its order, on the
    streets of the zones its segments lie in, as the roster model's zones measure it."""
    networks = _zone_networks(segments, tours, detour_factor)
    return {tour_id: networks[tour_id].walk_in_order(ids) for tour_id, ids in tours.items()}


@dataclass(frozen=True)
class Step:
    """The streets of one measured step of a tour: the segments passed, each with its
    direction (True: walked from ``to_node`` to ``from_node``); empty and ``straight`` when
    the network does not join the two segments, or joins them by another length than
    the one measured."""

    segments: tuple[tuple[str, bool], ...]
    straight: bool


WalkedTour = tuple[Sequence[str], Sequence[bool], Sequence[int]]
"""A tour as measured: segment ids in walking order, each one's direction (True: walked
from ``to_node`` to ``from_node``) and the measured walk to each (0 for the first)."""


def step_paths(
    tours: Mapping[str, WalkedTour], segments: Sequence[Segment]
) -> dict[str, list[Step]]:
    """Each tour's steps (one per segment after the first), by tour id, traced on the
    network the walk was measured on and kept only where the trace is the measured length:
    a map then draws the walk that was measured. Nothing is decided here: the order and the
    directions are the tour's."""
    by_id = {s.segment_id: s for s in segments}
    networks = _zone_networks(
        segments, {t: ids for t, (ids, _r, _w) in tours.items()}, DETOUR_FACTOR
    )
    legs = {t: _legs(ids, reverse, by_id) for t, (ids, reverse, _w) in tours.items()}
    sources: dict[int, tuple[WalkNetwork, set[int]]] = {}
    for tour_id, net in networks.items():
        sources.setdefault(id(net), (net, set()))[1].update(end for end, _ in legs[tour_id])
    for net, ends in sources.values():  # one search per network, from every step's start
        net.trace(ends)
    out = {}
    for tour_id, (_ids, _reverse, walk_to_cm) in tours.items():
        net, steps = networks[tour_id], []
        for k, (end, start) in enumerate(legs[tour_id], start=1):
            path = net.path(end, start) if net.node_cm(end, start) == walk_to_cm[k] else None
            steps.append(Step((), True) if path is None else Step(path, False))
        out[tour_id] = steps
    return out


def _legs(
    ids: Sequence[str], reverse: Sequence[bool], by_id: Mapping[str, Segment]
) -> list[tuple[int, int]]:
    """Each step's (node it leaves from, node it reaches): the end of one segment as walked
    and the start of the next."""
    out = []
    for k in range(1, len(ids)):
        prev, this = by_id[ids[k - 1]], by_id[ids[k]]
        end = prev.from_node if reverse[k - 1] else prev.to_node
        start = this.to_node if reverse[k] else this.from_node
        out.append((end, start))
    return out


def measure_roster(instance: PatrolInstance, roster: Roster) -> dict[str, TourWalk]:
    """Every tour of ``roster`` walked in its order (``roster_walks``), by tour id."""
    tours = {tour_id: [a.segment_id for a in items] for tour_id, items in roster.tours().items()}
    return roster_walks(instance.segments, tours, detour_factor=instance.context.walk_detour_factor)


def walk_summary(walks: Mapping[str, TourWalk], caps_cm: Mapping[str, int]) -> dict[str, Any]:
    """The roster's walk in figures (summary.json ``walk``, explain.md): km walked, the
    connecting walk and its share, steps estimated by straight line, tours over the cap."""
    segments_cm = sum(w.segments_cm for w in walks.values())
    walk_cm = sum(w.walk_cm for w in walks.values())
    over = {t: w.total_cm - caps_cm[t] for t, w in walks.items() if w.total_cm > caps_cm[t]}
    worst = max(over.items(), key=lambda kv: (kv[1], kv[0]), default=None)
    return {
        "walked_km": round((segments_cm + walk_cm) / 1e5, 3),
        "segments_km": round(segments_cm / 1e5, 3),
        "connecting_km": round(walk_cm / 1e5, 3),
        "connecting_share": round(walk_cm / max(1, segments_cm + walk_cm), 4),
        "steps": sum(max(0, len(w.order) - 1) for w in walks.values()),
        "steps_by_straight_line": sum(w.islands for w in walks.values()),
        "tours_over_cap": len(over),
        "worst_over_cap_m": round(worst[1] / 100, 1) if worst else 0.0,
        "worst_over_cap_tour": worst[0] if worst else None,
    }
