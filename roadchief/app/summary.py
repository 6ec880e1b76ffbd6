"""The run summary, typed: what a plan made, measured once, serialised to summary.json.

Every figure is read from the run's results (the roster, the checker's report, the
ownership's measures, the ingest report); nothing is computed twice. ``to_json`` writes
the keys summary.json has always had; ``from_json`` reads a stored one back, tolerating
keys that older runs lack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from roadchief import __version__
from roadchief.app.plan import PlannedWeek
from roadchief.campaigns import campaign_report
from roadchief.domain import SolveStats, count_by, weighted_gap
from roadchief.reasons import parse_reason
from roadchief.solve.check.explain import explain_roster
from roadchief.solve.roster.fit import repair_counts
from roadchief.solve.roster.impossible import impossible_demand_of
from roadchief.solve.roster.roster_walks import walk_summary

OWNERSHIP_KEYS = ("balance_ratio", "pieces_max", "pieces_mean", "moved", "wall_s")
"""The ownership's measures repeated in summary.json (ownership.json has them all)."""


@dataclass(frozen=True)
class Part:
    """One zone: how its roster was solved and what the checker measured there."""

    stats: SolveStats
    measures: Mapping[str, Any]
    """The checker's figures of the zone (coverage, penalties by rule, ...)."""

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self.stats), "gap": round(self.stats.gap, 6), **self.measures}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Part:
        names = {f.name for f in fields(SolveStats)}
        rest = {k: v for k, v in data.items() if k not in names and k != "gap"}
        return cls(SolveStats.from_json(data), rest)


@dataclass(frozen=True)
class Outputs:
    """The files of a run folder (summary.json ``outputs``)."""

    chiefs: tuple[str, ...]
    """Chief maps and calendars, relative to the run folder."""
    tiles: str
    overview_bytes: int
    overview: str = "overview.html"
    report: str = "report.html"
    roster: tuple[str, ...] = ("roster.csv", "roster.xlsx", "roster.gpkg")
    ownership: str = "ownership.csv"
    unplaced: str = "unplaced.geojson"

    def to_json(self) -> dict[str, Any]:
        return {
            "overview": self.overview, "report": self.report, "roster": list(self.roster),
            "ownership": self.ownership, "unplaced": self.unplaced, "chiefs": list(self.chiefs),
            "tiles": self.tiles, "overview_bytes": self.overview_bytes,
        }  # fmt: skip


