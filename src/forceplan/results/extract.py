"""From a solution to the plan tables of the run folder contract (vectorised).

:func:`extract` reads the solution (an array indexed by linopy variable label)
through the model's labels and the shared flows, and returns one DataFrame per
entry of :data:`~forceplan.results.contract.PLAN_TABLES`, contract columns
first, ``period`` holding the period label. Numbers are cleaned of solver
noise: values within 1e-6 of zero become 0 and every figure is rounded to 6
decimals (so balances hold to about 1e-6 per term).

Event tables (deliveries, retirements, losses, upgrades, ammunition_supply)
list only non-zero rows; state tables (stock, ammunition, lines, donors,
budgets, capability, interoperability, training) list every period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.model.build import ModelBundle, values_of
from forceplan.model.consumables import demand as consumable_demand
from forceplan.model.data import ModelData
from forceplan.model.terms import Terms
from forceplan.model.training import crew_lead
from forceplan.results.contract import BUDGET_USES, PLAN_TABLES

NOISE = 1e-6
"""Absolute values below this are solver noise and reported as 0."""

DECIMALS = 6
"""Figures are rounded to this many decimals."""


def clean(x: np.ndarray | float) -> np.ndarray:
    """Zero values within :data:`NOISE` of 0 and round to :data:`DECIMALS` decimals."""
    arr = np.asarray(x, dtype=float)
    arr = np.where(np.abs(arr) < NOISE, 0.0, arr)
    return np.round(arr, DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def fmt(x: float) -> str:
    """A number for plain-words text: ``14``, ``2.5``, ``1,250``, ``0.125``.

    Examples
    --------
    >>> fmt(14.0), fmt(2.5), fmt(1250.4), fmt(0.12345)
    ('14', '2.5', '1,250', '0.123')
    """
    if abs(x - round(x)) < 1e-6:
        return f"{round(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:.3g}"


def words(name: str) -> str:
    """An id as words: ``air-defence`` -> ``air defence``."""
    return name.replace("-", " ").replace("_", " ")


class _Reader:
    """Solution values of variables and flows, zeros where absent."""

    def __init__(self, bundle: ModelBundle, values: np.ndarray) -> None:
        self.b = bundle
        self.values = values

    def var(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        m = self.b.model
        if name in m.variables:
            return values_of(m.variables[name], self.values)
        return np.zeros(shape)

    def flow(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        terms: Terms | None = self.b.flows.get(name)
        if terms is None:
            return np.zeros(shape)
        return terms.evaluate(self.values)


def _long(d: ModelData, index: pd.Index, column: str, **arrays: np.ndarray) -> pd.DataFrame:
    """A (period, <column>, ...) frame from (len(index), T) arrays, period-major order."""
    n, T = len(index), d.T
    out = {
        "period": np.repeat(d.periods.to_numpy(), n),
        column: np.tile(index.to_numpy(dtype=object), T),
    }
    for key, arr in arrays.items():
        a = np.asarray(arr)
        out[key] = (a.T.reshape(-1) if a.ndim == 2 else np.tile(a, T)) if n else a.reshape(-1)[:0]
    return pd.DataFrame(out)


def _ordered(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    lead = PLAN_TABLES[table]
    rest = [c for c in frame.columns if c not in lead]
    return frame[lead + rest].reset_index(drop=True)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


def extract(bundle: ModelBundle, values: np.ndarray) -> dict[str, pd.DataFrame]:
    """Every plan table of the contract from a solution.

    Parameters
    ----------
    bundle
        The model the solution belongs to.
    values
        Solution indexed by linopy variable label.

    Returns
    -------
    dict
        Table name -> DataFrame, in the order of ``PLAN_TABLES``.
    """
    d = bundle.data
    r = _Reader(bundle, values)
    T = d.T
    labels = d.periods.to_numpy()
    E, M = len(d.equipment), len(d.munitions)
    tables: dict[str, pd.DataFrame] = {}

    # --- stock, retirements, losses ----------------------------------------------------------
    whole = d.eq["whole"].to_numpy(dtype=bool)[:, None] if E else np.zeros((0, 1), dtype=bool)

    def units(x: np.ndarray) -> np.ndarray:
        """Whole-unit types' figures as whole numbers (solver noise removed)."""
        return np.where(whole, np.round(x), x) if x.ndim == 2 and len(x) == E else x

    level = units(r.var("stock-level", (E, T)))
    early = units(r.var("stock-retire", (E, T)))
    expired = units(r.var("stock-expire", (E, T)))
    expired_reserve = units(r.var("reserve-expire", (E, T)))
    retire = early + expired + expired_reserve
    loss = units(r.var("stock-loss", (E, T)))
    consumable = d.eq["consumable"].to_numpy(dtype=bool) if E else np.zeros(0, dtype=bool)
    frame = _long(
        d,
        d.equipment,
        "equipment",
        quantity=clean(level),
        role=d.eq["role"].to_numpy(dtype=object),
        **{"class": d.eq["class"].to_numpy(dtype=object)},
    )
    # consumable types are never in service: their stockpile is plan/consumables.csv
    in_service = ~frame["equipment"].isin(d.equipment[consumable])
    tables["stock"] = _ordered(frame[in_service].reset_index(drop=True), "stock")
    tables["consumables"] = _consumables(bundle, r, consumable)
    frame = _long(
        d,
        d.equipment,
        "equipment",
        quantity=clean(retire),
        early=clean(early),
        end_of_life=clean(expired + expired_reserve),
    )
    tables["retirements"] = _ordered(frame[frame["quantity"] != 0], "retirements")
    frame = _long(d, d.equipment, "equipment", quantity=clean(loss))
    tables["losses"] = _ordered(frame[frame["quantity"] != 0], "losses")

    # --- reserve -------------------------------------------------------------------------------
    held = units(r.var("reserve-level", (E, T)))
    frame = _long(
        d,
        d.equipment,
        "equipment",
        to_reserve=clean(units(r.var("reserve-store", (E, T)))),
        from_reserve=clean(units(r.var("reserve-activate", (E, T)))),
        in_reserve=clean(held),
        expired_in_reserve=clean(expired_reserve),
        back_in_service=clean(units(r.flow("from_reserve", (E, T)))),
    )
    moved = frame[["to_reserve", "from_reserve", "in_reserve", "expired_in_reserve"]].abs()
    tables["reserve"] = _ordered(frame[moved.sum(axis=1) > 0], "reserve")

    # --- deliveries and ammunition supply ----------------------------------------------------
    S = len(d.sources)
    order = r.var("supply-order", (S, T))
    src = d.src
    s_idx, t_idx = np.nonzero(clean(order) != 0)
    lead = src["lead"].to_numpy()[s_idx]
    qty = order[s_idx, t_idx]
    src_rows = pd.DataFrame(
        {
            "period_ordered": labels[t_idx],
            "period_delivered": labels[np.minimum(t_idx + lead, T - 1)],
            "item": src["item"].to_numpy(dtype=object)[s_idx],
            "source": d.sources.to_numpy(dtype=object)[s_idx],
            "quantity": clean(qty),
            "cost": clean(qty * src["price"].to_numpy(dtype=float)[s_idx]),
            "kind": src["kind"].to_numpy(dtype=object)[s_idx],
            "country": src["country"].to_numpy(dtype=object)[s_idx],
            "is_equipment": src["is_equipment"].to_numpy(dtype=bool)[s_idx],
        }
    )
    Ln = len(d.lines)
    output = r.var("line-output", (Ln, T))
    ln = d.ln
    l_idx, lt_idx = np.nonzero(clean(output) != 0)
    lqty = output[l_idx, lt_idx]
    line_rows = pd.DataFrame(
        {
            "period_ordered": labels[lt_idx],
            "period_delivered": labels[lt_idx],
            "item": ln["product"].to_numpy(dtype=object)[l_idx],
            "source": d.lines.to_numpy(dtype=object)[l_idx],
            "quantity": clean(lqty),
            "cost": clean(lqty * ln["unit_cost"].to_numpy(dtype=float)[l_idx]),
            "kind": "line",
            "country": ln["country"].to_numpy(dtype=object)[l_idx],
            "is_equipment": ln["is_equipment"].to_numpy(dtype=bool)[l_idx],
        }
    )
    arrivals = pd.concat([src_rows, line_rows], ignore_index=True)
    deliveries = arrivals[arrivals["is_equipment"].astype(bool)].rename(
        columns={"item": "equipment"}
    )
    deliveries = deliveries.drop(columns="is_equipment").sort_values(
        ["period_ordered", "period_delivered", "source"], kind="stable"
    )
    tables["deliveries"] = _ordered(deliveries, "deliveries")

    # --- upgrades ------------------------------------------------------------------------------
    U = len(d.upgrades)
    start = r.var("upgrade-start", (U, T))
    u_idx, ut_idx = np.nonzero(clean(start) != 0)
    up = d.up
    uqty = start[u_idx, ut_idx]
    ulead = up["lead"].to_numpy()[u_idx]
    tables["upgrades"] = _ordered(
        pd.DataFrame(
            {
                "period_started": labels[ut_idx],
                "period_completed": labels[np.minimum(ut_idx + ulead, T - 1)],
                "from_equipment": up["from_equipment"].to_numpy(dtype=object)[u_idx],
                "to_equipment": up["to_equipment"].to_numpy(dtype=object)[u_idx],
                "quantity": clean(uqty),
                "cost": clean(uqty * up["unit_cost"].to_numpy(dtype=float)[u_idx]),
                "upgrade": d.upgrades.to_numpy(dtype=object)[u_idx],
            }
        ),
        "upgrades",
    )

    # --- ammunition ----------------------------------------------------------------------------
    closing = r.var("ammo-stock", (M, T))
    opening = (
        np.concatenate([d.mu["stock"].to_numpy(dtype=float)[:, None], closing[:, :-1]], axis=1)
        if M
        else np.zeros((0, T))
    )
    tables["ammunition"] = _ordered(
        _long(
            d,
            d.munitions,
            "munition",
            opening=clean(opening),
            supply=clean(r.flow("ammo_supply", (M, T))),
            consumption=clean(r.flow("consumption", (M, T))),
            closing=clean(closing),
            shortfall=clean(r.var("ammo-shortfall", (M, T))),
            unit=d.mu["unit"].to_numpy(dtype=object),
            reserve_floor=clean(
                np.where(
                    np.isnan(d.reserve_floor),
                    r.flow("ammo_reserve_floor", (M, T)),
                    np.nan_to_num(d.reserve_floor),
                )
            ),
            reserve_shortfall=clean(r.var("ammo-reserve_shortfall", (M, T))),
        ),
        "ammunition",
    )
    tables["ammunition_use"] = _ammunition_use(bundle, r, level)
    am = tables["ammunition"]  # solver noise (a few hundredths of a round) is no shortfall
    am.loc[~significant(am["shortfall"], am["consumption"]), "shortfall"] = 0.0
    am.loc[~significant(am["reserve_shortfall"], am["reserve_floor"]), "reserve_shortfall"] = 0.0
    ammo = arrivals[~arrivals["is_equipment"].astype(bool)]
    ammo = pd.DataFrame(
        {
            "period": ammo["period_delivered"].to_numpy(),
            "munition": ammo["item"].to_numpy(dtype=object),
            "supplier": ammo["source"].to_numpy(dtype=object),
            "quantity": ammo["quantity"].to_numpy(dtype=float),
            "cost": ammo["cost"].to_numpy(dtype=float),
            "period_ordered": ammo["period_ordered"].to_numpy(),
            "kind": ammo["kind"].to_numpy(dtype=object),
            "country": ammo["country"].to_numpy(dtype=object),
        }
    ).sort_values(["period", "munition", "supplier"], kind="stable")
    tables["ammunition_supply"] = _ordered(ammo, "ammunition_supply")

    # --- lines ---------------------------------------------------------------------------------
    R = len(d.replenishments)
    replenish = r.var("line-replenish", (R, T))
    to_donors = np.zeros((Ln, T))
    np.add.at(to_donors, d.rep["line_pos"].to_numpy(), replenish)
    expand = np.round(r.var("line-expand", (Ln, T)))
    exp_lead = ln["exp_lead"].to_numpy() if Ln else np.zeros(0, dtype=np.int64)
    online = np.zeros((Ln, T))
    if Ln:
        shifted = np.zeros((Ln, T))
        tt = np.arange(T)[None, :] - exp_lead[:, None]
        ok = tt >= 0
        rows_l = np.broadcast_to(np.arange(Ln)[:, None], (Ln, T))
        shifted[ok] = np.cumsum(expand, axis=1)[rows_l[ok], tt[ok]]
        online = shifted
    base = ln["capacity"].to_numpy(dtype=float)[:, None] if Ln else np.zeros((0, 1))
    size = ln["expansion_size"].to_numpy(dtype=float)[:, None] if Ln else np.zeros((0, 1))
    capacity = d.ln_active * (base + size * online)
    total_out = output + to_donors
    tables["lines"] = _ordered(
        _long(
            d,
            d.lines,
            "line",
            capacity=clean(capacity),
            output=clean(total_out),
            expansions_ordered=clean(expand),
            expansions_online=clean(online),
            expansion_cost=clean(
                expand * (ln["expansion_cost"].to_numpy(dtype=float)[:, None] if Ln else 0.0)
            ),
            product=ln["product"].to_numpy(dtype=object),
            country=ln["country"].to_numpy(dtype=object),
            to_force=clean(output),
            to_donors=clean(to_donors),
            production_cost=clean(
                total_out * (ln["unit_cost"].to_numpy(dtype=float)[:, None] if Ln else 0.0)
            ),
        ),
        "lines",
    )

    # --- donors --------------------------------------------------------------------------------
    Dn = len(d.donors)
    dn = d.dn
    due = (
        (np.arange(T)[None, :] >= dn["due_t"].to_numpy()[:, None]) if Dn else np.zeros((0, T), bool)
    )
    minimum = dn["minimum"].to_numpy(dtype=float)[:, None] if Dn else np.zeros((0, 1))
    tables["donors"] = _ordered(
        _long(
            d,
            d.donors,
            "donor",
            item=dn["item"].to_numpy(dtype=object),
            stock=clean(r.var("donor-stock", (Dn, T))),
            donated=clean(r.flow("donor_draw", (Dn, T))),
            replenished=clean(r.flow("donor_replenish", (Dn, T))),
            minimum=clean(due * minimum),
            country=dn["country"].to_numpy(dtype=object),
            shortfall=clean(r.var("donor-shortfall", (Dn, T))),
        ),
        "donors",
    )

    # --- budgets -------------------------------------------------------------------------------
    St, K = len(d.streams), len(d.categories)
    pay = r.var("budget-pay", (St, K, T))
    per_use = {}
    cat_use = d.cat["use"].to_numpy(dtype=object) if K else np.zeros(0, dtype=object)
    for use in BUDGET_USES:  # six fixed uses, not elements
        per_use[use] = pay[:, cat_use == use, :].sum(axis=1) if K else np.zeros((St, T))
    spent = pay.sum(axis=1) if K else np.zeros((St, T))
    budgets = _long(
        d,
        d.streams,
        "stream",
        available=clean(d.amount),
        spent=clean(spent),
        has=d.has_budget,
        **{use: clean(v) for use, v in per_use.items()},
    )
    budgets = budgets[budgets["has"].astype(bool)].drop(columns="has")
    tables["budgets"] = _ordered(budgets, "budgets")

    # --- capability ----------------------------------------------------------------------------
    Rl = len(d.roles)
    floor = np.nan_to_num(d.floor, nan=0.0)
    tables["capability"] = _ordered(
        _long(
            d,
            d.roles,
            "role",
            capability=clean(r.flow("capability", (Rl, T))),
            floor=clean(floor),
            shortfall=clean(r.var("capability-shortfall", (Rl, T))),
        ),
        "capability",
    )

    # --- force generation -----------------------------------------------------------------------
    tables["force_generation"] = _ordered(
        _long(
            d,
            d.roles,
            "role",
            slots_due=clean(d.required),
            in_service=clean(r.flow("role_units", (Rl, T))),
            shortfall=clean(r.var("force-shortfall", (Rl, T))),
        ),
        "force_generation",
    )

    # --- home industry ---------------------------------------------------------------------------
    tables["industry"] = _industry(bundle, r)

    # --- interoperability ----------------------------------------------------------------------
    inter = r.flow("interoperable", (T,))
    cap = r.flow("force_capability", (T,))
    with np.errstate(divide="ignore", invalid="ignore"):
        index = np.where(cap > NOISE, inter / np.where(cap > NOISE, cap, 1.0), np.nan)
        slack = r.var("interop-shortfall", (T,))
        short_index = np.where(cap > NOISE, slack / np.where(cap > NOISE, cap, 1.0), 0.0)
    tables["interoperability"] = _ordered(
        pd.DataFrame(
            {
                "period": labels,
                "index": clean(index),
                "target": clean(np.nan_to_num(d.target, nan=0.0)),
                "shortfall": clean(short_index),
                "interoperable_capability": clean(inter),
                "capability": clean(cap),
                "shortfall_points": clean(slack),
            }
        ),
        "interoperability",
    )

    # --- training ------------------------------------------------------------------------------
    C = len(d.train_classes)
    used_class = r.flow("training", (C, T))
    train_pos = d.eq["train_pos"].to_numpy() if E else np.zeros(0, dtype=np.int64)
    trains = train_pos >= 0
    crews = r.var("training-crews", (E, T))
    waiting = r.var("training-waiting", (E, T))
    trained = np.zeros((C, T))
    waiting_class = np.zeros((C, T))
    in_training = np.zeros((C, T))
    if trains.any():
        np.add.at(trained, train_pos[trains], crews[trains])
        np.add.at(waiting_class, train_pos[trains], waiting[trains])
        # a crew ready in t with k periods of training is in training in t-k .. t
        lead = crew_lead(bundle)
        for k in np.unique(lead[trains]):  # one pass per training length, not per element
            sel = trains & (lead == k)
            ready = np.zeros((C, T))
            np.add.at(ready, train_pos[sel], crews[sel])
            for j in range(int(k) + 1):
                in_training[:, : T - j] += ready[:, j:]
    pipe_class = d.pipe["class_pos"].to_numpy() if len(d.pipelines) else np.zeros(0, dtype=np.int64)
    class_cap = d.train_capacity[pipe_class] if len(d.pipelines) else np.zeros((0, T))
    share = np.divide(
        d.pipeline_capacity, class_cap, out=np.zeros_like(class_cap), where=class_cap > 0
    )
    tables["training"] = _ordered(
        _long(
            d,
            d.pipelines,
            "pipeline",
            capacity=clean(d.pipeline_capacity),
            used=clean(used_class[pipe_class] * share) if len(d.pipelines) else np.zeros((0, T)),
            **{"class": d.pipe["class"].to_numpy(dtype=object)},
            class_used=clean(used_class[pipe_class]) if len(d.pipelines) else np.zeros((0, T)),
            class_capacity=clean(class_cap),
            crews_in_training=clean(in_training[pipe_class]),
            crews_trained=clean(trained[pipe_class]),
            waiting_units=clean(waiting_class[pipe_class]),
        ),
        "training",
    )
    tables["crews"] = _ordered(
        _long(
            d,
            d.equipment,
            "equipment",
            crews_ready=clean(crews),
            crews=clean(r.var("training-pool", (E, T))),
            waiting=clean(waiting),
            replacement=clean(np.where(trains[:, None], loss, 0.0)),
            personnel_ready=clean(crews * d.eq["crew"].to_numpy(dtype=float)[:, None]),
            **{"class": d.eq["class"].to_numpy(dtype=object)},
        ).pipe(lambda f: f[np.tile(trains, T)].reset_index(drop=True)),
        "crews",
    )

    # --- shortfalls ----------------------------------------------------------------------------
    tables["shortfalls"] = _shortfalls(bundle, r, tables)
    return {name: tables[name] for name in PLAN_TABLES}


