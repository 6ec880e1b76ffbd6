"""Tracks on the database (巡查记录): import one person's GPS tracks, store them, and match
them against the planned patrols of the stored current runs, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from roadchief.domain import Week
from roadchief.errors import InputError
from roadchief.geo.tracks import match_patrols
from roadchief.io.tracks import read_tracks
from roadchief.loop.patrols import PatrolRecord, PlannedPatrol, Track, Walked
from roadchief.store.cases import file_with_bytes, save_file
from roadchief.store.db import write_session
from roadchief.store.migrate import require_current
from roadchief.store.runs import current_run, read_run, week_version
from roadchief.store.snapshots import StoredInputs, latest_snapshot_id, load_snapshot
from roadchief.store.tracks import records_of, replace_records, save_tracks, tracks_of

Progress = Callable[[str, int, int], Any]


@dataclass(frozen=True)
class TrackImport:
    file: str
    status: str
    """``new``, or ``unchanged`` when these bytes were imported before (nothing stored)."""
    tracks: int = 0
    points: int = 0
    people: tuple[str, ...] = ()
    weeks: tuple[str, ...] = ()
    """Planned weeks the tracks fall in: their people's patrols there were matched."""
    unplanned: tuple[str, ...] = ()
    """Weeks the tracks fall in that have no stored plan (nothing to match)."""
    walked: Counter[str] = field(default_factory=Counter)
    """These people's planned patrols of those weeks by walked (yes, no, unknown)."""
    week_walked: Counter[str] = field(default_factory=Counter)
    """Every planned patrol of those weeks (one per roster row, as kpi counts them) by
    walked: a person without any track is ``unknown``."""


def import_tracks(
    engine: Engine, path: Path, chief_id: str, *, on_progress: Progress | None = None
) -> TrackImport:
    """Store the tracks of ``path`` (points without a ``chief_id`` are ``chief_id``'s) and
    record their people's planned patrols of every planned week they touch as walked yes,
    no or unknown; raise and store nothing on a bad point or an unknown person."""
    progress = on_progress or (lambda *_: None)
    require_current(engine)
    content = Path(path).read_bytes() if Path(path).is_file() else b""
    with write_session(engine) as session:
        same = file_with_bytes(session, "tracks", content) if content else None
        if same is not None:
            return TrackImport(same.name, "unchanged")
        progress("reading the tracks", 0, 0)
        latest = load_snapshot(session, latest_snapshot_id(session))
        split = latest.rules.loop.tracks.split_after_min * 60.0
        tracks = read_tracks(path, chief_id, latest.rules.time_zone, split)
        people = sorted({t.chief_id for t in tracks})
        _check_people(people, latest, str(path))
        save_tracks(session, tracks, save_file(session, "tracks", str(path), content))
        weeks = sorted({Week.containing(d) for t in tracks for d in _days(t)}, key=str)
        planned = [w for w in weeks if week_version(session, w) > 0]
        walked: Counter[str] = Counter()
        week_walked: Counter[str] = Counter()
        for k, week in enumerate(planned):
            progress(f"matching {week}", k, len(planned))
            records = _match_week(session, week, people)
            walked.update(r.walked.value for r in records)
            week_walked.update(r.walked.value for r in week_patrols(session, week))
        progress("committing", 0, 0)
    return TrackImport(
        str(path), "new", len(tracks), sum(len(t.times) for t in tracks), tuple(people),
        tuple(map(str, planned)), tuple(str(w) for w in weeks if w not in planned), walked,
        week_walked,
    )  # fmt: skip


def _check_people(people: list[str], inputs: StoredInputs, src: str) -> None:
    if "" in people:
        raise InputError(
            f"{src}: some points name no person (no chief_id property); give --chief ID"
        )
    known = {c.chief_id for c in inputs.chiefs}
    unknown = [p for p in people if p not in known]
    if unknown:
        raise InputError(
            f"{src}: {', '.join(map(repr, unknown))} not in the imported chiefs file; give "
            "--chief with a chief_id of the chiefs file (or fix the chief_id of the points)"
        )


def _days(track: Track) -> list[dt.date]:
    first, last = track.first.date(), track.last.date()
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def _match_week(session: Session, week: Week, people: list[str]) -> list[PatrolRecord]:
    """Match ``people``'s planned patrols of ``week``'s current run against their stored
    tracks, on the city and rules that run was planned with; store the records."""
    run_id, _ = current_run(session, week)
    run = read_run(session, run_id)
    inputs = load_snapshot(session, run.snapshot_id)
    segments = inputs.city.segments_gdf
    zone_of = dict(zip(segments["segment_id"], segments["zone_id"], strict=True))
    wanted = set(people)
    planned = [
        PlannedPatrol(a.day, a.slot_id, a.chief_id, a.segment_id, str(zone_of[a.segment_id]))
        for a in run.roster.assignments
        if a.chief_id in wanted
    ]
    start = dt.datetime.combine(week.monday, dt.time.min)
    tracks = tracks_of(session, wanted, start, start + dt.timedelta(days=7))
    slots = {s.slot_id: s for s in inputs.rules.slots}
    records = match_patrols(planned, slots, segments, tracks, inputs.rules.loop.tracks)
    replace_records(session, run_id, wanted, records)
    return records


def week_patrols(session: Session, week: Week) -> list[PatrolRecord]:
    """Every planned patrol of ``week``'s current run (one per roster row) with its stored
    record, ``unknown`` where none: what kpi and track import count."""
    run_id, _ = current_run(session, week)
    run = read_run(session, run_id)
    segments = load_snapshot(session, run.snapshot_id).city.segments_gdf
    zone_of = dict(zip(segments["segment_id"], segments["zone_id"], strict=True))
    found = {
        (r.patrol.day, r.patrol.slot_id, r.patrol.chief_id, r.patrol.segment_id): r
        for r in records_of(session, [run_id])
    }
    out = []
    for a in sorted(run.roster.assignments):
        key = (a.day, a.slot_id, a.chief_id, a.segment_id)
        patrol = PlannedPatrol(*key, str(zone_of[a.segment_id]))
        out.append(found.get(key) or PatrolRecord(patrol, Walked.UNKNOWN))
    return out
