"""The chiefs file: every column parsed, every problem named by row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from roadchief.config import load_rules
from roadchief.domain import ChiefLevel, Slot
from roadchief.errors import InputError
from roadchief.io.chiefs import parse_unavailable, read_chiefs

HEADER = "chief_id,name,zone_id,level,max_patrols_per_week,unavailable\n"
MORNING = Slot("morning", dt.time(9), dt.time(11, 30))
EVENING = Slot("evening", dt.time(18), dt.time(21))


def write(tmp_path: Path, body: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "chiefs.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    return path


def test_reads_chinese_names_with_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "C1,王伟,Z1,segment,,sat\nC2,李娜,,l1,2,\n", encoding="utf-8-sig")
    chiefs = read_chiefs(path, load_rules(), {"Z1"})
    assert [c.name for c in chiefs] == ["王伟", "李娜"]
    assert chiefs[0].level is ChiefLevel.SEGMENT
    assert chiefs[0].max_patrols_per_week == 5  # the level's default from the rules
    assert chiefs[1].zone_id is None and chiefs[1].max_patrols_per_week == 2


def test_every_bad_row_is_reported_at_once(tmp_path: Path) -> None:
    body = (
        "C1,王伟,Z9,segment,,\n"  # unknown zone
        "C2,李娜,Z1,captain,,\n"  # unknown level
        "C3,张敏,Z1,segment,many,\n"  # not a number
        "C4,刘洋,Z1,segment,,someday\n"  # bad unavailable
        "C5,陈静,,segment,,\n"  # zone needed for this level
        "C6,杨磊,Z1,segment,,\n"
        "C6,黄勇,Z1,segment,,\n"  # duplicate id
    )
    with pytest.raises(InputError) as err:
        read_chiefs(write(tmp_path, body), load_rules(), {"Z1"})
    text = str(err.value)
    assert len(err.value.problems) == 6
    for needle in (
        "row 2",
        "'Z9'",
        "row 3",
        "captain",
        "row 4",
        "many",
        "row 5",
        "someday",
        "row 6",
        "row 8",
        "already used on row 7",
    ):
        assert needle in text


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "chiefs.csv"
    path.write_text("chief_id,name\nC1,王伟\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"missing column.*zone_id.*level"):
        read_chiefs(path, load_rules(), {"Z1"})


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "C1,王伟,Z1,segment,,\nC2,李娜,Z1,segment,,\n", encoding="gb18030")
    with pytest.raises(InputError, match="line 2 is not UTF-8"):
        read_chiefs(path, load_rules(), {"Z1"})


def test_unavailable_dates_ranges_weekdays_and_half_days() -> None:
    un = parse_unavailable("2026-12-01; 2026-12-03..2026-12-04;sat;mon-am；WED-PM")
    monday, tuesday = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    assert un.blocks(monday, MORNING) and not un.blocks(monday, EVENING)
    assert un.blocks(tuesday, EVENING)
    assert un.blocks(dt.date(2026, 12, 2), EVENING) and not un.blocks(dt.date(2026, 12, 2), MORNING)
    assert un.blocks(dt.date(2026, 12, 4), MORNING)
    assert un.blocks(dt.date(2026, 12, 5), MORNING)  # a Saturday
    assert not un.blocks(dt.date(2026, 12, 6), MORNING)


@pytest.mark.parametrize("text", ["2026-13-01", "2026-12-05..2026-12-01", "weekend", "mon-noon"])
def test_unavailable_rejects_what_it_cannot_read(text: str) -> None:
    with pytest.raises(ValueError):
        parse_unavailable(text)


def test_avoid_is_an_optional_soft_preference(tmp_path: Path) -> None:
    path = tmp_path / "chiefs.csv"
    path.write_text(
        HEADER.rstrip("\n") + ",avoid\nC1,王伟,Z1,segment,,,mon-pm;sat\nC2,李娜,Z1,segment,,,\n",
        encoding="utf-8",
    )
    first, second = read_chiefs(path, load_rules(), {"Z1"})
    assert first.avoid.weekdays == {5} and first.avoid.half_days == {(0, False)}
    assert first.unavailable == second.avoid == second.unavailable  # nothing
    path.write_text(HEADER.rstrip("\n") + ",avoid\nC1,王伟,Z1,segment,,,never\n", "utf-8")
    with pytest.raises(InputError, match="column avoid"):
        read_chiefs(path, load_rules(), {"Z1"})
