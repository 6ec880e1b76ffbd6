"""Re-plan the rest of a week after people are called away.

Only the zones of the absent people are solved again; every other zone keeps its roster
exactly. In a re-solved zone the days before the re-plan date are locked (they happened),
the old roster is the warm start, and each patrol added or dropped costs
``weights.change_per_patrol`` (rule ``FewChanges``), so colleagues' tours move only where
the absence makes it worth it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from roadchief.domain import Absence, Assignment, Ownership, PatrolInstance, Roster, SolveStats
from roadchief.errors import InputError, Problem
from roadchief.solve.check.checker import check_roster

KEPT = "KEPT"
"""Status of a zone whose roster a re-plan kept as it was."""

Solve = Callable[[PatrolInstance, Sequence[Assignment]], Roster]
"""Plan a roster for an instance, warm-started from the given assignments."""


def check_absences(instance: PatrolInstance, absences: Iterable[Absence], source: str) -> None:
    """Raise InputError naming every absence of an unknown person or outside the week."""
    known = {c.chief_id for c in instance.chiefs}
    week_days = instance.week.days
    problems = []
    for a in absences:
        if a.chief_id not in known:
            problems.append(
                Problem(source, a.chief_id, "no such chief_id in the chiefs file; check --absent")
            )
        if a.first > a.last:
            problems.append(Problem(source, a.chief_id, f"--from {a.first} is after {a.last}"))
        if a.first not in week_days:
            problems.append(
                Problem(source, a.chief_id, f"{a.first} is not in week {instance.week} "
                        f"({week_days[0]} to {week_days[-1]}); check --from")
            )  # fmt: skip
    if problems:
        raise InputError(problems)


def with_absences(instance: PatrolInstance, absences: Iterable[Absence]) -> PatrolInstance:
    """The instance with each absent person unavailable on the days they are away."""
    away: dict[str, frozenset[dt.date]] = {}
    for a in absences:
        away[a.chief_id] = away.get(a.chief_id, frozenset()) | a.days()
    chiefs = tuple(
        dataclasses.replace(
            c,
            unavailable=dataclasses.replace(
                c.unavailable, dates=c.unavailable.dates | away[c.chief_id]
            ),
        )
        if c.chief_id in away
        else c
        for c in instance.chiefs
    )
    return dataclasses.replace(instance, chiefs=chiefs)


def is_away(a: Assignment, absences: Iterable[Absence]) -> bool:
    """True if the assignment falls on a day its person is away."""
    return any(a.chief_id == x.chief_id and x.first <= a.day <= x.last for x in absences)


def replan_instance(
    instance: PatrolInstance,
    original: Sequence[Assignment],
    start: dt.date,
    absences: Sequence[Absence],
) -> PatrolInstance:
    """The instance of a re-plan from ``start``: the absent people away, days before
    ``start`` locked to the old roster (kept as pins), the old roster the baseline whose
    changes cost. Pins of people on days they are away are dropped (see ``pins_away``)."""
    ctx = instance.context
    before = [a for a in original if a.day < start]
    later_pins = [p for p in ctx.pins if p.day >= start and not is_away(p, absences)]
    context = dataclasses.replace(
        ctx,
        locked_before=start,
        baseline=tuple(original),
        pins=tuple(sorted(set(before) | set(later_pins))),
    )
    return dataclasses.replace(with_absences(instance, absences), context=context)


def pins_away(pins: Iterable[Assignment], absences: Sequence[Absence]) -> list[Assignment]:
    """Pins that fall on days their person is away: a re-plan cannot hold them."""
    return [p for p in pins if is_away(p, absences)]


def restrict(instance: PatrolInstance, zone_ids: set[str]) -> PatrolInstance:
    """The part of an instance in the given zones (zones share nobody, so it stands alone)."""
    segment_ids = {s.segment_id for s in instance.segments if s.zone_id in zone_ids}
    ctx = instance.context

    def inside(items: Iterable[Assignment]) -> tuple[Assignment, ...]:
        return tuple(a for a in items if a.segment_id in segment_ids)

    return dataclasses.replace(
        instance,
        zones=tuple(z for z in instance.zones if z.zone_id in zone_ids),
        segments=tuple(s for s in instance.segments if s.segment_id in segment_ids),
        chiefs=tuple(c for c in instance.chiefs if c.zone_id in zone_ids),
        context=dataclasses.replace(ctx, pins=inside(ctx.pins), baseline=inside(ctx.baseline)),
    )


def replan_roster(
    instance: PatrolInstance,
    original: Roster,
    zone_ids: set[str],
    ownership: Ownership,
    solve: Solve,
) -> Roster:
    """Solve the zones ``zone_ids`` of a re-plan instance again and keep every other zone.

    ``instance`` is a re-plan instance (``replan_instance``). A kept zone's objective is
    the checker's under the re-plan's rules, and its bound stays the old one, still a lower
    bound: a re-plan only adds rules.

    Cross-zone help (``cross_zone.py``) is not re-planned: the zones are solved again
    alone, and cross-zone tours between kept zones stay. A roster whose cross-zone tours
    touch the zones to solve again (walked in them, or by their people) is refused.
    """
    segment_zone = {s.segment_id: s.zone_id for s in instance.segments}
    _refuse_cross_zone_links(instance, original, zone_ids, segment_zone)
    still_possible = [
        a
        for a in original.assignments
        if instance.chief(a.chief_id).available(a.day, instance.slot(a.slot_id))
    ]
    alone = dataclasses.replace(restrict(instance, zone_ids), cross_zone_helpers=0)
    part = solve(alone, still_possible)
    kept = [a for a in original.assignments if segment_zone.get(a.segment_id) not in zone_ids]
    kept_zones = {z.zone_id for z in instance.zones} - zone_ids
    scored = check_roster(
        restrict(instance, kept_zones), ownership, Roster(instance.week, tuple(kept), {})
    )
    if not scored.ok:
        shown = "; ".join(str(v) for v in scored.violations[:3])
        raise InputError(
            f"the roster being re-planned breaks the rules of this re-plan in zones it would "
            f"keep ({len(scored.violations)} problems: {shown}); a re-plan reads the run's "
            "recorded files, so one of them (rules, chiefs, roads) changed since the run, "
            "or the run comes from another roadchief version: plan the week again"
        )
    parts: dict[str, SolveStats] = dict(part.parts)
    for zone_id, stats in original.parts.items():
        if zone_id in kept_zones:
            objective = float(scored.zones[zone_id].objective)
            bound = min(stats.best_bound, objective)
            parts[zone_id] = SolveStats(
                KEPT, objective, bound, 0.0, stats.seed, bound_on=stats.bound_on
            )
    return Roster(
        instance.week, tuple(sorted([*kept, *part.assignments])), dict(sorted(parts.items()))
    )


def _refuse_cross_zone_links(
    instance: PatrolInstance,
    original: Roster,
    zone_ids: set[str],
    segment_zone: dict[str, str],
) -> None:
    """Raise InputError if a cross-zone patrol of ``original`` touches ``zone_ids``."""
    home_of = {c.chief_id: c.zone_id for c in instance.chiefs}
    links: list[tuple[str, str, str]] = sorted(
        {
            (a.chief_id, home, segment_zone[a.segment_id])
            for a in original.assignments
            if a.segment_id in segment_zone
            and (home := home_of.get(a.chief_id)) is not None
            and home != segment_zone[a.segment_id]
            and (home in zone_ids or segment_zone[a.segment_id] in zone_ids)
        }
    )
    if links:
        shown = "; ".join(f"{c} of zone {h} helps zone {z}" for c, h, z in links[:5])
        raise InputError(
            f"the roster being re-planned has cross-zone help touching the zones to re-plan "
            f"({shown}); a re-plan does not move cross-zone help: plan the week again with "
            "the absences as leave in the chiefs file"
        )


@dataclass(frozen=True)
class RosterChanges:
    """What a re-plan changed, counted per (person, segment, day) patrol."""

    kept: int
    dropped_away: int
    """Patrols of the absent people on days they are away: these had to go."""
    dropped_others: int
    added_others: int
    before_start_changed: int
    """Patrols changed before the re-plan date: always 0."""
    people_changed: tuple[str, ...]
    """People, besides the absent ones, whose patrols changed."""

    def to_json(self) -> dict[str, object]:
        return {**dataclasses.asdict(self), "people_changed": list(self.people_changed)}


def roster_changes(
    original: Iterable[Assignment],
    new: Iterable[Assignment],
    absences: Sequence[Absence],
    start: dt.date,
) -> RosterChanges:
    """Compare two rosters of one week patrol by patrol (slot moves count as changes)."""

    def key(a: Assignment) -> tuple[str, str, dt.date, str]:
        return (a.chief_id, a.segment_id, a.day, a.slot_id)

    old = {key(a): a for a in original}
    now = {key(a): a for a in new}
    dropped = [old[k] for k in sorted(old.keys() - now.keys())]
    added = [now[k] for k in sorted(now.keys() - old.keys())]
    away = [a for a in dropped if is_away(a, absences)]
    dropped_others = [a for a in dropped if not is_away(a, absences)]
    return RosterChanges(
        kept=len(old.keys() & now.keys()),
        dropped_away=len(away),
        dropped_others=len(dropped_others),
        added_others=len(added),
        before_start_changed=sum(1 for a in [*dropped, *added] if a.day < start),
        people_changed=tuple(sorted({a.chief_id for a in [*dropped_others, *added]})),
    )
