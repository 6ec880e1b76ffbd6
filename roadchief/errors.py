"""The package's exceptions: one base class, turned into a message and exit code 1 by the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class RoadchiefError(Exception):
    """Base class of every error roadchief raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, what is wrong, how to fix it."""

    source: str
    """The file (and layer) the problem is in."""
    where: str
    """The feature, row or column, for example ``feature 12 (id=Cambrid_St_29)``."""
    message: str
    """What is wrong and how to fix it."""
    fatal: bool = True
    """False for a problem that was repaired and is only reported."""

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ":"
        return f"{self.source}{where} {self.message}"


class InputError(RoadchiefError, ValueError):
    """Bad input: carries every problem found, so a planner fixes the file in one pass."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(source="input", where="", message=problems)]
        self.problems: list[Problem] = list(problems)
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input"
        super().__init__(head + ":\n" + "\n".join(f"  - {p}" for p in self.problems))


class ConfigError(RoadchiefError, ValueError):
    """A rules file that cannot be used: names the file, the key and the fix."""


class InfeasibleError(RoadchiefError, RuntimeError):
    """No roster satisfies the hard rules: says which rule, where, and by how much."""


class SolverError(RoadchiefError, RuntimeError):
    """The solver stopped without a usable answer (for example out of time)."""


class ClusterError(RoadchiefError, RuntimeError):
    """Zones could not be solved in parallel: a scheduler out of reach or a worker that died."""


class ProblemLog:
    """Collects problems during validation and raises them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, source: str, where: str, message: str) -> None:
        """Record a problem that stops the run."""
        self.problems.append(Problem(source, where, message, fatal=True))

    def repaired(self, source: str, where: str, message: str) -> None:
        """Record a problem that was repaired; it is reported, not fatal."""
        self.problems.append(Problem(source, where, message, fatal=False))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.fatal]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.fatal]

    def raise_if_errors(self) -> None:
        """Raise one InputError holding every fatal problem, if there is any."""
        if self.errors:
            raise InputError(self.errors)
