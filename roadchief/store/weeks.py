"""Plan a week from the database, store it in one transaction, export and list past weeks.

``plan_week_from_db`` rebuilds the PreparedCity and the instance from the latest snapshot
and calls the same ``pipeline.plan_week`` and ``pipeline.write_run_folder`` as a plan on
files. The run folder is written beside the target and moved into place only after the
run is stored, so a planner who loses a race is left with neither a folder nor a row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from roadchief.assign import OUTPUTS as OWNERSHIP_OUTPUTS
from roadchief.config import Rules
from roadchief.domain import Absence, Ownership, PatrolInstance, Roster, Week
from roadchief.errors import InputError, RoadchiefError
from roadchief.geo.city import PreparedCity
from roadchief.instance import build_instance
from roadchief.io.ownership import write_chief_summary_csv, write_owner_file, write_roads_csv
from roadchief.io.roster import with_last_week, write_assignments_csv
from roadchief.pipeline import PlannedWeek, PlanOptions, StageTimer, plan_week, write_run_folder
from roadchief.render.exports import write_json, write_ownership_csv
from roadchief.render.tiles import base_map
from roadchief.replan import ReplanSpec
from roadchief.solve.check.checker import check_roster
from roadchief.solve.lanes.cluster import probe_scheduler
from roadchief.solve.ownership.report import measure_ownership
from roadchief.solve.replan import replan_instance
from roadchief.store.db import read_session, write_session
from roadchief.store.inputs import current_snapshot, materialised, rules_of
from roadchief.store.migrate import require_current
from roadchief.store.models import (
    ChiefRow,
    City,
    IncidentRow,
    InputFile,
    PlaceRow,
    PlanWeek,
    Run,
    RunAssignment,
    RunOwner,
    RunPart,
    RunRoadOwner,
    SegmentRow,
    Snapshot,
    ZoneRow,
)
from roadchief.store.rows import (
    chiefs_from_rows,
    city_from_rows,
    ownership_from_rows,
    ownership_to_rows,
    roster_from_rows,
    roster_to_rows,
)

StageHook = Callable[[str], Any]
TIMING_KEYS = ("wall_s", "stages_s")
"""summary.json keys that measure time; they differ between two runs of one plan."""


class PlanConflictError(RoadchiefError, RuntimeError):
    """Another planner stored the same week while this plan ran."""


@dataclass
class Inputs:
    """What a snapshot holds, rebuilt as the objects a plan on files makes."""

    snapshot_id: int
    city: PreparedCity
    chiefs_count: int
    rules: Rules
    names: dict[str, str]
    """kind -> file name as imported."""
    instance: PatrolInstance


def load_inputs(session: Session, snapshot: Snapshot, week: Week) -> Inputs:
    if snapshot.city_id is None or snapshot.chief_set_id is None:
        missing = [
            k for k in ("zones", "roads", "chiefs") if getattr(snapshot, f"{k}_file_id") is None
        ]
        raise InputError(
            f"the database has no {', '.join(missing) or 'chiefs'} yet; import them first, "
            "for example: roadchief import zones Z.geojson roads R.geojson chiefs C.csv"
        )
    city_row = session.get(City, snapshot.city_id)
    assert city_row is not None
    cid = city_row.id

    def rows(model: Any) -> list[Any]:
        return list(session.scalars(select(model).where(model.city_id == cid)))

    city = city_from_rows(
        rows(ZoneRow),
        rows(SegmentRow),
        rows(PlaceRow) if city_row.places_file_id is not None else None,
        rows(IncidentRow) if city_row.incidents_file_id is not None else None,
        city_row.report,
    )
    chiefs = chiefs_from_rows(
        session.scalars(select(ChiefRow).where(ChiefRow.chief_set_id == snapshot.chief_set_id))
    )
    names: dict[str, str] = {}
    for kind in ("zones", "roads", "places", "incidents", "chiefs", "rules"):
        fid = getattr(snapshot, f"{kind}_file_id")
        if fid is not None:
            names[kind] = session.get_one(InputFile, fid).name
    rules_file = session.get(InputFile, snapshot.rules_file_id) if snapshot.rules_file_id else None
    with materialised() as mat:
        rules = rules_of(rules_file, mat)
    instance = build_instance(city, chiefs, rules, week)
    return Inputs(snapshot.id, city, len(chiefs), rules, names, instance)


def options_of(inputs: Inputs, week: Week, out: Path, **kw: Any) -> PlanOptions:
    def path(kind: str) -> Path | None:
        return Path(inputs.names[kind]) if kind in inputs.names else None

    return PlanOptions(
        zones=Path(inputs.names["zones"]), roads=Path(inputs.names["roads"]),
        chiefs=Path(inputs.names["chiefs"]), places=path("places"),
        incidents=path("incidents"), rules=path("rules"), out=out, week=week, **kw,
    )  # fmt: skip


def previous_run(session: Session, week: Week) -> Run | None:
    """The current run of the latest planned week before ``week``."""
    q = (
        select(Run)
        .join(PlanWeek, PlanWeek.current_run_id == Run.id)
        .where(PlanWeek.week < str(week))
        .order_by(PlanWeek.week.desc())
        .limit(1)
    )
    return session.scalars(q).first()


def _owners(session: Session, run_id: int) -> Ownership:
    return ownership_from_rows(
        session.scalars(select(RunOwner).where(RunOwner.run_id == run_id)),
        session.scalars(select(RunRoadOwner).where(RunRoadOwner.run_id == run_id)),
    )


def latest_snapshot(session: Session) -> Snapshot:
    """The snapshot of the latest import; InputError if nothing was imported yet."""
    snapshot = current_snapshot(session)
    if snapshot is None:
        raise InputError("the database is empty; import zones, roads and chiefs first")
    return snapshot


def run_roster(session: Session, run: Run) -> Roster:
    """The roster a run stored, with its solve statistics per zone."""
    return roster_from_rows(
        Week.parse(run.week),
        session.scalars(select(RunAssignment).where(RunAssignment.run_id == run.id)),
        session.scalars(select(RunPart).where(RunPart.run_id == run.id)),
    )


@dataclass(frozen=True)
class StoredRun:
    """A stored run, read out of its session: what a new plan builds on."""

    id: int
    week: str
    summary: str
    roster: Roster
    owners: Ownership

    @classmethod
    def read(cls, session: Session, run: Run) -> StoredRun:
        return cls(
            run.id, run.week, run.summary, run_roster(session, run), _owners(session, run.id)
        )

    @property
    def label(self) -> str:
        return f"database: run {self.id} ({self.week})"

    def write(self, folder: Path) -> Path:
        """The files a plan on files reads from a run folder: roster, owners, summary."""
        folder.mkdir(parents=True)
        write_assignments_csv(self.roster.assignments, folder / "roster.csv")
        write_owner_file(self.owners.owner_of, folder / "ownership.csv")
        write_json(json.loads(self.summary), folder / "summary.json")
        return folder


@dataclass
class _Basis:
    """What a plan from the database builds on, read in one session."""

    inputs: Inputs
    base_version: int
    """The week's version when read (0: never planned): the concurrent-plan guard."""
    previous: StoredRun | None = None
    """Last week's current run: owners, continuity, last patrols, warm start."""
    replanned: StoredRun | None = None
    """The run a re-plan changes."""


