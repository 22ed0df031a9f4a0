"""``forceplan explain RUNDIR [--iis]``: what binds, what falls short, formation levels."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from forceplan.cli.common import EXIT_OK, command, console


def _section(title: str, lines: list[str]) -> None:
    console.print()
    console.print(title, style="bold", markup=False, soft_wrap=True)
    for line in lines:
        console.print(f"  {line}", markup=False, soft_wrap=True, highlight=False)


def _replan_lines(scenario: object, binding: pd.DataFrame, top: int) -> list[str]:
    """``--replan N``: each checked figure against its full re-plan."""
    from forceplan.explain.replan import replan_effects

    checked = replan_effects(scenario, binding, top)  # type: ignore[arg-type]
    lines = []
    for text, shown, full in zip(
        checked["text"],
        checked["replanned_effect"].fillna(checked["dual"]),
        checked["full_replan_effect"],
        strict=True,
    ):
        if full != full:  # NaN
            lines.append(f"{text} [not re-plannable: a decision or a target]")
        else:
            lines.append(f"{text} [re-planned: {full:.6g} per unit; shown {shown:.6g}]")
    return lines or ["nothing binds"]


@command
def explain(
    rundir: Annotated[Path, typer.Argument(help="A run folder written by `forceplan plan`.")],
    iis: Annotated[
        bool,
        typer.Option(
            "--iis",
            help="Also compute an irreducible infeasible subset: which requirements cannot be "
            "met together (LP relaxation, shortfall slacks removed), with their scenario rows.",
        ),
    ] = False,
    write: Annotated[
        bool,
        typer.Option(
            "--write/--no-write",
            help="Save the explanation tables the run folder lacks in RUNDIR/plan "
            "(formations, formation_gaps, formation_levels, binding, remedies).",
        ),
    ] = True,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh", help="Recompute the explanation tables even if the run has them."
        ),
    ] = False,
    replan: Annotated[
        int,
        typer.Option(
            "--replan",
            metavar="N",
            min=0,
            help="Check the top N what-binds figures of each stage by full re-plans of the "
            "whole lexicographic plan with the limit moved by its step (slow: two plans each).",
        ),
    ] = 0,
) -> None:
    """Explain a plan in plain words: binding constraints and their shadow prices, shortfalls,
    unfilled formation slots and formation interoperability levels.

    Tables the run folder lacks are computed (formation allocation, LP re-solve with the
    integer decisions fixed) and saved in RUNDIR/plan unless --no-write. Exits 0 when the
    explanation was printed, 1 when RUNDIR is not a complete run folder.
    """
    from forceplan.explain.iis import find_iis
    from forceplan.explain.store import load_or_compute
    from forceplan.explain.text import (
        binding_lines,
        gap_lines,
        headline,
        iis_lines,
        level_lines,
        remedy_lines,
        shortfall_lines,
    )
    from forceplan.io.run_folder import NOTIONAL_NOTE, read_run_folder

    run = read_run_folder(rundir)
    scenario = run.scenario()
    notes: list[str] = []
    explained, computed = load_or_compute(run, scenario, write=write, refresh=refresh, notes=notes)
    if scenario.notional:
        console.print(NOTIONAL_NOTE, style="bold", markup=False)
    console.print(
        f"{scenario.name}: status {run.status}, {scenario.periods[0]}-{scenario.periods[-1]}",
        markup=False,
        soft_wrap=True,
    )
    for line in headline(explained["formation_levels"], run.tables.get("interoperability")):
        console.print(line, markup=False, soft_wrap=True)
    _section(
        "What binds (shadow prices, integer decisions fixed):", binding_lines(explained["binding"])
    )
    _section("Shortfalls:", shortfall_lines(run.tables.get("shortfalls", pd.DataFrame())))
    closing = remedy_lines(explained.get("remedies"))
    if closing:
        _section("What closes the gaps (smallest additions, re-solved):", closing)
    fm = scenario.tables["formations"]
    ids = fm["id"].astype(str)
    names = dict(
        zip(ids, fm["name"].astype(str).where(fm["name"].astype(str) != "", ids), strict=True)
    )
    _section(
        "Formation levels (0 not interoperable, 1 deconflicted, 2 compatible, 3 integrated):",
        level_lines(explained["formation_levels"], names),
    )
    from forceplan.report.platforms import consumable_roles

    gaps = gap_lines(
        explained["formation_gaps"], skip_roles=consumable_roles(scenario.tables["equipment"])
    )
    if gaps:
        _section("Formation gaps (vehicles short per role):", gaps)
    if replan:
        _section(
            "Re-planned (whole lexicographic plan, limit moved by its step):",
            _replan_lines(scenario, explained["binding"], replan),
        )
    if iis:
        result = find_iis(scenario)
        _section("Infeasible subset (--iis):", iis_lines(result))
    for note in notes:
        console.print()
        console.print(f"note: {note}", markup=False, soft_wrap=True)
    if computed and write:
        console.print()
        console.print(
            "wrote " + ", ".join(f"plan/{n}.csv" for n in computed) + f" in {rundir}",
            markup=False,
            soft_wrap=True,
        )
    sys.exit(EXIT_OK)
