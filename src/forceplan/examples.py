"""Scenarios shipped inside the package (offline)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from forceplan.domain.scenario import Scenario
from forceplan.io.csv_folder import write_folder
from forceplan.io.load import load_scenario

NOTIONAL = "notional"


def notional_path() -> Path:
    """Folder of the shipped notional scenario inside the installed package."""
    return Path(str(resources.files("forceplan.data").joinpath("examples", NOTIONAL)))


def notional() -> Scenario:
    """The shipped "Notional Ukraine force transition" scenario (10 yearly periods).

    Its data are notional: public encyclopaedia-level facts where they exist
    (cited in each row's ``source`` column) and invented figures marked
    ``notional`` elsewhere.

    Examples
    --------
    >>> s = notional()
    >>> s.notional, s.header.periods
    (True, 10)
    """
    return load_scenario(notional_path())


def write_notional(dest: Path | str, overwrite: bool = False) -> Path:
    """Write the notional scenario as a CSV folder at *dest* (atomically)."""
    s = notional()
    return write_folder(s.header, s.tables, Path(dest), overwrite=overwrite)
