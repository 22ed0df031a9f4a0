r"""What closes the gap: for each shortfall, the smallest concrete additions that close it.

The plan's model is rebuilt and solved as an LP with the plan's integer
decisions fixed (as for the shadow prices, :mod:`forceplan.explain.duals`),
with one **elastic** variable :math:`e_k \ge 0` added to each row of four
families, so that the row's limit becomes :math:`\text{limit} + e_k`:

=====================  ===============================  =======================================
row relaxed            addition :math:`e_k`              price :math:`p_k` (USD million / unit)
=====================  ===============================  =======================================
``supply-limit``       units more from the source in    the source's price; for a donation (or a
[source, period]       that period                      free offer) the item's ``unit_cost``
``line-capacity``      units more out of the line in    the line's ``unit_cost`` (or the item's)
[line, period]         that period
``training-capacity``  crews more trained for the        a tenth of the mean ``unit_cost`` of the
[class, period]        class in that period             class's types that need training
``budget-limit``       money more in the stream in      1 (per USD million)
[stream, period]       that period
=====================  ===============================  =======================================

(each price at least :data:`MIN_PRICE`). For each shortfall :math:`j` of
``plan/shortfalls.csv``, with slack :math:`\delta_j`:

1. **base**: the plan's own stages (shortfall, then cost) with every
   :math:`e = 0`; the slacks :math:`\bar\delta` and the cost part
   :math:`\bar C` are kept;
2. **close**: minimise :math:`\delta_j` with the additions free and every
   other slack held at most at its value in the plan, :math:`\hat\delta` (so an
   addition never closes one gap by opening another), giving :math:`\delta_j^*`
   (0 when the additions can close it). :math:`\hat\delta` is the planner's
   solution, not the base's :math:`\bar\delta`: with the plan's integers the LP
   can reach the same shortfall total with the gaps spread otherwise, and a gap
   the base had moved elsewhere would read as closed for nothing. From a run
   folder (``forceplan explain RUNDIR``) :math:`\hat\delta` is
   ``plan/shortfalls.csv``'s ``amount`` (0 for a slack it does not list);
3. **smallest**: minimise :math:`\sum_k p_k e_k` subject to
   :math:`\delta_j \le \delta_j^*`: the cheapest additions that close it,
   used only for that (any addition not needed to close the gap costs more);
4. each addition is rounded **up** to its unit (whole items, whole crews,
   0.1 USD million) and **applied**: the plan's stages are solved again with
   the additions fixed at those amounts, every other slack no larger than in
   the base and :math:`\delta_j \le \delta_j^*`. The remedy's ``cost`` is
   that plan's cost part less
   :math:`\bar C` (what the plan costs more over the horizon: the purchases,
   their upkeep, ammunition, ...), shared among the additions in proportion to
   :math:`p_k e_k`; ``remaining`` is :math:`\delta_j` in that plan.

**The alternative** (rows with ``option`` ``alternative``, ``remedy``
``alternative: ...``): the fewest whole units of one kind that close the gap as
far, "or one more Patriot battery". For a gap of a role (a capability floor or
formation slots) the candidates are the role's platform types, each with the
additions of its sources and lines; for a gap of one item (ammunition need, war
reserve, donor minimum, home-capacity target) each source or line of the item
alone. Only rows at their limit in the base count (more room where there is room
is no addition), and a candidate the smallest remedy already is (its units all of
that kind) is left out. With the candidate's units may come money, capped by one
extra row at what the units cost out of the budgets (:math:`\sum e^B \le \sum
\text{pay}_k e_k`: the source's price, 0 for a donation; the line's unit cost),
crews of the type's class and the munitions it uses. For at most
:data:`MAX_ALTERNATIVES` candidates (the highest combat value first for a floor,
then the cheapest unit):

5. **reach**: minimise :math:`\delta_j` as in step 2 with only the candidate's
   additions; one that cannot get it to :math:`\delta_j^*` is out;
6. **fewest**: minimise the sum of its units subject to
   :math:`\delta_j \le \delta_j^*`; a solution that leaves a relaxed row below
   its new limit (money in disguise) is out. The candidate with the fewest whole
   units (each rounded up; ties: the least priced value) is kept;
7. its units fixed at those amounts, the cheapest money, crews and munitions that
   go with them (priced as in step 3, rounded up), then applied as in step 4
   (``cost``, ``total_cost``, ``remaining`` likewise; ``units`` is its number of
   whole units). Its words join the smallest remedy's: "...; or about 1 more
   PzH 2000 in 2026 (Germany offer, de-pzh), for about 8 USD million more".

That is at most :math:`2 \times` :data:`MAX_ALTERNATIVES` :math:`+ 3` more LP
re-solves per remedied shortfall, each within ``solver.remedy_time_limit``.

:func:`apply_remedies` writes the additions of a shortfall into a scenario
(a budget row's amount; a one-period source row copying the source; a
one-period market row of the line's country at its unit cost for more line
output; a one-period training pipeline), so that a re-plan checks them; by
default the smallest remedy's rows, with ``option="alternative"`` the
alternative's.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

import highspy
import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.exceptions import SolveError, SolveTimeLimit
from forceplan.explain.duals import (
    FEASIBILITY_TOLERANCE,
    PRIMAL_SIMPLEX,
    STAGE_TOLERANCE,
    _fix_integers,
)
from forceplan.model.build import ModelBundle
from forceplan.model.objective import Stage, stages
from forceplan.results.contract import EXPLAIN_TABLES
from forceplan.solve.highs import set_time_limit
from forceplan.solve.matrix_model import HighsModel

log = logging.getLogger(__name__)

REMEDY_COLUMNS = EXPLAIN_TABLES["remedies"]
"""Leading columns of ``plan/remedies.csv``."""

EXTRA_COLUMNS = (
    "kind",
    "target",
    "item",
    "period",
    "constraint",
    "coordinates",
    "price",
    "closes",
    "remaining",
    "total_cost",
    "shortfall_text",
    "remedy_text",
    "option",
    "units",
)
"""Columns of ``plan/remedies.csv`` after the contractual ones."""

SMALLEST = "smallest"
ALTERNATIVE = "alternative"
"""Values of the ``option`` column: the smallest additions, or the alternative of one kind."""

ROLE_GAPS = ("capability-floor", "force-slots")
"""Gaps of a role: the alternative is the fewest whole units of one platform type of the role."""

ITEM_GAPS = ("ammo-balance", "ammo-reserve", "donor-minimum", "industry-capacity")
"""Gaps of one item: the alternative is the fewest units of it from one source or line."""

MAX_ALTERNATIVES = 8
"""Most candidates (types, or sources and lines) tried for a shortfall's alternative; each
costs two LP re-solves, the chosen one three more."""

ELASTIC = {
    "budget-limit": "budget",
    "supply-limit": "supply",
    "line-capacity": "line",
    "training-capacity": "training",
}
"""Rows that get an elastic addition, and the kind of remedy it is."""

SLACKS = {
    "capability-floor": "capability-shortfall",
    "ammo-balance": "ammo-shortfall",
    "ammo-reserve": "ammo-reserve_shortfall",
    "force-slots": "force-shortfall",
    "industry-share": "industry-share_shortfall",
    "industry-capacity": "industry-capacity_shortfall",
    "donor-minimum": "donor-shortfall",
    "interop-target": "interop-shortfall",
    "budget-cover": "budget-unfunded",
}
"""``plan/shortfalls.csv`` constraint -> the slack variable that measures it."""

MIN_PRICE = 1e-3
"""Least price of one unit of an addition (USD million), so that no addition is free."""

TRAINING_SHARE = 0.1
"""A crew is priced at this share of the mean unit cost of the class's types that need training."""

