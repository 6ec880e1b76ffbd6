"""Solve one zone's week: warm start, beat model, segment model, walk repair, its stats."""

from __future__ import annotations

import dataclasses
import time

from ortools.sat.python import cp_model

from roadchief.domain import SolveStats
from roadchief.errors import InfeasibleError, SolverError
from roadchief.solve.roster.beats import Beats, make_beats
from roadchief.solve.roster.calibrate import calibrated
from roadchief.solve.roster.capacity import capacity_floor, unmet_floor, zone_bound
from roadchief.solve.roster.fit import FittedTours, fit_tours, segment_changes
from roadchief.solve.roster.greedy import RICHEST, VARIANTS, greedy_tours
from roadchief.solve.roster.infeasible import explain_core, strict_shortfalls
from roadchief.solve.roster.refill import refill_tours
from roadchief.solve.roster.search_stops import StopOverCap
from roadchief.solve.roster.tours import patrols_short
from roadchief.solve.roster.zone import Tours, ZoneProblem
from roadchief.solve.roster.zone_model import ZoneModel
from roadchief.solve.settings import SolverSettings

MIN_SOLVE_S = 1.0
"""Least search time a zone gets after its model is built, whatever its share of the budget."""

BEAT_SHARE = 0.5
"""Share of a zone's search time given to its beat model (``beats.py``) before the segment
model; 0: no beat model (the greedy on beats still competes for the warm start)."""

BEAT_MIN_S = 0.2
"""Least time worth a beat model; below it the segment model gets the whole time."""

BEATS_AT_MOST = 0.8
"""Beats are solved first only when there are at most this share of the segments."""

WARM_FIT_SHARE = 0.5
"""Share of a zone's time the greedy's variants may take to fit to the measured walk
(``greedy_fits``), the rest left to the beat model and the search: on Helsinki at 25%
staffing, a zone of 734 segments took 4-9 s a fit, 77 s for all ten of its 120 s; 1.2-2.5
s a fit, 18 s for all ten, since the refill looks steps up along a tour (``refill.py``)."""

SEGMENT_RESERVE_S = (0.2, 5e-5)
"""Time the segment model keeps after the beats: seconds, plus seconds per patrol choice.
Measured on the demo at 30 s (2 busy cores): (0.3, 1e-4) left the small, hard zone 2 no
time for beats (city gap 7.4% and 8.4%); (0.2, 5e-5) gave 5.3% and 3.7%."""


CONFIRM_S = 0.5
"""Search time a watched zone keeps for its last search: from a roster the walk repair cut
down, so that the roster delivered is one the model plans (``solve_zone``)."""


SYMMETRY_LEVEL = 4
"""CP-SAT's ``symmetry_level``, how hard it looks for the model's symmetries and uses
them (its default is 2, at most 4). Measured on the demo at 15 s (``bench_demo_roster.py
--time-limit 15 --lanes 2 --repeats 5/10``, seeds 0-24, 2 cores): 25 runs at 2 gave gaps
of 0-5.81%, 4 of them above 0.5% (one roster 6% dearer); at 4, 0-0.42%, none above. On
the cities bench at 120 s, each row within its run-to-run spread, and the walk repair
dropping at most 1% of planned patrols on every row (README, "Symmetry")."""


def cp_solver(
    limit_s: float, settings: SolverSettings, *, presolve: bool = True
) -> cp_model.CpSolver:
    """A CP-SAT solver searching for ``limit_s`` with roadchief's parameters, then
    ``settings.cp_params``."""
    solver = cp_model.CpSolver()
    if settings.deterministic:
        solver.parameters.max_deterministic_time = limit_s
        solver.parameters.max_time_in_seconds = 20.0 * limit_s + 60.0
        solver.parameters.interleave_search = True
    else:
        solver.parameters.max_time_in_seconds = limit_s
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    solver.parameters.cp_model_presolve = presolve
    solver.parameters.symmetry_level = SYMMETRY_LEVEL
    for name, value in sorted(dict(settings.cp_params).items()):
        try:
            setattr(solver.parameters, name, value)
        except (AttributeError, TypeError, ValueError) as exc:
            raise SolverError(f"CP-SAT parameter {name}={value!r} is not valid: {exc}") from exc
    return solver


