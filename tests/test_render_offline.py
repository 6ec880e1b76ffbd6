"""Maps that work offline: inlined Leaflet, no CDN, optional tiles, GCJ-02 only over Amap."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import folium
import numpy as np
import pytest

from roadchief.errors import ConfigError, RoadchiefError
from roadchief.geo.china import wgs84_to_gcj02
from roadchief.i18n import Translator
from roadchief.render import render_overview, write_person_pages
from roadchief.render.assets import assets_dir, leaflet_head, needs_jquery
from roadchief.render.draw import Draw
from roadchief.render.shared_assets import ASSETS_FOLDER, single_file_page
from roadchief.render.tiles import base_map
from test_render_city import tiny_city, tiny_figures, tiny_instance, tiny_ownership
from test_render_maps import embedded_features

_URL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.IGNORECASE)


def own_markup(page: str) -> str:
    """The page without the inlined Leaflet (whose attribution links to leafletjs.com)."""
    assert page.count(leaflet_head()) == 1
    return page.replace(leaflet_head(), "")


def render(tmp_path: Path, **options: object) -> str:
    city = tiny_city()
    path = tmp_path / "overview.html"
    render_overview(
        city, tiny_ownership(), tiny_figures(city), tiny_instance(city), path, **options
    )  # type: ignore[arg-type]
    return path.read_text(encoding="utf-8")


def test_jingjiang_check_value_and_no_offset_outside_china() -> None:
    lon, lat = wgs84_to_gcj02(120.2773, 32.0170)
    assert (round(float(lon), 6), round(float(lat), 6)) == (120.281920, 32.015010)
    lon, lat = wgs84_to_gcj02(np.array([-71.1097, 121.47]), np.array([42.3736, 31.23]))
    assert (lon[0], lat[0]) == (-71.1097, 42.3736)  # Cambridge, MA: untouched
    assert 400 < abs(lon[1] - 121.47) * 95_000 + abs(lat[1] - 31.23) * 111_000 < 1000


def test_page_loads_nothing_from_the_network(tmp_path: Path) -> None:
    page = render(tmp_path)
    assert not _URL.findall(own_markup(page)), _URL.findall(own_markup(page))[:3]
    assert "cdn.jsdelivr" not in page and "bootstrap" not in page.lower()
    assert "Leaflet 1.9.3" in page  # inlined, with its licence header
    assert "url(images/" not in page and "data:image/png;base64," in page
    assert "jQuery" not in page and not needs_jquery(page)


def test_offline_assets_do_not_leak_into_other_folium_maps(tmp_path: Path) -> None:
    render(tmp_path)
    plain = folium.Map()
    assert any("leaflet" in url for _, url in plain.default_js)


def test_jquery_is_inlined_only_when_a_page_calls_it() -> None:
    assert needs_jquery("$(document).ready(f);") and needs_jquery("x; $.ajax('a')")
    assert not needs_jquery("var price = '$5'; a$b(1)")


def test_licences_ship_with_the_assets() -> None:
    folder = assets_dir()
    assert "BSD 2-Clause" in folder.joinpath("LICENSE-leaflet.txt").read_text("utf-8")
    assert "Permission is hereby granted" in folder.joinpath("LICENSE-jquery.txt").read_text(
        "utf-8"
    )


def test_tianditu_needs_a_key_and_shows_its_attribution(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ROADCHIEF_TIANDITU_KEY"):
        base_map("tianditu")
    with pytest.raises(ConfigError, match="unknown base map"):
        base_map("google")
    page = render(tmp_path, tiles=base_map("tianditu", tianditu_key="abc123"))
    assert "tianditu.gov.cn/vec_w/wmts" in page and "tk=abc123" in page
    assert "cva_w" in page and "\\u5929\\u5730\\u56fe" in page  # 天地图, JSON-escaped


def test_overlays_move_to_gcj02_only_over_amap(tmp_path: Path) -> None:
    def first_xy(page: str) -> list[float]:
        features = [f for layer in embedded_features(page) for f in layer]
        s1 = next(f for f in features if f["properties"].get("id") == "s1")
        return list(s1["geometry"]["coordinates"][0])

    plain = first_xy(render(tmp_path))
    assert plain == [121.462, 31.222]
    assert first_xy(render(tmp_path, tiles="osm")) == plain  # WGS-84 tiles: no shift
    amap = first_xy(render(tmp_path, tiles="amap"))
    lon, lat = wgs84_to_gcj02(121.462, 31.222)
    assert amap == [round(float(lon), 5), round(float(lat), 5)]


def test_coordinates_are_rounded_to_a_metre_and_lines_simplified(tmp_path: Path) -> None:
    city = tiny_city()
    wiggly = [(121.462 + i * 1e-4, 31.222 + (1e-7 if i % 2 else 0.0)) for i in range(41)]
    from shapely.geometry import LineString

    city.segments_gdf.loc[0, "geometry"] = LineString(wiggly)
    path = tmp_path / "o.html"
    render_overview(city, tiny_ownership(), tiny_figures(city), tiny_instance(city), path)
    features = [f for layer in embedded_features(path.read_text("utf-8")) for f in layer]
    s1 = next(f for f in features if f["properties"].get("id") == "s1")
    assert s1["geometry"]["coordinates"] == [[121.462, 31.222], [121.466, 31.222]]


def test_person_pages_are_offline_too(tmp_path: Path) -> None:
    city = tiny_city()
    paths = write_person_pages(
        city, tiny_figures(city), tiny_instance(city), tiny_ownership(), tmp_path,
        tr=Translator("zh"), draw=Draw(5),
    )  # fmt: skip
    assets = tmp_path / ASSETS_FOLDER
    for path in [*paths, *(tmp_path / "areas").iterdir(), *assets.glob("*.js")]:
        page = path.read_text(encoding="utf-8")
        if path.suffix == ".html" and "RC_DATA" in page:
            assert "Leaflet 1.9.3" not in page  # linked from the run folder, not inlined
        if "Leaflet 1.9.3" not in page:
            assert not _URL.findall(page)


def test_person_pages_link_shared_files_with_hashed_names(tmp_path: Path) -> None:
    city = tiny_city()
    paths = write_person_pages(
        city, tiny_figures(city), tiny_instance(city), tiny_ownership(), tmp_path,
        tr=Translator("zh"), draw=Draw(5),
    )  # fmt: skip
    page = paths[0].read_text(encoding="utf-8")
    linked = re.findall(r"(?:href|src)='\.\./assets/([\w.-]+)'", page)
    assert len(linked) == 1  # Leaflet with its CSS: one request beyond the page
    for name in linked:
        text = (tmp_path / ASSETS_FOLDER / name).read_text(encoding="utf-8")
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        assert name.split(".")[-2] == digest  # a server may cache it for good
    assert (tmp_path / ASSETS_FOLDER / "LICENSE-leaflet.txt").is_file()
    assert len(page.encode("utf-8")) < len(leaflet_head()) / 4
    assert page.index(linked[0]) < page.index("var RC_DATA") < page.index("function esc(")


def test_single_file_page_inlines_the_shared_files(tmp_path: Path) -> None:
    city = tiny_city()
    paths = write_person_pages(
        city, tiny_figures(city), tiny_instance(city), tiny_ownership(), tmp_path,
        tr=Translator("zh"), draw=Draw(5),
    )  # fmt: skip
    single = single_file_page(paths[0])
    assert "../assets/" not in single and "Leaflet 1.9.3" in single
    assert single.index("var RC_DATA") < single.index("function esc(")  # chief.js after data
    inlined = write_person_pages(
        city, tiny_figures(city), tiny_instance(city), tiny_ownership(), tmp_path / "inline",
        tr=Translator("zh"), draw=Draw(5), single_files=True,
    )  # fmt: skip
    assert not (tmp_path / "inline" / ASSETS_FOLDER).exists()
    alone = inlined[0].read_text(encoding="utf-8")
    assert "../assets/" not in alone and "Leaflet 1.9.3" in alone
    for name in (tmp_path / ASSETS_FOLDER).glob("leaflet-*.js"):
        name.unlink()
    with pytest.raises(RoadchiefError, match=r"leaflet-1\.9\.3\.\w+\.js is missing"):
        single_file_page(paths[0])


def test_person_pages_carry_the_tiles_asked_for(tmp_path: Path) -> None:
    city = tiny_city()
    paths = write_person_pages(
        city, tiny_figures(city), tiny_instance(city), tiny_ownership(), tmp_path,
        tr=Translator("zh"), draw=Draw(5), base=base_map("osm"),
    )  # fmt: skip
    page = single_file_page(paths[0])
    assert "tile.openstreetmap.org" in page and "L.tileLayer(" in page


def test_attribution_credits_leaflet_without_a_flag(tmp_path: Path) -> None:
    page = own_markup(render(tmp_path))
    assert ".attributionControl.setPrefix('Leaflet');" in page
