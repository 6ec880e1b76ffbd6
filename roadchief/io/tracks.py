"""Read GPS tracks and check-ins: GPX (tracks and waypoints) or GeoJSON with times.

GeoJSON: LineString features with a ``times`` property (one ISO time per vertex), or
Point features with a ``time`` property (check-ins or a logger's points); an optional
``chief_id`` property overrides the person given on the command line. Every point needs a
time: a track without times cannot say when a segment was walked. Times with an offset
are turned into the city's local time; times without one are taken as local.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import gpxpy
import gpxpy.gpx
import numpy as np

from roadchief.calendar import local_moment
from roadchief.errors import InputError, ProblemLog
from roadchief.loop.patrols import Track

Point = tuple[dt.datetime, float, float]


def read_tracks(
    path: Path, chief_id: str, time_zone: str, split_after_s: float | None = None
) -> list[Track]:
    """The tracks of one file, per person in time order, a new track wherever two points
    are more than ``split_after_s`` apart (a day's tour and the next: a tour missed
    between two walked ones is then not covered by any track); bad points all named."""
    src = str(path)
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{src}: cannot read the track file as UTF-8 text ({exc})") from exc
    log = ProblemLog()
    points: dict[str, list[Point]] = defaultdict(list)
    if Path(path).suffix.lower() == ".gpx":
        _gpx(text, src, chief_id, time_zone, points, log)
    else:
        _geojson(text, src, chief_id, time_zone, points, log)
    if not any(points.values()) and not log.errors:
        log.error(src, "", "holds no timed points; export the track with times (GPX <time>)")
    log.raise_if_errors()
    tracks = []
    for person, pts in sorted(points.items()):
        pts.sort(key=lambda p: p[0])
        times = np.array([p[0] for p in pts], dtype="datetime64[us]")
        lon = np.array([p[1] for p in pts], dtype=float)
        lat = np.array([p[2] for p in pts], dtype=float)
        cuts: list[int] = []
        if split_after_s is not None:
            gap = np.timedelta64(int(split_after_s * 1e6), "us")
            cuts = (np.flatnonzero(np.diff(times) > gap) + 1).tolist()
        for lo, hi in zip([0, *cuts], [*cuts, len(pts)], strict=True):
            tracks.append(Track(person, times[lo:hi], lon[lo:hi], lat[lo:hi], src))
    return tracks


def _gpx(
    text: str, src: str, chief_id: str, tz: str, out: dict[str, list[Point]], log: ProblemLog
) -> None:
    try:
        gpx = gpxpy.parse(text)
    except gpxpy.gpx.GPXException as exc:
        raise InputError(f"{src}: is not a GPX file ({exc})") from exc
    for ti, track in enumerate(gpx.tracks, start=1):
        for si, seg in enumerate(track.segments, start=1):
            for pi, p in enumerate(seg.points, start=1):
                where = f"track {ti} segment {si} point {pi}"
                _add(p.time, p.longitude, p.latitude, where, src, chief_id, tz, out, log)
    for wi, w in enumerate(gpx.waypoints, start=1):
        _add(w.time, w.longitude, w.latitude, f"waypoint {wi}", src, chief_id, tz, out, log)


def _geojson(
    text: str, src: str, chief_id: str, tz: str, out: dict[str, list[Point]], log: ProblemLog
) -> None:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{src}: line {exc.lineno} is not valid JSON ({exc.msg})") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise InputError(f"{src}: is not a GeoJSON FeatureCollection; give a .gpx or .geojson")
    for fi, feature in enumerate(doc.get("features") or [], start=1):
        props = feature.get("properties") or {}
        geom = feature.get("geometry") or {}
        person = str(props.get("chief_id") or chief_id)
        where = f"feature {fi}"
        coords = geom.get("coordinates") or []
        if geom.get("type") == "Point":
            lon, lat = ([*coords, None, None])[:2]
            _add(props.get("time"), lon, lat, where, src, person, tz, out, log)
        elif geom.get("type") == "LineString":
            times = props.get("times")
            if not isinstance(times, list) or len(times) != len(coords):
                log.error(src, where, f"needs a 'times' list with one time per vertex "
                          f"({len(coords)}); add the times or export as GPX")  # fmt: skip
                continue
            for vi, (c, t) in enumerate(zip(coords, times, strict=True), start=1):
                lon, lat = ([*list(c), None, None])[:2]
                _add(t, lon, lat, f"{where} vertex {vi}", src, person, tz, out, log)
        else:
            log.error(src, where, f"is a {geom.get('type')}; give LineStrings or Points")


def _add(
    time: Any,
    lon: Any,
    lat: Any,
    where: str,
    src: str,
    person: str,
    tz: str,
    out: dict[str, list[Point]],
    log: ProblemLog,
) -> None:
    if isinstance(time, str):
        try:
            time = dt.datetime.fromisoformat(time)
        except ValueError:
            log.error(src, where, f"time {time!r} is not a time; write 2026-12-01T08:30:00+08:00")
            return
    if not isinstance(time, dt.datetime):
        log.error(src, where, "has no time; export the track with a time for every point")
        return
    try:
        x, y = float(lon), float(lat)
        assert -180 <= x <= 180 and -90 <= y <= 90
    except (TypeError, ValueError, AssertionError):
        log.error(src, where, f"({lon!r}, {lat!r}) is not a WGS-84 position")
        return
    out[person].append((local_moment(time, tz), x, y))


def write_gpx(track: Track, path: Path, time_zone: str) -> None:
    """One track as GPX 1.1 with UTC times (what a phone app exports)."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(time_zone)
    gpx = gpxpy.gpx.GPX()
    trk = gpxpy.gpx.GPXTrack(name=track.chief_id)
    seg = gpxpy.gpx.GPXTrackSegment()
    for t, x, y in zip(track.times, track.lon, track.lat, strict=True):
        moment = t.astype("datetime64[us]").item().replace(tzinfo=tz).astimezone(dt.UTC)
        seg.points.append(gpxpy.gpx.GPXTrackPoint(float(y), float(x), time=moment))
    trk.segments.append(seg)
    gpx.tracks.append(trk)
    Path(path).write_text(gpx.to_xml(), "utf-8")
