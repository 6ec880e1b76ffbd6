"""Tour length: a tour's segments and the walk between them fit the level's km per tour."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


class TourLength(Rule):
    """A tour's segments, plus ``step_cm`` for each step from one to the next and
    ``cell_cm`` for each walk cell entered after the first (``cells.py``), add up to at most
    the level's ``max_km_per_tour``, or to what its pins take if more (pins are checked on
    their measured walk); the walk itself is measured after solving and the tours fitted
    to it, ``fit.py``; the checker measures the walk in the tour's order."""

    name = "tour length"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        cell = zone.cells.cell
        for (p, d), items in v.by_tour.items():
            room = zone.tour_room_cm(p, d)
            cells = v.cell_on.get((p, d), {})
            for s, var in items:  # a segment walked: its cell is entered
                if cell[s] in cells:
                    model.add_implication(var, cells[cell[s]])
            if zone.model_cm([s for s, _ in items]) > room:
                v.tour_rows[(p, d)] = [length_row(model, zone, v, (p, d), room)]
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        for tour, w in sorted(facts.walks.items()):
            cap = facts.caps_cm[tour]
            if w.total_cm > cap:
                m.violations.append(
                    f"tour length: {tour} walks {w.total_cm / 1e5:.3f} km ({w.segments_cm / 1e5:.3f} "
                    f"km of segments, {w.walk_cm / 1e5:.3f} km between them), "
                    f"{(w.total_cm - cap) / 100:.0f} m more than its {cap / 1e5:g} km"
                )
        return m


def length_row(
    model: cp_model.CpModel,
    zone: ZoneProblem,
    v: RosterVars,
    key: tuple[int, int],
    room: int,
    more: cp_model.IntVar | None = None,
) -> cp_model.Constraint:
    """The row keeping tour ``key`` (person, day) within ``room``: its segments, a step
    each and an entry into each cell it walks in, plus ``more`` walk if given, at most
    ``room``, a step and an entry (the first segment and cell take none) when it is
    walked."""
    step, enter = zone.cells.step_cm, zone.cells.cell_cm
    planned = sum((zone.length_cm[s] + step) * var for s, var in v.by_tour[key]) + sum(
        enter * var for var in v.cell_on.get(key, {}).values()
    )
    if more is not None:
        planned += more
    return model.add(planned <= walked_room(zone, v, key, room) * v.on[key])


def walked_room(zone: ZoneProblem, v: RosterVars, key: tuple[int, int], room: int) -> int:
    """The right-hand side of tour ``key``'s row (``length_row``) for a tour of ``room``:
    the room, plus the step and the entry the row counts for a first segment and cell."""
    return room + zone.cells.step_cm + (zone.cells.cell_cm if key in v.cell_on else 0)
