"""Write the week's roster as an Excel workbook a zone office prints and a planner filters.

- One sheet per zone (zones in natural order): a person x day grid, one cell per tour with
  its slot, the streets in walking order, the patrols and km walked, and whose segments a
  helper walks; real dates in the header, A4 landscape, fit to the page width, the header
  rows repeated on every printed page.
- A data sheet: one row per patrol (the rows of ``roster.csv``) with translated headers,
  real dates, numbers as numbers, a frozen header and filters.

Text is always written as text: a name beginning with ``=``, ``+``, ``-`` or ``@`` is never
a formula. Written with XlsxWriter in constant-memory mode (a city's week in seconds).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from roadchief.domain import Ownership, PatrolInstance, Roster
from roadchief.figures import RunFigures, TourFigures
from roadchief.i18n import Translator, clean_text, sort_zones
from roadchief.render.exports import ROSTER_COLUMNS, roster_rows

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_NUMERIC = {"length_m", "order", "walk_to_m", "tour_km"}
_NAME_OF = {"zone_id": ("zone_name",), "owner_id": ("owner_name",)}
COLUMN_MESSAGES = {
    "date": "date", "weekday": "weekday", "slot": "slot", "start": "start", "end": "end",
    "chief_id": "person id", "chief_name": "person", "segment_id": "segment id",
    "road_name": "road", "length_m": "length m", "zone_id": "zone id", "tour_id": "tour id",
    "order": "order", "owner_id": "owner id", "walk_to_m": "walk to it m",
    "tour_km": "tour km walked", "zone_name": "zone", "owner_name": "segment chief",
}  # fmt: skip
"""The message of each ``roster.csv`` column and of the data sheet's name columns."""
DATA_COLUMNS = tuple(c for column in ROSTER_COLUMNS for c in (column, *_NAME_OF.get(column, ())))
"""The data sheet's columns: ``roster.csv``'s, with the zone's and owner's names beside
their ids (a printed sheet is read by people)."""
A4 = 9
"""XlsxWriter's paper code for A4."""


def write_roster_xlsx(
    roster: Roster,
    instance: PatrolInstance,
    ownership: Ownership,
    path: Path,
    *,
    figures: RunFigures,
    tr: Translator,
) -> None:
    """Write ``roster.xlsx``: one grid sheet per zone, then the data sheet.

    Every zone gets a sheet, also one without tours, so a planner sees every zone.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    try:
        styles = _styles(wb)
        names = {z.zone_id: z.name for z in instance.zones}
        used: set[str] = set()
        grids = _grids(instance, figures)
        for zone_id in sort_zones(list(names), names):
            title = sheet_title(clean_text(names[zone_id]) or zone_id, used)
            used.add(title)
            ws = wb.add_worksheet(title)
            _grid_sheet(ws, zone_id, grids.get(zone_id, {}), instance, ownership, styles, tr=tr)
        data = sheet_title(tr("{week} all patrols", week=roster.week), used)
        _data_sheet(
            wb.add_worksheet(data),
            roster_rows(roster, instance, ownership, figures=figures),
            instance,
            styles,
            tr,
        )
    finally:
        wb.close()


def sheet_title(name: str, used: set[str] | frozenset[str] = frozenset()) -> str:
    """A valid, unused Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("'") or "zone"
    title = base[:31]
    n = 2
    while title.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
        n += 1
    return title


Grid = dict[str, dict[dt.date, TourFigures]]
"""person -> day -> their tour in the zone that day."""


def _grids(instance: PatrolInstance, figures: RunFigures) -> dict[str, Grid]:
    """Each zone's tours by person and day (a helper's tour in the zone it helps)."""
    out: dict[str, Grid] = defaultdict(lambda: defaultdict(dict))
    for tour in figures.tours.values():
        out[tour.zone_id][tour.chief_id][tour.day] = tour
    return out


