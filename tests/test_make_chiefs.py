"""The chiefs generator of the demo and the cities bench (scripts/make_chiefs.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from make_chiefs import Staffing, make_chiefs

from roadchief.domain import Week

KM = {"A": 23.0, "B": 61.0, "C": 2.0}
WEEK = Week.parse("2026-W49")


def by_level(rows: list[dict[str, str]], zone: str, level: str) -> int:
    return sum(1 for r in rows if r["zone_id"] == zone and r["level"] == level)


@pytest.mark.parametrize("share", [0.5, 0.25, 0.1])
def test_a_smaller_staffing_is_the_same_people_fewer_of_them(share: float) -> None:
    full = make_chiefs(KM, WEEK, seed=7, staffing=Staffing())
    few = make_chiefs(KM, WEEK, seed=7, staffing=Staffing(share=share))
    assert few == [r for r in full if r in few]  # a subset, in the same order
    assert {r["supervisor_id"] for r in few} - {""} <= {r["chief_id"] for r in few}
    for zone in KM:
        assert by_level(few, zone, "l2") == 1  # a zone keeps its 二级路长
        n = by_level(full, zone, "segment")
        assert by_level(few, zone, "segment") == max(1, round(share * n))
        assert by_level(few, zone, "patroller") == round(share * by_level(full, zone, "patroller"))
    # the full roster: a 路段长 per 3 km, a patroller per 15 km
    assert by_level(full, "B", "segment") == 21 and by_level(full, "B", "patroller") == 4