def _consumables(bundle: ModelBundle, r: _Reader, consumable: np.ndarray) -> pd.DataFrame:
    """Stockpile, deliveries, demand and use of each consumable type per period."""
    d = bundle.data
    E, T = len(d.equipment), d.T
    closing = r.var("consumable-stock", (E, T))
    opening = np.concatenate([d.s0[:, None], closing[:, :-1]], axis=1) if E else closing
    frame = _long(
        d,
        d.equipment,
        "equipment",
        opening=clean(opening),
        supply=clean(r.flow("arrivals", (E, T))),
        demand=clean(consumable_demand(bundle)),
        used=clean(r.var("consumable-used", (E, T))),
        closing=clean(closing),
        shortfall=clean(r.var("consumable-shortfall", (E, T))),
        role=d.eq["role"].to_numpy(dtype=object),
    )
    frame = frame[frame["equipment"].isin(d.equipment[consumable])].reset_index(drop=True)
    return _ordered(frame, "consumables")


def _ammunition_use(bundle: ModelBundle, r: _Reader, level: np.ndarray) -> pd.DataFrame:
    """Rounds each type fires of each munition per period (the chosen mix where it may choose)."""
    d = bundle.data
    use = d.use
    columns = [*PLAN_TABLES["ammunition_use"], "group"]
    valid = (use["equipment_pos"].to_numpy() >= 0) & (use["munition_pos"].to_numpy() >= 0)
    if not valid.any():
        return _empty(columns)
    group = use["group"].fillna("").astype(str).to_numpy() if "group" in use else None
    if group is None:
        group = np.full(len(use), "", dtype=object)
    rounds = d.use_t * level[np.maximum(use["equipment_pos"].to_numpy(), 0)]
    grouped = valid & (group != "")
    if grouped.any():
        fired = r.flow("ammo_fire", (int(grouped.sum()), d.T))
        rounds[grouped] = fired
    rows = np.flatnonzero(valid)
    n, T = len(rows), d.T
    frame = pd.DataFrame(
        {
            "period": np.repeat(d.periods.to_numpy(), n),
            "equipment": np.tile(use["equipment"].to_numpy(dtype=object)[rows], T),
            "munition": np.tile(use["munition"].to_numpy(dtype=object)[rows], T),
            "rounds": clean(rounds[rows].T.reshape(-1)),
            "group": np.tile(group[rows], T),
        }
    )
    return _ordered(frame[frame["rounds"] != 0], "ammunition_use")


