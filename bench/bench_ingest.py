"""Benchmark the GIS ingest stage on Cambridge and on a city tiled from shifted copies of it.

Run ``.venv/bin/python bench/bench_ingest.py [--sizes 1 10]``. Each size is ingested in its
own subprocess, so the peak resident memory (``ru_maxrss``) belongs to that size alone.
Tiled inputs come from ``scale_city.py`` (written to ``bench/out/scale/``, not committed).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from scale_city import CAMBRIDGE, scale_city


def make_inputs(times: int) -> dict[str, Path]:
    """The inputs of a city ``times`` the size of Cambridge, with crash points as incidents."""
    city = scale_city(times, incidents=True)
    inputs = {"zones": city.zones, "roads": city.roads}
    if city.incidents:
        inputs["incidents"] = city.incidents
    return inputs


def run_one(times: int) -> dict[str, float]:
    """Ingest one size in this process; the figures of the run."""
    from roadchief.config import load_rules
    from roadchief.geo.prepare import prepare_city

    inputs = make_inputs(times)
    rules = load_rules(CAMBRIDGE / "rules.toml")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    city = prepare_city(inputs["zones"], inputs["roads"], rules, incidents=inputs.get("incidents"))
    wall = time.perf_counter() - start
    return {
        "times": times,
        "roads": city.report.features_in["roads"],
        "incidents": city.report.features_in.get("incidents", 0),
        "wall_s": wall,
        "rss_before_mb": rss_before,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "segments": city.report.segments_in,
        "placed": len(city.segments_gdf),
        "unplaced": len(city.unplaced_gdf),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one)))
        return
    rows = []
    for times in args.sizes:
        make_inputs(times)  # written outside the timed subprocess
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(times)],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    head = (
        f"{'city':<14}{'roads':>8}{'incidents':>11}{'ingest s':>10}{'RSS MB':>9}"
        f"{'peak MB':>9}{'segments':>10}{'placed':>9}{'unplaced':>10}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        name = "Cambridge" if r["times"] == 1 else f"Cambridge x{r['times']}"
        print(
            f"{name:<14}{r['roads']:>8}{r['incidents']:>11}{r['wall_s']:>10.2f}"
            f"{r['rss_before_mb']:>9.0f}{r['peak_rss_mb']:>9.0f}{r['segments']:>10}"
            f"{r['placed']:>9}{r['unplaced']:>10}"
        )
    print("RSS MB: resident memory after imports, before ingest; peak MB: peak of the run.")


if __name__ == "__main__":
    main()
