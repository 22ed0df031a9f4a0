"""Rules of the ``uncertainty`` table: targets that exist and distributions that make sense.

Each problem names the row and column of the ``uncertainty`` table, the rule
broken and how to fix it, like every other table's rules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.uncertainty.factors import DISTRIBUTIONS, KINDS, split_numbers
from forceplan.validate.columns import suggest
from forceplan.validate.problems import Problem
from forceplan.validate.rules import Context, Rule

TABLE = "uncertainty"


def _targets(ctx: Context, kind: str) -> tuple[set[str], str]:
    """The names a target of *kind* may take, and where they come from."""
    if kind == "attrition":
        eq = ctx.frame("equipment")["class"].astype(str)
        return set(eq) | set(ctx.frame("attrition")["class"].astype(str)), "equipment.class"
    if kind == "consumption":
        return set(ctx.frame("munitions")["id"].astype(str)), "munitions.id"
    if kind.startswith("pledge_"):
        src = ctx.frame("sources")
        return set(src["id"].astype(str)) | set(src["country"].astype(str)), (
            "sources.id or sources.country"
        )
    if kind == "budget_cut":
        return set(ctx.frame("budgets")["stream"].astype(str)), "budgets.stream"
    if kind in ("line_delay", "line_output"):
        return set(ctx.frame("lines")["id"].astype(str)), "lines.id"
    return set(), ""


def uncertainty_targets(ctx: Context) -> list[Problem]:
    """A factor's target names an existing class, munition, source, country, stream or line."""
    if TABLE not in ctx.tables:
        return []
    u = ctx.frame(TABLE)
    problems = []
    for i in range(len(u)):
        kind, target = str(u["kind"].iloc[i]), str(u["target"].iloc[i])
        if kind not in KINDS:
            continue  # value-not-allowed is reported by the column check
        if kind == "war_intensity":
            if target:
                problems.append(
                    ctx.problem(
                        TABLE,
                        i,
                        "target",
                        "target-not-applicable",
                        "a war_intensity factor moves every class's attrition and every "
                        f"munition's consumption together and takes no target ('{target}').",
                        "leave target empty, or use kind attrition or consumption for one "
                        "class or munition.",
                    )
                )
            continue
        known, where = _targets(ctx, kind)
        if not target:
            problems.append(
                ctx.problem(
                    TABLE,
                    i,
                    "target",
                    "value-missing",
                    f"a {kind} factor needs a target ({KINDS[kind].target}).",
                    f"enter one of {where}.",
                )
            )
        elif target not in known:
            problems.append(
                ctx.problem(
                    TABLE,
                    i,
                    "target",
                    "unknown-reference",
                    f"'{target}' is not a known {KINDS[kind].target} ({where})."
                    + suggest(target, known),
                    f"use one of {where}, or add it there.",
                )
            )
    return problems


def _missing(u: pd.DataFrame, i: int, col: str) -> bool:
    v = u[col].iloc[i]
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) or str(v) == ""


