"""Excel, iCalendar, GeoPackage and the report, opened with the tools their users have."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import openpyxl
import pyogrio
import pytest

from roadchief.errors import ConfigError
from roadchief.render.exports import ROSTER_COLUMNS
from roadchief.render.gis import GPKG_LAYERS, write_roster_gpkg
from roadchief.render.ics import write_chief_calendars
from roadchief.render.report import report_data, write_report
from roadchief.render.xlsx import sheet_title, write_roster_xlsx
from test_render_city import (
    TOURS,
    tiny_city,
    tiny_instance,
    tiny_ownership,
    tiny_roster,
    tiny_walks,
)

STAMP = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def test_xlsx_has_the_week_then_one_sheet_per_zone(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "roster.xlsx"
    instance = tiny_instance(city)
    write_roster_xlsx(tiny_roster(), instance, tiny_ownership(), path, walks=tiny_walks(instance))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["2026-W50", "黄浦区", "静安区"]
    week = wb["2026-W50"]
    assert [c.value for c in week[1]] == list(ROSTER_COLUMNS)
    assert week.max_row == 1 + 9  # one row per patrol of one segment
    assert week.freeze_panes == "A2"
    assert week.auto_filter.ref == "A1:P10"
    first = {k: c.value for k, c in zip(ROSTER_COLUMNS, week[2], strict=True)}
    assert first["chief_name"] == "张伟" and first["road_name"] == "淮海中路"
    assert isinstance(first["length_m"], float) and first["order"] == 1
    assert isinstance(first["tour_km"], float) and first["walk_to_m"] == 0
    huangpu = wb["黄浦区"]
    assert huangpu.max_row == 1 + 5 and huangpu.freeze_panes == "A2"
    assert {huangpu.cell(r, 11).value for r in range(2, 7)} == {"z1"}


def test_sheet_titles_are_valid_and_unique() -> None:
    assert sheet_title("a/b:c*?[d]") == "a_b_c___d_"
    long = "很长的责任区名称" * 5
    assert len(sheet_title(long)) == 31
    assert sheet_title(long, {long[:31]}).endswith(" (2)")


def test_ics_has_one_event_per_tour_in_the_city_time_zone(tmp_path: Path) -> None:
    city = tiny_city()
    paths = write_chief_calendars(
        tiny_roster(),
        tiny_instance(city),
        tiny_ownership(),
        tmp_path,
        time_zone="Asia/Shanghai",
        stamp=STAMP,
    )
    assert [p.name for p in paths] == ["c1.ics", "c2.ics", "c3.ics"]  # c4 walks nothing
    cal = icalendar.Calendar.from_ical((tmp_path / "chiefs" / "c1.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len([t for t in TOURS if t[0] == "c1"]) == 2
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    first = events[0]
    start = first.decoded("DTSTART")
    assert start == dt.datetime(2026, 12, 7, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert first.decoded("DTEND") - start == dt.timedelta(hours=2)
    assert str(first["UID"]) == "c1:2026-12-07:am@roadchief"
    text = str(first["DESCRIPTION"])
    assert text.index("1. 淮海中路 s1") < text.index("2. 淮海中路 s2")
    helper = str(events[1]["DESCRIPTION"])
    assert "1. 瑞金二路 s3" in helper and "协助 李娜" in helper


def test_ics_times_follow_the_rules_time_zone(tmp_path: Path) -> None:
    city = tiny_city()
    args = (tiny_roster(), tiny_instance(city), tiny_ownership(), tmp_path)
    write_chief_calendars(*args, time_zone="America/New_York", stamp=STAMP)
    cal = icalendar.Calendar.from_ical((tmp_path / "chiefs" / "c2.ics").read_bytes())
    start = next(iter(cal.walk("VEVENT"))).decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(hours=-5)  # December: EST
    assert start.astimezone(dt.UTC).hour == 21  # 16:00 local
    with pytest.raises(ConfigError, match="not an IANA time zone"):
        write_chief_calendars(*args, time_zone="Mars/Olympus", stamp=STAMP)


def test_gpkg_opens_with_gdal_and_has_the_layers(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "roster.gpkg"
    write_roster_gpkg(city, tiny_ownership(), tiny_roster(), tiny_instance(city), path)
    layers = {name: geom for name, geom in pyogrio.list_layers(path)}
    assert set(layers) == set(GPKG_LAYERS)
    assert layers["tours"] == "MultiLineString" and layers["zones"] == "Polygon"
    segments = pyogrio.read_dataframe(path, layer="segments")
    assert len(segments) == 6 and segments.crs.to_epsg() == 4326
    s3 = segments.set_index("segment_id").loc["s3"]
    assert (s3["owner_name"], s3["patrols_required"], s3["patrols_planned"]) == ("李娜", 1, 2)
    tours = pyogrio.read_dataframe(path, layer="tours")
    assert len(tours) == len(TOURS)
    wed = tours.set_index("tour_id").loc["c3:2026-12-09:am"]
    assert wed["segments"] == "s4 s5 s6" and wed["chief_name"] == "王芳"
    assert len(wed.geometry.geoms) == 3
    assert len(pyogrio.read_dataframe(path, layer="unplaced")) == 1
    write_roster_gpkg(city, tiny_ownership(), tiny_roster(), tiny_instance(city), path)
    assert len(pyogrio.read_dataframe(path, layer="tours")) == len(TOURS)  # replaced


def test_report_counts_coverage_load_and_shares(tmp_path: Path) -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    data = report_data(tiny_roster(), instance, tiny_ownership())
    z1, z2 = data.by_zone["z1"], data.by_zone["z2"]
    assert (z1.required, z1.planned, z1.met) == (7, 5, 4)  # s3 patrolled twice, needs once
    assert (z2.required, z2.planned, z2.met) == (5, 4, 3)  # s6 twice, needs once
    loads = {ld.chief_id: ld for ld in data.loads}
    assert set(loads) == {"c1", "c2", "c3"}
    assert (loads["c1"].tours, loads["c1"].patrols, loads["c1"].owned) == (2, 4, 2)
    assert loads["c2"].evening == 0 and data.weekend_tours == 0 and data.tours == 5
    path = tmp_path / "report.html"
    write_report(tiny_roster(), instance, tiny_ownership(), path)
    page = path.read_text(encoding="utf-8")
    assert "<meta charset='UTF-8'>" in page and "<svg" in page and "黄浦区" in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")


def test_report_counts_evening_and_weekend_as_the_rules_do() -> None:
    """Evening: the rules' unsocial slots (not a clock time); weekend: the context's days, so
    a make-up working Saturday (调休) is no weekend and a Saturday tour counts."""
    import dataclasses

    from roadchief.domain import Assignment, PlanContext, Roster, SolveStats, tour_id_for

    city = tiny_city()
    sat, sun = tiny_instance(city).week.days[5], tiny_instance(city).week.days[6]
    ctx = PlanContext(unsocial_slots=frozenset({"am"}), weekend=frozenset({sun}))
    instance = dataclasses.replace(tiny_instance(city), context=ctx)
    extra = [
        Assignment(sat, "pm", "c4", "s4", tour_id_for("c4", sat, "pm"), 1),
        Assignment(sun, "pm", "c4", "s5", tour_id_for("c4", sun, "pm"), 1),
    ]
    roster = tiny_roster()
    roster = Roster(
        roster.week, (*roster.assignments, *extra), {"z1": SolveStats("OPTIMAL", 0, 0, 0, 1)}
    )
    data = report_data(roster, instance, tiny_ownership())
    loads = {ld.chief_id: ld for ld in data.loads}
    assert data.evening_tours == 3  # the three "am" tours (08:00): the rules call them unsocial
    assert data.weekend_tours == 1 and loads["c4"].weekend == 1  # Sunday only
