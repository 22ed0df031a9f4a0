"""Phase 2: assign the planned force-level stock to formations, period by period (a MILP).

Sets: periods t, formations f (priority rank p_f, 1 first), roles r,
equipment types e (role r(e), interoperability score s_e from
:func:`forceplan.domain.interop.type_scores`, logistics family g(e)).
Data: slots[f, r] (``formation_slots``) and the whole units in service
avail[e, t] = floor(stock[e, t]) of the plan (``plan/stock.csv``).

Variables
    ``allocation-assign[period, formation, equipment]`` integer >= 0: units of a
    type assigned to a formation (only types of a role the formation has slots
    for, and only when a whole unit is in service), at most
    min(slots, avail);
    ``allocation-unfilled[period, formation, role]`` >= 0: slots left empty;
    ``allocation-uses_type[period, formation, equipment]`` binary: the
    formation holds the type;
    ``allocation-uses_family[period, formation, logistics_family]`` binary: the
    formation holds a type of the logistics family.
Constraints
    ``allocation-slots[period, formation, role]``: sum of assign over the
    role's types + unfilled = slots;
    ``allocation-stock[period, equipment]``: sum of assign over formations <= avail;
    ``allocation-type_link[period, formation, equipment]``: assign <= min(slots,
    avail) x uses_type;
    ``allocation-family_link[period, formation, equipment]``: uses_type <=
    uses_family[g(e)];
    ``allocation-max_types[period, formation, role]`` (only with
    ``max_types_per_role``): sum of uses_type over the role's types <= the limit.
Objective (minimised)
    sum w_f x (FILL x unfilled - sum_e s_e x assign)
    + type_penalty x sum uses_type + family_penalty x sum uses_family,
    with the priority weight w_f = 1 + max_f p_f - p_f (the lowest priority
    weighs 1) and FILL = 10 x (type_penalty + family_penalty + 1), so that
    filling a slot always beats the penalty of the extra type and family it
    may need, a slot of a higher-priority formation is filled first, and the
    more interoperable types go to the higher-priority formations. A second
    type in a formation pays off only when it raises the formation's
    priority-weighted score sum by more than its penalties.

The periods do not interact: each is solved as its own MILP (one model over
all periods is much harder for branch and bound, whose gap is global). Each
MILP starts from the optimum of its LP without the type and family terms (a
transportation problem, whose vertex optimum is integral): every slot that can
be filled is filled from the start, and branch and bound then trades score for
fewer types and families. The relaxation of the fixed-charge type terms is
weak, so on large scenarios the time limit usually ends the search with a
small gap in those terms (reported as ``Allocation.gap``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd

from forceplan.allocate.highs import HighsModel
from forceplan.domain.interop import type_scores
from forceplan.domain.scenario import Scenario
from forceplan.exceptions import SolveError
from forceplan.model.terms import Terms, grid, labels_of, mask_array

log = logging.getLogger(__name__)

UNIT_TOLERANCE = 1e-6
"""Stock within this of a whole number counts as that whole number of units."""


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
    time_limit
        Seconds for each period's MILP (it starts from the fill-and-interoperability LP
        optimum, so a short limit mostly costs homogeneity, not filled slots).
    gap
        Relative MIP gap at which to stop.
    """

    type_penalty: float = 1.0
    family_penalty: float = 1.0
    max_types_per_role: int | None = None
    time_limit: float | None = 1.0
    gap: float = 1e-6

    @property
    def fill_weight(self) -> float:
        """Weight of one unfilled slot (times the priority weight)."""
        return 10.0 * (self.type_penalty + self.family_penalty + 1.0)


@dataclass
class Allocation:
    """The formation allocation of a plan.

    Attributes
    ----------
    status
        ``optimal``, ``time_limit`` (best assignment found), ``infeasible`` or ``error``.
    assignment
        ``period, formation, role, equipment, quantity`` (+ ``score``,
        ``logistics_family``): units assigned (non-zero rows only).
    gaps
        ``period, formation, role, slots, filled, unfilled``: every slot row.
    pool
        ``period, equipment, in_service, assigned, unassigned``: whole units in
        service and how many no formation holds.
    objective
        MILP objective value.
    gap
        Relative MIP gap reached.
    seconds
        Build and solve time.
    """

    status: str
    assignment: pd.DataFrame
    gaps: pd.DataFrame
    pool: pd.DataFrame
    objective: float | None = None
    gap: float | None = None
    seconds: dict[str, float] = field(default_factory=dict)


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
    )


