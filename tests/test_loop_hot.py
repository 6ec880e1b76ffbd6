"""The hot issues citizens see (热点): the roster's weight of recurring problems over the
last days, counts by main class, no rejected or unplaced case, a short list."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from roadchief.loop.categories import load_taxonomy
from roadchief.loop.feedback import hotspot_weights
from roadchief.loop.hot import hot_segments
from roadchief.loop.ledger import LedgerRow
from roadchief.loop.settings import HotspotSettings
from roadchief.loop.states import CaseState

AT = dt.datetime(2026, 12, 5, 12, 0)
TAXONOMY = load_taxonomy()


def row(case_id: str, segment: str, category: str = "E0101", state: str = "filed") -> LedgerRow:
    return LedgerRow(case_id, CaseState(state), category, segment, "z1", "c1", "u1", None,
                     False, 0.0, False, "" if segment else "no location")  # fmt: skip


def test_segments_ranked_by_the_rosters_weight_within_the_window() -> None:
    settings = HotspotSettings(public_days=30, public_top=20)
    rows = [
        row("a1", "s1"),
        row("a2", "s1", "E0201", "closed"),  # two, one fixed
        row("b1", "s2"),  # one fresh case
        row("c1", "s3"),
        row("c2", "s3"),  # two old ones: lighter than s2's fresh one
        row("d1", "s4"),  # before the window
        row("e1", "s5", state="rejected"),  # 不予立案: never counted
        row("f1", ""),  # unplaced: no street to show
    ]
    reported = {
        "a1": AT - dt.timedelta(days=1), "a2": AT - dt.timedelta(days=2),
        "b1": AT - dt.timedelta(hours=1),
        "c1": AT - dt.timedelta(days=28), "c2": AT - dt.timedelta(days=29),
        "d1": AT - dt.timedelta(days=31), "e1": AT, "f1": AT,
    }  # fmt: skip
    hot = hot_segments(rows, reported, AT, settings, TAXONOMY)
    assert [h.segment_id for h in hot] == ["s1", "s2", "s3"]
    s1 = hot[0]
    assert (s1.cases, s1.open) == (2, 1)
    assert dict(s1.by_main) == {"E01": 1, "E02": 1}
    weights = hotspot_weights([("s1", reported["a1"]), ("s1", reported["a2"])], AT, settings)
    assert s1.weight == pytest.approx(weights["s1"])
    assert hot[2].weight < hot[1].weight  # 2 x 0.25 against 1 fresh


def test_a_main_class_filters_and_the_list_is_short() -> None:
    rows = [row(f"x{i}", f"s{i:02d}", "E0101" if i % 2 else "E0201") for i in range(30)]
    reported = {r.case_id: AT - dt.timedelta(hours=int(r.case_id[1:])) for r in rows}
    settings = HotspotSettings(public_top=5)
    hot = hot_segments(rows, reported, AT, settings, TAXONOMY)
    assert [h.segment_id for h in hot] == ["s00", "s01", "s02", "s03", "s04"]
    only = hot_segments(rows, reported, AT, settings, TAXONOMY, main="E01")
    assert [h.segment_id for h in only] == ["s01", "s03", "s05", "s07", "s09"]
    assert all(h.by_main == (("E01", 1),) for h in only)
    later = dataclasses.replace(settings, public_days=1)
    a_day_on = hot_segments(rows, reported, AT + dt.timedelta(days=1), later, TAXONOMY)
    assert [h.segment_id for h in a_day_on] == ["s00"]  # the one reported at AT, a day before
    assert hot_segments(rows, reported, AT + dt.timedelta(days=3), later, TAXONOMY) == []
