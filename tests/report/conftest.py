"""Fixtures of the report tests: run folders with their reports, and a real Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forceplan.report import write_report
from tests.conftest import require_chromium
from tests.report.browser import FLAGS
from tests.report.handmade import write_handmade_run


@pytest.fixture(scope="session")
def handmade_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made run folder (with formation levels, gaps and binding), report and PNGs."""
    run = write_handmade_run(tmp_path_factory.mktemp("report") / "run")
    write_report(run, png=True)
    return run


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A Playwright context on Debian's headless Chromium with a fresh user-data-dir."""
    exe = require_chromium()
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=exe,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
            offline=True,
        )
        try:
            yield context
        finally:
            context.close()
