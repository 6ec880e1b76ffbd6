"""The ownership stage on files: read --previous and --pin, assign owners, measure, write.

Shared by ``roadchief assign`` (ingest + this stage) and ``roadchief plan``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from roadchief.domain import Ownership, PatrolInstance
from roadchief.io.ownership import (
    check_pins,
    read_owner_file,
    write_chief_summary_csv,
    write_roads_csv,
)
from roadchief.render.exports import write_json, write_ownership_csv
from roadchief.solve.ownership.owners import assign_owners
from roadchief.solve.ownership.report import measure_ownership

OUTPUTS = {
    "ownership": "ownership.csv",
    "chiefs": "ownership_chiefs.csv",
    "roads": "roads.csv",
    "summary": "ownership.json",
}


def assign_and_write(
    instance: PatrolInstance,
    out: Path,
    *,
    previous: Path | None = None,
    pins: Path | None = None,
    parallel: int = 1,
) -> tuple[Ownership, dict[str, Any]]:
    """Own every placed segment, write the ownership files into ``out`` and return the
    ownership and the summary written to ``ownership.json``; ``parallel``: local processes."""
    started = time.perf_counter()
    before = read_owner_file(previous, "previous") if previous is not None else None
    pinned = read_owner_file(pins, "pin") if pins is not None else {}
    if pins is not None:
        check_pins(pinned, instance, str(pins))
    ownership = assign_owners(instance, previous=before, pins=pinned, parallel=parallel)
    wall_s = time.perf_counter() - started
    report = measure_ownership(instance, ownership, previous=before)
    out.mkdir(parents=True, exist_ok=True)
    write_ownership_csv(ownership, instance, out / OUTPUTS["ownership"])
    write_chief_summary_csv(report, instance, out / OUTPUTS["chiefs"])
    write_roads_csv(ownership, instance, out / OUTPUTS["roads"])
    summary: dict[str, Any] = {
        **{k: v for k, v in report.to_json().items() if k not in ("zones", "chiefs")},
        "pins": len(pinned),
        "previous": str(previous) if previous is not None else None,
        "wall_s": round(wall_s, 3),
        "outputs": OUTPUTS,
        "zones": report.to_json()["zones"],
        "chiefs": report.to_json()["chiefs"],
    }
    write_json(summary, out / OUTPUTS["summary"])
    return ownership, summary
