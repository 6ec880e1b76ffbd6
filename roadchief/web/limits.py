"""Rate limits of the public routes and size limits of request bodies."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RateLimiter:
    """At most ``per_minute`` events a key in any 60 s (kept per worker process: a server
    with N workers lets through at most N times as many)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def full(self, key: str) -> bool:
        """True if ``key`` used its events of the last minute (nothing is counted)."""
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.per_minute

    def allow(self, key: str) -> bool:
        """Count one event of ``key``; False (and not counted) if it has no more."""
        now = time.monotonic()
        with self._lock:
            seen = self._recent(key, now)
            if len(seen) >= self.per_minute:
                return False
            seen.append(now)
            if len(self._events) > 100_000:  # forget idle keys rather than grow without end
                for k in [k for k, v in self._events.items() if not v]:
                    del self._events[k]
            return True

    def _recent(self, key: str, now: float) -> deque[float]:
        seen = self._events[key]
        while seen and seen[0] <= now - 60:
            seen.popleft()
        return seen


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse a request body over the limit for its path with 413, whether it announces
    its length or streams it."""

    def __init__(self, app: ASGIApp, limit_of: Callable[[str], int]) -> None:
        self.app = app
        self.limit_of = limit_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope["path"])
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _refuse(send)
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, sending)
        except _TooLarge:
            if not started:
                await _refuse(send)


async def _refuse(send: Send) -> None:
    body = b"413 the request is too large"
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
