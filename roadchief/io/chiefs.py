"""Read the chiefs file (CSV, UTF-8 with or without BOM) into domain Chiefs.

Columns (others are kept out of the way, not an error):

========================  ====================================================
``chief_id``              unique id, for example ``C017``
``name``                  the person's name (Chinese welcome)
``zone_id``               the zone they serve; empty for a city-level chief
``level``                 ``general``, ``l1``, ``l2``, ``segment`` or ``patroller``
``max_patrols_per_week``  whole number; empty takes the level's default
``unavailable``           ``;``-separated dates ``2026-12-01``, ranges
                          ``2026-12-01..2026-12-03``, weekdays ``sat`` and
                          half-days ``mon-am`` / ``mon-pm``
``avoid``                 optional, as ``unavailable``: when the person would
                          rather not patrol (soft: costs, never forbids)
``phone``, ``supervisor_id``  optional
========================  ====================================================
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection
from pathlib import Path

from roadchief.config import Rules
from roadchief.domain import WEEKDAYS, Chief, ChiefLevel, Unavailability
from roadchief.errors import InputError, ProblemLog

REQUIRED_COLUMNS = ("chief_id", "name", "zone_id", "level", "max_patrols_per_week", "unavailable")
MAX_RANGE_DAYS = 366


def read_chiefs(path: Path, rules: Rules, zone_ids: Collection[str]) -> list[Chief]:
    """Read and validate every row; raise one InputError listing every problem."""
    src = str(path)
    log = ProblemLog()
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(
            f"{src}: cannot read the chiefs file ({exc.strerror}); check the path"
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{src}: line {line} is not UTF-8 text (byte {exc.start}); "
            "save the file as UTF-8 (Excel: 'CSV UTF-8')"
        ) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"{src}: missing column(s) {', '.join(missing)}; the file has {', '.join(header) or 'no header'}"
        )
    chiefs: list[Chief] = []
    seen: dict[str, int] = {}
    known_zones = set(zone_ids)
    for row_no, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        where = f"row {row_no}"
        chief = _parse_row(row, where, src, rules, known_zones, log)
        if chief is None:
            continue
        if chief.chief_id in seen:
            log.error(
                src,
                where,
                f"chief_id {chief.chief_id!r} already used on row {seen[chief.chief_id]}; ids must be unique",
            )
            continue
        seen[chief.chief_id] = row_no
        chiefs.append(chief)
    if not chiefs and not log.errors:
        log.error(src, "", "has no chiefs; add one row per person")
    log.raise_if_errors()
    return chiefs


def _parse_row(
    row: dict[str, str], where: str, src: str, rules: Rules, zones: set[str], log: ProblemLog
) -> Chief | None:
    ok = True
    chief_id = row["chief_id"]
    if not chief_id:
        log.error(src, where, "column chief_id is empty; give every person an id")
        ok = False
    levels = [lv.value for lv in ChiefLevel]
    try:
        level = ChiefLevel(row["level"].lower())
    except ValueError:
        log.error(
            src, where, f"column level is {row['level']!r}; expected one of {', '.join(levels)}"
        )
        ok = False
        level = ChiefLevel.SEGMENT
    zone_id = row["zone_id"] or None
    if zone_id is not None and zone_id not in zones:
        shown = ", ".join(sorted(zones)[:12]) + (" …" if len(zones) > 12 else "")
        log.error(
            src,
            where,
            f"column zone_id {zone_id!r} is not a zone of the zones file (zones: {shown})",
        )
        ok = False
    if zone_id is None and level not in (ChiefLevel.GENERAL, ChiefLevel.L1):
        log.error(
            src,
            where,
            f"column zone_id is empty but level {level.value} serves a zone; name the zone",
        )
        ok = False
    max_text = row["max_patrols_per_week"]
    max_patrols = rules.levels[level].max_patrols_per_week
    if max_text:
        try:
            max_patrols = int(max_text)
            if max_patrols < 0:
                raise ValueError
        except ValueError:
            log.error(
                src,
                where,
                f"column max_patrols_per_week is {max_text!r}; expected a whole number >= 0",
            )
            ok = False
    try:
        unavailable = parse_unavailable(row["unavailable"])
    except ValueError as exc:
        log.error(src, where, f"column unavailable: {exc}")
        ok = False
    try:
        avoid = parse_unavailable(row.get("avoid") or "")
    except ValueError as exc:
        log.error(src, where, f"column avoid: {exc}")
        ok = False
    if not ok:
        return None
    return Chief(
        chief_id=chief_id,
        name=row["name"],
        zone_id=zone_id,
        level=level,
        max_patrols_per_week=max_patrols,
        unavailable=unavailable,
        phone=row.get("phone", ""),
        supervisor_id=row.get("supervisor_id", ""),
        avoid=avoid,
    )


def parse_unavailable(text: str) -> Unavailability:
    """Parse ``2026-12-01;2026-12-05..2026-12-07;sat;mon-am`` into an Unavailability."""
    dates: set[dt.date] = set()
    weekdays: set[int] = set()
    halves: set[tuple[int, bool]] = set()
    for item in (t.strip().lower() for t in text.replace("；", ";").split(";")):
        if not item:
            continue
        if item in WEEKDAYS:
            weekdays.add(WEEKDAYS.index(item))
        elif len(item) == 6 and item[:3] in WEEKDAYS and item[3:] in ("-am", "-pm"):
            halves.add((WEEKDAYS.index(item[:3]), item[3:] == "-am"))
        elif ".." in item:
            first, last = (_date(p, item) for p in item.split("..", 1))
            span = (last - first).days
            if span < 0 or span > MAX_RANGE_DAYS:
                raise ValueError(
                    f"range {item!r} must run forwards and span at most {MAX_RANGE_DAYS} days"
                )
            dates.update(first + dt.timedelta(days=i) for i in range(span + 1))
        else:
            dates.add(_date(item, item))
    return Unavailability(frozenset(dates), frozenset(weekdays), frozenset(halves))


def _date(text: str, item: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{item!r} is not a date (2026-12-01), a range (2026-12-01..2026-12-03), "
            "a weekday (sat) or a half-day (mon-am)"
        ) from None
