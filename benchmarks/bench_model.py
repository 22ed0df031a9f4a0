"""Modelling-layer overhead of the planner against HiGHS's own solve time.

For generated scenarios (:func:`forceplan.synthetic.generate`) from small to
2,000 equipment types x 40 periods x 20 sources, it measures:

* ``build``: :func:`forceplan.model.build_model` (scenario -> linopy model), the
  fastest of ``--repeat`` builds;
* ``transfer``: handing the model to HiGHS (:class:`forceplan.solve.highs.HighsBackend`:
  linopy's matrices, then ``addVars``/``addRows`` on a highspy instance) and
  setting the objective;
* ``solve``: the HiGHS run inside forceplan;
* ``extract``: :func:`forceplan.results.extract.extract` (solution -> plan tables);
* ``reference``: the same model written out as MPS by that HiGHS instance, read
  by a fresh ``highspy.Highs`` and solved there with the same options (the
  solver's time with no modelling layer at all).

Times are CPU seconds of the process (HiGHS runs with one thread), which stay
steady on a shared machine where wall time does not; the JSON file has HiGHS's
own wall times too. It prints, per size, the overhead ratio (build + transfer +
extract) / reference solve time and the build time per million model non-zeros;
``--growth`` adds a build-only scan up to 8,000 types with a linear fit of build
time against non-zeros (the linear-growth check).

The objective is the scenario's ``weighted`` mode (one solver run on one
objective), so the reference solves exactly one model; ``--lp`` relaxes the
integer variables (as in DESIGN.md's measurement at 2,000 types).

Usage::

    .venv/bin/python benchmarks/bench_model.py            # the default sizes
    .venv/bin/python benchmarks/bench_model.py --quick    # the two smallest sizes
    .venv/bin/python benchmarks/bench_model.py --sizes 1000x40x20x50 --lp
    .venv/bin/python benchmarks/bench_model.py --growth     # + build time up to 8,000 types

Results go to ``benchmarks/results/bench_model-<timestamp>.json`` (and ``.md``;
the folder is gitignored). Never run as a test: speed is reported, not asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import platform
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import highspy
import numpy as np

from forceplan.model import build_model
from forceplan.model.objective import Stage, stages
from forceplan.results.extract import extract
from forceplan.solve.highs import HighsBackend, SolveOptions, StageOutcome, highs_version
from forceplan.solve.lexicographic import run_stages
from forceplan.solve.progress import ProgressCallback
from forceplan.synthetic import generate

RESULTS = Path(__file__).resolve().parent / "results"

CLOCK = time.process_time
"""CPU seconds of the process (all threads). The work is single-threaded (HiGHS with one
thread), and on a shared machine CPU time is far steadier than wall time."""

DEFAULT_SIZES = (
    (50, 10, 5, 6),
    (200, 20, 10, 12),
    (500, 40, 10, 25),
    (1000, 40, 20, 50),
    (2000, 40, 20, 50),
)
"""(equipment, periods, sources, formations) from small to beyond the issue's 1,000 x 40 x 20."""


@dataclass
class Row:
    """Timings (seconds) and model size of one benchmark case."""

    equipment: int
    periods: int
    sources: int
    formations: int
    variables: int
    constraints: int
    nonzeros: int
    integers: int
    generate: float
    build: float
    transfer: float
    solve: float
    solve_wall: float
    extract: float
    reference: float
    reference_wall: float
    status: str
    reference_status: str
    objective: float | None
    reference_objective: float | None

    @property
    def overhead(self) -> float:
        """build + transfer + extract."""
        return self.build + self.transfer + self.extract

    @property
    def ratio(self) -> float:
        """Overhead as a share of the reference solve time."""
        return self.overhead / self.reference if self.reference > 0 else math.inf

    @property
    def build_per_mnz(self) -> float:
        """Build seconds per million non-zeros."""
        return self.build / max(self.nonzeros / 1e6, 1e-9)


def _relax(backend: HighsBackend) -> None:
    """Make every column continuous (the LP relaxation)."""
    h = backend.h
    n = backend.n_cols
    if n:
        h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.zeros(n, dtype=np.uint8))
    backend.is_mip = False


