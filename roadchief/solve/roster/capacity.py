"""A zone's capacity floor: the least its unmet demand can cost, given what its people can walk.

Pure arithmetic, no solver. In a week the zone's people walk at most the sum over people
of what a tour holds x the tours they can walk (their tours a week, and no more than the
days they are available); a segment is patrolled at most its patrols a day (usually one)
on each day someone who may patrol it is available, and never usefully beyond its
demand. Filling that walking capacity with the patrols that save most unmet cost per
metre (a fractional knapsack) covers at least as much as any roster can, so the unmet
cost left is a lower bound on every roster's objective (the other soft rules only add).

What a tour holds is counted two ways. On segments alone (``with_walk`` False): a tour's
segments fit its cap, the checker's rule; the impossible demand is named on this count
(``impossible.py``). With the walk the model plans (``with_walk`` True, the floor): a
tour's segments, a step between each two and an entry into each cell after the first fit
its room (``rules/tour_length.py``, ``cells.py``), so each patrol takes its length, a step
and its share of its cell's entry (a tour enters a cell once for all the segments it walks
there: at most the cell's size), and each tour holds its room, a step and an entry more.
That is the bound of the model's problem, as CP-SAT's is. CP-SAT's bound is often
stronger, but it exists only once its root LP is solved: a zone whose share of the time
ends first reported a bound near zero under shortage (issue 17). The zone's reported
bound is the larger of the two, unless the roster walked costs less (``zone_bound``).
"""

from __future__ import annotations

from collections import Counter

from roadchief.solve.roster.zone import ZoneProblem


def reachable_days(zone: ZoneProblem) -> list[int]:
    """Per segment: the days on which someone who may patrol it is available."""
    days: dict[int, set[int]] = {}
    for p, d in zone.open_slots:
        days.setdefault(p, set()).add(d)
    return [
        len(set().union(*(days.get(p, set()) for p in zone.patrollers[s])))
        for s in range(len(zone.segments))
    ]


def patrols_possible(zone: ZoneProblem) -> list[int]:
    """Per segment: the most patrols a week it can have, its reachable days times its
    patrols a day (``rules/once_a_day.py``)."""
    reach = reachable_days(zone)
    if not zone.per_day:
        return reach
    return [n * cap for n, cap in zip(reach, zone.per_day, strict=True)]


def walkable_cm(zone: ZoneProblem, *, with_walk: bool = False) -> float:
    """The most the zone's people can walk in a week: each person's roomiest tours, as
    many as they can walk (segments only, or with the walk the model plans)."""
    extra = zone.cells.step_cm + zone.cells.cell_cm if with_walk else 0
    rooms: dict[int, list[int]] = {}
    for p, d in zone.open_slots:
        room = zone.tour_room_cm(p, d) if with_walk else zone.cap_cm[p]
        rooms.setdefault(p, []).append(room + extra)
    return float(sum(sum(sorted(r, reverse=True)[: zone.max_tours[p]]) for p, r in rooms.items()))


def patrol_cm(zone: ZoneProblem, *, with_walk: bool = False) -> list[float]:
    """Per segment: what one patrol of it takes of a tour (see the module docstring)."""
    if not with_walk:
        return [float(cm) for cm in zone.length_cm]
    cells = zone.cells
    size = Counter(cells.cell)
    return [
        cm + cells.step_cm + cells.cell_cm / size[cells.cell[s]]
        for s, cm in enumerate(zone.length_cm)
    ]


def capacity_cover(zone: ZoneProblem, *, with_walk: bool = False) -> list[float]:
    """Per segment: the patrols the fractional knapsack of the module docstring covers
    (at most its demand and ``patrols_possible``), most unmet cost per metre first."""
    room = walkable_cm(zone, with_walk=with_walk)
    takes = patrol_cm(zone, with_walk=with_walk)
    reach = patrols_possible(zone)
    items = []
    for s in range(len(zone.segments)):
        most = min(zone.demand[s], reach[s])
        if most > 0:
            value = float(zone.unmet_weight(s))
            items.append((value / max(1.0, takes[s]), -s, most))
    covered = [0.0] * len(zone.segments)
    for _ratio, neg, most in sorted(items, reverse=True):
        if room <= 0:
            break
        s = -neg
        take = min(float(most), room / max(1.0, takes[s]))
        covered[s] = take
        room -= take * takes[s]
    return covered


