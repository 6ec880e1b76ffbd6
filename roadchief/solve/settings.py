"""How the solver searches: one frozen settings object from the command line to CP-SAT."""

from __future__ import annotations

from dataclasses import dataclass

CpParam = tuple[str, bool | int | float]
"""One extra CP-SAT parameter: a ``SatParameters`` field name and its value."""

LOCAL = "local"
"""Lanes run in one local process each (in this process when there is one lane)."""
SERIAL = "serial"
"""Lanes run in this process, one after another (P lanes take P times the budget)."""


@dataclass(frozen=True)
class SolverSettings:
    """Every knob of a roster search, set once by the caller and read where it is used."""

    time_limit_s: float = 60.0
    """The whole city's budget, seconds (deterministic mode: CP-SAT work units)."""
    workers: int = 2
    """CP-SAT search workers per zone."""
    seed: int = 0
    deterministic: bool = False
    """Same inputs, seed and lanes give the same roster (``interleave_search``)."""
    lanes: int | None = None
    """Zones solved side by side; None: one per local core, or per Dask worker thread."""
    runner: str = LOCAL
    """Where lanes run: ``local``, ``serial`` or a Dask scheduler address ``tcp://host:port``."""
    hint: bool = True
    """Warm-start each zone from the greedy roster (strongly advised)."""
    cp_params: tuple[CpParam, ...] = ()
    """Extra CP-SAT parameters, set after roadchief's own."""

    @property
    def scheduler(self) -> str | None:
        """The Dask scheduler address, or None when lanes run on this machine."""
        return None if self.runner in (LOCAL, SERIAL) else self.runner
