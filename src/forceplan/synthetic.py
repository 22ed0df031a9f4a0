"""Synthetic scenarios of any size, for tests and benchmarks.

:func:`generate` builds a scenario with the structure of the notional one (every
table populated) for any number of equipment types, periods, sources and
formations. The data are random but plausible in shape and scale, deterministic
for a seed, and sized so that a plan exists:

- capability floors start below the serviceable force's capability and rise
  slowly; a platform production line per role can replace attrition, end of
  service life and the growth of the floor with a margin;
- every munition fired has a production line sized to the initial force's
  high-intensity consumption, plus expansion options;
- the budgets cover the force's operating cost, the full output of the lines
  and the upgrades with a margin; one stream may only pay one donor country's
  industry;
- training pipelines convert crews for every unit that can be delivered;
- interoperability targets rise from the force's starting index towards half
  way to the best type on offer.

Everything is built column-wise with numpy (no Python loops over rows): a
scenario of 1,000 equipment types x 40 periods x 20 sources x 50 formations
takes well under a second, most of it validation (see benchmarks/README.md).

Examples
--------
>>> s = generate(40, 10, 8, 6, seed=1)
>>> len(s.equipment), s.header.periods, len(s.sources), len(s.formations)
(40, 10, 8, 6)
>>> s.notional
True
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from forceplan.domain.header import DEFAULT_DOMAIN_WEIGHTS
from forceplan.domain.scenario import Scenario
from forceplan.exceptions import ForceplanError
from forceplan.io.records import from_records

START_YEAR = 2026
"""Calendar year of the first period of every synthetic scenario."""

FAMILIES = ("nato", "soviet", "national")
"""Standard families, in the order of the family codes used below (0, 1, 2)."""
NATO, SOVIET, NATIONAL = 0, 1, 2
_FAMILY_PREFIX = np.array(["nato", "sov", "nat"])
_FAMILY_LABEL = np.array(["NATO", "Soviet", "National"])
_FAMILY_VALUE = np.array([1.3, 1.0, 1.1])
"""Combat value multiplier per family (a NATO type of a class is worth more)."""
_FAMILY_COST = np.array([1.0, 0.35, 0.55])
"""Unit cost multiplier per family (relative to a NATO type of the class)."""
_FAMILY_QUANTITY = np.array([0.25, 1.0, 0.5])
"""Opening holding multiplier per family (the force is mostly Soviet-standard)."""
_FAMILY_WEEKS = np.array([1.0, 0.4, 0.7])
"""Conversion training multiplier per family (crews know Soviet-standard kit)."""

DOMAINS = ("c2-radio", "datalink", "iff", "fuel", "uas-control", "protection", "other")
"""Standards domains other than ammunition (ammunition standards follow the munitions)."""
_NATO_REFERENCE = {
    "c2-radio": "STANAG 4591",
    "datalink": "STANAG 5516",
    "iff": "STANAG 4193",
    "fuel": "STANAG 1135",
    "uas-control": "STANAG 4586",
    "protection": "STANAG 4569",
    "other": "STANAG 2021",
    "ammunition": "STANAG 4425",
}
"""Public STANAG numbers used as references of the NATO standards of each domain."""

INTENSITY_USE = {"peace": 0.05, "low": 0.3, "medium": 0.6, "high": 1.0}
"""Munition consumption at each intensity as a share of high-intensity consumption."""
INTENSITY_ATTRITION = {"peace": 0.02, "low": 0.3, "medium": 0.6, "high": 1.0}
"""Attrition at each intensity as a share of the high-intensity rate."""

DONOR_COUNTRIES = (
    "USA", "Germany", "United-Kingdom", "France", "Poland", "Netherlands", "Denmark",
    "Norway", "Sweden", "Canada", "Italy", "Spain", "Czechia", "Finland", "Belgium",
    "Lithuania", "Estonia", "Latvia", "Romania", "Slovakia",
)  # fmt: skip
"""Donor (and allied producer) countries; the first pays through a restricted stream."""
MARKET_COUNTRIES = ("South-Korea", "Turkey", "Bulgaria", "Australia", "Japan", "Brazil")
"""Countries the force buys from on the market."""
HOME = "Ukraine"
"""The force's own country (domestic lines, main budget)."""


def _text_table(text: str) -> pd.DataFrame:
    """A whitespace-aligned constant table (first line: column names, first column: index)."""
    rows = [line.split() for line in text.strip().splitlines()]
    return pd.DataFrame(rows[1:], columns=rows[0]).set_index(rows[0][0])


_KINDS = _text_table(
    """
kind              unit              use_high   cost
artillery-shell   rounds            1500       0.008
tank-round        rounds            250        0.01
autocannon        thousand-rounds   15         0.09
rocket            rockets           300        0.15
sam-short         missiles          12         0.4
sam-medium        missiles          30         1.2
sam-long          missiles          20         4.0
aa-gun            thousand-rounds   25         0.07
air-to-air        missiles          10         1.5
air-to-ground     missiles          40         0.2
atgm              missiles          20         0.2
"""
)
"""Munition kinds (each exists in the three families as ``<kind>-<family>``): unit, use per
unit in service per period at high intensity, and price (MUSD per unit, NATO family)."""
_KIND_LABELS = {
    "artillery-shell": ("155 mm shell", "152 mm shell", "122 mm shell"),
    "tank-round": ("120 mm tank round", "125 mm tank round", "125 mm tank round"),
    "autocannon": ("25-35 mm cannon rounds", "30 mm 2A42 rounds", "30 mm cannon rounds"),
    "rocket": ("227 mm guided rocket", "122 mm Grad rocket", "122 mm rocket"),
    "sam-short": ("short-range SAM",) * 3,
    "sam-medium": ("medium-range SAM",) * 3,
    "sam-long": ("long-range SAM",) * 3,
    "aa-gun": ("35 mm AA rounds", "23 mm AA rounds", "AA gun rounds"),
    "air-to-air": ("air-to-air missile",) * 3,
    "air-to-ground": ("guided bomb", "air-to-ground rocket", "guided bomb"),
    "atgm": ("ATGM",) * 3,
}
"""Name of each munition kind per family (NATO, Soviet, national)."""
_KIND_NAMES = list(_KINDS.index)