def build_allocation(
    scenario: Scenario,
    stock: pd.DataFrame,
    options: AllocationOptions | None = None,
    periods: list[int] | None = None,
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

    Returns
    -------
    tuple
        The linopy model (named ``allocation-what``) and its data.
    """
    o = options or AllocationOptions()
    d = allocation_data(scenario, stock, periods)
    T, F, E = len(d.periods), len(d.formations), len(d.equipment)
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
    has_slots = np.broadcast_to(d.slots[None, :, :] > 0, (T, F, len(d.roles)))
    unfilled = m.add_variables(
        lower=0.0,
        coords=list(r_coords),
        name="allocation-unfilled",
        mask=mask_array(has_slots, *r_coords),
    )
    g_coords = (d.periods, d.formations, d.families)
    fam_possible = np.zeros((T, F, len(d.families)), dtype=bool)
    if E:
        tt, ff, ee = np.nonzero(eligible)
        fam_possible[tt, ff, d.family_pos[ee]] = True
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
    tr, fr, rr = grid(T, F, len(d.roles))
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


def allocate(
    scenario: Scenario, stock: pd.DataFrame, options: AllocationOptions | None = None
) -> Allocation:
    """Assign the force-level *stock* to the scenario's formations, every period.

    Parameters
    ----------
    scenario
        A validated scenario.
    stock
        Rows (period, equipment, quantity), e.g. ``plan.stock``.
    options
        Penalties and limits (defaults: :class:`AllocationOptions`).

    Returns
    -------
    Allocation

    Raises
    ------
    SolveError
        When HiGHS finds no assignment at all (it always exists: all zero).

    Examples
    --------
    >>> import forceplan  # doctest: +SKIP
    >>> p = forceplan.plan(forceplan.examples.notional())  # doctest: +SKIP
    >>> allocate(p.scenario, p.stock).gaps.head()  # doctest: +SKIP
    """
    o = options or AllocationOptions()
    labels = list(scenario.periods)
    share = o.time_limit
    parts: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
    statuses: list[str] = []
    objective, worst_gap = 0.0, 0.0
    seconds = {"build": 0.0, "solve": 0.0}
    for period in labels:  # one small MILP per period (they do not interact)
        t0 = time.perf_counter()
        m, d = build_allocation(scenario, stock, o, [period])
        t1 = time.perf_counter()
        hm = HighsModel(m)
        start = _lp_start(m, d, share)
        if start is not None:
            hm.set_start(start)
        status, has = hm.run(share, o.gap)
        seconds["build"] += t1 - t0
        seconds["solve"] += time.perf_counter() - t1
        if not has:
            raise SolveError(
                f"the formation allocation of {period} found no assignment (HiGHS: "
                f"{hm.status_text()}). Fix: give it more time (AllocationOptions.time_limit) "
                "or report this as a bug."
            )
        values = hm.values()
        assert values is not None
        T, F, E = len(d.periods), len(d.formations), len(d.equipment)
        assign = np.round(_values(m, "allocation-assign", values, (T, F, E)))
        filled = np.zeros((len(d.roles), T, F))
        if E:
            np.add.at(filled, d.role_pos, np.moveaxis(assign, 2, 0))
        filled = np.moveaxis(filled, 0, 2)
        parts.append(
            (_assignment_table(scenario, d, assign), _gaps_table(d, filled), _pool_table(d, assign))
        )
        statuses.append(status)
        objective += hm.objective_value()
        info = hm.info()
        if hm.is_mip and np.isfinite(info.mip_gap):
            worst_gap = max(worst_gap, float(info.mip_gap))
    status = next((s for s in ("error", "infeasible", "time_limit") if s in statuses), "optimal")
    log.info("formation allocation: %s in %.2fs", status, sum(seconds.values()))
    return Allocation(
        status=status,
        assignment=pd.concat([p[0] for p in parts], ignore_index=True),
        gaps=pd.concat([p[1] for p in parts], ignore_index=True),
        pool=pd.concat([p[2] for p in parts], ignore_index=True),
        objective=objective,
        gap=worst_gap,
        seconds=seconds,
    )


def _lp_start(m: linopy.Model, d: _Data, time_limit: float | None) -> np.ndarray | None:
    """A MIP start: the LP of fill and interoperability alone (a transportation problem,
    integral at a vertex), with the types and families it uses switched on."""
    lp = HighsModel(m, relax=True)
    terms = Terms().extend(d.parts["fill"]).extend(d.parts["interoperability"])
    _, labels, coeffs = terms.arrays()
    lp.set_objective(labels, coeffs)
    _, has = lp.run(time_limit)
    values = lp.values()
    if not has or values is None:
        return None
    values = values.copy()
    shape = tuple(len(c) for c in (d.periods, d.formations, d.equipment))
    assign = np.round(_values(m, "allocation-assign", values, shape))
    a_lab = np.asarray(m.variables["allocation-assign"].labels.values)
    u_lab = np.asarray(m.variables["allocation-uses_type"].labels.values)
    g_lab = np.asarray(m.variables["allocation-uses_family"].labels.values)
    present = a_lab >= 0
    values[a_lab[present]] = assign[present]
    values[u_lab[present]] = (assign[present] > 0.5).astype(float)
    used_family = np.zeros(g_lab.shape)
    t, f, e = np.nonzero(assign > 0.5)
    used_family[t, f, d.family_pos[e]] = 1.0
    values[g_lab[g_lab >= 0]] = used_family[g_lab >= 0]
    filled = np.zeros((len(d.roles), *shape[:2]))
    np.add.at(filled, d.role_pos, np.moveaxis(assign, 2, 0))
    un_lab = np.asarray(m.variables["allocation-unfilled"].labels.values)
    unfilled = np.maximum(d.slots[None, :, :] - np.moveaxis(filled, 0, 2), 0.0)
    values[un_lab[un_lab >= 0]] = unfilled[un_lab >= 0]
    return values


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


def _gaps_table(d: _Data, filled: np.ndarray) -> pd.DataFrame:
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
