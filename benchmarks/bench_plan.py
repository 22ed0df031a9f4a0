"""The whole main job against its solve: ``forceplan plan`` wall and CPU time, HiGHS's solve
time, and the split by phase, in one run, on the notional scenario and on generated scenarios
of twice and four times its size.

Each case runs ``forceplan plan SCENARIO --out DIR`` as a child process (the real command:
explain and report included unless ``--no-explain`` / ``--no-report``) and reads:

* the child's CPU seconds (``resource.getrusage(RUSAGE_CHILDREN)``, HiGHS's threads included)
  and its wall seconds;
* ``summary.json``: the wall seconds of each phase (load, validate, build, solve, extract,
  explain, write, report), and ``solve_cpu`` (the CPU seconds of the solve phase: HiGHS and
  the stage loop around it).

It prints the ratios **whole CPU / solve CPU** and **whole wall / solve wall** (the issue's
aim: at most 1.5 for the default notional run) and each phase's share of the wall time. The
machine is shared, so absolute times are noisy: compare ratios and CPU seconds.

The generated scenarios are :func:`forceplan.synthetic.generate` with the notional
scenario's counts (equipment types, periods, sources, formations) times the factor.

Usage::

    .venv/bin/python benchmarks/bench_plan.py                 # notional, 2x, 4x
    .venv/bin/python benchmarks/bench_plan.py --factors 1     # notional and 1x generated
    .venv/bin/python benchmarks/bench_plan.py --no-report --time-limit 300

Results go to ``benchmarks/results/bench_plan-<timestamp>.json`` and ``.md``. Never a test.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
PHASES = ("load", "validate", "build", "solve", "extract", "explain", "write", "report")


def _forceplan() -> list[str]:
    return [str(Path(sys.executable).parent / "forceplan")]


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_case(name: str, scenario: Path, work: Path, flags: list[str]) -> dict[str, Any]:
    """One ``forceplan plan`` run: its wall and CPU seconds and its summary's phase times."""
    out = work / f"run-{name}"
    cpu0, wall0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [*_forceplan(), "plan", str(scenario), "--out", str(out), *flags],
        capture_output=True,
        text=True,
        check=False,
    )
    wall, cpu = time.perf_counter() - wall0, _children_cpu() - cpu0
    if done.returncode not in (0, 3):
        raise SystemExit(f"{name}: forceplan plan exited {done.returncode}:\n{done.stderr}")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    t = summary["timings"]
    phases = {p: float(t.get(p, 0.0)) for p in PHASES}
    report = phases["report"]
    if report == 0.0 and (out / "report.html").exists():
        phases["report"] = max(wall - sum(phases.values()), 0.0)  # after summary.json
    return {
        "scenario": name,
        "status": summary["status"],
        "gap": summary.get("gap"),
        "wall": wall,
        "cpu": cpu,
        "solve_wall": phases["solve"],
        "solve_cpu": float(t.get("solve_cpu", float("nan"))),
        "phases": phases,
        "explain_split": {k: float(t.get(f"explain:{k}", 0.0)) for k in EXPLAIN_STEPS},
        "cpu_over_solve": cpu / float(t.get("solve_cpu", float("nan"))),
        "wall_over_solve": wall / phases["solve"] if phases["solve"] else float("nan"),
    }


EXPLAIN_STEPS = ("formations", "binding", "remedies")
"""explain's steps in summary.json (``explain:<step>``): the formation allocation, pricing
what binds, what closes the gaps."""


def explain_table(rows: list[dict[str, Any]]) -> str:
    """explain's wall seconds by step, as Markdown."""
    lines = [
        "| scenario | explain s | " + " | ".join(f"{k} s" for k in EXPLAIN_STEPS) + " |",
        "|" + "---|" * (2 + len(EXPLAIN_STEPS)),
    ]
    for r in rows:
        split = " | ".join(f"{r['explain_split'][k]:.1f}" for k in EXPLAIN_STEPS)
        lines.append(f"| {r['scenario']} | {r['phases']['explain']:.1f} | {split} |")
    return "\n".join(lines)


def table(rows: list[dict[str, Any]]) -> str:
    """The results as Markdown."""
    head = (
        "| scenario | status | whole wall s | whole CPU s | solve wall s | solve CPU s "
        "| CPU / solve CPU | wall / solve wall | " + " | ".join(f"{p} %" for p in PHASES) + " |"
    )
    lines = [head, "|" + "---|" * (8 + len(PHASES))]
    for r in rows:
        shares = " | ".join(f"{100 * r['phases'][p] / r['wall']:.0f}" for p in PHASES)
        lines.append(
            f"| {r['scenario']} | {r['status']} | {r['wall']:.1f} | {r['cpu']:.1f} | "
            f"{r['solve_wall']:.1f} | {r['solve_cpu']:.1f} | {r['cpu_over_solve']:.2f} | "
            f"{r['wall_over_solve']:.2f} | {shares} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the cases and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--factors", default="2,4", help="sizes of the generated scenarios")
    ap.add_argument("--no-notional", action="store_true")
    ap.add_argument("--no-report", action="store_true")
    ap.add_argument("--no-explain", action="store_true")
    ap.add_argument("--time-limit", type=float, default=None)
    args = ap.parse_args(argv)
    from forceplan.examples import notional, notional_path

    flags = [
        f for f, on in (("--no-report", args.no_report), ("--no-explain", args.no_explain)) if on
    ]
    if args.time_limit is not None:
        flags += ["--time-limit", str(args.time_limit)]
    n = notional()
    counts = (
        len(n.tables["equipment"]),
        n.header.periods,
        len(n.tables["sources"]),
        len(n.tables["formations"]),
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.no_notional:
            rows.append(run_case("notional", notional_path(), work, flags))
            print(table(rows[-1:]), flush=True)
        for factor in [int(x) for x in args.factors.split(",") if x]:
            e, t, s, f = counts[0] * factor, counts[1], counts[2] * factor, counts[3] * factor
            folder = work / f"gen-{factor}x"
            subprocess.run(
                [*_forceplan(), "example", "--synthetic", f"{e},{t},{s},{f}", str(folder)],
                check=True,
                capture_output=True,
            )
            rows.append(run_case(f"{factor}x ({e}x{t}x{s}x{f})", folder, work, flags))
            print(table(rows[-1:]), flush=True)
    text = table(rows) + "\n\n" + explain_table(rows)
    print("\n" + text)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"bench_plan-{stamp}.json").write_text(json.dumps(rows, indent=2) + "\n")
    (RESULTS / f"bench_plan-{stamp}.md").write_text(text + "\n")
    print(f"\nresults written to {RESULTS}/bench_plan-{stamp}.json (.md)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
