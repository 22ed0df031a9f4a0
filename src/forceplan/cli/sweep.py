"""``forceplan sweep SCENARIO --samples N``: re-optimise N sampled futures on Dask."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from forceplan.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    command,
    console,
    err_console,
    print_problems,
)

if TYPE_CHECKING:  # pragma: no cover
    from forceplan.sweep.engine import SweepProgress

PLAIN_EVERY = 2.0
"""Seconds between two progress lines when the output is not a terminal."""
TOP_DECISIONS = 10


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def progress_line(p: SweepProgress) -> str:
    """``12/100 futures done · 0.8/s · ETA 1:50`` (resumed ones counted as done)."""
    resumed = f" ({p.resumed} from before)" if p.resumed else ""
    rate = f"{p.rate:.2f}/s" if p.rate else "-/s"
    return f"{p.done}/{p.total} futures done{resumed} · {rate} · ETA {_duration(p.eta)}"


class SweepReporter:
    """Rich progress bar on a terminal (done/total, rate, ETA), plain lines otherwise."""

    def __init__(self, live: bool):
        self.live = live
        self.bar: Any = None
        self.task: Any = None
        self.last_plain = -1e9

    def __call__(self, p: SweepProgress) -> None:
        if self.live:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            if self.bar is None:
                self.bar = Progress(
                    TextColumn("sweep"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TextColumn("{task.fields[rate]} · ETA {task.fields[eta]}"),
                    console=console,
                )
                self.task = self.bar.add_task("sweep", total=p.total, rate="-/s", eta="-")
                self.bar.start()
            rate = f"{p.rate:.2f}/s" if p.rate else "-/s"
            self.bar.update(self.task, completed=p.done, rate=rate, eta=_duration(p.eta))
            return
        now = time.perf_counter()
        if now - self.last_plain >= PLAIN_EVERY or p.done == p.total:
            self.last_plain = now
            console.print(progress_line(p), markup=False, soft_wrap=True)

    def close(self) -> None:
        """Stop the bar."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def print_summary(result: dict[str, Any], folder: Path, currency: str) -> None:
    """What the sweep found: futures solved, outcome spread, the decisions that hold."""
    s = result["summary"]
    out = console.print
    out(
        f"futures: {s['finished']} of {s['samples']} finished, {s['solved']} with a plan "
        f"({', '.join(f'{k} {v}' for k, v in s['statuses'].items())})",
        markup=False,
        soft_wrap=True,
    )
    if s.get("notional"):
        out(
            f"NOTIONAL: '{s['scenario']}' is a notional scenario; the sweep is illustrative.",
            markup=False,
            soft_wrap=True,
        )
    cost = s["distributions"]["cost_total"]
    out(
        f"cost ({currency}): median {_fmt(cost['p50'])}, 5-95% {_fmt(cost['p5'])} to "
        f"{_fmt(cost['p95'])}",
        markup=False,
        soft_wrap=True,
    )
    if s["share_with_shortfalls"] is not None:
        out(
            f"futures with a shortfall: {s['with_shortfalls']} of {s['solved']} "
            f"({100 * s['share_with_shortfalls']:.0f}%)",
            markup=False,
            soft_wrap=True,
        )
    from forceplan.results.decisions import quantity_text

    robust = result["robust"]
    if len(robust):
        out("decisions in the most plans (share of futures, median quantity over the horizon):")
        for row in robust.head(TOP_DECISIONS).itertuples(index=False):
            frm = f" from {row[2]}" if row[2] else ""
            out(
                f"  - {row.action} {row.item}{frm}: {100 * row.share:.0f}%, "
                f"median {quantity_text(row.quantity_median, str(row.unit))}",
                markup=False,
                soft_wrap=True,
            )
    if s["missing"]:
        out(
            f"not finished: {len(s['missing'])} future(s); run the same command again to "
            "finish them.",
            markup=False,
            soft_wrap=True,
        )
    out(f"sweep written to {folder}", markup=False, soft_wrap=True)


@command
def sweep(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario folder or .xlsx workbook (default: the shipped NOTIONAL one)."
        ),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", "-n", metavar="N", min=1, help="Futures to draw and plan.")
    ] = 20,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="A running Dask scheduler (tcp://host:port); default: a local cluster.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Sweep folder (default: a new folder under ./runs); an existing sweep of the "
            "same scenario and seed is resumed.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", metavar="S", help="Seed of the draws.")] = 1,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", metavar="K", min=1, help="Local cluster workers (default: one per core)."
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", metavar="S", min=0.01, help="Solver time limit per future."),
    ] = None,
    gap: Annotated[
        float | None,
        typer.Option("--gap", metavar="G", min=0.0, max=1.0, help="Relative MIP gap per future."),
    ] = None,
) -> None:
    """Draw N futures from the scenario's uncertainty table, re-optimise each on Dask and
    summarise which decisions hold across them.

    Each finished future is written at once to DIR/samples/; run the same command again
    after an interruption and only the unfinished futures are solved. Exit codes: 0 the
    sweep finished (its summary is written), 1 invalid input, a bad DIR or an
    unreachable scheduler, 2 some futures could not be finished (rerun to finish them),
    130 Ctrl-C, 143 SIGTERM (finished futures are kept either way).
    """
    from forceplan.cli.plan import _default_scenario, _sigterm_as_interrupt
    from forceplan.io.load import check_source, read_source
    from forceplan.io.run_folder import default_run_dir
    from forceplan.sweep import run_sweep

    path = scenario if scenario is not None else _default_scenario()
    source = read_source(path)
    scen, problems = check_source(source)
    if scen is None:
        print_problems(problems, str(path))
        sys.exit(EXIT_INVALID)
    scen.origin = str(path)
    folder = out if out is not None else default_run_dir(f"sweep-{scen.name}")
    where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
    console.print(
        f"sweeping {path}: {samples} futures (seed {seed}) on {where}, into {folder}",
        markup=False,
        soft_wrap=True,
    )
    reporter = SweepReporter(console.is_terminal)
    received, restore = _sigterm_as_interrupt()
    try:
        result = run_sweep(
            scen,
            samples,
            folder,
            seed=seed,
            scheduler=scheduler,
            workers=workers,
            time_limit=time_limit,
            gap=gap,
            on_progress=reporter,
        )
    except KeyboardInterrupt:
        reporter.close()
        from forceplan.sweep.samples import read_records

        done = len([k for k in read_records(folder) if k != "base"])
        err_console.print(
            f"{'stopped by SIGTERM' if received else 'interrupted'}: {done} of {samples} "
            f"futures are finished and kept in {folder}; run the same command again to resume.",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(143 if received else 130)
    finally:
        reporter.close()
        restore()
    print_summary(result, folder, scen.header.currency)
    sys.exit(EXIT_OK if not result["summary"]["missing"] else 2)
