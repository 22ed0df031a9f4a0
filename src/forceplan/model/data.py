"""The scenario as model parameters: labelled indexes and numpy arrays, built vectorised.

:func:`model_data` turns a validated :class:`~forceplan.domain.scenario.Scenario`
into :class:`ModelData`: one :class:`pandas.Index` per model dimension (its
values are the scenario ids and period labels, so every variable and
constraint reads in domain words) and arrays of parameters aligned with them.
Per-row tables (sources, lines, ...) are DataFrames with integer position
columns (``item_pos``, ``first_t``, ``category_pos``, ...) that the constraint
families use to address terms.

Period positions ``t`` run 0..T-1; position -1 in a ``*_pos`` column means
"none". Money is in the scenario currency (USD million).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forceplan.domain.interop import type_scores
from forceplan.domain.scenario import Scenario
from forceplan.domain.schema import INTENSITIES

USES = ("acquisition", "operation", "upgrade", "expansion", "replenishment", "ammunition")
"""Cost uses (the ``use`` of ``budget_uses``); a cost category is ``use:country``."""

UNCOUNTRIED_USES = ("operation", "upgrade")
"""Uses whose cost category has no country: any stream allowed that use may pay it."""


def category_id(use: str, country: str) -> str:
    """The id of a cost category, e.g. ``acquisition:USA`` or ``operation:``."""
    return f"{use}:{country}"


RESERVE_SHARE = 0.25
"""Reserve upkeep as a share of the operating cost when a type states no ``reserve_cost``."""


def _yes(frame: pd.DataFrame, column: str, default: bool) -> np.ndarray:
    """A yes/no column as booleans (*default* where the column or a value is missing)."""
    if column not in frame.columns:
        return np.full(len(frame), default, dtype=bool)
    text = frame[column].fillna("").astype(str).str.strip().str.lower()
    return np.where(text == "", default, text.isin(["yes", "true", "1"])).astype(bool)


def _num(frame: pd.DataFrame, column: str, default: float) -> np.ndarray:
    """A numeric column as floats (*default* where the column or a value is missing)."""
    if column not in frame.columns:
        return np.full(len(frame), default, dtype=float)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isnan(values), default, values)


def _whole_lots(rows: pd.DataFrame, whole_eq: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For source or line rows: whether the item is whole-unit equipment, and its lot size.

    Munitions and divisible types are never whole (lot 1); ``lot_size`` counts only for
    whole-unit equipment (at least 1).
    """
    is_eq = rows["is_equipment"].to_numpy(dtype=bool)
    pos = np.clip(rows["item_pos"].to_numpy(), 0, max(len(whole_eq) - 1, 0))
    whole = is_eq & (whole_eq[pos] if len(whole_eq) else np.zeros(len(rows), dtype=bool))
    lot = np.where(whole, np.maximum(_num(rows, "lot_size", 1.0), 1.0), 1.0)
    return whole, lot


def _index(values: Iterable[Any], name: str) -> pd.Index:
    return pd.Index([str(v) for v in values], name=name, dtype=object)


def _positions(values: pd.Series, index: pd.Index) -> np.ndarray:
    """Position of each value in *index* (-1 when absent)."""
    return np.asarray(index.get_indexer(pd.Index(values.astype(str))), dtype=np.int64)


def _period_positions(values: pd.Series, periods: pd.Index, default: int) -> np.ndarray:
    """Position of each period label (missing -> *default*)."""
    num = pd.to_numeric(values, errors="coerce")
    pos = periods.get_indexer(pd.Index(num.fillna(-(10**9)).astype("int64")))
    return np.where(num.isna().to_numpy(), default, pos).astype(np.int64)