_CLASSES = _text_table(
    """
class               role              weight value  cost   quantity crew weeks life attrition
sp-artillery        artillery         6      8      5.0    80       5    8     30   0.08
tank                armour            8      10     8.0    150      4    10    30   0.15
ifv                 mechanised        9      6      4.0    200      3    8     30   0.12
air-defence-medium  air-defence       3      20     90.0   12       12   12    25   0.04
towed-artillery     artillery         5      4      3.0    120      8    4     40   0.07
apc                 mechanised        7      3      1.5    250      2    4     30   0.10
mlrs                rocket-artillery  3      12     6.0    60       3    6     30   0.05
air-defence-short   air-defence       4      8      10.0   40       4    8     25   0.08
air-defence-long    air-defence       1      40     250.0  4        20   20    30   0.03
anti-aircraft-gun   air-defence       2      3      5.0    60       4    4     35   0.06
fighter             air               2      30     80.0   15       1    40    30   0.05
attack-aircraft     air               1      25     40.0   12       1    30    30   0.06
helicopter          aviation          2      10     30.0   20       2    20    30   0.07
radio               c2                3      1      0.05   600      0    1     15   0.05
uas                 reconnaissance    4      2      0.5    300      2    3     5    0.30
support             support           4      1      0.5    200      2    2     25   0.06
"""
)
"""Equipment classes: role, sampling weight, combat value (Soviet family), unit cost (MUSD,
NATO family), typical opening holding of a Soviet-standard type, crew, conversion training
weeks (NATO family), service life (years) and share lost per period at high intensity. The
first classes are the ones every small scenario has."""
_CLASS_NAMES = np.array(_CLASSES.index)
_CLASS_KINDS = {
    "sp-artillery": ("artillery-shell",),
    "tank": ("tank-round",),
    "ifv": ("autocannon", "atgm"),
    "air-defence-medium": ("sam-medium",),
    "towed-artillery": ("artillery-shell",),
    "apc": ("autocannon",),
    "mlrs": ("rocket",),
    "air-defence-short": ("sam-short",),
    "air-defence-long": ("sam-long",),
    "anti-aircraft-gun": ("aa-gun",),
    "fighter": ("air-to-air",),
    "attack-aircraft": ("air-to-ground",),
    "helicopter": ("atgm",),
}
"""Munition kinds each class fires (radios, UAS and support vehicles fire none)."""
_CLASS_DOMAINS = {
    "sp-artillery": ("datalink",),
    "tank": ("iff", "protection"),
    "ifv": ("iff", "protection"),
    "air-defence-medium": ("datalink", "iff"),
    "apc": ("protection",),
    "mlrs": ("datalink",),
    "air-defence-short": ("datalink", "iff"),
    "air-defence-long": ("datalink", "iff"),
    "anti-aircraft-gun": ("iff",),
    "fighter": ("datalink", "iff"),
    "attack-aircraft": ("datalink", "iff"),
    "helicopter": ("datalink", "iff"),
    "uas": ("datalink", "uas-control"),
    "support": ("other",),
}
"""Standards domains each class has besides c2-radio and fuel (radios: c2-radio and other)."""


def _domain_matrix() -> np.ndarray:
    """Class x domain: whether standards of the domain apply to the class."""
    out = np.zeros((len(_CLASS_NAMES), len(DOMAINS)), dtype=bool)
    for i, c in enumerate(_CLASS_NAMES):
        doms = {"c2-radio", "other"} if c == "radio" else {"c2-radio", "fuel"}
        doms |= set(_CLASS_DOMAINS.get(c, ()))
        out[i] = [d in doms for d in DOMAINS]
    return out


def _kind_matrix() -> np.ndarray:
    """Class x munition kind: whether the class fires the kind."""
    return np.array(
        [[k in _CLASS_KINDS.get(c, ()) for k in _KIND_NAMES] for c in _CLASS_NAMES], dtype=bool
    )


_ROLE_FORMATION = {
    "armour": "tank-brigade",
    "mechanised": "mechanised-brigade",
    "artillery": "artillery-brigade",
    "rocket-artillery": "rocket-artillery-brigade",
    "air-defence": "air-defence-regiment",
    "air": "tactical-aviation-brigade",
    "aviation": "army-aviation-brigade",
    "c2": "signals-regiment",
    "reconnaissance": "uas-regiment",
    "support": "logistics-brigade",
}
"""Formation type named after the role it mainly fills."""
RETIREMENT_RATE = 0.08
"""Share of a role's capability assumed to reach the end of its service life per period."""
MARGIN = 1.5
"""Margin of platform line capacity over the replacement need of its role."""


def _class_column(field: str) -> np.ndarray:
    column = _CLASSES[field]
    return column.to_numpy(dtype=object if field == "role" else float)


def _kind_column(field: str) -> np.ndarray:
    return _KINDS[field].to_numpy(dtype=object if field == "unit" else float)


