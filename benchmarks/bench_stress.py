"""The vectorised stress test against a per-sample Python loop, and 10,000 notional futures.

Plans the shipped notional scenario (or reads ``--run RUNDIR``), draws the
futures once, then simulates the plan's decisions

- vectorised over samples (``forceplan.uncertainty.stress.simulate``: arrays shaped
  (sample, period, item), a loop over periods only), and
- one sample at a time, two ways, on the same ``--loop-samples`` futures:
  ``simulate_each`` (a Python loop over the samples, each simulated alone by the same
  numpy code, vectorised over items), and the straightforward loop of
  ``tests/uncertainty/scalar_stress.py`` (samples, periods and items, one at a time, in
  plain Python floats; an independent implementation of the rules); all three results
  are checked equal;

and times the whole ``stress_test`` (read, draw, simulate, summarise, PRIM, SALib)
of ``--samples`` futures. Prints CPU seconds, per-sample costs and their ratios.

Usage::

    .venv/bin/python benchmarks/bench_stress.py [--run RUNDIR] [--samples 10000]
        [--loop-samples 500] [--scalar-samples 100]

Run from the repository root (the straightforward loop lives in ``tests/``).

Figures are CPU-bound and noisy on a shared machine: compare the ratios.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import forceplan
from forceplan.io.run_folder import read_run_folder
from forceplan.uncertainty import draw
from forceplan.uncertainty.effects import effects
from forceplan.uncertainty.run import stress_test
from forceplan.uncertainty.stress import prepare, simulate, simulate_each


def best_of(repeat: int, fn, *args):  # type: ignore[no-untyped-def]
    """The result and the shortest CPU time (seconds of this process) of *repeat* calls.

    CPU time, not wall time: on a machine shared with other jobs the wall clock
    measures the other jobs too.
    """
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        out = fn(*args)
        best = min(best, time.process_time() - t)
    return out, best


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root
    from tests.uncertainty.scalar_stress import simulate_scalar

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--run", type=Path, help="a run folder (default: plan the notional one)")
    p.add_argument("--samples", type=int, default=10_000)
    p.add_argument("--loop-samples", type=int, default=500)
    p.add_argument("--scalar-samples", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    run = args.run
    if run is None:
        plan = forceplan.plan(forceplan.examples.notional(), time_limit=600)
        run = plan.save(Path(tempfile.mkdtemp()) / "notional")
        print(f"planned the notional scenario: {plan.status} -> {run}")
    folder = read_run_folder(run)
    scenario = folder.scenario()
    inputs = prepare(scenario, folder.tables)
    print(
        f"plan: {len(inputs.equipment)} types, {len(inputs.munitions)} munitions, "
        f"{inputs.T} periods, {len(inputs.arr_qty)} planned arrivals; "
        f"{len(scenario.tables['uncertainty'])} uncertain factors"
    )

    k = args.loop_samples
    fx_k = effects(scenario, draw(scenario, n=k, seed=args.seed))
    loop, t_loop = best_of(1, simulate_each, inputs, fx_k)
    vec_k, t_vec_k = best_of(3, simulate, inputs, fx_k)
    ks = min(k, args.scalar_samples)
    fx_s = effects(scenario, draw(scenario, n=ks, seed=args.seed))
    scalar, t_scalar = best_of(1, simulate_scalar, inputs, fx_s)
    vec_s = simulate(inputs, fx_s)
    for name in ("capability", "stock", "closing", "spend"):
        np.testing.assert_allclose(getattr(loop, name), getattr(vec_k, name), equal_nan=True)
        np.testing.assert_allclose(scalar[name], getattr(vec_s, name), atol=1e-9, equal_nan=True)
    assert np.array_equal(loop.breach, vec_k.breach)
    assert np.array_equal(scalar["breach"], vec_s.breach)

    n = args.samples
    t = time.perf_counter()
    fx_n = effects(scenario, draw(scenario, n=n, seed=args.seed))
    t_draw = time.perf_counter() - t
    _, t_vec_n = best_of(3, simulate, inputs, fx_n)
    result, t_all = best_of(1, stress_test, run, n, args.seed)

    print()
    print(f"| measure | {k:,} samples | {n:,} samples |")
    print("|---|---|---|")
    per_vec = t_vec_n / n
    print(
        f"| straightforward loop: samples, periods, items (CPU s, {ks:,} samples) | "
        f"{t_scalar:.3f} | ({t_scalar / ks * n:.1f} extrapolated) |"
    )
    print(
        "| per-sample loop, each sample by the numpy code (CPU s) | "
        f"{t_loop:.3f} | ({t_loop / k * n:.1f} extrapolated) |"
    )
    print(f"| vectorised simulate (CPU s) | {t_vec_k:.4f} | {t_vec_n:.3f} |")
    print(
        f"| ratio per sample, straightforward loop vs vectorised at {n:,} | | "
        f"{(t_scalar / ks) / per_vec:.0f}x |"
    )
    print(f"| ratio per-sample numpy loop / vectorised, same samples | {t_loop / t_vec_k:.0f}x | |")
    print(
        f"| ratio per sample, per-sample numpy loop vs vectorised at {n:,} | | "
        f"{(t_loop / k) / per_vec:.0f}x |"
    )
    print(f"| draw + effects (wall s) | | {t_draw:.3f} |")
    print(f"| whole stress_test: read, simulate, tables, PRIM, SALib (CPU s) | | {t_all:.2f} |")
    tm = result.summary["timings"]
    print(
        "| of which prepare / simulate / summarise / discover (wall s) | | "
        f"{tm['prepare']:.2f} / {tm['simulate']:.2f} / {tm['summarise']:.2f} / "
        f"{tm['discover']:.2f} |"
    )
    print(f"\nfloor breached in {result.summary['p_any_floor_breached']:.1%} of futures")


if __name__ == "__main__":
    main()