class StageRecorder:
    """Wraps a HighsBackend: writes each stage's model as MPS before running it, times the runs.

    Used for the lexicographic mode, so that every stage the planner solves (with the
    bounds of the earlier stages) is solved again from its MPS file by a fresh HiGHS.
    """

    def __init__(self, inner: HighsBackend, folder: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self.folder = folder
        self.files: list[Path] = []
        self.solve = 0.0
        self.solve_wall = 0.0
        self.writing = 0.0
        self.statuses: list[str] = []

    def set_objective(self, stage: Stage) -> None:
        self.inner.set_objective(stage)

    def add_bound(self, stage: Stage, upper: float) -> None:
        self.inner.add_bound(stage, upper)

    def run(
        self, time_limit: float | None, phase: str, progress: ProgressCallback | None
    ) -> StageOutcome:
        path = self.folder / f"stage{len(self.files)}.mps"
        t0 = CLOCK()
        self.inner.h.writeModel(str(path))
        self.writing += CLOCK() - t0  # benchmark work, not forceplan's: left out of the figures
        self.files.append(path)
        t0 = CLOCK()
        out = self.inner.run(time_limit, phase, progress)
        self.solve += CLOCK() - t0
        self.solve_wall += out.seconds
        self.statuses.append(out.status)
        return out

    def values(self) -> np.ndarray | None:
        return self.inner.values()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)  # any other backend method, unchanged


def _reference(path: Path, gap: float, time_limit: float) -> tuple[float, float, str, float]:
    """Solve an MPS file with a fresh HiGHS: CPU s, wall s, status, objective."""
    ref = highspy.Highs()
    ref.setOptionValue("output_flag", False)
    ref.readModel(str(path))
    ref.setOptionValue("mip_rel_gap", float(gap))
    ref.setOptionValue("time_limit", float(time_limit))
    ref.setOptionValue("threads", 1)
    t0 = CLOCK()
    ref.run()
    cpu = CLOCK() - t0
    status = ref.modelStatusToString(ref.getModelStatus())
    return cpu, float(ref.getRunTime()), status, float(ref.getInfo().objective_function_value)


def run_case(
    size: tuple[int, int, int, int],
    seed: int,
    time_limit: float,
    lp: bool,
    repeat: int,
    mode: str = "weighted",
) -> Row:
    """Measure one size (build time: the fastest of *repeat* builds)."""
    n_eq, n_per, n_src, n_form = size
    t0 = CLOCK()
    scenario = generate(n_eq, n_per, n_src, n_form, seed=seed)
    t_gen = CLOCK() - t0

    builds = []
    for _ in range(max(1, repeat)):
        gc.collect()
        t0 = CLOCK()
        bundle = build_model(scenario)
        builds.append(CLOCK() - t0)
    t_build = min(builds)

    options = SolveOptions(time_limit=time_limit, gap=scenario.header.solver.gap, threads=1)
    t0 = CLOCK()
    backend = HighsBackend(bundle, options)
    if lp:
        _relax(backend)
    t_transfer = CLOCK() - t0
    integers = 0 if lp else int(len(bundle.model.integers) + len(bundle.model.binaries))
    nonzeros = int(backend.h.getNumNz())
    constraints = int(backend.h.getNumRow())

    with tempfile.TemporaryDirectory() as tmp:
        recorder = StageRecorder(backend, Path(tmp))
        t0 = CLOCK()
        result = run_stages(bundle, recorder, stages(bundle, mode), time_limit)  # type: ignore[arg-type]
        # objective changes and stage bounds: forceplan's own work between solver runs
        t_transfer += CLOCK() - t0 - recorder.solve - recorder.writing
        refs = [_reference(f, options.gap, time_limit) for f in recorder.files]
    t_solve, solve_wall = recorder.solve, recorder.solve_wall

    values = result.values
    t0 = CLOCK()
    if values is not None:
        extract(bundle, values)
    t_extract = CLOCK() - t0 if values is not None else math.nan
    t_ref = sum(r[0] for r in refs)
    ref_wall = sum(r[1] for r in refs)
    ref_status = ", ".join(r[2] for r in refs)
    ref_obj = refs[-1][3] if refs else math.nan
    outcome_status = result.status
    objective = None
    if values is not None:
        last = stages(bundle, mode)[len(refs) - 1]
        objective = float(last.terms.evaluate(values).sum()) / last.scale

    return Row(
        equipment=n_eq,
        periods=n_per,
        sources=n_src,
        formations=n_form,
        variables=int(backend.n_cols),
        constraints=constraints,
        nonzeros=nonzeros,
        integers=integers,
        generate=t_gen,
        build=t_build,
        transfer=t_transfer,
        solve=t_solve,
        solve_wall=solve_wall,
        extract=t_extract,
        reference=t_ref,
        reference_wall=ref_wall,
        status=outcome_status,
        reference_status=ref_status,
        objective=objective,
        reference_objective=float(ref_obj) if math.isfinite(ref_obj) else None,
    )


