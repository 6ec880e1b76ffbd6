"""Run the whole chain on files: ingest, ownership, roster, check, maps and exports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from roadchief import __version__
from roadchief.assign import assign_and_write
from roadchief.config import Rules, load_rules
from roadchief.domain import (
    Absence,
    Assignment,
    Ownership,
    PatrolInstance,
    Roster,
    Week,
    count_by,
    weighted_gap,
)
from roadchief.errors import InfeasibleError, InputError, Problem, SolverError
from roadchief.geo.city import PreparedCity
from roadchief.geo.prepare import prepare_city
from roadchief.instance import build_instance
from roadchief.io.chiefs import read_chiefs
from roadchief.io.roster import read_roster_csv, read_run_summary, with_last_week
from roadchief.render.exports import write_json, write_unplaced_geojson
from roadchief.render.outputs import RunResults, write_outputs
from roadchief.render.tiles import BaseMap, base_map
from roadchief.replan import ReplanSpec, replan_week
from roadchief.solve.check import CheckReport, check_roster
from roadchief.solve.explain import repair_counts, write_explain
from roadchief.solve.parallel import LOCAL, probe_scheduler
from roadchief.solve.pool import local_cores
from roadchief.solve.roster import plan_roster
from roadchief.solve.walk import walk_summary

OWNERSHIP_KEYS = ("balance_ratio", "pieces_max", "pieces_mean", "moved", "wall_s")

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
    tiles: str | None = None
    """Background street map of the maps (none, osm, tianditu, amap); None: the rules'."""
    previous: Path | None = None
    """An earlier ownership.csv whose owners are kept wherever possible."""
    pins: Path | None = None
    """Pins (segment_id, chief_id) that ownership must hold."""
    previous_run: Path | None = None
    """Last week's run folder: its roster.csv gives continuity, last patrol dates and a warm
    start (plan --previous); its ownership.csv is then ``previous``."""
    roster_pins: Path | None = None
    """Roster pins (CSV: date, slot, chief_id, segment_id) the roster must hold (plan --pin)."""
    strict: bool = False
    """Full coverage is a hard rule; a shortfall is an explained error."""
    deterministic: bool = False
    """Same inputs and seed, same roster byte for byte (slower search)."""
    replan: ReplanSpec | None = None
    """Set for a re-plan: only the absent people's zones are solved again."""
    parallel: int | None = None
    """Lanes of zones solved side by side (plan --parallel); None: one per core, or per
    worker thread of the Dask cluster."""
    scheduler: str | None = None
    """A Dask scheduler address (plan --scheduler): the lanes run on its workers."""

    def to_json(self) -> dict[str, Any]:
        """The options as JSON values (recorded as ``inputs`` in summary.json)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Path | Week) else value
        out["replan"] = self.replan.to_json() if self.replan else None
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], **changes: Any) -> PlanOptions:
        """Options recorded by ``to_json``, with ``changes`` applied; unknown keys ignored."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data or data[f.name] is None:
                continue
            raw = data[f.name]
            if f.name == "week":
                values[f.name] = Week.parse(raw)
            elif f.name == "replan":
                values[f.name] = ReplanSpec.from_json(raw)
            elif "Path" in str(f.type):
                values[f.name] = Path(raw)
            else:
                values[f.name] = raw
        return cls(**{**values, **changes})


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


def local_lanes(opts: PlanOptions) -> int:
    """Local processes for the ownership: --parallel, at most the local cores."""
    return min(opts.parallel or local_cores(), local_cores())


