"""The exception tree of forceplan.

Every error forceplan raises on purpose derives from :class:`ForceplanError`::

    ForceplanError
    ├── ScenarioError      a scenario could not be read or is invalid (carries every problem)
    ├── SolveError         the solver failed or produced no plan
    │   └── SolveTimeLimit     ... because a solve reached its time limit
    └── RunFolderError     a run folder is missing, incomplete or could not be written

Each error says what is wrong, where, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from forceplan.validate.problems import Problem


class ForceplanError(Exception):
    """Base class of every error raised by forceplan."""


class ScenarioError(ForceplanError):
    """A scenario could not be loaded: carries the full list of problems.

    Parameters
    ----------
    problems
        Every problem found (errors and warnings); at least one is an error.
    """

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"the scenario has {len(errors)} error(s):"]
        lines += [f"  - {p.describe()}" for p in errors[:50]]
        if len(errors) > 50:
            lines.append(f"  ... and {len(errors) - 50} more")
        super().__init__("\n".join(lines))

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]


class SolveError(ForceplanError):
    """The solver could not produce a plan."""


class SolveTimeLimit(SolveError):
    """A solve reached its time limit before it had an answer.

    Parameters
    ----------
    message
        What could not be solved, and how to fix it.
    seconds
        The time limit that was reached.
    """

    def __init__(self, message: str, seconds: float):
        super().__init__(message)
        self.seconds = seconds


class RunFolderError(ForceplanError):
    """A run folder could not be read or written."""
