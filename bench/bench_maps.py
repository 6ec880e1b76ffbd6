"""Benchmark every output of a run on Cambridge and on cities tiled from shifted copies of it.

Run ``.venv/bin/python bench/bench_maps.py [--sizes 1 10] [--keep DIR]``. The roster is the
greedy baseline (the solver is not what is measured here); its walks are measured as the
checker measures them. Prints, per city, the seconds and size of each output written by
``render.write_outputs``, and how long the overview takes to open in headless Chromium
(until every segment is drawn). Bound: the overview of the 10x city opens in <= 5 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from roadchief.render import RunResults, Written, write_outputs
from roadchief.render.assets import leaflet_head
from roadchief.solve import assign_owners, greedy_roster
from roadchief.solve.roster.roster_walks import measure_roster
from scale_city import scale_city

OPEN_BOUND_S = 5.0
"""Issue #14: the overview of the 10x city opens in Chromium in at most 5 s."""
GLOBS = {
    "roster.csv": "roster.csv",
    "unplaced.geojson": "unplaced.geojson",
    "roster.xlsx": "roster.xlsx",
    "roster.gpkg": "roster.gpkg",
    "report.html": "report.html",
    "overview.html": "overview.html",
    "chiefs/*.html": "chiefs/*.html",
    "chiefs/*.ics": "chiefs/*.ics",
}


def overview_open_s(path: Path) -> float | None:
    """Seconds from navigation until the overview's segments are drawn (None: no Chromium)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        start = time.perf_counter()
        page.goto(path.as_uri(), timeout=120_000)
        page.wait_for_function(
            "document.querySelector('.rc-ctl') !== null", timeout=120_000, polling=50
        )
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def write_city(times: int, out: Path) -> tuple[str, Written, float]:
    """Write the outputs of the demo city tiled ``times`` (greedy roster) into ``out``:
    the city's label, what was written and the wall seconds."""
    files = scale_city(times)
    from roadchief.app.files import CityFiles, WeekFiles, read_week_inputs
    from roadchief.domain import Week

    inputs = read_week_inputs(
        CityFiles(files.zones, files.roads, files.chiefs, rules=files.rules),
        WeekFiles(),
        Week.parse("2026-W49"),
    )
    instance = inputs.instance()
    ownership = assign_owners(instance)
    roster = greedy_roster(instance, ownership)
    walks = measure_roster(instance, roster)
    results = RunResults(inputs.city, instance, ownership, roster, walks)
    start = time.perf_counter()
    written = write_outputs(results, out, time_zone=inputs.rules.time_zone)
    wall = time.perf_counter() - start
    name = "Cambridge" if times == 1 else f"Cambridge x{times}"
    return f"{name} ({len(instance.segments)} seg, {len(roster.tours())} tours)", written, wall


def run(times: int, out: Path) -> list[tuple[str, str, float, int, int]]:
    """(city, output, seconds, files, bytes) rows for one size."""
    label, written, wall = write_city(times, out)
    rows = []
    for output, seconds in written.seconds.items():
        paths = list(out.glob(GLOBS[output]))
        rows.append((label, output, seconds, len(paths), sum(p.stat().st_size for p in paths)))
    rows.append((label, "all outputs (wall)", wall, 0, 0))  # xlsx, ics beside the maps
    opened = overview_open_s(out / "overview.html")
    if opened is not None:
        rows.append((label, f"overview opens (bound {OPEN_BOUND_S:.0f} s)", opened, 1, 0))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--keep", type=Path, help="write the outputs here (kept)")
    args = parser.parse_args()
    rows = []
    for times in args.sizes:
        if args.keep:
            out = args.keep / f"x{times}"
            out.mkdir(parents=True, exist_ok=True)
            rows += run(times, out)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                rows += run(times, Path(tmp))
    head = f"{'city':<40}{'output':<28}{'seconds':>9}{'files':>7}{'MB':>9}{'KB/file':>9}"
    print(head)
    print("-" * len(head))
    for label, output, seconds, n, size in rows:
        print(
            f"{label:<40}{output:<28}{seconds:>9.2f}{n:>7}{size / 1e6:>9.2f}"
            f"{size / 1e3 / max(n, 1):>9.0f}"
        )
    print(
        f"Leaflet (JS, CSS, icons): {len(leaflet_head()) / 1e3:.0f} KB, inlined in the overview; "
        "person pages link it from assets/ (bench_page_weight.py)."
    )


if __name__ == "__main__":
    main()
