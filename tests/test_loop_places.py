"""Cases snap to segments (or are kept as unplaced with a reason); units and routing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from roadchief.config import load_rules
from roadchief.errors import InputError
from roadchief.geo.snap import NO_LOCATION, place_cases
from roadchief.io.units import read_units
from roadchief.loop.cases import Case, CaseSource
from roadchief.loop.units import Unit, duty_holders, route

X0, Y0 = 350_000.0, 3_460_000.0  # UTM 51N, near Shanghai
UTM = "EPSG:32651"


def seg_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "segment_id": ["S1", "S2", "S3"],
            "zone_id": ["Z1", "Z1", "Z2"],
            "road_class": ["arterial", "branch", "lane"],
        },
        geometry=[
            LineString([(X0, Y0), (X0 + 200, Y0)]),
            LineString([(X0, Y0 + 100), (X0 + 200, Y0 + 100)]),
            LineString([(X0 + 1000, Y0), (X0 + 1000, Y0 + 200)]),
        ],
        crs=UTM,
    ).to_crs(4326)


def lonlat(x: float, y: float) -> tuple[float, float]:
    p = gpd.GeoSeries([Point(X0 + x, Y0 + y)], crs=UTM).to_crs(4326).iloc[0]
    return p.x, p.y


def case(cid: str, x: float | None, y: float | None) -> Case:
    lon, lat = lonlat(x, y) if x is not None and y is not None else (None, None)
    return Case(cid, CaseSource.APP, dt.datetime(2026, 10, 12, 9), "E0101", lon=lon, lat=lat)


def test_cases_snap_or_stay_unplaced_with_a_reason() -> None:
    cases = [case("A", 50, 10), case("B", 50, 85), case("C", 500, 50), case("D", None, None)]
    a, b, c, d = place_cases(cases, seg_frame(), {"S1": "chief-1"}, 40.0)
    assert (a.segment_id, a.zone_id, a.chief_id, a.road_class) == (
        "S1",
        "Z1",
        "chief-1",
        "arterial",
    )
    assert a.distance_m == pytest.approx(10, abs=0.5)
    assert b.segment_id == "S2" and b.chief_id == ""
    assert (
        not c.placed
        and "farther than loop.snap_m (40 m)" in c.reason
        and "nearest 304 m" in c.reason
    )
    assert not d.placed and d.reason == NO_LOCATION
    assert [p.case_id for p in (a, b, c, d)] == ["A", "B", "C", "D"]


def test_routing_by_frontage_zone_and_city() -> None:
    tax = load_rules().loop.taxonomy
    garbage, parking, flood = (tax.categories[c] for c in ("E0101", "E0601", "E0401"))
    units = [
        Unit("shop", "老王水果店", "frontage", frontage=frozenset({"S2"})),
        Unit(
            "hw1",
            "一区环卫所",
            "sanitation",
            categories=frozenset({"E01"}),
            zones=frozenset({"Z1"}),
        ),
        Unit("cg", "城管执法中队", "enforcement"),
        Unit("sz", "市政养护", "municipal"),
    ]
    assert route(garbage, "S2", "Z1", units).unit_id == "shop"
    assert route(garbage, "S1", "Z1", units).unit_id == "hw1"
    assert route(garbage, "S3", "Z2", units).unit_id == "cg"
    assert route(flood, "S3", "Z2", units).unit_id == "sz"
    none = route(parking, "S1", "Z1", units)
    assert none.unit_id == "" and "no unit takes E0601 (机动车乱停放)" in none.reason
    assert [u.unit_id for u in duty_holders("S2", units)] == ["shop"]


def test_units_file_csv_and_geojson(tmp_path: Path) -> None:
    loop = load_rules().loop
    segs = seg_frame()
    lon, lat = lonlat(100, 108)
    path = tmp_path / "units.csv"
    path.write_text(
        "unit_id,name,kind,contact,categories,zones,segment_ids,lon,lat\n"
        "hw1,一区环卫所,sanitation,0512-1,E01;E0302,Z1,,,\n"
        f"shop,老王水果店,frontage,,,,S1,{lon},{lat}\n",
        "utf-8-sig",
    )
    hw1, shop = read_units(path, loop.taxonomy, segs, ["Z1", "Z2"], loop.snap_m)
    assert hw1.categories == {"E01", "E0302"} and hw1.zones == {"Z1"}
    assert shop.frontage == {"S1", "S2"}
    gj = tmp_path / "units.geojson"
    gpd.GeoDataFrame(
        {"unit_id": ["m1"], "name": ["商场"], "kind": ["frontage"]},
        geometry=[Point(lon, lat).buffer(0.0001)],
        crs=4326,
    ).to_file(gj)
    (mall,) = read_units(gj, loop.taxonomy, segs, ["Z1"], loop.snap_m)
    assert mall.frontage == {"S2"}


def test_a_bad_units_file_names_every_row(tmp_path: Path) -> None:
    loop = load_rules().loop
    path = tmp_path / "units.csv"
    path.write_text(
        "unit_id,name,kind,categories,zones,segment_ids\n"
        "u1,甲,police,,,\n"
        "u2,乙,sanitation,X9,Z9,S9\n"
        "u2,丙,sanitation,,,\n"
        ",丁,sanitation,,,\n",
        "utf-8",
    )
    with pytest.raises(InputError) as err:
        read_units(path, loop.taxonomy, seg_frame(), ["Z1"], loop.snap_m)
    text = str(err.value)
    for expected in (
        "row 2: column kind: 'police'",
        "row 3: column categories: 'X9'",
        "row 3: column zones: zone 'Z9'",
        "row 3: column segment_ids: segment 'S9'",
        "row 5: column unit_id: is empty",
    ):
        assert expected in text, expected
    assert "row 4" not in text  # u2 on row 3 was bad, so row 4's id is the first good use
