r"""The two-stage stochastic program: K futures in one linopy model.

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

* ``robust-first_stage[decision]`` :math:`y_d \ge 0`, one per decision element
  (e.g. ``supply-order[donation-usa-m777,2026]``) that exists in at least one future;
* ``robust-nonanticipativity[future, decision]``: :math:`v^k_d - y_d = 0` for every
  future :math:`k` in which the decision exists.

Orders are counted in the units of the scenario the futures were realised from
(the *reference*): where future :math:`k` delivers only a share
:math:`s^k_s = q^k_s / q^{ref}_s` of a source's quantity (a partial pledge), its
row reads :math:`v^k_d - s^k_s y_d = 0`; for whole-unit items the delivery is that
share rounded down to whole lots, by the pair ``robust-partial_upper``
(:math:`v^k_d - s^k_s y_d \le 0`) and ``robust-partial_lower``
(:math:`v^k_d - s^k_s y_d \ge -(\ell_s - 10^{-6})`). A decision that cannot exist
in a future (the pledge lost there, or its arrival pushed past the horizon) has no
row in that future: the commitment yields nothing there and costs nothing there.

The objective stages are those of :func:`forceplan.model.objective.stages`, each
the probability-weighted sum of the futures' stage objectives (expected shortfall
first, then expected cost).
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
PARTIAL_UPPER = "robust-partial_upper"
PARTIAL_LOWER = "robust-partial_lower"
"""Names of the rows that deliver a share of a whole-unit order, rounded down to whole lots."""
LOT_TOLERANCE = 1e-6
"""A partial whole-unit delivery is at least the share of the order less one lot plus this."""


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


def _delivered_shares(
    rows: pd.DataFrame, bundles: list[ModelBundle], reference: Scenario | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the share of the order a future delivers, and the lot where it is whole units.

    Only ``supply-order`` rows have shares other than 1: :math:`s^k_s = q^k_s / q^{ref}_s`, the
    future's quantity per period over the reference scenario's (the largest over the futures
    where no reference is given). The lot is 0 for divisible items.
    """
    share = np.ones(len(rows))
    lot = np.zeros(len(rows))
    supply = (rows["variable"] == "supply-order").to_numpy()
    if not supply.any():
        return share, lot
    per_future = [
        pd.DataFrame(
            {
                "quantity": b.data.src["quantity"].to_numpy(dtype=float),
                "whole": b.data.src["whole"].to_numpy(dtype=bool),
                "lot": b.data.src["lot"].to_numpy(dtype=float),
            },
            index=pd.Index(b.data.sources, name="source"),
        )
        for b in bundles
    ]
    if reference is not None:
        ref_table = reference.tables["sources"].set_index("id")["quantity"].astype(float)
    else:
        ref_table = pd.concat([t["quantity"] for t in per_future], axis=1).max(axis=1)
    sel = rows[supply]
    source = sel["element"].to_numpy()
    q = np.empty(len(sel))
    whole = np.zeros(len(sel), dtype=bool)
    lots = np.ones(len(sel))
    futures_of = sel["future"].to_numpy()
    for k, table in enumerate(per_future):
        mine = futures_of == k
        if mine.any():
            t = table.reindex(source[mine])
            q[mine] = t["quantity"].to_numpy()
            whole[mine] = t["whole"].to_numpy(dtype=bool)
            lots[mine] = t["lot"].to_numpy()
    ref = ref_table.reindex(source).to_numpy(dtype=float)
    ok = np.isfinite(ref) & (ref > 0)
    s = np.ones(len(sel))
    s[ok] = q[ok] / ref[ok]
    share[supply] = s
    lot[supply] = np.where(whole, lots, 0.0)
    return share, lot


def build_stochastic(
    futures: Sequence[tuple[float, Scenario]],
    first_stage_periods: int = 1,
    reference: Scenario | None = None,
) -> StochasticModel:
    """Build the two-stage stochastic program of *futures* as one linopy model.

    Parameters
    ----------
    futures
        (probability, scenario) per future; the probabilities are normalised to sum to 1.
        Every scenario must have the same periods (realisations of one scenario).
    first_stage_periods
        How many leading periods' decisions are shared (default 1: the first period).
    reference
        The scenario the futures were realised from: an order is counted in its units, and
        a future whose source delivers a share of the reference quantity delivers that share
        of the order (default: shares of the largest quantity over the futures).

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
        share, lot = _delivered_shares(rows, bundles, reference)
        partial = share < 1 - 1e-9
        lumpy = partial & (lot > 0)  # whole-unit orders delivered in part: rounded down to lots
        fut = pd.Index(np.arange(len(bundles)), name="future")
        col = keys.get_indexer(pd.Index(rows["decision"]))
        f = rows["future"].to_numpy()
        y = np.asarray(shared.labels.values)[col]

        def tie(name: str, sel: np.ndarray, sign: str, rhs: np.ndarray | float) -> None:
            if not sel.any():
                return
            link = Terms(fut, keys).add((f[sel], col[sel]), rows["label"].to_numpy()[sel], 1.0)
            link.add((f[sel], col[sel]), y[sel], -share[sel])
            present = np.zeros((len(fut), len(keys)), dtype=bool)
            present[f[sel], col[sel]] = True
            full = np.zeros((len(fut), len(keys)))
            full[f[sel], col[sel]] = rhs if np.isscalar(rhs) else np.asarray(rhs)[sel]
            whole.constraints(name, link, sign, full, mask=present)

        tie(NONANTICIPATIVITY, ~lumpy, "=", 0.0)
        tie(PARTIAL_UPPER, lumpy, "<=", 0.0)
        tie(PARTIAL_LOWER, lumpy, ">=", -(lot - LOT_TOLERANCE))
    return StochasticModel(
        bundle=whole,
        futures=bundles,
        probabilities=probabilities,
        first_stage_periods=first_stage_periods,
        decisions=decisions,
    )
