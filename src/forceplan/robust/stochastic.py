"""The two-stage stochastic program: K futures in one linopy model.

Each future is a whole :class:`~forceplan.domain.scenario.Scenario` (a sampled
realisation, or one built by hand). :func:`build_stochastic` builds every
future's families into **one** linopy model with the unchanged builder
(:func:`forceplan.model.build.build_model` with ``model=``), one future after
the other; after each future its variables and constraints are renamed with
the prefix ``future<k>/`` (``future1/stock-level``), so the next future's
families find their own ``stock-level`` under the plain name. Nothing in
:mod:`forceplan.model` knows about futures, and a family the lead adds later is
built per future without any change here.

The first-stage decisions (:data:`FIRST_STAGE_DECISIONS` in the first
``first_stage_periods`` periods) are tied together by

* ``robust-first_stage[decision]`` :math:`y_d \\ge 0`, one per decision element
  (e.g. ``supply-order[donation-usa-m777,2026]``) that exists in at least one future;
* ``robust-nonanticipativity[future, decision]``: :math:`v^k_d - y_d = 0` for every
  future :math:`k` in which the decision exists.

A decision that cannot exist in a future (its source withdrawn there, or its
arrival pushed past the horizon) has no row in that future: the commitment
yields nothing there and costs nothing there. Every other future takes exactly
the shared value. The objective stages are those of
:func:`forceplan.model.objective.stages`, each the probability-weighted sum of
the futures' stage objectives (expected shortfall first, then expected cost).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.exceptions import ForceplanError
from forceplan.model.build import ModelBundle, build_model
from forceplan.model.objective import Stage, stages
from forceplan.model.terms import Terms

FIRST_STAGE_DECISIONS = (
    "supply-order",
    "line-output",
    "line-replenish",
    "line-expand",
    "upgrade-start",
    "stock-retire",
    "reserve-store",
    "reserve-activate",
)
"""The decision variables shared across futures in the first-stage periods: orders
(from sources and production lines, incl. donor refills), line expansions, upgrades,
early retirements and reserve moves (the decisions a stress test keeps fixed)."""

SHARED = "robust-first_stage"
"""Name of the shared first-stage variables."""
NONANTICIPATIVITY = "robust-nonanticipativity"
"""Name of the non-anticipativity rows."""


class RobustError(ForceplanError):
    """A robust plan cannot be built from the futures given (the message says why and the fix)."""


def prefix(k: int) -> str:
    """The name prefix of future *k*: ``future<k>/``."""
    return f"future{k}/"


@dataclass
class StochasticModel:
    """The futures' model and what solving and extracting it need.

    Attributes
    ----------
    bundle
        The whole model as one :class:`ModelBundle` (data of future 0; flows and
        objective parts empty: each future's are in *futures*).
    futures
        Per future, its bundle as built (variable and constraint names prefixed in the
        shared model; flows and objective parts by label, valid in the shared model).
    probabilities
        Per future, its weight (summing to 1).
    first_stage_periods
        How many leading periods are first stage.
    decisions
        One row per shared decision: ``decision`` (its key), ``variable``, ``period``
        and ``element`` (the coordinates other than period, comma-joined).
    """

    bundle: ModelBundle
    futures: list[ModelBundle]
    probabilities: np.ndarray
    first_stage_periods: int
    decisions: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def model(self) -> linopy.Model:
        """The one linopy model."""
        return self.bundle.model

    def view(self, k: int) -> ModelBundle:
        """Future *k*'s bundle over a model holding only its variables, under their plain names.

        What :func:`forceplan.results.extract.extract` and
        :func:`forceplan.model.budgets.prioritised_funding` read (variables by name, flows
        by label) with the shared model's labels, so they run unchanged on the
        stochastic solution.
        """
        view = linopy.Model(force_dim_names=True)
        mine = prefix(k)
        for name, var in self.model.variables.items():
            if name.startswith(mine):
                view.variables.data[name[len(mine) :]] = var
        return dataclasses.replace(self.futures[k], model=view)

    def stages(self, mode: str) -> list[Stage]:
        """The objective stages of *mode*, each the probability-weighted sum over futures."""
        per_future = [stages(b, mode) for b in self.futures]
        out: list[Stage] = []
        for j, first in enumerate(per_future[0]):
            terms = Terms()
            for p, future in zip(self.probabilities, per_future, strict=True):
                terms.extend(future[j].terms, float(p))
            out.append(Stage(first.name, terms, first.scale, first.sense))
        return out


def check_futures(futures: Sequence[tuple[float, Scenario]]) -> np.ndarray:
    """The futures' probabilities, normalised; :class:`RobustError` when they cannot be used."""
    if not futures:
        raise RobustError("a robust plan needs at least one future. Fix: give K >= 1 futures.")
    p = np.array([float(w) for w, _ in futures])
    problems = []
    if not np.isfinite(p).all() or (p <= 0).any():
        problems.append(f"every probability must be positive and finite (got {p.tolist()})")
    first = futures[0][1].header
    for i, (_, s) in enumerate(futures):
        h = s.header
        if list(h.period_labels) != list(first.period_labels):
            problems.append(
                f"future {i} has periods {list(h.period_labels)}, future 0 has "
                f"{list(first.period_labels)}"
            )
        if h.objective.mode != first.objective.mode:
            problems.append(f"future {i} has objective mode {h.objective.mode!r}")
    if problems:
        raise RobustError(
            "the futures cannot form one stochastic program: "
            + "; ".join(problems)
            + ". Fix: realise every future from the same scenario."
        )
    if not math.isclose(float(p.sum()), 1.0, rel_tol=1e-6):
        p = p / p.sum()
    return p


def _rename(model: linopy.Model, names_before: set[str], cons_before: set[str], k: int) -> None:
    """Prefix every variable and constraint added since *names_before* / *cons_before*."""
    pre = prefix(k)
    for name in [n for n in list(model.variables) if n not in names_before]:
        var = model.variables.data.pop(name)
        var.attrs["name"] = pre + name
        model.variables.data[pre + name] = var
    for name in [n for n in list(model.constraints) if n not in cons_before]:
        con = model.constraints.data.pop(name)
        if hasattr(con, "_name"):
            con._name = pre + name
        else:
            con.attrs["name"] = pre + name
        model.constraints.data[pre + name] = con


def _decision_labels(model: linopy.Model, k: int, first_periods: Sequence[object]) -> pd.DataFrame:
    """Labels of future *k*'s first-stage decisions: rows of (variable, period, element, label)."""
    frames = []
    for name in FIRST_STAGE_DECISIONS:
        full = prefix(k) + name
        if full not in model.variables:
            continue
        labels = model.variables[full].labels
        if "period" not in labels.dims:
            continue
        series = labels.sel(period=first_periods).to_series()
        series = series[series >= 0]
        if not len(series):
            continue
        index = series.index.to_frame(index=False)
        others = [c for c in index.columns if c != "period"]
        element = (
            index[others].astype(str).agg(",".join, axis=1)
            if others
            else pd.Series("", index=index.index)
        )
        frames.append(
            pd.DataFrame(
                {
                    "variable": name,
                    "period": index["period"].to_numpy(),
                    "element": element.to_numpy(),
                    "label": series.to_numpy(),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["variable", "period", "element", "label"])
    return pd.concat(frames, ignore_index=True)


def build_stochastic(
    futures: Sequence[tuple[float, Scenario]], first_stage_periods: int = 1
) -> StochasticModel:
    """Build the two-stage stochastic program of *futures* as one linopy model.

    Parameters
    ----------
    futures
        (probability, scenario) per future; the probabilities are normalised to sum to 1.
        Every scenario must have the same periods (realisations of one scenario).
    first_stage_periods
        How many leading periods' decisions are shared (default 1: the first period).

    Returns
    -------
    StochasticModel

    Raises
    ------
    RobustError
        When the futures do not share their periods, or a probability is not positive.
    """
    probabilities = check_futures(futures)
    labels = list(futures[0][1].header.period_labels)
    if not 1 <= first_stage_periods <= len(labels):
        raise RobustError(
            f"first_stage_periods must be between 1 and {len(labels)} (the periods), "
            f"not {first_stage_periods}. Fix: choose how many leading periods are decided now."
        )
    model = linopy.Model(force_dim_names=True)
    bundles: list[ModelBundle] = []
    for k, (_, scenario) in enumerate(futures):
        names, cons = set(model.variables), set(model.constraints)
        bundles.append(build_model(scenario, model=model))
        _rename(model, names, cons, k)
    whole = ModelBundle(model=model, data=bundles[0].data)
    for b in bundles:
        for name, seconds in b.timings.items():
            whole.timings[name] = whole.timings.get(name, 0.0) + seconds
    first_periods = labels[:first_stage_periods]
    per_future = [
        _decision_labels(model, k, first_periods).assign(future=k) for k in range(len(bundles))
    ]
    rows = pd.concat(per_future, ignore_index=True)
    decisions = pd.DataFrame(columns=["decision", "variable", "period", "element"])
    if len(rows):
        rows["decision"] = (
            rows["variable"]
            + "["
            + rows["element"].where(rows["element"] == "", rows["element"] + ",")
            + rows["period"].astype(str)
            + "]"
        )
        keys = pd.Index(pd.unique(rows["decision"]), name="decision")
        decisions = rows.drop_duplicates("decision")[
            ["decision", "variable", "period", "element"]
        ].reset_index(drop=True)
        shared = whole.variables(SHARED, (keys,))
        fut = pd.Index(np.arange(len(bundles)), name="future")
        col = keys.get_indexer(pd.Index(rows["decision"]))
        link = Terms(fut, keys).add((rows["future"].to_numpy(), col), rows["label"].to_numpy(), 1.0)
        present = np.zeros((len(fut), len(keys)), dtype=bool)
        present[rows["future"].to_numpy(), col] = True
        grid_f, grid_d = np.nonzero(present)
        link.add((grid_f, grid_d), np.asarray(shared.labels.values)[grid_d], -1.0)
        whole.constraints(NONANTICIPATIVITY, link, "=", 0.0, mask=present)
    return StochasticModel(
        bundle=whole,
        futures=bundles,
        probabilities=probabilities,
        first_stage_periods=first_stage_periods,
        decisions=decisions,
    )
