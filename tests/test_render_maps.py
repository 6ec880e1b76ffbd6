"""The overview and the person pages: one feature per segment, Chinese names, only one's own
data, the walk as the checker measured it, a page for everyone with a role."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from roadchief.domain import Chief, ChiefLevel, Ownership, Roster
from roadchief.errors import RoadchiefError
from roadchief.figures import run_figures
from roadchief.i18n import Translator
from roadchief.render import colour_chiefs, render_overview, write_person_pages
from roadchief.render.colours import UNPLACED_COLOUR
from roadchief.render.draw import COORD_DECIMALS, Draw
from test_render_city import (
    WEEK,
    tiny_city,
    tiny_figures,
    tiny_instance,
    tiny_ownership,
    tiny_roster,
    tiny_walks,
)

_ADD = re.compile(r"_add\((\{.*\})\);$", re.MULTILINE)
_LAYER = re.compile(r'^\s*("[^"\n]*") : geo_json_\w+,$', re.MULTILINE)
_DATA = re.compile(r"var RC_DATA = (\{.*?\});</script>", re.DOTALL)


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


def page_data(page: str) -> dict[str, Any]:
    """The data of a person's map page."""
    found = _DATA.search(page)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def write_pages(tmp_path: Path, **changes: Any) -> dict[str, str]:
    city = tiny_city()
    instance = dataclasses.replace(tiny_instance(city), **changes)
    figures = run_figures(instance, tiny_ownership(), tiny_roster(), tiny_walks(instance))
    draw = Draw(COORD_DECIMALS)
    paths = write_person_pages(
        city, figures, instance, tiny_ownership(), tmp_path, tr=Translator("zh"), draw=draw
    )
    return {p.stem: p.read_text(encoding="utf-8") for p in paths}


@pytest.fixture
def overview(tmp_path: Path) -> str:
    city = tiny_city()
    path = tmp_path / "overview.html"
    render_overview(city, tiny_ownership(), tiny_figures(city), tiny_instance(city), path)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def person_pages(tmp_path: Path) -> dict[str, str]:
    return write_pages(tmp_path)


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


def test_overview_unplaced_are_red_dashed_with_a_chinese_reason(tmp_path: Path) -> None:
    city = tiny_city()
    city.unplaced_gdf.loc[0, "reason"] = (
        "outside every zone: nearest zone 'z1' is 640 m away; extend a zone over it or leave "
        "it out of the roads file"
    )
    path = tmp_path / "o.html"
    render_overview(city, tiny_ownership(), tiny_figures(city), tiny_instance(city), path)
    features = [f for layer in embedded_features(path.read_text("utf-8")) for f in layer]
    u1 = next(f["properties"] for f in features if "reason" in f["properties"])
    assert u1["reason"] == "不在任何责任区内；最近的责任区 黄浦区 相距 640 m"  # by its name
    assert u1["style"]["color"] == UNPLACED_COLOUR and u1["style"]["dashArray"]


def test_overview_header_has_the_key_figures(overview: str) -> None:
    assert "charset=UTF-8" in overview and 'name="viewport"' in overview
    start = overview.index('<div class="rc-box rc-head">')
    head = overview[start : overview.index("</details></div>", start)]
    assert "2026-W50 路长制巡查总图" in head
    assert "<b>58.3%</b> 覆盖率" in head  # 7 of 12 required patrols
    assert "<b>2</b> 超出要求的加巡" in head and "<b>1 (0.8 km)</b> 无路段长的路段" in head
    assert "fitBounds" in overview


def test_overview_finds_people_and_labels_zones(overview: str) -> None:
    call = overview[overview.index("RC.overviewControl(") :]
    options = json.loads(call[call.index(", ") + 2 : call.index(");\n")])
    people = {p[0]: p[1] for p in options["people"]}
    assert set(people) == {"c1", "c2", "c3"}  # owners and whoever walks; c4 has nothing
    assert people["c3"] == "王芳 · 二级路长 · 静安区"
    assert {z["name"]: z["share"] for z in options["zones"]} == {
        "黄浦区": "57.1%",
        "静安区": "60.0%",
    }


