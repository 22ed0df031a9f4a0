"""The Scenario: a validated header plus typed tables. Never imports the solver layer."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from forceplan.domain.header import ScenarioHeader
from forceplan.domain.schema import schemas


@dataclass
class Scenario:
    """A planning scenario: the header and one typed DataFrame per table.

    Tables have exactly the schema's columns, in schema order, with defaults
    filled in. Numeric columns are ``int64``/``float64``; optional numeric
    columns without a value hold ``NaN`` (float) or ``pd.NA`` (nullable Int64);
    text columns are ``object`` with ``""`` for empty.

    Attributes
    ----------
    header
        The validated ``scenario.yaml``.
    tables
        Table name -> DataFrame.
    warnings
        Problems of severity ``warning`` found while loading.
    origin
        Path the scenario was loaded from, if any.
    """

    header: ScenarioHeader
    tables: dict[str, pd.DataFrame]
    warnings: list = field(default_factory=list)  # list[Problem]
    origin: str | None = None

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(name)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def name(self) -> str:
        """Scenario name."""
        return self.header.name

    @property
    def notional(self) -> bool:
        """Whether the scenario is notional."""
        return self.header.notional

    @property
    def periods(self) -> list[int]:
        """Period labels (calendar years)."""
        return self.header.period_labels

    @property
    def intensity(self) -> pd.Series:
        """War intensity per period label."""
        return pd.Series(self.header.intensity, index=pd.Index(self.periods, name="period"))

    def item_units(self) -> pd.Series:
        """Unit of count of every item (equipment: ``units``; munitions: their unit)."""
        eq = pd.Series("units", index=self.tables["equipment"]["id"].to_numpy())
        mu = pd.Series(
            self.tables["munitions"]["unit"].to_numpy(), index=self.tables["munitions"]["id"]
        )
        return pd.concat([eq, mu])

    def copy(self) -> Scenario:
        """A deep copy (tables and header)."""
        return Scenario(
            header=self.header.model_copy(deep=True),
            tables={k: v.copy() for k, v in self.tables.items()},
            warnings=list(self.warnings),
            origin=self.origin,
        )

    def summary(self) -> dict[str, int]:
        """Row count of every table."""
        return {name: len(self.tables.get(name, ())) for name in schemas()}
