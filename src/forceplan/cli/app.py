"""The ``forceplan`` command line (Typer + Rich)."""

from __future__ import annotations

from typing import Annotated

import typer

from forceplan.cli import common
from forceplan.cli.convert import convert
from forceplan.cli.example import example
from forceplan.cli.template import template
from forceplan.cli.validate import validate

app = typer.Typer(
    name="forceplan",
    help="Plan a multi-year defence force transition. With no command: validate the shipped "
    "NOTIONAL scenario.",
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
        from forceplan.examples import notional_path

        validate(notional_path())


app.command("validate")(validate)
app.command("convert")(convert)
app.command("template")(template)
app.command("example")(example)


def main() -> None:
    """Entry point of the ``forceplan`` script."""
    app()