def uncertainty_distributions(ctx: Context) -> list[Problem]:
    """A factor's distribution has its parameters, in order and within the kind's range."""
    if TABLE not in ctx.tables:
        return []
    u = ctx.frame(TABLE)
    problems = []

    def bad(i: int, col: str, rule: str, message: str, fix: str) -> None:
        problems.append(ctx.problem(TABLE, i, col, rule, message, fix))

    for i in range(len(u)):
        kind, dist = str(u["kind"].iloc[i]), str(u["distribution"].iloc[i])
        if kind not in KINDS or dist not in DISTRIBUTIONS:
            continue
        spec = KINDS[kind]
        needed = [c for c in DISTRIBUTIONS[dist] if not (kind == "pledge_loss" and c == "value")]
        absent = [c for c in needed if _missing(u, i, c)]
        for c in absent:
            bad(
                i,
                c,
                "value-missing",
                f"a {dist} distribution needs {c} ({', '.join(DISTRIBUTIONS[dist])}).",
                f"enter {c} for this factor.",
            )
        if absent:
            continue
        drawn: list[tuple[str, float]] = []  # (column, value) the draws can take
        if dist == "lognormal":
            if float(u["median"].iloc[i]) <= 0:
                bad(
                    i,
                    "median",
                    "distribution-parameter",
                    "a lognormal median must be above 0.",
                    "enter the median value (e.g. 1 for the plan's own figure).",
                )
            if spec.high is not None:
                bad(
                    i,
                    "distribution",
                    "distribution-range",
                    f"a {kind} factor is a share between 0 and 1; a lognormal draw can exceed 1.",
                    "use triangular, uniform, discrete or bernoulli with values from 0 to 1.",
                )
        elif dist in ("uniform", "triangular"):
            low, high = float(u["low"].iloc[i]), float(u["high"].iloc[i])
            mode = float(u["mode"].iloc[i]) if dist == "triangular" else low
            if low > high:
                bad(
                    i,
                    "high",
                    "distribution-order",
                    f"high {high:g} is below low {low:g}.",
                    "swap low and high.",
                )
            elif not low <= mode <= high:
                bad(
                    i,
                    "mode",
                    "distribution-order",
                    f"mode {mode:g} is not between low {low:g} and high {high:g}.",
                    "enter a mode between low and high.",
                )
            drawn = [("low", low), ("high", high)]
        elif dist == "discrete":
            try:
                values = split_numbers(str(u["values"].iloc[i]))
            except ValueError:
                bad(
                    i,
                    "values",
                    "distribution-values",
                    f"'{u['values'].iloc[i]}' is not a list of numbers separated by |.",
                    "write the values as numbers separated by | (e.g. 0|1|2).",
                )
                continue
            weights_text = "" if _missing(u, i, "weights") else str(u["weights"].iloc[i])
            try:
                weights = split_numbers(weights_text) if weights_text else [1.0] * len(values)
            except ValueError:
                bad(
                    i,
                    "weights",
                    "distribution-values",
                    f"'{weights_text}' is not a list of numbers separated by |.",
                    "write the weights as numbers separated by | (e.g. 0.6|0.3|0.1).",
                )
                continue
            if not values:
                bad(
                    i,
                    "values",
                    "value-missing",
                    "a discrete distribution needs at least one value.",
                    "write the values separated by | (e.g. 0|1|2).",
                )
            elif len(weights) != len(values):
                bad(
                    i,
                    "weights",
                    "distribution-values",
                    f"{len(weights)} weight(s) for {len(values)} value(s).",
                    "give one weight per value, or leave weights empty for equal chances.",
                )
            elif min(weights) < 0 or (abs(sum(weights) - 1) > 1e-6 and bool(weights_text)):
                bad(
                    i,
                    "weights",
                    "distribution-weights",
                    f"the weights sum to {sum(weights):g}; they must be 0 or more and sum to 1.",
                    "scale the weights so they sum to 1.",
                )
            drawn = [("values", v) for v in values]
        elif dist == "bernoulli" and not _missing(u, i, "value"):
            drawn = [("value", float(u["value"].iloc[i]))]
        for col, v in drawn:
            if spec.high is not None and v > spec.high:
                bad(
                    i,
                    col,
                    "distribution-range",
                    f"a {kind} factor is at most {spec.high:g} ({spec.unit}); {v:g} is above it.",
                    f"enter values between 0 and {spec.high:g}.",
                )
                break
        if kind == "pledge_loss" and dist not in ("bernoulli", "discrete"):
            bad(
                i,
                "distribution",
                "distribution-kind",
                "a pledge_loss factor is 1 (the deliveries never arrive) or 0; it needs a "
                f"bernoulli or discrete distribution, not {dist}.",
                "use bernoulli with the probability the pledge is lost.",
            )
    return problems


UNCERTAINTY_RULES: list[Rule] = [uncertainty_targets, uncertainty_distributions]
"""The rules of the ``uncertainty`` table, run after the other cross-table rules."""
