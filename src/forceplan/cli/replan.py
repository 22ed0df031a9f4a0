"""``forceplan replan``: rolling re-planning over sampled futures, or one step from actuals."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from forceplan.cli.common import EXIT_INVALID, EXIT_NO_PLAN, EXIT_OK, command, console, err_console


def _write_rolling(result: dict[str, Any], dest: Path) -> Path:
    from forceplan.io.atomic import atomic_dir
    from forceplan.io.run_folder import write_run_folder

    with atomic_dir(dest) as tmp:
        write_run_folder(result["one_shot"], tmp / "plan")
        for name in ("steps", "capability", "outcomes"):
            result[name].to_csv(
                tmp / f"{name}.csv", index=False, lineterminator="\n", float_format="%.9g"
            )
        (tmp / "summary.json").write_text(
            json.dumps(result["summary"], indent=2, ensure_ascii=False) + "\n", "utf-8"
        )
    return dest


def _print_rolling(result: dict[str, Any], dest: Path) -> None:
    s = result["summary"]
    out = console.print
    out(
        f"{s['replans']} re-plans over {s['realisations']} sampled futures "
        f"(persistence penalty {s['persistence_penalty']:g} of an item's value per unit changed)",
        markup=False,
        soft_wrap=True,
    )
    if s["notional"]:
        out(
            f"NOTIONAL: '{s['scenario']}' is a notional scenario; the figures are illustrative.",
            markup=False,
            soft_wrap=True,
        )
    for row in s["churn_per_period"]:
        out(
            f"  after {int(row['revealed'])} is revealed: the re-plan changes "
            f"{100 * row['share']:.1f}% of the announced value ({row['value_changed']:,.1f} "
            f"USD million, {row['cells_changed']:.1f} decisions on average)",
            markup=False,
            soft_wrap=True,
        )
    mean = s["mean"]
    for track in ("rolling", "one-shot"):
        if track in mean:
            m = mean[track]
            out(
                f"  {track}: capability shortfall {m['shortfall_points']:,.2f} points "
                f"({m['shortfall']:.3f} floors x periods), spending {m['spent']:,.1f}",
                markup=False,
                soft_wrap=True,
            )
    if s["replans_without_plan"]:
        out(f"  {s['replans_without_plan']} re-plan(s) found no plan (see steps.csv)", markup=False)
    out(f"written to {dest}", markup=False, soft_wrap=True)


@command
def replan(
    target: Annotated[
        Path | None,
        typer.Argument(
            help="A scenario (with --realisations) or a run folder (with --actuals); default: "
            "the shipped NOTIONAL scenario."
        ),
    ] = None,
    realisations: Annotated[
        int | None,
        typer.Option(
            "--realisations",
            "-k",
            metavar="K",
            min=1,
            help="Sampled futures to play the rolling re-plan through.",
        ),
    ] = None,
    actuals: Annotated[
        Path | None,
        typer.Option(
            "--actuals",
            metavar="DIR",
            help="Tables of what really happened in the run's first period "
            "(stock.csv, deliveries.csv, losses.csv, munitions.csv).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR", help="Where to write (default: under ./runs)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", metavar="S", help="Seed of the draws.")] = 1,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", metavar="S", min=0.01, help="Per plan.")
    ] = None,
    gap: Annotated[
        float | None, typer.Option("--gap", metavar="G", min=0.0, max=1.0, help="Per plan.")
    ] = None,
) -> None:
    """Rolling re-planning. With --realisations K: plan SCENARIO, reveal one period of a
    sampled future, re-plan the rest from the new state (what is ordered or in transit
    fixed, announced decisions kept at the header's replan.persistence_penalty), repeat;
    report the churn per period and the outcome against the one-shot plan. With --actuals
    DIR: the same step for run folder TARGET from real tables; writes a new run folder.
    Exit codes: 0 done, 1 invalid input, 2 no plan.
    """
    from forceplan.io.run_folder import default_run_dir, write_run_folder

    options = {"time_limit": time_limit, "gap": gap}
    if actuals is not None:
        if target is None or not (target / "summary.json").is_file():
            err_console.print(
                f"error: --actuals needs a run folder (written by forceplan plan), not {target}. "
                "Fix: give the run folder of the plan whose first period the actuals describe.",
                markup=False,
                soft_wrap=True,
            )
            sys.exit(EXIT_INVALID)
        from forceplan.replan.actuals import replan_from_actuals

        result, churn, rolled = replan_from_actuals(target, actuals, options)
        if not result.has_plan:
            err_console.print(f"no plan ({result.status}): {result.message}", markup=False)
            sys.exit(EXIT_NO_PLAN)
        dest = out if out is not None else default_run_dir(rolled.name)
        dest = write_run_folder(result, dest, unique=out is None)
        from forceplan.io.atomic import atomic_file

        with atomic_file(dest / "replan.json") as tmp:
            tmp.write_text(
                json.dumps({"from_run": str(target), "actuals": str(actuals), **churn}, indent=2)
                + "\n",
                "utf-8",
            )
        console.print(
            f"re-planned {rolled.periods[0]}-{rolled.periods[-1]} from the actuals: the plan "
            f"changes {100 * churn.get('share', 0.0):.1f}% of the announced value "
            f"({churn.get('cells_changed', 0)} decisions); written to {dest}",
            markup=False,
            soft_wrap=True,
        )
        if rolled.notional:
            console.print(
                "NOTIONAL: the scenario is notional; the plan is illustrative.", markup=False
            )
        sys.exit(EXIT_OK)
    if realisations is None:
        err_console.print(
            "error: give --realisations K (sampled futures) or --actuals DIR (with a run folder).",
            markup=False,
        )
        sys.exit(EXIT_INVALID)
    from forceplan.cli.plan import _default_scenario
    from forceplan.io.load import load_scenario
    from forceplan.replan.rolling import rolling

    path = target if target is not None else _default_scenario()
    scen = load_scenario(path)
    dest = out if out is not None else default_run_dir(f"replan-{scen.name}")
    console.print(f"rolling re-plan of {path}: {realisations} futures (seed {seed})", markup=False)

    def step(i: int, k: int, status: str) -> None:
        console.print(f"  future {i + 1}/{realisations}, re-plan {k}: {status}", markup=False)

    result = rolling(scen, realisations, seed=seed, plan_options=options, on_step=step)
    _print_rolling(result, _write_rolling(result, dest))
    sys.exit(EXIT_OK)
