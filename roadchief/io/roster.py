"""Read a roster.csv back (last week's roster, a roster to re-plan) and roster pins files."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from roadchief.domain import Assignment, PlanContext, Roster, SolveStats, Week, tour_id_for
from roadchief.errors import InputError, Problem

PIN_COLUMNS = ("date", "slot", "chief_id", "segment_id")


def read_roster_csv(path: Path) -> list[Assignment]:
    """The assignments of a roster.csv (or a pins file: date, slot, chief_id, segment_id).

    Every bad row is reported at once; columns beyond those four are ignored.
    """
    problems: list[Problem] = []
    out: list[Assignment] = []
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in PIN_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise InputError(
                    [Problem(str(path), "header", f"needs columns {', '.join(PIN_COLUMNS)}; "
                             f"missing {', '.join(missing)}")]
                )  # fmt: skip
            for n, row in enumerate(reader, start=2):
                try:
                    day = dt.date.fromisoformat(row["date"].strip())
                except ValueError:
                    problems.append(Problem(str(path), f"row {n}", "date must be YYYY-MM-DD"))
                    continue
                slot, chief, seg = (row[k].strip() for k in ("slot", "chief_id", "segment_id"))
                if not (slot and chief and seg):
                    problems.append(
                        Problem(str(path), f"row {n}", "slot, chief_id and segment_id are required")
                    )
                    continue
                order = int(row["order"]) if (row.get("order") or "").strip().isdigit() else 0
                out.append(Assignment(day, slot, chief, seg, tour_id_for(chief, day, slot), order))
    except FileNotFoundError as exc:
        raise InputError(
            [Problem(str(path), "", "the file does not exist; check the path")]
        ) from exc
    if problems:
        raise InputError(problems)
    return sorted(out)


def with_last_week(
    context: PlanContext,
    previous: list[Assignment],
    monday: dt.date,
    missed: Collection[tuple[dt.date, str, str, str]] = (),
) -> PlanContext:
    """``context`` with last week's roster: each segment's last patrol date before ``monday``
    (a ``missed`` patrol, by day, slot, chief and segment, was not one) and each person's
    slot per weekday (continuity, as planned)."""
    last: dict[str, dt.date] = {}
    slot_of: dict[tuple[str, int], str] = {}
    for a in previous:
        if a.day < monday:
            if (a.day, a.slot_id, a.chief_id, a.segment_id) not in missed:
                last[a.segment_id] = max(a.day, last.get(a.segment_id, a.day))
            slot_of[(a.chief_id, a.day.weekday())] = a.slot_id
    return PlanContext(**{**context.__dict__, "last_patrol": last, "previous_slot": slot_of})


def read_run_roster(run: Path, week: Week) -> Roster:
    """The roster of a run folder: roster.csv, with each zone's solve statistics from
    summary.json (a zone missing there counts as unsolved: bound 0)."""
    assignments = read_roster_csv(Path(run) / "roster.csv")
    summary = read_run_summary(run)
    parts = {str(zone): SolveStats.from_json(p) for zone, p in summary.get("parts", {}).items()}
    return Roster(week, tuple(assignments), parts)


def read_run_summary(run: Path) -> dict[str, Any]:
    """summary.json of a run folder, or an InputError saying what the folder lacks."""
    path = Path(run) / "summary.json"
    if not Path(run).is_dir():
        raise InputError(
            [Problem(str(run), "", "is not a folder; give the run folder that roadchief plan "
                     "wrote (it holds summary.json and roster.csv)")]
        )  # fmt: skip
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError(
            [Problem(str(path), "", "missing: this folder is not a run folder of roadchief plan")]
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError([Problem(str(path), "", f"is not valid JSON ({exc})")]) from exc
    if not isinstance(data, dict):
        raise InputError([Problem(str(path), "", "is not a roadchief summary (not an object)")])
    return data


def write_assignments_csv(assignments: Iterable[Assignment], path: Path) -> None:
    """The minimal roster file ``read_roster_csv`` reads: date, slot, chief, segment, order."""
    with Path(path).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*PIN_COLUMNS, "order"])
        for a in assignments:
            writer.writerow([a.day.isoformat(), a.slot_id, a.chief_id, a.segment_id, a.order])
