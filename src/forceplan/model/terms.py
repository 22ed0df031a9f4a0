"""Vectorised term gathering: build linopy expressions from (row, variable, coefficient) arrays.

Most constraints of the planning model sum variables of one dimension into
rows of another with a per-element offset (an order placed in period t by a
source with lead time 3 arrives in period t + 3 as its item). linopy's own
``shift`` takes one offset per call and ``groupby`` returns only the groups
present, so the model builds such sums with :class:`Terms`: numpy arrays of
target positions, variable labels and coefficients, packed into one padded
``LinearExpression`` at the end. Terms addressed outside the grid (an arrival
beyond the horizon) and terms of absent (masked) variables are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from linopy import LinearExpression, Model, Variable
from linopy.constraints import Constraint

TERM_DIM = "_term"


def labels_of(var: Variable) -> np.ndarray:
    """The label array of *var* (``-1`` where the variable is absent)."""
    return np.asarray(var.labels.values)


def grid(*sizes: int) -> tuple[np.ndarray, ...]:
    """Open index grids (like :func:`numpy.ogrid`) for arrays of the given sizes.

    Examples
    --------
    >>> i, t = grid(2, 3)
    >>> (i + 10 * t).tolist()
    [[0, 10, 20], [1, 11, 21]]
    """
    return tuple(
        np.arange(n).reshape([n if k == j else 1 for k in range(len(sizes))])
        for j, n in enumerate(sizes)
    )


class Terms:
    """Linear terms addressed to the rows of a labelled grid.

    Parameters
    ----------
    *coords
        One named :class:`pandas.Index` per dimension of the target grid (none: a scalar).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = Terms(pd.Index(["a", "b"], name="item"))
    >>> _ = t.add((np.array([0, 1, 1]),), np.array([7, 8, 9]), 2.0)
    >>> t.evaluate(np.arange(10.0)).tolist()
    [14.0, 34.0]
    """

    def __init__(self, *coords: pd.Index) -> None:
        self.coords: tuple[pd.Index, ...] = tuple(coords)
        self._rows: list[np.ndarray] = []
        self._labels: list[np.ndarray] = []
        self._coeffs: list[np.ndarray] = []

    @property
    def shape(self) -> tuple[int, ...]:
        """Size of each dimension."""
        return tuple(len(c) for c in self.coords)

    @property
    def dims(self) -> tuple[str, ...]:
        """Dimension names."""
        return tuple(str(c.name) for c in self.coords)

    def add(
        self,
        index: Sequence[np.ndarray | int],
        labels: np.ndarray,
        coeffs: np.ndarray | float = 1.0,
    ) -> Terms:
        """Add terms ``coeffs * var[labels]`` to rows ``index`` (one position array per dim).

        The position arrays, *labels* and *coeffs* broadcast together. Terms
        whose position is outside the grid, whose label is ``-1`` or whose
        coefficient is zero are dropped.
        """
        if len(index) != len(self.coords):
            raise ValueError(f"expected {len(self.coords)} index arrays, got {len(index)}")
        arrays = np.broadcast_arrays(
            *[np.asarray(i) for i in index], np.asarray(labels), np.asarray(coeffs, dtype=float)
        )
        pos, lab, coef = arrays[:-2], arrays[-2].ravel(), arrays[-1].ravel()
        keep = (lab >= 0) & (coef != 0) & np.isfinite(coef)
        for p, n in zip(pos, self.shape, strict=True):
            flat = p.ravel()
            keep &= (flat >= 0) & (flat < n)
        if not keep.any():
            return self
        flat_pos = [p.ravel()[keep] for p in pos]
        rows = (
            np.ravel_multi_index(flat_pos, self.shape)
            if flat_pos
            else np.zeros(int(keep.sum()), dtype=np.int64)
        )
        self._rows.append(rows.astype(np.int64, copy=False))
        self._labels.append(lab[keep].astype(np.int64, copy=False))
        self._coeffs.append(coef[keep])
        return self

    def extend(self, other: Terms, coeff: float = 1.0) -> Terms:
        """Add every term of *other* (same grid), scaled by *coeff*."""
        if other.shape != self.shape:
            raise ValueError(f"grid mismatch: {other.dims}{other.shape} vs {self.dims}{self.shape}")
        rows, labels, coeffs = other.arrays()
        if len(rows):
            self._rows.append(rows)
            self._labels.append(labels)
            self._coeffs.append(coeffs * coeff)
        return self

    def scaled(self, factor: np.ndarray) -> Terms:
        """A copy whose row r has its coefficients multiplied by ``factor`` (over the grid)."""
        rows, labels, coeffs = self.arrays()
        flat = np.broadcast_to(np.asarray(factor, dtype=float), self.shape).reshape(-1)
        return Terms(*self.coords).add(
            np.unravel_index(rows, self.shape), labels, coeffs * flat[rows]
        )

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Flat row positions, labels and coefficients of every term."""
        if not self._rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        return (
            np.concatenate(self._rows),
            np.concatenate(self._labels),
            np.concatenate(self._coeffs),
        )

    def has_terms(self) -> np.ndarray:
        """Boolean array over the grid: rows holding at least one term."""
        rows, _, _ = self.arrays()
        out = np.zeros(int(np.prod(self.shape)), dtype=bool)
        out[rows] = True
        return out.reshape(self.shape)

    def evaluate(self, values: np.ndarray) -> np.ndarray:
        """The value of every row given variable *values* indexed by label."""
        rows, labels, coeffs = self.arrays()
        out = np.zeros(int(np.prod(self.shape)))
        np.add.at(out, rows, coeffs * values[labels])
        return out.reshape(self.shape)

    def _padded(self) -> tuple[np.ndarray, np.ndarray]:
        """Variable labels and coefficients as (*shape, width) arrays, -1/0 padded."""
        rows, labels, coeffs = self.arrays()
        n = int(np.prod(self.shape))
        order = np.argsort(rows, kind="stable")
        rows, labels, coeffs = rows[order], labels[order], coeffs[order]
        counts = np.bincount(rows, minlength=n) if n else np.zeros(0, dtype=np.int64)
        width = max(int(counts.max()) if len(counts) else 0, 1)
        starts = np.cumsum(counts) - counts
        slot = np.arange(len(rows)) - starts[rows]
        var_arr = np.full((n, width), -1, dtype=np.int64)
        coef_arr = np.zeros((n, width))
        var_arr[rows, slot] = labels
        coef_arr[rows, slot] = coeffs
        shape = (*self.shape, width)
        return var_arr.reshape(shape), coef_arr.reshape(shape)

    def _dataset(self, **extra: tuple[tuple[str, ...], np.ndarray]) -> xr.Dataset:
        var_arr, coef_arr = self._padded()
        dims = (*self.dims, TERM_DIM)
        return xr.Dataset(
            {"coeffs": (dims, coef_arr), "vars": (dims, var_arr), **extra},
            coords={str(c.name): c for c in self.coords},
        )

    def expression(self, model: Model) -> LinearExpression:
        """Pack the terms into one padded :class:`linopy.LinearExpression` over the grid."""
        data = self._dataset(const=(self.dims, np.zeros(self.shape)))
        return LinearExpression(data, model)

    def constraint(self, model: Model, sign: str, rhs: np.ndarray | float) -> Constraint:
        """An anonymous :class:`linopy.constraints.Constraint` ``terms sign rhs``.

        Built directly from the arrays (no expression arithmetic), which saves
        linopy's alignment work on every constraint family.
        """
        rhs_arr = np.array(np.broadcast_to(np.asarray(rhs, dtype=float), self.shape))
        sign_arr = np.full(self.shape, {"<=": "<=", ">=": ">=", "=": "=", "==": "="}[sign])
        data = self._dataset(sign=(self.dims, sign_arr), rhs=(self.dims, rhs_arr))
        return Constraint(data, model)


def data_array(values: np.ndarray | float, *coords: pd.Index) -> xr.DataArray:
    """A DataArray over *coords* (scalars broadcast)."""
    shape = tuple(len(c) for c in coords)
    arr = np.broadcast_to(np.asarray(values, dtype=float), shape)
    return xr.DataArray(
        np.array(arr), coords={str(c.name): c for c in coords}, dims=[str(c.name) for c in coords]
    )


def mask_array(values: np.ndarray | bool, *coords: pd.Index) -> xr.DataArray:
    """A boolean DataArray over *coords* (scalars broadcast)."""
    shape = tuple(len(c) for c in coords)
    arr = np.broadcast_to(np.asarray(values, dtype=bool), shape)
    return xr.DataArray(
        np.array(arr), coords={str(c.name): c for c in coords}, dims=[str(c.name) for c in coords]
    )
