"""Benchmark the whole ``roadchief plan`` at 1x, 4x and 10x the demo city: time of each stage.

Run ``.venv/bin/python bench/bench_plan_stages.py [--sizes 1 4 10] [--per-unit-s 20]``.
Each size is planned by the real command (``roadchief plan``, a fresh process) on the
tiled city of ``scale_city.py`` with ``--time-limit`` = ``--per-unit-s`` x size; the stage
times are read from the run's ``summary.json`` (``stages_s``). The bound (issue #14) is
printed in the same table: the whole plan of the 10x city in at most 300 s, maps and
exports included; the baseline is main before #14. ``bench_maps.py`` times each output.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from scale_city import OUT, scale_city

BOUND_10X_S = 300.0
"""Issue #14: the whole plan of the 10x city in at most 5 minutes, outputs included."""
BASELINE = {10: {"wall": 370.0, "outputs": 134.0}}
"""Measured for issue #14 on main 246ad29 (plan 370 s, maps and exports 134 s at 10x)."""


def plan(times: int, per_unit_s: float, extra: list[str]) -> tuple[dict[str, Any], float]:
    """Plan one size with the real command; its summary and wall time."""
    city = scale_city(times)
    out = OUT / "stages" / f"x{times}"
    exe = Path(sys.executable).parent / "roadchief"
    command = [
        str(exe), "plan", "--zones", str(city.zones), "--roads", str(city.roads),
        "--chiefs", str(city.chiefs), "--rules", str(city.rules), "--week", "2026-W49",
        "--out", str(out), "--time-limit", str(per_unit_s * times), *extra,
    ]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    return json.loads((out / "summary.json").read_text("utf-8")), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 10])
    parser.add_argument("--per-unit-s", type=float, default=20.0)
    parser.add_argument("extra", nargs="*", help="more options for roadchief plan")
    args = parser.parse_args()
    rows = []
    for times in args.sizes:
        summary, wall = plan(times, args.per_unit_s, args.extra)
        rows.append((times, summary, wall))
        print(f"x{times}: {wall:.0f} s", file=sys.stderr, flush=True)
    stages = list(dict.fromkeys(s for _, summary, _ in rows for s in summary["stages_s"]))
    head = f"{'city':<7}{'segments':>9}{'people':>8}" + "".join(f"{s[:16]:>18}" for s in stages)
    head += f"{'plan wall s':>13}{'bound s':>9}{'baseline s':>12}"
    print(head)
    print("-" * len(head))
    for times, summary, wall in rows:
        line = f"x{times:<6}{summary['segments_placed']:>9,}{summary['chiefs']:>8,}"
        line += "".join(f"{summary['stages_s'].get(s, 0.0):>18.1f}" for s in stages)
        bound = f"{BOUND_10X_S:.0f}" if times == 10 else "—"
        base = BASELINE.get(times, {}).get("wall")
        line += f"{wall:>13.1f}{bound:>9}{(f'{base:.0f}' if base else '—'):>12}"
        print(line)
    print("Stage seconds from summary.json; each output's own seconds: bench/bench_maps.py.")
    print(f"Baseline: main 246ad29, issue #14 (10x plan {BASELINE[10]['wall']:.0f} s, of which "
          f"maps and exports {BASELINE[10]['outputs']:.0f} s).")  # fmt: skip


if __name__ == "__main__":
    main()
