"""Build the planning model: the scenario as one linopy model, family by family.

:func:`build_model` returns a :class:`ModelBundle`: the :class:`linopy.Model`
plus what solving and extraction need (the model data, the shared flows such
as arrivals and costs as :class:`~forceplan.model.terms.Terms`, and the
objective parts). Each constraint family lives in its own module and adds its
variables and constraints through ``add(bundle)``; the families run in the
order of :data:`FAMILIES` because later ones read the flows earlier ones
registered (stock needs arrivals, budgets need every cost).
"""

from __future__ import annotations

import importlib
import logging
import time
from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from forceplan.domain.scenario import Scenario
from forceplan.model.data import ModelData, model_data
from forceplan.model.terms import Terms, data_array, mask_array

log = logging.getLogger(__name__)


@dataclass
class ModelBundle:
    """A built model and what solving and extracting it need.

    Attributes
    ----------
    model
        The linopy model (variables and constraints named ``family-what``).
    data
        The model parameters (:class:`~forceplan.model.data.ModelData`).
    flows
        Named linear flows shared between families and read back by extraction,
        e.g. ``arrivals`` (equipment, period), ``cost`` (category, period).
    objective
        Objective parts as scalar :class:`Terms`: ``shortfall`` (normalised
        shortfalls), ``interoperability`` (interoperable capability points summed
        over periods) and ``cost`` (USD million, incl. any type penalty).
    shortfall_scales
        Per slack variable name, the divisor that normalises it in ``shortfall``.
    timings
        Seconds spent per family while building.
    """

    model: linopy.Model
    data: ModelData
    flows: dict[str, Terms] = field(default_factory=dict)
    objective: dict[str, Terms] = field(default_factory=dict)
    shortfall_scales: dict[str, np.ndarray] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def scenario(self) -> Scenario:
        """The scenario the model was built from."""
        return self.data.scenario

    @property
    def is_mip(self) -> bool:
        """Whether the model has integer or binary variables."""
        return bool(len(self.model.integers) + len(self.model.binaries))

    def flow(self, name: str, *coords: pd.Index) -> Terms:
        """The shared flow *name*, created over *coords* on first use."""
        if name not in self.flows:
            self.flows[name] = Terms(*coords)
        return self.flows[name]

    def objective_part(self, name: str) -> Terms:
        """The scalar objective part *name*, created on first use."""
        if name not in self.objective:
            self.objective[name] = Terms()
        return self.objective[name]

    def variables(
        self,
        name: str,
        coords: tuple[pd.Index, ...],
        *,
        lower: np.ndarray | float = 0.0,
        upper: np.ndarray | float = np.inf,
        mask: np.ndarray | bool = True,
        integer: bool = False,
        binary: bool = False,
    ) -> linopy.Variable:
        """Add variables ``name`` over *coords* (NumPy bounds and mask in coords order)."""
        where = mask_array(mask, *coords)
        if binary:
            return self.model.add_variables(coords=list(coords), name=name, mask=where, binary=True)
        return self.model.add_variables(
            lower=data_array(lower, *coords),
            upper=data_array(upper, *coords),
            coords=list(coords),
            name=name,
            mask=where,
            integer=integer,
        )

    def whole(
        self,
        var: linopy.Variable,
        name: str,
        mask: np.ndarray,
        lot: np.ndarray | float = 1.0,
    ) -> linopy.Variable | None:
        """Make *var* a whole number of lots where *mask* holds.

        Adds the integer variable *name* (lots) over the coordinates of *var* and
        the rows ``<name>_link``: ``var - lot x name = 0``. Returns ``None`` where
        no element is whole. The integer lots are a separate variable because a
        linopy variable is integer or continuous as a whole, while one family
        mixes whole-unit types (tanks) and divisible ones (radios by the thousand).
        """
        coords = tuple(pd.Index(var.labels.coords[dim].values, name=dim) for dim in var.labels.dims)
        labels = np.asarray(var.labels.values)
        where = np.asarray(mask, dtype=bool) & (labels >= 0)
        if not where.any():
            return None
        lots = self.variables(name, coords, mask=where, integer=True)
        grids = np.indices(labels.shape)
        link = Terms(*coords).add(tuple(grids), labels, 1.0)
        link.add(tuple(grids), np.asarray(lots.labels.values), -np.broadcast_to(lot, labels.shape))
        self.constraints(f"{name}_link", link, "=", 0.0, mask=where)
        return lots

    def constraints(
        self,
        name: str,
        lhs: Terms,
        sign: str,
        rhs: np.ndarray | float,
        mask: np.ndarray | bool = True,
    ) -> linopy.constraints.Constraint | None:
        """Add ``lhs sign rhs`` named *name*, only on rows that hold a term and are in *mask*.

        Returns ``None`` (and adds nothing) when no row remains.
        """
        rows = lhs.has_terms() & np.broadcast_to(np.asarray(mask, dtype=bool), lhs.shape)
        if not rows.any():
            return None
        con = self.model.add_constraints(
            lhs.constraint(self.model, sign, rhs), name=name, mask=mask_array(rows, *lhs.coords)
        )
        return con  # type: ignore[return-value]


