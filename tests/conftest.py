"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceplan.domain.scenario import Scenario
from forceplan.io.csv_folder import write_folder
from tests.scenarios import small_scenario


def pytest_configure(config: pytest.Config) -> None:
    """Tests never record runs in the user's archive (tests/archive turn it on in a tmp home)."""
    import os

    os.environ["FORCEPLAN_ARCHIVE"] = "off"


@pytest.fixture
def small() -> Scenario:
    """The small hand-made scenario touching every table."""
    return small_scenario()


@pytest.fixture
def small_folder(tmp_path: Path, small: Scenario) -> Path:
    """The small scenario written as a CSV folder."""
    return write_folder(small.header, small.tables, tmp_path / "small")


def require_chromium() -> str:
    """Path of Debian's headless Chromium for browser tests.

    On CI (``CI`` set) a missing browser fails the test: ``.ci/run`` installs it.
    Elsewhere the test is skipped with the command that installs it.
    """
    import os
    import shutil

    found = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if found:
        return found
    message = "Debian's chromium is not installed: run `apt-get install -y chromium` (.ci/run does)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
