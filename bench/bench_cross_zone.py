"""Benchmark cross-zone help (phase 2) on the demo city, as is and with one zone understaffed.

Run: .venv/bin/python bench/bench_cross_zone.py [--time-limit 30] [--keep 3] [--helpers 3]

Each scenario is planned once with cross-zone help on; phase 1 (zones alone) and phase 2
(short zones again, with their outside helpers) are read from the same run. "Understaffed"
keeps every ``--keep``-th person of the zone with most required patrols (owners are
assigned again). Prints one row per scenario: required patrols, planned and uncovered km
after phase 1 and after phase 2, short zones, cross-zone patrols and km, objective, and the
time phase 2 took.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from typing import Any

import roadchief.solve.roster.cross_zone as cross_zone
from roadchief.domain import PatrolInstance
from roadchief.solve import SolverSettings, assign_owners, check_roster, plan_roster

sys.path.insert(0, str(Path(__file__).parent))

from scale_city import scale_city


def understaffed(inst: PatrolInstance, keep: int) -> tuple[PatrolInstance, str]:
    """The instance with only every ``keep``-th person of its most demanding zone."""
    need: dict[str, int] = {}
    for s in inst.segments:
        need[s.zone_id] = need.get(s.zone_id, 0) + s.patrols_per_week
    zone = max(sorted(need), key=lambda z: need[z])
    mine = sorted(c.chief_id for c in inst.chiefs if c.zone_id == zone)
    gone = {c for k, c in enumerate(mine) if k % keep}
    chiefs = tuple(c for c in inst.chiefs if c.chief_id not in gone)
    return dataclasses.replace(inst, chiefs=chiefs), f"{zone} ({len(mine) - len(gone)}/{len(mine)})"


def run(inst: PatrolInstance, args: argparse.Namespace) -> dict[str, Any]:
    """Plan once; capture phase 1 and time phase 2."""
    seen: dict[str, Any] = {}
    phase2 = cross_zone.help_short_zones

    def timed(*a: Any, **kw: Any) -> Any:
        pairs = list(zip(a[2], a[3], strict=True))  # phase 1's zones and results
        seen["planned"] = sum(cross_zone.planned_patrols(z, r[0]) for z, r in pairs)
        seen["uncovered_km"] = sum(cross_zone.uncovered_cm(z, r[0]) for z, r in pairs) / 1e5
        seen["objective"] = sum(r[1].objective for _z, r in pairs)
        seen["short"] = sum(cross_zone.planned_patrols(z, r[0]) < sum(z.demand) for z, r in pairs)
        t0 = time.perf_counter()
        out = phase2(*a, **kw)
        seen["phase2_s"] = time.perf_counter() - t0
        return out

    own = assign_owners(inst)
    cross_zone.help_short_zones = timed  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        roster = plan_roster(
            inst, own, SolverSettings(time_limit_s=args.time_limit, workers=args.workers, lanes=1)
        )
        seen["wall_s"] = time.perf_counter() - t0
    finally:
        cross_zone.help_short_zones = phase2  # type: ignore[assignment]
    rep = check_roster(inst, own, roster)
    assert rep.ok, rep.violations[:5]
    assert rep.objective == roster.objective
    seen |= {
        "required": rep.patrols_required,
        "planned2": rep.patrols_planned,
        "uncovered2_km": rep.uncovered_km,
        "objective2": roster.objective,
        "cross_patrols": rep.count("cross_zone_patrols"),
        "cross_km": rep.count("cross_zone_km"),
    }
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--keep", type=int, default=3)
    ap.add_argument("--helpers", type=int, default=3)
    args = ap.parse_args()
    inst = scale_city(1).instance()  # the demo city
    inst = dataclasses.replace(inst, cross_zone_helpers=args.helpers)
    short, which = understaffed(inst, args.keep)
    rows = [("demo city", run(inst, args)), (f"zone {which}", run(short, args))]
    head = (
        f"{'scenario':<16}{'required':>9}{'planned 1':>10}{'planned 2':>10}{'uncov km 1':>11}"
        f"{'uncov km 2':>11}{'short':>6}{'cross':>6}{'cross km':>9}{'objective 1':>12}"
        f"{'objective 2':>12}{'phase 2 s':>10}{'roster s':>9}"
    )
    print(f"\ntime limit {args.time_limit:g} s, {args.workers} workers, {args.helpers} helpers")
    print(head)
    print("-" * len(head))
    for name, r in rows:
        print(
            f"{name:<16}{r['required']:>9}{r['planned']:>10}{r['planned2']:>10}"
            f"{r['uncovered_km']:>11.2f}{r['uncovered2_km']:>11.2f}{r['short']:>6}"
            f"{r['cross_patrols']:>6}{r['cross_km']:>9.2f}{r['objective']:>12.0f}"
            f"{r['objective2']:>12.0f}{r['phase2_s']:>10.1f}{r['wall_s']:>9.1f}"
        )


if __name__ == "__main__":
    main()
