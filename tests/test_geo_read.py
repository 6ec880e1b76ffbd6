"""Reading inputs: formats, layers, CRS and text encodings, each failure a clear InputError."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo_builders import line, square, two_zones, write
from roadchief.config import Rules, load_rules
from roadchief.errors import InputError
from roadchief.geo.prepare import prepare_city

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def roads_file(path: Path, **kwargs: object) -> Path:
    return write(
        path,
        {"id": ["r1", "r2"], "name": ["南京东路", "Main St"]},
        [line((100, 500), (900, 500)), line((1100, 500), (1900, 500))],
        **kwargs,  # type: ignore[arg-type]
    )


def problems(exc: pytest.ExceptionInfo[InputError]) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


def test_missing_file_and_unknown_format_are_reported_together(
    tmp_path: Path, rules: Rules
) -> None:
    odd = tmp_path / "roads.csv"
    odd.write_text("id\n1\n")
    with pytest.raises(InputError) as exc:
        prepare_city(tmp_path / "nowhere.geojson", odd, rules)
    text = problems(exc)
    assert len(exc.value.problems) == 2
    assert "nowhere.geojson does not exist" in text
    assert "'.csv' is not a format" in text and "GeoPackage (.gpkg)" in text


def test_layer_without_crs_is_an_error_unless_crs_given(tmp_path: Path, rules: Rules) -> None:
    zones = two_zones(tmp_path)
    roads = roads_file(tmp_path / "roads.shp", crs=None)
    with pytest.raises(InputError) as exc:
        prepare_city(zones, roads, rules)
    assert "roads.shp: has no CRS; set one (for example EPSG:4326) or pass --crs" in problems(exc)
    city = prepare_city(zones, roads, rules, crs="EPSG:32650")
    assert city.report.segments_in == 2


def test_unknown_crs_option_is_reported(tmp_path: Path, rules: Rules) -> None:
    with pytest.raises(InputError, match="'EPSG:999999' is not a CRS"):
        prepare_city(
            two_zones(tmp_path), roads_file(tmp_path / "r.geojson"), rules, crs="EPSG:999999"
        )


def test_degrees_crs_with_projected_coordinates_is_reported(tmp_path: Path, rules: Rules) -> None:
    roads = roads_file(tmp_path / "roads.geojson", crs="EPSG:4326")
    with pytest.raises(InputError, match="which are not degrees"):
        prepare_city(two_zones(tmp_path), roads, rules)


def test_non_utf8_shapefile_without_cpg_is_refused(tmp_path: Path, rules: Rules) -> None:
    roads = roads_file(tmp_path / "roads.shp", encoding="GBK")
    roads.with_suffix(".cpg").unlink()
    with pytest.raises(InputError) as exc:
        prepare_city(two_zones(tmp_path), roads, rules)
    assert "roads.shp: holds text that is not UTF-8" in problems(exc)
    assert "save it as UTF-8 or add a .cpg file" in problems(exc)


def test_shapefile_with_cpg_keeps_its_chinese_names(tmp_path: Path, rules: Rules) -> None:
    roads = roads_file(tmp_path / "roads.shp", encoding="GBK")
    city = prepare_city(two_zones(tmp_path), roads, rules)
    assert set(city.segments_gdf["road_name"]) == {"南京东路", "Main St"}


def test_non_utf8_geojson_is_refused(tmp_path: Path, rules: Rules) -> None:
    roads = tmp_path / "roads.geojson"
    roads.write_bytes(
        b'{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"'
        + "南京路".encode("gbk")
        + b'"},"geometry":{"type":"LineString","coordinates":[[117,31.6],[117.001,31.6]]}}]}'
    )
    with pytest.raises(InputError, match=r"roads\.geojson: holds text that is not UTF-8"):
        prepare_city(two_zones(tmp_path), roads, rules)


def test_zipped_shapefile_is_read(tmp_path: Path, rules: Rules) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    roads_file(folder / "roads.shp")
    archive = tmp_path / "roads.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in folder.iterdir():
            zf.write(f, f"export/{f.name}")
    city = prepare_city(two_zones(tmp_path), archive, rules)
    assert sorted(city.segments_gdf["segment_id"]) == ["r1", "r2"]
    assert set(city.segments_gdf["road_name"]) == {"南京东路", "Main St"}


def test_gpkg_with_several_layers_picks_the_only_polygon_layer(
    tmp_path: Path, rules: Rules
) -> None:
    gpkg = tmp_path / "city.gpkg"
    write(gpkg, {"zone_id": ["A"]}, [square(0, 0, 2000)], layer="grid")
    roads_file(gpkg, layer="streets")
    city = prepare_city(gpkg, gpkg, rules)
    assert list(city.zones_gdf["zone_id"]) == ["A"]
    assert city.report.segments_in == 2


def test_gpkg_with_two_polygon_layers_asks_for_one(tmp_path: Path, rules: Rules) -> None:
    gpkg = tmp_path / "city.gpkg"
    write(gpkg, {"zone_id": ["A"]}, [square(0, 0, 2000)], layer="grid")
    write(gpkg, {"zone_id": ["B"]}, [square(0, 0, 2000)], layer="districts")
    roads = roads_file(tmp_path / "roads.geojson")
    with pytest.raises(InputError) as exc:
        prepare_city(gpkg, roads, rules)
    assert "name the zones layer" in problems(exc)
    assert "grid (Polygon)" in problems(exc) and "districts (Polygon)" in problems(exc)
    city = prepare_city(gpkg, roads, rules, zones_layer="districts")
    assert list(city.zones_gdf["zone_id"]) == ["B"]
    with pytest.raises(InputError, match="has no layer 'nope'; its layers are"):
        prepare_city(gpkg, roads, rules, zones_layer="nope")


def test_osm_xml_keeps_chinese_names_and_classes(rules: Rules) -> None:
    shanghai = DATA / "shanghai"
    city = prepare_city(
        shanghai / "cnmaps_districts_huangpu_jingan.geojson", shanghai / "shanghai.osm", rules
    )
    assert dict(zip(city.zones_gdf["zone_id"], city.zones_gdf["name"], strict=True)) == {
        "310101": "黄浦区",
        "310106": "静安区",
    }
    names = set(city.segments_gdf["road_name"])
    assert {"南北高架路", "淮海中路"} <= names
    assert set(city.segments_gdf["road_class"]) <= set(rules.road_classes)
    assert city.report.features_in["roads"] == 796
    assert city.report.metric_crs == "EPSG:32651"


def test_osm_pbf_counts_non_roads_by_reason(tmp_path: Path, rules: Rules) -> None:
    helsinki = DATA / "helsinki" / "Helsinki.osm.pbf"
    zones = write(
        tmp_path / "z.geojson", {"id": ["H"]}, [box(24.92, 60.15, 24.97, 60.19)], crs="EPSG:4326"
    )
    city = prepare_city(zones, helsinki, rules)
    r = city.report
    assert r.skipped["roads: highway=footway, not in osm.highway"] == 1058
    assert (
        r.skipped["roads: no highway tag"]
        + sum(n for k, n in r.skipped.items() if k.endswith("not a road"))
        == 1314
    )
    kept = r.features_in["roads"] - sum(r.skipped.values())
    assert kept > 700
    assert r.segments_in >= kept


def test_shapefile_in_us_feet_is_measured_in_metres(tmp_path: Path, rules: Rules) -> None:
    mesa = DATA / "mesa" / "streets.shp"
    streets = gpd.read_file(mesa)
    zone = streets.to_crs(4326).union_all().convex_hull.buffer(0.01)
    zones = write(tmp_path / "mesa_zone.geojson", {"id": ["M"]}, [zone], crs="EPSG:4326")
    city = prepare_city(zones, mesa, rules)
    assert city.report.segments_in == len(city.segments_gdf)
    metres = city.segments_gdf["length_m"].sum()
    assert metres == pytest.approx(streets.geometry.length.sum() * 0.3048006, rel=2e-3)
    assert set(city.segments_gdf["source_id"]) == {str(int(i)) for i in streets["ID"]}
    assert set(city.segments_gdf["road_name"]) == {""}


def test_broken_files_are_reported_not_raised(tmp_path: Path, rules: Rules) -> None:
    (tmp_path / "zones.gpkg").write_bytes(b"not a geopackage" * 10)
    roads = roads_file(tmp_path / "roads.shp")
    roads.with_suffix(".dbf").unlink()
    (tmp_path / "places.zip").write_bytes(b"not a zip")
    with pytest.raises(InputError) as exc:
        prepare_city(tmp_path / "zones.gpkg", roads, rules, places=tmp_path / "places.zip")
    text = problems(exc)
    assert len(exc.value.problems) == 3
    assert "zones.gpkg: cannot be read as GeoPackage" in text
    assert "roads.shp: the shapefile's .dbf file is missing" in text
    assert "places.zip: cannot be read as zipped Shapefile (File is not a zip file)" in text
