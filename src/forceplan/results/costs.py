"""What the plan costs, funded and unfunded apart.

The funded cost is what the funding streams pay (``plan/budgets.csv`` spent);
the unfunded cost is operating cost that no stream is allowed or able to pay
(a ``budget-cover`` shortfall of category ``operation:``). Reports, the
terminal summary, ``summary.json`` and compare show the two apart, so that a
total never silently includes money nobody provides.
"""

from __future__ import annotations

import pandas as pd


def cost_totals(tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Funded, unfunded and total cost over the horizon (scenario currency).

    Parameters
    ----------
    tables
        The plan tables (``budgets`` and ``shortfalls`` are read).

    Returns
    -------
    dict
        ``funded``, ``unfunded`` and ``total`` (= funded + unfunded).

    Examples
    --------
    >>> b = pd.DataFrame({"spent": [10.0, 5.0]})
    >>> s = pd.DataFrame({"constraint": ["budget-cover", "capability-floor"], "amount": [2.0, 9.0]})
    >>> cost_totals({"budgets": b, "shortfalls": s})
    {'funded': 15.0, 'unfunded': 2.0, 'total': 17.0}
    """
    budgets = tables.get("budgets")
    funded = float(budgets["spent"].sum()) if budgets is not None and len(budgets) else 0.0
    sf = tables.get("shortfalls")
    unfunded = 0.0
    if sf is not None and len(sf):
        unfunded = float(sf.loc[sf["constraint"] == "budget-cover", "amount"].sum())
    return {"funded": funded, "unfunded": unfunded, "total": funded + unfunded}
