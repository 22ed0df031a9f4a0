"""The stress test's recourse rules written the straightforward way: one sample at a time,
one period at a time, one item at a time, in plain Python floats.

It shares no simulation code with :func:`forceplan.uncertainty.stress.simulate` (only its
prepared inputs, the sampled effects and the two rule constants), so it checks the
vectorised simulation independently (``tests/uncertainty/test_scalar_stress.py``), and it
is the per-sample Python loop that ``benchmarks/bench_stress.py`` times the vectorised
simulation against. The rules are those of ``docs/stress.md``.
"""

from __future__ import annotations

import math

import numpy as np

from forceplan.uncertainty.effects import Effects
from forceplan.uncertainty.stress import CANCEL_ORDER, TOLERANCE, Inputs


def _lookup(labels: list[str], values: np.ndarray, wanted: list[str], neutral: float) -> list:
    """values[wanted[j]] for one sample (``neutral`` where the factor does not touch it)."""
    where = {label: j for j, label in enumerate(labels)}
    return [float(values[where[w]]) if w in where else neutral for w in wanted]


def simulate_scalar(inp: Inputs, fx: Effects) -> dict[str, np.ndarray]:
    """The outcomes of every sample, as :class:`~forceplan.uncertainty.stress.Outcomes` arrays.

    Returns
    -------
    dict
        capability (N, T, R), breach (N, T, R), dry (N, T, M), closing (N, T, M),
        stock (N, T, E), interop (N, T), spend (N, T), fill (N, T).
    """
    n = fx.attrition.shape[0]
    T, E, M, R = inp.T, len(inp.equipment), len(inp.munitions), len(inp.roles)
    out = {
        "capability": np.zeros((n, T, R)),
        "breach": np.zeros((n, T, R), dtype=bool),
        "dry": np.zeros((n, T, M), dtype=bool),
        "closing": np.zeros((n, T, M)),
        "stock": np.zeros((n, T, E)),
        "interop": np.full((n, T), np.nan),
        "spend": np.zeros((n, T)),
        "fill": np.full((n, T), np.nan),
    }
    cut_anywhere = {label for j, label in enumerate(fx.streams) if bool((fx.cut[:, j] > 0).any())}
    for i in range(n):
        _one_sample(inp, fx, i, cut_anywhere, out)
    return out


