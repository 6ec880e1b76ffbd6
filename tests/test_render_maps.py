"""The overview and chief maps: one feature per segment, Chinese names, only one's own data."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from roadchief.domain import Chief, Ownership, Roster
from roadchief.errors import RoadchiefError
from roadchief.render import colour_chiefs, render_chief_maps, render_overview
from roadchief.render.colours import UNPLACED_COLOUR
from test_render_city import WEEK, tiny_city, tiny_instance, tiny_ownership, tiny_roster, tiny_walks

_ADD = re.compile(r"_add\((\{.*\})\);$", re.MULTILINE)
_LAYER = re.compile(r'^\s*("[^"\n]*") : geo_json_\w+,$', re.MULTILINE)


def embedded_features(page: str) -> list[list[dict[str, Any]]]:
    """The features of every GeoJson layer embedded in a folium page, layer by layer."""
    return [json.loads(m.group(1))["features"] for m in _ADD.finditer(page)]


def layer_names(page: str) -> list[str]:
    """The overlay names listed in the layer control."""
    return [json.loads(m.group(1)) for m in _LAYER.finditer(page)]


def rc_script(page: str) -> str:
    """The page's ``RC`` helper script."""
    start = page.index("var RC = ")
    return page[start : page.index("</script>", start)]


@pytest.fixture
def overview(tmp_path: Path) -> str:
    city = tiny_city()
    path = tmp_path / "overview.html"
    render_overview(city, tiny_ownership(), tiny_roster(), tiny_instance(city), path)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def chief_pages(tmp_path: Path) -> dict[str, str]:
    city = tiny_city()
    instance = tiny_instance(city)
    walks = tiny_walks(instance)
    paths = render_chief_maps(
        city, tiny_ownership(), tiny_roster(), instance, tmp_path, walks=walks
    )
    return {p.stem: p.read_text(encoding="utf-8") for p in paths}


def test_overview_has_one_feature_per_placed_segment(overview: str) -> None:
    features = [f for layer in embedded_features(overview) for f in layer]
    segments = [f["properties"] for f in features if "plan" in f["properties"]]
    assert sorted(p["id"] for p in segments) == ["s1", "s2", "s3", "s4", "s5", "s6"]
    assert len([f for f in features if "reason" in f["properties"]]) == 1
    assert len([f for f in features if "zone_id" in f["properties"]]) == 2


def test_overview_has_one_layer_per_group(overview: str) -> None:
    names = layer_names(overview)
    assert names == ["责任区 (2)", "路段 · 静安区 (3)", "路段 · 黄浦区 (3)", "未落区路段 (1)"]
    assert len(embedded_features(overview)) == len(names)


def test_overview_segment_carries_owner_demand_and_patrols(overview: str) -> None:
    features = [f for layer in embedded_features(overview) for f in layer]
    s1 = next(f["properties"] for f in features if f["properties"].get("id") == "s1")
    assert s1["road"] == "淮海中路"  # escaped in the page, intact after parsing
    assert (s1["owner"], s1["zone"], s1["req"], s1["plan"]) == ("c1", "z1", 3, 2)
    assert s1["patrols"] == [["2026-12-07", "am", "c1"], ["2026-12-08", "pm", "c1"]]
    coords = [
        c
        for f in features
        if f["geometry"]["type"] == "LineString"
        for xy in f["geometry"]["coordinates"]
        for c in xy
    ]
    assert all(round(c, 6) == c for c in coords)


def test_overview_unplaced_are_red_dashed(overview: str) -> None:
    features = [f for layer in embedded_features(overview) for f in layer]
    u1 = next(f["properties"] for f in features if f["properties"].get("id") == "u1")
    assert u1["reason"] == "outside every zone"
    assert u1["style"]["color"] == UNPLACED_COLOUR and u1["style"]["dashArray"]


def test_overview_page_is_utf8_mobile_and_has_a_legend(overview: str) -> None:
    assert "charset=UTF-8" in overview
    assert 'name="viewport"' in overview
    start = overview.index('<div class="rc-box rc-legend">')
    legend = overview[start : overview.index("</details></div>", start)]
    assert "张伟 (2 段)" in legend and "王芳 (3 段)" in legend and "未落区路段 (1)" in legend
    assert "赵强" not in legend  # owns nothing
    assert "fitBounds" in overview


