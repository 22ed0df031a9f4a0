"""Peak memory of building a plan's model against what highspy needs for the same matrix.

For each generated scenario a child process builds the model the planner solves
(``build_model``, then the matrices handed to a ``highspy.Highs`` instance as the planner's
backend does) and reports the rise of its peak resident memory over the memory it held with
the scenario loaded. It also writes the matrix it handed over (CSR arrays, bounds) to a
temporary ``.npz``. A second child loads those arrays and hands them to a fresh
``highspy.Highs`` (``addVars``, ``addRows``): the rise of its peak is what highspy needs for
the same matrix, the arrays included. Peaks are Linux's ``VmHWM``, reset by writing 5 to
``/proc/self/clear_refs`` when the measurement starts, so the scenario generation's own peak
does not count.

Prints, per size, the model's size, both peaks in MB and bytes per non-zero, and the ratio
build / highspy (issue 10's aim: at most 2); then where the build's memory goes: linopy holds
every constraint block as dense (row grid x most terms of a row) arrays of labels and
coefficients (16 bytes a slot), so the share of term slots filled, and the three blocks with
the most empty slots.

    .venv/bin/python benchmarks/bench_memory.py [--sizes 250,40,20,12 500,40,20,25 1000,40,20,50]
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SIZES = ["250,40,20,12", "500,40,20,25", "1000,40,20,50"]


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak() -> int:
    """Reset the peak to the current resident memory; return that (kB)."""
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")
    return _rss_kb("VmRSS")


def child_build(size: str, npz: str) -> dict[str, object]:
    import numpy as np

    from forceplan.model.build import build_model
    from forceplan.solve.highs import SolveOptions
    from forceplan.solve.lexicographic import make_backend
    from forceplan.synthetic import generate

    e, t, s, f = (int(x) for x in size.split(","))
    scenario = generate(e, t, s, f, seed=1)
    base = _reset_peak()
    bundle = build_model(scenario)
    backend = make_backend(bundle, SolveOptions())
    peak = _rss_kb("VmHWM")
    m = bundle.model.matrices
    a = m.A.tocsr()
    np.savez(
        npz,
        indptr=a.indptr,
        indices=a.indices,
        data=a.data,
        lb=np.asarray(m.lb, float),
        ub=np.asarray(m.ub, float),
        b=np.asarray(m.b, float),
        sense=np.asarray(m.sense).astype("U1"),
        shape=np.asarray(a.shape),
    )
    del backend
    slots = {
        name: (int(np.asarray(c.vars.values).size), int((np.asarray(c.vars.values) >= 0).sum()))
        for name, c in bundle.model.constraints.items()
    }
    padded = sorted(slots.items(), key=lambda kv: kv[1][1] - kv[1][0])[:3]
    return {
        "slots": float(sum(n for n, _ in slots.values())),
        "filled": float(sum(f for _, f in slots.values())),
        "padded": "; ".join(f"{k} {f / n:.0%} of {n:,}" for k, (n, f) in padded),  # type: ignore[dict-item]
        "rows": float(a.shape[0]),
        "cols": float(a.shape[1]),
        "nnz": float(a.nnz),
        "build_mb": (peak - base) / 1024,
    }


def child_highspy(npz: str) -> dict[str, float]:
    import highspy
    import numpy as np

    base = _reset_peak()
    z = np.load(npz)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    n = int(z["shape"][1])
    h.addVars(n, z["lb"], z["ub"])
    lower = np.where(z["sense"] != "<", z["b"], -np.inf)
    upper = np.where(z["sense"] != ">", z["b"], np.inf)
    h.addRows(
        int(z["shape"][0]), lower, upper, len(z["data"]), z["indptr"], z["indices"], z["data"]
    )
    peak = _rss_kb("VmHWM")
    return {"highspy_mb": (peak - base) / 1024}


def _run(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=SIZES, help="E,T,S,F of generate()")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        got = child_build(*rest) if kind == "build" else child_highspy(*rest)
        print(json.dumps(got))
        return
    print(
        "| size (E x T x S x F) | rows | cols | nonzeros | build peak MB | highspy peak MB "
        "| build B/nz | highspy B/nz | build / highspy |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    notes: list[str] = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            npz = str(Path(tmp) / "matrix.npz")
            built = _run("--child", "build", size, npz)
            ref = _run("--child", "highspy", npz)
        nnz = built["nnz"]
        b_mb, h_mb = built["build_mb"], ref["highspy_mb"]
        print(
            f"| {size.replace(',', ' x ')} | {built['rows']:,.0f} | {built['cols']:,.0f} "
            f"| {nnz:,.0f} | {b_mb:.1f} | {h_mb:.1f} | {b_mb * 2**20 / nnz:.0f} "
            f"| {h_mb * 2**20 / nnz:.0f} | **{b_mb / h_mb:.2f}** |",
            flush=True,
        )
        notes.append(
            f"- {size.replace(',', ' x ')}: {built['filled']:,.0f} of {built['slots']:,.0f} "
            f"constraint term slots filled ({built['filled'] / built['slots']:.0%}); most "
            f"empty: {built['padded']}"
        )
    print()
    print("\n".join(notes))


if __name__ == "__main__":
    main()
