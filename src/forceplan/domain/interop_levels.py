"""Formation interoperability levels 0-3 from the equipment assigned to a formation.

The per-type score is :func:`forceplan.domain.interop.type_scores` (the one
definition the planner's interoperability target uses). A formation's level
in a period follows from the equipment assigned to it (``plan/formations.csv``):

* its **score** is the capability-weighted mean of its types' scores,
  sum(score x combat_value x quantity) / sum(combat_value x quantity)
  (weighted by quantity alone when its equipment carries no combat value);
* its **coverage** of a domain (ammunition, c2-radio, datalink, ...) is the
  share of the capability of its types *to which the domain applies* that a
  NATO-family standard meets; a domain that applies to none of its types does
  not limit the level;
* its **level** is the highest level L whose thresholds it reaches:

  =====  =================  ======================  ==========================
  level  name               score at least          coverage at least
  =====  =================  ======================  ==========================
  3      integrated         0.90                    0.90 in c2-radio, datalink
  2      compatible         0.60                    0.60 in c2-radio
  1      deconflicted       0.25                    --
  0      not interoperable  below 0.25 (or empty)   --
  =====  =================  ======================  ==========================

The reasons say, in words, what keeps the formation from the next level and
which types fall short in which domain ("D-20 (artillery) uses soviet 152 mm
for ammunition"). The rule is written out in ``docs/interoperability.md``.

This module belongs to the domain layer and never imports the solver layer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forceplan.domain.interop import NATO, domain_breakdown, type_scores
from forceplan.domain.scenario import Scenario

LEVEL_NAMES: dict[int, str] = {
    0: "not interoperable",
    1: "deconflicted",
    2: "compatible",
    3: "integrated",
}
"""Name of each level of the multinational interoperability scale."""

SCORE_THRESHOLDS: dict[int, float] = {1: 0.25, 2: 0.60, 3: 0.90}
"""Least formation score for each level above 0."""

REQUIRED_DOMAINS: dict[int, tuple[str, ...]] = {
    1: (),
    2: ("c2-radio",),
    3: ("c2-radio", "datalink"),
}
"""Domains whose coverage must also reach the level's threshold (when they apply)."""

GAP_TYPES_SHOWN = 2
"""Types named per domain in the reasons (the largest capability first); the rest are counted."""

GAP_DOMAINS_SHOWN = 3
"""Domains with gaps named in the reasons (the heaviest first); the rest are counted."""

LEVEL_COLUMNS = ["period", "formation", "level", "score", "reasons"]
"""Leading columns of ``plan/formation_levels.csv``."""


def _words(name: str) -> str:
    return name.replace("-", " ").replace("_", " ")


def _shown(x: float) -> str:
    """A score as the ``score`` column rounds it: two decimals, more only near a threshold.

    The text is the column's value rounded (0.7896 shows as 0.79, as a spreadsheet
    rounding the column would), with as many more decimals as it takes never to
    land on the other side of a level threshold (0.899 shows as 0.899, never as
    the 0.90 it misses).

    Examples
    --------
    >>> _shown(0.7896), _shown(0.899), _shown(0.9), _shown(0.5999)
    ('0.79', '0.899', '0.90', '0.5999')
    """
    for digits in range(2, 7):
        shown = round(float(x), digits)
        if all((shown >= t) == (x >= t - 1e-12) for t in SCORE_THRESHOLDS.values()):
            return f"{shown:.{digits}f}"
    return f"{x:.6f}"


def level_from(score: np.ndarray, coverage: dict[str, np.ndarray]) -> np.ndarray:
    """The level 0-3 from formation scores and domain coverages (vectorised).

    Parameters
    ----------
    score
        Formation scores (NaN: no equipment, level 0).
    coverage
        Domain -> coverage per formation, same shape as *score* (NaN: the domain
        does not apply and does not limit the level).

    Returns
    -------
    numpy.ndarray
        Integer levels.

    Examples
    --------
    >>> import numpy as np
    >>> level_from(np.array([0.95, 0.95, 0.5, 0.1]),
    ...            {"c2-radio": np.array([1.0, 0.5, np.nan, 1.0])}).tolist()
    [3, 1, 1, 0]
    """
    score = np.asarray(score, dtype=float)
    level = np.zeros(score.shape, dtype=np.int64)
    for lvl in sorted(SCORE_THRESHOLDS):
        ok = np.nan_to_num(score, nan=-1.0) >= SCORE_THRESHOLDS[lvl] - 1e-12
        for dom in REQUIRED_DOMAINS[lvl]:
            cov = coverage.get(dom)
            if cov is not None:
                ok &= np.isnan(cov) | (np.nan_to_num(cov, nan=1.0) >= SCORE_THRESHOLDS[lvl] - 1e-12)
        level = np.where(ok & (level == lvl - 1), lvl, level)
    return level


