"""A zone's capacity floor: the least its unmet demand can cost, given what its people can walk.

Pure arithmetic, no solver. Every tour walks at most its person's cap (the checker's rule), so
in a week the zone's people walk at most the sum over people of cap x the tours they can
walk (their tours a week, and no more than the days they are available); a segment is
patrolled at most once a day, so at most on as many days as someone who may patrol it is
available, and never usefully beyond its demand. Filling that walking capacity with the
patrols that save most unmet cost per metre (a fractional knapsack) covers at least as much
as any roster can, so the unmet cost left is a lower bound on every roster's objective (the
other soft rules only add). CP-SAT's bound is often far stronger, but it exists only once its
root LP is solved: a zone whose share of the time ends first reported a bound near zero under
shortage (issue 17). The zone's reported bound is the larger of the two.
"""

from __future__ import annotations

from roadchief.solve.roster.zone import ZoneProblem


def capacity_floor(zone: ZoneProblem) -> float:
    """The unmet-demand cost no roster of ``zone`` can go below (see the module docstring)."""
    room = float(
        sum(
            zone.cap_cm[p] * min(zone.max_tours[p], zone.days_open[p])
            for p in range(len(zone.people))
        )
    )
    days: dict[int, set[int]] = {}
    for p, d in zone.open_slots:
        days.setdefault(p, set()).add(d)
    per_10m = zone.weights["unmet_per_10m"]
    total = 0.0
    items = []
    for s in range(len(zone.segments)):
        value = float(per_10m * zone.units_10m[s])
        total += value * zone.demand[s]
        reachable = set().union(*(days.get(p, set()) for p in zone.patrollers[s]))
        most = min(zone.demand[s], len(reachable))
        if most > 0:
            items.append((value / max(1, zone.length_cm[s]), zone.length_cm[s], value, most))
    covered = 0.0
    for _ratio, cm, value, most in sorted(items, reverse=True):
        if room <= 0:
            break
        take = min(float(most), room / max(1, cm))
        covered += take * value
        room -= take * cm
    return max(0.0, total - covered)
