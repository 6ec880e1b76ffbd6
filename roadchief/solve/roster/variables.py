"""The CP-SAT variables of one zone's week, in a typed container with hints and extraction."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from roadchief.solve.roster.zone import Tours, ZoneProblem, short_units


@dataclass
class RosterVars:
    """Every variable of a zone model, keyed by indices into the ZoneProblem.

    Slots are chosen per person-day (``work``), segments per person-day (``patrol``): with
    at most one tour a day and no slot-level demand, indexing patrols by slot adds nothing.
    The rules' own variables (``unmet`` for the demand rule, ``in_window`` and
    ``window_unmet`` for slot windows, ``short`` for personal patrols, ...) are created here
    too, all before any rule is applied and in one fixed order, segment by segment: CP-SAT's
    deterministic search depends on the order of the model's variables.
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
    in_window: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = field(
        default_factory=dict
    )
    """(segment, window) -> [(day, var)]: the segment's patrol that day is in one of the
    window's slots (one var per day, not per person: a segment has one patrol a day)."""
    window_walker: dict[int, int] = field(default_factory=dict)
    """in_window variable index -> the person whose patrol it is, for segments with more
    than one patrol a day (``rules/once_a_day.py``): each patrol in the window counts."""
    window_unmet: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    """(segment, window) -> patrols the window requires that are not planned in it."""
    short: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """segment -> personal patrols of its owner that are not planned."""
    unsocial_mean: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """level group -> its mean unsocial tours per person, rounded up."""
    unsocial_over: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """person -> unsocial tours above the group's rounded-up mean."""
    moved: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    """(person, day) -> the person's tour that weekday last week is not in the same slot."""
    short_tour: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    """(person, day) -> 10 m units the tour's segments fall short of ``zone.min_tour_cm``."""
    dropped: dict[tuple[int, int, int], cp_model.IntVar] = field(default_factory=dict)
    """(person, segment, day) of the re-planned roster -> that patrol is dropped."""
    slot_moved: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    """(person, day) of the re-planned roster -> the tour that day is in another slot."""
    strict_lits: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """segment -> assumption literal enforcing its full coverage (strict mode)."""
    recheck_missed: dict[int, cp_model.IntVar] = field(default_factory=dict)
    """recheck (index into ``ZoneProblem.rechecks``) -> no patrol of its segment in time."""
    cell_on: dict[tuple[int, int], dict[int, cp_model.IntVar]] = field(default_factory=dict)
    """(person, day) -> cell -> the person's tour that day enters the walk cell
    (``cells.py``); only tours that could enter more than one cell."""
    tour_rows: dict[tuple[int, int], list[cp_model.Constraint]] = field(default_factory=dict)
    """(person, day) -> the rows keeping the tour within its room (``rules/tour_length.py``,
    ``ZoneModel.price_far_cells``), so that ``ZoneModel.widen_rooms`` can widen them."""

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
            cells = sorted({zone.cells.cell[s] for s in zone.reach[p]})
            if zone.cells.cell_cm > 0 and len(cells) > 1:
                v.cell_on[(p, d)] = {
                    c: model.new_bool_var(f"cell_on[{who},{day},{c}]") for c in cells
                }
        for s, seg in enumerate(zone.segments):
            v.unmet[s] = model.new_int_var(0, zone.demand[s], f"unmet[{seg.segment_id}]")
            for k, (window, n) in enumerate(zone.windows[s]):
                items = v.in_window.setdefault((s, k), [])
                for d in range(len(zone.days)):
                    walkers = v.by_segment_day.get((s, d), [])
                    able = [
                        (
                            p,
                            var,
                            [v.work[(p, d, t)] for t in zone.open_slots[(p, d)] if t in window],
                        )
                        for p, var in walkers
                    ]
                    if not any(fits for _p, _var, fits in able):
                        continue
                    if zone.per_day and zone.per_day[s] > 1:  # a patrol a day may miss it
                        for p, var, fits in able:
                            if fits:
                                z = model.new_bool_var(f"in_window[{seg.segment_id},{k},{d},{p}]")
                                model.add_implication(z, var)
                                model.add_bool_or([~z, *fits])
                                items.append((d, z))
                                v.window_walker[z.index] = p
                        continue
                    y = model.new_bool_var(f"in_window[{seg.segment_id},{k},{d}]")
                    model.add_bool_or([~y, *(var for _p, var, _f in able)])
                    for _p, var, fits in able:  # the one who walks it that day is in the window
                        model.add_bool_or([~y, ~var, *fits])
                    items.append((d, y))
                v.window_unmet[(s, k)] = model.new_int_var(
                    0, n, f"window_unmet[{seg.segment_id},{k}]"
                )
            if zone.accountable[s] > 0:
                v.short[s] = model.new_int_var(0, zone.accountable[s], f"short[{seg.segment_id}]")
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
            if zone.unsocial:
                v.unsocial_mean[g] = model.new_int_var(0, top, f"unsocial_mean[{g}]")
                for p in members:
                    v.unsocial_over[p] = model.new_int_var(
                        0, most[p], f"unsocial_over[{zone.people[p].chief_id}]"
                    )
        for (p, d), prev in sorted(zone.previous_slot.items()):
            if prev is not None and (p, d, prev) in v.work:
                who = zone.people[p].chief_id
                v.moved[(p, d)] = model.new_bool_var(f"moved[{who},{zone.days[d]}]")
        if zone.min_tour_cm and zone.weights["short_tour_per_10m"]:
            top = short_units(0, zone.min_tour_cm)
            for p, d in sorted(v.by_tour):
                who = zone.people[p].chief_id
                v.short_tour[(p, d)] = model.new_int_var(0, top, f"short_tour[{who},{d}]")
        for p, s, d in sorted(zone.baseline):
            if (p, s, d) in v.patrol and d not in zone.locked:
                v.dropped[(p, s, d)] = model.new_bool_var(f"dropped[{p},{s},{d}]")
        for (p, d), t in sorted(zone.baseline_slot.items()):
            if (p, d, t) in v.work and d not in zone.locked:
                v.slot_moved[(p, d)] = model.new_bool_var(f"slot_moved[{p},{d}]")
        for k, (s, _last) in enumerate(zone.rechecks):
            v.recheck_missed[k] = model.new_bool_var(f"recheck_missed[{k},{s}]")
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
        slot_of = {key: t for key, (t, _segs) in tours.items()}
        for (s, k), items in self.in_window.items():
            slots, n = zone.windows[s][k]
            got = 0
            for d, y in items:
                who = [self.window_walker[y.index]] if y.index in self.window_walker else None
                on = any(
                    (p, s, d) in chosen and slot_of.get((p, d)) in slots
                    for p in (who if who is not None else zone.patrollers[s])
                )
                values[y] = int(on)
                got += int(on)
            values[self.window_unmet[(s, k)]] = max(0, n - got)
        by_owner = [0] * len(zone.segments)
        for p, s, _d in chosen:
            by_owner[s] += int(p == zone.owner[s])
        for s, var in self.short.items():
            values[var] = max(0, zone.accountable[s] - by_owner[s])
        for key, var in self.moved.items():
            values[var] = int(slot_of.get(key) != zone.previous_slot[key])
        for (p, d), var in self.short_tour.items():
            segs = tours.get((p, d), (-1, []))[1]
            walked = sum(zone.short_cm[s] for s in segs)
            values[var] = short_units(walked, zone.min_tour_cm) if segs else 0
        for drop_key, var in self.dropped.items():
            values[var] = int(drop_key not in chosen)
        for day_key, var in self.slot_moved.items():
            moved = day_key in tours and tours[day_key][0] != zone.baseline_slot[day_key]
            values[var] = int(moved)
        for lit in self.strict_lits.values():
            values[lit] = 1
        cell = zone.cells.cell
        entered = {(p, d, cell[s]) for (p, d), (_t, segs) in tours.items() for s in segs}
        for (p, d), by_cell in self.cell_on.items():
            for c, var in by_cell.items():
                values[var] = int((p, d, c) in entered)
        for k, var in self.recheck_missed.items():
            s, last = zone.rechecks[k]
            values[var] = int(not any(ss == s and d <= last for _p, ss, d in chosen))
        load = [0] * len(zone.people)
        for p, _d in tours:
            load[p] += 1
        for g, var in self.ceil_mean.items():
            members = zone.level_groups[g]
            mean_up = -(-sum(load[p] for p in members) // len(members))
            values[var] = mean_up
            for p in members:
                values[self.over[p]] = max(0, load[p] - mean_up)
        unsocial = [0] * len(zone.people)
        for (p, d), (t, _segs) in tours.items():
            unsocial[p] += int((d, t) in zone.unsocial)
        for g, var in self.unsocial_mean.items():
            members = zone.level_groups[g]
            mean_up = -(-sum(unsocial[p] for p in members) // len(members))
            values[var] = mean_up
            for p in members:
                values[self.unsocial_over[p]] = max(0, unsocial[p] - mean_up)
        return values

    def extract(
        self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback, zone: ZoneProblem
    ) -> Tours:
        """The tours of the solver's best solution (or of the solution a callback has)."""
        tours: Tours = {}
        for (p, d, t), var in sorted(self.work.items()):
            if solver.boolean_value(var):
                segs = [s for s, pv in self.by_tour.get((p, d), []) if solver.boolean_value(pv)]
                tours[(p, d)] = (t, segs)
        return tours