def personal_floor(zone: ZoneProblem, *, with_walk: bool = True) -> float:
    """The personal-patrol cost (``rules/personal.py``) no roster of the model goes below:
    each owner walks at most their own roomiest tours, filled with their own segments'
    personal patrols (at most one a day each), most cost per metre first (what a tour
    holds counted with the walk the model plans, or on segments alone)."""
    if not zone.accountable:
        return 0.0
    takes = patrol_cm(zone, with_walk=with_walk)
    extra = zone.cells.step_cm + zone.cells.cell_cm if with_walk else 0
    per_10m = zone.weights["accountability_per_10m"]
    owned: dict[int, list[int]] = {}
    for s, p in enumerate(zone.owner):
        if p is not None and zone.accountable[s] > 0:
            owned.setdefault(p, []).append(s)
    total = 0.0
    for p, segs in owned.items():
        rooms = sorted(
            (zone.tour_room_cm(p, d) if with_walk else zone.cap_cm[p]) + extra
            for q, d in zone.open_slots
            if q == p
        )
        room = float(sum(rooms[::-1][: zone.max_tours[p]]))
        most = min(zone.max_tours[p], zone.days_open[p])
        for s in sorted(segs, key=lambda s: (-zone.units_10m[s] / max(1.0, takes[s]), s)):
            n = min(zone.accountable[s], most)
            take = min(float(n), max(0.0, room) / max(1.0, takes[s]))
            room -= take * takes[s]
            total += per_10m * zone.units_10m[s] * (zone.accountable[s] - take)
    return total


def beyond_owner_floor(zone: ZoneProblem) -> float:
    """The least the patrols a segment's owner cannot walk cost: its owner walks it at
    most once on each day they can walk a tour (no more than their tours a week); every
    other required patrol is a helper's (``helper_per_10m``), an outside helper's
    (``cross_zone_per_10m``, where the zone has outside people) or unmet, whichever is
    cheapest (``rules/helpers.py``)."""
    w = zone.weights
    possible = patrols_possible(zone)
    total = 0.0
    for s, o in enumerate(zone.owner):
        own = (
            0
            if o is None or o not in zone.patrollers[s]
            else min(zone.days_open[o], zone.max_tours[o])
        )
        need = min(zone.demand[s], possible[s])
        if need > own:
            by = w["helper_per_10m"]  # outside helpers only where the zone has some
            helped = (min(by, w["cross_zone_per_10m"]) if zone.outside else by) * zone.units_10m[s]
            if all(q == o for q in zone.patrollers[s]):  # nobody but the owner may walk it
                helped = zone.unmet_weight(s)
            total += (need - own) * min(helped, zone.unmet_weight(s))
        total += (zone.demand[s] - need) * zone.unmet_weight(s)  # nobody can walk these
    return total


def capacity_floor(zone: ZoneProblem, *, with_walk: bool = True) -> float:
    """The cost no roster of ``zone``'s model can go below (see the module docstring): the
    larger of the unmet demand left once the zone's people walk all they can and the
    patrols left beyond the owners (``beyond_owner_floor``), both floors of the unmet and
    helper terms together, plus the personal patrols left once each owner walks all they
    can, a floor of its own term. ``with_walk`` False: tours hold their segments alone,
    a floor of every roster whatever its walk (``zone_bound``)."""
    unmet = unmet_floor(zone, with_walk=with_walk)
    return max(0.0, unmet, beyond_owner_floor(zone)) + personal_floor(zone, with_walk=with_walk)


def unmet_floor(zone: ZoneProblem, *, with_walk: bool = True) -> float:
    """The unmet demand left once the zone's people walk all they can (``capacity_cover``),
    at its cost: above 0, no roster covers the zone (it is bound to be short)."""
    return sum(
        zone.unmet_weight(s) * (zone.demand[s] - covered)
        for s, covered in enumerate(capacity_cover(zone, with_walk=with_walk))
    )


def zone_bound(zone: ZoneProblem, model_bound: float, objective: float) -> float:
    """The bound a zone reports for a roster costing ``objective`` once walked: the larger
    of the model's bound (CP-SAT's) and the capacity floor, both bounds of the model's
    problem, whose walk is planned by cells. A roster that costs less once walked (the
    refill can do that) shows the model's walk is more than this zone's tours walk; the
    floor on segments alone, a bound of every roster, is reported then, not the roster's
    own objective (a gap of 0 it has not earned). Never above ``objective``."""
    bound = max(model_bound, capacity_floor(zone))
    if bound > objective:
        bound = capacity_floor(zone, with_walk=False)
    return min(bound, objective)
