"""Phase 2 of the roster: zones left short are solved again with outside helpers.

Phase 1 solves every zone alone. A zone that leaves required patrols unplanned is then
solved again with its outside helpers (``outside.py``: the nearest people of other zones)
added to its people, warm-started from its phase-1 tours. A helper may only use a day on
which they have no tour (home or an earlier zone's), in a slot that keeps the rest against
their other tours, within their tours a week left; each patrol costs
``weights.cross_zone_per_10m`` per 10 m (rule ``CrossZonePatrols``).

Rules of the phase, all deterministic:

- People of a short zone never help elsewhere: their own zone is solved again.
- Short zones are served most uncovered length first (then by id). Zones sharing no
  helper are solved side by side in one wave; a zone sharing a helper with an earlier one
  waits for a later wave and sees the days that wave took.
- Phase 2 keeps a zone's new roster only if it plans no fewer patrols and costs no more
  than phase 1 (phase 1's roster is a roster of the phase-2 model with the helpers idle).
- ``--strict``: phase 1 solves the zones without ``strict`` (the best their own people can
  do); a zone it leaves not fully covered (required, window or personal patrols) is solved
  in phase 2 with its helpers and ``strict``; if they cannot close the gap either, the
  phase-2 solve explains why, as a strict zone always does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from roadchief.domain import Chief, Ownership, PatrolInstance
from roadchief.solve.roster.capacity import unmet_floor
from roadchief.solve.roster.outside import outside_helpers
from roadchief.solve.roster.zone import Tours, ZoneProblem, cap_cm
from roadchief.solve.roster.zones import ZoneResult, solve_zones
from roadchief.solve.settings import SolverSettings

PHASE_SHARE = 0.25
"""Share of the roster's time limit kept for phase 2 when a zone is bound to be short
(``reserve_share``); split equally among its waves."""

Busy = dict[str, dict[int, int]]
"""chief id -> day index -> slot index of the tours the person already walks."""


def relax_strict(zones: Sequence[ZoneProblem], instance: PatrolInstance) -> list[ZoneProblem]:
    """With --strict and cross-zone help on: the zones for phase 1, without ``strict``, so
    that a zone its people cannot cover alone gets to phase 2 instead of an error."""
    if instance.cross_zone_helpers <= 0:
        return list(zones)
    return [dataclasses.replace(z, strict=False) if z.strict else z for z in zones]


def fully_covered(zone: ZoneProblem, tours: Tours) -> bool:
    """True if ``tours`` plan every required, slot-window and personal patrol of ``zone``."""
    if planned_patrols(zone, tours) < sum(zone.demand):
        return False
    walked: dict[int, list[tuple[int, int]]] = {}  # segment -> [(person, slot)]
    for (p, _d), (t, segs) in tours.items():
        for s in segs:
            walked.setdefault(s, []).append((p, t))
    for s, windows in enumerate(zone.windows):
        mine = walked.get(s, [])
        if any(sum(1 for _p, t in mine if t in slots) < n for slots, n in windows):
            return False
        if (
            zone.accountable
            and sum(1 for p, _t in mine if p == zone.owner[s]) < zone.accountable[s]
        ):
            return False
    return True


def planned_patrols(zone: ZoneProblem, tours: Tours) -> int:
    """Required patrols the tours plan: per segment, its patrols up to its demand."""
    count = [0] * len(zone.segments)
    for _t, segs in tours.values():
        for s in segs:
            count[s] += 1
    return sum(min(c, need) for c, need in zip(count, zone.demand, strict=True))


def uncovered_cm(zone: ZoneProblem, tours: Tours) -> int:
    """Required patrol length the tours leave unplanned, in cm."""
    count = [0] * len(zone.segments)
    for _t, segs in tours.values():
        for s in segs:
            count[s] += 1
    return sum(
        max(0, need - c) * zone.length_cm[s]
        for s, (c, need) in enumerate(zip(count, zone.demand, strict=True))
    )


def help_short_zones(
    instance: PatrolInstance,
    ownership: Ownership,
    zones: Sequence[ZoneProblem],
    results: Sequence[ZoneResult],
    settings: SolverSettings,
    *,
    strict: Mapping[str, bool],
    time_limit_s: float,
) -> tuple[list[ZoneProblem], list[ZoneResult]]:
    """Phase 2 over phase 1's ``zones`` and ``results``: the zones (short ones now with
    their helpers) and their results, in the same order, in ``time_limit_s`` (the phase's
    own budget, ``week.plan_roster``) split equally among its waves.

    ``strict`` says, per zone id, whether the zone must be fully covered (``--strict``);
    a zone solved in phase 1 without it (``relax_strict``) is served whatever it lacks.
    """
    zones, results = list(zones), list(results)
    if instance.cross_zone_helpers <= 0:
        return zones, results
    relaxed = {z.zone_id for z in zones if strict.get(z.zone_id) and not z.strict}
    short = sorted(
        (
            i
            for i, z in enumerate(zones)
            if (z.zone_id in relaxed and not fully_covered(z, results[i][0]))
            or planned_patrols(z, results[i][0]) < sum(z.demand)
        ),
        key=lambda i: (-uncovered_cm(zones[i], results[i][0]), zones[i].zone_id),
    )
    if not short:
        return zones, results
    allowed = outside_helpers(instance, ownership)
    short_ids = {zones[i].zone_id for i in short}
    chiefs = {c.chief_id: c for c in instance.chiefs}
    helpers = {
        i: [
            chiefs[h]
            for h in allowed.get(zones[i].zone_id, ())
            if chiefs[h].zone_id not in short_ids
        ]
        for i in short
    }
    busy = busy_days(zones, results)
    waves = _waves([i for i in short if helpers[i] or zones[i].zone_id in relaxed], helpers)
    # a relaxed zone in no wave was fully covered in phase 1: strict holds as it is
    for wave in waves:
        problems = [
            with_helpers(
                dataclasses.replace(zones[i], strict=strict.get(zones[i].zone_id, False)),
                instance,
                helpers[i],
                busy,
            )
            for i in wave
        ]
        found = solve_zones(
            problems,
            [results[i][0] for i in wave],
            settings,
            time_limit_s=time_limit_s / len(waves),
        )
        for i, zone, (tours, stats) in zip(wave, problems, found, strict=True):
            old_tours, old = results[i]
            better = stats.objective <= old.objective and planned_patrols(
                zone, tours
            ) >= planned_patrols(zones[i], old_tours)
            if zone.strict or better:  # a strict zone's phase 2 covers it fully or raises
                wall = old.wall_s + stats.wall_s
                zones[i], results[i] = zone, (tours, dataclasses.replace(stats, wall_s=wall))
                for (p, d), (t, _segs) in tours.items():
                    if p in zone.outside:
                        busy.setdefault(zone.people[p].chief_id, {})[d] = t
    return zones, results


def reserve_share(zones: Sequence[ZoneProblem], instance: PatrolInstance) -> float:
    """The share of the time limit phase 1 leaves to phase 2: ``PHASE_SHARE`` if cross-zone
    help is on, some zone is bound to be short (its people cannot walk its demand:
    ``unmet_floor`` above 0, counted before any search) and some zone is not, whose people
    may help; else 0. Not the whole capacity floor: helpers' patrols cost too, and a zone
    they cover is not short (the demo city kept a quarter of its time for a phase 2 with
    nothing to do). People of a short zone never help, so where every zone is bound to be
    short phase 2 has no helper to give (central Shanghai, Mesa and Helsinki at 10-50%
    staffing ended phase 1 at 90-97 s of 120 and left the rest idle)."""
    if instance.cross_zone_helpers <= 0:
        return 0.0
    bound_short = [unmet_floor(z) > 0 for z in zones]
    return PHASE_SHARE if any(bound_short) and not all(bound_short) else 0.0


def busy_days(zones: Sequence[ZoneProblem], results: Sequence[ZoneResult]) -> Busy:
    """Every person's tours in the zones' results, by day."""
    out: Busy = {}
    for zone, (tours, _stats) in zip(zones, results, strict=True):
        for (p, d), (t, _segs) in tours.items():
            out.setdefault(zone.people[p].chief_id, {})[d] = t
    return out


def _waves(order: Sequence[int], helpers: Mapping[int, Sequence[Chief]]) -> list[list[int]]:
    """Short zones in waves: each zone one wave after the last wave holding a zone that
    shares a helper with it, so that earlier zones pick days first."""
    waves: list[list[int]] = []
    taken: list[set[str]] = []
    for i in order:
        mine = {c.chief_id for c in helpers[i]}
        after = max((k + 1 for k, used in enumerate(taken) if used & mine), default=0)
        if after == len(waves):
            waves.append([])
            taken.append(set())
        waves[after].append(i)
        taken[after] |= mine
    return waves


def with_helpers(
    zone: ZoneProblem, instance: PatrolInstance, helpers: Sequence[Chief], busy: Busy
) -> ZoneProblem:
    """``zone`` with ``helpers`` appended to its people as outside helpers: each may walk
    any segment of the zone that fits their tour, on days they have no tour, in slots that
    keep the rest against their tours, within the tours a week they have left."""
    people, caps, max_tours = list(zone.people), list(zone.cap_cm), list(zone.max_tours)
    open_slots = dict(zone.open_slots)
    outside = set()
    for person in helpers:
        mine = busy.get(person.chief_id, {})
        left = person.max_patrols_per_week - len(mine)
        slots = _open_slots(zone, person, mine)
        if left <= 0 or not slots:
            continue
        p = len(people)
        people.append(person)
        caps.append(cap_cm(instance.limits[person.level].max_km_per_tour))
        max_tours.append(left)
        outside.add(p)
        for d, ok in slots.items():
            open_slots[(p, d)] = ok
    patrollers = tuple(
        who + tuple(p for p in sorted(outside) if zone.length_cm[s] <= caps[p])
        for s, who in enumerate(zone.patrollers)
    )
    return dataclasses.replace(
        zone,
        people=tuple(people),
        cap_cm=tuple(caps),
        max_tours=tuple(max_tours),
        open_slots=open_slots,
        patrollers=patrollers,
        outside=frozenset(outside),
    )


def _open_slots(
    zone: ZoneProblem, person: Chief, busy: Mapping[int, int]
) -> dict[int, tuple[int, ...]]:
    """Day -> slots in which ``person`` may walk a tour for ``zone``: available, a free
    unlocked day, and rest kept against each of their tours."""
    clash = set()
    for d1, a, d2, b in zone.rest_conflicts:
        if busy.get(d1) == a:
            clash.add((d2, b))
        if busy.get(d2) == b:
            clash.add((d1, a))
    out = {}
    for d, day in enumerate(zone.days):
        if d in busy or d in zone.locked:
            continue
        ok = tuple(
            t
            for t, slot in enumerate(zone.slots)
            if person.available(day, slot) and (d, t) not in clash
        )
        if ok:
            out[d] = ok
    return out
