"""Re-verify a roster against every hard rule and recompute its objective, without ortools.

The checker reads only the instance, the ownership and the roster's plain assignments.
It shares no code with the model or the greedy, so it is an independent second opinion,
except the rule of who may help on a segment (``patrollers.py``: plain data, like the
ownership), which the model, the greedy and the checker all read so that they agree on it.

Objective, as the roster model defines it (integers):

- unmet demand: ``weights.unmet_per_10m`` x units x missing patrols, per segment, where
  units = the segment's length in 10 m (rounded half up, at least 1) and missing patrols =
  max(0, patrols_per_week - patrols planned);
- helper patrols: ``weights.helper_per_10m`` x units, per patrol by someone of the
  segment's zone other than its owner;
- cross-zone help: ``weights.cross_zone_per_10m`` x units, per patrol by an outside helper
  (a person of another zone, allowed by ``outside.py``), charged to the segment's zone;
- fairness: ``weights.fairness_per_tour`` per tour above the rounded-up mean load of the
  person's group, where a group is the patrolling people of one zone and one level and
  only home tours count (a tour in another zone is paid by cross-zone help);
- slot windows: ``weights.window_per_10m`` x units per patrol a window requires (the
  segment's matching windows in rules order, each capped by the demand left) and that is
  not planned in one of the window's slots;
- personal patrols: ``weights.accountability_per_10m`` x units per personal patrol the
  owner misses, requiring min(K, demand, owner's open days, owner's tours a week), and
  nothing when the owner does not patrol, is away all week or the segment exceeds their tour;
- unsocial fairness: ``weights.unsocial_per_tour`` per unsocial home tour (unsocial slot
  or weekend day) above the rounded-up mean of the person's group;
- continuity (with last week): ``weights.continuity_per_tour`` per home tour on a weekday
  the person had no tour last week, and per weekday whose tour last week was in a slot the
  person could walk this day but the home tour is not in it;
- changes (re-plan): ``weights.change_per_patrol`` per patrol added on an unlocked day, and
  per patrol of the re-planned roster on an unlocked day that its person could still walk
  and that is dropped; ``weights.change_per_tour_moved`` per tour of the re-planned roster
  on an unlocked day that is now in another slot the person could still walk;
- preferences: ``weights.preference_per_tour`` per tour in a slot its person would rather
  not patrol (the chiefs file's ``avoid``), charged to the zone the tour walks in.

Hard rules of a person (one tour a day, tours a week, rest) hold across all their tours,
at home and away.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from roadchief.domain import Assignment, Ownership, PatrolInstance, Roster, tour_id_for
from roadchief.solve.roster.outside import outside_helpers
from roadchief.solve.roster.patrollers import patrollers_by_segment
from roadchief.solve.roster.walk import TourWalk, roster_walks

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
    cross_zone_patrols: int = 0
    """Patrols walked here by outside helpers (people of other zones)."""
    cross_zone_km: float = 0.0
    unmet_penalty: int = 0
    helper_penalty: int = 0
    cross_zone_penalty: int = 0
    fairness_penalty: int = 0
    window_penalty: int = 0
    accountability_penalty: int = 0
    unsocial_penalty: int = 0
    continuity_penalty: int = 0
    change_penalty: int = 0
    preference_penalty: int = 0
    window_missing: int = 0
    """Patrols slot windows require that are not planned in them."""
    personal_missing: int = 0
    """Personal patrols (路长巡查) owners miss."""
    changes: int = 0
    """Re-plan: patrols added or dropped on unlocked days."""
    tours_moved: int = 0
    """Re-plan: tours moved to another slot of their day."""

    @property
    def objective(self) -> int:
        return (
            self.unmet_penalty
            + self.helper_penalty
            + self.cross_zone_penalty
            + self.fairness_penalty
            + self.window_penalty
            + self.accountability_penalty
            + self.unsocial_penalty
            + self.continuity_penalty
            + self.change_penalty
            + self.preference_penalty
        )


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
    outside = outside_helpers(instance, ownership)

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
            if a.chief_id not in outside.get(seg.zone_id, ()):
                helpers = ", ".join(outside.get(seg.zone_id, ())) or "nobody"
                problems.append(
                    f"{where}: cross-zone help: {a.chief_id} serves zone {person.zone_id}, is "
                    f"not the owner and not an outside helper of zone {seg.zone_id}, where "
                    f"the segment lies (its outside helpers: {helpers})"
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
    _check_walks(instance, valid, report)
    _check_segment_once_per_day(valid, bad)
    _check_pins(instance, valid, bad)
    _score(instance, ownership, valid, tours, report)
    _score_more(instance, ownership, valid, tours, report)
    if instance.context.strict:
        for z in report.zones.values():
            if z.patrols_planned < z.patrols_required or z.window_missing or z.personal_missing:
                bad.append(
                    f"full coverage (strict): zone {z.zone_id} plans {z.patrols_planned} of "
                    f"{z.patrols_required} patrols, misses {z.window_missing} window patrols "
                    f"and {z.personal_missing} personal patrols"
                )
    return report


def _check_pins(instance: PatrolInstance, valid: list[Assignment], bad: list[str]) -> None:
    """Every pin is planned; before a re-plan's lock date nothing else is."""
    ctx = instance.context
    planned = {(a.day, a.slot_id, a.chief_id, a.segment_id) for a in valid}
    pins = {(a.day, a.slot_id, a.chief_id, a.segment_id) for a in ctx.pins}
    for pin in sorted(pins - planned):
        bad.append(f"pins: {pin[2]} should patrol {pin[3]} on {pin[0]} {pin[1]} (pinned)")
    if ctx.locked_before is not None:
        for key in sorted(planned - pins):
            if key[0] < ctx.locked_before:
                bad.append(
                    f"pins: {key[2]} patrols {key[3]} on {key[0]} {key[1]}, before "
                    f"{ctx.locked_before}, which only the pinned roster may hold"
                )