def check_inputs_exist(opts: PlanOptions) -> None:
    """Name every input file that is missing, all at once, before any work starts."""
    given = [
        ("zones", "--zones", opts.zones), ("roads", "--roads", opts.roads),
        ("chiefs", "--chiefs", opts.chiefs), ("places", "--places", opts.places),
        ("incidents", "--incidents", opts.incidents), ("rules", "--rules", opts.rules),
        ("previous owners", "--previous", opts.previous),
        ("ownership pins", "--pin-owners (assign: --pin)", opts.pins),
        ("roster pins", "--pin", opts.roster_pins),
    ]  # fmt: skip
    problems = [
        Problem(str(path), "", f"the {role} file does not exist; check the {flag} path")
        for role, flag, path in given
        if path is not None and not Path(path).exists()
    ]
    run = opts.previous_run
    if run is not None and not (Path(run) / "roster.csv").is_file():
        problems.append(
            Problem(str(run), "", "--previous takes last week's run folder (the --out of its "
                    "plan, holding roster.csv and ownership.csv); this is not one")
        )  # fmt: skip
    if problems:
        raise InputError(problems)


def ingest(opts: PlanOptions, rules: Rules) -> tuple[PreparedCity, PatrolInstance]:
    """Read and measure the input files into the prepared city and the week's instance."""
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
    return city, build_instance(city, chiefs, rules, opts.week)


def run_assign(opts: PlanOptions, on_stage: StageHook | None = None) -> dict[str, Any]:
    """Ingest and ownership only; write the ownership files and return ownership.json."""
    started = time.perf_counter()
    check_inputs_exist(opts)
    timer = StageTimer()
    rules = load_rules(opts.rules)
    with timer.stage("ingest", on_stage):
        city, instance = ingest(opts, rules)
    return assign_city(city, instance, opts, timer, on_stage, started=started)


def assign_city(
    city: PreparedCity,
    instance: PatrolInstance,
    opts: PlanOptions,
    timer: StageTimer,
    on_stage: StageHook | None = None,
    *,
    started: float,
) -> dict[str, Any]:
    """Own every segment of a prepared city, write the ownership files into ``opts.out``
    and return ownership.json (shared by ``assign`` on files and from the database)."""
    with timer.stage("ownership", on_stage):
        _, summary = assign_and_write(
            instance, opts.out, previous=opts.previous, pins=opts.pins, parallel=local_lanes(opts)
        )
    summary.update(
        segments_in=city.report.segments_in,
        segments_unplaced=len(city.unplaced_gdf),
        run_wall_s=round(time.perf_counter() - started, 3),
        stages_s=timer.seconds,
        inputs=opts.to_json(),
    )
    write_unplaced_geojson(city, opts.out / "unplaced.geojson")
    write_json(summary, opts.out / "ownership.json")
    return summary


def replan_options(
    run: Path, absences: Sequence[Absence], start: dt.date, out: Path, **changes: Any
) -> PlanOptions:
    """The options of a re-plan of ``run``: its recorded inputs, its owners pinned, the
    absences of its own re-plans and ``absences``, with ``changes`` applied."""
    recorded = read_run_summary(run).get("inputs")
    if not isinstance(recorded, dict):
        raise InputError(
            [Problem(str(run / "summary.json"), "inputs", "missing: re-plan needs a run "
                     "folder written by roadchief plan or roadchief replan")]
        )  # fmt: skip
    if Path(out).resolve() == Path(run).resolve():
        raise InputError(
            [Problem(str(out), "", "is the run being re-planned; give another --out folder")]
        )
    base = PlanOptions.from_json(recorded)
    earlier = base.replan.absences if base.replan is not None else ()
    owners = Path(run) / "ownership.csv"
    spec = ReplanSpec(Path(run), start, (*earlier, *absences))
    return dataclasses.replace(base, out=out, previous=owners, pins=owners, replan=spec, **changes)


@dataclass
class PlannedWeek:
    """Everything a run decided, ready to be checked, written and stored."""

    rules: Rules
    city: PreparedCity
    instance: PatrolInstance
    ownership: Ownership
    ownership_summary: dict[str, Any]
    roster: Roster
    check: CheckReport
    timer: StageTimer
    started: float
    replan: dict[str, Any] | None = None
    """What a re-plan changed (summary.json ``replan``); None for a plan."""


