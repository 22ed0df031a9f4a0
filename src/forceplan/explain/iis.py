"""Hard mode: an irreducible infeasible subset (IIS) of the scenario's requirements.

The planner never says a bare "infeasible": every floor and target has a
penalised slack, so it returns a plan with shortfalls. To see *why* the
requirements cannot all be met, :func:`find_iis` builds the model, removes the
soft slacks (fixes them to 0), relaxes integrality (HiGHS computes an IIS of
LPs only) and asks HiGHS for an irreducible infeasible subset: rows and
variable bounds that cannot hold together, while dropping any one of them
makes the rest feasible. Where HiGHS returns none, a deletion filter over the
rows finds one (rows only: every variable bound stays in force).

Every member is translated back to the scenario: the constraint name and
coordinates (``capability-floor[role=artillery, period=2027]``), the table and
row numbers of the scenario files that set it (``requirements.csv row 3``) and
the period, plus a sentence in plain words.

Row numbers are those of the scenario's CSV files as written in a run folder
(``RUNDIR/scenario/<table>.csv``; the header is row 1).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.model.build import ModelBundle, build_model
from forceplan.model.terms import labels_of
from forceplan.solve.matrix_model import HighsModel

log = logging.getLogger(__name__)

IIS_COLUMNS = ["kind", "name", "coordinates", "bound", "period", "table", "rows", "text"]
"""Columns of :attr:`IisResult.members`."""

DELETION_FILTER_MAX_ROWS = 5000
"""The deletion filter solves one LP per row; beyond this many rows it is not attempted."""

_BOUND = {2: "lower", 3: "upper", 4: "both", 1: "free", -1: "dropped", 0: ""}


@dataclass
class IisResult:
    """The outcome of :func:`find_iis`.

    Attributes
    ----------
    feasible
        True when the hard constraints with every requirement enforced can all
        hold in the LP relaxation (then there is no IIS).
    method
        ``highs`` (HiGHS's IIS), ``deletion-filter`` or ``none``.
    members
        One row per IIS member: ``kind`` (``row`` or ``bound``), ``name``
        (``family-what``), ``coordinates``, ``bound`` (lower, upper, both),
        ``period``, ``table`` and ``rows`` (the scenario files and row numbers
        that set it) and ``text`` (plain words).
    seconds
        Wall time.
    message
        One line for humans.
    """

    feasible: bool
    method: str
    members: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=IIS_COLUMNS))
    seconds: float = 0.0
    message: str = ""


def _relaxed_without_slacks(bundle: ModelBundle) -> HighsModel:
    hm = HighsModel(bundle.model, relax=True)
    for name in bundle.shortfall_scales:
        if name in bundle.model.variables:
            labels = labels_of(bundle.model.variables[name])
            hm.set_upper(labels[labels >= 0], 0.0)
    hm.set_objective(np.zeros(0, dtype=np.int64), np.zeros(0))
    return hm


def _highs_iis(hm: HighsModel) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """HiGHS's IIS: (row positions, row bounds, column positions, column bounds), or None."""
    h = hm.h
    # from the LP solve's infeasibility, then made irreducible: on the notional scenario
    # 0.5 s against 37 s for the irreducible strategy alone (HiGHS 1.16), same IIS size
    strategy = int(highspy.IisStrategy.kIisStrategyFromLp) | int(
        highspy.IisStrategy.kIisStrategyIrreducible
    )
    h.setOptionValue("iis_strategy", strategy)
    try:
        status, iis = h.getIis()
    except Exception:  # an IIS facility failure falls back to the deletion filter
        log.exception("HiGHS IIS failed")
        return None
    if status != highspy.HighsStatus.kOk or not iis.valid_:
        return None
    rows = np.asarray(iis.row_index_, dtype=np.int64)
    cols = np.asarray(iis.col_index_, dtype=np.int64)
    if not len(rows) and not len(cols):
        return None
    row_bound = np.asarray(iis.row_bound_, dtype=np.int64)
    col_bound = np.asarray(iis.col_bound_, dtype=np.int64)
    # columns listed only as free do not take part through their bounds
    keep = np.isin(col_bound, (2, 3, 4))
    return rows, row_bound, cols[keep], col_bound[keep]


def deletion_filter(hm: HighsModel, rows: np.ndarray | None = None) -> np.ndarray:
    """Rows of an irreducible infeasible subset by the deletion filter (variable bounds kept).

    Each candidate row is dropped in turn (its bounds set to -inf, inf); if the
    rest is still infeasible it stays dropped, otherwise it is restored and
    belongs to the IIS.

    Parameters
    ----------
    hm
        An infeasible LP.
    rows
        Candidate row positions (default: every row).

    Returns
    -------
    numpy.ndarray
        Row positions of the IIS.
    """
    h = hm.h
    lp = h.getLp()
    lower = np.asarray(lp.row_lower_, dtype=float)
    upper = np.asarray(lp.row_upper_, dtype=float)
    candidates = np.arange(h.getNumRow()) if rows is None else np.asarray(rows, dtype=np.int64)
    kept: list[int] = []
    h.setOptionValue("time_limit", np.inf)
    for r in candidates:  # one LP per row: the filter's nature (small IIS candidate sets only)
        h.changeRowBounds(int(r), -np.inf, np.inf)
        h.run()
        if h.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
            continue
        h.changeRowBounds(int(r), float(lower[r]), float(upper[r]))
        kept.append(int(r))
    return np.asarray(kept, dtype=np.int64)


def find_iis(
    scenario: Scenario,
    *,
    bundle: ModelBundle | None = None,
    method: str = "auto",
) -> IisResult:
    """An irreducible infeasible subset of the scenario's requirements, in scenario terms.

    Parameters
    ----------
    scenario
        A validated scenario.
    bundle
        A freshly built model of *scenario* to use instead of building one.
    method
        ``auto`` (HiGHS's IIS, the deletion filter if it gives none), ``highs``
        or ``deletion-filter``.

    Returns
    -------
    IisResult

    Examples
    --------
    >>> import forceplan  # doctest: +SKIP
    >>> find_iis(forceplan.examples.notional()).feasible  # doctest: +SKIP
    True
    """
    start = time.perf_counter()
    bundle = bundle or build_model(scenario)
    hm = _relaxed_without_slacks(bundle)
    status, _ = hm.run()
    if status == "optimal":
        return IisResult(
            True,
            "none",
            seconds=time.perf_counter() - start,
            message="every requirement can be met together (LP relaxation, no slack): "
            "there is no infeasible subset",
        )
    if status != "infeasible":
        return IisResult(
            False,
            "none",
            seconds=time.perf_counter() - start,
            message=f"HiGHS could not decide feasibility ({hm.status_text()})",
        )
    found = None if method == "deletion-filter" else _highs_iis(hm)
    used = "highs"
    if found is None:
        if method == "highs":
            return IisResult(
                False, "none", seconds=time.perf_counter() - start, message="HiGHS found no IIS"
            )
        if hm.n_rows > DELETION_FILTER_MAX_ROWS:
            return IisResult(
                False,
                "none",
                seconds=time.perf_counter() - start,
                message=f"HiGHS found no IIS and the model has {hm.n_rows} rows, too many for "
                f"the deletion filter (at most {DELETION_FILTER_MAX_ROWS})",
            )
        hm = _relaxed_without_slacks(bundle)
        rows = deletion_filter(hm)
        found = (rows, np.full(len(rows), 0), np.zeros(0, np.int64), np.zeros(0, np.int64))
        used = "deletion-filter"
    rows, row_bound, cols, col_bound = found
    members = translate(bundle, hm, rows, row_bound, cols, col_bound)
    return IisResult(
        False,
        used,
        members,
        time.perf_counter() - start,
        f"{len(members)} constraint(s) and bound(s) cannot hold together",
    )


# --------------------------------------------------------------------------------------------
# translation to the scenario


def _row_bound_words(hm: HighsModel, rows: np.ndarray, bound: np.ndarray) -> list[str]:
    lp = hm.h.getLp()
    lower = np.asarray(lp.row_lower_, dtype=float)[rows]
    upper = np.asarray(lp.row_upper_, dtype=float)[rows]
    out = []
    for b, lo, up in zip(bound, lower, upper, strict=True):
        if b in _BOUND and _BOUND[int(b)] in ("lower", "upper", "both"):
            out.append(_BOUND[int(b)] if lo != up else "equality")
        elif lo == up:
            out.append("equality")
        else:
            out.append("lower" if np.isfinite(lo) else "upper")
    return out


def _position(container: Any, label: int) -> tuple[str, dict[str, object]]:
    """(name, coordinates) of a linopy constraint or variable label."""
    found = container.get_label_position(label)
    name, coords = found if isinstance(found, tuple) else (None, None)
    return str(name), dict(coords or {})


def translate(
    bundle: ModelBundle,
    hm: HighsModel,
    rows: np.ndarray,
    row_bound: np.ndarray,
    cols: np.ndarray,
    col_bound: np.ndarray,
) -> pd.DataFrame:
    """IIS rows and column bounds as scenario tables, rows, periods and words."""
    m = bundle.model
    records: list[dict[str, object]] = []
    row_labels = hm.clabels[rows] if len(rows) else np.zeros(0, np.int64)
    row_words = _row_bound_words(hm, rows, row_bound) if len(rows) else []
    for label, bound in zip(row_labels, row_words, strict=True):
        name, coords = _position(m.constraints, int(label))
        records.append(_member(bundle, "row", name, coords, bound))
    col_labels = hm.vlabels[cols] if len(cols) else np.zeros(0, np.int64)
    for label, b in zip(col_labels, col_bound, strict=True):
        name, coords = _position(m.variables, int(label))
        records.append(_member(bundle, "bound", name, coords, _BOUND[int(b)]))
    if not records:
        return pd.DataFrame(columns=IIS_COLUMNS)
    frame = pd.DataFrame.from_records(records)
    order = frame["kind"].map({"row": 0, "bound": 1})
    return (
        frame.assign(_o=order)
        .sort_values(["_o", "period", "name", "coordinates"], kind="stable", na_position="first")
        .drop(columns="_o")
        .reset_index(drop=True)[IIS_COLUMNS]
    )


def _rows_where(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    """Spreadsheet row numbers (header = row 1) of the rows of *frame* in *mask*."""
    return [int(i) + 2 for i in np.flatnonzero(mask.to_numpy(dtype=bool))]


Locator = Callable[[Scenario, dict[str, object]], list[tuple[str, list[int]]]]


def _by(table: str, column: str, key: str) -> Locator:
    def locate(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
        t = s.tables[table]
        return [(table, _rows_where(t, t[column].astype(str) == str(c.get(key))))]

    return locate


def _period_match(t: pd.DataFrame, period: object) -> pd.Series:
    return pd.to_numeric(t["period"], errors="coerce") == float(str(period))


def _requirement(kind: str) -> Locator:
    def locate(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
        t = s.tables["requirements"]
        mask = (t["kind"] == kind) & _period_match(t, c.get("period"))
        if kind == "capability":
            mask &= t["role"].astype(str) == str(c.get("role"))
        return [("requirements", _rows_where(t, mask))]

    return locate


def _budget(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    t = s.tables["budgets"]
    mask = (t["stream"].astype(str) == str(c.get("stream"))) & _period_match(t, c.get("period"))
    u = s.tables["budget_uses"]
    return [
        ("budgets", _rows_where(t, mask)),
        ("budget_uses", _rows_where(u, u["stream"].astype(str) == str(c.get("stream")))),
    ]


def _category(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    use, _, country = str(c.get("category", "")).partition(":")
    u = s.tables["budget_uses"]
    mask = u["use"].astype(str) == use
    if country:
        mask &= u["country"].astype(str).isin(["", country])
    out = [("budget_uses", _rows_where(u, mask))]
    if use == "operation":
        eq = s.tables["equipment"]
        out.append(("equipment", _rows_where(eq, eq["operating_cost"] > 0)))
    elif use in ("acquisition", "ammunition"):
        src = s.tables["sources"]
        out.append(
            (
                "sources",
                _rows_where(src, (src["country"].astype(str) == country) & (src["price"] > 0)),
            )
        )
        ln = s.tables["lines"]
        out.append(
            (
                "lines",
                _rows_where(ln, (ln["country"].astype(str) == country) & (ln["unit_cost"] > 0)),
            )
        )
    elif use in ("expansion", "replenishment"):
        ln = s.tables["lines"]
        out.append(("lines", _rows_where(ln, ln["country"].astype(str) == country)))
    elif use == "upgrade":
        up = s.tables["upgrades"]
        out.append(("upgrades", _rows_where(up, up["unit_cost"] > 0)))
    return out


def _donor(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    country, _, item = str(c.get("donor", "")).partition(":")
    t = s.tables["donors"]
    mask = (t["country"].astype(str) == country) & (t["item"].astype(str) == item)
    src = s.tables["sources"]
    smask = (
        (src["kind"] == "donor")
        & (src["country"].astype(str) == country)
        & (src["item"].astype(str) == item)
    )
    return [("donors", _rows_where(t, mask)), ("sources", _rows_where(src, smask))]


def _equipment(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    e = str(c.get("equipment"))
    eq = s.tables["equipment"]
    inv = s.tables["inventory"]
    out = [
        ("equipment", _rows_where(eq, eq["id"].astype(str) == e)),
        ("inventory", _rows_where(inv, inv["equipment"].astype(str) == e)),
    ]
    cls = eq.loc[eq["id"].astype(str) == e, "class"]
    if len(cls) and "period" in c:
        labels = s.periods
        period = int(float(str(c["period"])))
        if period in labels:
            intensity = s.header.intensity[labels.index(period)]
            att = s.tables["attrition"]
            amask = (att["class"].astype(str) == str(cls.iloc[0])) & (att["intensity"] == intensity)
            out.append(("attrition", _rows_where(att, amask)))
    return out


def _munition(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    mu = str(c.get("munition"))
    t = s.tables["munitions"]
    em = s.tables["equipment_munitions"]
    src = s.tables["sources"]
    ln = s.tables["lines"]
    return [
        ("munitions", _rows_where(t, t["id"].astype(str) == mu)),
        ("equipment_munitions", _rows_where(em, em["munition"].astype(str) == mu)),
        ("sources", _rows_where(src, src["item"].astype(str) == mu)),
        ("lines", _rows_where(ln, ln["product"].astype(str) == mu)),
    ]


def _training(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    cls = str(c.get("class"))
    t = s.tables["training"]
    eq = s.tables["equipment"]
    return [
        ("training", _rows_where(t, t["class"].astype(str) == cls)),
        (
            "equipment",
            _rows_where(eq, (eq["class"].astype(str) == cls) & (eq["training_weeks"] > 0)),
        ),
    ]


def _role(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    eq = s.tables["equipment"]
    return [("equipment", _rows_where(eq, eq["role"].astype(str) == str(c.get("role"))))]


def _header(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    return [("scenario.yaml", [])]


def _replenishment(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    line, _, donor = str(c.get("replenishment", "")).partition("/")
    return _by("lines", "id", "line")(s, {"line": line}) + _donor(s, {"donor": donor})


def _nothing(s: Scenario, c: dict[str, object]) -> list[tuple[str, list[int]]]:
    return []


LOCATORS: dict[str, Locator] = {
    "supply-limit": _by("sources", "id", "source"),
    "supply-order": _by("sources", "id", "source"),
    "line-capacity": _by("lines", "id", "line"),
    "line-max_expansions": _by("lines", "id", "line"),
    "line-output": _by("lines", "id", "line"),
    "line-expand": _by("lines", "id", "line"),
    "line-replenish": _replenishment,
    "upgrade-capacity": _by("upgrades", "id", "upgrade"),
    "upgrade-start": _by("upgrades", "id", "upgrade"),
    "donor-balance": _donor,
    "donor-minimum": _donor,
    "donor-stock": _donor,
    "donor-shortfall": _donor,
    "stock-balance": _equipment,
    "stock-level": _equipment,
    "stock-retire": _equipment,
    "stock-inflow_to_date": _equipment,
    "stock-service_life": _equipment,
    "stock-loss": _equipment,
    "stock-loss_upper": _equipment,
    "stock-loss_lower": _equipment,
    "stock-expire": _equipment,
    "stock-expire_cohort": _equipment,
    "reserve-balance": _equipment,
    "reserve-level": _equipment,
    "reserve-store": _equipment,
    "reserve-activate": _equipment,
    "reserve-expire": _equipment,
    "ammo-reserve": _munition,
    "ammo-reserve_shortfall": _munition,
    "force-slots": _requirement("capability"),
    "force-shortfall": _requirement("capability"),
    "ammo-balance": _munition,
    "ammo-stock": _munition,
    "ammo-shortfall": _munition,
    "capability-floor": _requirement("capability"),
    "capability-shortfall": _requirement("capability"),
    "interop-target": _requirement("interoperability"),
    "interop-shortfall": _requirement("interoperability"),
    "training-capacity": _training,
    "training-crews": _equipment,
    "training-pool": _equipment,
    "training-waiting": _equipment,
    "training-crewed": _equipment,
    "consumable-balance": _equipment,
    "consumable-demand": _equipment,
    "consumable-stock": _equipment,
    "consumable-used": _equipment,
    "consumable-shortfall": _equipment,
    "budget-limit": _budget,
    "budget-pay": _budget,
    "budget-cover": _category,
    "budget-unfunded": _category,
    "diversity-link": _equipment,
    "diversity-in_service": _equipment,
    "diversity-max_types": _header,
}
"""Constraint or variable name -> where the scenario sets it."""

SENTENCES: dict[str, str] = {
    "supply-limit": "at most the offered quantity can be ordered from source {source} in {period}",
    "line-capacity": "line {line} can produce at most its capacity in {period}",
    "line-max_expansions": "line {line} can be expanded at most max_expansions times",
    "upgrade-capacity": "the {upgrade} depot can start at most its capacity in {period}",
    "donor-balance": "the stockpile {donor} moves only by donations and replenishment in {period}",
    "donor-minimum": "the stockpile {donor} must be at its minimum in {period}",
    "stock-balance": "the stock of {equipment} in {period} follows from arrivals, losses, "
    "retirements and upgrades",
    "stock-inflow_to_date": "arrivals of {equipment} up to {period} count for its service life",
    "training-pool": "crews of {equipment} in {period} are the opening crews plus crews trained, "
    "less crews of units lost",
    "training-crewed": "units of {equipment} in service in {period} need crews or wait",
    "consumable-balance": "the stockpile of {equipment} in {period} follows from deliveries "
    "and use",
    "consumable-demand": "the force uses {equipment} up to its demand in {period}",
    "stock-service_life": "units of {equipment} leave at the end of their service life ({period})",
    "stock-expire_cohort": "only units of {equipment} whose life ends in {period} leave at its end",
    "stock-loss_upper": "losses of {equipment} in {period} follow the attrition rate",
    "stock-loss_lower": "losses of {equipment} in {period} follow the attrition rate",
    "reserve-balance": "units of {equipment} in reserve in {period} move only by storing, "
    "reactivating and the end of their life",
    "ammo-reserve": "the {munition} war reserve must be held at the end of {period}",
    "force-slots": "the formations due in {period} need their {role} slots filled",
    "ammo-balance": "the {munition} ammunition stock in {period} follows from supply and "
    "consumption, and consumption must be covered",
    "capability-floor": "{role} capability must reach its floor in {period}",
    "interop-target": "the interoperability index must reach its target in {period}",
    "training-capacity": "new {class} crews in {period} are limited by the training pipelines",
    "budget-limit": "stream {stream} can spend at most its amount in {period}",
    "budget-cover": "every {category} cost in {period} must be paid by a stream allowed to pay it",
    "diversity-link": "{equipment} counts as a type in service in {period} when it is held",
    "diversity-max_types": "at most max_types_per_class types of {class} may serve in {period}",
}
"""Plain words of each constraint family (coordinates filled in)."""

VARIABLE_WORDS: dict[str, str] = {
    "supply-order": "orders from {source} in {period}",
    "line-output": "output of line {line} in {period}",
    "line-replenish": "replenishment {replenishment} in {period}",
    "line-expand": "expansions of line {line} ordered in {period}",
    "upgrade-start": "upgrades {upgrade} started in {period}",
    "donor-stock": "the stockpile {donor} at the end of {period}",
    "stock-level": "the stock of {equipment} at the end of {period}",
    "stock-retire": "retirements of {equipment} in {period}",
    "stock-expire": "units of {equipment} leaving at the end of their life in {period}",
    "reserve-store": "units of {equipment} put in reserve in {period}",
    "reserve-activate": "units of {equipment} returned from reserve in {period}",
    "stock-inflow_to_date": "arrivals of {equipment} up to {period}",
    "ammo-stock": "the {munition} ammunition stock at the end of {period}",
    "budget-pay": "payments by {stream} towards {category} in {period}",
    "diversity-in_service": "{equipment} in service in {period}",
}
"""Plain words of each variable (coordinates filled in), for bounds in an IIS."""

SLACK_WORDS: dict[str, str] = {
    "capability-shortfall": "no {role} capability shortfall allowed in {period}",
    "ammo-shortfall": "no {munition} ammunition shortfall allowed in {period}",
    "donor-shortfall": "the stockpile {donor} may not fall short of its minimum in {period}",
    "interop-shortfall": "no interoperability shortfall allowed in {period}",
    "budget-unfunded": "no operating cost may go unfunded in {period}",
    "ammo-reserve_shortfall": "no {munition} war reserve shortfall allowed in {period}",
    "force-shortfall": "no {role} slots of due formations left empty in {period}",
}
"""Plain words of each removed soft slack (its upper bound fixed at 0)."""


def _fill(template: str, fill: dict[str, str], fallback: str) -> str:
    try:
        return template.format(**fill)
    except KeyError:
        return fallback


def _member(
    bundle: ModelBundle, kind: str, name: str, coords: dict[str, object], bound: str
) -> dict[str, object]:
    s = bundle.scenario
    coordinates = ", ".join(f"{k}={v}" for k, v in coords.items())
    where = LOCATORS.get(name, _nothing)(s, coords)
    where = [(t, r) for t, r in where if r or t == "scenario.yaml"]
    tables = "; ".join(t if t == "scenario.yaml" else f"{t}.csv" for t, _ in where)
    rows = "; ".join(
        "scenario.yaml objective"
        if t == "scenario.yaml"
        else f"{t}.csv row(s) " + ", ".join(map(str, r))
        for t, r in where
    )
    fill = {
        k: str(v).replace("-", " ") if k in ("role", "class") else str(v) for k, v in coords.items()
    }
    fill.setdefault("period", "every period")
    if kind == "row":
        text = _fill(SENTENCES.get(name, name + " holds"), fill, name + " holds")
    elif name in SLACK_WORDS or name in bundle.shortfall_scales:
        text = _fill(SLACK_WORDS.get(name, "no shortfall allowed"), fill, "no shortfall allowed")
    else:
        what = _fill(VARIABLE_WORDS.get(name, name), fill, name)
        text = (
            f"{what} cannot be negative" if bound == "lower" else f"{what} cannot exceed its bound"
        )
    period = coords.get("period")
    return {
        "kind": kind,
        "name": name,
        "coordinates": coordinates,
        "bound": bound,
        "period": int(period) if period is not None else None,  # type: ignore[call-overload]
        "table": tables,
        "rows": rows,
        "text": text,
    }
