"""Hostile and careless input: validation cost bounded by the data, not by what a file claims.

Each case validates the shipped notional scenario with one hostile edit, in a
fresh child process (so peak memory is the case's own), and compares its CPU
time and peak resident memory with the unedited scenario in the same format:

* ``xlsx-stray-cell``: one value at row 1,048,576 of the equipment sheet (column AD);
* ``xlsx-stray-cell-wide``: the same at column XFD (16,384), the widest sheet Excel allows;
* ``xlsx-stray-formatting``: a formatted empty cell there instead of a value;
* ``csv-billion-laughs``: a 1 KB header of nine levels, each aliasing the previous nine times;
* ``csv-deep-nesting``: a header nested 5,000 levels deep (flow style);
* ``csv-20k-errors``: 20,000 inventory rows with an unknown equipment id, through
  ``forceplan validate`` (the printed lines are counted too: at most 50 problems).

The bounds are ratios to the unedited scenario in the same run (time at most
3x, memory at most 1.5x, plus a fixed 0.5 s / 40 MB allowance for the child's own noise);
the 20k-error case is bounded by printed lines only. The script prints a table,
says which bounds hold and exits 1 when one does not. Never run as a test:
speed is reported and checked here, not asserted in the suite.

Usage::

    .venv/bin/python benchmarks/bench_hostile.py

Results go to ``benchmarks/results/bench_hostile-<timestamp>.json`` (gitignored).
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
TIME_RATIO, MEMORY_RATIO = 3.0, 1.5
TIME_SLACK_S, MEMORY_SLACK_MB = 0.5, 40.0
MAX_PRINTED = 50 + 3  # problems, the '... and N more' line, the verdict, a spare

LAUGHS = "lol0: &a0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 9)
)


def make_cases(root: Path) -> dict[str, tuple[Path, str]]:
    """Case name -> (scenario path, baseline case name)."""
    import openpyxl

    from forceplan import examples
    from forceplan.io.csv_folder import write_folder
    from forceplan.io.excel import write_workbook

    s = examples.notional()
    folder = write_folder(s.header, s.tables, root / "csv-base")
    book = write_workbook(s.header, s.tables, root / "xlsx-base.xlsx")
    cases: dict[str, tuple[Path, str]] = {
        "csv-base": (folder, "csv-base"),
        "xlsx-base": (book, "xlsx-base"),
    }
    for name, column, value in (
        ("xlsx-stray-cell", 30, "x"),
        ("xlsx-stray-cell-wide", 16_384, "x"),
        ("xlsx-stray-formatting", 30, None),
    ):
        path = Path(shutil.copy(book, root / f"{name}.xlsx"))
        wb = openpyxl.load_workbook(path)
        cell = wb["equipment"].cell(row=1_048_576, column=column)
        if value is None:
            cell.font = openpyxl.styles.Font(bold=True)
        else:
            cell.value = value
        wb.save(path)
        cases[name] = (path, "xlsx-base")
    for name, extra in (
        ("csv-billion-laughs", LAUGHS),
        ("csv-deep-nesting", "deep: " + "[" * 5000 + "]" * 5000 + "\n"),
    ):
        path = Path(shutil.copytree(folder, root / name))
        header = path / "scenario.yaml"
        header.write_text(header.read_text(encoding="utf-8") + extra, encoding="utf-8")
        cases[name] = (path, "csv-base")
    path = Path(shutil.copytree(folder, root / "csv-20k-errors"))
    inv = path / "inventory.csv"
    lines = inv.read_text(encoding="utf-8").splitlines()
    width = lines[0].count(",")
    lines += [f"ghost-{i}" + ",1" * width for i in range(20_000)]
    inv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cases["csv-20k-errors"] = (path, "csv-base")
    return cases


def measure_one(path: str, cli: bool) -> dict[str, Any]:
    """Validate *path* in this process: CPU seconds, peak RSS (MB), problems, printed lines."""
    from typer.testing import CliRunner

    from forceplan.cli.app import app
    from forceplan.io.load import validate_path

    t0, w0 = time.process_time(), time.perf_counter()
    printed = problems = None
    if cli:
        result = CliRunner().invoke(app, ["validate", path])
        printed = len(result.output.splitlines())
    else:
        problems = len(validate_path(path)[1])
    return {
        "cpu_s": time.process_time() - t0,
        "wall_s": time.perf_counter() - w0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "problems": problems,
        "printed_lines": printed,
    }


def run_child(path: Path, cli: bool) -> dict[str, Any]:
    args = [sys.executable, __file__, "--one", str(path)] + (["--cli"] if cli else [])
    out = subprocess.run(args, capture_output=True, text=True, timeout=900, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    if "--one" in sys.argv:
        path = sys.argv[sys.argv.index("--one") + 1]
        print(json.dumps(measure_one(path, "--cli" in sys.argv)))
        return 0
    root = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        cases = make_cases(root)
        # the baseline child imports the same modules: its peak memory is the floor
        results = {
            name: run_child(path, cli=name.endswith("errors")) for name, (path, _) in cases.items()
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)
    failed = []
    print(f"{'case':<24} {'cpu s':>7} {'x base':>7} {'peak MB':>8} {'x base':>7}  bound")
    for name, (_, base) in cases.items():
        r, b = results[name], results[base]
        t_ratio, m_ratio = r["cpu_s"] / max(b["cpu_s"], 1e-9), r["peak_mb"] / b["peak_mb"]
        if name.endswith("errors"):
            ok = r["printed_lines"] <= MAX_PRINTED
            bound = f"printed {r['printed_lines']} lines (<= {MAX_PRINTED})"
        else:
            ok = (
                r["cpu_s"] <= TIME_RATIO * b["cpu_s"] + TIME_SLACK_S
                and r["peak_mb"] <= MEMORY_RATIO * b["peak_mb"] + MEMORY_SLACK_MB
            )
            bound = f"time <= {TIME_RATIO}x, memory <= {MEMORY_RATIO}x (+slack)"
        r.update(time_ratio=t_ratio, memory_ratio=m_ratio, within_bounds=ok, baseline=base)
        if not ok:
            failed.append(name)
        print(
            f"{name:<24} {r['cpu_s']:7.2f} {t_ratio:7.2f} {r['peak_mb']:8.0f} {m_ratio:7.2f}  "
            f"{'ok' if ok else 'EXCEEDED'}: {bound}"
        )
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"bench_hostile-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
    print("all bounds hold" if not failed else f"bounds exceeded: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
