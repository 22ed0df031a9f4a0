"""Shared CLI pieces: consoles, exit codes, printing problems, error handling."""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from forceplan.exceptions import ForceplanError, ScenarioError
from forceplan.validate.problems import Problem

EXIT_OK = 0
"""Success (a plan was written / the scenario is valid)."""
EXIT_INVALID = 1
"""Invalid input (the scenario has errors)."""
EXIT_NO_PLAN = 2
"""No plan could be produced."""
EXIT_SHORTFALL = 3
"""``--strict``: the plan has shortfalls."""

# emoji codes (':x:') and markup in ids and messages must print as typed
console = Console(highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, emoji=False)

STATE: dict[str, Any] = {"debug": False}

MAX_PRINTED_PROBLEMS = 50
"""Problems printed at most (errors first); the rest are counted, and all go to --errors-file."""

PROBLEM_COLUMNS = ("severity", "rule", "file", "sheet", "row", "column", "cell", "message", "fix")
"""Columns of an errors file written as CSV."""


def write_problems_file(problems: list[Problem], path: Path) -> None:
    """Write every problem to *path*: CSV when it ends in ``.csv``, else one line per problem."""
    from forceplan.io.atomic import atomic_file

    path = Path(path)
    with atomic_file(path) as tmp:
        if path.suffix.lower() == ".csv":
            with tmp.open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(PROBLEM_COLUMNS)
                for p in problems:
                    d = p.as_dict()
                    writer.writerow(["" if d[c] is None else d[c] for c in PROBLEM_COLUMNS])
        else:
            tmp.write_text(
                "".join(f"{p.severity}: [{p.rule}] {p.describe()}\n" for p in problems),
                encoding="utf-8",
            )


def print_problems(
    problems: list[Problem],
    source: str,
    limit: int | None = MAX_PRINTED_PROBLEMS,
    errors_file: Path | None = None,
) -> None:
    """Print problems: a Rich table on a terminal, one plain line each otherwise.

    Parameters
    ----------
    problems
        Every problem, errors first.
    source
        The scenario, as named in the verdict line.
    limit
        Most problems printed (``None``: all); the rest are counted.
    errors_file
        Also write every problem to this file (see :func:`write_problems_file`).
    """
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    shown_problems = problems if limit is None else problems[:limit]
    if console.is_terminal and shown_problems:
        table = Table(title=Text(f"Problems in {source}"), show_lines=False, expand=True)
        for col, kw in (
            ("severity", {"no_wrap": True}),
            ("where", {"ratio": 2}),
            ("rule", {"no_wrap": True}),
            ("what is wrong", {"ratio": 3}),
            ("how to fix it", {"ratio": 3}),
        ):
            table.add_column(col, **kw)
        for p in shown_problems:
            sev = (
                Text("error", style="red")
                if p.severity == "error"
                else Text("warning", style="yellow")
            )
            table.add_row(sev, Text(p.where()), Text(p.rule), Text(p.message), Text(p.fix))
        console.print(table)
    else:
        for p in shown_problems:
            console.print(f"{p.severity}: [{p.rule}] {p.describe()}", markup=False, soft_wrap=True)
    rest = len(problems) - len(shown_problems)
    if errors_file is not None:
        write_problems_file(problems, errors_file)
    if rest:
        where = (
            f"all {len(problems):,} are in {errors_file}"
            if errors_file is not None
            else "write them all to a file with --errors-file PATH"
        )
        console.print(
            f"... and {rest:,} more problem(s) not shown ({where}).", markup=False, soft_wrap=True
        )
    elif errors_file is not None:
        console.print(f"problems written to {errors_file}", markup=False, soft_wrap=True)
    verdict = (
        f"{source}: {len(errors)} error(s), {len(warnings)} warning(s)"
        if problems
        else f"{source}: valid, no problems found"
    )
    console.print(verdict, markup=False, soft_wrap=True)


@contextmanager
def handle_errors() -> Iterator[None]:
    """Turn forceplan errors into a short message and an exit code (traceback with --debug)."""
    try:
        yield
    except ScenarioError as exc:
        if STATE["debug"]:
            raise
        print_problems(exc.problems, "scenario")
        sys.exit(EXIT_INVALID)
    except ForceplanError as exc:
        if STATE["debug"]:
            raise
        err_console.print(Text("error:", style="red"), Text(str(exc)), soft_wrap=True)
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing was written.")
        sys.exit(130)


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: run a command body inside :func:`handle_errors`."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from forceplan.solve import highs

        saved = highs.CANCEL_GRACE
        highs.CANCEL_GRACE = 2.0  # Ctrl-C: the process exits, it need not wait for a root LP
        try:
            with handle_errors():
                return fn(*args, **kwargs)
        finally:
            highs.CANCEL_GRACE = saved  # in-process callers (tests, notebooks) keep waiting

    return wrapper
