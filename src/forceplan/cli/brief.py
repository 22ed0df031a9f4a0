"""``forceplan brief RUNDIR [--out FILE.pptx]``: the plan as a PowerPoint deck."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import EXIT_OK, command, console


@command
def brief(
    rundir: Annotated[Path, typer.Argument(help="A run folder written by `forceplan plan`.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", metavar="FILE.pptx", help="Deck to write (default: RUNDIR/brief.pptx)."
        ),
    ] = None,
) -> None:
    """Write a PowerPoint deck of the plan: headline, capability, shift, decisions, risks.

    Every slide carries the NOTIONAL mark when the scenario is notional; charts
    are drawn as images. Exits 0 when the deck was written, 1 when RUNDIR is not
    a complete run folder.
    """
    from forceplan.brief import write_deck

    path = write_deck(rundir, out)
    console.print(f"wrote {path}", markup=False, soft_wrap=True)
    sys.exit(EXIT_OK)
