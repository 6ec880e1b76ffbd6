"""Who may patrol a segment: its owner, its nearest helpers of the zone, outside helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roadchief.solve.roster.rules.base import Measure, Rule

if TYPE_CHECKING:
    from roadchief.solve.roster.rules.facts import RosterFacts


class WhoMayPatrol(Rule):
    """Only people of a level that patrols walk tours; a segment is patrolled by its owner,
    by one of the ``helpers_per_segment`` people of its zone nearest to it
    (``patrollers.py``), or by an outside helper of its zone (``outside.py``).

    Nothing to add to the model: ``RosterVars`` creates a patrol variable only for the
    people who may patrol the segment (``ZoneProblem.patrollers``).
    """

    name = "who may patrol"

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        limits = facts.instance.limits
        for a in facts.roster.assignments:
            where = f"{a.tour_id} segment {a.segment_id}"
            seg, person = facts.segments.get(a.segment_id), facts.chiefs.get(a.chief_id)
            if person is None:
                continue
            patrols = limits[person.level].patrols
            if not patrols:
                m.violations.append(
                    f"{where}: {a.chief_id} is {person.level.value}, a level that does not patrol"
                )
            if seg is None:
                continue
            owner = facts.owner(seg.segment_id)
            if owner != a.chief_id and person.zone_id != seg.zone_id:
                outside = facts.outside.get(seg.zone_id, ())
                if a.chief_id not in outside:
                    m.violations.append(
                        f"{where}: cross-zone help: {a.chief_id} serves zone {person.zone_id}, "
                        f"is not the owner and not an outside helper of zone {seg.zone_id}, "
                        f"where the segment lies (its outside helpers: "
                        f"{', '.join(outside) or 'nobody'})"
                    )
            elif (
                patrols
                and owner != a.chief_id
                and a.chief_id not in facts.may.get(seg.segment_id, ())
            ):
                helpers = ", ".join(facts.may.get(seg.segment_id, ())) or "nobody"
                m.violations.append(
                    f"{where}: helpers: {a.chief_id} is not among the "
                    f"{facts.instance.helpers_per_segment} people nearest the segment who may "
                    f"help (may patrol it: {helpers})"
                )
        return m
