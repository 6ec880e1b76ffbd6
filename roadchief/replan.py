"""Re-plan a week on files: read the run re-planned, rebuild the rest of its week."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadchief.domain import Absence, Ownership, PatrolInstance, Roster
from roadchief.errors import InputError, Problem
from roadchief.io.roster import read_run_roster
from roadchief.solve.replan import (
    Solve,
    check_absences,
    pins_away,
    replan_instance,
    replan_roster,
    roster_changes,
)


@dataclass(frozen=True)
class ReplanSpec:
    """A re-plan (roadchief replan): which run it changes, from which day, and why."""

    run: Path
    """The run folder re-planned; its roster before ``start`` is kept as it was."""
    start: dt.date
    absences: tuple[Absence, ...]
    """Everyone away, including those of earlier re-plans of the same week."""

    def to_json(self) -> dict[str, Any]:
        return {
            "run": str(self.run),
            "start": self.start.isoformat(),
            "absences": [
                {"chief_id": a.chief_id, "first": a.first.isoformat(), "last": a.last.isoformat()}
                for a in self.absences
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReplanSpec:
        return cls(
            Path(data["run"]),
            dt.date.fromisoformat(data["start"]),
            tuple(
                Absence(
                    a["chief_id"],
                    dt.date.fromisoformat(a["first"]),
                    dt.date.fromisoformat(a["last"]),
                )
                for a in data["absences"]
            ),
        )


def replan_week(
    instance: PatrolInstance, ownership: Ownership, spec: ReplanSpec, solve: Solve
) -> tuple[PatrolInstance, Roster, dict[str, Any]]:
    """Re-plan the week of ``spec.run``: the re-plan instance, its roster, and a report of
    what changed (summary.json ``replan``)."""
    original = read_run_roster(spec.run, instance.week)
    known = {s.segment_id for s in instance.segments}
    unknown = sorted({a.segment_id for a in original.assignments} - known)
    if unknown:
        problem = Problem(
            str(spec.run / "roster.csv"),
            "segment_id",
            f"{len(unknown)} segment(s) are not in the roads any more "
            f"({', '.join(unknown[:5])}); a re-plan needs the inputs of the original run "
            "unchanged: plan the week again instead",
        )
        raise InputError([problem])
    check_absences(instance, spec.absences, "--absent")
    dropped = pins_away(instance.context.pins, spec.absences)
    instance = replan_instance(instance, original.assignments, spec.start, spec.absences)
    away = {a.chief_id for a in spec.absences}
    zone_ids = {c.zone_id for c in instance.chiefs if c.chief_id in away and c.zone_id}
    roster = replan_roster(instance, original, zone_ids, ownership, solve)
    changes = roster_changes(original.assignments, roster.assignments, spec.absences, spec.start)
    report = {
        **spec.to_json(),
        "zones_replanned": sorted(zone_ids),
        "changes": changes.to_json(),
        "pins_dropped": [
            {
                "date": p.day.isoformat(),
                "slot": p.slot_id,
                "chief_id": p.chief_id,
                "segment_id": p.segment_id,
            }
            for p in dropped
        ],
    }
    return instance, roster, report
