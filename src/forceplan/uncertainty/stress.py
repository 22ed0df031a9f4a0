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


def _stream_cuts(inp: Inputs, fx: Effects) -> np.ndarray:
    """(N, St): each sample's cut of each of the plan's streams."""
    cut = np.zeros((fx.cut.shape[0], len(inp.streams)))
    pos = _pos(pd.Series(fx.streams, dtype=str), inp.streams)
    have = pos >= 0
    cut[:, pos[have]] = fx.cut[:, have]
    return cut


def _cancelled_shares(
    inp: Inputs, fx: Effects, cutting: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Share of each use's orders cancelled per period (N, T, K), and the money cancelled (N, T).

    *cutting*: the streams some sample cuts (default: of these samples); streams no future
    cuts lack nothing."""
    n = fx.cut.shape[0]
    cut = _stream_cuts(inp, fx)
    if cutting is None:
        cutting = np.flatnonzero((cut > 0).any(axis=0))
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


def _online_at(ordered: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """(L, T): expansions ordered per line and period, placed at the period they come online."""
    L, T = ordered.shape
    placed = np.zeros((L, T))
    first = np.arange(T)[None, :] + lead.astype(np.int64)[:, None]
    inside = first < T
    rows = np.broadcast_to(np.arange(L)[:, None], (L, T))
    np.add.at(placed, (rows[inside], first[inside]), ordered[inside])
    return placed


def _scale(capacity: np.ndarray, planned: np.ndarray) -> np.ndarray:
    """The share of a line's planned output its capacity makes (1 where nothing is planned)."""
    return np.where(planned > 0, np.minimum(1.0, capacity / np.maximum(planned, 1e-12)), 1.0)


def _align(
    fx_labels: list[str], values: np.ndarray, labels: list[str], neutral: float
) -> np.ndarray:
    """Columns of *values* (sample, fx_labels) reordered to *labels* (neutral where absent)."""
    out = np.full((values.shape[0], len(labels)), neutral, dtype=float)
    pos = _pos(pd.Series(labels, dtype=str), fx_labels)
    have = pos >= 0
    out[:, have] = values[:, pos[have]]
    return out


class _ReadyBySingle:
    """A type's share ready from the munitions it fires alone (no alternative), per period.

    ``ready[e] = min(cover[m] for each row (e, m) that fires)``, 1 where none fires. Most
    types fire one munition alone: their column is the munition's cover, taken at once;
    only the types with several such rows are reduced."""

    def __init__(
        self, use_e: np.ndarray, use_m: np.ndarray, rows: np.ndarray, fires: np.ndarray, size: int
    ):
        f = rows[fires[rows]]
        e, m = use_e[f], use_m[f]
        order = np.argsort(e, kind="stable")
        e, m = e[order], m[order]
        types, starts, counts = np.unique(e, return_index=True, return_counts=True)
        one = counts == 1
        self.one_type, self.one_munition = types[one], m[starts[one]]
        many = ~one
        self.many_type = types[many]
        keep = np.repeat(many, counts)
        self.many_munition = m[keep]
        c = counts[many]
        self.many_starts = np.r_[0, np.cumsum(c)[:-1]] if c.size else c
        self.size = size

    def __call__(self, cover: np.ndarray) -> np.ndarray:
        ready = np.ones((cover.shape[0], self.size))
        ready[:, self.one_type] = cover[:, self.one_munition]
        if self.many_type.size:
            ready[:, self.many_type] = np.minimum.reduceat(
                cover[:, self.many_munition], self.many_starts, axis=1
            )
        return ready


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


CHUNK = 2048
"""Samples simulated together: large enough to amortise the per-period overhead, small
enough that a period's arrays stay in cache (measured on the notional plan: 10,000
samples at once ran 1.4x slower per sample than 500)."""


def simulate(inp: Inputs, fx: Effects, chunk: int = CHUNK) -> Outcomes:
    """Simulate the plan in every sampled future at once (vectorised over samples).

    The samples are taken *chunk* at a time (the outcome does not depend on it), with
    the linear algebra on one thread: its products here are small, and threads cost more
    than they save (measured: 2x the CPU time with two BLAS threads).

    Parameters
    ----------
    inp
        From :func:`prepare`.
    fx
        The samples' effects (:func:`forceplan.uncertainty.effects.effects`).
    chunk
        Samples per vectorised pass.
    """
    from threadpoolctl import threadpool_limits

    n = fx.attrition.shape[0]
    cutting = np.flatnonzero((_stream_cuts(inp, fx) > 0).any(axis=0))
    with threadpool_limits(limits=1, user_api="blas"):
        if n <= chunk:
            return _simulate(inp, fx, cutting)
        parts = [
            _simulate(inp, _rows(fx, slice(i, min(i + chunk, n))), cutting)
            for i in range(0, n, chunk)
        ]
    return _concat(parts)


def _simulate(inp: Inputs, fx: Effects, cutting: np.ndarray) -> Outcomes:
    """:func:`simulate` of one chunk of samples (*cutting*: the streams any sample cuts)."""
    n = fx.attrition.shape[0]
    T, E, M, R = inp.T, len(inp.equipment), len(inp.munitions), len(inp.roles)
    rows = np.arange(n)[:, None]

    # per-sample multipliers on the types, munitions, sources and lines of the plan
    cls = _align(fx.classes, fx.attrition, inp.class_names, 1.0)  # (N, E)
    cons = _align(fx.munitions, fx.consumption, inp.munitions, 1.0)  # (N, M)
    slip = _align(fx.sources, fx.slip, inp.sources, 0.0).astype(np.int64)
    share = _align(fx.sources, fx.share * ~fx.lost, inp.sources, 1.0)
    delay = _align(fx.lines, fx.delay, inp.lines, 0.0).astype(np.int64)
    out_mult = _align(fx.lines, fx.output, inp.lines, 1.0)
    cancelled, money_cut = _cancelled_shares(inp, fx, cutting)  # (N, T, K), (N, T)

    # line capacity in each future: base output scaled, expansions online later or cancelled.
    # Only lines some future changes (an output or delay factor, or expansions a cut can
    # cancel) are computed per sample; the others keep the plan's scale in every future.
    k_exp = CANCEL_ORDER.index("expansion")
    ordered_any = inp.line_ordered.sum(axis=1) > 0
    varies = (
        (out_mult != 1.0).any(axis=0)
        | (delay != 0).any(axis=0)
        | (ordered_any & bool((cancelled[:, :, k_exp] > 0).any()))
    )
    base_capacity = inp.line_base[:, None] + inp.line_size[:, None] * np.cumsum(
        _online_at(inp.line_ordered, inp.line_lead), axis=1
    )
    scale_plan = _scale(base_capacity, inp.line_output)  # (L, T)
    vl = np.flatnonzero(varies)
    line_scale_var = np.ones((n, 0, T))
    if vl.size:
        online = np.zeros((n, vl.size, T))
        exp = np.flatnonzero(ordered_any[vl])
        if exp.size:
            # an expansion ordered in tau is online from tau + lead + sampled delay: place
            # each order at that period, then sum up over the periods
            lines_e = vl[exp]
            ordered = inp.line_ordered[None, lines_e, :] * (1.0 - cancelled[:, None, :, k_exp])
            first = (
                np.arange(T)[None, None, :]
                + inp.line_lead[None, lines_e, None]
                + delay[:, lines_e, None]
            )
            cell = (np.arange(n)[:, None, None] * exp.size + np.arange(exp.size)[None, :, None]) * T
            inside = first < T
            placed = np.bincount(
                (cell + np.minimum(first, T - 1))[inside],
                weights=ordered[inside],
                minlength=n * exp.size * T,
            ).reshape(n, exp.size, T)
            online[:, exp, :] = np.cumsum(placed, axis=2)
        capacity = (
            inp.line_base[None, vl, None] * out_mult[:, vl, None]
            + inp.line_size[None, vl, None] * online
        )
        line_scale_var = _scale(capacity, inp.line_output[None, vl])  # (N, Lv, T)
    var_pos = np.full(len(inp.lines), -1)
    var_pos[vl] = np.arange(vl.size)

    # arrivals (N, A): quantity and period in each future. An arrival no future changes
    # (its source, line and paying use untouched) is the same in every sample: it is
    # added once. The others are scaled per sample; those whose period moves (a slip)
    # are placed by period per sample, the rest summed by item with one product.
    A = len(inp.arr_qty)
    src, line, use = inp.arr_src, inp.arr_line, inp.arr_use
    src_share = np.zeros(A, dtype=bool)
    src_slip = np.zeros(A, dtype=bool)
    from_src = src >= 0
    src_share[from_src] = (share[:, src[from_src]] != 1.0).any(axis=0)
    src_slip[from_src] = (slip[:, src[from_src]] != 0).any(axis=0)
    from_line = line >= 0
    line_var = np.zeros(A, dtype=bool)
    line_var[from_line] = varies[line[from_line]]
    paid = use >= 0
    cut_var = np.zeros(A, dtype=bool)
    cut_var[paid] = (cancelled[:, inp.arr_ordered[paid], use[paid]] > 0).any(axis=0)
    vary = src_share | src_slip | line_var | cut_var
    fixed_qty = inp.arr_qty.astype(float).copy()
    steady = from_line & ~line_var
    fixed_qty[steady] *= scale_plan[line[steady], inp.arr_due[steady]]
    arrivals = np.zeros((T, n, E))
    supply = np.zeros((T, n, M))
    keep = ~vary & (inp.arr_due < T)
    for target, is_eq, size in ((arrivals, True, E), (supply, False, M)):
        k = keep & (inp.arr_is_eq == is_eq)
        if k.any():
            fixed = np.zeros((T, size))
            np.add.at(fixed, (inp.arr_due[k], inp.arr_item[k]), fixed_qty[k])
            target += fixed[:, None, :]
    va = np.flatnonzero(vary)
    if va.size:
        qty = np.broadcast_to(fixed_qty[None, va], (n, va.size)).copy()
        s_rows = np.flatnonzero(src[va] >= 0)
        if s_rows.size:
            qty[:, s_rows] *= share[:, src[va[s_rows]]]
        l_rows = np.flatnonzero(line_var[va])
        if l_rows.size:
            ln, due0 = line[va[l_rows]], inp.arr_due[va[l_rows]]
            qty[:, l_rows] *= line_scale_var[:, var_pos[ln], due0]
        c_rows = np.flatnonzero(paid[va])
        if c_rows.size:
            rows_a = va[c_rows]
            qty[:, c_rows] *= 1.0 - cancelled[:, inp.arr_ordered[rows_a], use[rows_a]]
        moving = src_slip[va]
        for target, is_eq, size in ((arrivals, True, E), (supply, False, M)):
            # period fixed: one (N, a) x (a, item) product per period
            still = np.flatnonzero(~moving & (inp.arr_is_eq[va] == is_eq) & (inp.arr_due[va] < T))
            for t in np.unique(inp.arr_due[va[still]]):
                cols = still[inp.arr_due[va[still]] == t]
                onehot = np.zeros((cols.size, size))
                onehot[np.arange(cols.size), inp.arr_item[va[cols]]] = 1.0
                target[t] += qty[:, cols] @ onehot
            # period moved per sample: placed by (period, sample, item)
            move = np.flatnonzero(moving & (inp.arr_is_eq[va] == is_eq))
            if move.size:
                due = inp.arr_due[va[move]][None, :] + slip[:, src[va[move]]].astype(np.int64)
                inside = due < T
                flat = (due * n + rows) * size + inp.arr_item[va[move]][None, :]
                target += np.bincount(
                    flat[inside], weights=qty[:, move][inside], minlength=n * T * size
                ).reshape(T, n, size)

    # ammunition demand per unit in service of each type (for the fleet ratio)
    k_up = CANCEL_ORDER.index("upgrade")
    up_qty = inp.up_qty[None, :] * (1.0 - cancelled[:, inp.up_start, k_up])  # (N, G)
    upgrade_in = np.zeros((T + 1, n, E))  # period-first: each period's slice is contiguous
    # units reactivated now count at once; later ones (reactivation time r > 0) wait in back
    later = [(int(r), np.flatnonzero(inp.react == r)) for r in np.unique(inp.react) if r > 0]
    at_once = np.flatnonzero(inp.react <= 0)
    back = np.zeros((T + max(int(inp.react.max(initial=0)), 0) + 1, n, E)) if later else None

    # outcomes in their final (sample, period, ...) layout, written a period at a time
    stock = np.zeros((n, T, E))
    capability = np.zeros((n, T, R))
    closing = np.zeros((n, T, M))
    dry = np.zeros((n, T, M), dtype=bool)
    interop = np.full((n, T), np.nan)
    fill = np.full((n, T), np.nan)
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
    single_ready = [
        _ReadyBySingle(inp.use_e, inp.use_m, single, inp.use_t[:, t] > 0, E) for t in range(T)
    ]
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
        avail = prev - losses + arrivals[t] + upgrade_in[t]
        if at_once.size == E:
            avail += activate
        elif at_once.size:
            avail[:, at_once] += activate[:, at_once]
        if back is not None:
            for r, cols in later:  # back in service r periods on
                back[t + r][:, cols] += activate[:, cols]
            avail += back[t]
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
        stock[:, t] = now

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
        dry[:, t] = have < demand * (1 - TOLERANCE) - TOLERANCE
        ammo = np.maximum(have - demand, 0.0)
        closing[:, t] = ammo
        # a type's share of units with ammunition
        fires = inp.use_t[:, t] > 0
        # a munition row that does not fire this period leaves its type ready
        ready = single_ready[t](cover)
        if grouped.size:
            best = by_group.reduce(
                np.maximum,
                np.where(fires[grouped], cover[:, inp.use_m[grouped]], -np.inf),
                -np.inf,
            )
            best = np.where(np.isfinite(best), best, 1.0)  # no alternative fires: ready
            ready = np.minimum(ready, group_type.reduce(np.minimum, best, 1.0))
        in_line = now * ready
        valued = in_line * inp.value[None, :]
        capability[:, t] = valued @ in_role
        total = valued.sum(axis=1)
        interop[:, t] = np.where(
            total > 0, (valued * inp.score[None, :]).sum(axis=1) / np.maximum(total, 1e-12), np.nan
        )
        units = in_line @ in_role
        slots = inp.slots[:, t]
        if slots.sum() > 0:
            fill[:, t] = np.minimum(units, slots[None, :]).sum(axis=1) / slots.sum()
        prev = now

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
    from threadpoolctl import threadpool_limits

    n = fx.attrition.shape[0]
    cutting = np.flatnonzero((_stream_cuts(inp, fx) > 0).any(axis=0))
    with threadpool_limits(limits=1, user_api="blas"):
        parts = [_simulate(inp, _one(fx, i), cutting) for i in range(n)]
    return _concat(parts)


def _concat(parts: list[Outcomes]) -> Outcomes:
    """The outcomes of consecutive groups of samples, as one."""
    return Outcomes(
        **{
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in Outcomes.__dataclass_fields__
        }
    )


def _one(fx: Effects, i: int) -> Effects:
    return _rows(fx, slice(i, i + 1))


def _rows(fx: Effects, rows: slice) -> Effects:
    """The effects of the samples *rows* (labels kept)."""
    values = {
        name: (
            getattr(fx, name)[rows]
            if isinstance(getattr(fx, name), np.ndarray)
            else getattr(fx, name)
        )
        for name in Effects.__dataclass_fields__
    }
    return Effects(**values)
