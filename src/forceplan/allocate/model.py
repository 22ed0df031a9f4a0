"""Phase 2: assign the planned force-level stock to formations, period by period (a MILP).

Sets: periods t, formations f (priority rank p_f, 1 first), roles r,
equipment types e (role r(e), interoperability score s_e from
:func:`forceplan.domain.interop.type_scores`, logistics family g(e),
conversion training time k_e = ``training_weeks``).
Data: slots[f, r] (``formation_slots``), the whole units in service
avail[e, t] = floor(stock[e, t]) of the plan (``plan/stock.csv``), and the
types each formation held in the period before, held[f, e] (the solution of
period t - 1; none in the first period).

Variables (one period's model; ``period`` is a dimension of length 1)
    ``allocation-assign[period, formation, equipment]`` integer >= 0: units of a
    type assigned to a formation (only types of a role the formation has slots
    for, and only when a whole unit is in service), at most
    min(slots, avail);
    ``allocation-unfilled[period, formation, role]`` >= 0: slots left empty;
    ``allocation-uses_type[period, formation, equipment]`` binary: the
    formation holds the type;
    ``allocation-uses_family[period, formation, logistics_family]`` binary: the
    formation holds a type of the logistics family;
    ``allocation-converts[period, formation, role]`` binary (scenarios of more
    than one period): the formation's role takes on a type it did not hold the
    period before (a conversion);
    ``allocation-out_of_line[period, formation, role]`` >= 0: share of the
    period the role is out of line for conversion training.
Constraints
    ``allocation-slots[period, formation, role]``: sum of assign over the
    role's types + unfilled = slots;
    ``allocation-stock[period, equipment]``: sum of assign over formations <= avail;
    ``allocation-type_link[period, formation, equipment]``: assign <= U x uses_type,
    with U = min(slots, max_t avail) (the column bound min(slots, avail[t])
    is the tight one);
    ``allocation-family_link[period, formation, equipment]``: uses_type <=
    uses_family[g(e)];
    ``allocation-max_types[period, formation, role]`` (only with
    ``max_types_per_role``): sum of uses_type over the role's types <= the limit;
    ``allocation-conversion[period, formation, equipment]``: converts[f, r(e)]
    >= uses_type[f, e] - held[f, e];
    ``allocation-training[period, formation, equipment]`` (types with a
    training time): out_of_line[f, r(e)] >= q_e x (uses_type[f, e] - held[f, e]),
    with q_e = min(1, k_e / (52 x period length)); a training longer than a
    period keeps the role out of line in the next period for the rest
    (out_of_line >= the carried share there);
    ``allocation-max_conversions[period]`` (only with
    ``max_conversions_per_period``): sum of converts <= the limit.
    In the first period nothing is held before and nothing converts (the
    conversion and training rows are switched off).
Objective (minimised)
    sum w_f x (FILL x unfilled - sum_e s_e x assign)
    + type_penalty x sum uses_type + family_penalty x sum uses_family
    + conversion_penalty x sum converts
    + sum w_f x FILL x slots[f, r] x out_of_line[f, r],
    with the priority weight w_f = 1 + max_f p_f - p_f (the lowest priority
    weighs 1) and FILL = 10 x (type_penalty + family_penalty + 1), so that
    filling a slot always beats the penalty of the extra type and family it
    may need, a slot of a higher-priority formation is filled first, and the
    more interoperable types go to the higher-priority formations. A second
    type in a formation pays off only when it raises the formation's
    priority-weighted score sum by more than its penalties. A conversion costs
    its penalty plus the whole role unfilled for the training time, so a
    formation keeps its types unless the new type fills or improves enough
    slots to pay for the time out of line.

The periods are solved in order, each with the solution of the one before as
``held``. The model is built once (for the largest stock of each type over the
periods) and re-bounded for each period: the column bounds of assign and
uses_type, the stock rows, the conversion and training rows and the carried
out-of-line share. Each MILP stops at its relative gap
(``AllocationOptions.gap``, the header's ``solver.allocation_gap``, default
1e-2), not at a clock. It starts from a rounded LP optimum: the LP of fill and
interoperability with the type, conversion and out-of-line terms charged per
unit (their fixed charges spread over U units), a transportation problem whose
vertex optimum is integral. When HiGHS finds nothing better (or nothing at
all within an optional time limit), that LP-rounded assignment is used and the
allocation says so (status ``lp_rounded``).
"""

from __future__ import annotations

import itertools
import logging
import time
from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd

from forceplan.domain.interop import type_scores
from forceplan.domain.scenario import Scenario
from forceplan.model.terms import Terms, grid, labels_of, mask_array
from forceplan.solve.matrix_model import HighsModel

log = logging.getLogger(__name__)

UNIT_TOLERANCE = 1e-6
"""Stock within this of a whole number counts as that whole number of units."""

WEEKS_PER_YEAR = 52.0