def test_overview_has_no_tiles_by_default_and_osm_on_request(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "osm.html"
    args = (city, tiny_ownership(), tiny_roster(), tiny_instance(city), path)
    render_overview(*args)
    assert "L.tileLayer(" not in path.read_text(encoding="utf-8")
    render_overview(*args, tiles="osm")
    page = path.read_text(encoding="utf-8")
    assert "L.tileLayer(" in page and "tile.openstreetmap.org" in page
    assert "OpenStreetMap\\u003c/a\\u003e contributors" in page  # the attribution


def test_overview_escapes_markup_in_names(tmp_path: Path) -> None:
    city = tiny_city()
    city.segments_gdf.loc[0, "road_name"] = "<script>alert(1)</script>"
    instance = tiny_instance(city)
    chiefs = (dataclasses.replace(instance.chiefs[0], name="<img src=x>"), *instance.chiefs[1:])
    instance = dataclasses.replace(instance, chiefs=chiefs)
    path = tmp_path / "o.html"
    render_overview(city, tiny_ownership(), tiny_roster(), instance, path)
    page = path.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x>" not in page
    assert "&lt;img src=x&gt;" in page  # the legend


def test_neighbouring_chiefs_get_different_colours() -> None:
    city = tiny_city()
    colours = colour_chiefs(tiny_instance(city), tiny_ownership())
    assert set(colours) == {"c1", "c2", "c3"}
    assert colours["c1"] != colours["c2"]  # s1/s2 and s3 meet at node 2
    assert colours == colour_chiefs(tiny_instance(city), tiny_ownership())


def test_chief_maps_for_people_with_segments_or_tours(chief_pages: dict[str, str]) -> None:
    assert sorted(chief_pages) == ["c1", "c2", "c3"]  # c4 owns and walks nothing


def test_chief_map_shows_only_their_segments_and_tours(chief_pages: dict[str, str]) -> None:
    page = chief_pages["c1"]
    features = [f for layer in embedded_features(page) for f in layer]
    assert {f["properties"]["id"] for f in features} == {"s1", "s2", "s3"}  # s3 as helper
    stops = [f["properties"] for f in features if f["geometry"]["type"] == "Point"]
    assert sorted((p["when"][:11], p["order"], p["id"]) for p in stops) == [
        ("12月7日 周一 am", 1, "s1"),
        ("12月7日 周一 am", 2, "s2"),
        ("12月8日 周二 pm", 1, "s3"),
        ("12月8日 周二 pm", 2, "s1"),
    ]
    assert [p["helper"] for p in stops if p["id"] == "s3"] == [True]


def test_chief_map_has_a_layer_per_tour_and_a_title(chief_pages: dict[str, str]) -> None:
    page = chief_pages["c3"]
    assert layer_names(page) == [
        "我的路段 (3)",
        "12月7日 周一 am 08:00–10:00 · 1 段 · 步行 0.4 km",
        "12月9日 周三 am 08:00–10:00 · 3 段 · 步行 2.2 km",  # segments and the walk between
    ]
    assert "3 段 步行 2.2 km（路段间" in page
    assert "<title>王芳 · 2026-W50 巡查图</title>" in page
    assert "<b>王芳</b> 二级路长 · 静安区" in page
    assert 'name="viewport"' in page and "charset=UTF-8" in page
    assert "RC.numberMarker" in page


def test_chief_map_refuses_an_id_that_is_not_a_file_name(tmp_path: Path) -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    bad = Chief("../evil", "坏人", "z1", instance.chiefs[0].level, 5)
    instance = dataclasses.replace(instance, chiefs=(bad,))
    ownership = dataclasses.replace(tiny_ownership(), owner_of={"s1": "../evil"})
    with pytest.raises(RoadchiefError, match="cannot be a file name"):
        render_chief_maps(city, ownership, tiny_roster(), instance, tmp_path, walks={})


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_tooltip_and_popup_text_in_javascript(overview: str) -> None:
    features = [f for layer in embedded_features(overview) for f in layer]
    s1 = next(f["properties"] for f in features if f["properties"].get("id") == "s1")
    s1 = {**s1, "road": "淮海中路<b>"}
    js = rc_script(overview) + (
        f"\nvar p = {json.dumps(s1)};"
        "\nconsole.log(JSON.stringify([RC.segmentTip(p), RC.segmentPopup(p)]));"
    )
    out = subprocess.run(["node", "-e", js], capture_output=True, text=True, check=True)
    tip, popup = json.loads(out.stdout)
    assert tip.startswith("<b>淮海中路&lt;b&gt;</b> s1<br>起止 瑞金二路<br>黄浦区 · 路段长 张伟")
    assert tip.endswith("2 / 3")
    assert "<td>12月8日 周二</td><td>pm 16:00–18:00</td><td>张伟</td>" in popup


def test_chief_map_lists_who_patrols_their_segments(chief_pages: dict[str, str]) -> None:
    page = chief_pages["c2"]
    own = [f["properties"] for f in embedded_features(page)[0]]
    assert own[0]["id"] == "s3"
    assert own[0]["patrols"] == [["2026-12-07", "pm", "c2"], ["2026-12-08", "pm", "c1"]]
    match = re.search(r'"chiefs":(\{.*?\})', rc_script(page))
    assert match is not None
    assert json.loads(match.group(1)) == {
        "c1": "张伟",
        "c2": "李娜",
    }  # no one else's name on c2's page


def test_overview_of_an_empty_city_is_still_a_page(tmp_path: Path) -> None:
    city = tiny_city(unplaced=False)
    instance = dataclasses.replace(tiny_instance(city), segments=())
    city.segments_gdf = city.segments_gdf.iloc[0:0]
    path = tmp_path / "empty.html"
    render_overview(city, Ownership({}), Roster(WEEK, (), {}), instance, path)
    page = path.read_text(encoding="utf-8")
    assert layer_names(page) == ["责任区 (2)"]
    assert "未落区路段 (0)" in page