def _empty_levels() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": pd.Series(dtype="int64"),
            "formation": pd.Series(dtype=object),
            "level": pd.Series(dtype="int64"),
            "score": pd.Series(dtype=float),
            "reasons": pd.Series(dtype=object),
            "level_name": pd.Series(dtype=object),
            "capability": pd.Series(dtype=float),
            "units": pd.Series(dtype=float),
        }
    )


def formation_scores(scenario: Scenario, assignment: pd.DataFrame) -> pd.DataFrame:
    """Score and domain coverage of every (period, formation) with equipment assigned.

    Parameters
    ----------
    scenario
        A validated scenario.
    assignment
        Rows (period, formation, equipment, quantity); other columns are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``formation``, ``score``, ``capability`` (combat
        value assigned), ``units`` and one ``coverage:<domain>`` column per
        weighted domain (NaN where the domain applies to none of its types).
    """
    eq = scenario.tables["equipment"].set_index("id")
    score = type_scores(scenario)
    a = assignment.loc[assignment["quantity"] > 0, ["period", "formation", "equipment", "quantity"]]
    a = a.assign(
        value=a["equipment"].map(eq["combat_value"]).astype(float).to_numpy(),
        type_score=a["equipment"].map(score).astype(float).to_numpy(),
    )
    keys = ["period", "formation"]
    cap = (a["value"] * a["quantity"]).groupby([a["period"], a["formation"]]).transform("sum")
    # weight by capability; a formation whose equipment has no combat value is weighted by units
    a = a.assign(weight=np.where(cap > 0, a["value"] * a["quantity"], a["quantity"]))
    grouped = a.assign(ws=a["weight"] * a["type_score"], cv=a["value"] * a["quantity"]).groupby(
        keys, sort=True
    )
    sums = grouped[["ws", "weight", "cv", "quantity"]].sum()
    out = pd.DataFrame(
        {
            "score": sums["ws"] / sums["weight"],
            "capability": sums["cv"],
            "units": sums["quantity"],
        }
    )
    parts = domain_breakdown(scenario)
    weights = scenario.header.interoperability.domain_weights
    if len(a) and len(parts):
        joined = a[[*keys, "equipment", "weight"]].merge(
            parts[["equipment", "domain", "met"]], on="equipment", how="inner"
        )
        joined = joined.assign(met_w=joined["weight"] * joined["met"])
        cov = joined.groupby([*keys, "domain"])[["met_w", "weight"]].sum()
        cov = (cov["met_w"] / cov["weight"]).unstack("domain")
    else:
        cov = pd.DataFrame(index=out.index)
    for dom in weights:  # a domain of weight 0 does not count, not even as a level's condition
        has = dom in cov.columns and weights[dom] > 0
        col = cov[dom] if has else pd.Series(np.nan, index=cov.index)
        out[f"coverage:{dom}"] = col.reindex(out.index).astype(float)
    return out.reset_index()


