"""Impossible demand (issue 17): named from the inputs before solving, segment by segment."""

from __future__ import annotations

from roadchief.i18n import Translator
from roadchief.render.explain import _impossible_section
from roadchief.solve.roster.impossible import impossible_demand, impossible_demand_of
from roadchief.solve.roster.prepare import zone_problems
from solve_factory import DAYS, instance, owned, person, seg


def test_enough_people_and_days_leave_nothing_impossible() -> None:
    segs = [seg(n, length_m=300.0, ppw=3) for n in range(1, 4)]
    inst = instance(segs, [person("a"), person("b")], days=DAYS[:3])
    imp = impossible_demand_of(inst, owned({s.segment_id: "a" for s in segs}))
    assert imp["patrols"] == 0 and imp["segments"] == [] and imp["zones_short"] == []


def test_more_patrols_than_days_is_named_with_its_reason() -> None:
    # 5 patrols a week on a 3-day week: at most 3, whoever patrols (once a day)
    segs = [seg(1, length_m=300.0, ppw=5), seg(2, length_m=300.0, ppw=1)]
    inst = instance(segs, [person("a"), person("b")], days=DAYS[:3])
    imp = impossible_demand_of(inst, owned({"s1": "a", "s2": "a"}))
    assert imp["by_reason"] == {"nobody": 0, "days": 2, "capacity": 0}
    (row,) = imp["segments"]
    assert (row["segment_id"], row["required"], row["possible"], row["reason"]) == (
        "s1",
        5,
        3,
        "days",
    )
    assert imp["km"] == 0.6


def test_a_segment_longer_than_every_tour_is_walked_by_nobody() -> None:
    segs = [seg(1, length_m=1500.0, ppw=2)]  # a segment chief's tour is 1 km
    inst = instance(segs, [person("a")], days=DAYS[:3])
    imp = impossible_demand_of(inst, owned({"s1": "a"}))
    assert imp["segments"][0]["reason"] == "nobody" and imp["by_reason"]["nobody"] == 2


def test_more_km_than_the_people_can_walk_names_the_zone_and_what_is_left() -> None:
    # one tour a week of 1 km; 5 x 300 m needed once: 2 patrols (600 m) cannot be walked
    segs = [seg(n, length_m=300.0) for n in range(1, 6)]
    inst = instance(segs, [person("a", max_week=1)], days=DAYS[:3])
    (zone,) = zone_problems(inst, owned({s.segment_id: "a" for s in segs}))
    imp = impossible_demand([zone])
    assert imp["zones_short"] == [{"zone_id": "A", "need_km": 1.5, "can_km": 1.0, "people": 1}]
    # the knapsack covers 3 1/3 patrols: the part-covered segment counts as left
    assert imp["by_reason"]["capacity"] == 2
    assert {r["reason"] for r in imp["segments"]} == {"capacity"}
    lines = _impossible_section(imp, {"A": "东区"}, Translator("zh"))
    text = "\n".join(lines)
    assert (
        "任何排班都无法满足的需求" in text and "东区" in text and "片区人员巡不完全部要求" in text
    )
    assert "None." not in text
    assert _impossible_section({}, {}, Translator("en"))[2] == "None."
