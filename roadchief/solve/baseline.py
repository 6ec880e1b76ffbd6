"""The benchmark baseline: every zone's greedy roster, each part scored by the checker.

No ortools: the greedy (``roster/greedy.py``) and the independent checker are pure Python.
"""

from __future__ import annotations

import time

from roadchief.domain import Ownership, PatrolInstance, Roster, SolveStats
from roadchief.solve.check.checker import check_roster
from roadchief.solve.roster.fit import fit_tours
from roadchief.solve.roster.greedy import greedy_tours
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.tours import assignments_of


def greedy_roster(instance: PatrolInstance, ownership: Ownership) -> Roster:
    """The greedy roster of every zone; each part's objective is recomputed by the checker."""
    assignments = []
    walls = {}
    for zone in zone_problems(instance, ownership):
        t0 = time.perf_counter()
        assignments.extend(assignments_of(zone, fit_tours(zone, greedy_tours(zone)).tours))
        walls[zone.zone_id] = time.perf_counter() - t0
    roster = Roster(instance.week, tuple(sorted(assignments)), {})
    report = check_roster(instance, ownership, roster)
    parts = {
        z: SolveStats("GREEDY", float(zc.objective), 0.0, walls.get(z, 0.0), 0)
        for z, zc in report.zones.items()
    }
    return Roster(instance.week, roster.assignments, parts)
