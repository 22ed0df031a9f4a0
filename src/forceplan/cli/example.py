"""``forceplan example DIR`` and ``forceplan example --synthetic ... DIR``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import EXIT_INVALID, command, console


@command
def example(
    dst: Annotated[Path, typer.Argument(help="Folder to write the scenario to (CSV + yaml).")],
    synthetic: Annotated[
        str | None,
        typer.Option(
            "--synthetic",
            metavar="N_EQUIPMENT,N_PERIODS,N_SOURCES,N_FORMATIONS",
            help="Write a generated scenario of this size instead of the notional one.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed for --synthetic.")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Replace DST if it exists.")] = False,
) -> None:
    """Write the shipped notional scenario (or a synthetic one) as a CSV folder."""
    from forceplan.io.csv_folder import write_folder

    if synthetic is None:
        from forceplan.examples import write_notional

        write_notional(dst, overwrite=force)
        console.print(f"wrote the notional scenario to {dst}", markup=False)
        return
    try:
        sizes = [int(x) for x in synthetic.split(",")]
        if len(sizes) != 4 or min(sizes) < 1:
            raise ValueError
    except ValueError:
        console.print(
            f"error: --synthetic {synthetic!r} must be four positive whole numbers "
            "N_EQUIPMENT,N_PERIODS,N_SOURCES,N_FORMATIONS, e.g. 100,10,20,12.",
            markup=False,
        )
        sys.exit(EXIT_INVALID)
    from forceplan.synthetic import generate

    n_equipment, n_periods, n_sources, n_formations = sizes
    s = generate(n_equipment, n_periods, n_sources, n_formations, seed=seed)
    write_folder(s.header, s.tables, dst, overwrite=force)
    console.print(f"wrote synthetic scenario {synthetic} (seed {seed}) to {dst}", markup=False)
