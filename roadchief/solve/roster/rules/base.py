"""What a roster rule is: its constraint in the CP-SAT model and its measure in the checker.

A rule module holds everything of its rule: the data it prepares for a zone, the
constraint (hard) or the penalty terms (soft) it adds to the model, the independent
measure the checker takes of a finished roster, its name (the label in every report) and,
for a soft rule, the ``[objective]`` weights it reads. The model side reads the zone's
indices and CP-SAT variables; the measure reads plain data only (``facts.RosterFacts``)
and is separate code, so the checker stays a second opinion. No ortools at runtime here:
the model is handed in, so the checker can import every rule without loading CP-SAT.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


@dataclass(frozen=True)
class PenaltyTerm:
    """One weighted, labelled term of the objective: ``weight * var``, from a soft rule."""

    rule: str
    label: str
    weight: int
    var: cp_model.IntVar


@dataclass
class Measure:
    """What the checker found of one rule: the broken hard rule's messages, and the soft
    rule's penalty and counts per zone."""

    violations: list[str] = field(default_factory=list)
    penalty: dict[str, int] = field(default_factory=dict)
    """zone id -> penalty."""
    counts: dict[str, dict[str, float]] = field(default_factory=dict)
    """count name -> zone id -> value."""

    def charge(self, zone_id: str, amount: int) -> None:
        """Add ``amount`` to the penalty of ``zone_id``."""
        self.penalty[zone_id] = self.penalty.get(zone_id, 0) + amount

    def count(self, name: str, zone_id: str, amount: float = 1) -> None:
        """Add ``amount`` to the count ``name`` of ``zone_id``."""
        per_zone = self.counts.setdefault(name, {})
        per_zone[zone_id] = per_zone.get(zone_id, 0) + amount


class Rule:
    """A business rule of the weekly roster. Subclasses set ``name`` and write ``measure``;
    a rule the model must enforce writes ``apply``; a soft rule also sets ``key``,
    ``weights`` and ``counts``."""

    name: ClassVar[str]
    """The rule's name: its label in the check report, explain.md and violations."""
    key: ClassVar[str] = ""
    """Soft rules: a short stable key; summary.json shows the penalty as ``<key>_penalty``."""
    weights: ClassVar[tuple[str, ...]] = ()
    """Soft rules: the ``[objective]`` keys of the rules file it reads (its weights)."""
    counts: ClassVar[Mapping[str, float]] = {}
    """The per-zone counts its measure reports besides the penalty: name -> the value of a
    zone where nothing is counted (0, or 0.0 for a length)."""

    @property
    def soft(self) -> bool:
        """True for a soft rule: one that costs rather than forbids."""
        return bool(self.weights)

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        """Add the rule's constraints to ``model``; return its penalty terms (soft rules)."""
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        """The checker's independent measure of the rule on a finished roster."""
        raise NotImplementedError