def _gap_text(scenario: Scenario, assignment: pd.DataFrame) -> pd.DataFrame:
    """Per (period, formation, domain): assigned types whose standards there are not NATO."""
    parts = domain_breakdown(scenario)
    eq = scenario.tables["equipment"].set_index("id")
    std = scenario.tables["standards"].set_index("id")
    a = assignment.loc[assignment["quantity"] > 0, ["period", "formation", "equipment", "quantity"]]
    gaps = a.merge(parts[~parts["met"]], on="equipment", how="inner")
    names = eq["name"].where(eq["name"].astype(str).str.strip() != "", eq.index.to_series())
    std_names = std["name"].where(std["name"].astype(str).str.strip() != "", std.index.to_series())
    first = gaps["standards"].astype(str).str.split(";").str[0]
    standard_words = first.map(std_names).fillna(first).astype(str)
    gaps = gaps.assign(
        capability=gaps["quantity"] * gaps["equipment"].map(eq["combat_value"]).astype(float),
        item=(
            gaps["equipment"].map(names).astype(str)
            + " ("
            + gaps["equipment"].map(eq["role"]).astype(str).map(_words)
            + ": "
            + standard_words
            + ")"
        ),
    ).sort_values(["capability", "equipment"], ascending=[False, True], kind="stable")

    def join(items: pd.Series) -> str:
        shown = list(items.iloc[:GAP_TYPES_SHOWN])
        more = len(items) - len(shown)
        return ", ".join(shown) + (f" and {more} more" if more > 0 else "")

    out = gaps.groupby(["period", "formation", "domain"], sort=True).agg(
        weight=("weight", "first"), text=("item", join)
    )
    out = out.reset_index()
    out["text"] = "no NATO " + out["domain"].map(_words) + ": " + out["text"]
    # types with no standard in a weighted domain score by their own family (see interop.py)
    bare = a[~a["equipment"].isin(parts["equipment"])]
    bare = bare[bare["equipment"].map(eq["family"]).astype(str) != NATO]
    if len(bare):
        bare = bare.assign(
            item=bare["equipment"].map(names).astype(str)
            + " ("
            + bare["equipment"].map(eq["family"]).astype(str)
            + " family)"
        )
        extra = bare.groupby(["period", "formation"], sort=True).agg(text=("item", join))
        extra = extra.reset_index().assign(domain="family", weight=np.inf)
        extra["text"] = "no standards listed for non-NATO platforms: " + extra["text"]
        out = pd.concat([out, extra[out.columns]], ignore_index=True)
    return out


