"""The sweep on 1 versus 2 local Dask workers: speed-up and parallel efficiency, in one run.

For each worker count a LocalCluster (processes, one thread each, HiGHS on one thread)
is started first and timed apart; then :func:`forceplan.sweep.run_sweep` sweeps the same
futures (same scenario, samples and seed) into a fresh folder through that cluster's
address, so the figure is the sweep itself: drawing, scattering, solving, writing each
record and the summary. It prints the wall seconds, the speed-up ``T1 / T2`` and the
efficiency ``T1 / (2 T2)`` (the issue's aim: at least 0.8), and checks that both sweeps
wrote the same summary. Beside them: the workers' CPU seconds (``work_ratio`` = CPU with one
worker / CPU with two: 1 means parallel running added no work) and the per-future wall
seconds summed (when it doubles with two workers while the CPU stays, the workers were
waiting for a core: the machine, not the sweep, is the limit).

The machine is shared (other processes take CPU at the same time), so the figures are
noisy: run it more than once (``--repeat``), and read the CPU load printed with them.

Usage::

    .venv/bin/python benchmarks/bench_sweep.py             # 100x10x50x20 generated, 12 futures
    .venv/bin/python benchmarks/bench_sweep.py --size 40x8x20x10 --samples 20 --repeat 2
    .venv/bin/python benchmarks/bench_sweep.py --notional --samples 4

Results go to ``benchmarks/results/bench_sweep-<timestamp>.json`` and ``.md``. Never a test.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def _sweep(scenario: Any, workers: int, samples: int, seed: int, place: Path) -> dict[str, Any]:
    from dask.distributed import LocalCluster

    from forceplan.sweep import run_sweep

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    start = time.perf_counter() - t0
    from dask.distributed import Client

    client = Client(cluster, set_as_default=False)
    try:
        cpu0 = sum(client.run(time.process_time).values())
        t1 = time.perf_counter()
        result = run_sweep(
            scenario, samples, place / f"w{workers}", seed=seed, scheduler=cluster.scheduler_address
        )
        wall = time.perf_counter() - t1
        cpu = sum(client.run(time.process_time).values()) - cpu0
    finally:
        client.close()
        cluster.close()
    from forceplan.sweep.samples import read_records

    solve = sum(r["seconds"] for r in read_records(place / f"w{workers}").values())
    summary = (place / f"w{workers}" / "summary.json").read_text()
    return {
        "workers": workers,
        "cluster_start": start,
        "wall": wall,
        "worker_cpu": cpu,
        "sample_wall": solve,
        "solved": result["summary"]["solved"],
        "summary": summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size", default="100x10x50x20", help="generated scenario N_EQ x N_PER x N_SRC x N_FORM"
    )
    parser.add_argument("--notional", action="store_true", help="sweep the notional scenario")
    parser.add_argument("--samples", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    import forceplan
    from forceplan.synthetic import generate

    if args.notional:
        scenario, label = forceplan.examples.notional(), "notional"
    else:
        dims = [int(x) for x in args.size.split("x")]
        scenario, label = generate(*dims, seed=0), f"generated {args.size}"
    rows = []
    for rep in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
            load0 = os.getloadavg()[0]
            one = _sweep(scenario, 1, args.samples, args.seed, Path(tmp))
            two = _sweep(scenario, 2, args.samples, args.seed, Path(tmp))
            same = one.pop("summary") == two.pop("summary")
            speedup = one["wall"] / two["wall"]
            row = {
                "repeat": rep + 1,
                "scenario": label,
                "samples": args.samples,
                "wall_1": round(one["wall"], 2),
                "wall_2": round(two["wall"], 2),
                "cluster_start_1": round(one["cluster_start"], 2),
                "cluster_start_2": round(two["cluster_start"], 2),
                "worker_cpu_1": round(one["worker_cpu"], 2),
                "worker_cpu_2": round(two["worker_cpu"], 2),
                "sample_wall_1": round(one["sample_wall"], 2),
                "sample_wall_2": round(two["sample_wall"], 2),
                "speedup": round(speedup, 3),
                "efficiency": round(speedup / 2, 3),
                "work_ratio": round(one["worker_cpu"] / two["worker_cpu"], 3),
                "same_summary": same,
                "load_before": round(load0, 2),
                "load_after": round(os.getloadavg()[0], 2),
                "cores": os.cpu_count(),
            }
            rows.append(row)
            print(
                f"{label}, {args.samples} futures: 1 worker {row['wall_1']:.2f} s, 2 workers "
                f"{row['wall_2']:.2f} s -> speed-up {row['speedup']:.2f}, efficiency "
                f"{row['efficiency']:.2f} (aim >= 0.8); worker CPU {row['worker_cpu_1']} s / "
                f"{row['worker_cpu_2']} s, summed per-future wall {row['sample_wall_1']} s / "
                f"{row['sample_wall_2']} s (CPU work ratio {row['work_ratio']}); "
                f"same summary: {same}; load average "
                f"{row['load_before']} -> {row['load_after']} on {row['cores']} cores"
            )
    RESULTS.mkdir(exist_ok=True)
    stamp = f"{datetime.now():%Y%m%dT%H%M%S}"
    (RESULTS / f"bench_sweep-{stamp}.json").write_text(json.dumps(rows, indent=2) + "\n")
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(str(v) for v in r.values()) + " |" for r in rows]
    (RESULTS / f"bench_sweep-{stamp}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
