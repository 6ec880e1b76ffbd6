"""Locust users of the web app load test (driven by ``bench/bench_web.py``).

Chiefs open their page and its map, report their location into their open patrol and
now and then a problem on the spot (a case); supervisors open their area and their
ledger; citizens report a problem with a photo and a place. Each logged-in user is handed
a login session made beforehand (``BENCH_WEB_USERS``, a JSON list), so the measure is
the pages, not argon2.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import os
import random
import re
import uuid
from typing import Any

from locust import FastHttpUser, between, task
from PIL import Image

_USERS: dict[str, list[dict[str, Any]]] = json.loads(
    open(os.environ["BENCH_WEB_USERS"], encoding="utf-8").read()  # noqa: SIM115
)
_NEXT = {role: itertools.cycle(users) for role, users in _USERS.items()}
CSRF = re.compile(r'data-csrf="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
ANON = re.compile(r"rc_anon=([^;]+)")


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1280, 960), (120, 130, 140)).save(out, "JPEG", quality=85)
    return out.getvalue()


PHOTO = _photo()
"""A phone-sized photo: the upload path (decode, scale, re-encode, store) on each report."""


def multipart(fields: dict[str, str], photo: bytes) -> tuple[bytes, str]:
    """A form with a photo, as a browser posts it (FastHttpUser has no ``files``)."""
    boundary = uuid.uuid4().hex
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                f"{value}\r\n").encode()  # fmt: skip
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; "
            'filename="p.jpg"\r\nContent-Type: image/jpeg\r\n\r\n').encode()  # fmt: skip
    out += photo + f"\r\n--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def near(me: dict[str, Any]) -> dict[str, str]:
    return {"lat": f"{me['lat'] + random.uniform(-2e-4, 2e-4):.6f}",
            "lon": f"{me['lon'] + random.uniform(-2e-4, 2e-4):.6f}"}  # fmt: skip


class _Logged(FastHttpUser):
    abstract = True
    role = ""

    def on_start(self) -> None:
        self.me = next(_NEXT[self.role])
        self.headers = {"Cookie": f"rc_session={self.me['session']}", "Accept-Encoding": "gzip"}


class Chief(_Logged):
    """A 路段长 on a phone: where do I go next, then walking and reporting the location."""

    role = "chief"
    weight = 5
    wait_time = between(1, 3)

    @task(3)
    def page(self) -> None:
        r = self.client.get(
            f"/people/{self.me['chief_id']}", name="chief page", headers=self.headers
        )
        found = CSRF.search(r.text)
        if found:
            self.csrf = found.group(1)

    @task(3)
    def map(self) -> None:
        self.client.get(
            f"/people/{self.me['chief_id']}/map", name="chief map", headers=self.headers
        )

    @task(4)
    def report(self) -> None:
        if not getattr(self, "csrf", None):
            self.page()
        now = dt.datetime.now(dt.UTC)
        lat, lon = self.me["lat"], self.me["lon"]
        points = [
            {"t": (now + dt.timedelta(seconds=k)).isoformat(), "lat": lat + random.uniform(-1e-4, 1e-4),
             "lon": lon + random.uniform(-1e-4, 1e-4), "acc": 8.0}
            for k in range(5)
        ]  # fmt: skip
        self.client.post(f"/patrols/{self.me['track']}/points", json={"points": points},
                         headers={**self.headers, "X-CSRF-Token": self.csrf}, name="chief report")  # fmt: skip

    @task(1)
    def case(self) -> None:
        """A problem found on the patrol, reported on the spot (a case on their segment)."""
        if not getattr(self, "csrf", None):
            self.page()
        fields = {"csrf": self.csrf, "category": "E0103", "description": "路面不洁",
                  **near(self.me)}  # fmt: skip
        body, kind = multipart(fields, PHOTO)
        self.client.post("/cases", data=body, headers={**self.headers, "Content-Type": kind},
                         name="chief case", allow_redirects=False)  # fmt: skip


class Supervisor(_Logged):
    """A 二级/一级路长 opening their area and their ledger of cases."""

    role = "supervisor"
    weight = 1
    wait_time = between(2, 5)

    @task
    def area(self) -> None:
        self.client.get("/area", name="supervisor area", headers=self.headers)

    @task
    def ledger(self) -> None:
        self.client.get("/cases", name="supervisor ledger", headers=self.headers)


class Citizen(FastHttpUser):
    """A citizen without an account: the report form, then reports with a photo and now
    and then the hot issues."""

    weight = 2
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.place = next(_NEXT["chief"])
        r = self.client.get("/report", name="citizen form")
        anon = ANON.search(r.headers.get("set-cookie", ""))
        token = CSRF_FIELD.search(r.text)
        self.anon = anon.group(1) if anon else ""
        self.csrf = token.group(1) if token else ""

    @task(1)
    def hot(self) -> None:
        self.client.get("/hot", name="citizen hot")

    @task(3)
    def report(self) -> None:
        fields = {"csrf": self.csrf, "category": "E0103", "description": "人行道上有垃圾",
                  **near(self.place)}  # fmt: skip
        body, kind = multipart(fields, PHOTO)
        headers = {"Cookie": f"rc_anon={self.anon}", "Content-Type": kind}
        self.client.post("/report", data=body, headers=headers, name="citizen report")
