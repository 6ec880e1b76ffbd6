"""The web app's parts without a browser: photos cleaned, the access rule on a deeper
hierarchy, the account commands, job locks and dead workers, limits."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from store_db import BACKENDS, fresh_database

from roadchief.domain import Chief, ChiefLevel
from roadchief.store.db import make_engine, read_session
from roadchief.store.jobs import JobBusyError, claim_job, finish_job, get_job, queue_job
from roadchief.store.migrate import upgrade
from roadchief.web.access import scope_of
from roadchief.web.jobs import reap
from roadchief.web.limits import RateLimiter
from roadchief.web.photos import NotAnImage, clean_photo
from roadchief.web_records import JobKind, JobState, Role, User


def exif_jpeg(size: tuple[int, int] = (3000, 2000)) -> bytes:
    image = Image.new("RGB", size, (10, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (31.0, 13.0, 30.0), 3: "E", 4: (121.0, 28.0, 15.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_photo_is_scaled_and_loses_every_metadata() -> None:
    jpeg, size = clean_photo(exif_jpeg(), 1600)
    assert size == (1600, 1067)
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG" and image.size == size
        assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in jpeg


def test_a_photo_is_turned_upright_by_its_orientation() -> None:
    image = Image.new("RGB", (40, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: the phone was held upright
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    _, size = clean_photo(out.getvalue(), 1600)
    assert size == (20, 40)


@pytest.mark.parametrize(
    "data",
    [b"<script>alert(1)</script>", b"GIF89a not really", b"", b"%PDF-1.4\n"],
)
def test_what_is_not_an_image_is_refused(data: bytes) -> None:
    with pytest.raises(NotAnImage):
        clean_photo(data, 1600)


def test_an_image_claiming_huge_dimensions_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # 100 megapixels in a few kB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(NotAnImage):
        clean_photo(out.getvalue(), 1600)


def chief(cid: str, level: str, zone: str | None, boss: str = "") -> Chief:
    return Chief(cid, cid, zone, ChiefLevel(level), 5, supervisor_id=boss)


PEOPLE = [
    chief("G", "general", None),
    chief("L1", "l1", None, "G"),
    chief("L2x", "l2", "X", "L1"),
    chief("L2y", "l2", "Y", "L1"),
    chief("x1", "segment", "X", "L2x"),
    chief("x2", "patroller", "X"),  # no supervisor given: belongs to zone X all the same
    chief("y1", "segment", "Y", "L2y"),
    chief("loop1", "l2", "Z", "loop2"),
    chief("loop2", "l2", None, "loop1"),  # a cycle in the file: cut, not followed forever
]


@pytest.mark.parametrize(
    ("role", "cid", "sees"),
    [
        (Role.SUPERVISOR, "G", {c.chief_id for c in PEOPLE}),
        (Role.SUPERVISOR, "L1", {"L1", "L2x", "L2y", "x1", "x2", "y1"}),
        (Role.SUPERVISOR, "L2x", {"L2x", "x1", "x2"}),
        (Role.SUPERVISOR, "loop2", {"loop1", "loop2"}),
        (Role.CHIEF, "x1", {"x1"}),
        (Role.CHIEF, "nobody", set()),
        (Role.UNIT, None, set()),
        (Role.PLANNER, None, {c.chief_id for c in PEOPLE}),
    ],
)
def test_the_access_rule_follows_the_hierarchy(role: Role, cid: str | None, sees: set[str]) -> None:
    scope = scope_of(User(1, "u", role, cid), PEOPLE)
    assert {c.chief_id for c in PEOPLE if scope.sees(c.chief_id)} == sees
    assert not scope.sees(None)


def test_a_disabled_account_or_a_stranger_sees_no_one() -> None:
    for user in (None, User(1, "u", Role.PLANNER, disabled=True)):
        scope = scope_of(user, PEOPLE)
        assert not any(scope.sees(c.chief_id) for c in PEOPLE)


def test_the_rate_limiter_counts_a_minute_per_key() -> None:
    limit = RateLimiter(3)
    assert [limit.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("b")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> object:
    for url in fresh_database(request.param, tmp_path):
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


def test_one_plan_per_week_at_a_time(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        first = queue_job(engine, JobKind.PLAN, {"week": "2026-W49"}, lock="plan:2026-W49",
                          actor="t")  # fmt: skip
        with pytest.raises(JobBusyError) as busy:
            queue_job(engine, JobKind.REPLAN, {}, lock="plan:2026-W49", actor="t")
        assert busy.value.job_id == first.id
        queue_job(engine, JobKind.PLAN, {}, lock="plan:2026-W50", actor="t")  # another week
        assert claim_job(engine, first.id, os.getpid()) is not None
        assert claim_job(engine, first.id, os.getpid()) is None  # a job runs once
        finish_job(engine, first.id, result={"run_id": 1})
        again = queue_job(engine, JobKind.PLAN, {}, lock="plan:2026-W49", actor="t")
        assert again.state == JobState.QUEUED
    finally:
        engine.dispose()


def test_a_job_whose_worker_died_is_failed(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        job = queue_job(engine, JobKind.PLAN, {}, lock="plan:2026-W01", actor="t")
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        claim_job(engine, job.id, dead.pid)
        assert reap(engine) == [job.id]
        with read_session(engine) as session:
            ended = get_job(session, job.id)
        assert ended is not None and ended.state == JobState.FAILED and ended.error
        assert not ended.active
        queue_job(engine, JobKind.PLAN, {}, lock="plan:2026-W01", actor="t")  # lock freed
    finally:
        engine.dispose()
