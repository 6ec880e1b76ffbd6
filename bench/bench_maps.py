"""Benchmark maps and exports on Cambridge and on a city tiled from 10 shifted copies of it.

Run ``.venv/bin/python bench/bench_maps.py [--sizes 1 10] [--keep DIR]``. The roster is the
greedy baseline (the solver is not what is measured here). Prints, per city, the render
time and size of the overview, the chief maps, the spreadsheets, calendars, GeoPackage and
report, and how much of a page the inlined Leaflet is.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from roadchief.config import load_rules
from roadchief.domain import Week
from roadchief.geo.prepare import prepare_city
from roadchief.instance import build_instance
from roadchief.io.chiefs import read_chiefs
from roadchief.render.assets import leaflet_head
from roadchief.render.exports import write_roster_csv
from roadchief.render.gis import write_roster_gpkg
from roadchief.render.ics import write_chief_calendars
from roadchief.render.maps import render_chief_maps, render_overview
from roadchief.render.report import write_report
from roadchief.render.xlsx import write_roster_xlsx
from roadchief.solve import assign_owners, greedy_roster
from roadchief.solve.roster.walk import measure_roster
from scale_city import scale_city

WEEK = Week(2026, 49)


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def size_of(*paths: Path) -> int:
    return sum(p.stat().st_size for p in paths)


def run(times: int, out: Path) -> list[tuple[str, str, float, int, int]]:
    """(city, output, seconds, files, bytes) rows for one size."""
    files = scale_city(times)
    rules = load_rules(files.rules)
    city = prepare_city(files.zones, files.roads, rules)
    zones = set(city.zones_gdf["zone_id"].astype(str))
    chiefs = read_chiefs(files.chiefs, rules, zones)
    instance = build_instance(city, chiefs, rules, WEEK)
    ownership = assign_owners(instance)
    roster = greedy_roster(instance, ownership)
    walks = measure_roster(instance, roster)  # as the checker measures them
    name = "Cambridge" if times == 1 else f"Cambridge x{times}"
    label = f"{name} ({len(instance.segments)} seg, {len(roster.tours())} tours)"
    rows = []
    ov = out / "overview.html"
    rows.append(
        (
            label,
            "overview.html",
            timed(lambda: render_overview(city, ownership, roster, instance, ov)),
            1,
            size_of(ov),
        )
    )
    ovc = out / "overview_canvas.html"
    rows.append(
        (
            label,
            "overview.html (canvas)",
            timed(
                lambda: render_overview(city, ownership, roster, instance, ovc, prefer_canvas=True)
            ),
            1,
            size_of(ovc),
        )
    )
    paths: list[Path] = []
    t = timed(
        lambda: paths.extend(render_chief_maps(city, ownership, roster, instance, out, walks=walks))
    )
    rows.append((label, "chiefs/*.html", t, len(paths), size_of(*paths)))
    ics: list[Path] = []
    t = timed(
        lambda: ics.extend(
            write_chief_calendars(roster, instance, ownership, out, time_zone=rules.time_zone)
        )
    )
    rows.append((label, "chiefs/*.ics", t, len(ics), size_of(*ics)))
    for file, fn in (
        ("roster.csv", write_roster_csv),
        ("roster.xlsx", write_roster_xlsx),
    ):
        t = timed(lambda fn=fn, file=file: fn(roster, instance, ownership, out / file, walks=walks))  # type: ignore[misc]
        rows.append((label, file, t, 1, size_of(out / file)))
    t = timed(lambda: write_roster_gpkg(city, ownership, roster, instance, out / "roster.gpkg"))
    rows.append((label, "roster.gpkg", t, 1, size_of(out / "roster.gpkg")))
    t = timed(lambda: write_report(roster, instance, ownership, out / "report.html"))
    rows.append((label, "report.html", t, 1, size_of(out / "report.html")))
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
    head = f"{'city':<42}{'output':<24}{'seconds':>9}{'files':>7}{'MB':>9}{'KB/file':>9}"
    print(head)
    print("-" * len(head))
    for label, output, seconds, files, size in rows:
        print(
            f"{label:<42}{output:<24}{seconds:>9.2f}{files:>7}{size / 1e6:>9.2f}"
            f"{size / 1e3 / max(files, 1):>9.0f}"
        )
    print(f"Inlined Leaflet (JS, CSS, icons) per page: {len(leaflet_head()) / 1e3:.0f} KB.")


if __name__ == "__main__":
    main()
