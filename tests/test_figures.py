"""One definition of each number: the figures of a run, and every output showing the same
ones (checked on a real run of central Shanghai here, of the demo city in test_demo_city)."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import icalendar
import openpyxl
import pyogrio
import pytest

from conftest import DATA, run_cli
from roadchief.figures import km as cm_to_km
from roadchief.figures import run_figures
from test_render_city import (
    tiny_city,
    tiny_figures,
    tiny_instance,
    tiny_ownership,
    tiny_roster,
    tiny_walks,
)

SHANGHAI = DATA / "shanghai"
_KPI = re.compile(r"<div><b>([^<]*)</b><span>([^<]*)</span></div>")
_HEADER = re.compile(r"<span><b>([^<]*)</b> ([^<]*)</span>")
_PERSON_KM = re.compile(r"<tr><td>([^<]*)</td>(?:<td[^>]*>[^<]*</td>){6}<td>([\d.]+)</td>")


def test_patrols_toward_the_requirement_and_extra() -> None:
    f = tiny_figures(tiny_city())
    # s1 needs 3, has 2; s2 3/1; s3 1/2; s4 2/1; s5 2/1; s6 1/2
    assert (f.patrols_required, f.patrols_toward, f.patrols_extra) == (12, 7, 2)
    assert f.patrols_planned == len(tiny_roster().assignments) == 9
    assert f.coverage.share == pytest.approx(7 / 12)
    assert f.by_zone["z1"].coverage.extra == 1 and f.by_zone["z2"].coverage.extra == 1
    assert (f.segments_unplaced, f.km_unplaced) == (1, 0.812)  # 812.5 m, to the metre


def test_km_walked_and_km_of_segments_come_from_the_walks() -> None:
    city = tiny_city()
    instance = tiny_instance(city)
    walks = tiny_walks(instance)
    f = run_figures(instance, tiny_ownership(), tiny_roster(), walks)
    wed = f.tours["c3:2026-12-09:am"]
    assert wed.total_cm == walks["c3:2026-12-09:am"].total_cm
    metre = 0.001  # each figure is rounded to the metre on its own: sums agree within that
    assert wed.km_walked == pytest.approx(wed.km_segments + wed.km_between, abs=metre)
    assert wed.km_between > 0  # back along s5 to reach s6
    c3 = f.people["c3"]
    tours = f.tours_of("c3")
    assert c3.km_walked == pytest.approx(sum(t.km_walked for t in tours), abs=metre * len(tours))
    assert f.km_walked == pytest.approx(
        sum(p.km_walked for p in f.people.values()), abs=metre * len(f.people)
    )
    assert f.by_zone["z2"].km_walked == pytest.approx(c3.km_walked)


def test_capacity_and_everyone_is_counted() -> None:
    f = tiny_figures(tiny_city())
    assert set(f.people) == {"c1", "c2", "c3", "c4"}  # c4: no tours, still counted
    assert f.people["c4"].tours == 0 and f.people["c4"].capacity == 5
    assert f.by_zone["z1"].capacity == 10 and f.by_zone["z1"].home_tours == 3


def test_a_share_is_rounded_once_so_json_and_pages_agree() -> None:
    # 2,785 of 10,000 tours: rounding 0.2785 again for a page read 27.8% against 27.9%
    f = tiny_figures(tiny_city())
    tour = next(iter(f.tours.values()))
    for total in (7, 10_000, 4_187):
        many = dataclasses.replace(f, tours={str(i): tour for i in range(total)})
        for count in range(0, total, max(1, total // 997)):
            share = many.share(count)
            assert round(share, 3) == share
            assert f"{100 * share:.1f}" == f"{100 * round(share, 4):.1f}"
            assert abs(share - count / total) <= 0.0005
    # km likewise, to the metre: 44,960 cm read 0.4 km raw and 0.5 km from the rounded 0.45
    assert cm_to_km(44_960) == 0.45 and f"{cm_to_km(44_960):.1f}" == "0.5"


def test_walks_of_another_roster_are_refused() -> None:
    city = tiny_city()
    with pytest.raises(KeyError):
        run_figures(tiny_instance(city), tiny_ownership(), tiny_roster(), {})


def assert_outputs_agree(run: Path, terminal: str) -> dict[str, Any]:
    """Every output of a run folder, and what the terminal printed (``terminal``), show the
    same figures; returns what was compared."""
    summary = json.loads((run / "summary.json").read_text("utf-8"))
    with (run / "roster.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    report = (run / "report.html").read_text("utf-8")
    kpi = {label: value for value, label in _KPI.findall(report)}
    # the report's key figures: the overview's header shows the same, the city's supervision
    # page those it shows; km walked, tours, shares as summary.json has them
    overview = (run / "overview.html").read_text("utf-8")
    assert {label: value for value, label in _HEADER.findall(overview)} == kpi
    city = {label: v for v, label in _KPI.findall((run / "areas" / "city.html").read_text("utf-8"))}
    assert {k: v for k, v in city.items() if k in kpi} == {k: kpi[k] for k in city if k in kpi}
    assert len(set(city) & set(kpi)) >= 6
    tours = len({r["tour_id"] for r in rows})
    assert kpi["趟数"] == f"{tours:,}" and city["趟数/能力"].startswith(f"{tours:,} / ")
    assert kpi["步行公里"] == f"{summary['km_walked']:.1f} km"
    assert kpi["夜巡占比"] == f"{100 * summary['evening_share']:.1f}%"
    assert kpi["周末占比"] == f"{100 * summary['weekend_share']:.1f}%"
    walked, on_segments = f"{summary['km_walked']:.1f}", f"{summary['km_segments']:.1f}"
    assert f"共步行 {walked} km：路段 {on_segments} km" in (run / "explain.md").read_text("utf-8")
    # the terminal: the same counts and km
    said = " ".join(terminal.split())
    unplaced_km = f"{summary['segments_unplaced_km']:.1f}"
    assert f"未落入 {summary['segments_unplaced']}（{unplaced_km} 公里" in said
    assert kpi["无路段长的路段"] == f"{summary['segments_unplaced']:,} ({unplaced_km} km)"
    assert f"巡查 {tours} 趟" in said
    assert (
        f"要求 {summary['patrols_required']} 次，已排 {summary['patrols_planned']} 次，"
        f"另超出要求加巡 {summary['patrols_extra']} 次" in said
    )
    assert f"步行 {walked} 公里，其中路段本身 {on_segments} 公里" in said
    # patrols: toward the requirement (summary, report) and extra; every roster row counted
    toward, extra = (
        int(kpi["计入要求"].replace(",", "")),
        int(kpi["超出要求的加巡"].replace(",", "")),
    )
    assert toward == summary["patrols_planned"]
    assert int(kpi["要求巡查"].replace(",", "")) == summary["patrols_required"]
    assert toward + extra == len(rows)
    assert f"roster.csv 共 {len(rows):,} 次巡查" in report
    share = summary["patrols_planned"] / max(1, summary["patrols_required"])
    assert kpi["覆盖率"] == f"{100 * share:.1f}%"
    assert kpi["无路段长的路段"].startswith(f"{summary['segments_unplaced']:,} (")
    # km of each tour: the person pages, calendars and xlsx grid show the same text (one
    # decimal of the same figure); roster.csv and the GeoPackage the figure to 3 decimals
    tour_km = {r["tour_id"]: float(r["tour_km"]) for r in rows}
    people = {r["tour_id"]: r["chief_id"] for r in rows}
    shown: dict[str, str] = {}
    for chief in set(people.values()):
        page = (run / "chiefs" / f"{chief}.html").read_text("utf-8")
        data = json.loads(re.search(r"var RC_DATA = (\{.*?\});</script>", page, re.S).group(1))  # type: ignore[union-attr]
        mine = sorted((t for t, c in people.items() if c == chief), key=lambda t: t.split(":")[1])
        assert len(data["tours"]) == len(mine)
        for tour, drawn in zip(mine, data["tours"], strict=True):
            shown[tour] = re.search(r"步行 ([\d.]+ km)（", drawn["summary"]).group(1)  # type: ignore[union-attr]
            assert abs(float(shown[tour].split()[0]) - tour_km[tour]) <= 0.05 + 5e-4, tour
    seen_on_pages = len(shown)
    for ics in (run / "chiefs").glob("*.ics"):
        for event in icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"):
            tour = str(event["UID"]).removesuffix("@roadchief")
            assert str(event["SUMMARY"]).endswith(f"步行 {shown[tour]}"), tour
    gpkg = pyogrio.read_dataframe(run / "roster.gpkg", layer="tours")
    for tour, tour_km_gpkg in zip(gpkg["tour_id"], gpkg["km_walked"], strict=True):
        assert tour_km_gpkg == pytest.approx(tour_km[tour], abs=5e-4)
    wb = openpyxl.load_workbook(run / "roster.xlsx", read_only=True)
    cells = [
        str(c) for ws in wb.worksheets[:-1] for row in ws.iter_rows(min_row=3, values_only=True)
        for c in row[2:] if c
    ]  # fmt: skip
    assert len(cells) == len(tour_km)
    assert sorted(re.search(r"步行 ([\d.]+ km)", c).group(1) for c in cells) == sorted(  # type: ignore[union-attr]
        shown.values()
    )
    # km of each person's week: report (one decimal) against the sum of their tours in
    # roster.csv (each to 3 decimals, so the sum may be off by 0.0005 a tour)
    week_km: dict[str, float] = defaultdict(float)
    week_tours: dict[str, int] = defaultdict(int)
    names = {r["chief_id"]: r["chief_name"] for r in rows}
    for tour, walked in tour_km.items():
        week_km[names[people[tour]]] += walked
        week_tours[names[people[tour]]] += 1
    in_report = {name: float(km) for name, km in _PERSON_KM.findall(report)}
    for name, km in week_km.items():
        assert in_report[name] == pytest.approx(km, abs=0.05 + 5e-4 * week_tours[name]), name
    return {"rows": len(rows), "toward": toward, "extra": extra, "tours": seen_on_pages}


@pytest.mark.slow
def test_every_output_of_a_shanghai_run_shows_the_same_figures(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    out = tmp_path_factory.mktemp("figures") / "run"
    result = run_cli(
        "plan",
        "--zones", SHANGHAI / "cnmaps_districts_huangpu_jingan.geojson",
        "--roads", SHANGHAI / "shanghai.osm",
        "--chiefs", SHANGHAI / "chiefs.csv",
        "--week", "2026-W49", "--out", out, "--time-limit", "10",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    compared = assert_outputs_agree(out, result.stdout)
    assert compared["rows"] > 500 and compared["tours"] > 20