def _industry(bundle: ModelBundle, r: _Reader) -> pd.DataFrame:
    """The home-industry targets: domestic share of acquisition spending, domestic capacity."""
    from forceplan.model.industry import base_capacity, capacity_targets

    d = bundle.data
    T = d.T
    currency = d.scenario.header.currency
    parts = []
    share = np.nan_to_num(d.domestic_share, nan=0.0)
    if (share > 0).any():
        spend = r.flow("acquisition_spend", (T,))
        home = r.flow("domestic_spend", (T,))
        with np.errstate(divide="ignore", invalid="ignore"):
            achieved = np.where(spend > NOISE, home / np.where(spend > NOISE, spend, 1.0), 0.0)
        frame = pd.DataFrame(
            {
                "period": d.periods.to_numpy(),
                "target": "domestic_share",
                "required": share,
                "achieved": clean(achieved),
                "shortfall": clean(r.var("industry-share_shortfall", (T,))),
                "unit": currency,
                "item": "",
                "domestic_spend": clean(home),
                "acquisition_spend": clean(spend),
            }
        )
        parts.append(frame[share > 0])
    products, target = capacity_targets(bundle)
    if len(products):
        base = base_capacity(bundle, products, d.scenario.header.country)
        cap = base + r.flow("domestic_capacity", (len(products), T))
        units = d.scenario.item_units()
        frame = _long(
            d,
            products,
            "item",
            required=clean(target),
            achieved=clean(cap),
            shortfall=clean(r.var("industry-capacity_shortfall", (len(products), T))),
            unit=units.reindex(products).fillna("units").astype(str).to_numpy(dtype=object)
            + "/period",
        )
        frame = frame.assign(target="domestic_capacity")
        parts.append(frame[frame["required"] > 0])
    columns = [*PLAN_TABLES["industry"], "item"]
    if not parts:
        return _empty(columns)
    out = pd.concat(parts, ignore_index=True).sort_values(["period", "target", "item"])
    return _ordered(out, "industry")


