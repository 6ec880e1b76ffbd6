"""Re-verify a roster against every hard rule and recompute its objective, without ortools.

The checker reads only the instance, the ownership and the roster's plain assignments
(``rules/facts.py``). It checks that the roster is one of this instance (known segments,
people, days, slots, tour ids, every segment owned), measures coverage, then takes each
rule's own measure (``Rule.measure``, in ``RULES`` order): the hard rules' violations and
the soft rules' penalties, whose sum is the objective. A measure is separate code from the
rule's constraint in the model, so the checker stays an independent second opinion.
Hard rules of a person (one tour a day, tours a week, rest) hold across all their tours,
at home and away.
"""

from __future__ import annotations

from roadchief.domain import Ownership, PatrolInstance, Roster, tour_id_for
from roadchief.solve.check.report import CheckReport, ZoneCheck
from roadchief.solve.roster.rules import RULES
from roadchief.solve.roster.rules.facts import RosterFacts


def check_roster(instance: PatrolInstance, ownership: Ownership, roster: Roster) -> CheckReport:
    """Check every hard rule of ``roster`` and recompute its objective from plain data."""
    facts = RosterFacts.of(instance, ownership, roster)
    report = CheckReport(violations=_unowned(facts) + _not_of_instance(facts))
    report.zones = _coverage(facts)
    for rule in RULES:
        found = rule.measure(facts)
        report.violations += found.violations
        for zone_id, zc in report.zones.items():
            if rule.soft:
                zc.penalties[rule.name] = found.penalty.get(zone_id, 0)
            for name, zero in rule.counts.items():
                zc.counts[name] = found.counts.get(name, {}).get(zone_id, zero)
        unknown = set(found.penalty).union(*found.counts.values()) - set(report.zones)
        if unknown:
            raise ValueError(f"rule {rule.name} charged zones {sorted(unknown)} of no segment")
    report.walks, report.caps_cm = facts.walks, facts.caps_cm
    zones = report.zones.values()
    report.patrols_required = sum(z.patrols_required for z in zones)
    report.patrols_planned = sum(z.patrols_planned for z in zones)
    report.uncovered_km = sum(z.uncovered_km for z in zones)
    report.objective = sum(z.objective for z in zones)
    return report


def _unowned(facts: RosterFacts) -> list[str]:
    """One road, one chief: every placed segment has a known owner."""
    out = []
    for placed in facts.instance.segments:
        owner = facts.owner(placed.segment_id)
        if owner is None:
            out.append(f"one road one chief: segment {placed.segment_id} has no owner")
        elif owner not in facts.chiefs:
            out.append(f"one road one chief: segment {placed.segment_id} owner {owner} is unknown")
    return out


def _not_of_instance(facts: RosterFacts) -> list[str]:
    """Assignments naming a segment, person, day or slot the instance does not have, or a
    tour id that is not their person's, day's and slot's."""
    days = set(facts.instance.days)
    out = []
    for a in facts.roster.assignments:
        where = f"{a.tour_id} segment {a.segment_id}"
        if a.segment_id not in facts.segments:
            out.append(f"{where}: segment {a.segment_id} is not a placed segment")
        if a.chief_id not in facts.chiefs:
            out.append(f"{where}: person {a.chief_id} is not in the instance")
        if a.day not in days:
            out.append(f"{where}: day {a.day} is not a patrol day of the week")
        if a.slot_id not in facts.slots:
            out.append(f"{where}: slot {a.slot_id} is not a slot of the instance")
        if a.tour_id != tour_id_for(a.chief_id, a.day, a.slot_id):
            out.append(f"{where}: tour id should be {tour_id_for(a.chief_id, a.day, a.slot_id)}")
    return out


def _coverage(facts: RosterFacts) -> dict[str, ZoneCheck]:
    """Every zone (of the instance, its segments and its people) with its required and
    planned patrols, uncovered km and home tours."""
    instance = facts.instance
    zone_ids = {z.zone_id for z in instance.zones} | {s.zone_id for s in instance.segments}
    zone_ids |= {c.zone_id for c in instance.chiefs if c.zone_id is not None}
    zones = {z: ZoneCheck(z) for z in sorted(zone_ids)}
    for seg in instance.segments:
        zc = zones[seg.zone_id]
        need = max(0, seg.patrols_per_week)
        planned = min(len(facts.by_segment.get(seg.segment_id, [])), need)
        zc.patrols_required += need
        zc.patrols_planned += planned
        zc.uncovered_km += seg.length_m * (need - planned) / 1000.0
    load: dict[str, int] = {}
    for chief_id, _day, _slot in facts.home:
        load[chief_id] = load.get(chief_id, 0) + 1
    for (zone_id, _level), members in facts.groups.items():
        zones[zone_id].tours += sum(load.get(m, 0) for m in members)
    return zones
