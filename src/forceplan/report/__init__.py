"""Reports of a run folder: ``report.html`` (interactive plotly charts) and PNG charts.

The public entry point is :func:`write_report` (used by ``forceplan report`` and
``forceplan plan``). It is imported lazily, so that importing a sibling module
(e.g. ``forceplan.report.compare_html``) does not load matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from forceplan.report.html import write_report

__all__ = ["write_report"]


def __getattr__(name: str) -> Any:
    if name == "write_report":
        from forceplan.report.html import write_report

        return write_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
