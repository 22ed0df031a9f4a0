"""What binds, verified: every figure shown is the measured effect of moving its limit by the
stated step, and a full re-plan of the whole lexicographic model finds it (tiny scenarios of
tests/explain/test_duals.py, whose values are derived there by hand)."""

from __future__ import annotations

import numpy as np
import pytest

import forceplan
from forceplan.explain import explain_plan
from forceplan.explain.replan import replan_effects
from tests.explain.test_duals import tiny

FLOOR = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 20}]
REACHABLE = [{"kind": "capability", "role": "artillery", "period": 2026, "minimum": 8}]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        # cost stage (floor 8 = 4 units met): one more unit of line capacity saves 4 - 1 = 3 M
        ({"requirements": REACHABLE}, {"line-capacity": 3.0}),
        # shortfall stage (floor 20, 8 reachable): budget 0.025, line 0.075, floor -0.05
        (
            {"requirements": FLOOR},
            {"budget-limit": 0.025, "line-capacity": 0.075, "capability-floor": -0.05},
        ),
    ],
)
def test_the_top_figures_of_each_stage_hold_when_re_planned(
    changes: dict[str, list[dict[str, object]]], expected: dict[str, float]
) -> None:
    scenario = tiny(**changes)
    plan = forceplan.plan(scenario)
    binding = explain_plan(plan)["binding"]
    assert {"verified", "replanned_effect"} <= set(binding.columns)
    assert binding["verified"].all()
    got = dict(zip(binding["constraint"], binding["replanned_effect"], strict=True))
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-6)
    checked = replan_effects(scenario, binding, top=3)
    assert len(checked) == min(3 * binding["stage"].nunique(), len(binding))
    for shown, full in zip(checked["replanned_effect"], checked["full_replan_effect"], strict=True):
        assert np.isfinite(full)
        assert full == pytest.approx(shown, rel=0.01)


def test_texts_state_the_measured_effect() -> None:
    binding = explain_plan(forceplan.plan(tiny(requirements=REACHABLE)))["binding"]
    line = binding[binding["constraint"] == "line-capacity"].iloc[0]
    assert "saves 3 USD million" in line["text"]
    assert "not verified" not in line["text"]


def test_explain_replan_checks_the_top_figures_by_full_re_plans(tmp_path: object) -> None:
    from pathlib import Path

    from typer.testing import CliRunner

    from forceplan.cli.app import app

    run = forceplan.plan(tiny(requirements=FLOOR)).save(Path(str(tmp_path)) / "run")
    result = CliRunner().invoke(app, ["explain", str(run), "--replan", "1"])
    assert result.exit_code == 0, result.output
    section = result.output.split("Re-planned (whole lexicographic plan")[1]
    # the top shortfall figure: one more unit of line capacity cuts the shortfall by 0.075
    assert "[re-planned: 0.075 per unit; shown 0.075]" in section