GROWTH_SIZES = (
    (1000, 40, 20, 50),
    (2000, 40, 20, 50),
    (4000, 40, 20, 50),
    (8000, 40, 20, 50),
)
"""Sizes of the build-growth scan (``--growth``): build and transfer only, no solve."""


@dataclass
class Growth:
    """Build and transfer time of one size (no solve)."""

    equipment: int
    periods: int
    sources: int
    formations: int
    variables: int
    constraints: int
    nonzeros: int
    build: float
    transfer: float


def growth_case(size: tuple[int, int, int, int], seed: int, repeat: int) -> Growth:
    """Build (fastest of *repeat*) and hand over one size, without solving."""
    scenario = generate(*size, seed=seed)
    builds = []
    for _ in range(max(1, repeat)):
        gc.collect()
        t0 = CLOCK()
        bundle = build_model(scenario)
        builds.append(CLOCK() - t0)
    t0 = CLOCK()
    backend = HighsBackend(bundle, SolveOptions(threads=1))
    t_transfer = CLOCK() - t0
    return Growth(
        *size,
        variables=int(backend.n_cols),
        constraints=int(backend.h.getNumRow()),
        nonzeros=int(backend.h.getNumNz()),
        build=min(builds),
        transfer=t_transfer,
    )


def growth_table(rows: list[Growth]) -> str:
    """The growth scan as a Markdown table, with the linear fit of build time."""
    lines = [
        "| size (E x T x S x F) | vars | rows | nonzeros | build s | transfer s | "
        "build s per M nz |",
        "|" + "---|" * 7,
    ]
    for g in rows:
        lines.append(
            f"| {g.equipment} x {g.periods} x {g.sources} x {g.formations} | {g.variables:,} | "
            f"{g.constraints:,} | {g.nonzeros:,} | {g.build:.2f} | {g.transfer:.2f} | "
            f"{g.build / (g.nonzeros / 1e6):.2f} |"
        )
    if len(rows) >= 2:
        x = np.array([g.nonzeros / 1e6 for g in rows])
        y = np.array([g.build for g in rows])
        per, fixed = np.polyfit(x, y, 1)
        worst = max(abs(yi - (fixed + per * xi)) / yi for xi, yi in zip(x, y, strict=True))
        lines.append("")
        lines.append(
            f"Build time = {fixed:.2f} s fixed + {per:.2f} s per million non-zeros "
            f"(largest deviation from that line {100 * worst:.0f}%)."
        )
    return "\n".join(lines)


def slope(rows: list[Row]) -> float | None:
    """Least-squares slope of log(build) against log(non-zeros) (1.0 = linear, < 1 sublinear)."""
    pts = [(math.log(r.nonzeros), math.log(r.build)) for r in rows if r.nonzeros and r.build > 0]
    if len(pts) < 2:
        return None
    x, y = np.array(pts).T
    return float(np.polyfit(x, y, 1)[0])


def linear_fit(rows: list[Row]) -> tuple[float, float] | None:
    """Build time = fixed + per_mnz x (non-zeros / 1e6), least squares: (fixed, per_mnz)."""
    if len(rows) < 2:
        return None
    x = np.array([r.nonzeros / 1e6 for r in rows])
    y = np.array([r.build for r in rows])
    per, fixed = np.polyfit(x, y, 1)
    return float(fixed), float(per)


def residual(rows: list[Row]) -> float | None:
    """Largest relative deviation of a build time from the linear fit."""
    fit = linear_fit(rows)
    if fit is None:
        return None
    fixed, per = fit
    return max(abs(r.build - (fixed + per * r.nonzeros / 1e6)) / r.build for r in rows)


