"""Plan a week's patrol roster: every zone on its own, then zones left short with outside help."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from roadchief.domain import Assignment, Ownership, PatrolInstance, Roster, SolveStats
from roadchief.solve.lanes.processes import local_cores
from roadchief.solve.roster.cross_zone import (
    PHASE_SHARE,
    help_short_zones,
    relax_strict,
    reserve_share,
)
from roadchief.solve.roster.patrollers import prefetch_helpers
from roadchief.solve.roster.prepare import zone_problems
from roadchief.solve.roster.solve_zone import MIN_SOLVE_S
from roadchief.solve.roster.tours import assignments_of, tours_of
from roadchief.solve.roster.zones import solve_zones
from roadchief.solve.settings import SolverSettings


def plan_roster(
    instance: PatrolInstance,
    ownership: Ownership,
    settings: SolverSettings,
    *,
    start: Sequence[Assignment] = (),
    on_zone: Callable[[str, str], None] | None = None,
) -> Roster:
    """The week's roster, each zone solved on its own (CP-SAT, warm-started from the greedy),
    then zones left short again with helpers from nearby zones (``cross_zone.py``); raise
    if a zone has no solution.

    ``settings.time_limit_s`` is the whole budget, cross-zone help included: when cross-zone
    help is on, a zone is bound to be short and another is not
    (``cross_zone.reserve_share``), phase 1 leaves ``PHASE_SHARE`` of it to phase 2,
    which gets what phase 1 left. Deterministic mode counts work, not wall time: phase 1
    gets the whole budget and phase 2 ``PHASE_SHARE`` of it more, fixed. The zones are
    solved in ``settings.lanes`` lanes that run side by side (``zones.py``), smallest
    first, each with its share by model size of the time left, so time a zone leaves
    unused (proved optimal early) goes to the zones after it: on local processes to any
    lane, as each zone is handed to the first lane free; elsewhere within its lane. Outside
    deterministic mode the budget includes setting the zones up (helpers, warm starts).
    With ``settings.deterministic``, the same inputs, seed and lanes give the same roster
    wherever the lanes run: each zone gets a fixed share of the budget as CP-SAT
    *deterministic* time, searched with ``interleave_search``.

    ``start``: assignments to warm-start from (last week's roster moved to this week's
    weekdays, or the roster being re-planned); the greedy completes them, and the better
    of that and the plain greedy is the hint.

    ``on_zone(zone id, status)``: progress, called in this process once per zone as its
    own solve ends (local processes: as it ends; Dask: as its lane ends), before any
    cross-zone help; the status is its ``SolveStats.status`` then.
    """
    started = time.perf_counter()
    lanes = settings.lanes or local_cores()
    prefetch_helpers(instance, ownership, min(lanes, local_cores()))
    zones = sorted(zone_problems(instance, ownership), key=lambda z: (z.size, z.zone_id))
    strict = {z.zone_id: z.strict for z in zones}
    zones = relax_strict(zones, instance)
    warm = [tours_of(zone, start) if start else None for zone in zones]
    budget = settings.time_limit_s
    time_limit_s = budget
    if not settings.deterministic:  # the zones' set-up is part of the budget
        time_limit_s = max(0.0, budget - (time.perf_counter() - started))
    reserve = 0.0 if settings.deterministic else reserve_share(zones, instance)
    results = solve_zones(
        zones, warm, settings, time_limit_s=(1.0 - reserve) * time_limit_s, on_zone=on_zone
    )
    if settings.deterministic:  # work units, on top of phase 1's, as fixed as its
        help_s = PHASE_SHARE * budget
    else:  # what phase 1 left of the budget; at least a second if it left nothing
        help_s = max(MIN_SOLVE_S, budget - (time.perf_counter() - started))
    zones, results = help_short_zones(
        instance, ownership, zones, results, settings, strict=strict, time_limit_s=help_s
    )
    assignments = []
    parts: dict[str, SolveStats] = {}
    for zone, (tours, stats) in zip(zones, results, strict=True):
        assignments.extend(assignments_of(zone, tours))
        parts[zone.zone_id] = stats
    return Roster(instance.week, tuple(sorted(assignments)), dict(sorted(parts.items())))
