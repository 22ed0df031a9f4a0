"""The report's interactive charts, as plotly figures built from a run folder's tables.

Each builder takes a :class:`~forceplan.report.data.ReportData` and returns a
:class:`Chart`: a figure, or a note saying why there is nothing to draw. Axis
titles carry the units of the schemas (``points``, ``rounds``, ``USD million``, ...).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from forceplan.domain.schema import unit_of
from forceplan.report.data import ReportData, strip_per_unit
from forceplan.results.contract import BUDGET_USES

FAMILY_COLORS: dict[str, str] = {
    "nato": "#1f5fa8",
    "soviet": "#c0392b",
    "national": "#d39e00",
    "unknown": "#7f7f7f",
}
"""Colour of each standard family (the same in the HTML and the PNG charts)."""

SERIES_COLORS: dict[str, str] = {
    "capability": "#1f5fa8",
    "floor": "#222222",
    "shortfall": "#d62728",
    "index": "#1f5fa8",
    "target": "#222222",
    "supply": "#2ca02c",
    "consumption": "#ff7f0e",
    "closing": "#1f5fa8",
    "available": "#222222",
    "capacity": "#222222",
    "output": "#1f5fa8",
    "expansions": "#9467bd",
    "stock": "#1f5fa8",
    "minimum": "#d62728",
    "donated": "#ff7f0e",
    "replenished": "#2ca02c",
}
"""Colour of each named series."""

USE_COLORS: dict[str, str] = {
    "acquisition": "#1f5fa8",
    "operation": "#7f7f7f",
    "upgrade": "#9467bd",
    "expansion": "#8c564b",
    "replenishment": "#2ca02c",
    "ammunition": "#ff7f0e",
}
"""Colour of each budget use."""

LEVEL_NAMES = ("not interoperable", "deconflicted", "compatible", "integrated")
"""Names of formation interoperability levels 0-3 (multinational scale)."""

LEVEL_COLORS = ("#c0392b", "#e67e22", "#f1c40f", "#27ae60")
"""Colour of each formation level 0-3."""

INDEX_UNIT = "index (0-1)"
"""Axis title of the force-wide interoperability index."""

DEFAULT_HEIGHT = 420
"""Height in pixels of a chart without facets."""

FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"


@dataclass
class Chart:
    """One chart of the report.

    Attributes
    ----------
    key
        Short id (``stock``, ``capability``, ...), used in element ids and PNG names.
    title
        Heading shown above the chart.
    description
        One sentence on what the chart shows.
    figure
        The plotly figure, or ``None`` when there is nothing to draw.
    note
        Why there is no figure (shown instead of it).
    facets
        Titles of the small charts of a faceted figure, in row-major order (subplot
        ``k`` uses axes ``x{k}``/``y{k}``); empty for a single chart.
    """

    key: str
    title: str
    description: str
    figure: go.Figure | None
    note: str = ""
    facets: list[str] = field(default_factory=list)


def period_axis(data: ReportData) -> list[str]:
    """Period labels as the category values of every x axis."""
    return [str(p) for p in data.periods]


def _x(frame: pd.DataFrame, column: str = "period") -> list[str]:
    return [str(int(p)) for p in frame[column]]


def facet_grid(n: int) -> tuple[int, int]:
    """Rows and columns of a grid of *n* small charts (two to four columns).

    Examples
    --------
    >>> facet_grid(1), facet_grid(5), facet_grid(12), facet_grid(74)
    ((1, 1), (3, 2), (4, 3), (19, 4))
    """
    cols = 1 if n <= 1 else 2 if n <= 6 else 3 if n <= 18 else 4
    return math.ceil(n / cols), cols


def _faceted(titles: Sequence[str], row_height: int | None = None) -> tuple[go.Figure, int]:
    """An empty figure with one subplot per title; returns it and its number of columns."""
    rows, cols = facet_grid(len(titles))
    if row_height is None:
        row_height = 260 if len(titles) <= 18 else 190
    height = 125 + row_height * rows
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=list(titles),
        vertical_spacing=min(0.3, 75 / height),
        horizontal_spacing=0.08 if cols > 1 else 0.02,
    )
    fig.update_layout(height=height)
    return fig, cols


def _cell(i: int, cols: int) -> dict[str, int]:
    return {"row": i // cols + 1, "col": i % cols + 1}


MAX_FACETS = 12
"""Most small charts in one faceted figure; beyond that the most telling ones are shown."""


def most_telling(
    frame: pd.DataFrame, key: str, flag: pd.Series, score: pd.Series, limit: int = MAX_FACETS
) -> list[str]:
    """The keys to show when there are more than *limit*: flagged first, then by score.

    Parameters
    ----------
    frame
        A plan table (one row per key and period).
    key
        Its key column (``munition``, ``line``, ``donor``, ...).
    flag, score
        Per-row values aligned with *frame*: a key is flagged when any of its rows
        is, and scored by the sum of its rows' scores.
    limit
        Most keys returned.

    Returns
    -------
    list of str
        Every key in alphabetical order when there are at most *limit*; otherwise the
        *limit* most telling ones, most telling first (ties by key).
    """
    keys = frame[key].astype(str)
    if keys.nunique() <= limit:
        return sorted(keys.unique())
    ranked = (
        pd.DataFrame({"key": keys, "flag": flag.astype(bool), "score": score.astype(float)})
        .groupby("key")
        .agg(flag=("flag", "max"), score=("score", "sum"))
        .reset_index()
        .sort_values(["flag", "score", "key"], ascending=[False, False, True], kind="stable")
    )
    return ranked["key"].head(limit).tolist()


def _shown_note(shown: int, total: int, what: str, rule: str, table: str) -> str:
    if shown >= total:
        return ""
    return f" Showing {shown} of {total} {what}: {rule}; every one is in plan/{table}.csv."


def _finish(fig: go.Figure, data: ReportData, title: str, barmode: str | None = None) -> go.Figure:
    """Common layout: title, category period axes, legend on top, white template."""
    height = fig.layout.height or DEFAULT_HEIGHT
    fig.update_layout(
        height=height,
        title={
            "text": title,
            "x": 0.01,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - 12 / height,
            "yanchor": "top",
        },
        template="plotly_white",
        font={"family": FONT, "size": 12},
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1 - 40 / height,
            "yanchor": "top",
            "x": 0.0,
            "xanchor": "left",
        },
        margin={"l": 70, "r": 20, "t": 105, "b": 50},
        hovermode="x unified",
    )
    if barmode:
        fig.update_layout(barmode=barmode)
    periods = period_axis(data)
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=periods,
        range=[-0.5, len(periods) - 0.5],
    )
    return fig


def _names(frame: pd.DataFrame) -> dict[str, str]:
    """id -> 'name (id)' for a scenario table with id and name columns."""
    if frame.empty:
        return {}
    names = frame["name"].where(frame["name"] != "", frame["id"])
    label = names.where(names == frame["id"], names + " (" + frame["id"] + ")")
    return dict(zip(frame["id"], label, strict=True))


def _plain_names(frame: pd.DataFrame) -> dict[str, str]:
    """id -> display name (the id when unnamed) for a scenario table with id and name."""
    if frame.empty:
        return {}
    names = frame["name"].where(frame["name"] != "", frame["id"])
    return dict(zip(frame["id"], names, strict=True))


def stock_by_family(data: ReportData) -> pd.DataFrame:
    """Units in service per period (rows) and standard family (columns)."""
    stock = data.plan["stock"]
    eq = data.scenario["equipment"][["id", "family"]]
    merged = stock.merge(eq, left_on="equipment", right_on="id", how="left")
    merged["family"] = merged["family"].fillna("unknown").replace("", "unknown")
    table = merged.pivot_table(
        index="period", columns="family", values="quantity", aggfunc="sum", fill_value=0.0
    )
    order = [f for f in FAMILY_COLORS if f in table.columns]
    return table.reindex(index=data.periods, columns=order, fill_value=0.0)


def combat_value_by_family(data: ReportData) -> pd.DataFrame:
    """Combat value in service (sum of combat value x units) per period and standard family."""
    stock = data.plan["stock"][["period", "equipment", "quantity"]]
    eq = data.scenario["equipment"][["id", "family", "combat_value"]]
    merged = stock.merge(eq, left_on="equipment", right_on="id", how="left")
    merged["family"] = merged["family"].fillna("unknown").replace("", "unknown")
    value = pd.to_numeric(merged["combat_value"], errors="coerce").fillna(0.0)
    merged["value"] = merged["quantity"].astype(float) * value
    table = merged.pivot_table(
        index="period", columns="family", values="value", aggfunc="sum", fill_value=0.0
    )
    order = [f for f in FAMILY_COLORS if f in table.columns]
    return table.reindex(index=data.periods, columns=order, fill_value=0.0)


def chart_stock(data: ReportData) -> Chart:
    """Combat value in service by standard family per period (stacked bars)."""
    title = "Combat value in service by standard family"
    desc = (
        "End-of-period combat value in service (combat value x units, summed over every type), "
        "stacked by the standard family of each type (NATO, Soviet, national): the shift by "
        "what the force can do, not by how many drones and radios it holds."
    )
    table = combat_value_by_family(data)
    if table.to_numpy().sum() <= 0:
        return Chart("stock", title, desc, None, "The plan has no equipment in service.")
    unit = strip_per_unit(unit_of("equipment", "combat_value"))
    fig = go.Figure()
    x = [str(p) for p in table.index]
    for family in table.columns:
        fig.add_bar(
            x=x,
            y=table[family].round(2).tolist(),
            name=family,
            marker_color=FAMILY_COLORS[family],
            hovertemplate=f"%{{y:,.1f}} {unit}<extra>{family}</extra>",
        )
    fig.update_yaxes(title_text=unit)
    return Chart("stock", title, desc, _finish(fig, data, title, barmode="stack"))


def major_platforms_by_class(data: ReportData) -> pd.DataFrame:
    """Major platforms in service (units) per class, period and standard family (long form)."""
    from forceplan.report.platforms import is_major_platform

    eq = data.scenario["equipment"]
    major = eq[is_major_platform(eq).to_numpy()] if len(eq) else eq
    stock = data.plan["stock"][["period", "equipment", "quantity"]]
    merged = stock.merge(
        major[["id", "class", "family"]], left_on="equipment", right_on="id", how="inner"
    )
    merged["family"] = merged["family"].replace("", "unknown")
    return merged.groupby(["class", "period", "family"])["quantity"].sum().reset_index()


def chart_classes(data: ReportData) -> Chart:
    """Major platforms in service per class, stacked by standard family (small multiples)."""
    from forceplan.report.platforms import CONSUMABLE_CLASSES, MINOR_CLASSES

    title = "Major platforms in service per class"
    left_out = ", ".join(sorted(CONSUMABLE_CLASSES | MINOR_CLASSES))
    desc = (
        "Units in service per equipment class, stacked by standard family: how each class "
        f"moves from Soviet to NATO standard. Not counted here: {left_out} (consumables and "
        "support vehicles; they are in the combat-value chart)."
    )
    long = major_platforms_by_class(data)
    if long.empty or long["quantity"].sum() <= 0:
        return Chart("classes", title, desc, None, "The plan has no major platforms in service.")
    size = long.groupby("class")["quantity"].max().sort_values(ascending=False)
    classes = [str(c) for c in size.index if size[c] > 1e-6]
    unit = unit_of("inventory", "quantity")
    fig, cols = _faceted(classes)
    periods = period_axis(data)
    for i, cls in enumerate(classes):
        rows = long[long["class"] == cls]
        at = _cell(i, cols)
        for family in FAMILY_COLORS:
            fam = rows[rows["family"] == family].set_index("period")["quantity"]
            if fam.empty:
                continue
            y = fam.reindex(data.periods).fillna(0.0).round(1).tolist()
            fig.add_bar(
                x=periods,
                y=y,
                name=family,
                legendgroup=family,
                marker_color=FAMILY_COLORS[family],
                hovertemplate=f"%{{y:,.0f}} {unit}<extra>{family}</extra>",
                **at,
            )
        fig.update_yaxes(title_text=unit, rangemode="tozero", **at)
    _dedupe_legend(fig)
    return Chart("classes", title, desc, _finish(fig, data, title, barmode="stack"), facets=classes)


def formation_vehicle_gaps(data: ReportData) -> pd.DataFrame | None:
    """Unfilled formation slots per period and role, roles of consumables left out.

    Returns
    -------
    pandas.DataFrame or None
        Index period, one column per role (vehicles short); ``None`` when the run
        has no ``plan/formation_gaps.csv``.
    """
    from forceplan.report.platforms import consumable_roles

    gaps = data.plan.get("formation_gaps")
    if gaps is None:
        return None
    skip = consumable_roles(data.scenario["equipment"])
    kept = gaps[~gaps["role"].astype(str).isin(skip)]
    table = kept.pivot_table(
        index="period", columns="role", values="unfilled", aggfunc="sum", fill_value=0.0
    )
    return table.reindex(index=data.periods, fill_value=0.0)


def chart_formation_gaps(data: ReportData) -> Chart:
    """Vehicles short in the formations per role and period (consumables left out)."""
    from forceplan.report.platforms import consumable_roles

    title = "Formation gaps: vehicles short per role"
    skipped = sorted(consumable_roles(data.scenario["equipment"]))
    desc = (
        "Formation slots left unfilled after the allocation of the stock, per role, in vehicles "
        "and systems"
        + (f"; roles filled by consumables ({', '.join(skipped)}) are left out" if skipped else "")
        + "."
    )
    table = formation_vehicle_gaps(data)
    if table is None:
        return Chart(
            "formation_gaps",
            title,
            desc,
            None,
            "This run has no formation allocation (plan/formation_gaps.csv is absent).",
        )
    short = [c for c in table.columns if table[c].sum() > 1e-6]
    if not short:
        return Chart(
            "formation_gaps",
            title,
            desc,
            None,
            "Every formation slot for vehicles and systems is filled in every period.",
        )
    unit = unit_of("inventory", "quantity")
    fig = go.Figure()
    x = period_axis(data)
    palette = ["#1f5fa8", "#c0392b", "#d39e00", "#2ca02c", "#9467bd", "#8c564b", "#17becf"]
    for i, role in enumerate(short):
        fig.add_bar(
            x=x,
            y=table[role].round(1).tolist(),
            name=str(role),
            marker_color=palette[i % len(palette)],
            hovertemplate=f"%{{y:,.0f}} {unit} short<extra>{role}</extra>",
        )
    fig.update_yaxes(title_text=f"{unit} short", rangemode="tozero")
    return Chart("formation_gaps", title, desc, _finish(fig, data, title, barmode="stack"))


def chart_capability(data: ReportData) -> Chart:
    """Capability against its floor, one small chart per role."""
    title = "Capability against floor per role"
    desc = "Combat value in service per role (sum of combat value x units) and its required floor."
    cap = data.plan["capability"]
    if cap.empty:
        return Chart("capability", title, desc, None, "The plan has no capability rows.")
    unit = strip_per_unit(unit_of("equipment", "combat_value"))
    roles = sorted(cap["role"].unique())
    fig, cols = _faceted(roles)
    for i, role in enumerate(roles):
        rows = cap[cap["role"] == role].sort_values("period")
        at = _cell(i, cols)
        fig.add_scatter(
            x=_x(rows),
            y=rows["capability"].round(2).tolist(),
            name="capability",
            legendgroup="capability",
            showlegend=i == 0,
            mode="lines+markers",
            line={"color": SERIES_COLORS["capability"], "width": 2.5},
            hovertemplate=f"%{{y:,.1f}} {unit}",
            **at,
        )
        floor = rows.dropna(subset=["floor"])
        floor = floor[floor["floor"] > 0]
        if not floor.empty:
            fig.add_scatter(
                x=_x(floor),
                y=floor["floor"].round(2).tolist(),
                name="floor",
                legendgroup="floor",
                showlegend=i == 0,
                mode="lines+markers",
                line={"color": SERIES_COLORS["floor"], "dash": "dash"},
                marker={"symbol": "line-ew-open", "size": 12},
                hovertemplate=f"%{{y:,.1f}} {unit}",
                **at,
            )
        short = rows[rows["shortfall"].fillna(0) > 1e-6]
        if not short.empty:
            fig.add_bar(
                x=_x(short),
                y=short["shortfall"].round(2).tolist(),
                name="shortfall",
                legendgroup="shortfall",
                showlegend=True,
                marker_color=SERIES_COLORS["shortfall"],
                opacity=0.7,
                hovertemplate=f"%{{y:,.1f}} {unit} short",
                **at,
            )
        fig.update_yaxes(title_text=unit, rangemode="tozero", **at)
    _dedupe_legend(fig)
    return Chart("capability", title, desc, _finish(fig, data, title), facets=roles)


def chart_interoperability(data: ReportData) -> Chart:
    """The force-wide interoperability index against its target."""
    title = "Interoperability index against target"
    desc = (
        "Capability-weighted share of the force that meets NATO standards, per period, "
        "and the scenario's target."
    )
    io = data.plan["interoperability"].sort_values("period")
    if io.empty:
        return Chart("interoperability", title, desc, None, "The plan has no index rows.")
    fig = go.Figure()
    fig.add_scatter(
        x=_x(io),
        y=io["index"].round(4).tolist(),
        name="index",
        mode="lines+markers",
        line={"color": SERIES_COLORS["index"], "width": 3},
        hovertemplate="index %{y:.3f}<extra></extra>",
    )
    target = io.dropna(subset=["target"])
    target = target[target["target"] > 0]
    if not target.empty:
        fig.add_scatter(
            x=_x(target),
            y=target["target"].round(4).tolist(),
            name="target",
            mode="lines+markers",
            line={"color": SERIES_COLORS["target"], "dash": "dash"},
            hovertemplate="target %{y:.3f}<extra></extra>",
        )
    fig.update_yaxes(title_text=INDEX_UNIT, range=[0, 1.05])
    return Chart("interoperability", title, desc, _finish(fig, data, title))


def chart_formation_levels(data: ReportData) -> Chart:
    """Formation interoperability levels (0-3) per period as a heat-map."""
    title = "Formation interoperability levels"
    desc = (
        "Each formation's level on the multinational scale per period: 0 not interoperable, "
        "1 deconflicted, 2 compatible, 3 integrated. Hover for the reasons."
    )
    levels = data.formation_levels
    if levels is None or levels.empty:
        return Chart(
            "formation_levels",
            title,
            desc,
            None,
            "This run has no formation levels (plan/formation_levels.csv is absent): they "
            "come from the formation allocation of `forceplan explain`.",
        )
    periods = period_axis(data)
    frame = levels.assign(period=levels["period"].astype(int).astype(str))
    formations = sorted(frame["formation"].unique())
    z = frame.pivot_table(index="formation", columns="period", values="level", aggfunc="first")
    z = z.reindex(index=formations, columns=periods)
    score = frame.pivot_table(index="formation", columns="period", values="score", aggfunc="first")
    score = score.reindex(index=formations, columns=periods)
    reasons = frame.pivot_table(
        index="formation", columns="period", values="reasons", aggfunc="first"
    ).reindex(index=formations, columns=periods)
    names = _names(data.scenario["formations"])
    custom = [
        [
            [
                "" if pd.isna(s) else f"{s:.2f}",
                "" if not isinstance(r, str) else r,
                "" if pd.isna(lv) else LEVEL_NAMES[int(lv)],
            ]
            for s, r, lv in zip(srow, rrow, zrow, strict=True)
        ]
        for srow, rrow, zrow in zip(score.to_numpy(), reasons.to_numpy(), z.to_numpy(), strict=True)
    ]
    scale = []
    for level, colour in enumerate(LEVEL_COLORS):
        scale += [[level / 4, colour], [(level + 1) / 4, colour]]
    zvalues = [[None if pd.isna(v) else float(v) for v in row] for row in z.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            x=periods,
            y=[names.get(f, f) for f in formations],
            z=zvalues,
            zmin=-0.5,
            zmax=3.5,
            colorscale=scale,
            customdata=custom,
            xgap=2,
            ygap=2,
            colorbar={
                "title": {"text": "level"},
                "tickvals": [0, 1, 2, 3],
                "ticktext": [f"{i} {n}" for i, n in enumerate(LEVEL_NAMES)],
            },
            hovertemplate="%{y}, %{x}: level %{z} (%{customdata[2]}), score "
            "%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
        )
    )
    fig.update_layout(height=max(300, 140 + 28 * len(formations)))
    fig = _finish(fig, data, title)
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(autorange="reversed", type="category")
    return Chart("formation_levels", title, desc, fig)


LARGEST_CONSUMPTION = 6
"""Munitions shown for the size of their consumption (shortfalls and Soviet ones come too)."""


def ammunition_that_matters(data: ReportData) -> list[str]:
    """The munitions the ammunition view shows, most pressing first.

    Any munition with a shortfall, the :data:`LARGEST_CONSUMPTION` with the largest
    consumption over the horizon (by value: rounds x unit cost), and every
    Soviet-family munition being phased out (used in the first period, less in
    the last).
    """
    ammo = data.plan["ammunition"]
    if ammo.empty:
        return []
    mu = data.scenario["munitions"]
    family = dict(zip(mu["id"], mu["family"], strict=True))
    price = pd.to_numeric(mu.set_index("id")["unit_cost"], errors="coerce").fillna(0.0)
    rounds = ammo.groupby("munition")["consumption"].sum()
    # by the value consumed (a 155 mm shell outweighs a 23 mm round), then by count
    use = (rounds * price.reindex(rounds.index).fillna(0.0) + rounds * 1e-12).sort_values(
        ascending=False
    )
    short = ammo.groupby("munition")["shortfall"].sum()
    first, last = data.periods[0], data.periods[-1]
    by_period = ammo.pivot_table(
        index="munition", columns="period", values="consumption", aggfunc="sum", fill_value=0.0
    )
    phased = [
        str(m)
        for m in by_period.index
        if family.get(m) == "soviet"
        and by_period.loc[m].get(first, 0.0) > 1e-6
        and by_period.loc[m].get(last, 0.0) < by_period.loc[m].get(first, 0.0) - 1e-6
    ]
    chosen = [str(m) for m in short.index[short > 1e-6]]
    chosen += [str(m) for m in use.index[:LARGEST_CONSUMPTION] if use[m] > 1e-6]
    chosen += phased
    keep = set(chosen)
    pressing = [str(m) for m in short.sort_values(ascending=False).index if short[m] > 1e-6]
    return pressing + [str(m) for m in use.index if str(m) in keep and str(m) not in pressing]


def chart_ammunition(data: ReportData) -> Chart:
    """Ammunition supply against consumption, one small chart per munition."""
    title = "Ammunition supply against consumption per calibre"
    desc = (
        "Supply (production, donations and purchases arriving) against consumption at each "
        "period's war intensity, the closing stock and any consumption left uncovered."
    )
    ammo = data.plan["ammunition"]
    if ammo.empty:
        return Chart("ammunition", title, desc, None, "The plan has no ammunition rows.")
    units = data.item_units()
    names = _names(data.scenario["munitions"])
    munitions = ammunition_that_matters(data)
    total = ammo["munition"].nunique()
    if len(munitions) < total:
        desc += (
            f" Showing the {len(munitions)} of {total} munitions that matter: the "
            f"{LARGEST_CONSUMPTION} with the largest consumption by value, any with a "
            "shortfall and every Soviet calibre being phased out; every one is in "
            "plan/ammunition.csv."
        )
    facets = [names.get(m, m) for m in munitions]
    fig, cols = _faceted(facets)
    for i, munition in enumerate(munitions):
        rows = ammo[ammo["munition"] == munition].sort_values("period")
        unit = str(units.get(munition, "units"))
        at = _cell(i, cols)
        x = _x(rows)
        for column in ("supply", "consumption"):
            fig.add_bar(
                x=x,
                y=rows[column].round(1).tolist(),
                name=column,
                legendgroup=column,
                showlegend=i == 0,
                marker_color=SERIES_COLORS[column],
                hovertemplate=f"%{{y:,.0f}} {unit}",
                **at,
            )
        short = rows["shortfall"].fillna(0)
        if (short > 1e-6).any():
            fig.add_bar(
                x=x,
                y=short.round(1).tolist(),
                name="shortfall",
                legendgroup="shortfall",
                showlegend=True,
                marker_color=SERIES_COLORS["shortfall"],
                hovertemplate=f"%{{y:,.0f}} {unit} not covered",
                **at,
            )
        fig.add_scatter(
            x=x,
            y=rows["closing"].round(1).tolist(),
            name="closing stock",
            legendgroup="closing",
            showlegend=i == 0,
            mode="lines+markers",
            line={"color": SERIES_COLORS["closing"], "dash": "dot"},
            hovertemplate=f"%{{y:,.0f}} {unit} in stock",
            **at,
        )
        fig.update_yaxes(title_text=unit, rangemode="tozero", **at)
    _dedupe_legend(fig)
    return Chart(
        "ammunition", title, desc, _finish(fig, data, title, barmode="group"), facets=facets
    )


def budget_uses(budgets: pd.DataFrame) -> list[str]:
    """The per-use columns of a budgets table that hold some spending."""
    return [u for u in BUDGET_USES if u in budgets and budgets[u].fillna(0).abs().sum() > 1e-9]


def chart_budgets(data: ReportData) -> Chart:
    """Budget use per funding stream: spending by use against the amount available."""
    title = "Budget use per stream"
    desc = "What each funding stream pays for, by use, against the amount it has per period."
    budgets = data.plan["budgets"]
    if budgets.empty:
        return Chart("budgets", title, desc, None, "The plan has no budget rows.")
    money = data.money_unit
    streams = sorted(budgets["stream"].unique())
    uses = budget_uses(budgets)
    fig, cols = _faceted(streams)
    for i, stream in enumerate(streams):
        rows = budgets[budgets["stream"] == stream].sort_values("period")
        at = _cell(i, cols)
        x = _x(rows)
        for use in uses or ["spent"]:
            fig.add_bar(
                x=x,
                y=rows[use].fillna(0).round(2).tolist(),
                name=use,
                legendgroup=use,
                showlegend=i == 0,
                marker_color=USE_COLORS.get(use, SERIES_COLORS["output"]),
                hovertemplate=f"%{{y:,.1f}} {money}",
                **at,
            )
        fig.add_scatter(
            x=x,
            y=rows["available"].round(2).tolist(),
            name="available",
            legendgroup="available",
            showlegend=i == 0,
            mode="lines+markers",
            line={"color": SERIES_COLORS["available"], "dash": "dash", "shape": "hvh"},
            hovertemplate=f"%{{y:,.1f}} {money} available",
            **at,
        )
        fig.update_yaxes(title_text=money, rangemode="tozero", **at)
    return Chart("budgets", title, desc, _finish(fig, data, title, barmode="stack"), facets=streams)


def chart_lines(data: ReportData) -> Chart:
    """Production line output against capacity, with expansions ordered and on line."""
    title = "Production line capacity and expansions"
    desc = (
        "Output of each production line against its capacity; the markers show expansions "
        "ordered (the capacity steps up once they come on line)."
    )
    lines = data.plan["lines"]
    if lines.empty:
        return Chart("lines", title, desc, None, "The scenario has no production lines.")
    scen = data.scenario["lines"]
    units = dict(zip(scen["id"], scen["unit"].replace("", "units"), strict=True))
    product = dict(zip(scen["id"], scen["product"], strict=True))
    use = lines["output"].fillna(0) / lines["capacity"].where(lines["capacity"] > 0)
    ids = most_telling(
        lines, "line", flag=lines["expansions_ordered"].fillna(0) > 1e-6, score=use.fillna(0)
    )
    desc += _shown_note(
        len(ids),
        lines["line"].nunique(),
        "lines",
        "those with expansions ordered first, then the most used",
        "lines",
    )
    titles = [f"{lid} ({product[lid]})" if lid in product else lid for lid in ids]
    fig, cols = _faceted(titles)
    for i, line in enumerate(ids):
        rows = lines[lines["line"] == line].sort_values("period")
        unit = f"{units.get(line, 'units')}/period"
        at = _cell(i, cols)
        x = _x(rows)
        online = rows["expansions_online"].fillna(0).round(0).astype(int).astype(str).tolist()
        fig.add_bar(
            x=x,
            y=rows["output"].round(1).tolist(),
            name="output",
            legendgroup="output",
            showlegend=i == 0,
            marker_color=SERIES_COLORS["output"],
            customdata=online,
            hovertemplate=f"%{{y:,.0f}} {unit} produced, %{{customdata}} expansion(s) on line",
            **at,
        )
        fig.add_scatter(
            x=x,
            y=rows["capacity"].round(1).tolist(),
            name="capacity",
            legendgroup="capacity",
            showlegend=i == 0,
            mode="lines",
            line={"color": SERIES_COLORS["capacity"], "shape": "hvh", "dash": "dash"},
            hovertemplate=f"%{{y:,.0f}} {unit} capacity",
            **at,
        )
        ordered = rows[rows["expansions_ordered"].fillna(0) > 1e-6]
        if not ordered.empty:
            counts = ordered["expansions_ordered"].round(0).astype(int)
            fig.add_scatter(
                x=_x(ordered),
                y=ordered["capacity"].round(1).tolist(),
                name="expansions ordered",
                legendgroup="expansions",
                showlegend=True,
                mode="markers+text",
                marker={"symbol": "triangle-up", "size": 13, "color": SERIES_COLORS["expansions"]},
                text=[f"+{n}" for n in counts],
                textposition="top center",
                hovertemplate="%{text} expansion(s) ordered",
                **at,
            )
        fig.update_yaxes(title_text=unit, rangemode="tozero", **at)
    _dedupe_legend(fig)
    return Chart("lines", title, desc, _finish(fig, data, title), facets=titles)


def chart_donors(data: ReportData) -> Chart:
    """Donor stockpiles against their minimum levels."""
    title = "Donor stocks against minimums"
    desc = (
        "Each donor stockpile after donations and replenishment from production lines, "
        "against the minimum level the donor must keep or restore."
    )
    donors = data.plan["donors"]
    if donors.empty:
        return Chart("donors", title, desc, None, "The scenario has no donor stockpiles.")
    units = data.item_units()
    below = donors["stock"] < donors["minimum"].fillna(0) - 1e-6
    opening = donors.groupby("donor")["stock"].transform("max").where(lambda v: v > 0)
    drawn = (donors["donated"].fillna(0) / opening).fillna(0)
    ranked = most_telling(donors, "donor", flag=below, score=drawn, limit=10**9)
    ids = sorted(ranked)  # every stockpile, by donor and item
    names = {**_plain_names(data.scenario["equipment"]), **_plain_names(data.scenario["munitions"])}

    def label(donor: str) -> str:
        country, _, item = donor.partition(":")
        return f"{country}: {names.get(item, item)}" if item else donor

    titles = [label(d) for d in ids]
    fig, cols = _faceted(titles)
    for i, donor in enumerate(ids):
        rows = donors[donors["donor"] == donor].sort_values("period")
        item = str(rows["item"].iloc[0])
        unit = str(units.get(item, "units"))
        at = _cell(i, cols)
        x = _x(rows)
        for column in ("donated", "replenished"):
            fig.add_bar(
                x=x,
                y=rows[column].fillna(0).round(1).tolist(),
                name=column,
                legendgroup=column,
                showlegend=i == 0,
                marker_color=SERIES_COLORS[column],
                opacity=0.75,
                hovertemplate=f"%{{y:,.0f}} {unit} {column}",
                **at,
            )
        fig.add_scatter(
            x=x,
            y=rows["stock"].round(1).tolist(),
            name="stock",
            legendgroup="stock",
            showlegend=i == 0,
            mode="lines+markers",
            line={"color": SERIES_COLORS["stock"], "width": 2.5},
            hovertemplate=f"%{{y:,.0f}} {unit} in stock",
            **at,
        )
        minimum = rows.dropna(subset=["minimum"])
        minimum = minimum[minimum["minimum"] > 0]  # zero: no minimum applies yet
        if not minimum.empty:
            fig.add_scatter(
                x=_x(minimum),
                y=minimum["minimum"].round(1).tolist(),
                name="minimum",
                legendgroup="minimum",
                showlegend=True,
                mode="lines+markers",
                marker={"symbol": "line-ew-open", "size": 14},
                line={"color": SERIES_COLORS["minimum"], "dash": "dash"},
                hovertemplate=f"%{{y:,.0f}} {unit} minimum",
                **at,
            )
        fig.update_yaxes(title_text=unit, rangemode="tozero", **at)
    return Chart("donors", title, desc, _finish(fig, data, title, barmode="group"), facets=titles)


def _dedupe_legend(fig: go.Figure) -> None:
    """Show each legend group once (series added to several facets)."""
    seen: set[str] = set()
    for trace in fig.data:
        group = trace.legendgroup or trace.name
        trace.showlegend = group not in seen
        seen.add(group)


BUILDERS: tuple[Callable[[ReportData], Chart], ...] = (
    chart_capability,
    chart_stock,
    chart_classes,
    chart_interoperability,
    chart_formation_levels,
    chart_formation_gaps,
    chart_ammunition,
    chart_budgets,
    chart_lines,
    chart_donors,
)
"""The report's charts, in page order."""


def build_charts(data: ReportData) -> list[Chart]:
    """Every chart of the report, in page order (some may carry a note instead of a figure)."""
    return [build(data) for build in BUILDERS]