def _concat(*parts: Any) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars (vectorised)."""
    n = next(len(p) for p in parts if np.ndim(p))
    out = pd.Series([""] * n, dtype=object)
    for p in parts:
        out = out + (
            pd.Series(np.asarray(p, dtype=object).astype(str), dtype=object)
            if np.ndim(p)
            else str(p)
        )
    return out.to_numpy(dtype=object)


def _numbered(prefix: str, n: int, start: int = 0) -> np.ndarray:
    """``prefix`` followed by zero-padded numbers ``start .. start + n - 1``."""
    width = len(str(max(start + n - 1, 0)))
    return _concat(prefix, np.char.zfill(np.arange(start, start + n).astype(str), width))


def _allied_countries(allied: np.ndarray) -> np.ndarray:
    """Countries of allied lines: the first five donors in turn, starting with the first."""
    rank = np.cumsum(allied) - 1
    return np.array(DONOR_COUNTRIES)[np.maximum(rank, 0) % 5]


def _lognormal(rng: np.random.Generator, sigma: float, size: int) -> np.ndarray:
    return np.exp(rng.normal(0.0, sigma, size))


def _intensity_profile(rng: np.random.Generator, n_periods: int) -> list[str]:
    """High intensity first, then medium, low and (on long horizons) peace."""
    high = max(1, round(n_periods * rng.uniform(0.2, 0.4)))
    medium = round(n_periods * rng.uniform(0.2, 0.3))
    peace = round(n_periods * 0.1) if n_periods >= 8 else 0
    low = max(0, n_periods - high - medium - peace)
    profile = ["high"] * high + ["medium"] * medium + ["low"] * low + ["peace"] * peace
    return profile[:n_periods]


def _periods(rng: np.random.Generator, n: int, n_periods: int, p_set: float) -> np.ndarray:
    """Optional period labels: empty (NaN) or a period of the horizon, ``p_set`` of the time."""
    labels = START_YEAR + rng.integers(0, n_periods, n).astype(float)
    return np.where(rng.random(n) < p_set, labels, np.nan)


def _lead(rng: np.random.Generator, n: int, low: int, high: int, n_periods: int) -> np.ndarray:
    """Lead times in ``[low, high]`` capped below the horizon."""
    return np.minimum(rng.integers(low, high + 1, n), n_periods - 1)


def generate(
    n_equipment: int, n_periods: int, n_sources: int, n_formations: int, seed: int = 0
) -> Scenario:
    """A valid synthetic scenario of the given size.

    Parameters
    ----------
    n_equipment
        Equipment types (about a tenth of them are NATO-C2 upgrades of Soviet types).
    n_periods
        Yearly periods from 2026.
    n_sources
        Donor and market sources.
    n_formations
        Formations.
    seed
        Seed of ``numpy.random.default_rng``; the same seed gives the same scenario.

    Returns
    -------
    Scenario
        Built and validated with :func:`forceplan.io.records.from_records`.

    Raises
    ------
    ForceplanError
        When a size is not a whole number of at least 1.

    Examples
    --------
    >>> s = generate(1, 1, 1, 1, seed=0)
    >>> s.summary()["equipment"], s.summary()["requirements"]
    (1, 2)
    """
    header, tables = generate_records(n_equipment, n_periods, n_sources, n_formations, seed)
    return from_records(header, tables)


def generate_records(
    n_equipment: int, n_periods: int, n_sources: int, n_formations: int, seed: int = 0
) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """The header mapping and raw tables of :func:`generate`, before validation.

    Parameters
    ----------
    n_equipment, n_periods, n_sources, n_formations, seed
        As for :func:`generate`.

    Returns
    -------
    dict, dict of DataFrame
        What ``scenario.yaml`` would hold, and table name -> DataFrame with
        schema columns (missing optional columns take their defaults).
    """
    sizes = {
        "n_equipment": n_equipment,
        "n_periods": n_periods,
        "n_sources": n_sources,
        "n_formations": n_formations,
    }
    bad = [
        f"{k}={v!r}"
        for k, v in sizes.items()
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1
    ]
    if bad:
        raise ForceplanError(
            f"synthetic scenario sizes must be whole numbers of at least 1; got {', '.join(bad)}. "
            "Fix: pass e.g. generate(100, 10, 20, 12)."
        )
    if n_periods > 200:
        raise ForceplanError(
            f"n_periods={n_periods} exceeds the longest horizon (200 periods). Fix: pass fewer."
        )
    rng = np.random.default_rng(seed)
    intensity = _intensity_profile(rng, n_periods)
    header = {
        "name": f"Synthetic scenario ({n_equipment},{n_periods},{n_sources},{n_formations} "
        f"seed {seed})",
        "description": "Generated by forceplan.synthetic.generate: notional data of a plausible "
        "shape and scale for tests and benchmarks; not real inventory or plans.",
        "notional": True,
        "start_year": START_YEAR,
        "periods": n_periods,
        "period_length": 1,
        "intensity": intensity,
    }
    b = _Builder(rng, int(n_equipment), int(n_periods), int(n_sources), int(n_formations))
    return header, b.build()


class _Builder:
    """Builds the tables in dependency order; each step is vectorised over rows."""

    def __init__(self, rng: np.random.Generator, ne: int, npd: int, ns: int, nf: int) -> None:
        self.rng, self.ne, self.np, self.ns, self.nf = rng, ne, npd, ns, nf
        self.labels = START_YEAR + np.arange(npd)
        self.t: dict[str, pd.DataFrame] = {}

    def build(self) -> dict[str, pd.DataFrame]:
        self._equipment()
        self._munitions()
        self._standards()
        self._inventory()
        self._formations()
        self._upgrades()
        self._sources_donors()
        self._lines()
        self._requirements()
        self._budgets()
        self._training()
        self._attrition()
        return self.t

    # -- equipment ---------------------------------------------------------------------------

    def _equipment(self) -> None:
        rng, ne = self.rng, self.ne
        n_var = 0 if ne < 2 else max(1, ne // 10)
        nb = ne - n_var
        weights = _class_column("weight").astype(float)
        cls = rng.choice(len(_CLASSES), size=nb, p=weights / weights.sum())
        k = min(nb, len(_CLASSES))
        cls[:k] = np.arange(k)  # small scenarios still cover many classes
        fam = rng.choice(3, size=nb, p=[0.35, 0.45, 0.2])
        fam[: min(nb, 3)] = np.array([SOVIET, NATO, NATIONAL])[: min(nb, 3)]
        deficit = n_var - int((fam == SOVIET).sum())
        if deficit > 0:  # enough Soviet types to upgrade
            fam[np.flatnonzero(fam != SOVIET)[-deficit:]] = SOVIET
        base = np.sort(rng.choice(np.flatnonzero(fam == SOVIET), size=n_var, replace=False))

        value = _class_column("value")[cls] * _FAMILY_VALUE[fam] * _lognormal(rng, 0.2, nb)
        cost = _class_column("cost")[cls] * _FAMILY_COST[fam] * _lognormal(rng, 0.3, nb)
        cost = np.maximum(np.round(cost, 3), 0.001)
        opex = np.round(cost * rng.uniform(0.04, 0.1, nb), 4)
        weeks = np.round(_class_column("weeks")[cls] * _FAMILY_WEEKS[fam], 1)
        life = np.maximum(_class_column("life")[cls].astype(np.int64) + rng.integers(-5, 6, nb), 3)
        cname = _CLASS_NAMES[cls]
        ids = _concat(_FAMILY_PREFIX[fam], "-", cname, "-", _numbered("", nb))
        names = _concat(_FAMILY_LABEL[fam], " ", cname, " type ", np.arange(1, nb + 1).astype(str))
        logistics = _concat(
            _FAMILY_PREFIX[fam], "-", cname, "-", rng.integers(0, 3, nb).astype(str)
        )

        # NATO C2/IFF/datalink variants of Soviet types (reached by upgrades)
        up_cost = np.round(cost[base] * rng.uniform(0.1, 0.25, n_var), 3)
        self.variant_base = base
        self.upgrade_cost = up_cost
        self.cls = np.concatenate([cls, cls[base]])
        self.fam = np.concatenate([fam, fam[base]])
        self.variant = np.r_[np.zeros(nb, bool), np.ones(n_var, bool)]
        self.nb = nb
        self.t["equipment"] = pd.DataFrame(
            {
                "id": np.concatenate([ids, _concat(ids[base], "-c2")]),
                "name": np.concatenate([names, _concat(names[base], " (NATO C2/IFF)")]),
                "class": self.cls_names,
                "role": _class_column("role")[self.cls],
                "family": np.array(FAMILIES)[self.fam],
                "combat_value": np.round(np.r_[value, value[base] * 1.15], 2),
                "unit_cost": np.r_[cost, np.round(cost[base] + up_cost, 3)],
                "operating_cost": np.r_[opex, np.round(opex[base] * 1.05, 4)],
                "crew": _class_column("crew")[self.cls].astype(np.int64),
                "training_weeks": np.r_[weeks, np.round(weeks[base] + 2, 1)],
                "service_life": np.r_[life, life[base]],
                "logistics_family": np.concatenate([logistics, logistics[base]]),
            }
        )

    @property
    def cls_names(self) -> np.ndarray:
        return _CLASS_NAMES[self.cls]

    # -- munitions ---------------------------------------------------------------------------

    def _munitions(self) -> None:
        rng = self.rng
        fires = _kind_matrix()
        mfam = self.fam.copy()  # national types fire any family's calibres
        national = mfam == NATIONAL
        mfam[national] = rng.choice(3, size=int(national.sum()))
        self.mfam = mfam
        e, k = np.nonzero(fires[self.cls])
        m = k * 3 + mfam[e]  # munition code: kind x family
        use_high = _kind_column("use_high")[k] * _lognormal(rng, 0.25, len(e))
        eq = self.t["equipment"]
        used, m_index = np.unique(m, return_inverse=True)
        kinds, families = used // 3, used % 3
        self.mun_kind = kinds
        kind_names = np.array(_KIND_NAMES)[kinds]
        mun_ids = _concat(kind_names, "-", np.array(FAMILIES)[families])
        em = pd.DataFrame(
            {
                "equipment": eq["id"].to_numpy()[e],
                "munition": mun_ids[m_index],
                **{f"use_{i}": np.round(use_high * f, 2) for i, f in INTENSITY_USE.items()},
            }
        )
        self.t["equipment_munitions"] = em
        self.em_e, self.em_m, self.em_use = e, m_index, np.round(use_high, 2)
        unit = _kind_column("unit")[kinds]
        cost = _kind_column("cost")[kinds] * np.array([1.0, 0.6, 0.8])[families]
        names = np.array([_KIND_LABELS[k] for k in _KIND_NAMES], dtype=object)
        labels = _concat(names[kinds, families], " (", _FAMILY_LABEL[families], ")")
        self.mun_unit_cost = np.round(cost * _lognormal(rng, 0.1, len(used)), 4)
        self.t["munitions"] = pd.DataFrame(
            {
                "id": mun_ids,
                "name": labels,
                "family": np.array(FAMILIES)[families],
                "standard": _concat("ammunition-", mun_ids),
                "unit": unit,
                "unit_cost": self.mun_unit_cost,
            }
        )  # stock is set once the inventory is known

    # -- standards ---------------------------------------------------------------------------

    def _standards(self) -> None:
        rng, ne = self.rng, self.ne
        nd = len(DOMAINS)
        applies = _domain_matrix()[self.cls]
        fam_d = np.repeat(self.fam[:, None], nd, axis=1)
        national = self.fam == NATIONAL
        fam_d[national] = np.where(rng.random((int(national.sum()), nd)) < 0.5, NATO, NATIONAL)
        nato_kit = np.isin(np.array(DOMAINS), ["c2-radio", "datalink", "iff"])
        applies[self.variant] |= nato_kit
        fam_d[np.ix_(self.variant, nato_kit)] = NATO
        e, d = np.nonzero(applies)
        std_ids = _concat(np.repeat(np.array(DOMAINS), 3), "-", np.tile(np.array(FAMILIES), nd))
        ids = self.t["equipment"]["id"].to_numpy()
        mun = self.t["munitions"]
        es = pd.DataFrame({"equipment": ids[e], "standard": std_ids[d * 3 + fam_d[e, d]]})
        ammo = pd.DataFrame(
            {"equipment": ids[self.em_e], "standard": mun["standard"].to_numpy()[self.em_m]}
        )
        self.t["equipment_standards"] = pd.concat([es, ammo], ignore_index=True)
        # NATO compliance per domain, for the interoperability index
        self.nato_domain = pd.DataFrame(
            (fam_d == NATO) & applies, columns=list(DOMAINS), index=pd.RangeIndex(ne)
        )
        self.nato_domain["ammunition"] = (
            pd.Series(mun["family"].to_numpy()[self.em_m] == "nato")
            .groupby(self.em_e)
            .any()
            .reindex(range(ne), fill_value=False)
            .to_numpy()
        )
        refs = np.array([_NATO_REFERENCE[x] for x in DOMAINS], dtype=object)
        general = pd.DataFrame(
            {
                "id": std_ids,
                "name": _concat(
                    _FAMILY_LABEL[np.tile(np.arange(3), nd)],
                    " ",
                    np.repeat(np.array(DOMAINS), 3),
                    " standard",
                ),
                "family": np.tile(np.array(FAMILIES), nd),
                "domain": np.repeat(np.array(DOMAINS), 3),
                "reference": np.where(np.tile(np.arange(3), nd) == NATO, np.repeat(refs, 3), ""),
            }
        )
        ammo_std = pd.DataFrame(
            {
                "id": mun["standard"],
                "name": _concat(mun["name"].to_numpy(), " ammunition standard"),
                "family": mun["family"],
                "domain": "ammunition",
                "reference": np.where(mun["family"] == "nato", _NATO_REFERENCE["ammunition"], ""),
            }
        )
        self.t["standards"] = pd.concat([general, ammo_std], ignore_index=True)

    # -- inventory ---------------------------------------------------------------------------

    def _inventory(self) -> None:
        rng, ne, nf = self.rng, self.ne, self.nf
        qty = (
            _class_column("quantity")[self.cls]
            * _FAMILY_QUANTITY[self.fam]
            * _lognormal(rng, 0.5, ne)
        )
        qty = np.round(qty).astype(np.int64)
        qty[(self.fam == NATO) & (rng.random(ne) < 0.5)] = 0  # not yet in service
        qty[self.fam != NATO] = np.maximum(qty[self.fam != NATO], 1)
        qty[self.variant] = 0  # reached by upgrades only
        held = qty > 0
        part = np.floor(qty * rng.uniform(0.2, 0.6, ne)).astype(np.int64)
        split = held & (qty >= 4) & (rng.random(ne) < 0.3)
        part = np.where(split, np.maximum(part, 1), 0)
        owner = rng.integers(0, nf, ne)
        serviceable = np.round(rng.uniform(0.6, 1.0, ne), 2)
        soviet_life = rng.integers(5, 31, ne).astype(float)
        remaining = np.where(
            self.fam == SOVIET, soviet_life, np.where(rng.random(ne) < 0.5, np.nan, soviet_life + 5)
        )
        ids = self.t["equipment"]["id"].to_numpy()
        formations = _numbered("fm-", nf, 1)
        pool = held & (qty - part > 0)
        inv = pd.concat(
            [
                pd.DataFrame(
                    {
                        "equipment": ids[pool],
                        "formation": "",
                        "quantity": (qty - part)[pool],
                        "serviceable": serviceable[pool],
                        "remaining_life": remaining[pool],
                    }
                ),
                pd.DataFrame(
                    {
                        "equipment": ids[split],
                        "formation": formations[owner[split]],
                        "quantity": part[split],
                        "serviceable": serviceable[split],
                        "remaining_life": remaining[split],
                    }
                ),
            ],
            ignore_index=True,
        )
        self.t["inventory"] = inv
        self.formation_ids = formations
        self.stock = qty * serviceable  # serviceable units per type
        eq = self.t["equipment"]
        self.value = eq["combat_value"].to_numpy()
        self.role = eq["role"].to_numpy()
        self.cap0 = pd.Series(self.value * self.stock).groupby(self.role).sum()
        self.roles = self.cap0.index.to_numpy()
        # opening munition stock: about a third of a high-intensity period of consumption
        use = pd.Series(self.em_use * self.stock[self.em_e]).groupby(self.em_m).sum()
        n_mun = len(self.t["munitions"])
        self.cons_high0 = use.reindex(range(n_mun), fill_value=0.0).to_numpy()
        self.t["munitions"]["stock"] = np.round(self.cons_high0 * rng.uniform(0.2, 0.5, n_mun))

    # -- formations --------------------------------------------------------------------------

    def _formations(self) -> None:
        rng, nf = self.rng, self.nf
        roles = self.roles
        nr = len(roles)
        units = pd.Series(self.stock).groupby(self.role).sum().reindex(roles).to_numpy()
        main = rng.integers(0, nr, nf)
        w = np.where(rng.random((nf, nr)) < 0.35, 0.2, 0.0) * rng.uniform(0.5, 1.5, (nf, nr))
        w[np.arange(nf), main] = rng.uniform(0.5, 1.5, nf)
        share = w / w.sum(axis=0).clip(min=1e-12)
        qty = np.floor(share * 0.9 * units).astype(np.int64)
        qty[np.arange(nf), main] = np.maximum(qty[np.arange(nf), main], 1)
        f, r = np.nonzero(qty)
        ftype = np.array([_ROLE_FORMATION[x] for x in roles], dtype=object)[main]
        self.t["formations"] = pd.DataFrame(
            {
                "id": self.formation_ids,
                "name": _concat("Synthetic ", ftype, " ", np.arange(1, nf + 1).astype(str)),
                "type": ftype,
                "priority": rng.integers(1, 4, nf),
            }
        )
        self.t["formation_slots"] = pd.DataFrame(
            {"formation": self.formation_ids[f], "role": roles[r], "quantity": qty[f, r]}
        )

    # -- upgrades ----------------------------------------------------------------------------

    def _upgrades(self) -> None:
        rng = self.rng
        ids = self.t["equipment"]["id"].to_numpy()
        base, n = self.variant_base, len(self.variant_base)
        to = ids[self.nb :]
        units = np.round(self.stock[base])
        self.upgrade_capacity = np.maximum(1, np.round(units * rng.uniform(0.05, 0.15, n)))
        self.t["upgrades"] = pd.DataFrame(
            {
                "id": _concat("upgrade-", to),
                "from_equipment": ids[base],
                "to_equipment": to,
                "unit_cost": self.upgrade_cost,
                "capacity": self.upgrade_capacity,
                "lead_time": _lead(rng, n, 1, 2, self.np),
            }
        )

    # -- sources and donors ------------------------------------------------------------------

    def _sources_donors(self) -> None:
        rng, ns, npd = self.rng, self.ns, self.np
        eq, mun = self.t["equipment"], self.t["munitions"]
        kind = np.where(rng.random(ns) < 0.55, "donor", "market")
        kind[0] = "donor"  # every table is populated
        if ns > 1:
            kind[1] = "market"
        donor = kind == "donor"
        is_mun = rng.random(ns) < 0.3
        ew = np.where(self.variant, 0.0, np.array([3.0, 1.0, 1.5])[self.fam])
        e = rng.choice(self.ne, size=ns, p=ew / ew.sum())
        m = rng.integers(0, len(mun), ns)
        items = np.where(is_mun, mun["id"].to_numpy()[m], eq["id"].to_numpy()[e])
        n_donors = min(len(DONOR_COUNTRIES), max(1, ns // 2 + 1))
        country = np.where(
            donor,
            np.array(DONOR_COUNTRIES)[rng.integers(0, n_donors, ns)],
            np.array(MARKET_COUNTRIES)[rng.integers(0, len(MARKET_COUNTRIES), ns)],
        )
        country[0] = DONOR_COUNTRIES[0]
        eq_qty = _class_column("quantity")[self.cls[e]] * 0.15 * _lognormal(rng, 0.4, ns)
        # a score of systems' worth when the force has none yet
        typical = _kind_column("use_high")[self.mun_kind] * 20
        mun_qty = np.maximum(self.cons_high0, typical)[m] * 0.2 * _lognormal(rng, 0.4, ns)
        quantity = np.maximum(1.0, np.round(np.where(is_mun, mun_qty, eq_qty)))
        unit_cost = np.where(is_mun, self.mun_unit_cost[m], eq["unit_cost"].to_numpy()[e])
        price = np.where(donor, 0.0, np.round(unit_cost * rng.uniform(1.0, 1.5, ns), 4))
        first = _periods(rng, ns, npd, 0.3)
        last = first + rng.integers(0, npd, ns)
        last = np.where(np.isnan(first) | (last > self.labels[-1]), np.nan, last)
        unit = np.where(is_mun, mun["unit"].to_numpy()[m], "units")
        src = pd.DataFrame(
            {
                "id": _concat(_numbered("src-", ns, 1), "-", items),
                "kind": kind,
                "country": country,
                "item": items,
                "quantity": quantity,
                "first_period": first,
                "last_period": last,
                "price": price,
                "lead_time": _lead(rng, ns, 0, 3, npd),
                "unit": unit,
            }
        )
        self.t["sources"] = src
        self.src_eq = np.where(is_mun, -1, e)
        self.src_unit_cost = unit_cost
        don = src.loc[donor, ["country", "item", "quantity", "unit"]].drop_duplicates(
            ["country", "item"]
        )
        nd = len(don)
        stock = np.round(don["quantity"].to_numpy() * rng.uniform(3, 8, nd))
        replenish = START_YEAR + rng.integers(npd // 2, npd, nd).astype(float)
        self.t["donors"] = pd.DataFrame(
            {
                "country": don["country"].to_numpy(),
                "item": don["item"].to_numpy(),
                "stock": stock,
                "minimum": np.round(stock * rng.uniform(0.4, 0.8, nd)),
                "replenish_by": np.where(rng.random(nd) < 0.7, replenish, np.nan),
                "unit": don["unit"].to_numpy(),
            }
        )

    # -- production lines --------------------------------------------------------------------

    def _lines(self) -> None:
        rng, npd = self.rng, self.np
        eq, mun, don = self.t["equipment"], self.t["munitions"], self.t["donors"]
        att = _class_column("attrition")[self.cls]
        # capability each role loses per period at high intensity, retirements included
        loss = pd.Series(self.value * self.stock * att).groupby(self.role).sum()
        rate = (loss / self.cap0.where(self.cap0 > 0)).fillna(0.0)
        self.growth = pd.Series(rng.uniform(0.0, 0.2, len(self.roles)), index=self.roles)
        per_period = self.growth / max(npd - 1, 1)
        need = MARGIN * self.cap0 * (1 + self.growth) * (rate + RETIREMENT_RATE + per_period)
        # one domestic (Soviet or national standard) and one allied (NATO) line per role
        frame = pd.DataFrame(
            {
                "role": self.role,
                "value": self.value,
                "nato": self.fam == NATO,
                "i": np.arange(self.ne),
            }
        )[~self.variant]
        best = frame.sort_values("value", ascending=False).drop_duplicates(["role", "nato"])
        best = best.sort_values(["role", "nato"])
        products = best["i"].to_numpy()
        nl = len(products)
        value = self.value[products]
        role_need = need.reindex(best["role"]).to_numpy()
        cap_units = np.maximum(1.0, np.ceil(np.maximum(role_need, 2 * value) / value))
        allied = best["nato"].to_numpy()
        country = np.where(allied, _allied_countries(allied), HOME)
        platform = pd.DataFrame(
            {
                "country": country,
                "product": eq["id"].to_numpy()[products],
                "capacity": cap_units,
                "unit_cost": eq["unit_cost"].to_numpy()[products],
                "unit": "units",
                "first_period": np.nan,
            }
        )
        self.line_units = pd.Series(cap_units).groupby(self.cls[products]).sum()
        self.line_roles = best["role"].to_numpy()
        # munitions: the initial force's high-intensity use plus the role lines' new fleets
        new_use = np.zeros(len(mun))
        for_line = pd.Series(cap_units, index=products)
        fleet = for_line.reindex(self.em_e).fillna(0).to_numpy() * min(npd, 5)
        np.add.at(new_use, self.em_m, self.em_use * fleet)
        m_cap = np.maximum(1.0, np.ceil(self.cons_high0 + 0.5 * new_use))
        m_allied = mun["family"].to_numpy() == "nato"
        nm = len(mun)
        munition = pd.DataFrame(
            {
                "country": np.where(m_allied, _allied_countries(m_allied), HOME),
                "product": mun["id"].to_numpy(),
                "capacity": m_cap,
                "unit_cost": self.mun_unit_cost,
                "unit": mun["unit"].to_numpy(),
                "first_period": np.nan,
            }
        )
        # donors' industry replenishes their stockpiles
        keep = rng.random(len(don)) < 0.7
        unit_cost = pd.concat([eq.set_index("id")["unit_cost"], mun.set_index("id")["unit_cost"]])
        src_qty = (
            self.t["sources"]
            .drop_duplicates(["country", "item"])
            .set_index(["country", "item"])["quantity"]
        )
        dq = src_qty.reindex(pd.MultiIndex.from_frame(don[["country", "item"]])).to_numpy()
        replenish = pd.DataFrame(
            {
                "country": don["country"].to_numpy()[keep],
                "product": don["item"].to_numpy()[keep],
                "capacity": np.maximum(1.0, np.round(dq[keep] * rng.uniform(0.3, 0.8, keep.sum()))),
                "unit_cost": unit_cost.reindex(don["item"].to_numpy()[keep]).to_numpy(),
                "unit": don["unit"].to_numpy()[keep],
                "first_period": _periods(rng, int(keep.sum()), npd, 0.3),
            }
        )
        lines = pd.concat([platform, munition, replenish], ignore_index=True)
        n = len(lines)
        lines["unit_cost"] = np.round(lines["unit_cost"] * rng.uniform(0.85, 1.0, n), 4)
        size = np.maximum(1.0, np.round(lines["capacity"] * rng.uniform(0.25, 0.75, n)))
        lines["expansion_size"] = size
        lines["expansion_cost"] = np.round(size * lines["unit_cost"] * rng.uniform(2, 5, n), 2)
        lines["expansion_lead_time"] = _lead(rng, n, 1, 3, npd)
        lines["max_expansions"] = rng.integers(1, 5, n)
        lines.insert(0, "id", _concat(_numbered("line-", n, 1), "-", lines["product"].to_numpy()))
        self.t["lines"] = lines
        self.n_platform_lines, self.n_munition_lines = nl, nm

    # -- requirements ------------------------------------------------------------------------

    def _requirements(self) -> None:
        npd, roles = self.np, self.roles
        step = np.arange(npd) / max(npd - 1, 1)
        floor = self.cap0.to_numpy()[:, None] * (
            0.8 + self.growth.to_numpy()[:, None] * step[None, :]
        )
        floor = np.floor(floor * 10) / 10
        cap = pd.DataFrame(
            {
                "kind": "capability",
                "role": np.repeat(roles, npd),
                "period": np.tile(self.labels, len(roles)),
                "minimum": floor.ravel(),
            }
        )
        # interoperability: capability-weighted share of NATO-compliant domains
        weights = pd.Series(DEFAULT_DOMAIN_WEIGHTS)
        nato = self.nato_domain.reindex(columns=weights.index, fill_value=False)
        score = nato.to_numpy(dtype=float) @ weights.to_numpy() / weights.sum()
        self.score = score
        total = float((self.value * self.stock).sum())
        index0 = float((score * self.value * self.stock).sum() / total) if total > 0 else 0.0
        lines = self.t["lines"]
        offered = np.isin(
            self.t["equipment"]["id"].to_numpy(),
            np.concatenate([lines["product"].to_numpy(), self.t["sources"]["item"].to_numpy()]),
        )
        best = float(score[offered].max()) if offered.any() else index0
        reach = min(1.0, (npd - 1) / 10)
        goal = index0 + 0.5 * max(0.0, best - index0) * reach
        target = 0.95 * index0 + (goal - 0.95 * index0) * step
        interop = pd.DataFrame(
            {
                "kind": "interoperability",
                "role": "",
                "period": self.labels,
                "minimum": np.floor(target * 1000) / 1000,
            }
        )
        self.t["requirements"] = pd.concat([cap, interop], ignore_index=True)

    # -- budgets -----------------------------------------------------------------------------

    def _budgets(self) -> None:
        rng, npd = self.rng, self.np
        eq, lines, don = self.t["equipment"], self.t["lines"], self.t["donors"]
        opex = float((eq["operating_cost"].to_numpy() * self.stock).sum())
        opex *= 1 + float(self.growth.max())
        spend = lines["capacity"] * lines["unit_cost"]
        # either line of a role replaces its losses: money for the dearer of the two
        platform = float(spend.iloc[: self.n_platform_lines].groupby(self.line_roles).max().sum())
        ammo = float(
            spend.iloc[self.n_platform_lines : self.n_platform_lines + self.n_munition_lines].sum()
        )
        upgrades = float((self.upgrade_capacity * self.upgrade_cost).sum())
        market = self.t["sources"]
        buys = float((market["quantity"] * market["price"]).sum())
        expansions = float((lines["expansion_cost"] * lines["max_expansions"]).sum()) / npd
        donor_countries = don["country"].drop_duplicates().to_numpy(dtype=object)
        restricted = DONOR_COUNTRIES[0]
        item_cost = pd.concat(
            [eq.set_index("id")["unit_cost"], self.t["munitions"].set_index("id")["unit_cost"]]
        )
        refill = (don["stock"] - don["minimum"]) * item_cost.reindex(don["item"]).to_numpy()
        replenish = refill.groupby(don["country"]).sum().reindex(donor_countries) / npd
        streams = [
            (
                "ukraine-mod",
                HOME,
                1.3 * opex + 0.5 * (platform + ammo) + upgrades + 0.3 * expansions,
            ),
            ("eu-facility", "EU", 0.7 * (platform + ammo) + 0.5 * buys + 0.7 * expansions),
            (f"{restricted.lower()}-fmf", restricted, 0.3 * platform + 0.5 * buys),
        ]
        streams += [
            (f"{c.lower()}-replenishment", c, 1.2 * float(replenish[c])) for c in donor_countries
        ]
        ns = len(streams)
        base = np.array([s[2] for s in streams])
        amount = base[:, None] * rng.uniform(1.0, 1.15, (ns, npd)) + 1.0
        self.t["budgets"] = pd.DataFrame(
            {
                "stream": np.repeat([s[0] for s in streams], npd),
                "owner": np.repeat([s[1] for s in streams], npd),
                "period": np.tile(self.labels, ns),
                "amount": np.round(amount.ravel(), 1),
            }
        )
        uses = [
            ("ukraine-mod", "acquisition", ""),
            ("ukraine-mod", "operation", ""),
            ("ukraine-mod", "upgrade", ""),
            ("ukraine-mod", "expansion", ""),
            ("ukraine-mod", "ammunition", ""),
            ("eu-facility", "acquisition", ""),
            ("eu-facility", "ammunition", ""),
            ("eu-facility", "expansion", ""),
            (f"{restricted.lower()}-fmf", "acquisition", restricted),
            (f"{restricted.lower()}-fmf", "ammunition", restricted),
        ]
        rep = pd.DataFrame(
            {
                "stream": _concat(
                    pd.Series(donor_countries).str.lower().to_numpy(), "-replenishment"
                ),
                "use": "replenishment",
                "country": donor_countries,
            }
        )
        self.t["budget_uses"] = pd.concat(
            [pd.DataFrame(uses, columns=["stream", "use", "country"]), rep], ignore_index=True
        )

    # -- training ----------------------------------------------------------------------------

    def _training(self) -> None:
        classes = np.unique(self.cls)
        src = self.t["sources"]
        from_sources = (
            pd.Series(src["quantity"].to_numpy()[self.src_eq >= 0])
            .groupby(self.cls[self.src_eq[self.src_eq >= 0]])
            .sum()
        )
        from_upgrades = pd.Series(self.upgrade_capacity).groupby(self.cls[self.nb :]).sum()
        deliveries = (
            self.line_units.reindex(classes, fill_value=0)
            + from_sources.reindex(classes, fill_value=0)
            + from_upgrades.reindex(classes, fill_value=0)
        ).to_numpy()
        capacity = np.ceil(2 * deliveries) + 2
        has_nato = pd.Series(self.fam == NATO).groupby(self.cls).any().reindex(classes).to_numpy()
        names = _CLASS_NAMES[classes]
        main = pd.DataFrame(
            {"id": _concat("training-", names), "class": names, "capacity": capacity}
        )
        # a second, later pipeline for NATO types (a partner's school opening)
        later = pd.DataFrame(
            {
                "id": _concat("training-", names[has_nato], "-partner"),
                "class": names[has_nato],
                "capacity": np.ceil(0.5 * capacity[has_nato]),
                "first_period": float(self.labels[min(1, self.np - 1)]),
            }
        )
        self.t["training"] = pd.concat([main, later], ignore_index=True)

    # -- attrition ---------------------------------------------------------------------------

    def _attrition(self) -> None:
        classes = np.unique(self.cls)
        levels = np.array(list(INTENSITY_ATTRITION.values()))
        rate = _class_column("attrition")[classes][:, None] * levels[None, :]
        self.t["attrition"] = pd.DataFrame(
            {
                "class": np.repeat(_CLASS_NAMES[classes], len(levels)),
                "intensity": np.tile(np.array(list(INTENSITY_ATTRITION)), len(classes)),
                "rate": np.round(rate.ravel(), 4),
            }
        )
