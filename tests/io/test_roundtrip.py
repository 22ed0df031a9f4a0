"""Round trips between the CSV-folder and Excel-workbook formats, property-based.

CSV -> xlsx -> CSV must give the same files byte for byte, and xlsx -> CSV -> xlsx
the same cell values, for generated scenarios of any size and for adversarial text
(unicode, separators, quotes, line breaks, spaces, number-like and formula-like
strings) in the free-text columns and the header.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forceplan import examples
from forceplan.domain.scenario import Scenario
from forceplan.domain.schema import schemas
from forceplan.io.csv_folder import HEADER_FILE, write_folder
from forceplan.io.excel import write_workbook
from forceplan.io.load import load_scenario
from forceplan.io.records import from_records
from forceplan.synthetic import generate

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

TRICKY = [
    "007",
    "1e5",
    "-0",
    "0.10",
    "1,000",
    "NaN",
    "NA",
    "null",
    "~",
    "TRUE",
    "yes",
    "#N/A",
    "=SUM(A1:A2)",
    "=1+1",
    "+1",
    "-1",
    "@x",
    "'quoted",
    '"',
    'say "hi", then go',
    "a,b,,c",
    " leading",
    "trailing ",
    "  ",
    "\t",
    "line\nbreak",
    "cr\r\nlf",
    "lone\rcr",
    "\n",
    "x: y",
    "- item",
    "[a, b]",
    "{a: 1}",
    "&anchor *alias !tag %",
    "# not a comment",
    "Ünïcødé 🚀 Київ",
    "\u2028\u2029\x85",
    "\ufeffbom",
    "_x000D_ literal",
    "_x005F_x0041_",
    "bell\x07vt\x0bff\x0c",
    "\ufffe\uffff",
]
"""Hand-picked strings that broke, or could break, one of the formats."""

# any unicode text UTF-8 can encode, except NUL: a CSV file holding NUL is refused as binary
_chars = st.characters(codec="utf-8", exclude_characters="\x00")
text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(_chars, max_size=24),
    st.lists(st.sampled_from(TRICKY) | st.text(_chars, max_size=3), max_size=4).map("".join),
)
"""Adversarial free text."""

FREE_TEXT: dict[str, list[str]] = {
    "standards": ["name", "reference", "source"],
    "munitions": ["name", "source"],
    "equipment": ["name", "source"],
    "formations": ["name", "source"],
    "inventory": ["source"],
    "sources": ["source"],
    "lines": ["source"],
    "budgets": ["source"],
    "attrition": ["source"],
}
"""Free-text columns (name, description, source) the adversarial text goes into."""


@contextmanager
def _workdir() -> Iterator[Path]:
    # hypothesis reruns the test body; pytest's tmp_path is made once per test function
    with tempfile.TemporaryDirectory(prefix="forceplan-rt-") as d:
        yield Path(d)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path)
    return {
        ws.title: [tuple((c.value, c.data_type) for c in row) for row in ws.iter_rows()]
        for ws in wb.worksheets
    }


def _assert_same_scenario(a: Scenario, b: Scenario) -> None:
    assert a.header == b.header
    for name in schemas():
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)


def assert_csv_xlsx_csv_identical(s: Scenario, work: Path) -> Scenario:
    """write_folder -> load -> write_workbook -> load -> write_folder; files identical."""
    write_folder(s.header, s.tables, work / "a")
    a = load_scenario(work / "a")
    write_workbook(a.header, a.tables, work / "a.xlsx")
    b = load_scenario(work / "a.xlsx")
    write_folder(b.header, b.tables, work / "c")
    first, second = _files(work / "a"), _files(work / "c")
    written = [t for t, sc in schemas().items() if not sc.optional or len(a.tables[t])]
    assert sorted(first) == sorted([HEADER_FILE, *(f"{t}.csv" for t in written)])
    assert first.keys() == second.keys()
    changed = [name for name in first if first[name] != second[name]]
    assert changed == [], f"files changed by the round trip: {changed}"
    _assert_same_scenario(a, b)
    return a


def assert_xlsx_csv_xlsx_same_cells(s: Scenario, work: Path) -> None:
    """write_workbook -> load -> write_folder -> load -> write_workbook; same cell values."""
    write_workbook(s.header, s.tables, work / "x1.xlsx")
    a = load_scenario(work / "x1.xlsx")
    write_folder(a.header, a.tables, work / "f")
    b = load_scenario(work / "f")
    write_workbook(b.header, b.tables, work / "x2.xlsx")
    first, second = _cells(work / "x1.xlsx"), _cells(work / "x2.xlsx")
    assert list(first) == list(second)
    for sheet in first:
        assert first[sheet] == second[sheet], f"sheet {sheet} differs"
    # text that looks like a formula stays text
    for rows in first.values():
        for row in rows:
            for value, kind in row:
                if isinstance(value, str) and value.startswith("="):
                    assert kind == "s", value
    _assert_same_scenario(a, b)


@st.composite
def sizes(draw: st.DrawFn) -> tuple[int, int, int, int, int]:
    return (
        draw(st.integers(1, 40)),
        draw(st.integers(1, 12)),
        draw(st.integers(1, 8)),
        draw(st.integers(1, 6)),
        draw(st.integers(0, 2**32 - 1)),
    )


@SETTINGS
@given(sizes())
def test_generated_scenarios_csv_xlsx_csv_is_byte_identical(
    size: tuple[int, int, int, int, int],
) -> None:
    *dims, seed = size
    s = generate(*dims, seed=seed)
    with _workdir() as work:
        a = assert_csv_xlsx_csv_identical(s, work)
    _assert_same_scenario(s, a)  # and the files hold what was generated


@st.composite
def with_text(draw: st.DrawFn) -> Scenario:
    """A small generated scenario with adversarial text in every free-text column."""
    dims = (draw(st.integers(1, 12)), draw(st.integers(1, 3)), 3, 2)
    s = generate(*dims, seed=draw(st.integers(0, 1000)))
    tables = {k: v.copy() for k, v in s.tables.items()}
    for table, columns in FREE_TEXT.items():
        n = len(tables[table])
        for col in columns:
            tables[table][col] = draw(st.lists(text, min_size=n, max_size=n))
    header = s.header.model_copy(
        # the header strips surrounding whitespace; a name must keep at least one character
        update={"name": draw(text.filter(str.strip)), "description": draw(text)}
    )
    return from_records(header, tables)


@SETTINGS
@given(with_text())
def test_adversarial_text_csv_xlsx_csv_is_byte_identical(s: Scenario) -> None:
    with _workdir() as work:
        a = assert_csv_xlsx_csv_identical(s, work)
    _assert_same_scenario(s, a)


@settings(SETTINGS, max_examples=6)
@given(with_text())
def test_adversarial_text_xlsx_csv_xlsx_keeps_cell_values(s: Scenario) -> None:
    with _workdir() as work:
        assert_xlsx_csv_xlsx_same_cells(s, work)


def test_every_tricky_string_survives_both_formats(tmp_path: Path) -> None:
    s = generate(len(TRICKY), 2, 2, len(TRICKY), seed=0)
    tables = {k: v.copy() for k, v in s.tables.items()}
    tables["equipment"]["name"] = TRICKY
    tables["formations"]["name"] = TRICKY[::-1]
    # NEL alone in plain text was written raw to scenario.yaml and read back as a space
    nel = "next\x85line"
    header = s.header.model_copy(update={"name": "".join(TRICKY), "description": nel})
    s = from_records(header, tables)
    assert list(s.equipment["name"]) == TRICKY
    a = assert_csv_xlsx_csv_identical(s, tmp_path / "rt1")
    assert list(a.equipment["name"]) == TRICKY
    assert list(a.formations["name"]) == TRICKY[::-1]
    assert a.header.name == "".join(TRICKY) and a.header.description == nel
    assert_xlsx_csv_xlsx_same_cells(s, tmp_path / "rt2")


def test_floats_keep_fifteen_significant_digits_in_both_formats(tmp_path: Path) -> None:
    s = generate(3, 2, 2, 1, seed=0)
    tables = {k: v.copy() for k, v in s.tables.items()}
    # 1.9000000000000001 (17 digits) used to come back from a workbook as 1.9
    tables["equipment"]["unit_cost"] = [1.9000000000000001, 0.1 + 0.2, 123456.78901234567]
    s = from_records(s.header, tables)
    a = assert_csv_xlsx_csv_identical(s, tmp_path)
    assert list(a.equipment["unit_cost"]) == [1.9, 0.3, 123456.789012346]
    text = (tmp_path / "a" / "equipment.csv").read_text(encoding="utf-8")
    assert ",1.9," in text and ",0.3," in text and ",123456.789012346," in text


def test_notional_scenario_round_trips(tmp_path: Path) -> None:
    s = examples.notional()
    assert_csv_xlsx_csv_identical(s, tmp_path / "csv")
    assert_xlsx_csv_xlsx_same_cells(s, tmp_path / "xlsx")
    # the shipped tables are canonical: writing them again changes nothing
    shipped = _files(examples.notional_path())
    written = {k: v for k, v in _files(tmp_path / "csv" / "a").items() if k.endswith(".csv")}
    assert {k: shipped.get(k) for k in written} == written