def significant(
    amount: pd.Series | np.ndarray, requirement: pd.Series | np.ndarray | float
) -> np.ndarray:
    """Where a shortfall is more than solver noise: above 1e-6 of its requirement (and 1e-6)."""
    amount = np.asarray(amount, dtype=float)
    scale = np.maximum(np.abs(np.nan_to_num(np.asarray(requirement, dtype=float))), 1.0)
    return np.asarray(amount > NOISE * scale, dtype=bool)


def _shortfall_rows(
    constraint: str,
    frame: pd.DataFrame,
    keys: dict[str, str],
    unit: object,
    text: list[str],
    requirement: object,
    amount: str = "shortfall",
) -> pd.DataFrame:
    """Rows of ``plan/shortfalls.csv`` for one requirement family.

    *keys* maps coordinate name -> column of *frame* (``period`` last by
    convention); *unit* and *requirement* are a scalar or one value per row.
    """
    coordinates = pd.Series("", index=frame.index, dtype=object)
    for n, (name, column) in enumerate(keys.items()):
        coordinates = (
            coordinates + ("" if n == 0 else ", ") + name + "=" + frame[column].astype(str)
        )
    return pd.DataFrame(
        {
            "constraint": constraint,
            "coordinates": coordinates.to_numpy(),
            "amount": frame[amount].to_numpy(dtype=float),
            "unit": unit,
            "text": text,
            "period": frame["period"].to_numpy(),
            "requirement": requirement,
        }
    )


