"""Colours of the maps: one per owner, unlike their neighbours', and one per weekday."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from roadchief.domain import Ownership, PatrolInstance

OWNER_PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#9467bd",
    "#17becf",
    "#e377c2",
    "#8c564b",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#7b4173",
    "#3182bd",
)
"""Distinct line colours for chiefs; red is kept for unplaced segments."""

UNPLACED_COLOUR = "#d62728"
COVERAGE_COLOURS: tuple[tuple[str, str], ...] = (
    ("none planned", "#7b3294"),
    ("part planned", "#e08214"),
    ("met", "#1a9850"),
    ("more than required", "#00441b"),
    ("none required", "#9e9e9e"),
)
"""A segment's colour by planned over required patrols (message, colour); distinct from
the red of unplaced segments. ``assets/map.js`` picks them in this order."""


def coverage_class(planned: int, required: int) -> int:
    """The index in ``COVERAGE_COLOURS`` of a segment's patrols planned against required."""
    if required <= 0:
        return 4
    if planned <= 0:
        return 0
    return 1 if planned < required else 2 if planned == required else 3


def coverage_colour(planned: int, required: int) -> str:
    """The colour of a segment by its patrols planned against required (as ``map.js``)."""
    return COVERAGE_COLOURS[coverage_class(planned, required)][1]


DAY_PALETTE: tuple[str, ...] = (
    "#1f77b4",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#17becf",
    "#8c564b",
    "#e377c2",
)
"""Tour colour by weekday on a chief's map (Monday first)."""


def colour_chiefs(
    instance: PatrolInstance,
    ownership: Ownership,
    palette: Sequence[str] = OWNER_PALETTE,
) -> dict[str, str]:
    """Give every owner a colour unlike those of the owners whose segments touch theirs.

    A greedy graph colouring (most neighbours first, ties by chief id), so the same
    ownership always gets the same colours. Chiefs touch when their segments share a node.
    """
    neighbours = _chief_adjacency(instance, ownership)
    order = sorted(neighbours, key=lambda c: (-len(neighbours[c]), c))
    colour_of: dict[str, int] = {}
    for chief_id in order:
        taken = [colour_of[n] for n in neighbours[chief_id] if n in colour_of]
        free = [i for i in range(len(palette)) if i not in taken]
        colour_of[chief_id] = free[0] if free else min(range(len(palette)), key=taken.count)
    return {c: palette[i] for c, i in colour_of.items()}


def _chief_adjacency(instance: PatrolInstance, ownership: Ownership) -> dict[str, set[str]]:
    """Map each owner to the owners whose segments share a node with theirs."""
    neighbours: dict[str, set[str]] = {c: set() for c in ownership.owner_of.values()}
    owners_at: dict[int, set[str]] = defaultdict(set)
    for seg in instance.segments:
        owner = ownership.owner_of.get(seg.segment_id)
        if owner is not None:
            owners_at[seg.from_node].add(owner)
            owners_at[seg.to_node].add(owner)
    for owners in owners_at.values():
        for a in owners:
            neighbours[a] |= owners - {a}
    return neighbours
