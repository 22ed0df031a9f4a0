"""``forceplan template DST.xlsx``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import EXIT_INVALID, command, console
from forceplan.io.excel import write_workbook


@command
def template(
    dst: Annotated[Path, typer.Argument(help="Path of the blank .xlsx workbook to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace DST if it exists.")] = False,
) -> None:
    """Write a blank scenario workbook: every sheet with its header, units and dropdowns."""
    if dst.suffix.lower() != ".xlsx":
        console.print(f"error: {dst} must end in .xlsx. Fix: name the file *.xlsx.", markup=False)
        sys.exit(EXIT_INVALID)
    if dst.exists() and not force:
        console.print(f"error: {dst} exists. Fix: pass --force to replace it.", markup=False)
        sys.exit(EXIT_INVALID)
    write_workbook(None, None, dst)
    console.print(f"wrote blank template {dst}", markup=False)
