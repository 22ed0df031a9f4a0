"""Where the sweep and the rolling re-plan take their sampled futures from."""

from __future__ import annotations

from forceplan.uncertainty import Draws, draw, realise

__all__ = ["Draws", "draw", "realise"]
