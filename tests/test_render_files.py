"""Excel, iCalendar, GeoPackage and the report, opened with the tools their users have."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import openpyxl
import pyogrio
import pytest

from roadchief.domain import Assignment, PlanContext, Roster, SolveStats, tour_id_for
from roadchief.errors import ConfigError
from roadchief.figures import run_figures
from roadchief.i18n import Translator
from roadchief.render.exports import ROSTER_COLUMNS
from roadchief.render.gis import GPKG_LAYERS, write_roster_gpkg
from roadchief.render.ics import write_chief_calendars
from roadchief.render.report import report_html, write_report
from roadchief.render.xlsx import DATA_COLUMNS, sheet_title, write_roster_xlsx
from test_render_city import (
    TOURS,
    tiny_city,
    tiny_figures,
    tiny_instance,
    tiny_ownership,
    tiny_roster,
    tiny_walks,
)

STAMP = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
ZH = Translator("zh")


def write_xlsx(path: Path, *, instance: object = None) -> openpyxl.Workbook:
    city = tiny_city()
    inst = instance or tiny_instance(city)
    figures = run_figures(inst, tiny_ownership(), tiny_roster(), tiny_walks(inst))  # type: ignore[arg-type]
    write_roster_xlsx(tiny_roster(), inst, tiny_ownership(), path, figures=figures, tr=ZH)  # type: ignore[arg-type]
    return openpyxl.load_workbook(path)


def test_xlsx_has_a_grid_per_zone_then_the_data(tmp_path: Path) -> None:
    wb = write_xlsx(tmp_path / "roster.xlsx")
    assert wb.sheetnames == ["静安区", "黄浦区", "2026-W50 全部巡查"]
    data = wb["2026-W50 全部巡查"]
    assert [c.value for c in data[1]][:3] == ["日期", "星期", "时段"]
    assert data.max_row == 1 + 9  # one row per patrol of one segment
    assert data.freeze_panes == "A2" and data.auto_filter.ref == "A1:R10"
    first = [c.value for c in data[2]]
    assert first[0] == dt.datetime(2026, 12, 7)  # a real date, not text
    assert first[1:3] == ["周一", "am"]  # weekday by name; a slot by its label (none here)
    assert first[DATA_COLUMNS.index("chief_name")] == "张伟"
    assert isinstance(first[DATA_COLUMNS.index("tour_km")], float)
    head = [c.value for c in data[1]]  # names beside the ids, for people reading it
    at = DATA_COLUMNS.index("zone_id")
    assert head[at : at + 2] == ["责任区编号", "责任区"] and first[at : at + 2] == ["z1", "黄浦区"]
    at = DATA_COLUMNS.index("owner_id")
    assert head[at : at + 2] == ["路段长编号", "路段长"] and first[at : at + 2] == ["c1", "张伟"]
    assert [c for c in DATA_COLUMNS if c in ROSTER_COLUMNS] == list(ROSTER_COLUMNS)


def test_xlsx_zone_sheet_is_a_printable_person_by_day_grid(tmp_path: Path) -> None:
    wb = write_xlsx(tmp_path / "roster.xlsx")
    grid = wb["黄浦区"]
    assert grid["A1"].value == "黄浦区 · 2026-W50 巡查排班"
    assert [grid.cell(2, c).value for c in range(3, 10)] == [
        dt.datetime(2026, 12, 7) + dt.timedelta(days=i) for i in range(7)
    ]
    assert grid.cell(1, 3).value == "周一"
    people = [grid.cell(r, 1).value for r in range(3, grid.max_row + 1)]
    assert people == ["张伟", "李娜"]
    tuesday = grid.cell(3, 4).value  # 张伟, Tuesday: helps 李娜 on s3, then s1
    assert tuesday.splitlines() == [
        "pm 16:00–18:00",
        "瑞金二路 → 淮海中路",
        "2 段 · 步行 0.8 km",
        "协助 李娜",
    ]
    assert grid.page_setup.orientation == "landscape" and grid.page_setup.paperSize == 9
    setup = grid.page_setup  # fit to one page wide (1 is the default, left out), any height
    assert grid.sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth in (None, 1)
    assert setup.fitToHeight == 0
    assert grid.print_title_rows == "$1:$2"


def test_xlsx_writes_formula_like_names_as_text(tmp_path: Path) -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    chiefs = (dataclasses.replace(instance.chiefs[0], name="=HYPERLINK(1)"), *instance.chiefs[1:])
    wb = write_xlsx(tmp_path / "r.xlsx", instance=dataclasses.replace(instance, chiefs=chiefs))
    cell = wb["黄浦区"]["A3"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"
    assert wb["2026-W50 全部巡查"].cell(2, 7).data_type == "s"


def test_sheet_titles_are_valid_and_unique() -> None:
    assert sheet_title("a/b:c*?[d]") == "a_b_c___d_"
    long = "很长的责任区名称" * 5
    assert len(sheet_title(long)) == 31
    assert sheet_title(long, {long[:31]}).endswith(" (2)")


def write_ics(
    tmp_path: Path, *, time_zone: str = "Asia/Shanghai", instance: object = None
) -> list[Path]:
    city = tiny_city()
    inst = instance or tiny_instance(city)
    figures = run_figures(inst, tiny_ownership(), tiny_roster(), tiny_walks(inst))  # type: ignore[arg-type]
    return write_chief_calendars(
        figures,
        inst,
        tiny_ownership(),
        tmp_path,
        time_zone=time_zone,
        tr=ZH,
        stamp=STAMP,  # type: ignore[arg-type]
    )


def test_ics_has_one_event_per_tour_in_the_city_time_zone(tmp_path: Path) -> None:
    paths = write_ics(tmp_path)
    assert [p.name for p in paths] == ["c1.ics", "c2.ics", "c3.ics"]  # c4 walks nothing
    cal = icalendar.Calendar.from_ical((tmp_path / "chiefs" / "c1.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len([t for t in TOURS if t[0] == "c1"]) == 2
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    first = events[0]
    start = first.decoded("DTSTART")
    assert start == dt.datetime(2026, 12, 7, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert first.decoded("DTEND") - start == dt.timedelta(hours=2)
    assert str(first["UID"]) == "c1:2026-12-07:am@roadchief"
    text = str(first["DESCRIPTION"])
    assert text.index("1. 淮海中路（瑞金二路）") < text.index("2. 淮海中路（瑞金二路）")
    assert " s1 " not in text  # no internal ids for chiefs
    helper = str(events[1]["DESCRIPTION"])
    assert "1. 瑞金二路（淮海中路）" in helper and "协助 李娜" in helper


def test_ics_km_is_the_walked_km_of_the_figures(tmp_path: Path) -> None:
    write_ics(tmp_path)
    figures = tiny_figures(tiny_city())
    cal = icalendar.Calendar.from_ical((tmp_path / "chiefs" / "c3.ics").read_bytes())
    wed = next(e for e in cal.walk("VEVENT") if e.decoded("DTSTART").day == 9)
    km = figures.tours["c3:2026-12-09:am"].km_walked
    assert str(wed["SUMMARY"]) == f"am · 3 段 · 步行 {km:.1f} km"


def test_ics_survives_a_name_with_a_line_break(tmp_path: Path) -> None:
    instance = tiny_instance(tiny_city())
    chiefs = (dataclasses.replace(instance.chiefs[0], name="张\n伟"), *instance.chiefs[1:])
    write_ics(tmp_path, instance=dataclasses.replace(instance, chiefs=chiefs))
    cal = icalendar.Calendar.from_ical((tmp_path / "chiefs" / "c1.ics").read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "张 伟 巡查 2026-W50"


def test_ics_times_follow_the_rules_time_zone(tmp_path: Path) -> None:
    write_ics(tmp_path, time_zone="America/New_York")
    cal = icalendar.Calendar.from_ical((tmp_path / "chiefs" / "c2.ics").read_bytes())
    start = next(iter(cal.walk("VEVENT"))).decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(hours=-5)  # December: EST
    with pytest.raises(ConfigError, match="not an IANA time zone"):
        write_ics(tmp_path, time_zone="Mars/Olympus")


def test_gpkg_opens_with_gdal_and_has_the_layers(tmp_path: Path) -> None:
    city = tiny_city()
    path = tmp_path / "roster.gpkg"
    figures = tiny_figures(city)
    write_roster_gpkg(city, tiny_ownership(), figures, tiny_instance(city), path)
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
    assert wed["km_walked"] == round(figures.tours["c3:2026-12-09:am"].km_walked, 3)
    assert len(wed.geometry.geoms) == 3
    write_roster_gpkg(city, tiny_ownership(), figures, tiny_instance(city), path)
    assert len(pyogrio.read_dataframe(path, layer="tours")) == len(TOURS)  # replaced


def test_report_shows_the_figures(tmp_path: Path) -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    path = tmp_path / "report.html"
    write_report(tiny_figures(city), instance, path, tr=ZH)
    page = path.read_text(encoding="utf-8")
    assert "<meta charset='UTF-8'>" in page and "<svg" in page and "黄浦区" in page
    assert "<script" not in page and "http" not in page.replace("http-equiv", "")
    assert "<b>58.3%</b><span>覆盖率</span>" in page  # 7 of 12 toward the requirement
    assert "roster.csv 共 9 次巡查：7 次计入要求，2 次为超出要求的加巡。" in page
    assert "1 段路（0.8 km）不在任何责任区内" in page
    assert "赵强" in page  # people with no tours are listed too


def test_report_counts_evening_and_weekend_as_the_rules_do() -> None:
    """Evening: the rules' unsocial slots (not a clock time); weekend: the context's days, so
    a make-up working Saturday (调休) is no weekend and a Saturday tour counts."""
    city = tiny_city()
    base = tiny_instance(city)
    sat, sun = base.week.days[5], base.week.days[6]
    ctx = PlanContext(unsocial_slots=frozenset({"am"}), weekend=frozenset({sun}))
    instance = dataclasses.replace(base, context=ctx)
    extra = [
        Assignment(sat, "pm", "c4", "s4", tour_id_for("c4", sat, "pm"), 1),
        Assignment(sun, "pm", "c4", "s5", tour_id_for("c4", sun, "pm"), 1),
    ]
    roster = tiny_roster()
    stats = {"z1": SolveStats("OPTIMAL", 0, 0, 0, 1)}
    roster = Roster(roster.week, (*roster.assignments, *extra), stats)
    figures = run_figures(instance, tiny_ownership(), roster, tiny_walks(instance, roster))
    assert figures.evening_tours == 3  # the three "am" tours (08:00): the rules call them unsocial
    assert figures.weekend_tours == 1 and figures.people["c4"].weekend == 1  # Sunday only
    page = report_html(figures, instance, tr=ZH)
    assert f"<b>{100 * 3 / 7:.1f}%</b><span>夜巡占比</span>" in page
