"""Validation: every problem of every input collected and raised once; safe repairs reported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from shapely.geometry import Polygon

from geo_builders import line, square, two_zones, write
from roadchief.config import Rules, load_rules
from roadchief.errors import InputError, ProblemLog
from roadchief.geo.prepare import prepare_city
from roadchief.geo.read import read_layer
from roadchief.geo.validate import MAX_LISTED, layer_ids

X0, Y0 = 500_000.0, 3_500_000.0


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def roads(tmp_path: Path) -> Path:
    return write(
        tmp_path / "roads.geojson",
        {"id": ["r1", "r2"], "name": ["a", "b"]},
        [line((100, 500), (900, 500)), line((1100, 500), (1900, 500))],
    )


def messages(exc: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_wrong_geometry_type_names_feature_and_id(tmp_path: Path, rules: Rules) -> None:
    zones = write(
        tmp_path / "zones.geojson",
        {"zone_id": ["A", "B"]},
        [square(0, 0, 1000), line((0, 0), (10, 10))],
    )
    with pytest.raises(InputError) as exc:
        prepare_city(zones, roads(tmp_path), rules)
    assert messages(exc) == [
        "zones.geojson feature 1 (id=B): expected MultiPolygon or Polygon, found LineString; "
        "keep only zones in this layer"
    ]


def test_empty_geometry_is_an_error(tmp_path: Path, rules: Rules) -> None:
    zones = write(tmp_path / "zones.geojson", {"zone_id": ["A", "B"]}, [square(0, 0, 1000), None])
    with pytest.raises(InputError, match=r"feature 1 \(id=B\): has an empty geometry"):
        prepare_city(zones, roads(tmp_path), rules)


def test_self_intersecting_zone_is_repaired_and_reported(tmp_path: Path, rules: Rules) -> None:
    bowtie = Polygon([(X0, Y0), (X0 + 2000, Y0 + 1000), (X0 + 2000, Y0), (X0, Y0 + 1000)])
    zones = write(tmp_path / "zones.geojson", {"zone_id": ["A"]}, [bowtie])
    city = prepare_city(zones, roads(tmp_path), rules)
    repaired = [w for w in city.report.warnings if "make_valid" in w.message]
    assert len(repaired) == 1
    assert repaired[0].where == "feature 0 (id=A)"
    assert "Self-intersection" in repaired[0].message
    assert city.zones_gdf.geometry.iloc[0].is_valid


def test_duplicate_ids_are_listed(tmp_path: Path, rules: Rules) -> None:
    zones = write(
        tmp_path / "zones.geojson",
        {"zone_id": ["A", "B", "A"]},
        [square(0, 0, 500), square(500, 0, 500), square(1000, 0, 500)],
    )
    with pytest.raises(InputError) as exc:
        prepare_city(zones, roads(tmp_path), rules)
    assert messages(exc) == [
        "zones.geojson field 'zone_id': id 'A' is used by 2 features (0, 2); every id must be unique"
    ]


def test_overlapping_zones_are_an_error_with_area(tmp_path: Path, rules: Rules) -> None:
    zones = write(
        tmp_path / "zones.geojson",
        {"zone_id": ["A", "B"]},
        [square(0, 0, 1000), square(900, 0, 1000)],
    )
    with pytest.raises(InputError) as exc:
        prepare_city(zones, roads(tmp_path), rules)
    (msg,) = messages(exc)
    assert msg.startswith("zones.geojson zones 'A' and 'B': overlap by 100000 m²")
    assert "two chiefs" in msg


def test_sliver_overlap_along_a_shared_edge_is_a_warning(tmp_path: Path, rules: Rules) -> None:
    zones = write(
        tmp_path / "zones.geojson",
        {"zone_id": ["A", "B"]},
        [square(0, 0, 1000), square(999.5, 0, 1000)],
    )
    city = prepare_city(zones, roads(tmp_path), rules)
    (sliver,) = [w for w in city.report.warnings if "sliver" in w.message]
    assert sliver.where == "zones 'A' and 'B'" and "500.0 m²" in sliver.message


def test_missing_configured_field_lists_the_layer_fields(tmp_path: Path, rules: Rules) -> None:
    custom = dataclasses.replace(rules, fields={**rules.fields, "road_name": "STREET_NM"})
    with pytest.raises(InputError) as exc:
        prepare_city(two_zones(tmp_path), roads(tmp_path), custom)
    (msg,) = messages(exc)
    assert "roads.geojson field 'STREET_NM': is set as road_name" in msg
    assert "its fields are: id, name" in msg


def test_every_problem_of_every_file_comes_in_one_error(tmp_path: Path, rules: Rules) -> None:
    zones = write(tmp_path / "zones.geojson", {"zone_id": ["A", "A"]}, [square(0, 0, 1000), None])
    bad_roads = write(
        tmp_path / "roads.geojson", {"id": ["r1", "r2"]}, [line((0, 0), (5, 5)), square(0, 0, 10)]
    )
    with pytest.raises(InputError) as exc:
        prepare_city(zones, bad_roads, rules, places=tmp_path / "missing.gpkg")
    text = "\n".join(messages(exc))
    assert len(exc.value.problems) == 4
    for part in (
        "missing.gpkg does not exist",
        "id 'A' is used by 2",
        "empty geometry",
        "roads.geojson feature 1 (id=r2): expected",
    ):
        assert part in text


def test_zones_without_id_field_use_unique_names_then_positions(
    tmp_path: Path, rules: Rules
) -> None:
    named = write(
        tmp_path / "named.geojson",
        {"名称": ["甲", "乙"]},
        [square(0, 0, 1000), square(1000, 0, 1000)],
    )
    city = prepare_city(named, roads(tmp_path), rules)
    assert list(city.zones_gdf["zone_id"]) == ["甲", "乙"]
    assert any("'名称' field" in w.message for w in city.report.warnings)
    plain = write(
        tmp_path / "plain.geojson",
        {"remark": ["x", "x"]},
        [square(0, 0, 1000), square(1000, 0, 1000)],
    )
    city = prepare_city(plain, roads(tmp_path), rules)
    assert list(city.zones_gdf["zone_id"]) == ["Z1", "Z2"]
    assert list(city.zones_gdf["name"]) == ["Z1", "Z2"]


def test_roads_without_id_field_use_feature_positions(tmp_path: Path, rules: Rules) -> None:
    noid = write(
        tmp_path / "roads.geojson",
        {"kind": ["x", "y"]},
        [line((100, 500), (900, 500)), line((1100, 500), (1900, 500))],
    )
    city = prepare_city(two_zones(tmp_path), noid, rules)
    assert sorted(city.segments_gdf["segment_id"]) == ["0", "1"]
    assert any("position in the file" in w.message for w in city.report.warnings)


def test_long_lists_of_one_problem_are_capped(tmp_path: Path) -> None:
    n = MAX_LISTED + 5
    path = write(
        tmp_path / "zones.geojson",
        {"zone_id": ["same"] * 2 + [""] * (n - 2)},
        [square(i * 10, 0, 10) for i in range(n)],
    )
    log = ProblemLog()
    layer = read_layer(path, "zones", log)
    assert layer is not None
    layer_ids(layer.gdf, "zone_id", log, layer.source, generated=str)
    assert len(log.errors) == MAX_LISTED + 2
    assert log.errors[MAX_LISTED].message == "... and 3 more features without an id in 'zone_id'"
