"""Generate a month of cases for the demo city (seeded; every case labelled generated).

No open 311 data for Cambridge is on this machine, so the month is generated: cases near
the demo streets (a few far off or without a place, to show unplaced cases), with their
histories. Writes cases.csv (the import file) and transitions.csv (what happened after,
for replaying the month through `roadchief case update`).

    .venv/bin/python scripts/make_demo_cases.py --out schedules/demo/loop [--n 1500] [--seed 15]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np

from roadchief.config import load_rules
from roadchief.io.cases import write_cases_csv
from roadchief.loop.deadlines import DeadlineClock
from roadchief.loop.simulate import Spot, generate_cases

DEMO = Path(__file__).resolve().parent.parent / "geodata" / "cambridge_ma"
UNITS = {
    "enforcement": ("CG01", "城管执法中队 (generated)"),
    "sanitation": ("HW01", "环卫所 (generated)"),
    "municipal": ("SZ01", "市政所 (generated)"),
    "traffic_police": ("JJ01", "交警大队 (generated)"),
    "greening": ("YL01", "园林所 (generated)"),
    "environment": ("HB01", "生态环境分局 (generated)"),
}
"""One generated unit per kind for the whole city; frontage cases fall back to 城管执法."""


SHOPS = ("水果店", "便利店", "小吃店", "五金店", "药店", "理发店")
"""Kinds of generated shops holding a frontage duty (门前三包)."""


def _busiest(
    made: list[tuple[Any, Spot]], pts: gpd.GeoSeries, streets: gpd.GeoDataFrame, n: int
) -> list[str]:
    """The row numbers of the ``n`` streets inside a zone most cases were reported at (ties
    by road id): a shop lines a street the city holds."""
    index = {(round(p.x, 9), round(p.y, 9)): i for i, p in enumerate(pts)}
    zones = gpd.read_file(DEMO / "zones_cdd_neighborhoods.geojson").to_crs(streets.crs)
    inside = set(gpd.sjoin(streets[["geometry"]], zones[["geometry"]], predicate="within").index)
    ids = streets["ID"].astype(str).tolist()
    count: dict[int, int] = {}
    for _, spot in made:
        i = index.get((round(spot.lon, 9), round(spot.lat, 9)))
        if i is not None and i in inside:
            count[i] = count.get(i, 0) + 1
    return sorted(count, key=lambda i: (-count[i], ids[i]))[:n]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=1500)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--first", default="2026-11-01")
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--shops", type=int, default=12, help="frontage duty holders (门前三包)")
    ap.add_argument(
        "--recurring", type=float, default=0.25,
        help="share of the cases at a few spots where problems come back (hotspots)",
    )  # fmt: skip
    args = ap.parse_args()
    rules = load_rules(DEMO / "rules.toml")
    clock = DeadlineClock(rules.loop, rules.working_calendar())
    rng = np.random.default_rng(args.seed)
    streets = gpd.read_file(DEMO / "streets_centerlines.geojson")
    metric = streets.estimate_utm_crs()
    mid = streets.to_crs(metric).geometry.representative_point()
    # A report stands on the pavement: 3-20 m off the centreline; 2% far off (60-300 m).
    angle = rng.uniform(0, 2 * np.pi, len(mid))
    far = rng.random(len(mid)) < 0.02
    off = np.where(far, rng.uniform(60, 300, len(mid)), rng.uniform(3, 20, len(mid)))
    pts = gpd.GeoSeries(
        gpd.points_from_xy(mid.x + off * np.cos(angle), mid.y + off * np.sin(angle)), crs=metric
    ).to_crs(4326)
    spots = [Spot(p.x, p.y, "", "", "") for p in pts]
    first = dt.date.fromisoformat(args.first)
    unit_of = {kind: uid for kind, (uid, _) in UNITS.items()} | {"frontage": "CG01"}
    made = generate_cases(
        spots, clock, first, args.days, args.n, rng,
        prefix="CAM", units=unit_of, recurring=args.recurring,
    )  # fmt: skip
    cases = [
        rec.case if rng.random() > 0.01 else dataclasses.replace(rec.case, lon=None, lat=None)
        for rec, _ in made
    ]
    args.out.mkdir(parents=True, exist_ok=True)
    write_cases_csv(cases, args.out / "cases.csv")
    with (args.out / "transitions.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "to", "by", "at", "note", "unit", "deadline"])
        for rec, _ in made:
            for t in rec.history[1:]:
                deadline = t.deadline.isoformat(timespec="minutes") if t.deadline else ""
                w.writerow([t.case_id, t.to_state.value, t.by, t.at.isoformat(timespec="minutes"),
                            t.note, t.unit, deadline])  # fmt: skip
    # Frontage duty holders (门前三包): shops at the middle of the streets with the most
    # cases, each a point frontage lining the segments within loop.snap_m (separate seed:
    # the cases stay as they were).
    spots_rng = np.random.default_rng(args.seed + 1)
    busiest = _busiest(made, pts, streets, args.shops)
    with (args.out / "units.csv").open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["unit_id", "name", "kind", "contact", "lon", "lat"])
        w.writerows([uid, name, kind, "", "", ""] for kind, (uid, name) in UNITS.items())
        for k, i in enumerate(busiest, start=1):
            phone = f"139{int(spots_rng.integers(10**7, 10**8))}"
            front = streets.geometry.iloc[i].interpolate(0.5, normalized=True)  # mid-street
            w.writerow([f"MQ{k:02d}", f"{SHOPS[k % len(SHOPS)]} {k} 号 (generated)",
                        "frontage", phone, f"{front.x:.7f}", f"{front.y:.7f}"])  # fmt: skip
    print(f"{len(cases)} generated cases and their transitions in {args.out}")


if __name__ == "__main__":
    main()