@dataclass
class ModelData:
    """Everything the model families need, aligned with labelled indexes.

    Attributes
    ----------
    scenario
        The scenario the data come from.
    periods
        Period labels (``period``), e.g. calendar years.
    period_length
        Years per period (L).
    intensity
        War intensity of each period (strings, length T).
    equipment
        Equipment ids (``equipment``); ``eq`` holds their attributes in the same
        order plus ``class_pos`` (into ``classes``), ``role_pos`` (into ``roles``),
        ``train_pos`` (into ``train_classes``; -1: no pipeline or no training need),
        ``life_periods`` (service life in whole periods, rounded up) and ``score``.
    s0
        Opening serviceable stock per type (units).
    alive0
        Opening units still within their service life at the end of each period (E, T).
    attrition
        Loss rate per type and period (E, T), from the type's class and the period's intensity.
    munitions, mu
        Munition ids (``munition``) and their attributes (``stock``: opening stock).
    use
        ``equipment_munitions`` rows with ``equipment_pos``, ``munition_pos``; ``use_t``
        is the consumption per unit in service in each period (rows, T).
    sources, src, src_active
        Source ids (``source``), attributes (``is_equipment``, ``item_pos``, ``donor_pos``,
        ``category_pos``, ``lead``) and where an order may be placed (S, T): inside
        [first_period, last_period] and arriving within the horizon.
    lines, ln, ln_active
        Line ids (``line``), attributes (``is_equipment``, ``item_pos``, ``first_t``,
        ``expandable``, ``output_category_pos``, ``replenish_category_pos``,
        ``expansion_category_pos``) and the periods it produces in (Ln, T).
    replenishments, rep
        (line, donor stockpile) pairs of the same item (``replenishment``, values
        ``line/country:item``) with ``line_pos`` and ``donor_pos``.
    donors, dn
        Donor stockpiles (``donor``, values ``country:item``) with ``stock``, ``minimum``,
        ``due_t`` (position of replenish_by; the last period when empty).
    upgrades, up
        Upgrade ids (``upgrade``) with ``from_pos``, ``to_pos``, ``lead``, ``capacity``.
    roles, floor
        Roles (``role``) and the capability floor per role and period (R, T; NaN: none).
    target
        Interoperability index target per period (T; NaN: none).
    classes
        Equipment classes in use (``class``).
    train_classes, train_capacity, pipelines, pipeline_capacity
        Classes with at least one training pipeline (``class``) and their crews per
        period (C, T); the pipelines (``pipeline``) and each one's capacity per period.
    streams, amount, has_budget
        Funding streams (``stream``), the amount per stream and period (St, T) and
        whether the stream has a budget row in that period.
    categories, cat, allowed
        Cost categories (``category``, values ``use:country``) with ``use`` and
        ``country``; ``allowed`` (St, K) says which stream may pay which category.
    max_inflow
        Most units of each type that could arrive in each period (E, T), for big-M bounds.
    reserve_floor
        Munition war reserve per munition and period from ``munition_reserve`` requirements
        (M, T; NaN: the header's default share of the period's consumption).
    domestic_share, domestic_capacity
        Share of acquisition spending to go to the own country's lines per period (T; NaN:
        none) and the ``domestic_capacity`` requirement rows (``item``, ``t``, ``minimum``).
    formations, slots, required
        Formations (with ``due_t``), their slots (with ``role_pos``, ``due_t``) and the
        vehicles per role the formations due by each period require (R, T).
    priority
        Paying order of each stream (1 pays first).
    """

    scenario: Scenario
    periods: pd.Index
    period_length: int
    intensity: np.ndarray
    equipment: pd.Index
    eq: pd.DataFrame
    s0: np.ndarray
    alive0: np.ndarray
    attrition: np.ndarray
    munitions: pd.Index
    mu: pd.DataFrame
    use: pd.DataFrame
    use_t: np.ndarray
    sources: pd.Index
    src: pd.DataFrame
    src_active: np.ndarray
    lines: pd.Index
    ln: pd.DataFrame
    ln_active: np.ndarray
    replenishments: pd.Index
    rep: pd.DataFrame
    donors: pd.Index
    dn: pd.DataFrame
    upgrades: pd.Index
    up: pd.DataFrame
    up_active: np.ndarray
    roles: pd.Index
    floor: np.ndarray
    target: np.ndarray
    classes: pd.Index
    train_classes: pd.Index
    train_capacity: np.ndarray
    pipelines: pd.Index
    pipe: pd.DataFrame
    pipeline_capacity: np.ndarray
    streams: pd.Index
    amount: np.ndarray
    has_budget: np.ndarray
    categories: pd.Index
    cat: pd.DataFrame
    allowed: np.ndarray
    max_inflow: np.ndarray
    reserve_floor: np.ndarray
    domestic_share: np.ndarray
    domestic_capacity: pd.DataFrame
    formations: pd.DataFrame
    slots: pd.DataFrame
    required: np.ndarray
    priority: np.ndarray

    @property
    def T(self) -> int:
        """Number of periods."""
        return len(self.periods)


