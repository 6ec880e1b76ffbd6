"""Plan, re-plan, assign and export with the database as source and sink.

A plan reads the latest snapshot of imported files and last week's stored run, plans
with the same functions as a plan on files, writes its run folder beside the target,
stores the run, and only then moves the folder into place: a planner who loses a race
is left with neither a folder nor a row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from roadchief.app.feedback import stored_feedback
from roadchief.app.files import WeekFiles
from roadchief.app.folder import OWNERSHIP_FILES, building, write_run_files
from roadchief.app.inputs import (
    LastWeek,
    Owners,
    ReplanBasis,
    WeekInputs,
    absences_from_json,
    missed_from_json,
)
from roadchief.app.on_files import assign_into
from roadchief.app.plan import OwnedCity, plan_week, recheck
from roadchief.app.settings import OutputSettings, PlanSettings
from roadchief.app.stages import StageHook, Stages
from roadchief.app.summary import RunSummary, summarise
from roadchief.config import Rules
from roadchief.domain import Absence, Week
from roadchief.io.ownership import read_owner_file
from roadchief.io.roster import read_roster_csv
from roadchief.loop.feedback import RosterFeedback
from roadchief.loop.patrols import PatrolKey, Walked, counts_missed
from roadchief.render.exports import write_json
from roadchief.solve.lanes.cluster import probe_scheduler
from roadchief.solve.ownership.report import measure_ownership
from roadchief.store.db import read_session
from roadchief.store.migrate import require_current
from roadchief.store.runs import (
    StoredRun,
    current_run,
    previous_run_id,
    read_run,
    save_run,
    week_version,
)
from roadchief.store.runs import (
    history as stored_history,
)
from roadchief.store.snapshots import latest_snapshot_id, load_snapshot
from roadchief.store.tracks import records_of


def _inputs(session: Any, snapshot_id: int, week: Week) -> WeekInputs:
    """The week's inputs from a stored snapshot (files named as they were imported)."""
    stored = load_snapshot(session, snapshot_id)
    files = {k: stored.names.get(k) for k in ("zones", "roads", "chiefs", "places",
                                             "incidents", "rules")}  # fmt: skip
    files |= {"crs": None, "zones_layer": None, "roads_layer": None}
    return WeekInputs(week, stored.rules, stored.city, stored.chiefs, files=files)


def _recorded_feedback(options: Mapping[str, Any]) -> RosterFeedback | None:
    """The loop's feedback a stored run was planned with (its ``inputs.loop``)."""
    loop = options.get("loop")
    return RosterFeedback.from_json(loop) if loop else None


def _with_last_week(
    inputs: WeekInputs, run: StoredRun, missed: frozenset[PatrolKey] = frozenset()
) -> WeekInputs:
    """``inputs`` building on last week's stored run: its owners and its roster (with the
    patrols that count as missed)."""
    return replace(
        inputs,
        previous_owners=Owners(run.owners.owner_of, run.label),
        last_week=LastWeek(run.roster.assignments, run.label, missed),
    )


def _missed(session: Any, run: StoredRun, rules: Rules) -> frozenset[PatrolKey]:
    """The patrols of a stored run that count as missed now (its patrol records; with
    ``loop.score.unknown_is_missed``, also those no track covers)."""
    found = {
        (r.patrol.day, r.patrol.slot_id, r.patrol.chief_id, r.patrol.segment_id): r.walked
        for r in records_of(session, [run.id])
    }
    unknown_is_missed = rules.loop.score.unknown_is_missed
    return frozenset(
        key
        for a in run.roster.assignments
        if counts_missed(
            found.get(key := (a.day, a.slot_id, a.chief_id, a.segment_id), Walked.UNKNOWN),
            unknown_is_missed,
        )
    )


def plan_db(
    engine: Engine,
    week: Week,
    out: Path,
    settings: PlanSettings,
    *,
    output: OutputSettings | None = None,
    pins: WeekFiles | None = None,
    continuity: bool = True,
    on_stage: StageHook | None = None,
) -> RunSummary:
    """Plan ``week`` from the latest snapshot, store it and write the run folder; raise
    PlanConflictError if another planner stored the week meanwhile. Last week's stored run
    gives owners, continuity, last patrol dates and the warm start (as ``--previous``); the
    stored cases give the rechecks and the hotspots' extra patrols (``app/feedback.py``)."""
    stages = Stages(on_stage)
    require_current(engine)
    with stages.stage("load"), read_session(engine) as session:
        inputs = _inputs(session, latest_snapshot_id(session), week)
        snapshot_id = latest_snapshot_id(session)
        version = week_version(session, week)
        prev_id = previous_run_id(session, week) if continuity else None
        if prev_id is not None:
            previous = read_run(session, prev_id)
            missed = _missed(session, previous, inputs.rules)
            inputs = _with_last_week(inputs, previous, missed)
        inputs = replace(inputs, feedback=stored_feedback(session, week))
    if pins is not None and pins.owner_pins is not None:
        owner_pins = Owners(read_owner_file(pins.owner_pins, "pin"), str(pins.owner_pins))
        inputs = replace(inputs, owner_pins=owner_pins)
    if pins is not None and pins.roster_pins is not None:
        roster_pins = tuple(read_roster_csv(pins.roster_pins))
        inputs = replace(inputs, roster_pins=roster_pins, roster_pins_source=str(pins.roster_pins))
    return _plan_and_store(engine, inputs, settings, out, stages, output or OutputSettings(),
                           snapshot_id, prev_id,
                           version)  # fmt: skip


