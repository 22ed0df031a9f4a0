"""Stress test of a plan: its decisions held fixed, simulated over sampled futures.

Every array is shaped (sample, ...) and the simulation loops over periods only,
never over samples or rows: see ``docs/stress.md`` for the recourse rules.

- Orders and deliveries: each planned arrival (``plan/deliveries.csv``,
  ``plan/ammunition_supply.csv``) arrives the sampled slip later (never within
  the horizon when that is past its end), scaled by the share that arrives, not
  at all when the pledge is lost; line output is cut to the line's sampled
  capacity (base output scaled, expansions online the sampled delay later).
- Losses follow the sampled attrition: rate x multiplier (at most 1) x the
  stock in service at the end of the period before.
- Retirements, upgrades and moves into reserve are the plan's; when a future has
  fewer units than the plan moves out, every planned outflow of that type and
  period is scaled down alike (an upgrade's output with it). Reactivations take
  what the reserve holds.
- Money that is cut cancels the lowest-priority orders first: a stream short of
  money in a period cancels, of what it pays for in that period, replenishment of
  donor stocks first, then line expansions, upgrades, acquisitions and last
  ammunition; operating costs are never cancelled. Every order of a use in that
  period is scaled by the share of the use's money cancelled.
- Units without ammunition go to reserve for the period: a type's share of
  units in service is the share of its ammunition demand that the stock and the
  period's supply cover (the best-covered munition of an alternative group, the
  worst-covered of its munitions otherwise); units in reserve have no combat
  value and fill no slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.model.data import model_data
from forceplan.uncertainty.effects import Effects

CANCEL_ORDER = ("replenishment", "expansion", "upgrade", "acquisition", "ammunition")
"""Uses whose orders a cut cancels, lowest priority first (operation is never cancelled)."""

TOLERANCE = 1e-6
"""Relative tolerance of a floor breach and of running dry."""


@dataclass
class Inputs:
    """The plan's fixed decisions and the scenario's data, as arrays (built once per run).

    Index positions refer to ``equipment``, ``munitions``, ``roles``, ``lines``,
    ``streams`` and ``periods``; arrival rows (``arr_*``) cover every planned
    arrival of equipment and munitions.
    """

    periods: list[int]
    equipment: list[str]
    munitions: list[str]
    roles: list[str]
    lines: list[str]
    streams: list[str]
    sources: list[str]
    value: np.ndarray  # (E,) combat value
    role_pos: np.ndarray  # (E,)
    score: np.ndarray  # (E,) interoperability score
    class_names: list[str]  # class of each type
    react: np.ndarray  # (E,) reactivation time in periods
    s0: np.ndarray  # (E,)
    attrition: np.ndarray  # (E, T) base loss rate
    m0: np.ndarray  # (M,)
    use_e: np.ndarray  # (U,) equipment position of each equipment_munitions row
    use_m: np.ndarray  # (U,) munition position
    use_group: np.ndarray  # (U,) group id (-1: none)
    use_t: np.ndarray  # (U, T) use per unit in service
    floor: np.ndarray  # (R, T) NaN: none
    slots: np.ndarray  # (R, T) slots of the formations due
    # arrivals
    arr_item: np.ndarray  # (A,) equipment or munition position
    arr_is_eq: np.ndarray  # (A,) bool
    arr_src: np.ndarray  # (A,) source position (-1: a line)
    arr_line: np.ndarray  # (A,) line position (-1: a source)
    arr_ordered: np.ndarray  # (A,) period position ordered
    arr_due: np.ndarray  # (A,) period position delivered in the plan
    arr_qty: np.ndarray  # (A,)
    arr_use: np.ndarray  # (A,) position in CANCEL_ORDER (-1: costs nothing)
    # planned outflows and reserve
    retire: np.ndarray  # (T, E) retirements (early and end of life)
    to_reserve: np.ndarray  # (T, E)
    from_reserve: np.ndarray  # (T, E) units leaving reserve
    expire_reserve: np.ndarray  # (T, E)
    up_from: np.ndarray  # (G,)
    up_to: np.ndarray  # (G,)
    up_start: np.ndarray  # (G,)
    up_done: np.ndarray  # (G,)
    up_qty: np.ndarray  # (G,)
    # lines
    line_base: np.ndarray  # (L,) base capacity
    line_size: np.ndarray  # (L,) expansion size
    line_lead: np.ndarray  # (L,) expansion lead time
    line_ordered: np.ndarray  # (L, T) expansions ordered
    line_output: np.ndarray  # (L, T) planned output (force and donors)
    # money
    available: np.ndarray  # (St, T)
    spent: np.ndarray  # (St, T)
    spent_use: np.ndarray  # (St, T, K) spending per use of CANCEL_ORDER
    # plan figures
    plan_consumption: np.ndarray  # (T, M)
    plan_stock: np.ndarray  # (T, E)
    plan_capability: np.ndarray  # (T, R)
    notional: bool = True
    names: dict[str, str] = field(default_factory=dict)

    @property
    def T(self) -> int:
        """Number of periods."""
        return len(self.periods)


def _pos(values: pd.Series, labels: list[str]) -> np.ndarray:
    """Positions of *values* in *labels* (-1 where absent)."""
    index = pd.Index(labels)
    return index.get_indexer(pd.Index(values.astype(str)))


def _grid(
    frame: pd.DataFrame,
    periods: list[int],
    period_col: str,
    key_col: str,
    keys: list[str],
    value_col: str,
) -> np.ndarray:
    """A (T, K) array of *value_col* summed per period and key."""
    out = np.zeros((len(periods), len(keys)))
    if frame is None or not len(frame) or value_col not in frame:
        return out
    t = _pos(frame[period_col].astype(int).astype(str), [str(p) for p in periods])
    k = _pos(frame[key_col], keys)
    ok = (t >= 0) & (k >= 0)
    np.add.at(out, (t[ok], k[ok]), pd.to_numeric(frame[value_col]).to_numpy(float)[ok])
    return out


def prepare(scenario: Scenario, tables: dict[str, pd.DataFrame]) -> Inputs:
    """The arrays of a stress test: the scenario's data and the plan's decisions.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (``RUNDIR/scenario``).
    tables
        The plan tables (``read_run_folder(RUNDIR).tables`` or ``Plan`` tables).
    """
    md = model_data(scenario)
    periods = [int(p) for p in md.periods]
    plabels = [str(p) for p in periods]
    T = len(periods)
    equipment = [str(e) for e in md.equipment]
    munitions = [str(m) for m in md.munitions]
    roles = [str(r) for r in md.roles]
    lines = [str(x) for x in md.lines]
    streams = [str(s) for s in md.streams]
    sources = [str(s) for s in md.sources]
    eq = md.eq
    items = equipment + munitions

    # arrivals of equipment and munitions
    dl = tables["deliveries"]
    am = tables["ammunition_supply"]
    dl_frame = pd.DataFrame(
        {
            "item": dl["equipment"].astype(str),
            "supplier": dl["source"].astype(str),
            "ordered": dl["period_ordered"],
            "due": dl["period_delivered"],
            "quantity": dl["quantity"],
            "cost": dl["cost"],
            "eq": True,
        }
    )
    am_frame = pd.DataFrame(
        {
            "item": am["munition"].astype(str),
            "supplier": am["supplier"].astype(str),
            "ordered": am["period_ordered"] if "period_ordered" in am else am["period"],
            "due": am["period"],
            "quantity": am["quantity"],
            "cost": am["cost"],
            "eq": False,
        }
    )
    arr = pd.concat([dl_frame, am_frame], ignore_index=True)
    arr = arr[pd.to_numeric(arr["quantity"]) > 0].reset_index(drop=True)
    is_eq = arr["eq"].to_numpy(dtype=bool)
    item = np.where(
        is_eq,
        _pos(arr["item"], equipment),
        _pos(arr["item"], munitions),
    )
    src_pos = _pos(arr["supplier"], sources)
    line_pos = np.where(src_pos < 0, _pos(arr["supplier"], lines), -1)
    use_name = np.where(is_eq, "acquisition", "ammunition")
    arr_use = (
        np.where(
            pd.to_numeric(arr["cost"]).to_numpy(float) > 0,
            np.array([CANCEL_ORDER.index(u) for u in use_name], dtype=np.int64),
            -1,
        )
        if len(arr)
        else np.zeros(0, dtype=np.int64)
    )
    ok = item >= 0
    del items

    # outflows and reserve
    ret = tables["retirements"]
    res = tables["reserve"]
    up = tables["upgrades"]
    up = up[pd.to_numeric(up["quantity"]) > 0]
    ln = tables["lines"]

    # money
    bud = tables["budgets"]
    spent_use = np.zeros((len(streams), T, len(CANCEL_ORDER)))
    for k, use in enumerate(CANCEL_ORDER):
        if use in bud:
            spent_use[:, :, k] = _grid(bud, periods, "period", "stream", streams, use).T

    # ammunition demand groups
    em = md.use
    group = em["group"].astype(str).to_numpy() if "group" in em else np.array([""] * len(em))
    gkeys = {
        g: i
        for i, g in enumerate(
            sorted({f"{e}|{g}" for e, g in zip(em["equipment_pos"], group, strict=True) if g})
        )
    }
    use_group = np.array(
        [
            gkeys.get(f"{e}|{g}", -1) if g else -1
            for e, g in zip(em["equipment_pos"], group, strict=True)
        ],
        dtype=np.int64,
    )

    cap = tables["capability"]
    names = dict(
        zip(
            scenario.tables["equipment"]["id"].astype(str),
            scenario.tables["equipment"]["name"].astype(str),
            strict=True,
        )
    )
    return Inputs(
        periods=periods,
        equipment=equipment,
        munitions=munitions,
        roles=roles,
        lines=lines,
        streams=streams,
        sources=sources,
        value=eq["combat_value"].to_numpy(float),
        role_pos=eq["role_pos"].to_numpy(np.int64),
        score=np.nan_to_num(eq["score"].to_numpy(float)),
        class_names=[str(c) for c in eq["class"]],
        react=eq["react_lead"].to_numpy(np.int64),
        s0=np.asarray(md.s0, dtype=float),
        attrition=np.asarray(md.attrition, dtype=float),
        m0=md.mu["stock"].to_numpy(float),
        use_e=em["equipment_pos"].to_numpy(np.int64),
        use_m=em["munition_pos"].to_numpy(np.int64),
        use_group=use_group,
        use_t=np.asarray(md.use_t, dtype=float),
        floor=np.asarray(md.floor, dtype=float),
        slots=np.asarray(md.required, dtype=float),
        arr_item=item[ok],
        arr_is_eq=is_eq[ok],
        arr_src=src_pos[ok],
        arr_line=line_pos[ok],
        arr_ordered=_pos(arr["ordered"].astype(int).astype(str), plabels)[ok],
        arr_due=_pos(arr["due"].astype(int).astype(str), plabels)[ok],
        arr_qty=pd.to_numeric(arr["quantity"]).to_numpy(float)[ok],
        arr_use=np.asarray(arr_use, dtype=np.int64)[ok],
        # retirements at the end of life include units expiring in reserve: not from service
        retire=np.maximum(
            _grid(ret, periods, "period", "equipment", equipment, "quantity")
            - _grid(res, periods, "period", "equipment", equipment, "expired_in_reserve"),
            0.0,
        ),
        to_reserve=_grid(res, periods, "period", "equipment", equipment, "to_reserve"),
        from_reserve=_grid(res, periods, "period", "equipment", equipment, "from_reserve"),
        expire_reserve=_grid(res, periods, "period", "equipment", equipment, "expired_in_reserve"),
        up_from=_pos(up["from_equipment"], equipment),
        up_to=_pos(up["to_equipment"], equipment),
        up_start=_pos(up["period_started"].astype(int).astype(str), plabels),
        up_done=_pos(up["period_completed"].astype(int).astype(str), plabels),
        up_qty=pd.to_numeric(up["quantity"]).to_numpy(float),
        line_base=md.ln["capacity"].to_numpy(float),
        line_size=md.ln["expansion_size"].to_numpy(float),
        line_lead=md.ln["expansion_lead_time"].to_numpy(np.int64),
        line_ordered=_grid(ln, periods, "period", "line", lines, "expansions_ordered").T,
        line_output=_grid(ln, periods, "period", "line", lines, "output").T,
        available=_grid(bud, periods, "period", "stream", streams, "available").T,
        spent=_grid(bud, periods, "period", "stream", streams, "spent").T,
        spent_use=spent_use,
        plan_consumption=_grid(
            tables["ammunition"], periods, "period", "munition", munitions, "consumption"
        ),
        plan_stock=_grid(tables["stock"], periods, "period", "equipment", equipment, "quantity"),
        plan_capability=_grid(cap, periods, "period", "role", roles, "capability"),
        notional=scenario.notional,
        names=names,
    )


@dataclass
class Outcomes:
    """What happened in each sampled future (first axis: sample).

    Attributes
    ----------
    capability
        (N, T, R) capability points per role (units in reserve for lack of ammunition
        not counted).
    breach
        (N, T, R) capability below the floor (False where there is no floor).
    dry
        (N, T, M) the munition ran dry: demand not covered in the period.
    closing
        (N, T, M) munition stock at the end of the period.
    stock
        (N, T, E) units in service at the end of the period (before ammunition recourse).
    interop
        (N, T) interoperability index (interoperable capability / capability).
    spend
        (N, T) money spent (USD million): the plan's spending less cancelled orders.
    fill
        (N, T) share of the slots of the formations due filled by units in service
        (NaN where no formation is due).
    """

    capability: np.ndarray
    breach: np.ndarray
    dry: np.ndarray
    closing: np.ndarray
    stock: np.ndarray
    interop: np.ndarray
    spend: np.ndarray
    fill: np.ndarray


def _cancelled_shares(inp: Inputs, fx: Effects) -> tuple[np.ndarray, np.ndarray]:
    """Share of each use's orders cancelled per period (N, T, K), and the money cancelled (N, T)."""
    n = fx.cut.shape[0]
    cut = np.zeros((n, len(inp.streams)))
    pos = _pos(pd.Series(fx.streams, dtype=str), inp.streams)
    have = pos >= 0
    cut[:, pos[have]] = fx.cut[:, have]
    cutting = np.flatnonzero((cut > 0).any(axis=0))  # streams no future cuts lack nothing
    cut = cut[:, cutting]
    spent, spent_use = inp.spent[cutting], inp.spent_use[cutting]
    # (N, St, T): money a stream lacks for what the plan spends
    left = (1.0 - cut)[:, :, None] * inp.available[None, cutting, :]
    deficit = np.maximum(spent[None, :, :] - left, 0.0)
    before = np.cumsum(spent_use, axis=2) - spent_use  # (St, T, K) cancelled ahead
    cancel = np.clip(deficit[..., None] - before[None], 0.0, spent_use[None])  # (N,St,T,K)
    total = inp.spent_use.sum(axis=0)  # (T, K)
    share = np.divide(
        cancel.sum(axis=1),
        total[None],
        out=np.zeros((n, inp.T, len(CANCEL_ORDER))),
        where=total[None] > 0,
    )
    return np.minimum(share, 1.0), cancel.sum(axis=(1, 3))


