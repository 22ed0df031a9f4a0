"""``forceplan validate PATH``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    MAX_PRINTED_PROBLEMS,
    command,
    console,
    print_problems,
)
from forceplan.io.load import validate_path


@command
def validate(
    path: Annotated[Path, typer.Argument(help="Scenario folder or .xlsx workbook.")],
    errors_file: Annotated[
        Path | None,
        typer.Option(
            "--errors-file",
            metavar="PATH",
            help="Also write every problem to PATH (CSV when it ends in .csv, else text); "
            f"the terminal shows the first {MAX_PRINTED_PROBLEMS}.",
        ),
    ] = None,
) -> None:
    """Check a scenario and report every problem (file, sheet, row, column, fix).

    Exits 1 when there are errors, 0 when the scenario is valid (warnings allowed).
    """
    scenario, problems = validate_path(path)
    print_problems(problems, str(path), errors_file=errors_file)
    if scenario is None:
        sys.exit(EXIT_INVALID)
    if scenario.notional:
        console.print(f"note: '{scenario.name}' is a NOTIONAL scenario.", markup=False)
    sys.exit(EXIT_OK)