def replan_db(
    engine: Engine,
    week: Week,
    absences: Sequence[Absence],
    start: dt.date,
    out: Path,
    changes: Mapping[str, Any],
    *,
    lang: str | None = None,
    on_stage: StageHook | None = None,
) -> RunSummary:
    """Re-plan the stored ``week`` from ``start`` with ``absences`` on the inputs its
    current run was built from; store the result as the week's current run."""
    stages = Stages(on_stage)
    require_current(engine)
    with stages.stage("load"), read_session(engine) as session:
        run_id, version = current_run(session, week)
        run = read_run(session, run_id)
        inputs = _inputs(session, run.snapshot_id, week)
        if run.previous_run_id is not None:
            previous = read_run(session, run.previous_run_id)
            inputs = _with_last_week(inputs, previous, missed_from_json(run.options))
    inputs = replace(inputs, feedback=_recorded_feedback(run.options))
    earlier = absences_from_json(run.options.get("replan") or {})
    basis = ReplanBasis(run.roster, start, (*earlier, *absences), run.label, run.id)
    inputs = inputs.with_replan(basis, Owners(run.owners.owner_of, run.label))
    settings = PlanSettings.from_record(run.options, **changes)
    recorded = OutputSettings.from_record(run.options)
    output = OutputSettings(recorded.tiles, lang or recorded.lang)
    return _plan_and_store(engine, inputs, settings, out, stages, output,
                           run.snapshot_id, run.previous_run_id, version)  # fmt: skip


def _plan_and_store(
    engine: Engine,
    inputs: WeekInputs,
    settings: PlanSettings,
    out: Path,
    stages: Stages,
    output: OutputSettings,
    snapshot_id: int,
    prev_id: int | None,
    version: int,
) -> RunSummary:
    """Plan into a folder beside ``out``, store the run, then move the folder into place."""
    if settings.solver.scheduler is not None:
        probe_scheduler(settings.solver.scheduler)
    rules = inputs.rules
    with building(out) as folder:
        planned = plan_week(inputs, settings, stages)
        record = inputs.record(str(out), settings.record(), output.record(rules))
        summary = summarise(planned, record, stages.seconds, stages.wall_s())
        summary = write_run_files(
            planned, summary, folder, output.base_map(rules), stages, lang=output.language(rules)
        )
        owned = (folder / OWNERSHIP_FILES["summary"]).read_text("utf-8")
        with stages.stage("store"):
            save_run(
                engine, roster=planned.roster, ownership=planned.ownership,
                snapshot_id=snapshot_id, previous_run_id=prev_id, summary=summary.to_json(),
                ownership_summary=json.loads(owned), base_version=version,
            )  # fmt: skip
    return summary


def assign_db(
    engine: Engine,
    week: Week,
    out: Path,
    *,
    pins: Path | None,
    lanes: int,
    on_stage: StageHook | None = None,
) -> dict[str, Any]:
    """The owners the database's next plan of ``week`` starts from (last stored week's owners
    kept wherever balance allows); write the ownership files into ``out``. Nothing is stored."""
    stages = Stages(on_stage)
    require_current(engine)
    with stages.stage("load"), read_session(engine) as session:
        inputs = _inputs(session, latest_snapshot_id(session), week)
        prev_id = previous_run_id(session, week)
        if prev_id is not None:
            inputs = _with_last_week(inputs, read_run(session, prev_id))
    if pins is not None:
        inputs = replace(inputs, owner_pins=Owners(read_owner_file(pins, "pin"), str(pins)))
    record = inputs.record(str(out), {}, {"lang": inputs.rules.language})
    return assign_into(inputs, out, stages, lanes=lanes, record=record)


def export_db(engine: Engine, week: Week, out: Path) -> RunSummary:
    """Write the stored run of ``week`` as the run folder ``plan`` wrote: CSV, GeoJSON and
    JSON files byte-equal to the plan's; maps, xlsx, gpkg and ics rendered again."""
    require_current(engine)
    with read_session(engine) as session:
        run_id, _ = current_run(session, week)
        run = read_run(session, run_id)
        inputs = _inputs(session, run.snapshot_id, week)
        previous = read_run(session, run.previous_run_id) if run.previous_run_id else None
        replanned = run.options.get("replan")
        if replanned:
            base = read_run(session, int(replanned["run_id"]))
    if previous is not None and run.options.get("previous_run"):
        last = LastWeek(previous.roster.assignments, previous.label, missed_from_json(run.options))
        inputs = replace(inputs, last_week=last)
    if replanned:
        basis = ReplanBasis(base.roster, dt.date.fromisoformat(replanned["start"]),
                            absences_from_json(replanned), base.label, base.id)  # fmt: skip
        inputs = replace(inputs, replan=basis)
    inputs = replace(inputs, feedback=_recorded_feedback(run.options))
    instance = inputs.instance()
    before = dict(previous.owners.owner_of) if previous is not None else None
    report = measure_ownership(instance, run.owners, previous=before)
    owned = OwnedCity(run.owners, report, 0.0, 0, None)
    planned = recheck(inputs, owned, run.roster)
    summary = RunSummary.from_json(run.summary)
    output = OutputSettings.from_record(run.options)
    rules = inputs.rules
    with building(out) as folder:
        write_run_files(
            planned, summary, folder, output.base_map(rules), Stages(), lang=output.language(rules)
        )
        write_json(run.ownership_summary, folder / OWNERSHIP_FILES["summary"])
        write_json(run.summary, folder / "summary.json")
    return summary


def history(engine: Engine, chief_id: str | None = None) -> list[dict[str, Any]]:
    """The planned weeks (see ``store.runs.history``)."""
    require_current(engine)
    with read_session(engine) as session:
        return stored_history(session, chief_id)
