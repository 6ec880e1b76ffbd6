"""Store and find tracks and patrol records (巡查记录)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from roadchief.loop.patrols import PatrolRecord, Track
from roadchief.store.cases import now
from roadchief.store.models import InputFile
from roadchief.store.models_loop import PatrolRecordRow, TrackRow
from roadchief.store.rows_loop import (
    patrol_record_from_row,
    patrol_record_to_row,
    track_from_row,
    track_to_row,
)


def save_tracks(session: Session, tracks: Sequence[Track], file_id: int) -> None:
    session.add_all(track_to_row(t, file_id) for t in tracks)
    session.flush()


def tracks_of(
    session: Session, chief_ids: Collection[str], first: dt.datetime, last: dt.datetime
) -> list[Track]:
    """The tracks of these people that overlap ``first`` .. ``last``."""
    q = (
        select(TrackRow, InputFile.name)
        .join(InputFile, InputFile.id == TrackRow.file_id)
        .where(
            TrackRow.chief_id.in_(list(chief_ids)),
            TrackRow.started_at <= last,
            TrackRow.ended_at >= first,
        )
        .order_by(TrackRow.id)
    )
    return [track_from_row(row, name) for row, name in session.execute(q)]


def replace_records(session: Session, run_id: int, records: Sequence[PatrolRecord]) -> None:
    """Store the records of these planned patrols of ``run_id``, replacing earlier ones."""
    matched = now()
    for rec in records:
        p = rec.patrol
        session.execute(
            delete(PatrolRecordRow).where(
                PatrolRecordRow.run_id == run_id,
                PatrolRecordRow.day == p.day,
                PatrolRecordRow.slot_id == p.slot_id,
                PatrolRecordRow.chief_id == p.chief_id,
                PatrolRecordRow.segment_id == p.segment_id,
            )
        )
    session.add_all(patrol_record_to_row(r, run_id, matched) for r in records)
    session.flush()


def records_of(session: Session, run_ids: Collection[int]) -> list[PatrolRecord]:
    q = select(PatrolRecordRow).where(PatrolRecordRow.run_id.in_(list(run_ids)))
    return [patrol_record_from_row(r) for r in session.scalars(q)]
