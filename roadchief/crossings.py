"""Name a segment by the roads it runs between: "X Road, from A to B" (signboards, maps)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from roadchief.domain import Segment


def segment_ends(segments: Iterable[Segment]) -> dict[str, tuple[str, str]]:
    """The crossing road at each end of every segment, ``""`` where none is named.

    At a node, the crossing road is the first name (in text order) of the other roads that
    meet there; a dead end or a node where only the segment's own road continues has none.
    """
    segs = list(segments)
    names_at: dict[int, set[str]] = defaultdict(set)
    for s in segs:
        if s.road_name:
            names_at[s.from_node].add(s.road_name)
            names_at[s.to_node].add(s.road_name)

    def crossing(node: int, own: str) -> str:
        others = sorted(names_at.get(node, set()) - {own})
        return others[0] if others else ""

    return {
        s.segment_id: (crossing(s.from_node, s.road_name), crossing(s.to_node, s.road_name))
        for s in segs
    }


def describe_span(road: str, ends: tuple[str, str]) -> str:
    """``淮海中路（思南路—重庆南路）``-style text; only what is known is shown."""
    first, last = ends
    span = f"{first}—{last}" if first and last and first != last else first or last
    return f"{road}（{span}）" if span else road
