"""The cost of whole units: the notional plan with and without integer quantities, in one run.

Plans the shipped notional scenario twice in this process: as shipped (every type
divisible, as the scenario marks it today) and with every type but radios and
drones counted in whole units (``whole_units`` yes: integer orders, line output,
upgrades, reserve moves, retirements, end-of-life exits and losses). Prints per
variant the status, gap, objective parts, HiGHS's time per stage and the number of
integer columns, and the ratio of the two solve times; optionally the same for a
generated scenario (``--synthetic 1000,40,20,50`` with ``--time-limit 600``).

Usage::

    .venv/bin/python benchmarks/bench_whole_units.py [--time-limit S] [--synthetic E,P,S,F]

Figures are CPU-bound and noisy on a shared machine: compare the ratio, not the
seconds.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import forceplan
from forceplan.domain.scenario import Scenario

DIVISIBLE_CLASSES = ("radio", "uas")
"""Classes kept divisible in the whole-unit variant (bought by the thousand)."""


def whole(scenario: Scenario) -> Scenario:
    """A copy of *scenario* with every type but radios and drones in whole units."""
    s = scenario.copy()
    eq = s.tables["equipment"]
    eq["whole_units"] = ["no" if c in DIVISIBLE_CLASSES else "yes" for c in eq["class"]]
    return s


def run(name: str, scenario: Scenario, time_limit: float) -> dict[str, Any]:
    """Plan *scenario* and return the figures of one variant."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    p = forceplan.plan(scenario, time_limit=time_limit)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    m = p.model
    n_int = sum(int((v.labels >= 0).sum()) for _, v in m.variables.items() if v.attrs["integer"])
    out = {
        "variant": name,
        "status": p.status,
        "gap": p.gap,
        "shortfall": round(p.objective.get("shortfall", float("nan")), 4),
        "cost": round(p.objective.get("cost", float("nan")), 1),
        "integer_columns": n_int,
        "solve_s": round(p.timings.get("solve", float("nan")), 2),
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 2),
    }
    if p.has_plan:
        st = p.stock
        whole_ids = set(
            scenario.tables["equipment"]["id"][
                scenario.tables["equipment"].get("whole_units", "no") == "yes"
            ]
        )
        rows = st[st["equipment"].isin(whole_ids)]
        out["fractional_stock_cells"] = int(
            ((rows["quantity"] - rows["quantity"].round()).abs() > 1e-6).sum()
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--synthetic", default="", help="also a generated scenario E,P,S,F")
    args = ap.parse_args()
    base = forceplan.examples.notional()
    rows = [
        run("notional, divisible (as shipped)", base, args.time_limit),
        run("notional, whole units", whole(base), args.time_limit),
    ]
    if args.synthetic:
        e, p, s, f = (int(x) for x in args.synthetic.split(","))
        gen = forceplan.synthetic.generate(e, p, s, f, seed=1)
        rows.append(run(f"generated {args.synthetic}, whole units", whole(gen), args.time_limit))
    for r in rows:
        print(r)
    ratio = rows[1]["solve_s"] / max(rows[0]["solve_s"], 1e-9)
    print(f"whole units / divisible solve time: {ratio:.1f}x")


if __name__ == "__main__":
    main()