def test_overview_has_no_tiles_by_default_and_osm_on_request(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "osm.html"
    args = (city, tiny_ownership(), tiny_figures(city), tiny_instance(city), path)
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
    render_overview(city, tiny_ownership(), tiny_figures(city, instance), instance, path)
    page = path.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x>" not in page


def test_neighbouring_chiefs_get_different_colours() -> None:
    city = tiny_city()
    colours = colour_chiefs(tiny_instance(city), tiny_ownership())
    assert set(colours) == {"c1", "c2", "c3"}
    assert colours["c1"] != colours["c2"]  # s1/s2 and s3 meet at node 2
    assert colours == colour_chiefs(tiny_instance(city), tiny_ownership())


def test_everyone_gets_a_page(person_pages: dict[str, str], tmp_path: Path) -> None:
    assert sorted(person_pages) == ["c1", "c2", "c3", "c4"]
    assert "本周没有给您安排巡查。" in person_pages["c4"]  # owns and walks nothing
    assert "RC_DATA" not in person_pages["c4"]  # no map, no Leaflet
    assert sorted(p.name for p in (tmp_path / "areas").iterdir()) == [
        "city.html", "z1.html", "z2.html"
    ]  # fmt: skip


def test_a_supervisor_without_tours_gets_the_supervision_page(tmp_path: Path) -> None:
    city = tiny_city()
    chiefs = (*tiny_instance(city).chiefs, Chief("g1", "周总", None, ChiefLevel.GENERAL, 0))
    pages = write_pages(tmp_path, chiefs=chiefs)
    assert "全市 · 2026-W50 督导" in pages["g1"] and "周总 · 总路长" in pages["g1"]
    zone = (tmp_path / "areas" / "z1.html").read_text("utf-8")
    assert "黄浦区 · 2026-W50 督导" in zone and "张伟" in zone and "李娜" in zone
    assert "淮海中路（瑞金二路）" in zone  # short: s1 needs 3, has 2


def test_person_page_shows_their_tours_as_walked(person_pages: dict[str, str]) -> None:
    data = page_data(person_pages["c3"])
    assert [d["tour"] for d in data["days"]] == [0, None, 1, None, None, None, None]
    wed = data["tours"][1]
    assert wed["date"] == "2026-12-09" and wed["when"] == "12月9日 周三 am 08:00–10:00"
    assert [s["road"] for s in wed["stops"]] == ["南京西路", "南京西路", "陕西北路"]
    # the walk to a stop is shown when there is one: s5 joins s4, s6 is back at node 6
    assert [s["walk"] for s in wed["stops"]][:2] == ["", ""]
    assert re.fullmatch(r"[1-9]\d* m", wed["stops"][2]["walk"]), wed["stops"][2]["walk"]
    assert wed["summary"].startswith("3 段 · 步行 2.2 km（路段 ")
    assert len(wed["steps"]) >= 1 and not any(s["straight"] for s in wed["steps"])
    assert wed["start"] == wed["stops"][0]["line"][0]
    assert wed["end"] == wed["stops"][-1]["line"][-1]
    assert data["person"]["line"] == "王芳 · 二级路长 · 静安区 · 2026-W50：巡查 2 趟"
    assert "本区督导页" in data["person"]["more"]  # a 二级路长 links to the zone's page


def test_person_page_shows_no_internal_ids(person_pages: dict[str, str]) -> None:
    data = json.dumps(page_data(person_pages["c1"]), ensure_ascii=False)
    for internal in ("s1", "s2", "s3", "c1", "c2", "z1", "osm_"):
        assert f'"{internal}"' not in data and f"{internal}:" not in data
    helper = page_data(person_pages["c1"])["tours"][1]["stops"][0]
    assert helper["road"] == "瑞金二路" and helper["helping"] == "李娜"


def test_person_page_names_the_streets(person_pages: dict[str, str]) -> None:
    labels = {label["text"] for label in page_data(person_pages["c1"])["labels"]}
    assert labels == {"淮海中路", "瑞金二路"}  # the zone's streets, for a map without tiles


def test_pages_refuse_an_id_that_is_not_a_file_name(tmp_path: Path) -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    bad = Chief("../evil", "坏人", "z1", instance.chiefs[0].level, 5)
    instance = dataclasses.replace(instance, chiefs=(bad,))
    ownership = dataclasses.replace(tiny_ownership(), owner_of={"s1": "../evil"})
    figures = run_figures(instance, ownership, Roster(WEEK, (), {}), {})
    with pytest.raises(RoadchiefError, match="cannot be a file name"):
        write_person_pages(
            city, figures, instance, ownership, tmp_path, tr=Translator("zh"), draw=Draw(5)
        )


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


def test_english_pages_on_request(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "o.html"
    figures = tiny_figures(city)
    render_overview(city, tiny_ownership(), figures, tiny_instance(city), path, tr=Translator("en"))
    page = path.read_text("utf-8")
    assert "2026-W50 road chief patrols" in page and "路长制巡查总图" not in page
    assert layer_names(page)[0] == "zones (2)"


def test_overview_of_an_empty_city_is_still_a_page(tmp_path: Path) -> None:
    city = tiny_city(unplaced=False)
    instance = dataclasses.replace(tiny_instance(city), segments=())
    city.segments_gdf = city.segments_gdf.iloc[0:0]
    figures = run_figures(instance, Ownership({}), Roster(WEEK, (), {}), {})
    path = tmp_path / "empty.html"
    render_overview(city, Ownership({}), figures, instance, path)
    page = path.read_text(encoding="utf-8")
    assert layer_names(page) == ["责任区 (2)"]
    assert "无路段长的路段" in page


def test_area_pages_of_zone_ids_that_are_no_file_names() -> None:
    from roadchief.render.labels import area_file

    assert area_file("z1") == "z1.html" and area_file(None) == "city.html"
    assert area_file("静安区") == "静安区.html"
    assert area_file("A/B 1") == "zone-41-2f-42-20-31.html" and area_file("city") != "city.html"


def test_pages_refuse_results_of_another_city(tmp_path: Path) -> None:
    city = tiny_city()
    ownership = Ownership({**tiny_ownership().owner_of, "elsewhere": "c1"})
    with pytest.raises(RoadchiefError, match=r"'elsewhere'.*not among the placed segments"):
        write_person_pages(
            city, tiny_figures(city), tiny_instance(city), ownership, tmp_path,
            tr=Translator("zh"), draw=Draw(5),
        )  # fmt: skip