@dataclass
class AllocationOptions:
    """Settings of the formation allocation.

    Attributes
    ----------
    type_penalty
        Penalty per type held by a formation in a period, in priority-weighted
        score units (one unit of score 1 in the lowest-priority formation = 1).
    family_penalty
        Penalty per logistics family held by a formation in a period (same units).
    max_types_per_role
        Most distinct types per role in a formation (``None``: no limit).
    conversion_penalty
        Penalty per conversion (a formation's role taking on a type it did not
        hold the period before), on top of the role's time out of line.
    max_conversions_per_period
        Most conversions in one period over all formations (``None``: no limit).
    gap
        Relative MIP gap at which each period's MILP stops.
    max_nodes
        Most branch-and-bound nodes per period (a deterministic bound on the
        work, whatever the load; ``None``: none, stop on the gap only; 0, the
        default: no search, the LP-rounded start with its gap against the LP
        bound). When it ends the search the best assignment found is kept (at
        worst the LP-rounded start). On the notional plan one node per period
        costs about 50 times the CPU of the start for 0.6 points less type churn.
    time_limit
        Optional seconds for each period's MILP (``None``, the default: stop on
        the gap only). When it ends the search before any assignment better
        than the LP-rounded one, that one is used.
    """

    type_penalty: float = 1.0
    family_penalty: float = 1.0
    max_types_per_role: int | None = None
    conversion_penalty: float = 10.0
    max_conversions_per_period: int | None = None
    gap: float = 1e-2
    max_nodes: int | None = 0
    time_limit: float | None = None

    @property
    def fill_weight(self) -> float:
        """Weight of one unfilled slot (times the priority weight)."""
        return 10.0 * (self.type_penalty + self.family_penalty + 1.0)

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> AllocationOptions:
        """The header's allocation settings (``allocation`` and ``solver.allocation_*``)."""
        h = scenario.header
        a = h.allocation
        return cls(
            type_penalty=a.type_penalty,
            family_penalty=a.family_penalty,
            max_types_per_role=a.max_types_per_role,
            conversion_penalty=a.conversion_penalty,
            max_conversions_per_period=a.max_conversions_per_period,
            gap=h.solver.allocation_gap,
            max_nodes=h.solver.allocation_max_nodes,
            time_limit=h.solver.allocation_time_limit,
        )


@dataclass
class Allocation:
    """The formation allocation of a plan.

    Attributes
    ----------
    status
        ``optimal`` (every period at its gap), ``time_limit`` (a period's
        search was cut by the time limit after improving on the LP-rounded
        start), ``lp_rounded`` (some period uses the LP-rounded assignment: see
        *message*), ``infeasible`` or ``error``.
    assignment
        ``period, formation, role, equipment, quantity`` (+ ``score``,
        ``logistics_family``): units assigned (non-zero rows only).
    gaps
        ``period, formation, role, slots, filled, unfilled`` (+ ``converted``:
        1 when the role converts that period, ``out_of_line_weeks``: weeks of
        the period it is out of line for conversion training): every slot row.
    pool
        ``period, equipment, in_service, assigned, unassigned``: whole units in
        service and how many no formation holds.
    objective
        MILP objective value (sum over the periods).
    gap
        Largest relative MIP gap reached over the periods.
    seconds
        Build and solve time.
    message
        One line for humans ("" when every period solved to its gap).
    lp_rounded
        Periods whose assignment is the LP-rounded one.
    """

    status: str
    assignment: pd.DataFrame
    gaps: pd.DataFrame
    pool: pd.DataFrame
    objective: float | None = None
    gap: float | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    message: str = ""
    lp_rounded: list[int] = field(default_factory=list)

    @property
    def churn(self) -> float:
        """Share of (formation, role, period) cells whose set of types changed from the period
        before (see :func:`type_churn`)."""
        return type_churn(self.assignment)


@dataclass
class _Data:
    periods: pd.Index
    formations: pd.Index
    roles: pd.Index
    equipment: pd.Index
    families: pd.Index
    weight: np.ndarray  # (F,)
    slots: np.ndarray  # (F, R)
    avail: np.ndarray  # (E, T)
    role_pos: np.ndarray  # (E,)
    family_pos: np.ndarray  # (E,)
    score: np.ndarray  # (E,)
    share: np.ndarray  # (E,) training time in periods (k_e / (52 x period length))
    parts: dict[str, Terms] = field(default_factory=dict)  # objective parts (scalar Terms)


def _available(stock: pd.DataFrame, equipment: pd.Index, periods: pd.Index) -> np.ndarray:
    qty = (
        stock.pivot_table(index="equipment", columns="period", values="quantity", aggfunc="sum")
        .reindex(index=equipment, columns=periods)
        .fillna(0.0)
        .to_numpy(dtype=float)
    )
    return np.floor(np.maximum(qty, 0.0) + UNIT_TOLERANCE)


