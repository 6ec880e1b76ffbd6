"""The roster's business rules, each in its own module, listed once: hard rules first.

A rule module holds the rule's data preparation, its constraint or penalty terms in the
CP-SAT model, the checker's independent measure, its name and (soft rules) its weights
(``base.Rule``). ``RULES`` is the one list: the model applies the rules in this order (the
order CP-SAT's deterministic search depends on), the checker measures them in it, and the
reports list the soft rules in it. A new soft rule is one module here, a line in
``RULES``, its weight in ``default_rules.toml`` and its tests.
"""

from __future__ import annotations

from roadchief.solve.roster.rules.availability import Availability
from roadchief.solve.roster.rules.base import Measure, PenaltyTerm, Rule
from roadchief.solve.roster.rules.changes import FewChanges
from roadchief.solve.roster.rules.continuity import Continuity
from roadchief.solve.roster.rules.demand import UnmetDemand
from roadchief.solve.roster.rules.fairness import FairLoad, FairUnsocial
from roadchief.solve.roster.rules.helpers import CrossZonePatrols, HelperPatrols
from roadchief.solve.roster.rules.once_a_day import SegmentOncePerDay
from roadchief.solve.roster.rules.owner_reach import OwnerReach
from roadchief.solve.roster.rules.personal import PersonalPatrols
from roadchief.solve.roster.rules.pins import Pins
from roadchief.solve.roster.rules.preferences import Preferences
from roadchief.solve.roster.rules.rechecks import Rechecks
from roadchief.solve.roster.rules.rest import RestBetweenTours
from roadchief.solve.roster.rules.short_tours import ShortTours
from roadchief.solve.roster.rules.spread import SpreadRepeats
from roadchief.solve.roster.rules.strict import StrictCoverage
from roadchief.solve.roster.rules.tour_length import TourLength
from roadchief.solve.roster.rules.tours import MaxToursPerWeek, OneTourPerDay, ToursAreWalked
from roadchief.solve.roster.rules.who_may_patrol import WhoMayPatrol
from roadchief.solve.roster.rules.windows import SlotWindows

RULES: tuple[Rule, ...] = (
    Availability(),
    WhoMayPatrol(),
    OneTourPerDay(),
    ToursAreWalked(),
    MaxToursPerWeek(),
    RestBetweenTours(),
    TourLength(),
    SegmentOncePerDay(),
    SpreadRepeats(),
    Pins(),
    StrictCoverage(),
    OwnerReach(),
    UnmetDemand(),
    SlotWindows(),
    PersonalPatrols(),
    HelperPatrols(),
    CrossZonePatrols(),
    FairLoad(),
    FairUnsocial(),
    Continuity(),
    FewChanges(),
    Preferences(),
    Rechecks(),
    ShortTours(),
)
"""Every rule of the weekly roster: hard rules, the implied cut, then the soft rules."""

SOFT_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.soft)
"""The rules whose penalty terms make up the objective, in ``RULES`` order."""

WEIGHT_KEYS: frozenset[str] = frozenset(k for r in SOFT_RULES for k in r.weights)
"""Every ``[objective]`` key the soft rules read."""

__all__ = ["RULES", "SOFT_RULES", "WEIGHT_KEYS", "Measure", "PenaltyTerm", "Rule"]
