"""Run the whole chain on files: ingest, ownership, roster, check, maps and exports."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from roadchief import __version__
from roadchief.config import load_rules
from roadchief.domain import Week
from roadchief.errors import InfeasibleError
from roadchief.geo.prepare import prepare_city
from roadchief.instance import build_instance
from roadchief.io.chiefs import read_chiefs
from roadchief.render.exports import (
    write_json,
    write_ownership_csv,
    write_roster_csv,
    write_unplaced_geojson,
)
from roadchief.render.maps import render_chief_maps, render_overview
from roadchief.solve.check import check_roster
from roadchief.solve.ownership import assign_owners
from roadchief.solve.roster import plan_roster

StageHook = Callable[[str], Any]


@dataclass(frozen=True)
class PlanOptions:
    """The inputs of one ``roadchief plan`` run, recorded in the run folder."""

    zones: Path
    roads: Path
    chiefs: Path
    out: Path
    week: Week
    places: Path | None = None
    incidents: Path | None = None
    rules: Path | None = None
    crs: str | None = None
    zones_layer: str | None = None
    roads_layer: str | None = None
    time_limit_s: float = 60.0
    workers: int = 2
    seed: int = 0

    def to_json(self) -> dict[str, Any]:
        out = {k: (str(v) if isinstance(v, Path | Week) else v) for k, v in asdict(self).items()}
        out["week"] = str(self.week)
        return out


@dataclass
class StageTimer:
    """Wall time of each stage, in seconds."""

    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str, hook: StageHook | None) -> Iterator[None]:
        if hook is not None:
            hook(name)
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)


def default_week(today: dt.date | None = None) -> Week:
    """Next week: the ISO week after the one containing today."""
    return Week.containing(today or dt.date.today()).next()


def run_plan(opts: PlanOptions, on_stage: StageHook | None = None) -> dict[str, Any]:
    """Run every stage and write the run folder; return the summary that was written."""
    started = time.perf_counter()
    timer = StageTimer()
    rules = load_rules(opts.rules)
    with timer.stage("ingest", on_stage):
        city = prepare_city(
            opts.zones,
            opts.roads,
            rules,
            places=opts.places,
            incidents=opts.incidents,
            crs=opts.crs,
            zones_layer=opts.zones_layer,
            roads_layer=opts.roads_layer,
        )
        chiefs = read_chiefs(opts.chiefs, rules, set(city.zones_gdf["zone_id"].astype(str)))
        instance = build_instance(city, chiefs, rules, opts.week)
    with timer.stage("ownership", on_stage):
        ownership = assign_owners(instance)
    with timer.stage("roster", on_stage):
        roster = plan_roster(
            instance,
            ownership,
            time_limit_s=opts.time_limit_s,
            workers=opts.workers,
            seed=opts.seed,
        )
    with timer.stage("check", on_stage):
        check = check_roster(instance, ownership, roster)
        if not check.ok:
            raise InfeasibleError(
                "the roster broke hard rules; this is a bug, please report it:\n  - "
                + "\n  - ".join(check.violations[:20])
            )
    out = opts.out
    with timer.stage("maps and exports", on_stage):
        (out / "chiefs").mkdir(parents=True, exist_ok=True)
        write_roster_csv(roster, instance, ownership, out / "roster.csv")
        write_ownership_csv(ownership, instance, out / "ownership.csv")
        write_unplaced_geojson(city, out / "unplaced.geojson")
        render_overview(city, ownership, roster, instance, out / "overview.html")
        chief_maps = render_chief_maps(city, ownership, roster, instance, out / "chiefs")
    report = city.report
    summary: dict[str, Any] = {
        "roadchief_version": __version__,
        "week": str(opts.week),
        "segments_in": report.segments_in,
        "segments_placed": len(instance.segments),
        "segments_unplaced": len(city.unplaced_gdf),
        "zones": len(instance.zones),
        "chiefs": len(instance.chiefs),
        "patrols_required": check.patrols_required,
        "patrols_planned": check.patrols_planned,
        "uncovered_km": round(check.uncovered_km, 3),
        "status": roster.status,
        "objective": roster.objective,
        "best_bound": roster.best_bound,
        "gap": round(roster.gap, 6),
        "wall_s": round(time.perf_counter() - started, 3),
        "stages_s": timer.seconds,
        "parts": {
            zone: {**asdict(stats), "gap": round(stats.gap, 6)}
            for zone, stats in roster.parts.items()
        },
        "tours": len(roster.tours()),
        "chief_maps": len(chief_maps),
        "metric_crs": report.metric_crs,
        "features_in": report.features_in,
        "features_skipped": report.skipped,
        "warnings": [str(w) for w in report.warnings],
        "unplaced": [
            {
                "segment_id": str(r.segment_id),
                "road_name": str(r.road_name or ""),
                "reason": str(r.reason),
            }
            for r in city.unplaced_gdf.itertuples(index=False)
        ],
        "rules": rules.source,
        "inputs": opts.to_json(),
    }
    write_json(summary, out / "summary.json")
    return summary
