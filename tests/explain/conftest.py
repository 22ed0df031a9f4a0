"""Fixtures of the explain tests: one notional plan and its what-binds table, shared."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def notional_binding() -> dict[str, Any]:
    """The shipped notional scenario planned once, with ``plan/binding.csv`` and its integers."""
    import forceplan
    from forceplan.explain.duals import integer_values_from_model
    from forceplan.explain.tables import binding_tables
    from forceplan.model.build import build_model

    scenario = forceplan.examples.notional()
    plan = forceplan.plan(scenario)
    assert plan.has_plan
    binding = binding_tables(scenario, plan.tables, solved_model=plan.model)["binding"]
    fixed = integer_values_from_model(build_model(scenario), plan.model)
    return {"scenario": scenario, "plan": plan, "binding": binding, "fixed": fixed}