def model_data(scenario: Scenario) -> ModelData:
    """Turn *scenario* into :class:`ModelData` (vectorised; no loops over rows).

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    ModelData
    """
    header = scenario.header
    tables = scenario.tables
    periods = pd.Index(header.period_labels, name="period", dtype="int64")
    T = len(periods)
    L = header.period_length
    intensity = np.asarray(header.intensity, dtype=object)
    intensity_pos = np.array([INTENSITIES.index(i) for i in header.intensity], dtype=np.int64)
    t_idx = np.arange(T)

    # --- equipment -------------------------------------------------------------------------
    eq = tables["equipment"].reset_index(drop=True).copy()
    equipment = _index(eq["id"], "equipment")
    classes = _index(pd.unique(eq["class"].astype(str)), "class")
    roles = _index(pd.unique(eq["role"].astype(str)), "role")
    eq["class_pos"] = _positions(eq["class"], classes)
    eq["role_pos"] = _positions(eq["role"], roles)
    eq["life_periods"] = np.ceil(eq["service_life"].to_numpy(dtype=float) / L).astype(np.int64)
    eq["score"] = type_scores(scenario).reindex(equipment).to_numpy(dtype=float)
    eq["whole"] = _yes(eq, "whole_units", True)
    eq["early_retire"] = _yes(eq, "early_retirement", False)
    eq["consumable"] = _yes(eq, "consumable", False)
    eq["disposal"] = _num(eq, "disposal_cost", 0.0)
    op_cost = _num(eq, "operating_cost", 0.0)
    reserve_cost = _num(eq, "reserve_cost", np.nan)
    eq["reserve_upkeep"] = np.where(np.isnan(reserve_cost), RESERVE_SHARE * op_cost, reserve_cost)
    eq["react_lead"] = _num(eq, "reactivation_time", 0.0).astype(np.int64)
    eq["react_cost"] = _num(eq, "reactivation_cost", 0.0)
    E = len(equipment)

    inv = tables["inventory"]
    inv_pos = _positions(inv["equipment"], equipment)
    serviceable = inv["quantity"].to_numpy(dtype=float) * inv["serviceable"].to_numpy(dtype=float)
    if len(inv_pos):
        # whole-unit types: each holding's serviceable share is rounded to whole units
        whole_row = eq["whole"].to_numpy(dtype=bool)[inv_pos]
        serviceable = np.where(whole_row, np.floor(serviceable + 0.5), serviceable)
    s0 = np.zeros(E)
    np.add.at(s0, inv_pos, serviceable)
    life_years = eq["service_life"].to_numpy(dtype=float)
    remaining = pd.to_numeric(inv["remaining_life"], errors="coerce").to_numpy(dtype=float)
    remaining = np.where(
        np.isnan(remaining), life_years[inv_pos] if len(inv_pos) else 0.0, remaining
    )
    alive_rows = (remaining[:, None] > (t_idx[None, :] * L)) * serviceable[:, None]
    alive0 = np.zeros((E, T))
    np.add.at(alive0, inv_pos, alive_rows)

    att = tables["attrition"]
    rate_table = np.zeros((len(classes), len(INTENSITIES)))
    att_cls = _positions(att["class"], classes)
    att_int = np.array([INTENSITIES.index(str(i)) for i in att["intensity"]], dtype=np.int64)
    ok = att_cls >= 0
    rate_table[att_cls[ok], att_int[ok]] = att["rate"].to_numpy(dtype=float)[ok]
    attrition = rate_table[eq["class_pos"].to_numpy()][:, intensity_pos] if E else np.zeros((0, T))

    # --- munitions and consumption -----------------------------------------------------------
    mu = tables["munitions"].reset_index(drop=True).copy()
    munitions = _index(mu["id"], "munition")
    em = tables["equipment_munitions"].reset_index(drop=True).copy()
    em["equipment_pos"] = _positions(em["equipment"], equipment)
    em["munition_pos"] = _positions(em["munition"], munitions)
    use_cols = [f"use_{i}" for i in INTENSITIES]
    use_t = em[use_cols].fillna(0.0).to_numpy(dtype=float)[:, intensity_pos]

    # --- donors ------------------------------------------------------------------------------
    dn = tables["donors"].reset_index(drop=True).copy()
    donors = _index(dn["country"].astype(str) + ":" + dn["item"].astype(str), "donor")
    # keep (no replenish_by): the minimum holds in every period; restore: from replenish_by on
    dn["due_t"] = _period_positions(dn["replenish_by"], periods, 0)
    dn["is_equipment"] = dn["item"].isin(equipment)
    dn["soft"] = _yes(dn, "soft_minimum", False)
    opening_stock = _num(dn, "stock", 0.0)
    stated_max = _num(dn, "maximum", np.nan)
    dn["cap"] = np.maximum(
        np.where(np.isnan(stated_max), opening_stock, stated_max),
        np.maximum(opening_stock, _num(dn, "minimum", 0.0)),
    )

    # --- sources -----------------------------------------------------------------------------
    src = tables["sources"].reset_index(drop=True).copy()
    sources = _index(src["id"], "source")
    src["is_equipment"] = src["item"].isin(equipment).to_numpy()
    src["item_pos"] = np.where(
        src["is_equipment"], _positions(src["item"], equipment), _positions(src["item"], munitions)
    )
    src["lead"] = src["lead_time"].to_numpy(dtype=np.int64)
    whole_eq = eq["whole"].to_numpy(dtype=bool)
    src["whole"], src["lot"] = _whole_lots(src, whole_eq)
    first = _period_positions(src["first_period"], periods, 0)
    last = _period_positions(src["last_period"], periods, T - 1)
    src_active = (
        (t_idx[None, :] >= first[:, None])
        & (t_idx[None, :] <= last[:, None])
        & (t_idx[None, :] + src["lead"].to_numpy()[:, None] < T)
        & (src["quantity"].to_numpy(dtype=float)[:, None] > 0)
    )
    donor_key = src["country"].astype(str) + ":" + src["item"].astype(str)
    src["donor_pos"] = np.where(src["kind"] == "donor", _positions(donor_key, donors), -1)

    # --- lines and replenishment -------------------------------------------------------------
    ln = tables["lines"].reset_index(drop=True).copy()
    lines = _index(ln["id"], "line")
    ln["is_equipment"] = ln["product"].isin(equipment).to_numpy()
    ln["item_pos"] = np.where(
        ln["is_equipment"],
        _positions(ln["product"], equipment),
        _positions(ln["product"], munitions),
    )
    ln["first_t"] = _period_positions(ln["first_period"], periods, 0)
    ln["whole"], ln["lot"] = _whole_lots(ln, whole_eq)
    ln["domestic"] = (ln["country"].astype(str) == header.country) & (header.country != "")
    ln["exp_lead"] = ln["expansion_lead_time"].to_numpy(dtype=np.int64)
    ln["expandable"] = (
        (ln["max_expansions"].to_numpy(dtype=float) > 0)
        & (ln["expansion_size"].to_numpy(dtype=float) > 0)
        & (ln["exp_lead"].to_numpy() < T)
    )
    ln_active = t_idx[None, :] >= ln["first_t"].to_numpy()[:, None]
    pairs = (
        ln[["id", "product"]]
        .reset_index(names="line_pos")
        .merge(
            dn[["country", "item"]].reset_index(names="donor_pos"),
            left_on="product",
            right_on="item",
        )
    )
    pairs = pairs.sort_values(["line_pos", "donor_pos"], kind="stable").reset_index(drop=True)
    rep = pairs[["line_pos", "donor_pos"]].astype(np.int64)
    replenishments = _index(
        pairs["id"].astype(str) + "/" + donors[pairs["donor_pos"].to_numpy()].astype(str),
        "replenishment",
    )

    # --- upgrades ----------------------------------------------------------------------------
    up = tables["upgrades"].reset_index(drop=True).copy()
    upgrades = _index(up["id"], "upgrade")
    up["from_pos"] = _positions(up["from_equipment"], equipment)
    up["to_pos"] = _positions(up["to_equipment"], equipment)
    up["lead"] = up["lead_time"].to_numpy(dtype=np.int64)
    up_active = (t_idx[None, :] + up["lead"].to_numpy()[:, None] < T) & (
        up["capacity"].to_numpy(dtype=float)[:, None] > 0
    )

    # --- requirements ------------------------------------------------------------------------
    req = tables["requirements"]
    cap_req = req[req["kind"] == "capability"]
    floor = np.full((len(roles), T), np.nan)
    r_pos = _positions(cap_req["role"], roles)
    r_t = periods.get_indexer(pd.Index(cap_req["period"].astype("int64")))
    ok = (r_pos >= 0) & (r_t >= 0)
    floor[r_pos[ok], r_t[ok]] = cap_req["minimum"].to_numpy(dtype=float)[ok]
    io_req = req[req["kind"] == "interoperability"]
    target = np.full(T, np.nan)
    io_t = periods.get_indexer(pd.Index(io_req["period"].astype("int64")))
    target[io_t[io_t >= 0]] = io_req["minimum"].to_numpy(dtype=float)[io_t >= 0]

    res_req = req[req["kind"] == "munition_reserve"]
    reserve_floor = np.full((len(munitions), T), np.nan)
    m_pos = _positions(res_req["item"], munitions)
    m_t = periods.get_indexer(pd.Index(res_req["period"].astype("int64")))
    ok = (m_pos >= 0) & (m_t >= 0)
    reserve_floor[m_pos[ok], m_t[ok]] = res_req["minimum"].to_numpy(dtype=float)[ok]

    share_req = req[req["kind"] == "domestic_share"]
    domestic_share = np.full(T, np.nan)
    s_t = periods.get_indexer(pd.Index(share_req["period"].astype("int64")))
    domestic_share[s_t[s_t >= 0]] = share_req["minimum"].to_numpy(dtype=float)[s_t >= 0]
    dcap = req[req["kind"] == "domestic_capacity"].reset_index(drop=True)
    dcap = dcap.assign(t=periods.get_indexer(pd.Index(dcap["period"].astype("int64"))))
    dcap = dcap[dcap["t"] >= 0].reset_index(drop=True)

    # --- force generation: slots of the formations due by each period, per role ------------
    fm = tables["formations"].reset_index(drop=True).copy()
    fm["due_t"] = (
        _period_positions(fm["due_period"], periods, 0) if "due_period" in fm else np.zeros(len(fm))
    ).astype(np.int64)
    slots = tables["formation_slots"].reset_index(drop=True).copy()
    slots["role_pos"] = _positions(slots["role"], roles)
    slots["due_t"] = (
        fm.set_index("id")["due_t"].reindex(slots["formation"]).fillna(0).to_numpy(dtype=np.int64)
    )
    required = np.zeros((len(roles), T))
    ok = slots["role_pos"].to_numpy() >= 0
    due_by = t_idx[None, :] >= slots["due_t"].to_numpy()[ok][:, None]
    np.add.at(
        required,
        slots["role_pos"].to_numpy()[ok],
        due_by * slots["quantity"].to_numpy(dtype=float)[ok][:, None],
    )

    # --- training ----------------------------------------------------------------------------
    pipe = tables["training"].reset_index(drop=True).copy()
    pipelines = _index(pipe["id"], "pipeline")
    train_classes = _index(pd.unique(pipe["class"].astype(str)), "class")
    pipe["class_pos"] = _positions(pipe["class"], train_classes)
    p_first = _period_positions(pipe["first_period"], periods, 0)
    p_last = _period_positions(pipe["last_period"], periods, T - 1)
    p_active = (t_idx[None, :] >= p_first[:, None]) & (t_idx[None, :] <= p_last[:, None])
    pipeline_capacity = p_active * pipe["capacity"].to_numpy(dtype=float)[:, None]
    train_capacity = np.zeros((len(train_classes), T))
    np.add.at(train_capacity, pipe["class_pos"].to_numpy(), pipeline_capacity)
    needs_training = eq["training_weeks"].to_numpy(dtype=float) > 0
    eq["train_pos"] = np.where(needs_training, _positions(eq["class"], train_classes), -1)

    # --- cost categories and funding ---------------------------------------------------------
    src_use = np.where(src["is_equipment"], "acquisition", "ammunition")
    ln_use = np.where(ln["is_equipment"], "acquisition", "ammunition")
    has_rep = np.zeros(len(ln), dtype=bool)
    has_rep[rep["line_pos"].to_numpy()] = True
    candidates = pd.concat(
        [
            pd.DataFrame(
                {"use": src_use, "country": src["country"].astype(str), "paid": src["price"] > 0}
            ),
            pd.DataFrame(
                {"use": ln_use, "country": ln["country"].astype(str), "paid": ln["unit_cost"] > 0}
            ),
            pd.DataFrame(
                {
                    "use": "replenishment",
                    "country": ln["country"].astype(str),
                    "paid": has_rep & (ln["unit_cost"] > 0).to_numpy(),
                }
            ),
            pd.DataFrame(
                {
                    "use": "expansion",
                    "country": ln["country"].astype(str),
                    "paid": ln["expandable"] & (ln["expansion_cost"] > 0),
                }
            ),
            pd.DataFrame(
                {"use": ["upgrade"], "country": [""], "paid": [bool((up["unit_cost"] > 0).any())]}
            ),
            pd.DataFrame(
                {
                    "use": ["operation"],
                    "country": [""],
                    "paid": [
                        bool(
                            (eq["operating_cost"] > 0).any()
                            or (eq["react_cost"] > 0).any()
                            or (eq["disposal"] > 0).any()
                        )
                    ],
                }
            ),
        ],
        ignore_index=True,
    )
    cat = candidates[candidates["paid"].astype(bool)][["use", "country"]].drop_duplicates()
    cat = cat.sort_values(["use", "country"], kind="stable").reset_index(drop=True)
    categories = _index(cat["use"] + ":" + cat["country"], "category")

    def cat_pos(use: np.ndarray | str, country: np.ndarray | str, n: int) -> np.ndarray:
        keys = pd.Series(np.broadcast_to(np.asarray(use, dtype=object), (n,))) + ":"
        keys = keys + pd.Series(
            np.broadcast_to(np.asarray(country, dtype=object), (n,)).astype(str)
        )
        return _positions(keys, categories)

    src["category_pos"] = np.where(
        src["price"] > 0, cat_pos(src_use, src["country"].to_numpy(), len(src)), -1
    )
    ln["output_category_pos"] = np.where(
        ln["unit_cost"] > 0, cat_pos(ln_use, ln["country"].to_numpy(), len(ln)), -1
    )
    ln["replenish_category_pos"] = np.where(
        has_rep & (ln["unit_cost"] > 0).to_numpy(),
        cat_pos("replenishment", ln["country"].to_numpy(), len(ln)),
        -1,
    )
    ln["expansion_category_pos"] = np.where(
        ln["expandable"] & (ln["expansion_cost"] > 0),
        cat_pos("expansion", ln["country"].to_numpy(), len(ln)),
        -1,
    )

    bud = tables["budgets"]
    streams = _index(pd.unique(bud["stream"].astype(str)), "stream")
    amount = np.zeros((len(streams), T))
    has_budget = np.zeros((len(streams), T), dtype=bool)
    b_s = _positions(bud["stream"], streams)
    b_t = periods.get_indexer(pd.Index(bud["period"].astype("int64")))
    ok = (b_s >= 0) & (b_t >= 0)
    np.add.at(amount, (b_s[ok], b_t[ok]), bud["amount"].to_numpy(dtype=float)[ok])
    priority = np.full(len(streams), np.inf)
    np.minimum.at(priority, b_s[b_s >= 0], _num(bud, "priority", 1.0)[b_s >= 0])
    priority = np.where(np.isfinite(priority), priority, 1.0)
    has_budget[b_s[ok], b_t[ok]] = True

    uses = tables["budget_uses"]
    allowed = np.zeros((len(streams), len(categories)), dtype=bool)
    if len(uses) and len(categories) and len(streams):
        joined = (
            uses[["stream", "use", "country"]]
            .astype(str)
            .merge(cat.reset_index(names="category_pos"), on="use", suffixes=("_allowed", ""))
        )
        fits = (
            (joined["country_allowed"] == "")
            | (joined["country_allowed"] == joined["country"])
            | joined["use"].isin(UNCOUNTRIED_USES)
        )
        joined = joined[fits]
        s_pos = _positions(joined["stream"], streams)
        keep = s_pos >= 0
        allowed[s_pos[keep], joined["category_pos"].to_numpy()[keep]] = True

    # --- most units that could arrive (big-M bounds) -----------------------------------------
    max_inflow = np.zeros((E, T))
    eq_src = src["is_equipment"].to_numpy() & (src["item_pos"].to_numpy() >= 0)
    if eq_src.any():
        s_rows = np.flatnonzero(eq_src)
        arrive = t_idx[None, :] + src["lead"].to_numpy()[s_rows, None]
        qty = src_active[s_rows] * src["quantity"].to_numpy(dtype=float)[s_rows, None]
        e_rows = np.broadcast_to(src["item_pos"].to_numpy()[s_rows, None], arrive.shape)
        inside = arrive < T
        np.add.at(max_inflow, (e_rows[inside], arrive[inside]), qty[inside])
    eq_ln = ln["is_equipment"].to_numpy() & (ln["item_pos"].to_numpy() >= 0)
    if eq_ln.any():
        l_rows = np.flatnonzero(eq_ln)
        top = ln["capacity"].to_numpy(dtype=float) + ln["expandable"].to_numpy() * ln[
            "expansion_size"
        ].to_numpy(dtype=float) * ln["max_expansions"].to_numpy(dtype=float)
        qty = ln_active[l_rows] * top[l_rows, None]
        e_rows = np.broadcast_to(ln["item_pos"].to_numpy()[l_rows, None], qty.shape)
        np.add.at(max_inflow, (e_rows, np.broadcast_to(t_idx, qty.shape)), qty)
    if len(up):
        arrive = t_idx[None, :] + up["lead"].to_numpy()[:, None]
        qty = up_active * up["capacity"].to_numpy(dtype=float)[:, None]
        e_rows = np.broadcast_to(up["to_pos"].to_numpy()[:, None], arrive.shape)
        inside = arrive < T
        np.add.at(max_inflow, (e_rows[inside], arrive[inside]), qty[inside])

    return ModelData(
        scenario=scenario,
        periods=periods,
        period_length=L,
        intensity=intensity,
        equipment=equipment,
        eq=eq,
        s0=s0,
        alive0=alive0,
        attrition=attrition,
        munitions=munitions,
        mu=mu,
        use=em,
        use_t=use_t,
        sources=sources,
        src=src,
        src_active=src_active,
        lines=lines,
        ln=ln,
        ln_active=ln_active,
        replenishments=replenishments,
        rep=rep,
        donors=donors,
        dn=dn,
        upgrades=upgrades,
        up=up,
        up_active=up_active,
        roles=roles,
        floor=floor,
        target=target,
        classes=classes,
        train_classes=train_classes,
        train_capacity=train_capacity,
        pipelines=pipelines,
        pipe=pipe,
        pipeline_capacity=pipeline_capacity,
        streams=streams,
        amount=amount,
        has_budget=has_budget,
        categories=categories,
        cat=cat,
        allowed=allowed,
        max_inflow=max_inflow,
        reserve_floor=reserve_floor,
        domestic_share=domestic_share,
        domestic_capacity=dcap,
        formations=fm,
        slots=slots,
        required=required,
        priority=priority,
    )
