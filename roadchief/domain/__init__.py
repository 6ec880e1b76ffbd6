"""Pure data of the road chief system: zones, segments, chiefs, slots, weeks and rosters
(``city``: the city, its week and the patrol a roster and its pins are made of;
``plans``: what the planner makes).

Nothing here imports geopandas, ortools, folium or sqlalchemy; every length is in metres
in a local metric CRS, already computed by the GIS stage.
"""

from roadchief.domain.city import (
    WEEKDAYS,
    Absence,
    Assignment,
    Chief,
    ChiefLevel,
    PatrolInstance,
    PatrolLimits,
    PlanContext,
    Recheck,
    RosterWeights,
    Segment,
    Slot,
    SlotWindow,
    Unavailability,
    Week,
    Zone,
)
from roadchief.domain.plans import (
    ANY_WALK_BOUND,
    MODEL_BOUND,
    Ownership,
    Roster,
    SolveStats,
    count_by,
    tour_id_for,
    weighted_gap,
)

__all__ = [
    "ANY_WALK_BOUND",
    "MODEL_BOUND",
    "WEEKDAYS",
    "Absence",
    "Assignment",
    "Chief",
    "ChiefLevel",
    "Ownership",
    "PatrolInstance",
    "PatrolLimits",
    "PlanContext",
    "Recheck",
    "Roster",
    "RosterWeights",
    "Segment",
    "Slot",
    "SlotWindow",
    "SolveStats",
    "Unavailability",
    "Week",
    "Zone",
    "count_by",
    "tour_id_for",
    "weighted_gap",
]
