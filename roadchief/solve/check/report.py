"""What the checker found: hard-rule violations, coverage, and each rule's penalty by zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from roadchief.solve.roster.rules import SOFT_RULES
from roadchief.solve.roster.walk import TourWalk


@dataclass
class ZoneCheck:
    """Coverage of one zone, each soft rule's penalty there and the rules' counts."""

    zone_id: str
    patrols_required: int = 0
    patrols_planned: int = 0
    uncovered_km: float = 0.0
    tours: int = 0
    """Home tours of the zone's patrolling people (tours in other zones are not counted)."""
    penalties: dict[str, int] = field(default_factory=dict)
    """Soft rule name -> its penalty in this zone (every soft rule, in rule order)."""
    counts: dict[str, float] = field(default_factory=dict)
    """Count name -> value, as the rules' measures report them (``Rule.counts``)."""

    @property
    def objective(self) -> int:
        """The zone's objective: the sum of its soft rules' penalties."""
        return sum(self.penalties.values())

    def to_json(self) -> dict[str, Any]:
        """Flat figures for summary.json: coverage, ``<key>_penalty`` of each soft rule
        (``Rule.key``) and the rules' counts."""
        return {
            "patrols_required": self.patrols_required,
            "patrols_planned": self.patrols_planned,
            "uncovered_km": self.uncovered_km,
            "tours": self.tours,
            **{f"{r.key}_penalty": self.penalties[r.name] for r in SOFT_RULES},
            **self.counts,
        }


@dataclass
class CheckReport:
    """What the checker found: hard-rule violations, coverage and the recomputed objective.

    ``patrols_planned`` counts, per segment, the planned patrols up to its requirement
    (a fourth patrol of a segment that needs three is not counted). ``uncovered_km`` is
    the required patrol length that is not planned: sum of length x missing patrols, in km.
    """

    violations: list[str] = field(default_factory=list)
    patrols_required: int = 0
    patrols_planned: int = 0
    uncovered_km: float = 0.0
    objective: int = 0
    zones: dict[str, ZoneCheck] = field(default_factory=dict)
    walks: dict[str, TourWalk] = field(default_factory=dict)
    """Every tour as walked in its order, by tour id (``walk.py``)."""
    caps_cm: dict[str, int] = field(default_factory=dict)
    """Every tour's cap, by tour id."""

    @property
    def penalties(self) -> dict[str, int]:
        """Soft rule name -> its penalty over the city, in rule order."""
        return {r.name: sum(z.penalties[r.name] for z in self.zones.values()) for r in SOFT_RULES}

    def count(self, name: str) -> float:
        """A count of the rules' measures (``Rule.counts``) over the city."""
        return sum(z.counts[name] for z in self.zones.values())

    @property
    def over_cap(self) -> dict[str, int]:
        """Tours whose segments and walk exceed their cap: tour id -> cm over."""
        return {
            t: w.total_cm - self.caps_cm[t]
            for t, w in sorted(self.walks.items())
            if w.total_cm > self.caps_cm[t]
        }

    @property
    def ok(self) -> bool:
        """True if every hard rule holds."""
        return not self.violations

    @property
    def coverage(self) -> float:
        """Share of the required patrols that are planned (1.0 when nothing is required)."""
        return self.patrols_planned / self.patrols_required if self.patrols_required else 1.0
