"""Benchmark planning at city scale: the demo city tiled 1x, 4x, 10x, 40x, zones in lanes.

Run ``.venv/bin/python bench/bench_scale.py [--sizes 1 4 10 40] [--per-unit-s 20]
[--time-limit S] [--parallel P] [--workers W] [--scheduler tcp://...]``.

Each size runs in its own subprocess; this process samples the resident memory of that
subprocess and all its children (the lane processes) every 0.2 s, so "peak MB" is the
whole plan's peak. The roster's time budget is ``--per-unit-s`` per copy of the demo city
(or ``--time-limit`` for every size), so the roster time should grow linearly with size.
Cities come from ``scale_city.py`` (written to ``bench/out/scale/``). The greedy baseline
and the bound are printed beside the model's objective.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).parent))

from scale_city import scale_city

TARGET = "target (issue #7): 10x (~26,000 segments) in < 5 min, weighted gap <= 2%, ~linear time"


def run_one(times: int, args: argparse.Namespace) -> dict[str, Any]:
    """Ingest, own and roster one size in this process; the figures of the run."""
    from roadchief.domain import count_by, weighted_gap
    from roadchief.solve import (
        SolverSettings,
        assign_owners,
        check_roster,
        greedy_roster,
        plan_roster,
    )
    from roadchief.solve.lanes.processes import local_cores
    from roadchief.solve.roster.prepare import zone_problems

    files = scale_city(times)
    t0 = time.perf_counter()
    instance = files.instance()
    t1 = time.perf_counter()
    progress(f"x{times}: ingest {t1 - t0:.0f} s")
    ownership = assign_owners(instance, parallel=min(args.parallel or local_cores(), local_cores()))
    t2 = time.perf_counter()
    progress(f"x{times}: ownership {t2 - t1:.0f} s")
    limit = args.time_limit or args.per_unit_s * times
    t3 = time.perf_counter()  # the roster first, so its set-up starts cold, as in a plan
    roster = plan_roster(
        instance,
        ownership,
        SolverSettings(
            time_limit_s=limit,
            workers=args.workers,
            seed=args.seed,
            lanes=args.parallel,
            runner=args.scheduler or "local",
        ),
    )
    t4 = time.perf_counter()
    choices = sum(z.size for z in zone_problems(instance, ownership))
    greedy = greedy_roster(instance, ownership)
    check = check_roster(instance, ownership, roster)
    assert check.ok, check.violations[:5]
    assert check.objective == roster.objective
    required = {z: float(c.patrols_required) for z, c in check.zones.items()}
    return {
        "times": times,
        "segments": len(instance.segments),
        "people": len(instance.chiefs),
        "zones": len(instance.zones),
        "choices": choices,
        "ingest_s": t1 - t0,
        "ownership_s": t2 - t1,
        "roster_s": t4 - t3,
        "limit_s": limit,
        "gap_weighted": weighted_gap(roster.parts, required),
        "gap_worst": max((p.gap for p in roster.parts.values()), default=0.0),
        "greedy": greedy.objective,
        "model": roster.objective,
        "bound": roster.best_bound,
        "statuses": count_by(p.status for p in roster.parts.values()),
    }


def progress(message: str) -> None:
    """A line on stderr while a size runs (the table comes at the end)."""
    print(message, file=sys.stderr, flush=True)


def cp_param(text: str) -> tuple[str, bool | int | float]:
    """``NAME=VALUE`` as a CP-SAT parameter: true/false, else an int, else a float."""
    name, _, value = text.partition("=")
    if value.lower() in ("true", "false"):
        return name, value.lower() == "true"
    try:
        return name, int(value)
    except ValueError:
        return name, float(value)


def tree_rss_mb(proc: psutil.Process) -> float:
    """Resident memory of a process and all its descendants, MB."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a lane process that just ended
            total += p.memory_info().rss
    return total / 2**20


def measure(times: int, argv: list[str]) -> dict[str, Any]:
    """Run one size in a subprocess, sampling its memory tree; its figures and peak MB."""
    scale_city(times)  # written before the timed run
    child = subprocess.Popen(
        [sys.executable, __file__, "--one", str(times), *argv],
        stdout=subprocess.PIPE,
        text=True,
    )
    proc = psutil.Process(child.pid)
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, tree_rss_mb(proc))
        time.sleep(0.2)
    out = child.stdout.read() if child.stdout else ""
    if child.returncode != 0:
        raise SystemExit(f"size {times} failed (exit {child.returncode})")
    row: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    row["peak_mb"] = peak
    return row


def print_table(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    head = (
        f"{'city':<6}{'segments':>9}{'people':>7}{'zones':>6}{'choices':>9}{'ingest s':>9}"
        f"{'owners s':>9}{'limit s':>8}{'roster s':>9}{'peak MB':>8}{'gap w':>7}{'gap max':>8}"
        f"{'greedy':>9}{'model':>9}{'bound':>9}  zones by status"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        status = ", ".join(f"{n} {s}" for s, n in sorted(r["statuses"].items()))
        print(
            f"{'x' + str(r['times']):<6}{r['segments']:>9}{r['people']:>7}{r['zones']:>6}"
            f"{r['choices']:>9}{r['ingest_s']:>9.1f}{r['ownership_s']:>9.1f}{r['limit_s']:>8.0f}"
            f"{r['roster_s']:>9.1f}{r['peak_mb']:>8.0f}{r['gap_weighted']:>7.2%}"
            f"{r['gap_worst']:>8.2%}{r['greedy']:>9.0f}{r['model']:>9.0f}{r['bound']:>9.0f}"
            f"  {status}"
        )
    where = args.scheduler or f"{args.parallel or 'auto (one per core)'} local lane(s)"
    print(
        f"lanes: {where}; CP-SAT workers per zone: {args.workers}; seed {args.seed}. "
        "choices: (person, segment, day) patrol booleans, the model's size. gap w: gap "
        "weighted by each zone's required patrols; gap max: the worst zone. peak MB: "
        "resident memory of the plan and its lane processes."
    )
    print(TARGET)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 10, 40])
    parser.add_argument("--per-unit-s", type=float, default=20.0, help="roster budget per 1x")
    parser.add_argument("--time-limit", type=float, help="roster budget for every size instead")
    parser.add_argument("--parallel", type=int, help="lanes [default: one per core]")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT workers per zone")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scheduler", help="Dask scheduler address instead of local lanes")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one, args)))
        return
    argv = sys.argv[1:]
    rows = []
    for times in args.sizes:
        rows.append(measure(times, argv))
        progress(json.dumps(rows[-1]))
    print_table(rows, args)


if __name__ == "__main__":
    main()
