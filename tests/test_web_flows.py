"""Requests a careless or hostile user makes, against a real server: a second plan of a
busy week, a re-plan after an absence, bodies over the limit, a flood of logins, a photo
that is not one, bad points, English."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from web_server import WEEK, Site, build_site, client, serving, token_for

from roadchief.store.cases import case_count
from roadchief.store.db import make_engine, read_session
from roadchief.store.jobs import get_job
from roadchief.store.recorded import start_track
from roadchief.web.limits import RateLimiter
from roadchief.web.settings import Limits, WebSettings
from roadchief.web_records import JobState


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("web_flows")
    built = build_site(f"sqlite:///{folder / 'roadchief.db'}", folder)
    built.settings = WebSettings(
        built.settings.db_url, built.settings.data_dir,
        limits=Limits(public_per_minute=5, photo_mb=0.5),
    )  # fmt: skip
    with serving(built):
        yield built


def wait_job(site: Site, job_id: int, timeout_s: float = 180) -> JobState:
    engine = make_engine(site.settings.db_url)
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with read_session(engine) as session:
                job = get_job(session, job_id)
            assert job is not None
            if not job.active:
                assert job.state == JobState.DONE, job.error
                return job.state
            time.sleep(0.5)
    finally:
        engine.dispose()
    raise AssertionError(f"job {job_id} did not end in {timeout_s} s")


def test_a_replan_runs_as_a_job_and_a_second_one_waits(site: Site) -> None:
    with client(site, "planner") as c:
        token = token_for(c)
        form = {"csrf": token, "week": WEEK, "absent": "A1", "from": "2026-12-02",
                "time_limit": "5"}  # fmt: skip
        first = c.post("/plan/replan", data=form)
        assert first.status_code == 303
        job_id = int(first.headers["location"].rsplit("/", 1)[1])
        second = c.post("/plan/weeks", data={"csrf": token, "week": WEEK, "time_limit": "5"})
        assert second.status_code == 409 and f"/jobs/{job_id}" in second.text
        page = c.get(f"/jobs/{job_id}")
        assert page.status_code == 200
        wait_job(site, job_id)
        files = c.get(f"/weeks/{WEEK}/files")
        assert files.status_code == 200
        assert f"/runs/{site.run_id}/" not in files.text  # the re-plan is the week's run now
        history = c.get("/plan").text
        assert WEEK in history


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"week": "2026-W99"}, "week"),
        ({"week": WEEK, "time_limit": "-5"}, "more than 0"),
        ({"week": WEEK, "time_limit": "abc"}, "number of seconds"),
    ],
)
def test_bad_plan_options_are_refused_with_the_reason(
    site: Site, form: dict[str, str], message: str
) -> None:
    with client(site, "planner") as c:
        r = c.post("/plan/weeks", data={**form, "csrf": token_for(c)})
        assert r.status_code == 400 and message in r.text


def test_a_replan_of_an_unknown_person_is_refused(site: Site) -> None:
    with client(site, "planner") as c:
        form = {"csrf": token_for(c), "week": WEEK, "absent": "ZZZ", "from": "2026-12-02"}
        r = c.post("/plan/replan", data=form)
        assert r.status_code == 400 and "ZZZ" in r.text


def test_bodies_over_the_limit_are_refused(site: Site) -> None:
    engine = make_engine(site.settings.db_url)
    try:
        track = start_track(engine, site.users["a2"], None)
    finally:
        engine.dispose()
    with client(site, "a2") as c:
        token = token_for(c)
        big = b"x" * (2 << 20)
        r = c.post(f"/patrols/{track.id}/points", content=big,
                   headers={"X-CSRF-Token": token, "Content-Type": "application/json"})  # fmt: skip
        assert r.status_code == 413
        photo = {"photo": ("p.jpg", b"\xff\xd8" + b"0" * (600 << 10), "image/jpeg")}
        r = c.post(f"/patrols/{track.id}/photos", data={"csrf": token}, files=photo)
        assert r.status_code == 413
        not_image = {"photo": ("p.jpg", b"<svg onload=alert(1)>", "image/jpeg")}
        r = c.post(f"/patrols/{track.id}/photos", data={"csrf": token}, files=not_image)
        assert r.status_code == 400
        for points in ([{"t": "x", "lat": 1, "lon": 2}], [{"t": "2026-12-01T08:00", "lat": 91,
                       "lon": 2}], [{"t": "2026-12-01T08:00", "lat": "NaN", "lon": 2}], []):  # fmt: skip
            r = c.post(f"/patrols/{track.id}/points", json={"points": points},
                       headers={"X-CSRF-Token": token})  # fmt: skip
            assert r.status_code == 400, points


def test_a_flood_of_logins_is_slowed_down(site: Site) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as c:
        token = c.get("/login").text.split('name="csrf" value="')[1].split('"')[0]
        answers = [
            c.post(
                "/login", data={"csrf": token, "name": "planner", "password": "wrong"}
            ).status_code
            for _ in range(7)
        ]
    assert answers[:5] == [400] * 5 and answers[5:] == [429, 429]
    site.app.state.rate = RateLimiter(site.settings.limits.public_per_minute)  # for the others


def test_english_on_request(site: Site, tmp_path: Path) -> None:
    with httpx.Client(base_url=site.url, timeout=30) as c:
        assert "登录" in c.get("/login").text
        switched = c.get("/lang/en?next=/login")
        assert switched.headers["location"] == "/login"
        assert "Log in" in c.get("/login").text
        assert c.get("/lang/en?next=//evil.example").headers["location"] == "/"


def test_a_plan_with_a_bad_pin_fails_with_the_reason(site: Site) -> None:
    pins = "date,slot,chief_id,segment_id\n2026-12-08,early,A1,NOPE\n"
    with client(site, "planner") as c:
        form = {"csrf": token_for(c), "week": "2026-W50", "time_limit": "5"}
        r = c.post("/plan/weeks", data=form, files={"pin": ("pins.csv", pins.encode(), "text/csv")})
        assert r.status_code == 303
        job_id = int(r.headers["location"].rsplit("/", 1)[1])
        engine = make_engine(site.settings.db_url)
        try:
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                with read_session(engine) as session:
                    job = get_job(session, job_id)
                assert job is not None
                if not job.active:
                    break
                time.sleep(0.5)
        finally:
            engine.dispose()
        assert job.state == JobState.FAILED and job.error is not None and "NOPE" in job.error
        page = c.get(f"/jobs/{job_id}").text
        assert "NOPE" in page


def test_citizens_reports_are_rate_limited_per_address(site: Site) -> None:
    """The public report takes ``public_per_minute`` (5 here) a minute from one address;
    the next is refused with 429 and stores nothing."""
    engine = make_engine(site.settings.db_url)
    try:
        with client(site, None) as c:
            token = token_for(c, "/report")
            form = {"csrf": token, "category": "E0103", "description": "路面不洁"}
            codes = [c.post("/report", data=form).status_code for _ in range(5)]
            with read_session(engine) as session:
                before = case_count(session)
            refused = c.post("/report", data=form)
            with read_session(engine) as session:
                after = case_count(session)
    finally:
        engine.dispose()
    assert codes == [200] * 5
    assert refused.status_code == 429 and after == before
