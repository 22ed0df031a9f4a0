"""Formulation snapshots: names, coordinates and rows of the model, without solving."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from linopy.testing import assert_linequal

from forceplan.model import FAMILIES, build_model
from forceplan.model.terms import Terms
from tests.model.tiny import equipment, scenario
from tests.scenarios import small_scenario

NAME = re.compile(r"^[a-z]+-[a-z_]+$")


@pytest.fixture(scope="module")
def small_bundle():
    return build_model(small_scenario())


def rows(con) -> dict[tuple, tuple[dict[str, float], str, float]]:
    """A constraint as {row coordinates: ({'var[coords]': coeff}, sign, rhs)} (active rows)."""
    m = con.model
    out = {}
    labels = con.labels.to_series()
    for coords in labels[labels >= 0].index:
        key = coords if isinstance(coords, tuple) else (coords,)
        sel = dict(zip(con.labels.dims, key, strict=True))
        vars_ = np.asarray(con.vars.sel(sel).values).ravel()
        coeffs = np.asarray(con.coeffs.sel(sel).values).ravel()
        terms: dict[str, float] = {}
        for v, c in zip(vars_, coeffs, strict=True):
            if v < 0 or c == 0:
                continue
            name, where = m.variables.get_label_position(int(v))
            text = f"{name}[{', '.join(str(x) for x in where.values())}]"
            terms[text] = terms.get(text, 0.0) + float(c)
        sign = str(con.sign.sel(sel).item()) if con.sign.ndim else str(con.sign.item())
        out[key] = (terms, sign, float(con.rhs.sel(sel).item()))
    return out


def test_every_name_is_family_what_over_scenario_coordinates(small_bundle) -> None:
    m = small_bundle.model
    # one prefix per family module (singular, as in docs/formulation.md)
    prefixes = dict(
        zip(
            FAMILIES,
            [
                "supply",
                "line",
                "upgrade",
                "donor",
                "reserve",
                "stock",
                "consumable",
                "training",
                "ammo",
                "capability",
                "force",
                "interop",
                "diversity",
                "industry",
                "budget",
                "persistence",
                "objective",
            ],
            strict=True,
        )
    )
    families = set(prefixes.values())
    for name in [*m.variables, *m.constraints]:
        assert NAME.match(name), name
        assert name.split("-")[0] in families, name
    stock = m.variables["stock-level"]
    assert stock.dims == ("equipment", "period")
    assert list(stock.coords["equipment"].values) == ["m777", "d20", "nasams"]
    assert list(stock.coords["period"].values) == [2026, 2027, 2028]
    assert list(m.variables["donor-stock"].coords["donor"].values) == ["USA:m777"]
    assert list(m.variables["line-replenish"].coords["replenishment"].values) == [
        "us-m777-line/USA:m777"
    ]


def test_stock_balance_rows_snapshot(small_bundle) -> None:
    # D-20: 20 held x 0.9 serviceable = 18 on the first row's right-hand side; losses are
    # their own variable (10 % attrition at high intensity in 2026, 5 % at medium in 2027, 2 %
    # at low in 2028); units leave for and return from reserve (reactivation time 0); early
    # retirement is not allowed, so there is no stock-retire term.
    got = rows(small_bundle.model.constraints["stock-balance"])
    assert got[("d20", 2026)] == (
        {
            "stock-level[d20, 2026]": 1.0,
            "stock-loss[d20, 2026]": 1.0,
            "reserve-activate[d20, 2026]": -1.0,
            "reserve-store[d20, 2026]": 1.0,
        },
        "=",
        pytest.approx(18.0),
    )
    assert got[("d20", 2027)] == (
        {
            "stock-level[d20, 2027]": 1.0,
            "stock-level[d20, 2026]": -1.0,
            "stock-loss[d20, 2027]": 1.0,
            "reserve-activate[d20, 2027]": -1.0,
            "reserve-store[d20, 2027]": 1.0,
        },
        "=",
        0.0,
    )
    # M777: donations arrive a year after the order; line output the same year
    assert got[("m777", 2028)] == (
        {
            "stock-level[m777, 2028]": 1.0,
            "stock-level[m777, 2027]": -1.0,
            "stock-loss[m777, 2028]": 1.0,
            "supply-order[us-m777, 2027]": -1.0,
            "line-output[us-m777-line, 2028]": -1.0,
            "reserve-activate[m777, 2028]": -1.0,
            "reserve-store[m777, 2028]": 1.0,
        },
        "=",
        0.0,
    )
    # losses: rate x stock at the start of the period (divisible types: exactly)
    upper = rows(small_bundle.model.constraints["stock-loss_upper"])
    assert upper[("d20", 2026)] == ({"stock-loss[d20, 2026]": 1.0}, "<=", pytest.approx(1.8))
    assert upper[("d20", 2027)] == (
        {"stock-loss[d20, 2027]": 1.0, "stock-level[d20, 2026]": -0.05},
        "<=",
        0.0,
    )


def test_ammo_and_capacity_rows_snapshot(small_bundle) -> None:
    m = small_bundle.model
    ammo = rows(m.constraints["ammo-balance"])
    assert ammo[("152mm", 2026)] == (
        {
            "ammo-stock[152mm, 2026]": 1.0,
            "supply-order[mkt-152, 2026]": -1.0,
            "stock-level[d20, 2026]": 1000.0,
            "ammo-shortfall[152mm, 2026]": -1.0,
        },
        "=",
        8000.0,
    )
    cap = rows(m.constraints["line-capacity"])
    # expansions ordered in 2026 and 2027 (lead time 1) add 10,000 rounds from the next year
    assert cap[("us-155", 2028)] == (
        {
            "line-output[us-155, 2028]": 1.0,
            "line-expand[us-155, 2026]": -10000.0,
            "line-expand[us-155, 2027]": -10000.0,
        },
        "<=",
        20000.0,
    )
    donor = rows(m.constraints["donor-minimum"])
    assert list(donor) == [("USA:m777", 2028)]  # only from replenish_by on
    training = rows(m.constraints["training-capacity"])
    # crews for the M777 (training shorter than a year: ready the period they start)
    assert training[("towed-artillery", 2027)] == ({"training-crews[m777, 2027]": 1.0}, "<=", 12.0)
    crewed = rows(m.constraints["training-crewed"])
    assert crewed[("m777", 2027)] == (
        {
            "stock-level[m777, 2027]": 1.0,
            "training-waiting[m777, 2027]": -1.0,
            "training-pool[m777, 2027]": -1.0,
        },
        "<=",
        0.0,
    )
    pool = rows(m.constraints["training-pool"])
    terms, sign, rhs = pool[("m777", 2027)]
    assert sign == "=" and rhs == 0.0
    assert terms["training-pool[m777, 2027]"] == 1.0
    assert terms["training-pool[m777, 2026]"] == -1.0
    assert terms["training-crews[m777, 2027]"] == -1.0


def test_capability_flow_equals_linopy_arithmetic() -> None:
    # The Terms-built capability sum equals the same sum written with linopy arithmetic.
    s = scenario(
        periods=2,
        equipment=[equipment("a", value=2), equipment("b", value=3)],
    )
    b = build_model(s)
    m = b.model
    level = m.variables["stock-level"]
    value = pd.Series([2.0, 3.0], index=pd.Index(["a", "b"], name="equipment")).to_xarray()
    expected = (value * level).sum("equipment")
    got = b.flows["capability"].expression(m).sel(role="artillery").drop_vars("role")
    assert_linequal(got, expected)


def test_terms_drop_out_of_grid_and_absent() -> None:
    t = Terms(pd.Index(["x", "y"], name="item"), pd.Index([1, 2, 3], name="period"))
    t.add((np.array([[0], [1]]), np.array([[0, 1, 2]]) + 2), np.array([[5, -1, 7], [8, 9, 10]]))
    # rows with period position 2 only survive (positions 3, 4 are beyond the grid)
    _, labels, _ = t.arrays()
    assert sorted(labels.tolist()) == [5, 8]
    assert t.has_terms().tolist() == [[False, False, True], [False, False, True]]
    values = np.arange(20, dtype=float)
    assert t.evaluate(values).tolist() == [[0, 0, 5], [0, 0, 8]]
