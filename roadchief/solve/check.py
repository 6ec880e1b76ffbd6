"""Re-verify a roster against every hard rule and recompute its objective, without ortools.

The checker reads only the instance, the ownership and the roster's plain assignments.
It shares no code with the model or the greedy, so it is an independent second opinion,
except the rule of who may help on a segment (``patrollers.py``: plain data, like the
ownership), which the model, the greedy and the checker all read so that they agree on it.

Objective, as the roster model defines it (integers):

- unmet demand: ``weights.unmet_per_10m`` x units x missing patrols, per segment, where
  units = the segment's length in 10 m (rounded half up, at least 1) and missing patrols =
  max(0, patrols_per_week - patrols planned);
- helper patrols: ``weights.helper_per_10m`` x units, per patrol by someone other than the
  segment's owner;
- fairness: ``weights.fairness_per_tour`` per tour above the rounded-up mean load of the
  person's group, where a group is the patrolling people of one zone and one level.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from roadchief.domain import Assignment, Ownership, PatrolInstance, Roster, tour_id_for
from roadchief.solve.patrollers import patrollers_by_segment

KM_TOLERANCE_M = 1e-6


@dataclass
class ZoneCheck:
    """Coverage and objective of one zone."""

    zone_id: str
    patrols_required: int = 0
    patrols_planned: int = 0
    uncovered_km: float = 0.0
    tours: int = 0
    helper_patrols: int = 0
    unmet_penalty: int = 0
    helper_penalty: int = 0
    fairness_penalty: int = 0

    @property
    def objective(self) -> int:
        return self.unmet_penalty + self.helper_penalty + self.fairness_penalty


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

    @property
    def ok(self) -> bool:
        """True if every hard rule holds."""
        return not self.violations

    @property
    def coverage(self) -> float:
        """Share of the required patrols that are planned (1.0 when nothing is required)."""
        return self.patrols_planned / self.patrols_required if self.patrols_required else 1.0


def check_roster(instance: PatrolInstance, ownership: Ownership, roster: Roster) -> CheckReport:
    """Check every hard rule of ``roster`` and recompute its objective from plain data."""
    report = CheckReport()
    bad = report.violations
    segments = {s.segment_id: s for s in instance.segments}
    chiefs = {c.chief_id: c for c in instance.chiefs}
    slots = {s.slot_id: s for s in instance.slots}
    days = set(instance.days)
    limits = instance.limits
    may_patrol = patrollers_by_segment(instance, ownership)

    for placed in instance.segments:
        owner = ownership.owner_of.get(placed.segment_id)
        if owner is None:
            bad.append(f"one road one chief: segment {placed.segment_id} has no owner")
        elif owner not in chiefs:
            bad.append(f"one road one chief: segment {placed.segment_id} owner {owner} is unknown")

    valid: list[Assignment] = []
    for a in roster.assignments:
        where = f"{a.tour_id} segment {a.segment_id}"
        seg = segments.get(a.segment_id)
        person = chiefs.get(a.chief_id)
        problems = []
        if seg is None:
            problems.append(f"{where}: segment {a.segment_id} is not a placed segment")
        if person is None:
            problems.append(f"{where}: person {a.chief_id} is not in the instance")
        elif not limits[person.level].patrols:
            problems.append(
                f"{where}: {a.chief_id} is {person.level.value}, a level that does not patrol"
            )
        if (
            seg is not None
            and person is not None
            and ownership.owner_of.get(seg.segment_id) != a.chief_id
            and person.zone_id != seg.zone_id
        ):
            problems.append(
                f"{where}: {a.chief_id} serves zone {person.zone_id}, is not the owner "
                f"and the segment lies in zone {seg.zone_id}"
            )
        elif (
            seg is not None
            and person is not None
            and limits[person.level].patrols
            and ownership.owner_of.get(seg.segment_id) != a.chief_id
            and a.chief_id not in may_patrol.get(seg.segment_id, ())
        ):
            helpers = ", ".join(may_patrol.get(seg.segment_id, ())) or "nobody"
            problems.append(
                f"{where}: helpers: {a.chief_id} is not among the "
                f"{instance.helpers_per_segment} people nearest the segment who may help "
                f"(may patrol it: {helpers})"
            )
        if a.day not in days:
            problems.append(f"{where}: day {a.day} is not a patrol day of the week")
        slot = slots.get(a.slot_id)
        if slot is None:
            problems.append(f"{where}: slot {a.slot_id} is not a slot of the instance")
        elif person is not None and not person.available(a.day, slot):
            problems.append(f"{where}: {a.chief_id} is not available on {a.day} {a.slot_id}")
        if a.tour_id != tour_id_for(a.chief_id, a.day, a.slot_id):
            problems.append(
                f"{where}: tour id should be {tour_id_for(a.chief_id, a.day, a.slot_id)}"
            )
        bad.extend(problems)
        if seg is not None and person is not None and slot is not None:
            valid.append(a)

    tours: dict[tuple[str, dt.date, str], list[Assignment]] = {}
    for a in valid:
        tours.setdefault((a.chief_id, a.day, a.slot_id), []).append(a)
    _check_tours(instance, tours, bad)
    _check_segment_once_per_day(valid, bad)
    _score(instance, ownership, valid, tours, report)
    return report


def _check_tours(
    instance: PatrolInstance,
    tours: dict[tuple[str, dt.date, str], list[Assignment]],
    bad: list[str],
) -> None:
    """One tour a day, tours a week, rest between days, tour length and walking order."""
    segments = {s.segment_id: s for s in instance.segments}
    chiefs = {c.chief_id: c for c in instance.chiefs}
    slots = {s.slot_id: s for s in instance.slots}
    by_person: dict[str, list[tuple[dt.date, str]]] = {}
    for (chief_id, day, slot_id), items in sorted(tours.items()):
        by_person.setdefault(chief_id, []).append((day, slot_id))
        person = chiefs[chief_id]
        tour = tour_id_for(chief_id, day, slot_id)
        cap_m = instance.limits[person.level].max_km_per_tour * 1000.0
        walked_m = sum(segments[a.segment_id].length_m for a in items)
        if walked_m > cap_m + KM_TOLERANCE_M:
            bad.append(
                f"tour length: {tour} walks {walked_m / 1000:.3f} km, more than the "
                f"{cap_m / 1000:g} km a {person.level.value} tour may have"
            )
        orders = sorted(a.order for a in items)
        if orders != list(range(1, len(items) + 1)):
            bad.append(f"walking order: {tour} has orders {orders}, expected 1..{len(items)}")
    rest = dt.timedelta(hours=instance.min_rest_hours)
    for chief_id, worked in sorted(by_person.items()):
        person = chiefs[chief_id]
        per_day: dict[dt.date, list[str]] = {}
        for day, slot_id in worked:
            per_day.setdefault(day, []).append(slot_id)
        for day, ids in sorted(per_day.items()):
            if len(ids) > 1:
                bad.append(
                    f"one tour a day: {chief_id} has {len(ids)} tours on {day} ({', '.join(ids)})"
                )
        if len(per_day) > person.max_patrols_per_week:
            bad.append(
                f"tours a week: {chief_id} patrols on {len(per_day)} days, "
                f"more than their {person.max_patrols_per_week}"
            )
        for i, (d1, s1) in enumerate(worked):
            for d2, s2 in worked[i + 1 :]:
                if d1 == d2:
                    continue
                (da, sa), (db, sb) = sorted([(d1, s1), (d2, s2)])
                gap = dt.datetime.combine(db, slots[sb].start) - dt.datetime.combine(
                    da, slots[sa].end
                )
                if gap < rest:
                    bad.append(
                        f"rest: {chief_id} ends {da} {sa} and starts {db} {sb} only "
                        f"{gap.total_seconds() / 3600:g} h later, "
                        f"less than {instance.min_rest_hours:g} h"
                    )


def _check_segment_once_per_day(valid: list[Assignment], bad: list[str]) -> None:
    """A segment is patrolled at most once a day."""
    seen: dict[tuple[str, dt.date], list[str]] = {}
    for a in valid:
        seen.setdefault((a.segment_id, a.day), []).append(a.tour_id)
    for (seg_id, day), tour_ids in sorted(seen.items()):
        if len(tour_ids) > 1:
            bad.append(
                f"once a day: segment {seg_id} is patrolled {len(tour_ids)} times on {day} "
                f"({', '.join(sorted(tour_ids))})"
            )


def _units_10m(length_m: float) -> int:
    return max(1, math.floor(length_m / 10.0 + 0.5))


def _score(
    instance: PatrolInstance,
    ownership: Ownership,
    valid: list[Assignment],
    tours: dict[tuple[str, dt.date, str], list[Assignment]],
    report: CheckReport,
) -> None:
    """Coverage and the objective, per zone and in total."""
    w = instance.weights
    zone_ids = {z.zone_id for z in instance.zones} | {s.zone_id for s in instance.segments}
    zone_ids |= {c.zone_id for c in instance.chiefs if c.zone_id is not None}
    zones = {z: ZoneCheck(z) for z in sorted(zone_ids)}
    segments = {s.segment_id: s for s in instance.segments}
    count: dict[str, int] = {}
    for a in valid:
        count[a.segment_id] = count.get(a.segment_id, 0) + 1
        seg = segments[a.segment_id]
        if ownership.owner_of.get(a.segment_id) != a.chief_id:
            zc = zones[seg.zone_id]
            zc.helper_patrols += 1
            zc.helper_penalty += w.helper_per_10m * _units_10m(seg.length_m)
    for seg in instance.segments:
        zc = zones[seg.zone_id]
        need = max(0, seg.patrols_per_week)
        planned = min(count.get(seg.segment_id, 0), need)
        zc.patrols_required += need
        zc.patrols_planned += planned
        zc.uncovered_km += seg.length_m * (need - planned) / 1000.0
        zc.unmet_penalty += w.unmet_per_10m * _units_10m(seg.length_m) * (need - planned)
    load: dict[str, int] = {}
    for chief_id, _day, _slot in tours:
        load[chief_id] = load.get(chief_id, 0) + 1
    groups: dict[tuple[str, str], list[str]] = {}
    for c in instance.chiefs:
        if c.zone_id is not None and instance.limits[c.level].patrols:
            groups.setdefault((c.zone_id, c.level.value), []).append(c.chief_id)
    for (zone_id, _level), members in groups.items():
        loads = [load.get(m, 0) for m in members]
        ceil_mean = -(-sum(loads) // len(loads))
        zones[zone_id].fairness_penalty += w.fairness_per_tour * sum(
            max(0, x - ceil_mean) for x in loads
        )
        zones[zone_id].tours += sum(loads)
    report.zones = zones
    report.patrols_required = sum(z.patrols_required for z in zones.values())
    report.patrols_planned = sum(z.patrols_planned for z in zones.values())
    report.uncovered_km = sum(z.uncovered_km for z in zones.values())
    report.objective = sum(z.objective for z in zones.values())
