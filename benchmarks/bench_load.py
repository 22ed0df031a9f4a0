"""Loading, validating and writing scenarios: CSV folder against Excel workbook.

For the shipped notional scenario and a generated one (default 1,000 equipment
types x 40 periods x 20 sources x 50 formations, :func:`forceplan.synthetic.generate`)
it measures, in each format:

* ``write``: :func:`forceplan.io.csv_folder.write_folder` or
  :func:`forceplan.io.excel.write_workbook` (typed tables -> files);
* ``read``: reading the files into raw string tables
  (:func:`forceplan.io.load.read_source`, no validation);
* ``parse``: the header model and every table checked against its schema and
  converted to typed columns (:func:`forceplan.validate.columns.parse_table`);
* ``rules``: the cross-table rules (:data:`forceplan.validate.rules.RULES`);
* ``load``: :func:`forceplan.io.load.load_scenario` end to end (read + validate).

Each figure is the CPU time of this process (``time.process_time``), best of
``--repeat`` runs: the work is single-threaded and CPU-bound, and CPU time is far
less disturbed than wall time by other work on a shared machine (wall times are
saved in the JSON file too). It prints a table and the ratios that say how the cost scales:
validation time per 1,000 rows, workbook / CSV time for reading and writing, and
rules / parse time; the slowest rules are listed too.

Usage::

    .venv/bin/python benchmarks/bench_load.py                    # notional + 1000x40x20x50
    .venv/bin/python benchmarks/bench_load.py --sizes 200x20x10x20 --repeat 5

Results go to ``benchmarks/results/bench_load-<timestamp>.json`` (and ``.md``;
the folder is gitignored). Never run as a test: speed is reported, not asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from forceplan import examples
from forceplan.domain.scenario import Scenario
from forceplan.domain.schema import schemas
from forceplan.io.csv_folder import SourceData, write_folder
from forceplan.io.excel import write_workbook
from forceplan.io.load import load_scenario, read_source
from forceplan.synthetic import generate
from forceplan.validate.columns import ParsedTable, parse_table
from forceplan.validate.header import validate_header
from forceplan.validate.rules import RULES, Context

RESULTS = Path(__file__).resolve().parent / "results"
STEPS = ("write", "read", "parse", "rules", "load")


@dataclass
class Measure:
    """Best-of-n timings (CPU seconds; wall seconds too) of one scenario in one format."""

    scenario: str
    format: str
    rows: int
    cells: int
    bytes: int
    seconds: dict[str, float] = field(default_factory=dict)
    wall_seconds: dict[str, float] = field(default_factory=dict)
    rule_seconds: dict[str, float] = field(default_factory=dict)


WALL: dict[int, float] = {}
"""Best wall time of the last :func:`best` call (keyed 0)."""


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Smallest CPU time of *repeat* calls of *fn*, and the last result.

    The smallest wall time of the same calls is left in ``WALL[0]``.
    """
    cpu, wall, result = [], [], None
    for _ in range(repeat):
        t, w = time.process_time(), time.perf_counter()
        result = fn()
        cpu.append(time.process_time() - t)
        wall.append(time.perf_counter() - w)
    WALL[0] = min(wall)
    return min(cpu), result


def parse_all(source: SourceData) -> tuple[Any, dict[str, ParsedTable]]:
    """The validated header and every parsed table (the schema checks of load_scenario)."""
    header, _ = validate_header(
        source.header_data, source.header_file, source.header_sheet, source.header_lines
    )
    periods = header.period_labels if header is not None else None
    parsed = {}
    for name, schema in schemas().items():
        parsed[name], _ = parse_table(source.tables[name], schema, periods)
    return header, parsed


def measure(label: str, s: Scenario, fmt: str, work: Path, repeat: int) -> Measure:
    """Time writing, reading, parsing, rules and loading *s* in format *fmt*."""
    path = work / (f"{label}.xlsx" if fmt == "xlsx" else label)

    def write() -> None:
        if fmt == "xlsx":
            write_workbook(s.header, s.tables, path)
        else:
            write_folder(s.header, s.tables, path, overwrite=True)

    rows = sum(len(t) for t in s.tables.values())
    cells = sum(t.size for t in s.tables.values())
    m = Measure(label, fmt, rows, cells, 0)
    m.seconds["write"], _ = best(write, repeat)
    m.wall_seconds["write"] = WALL[0]
    files = [path] if path.is_file() else list(path.iterdir())
    m.bytes = sum(f.stat().st_size for f in files)
    m.seconds["read"], source = best(lambda: read_source(path), repeat)
    m.wall_seconds["read"] = WALL[0]
    m.seconds["parse"], (header, parsed) = best(lambda: parse_all(source), repeat)
    m.wall_seconds["parse"] = WALL[0]
    ctx = Context(header, parsed, source.header_file, source.header_sheet)
    for rule in RULES:
        m.rule_seconds[rule.__name__], _ = best(lambda rule=rule: rule(ctx), repeat)
    m.seconds["rules"] = sum(m.rule_seconds.values())
    m.seconds["load"], loaded = best(lambda: load_scenario(path), repeat)
    m.wall_seconds["load"] = WALL[0]
    assert sum(len(t) for t in loaded.tables.values()) == rows, "the files lost rows"
    return m


