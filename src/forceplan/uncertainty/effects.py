"""What sampled factors do to the scenario's items, as arrays over samples.

Several factors may act on the same thing; they combine as: multipliers
multiply, slips and delays add, arriving shares multiply, a pledge is lost when
any factor loses it, budget cuts combine as ``1 - prod(1 - cut)``. The
``war_intensity`` factors multiply every class's attrition and every munition's
consumption together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forceplan.domain.scenario import Scenario
from forceplan.uncertainty.draw import Draws


@dataclass
class Effects:
    """Per-sample effects on the scenario's items (first axis: sample).

    Attributes
    ----------
    classes, munitions, sources, streams, lines
        Labels of the second axis of the arrays below.
    attrition
        (sample, class): multiplier on the class's loss rates.
    consumption
        (sample, munition): multiplier on the munition's use.
    slip
        (sample, source): periods by which deliveries arrive late.
    share
        (sample, source): share of each delivery that arrives.
    lost
        (sample, source): deliveries never arrive.
    cut
        (sample, stream): share of the stream's money cut in every period.
    delay
        (sample, line): periods by which expansions come online late.
    output
        (sample, line): multiplier on the line's base capacity.
    """

    classes: list[str]
    munitions: list[str]
    sources: list[str]
    streams: list[str]
    lines: list[str]
    attrition: np.ndarray
    consumption: np.ndarray
    slip: np.ndarray
    share: np.ndarray
    lost: np.ndarray
    cut: np.ndarray
    delay: np.ndarray
    output: np.ndarray


def _unique(values: pd.Series) -> list[str]:
    return list(dict.fromkeys(str(v) for v in values if str(v) != ""))


def effects(scenario: Scenario, draws: Draws) -> Effects:
    """The effects of every sample of *draws* on *scenario* (vectorised over samples)."""
    eq, att = scenario.tables["equipment"], scenario.tables["attrition"]
    classes = _unique(pd.concat([eq["class"], att["class"]]))
    munitions = _unique(scenario.tables["munitions"]["id"])
    src = scenario.tables["sources"]
    sources = [str(s) for s in src["id"]]
    streams = _unique(scenario.tables["budgets"]["stream"])
    lines = [str(x) for x in scenario.tables["lines"]["id"]]
    n = draws.n
    out = Effects(
        classes=classes,
        munitions=munitions,
        sources=sources,
        streams=streams,
        lines=lines,
        attrition=np.ones((n, len(classes))),
        consumption=np.ones((n, len(munitions))),
        slip=np.zeros((n, len(sources))),
        share=np.ones((n, len(sources))),
        lost=np.zeros((n, len(sources)), dtype=bool),
        cut=np.zeros((n, len(streams))),
        delay=np.zeros((n, len(lines))),
        output=np.ones((n, len(lines))),
    )
    src_id = src["id"].astype(str).to_numpy()
    src_country = src["country"].astype(str).to_numpy()
    keep = np.ones((n, len(streams)))
    for factor, meta in draws.meta.iterrows():  # one pass per factor, vectorised over samples
        v = draws.factors[factor].to_numpy(dtype=float)[:, None]
        kind, target = str(meta["kind"]), str(meta["target"])
        if kind == "war_intensity":
            out.attrition *= v
            out.consumption *= v
        elif kind == "attrition":
            out.attrition *= np.where(np.asarray(classes) == target, v, 1.0)
        elif kind == "consumption":
            out.consumption *= np.where(np.asarray(munitions) == target, v, 1.0)
        elif kind.startswith("pledge_"):
            hit = (src_id == target) | (src_country == target)
            if kind == "pledge_slip":
                out.slip += np.where(hit, v, 0.0)
            elif kind == "pledge_partial":
                out.share *= np.where(hit, v, 1.0)
            else:
                out.lost |= hit & (v >= 0.5)
        elif kind == "budget_cut":
            keep *= np.where(np.asarray(streams) == target, 1.0 - v, 1.0)
        elif kind == "line_delay":
            out.delay += np.where(np.asarray(lines) == target, v, 0.0)
        elif kind == "line_output":
            out.output *= np.where(np.asarray(lines) == target, v, 1.0)
    out.cut = 1.0 - keep
    out.slip = np.round(out.slip)
    out.delay = np.round(out.delay)
    return out
