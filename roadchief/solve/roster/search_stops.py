"""Callbacks that end a zone's search early: at a roster costing the zone's capacity floor,
or at a roster whose tours do not fit once walked (``solve_zone`` then prices their far
cells and searches again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from ortools.sat.python import cp_model

from roadchief.solve.roster.zone import Tours
from roadchief.solve.roster.zone_model import ZoneModel

T = TypeVar("T")


class StopAtFloor(cp_model.CpSolverSolutionCallback, Generic[T]):
    """Ends a search at a roster that costs the zone's capacity floor: no roster of the
    model costs less, so it is optimal, and the time left goes to the zones still open
    (``zones.solve_zones`` hands it out). CP-SAT's own bound often stays below it
    (the demo's zone 9: 482 against 512, fairness it cannot see). ``keep`` reads the
    solution there (``kept``): a search stopped so may end with no solution in its
    response (CP-SAT 9.15, two workers interleaved); ``read`` gives it, or else reads the
    solver's."""

    def __init__(
        self,
        floor: float,
        keep: Callable[[cp_model.CpSolver | cp_model.CpSolverSolutionCallback], T],
    ):
        super().__init__()
        self.floor = floor
        self.keep = keep
        self.kept: T | None = None
        self.at_floor = False

    def on_solution_callback(self) -> None:
        if self.kept is None and self.objective_value <= self.floor:
            self.kept = self.keep(self)
            self.at_floor = True
            self.stop_search()

    def read(self, solver: cp_model.CpSolver) -> T:
        """The solution kept where the search stopped, or else ``keep`` of the solver's best."""
        return self.kept if self.kept is not None else self.keep(solver)

    def status(self, status: cp_model.CpSolverStatus) -> cp_model.CpSolverStatus:
        """The search's status, optimal if it stopped at the floor."""
        return cp_model.OPTIMAL if self.at_floor else status


class StopOverCap(StopAtFloor[Tours]):
    """Also ends the search at a roster with a tour that walks past its cap once its walk is
    measured (``over_cap``), when ``watch``: the model's walk (``cells.py``) was too little
    for it, and what the search builds on such tours the walk repair drops. Where a zone's
    people cannot walk its demand every tour is full and the search, given the zone's
    whole time, ended with such tours (central Shanghai at 25%: 19 of 29 tours of a zone,
    their walk between segments 1.5-3.2 times what was planned). Walks are measured once
    per set of segments (``WalkNetwork.plan_walk`` keeps them).

    Watched, the model's rooms are widened (``ZoneModel.widen_rooms``), so its own floor
    does not bound it: ``floor`` must then be one of every roster as walked
    (``capacity_floor`` on segments alone), and only a roster that fits once walked stops
    the search there. With the model's floor, a search hinted with a widened roster
    cheaper than that floor stopped at once and was called optimal (Cambridge at 10%,
    zone 4: 62,318 against a floor of every roster of 5,885, 14 of its 15 s unused)."""

    def __init__(self, zm: ZoneModel, floor: float, watch: bool):
        super().__init__(floor, lambda found: zm.vars.extract(found, zm.zone))
        self.zm = zm
        self.watch = watch
        self.over_cap: Tours = {}
        self.fitting: Tours | None = None
        """The last roster found whose tours all fit once walked (a search's rosters only
        get cheaper, so its cheapest of them)."""

    def on_solution_callback(self) -> None:
        if self.kept is not None:
            return
        if self.watch:  # past its cap: stopped here; else it fits, and may be at the floor
            tours = self.keep(self)
            over = self.zm.zone.over_cap(tours)
            if over:
                self.kept, self.over_cap = tours, over
                self.stop_search()
                return
            self.fitting = tours
        super().on_solution_callback()
