"""Store what chiefs record in the field: patrol tracks from their phone and photos."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from roadchief.errors import InputError
from roadchief.store.accounts import audit, aware, now
from roadchief.store.db import write_session
from roadchief.store.models_web import Photo, RecordedPoint, RecordedTrack
from roadchief.web_records import PatrolTrack, PhotoInfo, TrackPoint, User


def _track(row: RecordedTrack, points: Sequence[RecordedPoint] = ()) -> PatrolTrack:
    finished = None if row.finished_at is None else aware(row.finished_at)
    pts = tuple(TrackPoint(aware(p.at), p.lon, p.lat, p.accuracy_m) for p in points)
    return PatrolTrack(row.id, row.chief_id, aware(row.started_at), finished, pts)


def start_track(engine: Engine, user: User, ip: str | None) -> PatrolTrack:
    """Start a patrol of the user's chief; an open one is finished first (one at a time)."""
    assert user.chief_id is not None
    with write_session(engine) as session:
        for open_row in session.scalars(
            select(RecordedTrack).where(
                RecordedTrack.chief_id == user.chief_id, RecordedTrack.finished_at.is_(None)
            )
        ):
            open_row.finished_at = now()
            audit(session, user.actor, "patrol.finish", f"track:{open_row.id}", {"auto": True}, ip)
        row = RecordedTrack(chief_id=user.chief_id, user_id=user.id, started_at=now())
        session.add(row)
        session.flush()
        audit(session, user.actor, "patrol.start", f"track:{row.id}", ip=ip)
        return _track(row)


def add_points(engine: Engine, track_id: int, points: Sequence[TrackPoint]) -> int:
    """Append location fixes to an open track; the number of points it now holds."""
    with write_session(engine) as session:
        row = session.get_one(RecordedTrack, track_id)
        if row.finished_at is not None:
            raise InputError(f"patrol {track_id} is finished; start a new one")
        session.add_all(
            RecordedPoint(track_id=track_id, at=p.at, lon=p.lon, lat=p.lat, accuracy_m=p.accuracy_m)
            for p in points
        )
        session.flush()
        q = select(func.count()).where(RecordedPoint.track_id == track_id)
        return int(session.scalar(q) or 0)


def finish_track(engine: Engine, track_id: int, user: User, ip: str | None) -> PatrolTrack:
    with write_session(engine) as session:
        row = session.get_one(RecordedTrack, track_id)
        if row.finished_at is None:
            row.finished_at = now()
            q = select(func.count()).where(RecordedPoint.track_id == track_id)
            audit(session, user.actor, "patrol.finish", f"track:{track_id}",
                  {"points": session.scalar(q)}, ip)  # fmt: skip
        return _track(row)


def track_owner(session: Session, track_id: int) -> str | None:
    """The chief id of a track, or None if there is no such track."""
    return session.scalar(select(RecordedTrack.chief_id).where(RecordedTrack.id == track_id))


def load_track(session: Session, track_id: int) -> PatrolTrack:
    row = session.get_one(RecordedTrack, track_id)
    points = session.scalars(
        select(RecordedPoint)
        .where(RecordedPoint.track_id == track_id)
        .order_by(RecordedPoint.at, RecordedPoint.id)
    ).all()
    return _track(row, points)


def tracks_of(session: Session, chief_ids: Sequence[str], limit: int = 50) -> list[PatrolTrack]:
    """The latest tracks of these chiefs (without their points), newest first."""
    rows = session.scalars(
        select(RecordedTrack)
        .where(RecordedTrack.chief_id.in_(list(chief_ids)))
        .order_by(RecordedTrack.started_at.desc(), RecordedTrack.id.desc())
        .limit(limit)
    )
    return [_track(r) for r in rows]


def add_photo(
    engine: Engine,
    owner_kind: str,
    owner_id: int,
    chief_id: str | None,
    jpeg: bytes,
    size: tuple[int, int],
    *,
    actor: str,
    ip: str | None,
) -> PhotoInfo:
    """Store a re-encoded photo; its audit entry names what it belongs to."""
    with write_session(engine) as session:
        return save_photo(session, owner_kind, owner_id, chief_id, jpeg, size, actor=actor, ip=ip)


def save_photo(
    session: Session,
    owner_kind: str,
    owner_id: int,
    chief_id: str | None,
    jpeg: bytes,
    size: tuple[int, int],
    *,
    actor: str,
    ip: str | None,
) -> PhotoInfo:
    """``add_photo`` in the caller's transaction."""
    row = Photo(
        owner_kind=owner_kind, owner_id=owner_id, chief_id=chief_id, uploaded_by=actor,
        uploaded_at=now(), sha256=hashlib.sha256(jpeg).hexdigest(), width=size[0],
        height=size[1], size_bytes=len(jpeg), content=jpeg,
    )  # fmt: skip
    session.add(row)
    session.flush()
    details = {"owner": f"{owner_kind}:{owner_id}", "bytes": len(jpeg)}
    audit(session, actor, "photo.add", f"photo:{row.id}", details, ip)
    return _photo(row)


def _photo(row: Photo) -> PhotoInfo:
    return PhotoInfo(
        row.id, row.owner_kind, row.owner_id, row.chief_id, aware(row.uploaded_at), row.width,
        row.height, row.size_bytes,
    )  # fmt: skip


def photo_info(session: Session, photo_id: int) -> PhotoInfo | None:
    row = session.get(Photo, photo_id)
    return None if row is None else _photo(row)


def photo_bytes(session: Session, photo_id: int) -> bytes:
    return session.get_one(Photo, photo_id).content


def photos_of(session: Session, owner_kind: str, owner_id: int) -> list[PhotoInfo]:
    rows = session.scalars(
        select(Photo).where(Photo.owner_kind == owner_kind, Photo.owner_id == owner_id)
    )
    return [_photo(r) for r in rows]


def moment(text: str) -> dt.datetime:
    """An ISO time from a phone; a time without an offset is taken as UTC."""
    at = dt.datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