def _one_sample(
    inp: Inputs, fx: Effects, i: int, cut_anywhere: set[str], out: dict[str, np.ndarray]
) -> None:
    T, E, M, R = inp.T, len(inp.equipment), len(inp.munitions), len(inp.roles)
    K = len(CANCEL_ORDER)
    cls = _lookup(fx.classes, fx.attrition[i], inp.class_names, 1.0)
    cons = _lookup(fx.munitions, fx.consumption[i], inp.munitions, 1.0)
    slip = _lookup(fx.sources, fx.slip[i], inp.sources, 0.0)
    arrive = _lookup(fx.sources, fx.share[i] * ~fx.lost[i], inp.sources, 1.0)
    delay = _lookup(fx.lines, fx.delay[i], inp.lines, 0.0)
    output = _lookup(fx.lines, fx.output[i], inp.lines, 1.0)
    cut = _lookup(fx.streams, fx.cut[i], inp.streams, 0.0)

    # money: a cut stream cancels its lowest-priority uses first, period by period
    cancelled = [[0.0] * K for _ in range(T)]  # share of each use's orders cancelled
    money_cut = [0.0] * T
    for t in range(T):
        cancel_use = [0.0] * K
        for st, stream in enumerate(inp.streams):
            if stream not in cut_anywhere:
                continue
            left = (1.0 - cut[st]) * float(inp.available[st, t])
            deficit = max(float(inp.spent[st, t]) - left, 0.0)
            before = 0.0
            for k in range(K):
                use = float(inp.spent_use[st, t, k])
                cancel_use[k] += min(max(deficit - before, 0.0), use)
                before += use
        for k in range(K):
            total = sum(float(inp.spent_use[st, t, k]) for st in range(len(inp.streams)))
            cancelled[t][k] = min(cancel_use[k] / total, 1.0) if total > 0 else 0.0
        money_cut[t] = sum(cancel_use)

    # lines: expansions online later (or cancelled), base output scaled
    k_exp, k_up = CANCEL_ORDER.index("expansion"), CANCEL_ORDER.index("upgrade")
    line_scale = []
    for ln in range(len(inp.lines)):
        placed = [0.0] * T
        for tau in range(T):
            ordered = float(inp.line_ordered[ln, tau]) * (1.0 - cancelled[tau][k_exp])
            first = tau + int(inp.line_lead[ln]) + int(delay[ln])
            if ordered and first < T:
                placed[first] += ordered
        online, scales = 0.0, []
        for t in range(T):
            online += placed[t]
            capacity = float(inp.line_base[ln]) * output[ln] + float(inp.line_size[ln]) * online
            planned = float(inp.line_output[ln, t])
            scales.append(min(1.0, capacity / max(planned, 1e-12)) if planned > 0 else 1.0)
        line_scale.append(scales)

    # deliveries: late, partial or lost; line output scaled; cancelled orders never come
    arrivals = [[0.0] * E for _ in range(T)]
    supply = [[0.0] * M for _ in range(T)]
    for a in range(len(inp.arr_qty)):
        qty, due = float(inp.arr_qty[a]), int(inp.arr_due[a])
        src, line, use = int(inp.arr_src[a]), int(inp.arr_line[a]), int(inp.arr_use[a])
        if src >= 0:
            qty *= arrive[src]
            due += int(slip[src])
        if line >= 0:
            qty *= line_scale[line][int(inp.arr_due[a])]
        if use >= 0:
            qty *= 1.0 - cancelled[int(inp.arr_ordered[a])][use]
        if due < T:
            target = arrivals if inp.arr_is_eq[a] else supply
            target[due][int(inp.arr_item[a])] += qty

    ups = range(len(inp.up_qty))
    up_qty = [float(inp.up_qty[g]) * (1.0 - cancelled[int(inp.up_start[g])][k_up]) for g in ups]
    upgrade_in = [[0.0] * E for _ in range(T + 1)]
    back = [[0.0] * E for _ in range(T + int(max(inp.react.max(initial=0), 0)) + 1)]
    uses = range(len(inp.use_e))
    prev = [float(x) for x in inp.s0]
    reserve = [0.0] * E
    ammo = [float(x) for x in inp.m0]
    for t in range(T):
        now = [0.0] * E
        scale = [1.0] * E
        for e in range(E):
            activate = min(float(inp.from_reserve[t, e]), reserve[e])
            reserve[e] -= activate
            back[t + int(inp.react[e])][e] += activate
        for e in range(E):
            losses = min(float(inp.attrition[e, t]) * cls[e], 1.0) * prev[e]
            avail = prev[e] - losses + arrivals[t][e] + upgrade_in[t][e] + back[t][e]
            up_out = sum(
                up_qty[g] for g in ups if int(inp.up_start[g]) == t and int(inp.up_from[g]) == e
            )
            planned_out = float(inp.retire[t, e]) + float(inp.to_reserve[t, e]) + up_out
            if planned_out > 1e-12:
                scale[e] = min(max(avail / planned_out, 0.0), 1.0)
            now[e] = max(avail - planned_out * scale[e], 0.0)
            reserve[e] += float(inp.to_reserve[t, e]) * scale[e]
            reserve[e] = max(reserve[e] - float(inp.expire_reserve[t, e]), 0.0)
        for g in ups:
            if int(inp.up_start[g]) == t:
                done, to = int(inp.up_done[g]), int(inp.up_to[g])
                upgrade_in[done][to] += up_qty[g] * scale[int(inp.up_from[g])]

        # ammunition: demand follows the fleet that fires it and the sampled consumption
        cover = [1.0] * M
        for m in range(M):
            plan_fleet = fleet = 0.0
            for u in uses:
                if int(inp.use_m[u]) == m:
                    e = int(inp.use_e[u])
                    plan_fleet += float(inp.use_t[u, t]) * float(inp.plan_stock[t, e])
                    fleet += float(inp.use_t[u, t]) * now[e]
            ratio = fleet / plan_fleet if plan_fleet > 0 else 1.0
            demand = float(inp.plan_consumption[t, m]) * ratio * cons[m]
            have = ammo[m] + supply[t][m]
            if demand > 0:
                cover[m] = min(1.0, have / max(demand, 1e-12))
            out["dry"][i, t, m] = have < demand * (1 - TOLERANCE) - TOLERANCE
            ammo[m] = max(have - demand, 0.0)
            out["closing"][i, t, m] = ammo[m]

        # a type is ready in the share its ammunition covers: every munition it fires
        # alone, and the best-covered of each group of alternatives
        ready = [1.0] * E
        best: dict[int, float] = {}
        group_type: dict[int, int] = {}
        for u in uses:
            e, g = int(inp.use_e[u]), int(inp.use_group[u])
            fires = float(inp.use_t[u, t]) > 0
            c = cover[int(inp.use_m[u])]
            if g < 0:
                if fires:
                    ready[e] = min(ready[e], c)
            else:
                group_type[g] = e
                if fires:
                    best[g] = max(best.get(g, -math.inf), c)
        for g, e in group_type.items():
            ready[e] = min(ready[e], best.get(g, 1.0))

        capability = [0.0] * R
        units = [0.0] * R
        total = scored = 0.0
        for e in range(E):
            in_line = now[e] * ready[e]
            valued = in_line * float(inp.value[e])
            r = int(inp.role_pos[e])
            capability[r] += valued
            units[r] += in_line
            total += valued
            scored += valued * float(inp.score[e])
            out["stock"][i, t, e] = now[e]
        if total > 0:
            out["interop"][i, t] = scored / max(total, 1e-12)
        slots = [float(x) for x in inp.slots[:, t]]
        if sum(slots) > 0:
            out["fill"][i, t] = sum(min(units[r], slots[r]) for r in range(R)) / sum(slots)
        for r in range(R):
            out["capability"][i, t, r] = capability[r]
            floor = float(inp.floor[r, t])
            if math.isfinite(floor) and floor > 0:
                out["breach"][i, t, r] = capability[r] < floor * (1 - TOLERANCE) - TOLERANCE
        out["spend"][i, t] = float(inp.spent[:, t].sum()) - money_cut[t]
        prev = now
