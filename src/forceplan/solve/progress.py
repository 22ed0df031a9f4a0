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


def _number(value: float) -> str:
    if abs(value) >= 1e6 or (value != 0 and abs(value) < 1e-3):
        return f"{value:.4g}"
    return f"{value:,.2f}"


def solver_line(event: ProgressEvent) -> str:
    """One live line about a running solve, saying only what is known.

    Before the solver has a solution and a bound it says it is searching,
    instead of printing placeholders for values that do not exist yet.

    Examples
    --------
    >>> solver_line(ProgressEvent("solver", "solve:shortfall", 0.1))
    'solve (shortfall):    0.1 s, searching: no solution or bound yet'
    >>> solver_line(ProgressEvent("solver", "solve:cost", 2.0, best_solution=205739.48))
    'solve (cost):    2.0 s, best solution 205,739.48, searching for a bound'
    >>> solver_line(ProgressEvent("solver", "solve:cost", 3.0, 205000.0, 205739.48, 0.0036))
    'solve (cost):    3.0 s, best solution 205,739.48, best bound 205,000.00, gap 0.36%'
    """
    stage = f" ({event.phase.split(':', 1)[1]})" if ":" in event.phase else ""
    head = f"solve{stage}: {event.elapsed:6.1f} s"

    def known(v: float | None) -> bool:
        return v is not None and v == v and abs(v) < 1e29  # HiGHS reports +-inf as 1e30+

    solution, bound, gap = event.best_solution, event.best_bound, event.gap
    if not known(solution) and not known(bound):
        return f"{head}, searching: no solution or bound yet"
    parts = [head]
    parts.append(
        f"best solution {_number(solution)}"  # type: ignore[arg-type]
        if known(solution)
        else "no solution yet"
    )
    if known(bound):
        parts.append(f"best bound {_number(bound)}")  # type: ignore[arg-type]
    else:
        parts.append("searching for a bound")
    if known(gap) and known(solution) and known(bound):
        parts.append(f"gap {100 * gap:.2f}%")  # type: ignore[operator]
    return ", ".join(parts)
