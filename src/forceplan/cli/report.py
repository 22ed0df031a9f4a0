"""``forceplan report RUNDIR``: write ``report.html`` and the PNG charts of a run folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import EXIT_OK, command, console


@command
def report(
    rundir: Annotated[Path, typer.Argument(help="A run folder written by `forceplan plan`.")],
) -> None:
    """Write RUNDIR/report.html (interactive charts, works offline) and PNG charts in RUNDIR/charts.

    Exits 0 when the report was written, 1 when RUNDIR is not a complete run folder.
    """
    from forceplan.report.html import write_report
    from forceplan.report.static import CHARTS_DIR

    path = write_report(rundir)
    pngs = sorted((path.parent / CHARTS_DIR).glob("*.png"))
    console.print(f"wrote {path}", markup=False, soft_wrap=True)
    console.print(
        f"wrote {len(pngs)} PNG chart(s) in {path.parent / CHARTS_DIR}",
        markup=False,
        soft_wrap=True,
    )
    sys.exit(EXIT_OK)
