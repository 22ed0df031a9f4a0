"""forceplan: multi-year defence force-transition planning.

The public API::

    import forceplan
    scenario = forceplan.examples.notional()        # the shipped notional scenario
    scenario = forceplan.load_scenario("my-scenario/")  # or a .xlsx workbook
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from forceplan import examples, synthetic
from forceplan.api import plan
from forceplan.domain.header import ScenarioHeader
from forceplan.domain.scenario import Scenario
from forceplan.exceptions import ForceplanError, RunFolderError, ScenarioError, SolveError
from forceplan.io.load import load_scenario
from forceplan.results.plan import Plan
from forceplan.validate.problems import Problem

try:
    __version__ = version("forceplan")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "ForceplanError",
    "Plan",
    "Problem",
    "RunFolderError",
    "Scenario",
    "ScenarioError",
    "ScenarioHeader",
    "SolveError",
    "__version__",
    "examples",
    "load_scenario",
    "plan",
    "synthetic",
]
