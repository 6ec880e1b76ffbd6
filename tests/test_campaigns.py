"""Special campaigns (专项整治): rules validated with the key named, the week's extra
patrols scaled to its patrol days inside the dates, and a plan that adds them to the
demand of the campaign's streets (an area, listed segments) and shows them in
summary.json, explain.md and the overview map's popups and legend."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import geopandas as gpd
import pytest

from conftest import run_cli
from geo_builders import CRS_M, line, point, small_city, square, write
from roadchief.campaigns import Campaign
from roadchief.config import load_rules, parse_rules
from roadchief.domain import Week
from roadchief.errors import ConfigError, InputError
from roadchief.geo.campaigns import campaign_segments
from roadchief.geo.city import IngestReport, PreparedCity
from test_render_maps import embedded_features

D = dt.date
CAMPAIGN = '[[campaigns]]\nname = "背街小巷整治"\nfirst = "2026-12-01"\nlast = "2026-12-31"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CAMPAIGN + "extra = 2\n", "names no streets"),
        (CAMPAIGN + 'extra = 0\nsegments = ["r1"]\n', "'campaigns\\[0\\].extra'"),
        (CAMPAIGN.replace("12-31", "11-30") + 'extra = 1\nsegments = ["r1"]\n', "before it starts"),
        (CAMPAIGN.replace('first = "2026-12-01"\n', "") + "extra = 1\n", "needs first and last"),
        (CAMPAIGN + 'extra = 1\nsegments = ["r1"]\nareas = "x"\n', "unknown keys \\['areas'\\]"),
        (2 * (CAMPAIGN + 'extra = 1\nsegments = ["r1"]\n'), "share a name"),
    ],
)
def test_bad_campaigns_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_rules(text, "city.toml")


def test_extra_patrols_follow_the_patrol_days_inside_the_dates() -> None:
    rules = load_rules()
    c = Campaign("c", D(2026, 12, 1), D(2026, 12, 20), 2, segments=("r1",))
    assert c.week_extra(rules.patrol_week(Week(2026, 49))) == 2  # 6 of 7 days: 1.7 -> 2
    assert c.week_extra(rules.patrol_week(Week(2026, 51))) == 2  # whole week
    assert c.week_extra(rules.patrol_week(Week(2026, 52))) == 0  # after the dates
    one_day = Campaign("c", D(2026, 12, 3), D(2026, 12, 3), 3, segments=("r1",))
    assert one_day.week_extra(rules.patrol_week(Week(2026, 49))) == 1  # 3 / 7, rounded up


def test_an_area_path_is_read_from_the_rules_folder(tmp_path: Path) -> None:
    rules = parse_rules(
        CAMPAIGN + 'extra = 1\narea = "old_town.geojson"\n', str(tmp_path / "c.toml")
    )
    assert rules.campaigns[0].area == tmp_path / "old_town.geojson"


def _rules(tmp_path: Path, streets: str) -> Path:
    write(tmp_path / "old_town.geojson", {"name": ["老城"]}, [square(0, 0, 300)])
    path = tmp_path / "city.toml"
    path.write_text(CAMPAIGN + "extra = 2\n" + streets, "utf-8")
    return path


@pytest.mark.slow
def test_a_campaign_is_planned_and_shown(tmp_path: Path) -> None:
    rules = _rules(tmp_path, 'area = "old_town.geojson"\nsegments = ["r24"]\n')
    out = tmp_path / "run"
    args = ("--week", "2026-W49", "--rules", rules, "--time-limit", "5", "--deterministic")
    result = run_cli("plan", *small_city(tmp_path), "--out", out, *args)
    assert result.returncode == 0, result.stderr
    assert "专项整治「背街小巷整治」：3 个路段，本周每段加巡 2 次" in result.stdout
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    (c,) = summary["campaigns"]
    # the area crosses r0 and r1 (the grid's corner), r24 is listed: 2 + 2 patrols each
    assert (c["name"], c["segments"], c["extra_this_week"]) == ("背街小巷整治", 3, 2)
    assert c["patrols_required"] == 3 * 4
    assert 0 < c["patrols_planned"] <= c["patrols_required"]
    assert summary["patrols_required"] == 25 * 2 + 3 * 2
    segs = gpd.read_file(out / "roster.gpkg", layer="segments").set_index("segment_id")
    assert segs.loc[["r0", "r1", "r24"], "patrols_required"].tolist() == [4, 4, 4]
    assert segs.loc["r2", "patrols_required"] == 2
    explain = (out / "explain.md").read_text("utf-8")
    assert "## 专项整治" in explain and "| 背街小巷整治 |" in explain
    overview = (out / "overview.html").read_text("utf-8")
    assert "专项整治「背街小巷整治」：3 个路段" in overview  # legend
    features = {
        f["properties"]["id"]: f["properties"]
        for layer in embedded_features(overview)
        for f in layer
        if "req" in f["properties"]
    }
    assert features["r24"]["notes"] == ["专项整治「背街小巷整治」：本周加巡 2 次"]  # popup
    assert features["r24"]["req"] == 4 and "notes" not in features["r2"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("streets", "message"),
    [
        ('segments = ["r24", "r404"]\n', "'r404' is no segment or road id"),
        ('area = "nowhere.geojson"\n', "nowhere.geojson does not exist"),
        ('area = "far.geojson"\n', "no placed segment crosses the area"),
    ],
)
def test_a_campaign_naming_what_is_not_there_is_refused(
    tmp_path: Path, streets: str, message: str
) -> None:
    write(tmp_path / "far.geojson", {"name": ["远处"]}, [square(5000, 5000, 100)])
    rules = _rules(tmp_path, streets)
    args = ("--week", "2026-W49", "--rules", rules, "--time-limit", "5")
    result = run_cli("plan", *small_city(tmp_path), "--out", tmp_path / "run", *args)
    assert result.returncode != 0
    assert "campaign 背街小巷整治" in result.stderr and message in result.stderr
    assert not (tmp_path / "run").exists()


def _city(places: bool) -> PreparedCity:
    """Three streets in a row, 300 m apart, in UTM 50N metres; a market by the middle one."""
    segs = gpd.GeoDataFrame(
        {"segment_id": ["s1", "s2", "s3"], "source_id": ["r1", "r2", "r2"]},
        geometry=[line((0, 300 * k), (250, 300 * k)) for k in range(3)],
        crs=CRS_M,
    ).to_crs("EPSG:4326")
    where = gpd.GeoDataFrame(
        {"place_id": ["m1", "x9"], "place_type": ["market", "school"], "name": ["菜场", "学校"]},
        geometry=[point(125, 330), point(5000, 5000)],
        crs=CRS_M,
    ).to_crs("EPSG:4326")
    empty = gpd.GeoDataFrame({"segment_id": []}, geometry=[], crs="EPSG:4326")
    return PreparedCity(
        empty, segs, empty, where if places else None, None, IngestReport(metric_crs=CRS_M)
    )


def test_places_and_road_ids_find_their_segments() -> None:
    by_place = Campaign("菜场整治", D(2026, 12, 1), D(2026, 12, 31), 2, places=("m1",))
    by_road = Campaign("r2", D(2026, 12, 1), D(2026, 12, 31), 1, segments=("r2",))
    found = campaign_segments([by_place, by_road], _city(True), 100.0, "city.toml")
    assert found == {"菜场整治": ("s2",), "r2": ("s2", "s3")}
    unknown = Campaign("c", D(2026, 12, 1), D(2026, 12, 31), 1, places=("m404",))
    with pytest.raises(InputError, match=r"places \['m404'\] are not in the places file"):
        campaign_segments([unknown], _city(True), 100.0, "city.toml")
    with pytest.raises(InputError, match="no places file; give --places"):
        campaign_segments([by_place], _city(False), 100.0, "city.toml")