MONEY_STEP = 0.1
"""Money additions are rounded up to this many USD million."""

NEGLIGIBLE = 1e-6
"""Additions (in their unit) and slacks (relative to the requirement) below this are zero."""


@dataclass
class _Elastic:
    """The elastic columns: one per relaxed row, with what it means."""

    frame: pd.DataFrame  # kind, constraint, coordinates, target, item, period, unit, price, col
    first_col: int


def _rows(bundle: ModelBundle, name: str) -> pd.DataFrame:
    con = bundle.model.constraints[name]
    labels = np.asarray(con.labels.values)
    pos = np.nonzero(labels >= 0)
    frame = pd.DataFrame({"label": labels[pos]})
    for dim, idx in zip(con.labels.dims, pos, strict=True):
        frame[str(dim)] = con.labels.coords[dim].values[idx]
    return frame


def _unit_costs(scenario: Scenario) -> pd.Series:
    parts = []
    for table in ("equipment", "munitions"):
        frame = scenario.tables[table]
        parts.append(
            pd.Series(
                pd.to_numeric(frame["unit_cost"], errors="coerce").fillna(0.0).to_numpy(),
                index=frame["id"].astype(str).to_numpy(),
            )
        )
    return pd.concat(parts)


def _elastic_rows(bundle: ModelBundle) -> pd.DataFrame:
    """Every relaxed row: its kind, what it adds to, the unit and price of one more."""
    d = bundle.data
    scen = bundle.scenario
    units = scen.item_units()
    cost = _unit_costs(scen)
    currency = scen.header.currency
    frames = []
    for name, kind in ELASTIC.items():
        if name not in bundle.model.constraints:
            continue
        rows = _rows(bundle, name)
        if rows.empty:
            continue
        dims = [c for c in rows.columns if c != "label"]
        rows["coordinates"] = [
            ", ".join(f"{k}={v}" for k, v in zip(dims, vals, strict=True))
            for vals in rows[dims].itertuples(index=False, name=None)
        ]
        rows["constraint"] = name
        rows["kind"] = kind
        if name == "budget-limit":
            rows["target"] = rows["stream"].astype(str)
            rows["item"] = ""
            rows["unit"] = currency
            rows["price"] = 1.0
        elif name == "supply-limit":
            src = d.src.set_index(d.sources)
            rows["target"] = rows["source"].astype(str)
            rows["item"] = rows["source"].map(src["item"]).astype(str)
            rows["unit"] = rows["item"].map(units).fillna("units").astype(str)
            price = rows["source"].map(src["price"]).astype(float)
            rows["pay"] = price.fillna(0.0)
            rows["price"] = price.where(price > 0, rows["item"].map(cost).fillna(0.0))
        elif name == "line-capacity":
            ln = d.ln.set_index(d.lines)
            rows["target"] = rows["line"].astype(str)
            rows["item"] = rows["line"].map(ln["product"]).astype(str)
            rows["unit"] = rows["item"].map(units).fillna("units").astype(str)
            price = rows["line"].map(ln["unit_cost"]).astype(float)
            rows["price"] = price.where(price > 0, rows["item"].map(cost).fillna(0.0))
            rows["pay"] = rows["price"]
        else:  # training-capacity
            eq = scen.tables["equipment"]
            trained = eq[pd.to_numeric(eq["training_weeks"], errors="coerce").fillna(0) > 0]
            mean = (
                pd.to_numeric(trained["unit_cost"], errors="coerce")
                .fillna(0.0)
                .groupby(trained["class"].astype(str))
                .mean()
            )
            rows["target"] = rows["class"].astype(str)
            rows["item"] = ""
            rows["unit"] = "crews"
            rows["price"] = TRAINING_SHARE * rows["class"].astype(str).map(mean).fillna(0.0)
        rows["price"] = np.maximum(rows["price"].astype(float).to_numpy(), MIN_PRICE)
        if "pay" not in rows:
            rows["pay"] = 0.0
        rows["period"] = rows["period"].astype(int)
        frames.append(
            rows[
                [
                    "label",
                    "kind",
                    "constraint",
                    "coordinates",
                    "target",
                    "item",
                    "period",
                    "unit",
                    "price",
                    "pay",
                ]
            ]
        )
    if not frames:
        return pd.DataFrame(
            columns=[
                "label",
                "kind",
                "constraint",
                "coordinates",
                "target",
                "item",
                "period",
                "unit",
                "price",
                "pay",
            ]
        )
    return pd.concat(frames, ignore_index=True)


