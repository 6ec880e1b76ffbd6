"""Locust users of the web app load test (driven by ``bench/bench_web.py``).

Chiefs open their page and its map and report their location into their open patrol;
supervisors open their area. Each user is handed a login session made beforehand
(``BENCH_WEB_USERS``, a JSON list), so the measure is the pages, not argon2.
Citizens' reports come with the closed loop's cases (phase 2).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
from typing import Any

from locust import FastHttpUser, between, task

_USERS: dict[str, list[dict[str, Any]]] = json.loads(
    open(os.environ["BENCH_WEB_USERS"], encoding="utf-8").read()  # noqa: SIM115
)
_NEXT = {role: itertools.cycle(users) for role, users in _USERS.items()}
CSRF = re.compile(r'data-csrf="([^"]+)"')


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


class Supervisor(_Logged):
    """A 二级/一级路长 opening their area (the ledger comes with the closed loop)."""

    role = "supervisor"
    weight = 1
    wait_time = between(2, 5)

    @task
    def area(self) -> None:
        self.client.get("/area", name="supervisor area", headers=self.headers)