@dataclass(frozen=True)
class RunSummary:
    """summary.json of a run, field by field in the file's order."""

    week: str
    segments_in: int
    segments_placed: int
    segments_unplaced: int
    zones: int
    chiefs: int
    patrols_required: int
    patrols_planned: int
    """Planned patrols toward the requirement: per segment at most its required patrols."""
    uncovered_km: float
    status: str
    parts_by_status: Mapping[str, int]
    objective: float
    best_bound: float
    gap: float
    """The city's gap, the same figure as ``gap_city`` (see ``Roster.gap_city``)."""
    gap_city: float
    gap_worst_part: float
    gap_weighted: float
    stopped_by_clock: tuple[str, ...]
    checker_violations: int
    checker_objective: float
    cross_zone: Mapping[str, Any]
    ownership: Mapping[str, Any]
    wall_s: float
    stages_s: Mapping[str, float]
    parts: Mapping[str, Part]
    tours: int
    walk: Mapping[str, Any]
    metric_crs: str
    features_in: Mapping[str, int]
    features_skipped: Mapping[str, int]
    warnings: tuple[str, ...]
    unplaced: tuple[Mapping[str, str], ...]
    rules: str
    inputs: Mapping[str, Any]
    replan: Mapping[str, Any] | None
    explain: Mapping[str, Any]
    outputs: Outputs | None = None
    """Set by the run folder's writer; None until the folder is written."""
    outputs_s: Mapping[str, float] = field(default_factory=dict)
    """Seconds each output took to write (set with ``outputs``)."""
    figures: Mapping[str, Any] = field(default_factory=dict)
    """The run's headline figures as ``roadchief.figures`` defines them (``FIGURE_KEYS``)."""
    chief_maps: int = 0
    chief_calendars: int = 0
    roadchief_version: str = __version__
    gap_weighted_by: str = "patrols_required"
    rechecks_required: int = 0
    """Cases waiting for their recheck (复检) on the week's segments (``rules/rechecks.py``)."""
    rechecks_planned: int = 0
    """Of those, the ones with a patrol of their segment by their recheck deadline."""
    calendar: Mapping[str, Any] = field(default_factory=dict)
    """The week on the working calendar and the holiday rule (``PatrolWeek.to_json``)."""
    campaigns: tuple[Mapping[str, Any], ...] = ()
    """The week's special campaigns (专项整治, ``campaigns.campaign_report``)."""
    hotspot_segments: int = 0
    """The week's segments with recurring problems (``loop.hotspots``): extra patrols."""
    hotspot_extra_patrols: int = 0
    """The extra patrols those segments get this week, in their demand."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Keys of a stored summary this version does not know (kept, written back as they were)."""

    def to_json(self) -> dict[str, Any]:
        """summary.json as a dict, keys in the file's order."""
        out = {
            "roadchief_version": self.roadchief_version,
            **{k: getattr(self, k) for k in _HEAD},
            **self.figures,
            "rechecks_required": self.rechecks_required,
            "rechecks_planned": self.rechecks_planned,
            "hotspot_segments": self.hotspot_segments,
            "hotspot_extra_patrols": self.hotspot_extra_patrols,
            "parts_by_status": dict(self.parts_by_status),
            "objective": self.objective, "best_bound": self.best_bound, "gap": self.gap,
            "gap_city": self.gap_city, "gap_worst_part": self.gap_worst_part,
            "gap_weighted": self.gap_weighted, "gap_weighted_by": self.gap_weighted_by,
            "stopped_by_clock": list(self.stopped_by_clock),
            "checker": {"violations": self.checker_violations, "objective": self.checker_objective},
            "cross_zone": dict(self.cross_zone), "ownership": dict(self.ownership),
            "wall_s": self.wall_s, "stages_s": dict(self.stages_s),
            "outputs_s": dict(self.outputs_s),
            "parts": {zone: p.to_json() for zone, p in self.parts.items()},
            "tours": self.tours, "walk": dict(self.walk), "calendar": dict(self.calendar),
            "campaigns": [dict(c) for c in self.campaigns],
            "chief_maps": self.chief_maps, "chief_calendars": self.chief_calendars,
            "outputs": self.outputs.to_json() if self.outputs else None,
            "metric_crs": self.metric_crs, "features_in": dict(self.features_in),
            "features_skipped": dict(self.features_skipped), "warnings": list(self.warnings),
            "unplaced": [dict(u) for u in self.unplaced], "rules": self.rules,
            "inputs": dict(self.inputs), "replan": self.replan, "explain": dict(self.explain),
        }  # fmt: skip
        return {**out, **self.extra}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RunSummary:
        """A stored summary.json; keys older runs lack take their empty value."""
        d = dict(data)
        checker = d.pop("checker", {}) or {}
        outputs = d.pop("outputs", None)
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {k: d.pop(k) for k in list(d) if k in known}
        values["parts"] = {z: Part.from_json(p) for z, p in values.get("parts", {}).items()}
        values["figures"] = {k: d.pop(k) for k in FIGURE_KEYS if k in d}
        values["outputs"] = (
            Outputs(**{**outputs, "chiefs": tuple(outputs["chiefs"]),
                       "roster": tuple(outputs["roster"])})
            if outputs else None
        )  # fmt: skip
        for name in ("stopped_by_clock", "warnings", "unplaced", "campaigns"):
            values[name] = tuple(values.get(name, ()))
        defaults = {
            "segments_in": 0, "segments_placed": 0, "segments_unplaced": 0, "zones": 0,
            "chiefs": 0, "patrols_required": 0, "patrols_planned": 0, "uncovered_km": 0.0,
            "status": "", "parts_by_status": {}, "objective": 0.0, "best_bound": 0.0, "gap": 0.0,
            "gap_city": values.get("gap", 0.0), "gap_worst_part": 0.0, "gap_weighted": 0.0,
            "cross_zone": {}, "ownership": {}, "wall_s": 0.0, "stages_s": {}, "tours": 0,
            "walk": {}, "metric_crs": "", "features_in": {}, "features_skipped": {},
            "rules": "", "inputs": {}, "replan": None, "explain": {},
        }  # fmt: skip
        return cls(
            **{**defaults, **values},
            checker_violations=int(checker.get("violations", 0)),
            checker_objective=checker.get("objective", 0),
            extra=d,
        )


FIGURE_KEYS = (
    "patrols_extra", "patrols_rows", "km_walked", "km_segments", "segments_unplaced_km",
    "evening_share", "weekend_share",
)  # fmt: skip
"""summary.json keys read from ``roadchief.figures`` (after ``uncovered_km``)."""

_HEAD = (
    "week", "segments_in", "segments_placed", "segments_unplaced", "zones", "chiefs",
    "patrols_required", "patrols_planned", "uncovered_km", "status",
)  # fmt: skip


