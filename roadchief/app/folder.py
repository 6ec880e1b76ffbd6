"""The run folder, a sink of results: written whole beside its target and moved into place,
so a failure leaves the previous folder as it was and no half-written one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from roadchief.app.plan import OwnedCity, PlannedWeek
from roadchief.app.stages import Stages
from roadchief.app.summary import Outputs, RunSummary, with_outputs
from roadchief.domain import PatrolInstance
from roadchief.errors import InputError, Problem
from roadchief.i18n import Translator
from roadchief.io.ownership import write_chief_summary_csv, write_roads_csv
from roadchief.render.explain import write_explain
from roadchief.render.exports import write_json, write_ownership_csv
from roadchief.render.outputs import write_outputs
from roadchief.render.tiles import BaseMap

OWNERSHIP_FILES = {
    "ownership": "ownership.csv",
    "chiefs": "ownership_chiefs.csv",
    "roads": "roads.csv",
    "summary": "ownership.json",
}


@dataclass(frozen=True)
class OwnershipSummary:
    """ownership.json: the ownership's measures, pins, where earlier owners came from; for
    ``roadchief assign`` also the run's counts, times and recorded inputs."""

    owned: OwnedCity
    run: Mapping[str, Any] | None = None
    """``assign`` only: segments_in, segments_unplaced, run_wall_s, stages_s, inputs."""

    def to_json(self) -> dict[str, Any]:
        measures = self.owned.report.to_json()
        out: dict[str, Any] = {
            **{k: v for k, v in measures.items() if k not in ("zones", "chiefs")},
            "pins": self.owned.pins,
            "previous": self.owned.previous,
            "wall_s": round(self.owned.wall_s, 3),
            "outputs": OWNERSHIP_FILES,
            "zones": measures["zones"],
            "chiefs": measures["chiefs"],
        }
        return {**out, **(self.run or {})}


def write_ownership_files(
    folder: Path, instance: PatrolInstance, summary: OwnershipSummary
) -> None:
    """ownership.csv, ownership_chiefs.csv, roads.csv and ownership.json into ``folder``."""
    owned = summary.owned
    folder.mkdir(parents=True, exist_ok=True)
    write_ownership_csv(owned.ownership, instance, folder / OWNERSHIP_FILES["ownership"])
    write_chief_summary_csv(owned.report, instance, folder / OWNERSHIP_FILES["chiefs"])
    write_roads_csv(owned.ownership, instance, folder / OWNERSHIP_FILES["roads"])
    write_json(summary.to_json(), folder / OWNERSHIP_FILES["summary"])


def write_run_files(
    planned: PlannedWeek,
    summary: RunSummary,
    folder: Path,
    tiles: BaseMap | None,
    stages: Stages,
    *,
    lang: str | None = None,
) -> RunSummary:
    """Every file of a run into ``folder``, in ``lang`` (default: the rules' language);
    return the summary with its outputs."""
    p = planned
    language = lang or p.inputs.rules.language
    write_ownership_files(folder, p.instance, OwnershipSummary(p.owned))
    with stages.stage("maps and exports"):
        written = write_outputs(
            p.results,
            folder,
            time_zone=p.inputs.rules.time_zone,
            tiles=tiles,
            lang=language,
            figures=p.figures,
        )
        maps, calendars = written.person_pages, written.calendars
    outputs = Outputs(
        chiefs=tuple(sorted(str(f.relative_to(folder)) for f in [*maps, *calendars])),
        tiles=tiles.name if tiles else "none",
        overview_bytes=(folder / "overview.html").stat().st_size,
    )
    done = with_outputs(
        summary,
        outputs,
        chief_maps=len(maps),
        chief_calendars=len(calendars),
        stages_s=stages.seconds,
        wall_s=stages.wall_s(),
        outputs_s=written.seconds,
    )
    # an export states the roster time its plan measured
    roster_s = stages.seconds.get("roster", summary.stages_s.get("roster", 0.0))
    write_explain(
        done.explain, p.roster, folder / "explain.md", roster_s=roster_s,
        instance=p.instance, tr=Translator(language), calendar=done.calendar,
        campaigns=done.campaigns,
    )  # fmt: skip
    write_json(done.to_json(), folder / "summary.json")
    return done


@contextmanager
def building(out: Path) -> Iterator[Path]:
    """A fresh hidden folder beside ``out`` to write a run into; when the block ends it
    replaces ``out`` (an earlier folder there is removed only then). On any error it is
    removed and ``out`` is left as it was."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError([Problem(str(out), "", "is a file; give a folder for the run (--out)")])
    partial = out.parent / f".{out.name}.partial-{os.getpid()}"
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
    except OSError as exc:
        raise InputError(
            [Problem(str(out), "", f"cannot create the run folder here ({exc.strerror}); "
                     "give a folder you may write to (--out)")]
        ) from exc  # fmt: skip
    try:
        yield partial
        _replace(partial, out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _replace(partial: Path, out: Path) -> None:
    """Move ``partial`` to ``out``; an earlier ``out`` is put back if the move fails."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    try:
        partial.rename(out)
    except OSError:
        if old.exists():
            old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)
