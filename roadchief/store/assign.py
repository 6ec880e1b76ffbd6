"""``roadchief assign`` from the database: the owners the next plan will start from."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from roadchief.assign import OUTPUTS
from roadchief.domain import Week
from roadchief.pipeline import StageHook, StageTimer, assign_city
from roadchief.render.exports import write_json
from roadchief.store.db import read_session
from roadchief.store.migrate import require_current
from roadchief.store.weeks import (
    StoredRun,
    latest_snapshot,
    load_inputs,
    options_of,
    previous_run,
)


def assign_from_db(
    engine: Engine,
    week: Week,
    out: Path,
    *,
    pins: Path | None = None,
    on_stage: StageHook | None = None,
) -> dict[str, Any]:
    """Own every segment of the latest snapshot, keeping the owners of the last run stored
    before ``week`` wherever balance allows (as ``plan --week`` will); write the ownership
    files into ``out`` and return ownership.json. Nothing is stored."""
    started = time.perf_counter()
    require_current(engine)
    timer = StageTimer()
    with timer.stage("load", on_stage), read_session(engine) as session:
        inputs = load_inputs(session, latest_snapshot(session), week)
        prev = previous_run(session, week)
        stored = StoredRun.read(session, prev) if prev is not None else None
    with tempfile.TemporaryDirectory(prefix="roadchief-assign-") as tmp:
        previous = stored.write(Path(tmp) / "previous") / "ownership.csv" if stored else None
        opts = options_of(inputs, week, out, previous=previous, pins=pins)
        summary = assign_city(inputs.city, inputs.instance, opts, timer, on_stage, started=started)
    summary["previous"] = stored.label if stored else None
    summary["inputs"]["previous"] = summary["previous"]
    write_json(summary, out / OUTPUTS["summary"])  # names the run, not the temporary file
    return summary