def allocation_data(
    scenario: Scenario, stock: pd.DataFrame, periods: list[int] | None = None
) -> _Data:
    """Index sets and arrays of the allocation MILP (vectorised) for *periods* (default: all)."""
    eq = scenario.tables["equipment"].reset_index(drop=True)
    fm = scenario.tables["formations"].reset_index(drop=True)
    sl = scenario.tables["formation_slots"]
    equipment = pd.Index(eq["id"].astype(str), name="equipment", dtype=object)
    formations = pd.Index(fm["id"].astype(str), name="formation", dtype=object)
    roles = pd.Index(
        pd.unique(pd.concat([eq["role"], sl["role"]]).astype(str)), name="role", dtype=object
    )
    families = pd.Index(
        pd.unique(eq["logistics_family"].astype(str)), name="logistics_family", dtype=object
    )
    priority = fm["priority"].to_numpy(dtype=float)
    weight = 1.0 + (priority.max() if len(priority) else 1.0) - priority
    slots = np.zeros((len(formations), len(roles)))
    f_pos = formations.get_indexer(pd.Index(sl["formation"].astype(str)))
    r_pos = roles.get_indexer(pd.Index(sl["role"].astype(str)))
    ok = (f_pos >= 0) & (r_pos >= 0)
    np.add.at(slots, (f_pos[ok], r_pos[ok]), sl["quantity"].to_numpy(dtype=float)[ok])
    chosen = pd.Index(
        scenario.periods if periods is None else periods, name="period", dtype="int64"
    )
    weeks = (
        pd.to_numeric(eq["training_weeks"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
        if "training_weeks" in eq
        else np.zeros(len(eq))
    )
    length = float(scenario.header.period_length)
    return _Data(
        periods=chosen,
        formations=formations,
        roles=roles,
        equipment=equipment,
        families=families,
        weight=weight,
        slots=slots,
        avail=_available(stock, equipment, chosen),
        role_pos=roles.get_indexer(pd.Index(eq["role"].astype(str))),
        family_pos=families.get_indexer(pd.Index(eq["logistics_family"].astype(str))),
        score=type_scores(scenario).reindex(equipment).to_numpy(dtype=float),
        share=np.maximum(weeks, 0.0) / (WEEKS_PER_YEAR * length),
    )


def build_allocation(
    scenario: Scenario,
    stock: pd.DataFrame,
    options: AllocationOptions | None = None,
    periods: list[int] | None = None,
    *,
    conversions: bool | None = None,
    data: _Data | None = None,
) -> tuple[linopy.Model, _Data]:
    """Build the allocation MILP of *scenario* for the force-level *stock*.

    Parameters
    ----------
    scenario
        A validated scenario (formations, slots, equipment, standards).
    stock
        Rows (period, equipment, quantity): end-of-period stock in service.
    options
        Penalties and limits (defaults: :class:`AllocationOptions`).
    periods
        Period labels to model (default: every period of the scenario).
    conversions
        Add the conversion variables and rows (default: when the scenario has
        more than one period). Their right-hand sides switch them off (as in a
        first period) until :func:`allocate` re-bounds them.
    data
        Use these data instead of computing them from *stock* and *periods*.

    Returns
    -------
    tuple
        The linopy model (named ``allocation-what``) and its data.
    """
    o = options or AllocationOptions()
    d = data if data is not None else allocation_data(scenario, stock, periods)
    if conversions is None:
        conversions = len(scenario.periods) > 1
    T, F, E = len(d.periods), len(d.formations), len(d.equipment)
    R = len(d.roles)
    m = linopy.Model(force_dim_names=True)
    coords = (d.periods, d.formations, d.equipment)
    t, f, e = grid(T, F, E)
    slots_fe = d.slots[:, d.role_pos] if E else np.zeros((F, 0))  # (F, E)
    upper = np.minimum(slots_fe[None, :, :], d.avail.T[:, None, :])  # (T, F, E)
    eligible = upper >= 1.0
    assign = m.add_variables(
        lower=0.0,
        upper=_da(upper, coords),
        coords=list(coords),
        name="allocation-assign",
        mask=mask_array(eligible, *coords),
        integer=True,
    )
    uses = m.add_variables(
        coords=list(coords),
        name="allocation-uses_type",
        mask=mask_array(eligible, *coords),
        binary=True,
    )
    r_coords = (d.periods, d.formations, d.roles)
    has_slots = np.broadcast_to(d.slots[None, :, :] > 0, (T, F, R))
    unfilled = m.add_variables(
        lower=0.0,
        coords=list(r_coords),
        name="allocation-unfilled",
        mask=mask_array(has_slots, *r_coords),
    )
    g_coords = (d.periods, d.formations, d.families)
    fam_possible = np.zeros((T, F, len(d.families)), dtype=bool)
    role_possible = np.zeros((T, F, R), dtype=bool)
    if E:
        tt, ff, ee = np.nonzero(eligible)
        fam_possible[tt, ff, d.family_pos[ee]] = True
        role_possible[tt, ff, d.role_pos[ee]] = True
    family = m.add_variables(
        coords=list(g_coords),
        name="allocation-uses_family",
        mask=mask_array(fam_possible, *g_coords),
        binary=True,
    )
    a_lab, u_lab = labels_of(assign), labels_of(uses)
    un_lab, g_lab = labels_of(unfilled), labels_of(family)

    role_of = d.role_pos[None, None, :]
    slots_rows = Terms(*r_coords).add((t, f, role_of), a_lab)
    tr, fr, rr = grid(T, F, R)
    slots_rows.add((tr, fr, rr), un_lab)
    _constrain(
        m, "allocation-slots", slots_rows, "=", np.broadcast_to(d.slots, has_slots.shape), has_slots
    )

    stock_rows = Terms(d.periods, d.equipment).add((t, e), a_lab)
    _constrain(m, "allocation-stock", stock_rows, "<=", d.avail.T, stock_rows.has_terms())

    link = Terms(*coords).add((t, f, e), a_lab).add((t, f, e), u_lab, -upper)
    _constrain(m, "allocation-type_link", link, "<=", 0.0, eligible)
    fam_of = d.family_pos[None, None, :]
    fam_link = Terms(*coords).add((t, f, e), u_lab)
    fam_link.add((t, f, e), g_lab[t, f, np.broadcast_to(fam_of, (T, F, E))], -1.0)
    _constrain(m, "allocation-family_link", fam_link, "<=", 0.0, eligible)
    if o.max_types_per_role is not None:
        count = Terms(*r_coords).add((t, f, role_of), u_lab)
        _constrain(
            m, "allocation-max_types", count, "<=", float(o.max_types_per_role), count.has_terms()
        )

    w = d.weight
    d.parts = {
        "fill": Terms().add((), un_lab, o.fill_weight * w[None, :, None]),
        "interoperability": Terms().add((), a_lab, -(w[None, :, None] * d.score[None, None, :])),
        "types": Terms().add((), u_lab, o.type_penalty),
        "families": Terms().add((), g_lab, o.family_penalty),
    }
    if conversions:
        converts = m.add_variables(
            coords=list(r_coords),
            name="allocation-converts",
            mask=mask_array(role_possible, *r_coords),
            binary=True,
        )
        out = m.add_variables(
            lower=0.0,
            coords=list(r_coords),
            name="allocation-out_of_line",
            mask=mask_array(role_possible, *r_coords),
        )
        c_lab, o_lab = labels_of(converts), labels_of(out)
        conv = Terms(*coords).add((t, f, e), c_lab[t, f, np.broadcast_to(role_of, (T, F, E))])
        conv.add((t, f, e), u_lab, -1.0)
        _constrain(m, "allocation-conversion", conv, ">=", -1.0, eligible)
        q = np.minimum(d.share, 1.0)[None, None, :]
        trains = eligible & (q > 0)
        train = Terms(*coords).add((t, f, e), o_lab[t, f, np.broadcast_to(role_of, (T, F, E))])
        train.add((t, f, e), u_lab, -np.broadcast_to(q, (T, F, E)))
        _constrain(m, "allocation-training", train, ">=", -np.broadcast_to(q, (T, F, E)), trains)
        if o.max_conversions_per_period is not None:
            total = Terms(d.periods).add((tr,), c_lab)
            _constrain(
                m,
                "allocation-max_conversions",
                total,
                "<=",
                float(o.max_conversions_per_period),
                total.has_terms(),
            )
        d.parts["conversions"] = Terms().add((), c_lab, o.conversion_penalty)
        d.parts["out_of_line"] = Terms().add(
            (), o_lab, o.fill_weight * w[None, :, None] * d.slots[None, :, :]
        )
    objective = Terms()
    for part in d.parts.values():
        objective.extend(part)
    m.add_objective(objective.expression(m), overwrite=True)
    return m, d


def _da(values: np.ndarray, coords: tuple[pd.Index, ...]) -> object:
    import xarray as xr

    return xr.DataArray(
        np.asarray(values, dtype=float),
        coords={str(c.name): c for c in coords},
        dims=[str(c.name) for c in coords],
    )


def _constrain(
    m: linopy.Model, name: str, rows: Terms, sign: str, rhs: np.ndarray | float, mask: np.ndarray
) -> None:
    keep = rows.has_terms() & np.asarray(mask, dtype=bool)
    if keep.any():
        m.add_constraints(
            rows.constraint(m, sign, rhs), name=name, mask=mask_array(keep, *rows.coords)
        )


@dataclass
class _Positions:
    """HiGHS columns and rows of the one-period model, and the data to re-bound them."""

    a_present: np.ndarray  # (F, E) bool
    link_rows: np.ndarray  # type_link row of each present assign column
    a_cols: np.ndarray
    u_cols: np.ndarray
    stock_e: np.ndarray  # equipment positions of the stock rows
    stock_rows: np.ndarray
    conv_fe: tuple[np.ndarray, np.ndarray]
    conv_rows: np.ndarray
    train_fe: tuple[np.ndarray, np.ndarray]
    train_rows: np.ndarray
    out_fr: tuple[np.ndarray, np.ndarray]
    out_cols: np.ndarray


def _positions(m: linopy.Model, hm: HighsModel) -> _Positions:
    def var(name: str) -> np.ndarray:
        return np.asarray(m.variables[name].labels.values)[0]

    def con(name: str) -> np.ndarray | None:
        return np.asarray(m.constraints[name].labels.values)[0] if name in m.constraints else None

    a = var("allocation-assign")
    u = var("allocation-uses_type")
    present = a >= 0
    stock = con("allocation-stock")
    s_e = np.flatnonzero(stock >= 0) if stock is not None else np.zeros(0, dtype=np.int64)
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))

    def rows(name: str) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        lab = con(name)
        if lab is None:
            return empty, np.zeros(0, dtype=np.int64)
        where = np.nonzero(lab >= 0)
        return (where[0], where[1]), hm.row_of[lab[where]]

    conv_fe, conv_rows = rows("allocation-conversion")
    train_fe, train_rows = rows("allocation-training")
    if "allocation-out_of_line" in m.variables:
        o = var("allocation-out_of_line")
        where = np.nonzero(o >= 0)
        out_fr, out_cols = (where[0], where[1]), hm.col_of[o[where]]
    else:
        out_fr, out_cols = empty, np.zeros(0, dtype=np.int64)
    link = con("allocation-type_link")
    return _Positions(
        a_present=present,
        link_rows=hm.row_of[link[present]] if link is not None else np.zeros(0, dtype=np.int64),
        a_cols=hm.col_of[a[present]],
        u_cols=hm.col_of[u[present]],
        stock_e=s_e,
        stock_rows=hm.row_of[stock[s_e]] if stock is not None else np.zeros(0, dtype=np.int64),
        conv_fe=conv_fe,
        conv_rows=conv_rows,
        train_fe=train_fe,
        train_rows=train_rows,
        out_fr=out_fr,
        out_cols=out_cols,
    )


