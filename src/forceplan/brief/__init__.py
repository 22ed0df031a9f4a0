"""The briefing deck: a run folder as PowerPoint slides (``forceplan brief RUNDIR``).

The deck says what the report's first screen says (the same
:func:`forceplan.report.headline.headline`), then the capability against the
floors, the shift, the decisions per year, the shortfalls and what closes them,
what binds and the risks; charts are the report's, drawn as PNG images.
"""

from __future__ import annotations

from forceplan.brief.deck import DECK_FILE, build_deck, write_deck

__all__ = ["DECK_FILE", "build_deck", "write_deck"]
