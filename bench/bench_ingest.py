"""Benchmark the GIS ingest stage on Cambridge and on a city tiled from shifted copies of it.

Run ``.venv/bin/python bench/bench_ingest.py [--sizes 1 10]``. Each size is ingested in its
own subprocess, so the peak resident memory (``ru_maxrss``) belongs to that size alone.
Tiled inputs are written to ``bench/out/`` (not committed).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
CAMBRIDGE = ROOT / "geodata" / "cambridge_ma"
CRASHES = ROOT.parent / "shared" / "geodata" / "cambridge_ma" / "points_crashes_2010_2017.geojson"
OUT = ROOT / "bench" / "out"
LOCAL_CRS = "EPSG:26986"
"""Massachusetts Mainland, metres: the tiles are shifted in it."""
GAP_M = 500.0


def tile(
    gdf: gpd.GeoDataFrame, times: int, id_fields: list[str], bounds: list[float]
) -> gpd.GeoDataFrame:
    """``times`` copies of ``gdf`` in a grid of cells the size of ``bounds``, ids ``t<k>:``."""
    local = gdf.to_crs(LOCAL_CRS)
    minx, miny, maxx, maxy = bounds
    cols = math.ceil(math.sqrt(times))
    copies = []
    for k in range(times):
        dx = (k % cols) * (maxx - minx + GAP_M)
        dy = (k // cols) * (maxy - miny + GAP_M)
        part = local.copy()
        part["geometry"] = part.geometry.translate(dx, dy)
        for field in id_fields:
            part[field] = [f"t{k}:{v}" for v in part[field]]
        copies.append(part)
    out = gpd.GeoDataFrame(pd.concat(copies, ignore_index=True), crs=LOCAL_CRS)
    return out.to_crs(4326)


def make_inputs(times: int) -> dict[str, Path]:
    """Write the inputs of a city ``times`` the size of Cambridge (1: the real files)."""
    inputs = {
        "zones": CAMBRIDGE / "zones_cdd_neighborhoods.geojson",
        "roads": CAMBRIDGE / "streets_centerlines.geojson",
    }
    if CRASHES.exists():
        inputs["incidents"] = CRASHES
    if times == 1:
        return inputs
    OUT.mkdir(parents=True, exist_ok=True)
    bounds = list(gpd.read_file(inputs["zones"]).to_crs(LOCAL_CRS).total_bounds)
    out: dict[str, Path] = {}
    for role, path in inputs.items():
        target = OUT / f"{role}_x{times}.geojson"
        if not target.exists():
            ids = {"zones": ["N_HOOD"], "roads": ["ID"], "incidents": []}[role]
            tile(gpd.read_file(path), times, ids, bounds).to_file(target)
        out[role] = target
    return out


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
