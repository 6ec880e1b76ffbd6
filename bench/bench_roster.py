"""Benchmark the weekly roster on a synthetic demo-scale city: greedy vs CP-SAT, per zone.

Run: .venv/bin/python bench/bench_roster.py [--per-zone-s 10] [--workers 2] [--tour-km 2]
     [--helpers 4]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import synthetic_city

from roadchief.solve import SolverSettings, assign_owners, check_roster, greedy_roster, plan_roster
from roadchief.solve.ownership.owners import workload
from roadchief.solve.roster.prepare import zone_problems


def main() -> None:
    """Print a per-zone table and the city total."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--per-zone-s", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--owners", type=int, default=78)
    ap.add_argument("--city-seed", type=int, default=7)
    ap.add_argument("--tour-km", type=float, default=6.0, help="segment chiefs' km per tour")
    ap.add_argument(
        "--helpers", type=int, default=4, help="helpers per segment besides the owner; -1: all"
    )
    args = ap.parse_args()

    t0 = time.perf_counter()
    helpers = None if args.helpers < 0 else args.helpers
    inst = synthetic_city(
        n_owners=args.owners, seed=args.city_seed, tour_km=args.tour_km, helpers=helpers
    )
    own = assign_owners(inst)
    t_own = time.perf_counter() - t0
    km = sum(s.length_m for s in inst.segments) / 1000
    print(
        f"city: {len(inst.segments)} segments, {km:.1f} km, {len(inst.zones)} zones, "
        f"{len(inst.chiefs)} people, {args.tour_km:g} km tours, helpers per segment "
        f"{'all' if helpers is None else helpers}; ownership {t_own:.2f} s"
    )
    loads: dict[str, float] = {}
    for seg_id, chief_id in own.owner_of.items():
        loads[chief_id] = loads.get(chief_id, 0.0) + workload(inst.segment(seg_id))
    by_zone: dict[str, list[float]] = {}
    for chief_id, load in loads.items():
        by_zone.setdefault(inst.chief(chief_id).zone_id or "", []).append(load)
    worst = max(max(v) / (sum(v) / len(v)) for v in by_zone.values())
    print(f"ownership balance: worst owner load / zone mean = {worst:.2f}")

    t0 = time.perf_counter()
    greedy = greedy_roster(inst, own)
    t_greedy = time.perf_counter() - t0
    g_rep = check_roster(inst, own, greedy)
    assert g_rep.ok, g_rep.violations[:5]

    budget = args.per_zone_s * len(inst.zones)
    t0 = time.perf_counter()
    roster = plan_roster(
        inst,
        own,
        SolverSettings(time_limit_s=budget, workers=args.workers, seed=args.seed, lanes=1),
    )
    t_model = time.perf_counter() - t0
    rep = check_roster(inst, own, roster)
    assert rep.ok, rep.violations[:5]
    assert rep.objective == roster.objective

    sizes = {z.zone_id: (len(z.people), len(z.segments), z.size) for z in zone_problems(inst, own)}
    head = (
        f"{'zone':<6}{'ppl':>4}{'segs':>6}{'choices':>9}{'greedy':>9}{'model':>9}{'bound':>9}"
        f"{'gap':>7}{'vs greedy':>10}{'wall s':>8}  status"
    )
    print(head)
    print("-" * len(head))
    for zone_id, part in roster.parts.items():
        people, segs, size = sizes[zone_id]
        g = g_rep.zones[zone_id].objective
        better = (g - part.objective) / g if g else 0.0
        print(
            f"{zone_id:<6}{people:>4}{segs:>6}{size:>9}{g:>9}{part.objective:>9.0f}"
            f"{part.best_bound:>9.0f}{part.gap:>7.1%}{better:>10.1%}{part.wall_s:>8.1f}  {part.status}"
        )
    total_gap = (roster.objective - roster.best_bound) / max(roster.objective, 1)
    better = (g_rep.objective - rep.objective) / max(g_rep.objective, 1)
    print("-" * len(head))
    print(
        f"{'total':<6}{'':>4}{len(inst.segments):>6}{'':>9}{g_rep.objective:>9}"
        f"{roster.objective:>9.0f}{roster.best_bound:>9.0f}{total_gap:>7.1%}{better:>10.1%}"
        f"{t_model:>8.1f}  {roster.status}"
    )
    for name, r in (("greedy", g_rep), ("model", rep)):
        print(
            f"{name}: planned {r.patrols_planned}/{r.patrols_required} patrols, "
            f"uncovered {r.uncovered_km:.2f} km, helper patrols {r.count('helper_patrols'):.0f}, "
            f"unmet {r.penalties['unmet demand']} helper {r.penalties['helper patrols']} "
            f"fairness {r.penalties['fairness']}"
        )
    print(f"greedy {t_greedy:.2f} s; model {t_model:.1f} s for a {budget:.0f} s budget")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole run, RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