ACQUISITIONS = (
    "supply-order",
    "line-output",
    "line-replenish",
    "line-expand",
    "upgrade-start",
)
"""The variables of the plan's new acquisitions: orders, line output and replenishment, line
expansions and upgrades."""

ACTIONS = (*ACQUISITIONS, "reserve-store", "reserve-activate", "stock-retire")
"""Every new action: :data:`ACQUISITIONS`, reserve moves and retirements. Fixed at 0 they
leave the plan without new action (the inventory as it stands, losses and end of life
only), which the solver finds in moments and starts from when a run has a time limit
(:func:`forceplan.solve.lexicographic.run_stages`). Where a hard rule needs some action
(e.g. a limit on types per class that the inventory exceeds), only the acquisitions are
fixed."""


def action_labels(bundle: ModelBundle, names: tuple[str, ...] = ACTIONS) -> np.ndarray:
    """The labels of every present variable of *names* (default :data:`ACTIONS`)."""
    parts = [np.zeros(0, dtype=np.int64)]
    for name in names:
        if name in bundle.model.variables:
            labels = np.asarray(bundle.model.variables[name].labels.values).ravel()
            parts.append(labels[labels >= 0].astype(np.int64))
    return np.concatenate(parts)


FAMILIES = (
    "supply",
    "lines",
    "upgrades",
    "donors",
    "reserve",
    "stock",
    "consumables",
    "training",
    "ammunition",
    "capability",
    "forces",
    "interoperability",
    "diversity",
    "industry",
    "budgets",
    "persistence",
    "objective",
)
"""The constraint families, in build order (one module each in :mod:`forceplan.model`)."""


def build_model(scenario: Scenario, model: linopy.Model | None = None) -> ModelBundle:
    """Build the planning model of *scenario*.

    Parameters
    ----------
    scenario
        A validated scenario.
    model
        Build into this linopy model instead of a new one (its variables and
        constraints must not use the names the families add; the two-stage
        stochastic program of :mod:`forceplan.robust` builds one future after
        another into one model and renames each future's names before the next).

    Returns
    -------
    ModelBundle
        The linopy model with every family's variables and constraints, the
        data and the objective parts. Solve it with
        :func:`forceplan.solve.highs.solve_model`.

    Examples
    --------
    >>> from forceplan.model import build_model
    >>> from tests.scenarios import small_scenario  # doctest: +SKIP
    >>> bundle = build_model(small_scenario())  # doctest: +SKIP
    >>> "stock-balance" in bundle.model.constraints  # doctest: +SKIP
    True
    """
    t0 = time.perf_counter()
    data = model_data(scenario)
    if model is None:
        model = linopy.Model(force_dim_names=True)
    bundle = ModelBundle(model=model, data=data)
    bundle.timings["data"] = time.perf_counter() - t0
    for name in FAMILIES:
        t1 = time.perf_counter()
        family = importlib.import_module(f"forceplan.model.{name}")
        family.add(bundle)
        bundle.timings[name] = time.perf_counter() - t1
    log.debug("model built: %s", {k: round(v, 4) for k, v in bundle.timings.items()})
    return bundle


def values_of(var: linopy.Variable, values: np.ndarray) -> np.ndarray:
    """Solution of *var* from a label-indexed value array (0 where the variable is absent)."""
    labels = np.asarray(var.labels.values)
    out = np.zeros(labels.shape)
    present = labels >= 0
    out[present] = values[labels[present]]
    return out


def as_data_array(var: linopy.Variable, values: np.ndarray) -> xr.DataArray:
    """:func:`values_of` as a DataArray with the variable's coordinates."""
    return xr.DataArray(values_of(var, values), coords=var.labels.coords, dims=var.labels.dims)
