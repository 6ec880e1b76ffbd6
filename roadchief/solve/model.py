"""The CP-SAT variables of one zone's week, in a typed container with hints and extraction."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from roadchief.solve.zone import Tours, ZoneProblem


@dataclass(frozen=True)
class PenaltyTerm:
    """One weighted, labelled term of the objective: ``weight * var``, from a soft rule."""

    rule: str
    label: str
    weight: int
    var: cp_model.IntVar


@dataclass
class RosterVars:
    """Every variable of a zone model, keyed by indices into the ZoneProblem.

    Slots are chosen per person-day (``work``), segments per person-day (``patrol``): with
    at most one tour a day and no slot-level demand, indexing patrols by slot adds nothing.
    """

    work: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    """(person, day, slot) -> the person's tour that day is in this slot."""
    on: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    """(person, day) -> the person walks a tour that day."""
    patrol: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    """(person, segment, day) -> the person's tour that day includes the segment."""
    unmet: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """segment -> required patrols not planned."""
    ceil_mean: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """level group -> its mean tours per person, rounded up."""
    over: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """person -> tours above the group's rounded-up mean."""
    by_tour: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(default_factory=dict)
    """(person, day) -> [(segment, patrol var)]."""
    by_segment_day: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=dict
    )
    """(segment, day) -> [(person, patrol var)]."""
    by_segment: dict[int, list[tuple[int, int, cp_model.IntVar]]] = field(default_factory=dict)
    """segment -> [(person, day, patrol var)] over the week."""

    @classmethod
    def create(cls, model: cp_model.CpModel, zone: ZoneProblem) -> RosterVars:
        """Variables only where a choice exists: available slots, segments the person may walk."""
        v = cls()
        for (p, d), slots in sorted(zone.open_slots.items()):
            who = zone.people[p].chief_id
            day = zone.days[d].isoformat()
            v.on[(p, d)] = model.new_bool_var(f"on[{who},{day}]")
            for t in slots:
                v.work[(p, d, t)] = model.new_bool_var(f"work[{who},{day},{zone.slots[t].slot_id}]")
            tour = v.by_tour.setdefault((p, d), [])
            for s in zone.reach[p]:
                var = model.new_bool_var(f"patrol[{who},{zone.segments[s].segment_id},{day}]")
                v.patrol[(p, s, d)] = var
                tour.append((s, var))
                v.by_segment_day.setdefault((s, d), []).append((p, var))
                v.by_segment.setdefault(s, []).append((p, d, var))
        for s, seg in enumerate(zone.segments):
            v.unmet[s] = model.new_int_var(0, zone.demand[s], f"unmet[{seg.segment_id}]")
        days_open = [0] * len(zone.people)
        for p, _d in zone.open_slots:
            days_open[p] += 1
        most = [min(zone.max_tours[p], days_open[p]) for p in range(len(zone.people))]
        for g, members in enumerate(zone.level_groups):
            if len(members) < 2:
                continue
            # The mean load can be no higher than the mean of the most tours each can walk:
            # an exact bound that lets the LP see the cost of a load above it.
            top = -(-sum(most[p] for p in members) // len(members))
            v.ceil_mean[g] = model.new_int_var(0, top, f"ceil_mean[{g}]")
            for p in members:
                v.over[p] = model.new_int_var(0, most[p], f"over[{zone.people[p].chief_id}]")
        return v

    def hint_values(self, zone: ZoneProblem, tours: Tours) -> dict[cp_model.IntVar, int]:
        """A value for every variable that reproduces ``tours`` (a complete hint)."""
        values: dict[cp_model.IntVar, int] = {}
        for day_key, var in self.on.items():
            values[var] = int(day_key in tours)
        for (p, d, t), var in self.work.items():
            values[var] = int(tours.get((p, d), (-1, []))[0] == t)
        chosen = {(p, s, d) for (p, d), (_t, segs) in tours.items() for s in segs}
        for patrol_key, var in self.patrol.items():
            values[var] = int(patrol_key in chosen)
        count = [0] * len(zone.segments)
        for _p, s, _d in chosen:
            count[s] += 1
        for s, var in self.unmet.items():
            values[var] = max(0, zone.demand[s] - count[s])
        load = [0] * len(zone.people)
        for p, _d in tours:
            load[p] += 1
        for g, var in self.ceil_mean.items():
            members = zone.level_groups[g]
            mean_up = -(-sum(load[p] for p in members) // len(members))
            values[var] = mean_up
            for p in members:
                values[self.over[p]] = max(0, load[p] - mean_up)
        return values

    def extract(self, solver: cp_model.CpSolver, zone: ZoneProblem) -> Tours:
        """The tours of the solver's best solution."""
        tours: Tours = {}
        for (p, d, t), var in sorted(self.work.items()):
            if solver.boolean_value(var):
                segs = [s for s, pv in self.by_tour.get((p, d), []) if solver.boolean_value(pv)]
                tours[(p, d)] = (t, segs)
        return tours
