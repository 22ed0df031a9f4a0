"""``forceplan convert SRC DST``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import EXIT_INVALID, command, console, print_problems
from forceplan.io.csv_folder import write_folder
from forceplan.io.excel import write_workbook
from forceplan.io.load import validate_path


@command
def convert(
    src: Annotated[Path, typer.Argument(help="Scenario folder or .xlsx workbook to read.")],
    dst: Annotated[Path, typer.Argument(help="Folder (CSV) or .xlsx path to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace DST if it exists.")] = False,
) -> None:
    """Convert a scenario between the CSV-folder and Excel-workbook formats.

    The scenario is validated first; nothing is written if it has errors.
    """
    scenario, problems = validate_path(src)
    if scenario is None:
        print_problems(problems, str(src))
        sys.exit(EXIT_INVALID)
    if dst.suffix.lower() == ".xlsx":
        if dst.exists() and not force:
            console.print(f"error: {dst} exists. Fix: pass --force to replace it.", markup=False)
            sys.exit(EXIT_INVALID)
        write_workbook(scenario.header, scenario.tables, dst)
    else:
        write_folder(scenario.header, scenario.tables, dst, overwrite=force)
    console.print(f"wrote {dst}", markup=False)
