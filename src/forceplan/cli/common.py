"""Shared CLI pieces: consoles, exit codes, printing problems, error handling."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.table import Table

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

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

STATE: dict[str, Any] = {"debug": False}


def print_problems(problems: list[Problem], source: str) -> None:
    """Print problems: a Rich table on a terminal, one plain line each otherwise."""
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if console.is_terminal and problems:
        table = Table(title=f"Problems in {source}", show_lines=False, expand=True)
        for col, kw in (
            ("severity", {"no_wrap": True}),
            ("where", {"ratio": 2}),
            ("rule", {"no_wrap": True}),
            ("what is wrong", {"ratio": 3}),
            ("how to fix it", {"ratio": 3}),
        ):
            table.add_column(col, **kw)
        for p in problems:
            sev = "[red]error[/red]" if p.severity == "error" else "[yellow]warning[/yellow]"
            table.add_row(sev, p.where(), p.rule, p.message, p.fix)
        console.print(table)
    else:
        for p in problems:
            console.print(f"{p.severity}: [{p.rule}] {p.describe()}", markup=False, soft_wrap=True)
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
        err_console.print(f"[red]error:[/red] {exc}", soft_wrap=True)
        sys.exit(EXIT_INVALID)
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing was written.")
        sys.exit(130)


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: run a command body inside :func:`handle_errors`."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with handle_errors():
            return fn(*args, **kwargs)

    return wrapper