def _rebound(
    hm: HighsModel,
    p: _Positions,
    d: _Data,
    avail: np.ndarray,
    held: np.ndarray | None,
    carry: np.ndarray,
) -> None:
    """Set one period's bounds: assign and uses_type by *avail*, the stock rows, the conversion
    and training rows by *held* (``None``: the first period, nothing converts), the carry."""
    h = hm.h
    slots_fe = d.slots[:, d.role_pos]
    ub = np.minimum(slots_fe, avail[None, :])[p.a_present]
    ub = np.where(ub >= 1.0, ub, 0.0)
    n = len(p.a_cols)
    if n:
        h.changeColsBounds(n, p.a_cols.astype(np.int32), np.zeros(n), ub)
        h.changeColsBounds(n, p.u_cols.astype(np.int32), np.zeros(n), (ub >= 1.0).astype(float))
        for row, col, value in zip(p.link_rows, p.u_cols, -ub, strict=True):  # tight big-M
            h.changeCoeff(int(row), int(col), float(value))
    if len(p.stock_rows):
        k = len(p.stock_rows)
        h.changeRowsBounds(  # type: ignore[attr-defined]
            k, p.stock_rows.astype(np.int32), np.full(k, -np.inf), avail[p.stock_e].astype(float)
        )
    was = held if held is not None else np.ones_like(slots_fe, dtype=bool)
    if len(p.conv_rows):
        k = len(p.conv_rows)
        lower = -was[p.conv_fe].astype(float)
        h.changeRowsBounds(  # type: ignore[attr-defined]
            k, p.conv_rows.astype(np.int32), lower, np.full(k, np.inf)
        )
    if len(p.train_rows):
        k = len(p.train_rows)
        q = np.minimum(d.share, 1.0)[p.train_fe[1]]
        lower = -q * was[p.train_fe].astype(float)
        h.changeRowsBounds(  # type: ignore[attr-defined]
            k, p.train_rows.astype(np.int32), lower, np.full(k, np.inf)
        )
    if len(p.out_cols):
        k = len(p.out_cols)
        lower = np.minimum(carry[p.out_fr], 1.0)
        h.changeColsBounds(k, p.out_cols.astype(np.int32), lower, np.full(k, np.inf))


