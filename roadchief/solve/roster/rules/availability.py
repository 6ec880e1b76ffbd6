"""Availability and leave: a person patrols only in the slots they are available in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from roadchief.solve.roster.rules.base import Measure, Rule

if TYPE_CHECKING:
    from roadchief.solve.roster.rules.facts import RosterFacts


class Availability(Rule):
    """A person patrols only on days and in slots they are available (leave, weekdays off,
    half-days off).

    Nothing to add to the model: ``RosterVars`` creates a slot variable only where the
    person is available (``ZoneProblem.open_slots``), so an unavailable slot cannot be chosen.
    """

    name = "availability"

    def measure(self, facts: RosterFacts) -> Measure:
        m = Measure()
        for a in facts.roster.assignments:
            person, slot = facts.chiefs.get(a.chief_id), facts.slots.get(a.slot_id)
            if person is not None and slot is not None and not person.available(a.day, slot):
                m.violations.append(
                    f"{a.tour_id} segment {a.segment_id}: {a.chief_id} is not available on "
                    f"{a.day} {a.slot_id}"
                )
        return m
