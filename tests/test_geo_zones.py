"""Zone membership: majority of length, the edge tolerance, the tie-break, unplaced segments."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString

from geo_builders import CRS_M, line, square, two_zones, write
from roadchief.config import load_rules
from roadchief.geo.prepare import prepare_city
from roadchief.geo.zones import place_segments
from roadchief.i18n import Translator
from roadchief.reasons import OTHER, OUTSIDE_ZONES, PARTLY_IN_ZONE, Reason, parse_reason

ZONES = gpd.GeoDataFrame(
    {"zone_id": ["A", "B"]}, geometry=[square(0, 0, 1000), square(1000, 0, 1000)], crs=CRS_M
)


def place(*lines: LineString) -> pd.DataFrame:
    segs = gpd.GeoDataFrame(
        {"segment_id": [f"s{i}" for i in range(len(lines))]}, geometry=list(lines), crs=CRS_M
    )
    return place_segments(segs, ZONES, tolerance_m=2.0, min_share=0.5)


def test_segment_goes_to_the_zone_with_most_of_its_length() -> None:
    out = place(line((700, 500), (1100, 500)), line((900, 500), (1300, 500)))
    assert list(out["zone_id"]) == ["A", "B"]
    assert out["share_in_zones"].tolist() == pytest.approx([1.0, 1.0])


def test_segment_just_outside_an_edge_counts_as_inside() -> None:
    out = place(line((100, 1001.5), (400, 1001.5)))
    assert out.loc[0, "zone_id"] == "A"
    assert out.loc[0, "share_in_zones"] == pytest.approx(1.0)


def test_tie_break_larger_length_within_tolerance_then_smaller_zone_id() -> None:
    out = place(
        line((800, 500), (1200, 500)),  # 200 m in each: tie, A wins on id
        line((1000, 200), (1000, 400)),  # along the shared edge: tie, A wins on id
        line((999.5, 1001), (1100, 1001)),  # in neither; within 2 m of B for longer: B
    )
    assert list(out["zone_id"]) == ["A", "A", "B"]


def test_segment_mostly_outside_the_zones_is_unplaced_with_a_reason() -> None:
    out = place(line((1900, 500), (2300, 500)), line((3000, 500), (3100, 500)))
    assert list(out["zone_id"]) == ["", ""]
    assert out["share_in_zones"].tolist() == pytest.approx([102 / 400, 0.0], abs=1e-3)
    assert out.loc[0, "reason"].startswith("only 26% of its 400 m lies within 2 m of a zone")
    assert out.loc[1, "reason"].startswith("outside every zone: nearest zone 'B' is 1000 m away")
    # each text is a code and values, read back exactly, rendered in every language
    partly, outside = (parse_reason(r) for r in out["reason"])
    assert partly == Reason(PARTLY_IN_ZONE, {"zone_id": "B", "share_pct": 26, "length_m": 400,
                                             "tolerance_m": 2.0, "min_share_pct": 50})  # fmt: skip
    assert outside == Reason(OUTSIDE_ZONES, {"zone_id": "B", "distance_m": 1000})
    assert [r.text() for r in (partly, outside)] == out["reason"].tolist()
    zh, en = Translator("zh"), Translator("en")
    assert zh.reason(outside, {"B": "二区"}) == "不在任何责任区内；最近的责任区 二区 相距 1000 m"
    assert en.reason(partly) == (
        "only 26% of its 400 m lies in a zone (50% needed); extend zone B over it"
    )
    assert parse_reason("a reason of another version") == Reason(
        OTHER, {"text": "a reason of another version"}
    )


def test_unplaced_segments_are_reported_not_lost(tmp_path: Path) -> None:
    roads = write(
        tmp_path / "roads.geojson",
        {"id": ["in", "out"], "name": ["中山路", "外环"]},
        [line((100, 500), (900, 500)), line((2500, 500), (2900, 500))],
    )
    city = prepare_city(two_zones(tmp_path), roads, load_rules())
    assert list(city.segments_gdf["segment_id"]) == ["in"]
    assert list(city.segments_gdf["zone_id"]) == ["A"]
    assert list(city.unplaced_gdf["segment_id"]) == ["out"]
    assert city.unplaced_gdf.loc[0, "road_name"] == "外环"
    assert city.report.segments_in == 2
    assert any(
        "1 segment (0.4 km) lies outside the zones" in w.message for w in city.report.warnings
    )
