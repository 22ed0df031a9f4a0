"""Progress events: phases starting and ending, and live solver reports.

The planner reports through one callback taking a :class:`ProgressEvent`. A
callback that raises is logged and ignored: progress display must never break
a solve.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class ProgressEvent:
    """One progress report.

    Attributes
    ----------
    kind
        ``phase-start``, ``phase-end`` or ``solver``.
    phase
        ``build``, ``solve``, ``extract`` or a stage such as ``solve:shortfall``.
    elapsed
        Seconds since the phase started.
    best_bound, best_solution, gap
        Solver reports (``solver`` events): the best bound, the objective of the
        best solution found and the relative gap. Values are in the stage's own
        units: normalised shortfall, interoperable capability points (summed
        over periods; maximised, so the bound is an upper bound) or USD million.
    message
        Free text.
    """

    kind: str
    phase: str
    elapsed: float
    best_bound: float | None = None
    best_solution: float | None = None
    gap: float | None = None
    message: str = ""


ProgressCallback = Callable[[ProgressEvent], None]
"""What :func:`forceplan.plan` accepts as ``progress``."""


def emit(progress: ProgressCallback | None, event: ProgressEvent) -> None:
    """Send *event* to *progress* (if any), never letting the callback break the caller."""
    if progress is None:
        return
    try:
        progress(event)
    except Exception:  # a display problem must not stop planning
        log.exception("progress callback failed on %s", event)


class Phase:
    """Context manager timing a phase and reporting its start and end.

    Examples
    --------
    >>> events = []
    >>> with Phase("build", events.append) as ph:
    ...     pass
    >>> [e.kind for e in events], ph.seconds >= 0
    (['phase-start', 'phase-end'], True)
    """

    def __init__(self, phase: str, progress: ProgressCallback | None = None) -> None:
        self.phase = phase
        self.progress = progress
        self.start = 0.0
        self.seconds = 0.0

    def __enter__(self) -> Phase:
        self.start = time.perf_counter()
        emit(self.progress, ProgressEvent("phase-start", self.phase, 0.0))
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
        emit(self.progress, ProgressEvent("phase-end", self.phase, self.seconds))


class Throttle:
    """Let through at most one report per *every* seconds (the first always passes)."""

    def __init__(self, every: float = 0.5) -> None:
        self.every = every
        self.last = -float("inf")

    def ready(self) -> bool:
        """Whether a report may go out now (and mark it sent)."""
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            return True
        return False
