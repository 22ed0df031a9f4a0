"""``forceplan compare RUN_A RUN_B [--out DIR]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import EXIT_OK, command, console
from forceplan.io.atomic import atomic_dir
from forceplan.results.compare import Comparison
from forceplan.results.compare import compare as compare_runs
from forceplan.robust.tradeoff import TRADEOFF_FILE, run_tradeoff, tradeoff_lines

HTML_FILE = "compare.html"
"""The side-by-side page in a comparison folder."""


def default_compare_dir(run_a: Path, run_b: Path) -> Path:
    """``compare-<A>-vs-<B>`` next to *run_b* (run folders themselves are left untouched).

    Examples
    --------
    >>> default_compare_dir(Path("runs/base"), Path("runs/half"))
    PosixPath('runs/compare-base-vs-half')
    """
    a, b = run_a.resolve().name, run_b.resolve().name
    return run_b.parent / f"compare-{a}-vs-{b}"


def _is_comparison_dir(path: Path) -> bool:
    """Whether *path* holds nothing but a previous comparison's files."""
    if not path.is_dir():
        return False
    names = {p.name for p in path.iterdir()}
    ours = {*Comparison.FILES, HTML_FILE, TRADEOFF_FILE}
    return bool(names) and names <= ours


def write_comparison(comparison: Comparison, dest: Path, overwrite: bool = False) -> Path:
    """Write the diff CSV files and ``compare.html`` into *dest*, atomically."""
    from forceplan.report.compare_html import write_compare_html  # plotly: import when used

    with atomic_dir(dest, overwrite=overwrite) as tmp:
        comparison.write_tables(tmp)
        write_compare_html(comparison, tmp / HTML_FILE)
        _write_tradeoff(comparison, tmp)
    return dest


def _write_tradeoff(comparison: Comparison, folder: Path) -> list[str]:
    """``tradeoff.csv`` when both runs were stress-tested; the trade-off in words."""
    table = run_tradeoff(comparison.a.path, comparison.b.path)
    if table is None:
        return []
    table.to_csv(folder / TRADEOFF_FILE, index=False, lineterminator="\n")
    return tradeoff_lines(table, comparison.a.currency)


@command
def compare(
    run_a: Annotated[
        Path, typer.Argument(metavar="RUN_A", help="Reference run folder (A, 'old').")
    ],
    run_b: Annotated[
        Path, typer.Argument(metavar="RUN_B", help="Run folder to compare with A (B, 'new').")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write the comparison to (default: compare-A-vs-B next to RUN_B).",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace OUT if it exists.")] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Lines printed per section before a count.")
    ] = 30,
) -> None:
    """Compare two runs: what differs in the inputs and in the plans.

    Prints the input differences (table, row, column, old -> new), the summary,
    the key figures that differ per period and the decisions found in one plan
    only; writes inputs_diff.csv, outputs_diff.csv (key figures side by side),
    decisions_diff.csv, summary_diff.csv and compare.html (side-by-side charts).
    A previous comparison in OUT is replaced. Exits 1 when a path is not a run folder.
    """
    comparison = compare_runs(run_a, run_b)
    dest = out if out is not None else default_compare_dir(run_a, run_b)
    write_comparison(comparison, dest, overwrite=force or _is_comparison_dir(dest))
    for line in comparison.describe(limit):
        console.print(line, markup=False, soft_wrap=True)
    table = run_tradeoff(comparison.a.path, comparison.b.path)
    extra = [TRADEOFF_FILE] if table is not None else []
    if table is not None:
        console.print("Under stress (A -> B, same samples):", markup=False)
        for line in tradeoff_lines(table, comparison.a.currency):
            console.print(f"  {line}", markup=False, soft_wrap=True)
    files = ", ".join([*Comparison.FILES, HTML_FILE, *extra])
    console.print(f"wrote {dest}: {files}", markup=False, soft_wrap=True)
    sys.exit(EXIT_OK)