def plan_week_from_db(
    engine: Engine,
    week: Week,
    out: Path,
    *,
    continuity: bool = True,
    on_stage: StageHook | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Plan ``week`` from the latest snapshot, store it, write the run folder; return the
    summary. Raise PlanConflictError if another planner stored the week meanwhile.

    ``options`` are PlanOptions fields (time_limit_s, workers, seed, tiles, pins,
    roster_pins, strict, deterministic). Last week's stored run gives owners, continuity,
    last patrol dates and the warm start, as ``plan --previous`` does on files.
    """
    started = time.perf_counter()
    require_current(engine)
    timer = StageTimer()
    with timer.stage("load", on_stage), read_session(engine) as session:
        snapshot = latest_snapshot(session)
        base = session.get(PlanWeek, str(week))
        basis = _Basis(load_inputs(session, snapshot, week), base.version if base else 0)
        prev = previous_run(session, week) if continuity else None
        if prev is not None:
            basis.previous = StoredRun.read(session, prev)
    return _plan_and_store(engine, basis, week, out, timer, started, on_stage, options)


def replan_week_from_db(
    engine: Engine,
    week: Week,
    absences: Sequence[Absence],
    start: dt.date,
    out: Path,
    *,
    on_stage: StageHook | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Re-plan the stored ``week`` from ``start`` with ``absences`` (see roadchief.replan),
    on the inputs its current run was built from; store the result as the week's run."""
    started = time.perf_counter()
    require_current(engine)
    timer = StageTimer()
    with timer.stage("load", on_stage), read_session(engine) as session:
        pw = _planned_week(session, week)
        run = session.get_one(Run, pw.current_run_id)
        snapshot = session.get_one(Snapshot, run.snapshot_id)
        basis = _Basis(load_inputs(session, snapshot, week), pw.version)
        basis.replanned = StoredRun.read(session, run)
        if run.previous_run_id is not None:
            basis.previous = StoredRun.read(session, session.get_one(Run, run.previous_run_id))
        recorded = json.loads(run.options).get("replan") or {}
    earlier = ReplanSpec.from_json({**recorded, "run": "."}).absences if recorded else ()
    options["replan"] = (start, (*earlier, *absences))
    return _plan_and_store(engine, basis, week, out, timer, started, on_stage, options)


def _plan_and_store(
    engine: Engine,
    basis: _Basis,
    week: Week,
    out: Path,
    timer: StageTimer,
    started: float,
    on_stage: StageHook | None,
    options: dict[str, Any],
) -> dict[str, Any]:
    """Plan in a hidden folder beside ``out``, store the run, then move the folder into place."""
    if options.get("scheduler"):
        probe_scheduler(options["scheduler"])
    inputs = basis.inputs
    partial = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        labels: dict[str, Any] = {}
        if basis.previous is not None:
            folder = basis.previous.write(partial / ".previous")
            options.update(previous=folder / "ownership.csv", previous_run=folder)
            labels["previous"] = labels["previous_run"] = basis.previous.label
        replan = options.pop("replan", None)
        if basis.replanned is not None and replan is not None:
            folder = basis.replanned.write(partial / ".replanned")
            owners = folder / "ownership.csv"
            options.update(previous=owners, pins=owners, replan=ReplanSpec(folder, *replan))
        opts = options_of(inputs, week, partial, **options)
        rules = inputs.rules
        planned = plan_week(
            inputs.city, inputs.instance, rules, opts, timer, on_stage, started=started
        )
        tiles = base_map(opts.tiles or rules.map.tiles, tianditu_key=rules.map.tianditu_key)
        summary = write_run_folder(planned, opts, tiles, on_stage)
        for hidden in (".previous", ".replanned"):
            shutil.rmtree(partial / hidden, ignore_errors=True)
        summary["inputs"].update(out=str(out), **labels)
        if basis.replanned is not None and summary["inputs"]["replan"]:
            for block in (summary["inputs"]["replan"], summary["replan"]):
                block.update(run=basis.replanned.label, run_id=basis.replanned.id)
        planned.ownership_summary["previous"] = labels.get("previous")
        write_json(summary, partial / "summary.json")
        write_json(planned.ownership_summary, partial / OWNERSHIP_OUTPUTS["summary"])
        prev_id = basis.previous.id if basis.previous is not None else None
        with timer.stage("store", on_stage):
            _store_run(engine, planned, summary, inputs.snapshot_id, prev_id, basis.base_version)
        if out.exists():
            shutil.rmtree(out)
        partial.rename(out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return summary


def _store_run(
    engine: Engine,
    planned: PlannedWeek,
    summary: dict[str, Any],
    snapshot_id: int,
    prev_id: int | None,
    base_version: int,
) -> None:
    """Store the run and make it the week's current run, if nobody else did meanwhile."""
    week = str(planned.instance.week)
    roster = planned.roster
    clash = PlanConflictError(
        f"week {week} was planned and stored by someone else while this plan ran; nothing "
        f"of this plan was stored; run `roadchief export --week {week}` to see theirs, or "
        "plan again to replace it"
    )
    try:
        with write_session(engine) as session:
            run = Run(
                week=week, snapshot_id=snapshot_id,
                previous_run_id=prev_id,
                created_at=dt.datetime.now(dt.UTC), status=roster.status,
                objective=roster.objective, best_bound=roster.best_bound, gap=roster.gap,
                options=json.dumps(summary["inputs"], ensure_ascii=False),
                summary=json.dumps(summary, ensure_ascii=False, default=str),
                ownership_summary=json.dumps(planned.ownership_summary, ensure_ascii=False, default=str),
            )  # fmt: skip
            session.add(run)
            session.flush()
            if base_version == 0:
                session.add(PlanWeek(week=week, current_run_id=run.id, version=1))
                session.flush()
            else:
                moved = session.execute(
                    update(PlanWeek)
                    .where(PlanWeek.week == week, PlanWeek.version == base_version)
                    .values(current_run_id=run.id, version=base_version + 1)
                    .execution_options(synchronize_session=False)
                )
                if moved.rowcount != 1:  # type: ignore[attr-defined]
                    raise clash
            session.add_all(ownership_to_rows(planned.ownership, run.id))
            session.add_all(roster_to_rows(roster, run.id))
    except IntegrityError as exc:
        raise clash from exc
    except OperationalError as exc:
        if "locked" in str(exc):
            raise clash from exc
        raise


def _planned_week(session: Session, week: Week) -> PlanWeek:
    pw = session.get(PlanWeek, str(week))
    if pw is None:
        weeks = sorted(session.scalars(select(PlanWeek.week)))
        raise InputError(
            f"week {week} has not been planned; planned weeks: {', '.join(weeks) or 'none'}"
            f"; plan it with roadchief plan --week {week}"
        )
    return pw


def _rebuilt_instance(
    session: Session, run: Run, instance: PatrolInstance, options: dict[str, Any]
) -> PatrolInstance:
    """The instance a stored run was checked on: last week's roster and, for a re-plan,
    the absences and the roster it changed."""
    if run.previous_run_id is not None and options.get("previous_run"):
        prev = run_roster(session, session.get_one(Run, run.previous_run_id))
        context = with_last_week(instance.context, list(prev.assignments), instance.week.monday)
        instance = dataclasses.replace(instance, context=context)
    replan = options.get("replan")
    if replan:
        spec = ReplanSpec.from_json(replan)
        base = run_roster(session, session.get_one(Run, int(replan["run_id"])))
        instance = replan_instance(instance, base.assignments, spec.start, spec.absences)
    return instance


def export_week(engine: Engine, week: Week, out: Path) -> dict[str, Any]:
    """Write the stored run of ``week`` as the run folder ``plan`` wrote; return its summary.

    CSV, GeoJSON and JSON files are byte-equal to the plan's (summary.json is the stored
    one); maps, xlsx, gpkg and ics are rendered again from the same data.
    """
    require_current(engine)
    with read_session(engine) as session:
        pw = _planned_week(session, week)
        run = session.get_one(Run, pw.current_run_id)
        snapshot = session.get_one(Snapshot, run.snapshot_id)
        inputs = load_inputs(session, snapshot, week)
        ownership = _owners(session, run.id)
        prev_owner = (
            dict(_owners(session, run.previous_run_id).owner_of) if run.previous_run_id else None
        )
        roster = run_roster(session, run)
        summary: dict[str, Any] = json.loads(run.summary)
        owned: dict[str, Any] = json.loads(run.ownership_summary)
        stored_options: dict[str, Any] = json.loads(run.options)
        instance = _rebuilt_instance(session, run, inputs.instance, stored_options)
    check = check_roster(instance, ownership, roster)
    timer = StageTimer(seconds=dict(summary.get("stages_s", {})))
    planned = PlannedWeek(
        inputs.rules, inputs.city, instance, ownership, owned, roster, check, timer, 0.0
    )
    tiles = stored_options.get("tiles")
    opts = options_of(inputs, week, out, tiles=tiles)
    out.mkdir(parents=True, exist_ok=True)
    report = measure_ownership(instance, ownership, previous=prev_owner)
    write_ownership_csv(ownership, instance, out / OWNERSHIP_OUTPUTS["ownership"])
    write_chief_summary_csv(report, instance, out / OWNERSHIP_OUTPUTS["chiefs"])
    write_roads_csv(ownership, instance, out / OWNERSHIP_OUTPUTS["roads"])
    write_json(owned, out / OWNERSHIP_OUTPUTS["summary"])
    rules = inputs.rules
    the_tiles = base_map(tiles or rules.map.tiles, tianditu_key=rules.map.tianditu_key)
    write_run_folder(planned, opts, the_tiles)
    write_json(summary, out / "summary.json")
    return summary


def history(engine: Engine, chief_id: str | None = None) -> list[dict[str, Any]]:
    """One row per planned week (its current run): when, status, gap and coverage; with
    ``chief_id``, that person's patrols and segments of each week."""
    require_current(engine)
    rows: list[dict[str, Any]] = []
    with read_session(engine) as session:
        q = (
            select(PlanWeek, Run)
            .join(Run, Run.id == PlanWeek.current_run_id)
            .order_by(PlanWeek.week)
        )
        for pw, run in session.execute(q):
            s = json.loads(run.summary)
            row: dict[str, Any] = {
                "week": pw.week, "run": run.id, "replans": pw.version - 1,
                "planned_at": run.created_at, "status": run.status,
                "gap": s.get("gap_city", run.gap),  # the city's, not the parts' gaps summed
                "patrols_planned": s.get("patrols_planned"),
                "patrols_required": s.get("patrols_required"),
                "uncovered_km": s.get("uncovered_km"), "snapshot": run.snapshot_id,
            }  # fmt: skip
            if chief_id is not None:
                mine = select(
                    func.count(), func.count(func.distinct(RunAssignment.segment_id))
                ).where(RunAssignment.run_id == run.id, RunAssignment.chief_id == chief_id)
                patrols, segments = session.execute(mine).one()
                owned = session.scalar(
                    select(func.count()).where(
                        RunOwner.run_id == run.id, RunOwner.chief_id == chief_id
                    )
                )
                row.update(
                    chief_id=chief_id,
                    patrols=patrols,
                    segments_patrolled=segments,
                    segments_owned=owned,
                )
            rows.append(row)
    return rows
