"""Re-plan a week after people are called away, over the run being changed (in memory)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from roadchief.app.inputs import ReplanBasis
from roadchief.domain import Ownership, PatrolInstance, Roster
from roadchief.errors import InputError, Problem
from roadchief.solve.replan import (
    Solve,
    check_absences,
    pins_away,
    replan_instance,
    roster_changes,
)
from roadchief.solve.replan import replan_roster as solve_replan


@dataclass(frozen=True)
class ReplanReport:
    """What a re-plan changed (summary.json ``replan``)."""

    basis: dict[str, Any]
    """The re-plan as recorded: the run, the start and everyone away."""
    zones_replanned: tuple[str, ...]
    changes: dict[str, Any]
    pins_dropped: tuple[dict[str, str], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            **self.basis,
            "zones_replanned": list(self.zones_replanned),
            "changes": self.changes,
            "pins_dropped": list(self.pins_dropped),
        }


def replan_instance_of(instance: PatrolInstance, basis: ReplanBasis) -> PatrolInstance:
    """The instance of a re-plan of ``basis``: the absent away, earlier days locked."""
    return replan_instance(instance, basis.roster.assignments, basis.start, basis.absences)


def replan_roster(
    instance: PatrolInstance, ownership: Ownership, basis: ReplanBasis, solve: Solve
) -> tuple[PatrolInstance, Roster, ReplanReport]:
    """Re-plan ``basis``: only the absent people's zones are solved again. Return the
    re-plan's instance, its roster and what changed."""
    original = basis.roster
    known = {s.segment_id for s in instance.segments}
    unknown = sorted({a.segment_id for a in original.assignments} - known)
    if unknown:
        raise InputError(
            [
                Problem(
                    basis.source,
                    "segment_id",
                    f"{len(unknown)} segment(s) are not in the roads any more "
                    f"({', '.join(unknown[:5])}); a re-plan needs the inputs of the original "
                    "run unchanged: plan the week again instead",
                )
            ]
        )
    check_absences(instance, basis.absences, "--absent")
    dropped = pins_away(instance.context.pins, basis.absences)
    instance = replan_instance_of(instance, basis)
    away = {a.chief_id for a in basis.absences}
    zone_ids = {c.zone_id for c in instance.chiefs if c.chief_id in away and c.zone_id}
    roster = solve_replan(instance, original, zone_ids, ownership, solve)
    changes = roster_changes(original.assignments, roster.assignments, basis.absences, basis.start)
    report = ReplanReport(
        basis=basis.to_json(),
        zones_replanned=tuple(sorted(zone_ids)),
        changes=changes.to_json(),
        pins_dropped=tuple(
            {
                "date": p.day.isoformat(),
                "slot": p.slot_id,
                "chief_id": p.chief_id,
                "segment_id": p.segment_id,
            }
            for p in dropped
        ),
    )
    return instance, roster, report
