"""What a week is planned from, as domain objects: the city, its people and rules, last
week, pins and, for a re-plan, the roster being changed. Files and the database both
build these; nothing here reads or writes anything."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from roadchief.config import Rules
from roadchief.domain import Absence, Assignment, Chief, PatrolInstance, Roster, Week
from roadchief.geo.city import PreparedCity
from roadchief.instance import build_instance
from roadchief.loop.feedback import RosterFeedback
from roadchief.loop.patrols import PatrolKey


@dataclass(frozen=True)
class Owners:
    """An earlier ownership or ownership pins: segment id -> chief id, and where from."""

    owner_of: Mapping[str, str]
    source: str
    """A file path or ``database: run N (W)``, as messages and ownership.json name it."""


@dataclass(frozen=True)
class LastWeek:
    """Last week's roster: continuity, each segment's last patrol date and the warm start."""

    assignments: tuple[Assignment, ...]
    source: str
    """A run folder or ``database: run N (W)``."""
    missed: frozenset[PatrolKey] = frozenset()
    """Its patrols the tracks showed missed (database only): not a last patrol."""

    def missed_json(self) -> list[list[str]]:
        """summary.json ``inputs.previous_missed``: day, slot, chief, segment."""
        return [[d.isoformat(), slot, c, s] for d, slot, c, s in sorted(self.missed)]


def missed_from_json(data: Mapping[str, Any]) -> frozenset[PatrolKey]:
    """The missed patrols a recorded run was planned with (its ``previous_missed``)."""
    return frozenset(
        (dt.date.fromisoformat(d), slot, c, s) for d, slot, c, s in data.get("previous_missed", [])
    )


@dataclass(frozen=True)
class ReplanBasis:
    """What a re-plan changes: the run's roster (kept before ``start``) and who is away."""

    roster: Roster
    start: dt.date
    absences: tuple[Absence, ...]
    """Everyone away, including those of earlier re-plans of the same week."""
    source: str
    """The run re-planned: a run folder or ``database: run N (W)``."""
    run_id: int | None = None
    """The stored run's id (database only)."""

    def to_json(self) -> dict[str, Any]:
        """summary.json ``inputs.replan`` (and the head of summary.json ``replan``)."""
        out: dict[str, Any] = {
            "run": self.source,
            "start": self.start.isoformat(),
            "absences": [
                {"chief_id": a.chief_id, "first": a.first.isoformat(), "last": a.last.isoformat()}
                for a in self.absences
            ],
        }
        if self.run_id is not None:
            out["run_id"] = self.run_id
        return out


def absences_from_json(data: Mapping[str, Any]) -> tuple[Absence, ...]:
    """The absences of a recorded ``replan`` block."""
    return tuple(
        Absence(a["chief_id"], dt.date.fromisoformat(a["first"]), dt.date.fromisoformat(a["last"]))
        for a in data.get("absences", [])
    )


@dataclass(frozen=True)
class WeekInputs:
    """Everything a week's plan is built from."""

    week: Week
    rules: Rules
    city: PreparedCity
    chiefs: tuple[Chief, ...]
    previous_owners: Owners | None = None
    """Owners kept wherever balance allows (last week's, or the re-planned run's)."""
    owner_pins: Owners | None = None
    """Owners that must hold (``--pin-owners``; a re-plan pins the run's owners)."""
    last_week: LastWeek | None = None
    roster_pins: tuple[Assignment, ...] = ()
    """Patrols fixed by hand (``--pin``)."""
    roster_pins_source: str | None = None
    replan: ReplanBasis | None = None
    files: Mapping[str, Any] = field(default_factory=dict)
    """The city's files as recorded: zones, roads, chiefs, places, incidents, rules (paths
    or names as imported), crs and layers."""
    feedback: RosterFeedback | None = None
    """The closed loop's rechecks and hotspots (planning from the database)."""

    def instance(self) -> PatrolInstance:
        """The week's solver instance: placed segments, zones, people, slots and limits,
        with the loop's extra patrols and rechecks when there is feedback."""
        instance = build_instance(self.city, self.chiefs, self.rules, self.week)
        return instance if self.feedback is None else self.feedback.apply(instance)

    def record(
        self, out: str, settings: Mapping[str, Any], output: Mapping[str, Any]
    ) -> dict[str, Any]:
        """summary.json ``inputs``: the files, the settings and every source of the week."""
        return {
            **self.files,
            "out": out,
            "week": str(self.week),
            **settings,
            **output,
            "previous": self.previous_owners.source if self.previous_owners else None,
            "pins": self.owner_pins.source if self.owner_pins else None,
            "previous_run": self.last_week.source if self.last_week else None,
            **(
                {"previous_missed": self.last_week.missed_json()}
                if self.last_week and self.last_week.missed
                else {}
            ),
            "roster_pins": self.roster_pins_source,
            "replan": self.replan.to_json() if self.replan else None,
            **({"loop": self.feedback.to_json()} if self.feedback else {}),
        }

    def with_replan(self, basis: ReplanBasis, owners: Owners) -> WeekInputs:
        """These inputs re-planning ``basis``: its owners kept and pinned."""
        return dataclasses.replace(self, replan=basis, previous_owners=owners, owner_pins=owners)
