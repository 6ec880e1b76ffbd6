"""The walk the model plans with, scaled to tours of the zone's own streets where people are
short (``calibrate.py``).

Two straight roads 50 m apart that no crossing joins, ten segments of 100 m each, every
segment once a week; a owns the first road, b the second, each with one tour of at most
1 km a week. Cells of 4 segments hold a segment of each road, so the cells plan a step
of 65 m (the straight line between the roads, times the detour factor); each road walked
on its own has no step at all.
"""

from __future__ import annotations

import dataclasses

from roadchief.domain import PlanContext, Segment
from roadchief.solve import SolverSettings, check_roster, plan_roster
from roadchief.solve.roster.calibrate import calibrated, territory_tours
from roadchief.solve.roster.capacity import unmet_floor
from roadchief.solve.roster.prepare import zone_problems
from solve_factory import MON, instance, owned, person


def road(name: str, y: float, first_node: int) -> list[Segment]:
    """Ten 100 m segments end to end along y, nodes from ``first_node``."""
    return [
        Segment(
            f"{name}{k}", name, "A", f"Road {name}", "branch", 100.0, 100.0 * k + 50, y,
            first_node + k, first_node + k + 1, 1,
        )
        for k in range(10)
    ]  # fmt: skip


ROADS = road("r", 0.0, 0) + road("q", 50.0, 100)
OWNERS = owned({s.segment_id: ("a" if s.segment_id.startswith("r") else "b") for s in ROADS})


def two_roads(cell_segments: int = 4):  # type: ignore[no-untyped-def]
    people = [person("a", max_week=1), person("b", max_week=1)]
    context = PlanContext(walk_cell_segments=cell_segments)
    return instance(ROADS, people, days=(MON,), context=context), OWNERS


def test_a_territory_is_cut_into_tours_at_its_owners_cap() -> None:
    zone = zone_problems(*two_roads())[0]
    tours = territory_tours(zone)
    assert sorted(tours) == [0, 1]
    for p, cut in tours.items():
        assert [(len(segs), walk) for segs, walk in cut] == [(10, 0)]  # 1 km, no step
        assert {zone.owner[s] for s in cut[0][0]} == {p}


def test_cells_that_plan_a_walk_the_roads_do_not_walk_are_scaled_to_none() -> None:
    zone = zone_problems(*two_roads())[0]
    assert zone.cells.step_cm == 6_500 and unmet_floor(zone) > 0  # short as the cells plan
    scaled = calibrated(zone)
    assert (scaled.cells.step_cm, scaled.cells.cell_cm) == (0, 0)
    assert scaled.cells.cell == zone.cells.cell and unmet_floor(scaled) == 0
    assert scaled.walk is zone.walk  # the same streets, not measured again


def test_nothing_is_scaled_without_cells_or_up() -> None:
    zone = zone_problems(*two_roads(cell_segments=0))[0]
    assert calibrated(zone) is zone  # no cells: the allowance a step
    inst, own = two_roads()
    apart = tuple(
        dataclasses.replace(s, from_node=200 + 2 * k, to_node=201 + 2 * k)
        for k, s in enumerate(ROADS)
    )
    zone = zone_problems(dataclasses.replace(inst, segments=apart), own)[0]
    assert calibrated(zone) is zone  # territories walk more than the cells plan: kept


def test_a_zone_short_as_the_cells_plan_walks_every_patrol_its_roads_allow() -> None:
    inst, own = two_roads()
    r = plan_roster(inst, own, SolverSettings(time_limit_s=5.0, workers=1, lanes=1))
    report = check_roster(inst, own, r)
    assert report.ok, report.violations
    assert len(r.assignments) == 20 and r.parts["A"].patrols_dropped == 0
    # the cells' walk planned every tour past its cap: the roster walked cost less than
    # the model's floor, which then bounded nothing (the floor on segments was shown)
    assert r.parts["A"].bound_on == "model" and r.parts["A"].status == "OPTIMAL"
