"""Case deadlines on the 2026 working calendar, the taxonomy and the [loop] rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from roadchief.calendar import TimeUnit, moment_text
from roadchief.config import load_rules
from roadchief.errors import ConfigError
from roadchief.loop.cases import Case, CaseSource, open_case
from roadchief.loop.categories import load_taxonomy
from roadchief.loop.deadlines import DeadlineClock, area_class_of, handling_limit

T = dt.datetime


@pytest.fixture(scope="module")
def clock() -> DeadlineClock:
    rules = load_rules()
    return DeadlineClock(rules.loop, rules.working_calendar())


def garbage(at: T, **kw: str) -> Case:
    return Case("C1", CaseSource.APP, at, "E0101", "暴露垃圾", 121.47, 31.23, **kw)  # type: ignore[arg-type]


def test_taxonomy_covers_the_named_problem_areas() -> None:
    tax = load_taxonomy()
    names = {m.name for m in tax.mains.values()} | {c.name for c in tax.categories.values()}
    for name in (
        "市容秩序",
        "交通秩序",
        "违法建设",
        "污染防治",
        "占道经营",
        "暴露垃圾",
        "道路积水",
    ):
        assert name in names
    assert tax.find("暴露垃圾") is tax.categories["E0101"]
    assert tax.find("exposed garbage") is tax.categories["E0101"]
    assert tax.find("nothing") is None
    assert all(c.limit_source for c in tax.categories.values())
    assert tax.matches("E0101", "E01") and not tax.matches("E0101", "E02")


def test_exposed_garbage_across_national_day(clock: DeadlineClock) -> None:
    # Dispatched Wednesday 30 September 16:30: 4 working hours end Thursday 8 October 11:00.
    rec = open_case(garbage(T(2026, 9, 30, 15, 0)), "市民")
    rec = rec.advance("filed", "坐席", T(2026, 9, 30, 16, 0))
    assert clock.current(rec, "1") is not None
    rec = rec.advance("dispatched", "坐席", T(2026, 9, 30, 16, 30), unit="环卫所")
    due = clock.current(rec, "1")
    assert due is not None and due.step == "handling"
    assert due.due == T(2026, 10, 8, 11, 0)
    assert not due.overdue(T(2026, 10, 7, 23, 0))
    assert due.overdue(T(2026, 10, 8, 11, 1))
    assert clock.overdue_minutes(due, T(2026, 10, 8, 14, 0)) == 60 + 30
    handled = rec.advance("handled", "环卫所", T(2026, 10, 8, 10, 0))
    assert clock.handled_on_time(handled, "1") is True
    recheck = clock.current(handled, "1")
    assert recheck is not None and recheck.step == "recheck"
    assert recheck.due == T(2026, 10, 9, 10, 0)
    late = rec.advance("handled", "环卫所", T(2026, 10, 8, 11, 30))
    assert clock.handled_on_time(late, "1") is False


def test_steps_extension_parking_and_replay(clock: DeadlineClock) -> None:
    rec = open_case(garbage(T(2026, 10, 12, 9, 0)), "巡查员")
    first = clock.current(rec, "2")
    assert first is not None and (first.step, first.due) == ("filing", T(2026, 10, 12, 11, 0))
    rec = rec.advance("filed", "a", T(2026, 10, 12, 9, 30))
    rec = rec.advance("dispatched", "a", T(2026, 10, 12, 10, 0))
    rec = rec.advance("extended", "b", T(2026, 10, 12, 13, 0), deadline=T(2026, 10, 16, 18, 0))
    ext = clock.current(rec, "2")
    assert ext is not None and ext.due == T(2026, 10, 16, 18, 0)
    parked = rec.advance("parked", "c", T(2026, 10, 13, 9, 0))
    assert clock.current(parked, "2") is None
    then = clock.at(parked, T(2026, 10, 12, 9, 45), "2")
    assert then is not None and then.step == "dispatch"
    assert clock.at(parked, T(2026, 10, 1), "2") is None


def test_rework_restarts_the_handling_clock(clock: DeadlineClock) -> None:
    rec = open_case(garbage(T(2026, 10, 12, 9, 0)), "a")
    for state, hour in (("filed", 9), ("dispatched", 10), ("handled", 11)):
        rec = rec.advance(state, "a", T(2026, 10, 12, hour, 0))
    rec = rec.advance("rework", "巡查员", T(2026, 10, 12, 16, 0))
    due = clock.current(rec, "2")
    assert due is not None and due.due == T(2026, 10, 13, 10, 30)


def test_overrides_and_factors(tmp_path: Path) -> None:
    rules_file = tmp_path / "city.toml"
    rules_file.write_text(
        "[loop.urgency_factor]\nA = 0.5\n"
        '[[loop.deadlines]]\ncategory = "E01"\narea_class = "1"\nlimit = "1h"\n'
        '[[loop.deadlines]]\ncategory = "E0101"\narea_class = "1"\nurgency = "A"\nlimit = "30min"\n',
        "utf-8",
    )
    loop = load_rules(rules_file).loop
    assert handling_limit(loop, "E0101", "1", "A") == (30, TimeUnit.MINUTES)
    assert handling_limit(loop, "E0101", "1", "B") == (1, TimeUnit.HOURS)
    assert handling_limit(loop, "E0103", "1", "C") == (1, TimeUnit.HOURS)
    assert handling_limit(loop, "E0101", "2", "A") == (2, TimeUnit.HOURS)
    assert handling_limit(loop, "E0702", "3", "B") == (20, TimeUnit.DAYS)


def test_area_class(clock: DeadlineClock) -> None:
    loop = clock.settings
    assert area_class_of(garbage(T(2026, 10, 12)), "arterial", loop) == "1"
    assert area_class_of(garbage(T(2026, 10, 12)), "lane", loop) == "3"
    assert area_class_of(garbage(T(2026, 10, 12)), None, loop) == "2"
    assert area_class_of(garbage(T(2026, 10, 12), area_class="3"), "arterial", loop) == "3"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[loop]\nsnap_m = -1\n", "loop.snap_m"),
        ('[[loop.deadlines]]\ncategory = "X99"\nlimit = "1h"\n', "not a code"),
        ('[[loop.deadlines]]\ncategory = "E01"\n', "needs a limit"),
        ('[[loop.deadlines]]\nurgency = "Z"\nlimit = "1h"\n', "urgency must be"),
        ('[loop.steps]\nrecheck = "tomorrow"\n', "30min, 4h or 20d"),
        ("[loop.urgency_factor]\nD = 2.0\n", "known keys here: A, B, C"),
        ("[loop.tracks]\nmin_share = 1.5\n", "min_share"),
        ('[loop]\ncategories = "missing.toml"\n', "cannot be read"),
        ("[loop]\nsnap = 3\n", "unknown key 'loop.snap'"),
    ],
)
def test_bad_loop_rules(tmp_path: Path, text: str, message: str) -> None:
    rules_file = tmp_path / "city.toml"
    rules_file.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=message):
        load_rules(rules_file)


def test_a_city_taxonomy_relative_to_its_rules(tmp_path: Path) -> None:
    (tmp_path / "cats.toml").write_text(
        '[[main]]\ncode = "E01"\nkind = "event"\nname = "市容"\n'
        '[[sub]]\ncode = "E0101"\nname = "垃圾"\nhandler = "sanitation"\nlimit = "3h"\n',
        "utf-8",
    )
    (tmp_path / "city.toml").write_text('[loop]\ncategories = "cats.toml"\n', "utf-8")
    tax = load_rules(tmp_path / "city.toml").loop.taxonomy
    assert list(tax.categories) == ["E0101"] and tax.categories["E0101"].limit == 3


def test_a_date_reads_as_the_end_of_that_day() -> None:
    """``--at 2026-12-01`` is 2026-12-02 00:00 and reads as the end of 2026-12-01."""
    assert moment_text(dt.datetime(2026, 12, 2)) == "2026-12-01 24:00"
    assert moment_text(dt.datetime(2026, 12, 1, 17, 30)) == "2026-12-01 17:30"
