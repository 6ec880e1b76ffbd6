"""Benchmark the walk between segments on the demo city (Cambridge): before and after.

Run: .venv/bin/python bench/bench_walk.py [--time-limit 30] [--allowance 0 40 60 100]

"main" is the model before the walk was counted: no allowance, no repair, tours walked in
the old order (nearest midpoint first). Each allowance then plans with the repair on.
Prints one row per run: objective, bound and gap (the bound of that run's model), patrols
planned, tours over the cap before the repair, patrols it dropped, km walked, the share of
connecting walk, steps estimated by straight line, the same roster's walk on the whole
city's streets (not only the zone's), and the time to measure every tour.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import time
from pathlib import Path

import roadchief.solve.roster.solve_zone as roster_module
from roadchief.domain import Ownership, PatrolInstance, Roster, Segment
from roadchief.solve import SolverSettings, assign_owners, check_roster, plan_roster
from roadchief.solve.roster.fit import FittedTours
from roadchief.solve.roster.roster_walks import measure_roster, walk_summary
from roadchief.solve.roster.walk import WalkNetwork
from roadchief.solve.roster.zone import Tours
from roadchief.solve.roster.zone_model import ZoneModel

sys.path.insert(0, str(Path(__file__).parent))

from scale_city import scale_city


def midpoint_order(segments: list[Segment]) -> list[Segment]:
    """The order before the walk was measured: nearest midpoint first, from the segment
    farthest from the centre (the former ``tours.walking_order``)."""
    if len(segments) <= 1:
        return list(segments)
    todo = sorted(segments, key=lambda s: s.segment_id)
    cx = sum(s.x_m for s in todo) / len(todo)
    cy = sum(s.y_m for s in todo) / len(todo)
    current = max(todo, key=lambda s: math.hypot(s.x_m - cx, s.y_m - cy))
    order = [current]
    todo.remove(current)
    while todo:
        here = current
        current = min(todo, key=lambda s: math.hypot(s.x_m - here.x_m, s.y_m - here.y_m))
        order.append(current)
        todo.remove(current)
    return order


def with_allowance(inst: PatrolInstance, metres: float) -> PatrolInstance:
    return dataclasses.replace(
        inst, context=dataclasses.replace(inst.context, walk_allowance_m=metres)
    )


def row(name: str, inst: PatrolInstance, own: Ownership, roster: Roster, *, old_order: bool) -> str:
    """One line of the table for ``roster``."""
    rep = check_roster(inst, own, roster)
    t0 = time.perf_counter()
    walks = measure_roster(inst, roster)
    measure_s = time.perf_counter() - t0
    if old_order:  # walk the tours in the former order instead
        tours = roster.tours()
        nets: dict[str, WalkNetwork] = {}
        for tour_id, items in tours.items():
            segs = [inst.segment(a.segment_id) for a in items]
            zone = segs[0].zone_id
            net = nets.setdefault(
                zone, WalkNetwork([s for s in inst.segments if s.zone_id == zone])
            )
            walks[tour_id] = net.walk_in_order([s.segment_id for s in midpoint_order(segs)])
    w = walk_summary(walks, rep.caps_cm)
    city = WalkNetwork(inst.segments, detour_factor=inst.context.walk_detour_factor)
    city_cm = sum(city.walk_in_order(x.order).walk_cm for x in walks.values())
    over = sum(p.tours_over_cap for p in roster.parts.values())
    dropped = sum(p.patrols_dropped for p in roster.parts.values())
    gap = max(0.0, roster.objective - roster.best_bound) / max(roster.objective, 1.0)
    return (
        f"{name:<22}{roster.objective:>9.0f}{roster.best_bound:>9.0f}{gap:>8.2%}"
        f"{rep.patrols_planned:>6}/{rep.patrols_required:<6}{len(walks):>6}"
        f"{max(over, w['tours_over_cap']):>6}{dropped:>6}{w['walked_km']:>8.1f}"
        f"{w['connecting_share']:>7.1%}{w['steps_by_straight_line']:>5}/{w['steps']:<6}"
        f"{city_cm / 1e5:>7.1f}{w['connecting_km']:>7.1f}{measure_s:>6.2f}"
    )


def no_repair(zm: ZoneModel, tours: Tours, _hint: Tours | None) -> tuple[FittedTours, bool]:
    """The tours as solved, each in its measured walking order but not fitted to its cap:
    the roster before the walk was counted (stands in for ``roster._fitted``)."""
    zone = zm.zone
    ids = [s.segment_id for s in zone.segments]
    index = {segment_id: s for s, segment_id in enumerate(ids)}
    ordered = {
        key: (t, [index[x] for x in zone.walk.plan_walk(ids[s] for s in segs).order])
        for key, (t, segs) in tours.items()
    }
    return FittedTours(ordered, 0, ()), True


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--allowance", type=float, nargs="+", default=[0.0, 40.0, 60.0, 100.0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    inst = scale_city(1).instance()  # the demo city
    own = assign_owners(inst)

    def plan(metres: float) -> Roster:
        return plan_roster(with_allowance(inst, metres), own, SolverSettings(time_limit_s=args.time_limit, workers=args.workers, seed=args.seed, lanes=1))  # fmt: skip

    head = (
        f"{'run':<22}{'model':>9}{'bound':>9}{'gap':>8}{'patrols':>13}{'tours':>6}{'over':>6}"
        f"{'drop':>6}{'km':>8}{'walk%':>7}{'line/steps':>11}{'cityW':>7}{'zoneW':>7}{'msr s':>6}"
    )
    lines = []
    fitted = roster_module._fitted
    roster_module._fitted = no_repair  # type: ignore[assignment]
    try:
        main_roster = plan(0.0)
    finally:
        roster_module._fitted = fitted  # type: ignore[assignment]
    base = with_allowance(inst, 0.0)
    lines.append(row("main (midpoint order)", base, own, main_roster, old_order=True))
    lines.append(row("main (measured order)", base, own, main_roster, old_order=False))
    for metres in args.allowance:
        lines.append(
            row(f"allowance {metres:g} m", with_allowance(inst, metres), own, plan(metres),
                old_order=False)
        )  # fmt: skip
    print(f"\nCambridge demo, {args.time_limit:g} s, {args.workers} workers, seed {args.seed}")
    print(head)
    print("-" * len(head))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
