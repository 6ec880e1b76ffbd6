"""One zone's CP-SAT model: its variables, every rule applied, the objective; hints and cuts."""

from __future__ import annotations

from dataclasses import dataclass

from ortools.sat.python import cp_model

from roadchief.solve.roster.rules import RULES, PenaltyTerm
from roadchief.solve.roster.variables import RosterVars
from roadchief.solve.roster.zone import Tours, ZoneProblem


@dataclass
class ZoneModel:
    """One zone's CP-SAT model: its variables and the penalty terms of its objective."""

    zone: ZoneProblem
    model: cp_model.CpModel
    vars: RosterVars
    terms: list[PenaltyTerm]

    @classmethod
    def build(cls, zone: ZoneProblem) -> ZoneModel:
        """Create the variables, apply every rule and minimise the sum of penalty terms.

        CP-SAT's deterministic search depends on the order in which variables, constraints
        and terms are created: the variables first (``RosterVars.create``), then the rules
        in the order of ``RULES``.
        """
        model = cp_model.CpModel()
        v = RosterVars.create(model, zone)
        terms: list[PenaltyTerm] = []
        for rule in RULES:
            terms.extend(rule.apply(model, zone, v))
        model.minimize(
            cp_model.LinearExpr.weighted_sum([t.var for t in terms], [t.weight for t in terms])
        )
        return cls(zone, model, v, terms)

    def add_hint(self, tours: Tours) -> None:
        """Hint every variable with the values that reproduce ``tours`` (replacing any
        earlier hint)."""
        values = self.vars.hint_values(self.zone, tours)
        hint = self.model.proto.solution_hint
        hint.vars.clear()
        hint.values.clear()
        hint.vars.extend(var.index for var in values)
        hint.values.extend(values.values())

    def meets_strict(self, tours: Tours) -> bool:
        """True if ``tours`` leave no required, window or personal patrol unplanned."""
        values = self.vars.hint_values(self.zone, tours)
        missing = [*self.vars.unmet.values(), *self.vars.window_unmet.values()]
        return all(values[v] == 0 for v in [*missing, *self.vars.short.values()])

    def objective_of(self, tours: Tours) -> int:
        """The objective value the model gives ``tours``."""
        values = self.vars.hint_values(self.zone, tours)
        return sum(t.weight * values[t.var] for t in self.terms)

    def forbid_over_cap(self, tours: Tours) -> int:
        """Forbid, for good, every tour of ``tours`` whose measured walk exceeds its cap: the
        same segments may not all be walked together by anyone whose cap is no longer, on
        any day. Returns the number of tours forbidden (0: every tour fits)."""
        zone, v = self.zone, self.vars
        over = [
            (zone.cap_cm[p], segs)
            for (p, _d), (_t, segs) in sorted(tours.items())
            if len(segs) > 1 and zone.tour_walk_cm(segs) > zone.cap_cm[p]
        ]
        for cap, segs in over:
            for (q, _d), items in sorted(v.by_tour.items()):
                chosen = dict(items)
                if zone.cap_cm[q] <= cap and all(s in chosen for s in segs):
                    self.model.add(sum(chosen[s] for s in segs) <= len(segs) - 1)
        return len(over)