def _start_costs(
    hm: HighsModel,
    d: _Data,
    o: AllocationOptions,
    p: _Positions,
    held: np.ndarray | None,
    open_fr: np.ndarray | None,
) -> np.ndarray:
    """Column costs of a start LP: fill and interoperability, with the fixed charges of types
    and conversions spread over the units that could bear them (on assign only).

    With *open_fr* ``None`` (the first pass) a type new to a formation costs more than a filled
    slot gains, so only held types are used; otherwise a conversion's charge is spread over
    the slots of the role still open after the first pass (few open slots: a dear unit)."""
    terms = Terms().extend(d.parts["fill"]).extend(d.parts["interoperability"])
    _, labels, coeffs = terms.arrays()
    c = hm.dense(labels, coeffs)
    slots_fe = d.slots[:, d.role_pos]
    env = np.maximum(np.minimum(slots_fe, d.avail.max(axis=1)[None, :]), 1.0)  # U
    charge = np.full(slots_fe.shape, o.type_penalty) / env
    if held is not None and "conversions" in d.parts:
        w = d.weight[:, None]
        new = ~held
        if open_fr is None:
            charge = charge + new * 2.0 * o.fill_weight * w
        else:
            q = np.minimum(d.share, 1.0)[None, :]
            spread = np.maximum(open_fr[:, d.role_pos], 1.0)
            charge = (
                charge + new * (o.conversion_penalty + o.fill_weight * w * slots_fe * q) / spread
            )
    c[p.a_cols] += charge[p.a_present]
    return c


