"""The plan as decisions: one row per decision, hand-checked on the hand-made plan tables."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from forceplan.results.decisions import ACTIONS, DECISION_COLUMNS, decision_table
from tests.report.handmade import handmade_tables, write_handmade_run
from tests.scenarios import small_scenario


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return decision_table(handmade_tables(), small_scenario().tables)


def test_every_decision_of_the_handmade_plan_by_hand(table: pd.DataFrame) -> None:
    assert list(table.columns[: len(DECISION_COLUMNS)]) == DECISION_COLUMNS
    got = [
        (p, a, i, f, q)
        for p, a, i, f, q in table[["period", "action", "item_id", "from", "quantity"]].itertuples(
            index=False, name=None
        )
    ]
    assert got == [
        (2026, "order", "152mm", "mkt-152 (Bulgaria)", 6800.0),
        (2026, "order", "155mm", "us-155 (USA)", 20000.0),
        (2026, "donate", "m777", "USA", 8.0),
        (2026, "expand", "us-155", "USA", 1.0),
        (2027, "order", "152mm", "mkt-152 (Bulgaria)", 7700.0),
        (2027, "order", "155mm", "us-155 (USA)", 25000.0),
        (2027, "donate", "m777", "USA", 9.0),
        (2027, "receive", "m777", "USA", 8.0),
        (2027, "replenish", "m777", "USA", 5.0),
        (2028, "order", "152mm", "mkt-152 (Bulgaria)", 3020.0),
        (2028, "order", "155mm", "us-155 (USA)", 30000.0),
        (2028, "receive", "m777", "USA", 9.0),
        (2028, "replenish", "m777", "USA", 4.0),
    ]


def test_costs_are_those_of_the_plan_tables_counted_once(table: pd.DataFrame) -> None:
    t = handmade_tables()
    priced = table["cost"].fillna(0).sum()
    expected = (
        t["deliveries"]["cost"].sum()
        + t["ammunition_supply"]["cost"].sum()
        + t["upgrades"]["cost"].sum()
        + t["lines"]["expansion_cost"].sum()
    )
    assert priced == pytest.approx(expected)
    assert table.loc[table["action"] == "receive", "cost"].eq(0).all()
    assert table.loc[table["action"] == "replenish", "cost"].isna().all()


def test_sentences_use_display_names_and_units(table: pd.DataFrame) -> None:
    keys = zip(table["period"], table["action"], table["item_id"], strict=True)
    text = dict(zip(keys, table["text"], strict=True))
    assert text[2026, "donate", "m777"] == "donation of 8 M777 from USA, delivered 2027"
    assert (
        text[2026, "order", "155mm"]
        == "order 20,000 rounds of 155mm from us-155 (USA) for 80 USD million"
    )
    assert (
        text[2026, "expand", "us-155"]
        == "expand the us-155 line (USA) by 1 expansion for 50 USD million"
    )
    assert text[2028, "receive", "m777"] == "receive 9 M777 from USA, pledged in 2027"
    assert text[2027, "replenish", "m777"] == "replenish USA's M777 stockpile with 5"


def test_reserve_table_is_used_when_present() -> None:
    tables = handmade_tables()
    without = decision_table(tables, small_scenario().tables)
    tables["reserve"] = pd.DataFrame(
        {
            "period": [2026, 2027, 2028],
            "equipment": ["d20", "d20", "d20"],
            "to_reserve": [3.0, 0.0, 0.0],
            "from_reserve": [0.0, 2.0, 0.0],
            "in_reserve": [3.0, 1.0, 1.0],
        }
    )
    with_reserve = decision_table(tables, small_scenario().tables)
    extra = with_reserve[with_reserve["action"].isin(["reserve", "reactivate"])]
    assert extra[["period", "action", "item", "quantity"]].values.tolist() == [
        [2026, "reserve", "D-20", 3.0],
        [2027, "reactivate", "D-20", 2.0],
    ]
    assert len(with_reserve) == len(without) + 2
    assert "move 3 D-20 into reserve" in set(extra["text"])


def test_rows_are_ordered_by_period_then_action(table: pd.DataFrame) -> None:
    rank = table["action"].map({a: i for i, a in enumerate(ACTIONS)})
    keys = list(zip(table["period"], rank, strict=True))
    assert keys == sorted(keys)


def test_empty_plan_has_no_decisions() -> None:
    assert decision_table({}, small_scenario().tables).empty


def test_run_folder_and_workbook_hold_the_decisions(tmp_path: Path) -> None:
    run = write_handmade_run(tmp_path / "run")
    on_disk = pd.read_csv(run / "plan" / "decisions.csv")
    assert len(on_disk) == 13
    assert list(on_disk.columns[:7]) == DECISION_COLUMNS
    wb = openpyxl.load_workbook(run / "plan.xlsx")
    sheet = wb["decisions"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:7]) == DECISION_COLUMNS
    assert len(rows) == 14
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J14"
    cost = rows[0].index("cost") + 1
    assert sheet.cell(row=3, column=cost).number_format == "#,##0.0"
    quantity = rows[0].index("quantity") + 1
    assert sheet.cell(row=3, column=quantity).number_format == "#,##0"
    assert sheet.column_dimensions["G"].width > 40  # the text column fits its sentences
    stock = wb["stock"]
    assert stock.freeze_panes == "A2"
    assert stock.cell(row=2, column=3).number_format == "#,##0"  # 16.2 D-20 shown as 16
    pivot = list(wb["by year"].iter_rows(values_only=True))
    assert pivot[0][:6] == ("what", "item", "unit", "2026", "2027", "2028")
    by_key = {(r[0], r[1]): r[3:6] for r in pivot[1:]}
    assert by_key["stock", "M777"] == (4.0, 12.0, 21.0)
    assert by_key["donate", "M777"] == (8.0, 9.0, None)
    assert by_key["order cost", "155mm"] == (80.0, 100.0, 120.0)


def test_workbook_cells_keep_the_plan_values(tmp_path: Path) -> None:
    run = write_handmade_run(tmp_path / "run")
    wb = openpyxl.load_workbook(run / "plan.xlsx", read_only=True)
    for name in ("stock", "ammunition", "budgets", "decisions"):
        csv = pd.read_csv(run / "plan" / f"{name}.csv")
        rows = list(wb[name].iter_rows(values_only=True))
        sheet = pd.DataFrame(rows[1:], columns=rows[0])
        for column in csv.columns:
            if pd.api.types.is_numeric_dtype(csv[column]):
                got = pd.to_numeric(sheet[column]).tolist()
                assert got == pytest.approx(csv[column].tolist(), nan_ok=True), (name, column)


def test_decisions_of_a_real_plan_add_up_to_its_tables(tmp_path: Path) -> None:
    """Recomputed from the run folder's CSV files with plain pandas (no package code)."""
    from forceplan.api import plan

    result = plan(small_scenario())
    assert result.has_plan, result.message
    run = Path(result.save(tmp_path / "run"))
    d = pd.read_csv(run / "plan" / "decisions.csv", keep_default_na=False, na_values=[""])

    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(run / "plan" / f"{name}.csv")

    def total(action: str) -> float:
        return float(d.loc[d["action"] == action, "quantity"].sum())

    def cost(action: str) -> float:
        return float(d.loc[d["action"] == action, "cost"].fillna(0).sum())

    dl, am = read("deliveries"), read("ammunition_supply")
    supplied = (
        dl["quantity"][dl["quantity"] > 1e-6].sum() + am["quantity"][am["quantity"] > 1e-6].sum()
    )
    assert total("order") + total("donate") == pytest.approx(supplied)
    assert cost("order") + cost("donate") == pytest.approx(dl["cost"].sum() + am["cost"].sum())
    later = dl[dl["period_delivered"] > dl["period_ordered"]]["quantity"]
    assert total("receive") == pytest.approx(later[later > 1e-6].sum())
    assert total("retire") == pytest.approx(read("retirements")["quantity"].clip(lower=0).sum())
    assert total("upgrade") == pytest.approx(read("upgrades")["quantity"].sum())
    lines = read("lines")
    assert total("expand") == pytest.approx(lines["expansions_ordered"].sum())
    assert cost("expand") == pytest.approx(lines["expansion_cost"].sum())
    assert total("replenish") == pytest.approx(read("donors")["replenished"].sum())
    assert set(d["action"]) <= set(ACTIONS)
    assert (d["quantity"] > 0).all() and d["text"].str.len().gt(10).all()