class _Solver:
    """The plan's LP (integers fixed) with the elastic columns, and its stages."""

    def __init__(
        self,
        bundle: ModelBundle,
        fixed: dict[str, np.ndarray],
        mode: str,
        run_limit: float | None = None,
    ) -> None:
        self.bundle = bundle
        self.hm = hm = HighsModel(bundle.model, relax=True)
        h = hm.h
        for option in ("primal_feasibility_tolerance", "dual_feasibility_tolerance"):
            h.setOptionValue(option, FEASIBILITY_TOLERANCE)
        h.setOptionValue("simplex_strategy", PRIMAL_SIMPLEX)  # objective changes: see duals
        _fix_integers(hm, bundle, fixed)
        self.stages: list[Stage] = stages(bundle, mode)
        el = _elastic_rows(bundle)
        el["row"] = hm.row_of[el["label"].to_numpy(dtype=np.int64)] if len(el) else []
        el = el[el["row"] >= 0].reset_index(drop=True)
        self.first_col = hm.n_cols
        n = len(el)
        if n:
            # one column per row: coefficient -1 on a <= row, i.e. the limit grows by e
            starts = np.arange(n, dtype=np.int32)
            index = el["row"].to_numpy(dtype=np.int32)
            h.addCols(
                n,
                np.zeros(n),
                np.zeros(n),
                np.full(n, highspy.kHighsInf),
                n,
                starts,
                index,
                np.full(n, -1.0),
            )
        el["col"] = np.arange(self.first_col, self.first_col + n)
        self.elastic = el
        # the money an alternative may add pays for its units: sum of the budget additions
        # - sum of pay x its units <= 0 (coefficients of the units set per alternative; free
        # otherwise)
        budget = el.index[el["kind"] == "budget"].to_numpy()
        h.addRow(
            -highspy.kHighsInf,
            highspy.kHighsInf,
            len(budget),
            el["col"].to_numpy(dtype=np.int32)[budget],
            np.ones(len(budget)),
        )
        self.money_row = int(h.getNumRow()) - 1
        self.paying = np.zeros(0, dtype=np.int64)  # the columns whose price the money row holds
        self.cost = bundle.objective_part("cost")
        # the slacks, by variable name: labels and columns
        self.slacks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name in bundle.shortfall_scales:
            if name in bundle.model.variables:
                labels = np.asarray(bundle.model.variables[name].labels.values).ravel()
                labels = labels[labels >= 0]
                cols = hm.col_of[labels]
                keep = cols >= 0
                self.slacks[name] = (labels[keep], cols[keep])
        self.holds: list[tuple[int, float]] = []
        self.basis: object = None
        self.binding = np.zeros(len(el), dtype=bool)  # rows at their limit in the base plan
        self.solves = 0  # LP re-solves so far, and their seconds
        self.solve_seconds = 0.0
        # one re-solve: the header's solver.remedy_time_limit, at most the run's time limit
        self.seconds = float(bundle.scenario.header.solver.remedy_time_limit)
        if run_limit is not None:
            self.seconds = min(self.seconds, float(run_limit))

    # -- low level -------------------------------------------------------------------------
    def _objective(self, labels: np.ndarray, coeffs: np.ndarray, elastic: np.ndarray) -> None:
        hm = self.hm
        hm.set_objective(labels, coeffs)
        n = len(self.elastic)
        if n:
            cols = self.elastic["col"].to_numpy(dtype=np.int32)
            hm.h.changeColsCost(n, cols, np.asarray(elastic, dtype=float))

    def _run(self) -> tuple[np.ndarray, np.ndarray] | None:
        h = self.hm.h
        set_time_limit(h, self.seconds)
        start = time.perf_counter()
        h.run()
        self.solves += 1
        self.solve_seconds += time.perf_counter() - start
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            log.warning("remedy LP: %s", self.hm.status_text())
            return None
        col = np.asarray(h.getSolution().col_value, dtype=float)
        values = np.zeros(len(self.hm.col_of))
        values[self.hm.vlabels] = col[: self.hm.n_cols]
        return values, col[self.hm.n_cols :]

    def set_elastic_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        n = len(self.elastic)
        if n:
            cols = self.elastic["col"].to_numpy(dtype=np.int32)
            self.hm.h.changeColsBounds(n, cols, np.asarray(lower, float), np.asarray(upper, float))

    def set_col_upper(self, cols: np.ndarray, upper: np.ndarray) -> None:
        if len(cols):
            lower = self.hm.lb[cols]
            self.hm.h.changeColsBounds(
                len(cols), cols.astype(np.int32), lower, np.asarray(upper, dtype=float)
            )

    def at_limit(self) -> np.ndarray:
        """Per elastic column: whether its row is at its (relaxed) limit in the last solution."""
        rows = self.elastic["row"].to_numpy(dtype=np.int64)
        activity = np.asarray(self.hm.h.getSolution().row_value, dtype=float)[rows]
        limit = np.asarray(self.hm.h.getLp().row_upper_, dtype=float)[rows]
        return activity >= limit - NEGLIGIBLE * np.maximum(1.0, np.abs(limit))

    def money_pays_for(self, units: np.ndarray | None) -> None:
        """Cap the budget additions at what the additions *units* (a mask) cost out of the
        budgets; ``None``: no cap."""
        h = self.hm.h
        cols = self.elastic["col"].to_numpy(dtype=np.int64)
        pay = self.elastic["pay"].to_numpy(dtype=float)
        for k in self.paying:  # only the coefficients set before are reset
            h.changeCoeff(self.money_row, int(cols[k]), 0.0)
        self.paying = np.flatnonzero(units) if units is not None else np.zeros(0, np.int64)
        for k in self.paying:
            h.changeCoeff(self.money_row, int(cols[k]), float(-pay[k]))
        h.changeRowBounds(self.money_row, -np.inf, 0.0 if units is not None else np.inf)

    def free_holds(self) -> None:
        for row, _ in self.holds:
            self.hm.h.changeRowBounds(row, -np.inf, np.inf)

    # -- the plan's stages -------------------------------------------------------------------
    def plan(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Solve the plan's stages (each held at its optimum for the next); the last solution."""
        zero = np.zeros(len(self.elastic))
        self.free_holds()
        out = None
        for i, stage in enumerate(self.stages):
            _, labels, coeffs = stage.terms.arrays()
            self._objective(labels, coeffs / stage.scale, zero)
            out = self._run()
            if out is None:
                return None
            if i < len(self.stages) - 1:
                got = self.hm.objective_value()
                if len(self.holds) <= i:
                    norm = abs(got) if abs(got) > 1e-6 else 1.0
                    row = self.hm.add_row(labels, coeffs / stage.scale / norm, -np.inf, np.inf)
                    self.holds.append((row, norm))
                row, norm = self.holds[i]
                self.hm.h.changeRowBounds(row, -np.inf, (got + STAGE_TOLERANCE * abs(got)) / norm)
        return out

    def cost_of(self, values: np.ndarray) -> float:
        return float(self.cost.evaluate(values).sum())


def _slack_label(bundle: ModelBundle, constraint: str, coordinates: str) -> int:
    """The label of the slack that measures the shortfall row (-1 when there is none)."""
    name = SLACKS.get(constraint)
    if name is None or name not in bundle.model.variables:
        return -1
    labels = bundle.model.variables[name].labels
    where: dict[str, object] = {}
    for part in str(coordinates).split(", "):
        key, _, value = part.partition("=")
        if key in labels.dims:
            where[key] = int(value) if key == "period" else value
    try:
        found = np.asarray(labels.sel(where).values)
    except (KeyError, ValueError):
        return -1
    if found.size != 1:
        return -1
    return int(found.reshape(-1)[0])


def involved(scenario: Scenario, constraint: str, coordinates: str) -> tuple[set[str], set[str]]:
    """The items and training classes whose supply can close a shortfall row.

    A capability floor or formation slots of a role: the role's types, the munitions
    they use and their classes; an ammunition need or war reserve: the munition; a
    donor minimum: the donor's item; a home-capacity target: its product. Budgets are
    always involved; the interoperability target and the home-industry share involve
    every item.
    """
    where = dict(part.partition("=")[::2] for part in str(coordinates).split(", "))
    eq = scenario.tables["equipment"]
    everything = set(eq["id"].astype(str)) | set(scenario.tables["munitions"]["id"].astype(str))
    if constraint in ("capability-floor", "force-slots"):
        types = eq[eq["role"].astype(str) == where.get("role", "")]
        ids = set(types["id"].astype(str))
        em = scenario.tables["equipment_munitions"]
        ammo = set(em.loc[em["equipment"].astype(str).isin(ids), "munition"].astype(str))
        return ids | ammo, set(types["class"].astype(str))
    if constraint in ("ammo-balance", "ammo-reserve"):
        return {where.get("munition", "")}, set()
    if constraint == "donor-minimum":
        return {where.get("donor", "").partition(":")[2]}, set()
    if constraint == "industry-capacity":
        return {where.get("product", "")}, set()
    if constraint == "budget-cover":
        return set(), set()
    return everything, set(eq["class"].astype(str))


def _round_up(value: float, kind: str) -> float:
    step = MONEY_STEP if kind == "budget" else 1.0
    return math.ceil(value / step - 1e-6) * step


def _names(scenario: Scenario) -> dict[str, str]:
    names: dict[str, str] = {}
    for table in ("equipment", "munitions"):
        frame = scenario.tables[table]
        ids = frame["id"].astype(str)
        shown = frame["name"].astype(str).where(frame["name"].astype(str).str.strip() != "", ids)
        names.update(zip(ids, shown, strict=True))
    return names


def _q(x: float) -> str:
    from forceplan.results.extract import fmt

    return fmt(float(x))


def _addition_words(row: pd.Series, scenario: Scenario, names: dict[str, str]) -> str:
    """One addition in words, e.g. 'about 7 more PAC-2 GEM-T from the Germany donation ...'."""
    qty = float(row["quantity"])
    unit = str(row["unit"])
    period = int(row["period"])
    kind = str(row["kind"])
    if kind == "budget":
        return f"{_q(qty)} {unit} more in the {row['target']} budget in {period}"
    if kind == "training":
        crews = "crew" if qty == 1 else "crews"
        return f"{_q(qty)} more {str(row['target']).replace('-', ' ')} {crews} trained in {period}"
    item = names.get(str(row["item"]), str(row["item"]))
    what = item if unit == "units" else f"{unit} of {item}"
    if kind == "line":
        return f"about {_q(qty)} more {what} out of the {row['target']} line in {period}"
    src = scenario.tables["sources"].set_index("id")
    source = str(row["target"])
    country = str(src.loc[source, "country"]) if source in src.index else ""
    how = "donation" if source in src.index and src.loc[source, "kind"] == "donor" else "offer"
    return f"about {_q(qty)} more {what} in {period} ({country} {how}, {source})"


def _largest(shortfalls: pd.DataFrame, cap: int) -> set[int]:
    """Positions of the *cap* largest shortfalls: by share of the requirement where it is
    known (else by amount), ties in table order."""
    amount = pd.to_numeric(shortfalls["amount"], errors="coerce").fillna(0.0).to_numpy()
    if "requirement" in shortfalls:
        need = pd.to_numeric(shortfalls["requirement"], errors="coerce").to_numpy(dtype=float)
        share = np.where(np.isfinite(need) & (np.abs(need) > 0), amount / np.abs(need), np.nan)
        size = np.where(np.isnan(share), amount, share)
    else:
        size = amount
    order = np.lexsort((np.arange(len(size)), -np.abs(size)))
    return {int(k) for k in order[:cap]}


def _effect(remaining: float, unit: str) -> str:
    return "close the gap" if remaining == 0.0 else f"cut the gap to {_q(remaining)} {unit}"


SAME_COST = 0.5
"""A re-planned cost within this much (in the currency's unit, USD million) reads as the same."""


def _then(total: float, currency: str) -> str:
    if abs(total) < SAME_COST:  # solver noise on a plan of tens of thousands of millions
        return "the plan then costs about the same"
    return f"the plan then costs {_q(abs(total))} {currency} {'more' if total >= 0 else 'less'}"


def _about(total: float, currency: str) -> str:
    return f"about {_q(abs(total))} {currency} {'more' if total >= 0 else 'less'}"


def _described(
    additions: pd.DataFrame,
    quantity: np.ndarray,
    total: float,
    remaining: float,
    key: str,
    text: str,
    option: str,
    scenario: Scenario,
    names: dict[str, str],
    units: float = np.nan,
) -> tuple[list[dict[str, object]], str]:
    """The rows of one remedy (its additions, the cost shared by priced value) and its words."""
    price = additions["price"].to_numpy(dtype=float)
    value = price * quantity
    share = value / value.sum() if value.sum() > 0 else np.full(len(value), 1 / len(value))
    rows: list[dict[str, object]] = []
    parts: list[str] = []
    prefix = "alternative: " if option == ALTERNATIVE else ""
    for (_, e), q, s in zip(additions.iterrows(), quantity, share, strict=True):
        row: dict[str, object] = {
            "shortfall": key,
            "remedy": f"{prefix}{e['kind']}: {e['target']} in {int(e['period'])}",
            "quantity": float(q),
            "unit": str(e["unit"]),
            "cost": float(total * s),
            "kind": str(e["kind"]),
            "target": str(e["target"]),
            "item": str(e["item"]),
            "period": int(e["period"]),
            "constraint": str(e["constraint"]),
            "coordinates": str(e["coordinates"]),
            "price": float(e["price"]),
            "closes": remaining == 0.0,
            "remaining": remaining,
            "total_cost": float(total),
            "shortfall_text": text,
            "option": option,
            "units": units,
        }
        parts.append(_addition_words(pd.Series(row), scenario, names))
        rows.append(row)
    what = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return rows, what


def _candidates(
    bundle: ModelBundle,
    el: pd.DataFrame,
    constraint: str,
    coordinates: str,
    usable: np.ndarray,
    used: np.ndarray,
    binding: np.ndarray,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The alternatives to try: (the columns of its units, the columns that may go with them).

    A role's gap: each platform type of the role that a source or line could add (with money,
    crews of its class and the munitions it uses); an item's gap: each source or line of the
    item alone (with money). A candidate the smallest remedy already is (its units all of that
    type, or from that source) is left out; at most :data:`MAX_ALTERNATIVES`, those that give
    the most per unit first (combat value for a floor), then the cheapest.
    """
    scenario = bundle.scenario
    kinds = el["kind"].to_numpy(dtype=object)
    supply = (kinds == "supply") | (kinds == "line")
    budget = kinds == "budget"
    price = el["price"].to_numpy(dtype=float)
    main = set(np.flatnonzero(supply)) & {int(k) for k in used}
    where = dict(part.partition("=")[::2] for part in coordinates.split(", "))
    found: list[tuple[float, float, np.ndarray, np.ndarray]] = []
    if constraint in ROLE_GAPS:
        eq = scenario.tables["equipment"]
        types = eq[eq["role"].astype(str) == where.get("role", "")]
        em = scenario.tables["equipment_munitions"]
        value = pd.Series(
            pd.to_numeric(types["combat_value"], errors="coerce").fillna(0.0).to_numpy(),
            index=types["id"].astype(str).to_numpy(),
        )
        for _, t in types.iterrows():
            unit = usable & supply & binding & (el["item"] == str(t["id"])).to_numpy()
            if not unit.any() or (main and main <= set(np.flatnonzero(unit))):
                continue
            ammo = set(em.loc[em["equipment"].astype(str) == str(t["id"]), "munition"].astype(str))
            crews = (kinds == "training") & (el["target"] == str(t["class"])).to_numpy()
            munitions = supply & el["item"].isin(ammo).to_numpy()
            rank = -float(value.get(str(t["id"]), 0.0)) if constraint == "capability-floor" else 0.0
            found.append(
                (rank, float(price[unit].min()), unit, usable & (budget | crews | munitions))
            )
    elif constraint in ITEM_GAPS:
        for target in dict.fromkeys(el.loc[usable & supply & binding, "target"].astype(str)):
            unit = usable & supply & binding & (el["target"] == target).to_numpy()
            if main and main <= set(np.flatnonzero(unit)):
                continue
            found.append((0.0, float(price[unit].min()), unit, usable & budget))
    found.sort(key=lambda f: (f[0], f[1]))
    return [(u, w) for _, _, u, w in found[:MAX_ALTERNATIVES]]


def _alternative(
    sv: _Solver,
    bundle: ModelBundle,
    constraint: str,
    coordinates: str,
    label: int,
    col: int,
    least: float,
    tol: float,
    usable: np.ndarray,
    used: np.ndarray,
    held: np.ndarray,
    all_cols: np.ndarray,
    original_upper: np.ndarray,
    base_cost: float,
    start: highspy.HighsBasis,
) -> tuple[np.ndarray, np.ndarray, float, float, float] | None:
    """The alternative remedy of one shortfall: the fewest whole units of one kind.

    Each candidate of :func:`_candidates` is tried with the other gaps held as for the smallest
    remedy: **reach** (minimise the slack with only the candidate's units and what may go with
    them; a candidate that cannot get it as far as the smallest remedy does, :math:`\\delta_j^*`,
    is out), then **fewest** (minimise the sum of its units with the slack at most
    :math:`\\delta_j^*`). The candidate with the fewest whole units (each addition rounded up;
    ties: the least priced value) is kept: its units fixed at the rounded amounts, the cheapest
    money, crews and munitions that go with them (priced as in the smallest remedy, rounded up),
    then applied and re-planned like the smallest remedy. ``None`` when no candidate gets there.

    Returns
    -------
    tuple or None
        Positions of the additions (in the elastic columns), their rounded amounts, what the
        plan then costs more, and the slack left.
    """
    el = sv.elastic
    n = len(el)
    zeros = np.zeros(n)
    kinds = el["kind"].to_numpy(dtype=object)
    price = el["price"].to_numpy(dtype=float)
    candidates = _candidates(bundle, el, constraint, coordinates, usable, used, sv.binding)
    if not candidates:
        return None
    one = np.array([col])
    basis = sv.basis
    assert isinstance(basis, highspy.HighsBasis)
    best: tuple[float, float, np.ndarray, np.ndarray, np.ndarray] | None = None
    try:
        sv.free_holds()
        sv.set_col_upper(all_cols, held + NEGLIGIBLE * np.maximum(1.0, np.abs(held)))
        for unit, with_it in candidates:
            sv.money_pays_for(unit)
            sv.set_col_upper(one, np.array([sv.hm.ub[col]]))
            sv.set_elastic_bounds(zeros, np.where(unit | with_it, np.inf, 0.0))
            sv.hm.h.setBasis(start)
            sv._objective(np.array([label]), np.array([1.0]), zeros)
            reach = sv._run()
            if reach is None or float(reach[0][label]) > least + tol:
                continue
            sv.set_col_upper(one, np.array([least + tol]))
            sv._objective(np.zeros(0, dtype=np.int64), np.zeros(0), unit.astype(float))
            fewest = sv._run()
            if fewest is None:
                continue
            extra = np.where(unit, fewest[1], 0.0)
            picked = np.flatnonzero(extra > NEGLIGIBLE)
            if not sv.at_limit()[picked].all():  # more room it does not use: money in disguise
                continue
            whole = np.zeros(n)
            whole[picked] = [_round_up(extra[k], str(kinds[k])) for k in picked]
            key = (float(whole.sum()), float(price @ whole))
            if len(picked) and (best is None or key < best[:2]):
                best = (*key, unit, with_it, whole)
        if best is None:
            return None
        _, _, unit, with_it, whole = best
        # what goes with the units: the cheapest money, crews and munitions, rounded up
        sv.money_pays_for(unit)
        sv.set_col_upper(one, np.array([least + tol]))
        sv.set_elastic_bounds(whole, np.where(with_it, np.inf, whole))
        sv.hm.h.setBasis(start)
        sv._objective(np.zeros(0, dtype=np.int64), np.zeros(0), np.where(with_it, price, 0.0))
        cheapest = sv._run()
        if cheapest is None:
            return None
        extra = np.where(with_it, cheapest[1], whole)
        picked = np.flatnonzero(extra > NEGLIGIBLE)
        amounts = zeros.copy()
        amounts[picked] = [_round_up(extra[k], str(kinds[k])) for k in picked]
        # applied and re-planned, as the smallest remedy
        sv.money_pays_for(None)
        sv.set_elastic_bounds(amounts, amounts)
        sv.hm.h.setBasis(basis)
        replanned = sv.plan()
        if replanned is None:
            return None
        remaining = float(replanned[0][label])
        if remaining <= tol:
            remaining = 0.0
        picked = picked[np.argsort(~unit[picked], kind="stable")]  # its units first
        count = float(amounts[unit].sum())
        return picked, amounts[picked], sv.cost_of(replanned[0]) - base_cost, remaining, count
    finally:
        sv.money_pays_for(None)
        sv.set_elastic_bounds(zeros, zeros)
        sv.set_col_upper(all_cols, original_upper)


def remedies(
    bundle: ModelBundle,
    fixed: dict[str, np.ndarray],
    shortfalls: pd.DataFrame,
    mode: str | None = None,
    plan_slacks: dict[str, np.ndarray] | None = None,
    time_limit: float | None = None,
) -> pd.DataFrame:
    """``plan/remedies.csv``: the smallest additions that close each shortfall, and their cost.

    Parameters
    ----------
    bundle
        A freshly built model of the plan's scenario (not solved).
    fixed
        The plan's integer decisions (name -> values), held in every LP.
    shortfalls
        ``plan/shortfalls.csv`` of the plan.
    mode
        Objective mode (default: the header's).
    plan_slacks
        The plan's own slack values (slack variable name -> values shaped like its
        labels), which a remedy must not exceed elsewhere while it closes one gap
        (:func:`plan_slack_values`). Default: read from *shortfalls* (a slack not listed
        there is held at 0).
    time_limit
        Most seconds of one re-solve, when less than the header's
        ``solver.remedy_time_limit``.

    Returns
    -------
    pandas.DataFrame
        One row per addition (``shortfall``, ``remedy``, ``quantity``, ``unit``,
        ``cost``, ``text``, then :data:`EXTRA_COLUMNS`); a shortfall no addition
        can narrow has one row with remedy ``none``. The smallest remedy's rows have
        ``option`` ``smallest``; where one exists, the alternative's rows follow them
        (``option`` ``alternative``, see :func:`_alternative`), and its words are in
        the smallest remedy's ``text``.
    """
    scenario = bundle.scenario
    currency = scenario.header.currency
    columns = [*REMEDY_COLUMNS, *EXTRA_COLUMNS]
    if shortfalls is None or shortfalls.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    mode = mode or scenario.header.objective.mode
    sv = _Solver(bundle, fixed, mode, time_limit)
    el = sv.elastic
    n = len(el)
    zeros = np.zeros(n)
    sv.set_elastic_bounds(zeros, zeros)
    base = sv.plan()
    if base is None:
        what = "the plan's LP with its integer decisions fixed could not be solved"
        if sv.hm.h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
            raise SolveTimeLimit(
                f"{what} within {sv.seconds:g} s, the most one re-solve may take "
                "(solver.remedy_time_limit, at most the run's --time-limit). Fix: raise them and "
                "run `forceplan explain RUNDIR`.",
                sv.seconds,
            )
        raise SolveError(
            f"{what} ({sv.hm.status_text()}). Fix: re-plan the scenario; if it persists, report it."
        )
    base_values = base[0]
    sv.basis = sv.hm.h.getBasis()
    sv.binding = sv.at_limit()
    base_cost = sv.cost_of(base_values)
    all_cols = np.concatenate([c for _, c in sv.slacks.values()] or [np.zeros(0, np.int64)])
    # the other gaps a remedy may not widen: the plan's own, not the base LP's (an LP with
    # the plan's integers can reach the same shortfall total with the gaps spread otherwise,
    # and a gap the base happens to have moved elsewhere would read as closed for nothing)
    if plan_slacks is None:
        plan_slacks = slacks_from_shortfalls(bundle, shortfalls)
    held = _held(bundle, sv.slacks, plan_slacks)
    original_upper = sv.hm.ub[all_cols]
    names = _names(scenario)
    price = el["price"].to_numpy(dtype=float)
    kinds = el["kind"].to_numpy(dtype=object)
    out: list[dict[str, object]] = []
    chosen = _largest(shortfalls, int(scenario.header.solver.max_remedies))
    for position, (_, short) in enumerate(shortfalls.iterrows()):
        key = f"{short['constraint']}[{short['coordinates']}]"
        label = _slack_label(bundle, str(short["constraint"]), str(short["coordinates"]))
        text = str(short.get("text", "")) or key
        amount = float(short.get("amount", np.nan))
        requirement = float(short.get("requirement", np.nan)) if "requirement" in short else np.nan
        tol = NEGLIGIBLE * max(1.0, abs(requirement) if np.isfinite(requirement) else 1.0)
        col = int(sv.hm.col_of[label]) if label >= 0 else -1
        none = {
            "shortfall": key,
            "remedy": "none",
            "quantity": np.nan,
            "unit": "",
            "cost": np.nan,
            "kind": "none",
            "target": "",
            "item": "",
            "period": short.get("period", np.nan),
            "constraint": "",
            "coordinates": "",
            "price": np.nan,
            "closes": False,
            "remaining": amount,
            "total_cost": np.nan,
            "shortfall_text": text,
            "remedy_text": "",
            "option": SMALLEST,
            "units": np.nan,
        }
        if position not in chosen:
            which = (
                "the largest shortfall"
                if len(chosen) == 1
                else f"the {len(chosen)} largest shortfalls"
            )
            why = (
                f"not computed: only {which} (by share of the requirement) "
                f"{'gets' if len(chosen) == 1 else 'get'} remedies "
                "(raise solver.max_remedies in the scenario header for more)"
            )
            out.append({**none, "text": f"{text}: {why}", "remedy_text": why})
            continue
        if col < 0:
            why = "no addition is modelled for this kind of gap"
            out.append({**none, "text": f"{text}: {why}", "remedy_text": why})
            continue
        # 2. close: the other slacks held at their values in the plan, the additions free
        sv.free_holds()
        sv.set_col_upper(all_cols, held + NEGLIGIBLE * np.maximum(1.0, np.abs(held)))
        sv.set_col_upper(np.array([col]), np.array([sv.hm.ub[col]]))
        items, classes = involved(scenario, str(short["constraint"]), str(short["coordinates"]))
        usable = (
            (kinds == "budget")
            | (((kinds == "supply") | (kinds == "line")) & el["item"].isin(items).to_numpy())
            | ((kinds == "training") & el["target"].isin(classes).to_numpy())
        )
        sv.set_elastic_bounds(zeros, np.where(usable, np.inf, 0.0))
        sv.hm.h.setBasis(sv.basis)
        sv._objective(np.array([label]), np.array([1.0]), zeros)
        closed = sv._run()
        closed_basis = sv.hm.h.getBasis()
        if closed is None:
            why = "the remedy LP could not be solved"
            out.append({**none, "text": f"{text}: {why}", "remedy_text": why})
            continue
        least = float(closed[0][label])
        # 3. smallest: the cheapest additions that get it there
        sv.set_col_upper(np.array([col]), np.array([least + tol]))
        sv._objective(np.zeros(0, dtype=np.int64), np.zeros(0), price)
        smallest = sv._run()
        if smallest is None:
            why = "the remedy LP could not be solved"
            out.append({**none, "text": f"{text}: {why}", "remedy_text": why})
            continue
        extra = smallest[1]
        used = np.flatnonzero(extra > NEGLIGIBLE)
        quantity = np.array([_round_up(extra[k], str(kinds[k])) for k in used])
        # 4. applied: the plan's stages again with the additions fixed at their rounded amounts,
        # the other gaps no wider than in the plan and this one no wider than step 2 found
        sv.set_col_upper(np.array([col]), np.array([least + tol]))
        fixed_extra = zeros.copy()
        fixed_extra[used] = quantity
        sv.set_elastic_bounds(fixed_extra, fixed_extra)
        sv.hm.h.setBasis(sv.basis)
        replanned = sv.plan()
        sv.set_elastic_bounds(zeros, zeros)
        sv.set_col_upper(all_cols, original_upper)
        if replanned is None or not len(used):
            reason = (
                "more supply, line output, crew training or money in the scenario's sources, "
                "lines, pipelines and budgets cannot narrow it (nothing that could fill it can "
                "arrive in time)"
                if not len(used)
                else "the plan with the additions could not be solved"
            )
            out.append({**none, "text": f"{text}: {reason}", "remedy_text": reason})
            continue
        remaining = float(replanned[0][label])
        if remaining <= tol:
            remaining = 0.0
        total = sv.cost_of(replanned[0]) - base_cost
        rows, what = _described(
            el.iloc[used], quantity, total, remaining, key, text, "smallest", scenario, names
        )
        effect = _effect(remaining, str(short.get("unit", "")))
        alt = _alternative(
            sv,
            bundle,
            str(short["constraint"]),
            str(short["coordinates"]),
            label,
            col,
            least,
            tol,
            usable,
            used,
            held,
            all_cols,
            original_upper,
            base_cost,
            closed_basis,
        )
        alt_rows: list[dict[str, object]] = []
        alt_words = ""
        if alt is not None:
            a_used, a_quantity, a_total, a_remaining, a_count = alt
            alt_rows, alt_what = _described(
                el.iloc[a_used],
                a_quantity,
                a_total,
                a_remaining,
                key,
                text,
                "alternative",
                scenario,
                names,
                a_count,
            )
            alt_words = f"; or {alt_what}, for {_about(a_total, currency)}"
            a_effect = _effect(a_remaining, str(short.get("unit", "")))
            for row in alt_rows:
                row["text"] = f"{alt_what} {a_effect} ({text}); {_then(a_total, currency)}"
                row["remedy_text"] = f"{alt_what} {a_effect}; {_then(a_total, currency)}"
        for row in rows:
            row["text"] = f"{what} {effect}{alt_words} ({text}); {_then(total, currency)}"
            row["remedy_text"] = f"{what} {effect}{alt_words}; {_then(total, currency)}"
        out.extend(rows)
        out.extend(alt_rows)
    frame = pd.DataFrame(out)
    frame["quantity"] = np.round(frame["quantity"].astype(float), 6)
    for c in ("cost", "total_cost", "remaining"):
        frame[c] = np.round(frame[c].astype(float), 6) + 0.0
    return frame[columns].reset_index(drop=True)


def plan_slack_values(bundle: ModelBundle, solved: object) -> dict[str, np.ndarray]:
    """The slack values of the planner's solved model (``plan.model``), by variable name."""
    out: dict[str, np.ndarray] = {}
    variables = getattr(solved, "variables", {})
    for name in bundle.shortfall_scales:
        if name in variables and name in bundle.model.variables:
            sol = getattr(variables[name], "solution", None)
            if sol is not None:
                out[name] = np.nan_to_num(np.asarray(sol.values, dtype=float))
    return out


def slacks_from_shortfalls(
    bundle: ModelBundle, shortfalls: pd.DataFrame | None
) -> dict[str, np.ndarray]:
    """The slack values ``plan/shortfalls.csv`` states (its ``amount`` is the slack's value);
    a slack it does not list is 0 (below the noise the table leaves out)."""
    out: dict[str, np.ndarray] = {}
    for name in bundle.shortfall_scales:
        if name in bundle.model.variables:
            out[name] = np.zeros(bundle.model.variables[name].labels.shape)
    if shortfalls is None or shortfalls.empty:
        return out
    for _, short in shortfalls.iterrows():
        constraint, coordinates = str(short["constraint"]), str(short["coordinates"])
        slack = SLACKS.get(constraint)
        label = _slack_label(bundle, constraint, coordinates)
        if slack is None or label < 0 or slack not in out:
            continue
        labels = np.asarray(bundle.model.variables[slack].labels.values)
        out[slack][labels == label] = max(float(short.get("amount", 0.0)), 0.0)
    return out


def _held(
    bundle: ModelBundle,
    slacks: dict[str, tuple[np.ndarray, np.ndarray]],
    plan_slacks: dict[str, np.ndarray],
) -> np.ndarray:
    """The plan's value of every slack column of the remedy LP, in the order of *slacks*
    (0 for a slack *plan_slacks* does not give)."""
    parts = [np.zeros(0)]
    for name, (labels, _) in slacks.items():
        every = np.asarray(bundle.model.variables[name].labels.values)
        given = plan_slacks.get(name)
        by_label = np.zeros(int(every.max()) + 1 if every.size else 0)
        if given is not None and np.shape(given) == every.shape:
            present = every >= 0
            by_label[every[present]] = np.asarray(given, dtype=float)[present]
        parts.append(by_label[labels])
    return np.concatenate(parts)


def remedy_table(
    scenario: Scenario,
    tables: dict[str, pd.DataFrame],
    *,
    solved_model: object | None = None,
    mode: str | None = None,
    time_limit: float | None = None,
) -> dict[str, pd.DataFrame]:
    """``remedies`` of a plan from its scenario and tables (see :func:`remedies`); with
    *time_limit* (the run's) no re-solve takes longer than it either."""
    from forceplan.explain.duals import integer_values_from_model, integer_values_from_tables
    from forceplan.model.build import build_model

    bundle = build_model(scenario)
    shortfalls = tables.get("shortfalls")
    if solved_model is not None:
        fixed = integer_values_from_model(bundle, solved_model)  # type: ignore[arg-type]
        held = plan_slack_values(bundle, solved_model)
    else:
        fixed = integer_values_from_tables(bundle, tables)
        held = slacks_from_shortfalls(bundle, shortfalls)
    return {
        "remedies": remedies(bundle, fixed, shortfalls, mode, held, time_limit)  # type: ignore[arg-type]
    }


def apply_remedies(
    scenario: Scenario, remedy_rows: pd.DataFrame, option: str | None = SMALLEST
) -> Scenario:
    """*scenario* with the additions of *remedy_rows* written into its inputs.

    Only the rows of *option* are applied (``option`` column: ``smallest``, the smallest
    additions, or ``alternative``; rows without the column count as ``smallest``); ``None``
    applies every row.

    A budget addition raises the stream's amount in its period; a supply
    addition is a new source row copying the source, open in that period
    only, with the added quantity; a line addition is a one-period market row
    of the line's country and product at the line's unit cost (no lead time);
    a training addition is a one-period pipeline of the class. Rows of kind
    ``none`` are ignored.

    Returns
    -------
    Scenario
        A new, validated scenario.
    """
    from forceplan.io.records import from_records

    if option is not None:
        which = (
            remedy_rows["option"].fillna(SMALLEST).astype(str)
            if "option" in remedy_rows
            else pd.Series(SMALLEST, index=remedy_rows.index)
        )
        remedy_rows = remedy_rows[which == option]
    tables = {name: frame.copy() for name, frame in scenario.tables.items()}
    for i, (_, r) in enumerate(remedy_rows.iterrows()):
        kind, target, period = str(r["kind"]), str(r["target"]), r["period"]
        qty = float(r["quantity"])
        if kind == "none" or not np.isfinite(qty) or qty <= 0:
            continue
        period = int(period)
        tag = f"remedy-{i + 1}-{period}"
        if kind == "budget":
            b = tables["budgets"]
            where = (b["stream"].astype(str) == target) & (b["period"].astype(int) == period)
            if where.any():
                b.loc[where.idxmax(), "amount"] = float(b.loc[where, "amount"].iloc[0]) + qty
            else:
                owner = b.loc[b["stream"].astype(str) == target, "owner"].iloc[0]
                add = {"stream": target, "owner": owner, "period": period, "amount": qty}
                tables["budgets"] = pd.concat([b, pd.DataFrame([add])], ignore_index=True)
        elif kind == "supply":
            s = tables["sources"]
            row = s[s["id"].astype(str) == target].iloc[0].copy()
            row["id"] = f"{target}-{tag}"
            row["quantity"] = qty
            row["first_period"] = period
            row["last_period"] = period
            tables["sources"] = pd.concat([s, row.to_frame().T], ignore_index=True)
        elif kind == "line":
            ln = tables["lines"].set_index("id")
            line = ln.loc[target]
            s = tables["sources"]
            add = {
                "id": f"{target}-{tag}",
                "kind": "market",
                "country": line["country"],
                "item": line["product"],
                "quantity": qty,
                "first_period": period,
                "last_period": period,
                "price": float(line["unit_cost"]),  # type: ignore[arg-type]
                "lead_time": 0,
                "unit": line["unit"],
                "lot_size": line["lot_size"],
            }
            tables["sources"] = pd.concat([s, pd.DataFrame([add])], ignore_index=True)
        elif kind == "training":
            tr = tables["training"]
            add = {
                "id": f"{target}-{tag}",
                "class": target,
                "capacity": qty,
                "first_period": period,
                "last_period": period,
            }
            tables["training"] = pd.concat([tr, pd.DataFrame([add])], ignore_index=True)
    return from_records(scenario.header, tables)
