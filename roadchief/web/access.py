"""Who may see whose things: one rule for every route.

A planner sees everyone; a chief only themselves; a supervisor (二级/一级路长) their
area: the people below them in the chief hierarchy (``supervisor_id``, any depth) and
everyone of the zones those people and they themselves serve; a 总路长 the whole city.
A unit sees no person's tours or tracks, only the cases pushed to it.

Cases: a planner and a 总路长 see every case (the unplaced ones too); a supervisor those
of their area's zones and people; a chief those of their own segments; a unit those
dispatched to it. What each role may do to a case it sees is ``MOVES``: one table of
(from, to) pairs, each a transition of the loop's table (the loop still checks every one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from roadchief.domain import Chief, ChiefLevel
from roadchief.loop.ledger import LedgerRow
from roadchief.loop.states import CaseState
from roadchief.web_records import Role, User


@dataclass(frozen=True)
class Scope:
    """The chief ids a user may see; ``everyone`` for planners and a 总路长."""

    everyone: bool
    chief_ids: frozenset[str]
    zone_ids: frozenset[str]

    def sees(self, chief_id: str | None) -> bool:
        return chief_id is not None and (self.everyone or chief_id in self.chief_ids)


NOBODY = Scope(False, frozenset(), frozenset())


def scope_of(user: User | None, chiefs: Iterable[Chief]) -> Scope:
    """What ``user`` may see among ``chiefs`` (the people of the latest import)."""
    people = list(chiefs)
    if user is None or user.disabled:
        return NOBODY
    if user.role == Role.PLANNER:
        return Scope(True, frozenset(c.chief_id for c in people), frozenset())
    known = {c.chief_id: c for c in people}
    me = known.get(user.chief_id or "")
    if me is None or user.role not in (Role.CHIEF, Role.SUPERVISOR):
        return NOBODY
    if user.role == Role.CHIEF:
        return Scope(False, frozenset({me.chief_id}), frozenset())
    if me.level == ChiefLevel.GENERAL:
        return Scope(True, frozenset(known), frozenset())
    below = _below(me.chief_id, people)
    zones = {c.zone_id for c in [me, *(known[b] for b in below)] if c.zone_id is not None}
    ids = {me.chief_id, *below} | {c.chief_id for c in people if c.zone_id in zones}
    return Scope(False, frozenset(ids), frozenset(zones))


def _below(chief_id: str, people: list[Chief]) -> set[str]:
    """Everyone whose chain of supervisors reaches ``chief_id`` (cycles are cut)."""
    children: dict[str, list[str]] = defaultdict(list)
    for c in people:
        if c.supervisor_id:
            children[c.supervisor_id].append(c.chief_id)
    seen: set[str] = set()
    todo = list(children.get(chief_id, []))
    while todo:
        nxt = todo.pop()
        if nxt in seen or nxt == chief_id:
            continue
        seen.add(nxt)
        todo.extend(children.get(nxt, []))
    return seen


S = CaseState
MOVES: dict[Role, frozenset[tuple[CaseState, CaseState]]] = {
    Role.SUPERVISOR: frozenset({
        (S.REPORTED, S.FILED), (S.REPORTED, S.REJECTED),
        (S.FILED, S.DISPATCHED), (S.FILED, S.REJECTED), (S.FILED, S.PARKED),
        (S.RETURNED, S.DISPATCHED), (S.RETURNED, S.REJECTED), (S.PARKED, S.DISPATCHED),
        (S.DISPATCHED, S.EXTENDED), (S.EXTENDED, S.EXTENDED), (S.REWORK, S.EXTENDED),
        (S.DISPATCHED, S.PARKED),
        (S.HANDLED, S.CLOSED), (S.HANDLED, S.REWORK), (S.CLOSED, S.REWORK),
    }),
    Role.CHIEF: frozenset({
        (S.REPORTED, S.SELF_FIXED), (S.HANDLED, S.CLOSED), (S.HANDLED, S.REWORK),
    }),
    Role.UNIT: frozenset({
        (S.DISPATCHED, S.HANDLED), (S.EXTENDED, S.HANDLED), (S.REWORK, S.HANDLED),
        (S.DISPATCHED, S.RETURNED),
    }),
    Role.PLANNER: frozenset(),
}  # fmt: skip
"""Who may make which change: a supervisor files, dispatches, extends, parks and strikes
off (销号: closed only from handled, that is after the recheck); a chief fixes on the spot
and records the recheck of their segment (pass: closed, fail: rework); a unit reports its
fix or returns a wrong dispatch."""
FLAGGING = frozenset({Role.SUPERVISOR})
"""Who may flag a case (挂牌督办)."""
PLACING = frozenset({Role.PLANNER, Role.SUPERVISOR})
"""Who may place a case by hand, when they see the whole city (unplaced cases, and a
place in any zone)."""
PUSHED = frozenset({S.DISPATCHED, S.EXTENDED, S.HANDLED, S.REWORK, S.CLOSED})
"""States a case reaches only through a dispatch: its unit is then the one pushed to."""


def sees_case(user: User | None, scope: Scope, row: LedgerRow) -> bool:
    """True if ``user`` may see the case of ``row``."""
    if user is None or user.disabled:
        return False
    if user.role == Role.UNIT:
        return bool(user.unit) and row.unit == user.unit and row.state in PUSHED
    if user.role == Role.CHIEF:
        return bool(row.chief_id) and row.chief_id == user.chief_id
    if scope.everyone:
        return user.role in (Role.PLANNER, Role.SUPERVISOR)
    if user.role != Role.SUPERVISOR:
        return False
    return row.zone_id in scope.zone_ids or scope.sees(row.chief_id or None)


def may_place(user: User | None, scope: Scope) -> bool:
    """True if ``user`` may place a case by hand (``PLACING``)."""
    return user is not None and not user.disabled and user.role in PLACING and scope.everyone


def moves_of(user: User | None, state: CaseState) -> list[CaseState]:
    """The states ``user`` may move a case they see from ``state`` to, in the loop's order."""
    if user is None:
        return []
    allowed = MOVES[user.role]
    return [to for to in CaseState if (state, to) in allowed]
