"""A linopy model handed to HiGHS as matrices, for the allocation MILP and the explanation LPs.

:class:`HighsModel` loads a built :class:`linopy.Model` into one
:class:`highspy.Highs` instance (optionally relaxed to an LP) and keeps the
maps between linopy labels and HiGHS columns and rows, so that callers can
change the objective, fix columns, add rows, solve, and read values, duals
and IIS members back by linopy label. No LP file is written.
"""

from __future__ import annotations

from typing import Any

import highspy
import linopy
import numpy as np

from forceplan.solve.highs import FEASIBLE, STATUS_MAP, load_matrices, new_highs, set_time_limit

_MS = highspy.HighsModelStatus


class HighsModel:
    """One HiGHS instance holding a linopy model.

    Parameters
    ----------
    model
        A built linopy model (its objective is loaded too).
    relax
        Drop integrality (the LP relaxation).
    threads
        HiGHS threads (``None``: its default).

    Attributes
    ----------
    h
        The HiGHS instance.
    vlabels, clabels
        linopy variable label of each column, constraint label of each row.
    col_of, row_of
        linopy label -> column / row position (-1 when absent).
    """

    def __init__(self, model: linopy.Model, relax: bool = False, threads: int | None = None):
        self.model = model
        mat = model.matrices
        self.vlabels = np.asarray(mat.vlabels, dtype=np.int64)
        self.clabels = np.asarray(mat.clabels, dtype=np.int64)
        self.n_cols = len(self.vlabels)
        self.n_rows = len(self.clabels)
        n_var_labels = len(model.variables.label_index.label_to_pos)
        n_con_labels = len(model.constraints.label_index.label_to_pos)
        self.col_of = np.full(max(n_var_labels, 1), -1, dtype=np.int64)
        self.col_of[self.vlabels] = np.arange(self.n_cols)
        self.row_of = np.full(max(n_con_labels, 1), -1, dtype=np.int64)
        self.row_of[self.clabels] = np.arange(self.n_rows)
        h = new_highs()
        if threads is not None:
            h.setOptionValue("threads", int(threads))
        self.h = h
        self.lb = np.asarray(mat.lb, dtype=float)
        self.ub = np.asarray(mat.ub, dtype=float)
        load_matrices(h, mat, relax=relax)
        if self.n_cols:
            c = np.asarray(mat.c, dtype=float)
            if np.any(c):
                h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), c)
        self.is_mip = bool(len(np.flatnonzero(np.isin(mat.vtypes, ("B", "I"))))) and not relax
        self._values: np.ndarray | None = None

    # -- editing ---------------------------------------------------------------------------
    def dense(self, labels: np.ndarray, coeffs: np.ndarray) -> np.ndarray:
        """A dense column vector from (variable label, coefficient) pairs."""
        out = np.zeros(self.n_cols)
        cols = self.col_of[np.asarray(labels, dtype=np.int64)]
        np.add.at(out, cols[cols >= 0], np.asarray(coeffs, dtype=float)[cols >= 0])
        return out

    def set_objective(self, labels: np.ndarray, coeffs: np.ndarray, sense: str = "min") -> None:
        """Replace the objective by sum(coeffs x var[labels]) (minimised or maximised)."""
        c = self.dense(labels, coeffs)
        if self.n_cols:
            self.h.changeColsCost(self.n_cols, np.arange(self.n_cols, dtype=np.int32), c)
        self.h.changeObjectiveSense(
            highspy.ObjSense.kMinimize if sense == "min" else highspy.ObjSense.kMaximize
        )

    def add_row(self, labels: np.ndarray, coeffs: np.ndarray, lower: float, upper: float) -> int:
        """Add the row ``lower <= sum(coeffs x var[labels]) <= upper``; return its position."""
        c = self.dense(labels, coeffs)
        idx = np.flatnonzero(c)
        self.h.addRow(float(lower), float(upper), len(idx), idx.astype(np.int32), c[idx])
        return int(self.h.getNumRow()) - 1

    def fix(self, labels: np.ndarray, values: np.ndarray) -> None:
        """Fix variables (by label) at *values* (bounds lower = upper)."""
        cols = self.col_of[np.asarray(labels, dtype=np.int64)]
        keep = cols >= 0
        if not keep.any():
            return
        vals = np.asarray(values, dtype=float)[keep]
        self.h.changeColsBounds(int(keep.sum()), cols[keep].astype(np.int32), vals, vals)

    def set_upper(self, labels: np.ndarray, upper: float | np.ndarray) -> None:
        """Change the upper bounds of variables (by label)."""
        cols = self.col_of[np.asarray(labels, dtype=np.int64)]
        keep = cols >= 0
        if not keep.any():
            return
        ub = np.broadcast_to(np.asarray(upper, dtype=float), cols.shape)[keep]
        lb = self.lb[cols[keep]]
        self.h.changeColsBounds(int(keep.sum()), cols[keep].astype(np.int32), lb, ub)

    def set_start(self, values: np.ndarray) -> None:
        """Give a MIP start (a full solution indexed by variable label)."""
        if self.n_cols:
            cols = np.arange(self.n_cols, dtype=np.int32)
            self.h.setSolution(self.n_cols, cols, np.asarray(values, dtype=float)[self.vlabels])

    # -- solving ---------------------------------------------------------------------------
    def run(self, time_limit: float | None = None, gap: float | None = None) -> tuple[str, bool]:
        """Solve; return (forceplan status, whether a feasible solution exists)."""
        h = self.h
        set_time_limit(h, time_limit)
        if gap is not None:
            h.setOptionValue("mip_rel_gap", float(gap))
        if self.n_cols == 0:
            self._values = np.zeros(len(self.col_of))
            return "optimal", True
        h.run()
        model_status = h.getModelStatus()
        status = STATUS_MAP.get(model_status, "error")
        info = h.getInfo()
        has = info.primal_solution_status == FEASIBLE and status in ("optimal", "time_limit")
        if has:
            values = np.zeros(len(self.col_of))
            values[self.vlabels] = np.asarray(h.getSolution().col_value, dtype=float)
            self._values = values
        return status, has

    def objective_value(self) -> float:
        """Objective of the last solve."""
        return float(self.h.getInfo().objective_function_value)

    def values(self) -> np.ndarray | None:
        """Last solution, indexed by variable label (0 where absent)."""
        return self._values

    def row_duals(self) -> np.ndarray:
        """Row duals of the last LP solve by constraint label (d objective / d row bound)."""
        sol = self.h.getSolution()
        out = np.full(len(self.row_of), np.nan)
        duals = np.asarray(sol.row_dual, dtype=float)
        out[self.clabels] = duals[: self.n_rows]
        return out

    def col_duals(self) -> np.ndarray:
        """Reduced costs of the last LP solve by variable label (d objective / d column bound)."""
        sol = self.h.getSolution()
        out = np.full(len(self.col_of), np.nan)
        out[self.vlabels] = np.asarray(sol.col_dual, dtype=float)
        return out

    def status_text(self) -> str:
        """HiGHS's words for the last model status."""
        return str(self.h.modelStatusToString(self.h.getModelStatus()))

    def info(self) -> Any:
        """HiGHS info of the last solve."""
        return self.h.getInfo()
