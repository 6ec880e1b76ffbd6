"""Turn a prepared city, its chiefs and the rules into the solver's PatrolInstance."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from roadchief.config import Rules
from roadchief.domain import Chief, PatrolInstance, Segment, Week, Zone
from roadchief.geo.campaigns import campaign_segments
from roadchief.geo.city import PreparedCity
from roadchief.patrol_week import PatrolWeek


def build_instance(
    city: PreparedCity, chiefs: Sequence[Chief], rules: Rules, week: Week
) -> PatrolInstance:
    """The week's instance: placed segments, zones, people, slots and limits, all measured.

    The week is read on the rules' working calendar (``Rules.patrol_week``): its patrol
    days, each segment's demand scaled to them, weekend leave lifted on make-up days; the
    special campaigns of the week add their extra patrols (``week_campaigns``)."""
    days = rules.patrol_week(week)
    campaigns = week_campaigns(city, rules, days)
    zones = tuple(Zone(str(r.zone_id), str(r.name)) for r in city.zones_gdf.itertuples(index=False))
    segments = tuple(
        Segment(
            segment_id=str(r.segment_id),
            source_id=str(r.source_id),
            zone_id=str(r.zone_id),
            road_name=str(r.road_name or ""),
            road_class=str(r.road_class),
            length_m=float(r.length_m),
            x_m=float(r.x_m),
            y_m=float(r.y_m),
            from_node=int(r.from_node),
            to_node=int(r.to_node),
            patrols_per_week=days.demand(int(r.patrols_per_week), str(r.road_class))
            + sum(campaigns.get(str(r.segment_id), {}).values()),
            place_types=tuple(t for t in str(getattr(r, "place_types", "") or "").split(",") if t),
        )
        for r in city.segments_gdf.itertuples(index=False)
    )
    return PatrolInstance(
        week=week,
        days=days.patrol_days,
        slots=rules.slots,
        zones=zones,
        segments=segments,
        chiefs=with_makeup_days(chiefs, days),
        limits={level: rule.limits for level, rule in rules.levels.items()},
        weights=rules.weights,
        min_rest_hours=rules.min_rest_hours,
        helpers_per_segment=rules.helpers_per_segment,
        cross_zone_helpers=rules.cross_zone_helpers,
        context=dataclasses.replace(rules.plan_context(days), campaigns=campaigns),
    )


def week_campaigns(city: PreparedCity, rules: Rules, week: PatrolWeek) -> dict[str, dict[str, int]]:
    """segment id -> campaign name -> its extra patrols this week, for campaigns of the week."""
    active = [c for c in rules.campaigns if c.week_extra(week) > 0]
    if not active:
        return {}
    found = campaign_segments(active, city, rules.place_snap_m, rules.source)
    out: dict[str, dict[str, int]] = {}
    for c in active:
        for sid in found[c.name]:
            out.setdefault(sid, {})[c.name] = c.week_extra(week)
    return out


def with_makeup_days(chiefs: Sequence[Chief], week: PatrolWeek) -> tuple[Chief, ...]:
    """The chiefs with the week's make-up working days (调休) in their leave and
    preferences: a person off on ``sat`` works a working Saturday."""
    makeup = week.makeup_days
    if not makeup:
        return tuple(chiefs)
    return tuple(
        dataclasses.replace(
            c,
            unavailable=dataclasses.replace(c.unavailable, makeup_days=makeup),
            avoid=dataclasses.replace(c.avoid, makeup_days=makeup),
        )
        for c in chiefs
    )
