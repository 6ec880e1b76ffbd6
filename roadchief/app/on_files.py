"""Plan, re-plan and assign with files as both source and sink."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from roadchief.app.files import CityFiles, RunFolder, WeekFiles, read_week_inputs
from roadchief.app.folder import OwnershipSummary, building, write_ownership_files, write_run_files
from roadchief.app.inputs import WeekInputs
from roadchief.app.plan import own_segments, plan_week
from roadchief.app.settings import PlanSettings
from roadchief.app.stages import StageHook, Stages
from roadchief.app.summary import RunSummary, summarise
from roadchief.domain import Absence, Week
from roadchief.render.exports import write_unplaced_geojson
from roadchief.render.tiles import base_map
from roadchief.solve.lanes.cluster import probe_scheduler


def plan_files(
    files: CityFiles,
    extra: WeekFiles,
    week: Week,
    settings: PlanSettings,
    out: Path,
    *,
    tiles: str | None = None,
    on_stage: StageHook | None = None,
) -> RunSummary:
    """Plan ``week`` from files and write the run folder ``out``; return its summary."""
    stages = Stages(on_stage)
    if settings.solver.scheduler is not None:
        probe_scheduler(settings.solver.scheduler)  # before the ingest, not after it
    with stages.stage("ingest"):
        inputs = read_week_inputs(files, extra, week)
    return plan_into(inputs, settings, out, stages, tiles=tiles)


def plan_into(
    inputs: WeekInputs, settings: PlanSettings, out: Path, stages: Stages, *, tiles: str | None
) -> RunSummary:
    """Plan ``inputs`` and write the run folder ``out`` whole (or not at all)."""
    rules = inputs.rules
    the_tiles = base_map(tiles or rules.map.tiles, tianditu_key=rules.map.tianditu_key)
    with building(out) as folder:
        planned = plan_week(inputs, settings, stages)
        record = inputs.record(str(out), settings.record(), tiles)
        summary = summarise(planned, record, stages.seconds, stages.wall_s())
        return write_run_files(planned, summary, folder, the_tiles, stages)


def replan_folder(
    run: Path,
    absences: Sequence[Absence],
    start: dt.date,
    out: Path,
    changes: Mapping[str, Any],
    *,
    on_stage: StageHook | None = None,
) -> RunSummary:
    """Re-plan the run folder ``run`` from ``start`` with ``absences``: its recorded inputs
    (the same files must still be there) and settings with ``changes`` (record names)."""
    stages = Stages(on_stage)
    folder = RunFolder.read(run, out)
    settings = PlanSettings.from_record(folder.recorded, **changes)
    with stages.stage("ingest"):
        inputs = folder.replan_inputs(absences, start)
    return plan_into(inputs, settings, out, stages, tiles=folder.recorded.get("tiles"))


def assign_files(
    files: CityFiles,
    extra: WeekFiles,
    week: Week,
    out: Path,
    *,
    lanes: int,
    on_stage: StageHook | None = None,
) -> dict[str, Any]:
    """Own every segment of the city in ``files``; write the ownership files and
    ``unplaced.geojson`` into ``out``; return ownership.json."""
    stages = Stages(on_stage)
    with stages.stage("ingest"):
        inputs = read_week_inputs(files, extra, week)
    record = inputs.record(str(out), {}, None)
    return assign_into(inputs, out, stages, lanes=lanes, record=record)


def assign_into(
    inputs: WeekInputs, out: Path, stages: Stages, *, lanes: int, record: Mapping[str, Any]
) -> dict[str, Any]:
    """Own every segment of ``inputs`` and write the ownership files into ``out``."""
    instance = inputs.instance()
    with stages.stage("ownership"):
        owned = own_segments(inputs, instance, lanes)
    city = inputs.city
    run = {
        "segments_in": city.report.segments_in,
        "segments_unplaced": len(city.unplaced_gdf),
        "run_wall_s": stages.wall_s(),
        "stages_s": dict(stages.seconds),
        "inputs": dict(record),
    }
    summary = OwnershipSummary(owned, run)
    write_ownership_files(Path(out), instance, summary)
    write_unplaced_geojson(city, Path(out) / "unplaced.geojson")
    return summary.to_json()