def _grid_sheet(
    ws: Worksheet,
    zone_id: str,
    grid: Mapping[str, Mapping[dt.date, TourFigures]],
    instance: PatrolInstance,
    ownership: Ownership,
    styles: Mapping[str, Any],
    *,
    tr: Translator,
) -> None:
    """The zone's week: people down, days across, one tour a cell; set up to print."""
    days = instance.week.days
    home = [c for c in instance.chiefs if c.zone_id == zone_id]
    helpers = [instance.chief(c) for c in sorted(grid) if instance.chief(c).zone_id != zone_id]
    people = [c for c in home if c.chief_id in grid or instance.limits[c.level].patrols]
    people += helpers
    zone_name = next((z.name for z in instance.zones if z.zone_id == zone_id), zone_id)
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, 1)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_header(f"&L{_header_text(clean_text(zone_name))}&R{instance.week}")
    ws.set_footer("&C&P / &N")
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 9)
    ws.set_column(2, 8, 24)
    title = tr("{zone} · patrol roster {week}", zone=clean_text(zone_name), week=instance.week)
    ws.write_string(0, 0, title, styles["title"])  # constant memory: rows in order
    for j, day in enumerate(days):
        ws.write_string(0, 2 + j, tr.weekday(day), styles["head"])
    ws.write_string(1, 0, tr("person"), styles["head"])
    ws.write_string(1, 1, tr("level"), styles["head"])
    for j, day in enumerate(days):
        ws.write_datetime(1, 2 + j, dt.datetime.combine(day, dt.time()), styles["date"])
    ws.freeze_panes(2, 1)
    for i, chief in enumerate(people, start=2):
        mine = grid.get(chief.chief_id, {})
        cells = [
            _tour_text(mine[day], instance, ownership, tr) if day in mine else None for day in days
        ]
        lines = max([1, *(c.count("\n") + 1 + len(c) // 40 for c in cells if c)])
        ws.set_row(i, min(409, 15 * lines))
        ws.write_string(i, 0, clean_text(chief.name), styles["name"])
        ws.write_string(i, 1, tr.level(chief.level), styles["cell"])
        for j, text in enumerate(cells):
            if text is None:
                ws.write_blank(i, 2 + j, None, styles["cell"])
            else:
                ws.write_string(i, 2 + j, text, styles["cell"])


def _tour_text(
    tour: TourFigures, instance: PatrolInstance, ownership: Ownership, tr: Translator
) -> str:
    """A tour in a cell: slot and time; streets in order; patrols and km; whose segments."""
    slot = instance.slot(tour.slot_id)
    roads: list[str] = []
    for sid in tour.segment_ids:
        road = clean_text(instance.segment(sid).road_name) or tr("unnamed road")
        if not roads or roads[-1] != road:
            roads.append(road)
    owners = {ownership.owner_of.get(s, "") for s in tour.segment_ids} - {tour.chief_id, ""}
    lines = [
        tr.slot_time(slot),
        " → ".join(roads),
        tr("{n} segments · {km} walked", n=tour.patrols, km=tr.km(tour.km_walked)),
    ]
    if owners:
        who = "、".join(sorted(clean_text(instance.chief(o).name) for o in owners))
        lines.append(tr("helping {names}", names=who))
    return "\n".join(lines)


def _data_sheet(
    ws: Worksheet,
    rows: Sequence[Mapping[str, Any]],
    instance: PatrolInstance,
    styles: Mapping[str, Any],
    tr: Translator,
) -> None:
    """Every patrol, one row each: the columns of ``roster.csv`` under translated headers,
    weekdays and slots by name, zone and owner names beside their ids (ids stay: they are
    what a planner filters by)."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    widths = {"date": 11, "chief_name": 10, "road_name": 22, "tour_id": 26, "segment_id": 14}
    for j, column in enumerate(DATA_COLUMNS):
        ws.set_column(j, j, widths.get(column, 10))
        ws.write_string(0, j, tr(COLUMN_MESSAGES[column]), styles["head"])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, len(rows)), len(DATA_COLUMNS) - 1)
    date_style = styles["day"]
    days = {d.isoformat(): tr.weekday(d) for d in instance.week.days}
    slots = {s.slot_id: tr.slot(s) for s in instance.slots}
    zones = {z.zone_id: clean_text(z.name) or z.zone_id for z in instance.zones}
    people = {c.chief_id: clean_text(c.name) for c in instance.chiefs}
    for i, row in enumerate(rows, start=1):
        for j, column in enumerate(DATA_COLUMNS):
            value: Any = row.get(column)
            if column == "zone_name":
                ws.write_string(i, j, zones.get(str(row["zone_id"]), str(row["zone_id"])))
            elif column == "owner_name":
                ws.write_string(i, j, people.get(str(row["owner_id"]), ""))
            elif column == "weekday":
                ws.write_string(i, j, days[row["date"]])
            elif column == "slot":
                ws.write_string(i, j, slots[str(value)])
            elif column == "date":
                ws.write_datetime(i, j, dt.datetime.fromisoformat(str(value)), date_style)
            elif column in _NUMERIC:
                ws.write_number(i, j, float(value))
            else:
                ws.write_string(i, j, str(value))


def _styles(wb: xlsxwriter.Workbook) -> dict[str, Any]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 13}),
        "head": wb.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"}
        ),
        "date": wb.add_format(
            {"num_format": "yyyy-mm-dd", "bold": True, "bg_color": "#DDEBF7", "border": 1}
        ),
        "day": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "name": wb.add_format({"bold": True, "valign": "top", "border": 1, "text_wrap": True}),
        "cell": wb.add_format({"valign": "top", "text_wrap": True, "border": 1, "font_size": 9}),
    }


def _header_text(text: str) -> str:
    """Text for a print header: ``&`` doubled (it starts a header code)."""
    return text.replace("&", "&&")[:80]