def stopped_by_clock(
    solver: cp_model.CpSolver, status: cp_model.CpSolverStatus | int, deterministic: bool
) -> bool:
    """True if a deterministic search ended at its wall-clock safety cap: unfinished, and
    short of its deterministic limit."""
    if not deterministic or status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
        return False
    return (
        solver.response_proto.deterministic_time < 0.999 * solver.parameters.max_deterministic_time
    )


def _beat_tours(
    beats: Beats, limit_s: float, settings: SolverSettings
) -> tuple[Tours | None, bool]:
    """The segment tours of the best beat roster found in ``limit_s`` from the beats'
    greedy (None if none is found), and whether the search stopped by the clock."""
    bm = ZoneModel.build(beats.zone)
    bm.add_hint(greedy_tours(beats.zone))
    solver = cp_solver(limit_s, settings)
    status = solver.solve(bm.model)
    clock = stopped_by_clock(solver, status, settings.deterministic)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, clock
    return beats.expand(bm.vars.extract(solver, beats.zone)), clock


def solve_zone(
    zone: ZoneProblem,
    settings: SolverSettings,
    *,
    time_limit_s: float,
    start: Tours | None = None,
) -> tuple[Tours, SolveStats]:
    """Build, warm-start and solve one zone in ``time_limit_s`` (its share of the city's
    budget) with the knobs of ``settings``; raise if it yields no roster.

    The warm start is the cheapest of the greedy, the greedy on beats, the greedy
    completing ``start`` and the roster of the beat model searched for ``BEAT_SHARE`` of
    the time; the segment
    model (not presolved: on the demo its presolve took longer than its first bound) then
    searches from it for the rest and proves the bound. If that search ends without a
    solution (status UNKNOWN: out of time, or stopped after presolve), the warm start is
    the zone's answer, reported with status ``GREEDY`` and the solver's bound, so the gap
    says how far from proven it is.

    Where the zone's people cannot walk its demand (``unmet_floor``), the model plans the
    walk as tours of the zone's own streets walk it (``calibrate.py``), the search starts
    from the warm start fitted to the measured walk, its tours' rooms widened so that the
    model takes them (``ZoneModel.widen_rooms``), and stops at the first roster with a
    tour that does not fit once walked (``StopOverCap``); those tours are forbidden and
    the far cells they joined priced (``ZoneModel.forbid_over_cap``), and the search
    starts again from the cheaper of that roster fitted and the one kept, until the
    zone's time is up: a local search whose judge is the walk itself. The last search's
    cheapest roster whose tours all fit is a candidate too (it loses nothing to the fit).
    The search stops early only at a floor of every roster as walked (``StopOverCap``).
    If the roster kept is still one the walk repair cut down, a last search of
    ``CONFIRM_S`` (kept from the zone's time) starts from it, so that the roster
    delivered is one the model plans.
    """
    t0 = time.perf_counter()
    deterministic, seed = settings.deterministic, settings.seed
    if zone.strict:
        short = strict_shortfalls(zone)
        if short:
            raise InfeasibleError(
                f"zone {zone.zone_id}: no roster covers every required patrol (--strict); "
                f"{len(short)} problem(s):\n" + "\n".join(f"  - {s}" for s in short)
            )
    # every tour full, so what does not fit once walked is lost; a search stopped by the
    # walk is not repeatable (deterministic mode)
    watch = not deterministic and unmet_floor(zone) > 0
    if watch:  # the walk planned as the zone's own streets walk it (``calibrate.py``)
        zone = calibrated(zone)
    zm = ZoneModel.build(zone)
    floor = capacity_floor(zone)
    greedy = plain = None
    plain_fits: list[FittedTours] = []
    slowest_fit = beat_s = 0.0
    clock = False
    if settings.hint:
        greedy = plain = greedy_tours(zone)
        if not deterministic and not zone.strict:  # fitted now, so the time left counts them
            until = t0 + WARM_FIT_SHARE * time_limit_s
            plain_fits, slowest_fit = greedy_fits(zone, plain, until)
        beats = make_beats(zone)
        candidates = [beats.expand(greedy_tours(beats.zone))]
        candidates += [greedy_tours(zone, start)] if start else []
        left = time_limit_s if deterministic else time_limit_s - (time.perf_counter() - t0)
        keep, per_choice = SEGMENT_RESERVE_S
        share = min(BEAT_SHARE * left, left - keep - per_choice * zone.size)
        # strict: an infeasible beat model would say nothing about the segments
        smaller = len(beats.members) <= BEATS_AT_MOST * len(zone.segments)
        if share >= BEAT_MIN_S and smaller and not zone.strict:
            beat_s = share
            found, clock = _beat_tours(beats, share, settings)
            candidates += [found] if found is not None else []
        greedy = min([greedy, *candidates], key=zm.objective_of)
        zm.add_hint(greedy)
    fitted_start: list[FittedTours] = []

    def warm_fit() -> FittedTours:
        """The cheapest of the warm start and the plain greedy with its variants
        (``greedy_fits``), each fitted to the measured walk, fitted once: the warm start
        is chosen by its unfitted objective, and fitted it can cost more than the greedy
        (Shanghai at 10%: the model then lost to it)."""
        if not fitted_start and greedy is not None and plain is not None:
            fits = plain_fits or greedy_fits(zone, plain)[0]
            fits = fits if greedy is plain else [*fits, fit_walks(zone, greedy)]
            fitted_start.append(min(fits, key=lambda f: zm.objective_of(f.tours)))
        return fitted_start[0]

    reserve = CONFIRM_S if watch else 0.0  # kept for the search that confirms a repair
    fit_s = 0.0  # kept out of each search for fitting what it finds
    if deterministic:  # work units, so the same limit whatever the machine's load
        limit = max(MIN_SOLVE_S, time_limit_s - beat_s)
    else:  # the solver's roster is fitted and refilled after: as long as a greedy's took
        if greedy is not None and not zone.strict:
            started_fit = time.perf_counter()
            warm_fit()
            fit_s = max(slowest_fit, time.perf_counter() - started_fit)
        limit = max(MIN_SOLVE_S, time_limit_s - (time.perf_counter() - t0) - fit_s - reserve)
    if watch and fitted_start and greedy is not None:
        _start_from(zm, fitted_start[0].tours, greedy)
    # watched, the model's rooms widen: only a floor of every roster as walked stops it
    stop_at = capacity_floor(zone, with_walk=False) if watch else floor
    solver = cp_solver(limit, settings, presolve=False)
    at_floor = StopOverCap(zm, stop_at, watch)
    status = at_floor.status(solver.solve(zm.model, at_floor))
    response = solver.response_proto  # everything below reads this one response
    name = solver.status_name(status)
    clock = clock or stopped_by_clock(solver, status, deterministic)
    if status == cp_model.INFEASIBLE and zone.strict:
        raise InfeasibleError(explain_core(zone, zm.model, zm.vars.strict_lits, solver))
    if status == cp_model.INFEASIBLE:
        raise InfeasibleError(
            f"zone {zone.zone_id}: the hard rules admit no roster at all, not even an empty one; "
            "the instance data is inconsistent (check max patrols per week, slots and limits)"
        )
    if status == cp_model.MODEL_INVALID:
        raise SolverError(f"zone {zone.zone_id}: invalid CP-SAT model: {zm.model.validate()}")
    if (
        status not in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        and greedy is not None
        and zone.strict
        and not zm.meets_strict(greedy)
    ):
        raise SolverError(
            f"zone {zone.zone_id}: no fully covering roster found within {time_limit_s:.1f} s "
            f"(status {name}; --strict); raise the time limit or drop --strict"
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and greedy is not None:
        fitted = warm_fit()
        objective = zm.objective_of(fitted.tours)
        bound, bound_on = zone_bound(zone, response.best_objective_bound, float(objective), floor)
        stats = SolveStats(
            "GREEDY", float(objective), bound, time.perf_counter() - t0, seed,
            clock, fitted.over_cap, fitted.lost, len(fitted.moved), fitted.gained, bound_on,
        )  # fmt: skip
        return fitted.tours, stats
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SolverError(
            f"zone {zone.zone_id}: no roster found within {time_limit_s:.1f} s "
            f"(status {name}, {len(zm.vars.patrol)} patrol choices); raise the time limit"
        )
    found = at_floor.read(solver)
    kept = warm_fit() if greedy is not None and not zone.strict else None
    fitted, as_found = _fitted(zm, found, kept)
    spent = beat_s + response.deterministic_time  # deterministic mode counts work, not time
    model_bound = response.best_objective_bound

    def time_left() -> float:
        """Search time left: the fit of what the search finds kept out (Helsinki at 25%:
        a last search of 2.4 s, then a fit of 7.6 s past the zone's limit)."""
        if deterministic:
            return time_limit_s - spent
        return time_limit_s - (time.perf_counter() - t0) - fit_s

    while not as_found and time_left() - reserve >= MIN_SOLVE_S and zm.forbid_over_cap(found):
        # the solver's tours did not fit once walked: search again with those tours
        # forbidden and their far cells priced, from the roster kept (its tours' rooms
        # widened where the zone is watched), while the zone has time left
        limit = time_left() - reserve
        solver, at_floor, again = _search_from(zm, fitted.tours, limit, settings, stop_at, watch)
        clock = clock or stopped_by_clock(solver, again, deterministic)
        if deterministic:
            spent += solver.response_proto.deterministic_time
        if again not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        found = at_floor.read(solver)
        fitted, as_found = _fitted(zm, found, fitted)  # never worse than the roster kept
        response, name = solver.response_proto, solver.status_name(again)
        # each search bounds the rosters that fit once walked: the first every roster of
        # the model, the later ones those left by the cuts; each starts from the root
        model_bound = max(model_bound, response.best_objective_bound)
    if at_floor.fitting is not None and at_floor.fitting != found:
        # the last search's cheapest roster that fit once walked: nothing to drop
        fitted, as_found = _fitted(zm, at_floor.fitting, fitted)
    if watch and fitted.lost:
        # the roster kept is a proposal the repair cut down: one last search from it (its
        # rooms widened, the proposal forbidden) takes it, or a cheaper one that fits, as
        # the model's roster, so that what the model plans is what is walked
        zm.forbid_over_cap(found)
        limit = max(CONFIRM_S, time_left())
        _solver, confirm, _status = _search_from(zm, fitted.tours, limit, settings, stop_at, watch)
        if confirm.fitting is not None:
            fitted, as_found = _fitted(zm, confirm.fitting, fitted)
    # A feasible (not optimal) solution may leave slack in penalty variables (``over`` or
    # ``unmet`` above their least value): report what the roster itself costs, as the
    # checker computes it, which is never more than the solver's objective. Patrols the
    # walk repair dropped cost like any unmet patrol; the bound is the model's, so a
    # repaired roster (or a warm start that beat it) is not proven optimal.
    objective = zm.objective_of(fitted.tours)
    bound, bound_on = zone_bound(zone, model_bound, float(objective), floor)
    stats = SolveStats(
        status=name if as_found else "FEASIBLE",
        objective=float(objective),
        best_bound=bound,
        wall_s=time.perf_counter() - t0,
        seed=seed,
        stopped_by_clock=clock,
        tours_over_cap=fitted.over_cap,
        patrols_dropped=fitted.lost,
        patrols_moved=len(fitted.moved),
        patrols_added=fitted.gained,
        bound_on=bound_on,
    )
    return fitted.tours, stats


def _search_from(
    zm: ZoneModel, kept: Tours, limit_s: float, settings: SolverSettings, floor: float, watch: bool
) -> tuple[cp_model.CpSolver, StopOverCap, cp_model.CpSolverStatus]:
    """A search of ``limit_s`` hinted with the roster ``kept`` (the cuts it disproves
    lifted, its tours' rooms widened where the zone is ``watch``-ed), stopped at ``floor``
    or at a tour past its cap (``StopOverCap``); the solver, the stop and its status."""
    zm.lift_disproved(kept)
    if watch:
        zm.widen_rooms(kept)
    zm.add_hint(kept)
    solver = cp_solver(limit_s, settings, presolve=False)
    stop = StopOverCap(zm, floor, watch)
    return solver, stop, stop.status(solver.solve(zm.model, stop))


def _start_from(zm: ZoneModel, fitted: Tours, greedy: Tours) -> None:
    """Hint the search with the fitted warm start, its tours' rooms widened so that the
    model takes them as they are (``ZoneModel.widen_rooms``), if it costs less than the
    greedy the search was hinted with."""
    if zm.objective_of(fitted) < zm.objective_of(greedy):
        zm.widen_rooms(fitted)
        zm.add_hint(fitted)


def greedy_fits(
    zone: ZoneProblem, plain: Tours, until: float | None = None
) -> tuple[list[FittedTours], float]:
    """The plain greedy's tours fitted to the measured walk (``fit_walks``) and, where they
    leave patrols missing, the greedy's other variants (``greedy.VARIANTS``: none is the
    cheapest everywhere) fitted while the next fit should end before ``until`` (a
    ``time.perf_counter`` reading; None: all of them); and the longest a fit took."""
    started = time.perf_counter()
    fits = [fit_walks(zone, plain)]
    slowest = time.perf_counter() - started
    if not patrols_short(zone, fits[0].tours):
        return fits, slowest
    for c, m in VARIANTS:
        if (c, m) == (RICHEST, False):  # the plain greedy
            continue
        if until is not None and time.perf_counter() + slowest > until:
            break
        tours = greedy_tours(zone, next_cell=c, measured=m)
        started = time.perf_counter()
        fits.append(fit_walks(zone, tours))
        slowest = max(slowest, time.perf_counter() - started)
    return fits, slowest


def _fitted(zm: ZoneModel, tours: Tours, other: FittedTours | None) -> tuple[FittedTours, bool]:
    """The cheaper of ``tours`` fitted to the measured walk (``fit_walks``) and ``other``
    (the warm start, or the roster kept so far, already fitted), and whether that is
    ``tours`` as they were (the solver's solution, unrepaired). The model plans with an
    allowance a step, so its repaired roster can cost more than the repaired warm start
    it started from (Shanghai at 10% staffing: 4.89 M against 4.78 M)."""
    first = fit_walks(zm.zone, tours)
    if other is not None and zm.objective_of(other.tours) < zm.objective_of(first.tours):
        return other, False
    return first, not first.changed


def fit_walks(zone: ZoneProblem, tours: Tours) -> FittedTours:
    """``fit_tours``, refused under --strict when it must drop a patrol (strict coverage
    would break): the message says which tours and how to make room; then the room the
    measured walk leaves filled with missing patrols (``refill_tours``); what the tours
    lost and gained on the way is counted per segment (``segment_changes``). The order
    the refill gives each tour is kept as its segments' walk where it walks less
    (``WalkNetwork.prefer``), so that a tour that fits is not measured past its cap later."""
    fitted = fit_tours(zone, tours)
    if zone.strict and fitted.dropped:
        raise InfeasibleError(
            f"zone {zone.zone_id}: {fitted.over_cap} tours exceed their cap once the walk "
            f"between their segments is measured, and fitting them drops "
            f"{len(fitted.dropped)} patrols, which --strict forbids; give the model more "
            "walk in the rules (roster.walk_cell_segments lower, or with it 0 "
            "roster.walk_allowance_m higher: it then plans shorter tours) or drop --strict"
        )
    refilled, added, exchanged = refill_tours(zone, fitted.tours)
    changed = {(p, d) for p, _s, d in (*added, *exchanged)}  # the others keep the fit's order
    for key in sorted(changed & refilled.keys()):  # the refill's order is measured from now on
        zone.walk.prefer([zone.segments[s].segment_id for s in refilled[key][1]])
    lost, gained = segment_changes(tours, refilled)
    return dataclasses.replace(
        fitted, tours=refilled, added=added, exchanged=exchanged, lost=lost, gained=gained
    )
