"""Say why no roster covers every required patrol (--strict): which rule, where, how many.

Two steps. ``strict_shortfalls`` counts, before any search, what cannot fit by simple
arithmetic (a segment needing more patrols than there are days someone may walk it, a
zone needing more patrol-km than its people can walk). ``explain_core`` reads CP-SAT's
subset of segments whose full coverage cannot hold together (one assumption literal per
segment, or-tools #973) and states their need against what their patrollers can give.
"""

from __future__ import annotations

from collections.abc import Mapping

from ortools.sat.python import cp_model

from roadchief.solve.roster.zone import ZoneProblem


def _tours_possible(zone: ZoneProblem, p: int) -> int:
    return min(zone.max_tours[p], zone.days_open[p])


def strict_shortfalls(zone: ZoneProblem) -> list[str]:
    """Shortfalls that make full coverage impossible by counting alone (empty: none found)."""
    out = []
    for s, seg in enumerate(zone.segments):
        need = zone.demand[s]
        if need <= 0:
            continue
        where = f"segment {seg.segment_id} ({seg.road_name or 'unnamed'}, {seg.length_m:.0f} m)"
        who = zone.patrollers[s]
        if not who:
            out.append(
                f"coverage: {where} needs {need} patrol-slots a week, 0 are available: nobody "
                "of the zone who patrols may walk it (longer than every tour, or nobody active)"
            )
            continue
        days = {d for p in who for (q, d) in zone.open_slots if q == p}
        cap = zone.per_day[s] if zone.per_day else 1
        if need > cap * len(days):
            out.append(
                f"coverage: {where} needs {need} patrol-slots a week (at most {cap} a day), "
                f"{cap * len(days)} are available: {len(days)} days on which one of "
                f"{len(who)} people who may walk it is available"
            )
        for window, n in zone.windows[s]:
            ok = {
                d
                for p in who
                for (q, d), slots in zone.open_slots.items()
                if q == p and window & set(slots)
            }
            if n > len(ok):
                names = "/".join(zone.slots[t].slot_id for t in sorted(window))
                out.append(
                    f"slot windows: {where} needs {n} patrol-slots in {names}, "
                    f"{len(ok)} are available"
                )
    need_cm = sum(zone.demand[s] * zone.length_cm[s] for s in range(len(zone.segments)))
    tours = sum(_tours_possible(zone, p) for p in range(len(zone.people)))
    can_cm = sum(_tours_possible(zone, p) * zone.cap_cm[p] for p in range(len(zone.people)))
    if need_cm > can_cm:
        out.append(
            f"capacity: zone {zone.zone_id} needs {need_cm / 1e5:.1f} km of patrols "
            f"({sum(zone.demand)} patrol-slots of segments), its {len(zone.people)} people can "
            f"walk at most {can_cm / 1e5:.1f} km in {tours} tours this week"
        )
    for p, person in enumerate(zone.people):
        own = [s for s in range(len(zone.segments)) if zone.owner[s] == p and zone.accountable[s]]
        km = sum(zone.accountable[s] * zone.length_cm[s] for s in own)
        cap = _tours_possible(zone, p) * zone.cap_cm[p]
        if km > cap:
            out.append(
                f"personal patrols: {person.chief_id} must walk {len(own)} own segments "
                f"({km / 1e5:.1f} km) personally but can walk {cap / 1e5:.1f} km in "
                f"{_tours_possible(zone, p)} tours this week"
            )
    return out


def explain_core(
    zone: ZoneProblem,
    model: cp_model.CpModel,
    lits: Mapping[int, cp_model.IntVar],
    solver: cp_model.CpSolver,
) -> str:
    """The message for a strict zone CP-SAT proved infeasible: the segments that cannot all
    be covered together, their need and what their patrollers can give."""
    core = list(solver.sufficient_assumptions_for_infeasibility())
    if not core:  # only some workers report the core: ask one worker
        again = cp_model.CpSolver()
        again.parameters.num_workers = 1
        again.parameters.max_time_in_seconds = 30.0
        again.solve(model)
        core = list(again.sufficient_assumptions_for_infeasibility())
    by_index = {lit.index: s for s, lit in lits.items()}
    segs = sorted({by_index[i] for i in core if i in by_index})
    if not segs:
        return (
            f"zone {zone.zone_id}: no roster covers every required patrol (--strict), and "
            "the solver named no smaller set of segments; the rules combined (rest, spread, "
            "tours a week, slot windows) leave too few patrol-slots"
        )
    people = sorted({p for s in segs for p in zone.patrollers[s]})
    need = sum(zone.demand[s] for s in segs)
    tours = sum(_tours_possible(zone, p) for p in people)
    names = ", ".join(zone.segments[s].segment_id for s in segs[:12])
    more = f" and {len(segs) - 12} more" if len(segs) > 12 else ""
    return (
        f"zone {zone.zone_id}: no roster covers every required patrol (--strict). Rule: "
        f"coverage with spread, slot windows and personal patrols. These {len(segs)} "
        f"segments cannot all be covered together: {names}{more}. They need {need} "
        f"patrol-slots this week ({sum(zone.demand[s] * zone.length_cm[s] for s in segs) / 1e5:.1f} km); "
        f"the {len(people)} people who may walk them have {tours} tours available "
        f"({', '.join(zone.people[p].chief_id for p in people[:10])}). Add people, allow more "
        "tours a week, or drop --strict to get the best partial roster with its shortfall."
    )
