"""``forceplan plan [SCENARIO]``: plan a scenario and write the run folder."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import pandas as pd
import typer

from forceplan.cli.common import (
    EXIT_INVALID,
    EXIT_NO_PLAN,
    EXIT_OK,
    EXIT_SHORTFALL,
    command,
    console,
    err_console,
    print_problems,
)

if TYPE_CHECKING:  # pragma: no cover
    from rich.status import Status

    from forceplan.results.plan import Plan
    from forceplan.solve.progress import ProgressEvent

PLAIN_SOLVER_EVERY = 5.0
"""Seconds between two solver progress lines when the output is not a terminal."""
MAX_SHORTFALL_LINES = 12
"""Shortfalls listed in words at the end; the rest are counted (all are in shortfalls.csv)."""


def _fmt_index(value: float) -> str:
    return "-" if value != value else f"{value:.3f}"  # NaN: no capability in service


def _label(period: object) -> str:
    """A period label as text (``2026``, not ``2026.0``)."""
    try:
        as_float = float(period)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(period)
    return str(int(as_float)) if as_float.is_integer() else str(period)


def _fmt_gap(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def solver_line(event: ProgressEvent) -> str:
    """One line about the solve: elapsed time and what the solver knows so far."""
    from forceplan.solve.progress import solver_line as describe

    return describe(event)


class PhaseReporter:
    """Shows the phases and the live solve line: Rich status on a terminal, log lines otherwise.

    Parameters
    ----------
    live
        Use a Rich status spinner (a terminal); otherwise print plain lines.
    """

    def __init__(self, live: bool):
        self.live = live
        self.status: Status | None = None
        self.started: dict[str, float] = {}
        self.last_plain = -1e9

    def start(self, phase: str) -> None:
        """A phase begins."""
        self.started[phase] = time.perf_counter()
        self.last_plain = -1e9  # the first solver report of each stage is shown
        if self.live:
            if self.status is None:
                self.status = console.status(f"{phase} ...")
                self.status.start()
            else:
                self.status.update(f"{phase} ...")
        elif phase == "solve" or phase.startswith("solve:"):
            console.print(f"{phase} ...", markup=False)

    def end(self, phase: str, seconds: float | None = None) -> None:
        """A phase ended after *seconds* (measured here when not given)."""
        if seconds is None:
            seconds = time.perf_counter() - self.started.get(phase, time.perf_counter())
        mark = "[green]✓[/green] " if self.live else ""
        console.print(f"{mark}{phase:<24} {seconds:8.2f} s", markup=self.live, highlight=False)

    def solver(self, event: ProgressEvent) -> None:
        """A progress report from the running solver."""
        line = solver_line(event)
        if self.live and self.status is not None:
            self.status.update(line)
        elif not self.live:
            now = time.perf_counter()
            if now - self.last_plain >= PLAIN_SOLVER_EVERY:
                self.last_plain = now
                console.print(line, markup=False, soft_wrap=True)

    def event(self, event: ProgressEvent) -> None:
        """The progress callback handed to :func:`forceplan.plan`."""
        if event.kind == "phase-start":
            self.start(event.phase)
        elif event.kind == "phase-end":
            self.end(event.phase, event.elapsed)
        elif event.kind == "solver":
            self.solver(event)

    def close(self) -> None:
        """Stop the spinner."""
        if self.status is not None:
            self.status.stop()
            self.status = None


def _timed(reporter: PhaseReporter, phase: str, fn: Any, *args: Any) -> tuple[Any, float]:
    reporter.start(phase)
    t0 = time.perf_counter()
    out = fn(*args)
    seconds = time.perf_counter() - t0
    reporter.end(phase, seconds)
    return out, seconds


def print_summary(plan: Plan, dest: Path) -> None:
    """The closing summary: status, notional note, interoperability, shortfalls, cost, place."""
    s = plan.scenario
    line = (
        plan.message if plan.message.startswith(plan.status) else f"{plan.status}: {plan.message}"
    )
    if plan.gap and "gap" not in line:
        line += f", gap {_fmt_gap(plan.gap)}"
    console.print(f"status: {line}", markup=False, soft_wrap=True)
    if s.notional:
        console.print(
            f"NOTIONAL: '{s.name}' is a notional scenario; the plan is illustrative.",
            markup=False,
            soft_wrap=True,
        )
    robust = plan.summary_extra.get("robust")
    if robust:
        console.print(
            f"robust plan: {robust['method']} over {robust['futures']} futures "
            f"({robust['reason']}); per-future outcomes in {dest / 'robust'}",
            markup=False,
            soft_wrap=True,
        )
    interop = plan.tables["interoperability"]
    if len(interop):
        ordered = interop.sort_values("period")
        periods, index = ordered["period"].tolist(), ordered["index"].astype(float).tolist()
        console.print(
            f"interoperability index: {_fmt_index(index[0])} in {_label(periods[0])}, "
            f"{_fmt_index(index[-1])} in {_label(periods[-1])}",
            markup=False,
            soft_wrap=True,
        )
    shortfalls = plan.tables["shortfalls"]
    if len(shortfalls) == 0:
        console.print("shortfalls: none", markup=False, soft_wrap=True)
    else:
        console.print(f"shortfalls ({len(shortfalls)}):", markup=False, soft_wrap=True)
        for text in shortfalls["text"].astype(str).head(MAX_SHORTFALL_LINES):
            console.print(f"  - {text}", markup=False, soft_wrap=True)
        if len(shortfalls) > MAX_SHORTFALL_LINES:
            console.print(
                f"  ... and {len(shortfalls) - MAX_SHORTFALL_LINES} more "
                f"(all in {dest / 'plan' / 'shortfalls.csv'})",
                markup=False,
                soft_wrap=True,
            )
    budgets = plan.tables["budgets"]
    currency = s.header.currency
    if len(budgets):
        spent = budgets.groupby("stream", sort=True)["spent"].sum()
        parts = ", ".join(f"{stream} {value:,.1f}" for stream, value in spent.items())
        console.print(
            f"total cost by stream ({currency}): {parts}; total {spent.sum():,.1f}",
            markup=False,
            soft_wrap=True,
        )
    else:
        console.print(
            f"total cost ({currency}): 0 (no funding streams)", markup=False, soft_wrap=True
        )
    from forceplan.results.costs import cost_totals

    unfunded = cost_totals(plan.tables)["unfunded"]
    if unfunded > 0:
        console.print(
            f"unfunded operating cost ({currency}): {unfunded:,.1f}, not in the total above: "
            "no stream may pay it",
            markup=False,
            soft_wrap=True,
        )
    remedies = plan.tables.get("remedies")
    if remedies is not None and len(remedies):
        if "option" in remedies:  # the alternative is in the smallest remedy's words
            remedies = remedies[remedies["option"].astype(str) != "alternative"]
        closes = remedies.drop_duplicates("shortfall")
        closable = int(closes["remedy"].astype(str).ne("none").sum())
        console.print(
            f"what closes them ({closable} of {len(closes)} closable; all in plan/remedies.csv):",
            markup=False,
            soft_wrap=True,
        )
        for text in closes["text"].astype(str).head(3):
            console.print(f"  - {text}", markup=False, soft_wrap=True)
    binding = plan.tables.get("binding")
    if binding is not None and len(binding):
        # ranked within each stage (its own unit), never across: the top two of each
        stage = binding["stage"] if "stage" in binding else pd.Series("", index=binding.index)
        for name, rows in binding.groupby(stage, sort=False):
            unit = str(rows["goal"].iloc[0]) if "goal" in rows else ""
            label = f" ({name} stage, in {unit})" if name else ""
            console.print(f"what binds most{label}:", markup=False, soft_wrap=True)
            for text in rows["text"].astype(str).head(2):
                console.print(f"  - {text}", markup=False, soft_wrap=True)
    levels = plan.tables.get("formation_levels")
    if levels is not None and len(levels):
        last = levels[levels["period"] == levels["period"].max()]
        counts = last["level"].astype(int).value_counts().sort_index()
        text = ", ".join(f"{n} at level {lvl}" for lvl, n in counts.items())
        console.print(
            f"formation interoperability levels in {_label(last['period'].iloc[0])}: {text}",
            markup=False,
            soft_wrap=True,
        )
    console.print(f"run written to {dest}", markup=False, soft_wrap=True)
    if (dest / "report.html").is_file():
        console.print(f"report: {dest / 'report.html'}", markup=False, soft_wrap=True)


def _explain(result: Plan) -> list[str]:
    """Add the explanation tables to *result*; never raise (a solved plan is always written).

    What could not be computed is left out and said in the plan's message (``summary.json``).
    Its split (formations, binding, remedies) goes into the plan's timings as
    ``explain:<step>``."""
    from forceplan.explain.tables import explain_plan_safely

    split: dict[str, float] = {}
    extra, notes = explain_plan_safely(result, split)
    result.timings.update({f"explain:{k}": v for k, v in split.items()})
    result.tables.update(extra)
    if notes:
        result.message = "; ".join([result.message, *notes]) if result.message else "; ".join(notes)
    return notes


def _report(target: Path, png: bool = False) -> str:
    """Write the report; on failure return what is missing and why (the run folder stays)."""
    from forceplan.report import write_report

    try:
        write_report(target, png)
    except Exception as exc:
        return (
            f"report.html is missing: the report failed ({type(exc).__name__}: {exc}); the plan "
            f"is in {target}; run `forceplan report {target}` to retry"
        )
    return ""


def _add_to_summary(target: Path, note: str) -> None:
    """Append *note* to the message in ``summary.json`` (atomically)."""
    import json

    from forceplan.io.atomic import atomic_file

    path = target / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
        summary["message"] = "; ".join(m for m in (summary.get("message", ""), note) if m)
        with atomic_file(path) as tmp:
            tmp.write_text(
                json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
    except (OSError, ValueError):  # the summary stays as written; the note was printed
        return


def _robust(
    scen: Any, k: int, options: dict[str, Any], settings: dict[str, Any], reporter: Any
) -> Plan:
    """``--robust K``: K sampled futures, then :func:`forceplan.robust.robust_plan`.

    Bad robust settings exit 1 (invalid input) with the reason and the fix."""
    from forceplan.robust import RobustError, RobustSettings, robust_plan
    from forceplan.robust.futures import sampled_futures

    seed = int(settings.pop("seed"))
    try:
        futures, names, _ = sampled_futures(scen, k, seed)
        result, _ = robust_plan(
            scen,
            futures,
            RobustSettings(**settings),
            names=names,
            progress=reporter.event,
            **options,
        )
    except RobustError as exc:
        reporter.close()
        err_console.print(f"no robust plan: {exc}", markup=False, soft_wrap=True)
        sys.exit(EXIT_INVALID)
    result.summary_extra.setdefault("robust", {})["seed"] = seed
    return result


def _default_scenario() -> Path:
    from forceplan.examples import notional_path

    return notional_path()


def _record_in_archive(run_dir: Path) -> None:
    """Record the written run in the archive (`forceplan runs list`); warns, never fails."""
    try:
        from forceplan.archive.record import record_cli_run

        record_cli_run(run_dir)
    except Exception as exc:  # the run folder is written: an archive problem must not lose it
        err_console.print(
            f"warning: the run was written to {run_dir} but could not be recorded in the "
            f"archive ({type(exc).__name__}: {exc}). Fix: check FORCEPLAN_DATABASE_URL or "
            "FORCEPLAN_HOME, or set FORCEPLAN_ARCHIVE=off to stop recording.",
            markup=False,
            soft_wrap=True,
        )


@command
def plan(
    scenario: Annotated[
        Path | None,
        typer.Argument(
            help="Scenario folder or .xlsx workbook (default: the shipped NOTIONAL scenario)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="RUNDIR",
            help="Run folder to write (default: a new timestamped folder under ./runs).",
        ),
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", metavar="S", min=0.01, help="Solver time limit in seconds."),
    ] = None,
    gap: Annotated[
        float | None,
        typer.Option("--gap", metavar="G", min=0.0, max=1.0, help="Relative MIP gap to stop at."),
    ] = None,
    threads: Annotated[
        int | None, typer.Option("--threads", metavar="N", min=1, help="Solver threads.")
    ] = None,
    solver: Annotated[
        str | None, typer.Option("--solver", metavar="NAME", help="Solver (default: highs).")
    ] = None,
    write_lp: Annotated[
        bool, typer.Option("--write-lp", help="Also write model.lp with readable names.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 3 when the plan has shortfalls.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace RUNDIR if it already exists.")
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain/--no-explain",
            help="Allocate to formations, score formation levels and price what binds "
            "(plan/formations.csv, formation_levels.csv, binding.csv).",
        ),
    ] = True,
    report: Annotated[
        bool,
        typer.Option("--report/--no-report", help="Write report.html in RUNDIR."),
    ] = True,
    errors_file: Annotated[
        Path | None,
        typer.Option(
            "--errors-file",
            metavar="PATH",
            help="When the scenario has problems, also write every one to PATH (CSV when it "
            "ends in .csv, else text).",
        ),
    ] = None,
    png: Annotated[
        bool, typer.Option("--png", help="Also draw the report's charts as PNGs in RUNDIR/charts.")
    ] = False,
    robust: Annotated[
        int | None,
        typer.Option(
            "--robust",
            metavar="K",
            min=1,
            help="A plan that holds in most of K sampled futures: one two-stage stochastic "
            "program (first-period decisions shared), or derated supply when K futures are too "
            "many for one model; per-future outcomes in RUNDIR/robust.",
        ),
    ] = None,
    confidence: Annotated[
        float,
        typer.Option(
            "--confidence",
            metavar="P",
            help="With --robust, where the derated fallback is used: plan every source at the "
            "quantity and lead time it keeps with probability P.",
        ),
    ] = 0.8,
    first_stage: Annotated[
        int,
        typer.Option(
            "--first-stage",
            metavar="N",
            min=1,
            help="With --robust: how many leading periods' decisions are shared by all futures.",
        ),
    ] = 1,
    robust_method: Annotated[
        str,
        typer.Option(
            "--robust-method",
            metavar="METHOD",
            help="With --robust: auto (the size rule), stochastic or derated.",
        ),
    ] = "auto",
    seed: Annotated[
        int,
        typer.Option("--seed", metavar="S", help="With --robust: seed of the sampled futures."),
    ] = 1,
) -> None:
    """Plan a scenario: an optimal year-by-year transition plan, written as a run folder.

    Exit codes: 0 a plan was written (shortfalls are reported, not errors), 1 invalid
    input, 2 no plan could be produced, 3 with --strict when the plan has shortfalls,
    130 interrupted by Ctrl-C, 143 stopped by SIGTERM (both say whether a complete run
    folder was written or nothing). Options override the scenario header's solver
    settings.
    """
    import forceplan
    from forceplan.exceptions import SolveError
    from forceplan.io.atomic import check_writable
    from forceplan.io.load import check_source, read_source
    from forceplan.io.run_folder import default_run_dir, write_run_folder

    path = scenario if scenario is not None else _default_scenario()
    dest = out
    _refuse_out(dest, path, force)
    live = console.is_terminal
    reporter = PhaseReporter(live)
    console.print(f"planning {path}", markup=False, soft_wrap=True)
    timings: dict[str, float] = {}
    published: list[Path] = []
    reported: list[Path] = []
    received, restore_sigterm = _sigterm_as_interrupt()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    try:
        source, timings["load"] = _timed(reporter, "load", read_source, path)
        (scen, problems), timings["validate"] = _timed(reporter, "validate", check_source, source)
        if scen is None:
            reporter.close()
            print_problems(problems, str(path), errors_file=errors_file)
            sys.exit(EXIT_INVALID)
        scen.origin = str(path)
        if any(p.severity == "warning" for p in problems):
            reporter.close()
            print_problems([p for p in problems if p.severity == "warning"], str(path))
        target = dest if dest is not None else default_run_dir(scen.name)
        check_writable(target)  # before the solve, not after it
        try:
            if robust is None:
                result = forceplan.plan(
                    scen,
                    time_limit=time_limit,
                    gap=gap,
                    threads=threads,
                    solver=solver,
                    progress=reporter.event,
                )
            else:
                result = _robust(
                    scen,
                    robust,
                    {"time_limit": time_limit, "gap": gap, "threads": threads, "solver": solver},
                    {
                        "confidence": confidence,
                        "first_stage_periods": first_stage,
                        "method": robust_method,
                        "seed": seed,
                    },
                    reporter,
                )
        except SolveError as exc:
            reporter.close()
            err_console.print(f"no plan: {exc}", markup=False, soft_wrap=True)
            sys.exit(EXIT_NO_PLAN)
        result.timings = {**timings, **result.timings}
        if not result.has_plan:
            reporter.close()
            err_console.print(
                f"no plan could be produced (status {result.status}): {result.message}. "
                "Nothing was written.",
                markup=False,
                soft_wrap=True,
            )
            if result.status == "time_limit":
                err_console.print(
                    "Fix: allow more time with --time-limit, or a larger --gap.", markup=False
                )
            sys.exit(EXIT_NO_PLAN)
        notes: list[str] = []
        if explain:
            notes, timings["explain"] = _timed(reporter, "explain", _explain, result)
            result.timings["explain"] = timings["explain"]
        result.timings["total_wall"] = time.perf_counter() - wall0  # up to the write
        result.timings["total_cpu"] = time.process_time() - cpu0
        target, timings["write"] = _timed(
            reporter,
            "write",
            lambda: write_run_folder(
                result,
                target,
                overwrite=force,
                write_lp=write_lp,
                unique=dest is None,  # a default name is never taken from another run
                on_published=published.append,
            ),
        )
        if report:
            note, timings["report"] = _timed(reporter, "report", _report, target, png)
            if note:
                notes.append(note)
                _add_to_summary(target, note)
            else:
                reported.append(target)
        reporter.close()
        _record_in_archive(target)
        print_summary(result, target)
        for note in notes:
            err_console.print(f"warning: {note}", markup=False, soft_wrap=True)
    except KeyboardInterrupt:
        reporter.close()
        _interrupted(published, reported, received, report)
    finally:
        reporter.close()
        restore_sigterm()
    if strict and len(result.tables["shortfalls"]):
        console.print(
            f"--strict: the plan has {len(result.tables['shortfalls'])} shortfall(s); exit 3.",
            markup=False,
        )
        sys.exit(EXIT_SHORTFALL)
    sys.exit(EXIT_OK)


# --------------------------------------------------------------------------------------
# publication: where the run may go, and what an interruption leaves
# --------------------------------------------------------------------------------------

EXIT_INTERRUPTED = 130
"""Ctrl-C (SIGINT)."""
EXIT_TERMINATED = 143
"""SIGTERM (128 + 15)."""


def _out_overlap(out: Path, scenario: Path) -> str | None:
    """Why *out* may not hold the run of *scenario* (``None`` when it may)."""
    o = Path(os.path.realpath(out))
    s = Path(os.path.realpath(scenario))
    folder = s if s.is_dir() else (s.parent if s.name == "scenario.yaml" else None)
    if o == s or (folder is not None and o == folder):
        return "is the scenario being planned"
    if s.is_relative_to(o):
        return f"contains the scenario being planned ({scenario})"
    if folder is not None and o.is_relative_to(folder):
        return f"lies inside the scenario folder being planned ({folder})"
    return None


def _refuse_out(dest: Path | None, scenario: Path, force: bool) -> None:
    """Exit 1 before any work when --out would replace a run or touch the scenario."""
    if dest is None:
        return
    why = _out_overlap(dest, scenario)
    if why is not None:
        err_console.print(
            f"error: --out {dest} {why}; the run folder would replace or mix with the "
            "scenario's files (even with --force it is refused). Fix: choose a --out folder "
            "outside the scenario, e.g. runs/my-run.",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(EXIT_INVALID)
    if dest.exists() and not (dest.is_dir() and not any(dest.iterdir())) and not force:
        err_console.print(
            f"error: {dest} already exists. Fix: choose a new --out folder or pass --force.",
            markup=False,
            soft_wrap=True,
        )
        sys.exit(EXIT_INVALID)


def _sigterm_as_interrupt() -> tuple[list[int], Callable[[], None]]:
    """Treat SIGTERM like Ctrl-C (the solver is stopped, temporary files removed).

    Returns the list of SIGTERMs received (for the exit code) and the function
    that puts the previous handler back.
    """
    received: list[int] = []

    def handler(signum: int, frame: Any) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    try:
        old = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        return received, lambda: None

    def restore() -> None:
        signal.signal(signal.SIGTERM, old)

    return received, restore


def _interrupted(
    published: list[Path], reported: list[Path], received: list[int], report: bool
) -> None:
    """Say what an interruption left (a complete run folder, or nothing) and exit 130/143."""
    for sig in (signal.SIGINT, signal.SIGTERM):  # a second signal must not cut this short
        signal.signal(sig, signal.SIG_IGN)
    how = "stopped by SIGTERM" if received else "interrupted"
    if not published:
        err_console.print(f"{how}: nothing was written.", markup=False, soft_wrap=True)
    else:
        run = published[0]
        text = f"{how}: the run folder {run} was already written and is complete"
        if report and not reported:
            text += f", but its report was not finished: write it with `forceplan report {run}`."
        else:
            text += "."
        err_console.print(text, markup=False, soft_wrap=True)
    sys.exit(EXIT_TERMINATED if received else EXIT_INTERRUPTED)