def table(rows: list[Row], lp: bool, mode: str = "weighted") -> str:
    """The results as a Markdown table."""
    head = (
        "| size (E x T x S x F) | vars | rows | nonzeros | int | build s | transfer s | "
        "extract s | HiGHS in forceplan s | HiGHS on MPS s | overhead / solver | "
        "build s per M nz |"
    )
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        lines.append(
            f"| {r.equipment} x {r.periods} x {r.sources} x {r.formations} | {r.variables:,} | "
            f"{r.constraints:,} | {r.nonzeros:,} | {r.integers} | {r.build:.2f} | "
            f"{r.transfer:.2f} | {r.extract:.2f} | {r.solve:.2f} | {r.reference:.2f} | "
            f"{r.ratio:.3f} | {r.build_per_mnz:.2f} |"
        )
    lines.append("")
    lines.append(
        f"Model: {'LP relaxation' if lp else 'MILP'}, {mode} objective"
        + (" (3 stages; HiGHS on MPS solves each stage's model cold)" if mode != "weighted" else "")
        + ", HiGHS with 1 thread; CPU seconds (build: fastest of the repeats)."
    )
    s, fit, res = slope(rows), linear_fit(rows), residual(rows)
    if s is not None and fit is not None and res is not None:
        lines.append(
            f"Build time = {fit[0]:.2f} s fixed + {fit[1]:.2f} s per million non-zeros "
            f"(largest deviation from that line {100 * res:.0f}%); log-log slope {s:.2f} "
            "(1.00 = proportional; below 1 while the fixed part dominates)."
        )
    return "\n".join(lines)


def _parse_sizes(text: str) -> list[tuple[int, int, int, int]]:
    out = []
    for part in text.split(","):
        nums = [int(x) for x in part.lower().split("x")]
        if len(nums) == 3:
            nums.append(max(4, nums[0] // 20))
        if len(nums) != 4:
            raise SystemExit(f"--sizes: {part!r} must be E x T x S [x F], e.g. 1000x40x20x50")
        out.append((nums[0], nums[1], nums[2], nums[3]))
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the ratios."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", help="comma-separated ExTxS[xF] sizes, e.g. 50x10x5,1000x40x20x50")
    p.add_argument("--quick", action="store_true", help="only the two smallest default sizes")
    p.add_argument("--lp", action="store_true", help="solve the LP relaxation")
    p.add_argument(
        "--mode",
        choices=("weighted", "lexicographic"),
        default="weighted",
        help="objective mode: one weighted solve (default) or the planner's three stages",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--time-limit", type=float, default=600.0)
    p.add_argument("--repeat", type=int, default=5, help="builds per size (the fastest counts)")
    p.add_argument(
        "--growth", action="store_true", help="also scan build time up to 8,000 types (no solve)"
    )
    args = p.parse_args(argv)
    sizes = _parse_sizes(args.sizes) if args.sizes else list(DEFAULT_SIZES)
    if args.quick:
        sizes = sizes[:2]
    rows: list[Row] = []
    # a first tiny build pays one-off import and cache costs outside the figures
    build_model(generate(5, 3, 2, 2, seed=args.seed))
    for size in sizes:
        print(f"size {'x'.join(map(str, size))} ...", flush=True)
        row = run_case(size, args.seed, args.time_limit, args.lp, args.repeat, args.mode)
        rows.append(row)
        print(
            f"  build {row.build:.2f} s, transfer {row.transfer:.2f} s, extract "
            f"{row.extract:.2f} s, HiGHS {row.solve:.2f} s ({row.status}), "
            f"HiGHS on MPS {row.reference:.2f} s ({row.reference_status}); "
            f"overhead/solver {row.ratio:.3f}",
            flush=True,
        )
    md = table(rows, args.lp, args.mode)
    growth: list[Growth] = []
    if args.growth:
        for size in GROWTH_SIZES:
            print(f"growth {'x'.join(map(str, size))} ...", flush=True)
            growth.append(growth_case(size, args.seed, args.repeat))
        md += "\n\n" + growth_table(growth)
    print()
    print(md)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%dT%H%M%S")
    meta = {
        "created": stamp,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "highs": highs_version(),
        "highspy": getattr(highspy, "__version__", ""),
        "lp": args.lp,
        "mode": args.mode,
        "seed": args.seed,
        "slope": slope(rows),
        "linear_fit": linear_fit(rows),
        "repeat": args.repeat,
    }
    payload = {
        "meta": meta,
        "rows": [asdict(r) | {"ratio": r.ratio, "overhead": r.overhead} for r in rows],
        "growth": [asdict(g) for g in growth],
    }
    (RESULTS / f"bench_model-{stamp}.json").write_text(json.dumps(payload, indent=2) + "\n")
    (RESULTS / f"bench_model-{stamp}.md").write_text(md + "\n")
    print(f"\nresults written to {RESULTS}/bench_model-{stamp}.json (.md)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
