"""Fixtures of the deck tests: the hand-made run folder and its deck, and LibreOffice."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from forceplan.brief import write_deck
from tests.report.handmade import write_handmade_run


def require_program(name: str, package: str) -> str:
    """Path of the program *name*; skipped locally without it, a failure on CI (``CI`` set)."""
    found = shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed: run `apt-get install -y {package}` (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def deck_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made run folder with its deck written (RUNDIR/brief.pptx)."""
    run = write_handmade_run(tmp_path_factory.mktemp("deck") / "run")
    write_deck(run)
    return run
