"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from forceplan.domain.scenario import Scenario
from forceplan.io.csv_folder import write_folder
from tests.scenarios import small_scenario


@pytest.fixture
def small() -> Scenario:
    """The small hand-made scenario touching every table."""
    return small_scenario()


@pytest.fixture
def small_folder(tmp_path: Path, small: Scenario) -> Path:
    """The small scenario written as a CSV folder."""
    return write_folder(small.header, small.tables, tmp_path / "small")
