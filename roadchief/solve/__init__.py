"""Decide who owns each segment and who patrols what, when; check the result independently.

``plan_roster`` is imported lazily, so that the checker, the greedy and the ownership
step can be used without loading ortools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roadchief.solve.baseline import greedy_roster
from roadchief.solve.check import CheckReport, ZoneCheck, check_roster, explain_roster
from roadchief.solve.ownership import assign_owners, measure_ownership
from roadchief.solve.settings import SolverSettings

if TYPE_CHECKING:
    from roadchief.solve.roster.week import plan_roster

__all__ = [
    "CheckReport",
    "SolverSettings",
    "ZoneCheck",
    "assign_owners",
    "check_roster",
    "explain_roster",
    "greedy_roster",
    "measure_ownership",
    "plan_roster",
]


def __getattr__(name: str) -> Any:
    if name == "plan_roster":
        from roadchief.solve.roster.week import plan_roster

        return plan_roster
    raise AttributeError(f"module 'roadchief.solve' has no attribute {name!r}")
