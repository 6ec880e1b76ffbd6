"""Benchmark the greedy warm start's ways of building tours, on real cities and staffings.

Run ``.venv/bin/python bench/bench_warm_start.py [--cities shanghai helsinki ...]
[--staffing 1 0.5 0.25 0.1] [--choices richest nearest gravity street route]``.

Under shortage the roster is mostly the warm start once walked (issue 17): the greedy's
tours fitted to the measured walk and refilled (``solve_zone.fit_walks``). This bench
builds that, without the CP-SAT search, for each way a tour picks what it walks next
(``greedy.NEXT_CHOICES``), with the tours measured before helpers come and without
(``greedy_tours(measured=...)``), on every zone of the city as ``roadchief plan`` splits
it, and prints per city, staffing and variant: the model's objective summed over the
zones, patrols left missing, patrols the walk repair and the refill lost (per segment,
``fit.segment_changes``), the share of the measured walk spent between segments, and
seconds. The baseline (``richest``, the plain greedy) and the capacity floor on
segments alone (``capacity.capacity_floor``, a bound of every roster) are printed in the
same run; "best" is each zone's cheapest variant, what the warm start keeps when it tries
them all (``greedy.VARIANTS``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from cities import CITIES, STAFFING


def run(city: str, share: float, choices: list[str]) -> list[dict[str, Any]]:
    """One city at one staffing: a row per way of building tours, and the zones' best."""
    from roadchief.solve import assign_owners
    from roadchief.solve.roster.capacity import capacity_floor
    from roadchief.solve.roster.greedy import greedy_tours
    from roadchief.solve.roster.prepare import zone_problems
    from roadchief.solve.roster.solve_zone import fit_walks
    from roadchief.solve.roster.tours import patrols_short
    from roadchief.solve.roster.zone_model import ZoneModel

    instance = CITIES[city].instance(share)
    zones = zone_problems(instance, assign_owners(instance))
    models = [ZoneModel.build(z) for z in zones]
    floor = sum(capacity_floor(z, with_walk=False) for z in zones)
    per_zone: dict[str, list[tuple[int, int]]] = {}
    rows: list[dict[str, Any]] = []
    for choice, measured in [(c, m) for m in (False, True) for c in choices]:
        name = f"{choice} m" if measured else choice
        t0 = time.perf_counter()
        objective = short = lost = walk = total = 0
        per_zone[name] = []
        for zone, zm in zip(zones, models, strict=True):
            fitted = fit_walks(zone, greedy_tours(zone, next_cell=choice, measured=measured))
            tours = fitted.tours
            per_zone[name].append((zm.objective_of(tours), fitted.lost))
            objective += per_zone[name][-1][0]
            lost += fitted.lost
            short += patrols_short(zone, tours)
            for _key, (_t, segs) in tours.items():
                walked = zone.walk.plan_walk(zone.segments[s].segment_id for s in segs)
                walk += walked.walk_cm
                total += walked.total_cm
        rows.append(
            {"city": city, "staffing": share, "choice": name, "objective": objective,
             "short": short, "lost": lost, "walk_share": walk / max(1, total), "floor": floor,
             "seconds": time.perf_counter() - t0}
        )  # fmt: skip
    best = [min(per_zone[n][k] for n in per_zone) for k in range(len(zones))]
    rows.append(
        {"city": city, "staffing": share, "choice": "best", "objective": sum(o for o, _l in best),
         "short": None, "lost": sum(lost for _o, lost in best), "walk_share": None,
         "floor": floor, "seconds": sum(r["seconds"] for r in rows)}
    )  # fmt: skip
    return rows


def print_table(rows: list[dict[str, Any]]) -> None:
    head = (
        f"{'city':<12}{'staff':>6}  {'choice':<10}{'objective':>11}{'/richest':>9}"
        f"{'floor':>11}{'short':>7}{'lost':>6}{'walk %':>8}{'s':>7}"
    )
    print(head)
    print("-" * len(head))
    base: dict[tuple[str, float], int] = {}
    for r in rows:
        key = (r["city"], r["staffing"])
        base.setdefault(key, r["objective"])
        ratio = r["objective"] / base[key] if base[key] else 1.0
        short = "" if r["short"] is None else r["short"]
        walk = "" if r["walk_share"] is None else f"{r['walk_share']:.1%}"
        print(
            f"{r['city']:<12}{r['staffing']:>6.0%}  {r['choice']:<10}{r['objective']:>11,}"
            f"{ratio:>9.3f}{r['floor']:>11,.0f}{short!s:>7}{r['lost']:>6}{walk:>8}"
            f"{r['seconds']:>7.1f}"
        )
    print(
        "objective: the model's, summed over zones, of the greedy's tours fitted to the "
        "measured walk and refilled (no CP-SAT search); /richest: over the baseline's (the "
        "first row of each city and staffing); floor: capacity floor on segments alone, a "
        "bound of every roster; short: required patrols missing; lost: patrols of the "
        "greedy's tours the delivered tours lack, per segment (the bench_cities 'dropped'); "
        "walk %: measured walk between segments over the tours' whole walk; m: tours "
        "measured before helpers come; best: each zone's cheapest variant."
    )


def main() -> None:
    from roadchief.solve.roster.greedy import NEXT_CHOICES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", nargs="+", choices=sorted(CITIES), default=["shanghai"])
    parser.add_argument("--staffing", type=float, nargs="+", default=list(STAFFING))
    parser.add_argument("--choices", nargs="+", choices=NEXT_CHOICES, default=list(NEXT_CHOICES))
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for name in args.cities:
        for share in args.staffing:
            print(f"{name} at {share:.0%} ...", file=sys.stderr, flush=True)
            rows += run(name, share, args.choices)
    print_table(rows)


if __name__ == "__main__":
    main()
