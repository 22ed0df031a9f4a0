"""``forceplan stress RUNDIR``: simulate the plan of a run folder in sampled futures."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from forceplan.cli.common import EXIT_OK, command, console, err_console


@command
def stress(
    rundir: Annotated[Path, typer.Argument(help="A run folder written by `forceplan plan`.")],
    samples: Annotated[
        int, typer.Option("--samples", min=1, help="Number of sampled futures.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the draw.")] = 0,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Do not rewrite RUNDIR/report.html afterwards.")
    ] = False,
) -> None:
    """Stress-test a plan: its decisions held fixed, simulated in sampled futures.

    The futures are drawn from the scenario's `uncertainty` table (RUNDIR/scenario);
    the recourse rules are in docs/stress.md. Writes RUNDIR/stress/ whole
    (capability.csv, ammunition.csv, periods.csv, failures.csv, sensitivity.csv,
    factors.csv, samples.parquet, summary.json) and then rewrites report.html.
    Exits 0 when written, 1 when RUNDIR is not a complete run folder.
    """
    from forceplan.report.stress import failure_lines, headline_lines, sensitivity_lines
    from forceplan.uncertainty.run import read_stress, stress_test, write_stress

    result = stress_test(rundir, samples=samples, seed=seed)
    if result.draws.factors.shape[1] == 0:
        err_console.print(
            "note: the run's scenario has no uncertainty table (RUNDIR/scenario/uncertainty.csv),"
            " so every future is the plan's own; add one (see docs/scenario-format.md) and plan"
            " again, or copy it into RUNDIR/scenario/.",
            markup=False,
            soft_wrap=True,
        )
    dest = write_stress(rundir, result)
    if result.inputs.notional:
        console.print("NOTIONAL scenario: illustrative data.", markup=False)
    stress_tables = read_stress(rundir) or {}
    for line in headline_lines(stress_tables):
        console.print(line, markup=False, soft_wrap=True)
    for line in failure_lines(stress_tables, limit=5):
        console.print(f"  - {line}", markup=False, soft_wrap=True)
    for line in sensitivity_lines(stress_tables):
        console.print(line, markup=False, soft_wrap=True)
    tradeoff = result.summary.get("tradeoff")
    if tradeoff:
        console.print(
            f"this robust plan (B) against the deterministic plan in {tradeoff['a']}/ (A), "
            "on the same futures (stress/tradeoff.csv):",
            markup=False,
            soft_wrap=True,
        )
        for line in tradeoff["lines"]:
            console.print(f"  - {line}", markup=False, soft_wrap=True)
    console.print(f"stress test written to {dest}", markup=False, soft_wrap=True)
    if no_report:
        console.print(f"run `forceplan report {rundir}` to show it in report.html", markup=False)
    else:
        from forceplan.report.html import write_report

        try:
            path = write_report(rundir)
        except Exception as exc:  # the stress test is written; say how to get the report
            err_console.print(
                f"the report could not be rewritten ({exc}); run `forceplan report {rundir}`.",
                markup=False,
                soft_wrap=True,
            )
        else:
            console.print(f"wrote {path}", markup=False, soft_wrap=True)
    sys.exit(EXIT_OK)
