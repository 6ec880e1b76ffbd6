"""One zone's CP-SAT model: its variables, every rule applied, the objective; hints and cuts."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from roadchief.solve.roster.rules import RULES, PenaltyTerm
from roadchief.solve.roster.rules.tour_length import length_row, walked_room
from roadchief.solve.roster.variables import RosterVars
from roadchief.solve.roster.zone import Tours, ZoneProblem


@dataclass
class ZoneModel:
    """One zone's CP-SAT model: its variables and the penalty terms of its objective."""

    zone: ZoneProblem
    model: cp_model.CpModel
    vars: RosterVars
    terms: list[PenaltyTerm]
    far: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    """(person, day) -> walk between far cells the tour enters, beyond what the cells plan
    (``price_far_cells``)."""
    priced: dict[tuple[int, int], int] = field(default_factory=dict)
    """Pairs of cells priced so far, and the walk between them beyond the cells' own."""
    rooms: dict[tuple[int, int], int] = field(default_factory=dict)
    """(person, day) -> the room a tour was widened to (``widen_rooms``)."""
    cuts: dict[frozenset[int], list[tuple[int, cp_model.Constraint]]] = field(default_factory=dict)
    """Segments forbidden together (``forbid_over_cap``) -> each person's row forbidding them."""

    @classmethod
    def build(cls, zone: ZoneProblem) -> ZoneModel:
        """Create the variables, apply every rule and minimise the sum of penalty terms.

        CP-SAT's deterministic search depends on the order in which variables, constraints
        and terms are created: the variables first (``RosterVars.create``), then the rules
        in the order of ``RULES``.
        """
        model = cp_model.CpModel()
        v = RosterVars.create(model, zone)
        terms: list[PenaltyTerm] = []
        for rule in RULES:
            terms.extend(rule.apply(model, zone, v))
        model.minimize(
            cp_model.LinearExpr.weighted_sum([t.var for t in terms], [t.weight for t in terms])
        )
        return cls(zone, model, v, terms)

    def add_hint(self, tours: Tours) -> None:
        """Hint every variable with the values that reproduce ``tours`` (replacing any
        earlier hint)."""
        values = self.vars.hint_values(self.zone, tours)
        for key, far in self.far.items():
            values[far] = self.far_cm(tours[key][1]) if key in tours else 0
        hint = self.model.proto.solution_hint
        hint.vars.clear()
        hint.values.clear()
        hint.vars.extend(var.index for var in values)
        hint.values.extend(values.values())

    def meets_strict(self, tours: Tours) -> bool:
        """True if ``tours`` leave no required, window or personal patrol unplanned."""
        values = self.vars.hint_values(self.zone, tours)
        missing = [*self.vars.unmet.values(), *self.vars.window_unmet.values()]
        return all(values[v] == 0 for v in [*missing, *self.vars.short.values()])

    def objective_of(self, tours: Tours) -> int:
        """The objective value the model gives ``tours``."""
        values = self.vars.hint_values(self.zone, tours)
        return sum(t.weight * values[t.var] for t in self.terms)

    def forbid_over_cap(self, tours: Tours) -> int:
        """Forbid, for good, every tour of ``tours`` whose measured walk exceeds its cap: the
        same segments may not all be walked together by anyone whose cap is no longer, on
        any day; and plan the walk between the far cells they joined (``price_far_cells``).
        Returns the number of tours forbidden (0: every tour fits)."""
        zone, v = self.zone, self.vars
        over = zone.over_cap(tours)
        self.price_far_cells(over)
        for (p, _d), (_t, segs) in over.items():
            rows = self.cuts.setdefault(frozenset(segs), [])
            for (q, _e), items in sorted(v.by_tour.items()):
                chosen = dict(items)
                if zone.cap_cm[q] <= zone.cap_cm[p] and all(s in chosen for s in segs):
                    rows.append((q, self.model.add(sum(chosen[s] for s in segs) <= len(segs) - 1)))
        return len(over)

    def lift_disproved(self, tours: Tours) -> int:
        """Allow again the segments ``forbid_over_cap`` forbade together that a tour of
        ``tours`` walks within its cap along with others: walked in that tour's order, the
        others left out, they fit too (a step is the shortest walk, so leaving a segment out
        never walks more), and that order becomes their plan (``WalkNetwork.prefer``); the
        walk was measured past the cap in another order (a tour of 256 segments, Helsinki at
        10%). Lifted for the tours of anyone whose cap is no shorter; a roster walking them
        is a hint the model takes again. Returns the number of rows lifted."""
        zone = self.zone
        lifted = 0
        for (p, _d), (_t, segs) in sorted(tours.items()):
            held = set(segs)
            for together in [c for c in self.cuts if c <= held]:
                zone.walk.prefer([zone.segments[s].segment_id for s in segs if s in together])
                if zone.tour_walk_cm(sorted(together)) > zone.cap_cm[p]:
                    continue
                rows = self.cuts[together]
                for q, row in rows:
                    if zone.cap_cm[q] >= zone.cap_cm[p]:
                        bounds = row.proto.linear.domain  # [least, most]; most: always met
                        bounds[len(bounds) - 1] = len(together)  # OR-Tools 9.15 ignores index -1
                        lifted += 1
                rows[:] = [(q, row) for q, row in rows if zone.cap_cm[q] < zone.cap_cm[p]]
                if not rows:
                    del self.cuts[together]
        return lifted

    def price_far_cells(self, over: Tours) -> int:
        """Plan the walk between far cells that ``over`` (tours walked past their cap)
        joined: for each pair of their cells farther apart than a step and an entry, every
        tour that enters both is planned with the rest of the straight line between their
        nearest segments (``between_cm``), which no walk between them is shorter than. The
        model's cells price a cell entered at one entry wherever it lies (a tour of two
        cells 2.2 km apart was planned at one entry of 144 m, central Shanghai at 25%).
        Returns the number of pairs newly priced."""
        zone, v = self.zone, self.vars
        per_step = zone.cells.step_cm + zone.cells.cell_cm
        pairs: dict[tuple[int, int], int] = {}
        for _t, segs in over.values():
            cells = sorted({zone.cells.cell[s] for s in segs})
            for i, a in enumerate(cells):
                for b in cells[i + 1 :]:
                    if (a, b) in self.priced or (a, b) in pairs:
                        continue  # measured once
                    extra = between_cm(zone, a, b) - per_step
                    if extra > 0:
                        pairs[(a, b)] = extra
        for (a, b), extra in sorted(pairs.items()):
            self.priced[(a, b)] = extra
            for key, cells_on in sorted(v.cell_on.items()):
                if a in cells_on and b in cells_on:
                    far = self._far_walk(key)
                    self.model.add(far >= extra * (cells_on[a] + cells_on[b] - 1))
        return len(pairs)

    def widen_rooms(self, tours: Tours) -> int:
        """Let each tour of ``tours``, walked within its cap, be planned as it is: its
        room widened to what the model plans it at (segments, steps, cells entered and far
        walk priced), where that is more. The model's walk is an estimate of a whole
        cell's: compact tours walk less (central Shanghai at 10%: every tour of the
        warm start, walked within its cap, planned at up to 1.49 times it), and a search
        hinted with them starts from a worse roster of its own. Rooms only widen. Returns
        the number of tours widened."""
        zone, v = self.zone, self.vars
        widened = 0
        for key, (_t, segs) in sorted(tours.items()):
            planned = zone.model_cm(segs) + self.far_cm(segs)
            if key not in v.tour_rows or planned <= self.rooms.get(key, zone.tour_room_cm(*key)):
                continue
            self.rooms[key] = planned
            widened += 1
            on = v.on[key].index
            for row in v.tour_rows[key]:
                linear = row.proto.linear
                k = list(linear.vars).index(on)
                linear.coeffs[k] = -walked_room(zone, v, key, planned)
        return widened

    def far_cm(self, segs: list[int]) -> int:
        """The far walk a tour of ``segs`` is planned with: the most of its priced pairs."""
        cells = {self.zone.cells.cell[s] for s in segs}
        return max((x for (a, b), x in self.priced.items() if a in cells and b in cells), default=0)

    def _far_walk(self, key: tuple[int, int]) -> cp_model.IntVar:
        """The tour's far walk, added to its length rule (``rules/tour_length.py``) the
        first time a pair of its cells is priced."""
        if key in self.far:
            return self.far[key]
        zone, v = self.zone, self.vars
        room = zone.tour_room_cm(*key)
        far = self.model.new_int_var(0, room, f"far_walk[{key[0]},{key[1]}]")
        row = length_row(self.model, zone, v, key, self.rooms.get(key, room), far)
        v.tour_rows.setdefault(key, []).append(row)
        self.far[key] = far
        return far


def between_cm(zone: ZoneProblem, a: int, b: int) -> int:
    """The straight line between the nearest segments of cells ``a`` and ``b``, less half
    of each one's length (every point of a segment is within half its length of its
    midpoint): no walk from one cell's segments to the other's is shorter."""
    cell = np.asarray(zone.cells.cell)
    xy, half = zone.midpoints, np.asarray(zone.length_cm, dtype=float) / 200.0
    ia, ib = np.flatnonzero(cell == a), np.flatnonzero(cell == b)
    apart = np.hypot(*(xy[ia, None, :] - xy[None, ib, :]).transpose(2, 0, 1))
    gap_m = apart - half[ia, None] - half[None, ib]
    return max(0, int(gap_m.min() * 100)) if gap_m.size else 0
