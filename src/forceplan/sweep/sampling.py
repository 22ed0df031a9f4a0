"""Where the sweep takes its sampled futures from: ``forceplan.uncertainty``."""

from __future__ import annotations

try:
    from forceplan.uncertainty import Draws, draw, realise
except ImportError:  # pragma: no cover - until issue-11-stress is merged
    from forceplan.sweep._standin import Draws, draw, realise  # type: ignore[assignment]

__all__ = ["Draws", "draw", "realise"]