def run_plan(opts: PlanOptions, on_stage: StageHook | None = None) -> dict[str, Any]:
    """Run every stage on files and write the run folder; return the summary written."""
    started = time.perf_counter()
    check_inputs_exist(opts)
    if opts.scheduler is not None:
        probe_scheduler(opts.scheduler)  # before the ingest, not after it
    timer = StageTimer()
    rules = load_rules(opts.rules)
    tiles = base_map(opts.tiles or rules.map.tiles, tianditu_key=rules.map.tianditu_key)
    with timer.stage("ingest", on_stage):
        city, instance = ingest(opts, rules)
    planned = plan_week(city, instance, rules, opts, timer, on_stage, started=started)
    return write_run_folder(planned, opts, tiles, on_stage)


def plan_week(
    city: PreparedCity,
    instance: PatrolInstance,
    rules: Rules,
    opts: PlanOptions,
    timer: StageTimer,
    on_stage: StageHook | None = None,
    *,
    started: float | None = None,
) -> PlannedWeek:
    """Own every segment, solve the roster and check it independently (raise if it fails)."""
    with timer.stage("ownership", on_stage):
        ownership, owned = assign_and_write(
            instance, opts.out, previous=opts.previous, pins=opts.pins, parallel=local_lanes(opts)
        )
    replanned: dict[str, Any] | None = None
    with timer.stage("roster", on_stage):
        instance, start = roster_inputs(instance, opts)
        if opts.replan is None:
            roster = solve_roster(instance, ownership, opts, start)
        else:
            instance, roster, replanned = replan_week(
                instance,
                ownership,
                opts.replan,
                lambda part, warm: solve_roster(part, ownership, opts, list(warm)),
            )
    with timer.stage("check", on_stage):
        check = check_roster(instance, ownership, roster)
        if not check.ok:
            raise InfeasibleError(
                "the roster broke hard rules; this is a bug, please report it:\n  - "
                + "\n  - ".join(check.violations[:20])
            )
        if check.objective != roster.objective:
            raise SolverError(
                f"the checker scores the roster {check.objective}, the solver "
                f"{roster.objective:.0f}; this is a bug, please report it"
            )
    return PlannedWeek(
        rules, city, instance, ownership, owned, roster, check, timer,
        started if started is not None else time.perf_counter(), replanned,
    )  # fmt: skip


def solve_roster(
    instance: PatrolInstance, ownership: Ownership, opts: PlanOptions, start: list[Assignment]
) -> Roster:
    """The CP-SAT roster of ``instance`` with the solver options of ``opts``."""
    return plan_roster(
        instance,
        ownership,
        deterministic=opts.deterministic,
        start=start,
        time_limit_s=opts.time_limit_s,
        workers=opts.workers,
        seed=opts.seed,
        parallel=opts.parallel,
        runner=opts.scheduler or LOCAL,
    )


def roster_inputs(
    instance: PatrolInstance, opts: PlanOptions
) -> tuple[PatrolInstance, list[Assignment]]:
    """The instance with --strict, --pin and last week's roster (--previous), and the warm start."""
    context = dataclasses.replace(instance.context, strict=opts.strict)
    start: list[Assignment] = []
    if opts.previous_run is not None:
        start = read_roster_csv(Path(opts.previous_run) / "roster.csv")
        context = with_last_week(context, start, instance.week.monday)
    if opts.roster_pins is not None:
        context = dataclasses.replace(context, pins=tuple(read_roster_csv(opts.roster_pins)))
    return dataclasses.replace(instance, context=context), start


def walk_block(roster: Roster, instance: PatrolInstance, check: CheckReport) -> dict[str, Any]:
    """summary.json ``walk``: the roster's measured walk, the model's allowance and what the
    repair of tours over their cap dropped."""
    ctx = instance.context
    return {
        **walk_summary(check.walks, check.caps_cm),
        "allowance_per_step_m": ctx.walk_allowance_m,
        "detour_factor": ctx.walk_detour_factor,
        **repair_counts(roster),
    }


