"""Extraction: contract tables, balances that hold in the tables, cleaned numbers, words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forceplan
from forceplan.results.contract import BUDGET_USES, PLAN_TABLES
from forceplan.results.extract import clean, fmt, words


@pytest.fixture(scope="module")
def generated_plan() -> forceplan.Plan:
    s = forceplan.synthetic.generate(30, 6, 6, 4, seed=11)
    p = forceplan.plan(s, time_limit=60)
    assert p.has_plan, p.message
    return p


def _sum(frame: pd.DataFrame, keys: list[str], value: str = "quantity") -> pd.Series:
    if frame.empty:
        return pd.Series(dtype=float)
    return frame.groupby(keys)[value].sum()


def test_every_contract_table_with_its_columns_first(generated_plan) -> None:
    assert list(generated_plan.tables) == list(PLAN_TABLES)
    for name, columns in PLAN_TABLES.items():
        frame = generated_plan.tables[name]
        assert list(frame.columns[: len(columns)]) == columns, name
        if "period" in frame.columns and len(frame):
            assert set(frame["period"]) <= set(generated_plan.scenario.periods)
    assert set(BUDGET_USES) <= set(generated_plan.budgets.columns)
    assert generated_plan.stock is generated_plan.tables["stock"]


def test_stock_flow_holds_in_the_tables(generated_plan) -> None:
    p = generated_plan
    s = p.scenario
    stock = p.stock.pivot(index="equipment", columns="period", values="quantity")
    inv = s.inventory.assign(q=s.inventory["quantity"] * s.inventory["serviceable"])
    opening = inv.groupby("equipment")["q"].sum().reindex(stock.index, fill_value=0.0)
    prev = pd.concat([opening.rename(s.periods[0] - 1), stock.iloc[:, :-1]], axis=1)
    prev.columns = stock.columns

    def flow(frame: pd.DataFrame, item: str, period: str, column: str = "quantity") -> pd.DataFrame:
        if frame.empty:
            return pd.DataFrame(0.0, index=stock.index, columns=stock.columns)
        return (
            frame.groupby([item, period])[column]
            .sum()
            .unstack(fill_value=0.0)
            .reindex(index=stock.index, columns=stock.columns, fill_value=0.0)
        )

    balance = (
        prev
        - flow(p.losses, "equipment", "period")
        + flow(p.deliveries, "equipment", "period_delivered")
        - flow(p.retirements, "equipment", "period")
        + flow(p.reserve, "equipment", "period", "expired_in_reserve")  # left from reserve
        - flow(p.reserve, "equipment", "period", "to_reserve")
        + flow(p.reserve, "equipment", "period", "back_in_service")
        - flow(p.upgrades, "from_equipment", "period_started")
        + flow(p.upgrades, "to_equipment", "period_completed")
    )
    held = flow(p.reserve, "equipment", "period", "in_reserve")
    reserve_prev = pd.concat(
        [pd.Series(0.0, index=stock.index, name=s.periods[0] - 1), held.iloc[:, :-1]], axis=1
    )
    reserve_prev.columns = stock.columns
    reserve_balance = (
        reserve_prev
        + flow(p.reserve, "equipment", "period", "to_reserve")
        - flow(p.reserve, "equipment", "period", "from_reserve")
        - flow(p.reserve, "equipment", "period", "expired_in_reserve")
    )
    np.testing.assert_allclose(reserve_balance.to_numpy(), held.to_numpy(), atol=1e-4)
    np.testing.assert_allclose(balance.to_numpy(), stock.to_numpy(), atol=1e-4)
    assert (stock.to_numpy() >= 0).all()


def test_ammunition_lines_and_budgets_balance(generated_plan) -> None:
    p = generated_plan
    a = p.ammunition
    np.testing.assert_allclose(
        a["opening"] + a["supply"] - a["consumption"] + a["shortfall"], a["closing"], atol=1e-4
    )
    supply = _sum(p.ammunition_supply, ["period", "munition"])
    got = a.set_index(["period", "munition"])["supply"]
    np.testing.assert_allclose(supply.reindex(got.index, fill_value=0.0), got, atol=1e-4)
    lines = p.lines
    assert (lines["output"] <= lines["capacity"] + 1e-4).all()
    np.testing.assert_allclose(lines["to_force"] + lines["to_donors"], lines["output"], atol=1e-5)
    b = p.budgets
    np.testing.assert_allclose(b[list(BUDGET_USES)].sum(axis=1), b["spent"], atol=1e-4)
    assert (b["spent"] <= b["available"] + 1e-4).all()
    d = p.donors
    assert (d["stock"] >= 0).all()
    t = p.training
    assert (t["used"] <= t["capacity"] + 1e-6).all()


def test_event_tables_list_only_nonzero_rows(generated_plan) -> None:
    for name in ("deliveries", "retirements", "losses", "upgrades", "ammunition_supply"):
        frame = generated_plan.tables[name]
        assert (frame["quantity"] > 0).all(), name


def test_cleaning_and_words() -> None:
    assert clean(np.array([1e-7, -3e-7, 2.0000000004, -0.0])).tolist() == [0.0, 0.0, 2.0, 0.0]
    assert str(clean(-1e-9)) == "0.0"  # no negative zero
    assert fmt(14.0) == "14" and fmt(1250.4) == "1,250" and fmt(2.5) == "2.5"
    assert fmt(0.0004567) == "0.000457"
    assert words("air-defence") == "air defence"


def test_no_plan_means_no_tables() -> None:
    s = forceplan.synthetic.generate(300, 20, 12, 10, seed=7)
    p = forceplan.plan(s, time_limit=0.01)
    assert p.status == "time_limit" and not p.has_plan and p.tables == {}
    with pytest.raises(AttributeError, match="no tables"):
        _ = p.stock
