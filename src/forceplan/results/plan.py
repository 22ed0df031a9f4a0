"""The Plan: a solved scenario's tables, status, objective and timings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from forceplan.domain.scenario import Scenario

if TYPE_CHECKING:  # pragma: no cover
    import linopy


@dataclass
class Plan:
    """A plan produced by :func:`forceplan.plan`.

    Attributes
    ----------
    scenario
        The scenario as solved.
    status
        ``optimal``, ``time_limit``, ``infeasible`` or ``error``.
    tables
        Every table of :data:`~forceplan.results.contract.PLAN_TABLES` when a plan
        exists (``{}`` otherwise). Also reachable as attributes: ``plan.stock``.
    objective
        Objective parts: ``shortfall`` (normalised shortfalls), ``interoperability``
        (interoperable capability points summed over periods), ``cost`` (USD
        million) and ``total`` (the weighted objective of the header's weights).
    gap
        Relative MIP gap of the final stage run (0 for an LP or a proven optimum).
    timings
        Seconds per phase (``build``, ``solve``, ``extract``; the CLI adds more).
    solver
        ``{"name": ..., "version": ...}``.
    options
        The effective options (solver, time_limit, gap, threads, mode).
    message
        One line for humans.
    model
        The solved linopy model (for ``model.lp`` and explanations), if kept.
    extra_files
        Further files of the run folder, written atomically with the rest: path relative
        to the run folder -> a table (written as CSV), text (e.g. ``robust/``) or a plan
        (written as a run folder of its own there, e.g. ``robust/deterministic``).
    summary_extra
        Further top-level entries of ``summary.json`` (e.g. ``robust``).

    Examples
    --------
    >>> import forceplan  # doctest: +SKIP
    >>> p = forceplan.plan(forceplan.examples.notional())  # doctest: +SKIP
    >>> p.status, p.stock.columns.tolist()[:3]  # doctest: +SKIP
    ('optimal', ['period', 'equipment', 'quantity'])
    """

    scenario: Scenario
    status: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    objective: dict[str, float] = field(default_factory=dict)
    gap: float | None = None
    timings: dict[str, float] = field(default_factory=dict)
    solver: dict[str, str] = field(default_factory=dict)
    options: dict[str, object] = field(default_factory=dict)
    message: str = ""
    model: linopy.Model | None = None
    extra_files: dict[str, pd.DataFrame | str | Plan] = field(default_factory=dict)
    summary_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def has_plan(self) -> bool:
        """Whether the plan has tables (optimal, or time limit with an incumbent)."""
        return bool(self.tables)

    def __getattr__(self, name: str) -> Any:
        tables = self.__dict__.get("tables")
        if tables and name in tables:
            return tables[name]
        raise AttributeError(
            f"Plan has no attribute or table {name!r}"
            + (f" (tables: {', '.join(tables)})" if tables else " (the plan has no tables)")
        )

    def save(self, dest: Path | str, overwrite: bool = False, write_lp: bool = False) -> Path:
        """Write the run folder at *dest* (see :func:`forceplan.io.run_folder.write_run_folder`)."""
        from forceplan.io.run_folder import write_run_folder

        return write_run_folder(self, dest, overwrite=overwrite, write_lp=write_lp)

    def __repr__(self) -> str:
        return (
            f"Plan(scenario={self.scenario.name!r}, status={self.status!r}, "
            f"tables={len(self.tables)}, message={self.message!r})"
        )
