"""The ``forceplan`` command line (Typer + Rich)."""

from __future__ import annotations

from typing import Annotated

import typer

from forceplan.cli import common
from forceplan.cli.brief import brief
from forceplan.cli.compare import compare
from forceplan.cli.convert import convert
from forceplan.cli.example import example
from forceplan.cli.explain import explain
from forceplan.cli.plan import plan
from forceplan.cli.replan import replan
from forceplan.cli.report import report
from forceplan.cli.runs import runs_app
from forceplan.cli.serve import serve
from forceplan.cli.stress import stress
from forceplan.cli.sweep import sweep
from forceplan.cli.template import template
from forceplan.cli.users import users_app
from forceplan.cli.validate import validate

app = typer.Typer(
    name="forceplan",
    help="Plan a multi-year defence force transition. With no command: plan the shipped "
    "NOTIONAL scenario (same as `forceplan plan`).",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    common.STATE["debug"] = debug
    if version:
        from forceplan import __version__

        common.console.print(f"forceplan {__version__}")
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        plan()  # the shipped NOTIONAL scenario, into a new folder under ./runs


app.command("validate")(validate)
app.command("plan")(plan)
app.command("convert")(convert)
app.command("compare")(compare)
app.command("report")(report)
app.command("explain")(explain)
app.command("brief")(brief)
app.command("stress")(stress)
app.command("template")(template)
app.command("example")(example)
app.command("serve")(serve)
app.command("sweep")(sweep)
app.command("replan")(replan)
app.add_typer(runs_app)
app.add_typer(users_app)


def main() -> None:
    """Entry point of the ``forceplan`` script."""
    app()
