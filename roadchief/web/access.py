"""Who may see whose things: one rule for every route.

A planner sees everyone; a chief only themselves; a supervisor (二级/一级路长) their
area: the people below them in the chief hierarchy (``supervisor_id``, any depth) and
everyone of the zones those people and they themselves serve; a 总路长 the whole city.
A unit sees no person's tours or tracks (its cases come with the closed loop).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from roadchief.domain import Chief, ChiefLevel
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
