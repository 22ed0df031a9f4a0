"""``forceplan runs list`` and ``forceplan runs show ID``: the run archive."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from forceplan.cli.common import EXIT_INVALID, EXIT_OK, command, console, err_console

runs_app = typer.Typer(
    name="runs",
    help="The run archive: every run of `forceplan plan` and of the team server.",
    no_args_is_help=True,
    add_completion=False,
)


def when(value: datetime | None) -> str:
    """A timestamp as ``2026-12-01 10:15:03Z`` (archive times are UTC)."""
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


@runs_app.command("list")
@command
def list_(
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many runs, newest first.")] = 20,
) -> None:
    """List the archived runs, newest first."""
    from forceplan.archive.db import Database
    from forceplan.archive.store import list_runs

    db = Database()
    with db.session() as session:
        runs = list_runs(session, limit)
    db.dispose()
    if not runs:
        console.print("no runs in the archive yet: `forceplan plan` records each run.")
        sys.exit(EXIT_OK)
    columns = ("id", "when", "who", "from", "status", "plan", "scenario", "hash", "run folder")
    rows = [
        (
            str(r.id),
            when(r.finished_at or r.created_at),
            r.user_name,
            r.source,
            r.status,
            r.plan_status or "-",
            r.scenario_name,
            (r.scenario_hash or "-")[:19],
            r.run_dir or "-",
        )
        for r in runs
    ]
    if console.is_terminal:
        table = Table(title="archived runs", expand=False)
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
    else:  # one tab-separated line per run, for scripts and logs
        for row in [columns, *rows]:
            typer.echo("\t".join(row))
    sys.exit(EXIT_OK)


def _lines(run: Any) -> list[tuple[str, str]]:
    shortfalls = run.outputs.get("shortfalls", {}) if isinstance(run.outputs, dict) else {}
    timings = ", ".join(f"{k} {float(v):.2f} s" for k, v in (run.timings or {}).items())
    return [
        ("id", str(run.id)),
        ("status", run.status),
        ("plan status", run.plan_status or "-"),
        ("message", run.message or "-"),
        ("scenario", run.scenario_name + (" (NOTIONAL)" if run.notional else "")),
        ("scenario hash", run.scenario_hash or "-"),
        ("who", run.user_name),
        ("from", run.source),
        ("created", when(run.created_at)),
        ("started", when(run.started_at)),
        ("finished", when(run.finished_at)),
        ("forceplan", run.forceplan_version or "-"),
        ("options", json.dumps(run.options, sort_keys=True)),
        ("timings", timings or "-"),
        ("shortfalls", str(shortfalls.get("count", "-"))),
        ("run folder", run.run_dir or "-"),
    ]


@runs_app.command("show")
@command
def show(
    run_id: Annotated[int, typer.Argument(metavar="ID", help="Archive id of the run.")],
) -> None:
    """Show one archived run: status, scenario and hash, who, when, version, timings, folder."""
    from forceplan.archive.db import Database
    from forceplan.archive.models import RunRecord

    db = Database()
    with db.session() as session:
        run = session.get(RunRecord, run_id)
    db.dispose()
    if run is None:
        err_console.print(
            f"error: no run {run_id} in the archive. Fix: `forceplan runs list` shows the ids.",
            markup=False,
        )
        sys.exit(EXIT_INVALID)
    for key, value in _lines(run):
        console.print(f"{key + ':':<15}{value}", markup=False, soft_wrap=True)
    if run.solver_log:
        console.print("solver log:", markup=False)
        console.print(run.solver_log, markup=False, soft_wrap=True)
    sys.exit(EXIT_OK)
