"""The stages of a run, timed, each announced to whoever shows progress."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

StageHook = Callable[[str], Any]
"""Called with a stage's name as it starts (the terminal shows it)."""


@dataclass
class Stages:
    """Wall time of each stage of one run, in seconds, and when the run started."""

    hook: StageHook | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name`` (announced first)."""
        if self.hook is not None:
            self.hook(name)
        start = time.perf_counter()
        yield
        self.seconds[name] = round(time.perf_counter() - start, 3)

    def wall_s(self) -> float:
        """Seconds since the run started."""
        return round(time.perf_counter() - self.started, 3)