def formation_levels(
    scenario: Scenario,
    assignment: pd.DataFrame,
    gaps: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Level 0-3, score and reasons of every formation in every period.

    Parameters
    ----------
    scenario
        A validated scenario (its formations, equipment and standards).
    assignment
        The formation allocation: rows (period, formation, role, equipment,
        quantity), as in ``plan/formations.csv``.
    gaps
        Optional unfilled slots: rows (period, formation, role, slots, filled,
        unfilled), as in ``plan/formation_gaps.csv``; they add the slot totals and
        a sentence about unfilled slots to the reasons.

    Returns
    -------
    pandas.DataFrame
        One row per period and formation of the scenario: ``period``,
        ``formation``, ``level``, ``score`` (NaN when nothing is assigned),
        ``reasons`` (plain words), then ``level_name``, ``capability``,
        ``units``, ``slots``, ``filled``, ``unfilled`` and one
        ``coverage:<domain>`` column per weighted domain.

    Examples
    --------
    >>> from tests.scenarios import small_scenario  # doctest: +SKIP
    >>> import pandas as pd  # doctest: +SKIP
    >>> a = pd.DataFrame({"period": [2026], "formation": ["art-1"], "role": ["artillery"],
    ...                   "equipment": ["d20"], "quantity": [18]})  # doctest: +SKIP
    >>> formation_levels(small_scenario(), a).iloc[0][["level", "score"]].tolist()  # doctest: +SKIP
    [0, 0.0]
    """
    periods = scenario.periods
    formations = scenario.tables["formations"]["id"].astype(str).tolist()
    if not formations or not periods:
        return _empty_levels()
    grid = pd.MultiIndex.from_product([periods, formations], names=["period", "formation"])
    scores = formation_scores(scenario, assignment).set_index(["period", "formation"])
    frame = scores.reindex(grid)
    domains = list(scenario.header.interoperability.domain_weights)
    coverage = {d: frame[f"coverage:{d}"].to_numpy(dtype=float) for d in domains}
    score = frame["score"].to_numpy(dtype=float)
    level = level_from(score, coverage)
    frame = frame.assign(
        level=level,
        capability=frame["capability"].fillna(0.0),
        units=frame["units"].fillna(0.0),
    )
    if gaps is not None and len(gaps):
        totals = gaps.groupby(["period", "formation"])[["slots", "filled", "unfilled"]].sum()
        totals = totals.reindex(grid).fillna(0.0)
    else:
        totals = pd.DataFrame(np.nan, index=grid, columns=["slots", "filled", "unfilled"])
    frame = frame.join(totals)
    frame["reasons"] = _reasons(scenario, frame, assignment, gaps)
    frame["level_name"] = frame["level"].map(LEVEL_NAMES)
    out = frame.reset_index()
    cov_cols = [f"coverage:{d}" for d in domains]
    rest = ["level_name", "capability", "units", "slots", "filled", "unfilled", *cov_cols]
    out = out[LEVEL_COLUMNS + rest]
    out["level"] = out["level"].astype("int64")
    return out


def _blocker(frame: pd.DataFrame) -> pd.Series:
    """What keeps each formation from the next level, in words."""
    score = frame["score"].to_numpy(dtype=float)
    level = frame["level"].to_numpy()
    texts = np.full(len(frame), "", dtype=object)
    for lvl, threshold in SCORE_THRESHOLDS.items():
        at = level == lvl - 1
        if not at.any():
            continue
        need = f"needed for level {lvl} ({LEVEL_NAMES[lvl]})"
        low = at & ~np.isnan(score) & (np.nan_to_num(score, nan=0.0) < threshold - 1e-12)
        texts[low] = [f"score {_shown(s)} < {threshold:.2f} {need}" for s in score[low]]
        for dom in REQUIRED_DOMAINS[lvl]:
            col = f"coverage:{dom}"
            if col not in frame:
                continue
            cov = frame[col].to_numpy(dtype=float)
            short = at & ~np.isnan(cov) & (np.nan_to_num(cov, nan=1.0) < threshold - 1e-12)
            extra = [
                f"{_words(dom)} only {np.floor(100 * c + 1e-9):.0f}% NATO < "
                f"{100 * threshold:.0f}% {need}"
                for c in cov[short]
            ]
            texts[short] = [
                f"{t}; {e}" if t else e for t, e in zip(texts[short], extra, strict=True)
            ]
    return pd.Series(texts, index=frame.index)


def _reasons(
    scenario: Scenario,
    frame: pd.DataFrame,
    assignment: pd.DataFrame,
    gaps: pd.DataFrame | None,
) -> pd.Series:
    """The reasons column: level, what blocks the next level, the domain gaps, unfilled slots."""
    level = frame["level"].to_numpy()
    score = frame["score"].to_numpy(dtype=float)
    head = [
        f"level {lv} ({LEVEL_NAMES[int(lv)]}), score {_shown(s)}"
        if not np.isnan(s)
        else "level 0 (not interoperable): no equipment assigned"
        for lv, s in zip(level, score, strict=True)
    ]
    text = pd.Series(head, index=frame.index, dtype=object)
    block = _blocker(frame)
    text = text.where(block == "", text + ": " + block)
    gap = _gap_text(scenario, assignment)
    has_gap = np.zeros(len(frame), dtype=bool)
    if len(gap):
        gap = gap.sort_values(["weight", "domain"], ascending=[False, True], kind="stable")

        def join(items: pd.Series) -> str:
            shown = list(items.iloc[:GAP_DOMAINS_SHOWN])
            more = len(items) - len(shown)
            return "; ".join(shown) + (f"; gaps in {more} more domain(s)" if more > 0 else "")

        per = gap.groupby(["period", "formation"], sort=False)["text"].agg(join)
        per = per.reindex(frame.index)
        has_gap = per.notna().to_numpy()
        text[has_gap] = text[has_gap] + "; " + per[has_gap].astype(str)
    clean = ~has_gap & ~np.isnan(score)
    text[clean] = text[clean] + "; every standard it relies on is NATO"
    if gaps is not None and len(gaps):
        open_ = gaps[gaps["unfilled"] > 1e-9]
        if len(open_):
            words = (
                open_["unfilled"].map(lambda x: f"{x:g}")
                + " of "
                + open_["slots"].map(lambda x: f"{x:g}")
                + " "
                + open_["role"].astype(str).map(_words)
            )
            per_u = words.groupby([open_["period"], open_["formation"]]).agg(", ".join)
            per_u = per_u.reindex(frame.index)
            has = per_u.notna().to_numpy()
            text[has] = text[has] + "; unfilled slots: " + per_u[has].astype(str)
    return text


def force_index(scenario: Scenario, stock: pd.DataFrame) -> pd.Series:
    """The force-wide capability-weighted interoperability index per period.

    index(t) = sum(score x combat_value x stock) / sum(combat_value x stock), the
    same index the planner's target constrains (NaN when nothing is in service).

    Parameters
    ----------
    scenario
        A validated scenario.
    stock
        Rows (period, equipment, quantity), as in ``plan/stock.csv``.

    Returns
    -------
    pandas.Series
        Indexed by period, named ``index``.
    """
    eq = scenario.tables["equipment"].set_index("id")
    score = type_scores(scenario)
    value = stock["equipment"].map(eq["combat_value"]).astype(float) * stock["quantity"]
    num = (value * stock["equipment"].map(score).astype(float)).groupby(stock["period"]).sum()
    den = value.groupby(stock["period"]).sum()
    return (num / den.where(den > 0)).reindex(scenario.periods).rename("index")
