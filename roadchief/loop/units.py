"""Units that fix problems (责任单位) and frontage duty holders (门前三包), and routing.

A case goes to a unit by its category and its place: first a frontage duty holder lining
the case's segment that takes the category, then a unit of the category's zone, then a
unit of the whole city. A unit takes the categories it lists (sub or main class codes),
or, listing none, those whose handler is its kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from roadchief.loop.categories import HANDLER_KINDS, Category


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    kind: str
    """One of HANDLER_KINDS (城管执法, 环卫, 市政, 交警, 园林, 生态环境, 门前三包)."""
    contact: str = ""
    categories: frozenset[str] = frozenset()
    """Sub or main class codes it takes; empty: those whose handler is its kind."""
    zones: frozenset[str] = frozenset()
    """Zones it serves; empty: the whole city."""
    frontage: frozenset[str] = frozenset()
    """Segments its frontage lines (门前三包), from segment ids or its geometry."""

    @property
    def kind_zh(self) -> str:
        return HANDLER_KINDS.get(self.kind, self.kind)

    def serves(self, zone_id: str) -> bool:
        return not self.zones or zone_id in self.zones

    def takes(self, category: Category) -> bool:
        if self.categories:
            return category.code in self.categories or category.main.code in self.categories
        return category.handler == self.kind


@dataclass(frozen=True)
class Route:
    unit_id: str
    reason: str
    """Why this unit (or, with no unit, why none)."""


def route(category: Category, segment_id: str, zone_id: str, units: Sequence[Unit]) -> Route:
    """The unit a case of ``category`` on ``segment_id`` in ``zone_id`` goes to."""
    takers = [u for u in units if u.takes(category)]
    for unit in takers:
        if segment_id and segment_id in unit.frontage:
            return Route(unit.unit_id, f"门前三包: frontage on {segment_id}")
    for unit in takers:
        if unit.kind != "frontage" and zone_id and zone_id in unit.zones:
            return Route(unit.unit_id, f"{unit.kind_zh} of zone {zone_id}")
    for unit in takers:
        if unit.kind != "frontage" and not unit.zones:
            return Route(unit.unit_id, f"{unit.kind_zh} of the city")
    if category.handler == "frontage":
        fallback = [u for u in units if u.kind == "enforcement" and u.serves(zone_id)]
        if fallback:
            return Route(fallback[0].unit_id, "no frontage holder on the segment: 城管执法")
    return Route(
        "",
        f"no unit takes {category.code} ({category.name}) in zone {zone_id or '(none)'}; "
        "add one to the units file",
    )


def duty_holders(segment_id: str, units: Sequence[Unit]) -> list[Unit]:
    """The frontage duty holders lining a segment, for its 路段长."""
    return [u for u in units if segment_id in u.frontage]