def write_run_folder(
    planned: PlannedWeek,
    opts: PlanOptions,
    tiles: BaseMap | None,
    on_stage: StageHook | None = None,
) -> dict[str, Any]:
    """Write maps, exports and summary.json into ``opts.out``; return the summary."""
    p, out = planned, opts.out
    city, instance, ownership, roster, check = p.city, p.instance, p.ownership, p.roster, p.check
    with p.timer.stage("maps and exports", on_stage):
        results = RunResults(city, instance, ownership, roster, check.walks)
        written = write_outputs(
            results, out, time_zone=p.rules.time_zone, tiles=tiles, lang=p.rules.language
        )
        chief_maps, calendars = written.person_pages, written.calendars
    report = city.report
    required = {zone: float(z.patrols_required) for zone, z in check.zones.items()}
    summary: dict[str, Any] = {
        "roadchief_version": __version__,
        "week": str(instance.week),
        "segments_in": report.segments_in,
        "segments_placed": len(instance.segments),
        "segments_unplaced": len(city.unplaced_gdf),
        "zones": len(instance.zones),
        "chiefs": len(instance.chiefs),
        "patrols_required": check.patrols_required,
        "patrols_planned": check.patrols_planned,
        "uncovered_km": round(check.uncovered_km, 3),
        "status": roster.status,
        "parts_by_status": count_by(p.status for p in roster.parts.values()),
        "objective": roster.objective,
        "best_bound": roster.best_bound,
        "gap": round(roster.gap, 6),
        "gap_city": round(roster.gap_city, 6),
        "gap_worst_part": round(max((p.gap for p in roster.parts.values()), default=0.0), 6),
        "gap_weighted": round(weighted_gap(roster.parts, required), 6),
        "gap_weighted_by": "patrols_required",
        "stopped_by_clock": sorted(z for z, p in roster.parts.items() if p.stopped_by_clock),
        "checker": {"violations": len(check.violations), "objective": check.objective},
        "cross_zone": {
            "helpers_per_zone": instance.cross_zone_helpers,
            "patrols": sum(z.cross_zone_patrols for z in check.zones.values()),
            "km": round(sum(z.cross_zone_km for z in check.zones.values()), 3),
            "by_zone": {
                zone: {"patrols": z.cross_zone_patrols, "km": round(z.cross_zone_km, 3)}
                for zone, z in check.zones.items()
                if z.cross_zone_patrols
            },
        },
        "ownership": {k: p.ownership_summary[k] for k in OWNERSHIP_KEYS},
        "wall_s": round(time.perf_counter() - p.started, 3),
        "stages_s": p.timer.seconds,
        "parts": {
            zone: {
                **asdict(stats),
                "gap": round(stats.gap, 6),
                **{k: v for k, v in asdict(check.zones[zone]).items() if k != "zone_id"},
            }
            for zone, stats in roster.parts.items()
        },
        "tours": len(roster.tours()),
        "walk": walk_block(roster, instance, check),
        "chief_maps": len(chief_maps),
        "chief_calendars": len(calendars),
        "outputs": {
            "overview": "overview.html",
            "report": "report.html",
            "roster": ["roster.csv", "roster.xlsx", "roster.gpkg"],
            "ownership": "ownership.csv",
            "unplaced": "unplaced.geojson",
            "chiefs": sorted(str(p.relative_to(out)) for p in [*chief_maps, *calendars]),
            "tiles": tiles.name if tiles else "none",
            "overview_bytes": (out / "overview.html").stat().st_size,
        },
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
        "rules": p.rules.source,
        "inputs": opts.to_json(),
        "replan": p.replan,
    }
    summary["explain"] = write_explain(roster, instance, check, out / "explain.md")
    summary["cross_zone"]["helpers"] = summary["explain"]["cross_zone_help"]
    write_json(summary, out / "summary.json")
    return summary
