"""Run ``forceplan plan`` in a child process with one phase held, for the fault tests.

``python -m tests.cli.plan_driver PHASE ARGS...`` replaces the function that
starts PHASE by one that prints ``HELD PHASE`` and sleeps, so a test can send a
signal while the child is in exactly that phase; ``none`` holds nothing. With
``FORCEPLAN_TEST_NOW`` set (``YYYY-mm-ddTHHMMSS``) default run folders are named
after that time, so two children pick the same name.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from datetime import datetime
from typing import Any

HELD: dict[str, tuple[str, str]] = {
    "load": ("forceplan.io.load", "read_source"),
    "validate": ("forceplan.io.load", "check_source"),
    "build": ("forceplan.api", "build_model"),
    "solve": ("forceplan.api", "solve_model"),
    "explain": ("forceplan.explain.tables", "explain_plan_safely"),
    "write": ("forceplan.io.run_folder", "_write_workbook"),  # inside the temporary folder
    "report": ("forceplan.report", "write_report"),  # after the run folder is in place
}
"""Phase -> (module, function) looked up when the phase starts."""


def hold(phase: str) -> None:
    """Make *phase* print ``HELD phase`` and sleep before it runs."""
    module, name = HELD[phase]
    mod = importlib.import_module(module)
    real = getattr(mod, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        print(f"HELD {phase}", flush=True)
        time.sleep(120)
        return real(*args, **kwargs)

    setattr(mod, name, held)


def freeze_run_names(stamp: str) -> None:
    """Name default run folders after the time *stamp*."""
    import forceplan.io.run_folder as rf

    now = datetime.strptime(stamp, "%Y-%m-%dT%H%M%S")
    real = rf.default_run_dir
    rf.default_run_dir = lambda name, root="runs", now_=None: real(name, root, now)  # type: ignore[assignment]


def main() -> None:
    phase, args = sys.argv[1], sys.argv[2:]
    if phase != "none":
        hold(phase)
    if os.environ.get("FORCEPLAN_TEST_NOW"):
        freeze_run_names(os.environ["FORCEPLAN_TEST_NOW"])
    from forceplan.cli.app import app

    app(args, prog_name="forceplan")


if __name__ == "__main__":
    main()
