"""write_outputs: every file of a run, the same whether the workbook and the calendars are
written beside the maps in a second process (a large city) or after them in this one."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from roadchief.render import RunResults, outputs, write_outputs
from test_render_city import tiny_city, tiny_instance, tiny_ownership, tiny_roster, tiny_walks


def run(folder: Path) -> outputs.Written:
    city = tiny_city()
    instance = tiny_instance(city)
    results = RunResults(city, instance, tiny_ownership(), tiny_roster(), tiny_walks(instance))
    return write_outputs(results, folder, time_zone="Asia/Shanghai")


def cells(path: Path) -> list[list[object]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return [list(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]


def test_a_second_process_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = run(tmp_path / "here")
    monkeypatch.setattr(outputs, "SIDE_PROCESS_FROM_PATROLS", 0)
    beside = run(tmp_path / "beside")
    assert [p.name for p in beside.calendars] == [p.name for p in here.calendars] != []
    assert set(beside.seconds) == set(here.seconds) >= {"roster.xlsx", "chiefs/*.ics"}
    assert cells(tmp_path / "beside" / "roster.xlsx") == cells(tmp_path / "here" / "roster.xlsx")
    names = sorted(
        p.relative_to(tmp_path / "here").as_posix() for p in (tmp_path / "here").rglob("*")
    )
    assert names == sorted(
        p.relative_to(tmp_path / "beside").as_posix() for p in (tmp_path / "beside").rglob("*")
    )


def test_an_error_in_the_second_process_reaches_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outputs, "SIDE_PROCESS_FROM_PATROLS", 0)
    city = tiny_city()
    instance = tiny_instance(city)
    results = RunResults(city, instance, tiny_ownership(), tiny_roster(), tiny_walks(instance))
    from roadchief.errors import ConfigError

    with pytest.raises(ConfigError, match="not an IANA time zone"):
        write_outputs(results, tmp_path, time_zone="Mars/Olympus")