def summarise(
    planned: PlannedWeek, record: Mapping[str, Any], stages_s: Mapping[str, float], wall_s: float
) -> RunSummary:
    """The summary of a planned week (its run folder not written yet: no ``outputs``)."""
    p = planned
    city, instance, roster, check = p.inputs.city, p.instance, p.roster, p.check
    report = city.report
    required = {zone: float(z.patrols_required) for zone, z in check.zones.items()}
    explain = {
        **explain_roster(roster, instance, check),
        # named from the inputs by counting, whatever the solver found (issue 17)
        "impossible_demand": impossible_demand_of(instance, p.ownership),
    }
    cross_zone = {
        "helpers_per_zone": instance.cross_zone_helpers,
        "patrols": check.count("cross_zone_patrols"),
        "km": round(check.count("cross_zone_km"), 3),
        "by_zone": {
            zone: {
                "patrols": z.counts["cross_zone_patrols"],
                "km": round(z.counts["cross_zone_km"], 3),
            }
            for zone, z in check.zones.items()
            if z.counts["cross_zone_patrols"]
        },
        "helpers": explain["cross_zone_help"],
    }
    owned = {**p.owned.report.to_json(), "wall_s": round(p.owned.wall_s, 3)}
    f = p.figures
    figures = {
        "patrols_extra": f.patrols_extra,
        "patrols_rows": f.patrols_planned,
        "km_walked": round(f.km_walked, 3),
        "km_segments": round(f.km_segments, 3),
        "segments_unplaced_km": round(f.km_unplaced, 3),
        "evening_share": f.share(f.evening_tours),
        "weekend_share": f.share(f.weekend_tours),
    }
    ctx, rules = instance.context, p.inputs.rules
    return RunSummary(
        week=str(instance.week),
        segments_in=report.segments_in,
        segments_placed=len(instance.segments),
        segments_unplaced=len(city.unplaced_gdf),
        zones=len(instance.zones),
        chiefs=len(instance.chiefs),
        patrols_required=check.patrols_required,
        patrols_planned=check.patrols_planned,
        uncovered_km=round(check.uncovered_km, 3),
        status=roster.status,
        parts_by_status=count_by(part.status for part in roster.parts.values()),
        objective=roster.objective,
        best_bound=roster.best_bound,
        gap=round(roster.gap_city, 6),
        gap_city=round(roster.gap_city, 6),
        gap_worst_part=round(max((part.gap for part in roster.parts.values()), default=0.0), 6),
        gap_weighted=round(weighted_gap(roster.parts, required), 6),
        stopped_by_clock=tuple(sorted(z for z, s in roster.parts.items() if s.stopped_by_clock)),
        checker_violations=len(check.violations),
        checker_objective=check.objective,
        cross_zone=cross_zone,
        ownership={k: owned[k] for k in OWNERSHIP_KEYS},
        wall_s=wall_s,
        stages_s=dict(stages_s),
        parts={
            zone: Part(stats, check.zones[zone].to_json()) for zone, stats in roster.parts.items()
        },
        tours=len(roster.tours()),
        walk={
            **walk_summary(check.walks, check.caps_cm),
            "allowance_per_step_m": ctx.walk_allowance_m,
            "cell_segments": ctx.walk_cell_segments,  # 0: the allowance a step (cells.py)
            "detour_factor": ctx.walk_detour_factor,
            **repair_counts(roster),
        },
        metric_crs=report.metric_crs,
        features_in=dict(report.features_in),
        features_skipped=dict(report.skipped),
        warnings=tuple(str(w) for w in report.warnings),
        unplaced=tuple(
            {
                "segment_id": str(r.segment_id),
                "road_name": str(r.road_name or ""),
                "reason": str(r.reason),
                **parse_reason(str(r.reason)).to_json(),
            }
            for r in city.unplaced_gdf.itertuples(index=False)
        ),
        rules=p.inputs.rules.source,
        inputs=dict(record),
        replan=p.replan.to_json() if p.replan else None,
        explain=explain,
        figures=figures,
        rechecks_required=int(check.count("rechecks_required")),
        rechecks_planned=int(check.count("rechecks_planned")),
        calendar=rules.patrol_week(instance.week).to_json(rules.road_classes),
        campaigns=tuple(
            campaign_report(
                rules.campaigns, rules.patrol_week(instance.week), instance, f.patrols_by_segment
            )
        ),
        hotspot_segments=len(ctx.hotspots),
        hotspot_extra_patrols=sum(ctx.hotspots.values()),
    )


def with_outputs(
    summary: RunSummary,
    outputs: Outputs,
    *,
    chief_maps: int,
    chief_calendars: int,
    stages_s: Mapping[str, float],
    wall_s: float,
    outputs_s: Mapping[str, float],
) -> RunSummary:
    """The summary once its run folder is written."""
    return replace(
        summary,
        outputs=outputs,
        chief_maps=chief_maps,
        chief_calendars=chief_calendars,
        stages_s=dict(stages_s),
        wall_s=wall_s,
        outputs_s=dict(outputs_s),
    )
