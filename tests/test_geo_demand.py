"""Patrols per week: road class base, priority places by type, incidents, stacked points."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo_builders import line, point, square, two_zones, write
from roadchief.config import Rules, load_rules
from roadchief.geo.demand import FAR_REASON, STACKED_REASON
from roadchief.geo.prepare import prepare_city


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def roads(tmp_path: Path) -> Path:
    """r1 in zone A, r2 in zone B, both 600 m along y = 500; r3 is a primary road."""
    return write(
        tmp_path / "roads.geojson",
        {"id": ["r1", "r2", "r3"], "highway": ["residential", "service", "primary"]},
        [
            line((100, 500), (700, 500)),
            line((1100, 500), (1700, 500)),
            line((100, 900), (700, 900)),
        ],
    )


def by_id(city: object, column: str) -> dict[str, object]:
    gdf = city.segments_gdf  # type: ignore[attr-defined]
    return dict(zip(gdf["segment_id"], gdf[column], strict=True))


def test_base_patrols_follow_the_road_class(tmp_path: Path, rules: Rules) -> None:
    city = prepare_city(two_zones(tmp_path), roads(tmp_path), rules)
    assert by_id(city, "road_class") == {"r1": "branch", "r2": "lane", "r3": "arterial"}
    assert by_id(city, "patrols_per_week") == {"r1": 2, "r2": 1, "r3": 7}


def test_priority_places_add_their_type_extra_once_per_type(tmp_path: Path, rules: Rules) -> None:
    places = write(
        tmp_path / "places.geojson",
        {
            "id": ["p1", "p2", "p3", "p4"],
            "type": ["School", "school", "market", "clinic"],
            "name": ["一小", "二小", "菜场", "诊所"],
        },
        [point(300, 520), point(500, 480), square(350, 400, 40), point(1400, 560)],
    )
    city = prepare_city(two_zones(tmp_path), roads(tmp_path), rules, places=places)
    # r1: school (+2, two schools count once) and market (+3); r2: clinic, default (+1);
    # r3 is 400 m from the places, beyond places.snap_m (100 m).
    assert by_id(city, "patrols_per_week") == {"r1": 2 + 2 + 3, "r2": 1 + 1, "r3": 7}
    assert by_id(city, "place_types") == {"r1": "market,school", "r2": "clinic", "r3": ""}
    assert city.places_gdf is not None
    assert list(city.places_gdf.geom_type) == ["Point"] * 4


def test_incidents_snap_to_the_nearest_segment_and_add_patrols(
    tmp_path: Path, rules: Rules
) -> None:
    pts = [point(200 + i, 510) for i in range(25)]  # 25 near r1: +2
    pts += [point(1200 + i, 490) for i in range(9)]  # 9 near r2: +0
    pts += [point(3000, 3000)]  # far from every road
    incidents = write(tmp_path / "incidents.geojson", {"case": list(range(len(pts)))}, pts)
    city = prepare_city(two_zones(tmp_path), roads(tmp_path), rules, incidents=incidents)
    assert by_id(city, "incidents") == {"r1": 25, "r2": 9, "r3": 0}
    assert by_id(city, "patrols_per_week") == {"r1": 2 + 2, "r2": 1, "r3": 7}
    assert city.report.skipped == {FAR_REASON: 1}
    assert city.incidents_gdf is not None
    assert list(city.incidents_gdf["segment_id"]).count("") == 1


def test_incident_extra_is_capped(tmp_path: Path, rules: Rules) -> None:
    pts = [point(200 + i * 0.1, 505) for i in range(100)]
    incidents = write(tmp_path / "incidents.geojson", {"n": list(range(100))}, pts)
    city = prepare_city(two_zones(tmp_path), roads(tmp_path), rules, incidents=incidents)
    assert by_id(city, "patrols_per_week")["r1"] == 2 + rules.incident_max_extra


def test_incidents_stacked_on_one_point_are_set_aside(tmp_path: Path, rules: Rules) -> None:
    stack = [point(400, 500)] * rules.stacked_point_threshold
    real = [point(400 + i, 505) for i in range(12)]
    incidents = write(
        tmp_path / "incidents.geojson", {"n": list(range(len(stack) + len(real)))}, stack + real
    )
    city = prepare_city(two_zones(tmp_path), roads(tmp_path), rules, incidents=incidents)
    assert city.report.skipped == {STACKED_REASON: rules.stacked_point_threshold}
    assert by_id(city, "incidents")["r1"] == 12
    (warning,) = [w for w in city.report.warnings if "failed geocode" in w.message]
    assert warning.message.startswith(f"{rules.stacked_point_threshold} incidents sit on this one")
    assert city.incidents_gdf is not None and len(city.incidents_gdf) == 12
