"""Run-folder exports: roster and ownership CSV for Excel, unplaced GeoJSON, JSON."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from roadchief.render import (
    write_json,
    write_ownership_csv,
    write_roster_csv,
    write_unplaced_geojson,
)
from roadchief.render.exports import OWNERSHIP_COLUMNS, ROSTER_COLUMNS
from test_render_city import (
    TOURS,
    tiny_city,
    tiny_figures,
    tiny_instance,
    tiny_ownership,
    tiny_roster,
)

BOM = b"\xef\xbb\xbf"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_roster_csv_has_a_bom_and_one_row_per_patrol(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "roster.csv"
    instance = tiny_instance(city)
    write_roster_csv(tiny_roster(), instance, tiny_ownership(), path, figures=tiny_figures(city))
    assert path.read_bytes().startswith(BOM)
    with path.open(encoding="utf-8-sig", newline="") as f:
        assert next(csv.reader(f)) == list(ROSTER_COLUMNS)
    rows = read_csv(path)
    assert len(rows) == sum(len(segs) for *_, segs in TOURS) == 9
    assert rows[0] == {
        "date": "2026-12-07",
        "weekday": "mon",
        "slot": "am",
        "start": "08:00",
        "end": "10:00",
        "chief_id": "c1",
        "chief_name": "张伟",
        "segment_id": "s1",
        "road_name": "淮海中路",
        "length_m": rows[0]["length_m"],
        "zone_id": "z1",
        "tour_id": "c1:2026-12-07:am",
        "order": "1",
        "owner_id": "c1",
        "walk_to_m": "0",
        "tour_km": rows[0]["tour_km"],
    }
    for tour in {r["tour_id"] for r in rows}:  # tour_km: its segments plus the walk between
        mine = [r for r in rows if r["tour_id"] == tour]
        walked_m = sum(float(r["length_m"]) + float(r["walk_to_m"]) for r in mine)
        assert {r["tour_km"] for r in mine} == {mine[0]["tour_km"]}
        assert float(mine[0]["tour_km"]) == pytest.approx(walked_m / 1000, abs=0.002)
    assert (
        rows[0]["length_m"].split(".")[1].isdigit() and len(rows[0]["length_m"].split(".")[1]) == 1
    )


def test_roster_csv_is_sorted_and_marks_helper_patrols(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "roster.csv"
    instance = tiny_instance(city)
    write_roster_csv(tiny_roster(), instance, tiny_ownership(), path, figures=tiny_figures(city))
    rows = read_csv(path)
    keys = [(r["date"], r["start"], r["chief_id"], int(r["order"])) for r in rows]
    assert keys == sorted(keys)
    helper = [r for r in rows if r["chief_id"] != r["owner_id"]]
    assert [(r["chief_id"], r["segment_id"], r["owner_id"]) for r in helper] == [("c1", "s3", "c2")]


def test_ownership_csv_lists_every_placed_segment(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "ownership.csv"
    write_ownership_csv(tiny_ownership(), tiny_instance(city), path)
    assert path.read_bytes().startswith(BOM)
    rows = read_csv(path)
    assert list(rows[0]) == list(OWNERSHIP_COLUMNS)
    assert [(r["segment_id"], r["chief_id"]) for r in rows] == sorted(
        tiny_ownership().owner_of.items()
    )
    assert rows[3]["road_name"] == "南京西路" and rows[3]["zone_id"] == "z2"


def test_unplaced_geojson_has_each_segment_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "unplaced.geojson"
    write_unplaced_geojson(tiny_city(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 1
    props = data["features"][0]["properties"]
    assert props["road_name"] == "延安高架路" and props["reason"] == "outside every zone"
    assert props["reason_code"] == "other"  # a text this version does not know: kept as is
    assert props["reason_values"] == {"text": "outside every zone"}
    assert data["features"][0]["geometry"]["coordinates"][0] == [121.44, 31.21]
    assert "延安高架路" in path.read_text(encoding="utf-8")  # not \\u-escaped


def test_unplaced_geojson_is_written_when_empty(tmp_path: Path) -> None:
    path = tmp_path / "unplaced.geojson"
    write_unplaced_geojson(tiny_city(unplaced=False), path)
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "type": "FeatureCollection",
        "features": [],
    }


def test_unplaced_geojson_is_converted_to_wgs84(tmp_path: Path) -> None:
    city = tiny_city()
    city.unplaced_gdf = city.unplaced_gdf.to_crs("EPSG:32651")
    path = tmp_path / "unplaced.geojson"
    write_unplaced_geojson(city, path)
    lon, lat = json.loads(path.read_text(encoding="utf-8"))["features"][0]["geometry"][
        "coordinates"
    ][0]
    assert abs(lon - 121.44) < 1e-7 and abs(lat - 31.21) < 1e-7


def test_json_keeps_chinese_and_writes_dates(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "summary.json"
    write_json({"zone": "黄浦区", "monday": dt.date(2026, 12, 7), "ids": {"b", "a"}}, path)
    text = path.read_text(encoding="utf-8")
    assert '"zone": "黄浦区"' in text and text.endswith("}\n")
    assert json.loads(text) == {"zone": "黄浦区", "monday": "2026-12-07", "ids": ["a", "b"]}
