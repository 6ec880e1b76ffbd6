"""Cutting roads into segments: crossings, bridges, maximum and minimum length, ids, nodes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import LineString, MultiLineString

from geo_builders import CRS_M, line
from roadchief.geo.segments import cut_segments, number_nodes


def roads(ids: list[str], geoms: list[LineString | MultiLineString]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"source_id": ids, "road_name": ["路"] * len(ids), "road_class": ["branch"] * len(ids)},
        geometry=geoms,
        crs=CRS_M,
    )


def cut(gdf: gpd.GeoDataFrame, max_m: float = 800.0, min_m: float = 1.0) -> gpd.GeoDataFrame:
    return cut_segments(gdf, max_m, min_m).segments_gdf


def test_ways_are_split_at_shared_interior_vertices() -> None:
    # A runs west-east through (500, 0); B runs south-north through the same vertex.
    a = line((0, 0), (500, 0), (1000, 0))
    b = line((500, -300), (500, 0), (500, 300))
    segs = cut(roads(["A", "B"], [a, b]))
    assert list(segs["segment_id"]) == ["A#1", "A#2", "B#1", "B#2"]
    assert list(segs["source_id"]) == ["A", "A", "B", "B"]
    assert segs["length_m"].tolist() == pytest.approx([500, 500, 300, 300])
    # The four pieces meet in one node.
    crossing = segs.loc[[0, 2], "to_node"].tolist() + segs.loc[[1, 3], "from_node"].tolist()
    assert len(set(crossing)) == 1


def test_a_road_ending_on_another_splits_it() -> None:
    a = line((0, 0), (400, 0), (1000, 0))
    b = line((400, 0), (400, 200))
    segs = cut(roads(["A", "B"], [a, b]))
    assert list(segs["segment_id"]) == ["A#1", "A#2", "B"]


def test_a_bridge_without_a_shared_vertex_is_not_a_crossing() -> None:
    a = line((0, 0), (600, 0))
    bridge = line((300, -300), (300, 300))
    segs = cut(roads(["A", "bridge"], [a, bridge]))
    assert list(segs["segment_id"]) == ["A", "bridge"]
    assert len(set(segs["from_node"]) | set(segs["to_node"])) == 4


def test_long_runs_are_cut_into_equal_parts_in_line_order() -> None:
    segs = cut(roads(["L"], [line((0, 0), (2000, 0))]), max_m=800)
    assert list(segs["segment_id"]) == ["L#1", "L#2", "L#3"]
    assert segs["length_m"].tolist() == pytest.approx([2000 / 3] * 3)
    assert segs["x_m"].tolist() == pytest.approx([500_000 + 2000 / 6 * k for k in (1, 3, 5)])
    assert segs.loc[0, "to_node"] == segs.loc[1, "from_node"]


def test_multilinestrings_are_exploded_part_by_part() -> None:
    multi = MultiLineString([line((0, 0), (100, 0)), line((0, 50), (100, 50))])
    segs = cut(roads(["M"], [multi]))
    assert list(segs["segment_id"]) == ["M#1", "M#2"]
    assert segs["y_m"].tolist() == pytest.approx([3_500_000, 3_500_050])


def test_cuts_leaving_a_sliver_are_not_made() -> None:
    # B ends 0.4 m from A's end: cutting A there would leave a 0.4 m sliver.
    a = line((0, 0), (99.6, 0), (100, 0))
    b = line((99.6, 0), (99.6, 100))
    segs = cut(roads(["A", "B"], [a, b]), min_m=1.0)
    assert list(segs["segment_id"]) == ["A", "B"]
    assert segs.loc[0, "length_m"] == pytest.approx(100)


def test_roads_shorter_than_the_minimum_are_reported() -> None:
    result = cut_segments(
        roads(["A", "tiny"], [line((0, 0), (50, 0)), line((0, 9), (0, 9.5))]), 800, 1.0
    )
    assert list(result.segments_gdf["segment_id"]) == ["A"]
    assert result.too_short == [1]


def test_cutting_is_deterministic() -> None:
    gdf = roads(
        ["A", "B", "C"],
        [
            line((0, 0), (300, 0), (600, 0), (2000, 0)),
            line((300, -100), (300, 0), (300, 100)),
            line((600, 0), (600, 500)),
        ],
    )
    first, second = cut(gdf), cut(gdf)
    assert first.drop(columns="geometry").equals(second.drop(columns="geometry"))
    assert list(first["segment_id"]) == ["A#1", "A#2", "A#3", "A#4", "B#1", "B#2", "C"]


def test_ends_within_half_a_metre_share_a_node() -> None:
    lines = np.array(
        [line((0, 0), (100, 0)), line((100.3, 0.2), (200, 0)), line((201, 0), (300, 0))],
        dtype=object,
    )
    from_node, to_node = number_nodes(lines, 0.5)
    assert from_node.tolist() == [0, 1, 3]
    assert to_node.tolist() == [1, 2, 4]
