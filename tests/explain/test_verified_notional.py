"""What binds, verified on the notional scenario: for the top three figures of each stage, the
limit is moved by the reported step in the scenario's model and the whole lexicographic plan is
solved again (forceplan's own solve path, the plan's integer decisions held, as the figures
assume); the change of the stage's goal is the reported effect within 1%. The radio example of
issue 8 ("one more PRC-152 of capacity saves 305 USD million") does not appear."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from forceplan.api import resolve_options
from forceplan.explain.duals import STEPS
from forceplan.explain.replan import REPLANNABLE
from forceplan.model.build import build_model
from forceplan.model.objective import stages
from forceplan.solve.lexicographic import solve_model


def _coords(text: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for part in str(text).split(", "):
        key, _, value = part.partition("=")
        out[key] = int(value) if key == "period" else value
    return out


def _goals(scenario: Any, fixed: dict[str, np.ndarray], move: Any = None) -> dict[str, float]:
    """The stage goals of the plan re-solved with the integers held and one limit moved."""
    options = resolve_options(scenario)
    bundle = build_model(scenario)
    for name, values in fixed.items():
        var = bundle.model.variables[name]
        held = np.where(np.asarray(var.labels.values) >= 0, values, 0.0)
        var.data["lower"].values[...] = held
        var.data["upper"].values[...] = held
    if move is not None:
        name, where, step = move
        rhs = bundle.model.constraints[name].data["rhs"]
        rhs.loc[where] = rhs.loc[where] + step
    result = solve_model(bundle, options)
    assert result.values is not None, result.message
    return {
        s.name: float(s.terms.evaluate(result.values).sum())
        for s in stages(bundle, "lexicographic")
    }


@pytest.mark.slow
def test_top_three_of_each_stage_hold_when_the_limit_is_moved_and_re_planned(
    notional_binding: dict[str, Any],
) -> None:
    scenario, binding, fixed = (
        notional_binding["scenario"],
        notional_binding["binding"],
        notional_binding["fixed"],
    )
    assert binding["verified"].astype(bool).any()
    base = _goals(scenario, fixed)
    checked = 0
    for stage, rows in binding.groupby("stage", sort=False):
        rows = rows[rows["constraint"].isin(REPLANNABLE) & rows["verified"].astype(bool)]
        for _, row in rows.head(3).iterrows():
            step = STEPS.get(str(row["constraint"]), 1.0)
            moved = _goals(scenario, fixed, (row["constraint"], _coords(row["coordinates"]), step))
            effect = (base[str(stage)] - moved[str(stage)]) / step
            assert effect == pytest.approx(float(row["replanned_effect"]), rel=0.01), row["text"]
            checked += 1
    assert checked >= 3


@pytest.mark.slow
def test_the_radio_line_example_does_not_appear(notional_binding: dict[str, Any]) -> None:
    binding = notional_binding["binding"]
    radio = binding[binding["coordinates"].str.contains("prc-152")]
    shown = radio["replanned_effect"].where(radio["verified"].astype(bool), radio["dual"])
    money = radio["stage"] == "cost"
    # a radio costs about 0.03 USD million: one more of capacity cannot save more than that
    assert (shown[money].abs() < 1.0).all(), radio[money]["text"].tolist()
    assert not binding["text"].str.contains("saves 305").any()
