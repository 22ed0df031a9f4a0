"""Per-type interoperability score: the one definition the model and the explanations share.

A type's score says how much of what it has to be interoperable in is met by
NATO-family standards. For the domains that carry a weight in
``header.interoperability.domain_weights`` (ammunition, c2-radio, datalink,
iff, fuel, uas-control, ...):

* the *applicable* domains of a type are the weighted domains in which it
  complies with at least one standard (``equipment_standards``);
* a domain is *met* when one of those standards belongs to the ``nato`` family;
* score = sum of weights of met domains / sum of weights of applicable domains.

A type with no applicable domain scores 1 if its own family is ``nato`` and 0
otherwise. Scores lie in [0, 1]. Only ``equipment_standards`` counts: the
standard of a munition a type fires does not count unless the type lists it.

This module belongs to the domain layer and never imports the solver layer.
"""

from __future__ import annotations

import pandas as pd

from forceplan.domain.scenario import Scenario

NATO = "nato"
"""The standard family that counts as interoperable."""


def domain_breakdown(scenario: Scenario) -> pd.DataFrame:
    """Which weighted domains apply to each type and which of them NATO standards meet.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    pandas.DataFrame
        One row per (equipment, domain) pair in which the type complies with
        at least one standard of a weighted domain; columns ``equipment``,
        ``domain``, ``weight``, ``met`` (bool: a NATO-family standard covers it)
        and ``standards`` (the complied standards of that domain, ``;``-joined).

    Examples
    --------
    >>> from forceplan.io.records import from_records
    >>> s = from_records(
    ...     {"name": "x", "start_year": 2026, "periods": 1, "intensity": ["high"]},
    ...     {
    ...         "standards": [{"id": "link16", "family": "nato", "domain": "datalink"}],
    ...         "equipment": [{"id": "a", "class": "tank", "role": "armour", "family": "nato",
    ...                        "combat_value": 1, "logistics_family": "a"}],
    ...         "equipment_standards": [{"equipment": "a", "standard": "link16"}],
    ...     },
    ... )
    >>> domain_breakdown(s)[["equipment", "domain", "met"]].to_dict("records")
    [{'equipment': 'a', 'domain': 'datalink', 'met': True}]
    """
    weights = pd.Series(scenario.header.interoperability.domain_weights, dtype=float)
    links = scenario.tables["equipment_standards"][["equipment", "standard"]]
    standards = scenario.tables["standards"].set_index("id")[["family", "domain"]]
    joined = links.join(standards, on="standard", how="inner")
    joined = joined[joined["domain"].isin(weights.index)]
    if joined.empty:
        return pd.DataFrame(
            {
                "equipment": pd.Series(dtype=object),
                "domain": pd.Series(dtype=object),
                "weight": pd.Series(dtype=float),
                "met": pd.Series(dtype=bool),
                "standards": pd.Series(dtype=object),
            }
        )
    joined = joined.assign(is_nato=joined["family"] == NATO)
    grouped = joined.groupby(["equipment", "domain"], sort=True)
    out = pd.DataFrame(
        {
            "met": grouped["is_nato"].any(),
            "standards": grouped["standard"].agg(lambda s: ";".join(sorted(s))),
        }
    ).reset_index()
    out.insert(2, "weight", out["domain"].map(weights).to_numpy(dtype=float))
    return out


def type_scores(scenario: Scenario) -> pd.Series:
    """Interoperability score in [0, 1] of every equipment type.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    pandas.Series
        Indexed by equipment id (in the order of the equipment table), named
        ``score``.

    Examples
    --------
    >>> from tests.scenarios import small_scenario  # doctest: +SKIP
    >>> type_scores(small_scenario()).to_dict()  # doctest: +SKIP
    {'m777': 1.0, 'd20': 0.0, 'nasams': 1.0}
    """
    eq = scenario.tables["equipment"]
    ids = pd.Index(eq["id"].astype(str), name="equipment")
    fallback = pd.Series((eq["family"] == NATO).to_numpy(dtype=float), index=ids)
    parts = domain_breakdown(scenario)
    if parts.empty:
        return fallback.rename("score")
    parts = parts.assign(met_weight=parts["weight"] * parts["met"])
    sums = parts.groupby("equipment")[["weight", "met_weight"]].sum()
    sums = sums[sums["weight"] > 0]
    ratio = (sums["met_weight"] / sums["weight"]).clip(0.0, 1.0)
    score = fallback.copy()
    known = ratio.index.intersection(ids)
    score.loc[known] = ratio.loc[known].to_numpy()
    return score.rename("score")