def _open_days(instance: PatrolInstance, chief_id: str) -> set[dt.date]:
    """Days on which the person may walk a tour: available in a slot, not locked (unless
    a pin puts them there), and allowed tours at all."""
    person = instance.chief(chief_id)
    if person.max_patrols_per_week <= 0:
        return set()
    ctx = instance.context
    pinned = {(a.day, a.slot_id) for a in ctx.pins if a.chief_id == chief_id}
    out = set()
    for day in instance.days:
        for slot in instance.slots:
            if not person.available(day, slot):
                continue
            locked = ctx.locked_before is not None and day < ctx.locked_before
            if locked and (day, slot.slot_id) not in pinned:
                continue
            out.add(day)
    return out


def _score_more(
    instance: PatrolInstance,
    ownership: Ownership,
    valid: list[Assignment],
    tours: dict[tuple[str, dt.date, str], list[Assignment]],
    report: CheckReport,
) -> None:
    """Slot windows, personal patrols, spread, unsocial fairness, continuity, changes."""
    w = instance.weights
    ctx = instance.context
    slots = {s.slot_id: s for s in instance.slots}
    monday = instance.week.monday
    may = patrollers_by_segment(instance, ownership)
    by_seg: dict[str, list[Assignment]] = {}
    for a in valid:
        by_seg.setdefault(a.segment_id, []).append(a)
    open_days = {c.chief_id: _open_days(instance, c.chief_id) for c in instance.chiefs}
    spread_bad = report.violations
    for seg in instance.segments:
        zc = report.zones[seg.zone_id]
        units = _units_10m(seg.length_m)
        mine = by_seg.get(seg.segment_id, [])
        need = max(0, seg.patrols_per_week)
        left = need
        for win in ctx.windows:
            if left <= 0 or not win.matches(seg):
                continue
            n = min(win.patrols, left)
            left -= n
            got = sum(1 for a in mine if a.slot_id in win.slots)
            zc.window_missing += max(0, n - got)
            zc.window_penalty += w.window_per_10m * units * max(0, n - got)
        owner = ownership.owner_of.get(seg.segment_id)
        if owner is not None and owner in may.get(seg.segment_id, ()):
            person = instance.chief(owner)
            cap_m = instance.limits[person.level].max_km_per_tour * 1000.0
            days_open = len(open_days[owner])
            if (
                seg.length_m <= cap_m + KM_TOLERANCE_M
                and _cm_fits(seg.length_m, cap_m)
                and days_open
            ):
                k = min(ctx.accountability_patrols, need, days_open, person.max_patrols_per_week)
                walked = sum(1 for a in mine if a.chief_id == owner)
                zc.personal_missing += max(0, k - walked)
                zc.accountability_penalty += w.accountability_per_10m * units * max(0, k - walked)
        run = (3 if need == 1 else 7 // need) if need > 0 else 0
        if ctx.spread and run >= 2:
            days = [(a.day - monday).days for a in mine]
            last = ctx.last_patrol.get(seg.segment_id)
            last_off = (last - monday).days if last is not None and last < monday else None
            starts = list(range(0, 7 - run + 1))
            fixed = [(a.day - monday).days for a in ctx.pins if a.segment_id == seg.segment_id]
            if last_off is not None:
                fixed.append(last_off)
                days.append(last_off)
                if last_off + run > 0:
                    starts.append(last_off)
            for start in starts:
                n_in = sum(1 for o in days if start <= o < start + run)
                if n_in > 1 and sum(1 for o in fixed if start <= o < start + run) <= 1:
                    spread_bad.append(
                        f"spread: segment {seg.segment_id} (needed {need} a week) is patrolled "
                        f"{n_in} times in the {run} days from {monday + dt.timedelta(days=start)}"
                        + (
                            " with last week's"
                            if last_off is not None and start <= last_off < start + run
                            else ""
                        )
                    )
    # preferences: tours in slots their person would rather not patrol, in the tour's zone
    for (chief_id, day, slot_id), items in tours.items():
        person = instance.chief(chief_id)
        if person.avoid.blocks(day, slots[slot_id]):
            zone_id = instance.segment(items[0].segment_id).zone_id
            report.zones[zone_id].preference_penalty += w.preference_per_tour
    home = home_tours(instance, tours)
    # unsocial fairness, per group of one zone and one level
    unsocial: dict[str, int] = {}
    for chief_id, day, slot_id in home:
        if day in ctx.weekend or slot_id in ctx.unsocial_slots:
            unsocial[chief_id] = unsocial.get(chief_id, 0) + 1
    groups: dict[tuple[str, str], list[str]] = {}
    for c in instance.chiefs:
        if c.zone_id is not None and instance.limits[c.level].patrols:
            groups.setdefault((c.zone_id, c.level.value), []).append(c.chief_id)
    for (zone_id, _level), members in groups.items():
        if len(members) < 2 or not (ctx.weekend or ctx.unsocial_slots):
            continue
        loads = [unsocial.get(m, 0) for m in members]
        ceil_mean = -(-sum(loads) // len(loads))
        report.zones[zone_id].unsocial_penalty += w.unsocial_per_tour * sum(
            max(0, x - ceil_mean) for x in loads
        )
    # continuity with last week
    slot_of = {(c, d): s for c, d, s in home}
    before = {c for c, _wd in ctx.previous_slot}
    for c in instance.chiefs:
        if c.chief_id not in before or c.zone_id is None or not instance.limits[c.level].patrols:
            continue
        zc = report.zones[c.zone_id]
        for day in instance.days:
            prev = ctx.previous_slot.get((c.chief_id, day.weekday()))
            now = slot_of.get((c.chief_id, day))
            if prev is None or prev not in slots:
                zc.continuity_penalty += w.continuity_per_tour * int(now is not None)
            elif day in open_days[c.chief_id] and c.available(day, slots[prev]) and now != prev:
                locked = ctx.locked_before is not None and day < ctx.locked_before
                pinned = any(
                    a.chief_id == c.chief_id and a.day == day and a.slot_id == prev
                    for a in ctx.pins
                )
                if not locked or pinned:
                    zc.continuity_penalty += w.continuity_per_tour
    # changes against the re-planned roster
    if ctx.baseline or ctx.locked_before is not None:
        lock = ctx.locked_before
        base = {(a.chief_id, a.segment_id, a.day) for a in ctx.baseline}
        now_set = {(a.chief_id, a.segment_id, a.day) for a in valid}
        segments = {s.segment_id: s for s in instance.segments}
        for _chief, seg_id, day in sorted(now_set - base):
            if lock is None or day >= lock:
                zc = report.zones[segments[seg_id].zone_id]
                zc.changes += 1
                zc.change_penalty += w.change_per_patrol
        for chief_id, seg_id, day in sorted(base - now_set):
            found = segments.get(seg_id)
            if found is None or (lock is not None and day < lock) or chief_id not in open_days:
                continue
            person = instance.chief(chief_id)
            cap_m = instance.limits[person.level].max_km_per_tour * 1000.0
            could = (
                day in open_days[chief_id]
                and chief_id in may.get(seg_id, ())
                and _cm_fits(found.length_m, cap_m)
            )
            if could:
                zc = report.zones[found.zone_id]
                zc.changes += 1
                zc.change_penalty += w.change_per_patrol
        was_in = {(a.chief_id, a.day): a.slot_id for a in ctx.baseline}
        for (chief_id, day), was in sorted(was_in.items()):
            now = slot_of.get((chief_id, day))
            if now in (None, was) or (lock is not None and day < lock):
                continue
            person = instance.chief(chief_id)
            if person.zone_id is not None and person.available(day, slots[was]):
                zc = report.zones[person.zone_id]
                zc.tours_moved += 1
                zc.change_penalty += w.change_per_tour_moved
    report.objective = sum(z.objective for z in report.zones.values())


def _cm_fits(length_m: float, cap_m: float) -> bool:
    """The model's test that a segment fits a tour, in whole centimetres."""
    return math.ceil(round(length_m * 100.0, 6)) <= math.floor(round(cap_m * 100.0, 6))


def _check_tours(
    instance: PatrolInstance,
    tours: dict[tuple[str, dt.date, str], list[Assignment]],
    bad: list[str],
) -> None:
    """One tour a day, tours a week, rest between days and walking order."""
    chiefs = {c.chief_id: c for c in instance.chiefs}
    slots = {s.slot_id: s for s in instance.slots}
    by_person: dict[str, list[tuple[dt.date, str]]] = {}
    for (chief_id, day, slot_id), items in sorted(tours.items()):
        by_person.setdefault(chief_id, []).append((day, slot_id))
        tour = tour_id_for(chief_id, day, slot_id)
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


def _check_walks(instance: PatrolInstance, valid: list[Assignment], report: CheckReport) -> None:
    """Tour length: segments plus the walk between them, in the tour's order, within the
    cap of the person's level (measured in whole cm, as the model counts)."""
    tours: dict[str, list[Assignment]] = {}
    for a in sorted(valid, key=lambda a: (a.tour_id, a.order)):
        tours.setdefault(a.tour_id, []).append(a)
    report.walks = roster_walks(
        instance.segments,
        {t: [a.segment_id for a in items] for t, items in tours.items()},
        detour_factor=instance.context.walk_detour_factor,
    )
    for tour, items in tours.items():
        level = instance.chief(items[0].chief_id).level
        cap_km = instance.limits[level].max_km_per_tour
        report.caps_cm[tour] = math.floor(round(cap_km * 100_000.0, 6))
    for tour, over_cm in report.over_cap.items():
        w = report.walks[tour]
        report.violations.append(
            f"tour length: {tour} walks {w.total_cm / 1e5:.3f} km ({w.segments_cm / 1e5:.3f} km "
            f"of segments, {w.walk_cm / 1e5:.3f} km between them), "
            f"{over_cm / 100:.0f} m more than its {report.caps_cm[tour] / 1e5:g} km"
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


def home_tours(
    instance: PatrolInstance, tours: dict[tuple[str, dt.date, str], list[Assignment]]
) -> list[tuple[str, dt.date, str]]:
    """The tours that walk a segment of their person's own zone (not cross-zone help)."""
    return [
        key
        for key, items in tours.items()
        if any(
            instance.segment(a.segment_id).zone_id == instance.chief(key[0]).zone_id for a in items
        )
    ]


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
    chiefs = {c.chief_id: c for c in instance.chiefs}
    for a in valid:
        count[a.segment_id] = count.get(a.segment_id, 0) + 1
        seg = segments[a.segment_id]
        zc = zones[seg.zone_id]
        if (
            chiefs[a.chief_id].zone_id != seg.zone_id
            and ownership.owner_of.get(a.segment_id) != a.chief_id
        ):
            zc.cross_zone_patrols += 1
            zc.cross_zone_km += seg.length_m / 1000.0
            zc.cross_zone_penalty += w.cross_zone_per_10m * _units_10m(seg.length_m)
        elif ownership.owner_of.get(a.segment_id) != a.chief_id:
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
    for chief_id, _day, _slot in home_tours(instance, tours):
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
