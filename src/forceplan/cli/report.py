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
    png: Annotated[
        bool, typer.Option("--png", help="Also draw the charts as PNG files in RUNDIR/charts.")
    ] = False,
) -> None:
    """Write RUNDIR/report.html (the brief, decisions and interactive charts; works offline).

    With --png also the charts as PNG files in RUNDIR/charts. Exits 0 when the
    report was written, 1 when RUNDIR is not a complete run folder.
    """
    from forceplan.report.html import CHARTS_DIR, write_report

    path = write_report(rundir, png=png)
    console.print(f"wrote {path}", markup=False, soft_wrap=True)
    if png:
        pngs = sorted((path.parent / CHARTS_DIR).glob("*.png"))
        console.print(
            f"wrote {len(pngs)} PNG chart(s) in {path.parent / CHARTS_DIR}",
            markup=False,
            soft_wrap=True,
        )
    sys.exit(EXIT_OK)
