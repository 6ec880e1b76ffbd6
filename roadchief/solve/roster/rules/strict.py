"""Strict coverage (--strict): every required, window and personal patrol is planned."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.personal import PersonalPatrols
from roadchief.solve.roster.rules.windows import SlotWindows

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from roadchief.solve.roster.rules.facts import RosterFacts
    from roadchief.solve.roster.variables import RosterVars
    from roadchief.solve.roster.zone import ZoneProblem


class StrictCoverage(Rule):
    """With --strict: every required patrol, slot window and personal patrol is planned.

    Each segment's coverage is enforced by its own assumption literal, so that an
    infeasible zone names the segments that cannot all be covered together.
    """

    name = "full coverage (strict)"

    def apply(self, model: cp_model.CpModel, zone: ZoneProblem, v: RosterVars) -> list[PenaltyTerm]:
        if not zone.strict:
            return []
        for s, unmet in v.unmet.items():
            missing = [unmet]
            missing += [v.window_unmet[(s, k)] for k in range(len(zone.windows[s]))]
            if s in v.short:
                missing.append(v.short[s])
            lit = model.new_bool_var(f"covered[{zone.segments[s].segment_id}]")
            model.add(sum(missing) == 0).only_enforce_if(lit)
            v.strict_lits[s] = lit
        model.add_assumptions(list(v.strict_lits.values()))
        return []

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        if not facts.context.strict:
            return m
        window = SlotWindows().measure(facts).counts.get("window_missing", {})
        personal = PersonalPatrols().measure(facts).counts.get("personal_missing", {})
        required: dict[str, int] = {}
        planned: dict[str, int] = {}
        for seg in facts.instance.segments:
            need = max(0, seg.patrols_per_week)
            got = min(len(facts.by_segment.get(seg.segment_id, [])), need)
            required[seg.zone_id] = required.get(seg.zone_id, 0) + need
            planned[seg.zone_id] = planned.get(seg.zone_id, 0) + got
        for zone_id in sorted(required):
            w, p = int(window.get(zone_id, 0)), int(personal.get(zone_id, 0))
            if planned[zone_id] < required[zone_id] or w or p:
                m.violations.append(
                    f"full coverage (strict): zone {zone_id} plans {planned[zone_id]} of "
                    f"{required[zone_id]} patrols, misses {w} window patrols "
                    f"and {p} personal patrols"
                )
        return m
