"""Benchmark the weekly roster on the demo city (Cambridge): greedy vs CP-SAT vs bound.

Run: .venv/bin/python bench/bench_demo_roster.py [--time-limit 30 60 180] [--workers 2]
                                                 [--lanes 1]
                                                 [--beat-share 0.5 0]
Prints one row per zone and the city total for each budget (and each beat share: 0 is the
segment model alone from the greedy), then one summary line per run: greedy, model,
bound, gap, wall time and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import roadchief.solve.roster.solve_zone as roster_module
from roadchief.domain import Ownership, PatrolInstance
from roadchief.solve import (
    CheckReport,
    SolverSettings,
    assign_owners,
    check_roster,
    greedy_roster,
    plan_roster,
)

sys.path.insert(0, str(Path(__file__).parent))

from scale_city import scale_city


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    inst: PatrolInstance,
    own: Ownership,
    g: CheckReport,
    limit: float,
    share: float,
    args: argparse.Namespace,
) -> str:
    """Plan once, print the zones, return the summary line."""
    roster_module.BEAT_SHARE = share
    t0 = time.perf_counter()
    roster = plan_roster(
        inst,
        own,
        SolverSettings(time_limit_s=limit, workers=args.workers, seed=args.seed, lanes=args.lanes),
    )
    t_model = time.perf_counter() - t0
    m = check_roster(inst, own, roster)
    assert m.ok, m.violations[:5]
    assert m.objective == roster.objective
    print(f"\n{limit:g} s, beat share {share:g}")
    head = f"{'zone':<6}{'greedy':>9}{'model':>9}{'bound':>9}{'gap':>8}{'wall s':>8}  status"
    print(head)
    print("-" * len(head))
    for zone_id, part in roster.parts.items():
        print(
            f"{zone_id:<6}{g.zones[zone_id].objective:>9}{part.objective:>9.0f}"
            f"{part.best_bound:>9.0f}{part.gap:>8.2%}{part.wall_s:>8.1f}  {part.status}"
        )
    gap = max(0.0, roster.objective - roster.best_bound) / max(roster.objective, 1.0)
    print("-" * len(head))
    print(
        f"{'city':<6}{g.objective:>9}{roster.objective:>9.0f}{roster.best_bound:>9.0f}"
        f"{gap:>8.2%}{t_model:>8.1f}  {roster.status}"
    )
    print(
        f"planned {m.patrols_planned}/{m.patrols_required} patrols, uncovered {m.uncovered_km:.2f} km"
    )
    return (
        f"{limit:>7g}{share:>7g}{g.objective:>9}{roster.objective:>9.0f}{roster.best_bound:>9.0f}"
        f"{gap:>8.2%}{t_model:>8.1f}{peak_mb():>8.0f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, nargs="+", default=[30.0, 60.0, 180.0])
    ap.add_argument("--beat-share", type=float, nargs="+", default=[roster_module.BEAT_SHARE])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lanes", type=int, default=1, help="zones solved side by side")
    args = ap.parse_args()
    t0 = time.perf_counter()
    inst = scale_city(1).instance()  # the demo city
    own = assign_owners(inst)
    print(f"ingest + ownership {time.perf_counter() - t0:.1f} s, peak {peak_mb():.0f} MB")
    t0 = time.perf_counter()
    g = check_roster(inst, own, greedy_roster(inst, own))
    assert g.ok, g.violations[:5]
    print(f"greedy: {time.perf_counter() - t0:.1f} s (incl. zone set-up and checker)")
    lines = [
        run(inst, own, g, limit, share, args)
        for limit in args.time_limit
        for share in args.beat_share
    ]
    print(
        f"\n{'budget':>7}{'beats':>7}{'greedy':>9}{'model':>9}{'bound':>9}{'gap':>8}{'wall s':>8}{'peak MB':>8}"
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