def ratios(ms: list[Measure]) -> dict[str, dict[str, float]]:
    """Per scenario: how the costs compare (dimensionless or per 1,000 rows)."""
    out: dict[str, dict[str, float]] = {}
    for label in dict.fromkeys(m.scenario for m in ms):
        csv = next(m for m in ms if m.scenario == label and m.format == "csv")
        xlsx = next(m for m in ms if m.scenario == label and m.format == "xlsx")
        validate = csv.seconds["parse"] + csv.seconds["rules"]
        out[label] = {
            "validate_ms_per_1000_rows": 1000 * validate / csv.rows * 1000,
            "load_csv_ms_per_1000_rows": 1000 * csv.seconds["load"] / csv.rows * 1000,
            "load_xlsx_ms_per_1000_rows": 1000 * xlsx.seconds["load"] / csv.rows * 1000,
            "read_xlsx_over_csv": xlsx.seconds["read"] / csv.seconds["read"],
            "write_xlsx_over_csv": xlsx.seconds["write"] / csv.seconds["write"],
            "load_xlsx_over_csv": xlsx.seconds["load"] / csv.seconds["load"],
            "rules_over_parse": csv.seconds["rules"] / csv.seconds["parse"],
            "validate_share_of_csv_load": validate / csv.seconds["load"],
        }
    return out


def table_text(ms: list[Measure]) -> str:
    """The timings as a Markdown table."""
    head = "| scenario | format | rows | size (kB) | " + " | ".join(f"{s} (CPU s)" for s in STEPS)
    lines = [head + " | load (wall s) |", "|" + "---|" * (5 + len(STEPS))]
    for m in ms:
        cols = [m.scenario, m.format, str(m.rows), f"{m.bytes / 1024:.0f}"]
        cols += [f"{m.seconds[s]:.3f}" for s in STEPS]
        cols.append(f"{m.wall_seconds['load']:.3f}")
        lines.append("| " + " | ".join(cols) + " |")
    return "\n".join(lines)


def ratio_text(rs: dict[str, dict[str, float]]) -> str:
    """The ratios as a Markdown table (one column per scenario)."""
    labels = list(rs)
    keys = list(next(iter(rs.values())))
    lines = ["| ratio | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(f"{rs[lb][k]:.2f}" for lb in labels) + " |")
    return "\n".join(lines)


def slowest_rules(ms: list[Measure], n: int = 5) -> str:
    """The slowest cross-table rules on each scenario (CSV form)."""
    lines = []
    for m in ms:
        if m.format != "csv":
            continue
        top = sorted(m.rule_seconds.items(), key=lambda kv: -kv[1])[:n]
        lines.append(
            f"- {m.scenario}: " + ", ".join(f"{name} {1000 * sec:.1f} ms" for name, sec in top)
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print and save the results."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--sizes",
        default="1000x40x20x50",
        help="generated scenario N_EQUIPMENT x N_PERIODS x N_SOURCES x N_FORMATIONS",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the generated scenario")
    p.add_argument("--repeat", type=int, default=5, help="runs per figure (best is kept)")
    p.add_argument("--no-notional", action="store_true", help="skip the notional scenario")
    args = p.parse_args(argv)
    sizes = tuple(int(x) for x in args.sizes.lower().split("x"))
    if len(sizes) != 4:
        p.error("--sizes takes four numbers, e.g. 1000x40x20x50")

    scenarios: list[tuple[str, Scenario]] = []
    if not args.no_notional and examples.notional_path().is_dir():
        scenarios.append(("notional", examples.notional()))
    gen_seconds, generated = best(lambda: generate(*sizes, seed=args.seed), args.repeat)
    scenarios.append(("x".join(map(str, sizes)), generated))

    ms: list[Measure] = []
    with tempfile.TemporaryDirectory(prefix="forceplan-bench-load-") as d:
        for label, s in scenarios:
            for fmt in ("csv", "xlsx"):
                print(f"measuring {label} ({fmt}) ...", file=sys.stderr, flush=True)
                ms.append(measure(label, s, fmt, Path(d), args.repeat))
    rs = ratios(ms)
    print(table_text(ms))
    print()
    print(ratio_text(rs))
    print()
    print("slowest rules:")
    print(slowest_rules(ms))
    print(f"\ngenerating {scenarios[-1][0]} (seed {args.seed}, validated): {gen_seconds:.3f} CPU s")

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    meta = {
        "date": datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor(),
        "repeat": args.repeat,
        "generate_seconds": gen_seconds,
    }
    payload = {"meta": meta, "measures": [asdict(m) for m in ms], "ratios": rs}
    (RESULTS / f"bench_load-{stamp}.json").write_text(json.dumps(payload, indent=2))
    (RESULTS / f"bench_load-{stamp}.md").write_text(
        f"# bench_load {meta['date']}\n\n{table_text(ms)}\n\n{ratio_text(rs)}\n\n"
        f"slowest rules:\n\n{slowest_rules(ms)}\n"
    )
    print(f"\nresults written to {RESULTS}/bench_load-{stamp}.json (.md)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
