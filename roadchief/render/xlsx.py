"""Write the week's roster as an Excel workbook: the whole week, then one sheet per zone.

Every sheet has a frozen header row and filters; the columns are those of ``roster.csv``.
The workbook is streamed (openpyxl's write-only mode): a city's week writes in seconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from roadchief.domain import Ownership, PatrolInstance, Roster
from roadchief.render.exports import ROSTER_COLUMNS, roster_rows
from roadchief.solve.roster.walk import TourWalk

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_NUMERIC = {"length_m": float, "order": int, "walk_to_m": float, "tour_km": float}


def write_roster_xlsx(
    roster: Roster,
    instance: PatrolInstance,
    ownership: Ownership,
    path: Path,
    *,
    walks: Mapping[str, TourWalk],
) -> None:
    """Write ``roster.xlsx``: sheet ``<week>`` with every patrol, then one sheet per zone.

    Zones without patrols still get a sheet (with only the header), so a planner sees
    every zone. Lengths and walking order are numbers, not text. ``walks`` as for
    ``roster_rows``.
    """
    rows = roster_rows(roster, instance, ownership, walks=walks)
    wb = Workbook(write_only=True)
    week = sheet_title(str(roster.week))
    _fill(wb.create_sheet(week), rows)
    used = {week}
    by_zone: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_zone.setdefault(row["zone_id"], []).append(row)
    for zone in instance.zones:
        title = sheet_title(zone.name or zone.zone_id, used)
        used.add(title)
        _fill(wb.create_sheet(title), by_zone.get(zone.zone_id, []))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def sheet_title(name: str, used: set[str] | frozenset[str] = frozenset()) -> str:
    """A valid, unused Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "zone"
    title = base[:31]
    n = 2
    while title in used:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


def _fill(ws: WriteOnlyWorksheet, rows: Sequence[Mapping[str, Any]]) -> None:
    """Column widths, frozen header, filters over the data, then the header and rows."""
    for i, column in enumerate(ROSTER_COLUMNS, start=1):
        widest = max([len(column), *(_width(str(r[column])) for r in rows[:500])])
        ws.column_dimensions[get_column_letter(i)].width = min(widest + 2, 40)
    ws.freeze_panes = "A2"
    last = get_column_letter(len(ROSTER_COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    bold = Font(bold=True)
    header = []
    for column in ROSTER_COLUMNS:
        cell = WriteOnlyCell(ws, value=column)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    convert = [_NUMERIC.get(c, str) for c in ROSTER_COLUMNS]
    for row in rows:
        ws.append([f(row[c]) for f, c in zip(convert, ROSTER_COLUMNS, strict=True)])


def _width(text: str) -> int:
    """Display width: a Chinese character is about two Latin ones wide."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
