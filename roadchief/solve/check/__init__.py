"""The independent checker: re-verify a roster's hard rules and recompute its objective, without ortools."""

from roadchief.solve.check.checker import check_roster
from roadchief.solve.check.explain import explain_roster
from roadchief.solve.check.report import CheckReport, ZoneCheck

__all__ = ["CheckReport", "ZoneCheck", "check_roster", "explain_roster"]