def _shortfalls(
    bundle: ModelBundle, reader: _Reader, tables: dict[str, pd.DataFrame]
) -> pd.DataFrame:
    """One row per violated requirement, with the amount in its unit and in plain words."""
    d = bundle.data
    currency = d.scenario.header.currency
    units = d.scenario.item_units()
    parts = []

    cap = tables["capability"]
    cap = cap[significant(cap["shortfall"], cap["floor"])]
    text = [
        f"{words(r)} capability in {p} is {fmt(a)} points below its floor of {fmt(f)}"
        for r, p, a, f in zip(
            cap["role"], cap["period"], cap["shortfall"], cap["floor"], strict=True
        )
    ]
    parts.append(
        _shortfall_rows(
            "capability-floor",
            cap,
            {"role": "role", "period": "period"},
            "points",
            text,
            cap["floor"].to_numpy(dtype=float),
        )
    )

    am = tables["ammunition"]
    am = am[significant(am["shortfall"], am["consumption"])]
    text = [
        f"{m} ammunition in {p} is {fmt(a)} {u} short of consumption ({fmt(c)} {u})"
        for m, p, a, u, c in zip(
            am["munition"],
            am["period"],
            am["shortfall"],
            am["unit"],
            am["consumption"],
            strict=True,
        )
    ]
    parts.append(
        _shortfall_rows(
            "ammo-balance",
            am,
            {"munition": "munition", "period": "period"},
            am["unit"].astype(str).to_numpy(),
            text,
            am["consumption"].to_numpy(dtype=float),
        )
    )

    am = tables["ammunition"]
    am = am[significant(am["reserve_shortfall"], am["reserve_floor"])]
    text = [
        f"the war reserve of {m} at the end of {p} is {fmt(a)} {u} below its floor of {fmt(f)} {u}"
        for m, p, a, u, f in zip(
            am["munition"],
            am["period"],
            am["reserve_shortfall"],
            am["unit"],
            am["reserve_floor"],
            strict=True,
        )
    ]
    parts.append(
        _shortfall_rows(
            "ammo-reserve",
            am,
            {"munition": "munition", "period": "period"},
            am["unit"].astype(str).to_numpy(),
            text,
            am["reserve_floor"].to_numpy(dtype=float),
            amount="reserve_shortfall",
        )
    )

    co = tables["consumables"]
    co = co[significant(co["shortfall"], co["demand"])]
    text = [
        f"{fmt(a)} of the {fmt(q)} {e} the force uses in {p} are not there"
        for e, p, a, q in zip(
            co["equipment"], co["period"], co["shortfall"], co["demand"], strict=True
        )
    ]
    parts.append(
        _shortfall_rows(
            "consumable-demand",
            co,
            {"equipment": "equipment", "period": "period"},
            "units",
            text,
            co["demand"].to_numpy(dtype=float),
        )
    )

    fg = tables["force_generation"]
    fg = fg[significant(fg["shortfall"], fg["slots_due"])]
    text = [
        f"{words(r)} is {fmt(a)} vehicles short of the {fmt(s)} slots of the formations due in {p}"
        for r, p, a, s in zip(
            fg["role"], fg["period"], fg["shortfall"], fg["slots_due"], strict=True
        )
    ]
    parts.append(
        _shortfall_rows(
            "force-slots",
            fg,
            {"role": "role", "period": "period"},
            "units",
            text,
            fg["slots_due"].to_numpy(dtype=float),
        )
    )

    ind = tables["industry"]
    share = ind[(ind["target"] == "domestic_share") & significant(ind["shortfall"], 1.0)]
    text = [
        f"the home industry gets {a:.0%} of acquisition spending in {p}, below the target of "
        f"{q:.0%} ({fmt(s)} {currency} more would have to go to it)"
        for p, a, q, s in zip(
            share["period"], share["achieved"], share["required"], share["shortfall"], strict=True
        )
    ]
    parts.append(
        _shortfall_rows(
            "industry-share", share, {"period": "period"}, currency, text, share["required"]
        )
    )
    cap = ind[(ind["target"] == "domestic_capacity")]
    cap = cap[significant(cap["shortfall"], cap["required"])]
    text = [
        f"home capacity for {i} in {p} is {fmt(a)} {u}, {fmt(s)} below the target of {fmt(q)}"
        for i, p, a, u, s, q in zip(
            cap["item"],
            cap["period"],
            cap["achieved"],
            cap["unit"],
            cap["shortfall"],
            cap["required"],
            strict=True,
        )
    ]
    parts.append(
        _shortfall_rows(
            "industry-capacity",
            cap,
            {"product": "item", "period": "period"},
            cap["unit"].astype(str).to_numpy(),
            text,
            cap["required"].to_numpy(dtype=float),
        )
    )

    dn = tables["donors"]
    dn = dn[significant(dn["shortfall"], dn["minimum"])]
    dn_units = dn["item"].map(units).fillna("units").astype(str)
    text = [
        f"{c}'s stockpile of {i} in {p} is {fmt(a)} {u} below its minimum of {fmt(mn)} {u}"
        for c, i, p, a, u, mn in zip(
            dn["country"],
            dn["item"],
            dn["period"],
            dn["shortfall"],
            dn_units,
            dn["minimum"],
            strict=True,
        )
    ]
    parts.append(
        _shortfall_rows(
            "donor-minimum",
            dn,
            {"donor": "donor", "period": "period"},
            dn_units.to_numpy(),
            text,
            dn["minimum"].to_numpy(dtype=float),
        )
    )

    io = tables["interoperability"]
    io = io[io["shortfall"] > 0]
    text = [
        f"the interoperability index in {p} is {a:.3f} below its target of {t:.3f} "
        f"({fmt(pts)} capability points)"
        for p, a, t, pts in zip(
            io["period"], io["shortfall"], io["target"], io["shortfall_points"], strict=True
        )
    ]
    parts.append(
        _shortfall_rows(
            "interop-target",
            io,
            {"period": "period"},
            "index",
            text,
            io["target"].to_numpy(dtype=float),
        )
    )

    unfunded = clean(reader.var("budget-unfunded", (d.T,)))
    op = pd.DataFrame({"period": d.periods.to_numpy(), "shortfall": unfunded})
    op = op[op["shortfall"] > 0].assign(category="operation:")
    text = [
        f"operating costs in {p} exceed the funds allowed to pay them by {fmt(a)} {currency}"
        for p, a in zip(op["period"], op["shortfall"], strict=True)
    ]
    parts.append(
        _shortfall_rows(
            "budget-cover",
            op,
            {"category": "category", "period": "period"},
            currency,
            text,
            np.nan,
        )
    )
    parts = [p for p in parts if len(p)]
    columns = [*PLAN_TABLES["shortfalls"], "period", "requirement"]
    if not parts:
        return _empty(columns)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["period", "constraint", "coordinates"], kind="stable")
    return _ordered(out[columns], "shortfalls")
