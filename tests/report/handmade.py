"""A run folder of the small scenario with hand-made plan tables that follow the contract.

Used by the rendering unit tests (the browser tests also run on real plans). The
folder is written by the real run-folder writer, so its summary and layout are
exactly those of ``forceplan plan``; only the plan numbers are typed in by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.io.run_folder import PLAN_DIR, write_run_folder
from forceplan.results.contract import BUDGET_USES, PLAN_TABLES
from tests.scenarios import small_scenario

NAN = np.nan


def _frame(name: str, rows: list[tuple[Any, ...]], extra: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=PLAN_TABLES[name] + (extra or []))


def handmade_tables() -> dict[str, pd.DataFrame]:
    """Plan tables for the small scenario (periods 2026-2028), typed in by hand."""
    budgets_extra = list(BUDGET_USES)
    return {
        "stock": _frame(
            "stock",
            [
                (2026, "m777", 4.0),
                (2026, "d20", 16.2),
                (2026, "nasams", 0.0),
                (2027, "m777", 12.0),
                (2027, "d20", 15.4),
                (2027, "nasams", 0.0),
                (2028, "m777", 21.0),
                (2028, "d20", 15.1),
                (2028, "nasams", 0.0),
            ],
        ),
        "deliveries": _frame(
            "deliveries",
            [(2026, 2027, "m777", "us-m777", 8.0, 0.0), (2027, 2028, "m777", "us-m777", 9.0, 0.0)],
        ),
        "retirements": _frame("retirements", []),
        "losses": _frame(
            "losses",
            [(2026, "d20", 1.8), (2027, "d20", 0.8), (2027, "m777", 0.0), (2028, "d20", 0.3)],
        ),
        "upgrades": _frame("upgrades", []),
        "ammunition": _frame(
            "ammunition",
            [
                (2026, "155mm", 5000.0, 20000.0, 4000.0, 21000.0, 0.0),
                (2027, "155mm", 21000.0, 25000.0, 6000.0, 40000.0, 0.0),
                (2028, "155mm", 40000.0, 30000.0, 4200.0, 65800.0, 0.0),
                (2026, "152mm", 8000.0, 6800.0, 16000.0, 0.0, 1200.0),
                (2027, "152mm", 0.0, 7700.0, 7700.0, 0.0, 0.0),
                (2028, "152mm", 0.0, 3020.0, 3020.0, 0.0, 0.0),
            ],
        ),
        "ammunition_supply": _frame(
            "ammunition_supply",
            [
                (2026, "155mm", "us-155", 20000.0, 80.0),
                (2027, "155mm", "us-155", 25000.0, 100.0),
                (2028, "155mm", "us-155", 30000.0, 120.0),
                (2026, "152mm", "mkt-152", 6800.0, 20.4),
                (2027, "152mm", "mkt-152", 7700.0, 23.1),
                (2028, "152mm", "mkt-152", 3020.0, 9.06),
            ],
        ),
        "lines": _frame(
            "lines",
            [
                (2026, "us-155", 20000.0, 20000.0, 1.0, 0.0, 50.0),
                (2027, "us-155", 30000.0, 25000.0, 0.0, 1.0, 0.0),
                (2028, "us-155", 30000.0, 30000.0, 0.0, 1.0, 0.0),
                (2026, "us-m777-line", 10.0, 0.0, 0.0, 0.0, 0.0),
                (2027, "us-m777-line", 10.0, 5.0, 0.0, 0.0, 0.0),
                (2028, "us-m777-line", 10.0, 4.0, 0.0, 0.0, 0.0),
            ],
        ),
        "donors": _frame(
            "donors",
            [
                (2026, "USA:m777", "m777", 92.0, 8.0, 0.0, 90.0),
                (2027, "USA:m777", "m777", 88.0, 9.0, 5.0, 90.0),
                (2028, "USA:m777", "m777", 92.0, 0.0, 4.0, 90.0),
            ],
        ),
        "budgets": _frame(
            "budgets",
            [
                (2026, "ua-mod", 500.0, 101.21, 0.0, 0.81, 0.0, 0.0, 0.0, 100.4),
                (2026, "us-fms", 300.0, 50.0, 0.0, 0.0, 0.0, 0.0, 50.0, 0.0),
                (2027, "ua-mod", 500.0, 143.57, 18.5, 1.97, 0.0, 0.0, 0.0, 123.1),
                (2028, "ua-mod", 500.0, 146.72, 14.8, 2.86, 0.0, 0.0, 0.0, 129.06),
            ],
            budgets_extra,
        ),
        "capability": _frame(
            "capability",
            [
                (2026, "artillery", 24.2, 20.0, 0.0),
                (2027, "artillery", 39.4, 24.0, 0.0),
                (2028, "artillery", 57.1, NAN, 0.0),
                (2026, "air-defence", 0.0, NAN, 0.0),
                (2027, "air-defence", 0.0, NAN, 0.0),
                (2028, "air-defence", 0.0, NAN, 0.0),
            ],
        ),
        "interoperability": _frame(
            "interoperability",
            [(2026, 0.3306, NAN, 0.0), (2027, 0.6091, NAN, 0.0), (2028, 0.45, 0.5, 2.86)],
        ),
        "training": _frame(
            "training",
            [
                (2026, "grafenwoehr-art", 12.0, 0.0),
                (2027, "grafenwoehr-art", 12.0, 8.0),
                (2028, "grafenwoehr-art", 12.0, 9.0),
            ],
        ),
        "reserve": _frame("reserve", []),
        "ammunition_use": _frame(
            "ammunition_use",
            [
                (2026, "d20", "152mm", 16200.0),
                (2026, "m777", "155mm", 7800.0),
            ],
        ),
        "industry": _frame("industry", []),
        "force_generation": _frame(
            "force_generation",
            [
                (2026, "artillery", 24.0, 24.0, 0.0),
                (2027, "artillery", 24.0, 24.0, 0.0),
                (2028, "artillery", 24.0, 24.0, 0.0),
            ],
        ),
        "shortfalls": _frame(
            "shortfalls",
            [
                (
                    "ammo-shortfall",
                    "152mm, 2026",
                    1200.0,
                    "rounds",
                    "152mm consumption in 2026 exceeds supply and stock by 1,200 rounds",
                ),
                (
                    "interop-shortfall",
                    "2028",
                    2.86,
                    "points",
                    "the interoperability index in 2028 is 0.45, below its target of 0.50",
                ),
            ],
        ),
    }


FORMATION_LEVELS = pd.DataFrame(
    [
        (2026, "art-1", 1, 0.33, "152 mm artillery and no NATO radio"),
        (2027, "art-1", 2, 0.61, "M777 on 155 mm; D-20 still on 152 mm"),
        (2028, "art-1", 2, 0.62, "M777 on 155 mm; D-20 still on 152 mm"),
        (2026, "ad-1", 0, 0.0, "no equipment assigned </script><b>x</b>"),
        (2027, "ad-1", 0, 0.0, "no equipment assigned"),
        (2028, "ad-1", 3, 1.0, "NASAMS with Link 16"),
    ],
    columns=["period", "formation", "level", "score", "reasons"],
)
"""Hand-made formation levels (one reason carries markup that must be escaped)."""

FORMATION_GAPS = pd.DataFrame(
    [
        (2026, "art-1", "artillery", 24.0, 20.2, 3.8),
        (2027, "art-1", "artillery", 24.0, 24.0, 0.0),
        (2028, "art-1", "artillery", 24.0, 24.0, 0.0),
        (2026, "ad-1", "air-defence", 2.0, 0.0, 2.0),
        (2027, "ad-1", "air-defence", 2.0, 0.0, 2.0),
        (2028, "ad-1", "air-defence", 2.0, 0.0, 2.0),
    ],
    columns=["period", "formation", "role", "slots", "filled", "unfilled"],
)
"""Hand-made formation gaps: 3.8 guns short in 2026, two air-defence systems every year."""

BINDING = pd.DataFrame(
    [
        ("budget-limit", "us-fms, 2026", 0.02, "shortfall points per USD million", "us-fms binds"),
        ("line-capacity", "us-155, 2026", -0.8, "index points per expansion", "us-155 binds"),
        ("training-capacity", "towed-artillery, 2027", 0.1, "points per crew", ""),
    ],
    columns=["constraint", "coordinates", "dual", "unit", "text"],
)
"""Hand-made binding constraints (the last one without text)."""


@dataclass
class HandmadePlan:
    """What :func:`write_run_folder` reads from a plan, with hand-made tables."""

    scenario: Scenario
    tables: dict[str, pd.DataFrame]
    status: str = "optimal"
    message: str = "optimal plan (hand-made test tables)"
    objective: dict[str, float] = field(
        default_factory=lambda: {"shortfall": 1.2, "interoperability": 3.0, "cost": 441.75}
    )
    gap: float | None = 0.0
    timings: dict[str, float] = field(
        default_factory=lambda: {"build": 0.1, "solve": 0.2, "extract": 0.05}
    )
    solver: dict[str, str] = field(
        default_factory=lambda: {"name": "highs", "version": "hand-made"}
    )
    options: dict[str, object] = field(default_factory=dict)
    model: None = None

    @property
    def has_plan(self) -> bool:
        return True


def write_handmade_run(dest: Path, notional: bool = True, explained: bool = True) -> Path:
    """Write the hand-made run folder at *dest*.

    Parameters
    ----------
    dest
        Folder to create.
    notional
        The scenario's notional flag.
    explained
        Also write ``plan/formation_levels.csv``, ``plan/formation_gaps.csv`` and
        ``plan/binding.csv``.
    """
    scenario = small_scenario()
    scenario.header.notional = notional
    write_run_folder(HandmadePlan(scenario, handmade_tables()), dest)
    if explained:
        FORMATION_LEVELS.to_csv(dest / PLAN_DIR / "formation_levels.csv", index=False)
        FORMATION_GAPS.to_csv(dest / PLAN_DIR / "formation_gaps.csv", index=False)
        BINDING.to_csv(dest / PLAN_DIR / "binding.csv", index=False)
    return dest
