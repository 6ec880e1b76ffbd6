"""The closed loop in a week's outputs: a case waiting for its recheck (复检) shows on the
tour that visits its segment, a segment with recurring problems says why it is patrolled
more, and explain.md lists both, in Chinese."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from roadchief.domain import Recheck, Roster
from roadchief.loop.feedback import RosterFeedback
from roadchief.render import RunResults, write_outputs
from roadchief.render.explain import write_explain
from roadchief.solve.check import check_roster
from roadchief.solve.check.explain import explain_roster
from test_render_city import MON, TUE, WED, tiny_city, tiny_instance, tiny_ownership, tiny_roster
from test_render_maps import embedded_features

_DATA = re.compile(r"var RC_DATA = (\{.*?\});</script>", re.DOTALL)


def loop_instance() -> Any:
    """The tiny city with two cases to recheck (one on s4 by Wednesday, which 王芳's
    Wednesday tour visits; one on s6 by Tuesday, which only her Monday tour can serve) and
    s5 patrolled once more for its recurring problems."""
    rechecks = (Recheck("A-0001", "s4", WED), Recheck("A-0002", "s6", TUE))
    feedback = RosterFeedback(dt.datetime.combine(MON, dt.time()), rechecks, {"s5": 1})
    return feedback.apply(tiny_instance(tiny_city()))


def tour_stops(page: str) -> dict[str, list[dict[str, Any]]]:
    data = json.loads(_DATA.search(page).group(1))  # type: ignore[union-attr]
    return {t["date"]: t["stops"] for t in data["tours"]}


def test_the_tour_that_visits_a_case_says_so(tmp_path: Path) -> None:
    instance = loop_instance()
    results = RunResults(tiny_city(), instance, tiny_ownership(), tiny_roster(),
                         check_roster(instance, tiny_ownership(), tiny_roster()).walks)  # fmt: skip
    write_outputs(results, tmp_path, time_zone="Asia/Shanghai")
    stops = tour_stops((tmp_path / "chiefs" / "c3.html").read_text("utf-8"))
    wednesday = {s["road"] + str(s["n"]): s["notes"] for s in stops[WED.isoformat()]}
    assert wednesday == {
        "南京西路1": ["复检案件 A-0001（不晚于 12月9日 周三）"],
        "南京西路2": ["问题多发：本周加巡 1 次"],
        "陕西北路3": [],
    }
    monday = stops[min(stops)]
    assert [s["notes"] for s in monday] == [["复检案件 A-0002（不晚于 12月8日 周二）"]]
    # the others' pages carry no notes
    c1 = tour_stops((tmp_path / "chiefs" / "c1.html").read_text("utf-8"))
    assert all(s["notes"] == [] for day in c1.values() for s in day)


def explain_text(tmp_path: Path, roster: Roster) -> str:
    """explain.md of ``roster`` of the loop's tiny city, as written."""
    instance = loop_instance()
    check = check_roster(instance, tiny_ownership(), roster)
    path = tmp_path / "explain.md"
    write_explain(explain_roster(roster, instance, check), roster, path, roster_s=1.0,
                  instance=instance)  # fmt: skip
    return path.read_text("utf-8")


def test_explain_lists_rechecks_and_extra_patrols_in_chinese(tmp_path: Path) -> None:
    text = explain_text(tmp_path, tiny_roster())
    assert "| A-0001 | 南京西路 | 静安区 | 12月9日 周三 | 12月9日 周三 am 王芳 |" in text, text
    assert "| 南京西路 | 静安区 | 1 | 3 |" in text  # s5: 2 a week and 1 for its problems
    assert "rechecks" not in text and "FEASIBLE" not in text and "OPTIMAL" not in text
    assert "| 复检 |" in text  # the rule's penalty row
    assert "已证明最优" in text
    assert "无。" in text  # an empty list says so


def test_explain_says_when_a_zones_bound_holds_for_any_walk(tmp_path: Path) -> None:
    roster = tiny_roster()
    text = explain_text(tmp_path, roster)
    assert "| 下界适用于 |" in text and "模型估计的步行" in text and "任何步行：" not in text
    (zone, stats), *_ = roster.parts.items()
    walked = dataclasses.replace(stats, bound_on="segments")
    text = explain_text(tmp_path, dataclasses.replace(roster, parts={**roster.parts, zone: walked}))
    assert "| 任何步行 |" in text and "任何步行：该片区的排班按实际步行测量后" in text


def test_overview_and_area_maps_say_what_the_loop_asks_of_a_segment(tmp_path: Path) -> None:
    instance = loop_instance()
    results = RunResults(tiny_city(), instance, tiny_ownership(), tiny_roster(),
                         check_roster(instance, tiny_ownership(), tiny_roster()).walks)  # fmt: skip
    write_outputs(results, tmp_path, time_zone="Asia/Shanghai")
    features = {
        f["properties"]["id"]: f["properties"]
        for layer in embedded_features((tmp_path / "overview.html").read_text("utf-8"))
        for f in layer
        if "req" in f["properties"]
    }
    assert features["s4"]["notes"] == ["待复检案件 A-0001（不晚于 12月9日 周三）"]
    assert features["s5"]["notes"] == ["问题多发：本周加巡 1 次"]
    assert "notes" not in features["s1"]
    area = json.loads(_DATA.search((tmp_path / "areas" / "z2.html").read_text("utf-8")).group(1))  # type: ignore[union-attr]
    notes = {s["road"] + str(s["req"]): s.get("notes", []) for s in area["segs"]}
    assert notes["陕西北路1"] == ["待复检案件 A-0002（不晚于 12月8日 周二）"]
    assert sum(len(n) for n in notes.values()) == 3


def test_the_chief_sees_the_frontage_duty_holders_of_a_segment(tmp_path: Path) -> None:
    feedback = RosterFeedback(
        dt.datetime.combine(MON, dt.time()),
        frontage={"s4": ("老王水果店 (13900000000)", "<b>某\n单位</b>"), "gone": ("某店",)},
    )
    instance = feedback.apply(tiny_instance(tiny_city()))
    assert set(instance.context.frontage) == {"s4"}  # segments of other cities left out
    results = RunResults(tiny_city(), instance, tiny_ownership(), tiny_roster(),
                         check_roster(instance, tiny_ownership(), tiny_roster()).walks)  # fmt: skip
    write_outputs(results, tmp_path, time_zone="Asia/Shanghai")
    page = (tmp_path / "chiefs" / "c3.html").read_text("utf-8")
    wednesday = {s["road"] + str(s["n"]): s["notes"] for s in tour_stops(page)[WED.isoformat()]}
    said = "门前三包责任人：老王水果店 (13900000000); <b>某 单位</b>"
    assert wednesday["南京西路1"] == [said]
    assert "<b>某" not in _DATA.sub("", page)  # only inside the data, escaped when shown
    features = {
        f["properties"]["id"]: f["properties"]
        for layer in embedded_features((tmp_path / "overview.html").read_text("utf-8"))
        for f in layer
        if "req" in f["properties"]
    }
    assert features["s4"]["notes"] == [said]
    back = RosterFeedback.from_json(json.loads(json.dumps(feedback.to_json())))
    assert back == feedback