def _lp_assign(
    lp: HighsModel,
    m: linopy.Model,
    d: _Data,
    o: AllocationOptions,
    p: _Positions,
    avail: np.ndarray,
    held: np.ndarray | None,
    carry: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The LP-rounded start (values by label, assign (F, E)): held types first, then conversions
    where the open slots pay for them; ``None`` when the LP fails."""
    open_fr: np.ndarray | None = None
    out: tuple[np.ndarray, np.ndarray] | None = None
    for _ in range(1 if held is None else 2):
        costs = _start_costs(lp, d, o, p, held, open_fr)
        lp.h.changeColsCost(lp.n_cols, np.arange(lp.n_cols, dtype=np.int32), costs)
        _, ok = lp.run()
        values = lp.values()
        if not ok or values is None:
            return out
        out = _start_values(m, d, o, values, avail, held, carry)
        open_fr = d.slots - _filled(d, out[1])
    return out


def _start_values(
    m: linopy.Model,
    d: _Data,
    o: AllocationOptions,
    values: np.ndarray,
    avail: np.ndarray,
    held: np.ndarray | None,
    carry: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A full MIP start from the start LP's assign values (rounded, repaired to the stock)."""
    values = values.copy()
    slots_fe = d.slots[:, d.role_pos]
    lp_assign = _values(m, "allocation-assign", values, (1, *slots_fe.shape))[0]
    # the LP optimum is integral in assign at a vertex of the transportation polytope, but the
    # zero-cost link columns can leave HiGHS at a vertex of the lifted one: round down (always
    # feasible) and fill what that left open greedily
    assign = np.floor(np.clip(lp_assign, 0.0, np.minimum(slots_fe, avail[None, :])) + 1e-6)
    if (np.abs(lp_assign - assign) > 1e-6).any():
        assign = _top_up(d, assign, avail, held)
    assign = _repair_limits(d, o, assign, held)
    _fill_values(m, d, values, assign, held, carry)
    return values, assign


def _top_up(d: _Data, assign: np.ndarray, avail: np.ndarray, held: np.ndarray | None) -> np.ndarray:
    """Fill open slots from spare whole units: priority formations first, held types first,
    then the most interoperable."""
    assign = assign.copy()
    spare = avail - assign.sum(axis=0)
    open_ = d.slots - _filled(d, assign)
    rank = d.score + (2.0 * (held if held is not None else 0.0))  # (F, E) via broadcasting
    rank = np.broadcast_to(rank, assign.shape)
    for f in np.argsort(-d.weight, kind="stable"):
        for r in np.flatnonzero(open_[f] > 0.5):
            types = np.flatnonzero((d.role_pos == r) & (spare > 0.5))
            for e in types[np.argsort(-rank[f, types], kind="stable")]:
                take = min(open_[f, r], spare[e])
                assign[f, e] += take
                spare[e] -= take
                open_[f, r] -= take
                if open_[f, r] <= 0.5:
                    break
    return assign


def _repair_limits(
    d: _Data, o: AllocationOptions, assign: np.ndarray, held: np.ndarray | None
) -> np.ndarray:
    """Make a rounded LP assignment (F, E) keep the limits the LP relaxes: at most
    ``max_types_per_role`` types per role (the largest kept) and at most
    ``max_conversions_per_period`` conversions (those of the highest-priority formations kept)."""
    assign = assign.copy()
    if o.max_types_per_role is not None:
        for f, r in zip(*np.nonzero(_type_counts(d, assign) > o.max_types_per_role), strict=True):
            types = np.flatnonzero((d.role_pos == r) & (assign[f] > 0.5))
            keep = types[np.argsort(-assign[f, types], kind="stable")][: o.max_types_per_role]
            assign[f, np.setdiff1d(types, keep)] = 0.0
    if o.max_conversions_per_period is not None and held is not None:
        converted, _ = _conversions(d, assign > 0.5, held, np.zeros(d.slots.shape))
        ff, rr = np.nonzero(converted)
        order = np.argsort(-d.weight[ff], kind="stable")
        for f, r in zip(
            ff[order][o.max_conversions_per_period :],
            rr[order][o.max_conversions_per_period :],
            strict=True,
        ):
            assign[f, (d.role_pos == r) & ~held[f]] = 0.0
    return assign


def _type_counts(d: _Data, assign: np.ndarray) -> np.ndarray:
    """Types held per (formation, role) of an assignment (F, E)."""
    return _filled(d, (assign > 0.5).astype(float))


def _fill_values(
    m: linopy.Model,
    d: _Data,
    values: np.ndarray,
    assign: np.ndarray,
    held: np.ndarray | None,
    carry: np.ndarray,
) -> None:
    """Every variable's value (in *values*, by label) implied by an assignment (F, E)."""

    def put(name: str, arr: np.ndarray) -> None:
        if name in m.variables:
            lab = np.asarray(m.variables[name].labels.values)[0]
            values[lab[lab >= 0]] = arr[lab >= 0]

    used = assign > 0.5
    put("allocation-assign", assign)
    put("allocation-uses_type", used.astype(float))
    fam = np.zeros((len(d.formations), len(d.families)))
    ff, ee = np.nonzero(used)
    fam[ff, d.family_pos[ee]] = 1.0
    put("allocation-uses_family", fam)
    filled = _filled(d, assign)
    put("allocation-unfilled", np.maximum(d.slots - filled, 0.0))
    converted, share = _conversions(d, used, held, carry)
    put("allocation-converts", converted.astype(float))
    put("allocation-out_of_line", np.minimum(share, 1.0))


def _filled(d: _Data, assign: np.ndarray) -> np.ndarray:
    """Units per (formation, role) of an assignment (F, E)."""
    filled = np.zeros((len(d.roles), len(d.formations)))
    if len(d.equipment):
        np.add.at(filled, d.role_pos, assign.T)
    return filled.T


def _conversions(
    d: _Data, used: np.ndarray, held: np.ndarray | None, carry: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per (formation, role): whether it converts and the share of the period out of line
    (uncapped: above 1 the rest carries into the next period)."""
    F, R = d.slots.shape
    converted = np.zeros((F, R), dtype=bool)
    share = carry.copy()
    if held is None:
        return converted, share
    new = used & ~held
    ff, ee = np.nonzero(new)
    rr = d.role_pos[ee]
    converted[ff, rr] = True
    np.maximum.at(share, (ff, rr), d.share[ee])
    return converted, share


def allocate(
    scenario: Scenario, stock: pd.DataFrame, options: AllocationOptions | None = None
) -> Allocation:
    """Assign the force-level *stock* to the scenario's formations, period after period.

    Parameters
    ----------
    scenario
        A validated scenario.
    stock
        Rows (period, equipment, quantity), e.g. ``plan.stock``.
    options
        Penalties and limits (default: the scenario header's, see
        :meth:`AllocationOptions.from_scenario`).

    Returns
    -------
    Allocation
        Never without an assignment: a period whose MILP finds nothing better
        keeps the LP-rounded start (``status`` ``lp_rounded`` and a message).

    Examples
    --------
    >>> import forceplan  # doctest: +SKIP
    >>> p = forceplan.plan(forceplan.examples.notional())  # doctest: +SKIP
    >>> allocate(p.scenario, p.stock).gaps.head()  # doctest: +SKIP
    """
    o = options or AllocationOptions.from_scenario(scenario)
    t0 = time.perf_counter()
    full = allocation_data(scenario, stock)
    labels = list(full.periods)
    one = _Data(
        **{
            **full.__dict__,
            "periods": full.periods[:1],
            "avail": full.avail.max(axis=1, keepdims=True)
            if full.avail.size
            else np.zeros((len(full.equipment), 1)),
            "parts": {},
        }
    )
    m, d = build_allocation(scenario, stock, o, conversions=len(labels) > 1, data=one)
    mip = HighsModel(m)
    if o.max_nodes:
        mip.h.setOptionValue("mip_max_nodes", int(o.max_nodes))
    lp = HighsModel(m, relax=True)
    bound = HighsModel(m, relax=True)  # the LP relaxation with the whole objective: a bound
    pos = _positions(m, mip)
    seconds = {"build": time.perf_counter() - t0, "solve": 0.0}
    parts: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
    statuses: list[str] = []
    rounded: list[int] = []
    reasons: list[str] = []
    objective, worst_gap = 0.0, 0.0
    F, R = d.slots.shape
    held: np.ndarray | None = None
    carry = np.zeros((F, R))
    whole = Terms()
    for part in d.parts.values():
        whole.extend(part)
    objective_c = mip.dense(*whole.arrays()[1:])
    for t, period in enumerate(labels):
        t1 = time.perf_counter()
        avail = full.avail[:, t]
        for hm in (mip, lp, bound):
            _rebound(hm, pos, d, avail, held, carry)
        got = _lp_assign(lp, m, d, o, pos, avail, held, carry)
        if got is not None:
            start, assign = got
        else:  # cannot happen for a transportation LP; all slots empty is still an assignment
            start = np.zeros(len(mip.col_of))
            assign = np.zeros(d.slots[:, d.role_pos].shape)
            _fill_values(m, d, start, assign, held, carry)
        start_objective = float(objective_c @ start[mip.vlabels]) if mip.n_cols else 0.0
        _, bound_ok = bound.run()
        lower = bound.objective_value() if bound_ok else -np.inf
        start_gap = _relative_gap(start_objective, lower)
        if start_gap <= o.gap or o.max_nodes == 0:  # within the gap of the LP bound, or no search
            status, value = ("optimal" if start_gap <= o.gap else "lp_rounded"), start_objective
            worst_gap = max(worst_gap, start_gap)
            if status == "lp_rounded":
                rounded.append(int(period))
                reasons.append("no search: allocation_max_nodes is 0")
        else:
            mip.set_start(start)
            status, has = mip.run(o.time_limit, o.gap)
            values = mip.values() if has else None
            tol = 1e-9 * max(1.0, abs(start_objective))
            improved = values is not None and mip.objective_value() < start_objective - tol
            if values is not None and status == "optimal" and not improved:
                value = start_objective  # the start was optimal at the gap
                worst_gap = max(worst_gap, float(mip.info().mip_gap))
            elif values is not None and improved:
                value = mip.objective_value()
                assign = np.round(_values(m, "allocation-assign", values, (1, *assign.shape)))[0]
                info = mip.info()
                if mip.is_mip and np.isfinite(info.mip_gap):
                    worst_gap = max(worst_gap, float(info.mip_gap))
            else:
                value = start_objective
                status = "lp_rounded"
                rounded.append(int(period))
                reasons.append(mip.status_text())
                worst_gap = max(worst_gap, start_gap)
        seconds["solve"] += time.perf_counter() - t1
        used = assign > 0.5
        converted, share = _conversions(d, used, held, carry)
        filled = _filled(d, assign)
        now = _Data(
            **{
                **full.__dict__,
                "periods": full.periods[t : t + 1],
                "avail": full.avail[:, t : t + 1],
                "parts": {},
            }
        )
        parts.append(
            (
                _assignment_table(scenario, now, assign[None]),
                _gaps_table(
                    now,
                    filled[None],
                    converted[None],
                    np.minimum(share, 1.0)[None] * WEEKS_PER_YEAR * scenario.header.period_length,
                ),
                _pool_table(now, assign[None]),
            )
        )
        statuses.append(status)
        objective += value
        held = used
        carry = np.maximum(share - 1.0, 0.0)
    status = next(
        (s for s in ("error", "infeasible", "lp_rounded", "time_limit") if s in statuses), "optimal"
    )
    message = ""
    if rounded:
        message = (
            f"the formation allocation of {', '.join(str(p) for p in rounded)} uses the "
            f"LP-rounded assignment, {100 * worst_gap:.1f}% from its LP bound at worst: the "
            f"MILP found none better ({', '.join(sorted(set(reasons)))})"
        )
        log.warning(message)
    log.info("formation allocation: %s in %.2fs", status, sum(seconds.values()))
    return Allocation(
        status=status,
        assignment=pd.concat([p[0] for p in parts], ignore_index=True),
        gaps=pd.concat([p[1] for p in parts], ignore_index=True),
        pool=pd.concat([p[2] for p in parts], ignore_index=True),
        objective=objective,
        gap=worst_gap,
        seconds=seconds,
        message=message,
        lp_rounded=rounded,
    )


def _relative_gap(value: float, bound: float) -> float:
    """HiGHS's relative gap of a solution *value* against a lower *bound*."""
    if not np.isfinite(bound):
        return np.inf
    return max(value - bound, 0.0) / max(abs(value), 1e-9)


def type_churn(assignment: pd.DataFrame) -> float:
    """Share of (formation, role, period) cells whose set of types differs from the period before.

    Cells are those with units in either of two consecutive periods (from the
    second period on); a cell that empties or fills counts as a change.

    Examples
    --------
    >>> a = pd.DataFrame({"period": [1, 2, 2], "formation": "A", "role": "r",
    ...                   "equipment": ["x", "x", "y"], "quantity": 1.0})
    >>> type_churn(a)
    1.0
    """
    if assignment.empty:
        return 0.0
    sets = (
        assignment[assignment["quantity"] > 0.5]
        .groupby(["formation", "role", "period"])["equipment"]
        .agg(lambda s: ",".join(sorted(set(s))))
    )
    table = sets.unstack("period")
    periods = sorted(assignment["period"].unique())
    if len(periods) < 2:
        return 0.0
    changed = total = 0
    for before, now in itertools.pairwise(periods):
        a = table[before] if before in table else pd.Series(dtype=object)
        b = table[now] if now in table else pd.Series(dtype=object)
        both = pd.concat([a.rename("a"), b.rename("b")], axis=1)
        both = both[both["a"].notna() | both["b"].notna()]
        total += len(both)
        changed += int((both["a"].fillna("") != both["b"].fillna("")).sum())
    return changed / total if total else 0.0


def _values(m: linopy.Model, name: str, values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    if name not in m.variables:
        return np.zeros(shape)
    labels = np.asarray(m.variables[name].labels.values)
    out = np.zeros(labels.shape)
    out[labels >= 0] = values[labels[labels >= 0]]
    return out


def _assignment_table(scenario: Scenario, d: _Data, assign: np.ndarray) -> pd.DataFrame:
    tt, ff, ee = np.nonzero(assign > 0.5)
    eq = scenario.tables["equipment"].reset_index(drop=True)
    frame = pd.DataFrame(
        {
            "period": d.periods.to_numpy()[tt],
            "formation": d.formations.to_numpy(dtype=object)[ff],
            "role": d.roles.to_numpy(dtype=object)[d.role_pos[ee]] if len(ee) else [],
            "equipment": d.equipment.to_numpy(dtype=object)[ee],
            "quantity": assign[tt, ff, ee].astype(float),
            "score": d.score[ee],
            "logistics_family": eq["logistics_family"].astype(str).to_numpy(dtype=object)[ee],
        }
    )
    return frame.sort_values(
        ["period", "formation", "role", "equipment"], kind="stable"
    ).reset_index(drop=True)


def _gaps_table(
    d: _Data,
    filled: np.ndarray,
    converted: np.ndarray | None = None,
    weeks: np.ndarray | None = None,
) -> pd.DataFrame:
    T = len(d.periods)
    tt, ff, rr = np.nonzero(np.broadcast_to(d.slots[None, :, :] > 0, (T, *d.slots.shape)))
    slots = d.slots[ff, rr]
    got = filled[tt, ff, rr]
    return pd.DataFrame(
        {
            "period": d.periods.to_numpy()[tt],
            "formation": d.formations.to_numpy(dtype=object)[ff],
            "role": d.roles.to_numpy(dtype=object)[rr],
            "slots": slots,
            "filled": got,
            "unfilled": np.maximum(slots - got, 0.0),
            "converted": (
                converted[tt, ff, rr].astype(int) if converted is not None else np.zeros(len(tt))
            ),
            "out_of_line_weeks": (
                np.round(weeks[tt, ff, rr], 6) if weeks is not None else np.zeros(len(tt))
            ),
        }
    )


def _pool_table(d: _Data, assign: np.ndarray) -> pd.DataFrame:
    assigned = assign.sum(axis=1).T  # (E, T)
    T, E = len(d.periods), len(d.equipment)
    return pd.DataFrame(
        {
            "period": np.repeat(d.periods.to_numpy(), E),
            "equipment": np.tile(d.equipment.to_numpy(dtype=object), T),
            "in_service": d.avail.T.reshape(-1),
            "assigned": assigned.T.reshape(-1),
            "unassigned": (d.avail - assigned).T.reshape(-1),
        }
    )
