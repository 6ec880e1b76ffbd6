"""Build larger real cities by tiling the demo city (Cambridge, MA) with shifted copies.

A city ``times`` the size of the demo is ``times`` copies of its zones, roads and chiefs laid
out on a grid with 500 m between copies; copy ``k`` gets fresh ids: zones and roads
``t<k>:<id>``, chiefs ``t<k>-<id>`` (supervisors and zones of a chief follow). The files are
written once into ``bench/out/scale/x<times>/`` (not committed) so that ``roadchief plan``
runs on them too::

    .venv/bin/python bench/scale_city.py --sizes 1 4 10 40   # writes and prints the commands

Size 1 is the demo's own files. The bench scripts (bench_ingest, bench_maps, bench_scale)
all take their cities from here.
"""

from __future__ import annotations

import argparse
import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

if TYPE_CHECKING:
    from roadchief.domain import PatrolInstance

ROOT = Path(__file__).resolve().parent.parent
CAMBRIDGE = ROOT / "geodata" / "cambridge_ma"
CRASHES = ROOT.parent / "shared" / "geodata" / "cambridge_ma" / "points_crashes_2010_2017.geojson"
OUT = ROOT / "bench" / "out" / "scale"
LOCAL_CRS = "EPSG:26986"
"""Massachusetts Mainland, metres: the copies are shifted in it."""
GAP_M = 500.0
ZONE_ID, ROAD_ID = "N_HOOD", "ID"
"""Id fields of the demo's zones and roads (as its rules.toml names them)."""


@dataclass(frozen=True)
class ScaleCity:
    """The input files of one tiled city, ready for ``roadchief plan``."""

    times: int
    zones: Path
    roads: Path
    chiefs: Path
    rules: Path
    incidents: Path | None = None

    def instance(self, week: str = "2026-W49") -> PatrolInstance:
        """The city read and measured as ``roadchief plan`` does (``app.files``)."""
        from roadchief.app.files import CityFiles, WeekFiles, read_week_inputs
        from roadchief.domain import Week

        files = CityFiles(
            self.zones, self.roads, self.chiefs, rules=self.rules, incidents=self.incidents
        )
        return read_week_inputs(files, WeekFiles(), Week.parse(week)).instance()

    def plan_command(self, out: Path, week: str = "2026-W49") -> str:
        """The ``roadchief plan`` command line that plans this city into ``out``."""
        extra = f" --incidents {self.incidents}" if self.incidents else ""
        return (
            f"roadchief plan --zones {self.zones} --roads {self.roads} --chiefs {self.chiefs} "
            f"--rules {self.rules}{extra} --week {week} --out {out}"
        )


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


def tile_chiefs(source: Path, times: int, target: Path) -> None:
    """The chiefs file copied once per tile: ids ``t<k>-<id>``, zones ``t<k>:<zone>``."""
    with source.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for k in range(times):
            for r in rows:
                sup = r.get("supervisor_id") or ""
                writer.writerow(
                    {
                        **r,
                        "chief_id": f"t{k}-{r['chief_id']}",
                        "zone_id": f"t{k}:{r['zone_id']}" if r["zone_id"] else "",
                        "supervisor_id": f"t{k}-{sup}" if sup else "",
                    }
                )


def scale_city(times: int, *, incidents: bool = False, out: Path = OUT) -> ScaleCity:
    """The files of a city ``times`` the size of the demo, written on first use.

    ``incidents``: also tile the Cambridge crash points (when the shared data is present).
    """
    demo = ScaleCity(
        times=1,
        zones=CAMBRIDGE / "zones_cdd_neighborhoods.geojson",
        roads=CAMBRIDGE / "streets_centerlines.geojson",
        chiefs=CAMBRIDGE / "chiefs.csv",
        rules=CAMBRIDGE / "rules.toml",
        incidents=CRASHES if incidents and CRASHES.exists() else None,
    )
    if times == 1:
        return demo
    folder = out / f"x{times}"
    city = ScaleCity(
        times=times,
        zones=folder / "zones.geojson",
        roads=folder / "roads.geojson",
        chiefs=folder / "chiefs.csv",
        rules=demo.rules,
        incidents=folder / "incidents.geojson" if demo.incidents else None,
    )
    folder.mkdir(parents=True, exist_ok=True)
    bounds = list(gpd.read_file(demo.zones).to_crs(LOCAL_CRS).total_bounds)
    layers = [(demo.zones, city.zones, [ZONE_ID]), (demo.roads, city.roads, [ROAD_ID])]
    if demo.incidents and city.incidents:
        layers.append((demo.incidents, city.incidents, []))
    for source, target, ids in layers:
        if not target.exists():
            partial = target.with_suffix(".part.geojson")
            tile(gpd.read_file(source), times, ids, bounds).to_file(partial, driver="GeoJSON")
            partial.replace(target)  # a crash never leaves a half-written file in the cache
    if not city.chiefs.exists():
        partial = city.chiefs.with_suffix(".part.csv")
        tile_chiefs(demo.chiefs, times, partial)
        partial.replace(city.chiefs)
    return city


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 10, 40])
    parser.add_argument("--incidents", action="store_true", help="tile the crash points too")
    args = parser.parse_args()
    for times in args.sizes:
        city = scale_city(times, incidents=args.incidents)
        print(f"x{times}: {city.plan_command(ROOT / 'schedules' / f'scale_x{times}')}")


if __name__ == "__main__":
    main()