def _align(
    fx_labels: list[str], values: np.ndarray, labels: list[str], neutral: float
) -> np.ndarray:
    """Columns of *values* (sample, fx_labels) reordered to *labels* (neutral where absent)."""
    out = np.full((values.shape[0], len(labels)), neutral, dtype=float)
    pos = _pos(pd.Series(labels, dtype=str), fx_labels)
    have = pos >= 0
    out[:, have] = values[:, pos[have]]
    return out


class _Groups:
    """Columns that share a key, sorted once, to reduce (min / max) per key with ``reduceat``."""

    def __init__(self, keys: np.ndarray, size: int):
        self.order = np.argsort(keys, kind="stable")
        k = keys[self.order]
        self.starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]]) if k.size else k
        self.targets = k[self.starts] if k.size else k
        self.size = size

    def reduce(self, ufunc: np.ufunc, values: np.ndarray, fill: float) -> np.ndarray:
        """(N, size): *ufunc* over the columns of *values* (N, K) per key (*fill*: no column)."""
        out = np.full((values.shape[0], self.size), fill)
        if self.order.size:
            out[:, self.targets] = ufunc.reduceat(values[:, self.order], self.starts, axis=1)
        return out


def simulate(inp: Inputs, fx: Effects) -> Outcomes:
    """Simulate the plan in every sampled future at once (vectorised over samples).

    Parameters
    ----------
    inp
        From :func:`prepare`.
    fx
        The samples' effects (:func:`forceplan.uncertainty.effects.effects`).
    """
    n = fx.attrition.shape[0]
    T, E, M, R = inp.T, len(inp.equipment), len(inp.munitions), len(inp.roles)
    L = len(inp.lines)
    rows = np.arange(n)[:, None]

    # per-sample multipliers on the types, munitions, sources and lines of the plan
    cls = _align(fx.classes, fx.attrition, inp.class_names, 1.0)  # (N, E)
    cons = _align(fx.munitions, fx.consumption, inp.munitions, 1.0)  # (N, M)
    slip = _align(fx.sources, fx.slip, inp.sources, 0.0).astype(np.int64)
    share = _align(fx.sources, fx.share * ~fx.lost, inp.sources, 1.0)
    delay = _align(fx.lines, fx.delay, inp.lines, 0.0).astype(np.int64)
    out_mult = _align(fx.lines, fx.output, inp.lines, 1.0)
    cancelled, money_cut = _cancelled_shares(inp, fx)  # (N, T, K), (N, T)

    # line capacity in each future: base output scaled, expansions online later or cancelled
    k_exp = CANCEL_ORDER.index("expansion")
    online = np.zeros((n, L, T))
    expanded = np.flatnonzero(inp.line_ordered.sum(axis=1) > 0)
    if expanded.size:
        # an expansion ordered in tau is online from tau + lead + sampled delay: place each
        # order at that period, then sum up over the periods
        ordered = inp.line_ordered[None, expanded, :] * (1.0 - cancelled[:, None, :, k_exp])
        first = (
            np.arange(T)[None, None, :]
            + inp.line_lead[None, expanded, None]
            + delay[:, expanded, None]
        )
        cell = (
            np.arange(n)[:, None, None] * expanded.size + np.arange(expanded.size)[None, :, None]
        ) * T
        inside = first < T
        placed = np.bincount(
            (cell + np.minimum(first, T - 1))[inside],
            weights=ordered[inside],
            minlength=n * expanded.size * T,
        ).reshape(n, expanded.size, T)
        online[:, expanded, :] = np.cumsum(placed, axis=2)
    capacity = (
        inp.line_base[None, :, None] * out_mult[:, :, None] + inp.line_size[None, :, None] * online
    )
    line_scale = np.where(
        inp.line_output[None] > 0,
        np.minimum(1.0, capacity / np.maximum(inp.line_output[None], 1e-12)),
        1.0,
    )  # (N, L, T)

    # arrivals (N, A): quantity and period in each future
    A = len(inp.arr_qty)
    qty = np.broadcast_to(inp.arr_qty[None, :], (n, A)).copy()
    due = np.broadcast_to(inp.arr_due[None, :], (n, A)).copy()
    from_src = inp.arr_src >= 0
    if from_src.any():
        s = inp.arr_src[from_src]
        qty[:, from_src] *= share[:, s]
        due[:, from_src] += slip[:, s]
    from_line = inp.arr_line >= 0
    if from_line.any():
        ln_pos = inp.arr_line[from_line]
        qty[:, from_line] *= line_scale[:, ln_pos, inp.arr_due[from_line]]
    paid = inp.arr_use >= 0
    if paid.any():
        qty[:, paid] *= 1.0 - cancelled[:, inp.arr_ordered[paid], inp.arr_use[paid]]
    inside = due < T
    flat_eq = (due * n + rows) * E + inp.arr_item[None, :]  # period-first: (T, N, item)
    flat_mu = (due * n + rows) * M + inp.arr_item[None, :]
    eq_mask = inside & inp.arr_is_eq[None, :]
    mu_mask = inside & ~inp.arr_is_eq[None, :]
    arrivals = np.bincount(flat_eq[eq_mask], weights=qty[eq_mask], minlength=n * T * E).reshape(
        T, n, E
    )
    supply = np.bincount(flat_mu[mu_mask], weights=qty[mu_mask], minlength=n * T * M).reshape(
        T, n, M
    )

    # ammunition demand per unit in service of each type (for the fleet ratio)
    k_up = CANCEL_ORDER.index("upgrade")
    up_qty = inp.up_qty[None, :] * (1.0 - cancelled[:, inp.up_start, k_up])  # (N, G)
    upgrade_in = np.zeros((T + 1, n, E))  # period-first: each period's slice is contiguous
    back = np.zeros((T + max(int(inp.react.max(initial=0)), 0) + 1, n, E))
    react_groups = [(int(r), inp.react == r) for r in np.unique(inp.react)]

    stock = np.zeros((T, n, E))
    capability = np.zeros((T, n, R))
    closing = np.zeros((T, n, M))
    dry = np.zeros((T, n, M), dtype=bool)
    interop = np.full((T, n), np.nan)
    fill = np.full((T, n), np.nan)
    prev = np.broadcast_to(inp.s0[None, :], (n, E)).copy()
    reserve = np.zeros((n, E))
    ammo = np.broadcast_to(inp.m0[None, :], (n, M)).copy()
    plan_demand_fleet = np.zeros((T, M))
    for t in range(T):
        plan_demand_fleet[t] = np.bincount(
            inp.use_m, weights=inp.use_t[:, t] * inp.plan_stock[t, inp.use_e], minlength=M
        )
    group_count = int(inp.use_group.max(initial=-1)) + 1
    single = np.flatnonzero(inp.use_group < 0)
    grouped = np.flatnonzero(inp.use_group >= 0)
    by_type = _Groups(inp.use_e[single], E)
    by_group = _Groups(inp.use_group[grouped], group_count)
    g_eq = np.zeros(group_count, dtype=np.int64)
    g_eq[inp.use_group[grouped]] = inp.use_e[grouped]
    group_type = _Groups(g_eq, E)
    eye_e = np.arange(E)
    in_role = np.zeros((E, R))
    in_role[eye_e, inp.role_pos] = 1.0
    up_onehot = np.zeros((len(inp.up_qty), E))
    up_onehot[np.arange(len(inp.up_qty)), inp.up_from] = 1.0

    for t in range(T):  # loop over periods only: every step is vectorised over samples
        rate = np.minimum(inp.attrition[None, :, t] * cls, 1.0)
        losses = rate * prev
        activate = np.minimum(inp.from_reserve[None, t, :], reserve)
        reserve = reserve - activate
        for r, cols in react_groups:  # back in service r periods on (0: this period)
            back[t + r][:, cols] += activate[:, cols]
        avail = prev - losses + arrivals[t] + upgrade_in[t] + back[t]
        # planned outflows, scaled down alike where the future has fewer units
        started = inp.up_start == t
        up_out = up_qty[:, started] @ up_onehot[started]
        planned_out = inp.retire[None, t] + inp.to_reserve[None, t] + up_out
        scale = np.where(
            planned_out > 1e-12,
            np.clip(
                np.divide(avail, planned_out, out=np.ones_like(avail), where=planned_out > 1e-12),
                0.0,
                1.0,
            ),
            1.0,
        )
        now = np.maximum(avail - planned_out * scale, 0.0)
        reserve = reserve + inp.to_reserve[None, t] * scale
        reserve = np.maximum(reserve - inp.expire_reserve[None, t], 0.0)
        if started.any():
            g = np.flatnonzero(started)
            moved = up_qty[:, g] * scale[:, inp.up_from[g]]
            for j, row in enumerate(g):  # the plan's upgrade rows (a handful)
                upgrade_in[inp.up_done[row]][:, inp.up_to[row]] += moved[:, j]
        stock[t] = now

        # ammunition: demand scales with the fleet that fires it and the sampled consumption
        per_unit = np.zeros((E, M))
        np.add.at(per_unit, (inp.use_e, inp.use_m), inp.use_t[:, t])
        fleet = now @ per_unit
        ratio = np.divide(
            fleet,
            plan_demand_fleet[t][None],
            out=np.ones_like(fleet),
            where=plan_demand_fleet[t][None] > 0,
        )
        demand = inp.plan_consumption[None, t] * ratio * cons
        have = ammo + supply[t]
        cover = np.where(demand > 0, np.minimum(1.0, have / np.maximum(demand, 1e-12)), 1.0)
        dry[t] = have < demand * (1 - TOLERANCE) - TOLERANCE
        ammo = np.maximum(have - demand, 0.0)
        closing[t] = ammo
        # a type's share of units with ammunition
        fires = inp.use_t[:, t] > 0
        row_cover = cover[:, inp.use_m]  # (N, U)
        # a munition row that does not fire this period leaves its type ready
        ready = by_type.reduce(np.minimum, np.where(fires[single], row_cover[:, single], 1.0), 1.0)
        if grouped.size:
            best = by_group.reduce(
                np.maximum, np.where(fires[grouped], row_cover[:, grouped], -np.inf), -np.inf
            )
            best = np.where(np.isfinite(best), best, 1.0)  # no alternative fires: ready
            ready = np.minimum(ready, group_type.reduce(np.minimum, best, 1.0))
        in_line = now * ready
        valued = in_line * inp.value[None, :]
        capability[t] = valued @ in_role
        total = valued.sum(axis=1)
        interop[t] = np.where(
            total > 0, (valued * inp.score[None, :]).sum(axis=1) / np.maximum(total, 1e-12), np.nan
        )
        units = in_line @ in_role
        slots = inp.slots[:, t]
        if slots.sum() > 0:
            fill[t] = np.minimum(units, slots[None, :]).sum(axis=1) / slots.sum()
        prev = now

    capability, stock, closing, dry = (
        np.ascontiguousarray(np.moveaxis(x, 0, 1)) for x in (capability, stock, closing, dry)
    )
    interop, fill = interop.T.copy(), fill.T.copy()
    floor = inp.floor.T[None]  # (1, T, R)
    has_floor = np.isfinite(floor) & (floor > 0)
    breach = has_floor & (capability < np.where(has_floor, floor, 0) * (1 - TOLERANCE) - TOLERANCE)
    spend = inp.spent.sum(axis=0)[None, :] - money_cut
    return Outcomes(
        capability=capability,
        breach=breach,
        dry=dry,
        closing=closing,
        stock=stock,
        interop=interop,
        spend=spend,
        fill=fill,
    )


def simulate_each(inp: Inputs, fx: Effects) -> Outcomes:
    """The same simulation one sample at a time (a plain Python loop; for benchmarks)."""
    n = fx.attrition.shape[0]
    parts = [simulate(inp, _one(fx, i)) for i in range(n)]
    return Outcomes(
        **{
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in Outcomes.__dataclass_fields__
        }
    )


def _one(fx: Effects, i: int) -> Effects:
    values = {
        name: (
            getattr(fx, name)[i : i + 1]
            if isinstance(getattr(fx, name), np.ndarray)
            else getattr(fx, name)
        )
        for name in Effects.__dataclass_fields__
    }
    return Effects(**values)
