"""The stages of a run, timed, each announced to whoever shows progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

StageHook = Callable[[str, float | None], Any]
"""Called as a stage starts with its name and its time budget in seconds, if it has one
(the terminal shows both)."""


@runtime_checkable
class ZoneProgress(Protocol):
    """A stage hook that also shows each zone as its roster solve ends."""

    def zone_done(self, zone: str, status: str) -> None:
        """Zone ``zone`` (its name) ended with solver status ``status``."""


@dataclass
class Stages:
    """Wall time of each stage of one run, in seconds, and when the run started."""

    hook: StageHook | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @contextmanager
    def stage(self, name: str, budget_s: float | None = None) -> Iterator[None]:
        """Time the block as stage ``name`` (announced first, with its budget if any)."""
        if self.hook is not None:
            self.hook(name, budget_s)
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)

    def wall_s(self) -> float:
        """Seconds since the run started."""
        return round(time.perf_counter() - self.started, 3)

    def zone_done(self, zone: str, status: str) -> None:
        """Tell the hook, if it shows zones, that zone ``zone`` ended with ``status``."""
        if isinstance(self.hook, ZoneProgress):
            self.hook.zone_done(zone, status)
