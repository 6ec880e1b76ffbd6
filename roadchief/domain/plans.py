"""Pure data of what the planner makes: owners, patrols, the roster and its solve figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from roadchief.domain.city import Assignment, Week


@dataclass(frozen=True)
class Ownership:
    """One road, one chief (一路一长): the accountable chief of every placed segment."""

    owner_of: Mapping[str, str]
    """segment_id -> chief_id."""
    road_owner_of: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(zone_id, road) -> chief_id of the level that owns whole roads; a road is the
    segments of one zone sharing a name (see roadchief.solve.graph.road_key)."""

    def segments_of(self, chief_id: str) -> list[str]:
        return sorted(s for s, c in self.owner_of.items() if c == chief_id)


MODEL_BOUND = "model"
"""``SolveStats.bound_on`` of a bound of the model's rosters, whose walk is planned by cells."""
ANY_WALK_BOUND = "segments"
"""``SolveStats.bound_on`` of the floor on segments alone, a bound whatever the walk."""


@dataclass(frozen=True)
class SolveStats:
    """How a solve went: status, objective, bound, gap and time, for one part or a city."""

    status: str
    objective: float
    best_bound: float
    wall_s: float
    seed: int
    stopped_by_clock: bool = False
    """``--deterministic`` only: a search stopped at the wall-clock safety cap before its
    deterministic limit (a very busy machine), so a re-run may give another roster."""
    tours_over_cap: int = 0
    """Tours the measured walk put over their cap, repaired by dropping patrols."""
    patrols_dropped: int = 0
    """Patrols of the roster as solved that the roster delivered lacks, per segment: dropped
    from those tours and not given back by the refill (on another day or to another
    person); unmet demand the model did not choose."""
    patrols_moved: int = 0
    """Patrols moved from those tours to another person's tour of the same day."""
    patrols_added: int = 0
    """Patrols the roster delivered has beyond the roster as solved, per segment: missing
    patrols added to tours whose measured walk left room under the cap
    (``solve/roster/refill.py``), beyond those the repair dropped."""
    bound_on: str = MODEL_BOUND
    """What ``best_bound`` bounds: ``MODEL_BOUND``, the rosters of the model, whose walk is
    planned by cells (CP-SAT's bound or the capacity floor); ``ANY_WALK_BOUND``, every
    roster whatever its walk (the capacity floor on segments alone), reported when the
    roster once walked costs less than the model's bound (``capacity.zone_bound``)."""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SolveStats:
        """A part of summary.json: the fields it has, by name; one stored without its
        figures counts as unsolved (status UNKNOWN, bound 0)."""
        known = {f.name for f in fields(cls)} & set(data)
        return cls(**{**_UNSOLVED, **{k: data[k] for k in known}})

    @property
    def bound_for_any_walk(self) -> bool:
        """True if ``best_bound`` is the floor on segments alone (``ANY_WALK_BOUND``)."""
        return self.bound_on == ANY_WALK_BOUND

    @property
    def gap(self) -> float:
        """(objective - bound) / max(|objective|, 1) for a minimised objective."""
        if self.status == "OPTIMAL":
            return 0.0
        return max(0.0, self.objective - self.best_bound) / max(abs(self.objective), 1.0)


_UNSOLVED: dict[str, Any] = {
    "status": "UNKNOWN", "objective": 0.0, "best_bound": 0.0, "wall_s": 0.0, "seed": 0,
}  # fmt: skip
"""The figures of a part stored without them (``SolveStats.from_json``)."""


@dataclass(frozen=True)
class Roster:
    """A week's patrol roster and how it was found."""

    week: Week
    assignments: tuple[Assignment, ...]
    parts: Mapping[str, SolveStats]
    """Solve statistics per independently solved part (usually a zone)."""

    @property
    def objective(self) -> float:
        return sum(p.objective for p in self.parts.values())

    @property
    def best_bound(self) -> float:
        return sum(p.best_bound for p in self.parts.values())

    @property
    def gap_city(self) -> float:
        """The whole city's gap: (objective - bound) / max(|objective|, 1) over the sums of
        the parts' objectives and bounds: the one gap of a run (summary.json ``gap`` and
        ``gap_city``, the terminal, the history). A sum of the parts' gaps would grow with
        the number of parts (130 zones at 1.5% each would sum to 190%)."""
        return max(0.0, self.objective - self.best_bound) / max(abs(self.objective), 1.0)

    @property
    def status(self) -> str:
        statuses = {p.status for p in self.parts.values()}
        if not statuses:
            return "EMPTY"
        return "OPTIMAL" if statuses == {"OPTIMAL"} else "FEASIBLE"

    def patrols_of_segment(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for a in self.assignments:
            out[a.segment_id] = out.get(a.segment_id, 0) + 1
        return out

    def tours(self) -> dict[str, list[Assignment]]:
        out: dict[str, list[Assignment]] = {}
        for a in sorted(self.assignments, key=lambda a: (a.tour_id, a.order)):
            out.setdefault(a.tour_id, []).append(a)
        return out


def weighted_gap(parts: Mapping[str, SolveStats], weights: Mapping[str, float]) -> float:
    """The parts' gaps averaged with ``weights`` by part (a part without a weight counts 0);
    0 when nothing weighs."""
    total = sum(max(0.0, weights.get(k, 0.0)) for k in parts)
    if total <= 0:
        return 0.0
    return sum(p.gap * max(0.0, weights.get(k, 0.0)) for k, p in parts.items()) / total


def tour_id_for(chief_id: str, day: dt.date, slot_id: str) -> str:
    """The id of one person's tour in one slot of one day."""
    return f"{chief_id}:{day.isoformat()}:{slot_id}"


def count_by(items: Iterable[str]) -> dict[str, int]:
    """Count occurrences of each string."""
    out: dict[str, int] = {}
    for it in items:
        out[it] = out.get(it, 0) + 1
    return out
