"""Benchmark the weekly roster on the demo city (Cambridge): greedy vs CP-SAT vs bound.

Run: .venv/bin/python bench/bench_demo_roster.py [--time-limit 30 60 180] [--workers 2]
                                                 [--lanes 1] [--repeats 1] [--seed 0]
                                                 [--beat-share 0.5 0] [--cp NAME=VALUE]
Prints one row per zone and the city total for each budget (and each beat share: 0 is the
segment model alone from the greedy), then one summary line per run: greedy, model,
bound, gap, wall time and peak memory (RSS). With ``--repeats N`` each budget is planned N
times with seeds ``seed`` to ``seed + N - 1`` (the zone tables are left out) and a last
table gives per budget the median gap and its spread: one run at a short budget varies by
several points, more than most changes move it. ``--cp`` sets a CP-SAT parameter
(``SolverSettings.cp_params``), to compare search settings under the same repeats.
"""

from __future__ import annotations

import argparse
import resource
import statistics
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

from bench_scale import cp_param

from scale_city import scale_city


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    inst: PatrolInstance,
    own: Ownership,
    g: CheckReport,
    limit: float,
    share: float,
    seed: int,
    args: argparse.Namespace,
) -> tuple[str, float]:
    """Plan once, print the zones (one repeat only), return the summary line and the gap."""
    roster_module.BEAT_SHARE = share
    t0 = time.perf_counter()
    settings = SolverSettings(
        time_limit_s=limit,
        workers=args.workers,
        seed=seed,
        lanes=args.lanes,
        cp_params=tuple(args.cp),
    )
    roster = plan_roster(inst, own, settings)
    t_model = time.perf_counter() - t0
    m = check_roster(inst, own, roster)
    assert m.ok, m.violations[:5]
    assert m.objective == roster.objective
    gap = roster.gap_city
    line = (
        f"{limit:>7g}{share:>7g}{seed:>6}{g.objective:>9}{roster.objective:>9.0f}"
        f"{roster.best_bound:>9.0f}{gap:>8.2%}{t_model:>8.1f}{peak_mb():>8.0f}"
    )
    if args.repeats > 1:
        return line, gap
    print(f"\n{limit:g} s, beat share {share:g}")
    head = f"{'zone':<6}{'greedy':>9}{'model':>9}{'bound':>9}{'gap':>8}{'wall s':>8}  status"
    print(head)
    print("-" * len(head))
    for zone_id, part in roster.parts.items():
        print(
            f"{zone_id:<6}{g.zones[zone_id].objective:>9}{part.objective:>9.0f}"
            f"{part.best_bound:>9.0f}{part.gap:>8.2%}{part.wall_s:>8.1f}  {part.status}"
        )
    print("-" * len(head))
    print(
        f"{'city':<6}{g.objective:>9}{roster.objective:>9.0f}{roster.best_bound:>9.0f}"
        f"{gap:>8.2%}{t_model:>8.1f}  {roster.status}"
    )
    print(
        f"planned {m.patrols_planned}/{m.patrols_required} patrols, uncovered {m.uncovered_km:.2f} km"
    )
    return line, gap


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, nargs="+", default=[30.0, 60.0, 180.0])
    ap.add_argument("--beat-share", type=float, nargs="+", default=[roster_module.BEAT_SHARE])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lanes", type=int, default=1, help="zones solved side by side")
    ap.add_argument(
        "--repeats", type=int, default=1, help="runs per budget, seeds seed, seed+1, ..."
    )
    ap.add_argument("--cp", type=cp_param, action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()
    t0 = time.perf_counter()
    inst = scale_city(1).instance()  # the demo city
    own = assign_owners(inst)
    print(f"ingest + ownership {time.perf_counter() - t0:.1f} s, peak {peak_mb():.0f} MB")
    t0 = time.perf_counter()
    g = check_roster(inst, own, greedy_roster(inst, own))
    assert g.ok, g.violations[:5]
    print(f"greedy: {time.perf_counter() - t0:.1f} s (incl. zone set-up and checker)")
    if args.cp:
        print("CP-SAT:", ", ".join(f"{n}={v}" for n, v in args.cp))
    runs = {
        (limit, share): [
            run(inst, own, g, limit, share, seed, args)
            for seed in range(args.seed, args.seed + args.repeats)
        ]
        for limit in args.time_limit
        for share in args.beat_share
    }
    print(
        f"\n{'budget':>7}{'beats':>7}{'seed':>6}{'greedy':>9}{'model':>9}{'bound':>9}{'gap':>8}"
        f"{'wall s':>8}{'peak MB':>8}"
    )
    print("\n".join(line for found in runs.values() for line, _gap in found))
    if args.repeats > 1:
        print(f"\n{'budget':>7}{'beats':>7}{'runs':>6}{'median':>8}{'least':>8}{'most':>8}")
        for (limit, share), found in runs.items():
            gaps = [gap for _line, gap in found]
            print(
                f"{limit:>7g}{share:>7g}{len(gaps):>6}{statistics.median(gaps):>8.2%}"
                f"{min(gaps):>8.2%}{max(gaps):>8.2%}"
            )


if __name__ == "__main__":
    main()
