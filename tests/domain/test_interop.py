"""The per-type interoperability score (forceplan.domain.interop)."""

from __future__ import annotations

import pytest

from forceplan.domain.interop import domain_breakdown, type_scores
from tests.model.tiny import equipment, scenario
from tests.scenarios import small_scenario

STANDARDS = [
    {"id": "stanag-155", "family": "nato", "domain": "ammunition"},
    {"id": "soviet-152", "family": "soviet", "domain": "ammunition"},
    {"id": "link16", "family": "nato", "domain": "datalink"},
    {"id": "soviet-radio", "family": "soviet", "domain": "c2-radio"},
    {"id": "harris", "family": "nato", "domain": "c2-radio"},
    {"id": "armour", "family": "nato", "domain": "protection"},
]


def test_score_is_share_of_applicable_weight_met_by_nato() -> None:
    s = scenario(
        standards=STANDARDS,
        equipment=[
            equipment("hybrid", family="soviet"),
            equipment("both-radios", family="soviet"),
            equipment("bare-nato"),
            equipment("bare-soviet", family="soviet"),
            equipment("unweighted"),
        ],
        equipment_standards=[
            # ammunition (0.30) Soviet, datalink (0.20) NATO: 0.2 / 0.5
            {"equipment": "hybrid", "standard": "soviet-152"},
            {"equipment": "hybrid", "standard": "link16"},
            # c2-radio met by one NATO radio although a Soviet one is fitted too: 1
            {"equipment": "both-radios", "standard": "soviet-radio"},
            {"equipment": "both-radios", "standard": "harris"},
            # protection carries no weight by default: falls back to the family
            {"equipment": "unweighted", "standard": "armour"},
        ],
    )
    scores = type_scores(s)
    assert scores.to_dict() == pytest.approx(
        {"hybrid": 0.4, "both-radios": 1.0, "bare-nato": 1.0, "bare-soviet": 0.0, "unweighted": 1.0}
    )
    parts = domain_breakdown(s)
    hybrid = parts[parts["equipment"] == "hybrid"].set_index("domain")
    assert hybrid["met"].to_dict() == {"ammunition": False, "datalink": True}
    assert hybrid["weight"].to_dict() == {"ammunition": 0.3, "datalink": 0.2}


def test_header_domain_weights_drive_the_score() -> None:
    s = small_scenario()
    assert type_scores(s).to_dict() == {"m777": 1.0, "d20": 0.0, "nasams": 1.0}
    s.header.interoperability.domain_weights = {"datalink": 1.0}
    # d20 now has no weighted domain: its Soviet family gives 0; m777 neither: NATO gives 1
    assert type_scores(s).to_dict() == {"m777": 1.0, "d20": 0.0, "nasams": 1.0}
    s.header.interoperability.domain_weights = {"ammunition": 1.0, "c2-radio": 3.0}
    s.tables["equipment_standards"].loc[len(s.tables["equipment_standards"])] = [
        "d20",
        "stanag-155",
        "notional",
    ]
    # d20: ammunition met (one NATO standard among two), c2-radio (Soviet) not: 1 / 4
    assert type_scores(s)["d20"] == pytest.approx(0.25)
