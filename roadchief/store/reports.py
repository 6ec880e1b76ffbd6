"""Store cases reported on the web: the case with its first transition, its receipt (the
SHA-256 of the code its reporter follows it with), and find the nearest segment of a
point with PostGIS; the lines of segments a public page shows."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

from shapely.geometry.base import BaseGeometry
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.orm import Session

from roadchief.store.accounts import now
from roadchief.store.cases import CASE, TRANSITION, cases_by_id
from roadchief.store.models import InputFile, SegmentRow, Snapshot
from roadchief.store.models_loop import CaseRow
from roadchief.store.models_web import Receipt
from roadchief.store.rows_loop import StoredCase, case_values, transition_values

WEB_KIND = "web"
"""The input file every web report names as its source (made by migration 0007)."""
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class NearSegment:
    segment_id: str
    zone_id: str
    road_class: str
    distance_m: float


def web_file_id(session: Session) -> int:
    found = session.scalar(select(InputFile.id).where(InputFile.kind == WEB_KIND).limit(1))
    assert found is not None, "migration 0007 makes the web reports' file"
    return found


def save_web_case(session: Session, stored: StoredCase, code_hash: str | None) -> int:
    """Store a new case reported on the web (and its receipt, for a citizen); its row id."""
    conn = session.connection()
    case = stored.record.case
    values = case_values(case, stored.placement, stored.route, web_file_id(session), "web")
    pk = int(conn.execute(insert(CASE).returning(CASE.c.id), [values]).scalar_one())
    recorded = now()
    moves = [transition_values(t, pk, seq, recorded) for seq, t in enumerate(stored.record.history)]
    conn.execute(insert(TRANSITION), moves)
    if code_hash is not None:
        session.add(Receipt(case_pk=pk, code_hash=code_hash, created_at=recorded))
        session.flush()
    return pk


def case_of_receipt(session: Session, code_hash: str) -> StoredCase | None:
    """The case a receipt code was given for, or None."""
    q = (
        select(CaseRow.case_id)
        .join(Receipt, Receipt.case_pk == CaseRow.id)
        .where(Receipt.code_hash == code_hash)
    )
    case_id = session.scalar(q)
    if case_id is None:
        return None
    return cases_by_id(session, [case_id])[case_id][1]


def case_id_of(session: Session, case_pk: int) -> str | None:
    return session.scalar(select(CaseRow.case_id).where(CaseRow.id == case_pk))


def nearest_segment_pg(
    session: Session,
    city_id: int,
    lon: float,
    lat: float,
    snap_m: float,
    only: Collection[str] | None = None,
) -> NearSegment | None:
    """The placed segment of ``city_id`` nearest the point within ``snap_m`` metres (on
    the spheroid, ST_DWithin on geography), among ``only`` when given; None if none is."""
    margin = snap_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01)) * 1.05
    sql = """
        SELECT segment_id, zone_id, road_class,
               ST_Distance(geom::geography, p.pt::geography) AS d
        FROM segment, (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS pt) AS p
        WHERE city_id = :city AND placed AND geom && ST_Expand(p.pt, :margin)
          AND ST_DWithin(geom::geography, p.pt::geography, :snap)
          {only}
        ORDER BY d, segment_id LIMIT 1
    """
    params: dict[str, object] = {
        "lon": lon, "lat": lat, "city": city_id, "margin": margin, "snap": snap_m,
    }  # fmt: skip
    q = text(sql.format(only="AND segment_id IN :only" if only is not None else ""))
    if only is not None:
        q = q.bindparams(bindparam("only", expanding=True))
        params["only"] = sorted(only) or [""]
    row = session.execute(q, params).first()
    if row is None:
        return None
    return NearSegment(str(row[0]), str(row[1] or ""), str(row[2]), round(float(row[3]), 1))


def segment_lines(
    session: Session, segment_ids: Collection[str]
) -> dict[str, tuple[str, BaseGeometry]]:
    """segment id -> (road name, WGS-84 line) of the latest city's placed segments among
    ``segment_ids``."""
    city_id = session.scalar(select(Snapshot.city_id).order_by(Snapshot.id.desc()).limit(1))
    if city_id is None or not segment_ids:
        return {}
    rows = session.execute(
        select(SegmentRow.segment_id, SegmentRow.road_name, SegmentRow.geom).where(
            SegmentRow.city_id == city_id,
            SegmentRow.placed,
            SegmentRow.segment_id.in_(sorted(segment_ids)),
        )
    )
    return {str(sid): (str(name or ""), geom) for sid, name, geom in rows}


def segment_place(session: Session, segment_id: str) -> NearSegment | None:
    """The latest city's placed segment ``segment_id`` (distance 0), or None."""
    city_id = session.scalar(select(Snapshot.city_id).order_by(Snapshot.id.desc()).limit(1))
    row = session.execute(
        select(SegmentRow.zone_id, SegmentRow.road_class).where(
            SegmentRow.city_id == city_id, SegmentRow.placed, SegmentRow.segment_id == segment_id
        )
    ).first()
    if row is None:
        return None
    return NearSegment(segment_id, str(row[0] or ""), str(row[1]), 0.0)
