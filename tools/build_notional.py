"""Generate the shipped notional scenario from the Python data below.

The committed CSV folder ``src/forceplan/data/examples/notional/`` is the output
of this script; edit the figures here, run it, and commit both::

    .venv/bin/python tools/build_notional.py            # write the folder
    .venv/bin/python tools/build_notional.py --summary  # also print sanity figures
    .venv/bin/python tools/build_notional.py --check    # also solve a simplified plan

Every figure is NOTIONAL unless its row's ``source`` cites a public page from the
project's domain fact sheet; a row that mixes cited and invented figures says so
("...; other figures notional"). Money is in USD million, quantities per yearly
period.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from math import floor, log10
from pathlib import Path
from typing import Any

import pandas as pd

from forceplan.domain.interop import type_scores
from forceplan.domain.scenario import Scenario
from forceplan.io.csv_folder import write_folder
from forceplan.io.records import from_records

ROOT = Path(__file__).resolve().parents[1]
DEST = ROOT / "src" / "forceplan" / "data" / "examples" / "notional"

YEARS = list(range(2026, 2036))
N = "notional"

# fmt: off
# The data tables below keep a compact, row-per-record layout.

# --------------------------------------------------------------------------------------
# Public sources (all from the domain fact sheet)
# --------------------------------------------------------------------------------------

U: dict[str, list[str]] = {
    "stanag4425": [
        "https://babel.ua/en/news/108716-reuters-nato-to-increase-standardization-of-artillery-"
        "shells-but-this-may-cause-opposition-from-manufacturers",
        "https://militaryleak.com/2023/04/25/bundeswehr-orders-ten-new-type-panzerhaubitze-2000-"
        "self-propelled-howitzers",
    ],
    "stanag4172": ["http://piglix.com/piglix/5.56x45mm_NATO"],
    "stanag2310": ["https://galnet.fandom.com/wiki/7.62_x_51_mm"],
    "tank120": [
        "https://ugolini.co.th/ugolini/leopard-tanks-like-a-mercedes-says-ukrainian-soldier-"
        "training-in-germany/"
    ],
    "mlrs": ["https://defence-blog.com/lockheed-martin-awarded-160m-for-himars-production/"],
    "link16": ["https://en.wikipedia.org/wiki/Tactical_data_link"],
    "iff": [
        "https://www.liquisearch.com/identification_friend_or_foe/modes",
        "https://euro-sd.com/2022/01/articles/exclusive/24434/identification-friend-or-foe/",
    ],
    "fuel": [
        "https://mwi.westpoint.edu/an-albatross-around-the-us-militarys-neck-the-single-fuel-"
        "concept-and-the-future-of-expeditionary-energy"
    ],
    "stanag4586": ["http://www.defense-update.com/products/s/stanag_4586.htm"],
    "stanag4569": ["https://www.alliansfriheten.se/fmv-vard-for-natomote-fmv-se/"],
    "gepard_ammo": [
        "https://thedefensepost.com/2022/12/15/rheinmetall-facility-medium-caliber-ammunition/amp"
    ],
    "leopard1": [
        "https://leipzigherald.com/im-rahmen-des-militarischen-crashkurses-der-eu-fur-"
        "ukrainische-truppen"
    ],
    "leopard2": [
        "http://www.strategypage.com/htmw/htproc/articles/20020306.aspx",
        "https://babel.ua/en/news/90428-der-spiegel-next-week-germany-will-begin-training-the-"
        "ukrainian-military-on-leopard-2",
    ],
    "abrams": [
        "https://legalclarity.org/how-much-do-military-tanks-really-cost",
        "https://mind.ua/en/news/20257897-ukrainian-troops-begin-training-on-abrams-tanks-in-"
        "germany-nyt",
    ],
    "challenger": [
        "http://de.tingroom.com/yuedu/news/26248.html",
        "https://www.forces.net/technology/land-vehicles/watch-ukrainian-soldiers-praise-"
        "formidable-challenger-2-tank",
    ],
    "bradley": [
        "https://testops.teslarati.com/bradley-fighting-vehicle-price",
        "https://estonianfreepress.com/news/united-states/pentagon-first-ukrainian-troops-finish-"
        "training-on-u-s-bradley-combat-vehicle/",
    ],
    "marder": [
        "https://babel.ua/en/news/90428-der-spiegel-next-week-germany-will-begin-training-the-"
        "ukrainian-military-on-leopard-2"
    ],
    "stryker": [
        "https://tankandafvnews.com/2015/10/19/5-million-to-upgrade-a-stryker/",
        "https://eatsip365.com/the-estimated-cost-of-a-stryker-combat-vehicle",
    ],
    "m109": [
        "https://www.daytondailynews.com/nation-world/1st-class-of-ukraine-fighters-finishes-"
        "advanced-us-training/A66TVKBQLBFOTNVSROX5HKL3G4/"
    ],
    "pzh2000": [
        "https://defence-blog.com/germany-buys-more-pzh-2000-howitzers-to-refill-stock-sent-to-"
        "ukraine/",
        "https://www.jungewelt.de/artikel/426370.ausbildungsstart-f%C3%BCr-ukrainer-an-"
        "haubitze.html",
    ],
    "caesar": [
        "https://www.shephardmedia.com/news/landwarfareintl/eurosatory-2022-lithuania-to-order-"
        "caesar/"
    ],
    "zuzana": [
        "https://www.devdiscourse.com/article/health/2199804-germany-denmark-norway-to-deliver-"
        "16-howitzers-to-ukraine"
    ],
    "m777": [
        "http://www.asdnews.com/news-69088/Indian_Contract_for_M777_Howitzers.htm",
        "https://www.canadianbusiness.com/business-news/india-to-buy-145-american-m777-ultra-"
        "light-howitzers/",
    ],
    "himars": [
        "https://insidedefense.com/insider/lockheed-wins-160-million-himars-contract",
        "https://ukranews.com/en/news/860980-u-s-begins-training-ukrainian-military-firing-from-"
        "himars-complexes-training-to-take-3-weeks",
    ],
    "patriot": [
        "https://investingnews.turnkeywebsitesales.com/us-sending-more-billion-dollar-patriot-"
        "missile-systems-to-middle-east",
        "https://euromaidanpress.com/2023/03/22/ukrainian-troops-impress-us-trainers-as-they-"
        "rapidly-train-on-patriot-missile-system-cnn/",
    ],
    "patriot_missile": [
        "https://www.newsx.com/world/patriot-missiles-in-ukraine-explained-why-kyiv-needs-"
        "patriots-against-russian-attacks-donald-trump-volodymyr-zelenskyy-vladimir-putin-21222"
    ],
    "nasams": [
        "https://euromaidanpress.com/2022/12/01/pentagon-awards-raytheon-1-2-bln-usd-contract-"
        "for-procurement-nasams-for-ukraine/"
    ],
    "iris_t": [
        "https://gagadget.com/de/weapons/261354-deutschland-genehmigt-offiziell-den-kauf-von-"
        "sechs-iris-t-slm-luftabwehrsystemen-im-wert-von-uber-1-milliarde-dol-amp"
    ],
    "gepard": [
        "https://www.westfalen-blatt.de/ueberregional/nachrichten/politik/scholz-bekraeftigt-"
        "waffenhilfe-fuer-die-ukraine-2618747"
    ],
    "f16": [
        "https://winenfood.com/the-real-cost-of-an-f-16-fighter-jet-today",
        "https://censor.net/en/news/3452812/it_will_take_59_months_to_train_ukrainian_pilots_"
        "for_f16_pentagon",
    ],
    "prc158": [
        "https://www.c4isrnet.com/it-networks/2020/04/29/l3harris-and-collins-split-203m-order-"
        "for-army-radios/"
    ],
    "fpv": [
        "https://euromaidanpress.com/2024/12/28/drone-supplies-to-defense-forces-up-19-fold-in-"
        "2024-commander-in-chief-says/"
    ],
    "fpv_line": [
        "https://babel.ua/en/news/114045-umerov-ukrainian-made-drones-have-covered-over-96-of-"
        "the-defense-forces-needs",
        "https://unn.ua/en/news/ukraine-to-produce-over-a-million-fvp-drones-this-year-fedorov",
    ],
    "us155": [
        "https://www.seattletimes.com/nation-world/pentagon-will-increase-u-s-artillery-"
        "production-sixfold-for-ukraine/",
        "https://www.gopbriefingroom.com/index.php?topic=562782.0",
    ],
    "rheinmetall155": [
        "https://www.cash.ch/news/im-visier-des-kreml-rheinmetall-chef-braucht-schutz-729747",
        "https://wirtschaft-tv.com/2025/09/01/rheinmetall-neues-munitionswerk",
        "https://news.online.ua/en/rheinmetall-opens-europes-largest-artillery-production-"
        "facility-896491/",
    ],
    "eu155": [
        "https://vietnam.vn/en/eu-thua-nhan-that-hua-1-trieu-qua-dan-phao-cho-ukraine",
        "https://agi.it/estero/news/2024-03-15/ue-stanzia-fondi-per-produzione-munizioni-"
        "25723843/amp",
    ],
    "nammo": [
        "http://digitaledition.chicagotribune.com/tribune/article_popover.aspx?guid=759fa858-"
        "8cbe-4175-a652-046fbf144d66"
    ],
    "himars_line": [
        "https://www.marketscreener.com/quote/stock/LOCKHEED-MARTIN-CORPORATI-13406/news/"
        "Lockheed-s-HIMARS-plant-gearing-up-to-meet-demand-after-Ukraine-success-43103125/"
    ],
    "gmlrs": [
        "https://www.shephardmedia.com/news/landwarfareintl/dod-procurement-chief-signals-gmlrs-"
        "production-boost/"
    ],
    "pac3": [
        "https://sofrep.com/news/us-government-orders-lockheed-martin-to-ramp-up-patriot-"
        "missile-production",
        "https://dnyuz.com/2026/01/06/lockheed-says-it-plans-to-dramatically-turn-up-patriot-"
        "missile-production",
    ],
    "patriot_line": ["https://app.getquin.com/pt/post/BImqTiJrmc"],
    "caesar_line": [
        "https://australianartillery.org/with-ukraine-in-the-lead-france-and-germany-purchase-"
        "and-modernize-artillery/"
    ],
    "bohdana": [
        "https://kyivindependent.com/ukraine-produces-largest-number-of-self-propelled-"
        "howitzers-in-europe-per-month-zelensky-says",
        "https://www.yahoo.com/news/ukraine-manufactures-8-bohdana-howitzers-201500041.html",
    ],
    "ua_ammo": [
        "https://myc.news/en/politika/v_ukraine_naladili_proizvodstvo_artillerijskih_snaryadov",
        "https://en.interfax.com.ua/news/general/956954.html",
    ],
    "ua155": [
        "https://kyivindependent.com/ukraine-launched-production-of-155-mm-artillery-shells-"
        "official-says/",
        "https://babel.ua/en/news/110858-ukraine-began-to-produce-shells-of-155-mm-caliber",
    ],
    "bulgaria": [
        "https://ukranews.com/en/news/917714-old-weapons-factory-for-production-of-ammunition-"
        "for-afu-launched-in-bulgaria-media",
        "https://newsonlineread.com/bulgaria-resumes-production-of-122mm-shells-for-ukrainian-"
        "armed-forces-the-new-york-times",
    ],
    "czech": [
        "https://www.thedefensepost.com/2024/02/19/czech-republic-artillery-rounds/",
        "https://news-pravda.com/world/2024/04/15/438231.html",
    ],
    "consumption": [
        "https://newsonlineread.com/bulgaria-resumes-production-of-122mm-shells-for-ukrainian-"
        "armed-forces-the-new-york-times"
    ],
    "ua_industry": ["https://tv-ua.112.ua/en/virobnici-spromoznosti-opk-ukraini-mozut-sagnuti-"
                    "35-milardiv-55785"],
    "training": [
        "https://www.stripes.com/branches/army/2023-01-13/army-grafenwoehr-ukraine-8749503.html",
        "https://stripes.com/theaters/europe/2023-07-17/abrams-tank-training-grafenwoehr-"
        "10764395.html",
    ],
    "eu_shells": [
        "https://www.worldreportnow.com/news/eu-to-miss-target-of-supplying-ukraine-with-1m-"
        "artillery-shells-germany-says/48093/",
        "https://vietnam.vn/en/eu-thua-nhan-that-hua-1-trieu-qua-dan-phao-cho-ukraine",
    ],
    "transition": [
        "https://news.antiwar.com/2022/10/12/nato-has-10-year-plan-to-rebuild-ukraines-military/",
        "https://www.pravda.com.ua/eng/news/2023/07/7/7410297/",
    ],
}


def src(*keys: str, partial: bool = True) -> str:
    """Source cell: the cited pages, plus a note when other figures are notional."""
    urls: list[str] = []
    for k in keys:
        for u in U[k]:
            if u not in urls:
                urls.append(u)
    if not urls:
        return N
    return "; ".join(urls) + ("; other figures notional" if partial else "")


# --------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------

HEADER: dict[str, Any] = {
    "name": "Notional Ukraine force transition",
    "description": (
        "NOTIONAL scenario: an illustrative ten-year transition of a Ukraine-like force from "
        "Soviet-standard to NATO-standard, NATO-interoperable equipment while at war, with "
        "donor stockpiles, allied and Ukrainian industry and restricted funding streams. "
        "Platform types, calibres, standards and order-of-magnitude prices and production "
        "rates follow public encyclopaedia-level facts (cited in each row's source column); "
        "inventories, formations, budgets and every other figure are invented. It is not real "
        "inventory, order-of-battle or planning data."
    ),
    "notional": True,
    "start_year": 2026,
    "periods": 10,
    "period_length": 1,
    "currency": "USD million",
    "intensity": ["high"] * 3 + ["medium"] * 3 + ["low"] * 4,
    "country": "Ukraine",
    "objective": {
        # interoperability is a target trajectory (requirements), not a quantity to maximise
        "interoperability_weight": 0.0,
        # capability up to 15% above a floor in wartime is worth 0.3 MUSD per point and year:
        # more than the upkeep a tank saves in reserve, so serviceable kit stays in service
        "risk_margin_value": 0.3,
        "risk_margin_cap": 0.15,
    },
}

DOMESTIC_SHARE = [0.0, 0.15, 0.2, 0.25, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]
"""Share of each year's acquisition spending to go to Ukrainian industry (notional)."""

DOMESTIC_CAPACITY = [
    ("155mm-artillery", 2028, 240_000),
    ("2s22-bohdana", 2028, 174),
    ("btr-4", 2029, 90),
]
"""(product, year, capacity per year) the Ukrainian lines should reach (notional)."""

MUNITION_GROUPS = {
    ("patriot", "pac-3-mse"): "patriot-interceptor",
    ("patriot", "pac-2-gem-t"): "patriot-interceptor",
}
"""(equipment, munition) -> group of alternative munitions (public: Patriot fires both)."""

STREAM_PRIORITY = {"ua-mod": 3}
"""Paying order of the funding streams: restricted and expiring grants (1) pay before the
national defence budget (3)."""

# --------------------------------------------------------------------------------------
# Standards
# --------------------------------------------------------------------------------------

# id, name, family, domain, reference, source
STANDARDS: list[tuple[str, str, str, str, str, str]] = [
    ("stanag-4425-155mm", "155 mm indirect-fire ammunition interchangeability (39/52 cal)",
     "nato", "ammunition", "STANAG 4425 / JBMoU", src("stanag4425", partial=False)),
    ("nato-120mm-smoothbore", "120 mm smoothbore tank ammunition (Leopard 2 / M1 common)",
     "nato", "ammunition", "", src("tank120", partial=False)),
    ("nato-105mm-l7", "105 mm L7 rifled tank ammunition", "nato", "ammunition", "", N),
    ("uk-l30-120mm-rifled", "120 mm L30 rifled tank ammunition (UK-unique, not interchangeable)",
     "national", "ammunition", "", src("tank120", partial=False)),
    ("stanag-4172-5.56mm", "5.56x45 mm NATO small-arms ammunition", "nato", "ammunition",
     "STANAG 4172", src("stanag4172", partial=False)),
    ("stanag-2310-7.62mm", "7.62x51 mm NATO small-arms ammunition", "nato", "ammunition",
     "STANAG 2310", src("stanag2310", partial=False)),
    ("stanag-4383-12.7mm", "12.7x99 mm NATO heavy machine-gun ammunition", "nato", "ammunition",
     "STANAG 4383", N),
    ("nato-25x137mm", "25x137 mm autocannon ammunition (M242)", "nato", "ammunition", "", N),
    ("nato-20x139mm", "20x139 mm autocannon ammunition (Rh 202)", "nato", "ammunition", "", N),
    ("nato-35x228mm", "35x228 mm autocannon ammunition (Oerlikon KDA)", "nato", "ammunition", "",
     src("gepard_ammo", partial=False)),
    ("nato-40mm-bofors", "40 mm Bofors L/70 ammunition", "nato", "ammunition", "", N),
    ("mlrs-family-227mm", "227 mm MLRS family munitions (GMLRS pods, ATACMS)", "nato",
     "ammunition", "MLRS family (no STANAG)", src("mlrs", partial=False)),
    ("nato-patriot-missiles", "Patriot interceptor family (PAC-2 GEM-T, PAC-3 MSE)", "nato",
     "ammunition", "", N),
    ("nato-aim-120", "AIM-120 AMRAAM (NASAMS, F-16, Gripen)", "nato", "ammunition", "", N),
    ("nato-iris-t", "IRIS-T missile family", "nato", "ammunition", "", N),
    ("nato-stinger", "FIM-92 Stinger", "nato", "ammunition", "", N),
    ("nato-mica", "MICA air-to-air missile", "nato", "ammunition", "", N),
    ("nato-storm-shadow", "Storm Shadow / SCALP-EG cruise missile", "nato", "ammunition", "", N),
    ("soviet-122mm", "122 mm Soviet artillery ammunition (D-30, 2S1)", "soviet", "ammunition",
     "", N),
    ("soviet-152mm", "152 mm Soviet artillery ammunition (D-20, 2A65, 2S3, 2S19)", "soviet",
     "ammunition", "", N),
    ("soviet-125mm", "125 mm Soviet tank ammunition (2A46 family)", "soviet", "ammunition", "",
     N),
    ("soviet-73mm", "73 mm 2A28 ammunition (BMP-1)", "soviet", "ammunition", "", N),
    ("soviet-30x165mm", "30x165 mm autocannon ammunition (2A42, 2A72, ZTM-1)", "soviet",
     "ammunition", "", N),
    ("soviet-23x152mm", "23x152 mm anti-aircraft gun ammunition (ZU-23-2)", "soviet",
     "ammunition", "", N),
    ("soviet-14.5x114mm", "14.5x114 mm heavy machine-gun ammunition (KPVT)", "soviet",
     "ammunition", "", N),
    ("soviet-7.62x54r", "7.62x54R mm machine-gun ammunition (PKT, PKM)", "soviet", "ammunition",
     "", N),
    ("soviet-5.45x39", "5.45x39 mm small-arms ammunition (AK-74)", "soviet", "ammunition", "", N),
    ("soviet-122mm-rocket", "122 mm artillery rockets (BM-21)", "soviet", "ammunition", "", N),
    ("soviet-220mm-rocket", "220 mm artillery rockets (BM-27)", "soviet", "ammunition", "", N),
    ("soviet-300mm-rocket", "300 mm artillery rockets (BM-30)", "soviet", "ammunition", "", N),
    ("soviet-sam-missiles", "Soviet surface-to-air missiles (5V55, 9M38, 9M33, 9M37)", "soviet",
     "ammunition", "", N),
    ("soviet-aam", "Soviet air-to-air missiles (R-27, R-73)", "soviet", "ammunition", "", N),
    ("soviet-80mm-rocket", "S-8 80 mm aircraft rockets", "soviet", "ammunition", "", N),
    ("sincgars", "SINCGARS VHF combat-net radio waveform", "nato", "c2-radio",
     "SINCGARS (AN/PRC-119 family)", N),
    ("stanag-5066-hf", "HF radio data communications", "nato", "c2-radio", "STANAG 5066", N),
    ("soviet-r123-radio", "Soviet analog VHF/HF radios (R-123M / R-159)", "soviet", "c2-radio",
     "", N),
    ("ua-national-radio", "Ukrainian national radios (non-NATO COMSEC)", "national", "c2-radio",
     "", N),
    ("stanag-5516-link16", "Link 16 tactical data link", "nato", "datalink", "STANAG 5516",
     src("link16", partial=False)),
    ("soviet-datalink", "Soviet national data links (not NATO-compatible)", "soviet",
     "datalink", "", src("link16", partial=False)),
    ("stanag-4193-mode5", "IFF Mark XIIA Mode 5", "nato", "iff", "STANAG 4193",
     src("iff", partial=False)),
    ("soviet-parol-iff", "Soviet Parol IFF", "soviet", "iff", "", N),
    ("stanag-1135-f34", "Single-fuel concept: F-34 (JP-8) battlefield fuel", "nato", "fuel",
     "STANAG 1135", src("fuel", partial=False)),
    ("soviet-diesel", "Soviet diesel / multi-fuel", "soviet", "fuel", "", N),
    ("stanag-4586-uas", "Interoperable UAS control system interfaces", "nato", "uas-control",
     "STANAG 4586", src("stanag4586", partial=False)),
    ("ua-national-gcs", "Ukrainian national proprietary UAS ground control", "national",
     "uas-control", "", N),
    ("stanag-4569-protection", "Protection levels for armoured vehicles", "nato", "protection",
     "STANAG 4569", src("stanag4569", partial=False)),
    ("gost-protection", "National (GOST) armour protection classes", "soviet", "protection", "",
     N),
]

# --------------------------------------------------------------------------------------
# Munitions
# --------------------------------------------------------------------------------------

# id, name, family, standard, unit, unit_cost (MUSD per unit), opening stock, source
MUNITIONS: list[tuple[str, str, str, str, str, float, float, str]] = [
    ("122mm-artillery", "122 mm artillery shell", "soviet", "soviet-122mm", "rounds", 0.002,
     120_000, N),
    ("152mm-artillery", "152 mm artillery shell", "soviet", "soviet-152mm", "rounds", 0.003,
     150_000, N),
    ("155mm-artillery", "155 mm artillery shell", "nato", "stanag-4425-155mm", "rounds", 0.005,
     200_000, N),
    ("125mm-tank", "125 mm tank round", "soviet", "soviet-125mm", "rounds", 0.004, 70_000, N),
    ("120mm-tank", "120 mm smoothbore tank round", "nato", "nato-120mm-smoothbore", "rounds",
     0.008, 12_000, N),
    ("120mm-rifled-l30", "120 mm L30 rifled tank round (Challenger 2)", "national",
     "uk-l30-120mm-rifled", "rounds", 0.01, 2_000, N),
    ("105mm-tank", "105 mm L7 tank round", "nato", "nato-105mm-l7", "rounds", 0.004, 10_000, N),
    ("73mm-2a28", "73 mm 2A28 round (BMP-1)", "soviet", "soviet-73mm", "rounds", 0.001, 30_000,
     N),
    ("30x165mm", "30x165 mm autocannon round", "soviet", "soviet-30x165mm", "rounds", 0.00005,
     800_000, N),
    ("25x137mm", "25x137 mm autocannon round", "nato", "nato-25x137mm", "rounds", 0.0001,
     300_000, N),
    ("20x139mm", "20x139 mm autocannon round", "nato", "nato-20x139mm", "rounds", 0.00008,
     150_000, N),
    ("35x228mm", "35x228 mm autocannon round", "nato", "nato-35x228mm", "rounds", 0.0002,
     100_000, N),
    ("40mm-bofors", "40 mm Bofors round", "nato", "nato-40mm-bofors", "rounds", 0.0002, 60_000,
     N),
    ("23x152mm", "23x152 mm anti-aircraft round", "soviet", "soviet-23x152mm", "rounds",
     0.00003, 400_000, N),
    ("14.5x114mm", "14.5x114 mm heavy machine-gun rounds", "soviet", "soviet-14.5x114mm",
     "thousand-rounds", 0.005, 1_500, N),
    ("12.7x99mm", "12.7x99 mm NATO heavy machine-gun rounds", "nato", "stanag-4383-12.7mm",
     "thousand-rounds", 0.004, 1_500, N),
    ("7.62x54r", "7.62x54R mm machine-gun rounds", "soviet", "soviet-7.62x54r", "thousand-rounds",
     0.0008, 30_000, N),
    ("7.62x51", "7.62x51 mm NATO rounds", "nato", "stanag-2310-7.62mm", "thousand-rounds", 0.001,
     8_000, N),
    ("5.45x39", "5.45x39 mm rifle rounds", "soviet", "soviet-5.45x39", "thousand-rounds", 0.0004,
     40_000, N),
    ("5.56x45", "5.56x45 mm NATO rifle rounds", "nato", "stanag-4172-5.56mm", "thousand-rounds",
     0.0005, 15_000, N),
    ("122mm-rocket", "122 mm artillery rocket (Grad)", "soviet", "soviet-122mm-rocket", "rockets",
     0.002, 40_000, N),
    ("220mm-rocket", "220 mm artillery rocket (Uragan)", "soviet", "soviet-220mm-rocket",
     "rockets", 0.02, 1_500, N),
    ("300mm-rocket", "300 mm artillery rocket (Smerch)", "soviet", "soviet-300mm-rocket",
     "rockets", 0.1, 600, N),
    ("227mm-gmlrs", "227 mm GMLRS rocket", "nato", "mlrs-family-227mm", "rockets", 0.16, 3_000,
     N),
    ("pac-3-mse", "PAC-3 MSE interceptor", "nato", "nato-patriot-missiles", "missiles", 4.0, 120,
     src("patriot_missile")),
    ("pac-2-gem-t", "PAC-2 GEM-T interceptor", "nato", "nato-patriot-missiles", "missiles", 3.0,
     60, N),
    ("aim-120", "AIM-120 AMRAAM", "nato", "nato-aim-120", "missiles", 1.2, 150, N),
    ("iris-t-sl", "IRIS-T SL surface-launched missile", "nato", "nato-iris-t", "missiles", 0.45,
     150, N),
    ("stinger", "FIM-92 Stinger", "nato", "nato-stinger", "missiles", 0.48, 200, N),
    ("mica", "MICA air-to-air missile", "nato", "nato-mica", "missiles", 1.2, 40, N),
    ("storm-shadow", "Storm Shadow / SCALP-EG", "nato", "nato-storm-shadow", "missiles", 2.5, 40,
     N),
    ("5v55", "5V55 (S-300PS/PT) interceptor", "soviet", "soviet-sam-missiles", "missiles", 1.0,
     150, N),
    ("9m38", "9M38 (Buk-M1) interceptor", "soviet", "soviet-sam-missiles", "missiles", 0.8, 120,
     N),
    ("9m33", "9M33 (Osa) interceptor", "soviet", "soviet-sam-missiles", "missiles", 0.3, 200, N),
    ("9m37", "9M37 (Strela-10) interceptor", "soviet", "soviet-sam-missiles", "missiles", 0.15,
     300, N),
    ("r-27-r-73", "R-27 / R-73 air-to-air missiles", "soviet", "soviet-aam", "missiles", 0.5,
     320, N),
    ("s-8-rocket", "S-8 80 mm aircraft rocket", "soviet", "soviet-80mm-rocket", "rockets",
     0.002, 20_000, N),
]

# --------------------------------------------------------------------------------------
# Equipment
# --------------------------------------------------------------------------------------

# Standards profiles (equipment_standards), by family and kind of platform.
SOV_VEH = ["soviet-r123-radio", "soviet-parol-iff", "soviet-diesel", "gost-protection"]
SOV_SOFT = ["soviet-r123-radio", "soviet-diesel"]
SOV_UPG = ["sincgars", "stanag-4193-mode5", "soviet-diesel", "gost-protection"]
NATO_VEH = ["sincgars", "stanag-4193-mode5", "stanag-1135-f34", "stanag-4569-protection"]
NATO_SOFT = ["sincgars", "stanag-4193-mode5", "stanag-1135-f34"]
NATO_AD = ["sincgars", "stanag-5516-link16", "stanag-4193-mode5", "stanag-1135-f34"]
SOV_AD = ["soviet-r123-radio", "soviet-datalink", "soviet-parol-iff", "soviet-diesel"]
NATO_AIR = ["stanag-5066-hf", "stanag-5516-link16", "stanag-4193-mode5", "stanag-1135-f34"]
SOV_AIR = ["soviet-r123-radio", "soviet-datalink", "soviet-parol-iff"]

# id, name, class, role, family, combat value, unit cost, operating cost/yr, crew,
# training weeks, service life, logistics family, source, standards (beyond ammunition)
Equip = tuple[str, str, str, str, str, float, float, float, int, float, int, str, str, list[str]]
EQUIPMENT: list[Equip] = [
    # --- armour (tanks) ---------------------------------------------------------------
    ("t-64bv", "T-64BV", "tank", "armour", "soviet", 1.0, 0, 0.25, 3, 4, 40, "soviet-t64", N,
     SOV_VEH),
    ("t-64bv-nato-c2", "T-64BV with NATO radios and IFF Mode 5", "tank", "armour", "soviet",
     1.15, 0, 0.27, 3, 2, 40, "soviet-t64", N, SOV_UPG),
    ("t-72", "T-72 (T-72AMT/T-72B)", "tank", "armour", "soviet", 1.0, 0, 0.25, 3, 4, 40,
     "soviet-t72", N, SOV_VEH),
    ("t-72-nato-c2", "T-72 with NATO radios and IFF Mode 5", "tank", "armour", "soviet", 1.15, 0,
     0.27, 3, 2, 40, "soviet-t72", N, SOV_UPG),
    ("t-80bv", "T-80BV", "tank", "armour", "soviet", 1.1, 0, 0.35, 3, 4, 40, "soviet-t80", N,
     SOV_VEH),
    ("leopard-1a5", "Leopard 1A5", "tank", "armour", "nato", 1.0, 2.5, 0.35, 4, 6, 30,
     "leopard-1", src("leopard1"), NATO_VEH),
    ("leopard-2a4", "Leopard 2A4", "tank", "armour", "nato", 1.6, 6.5, 0.5, 4, 6, 30,
     "leopard-2", src("leopard2"), NATO_VEH),
    ("leopard-2a6", "Leopard 2A6", "tank", "armour", "nato", 2.0, 6.5, 0.55, 4, 6, 30,
     "leopard-2", src("leopard2"), NATO_VEH),
    ("leopard-2a8", "Leopard 2A8 (new build)", "tank", "armour", "nato", 2.3, 15.0, 0.6, 4, 6, 30,
     "leopard-2", src("leopard2"), NATO_VEH),
    ("m1a1-abrams", "M1A1 Abrams", "tank", "armour", "nato", 1.9, 8.5, 0.9, 4, 10, 30, "abrams",
     src("abrams"), NATO_VEH),
    ("challenger-2", "Challenger 2", "tank", "armour", "nato", 1.8, 8.6, 0.7, 4, 4, 30,
     "challenger-2", src("challenger"), NATO_VEH),
    # --- mechanised infantry (IFV, APC) -----------------------------------------------
    ("bmp-1", "BMP-1", "ifv", "mechanised-infantry", "soviet", 0.6, 0, 0.12, 3, 3, 40,
     "soviet-bmp", N, SOV_VEH),
    ("bmp-2", "BMP-2", "ifv", "mechanised-infantry", "soviet", 0.8, 0, 0.14, 3, 3, 40,
     "soviet-bmp", N, SOV_VEH),
    ("bmp-2-nato-c2", "BMP-2 with NATO radios and IFF Mode 5", "ifv", "mechanised-infantry",
     "soviet", 0.9, 0, 0.15, 3, 2, 40, "soviet-bmp", N, SOV_UPG),
    ("btr-4", "BTR-4 (Ukrainian design)", "ifv", "mechanised-infantry", "national", 0.8, 1.5, 0.15,
     3, 3, 30, "ua-btr-4", N, ["ua-national-radio", "soviet-diesel", "gost-protection"]),
    ("btr-80", "BTR-70/BTR-80", "apc", "mechanised-infantry", "soviet", 0.5, 0, 0.1, 3, 3, 40,
     "soviet-btr", N, SOV_VEH),
    ("mt-lb", "MT-LB", "apc", "mechanised-infantry", "soviet", 0.4, 0, 0.08, 2, 2, 40,
     "soviet-mt-lb", N, SOV_VEH),
    ("m2a2-bradley", "M2A2 Bradley", "ifv", "mechanised-infantry", "nato", 1.2, 3.1, 0.35, 3, 5,
     30, "bradley", src("bradley"), NATO_VEH),
    ("marder-1a3", "Marder 1A3", "ifv", "mechanised-infantry", "nato", 0.9, 1.5, 0.3, 3, 5, 30,
     "marder", src("marder"), NATO_VEH),
    ("cv9040c", "CV90 (CV9040C)", "ifv", "mechanised-infantry", "nato", 1.3, 9.0, 0.4, 3, 5, 30,
     "cv90", N, NATO_VEH),
    ("m113", "M113", "apc", "mechanised-infantry", "nato", 0.5, 0.6, 0.1, 2, 2, 30, "m113", N,
     NATO_VEH),
    ("stryker", "M1126 Stryker ICV", "apc", "mechanised-infantry", "nato", 0.8, 4.9, 0.3, 2, 4,
     30, "stryker", src("stryker"), NATO_VEH),
    # --- tube artillery ---------------------------------------------------------------
    ("2s1", "2S1 Gvozdika", "sp-artillery", "artillery", "soviet", 0.8, 0, 0.12, 4, 4, 40,
     "soviet-sp-artillery", N, SOV_VEH),
    ("2s3", "2S3 Akatsiya", "sp-artillery", "artillery", "soviet", 1.0, 0, 0.15, 4, 4, 40,
     "soviet-sp-artillery", N, SOV_VEH),
    ("2s3-nato-c2", "2S3 with NATO radios and IFF Mode 5", "sp-artillery", "artillery",
     "soviet", 1.1, 0, 0.16, 4, 2, 40, "soviet-sp-artillery", N, SOV_UPG),
    ("2s19", "2S19 Msta-S", "sp-artillery", "artillery", "soviet", 1.2, 0, 0.2, 5, 4, 40,
     "soviet-2s19", N, SOV_VEH),
    ("d-30", "D-30", "towed-artillery", "artillery", "soviet", 0.6, 0, 0.04, 8, 2, 40,
     "soviet-towed", N, SOV_SOFT),
    ("d-20", "D-20", "towed-artillery", "artillery", "soviet", 0.8, 0, 0.05, 10, 2, 40,
     "soviet-towed", N, SOV_SOFT),
    ("2a65", "2A65 Msta-B", "towed-artillery", "artillery", "soviet", 1.0, 0, 0.05, 8, 2, 40,
     "soviet-towed", N, SOV_SOFT),
    ("m109", "M109 (A3GN/A4/A6)", "sp-artillery", "artillery", "nato", 1.2, 3.0, 0.3, 4, 5, 30,
     "m109", src("m109"), NATO_VEH),
    ("pzh-2000", "PzH 2000", "sp-artillery", "artillery", "nato", 1.8, 19.9, 0.6, 5, 6, 30,
     "pzh-2000", src("pzh2000", partial=False), NATO_VEH),
    ("caesar", "CAESAR 6x6", "sp-artillery", "artillery", "nato", 1.5, 6.0, 0.3, 5, 4, 30,
     "caesar", src("caesar"), NATO_SOFT),
    ("krab", "AHS Krab", "sp-artillery", "artillery", "nato", 1.6, 13.0, 0.4, 5, 5, 30, "krab",
     N, NATO_VEH),
    ("zuzana-2", "Zuzana 2", "sp-artillery", "artillery", "nato", 1.5, 5.6, 0.3, 4, 4, 30,
     "zuzana", src("zuzana"), NATO_SOFT),
    ("as90", "AS90", "sp-artillery", "artillery", "nato", 1.3, 4.0, 0.4, 5, 5, 30, "as90", N,
     NATO_VEH),
    ("m777", "M777", "towed-artillery", "artillery", "nato", 1.2, 3.7, 0.1, 8, 1, 30, "m777",
     src("m777"), ["sincgars", "stanag-1135-f34"]),
    ("2s22-bohdana", "2S22 Bohdana (Ukrainian design, 155 mm)", "sp-artillery", "artillery",
     "national", 1.5, 2.5, 0.2, 5, 3, 30, "bohdana", src("bohdana"),
     ["ua-national-radio", "soviet-diesel"]),
    # --- rocket artillery -------------------------------------------------------------
    ("bm-21", "BM-21 Grad", "mlrs", "rocket-artillery", "soviet", 0.8, 0, 0.08, 3, 3, 40,
     "soviet-mlrs", N, SOV_SOFT),
    ("bm-27", "BM-27 Uragan", "mlrs", "rocket-artillery", "soviet", 1.0, 0, 0.12, 4, 3, 40,
     "soviet-mlrs", N, SOV_SOFT),
    ("bm-30", "BM-30 Smerch", "mlrs", "rocket-artillery", "soviet", 1.3, 0, 0.15, 4, 3, 40,
     "soviet-mlrs", N, SOV_SOFT),
    ("m142-himars", "M142 HIMARS", "mlrs", "rocket-artillery", "nato", 3.0, 7.0, 0.6, 3, 3, 30,
     "mlrs-family", src("himars"), NATO_SOFT),
    ("m270", "M270 MLRS", "mlrs", "rocket-artillery", "nato", 3.5, 5.0, 0.8, 3, 4, 30,
     "mlrs-family", N, NATO_VEH),
    # --- air defence (per fire unit / battery; guns and SHORAD per vehicle) -----------
    ("s-300ps", "S-300PS/PT (battalion)", "air-defence-long", "air-defence", "soviet", 20.0, 0,
     6.0, 50, 8, 40, "soviet-s-300", N, SOV_AD),
    ("buk-m1", "Buk-M1 (battery)", "air-defence-medium", "air-defence", "soviet", 10.0, 0, 3.0,
     25, 6, 40, "soviet-buk", N, SOV_AD),
    ("osa", "9K33 Osa", "air-defence-short", "air-defence", "soviet", 2.0, 0, 0.5, 5, 4, 40,
     "soviet-osa", N, SOV_AD),
    ("strela-10", "9K35 Strela-10", "air-defence-short", "air-defence", "soviet", 1.2, 0, 0.2, 3,
     3, 40, "soviet-strela", N, SOV_AD),
    ("zu-23-2", "ZU-23-2", "anti-aircraft-gun", "air-defence", "soviet", 0.3, 0, 0.01, 5, 1, 40,
     "soviet-zu-23", N, ["soviet-r123-radio"]),
    ("patriot", "MIM-104 Patriot (battery)", "air-defence-long", "air-defence", "nato", 40.0,
     1100.0, 30.0, 90, 10, 30, "patriot", src("patriot"), NATO_AD),
    ("nasams", "NASAMS (fire unit)", "air-defence-medium", "air-defence", "nato", 15.0, 203.0,
     6.0, 20, 8, 30, "nasams", src("nasams"), NATO_AD),
    ("iris-t-slm", "IRIS-T SLM (fire unit)", "air-defence-medium", "air-defence", "nato", 15.0,
     170.0, 5.0, 20, 8, 30, "iris-t", src("iris_t"), NATO_AD),
    ("gepard", "Gepard", "anti-aircraft-gun", "air-defence", "nato", 1.5, 3.0, 0.3, 3, 6, 30,
     "gepard", src("gepard"), NATO_VEH),
    ("m1097-avenger", "M1097 Avenger", "air-defence-short", "air-defence", "nato", 1.0, 1.5, 0.1,
     2, 4, 30, "avenger", N, NATO_SOFT),
    # --- air (fixed wing) -------------------------------------------------------------
    ("mig-29", "MiG-29", "fighter", "air", "soviet", 1.0, 0, 3.0, 1, 8, 40, "soviet-mig-29", N,
     SOV_AIR),
    ("mig-29-nato-iff", "MiG-29 with NATO IFF and radios", "fighter", "air", "soviet", 1.15, 0,
     3.1, 1, 4, 40, "soviet-mig-29", N, ["stanag-5066-hf", "stanag-4193-mode5"]),
    ("su-27", "Su-27", "fighter", "air", "soviet", 1.1, 0, 3.5, 1, 8, 40, "soviet-su-27", N,
     SOV_AIR),
    ("su-24m", "Su-24M", "attack-aircraft", "air", "soviet", 1.0, 0, 3.5, 2, 8, 40,
     "soviet-su-24", N, SOV_AIR),
    ("su-25", "Su-25", "attack-aircraft", "air", "soviet", 0.8, 0, 2.0, 1, 8, 40, "soviet-su-25",
     N, SOV_AIR),
    ("f-16am", "F-16AM/BM MLU", "fighter", "air", "nato", 1.8, 65.0, 5.0, 1, 26, 30, "f-16",
     src("f16"), NATO_AIR),
    ("mirage-2000-5f", "Mirage 2000-5F", "fighter", "air", "nato", 1.6, 40.0, 5.0, 1, 20, 30,
     "mirage-2000", N, NATO_AIR),
    ("gripen-cd", "JAS 39 Gripen C/D", "fighter", "air", "nato", 1.8, 60.0, 4.0, 1, 20, 30,
     "gripen", N, NATO_AIR),
    # --- aviation (helicopters) -------------------------------------------------------
    ("mi-8", "Mi-8/Mi-17", "helicopter", "aviation", "soviet", 0.5, 0, 0.8, 3, 8, 40,
     "soviet-mi-8", N, SOV_AIR),
    ("mi-24", "Mi-24", "helicopter", "aviation", "soviet", 0.8, 0, 1.0, 2, 8, 40, "soviet-mi-24",
     N, SOV_AIR),
    ("uh-60", "UH-60 Black Hawk", "helicopter", "aviation", "nato", 0.7, 21.0, 1.2, 4, 12, 30,
     "uh-60", N, NATO_AIR),
    # --- c2 (radios) ------------------------------------------------------------------
    ("r-123", "R-123M / R-159 radio set", "radio", "c2", "soviet", 0.004, 0, 0.0005, 0, 0, 40,
     "soviet-radio", N, ["soviet-r123-radio"]),
    ("sincgars-radio", "SINCGARS (AN/PRC-119 family)", "radio", "c2", "nato", 0.01, 0.03, 0.001,
     0, 1, 20, "sincgars", N, ["sincgars"]),
    ("prc-152", "AN/PRC-152 handheld", "radio", "c2", "nato", 0.012, 0.03, 0.001, 0, 1, 15,
     "l3harris-sdr", N, ["sincgars"]),
    ("prc-158", "AN/PRC-158 / AN/PRC-162 manpack", "radio", "c2", "nato", 0.015, 0.059, 0.002,
     0, 1, 15, "l3harris-sdr", src("prc158"), ["sincgars", "stanag-5066-hf"]),
    # --- isr-strike (uas) -------------------------------------------------------------
    ("fpv-drone", "FPV strike drone (Ukrainian)", "uas", "isr-strike", "national", 0.002, 0.002,
     0, 0, 0, 2, "ua-fpv", src("fpv"), ["ua-national-gcs"]),
    ("ua-recon-uas", "Ukrainian reconnaissance UAS", "uas", "isr-strike", "national", 0.05, 0.15,
     0.01, 2, 4, 5, "ua-recon-uas", N, ["ua-national-gcs"]),
    ("rq-20-puma", "RQ-20 Puma", "uas", "isr-strike", "nato", 0.06, 0.25, 0.02, 2, 3, 8, "puma",
     N, ["stanag-4586-uas", "sincgars"]),
    # --- support ----------------------------------------------------------------------
    ("kraz-6322", "KrAZ-6322 truck", "support", "support", "national", 0.1, 0.12, 0.01, 1, 1, 20,
     "kraz", N, ["soviet-diesel"]),
    ("brem-1", "BREM-1 recovery vehicle", "support", "support", "soviet", 0.3, 0, 0.05, 3, 2, 40,
     "soviet-t72", N, SOV_VEH),
    ("bergepanzer-3", "Bergepanzer 3 Buffel", "support", "support", "nato", 0.4, 4.0, 0.1, 3, 4,
     30, "leopard-2", N, NATO_VEH),
    ("man-hx", "MAN HX truck", "support", "support", "nato", 0.12, 0.2, 0.015, 1, 1, 20, "man-hx",
     N, ["stanag-1135-f34", "sincgars"]),
]

# Consumption per unit in service per year: equipment, munition, (low, medium, high)
ART122 = (250, 550, 900)
ART152 = (280, 600, 1000)
ART155 = (300, 650, 1100)
TANK = (40, 90, 150)
MG_TANK = (4, 8, 15)
CANNON = (600, 1500, 2500)
MG_IFV = (5, 12, 20)
RIFLE = (8, 18, 30)
HMG = (1.5, 3, 5)

CONSUMPTION: list[tuple[str, str, tuple[float, float, float]]] = [
    *[(e, "125mm-tank", TANK) for e in ("t-64bv", "t-64bv-nato-c2", "t-72", "t-72-nato-c2",
                                         "t-80bv")],
    *[(e, "7.62x54r", MG_TANK) for e in ("t-64bv", "t-64bv-nato-c2", "t-72", "t-72-nato-c2",
                                          "t-80bv")],
    ("leopard-1a5", "105mm-tank", TANK),
    *[(e, "120mm-tank", TANK) for e in ("leopard-2a4", "leopard-2a6", "leopard-2a8",
                                         "m1a1-abrams")],
    ("challenger-2", "120mm-rifled-l30", TANK),
    *[(e, "7.62x51", MG_TANK) for e in ("leopard-1a5", "leopard-2a4", "leopard-2a6",
                                         "leopard-2a8", "m1a1-abrams", "challenger-2")],
    ("bmp-1", "73mm-2a28", (100, 250, 400)),
    *[(e, "30x165mm", CANNON) for e in ("bmp-2", "bmp-2-nato-c2", "btr-4")],
    ("m2a2-bradley", "25x137mm", CANNON),
    ("marder-1a3", "20x139mm", CANNON),
    ("cv9040c", "40mm-bofors", (300, 700, 1200)),
    ("btr-80", "14.5x114mm", HMG),
    *[(e, "12.7x99mm", HMG) for e in ("m113", "stryker")],
    *[(e, "7.62x54r", MG_IFV) for e in ("bmp-1", "bmp-2", "bmp-2-nato-c2", "btr-4", "btr-80",
                                         "mt-lb")],
    *[(e, "7.62x51", MG_IFV) for e in ("m2a2-bradley", "marder-1a3", "cv9040c")],
    *[(e, "5.45x39", RIFLE) for e in ("bmp-1", "bmp-2", "bmp-2-nato-c2", "btr-4", "btr-80",
                                       "mt-lb")],
    *[(e, "5.56x45", RIFLE) for e in ("m2a2-bradley", "marder-1a3", "cv9040c", "m113",
                                       "stryker")],
    *[(e, "122mm-artillery", ART122) for e in ("2s1", "d-30")],
    *[(e, "152mm-artillery", ART152) for e in ("2s3", "2s3-nato-c2", "2s19", "d-20", "2a65")],
    *[(e, "155mm-artillery", ART155) for e in ("m109", "pzh-2000", "caesar", "krab", "zuzana-2",
                                                "as90", "m777", "2s22-bohdana")],
    ("bm-21", "122mm-rocket", (300, 700, 1200)),
    ("bm-27", "220mm-rocket", (50, 120, 200)),
    ("bm-30", "300mm-rocket", (15, 36, 60)),
    ("m142-himars", "227mm-gmlrs", (30, 70, 120)),
    ("m270", "227mm-gmlrs", (60, 140, 240)),
    ("s-300ps", "5v55", (8, 18, 30)),
    ("buk-m1", "9m38", (6, 14, 24)),
    ("osa", "9m33", (3, 7, 12)),
    ("strela-10", "9m37", (3, 7, 12)),
    ("zu-23-2", "23x152mm", (1500, 3500, 6000)),
    # a Patriot battery fires PAC-3 MSE or PAC-2 GEM-T, whichever is there (group below)
    ("patriot", "pac-3-mse", (31, 62, 100)),
    ("patriot", "pac-2-gem-t", (31, 62, 100)),
    ("nasams", "aim-120", (12, 25, 40)),
    ("iris-t-slm", "iris-t-sl", (12, 25, 40)),
    ("gepard", "35x228mm", (2000, 5000, 8000)),
    ("m1097-avenger", "stinger", (4, 10, 16)),
    *[(e, "r-27-r-73", (2, 5, 8)) for e in ("mig-29", "mig-29-nato-iff", "su-27")],
    *[(e, "aim-120", (2, 5, 8)) for e in ("f-16am", "gripen-cd")],
    ("mirage-2000-5f", "mica", (2, 5, 8)),
    ("su-24m", "storm-shadow", (4, 8, 12)),
    ("su-25", "s-8-rocket", (100, 250, 400)),
    ("mi-24", "s-8-rocket", (80, 180, 300)),
    ("mi-8", "s-8-rocket", (20, 60, 100)),
    ("uh-60", "7.62x51", (3, 6, 10)),
]
CONSUMPTION_SOURCE = {"155mm-artillery": src("consumption"), "152mm-artillery":
                      src("consumption"), "122mm-artillery": src("consumption")}

# --------------------------------------------------------------------------------------
# Formations
# --------------------------------------------------------------------------------------

# type -> (count, id prefix, name, priority pattern, slots per role)
FORMATION_TYPES: list[tuple[str, int, str, str, list[int], dict[str, int]]] = [
    ("mechanised-brigade", 12, "mech-bde", "Mechanised Brigade", [1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4,
                                                                     5],
     {"armour": 31, "mechanised-infantry": 110, "artillery": 18, "air-defence": 6,
      "c2": 600, "isr-strike": 6000, "support": 40}),
    ("tank-brigade", 4, "tank-bde", "Tank Brigade", [1, 1, 2, 3],
     {"armour": 93, "mechanised-infantry": 40, "artillery": 18, "air-defence": 6, "c2": 500,
      "isr-strike": 3000, "support": 60}),
    ("air-assault-brigade", 4, "air-assault-bde", "Air Assault Brigade", [1, 2, 2, 3],
     {"armour": 14, "mechanised-infantry": 60, "artillery": 18, "air-defence": 4, "c2": 500,
      "isr-strike": 5000, "support": 30}),
    ("artillery-brigade", 5, "art-bde", "Artillery Brigade", [1, 1, 2, 2, 3],
     {"artillery": 72, "c2": 300, "isr-strike": 1500, "support": 40}),
    ("rocket-artillery-brigade", 3, "rocket-bde", "Rocket Artillery Brigade", [1, 2, 3],
     {"rocket-artillery": 54, "c2": 150, "support": 30}),
    ("air-defence-regiment", 5, "ad-regt", "Air Defence Regiment", [1, 1, 2, 2, 3],
     {"air-defence": 10, "c2": 150, "support": 20}),
    ("tactical-aviation-brigade", 3, "tac-avn-bde", "Tactical Aviation Brigade", [1, 1, 2],
     {"air": 24, "c2": 60}),
    ("army-aviation-brigade", 2, "army-avn-bde", "Army Aviation Brigade", [2, 3],
     {"aviation": 24, "c2": 60}),
    ("territorial-defence-brigade", 4, "terr-bde", "Territorial Defence Brigade", [4, 5, 5, 5],
     {"mechanised-infantry": 20, "artillery": 6, "c2": 300, "isr-strike": 3000, "support": 20}),
    ("uas-regiment", 2, "uas-regt", "Unmanned Systems Regiment", [1, 2],
     {"isr-strike": 20000, "c2": 200}),
]

# --------------------------------------------------------------------------------------
# Inventory (start of 2026): equipment, formation ("" = pool), quantity, serviceable,
# remaining life (None = full service life)
# --------------------------------------------------------------------------------------

INVENTORY: list[tuple[str, str, int, float, int | None]] = [
    ("t-64bv", "", 300, 0.7, 10),
    ("t-64bv", "mech-bde-03", 31, 0.8, 6),
    ("t-64bv", "mech-bde-04", 31, 0.8, 6),
    ("t-64bv", "tank-bde-03", 93, 0.75, 7),
    ("t-72", "", 260, 0.75, 9),
    ("t-72", "tank-bde-04", 93, 0.8, 8),
    ("t-80bv", "", 90, 0.65, 6),
    ("leopard-1a5", "", 80, 0.8, 12),
    ("leopard-2a4", "tank-bde-02", 40, 0.85, 15),
    ("leopard-2a6", "tank-bde-01", 20, 0.85, 20),
    ("m1a1-abrams", "mech-bde-01", 25, 0.8, 20),
    ("challenger-2", "air-assault-bde-01", 12, 0.75, 12),
    ("bmp-1", "", 300, 0.7, 6),
    ("bmp-2", "", 420, 0.75, 9),
    ("btr-4", "", 180, 0.8, 15),
    ("btr-80", "", 250, 0.7, 7),
    ("mt-lb", "", 500, 0.75, 8),
    ("m2a2-bradley", "mech-bde-01", 110, 0.8, 20),
    ("m2a2-bradley", "", 110, 0.75, 20),
    ("marder-1a3", "mech-bde-02", 100, 0.75, 12),
    ("cv9040c", "mech-bde-05", 50, 0.85, 20),
    ("m113", "", 300, 0.8, 12),
    ("stryker", "air-assault-bde-02", 60, 0.85, 20),
    ("stryker", "", 120, 0.8, 20),
    ("2s1", "", 180, 0.7, 7),
    ("2s3", "", 120, 0.7, 8),
    ("2s19", "", 40, 0.7, 10),
    ("d-30", "", 260, 0.8, 8),
    ("d-20", "", 130, 0.75, 6),
    ("2a65", "", 110, 0.75, 9),
    ("m109", "art-bde-02", 72, 0.75, 12),
    ("m109", "", 40, 0.7, 10),
    ("pzh-2000", "art-bde-01", 30, 0.8, 20),
    ("caesar", "art-bde-01", 42, 0.85, 20),
    ("krab", "art-bde-03", 72, 0.85, 25),
    ("zuzana-2", "", 32, 0.85, 25),
    ("as90", "", 30, 0.7, 10),
    ("m777", "", 150, 0.75, 15),
    ("2s22-bohdana", "", 180, 0.9, None),
    ("bm-21", "", 220, 0.75, 8),
    ("bm-27", "", 60, 0.7, 7),
    ("bm-30", "", 40, 0.7, 8),
    ("m142-himars", "rocket-bde-01", 40, 0.9, 25),
    ("m270", "rocket-bde-02", 15, 0.8, 15),
    ("s-300ps", "", 20, 0.7, 6),
    ("buk-m1", "", 16, 0.7, 7),
    ("osa", "", 40, 0.6, 6),
    ("strela-10", "", 60, 0.7, 7),
    ("zu-23-2", "", 400, 0.85, 10),
    ("patriot", "ad-regt-01", 8, 0.9, 25),
    ("nasams", "ad-regt-02", 10, 0.9, 25),
    ("iris-t-slm", "ad-regt-03", 8, 0.9, 25),
    ("gepard", "", 60, 0.8, 10),
    ("m1097-avenger", "", 24, 0.85, 15),
    ("mig-29", "", 40, 0.6, 8),
    ("su-27", "", 25, 0.6, 8),
    ("su-24m", "", 12, 0.6, 6),
    ("su-25", "", 20, 0.6, 6),
    ("f-16am", "tac-avn-bde-01", 24, 0.8, 15),
    ("f-16am", "", 6, 0.75, 15),
    ("mirage-2000-5f", "", 6, 0.8, 12),
    ("mi-8", "", 60, 0.7, 10),
    ("mi-24", "", 30, 0.6, 7),
    ("uh-60", "", 8, 0.85, 20),
    ("r-123", "", 20_000, 0.7, 8),
    ("sincgars-radio", "", 8_000, 0.9, 15),
    ("prc-152", "", 6_000, 0.9, 12),
    ("prc-158", "", 1_500, 0.9, 12),
    ("fpv-drone", "", 300_000, 0.9, 1),
    ("ua-recon-uas", "", 2_000, 0.8, None),
    ("rq-20-puma", "", 150, 0.8, None),
    ("kraz-6322", "", 3_000, 0.85, 12),
    ("brem-1", "", 150, 0.7, 8),
    ("bergepanzer-3", "", 20, 0.85, 20),
    ("man-hx", "", 800, 0.9, 18),
]

# --------------------------------------------------------------------------------------
# Upgrades: id, from, to, unit cost, depot capacity/yr, lead time, source
# --------------------------------------------------------------------------------------

UPGRADES: list[tuple[str, str, str, float, float, int, str]] = [
    ("t-72-nato-c2-kit", "t-72", "t-72-nato-c2", 0.4, 60, 1, N),
    ("t-64bv-nato-c2-kit", "t-64bv", "t-64bv-nato-c2", 0.4, 80, 1, N),
    ("bmp-2-nato-c2-kit", "bmp-2", "bmp-2-nato-c2", 0.3, 80, 1, N),
    ("2s3-nato-c2-kit", "2s3", "2s3-nato-c2", 0.3, 30, 1, N),
    ("mig-29-nato-iff-kit", "mig-29", "mig-29-nato-iff", 2.0, 6, 1, N),
]

# --------------------------------------------------------------------------------------
# Donors: country, item, stock, minimum, replenish_by (None = last period), source
# --------------------------------------------------------------------------------------

DONORS: list[tuple[str, str, float, float, int | None, str]] = [
    ("USA", "m777", 400, 330, None, N),
    ("USA", "m113", 2_000, 1_700, None, N),
    ("USA", "m2a2-bradley", 1_500, 1_350, None, N),
    ("USA", "m1a1-abrams", 2_000, 1_920, None, N),
    ("USA", "m109", 600, 520, None, N),
    ("USA", "stryker", 1_000, 940, None, N),
    ("USA", "m142-himars", 400, 380, 2030, N),
    ("USA", "m1097-avenger", 300, 260, None, N),
    ("USA", "patriot", 60, 58, 2032, N),
    ("USA", "155mm-artillery", 1_000_000, 900_000, 2030, N),
    ("USA", "227mm-gmlrs", 20_000, 18_000, 2030, N),
    ("USA", "pac-3-mse", 800, 700, 2030, N),
    ("USA", "aim-120", 2_000, 1_900, None, N),
    ("USA", "stinger", 1_500, 1_300, None, N),
    ("USA", "25x137mm", 2_000_000, 1_500_000, None, N),
    ("USA", "120mm-tank", 100_000, 80_000, None, N),
    ("USA", "12.7x99mm", 20_000, 15_000, None, N),
    ("USA", "5.56x45", 200_000, 160_000, None, N),
    ("USA", "7.62x51", 80_000, 65_000, None, N),
    ("Germany", "leopard-1a5", 100, 0, None, N),
    ("Germany", "leopard-2a4", 50, 0, None, N),
    ("Germany", "leopard-2a6", 200, 185, None, N),
    ("Germany", "marder-1a3", 100, 0, None, N),
    ("Germany", "gepard", 30, 0, None, N),
    ("Germany", "pzh-2000", 105, 100, 2030, N),
    ("Germany", "iris-t-slm", 12, 10, 2031, N),
    ("Germany", "patriot", 12, 11, 2032, N),
    ("Germany", "bergepanzer-3", 40, 30, None, N),
    ("Germany", "155mm-artillery", 300_000, 250_000, 2029, N),
    ("Germany", "iris-t-sl", 200, 150, 2030, N),
    ("Germany", "pac-2-gem-t", 150, 120, None, N),
    ("Germany", "35x228mm", 200_000, 50_000, None, N),
    ("Germany", "20x139mm", 300_000, 100_000, None, N),
    ("Germany", "105mm-tank", 30_000, 0, None, N),
    ("Germany", "120mm-tank", 60_000, 50_000, None, N),
    ("UK", "challenger-2", 150, 140, None, N),
    ("UK", "as90", 40, 30, None, N),
    ("UK", "120mm-rifled-l30", 30_000, 20_000, None, N),
    ("UK", "155mm-artillery", 150_000, 110_000, 2030, N),
    ("UK", "storm-shadow", 200, 160, 2031, N),
    ("France", "caesar", 70, 62, 2029, N),
    ("France", "mirage-2000-5f", 26, 16, None, N),
    ("France", "155mm-artillery", 200_000, 160_000, 2030, N),
    ("France", "mica", 300, 250, None, N),
    ("France", "storm-shadow", 150, 120, 2031, N),
    ("Poland", "t-72", 100, 0, None, N),
    ("Poland", "2s1", 40, 0, None, N),
    ("Poland", "krab", 100, 90, None, N),
    ("Poland", "bmp-1", 100, 0, None, N),
    ("Poland", "mig-29", 14, 0, None, N),
    ("Poland", "125mm-tank", 50_000, 20_000, None, N),
    ("Poland", "r-27-r-73", 100, 0, None, N),
    ("Netherlands", "f-16am", 24, 0, None, N),
    ("Netherlands", "pzh-2000", 40, 35, None, N),
    ("Netherlands", "pac-2-gem-t", 80, 60, None, N),
    ("Netherlands", "155mm-artillery", 50_000, 40_000, None, N),
    ("Denmark", "f-16am", 19, 0, None, N),
    ("Denmark", "caesar", 19, 0, None, N),
    ("Sweden", "cv9040c", 60, 50, None, N),
    ("Sweden", "gripen-cd", 14, 0, None, N),
    ("Sweden", "40mm-bofors", 200_000, 120_000, None, N),
    ("Norway", "nasams", 10, 8, 2031, N),
    ("Norway", "f-16am", 22, 0, None, N),
    ("Norway", "m109", 20, 0, None, N),
    ("Norway", "aim-120", 300, 250, 2031, N),
    ("Norway", "155mm-artillery", 100_000, 80_000, 2030, N),
    ("Czechia", "t-72", 90, 0, None, N),
    ("Czechia", "bm-21", 40, 0, None, N),
    ("Czechia", "122mm-rocket", 60_000, 20_000, None, N),
    ("Slovakia", "mig-29", 13, 0, None, N),
    ("Slovakia", "s-300ps", 1, 0, None, N),
    ("Slovakia", "5v55", 60, 0, None, N),
    ("Slovakia", "r-27-r-73", 60, 0, None, N),
    ("Belgium", "f-16am", 30, 0, None, N),
]

# Donation sources: one per donor stockpile (built in tables()). These stockpiles override the
# default quantity per year and timing: (quantity/yr, first, last, lead time).
DONATION_TIMING: dict[tuple[str, str], tuple[float, int | None, int | None, int]] = {
    ("Sweden", "gripen-cd"): (7, 2028, None, 1),
    ("Belgium", "f-16am"): (10, 2027, None, 1),
    ("USA", "patriot"): (1, None, None, 1),
    ("Germany", "patriot"): (1, None, None, 1),
}

# Market sources: id, country, item, quantity/yr, first, last, price, lead time, source
MARKET: list[tuple[str, str, str, float, int | None, int | None, float, int, str]] = [
    ("czech-initiative-155mm", "Czechia", "155mm-artillery", 250_000, None, 2028, 0.0045, 0,
     src("czech")),
    ("czech-initiative-122mm", "Czechia", "122mm-artillery", 150_000, None, 2028, 0.0025, 0,
     src("czech")),
    ("bulgaria-122mm", "Bulgaria", "122mm-artillery", 120_000, None, None, 0.0025, 0,
     src("bulgaria")),
    ("bulgaria-152mm", "Bulgaria", "152mm-artillery", 100_000, None, None, 0.0035, 0,
     src("bulgaria")),
    ("bulgaria-122mm-rocket", "Bulgaria", "122mm-rocket", 40_000, None, None, 0.0025, 0,
     src("bulgaria")),
    ("bulgaria-125mm", "Bulgaria", "125mm-tank", 30_000, None, None, 0.0045, 0, N),
    ("bulgaria-73mm", "Bulgaria", "73mm-2a28", 40_000, None, None, 0.0012, 0, N),
    ("bulgaria-30x165mm", "Bulgaria", "30x165mm", 1_000_000, None, None, 0.00006, 0, N),
    ("bulgaria-14.5mm", "Bulgaria", "14.5x114mm", 1_500, None, None, 0.006, 0, N),
    ("bulgaria-7.62x54r", "Bulgaria", "7.62x54r", 30_000, None, None, 0.0009, 0, N),
    ("bulgaria-5.45mm", "Bulgaria", "5.45x39", 40_000, None, None, 0.00045, 0, N),
    ("bulgaria-s-8", "Bulgaria", "s-8-rocket", 20_000, None, None, 0.0025, 0, N),
    ("bulgaria-9m37", "Bulgaria", "9m37", 150, None, 2029, 0.2, 1, N),
    ("poland-23mm", "Poland", "23x152mm", 2_500_000, None, None, 0.00004, 0, N),
    ("czechia-5.56mm", "Czechia", "5.56x45", 60_000, None, None, 0.0006, 0, N),
    ("czechia-7.62x51", "Czechia", "7.62x51", 40_000, None, None, 0.0012, 0, N),
    ("czechia-12.7mm", "Czechia", "12.7x99mm", 2_500, None, None, 0.005, 0, N),
    ("belgium-105mm", "Belgium", "105mm-tank", 10_000, None, None, 0.005, 1, N),
    ("third-countries-220mm", "third-countries", "220mm-rocket", 4_000, None, 2029, 0.025, 1, N),
    ("third-countries-5v55", "third-countries", "5v55", 150, None, 2028, 1.2, 1, N),
    ("third-countries-9m38", "third-countries", "9m38", 120, None, 2029, 1.0, 1, N),
    ("third-countries-9m33", "third-countries", "9m33", 200, None, 2029, 0.4, 1, N),
    ("third-countries-r-27-r-73", "third-countries", "r-27-r-73", 80, None, 2029, 0.6, 0, N),
    ("germany-leopard-1a5", "Germany", "leopard-1a5", 40, None, 2030, 2.5, 1, N),
    ("germany-marder-1a3", "Germany", "marder-1a3", 40, None, 2030, 1.5, 1, N),
    ("usa-m113", "USA", "m113", 200, None, None, 0.6, 1, N),
    ("usa-m109", "USA", "m109", 40, None, 2031, 3.0, 1, N),
    ("usa-uh-60", "USA", "uh-60", 12, 2027, None, 21.0, 2, N),
    ("usa-sincgars", "USA", "sincgars-radio", 5_000, None, None, 0.03, 0, N),
    ("sweden-gripen-cd", "Sweden", "gripen-cd", 12, 2028, None, 60.0, 2, N),
    ("slovakia-zuzana-2", "Slovakia", "zuzana-2", 16, None, None, 5.6, 1, src("zuzana")),
]

# Lines: id, country, product, capacity/yr, unit cost, first period, expansion size,
# expansion cost, expansion lead time, max expansions, source
Line = tuple[str, str, str, float, float, int | None, float, float, int, int, str]
LINES: list[Line] = [
    # --- ammunition -------------------------------------------------------------------
    ("us-155mm", "USA", "155mm-artillery", 172_800, 0.005, None, 172_800, 830.0, 2, 4,
     src("us155")),
    ("rheinmetall-unterluess-155mm", "Germany", "155mm-artillery", 250_000, 0.005, None,
     350_000, 540.0, 2, 1, src("rheinmetall155")),
    ("eu-asap-155mm-france", "France", "155mm-artillery", 120_000, 0.0055, None, 60_000, 120.0,
     1, 3, src("eu155")),
    ("nammo-155mm", "Norway", "155mm-artillery", 60_000, 0.0055, None, 40_000, 80.0, 1, 2,
     src("nammo")),
    ("bae-glascoed-155mm", "UK", "155mm-artillery", 40_000, 0.006, None, 40_000, 100.0, 2, 2, N),
    ("ua-155mm", "Ukraine", "155mm-artillery", 120_000, 0.0035, None, 120_000, 150.0, 1, 3,
     src("ua155")),
    ("ua-152mm", "Ukraine", "152mm-artillery", 200_000, 0.0025, None, 100_000, 100.0, 1, 2,
     src("ua_ammo")),
    ("ua-122mm", "Ukraine", "122mm-artillery", 150_000, 0.0018, None, 0, 0, 1, 0,
     src("ua_ammo")),
    ("ua-125mm", "Ukraine", "125mm-tank", 60_000, 0.0035, None, 30_000, 40.0, 1, 1,
     src("ua_ammo")),
    ("ua-30x165mm", "Ukraine", "30x165mm", 500_000, 0.00005, None, 0, 0, 1, 0, N),
    ("ua-300mm-rocket", "Ukraine", "300mm-rocket", 600, 0.08, None, 300, 60.0, 1, 2, N),
    ("ua-122mm-rocket", "Ukraine", "122mm-rocket", 60_000, 0.0018, None, 40_000, 50.0, 1, 2, N),
    ("rheinmetall-120mm", "Germany", "120mm-tank", 20_000, 0.008, None, 10_000, 60.0, 1, 2, N),
    ("rheinmetall-35mm", "Germany", "35x228mm", 300_000, 0.0002, None, 0, 0, 1, 0,
     src("gepard_ammo")),
    ("rheinmetall-20mm", "Germany", "20x139mm", 200_000, 0.00008, None, 0, 0, 1, 0, N),
    ("bofors-40mm", "Sweden", "40mm-bofors", 80_000, 0.0002, None, 0, 0, 1, 0, N),
    ("us-25mm", "USA", "25x137mm", 400_000, 0.0001, None, 0, 0, 1, 0, N),
    ("us-gmlrs", "USA", "227mm-gmlrs", 7_500, 0.16, None, 2_167, 300.0, 2, 3, src("gmlrs")),
    ("us-pac-3-mse", "USA", "pac-3-mse", 620, 4.0, None, 345, 500.0, 2, 4, src("pac3")),
    ("comlog-pac-2-gem-t", "Germany", "pac-2-gem-t", 100, 3.0, 2027, 0, 0, 1, 0, N),
    ("us-aim-120", "USA", "aim-120", 300, 1.2, None, 150, 150.0, 2, 2, N),
    ("diehl-iris-t-sl", "Germany", "iris-t-sl", 300, 0.45, None, 150, 120.0, 2, 2, N),
    ("us-stinger", "USA", "stinger", 300, 0.48, None, 0, 0, 1, 0, N),
    ("mbda-mica", "France", "mica", 60, 1.2, None, 0, 0, 1, 0, N),
    ("mbda-uk-storm-shadow", "UK", "storm-shadow", 60, 2.5, None, 0, 0, 1, 0, N),
    # --- platforms --------------------------------------------------------------------
    ("ua-bohdana", "Ukraine", "2s22-bohdana", 72, 2.5, None, 102, 50.0, 1, 4, src("bohdana")),
    ("ua-fpv", "Ukraine", "fpv-drone", 1_500_000, 0.002, None, 500_000, 100.0, 1, 2,
     src("fpv_line")),
    ("ua-recon-uas-line", "Ukraine", "ua-recon-uas", 2_000, 0.15, None, 1_000, 20.0, 1, 2, N),
    ("ua-btr-4", "Ukraine", "btr-4", 60, 1.5, None, 30, 40.0, 1, 2, N),
    ("ua-kraz", "Ukraine", "kraz-6322", 600, 0.12, None, 0, 0, 1, 0, N),
    ("us-himars", "USA", "m142-himars", 60, 7.0, None, 36, 150.0, 1, 1, src("himars_line")),
    ("us-patriot", "USA", "patriot", 12, 1100.0, None, 0, 0, 1, 0, src("patriot_line")),
    ("kmw-pzh-2000", "Germany", "pzh-2000", 12, 19.9, None, 12, 100.0, 2, 1,
     src("pzh2000", partial=False)),
    ("knds-leopard-2a8", "Germany", "leopard-2a8", 24, 15.0, 2027, 24, 200.0, 2, 2, N),
    ("diehl-iris-t-slm", "Germany", "iris-t-slm", 4, 170.0, None, 4, 150.0, 2, 2, src("iris_t")),
    ("rheinmetall-man-hx", "Germany", "man-hx", 400, 0.2, None, 0, 0, 1, 0, N),
    ("knds-caesar", "France", "caesar", 36, 6.0, None, 24, 80.0, 2, 1, src("caesar_line")),
    ("hsw-krab", "Poland", "krab", 24, 13.0, None, 12, 60.0, 2, 1, N),
    ("bae-cv90", "Sweden", "cv9040c", 30, 9.0, None, 0, 0, 1, 0, N),
    ("kongsberg-nasams", "Norway", "nasams", 4, 203.0, None, 2, 150.0, 2, 1, src("nasams")),
    ("l3harris-prc-158", "USA", "prc-158", 4_000, 0.059, None, 0, 0, 1, 0, src("prc158")),
    ("l3harris-prc-152", "USA", "prc-152", 6_000, 0.03, None, 0, 0, 1, 0, N),
    ("av-puma", "USA", "rq-20-puma", 200, 0.25, None, 0, 0, 1, 0, N),
]

# --------------------------------------------------------------------------------------
# Budgets: stream, owner, amounts per year, uses [(use, country or "")], source
# --------------------------------------------------------------------------------------


def ramp(first: float, last: float) -> list[float]:
    """Linear amounts from *first* (2026) to *last* (2035), rounded to USD 10 m."""
    n = len(YEARS)
    return [round((first + (last - first) * i / (n - 1)) / 10) * 10 for i in range(n)]


EU_COUNTRIES = ["Germany", "France", "Poland", "Czechia", "Slovakia", "Bulgaria", "Sweden",
                "Netherlands", "Belgium", "Ukraine"]

BUDGETS: list[tuple[str, str, list[float], list[tuple[str, str]], str]] = [
    ("ua-mod", "Ukraine", ramp(12_000, 14_000),
     [("acquisition", ""), ("operation", ""), ("upgrade", ""), ("ammunition", ""),
      ("expansion", "Ukraine")], N),
    ("ua-domestic-industry", "Ukraine", ramp(3_000, 5_000),
     [("acquisition", "Ukraine"), ("ammunition", "Ukraine"), ("expansion", "Ukraine")],
     src("ua_industry")),
    ("us-usai", "USA", ramp(5_000, 3_000),
     [("acquisition", "USA"), ("ammunition", "USA")], N),
    ("us-replenishment", "USA", ramp(3_000, 2_000),
     [("replenishment", "USA"), ("expansion", "USA")], N),
    ("eu-peace-facility", "EU", ramp(5_000, 5_000),
     [*[("acquisition", c) for c in EU_COUNTRIES], *[("ammunition", c) for c in EU_COUNTRIES],
      *[("expansion", c) for c in EU_COUNTRIES]], src("eu155")),
    ("de-grant", "Germany", ramp(4_000, 3_000),
     [("acquisition", "Germany"), ("ammunition", "Germany")], N),
    ("de-replenishment", "Germany", ramp(1_500, 1_500),
     [("replenishment", "Germany"), ("expansion", "Germany")], N),
    ("uk-grant", "UK", ramp(1_200, 1_000),
     [("acquisition", "UK"), ("ammunition", "UK"), ("replenishment", "UK"),
      ("expansion", "UK")], N),
    ("fr-grant", "France", ramp(800, 800),
     [("acquisition", "France"), ("ammunition", "France"), ("replenishment", "France"),
      ("expansion", "France")], N),
    ("no-grant", "Norway", ramp(800, 600),
     [("acquisition", "Norway"), ("ammunition", "Norway"), ("replenishment", "Norway"),
      ("expansion", "Norway")], N),
    ("dk-ukrainian-industry", "Denmark", ramp(700, 700),
     [("acquisition", "Ukraine"), ("ammunition", "Ukraine")], src("bohdana")),
    ("se-grant", "Sweden", ramp(600, 600),
     [("acquisition", "Sweden"), ("ammunition", "Sweden"), ("replenishment", "Sweden")], N),
]

# --------------------------------------------------------------------------------------
# Training (crews converted per year, by class) and attrition (fraction per year)
# --------------------------------------------------------------------------------------

TRAINING: list[tuple[str, str, float, str]] = [
    ("tank-crews", "tank", 150, src("training")),
    ("ifv-crews", "ifv", 250, src("training")),
    ("apc-crews", "apc", 300, N),
    ("sp-artillery-crews", "sp-artillery", 200, N),
    ("towed-artillery-crews", "towed-artillery", 150, N),
    ("mlrs-crews", "mlrs", 60, N),
    ("shorad-crews", "air-defence-short", 40, N),
    ("mrad-crews", "air-defence-medium", 8, N),
    ("patriot-crews", "air-defence-long", 3, N),
    ("aa-gun-crews", "anti-aircraft-gun", 40, N),
    ("fighter-pilots", "fighter", 24, src("f16")),
    ("attack-pilots", "attack-aircraft", 6, N),
    ("helicopter-crews", "helicopter", 20, N),
    ("radio-operators", "radio", 20_000, N),
    ("uas-operators", "uas", 3_000, N),
    ("support-crews", "support", 1_500, N),
]

# class -> (peace, low, medium, high)
ATTRITION: dict[str, tuple[float, float, float, float]] = {
    "tank": (0.01, 0.03, 0.08, 0.15),
    "ifv": (0.01, 0.03, 0.08, 0.14),
    "apc": (0.01, 0.03, 0.07, 0.12),
    "sp-artillery": (0.01, 0.02, 0.06, 0.1),
    "towed-artillery": (0.01, 0.03, 0.07, 0.12),
    "mlrs": (0.01, 0.02, 0.04, 0.08),
    "air-defence-short": (0.01, 0.02, 0.05, 0.1),
    "air-defence-medium": (0.005, 0.01, 0.03, 0.06),
    "air-defence-long": (0.005, 0.01, 0.03, 0.05),
    "anti-aircraft-gun": (0.01, 0.02, 0.04, 0.08),
    "fighter": (0.01, 0.02, 0.04, 0.08),
    "attack-aircraft": (0.01, 0.02, 0.05, 0.1),
    "helicopter": (0.01, 0.02, 0.04, 0.08),
    "radio": (0.03, 0.05, 0.1, 0.15),
    "uas": (0.1, 0.4, 0.6, 0.8),
    "support": (0.01, 0.03, 0.06, 0.1),
}

# Capability floor per role as a share of the role's serviceable capability at the start,
# per year. Most roles are held roughly level; air defence rises (deliberately tight).
FLOOR_SHARE: dict[str, list[float]] = {
    "armour": [0.82, 0.82, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85],
    "mechanised-infantry": [0.9, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85],
    "artillery": [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
    "rocket-artillery": [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9],
    "air-defence": [0.8, 0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2, 1.2],
    "air": [0.85, 0.85, 0.9, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    "aviation": [0.85, 0.8, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75, 0.75],
    "c2": [0.9, 0.9, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    "isr-strike": [0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8],
    "support": [0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85],
}

INTEROP_TARGET = [0.38, 0.42, 0.46, 0.5, 0.54, 0.58, 0.62, 0.66, 0.7, 0.75]


# fmt: on


# --------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------


def start_capability() -> dict[str, float]:
    """Serviceable capability per role at the start (combat value x serviceable units)."""
    value = {e[0]: e[5] for e in EQUIPMENT}
    role = {e[0]: e[3] for e in EQUIPMENT}
    out: dict[str, float] = {}
    for eq, _f, q, s, _life in INVENTORY:
        out[role[eq]] = out.get(role[eq], 0.0) + value[eq] * q * s
    return out


def _sig(x: float) -> float:
    """Round to three significant figures (floors read like planning figures)."""
    if x == 0:
        return 0.0
    digits = 2 - floor(log10(abs(x)))
    return float(round(x, digits))


# --------------------------------------------------------------------------------------
# Uncertainty (forceplan stress): every figure notional unless its source says otherwise
# --------------------------------------------------------------------------------------

UNCERTAINTY: list[dict[str, Any]] = [
    {
        "id": "war-intensity",
        "kind": "war_intensity",
        "distribution": "lognormal",
        "median": 1.0,
        "sigma": 0.15,
        "description": "war intensity (x plan attrition and consumption)",
    },
    {
        "id": "attrition-tank",
        "kind": "attrition",
        "target": "tank",
        "distribution": "lognormal",
        "median": 1.0,
        "sigma": 0.25,
        "description": "tank attrition (x plan)",
    },
    {
        "id": "attrition-ifv",
        "kind": "attrition",
        "target": "ifv",
        "distribution": "lognormal",
        "median": 1.0,
        "sigma": 0.25,
        "description": "IFV attrition (x plan)",
    },
    {
        "id": "attrition-sp-artillery",
        "kind": "attrition",
        "target": "sp-artillery",
        "distribution": "lognormal",
        "median": 1.0,
        "sigma": 0.2,
        "description": "self-propelled artillery attrition (x plan)",
    },
    {
        "id": "attrition-sam-long",
        "kind": "attrition",
        "target": "air-defence-long",
        "distribution": "triangular",
        "low": 0.8,
        "mode": 1.0,
        "high": 1.8,
        "description": "long-range SAM attrition (x plan)",
    },
    {
        "id": "attrition-sam-medium",
        "kind": "attrition",
        "target": "air-defence-medium",
        "distribution": "triangular",
        "low": 0.8,
        "mode": 1.0,
        "high": 1.8,
        "description": "medium-range SAM attrition (x plan)",
    },
    {
        "id": "attrition-fighter",
        "kind": "attrition",
        "target": "fighter",
        "distribution": "lognormal",
        "median": 1.0,
        "sigma": 0.25,
        "description": "fighter attrition (x plan)",
    },
    {
        "id": "consumption-155mm",
        "kind": "consumption",
        "target": "155mm-artillery",
        "distribution": "lognormal",
        "median": 1.0,
        "sigma": 0.2,
        "description": "155 mm consumption (x plan)",
    },
    {
        "id": "consumption-pac-3",
        "kind": "consumption",
        "target": "pac-3-mse",
        "distribution": "triangular",
        "low": 0.8,
        "mode": 1.0,
        "high": 1.8,
        "description": "PAC-3 MSE consumption (x plan, missile barrages)",
    },
    {
        "id": "slip-usa",
        "kind": "pledge_slip",
        "target": "USA",
        "distribution": "discrete",
        "values": "0|1|2",
        "weights": "0.6|0.25|0.15",
        "description": "slip of US deliveries (years)",
    },
    {
        "id": "slip-germany",
        "kind": "pledge_slip",
        "target": "Germany",
        "distribution": "discrete",
        "values": "0|1",
        "weights": "0.8|0.2",
        "description": "slip of German deliveries (years)",
    },
    {
        "id": "loss-usa",
        "kind": "pledge_loss",
        "target": "USA",
        "distribution": "bernoulli",
        "probability": 0.1,
        "value": 1,
        "description": "US deliveries stop (1 = never arrive)",
    },
    {
        "id": "partial-eu-155mm-france",
        "kind": "pledge_partial",
        "target": "donation-france-155mm-artillery",
        "distribution": "triangular",
        "low": 0.5,
        "mode": 0.8,
        "high": 1.0,
        "description": "share of French 155 mm donations that arrives",
        "source": src("eu_shells"),
    },
    {
        "id": "partial-eu-155mm-germany",
        "kind": "pledge_partial",
        "target": "donation-germany-155mm-artillery",
        "distribution": "triangular",
        "low": 0.5,
        "mode": 0.8,
        "high": 1.0,
        "description": "share of German 155 mm donations that arrives",
        "source": src("eu_shells"),
    },
    {
        "id": "cut-us-usai",
        "kind": "budget_cut",
        "target": "us-usai",
        "distribution": "bernoulli",
        "probability": 0.2,
        "value": 0.5,
        "description": "cut of the US USAI budget (share)",
    },
    {
        "id": "cut-eu-peace-facility",
        "kind": "budget_cut",
        "target": "eu-peace-facility",
        "distribution": "uniform",
        "low": 0.0,
        "high": 0.3,
        "description": "cut of the European Peace Facility (share)",
    },
    {
        "id": "cut-ua-mod",
        "kind": "budget_cut",
        "target": "ua-mod",
        "distribution": "triangular",
        "low": 0.0,
        "mode": 0.0,
        "high": 0.15,
        "description": "cut of the Ukrainian defence budget (share)",
    },
    {
        "id": "delay-us-patriot",
        "kind": "line_delay",
        "target": "us-patriot",
        "distribution": "discrete",
        "values": "0|1|2",
        "weights": "0.5|0.3|0.2",
        "description": "delay of Patriot line expansions (years)",
    },
    {
        "id": "delay-rheinmetall-155mm",
        "kind": "line_delay",
        "target": "rheinmetall-unterluess-155mm",
        "distribution": "discrete",
        "values": "0|1",
        "weights": "0.7|0.3",
        "description": "delay of Rheinmetall 155 mm expansions (years)",
    },
    {
        "id": "output-ua-155mm",
        "kind": "line_output",
        "target": "ua-155mm",
        "distribution": "triangular",
        "low": 0.6,
        "mode": 0.9,
        "high": 1.0,
        "description": "base output of the Ukrainian 155 mm line (x plan, strikes on industry)",
    },
    {
        "id": "output-us-155mm",
        "kind": "line_output",
        "target": "us-155mm",
        "distribution": "triangular",
        "low": 0.8,
        "mode": 1.0,
        "high": 1.0,
        "description": "base output of the US 155 mm line (x plan)",
    },
]
"""Notional uncertain factors; the EU's missed 1-million-shell pledge (about half delivered
in the year promised) motivates the partial-delivery ranges of the 155 mm donations."""


def tables() -> dict[str, list[dict[str, Any]]]:
    """The scenario tables as records."""
    ammo_std = {m[0]: m[3] for m in MUNITIONS}
    eq_ammo: dict[str, list[str]] = {}
    for e, m, _u in CONSUMPTION:
        eq_ammo.setdefault(e, [])
        if ammo_std[m] not in eq_ammo[e]:
            eq_ammo[e].append(ammo_std[m])

    formations: list[dict[str, Any]] = []
    slots: list[dict[str, Any]] = []
    for ftype, count, prefix, label, prios, fslots in FORMATION_TYPES:
        for i in range(count):
            fid = f"{prefix}-{i + 1:02d}"
            formations.append(
                {
                    "id": fid,
                    "name": f"{label} {i + 1} (notional)",
                    "type": ftype,
                    "priority": prios[i],
                    "source": N,
                }
            )
            slots += [{"formation": fid, "role": r, "quantity": q} for r, q in fslots.items()]

    cap0 = start_capability()
    requirements: list[dict[str, Any]] = []
    for r, shares in FLOOR_SHARE.items():
        requirements += [
            {
                "kind": "capability",
                "role": r,
                "period": y,
                "minimum": _sig(cap0[r] * sh),
                "source": N,
            }
            for y, sh in zip(YEARS, shares, strict=True)
        ]
    requirements += [
        {"kind": "interoperability", "period": y, "minimum": t, "source": src("transition")}
        for y, t in zip(YEARS, INTEROP_TARGET, strict=True)
    ]
    # the home industry: a rising share of acquisition spending and capacity targets (notional)
    requirements += [
        {"kind": "domestic_share", "period": y, "minimum": s, "source": N}
        for y, s in zip(YEARS, DOMESTIC_SHARE, strict=True)
        if s > 0
    ]
    requirements += [
        {"kind": "domestic_capacity", "item": i, "period": y, "minimum": q, "source": N}
        for i, y, q in DOMESTIC_CAPACITY
    ]

    units = {m[0]: m[4] for m in MUNITIONS}
    donors = [
        {
            "country": c,
            "item": it,
            "stock": s,
            "minimum": mn,
            "replenish_by": (rb),
            "unit": units.get(it, "units"),
            "source": so,
        }
        for c, it, s, mn, rb, so in DONORS
    ]
    sources: list[dict[str, Any]] = []
    for c, it, s, _mn, _rb, _so in DONORS:
        # default: a fifth of a munition stockpile a year, delivered at once; a tenth of a
        # platform stockpile a year, delivered the next year
        default = (
            (max(1, round(s * 0.2)), None, None, 0)
            if it in units
            else (max(1, round(s * 0.1)), None, None, 1)
        )
        q, first, last, lead = DONATION_TIMING.get((c, it), default)
        sources.append(
            {
                "id": f"donation-{c.lower()}-{it}",
                "kind": "donor",
                "country": c,
                "item": it,
                "quantity": q,
                "first_period": first,
                "last_period": last,
                "price": 0,
                "lead_time": lead,
                "unit": units.get(it, "units"),
                "source": N,
            }
        )
    sources += [
        {
            "id": sid,
            "kind": "market",
            "country": c,
            "item": it,
            "quantity": q,
            "first_period": (f),
            "last_period": (la),
            "price": p,
            "lead_time": lt,
            "unit": units.get(it, "units"),
            "source": so,
        }
        for sid, c, it, q, f, la, p, lt, so in MARKET
    ]

    return {
        "standards": [
            {"id": i, "name": n, "family": f, "domain": d, "reference": r, "source": s}
            for i, n, f, d, r, s in STANDARDS
        ],
        "munitions": [
            {
                "id": i,
                "name": n,
                "family": f,
                "standard": st,
                "unit": u,
                "unit_cost": c,
                "stock": s,
                "source": so,
            }
            for i, n, f, st, u, c, s, so in MUNITIONS
        ],
        "equipment": [
            {
                "id": i,
                "name": n,
                "class": c,
                "role": r,
                "family": f,
                "combat_value": v,
                "unit_cost": uc,
                "operating_cost": oc,
                "crew": cr,
                "training_weeks": tw,
                "service_life": sl,
                "logistics_family": lf,
                "source": so,
            }
            for i, n, c, r, f, v, uc, oc, cr, tw, sl, lf, so, _st in EQUIPMENT
        ],
        "equipment_standards": [
            {"equipment": e[0], "standard": st, "source": N}
            for e in EQUIPMENT
            for st in [*eq_ammo.get(e[0], []), *e[13]]
        ],
        "equipment_munitions": [
            {
                "equipment": e,
                "munition": m,
                "use_low": lo,
                "use_medium": me,
                "use_high": hi,
                "group": MUNITION_GROUPS.get((e, m), ""),
                "source": CONSUMPTION_SOURCE.get(m, N),
            }
            for e, m, (lo, me, hi) in CONSUMPTION
        ],
        "inventory": [
            {
                "equipment": e,
                "formation": f,
                "quantity": q,
                "serviceable": s,
                "remaining_life": (life),
                "source": N,
            }
            for e, f, q, s, life in INVENTORY
        ],
        "upgrades": [
            {
                "id": i,
                "from_equipment": a,
                "to_equipment": b,
                "unit_cost": c,
                "capacity": q,
                "lead_time": lt,
                "source": so,
            }
            for i, a, b, c, q, lt, so in UPGRADES
        ],
        "formations": formations,
        "formation_slots": slots,
        "requirements": requirements,
        "sources": sources,
        "donors": donors,
        "lines": [
            {
                "id": i,
                "country": c,
                "product": p,
                "capacity": q,
                "unit_cost": uc,
                "first_period": (fp),
                "expansion_size": es,
                "expansion_cost": ec,
                "expansion_lead_time": el,
                "max_expansions": mx,
                "unit": units.get(p, "units"),
                "source": so,
            }
            for i, c, p, q, uc, fp, es, ec, el, mx, so in LINES
        ],
        "budgets": [
            {
                "stream": s,
                "owner": o,
                "period": y,
                "amount": a,
                "priority": STREAM_PRIORITY.get(s, 1),
                "source": so,
            }
            for s, o, amounts, _uses, so in BUDGETS
            for y, a in zip(YEARS, amounts, strict=True)
        ],
        "budget_uses": [
            {"stream": s, "use": u, "country": c}
            for s, _o, _a, uses, _so in BUDGETS
            for u, c in uses
        ],
        "training": [
            {"id": i, "class": c, "capacity": q, "source": so} for i, c, q, so in TRAINING
        ],
        "attrition": [
            {"class": c, "intensity": inten, "rate": r, "source": N}
            for c, rates in ATTRITION.items()
            for inten, r in zip(("peace", "low", "medium", "high"), rates, strict=True)
        ],
        "uncertainty": [{"source": N, **row} for row in UNCERTAINTY],
    }


def build() -> Scenario:
    """The notional scenario, validated."""
    return from_records(HEADER, tables())


def _print_summary(s: Scenario) -> None:
    """Sanity figures: capability, operating cost, ammunition balance at high intensity."""
    eq = s.equipment.set_index("id")
    inv = s.inventory
    stock = (inv["quantity"] * inv["serviceable"]).groupby(inv["equipment"]).sum()
    stock = stock.reindex(eq.index, fill_value=0.0)
    print("start capability by role:")
    print((stock * eq["combat_value"]).groupby(eq["role"]).sum().round(1).to_string())
    print(f"operating cost at start: {(stock * eq['operating_cost']).sum():,.0f} MUSD/yr")
    em = s.equipment_munitions
    use = em.assign(q=em["equipment"].map(stock))
    for col in ("use_high", "use_medium", "use_low"):
        use[col] = use[col] * use["q"]
    cons = use.groupby("munition")[["use_high", "use_medium", "use_low"]].sum()
    lines = s.lines.groupby("product")["capacity"].sum()
    lines_max = s.lines["capacity"] + s.lines["expansion_size"] * s.lines["max_expansions"]
    lines_max = lines_max.groupby(s.lines["product"]).sum()
    mkt = s.sources[s.sources["kind"] == "market"].groupby("item")["quantity"].sum()
    don = s.donors.assign(free=s.donors["stock"] - s.donors["minimum"]).groupby("item")["free"]
    mu = s.munitions.set_index("id")
    table = (
        pd.DataFrame(
            {
                "stock": mu["stock"],
                "use_high": cons["use_high"],
                "use_low": cons["use_low"],
                "lines": lines,
                "lines_max": lines_max,
                "market": mkt,
                "donor_free": don.sum(),
            }
        )
        .reindex(mu.index)
        .fillna(0)
    )
    table["cost_high"] = table["use_high"] * mu["unit_cost"]
    print("ammunition (per year at start force; donor_free is the whole horizon):")
    print(table.round(0).to_string())
    print(f"ammunition cost at high intensity: {table['cost_high'].sum():,.0f} MUSD/yr")
    b = s.budgets.groupby("period")["amount"].sum()
    print("budgets per year:", b.to_dict())
    print("interoperability index at start:", _interop(s, stock))


def _interop(s: Scenario, stock: pd.Series) -> float:
    """Capability-weighted interoperability index of *stock* (per-type scores of the project)."""
    eq = s.equipment.set_index("id")
    val = stock * eq["combat_value"]
    return round(float((val * type_scores(s)).sum() / val.sum()), 3)


def _check(s: Scenario) -> None:
    """Solve a simplified continuous version of the planning problem and print shortfalls.

    A development aid for tuning the figures, not the planner: continuous quantities,
    donors refilled from any line of the item, retirements free, deliveries the only
    training load. Prints the shortfalls, each stream's spending, the final force and
    the interoperability index per year.
    """
    import highspy

    h = highspy.Highs()
    h.silent()

    def add(c: Any) -> None:
        if isinstance(c, bool):  # a constant row
            if not c:
                raise ValueError("constant constraint violated")
            return
        h.addConstr(c)

    T = range(s.header.periods)
    years = s.periods
    inten = s.header.intensity
    eq = s.equipment.set_index("id")
    E = list(eq.index)
    att = s.attrition.set_index(["class", "intensity"])["rate"].to_dict()
    a = {(e, t): att.get((eq.at[e, "class"], inten[t]), 0.0) for e in E for t in T}
    inv = s.inventory
    life_default = eq["service_life"]
    old0 = {e: 0.0 for e in E}
    cap_life = {(e, t): 0.0 for e in E for t in T}
    for _i, r in inv.iterrows():
        q = r["quantity"] * r["serviceable"]
        old0[r["equipment"]] += q
        life = r["remaining_life"]
        life = int(life_default[r["equipment"]]) if pd.isna(life) else int(life)
        for t in T:
            if t < life:
                cap_life[r["equipment"], t] += q
    old = {(e, t): h.addVariable(lb=0, ub=cap_life[e, t]) for e in E for t in T}
    new = {(e, t): h.addVariable(lb=0) for e in E for t in T}
    inflow: dict[tuple[str, int], Any] = {(e, t): 0 for e in E for t in T}
    deliv: dict[tuple[str, int], Any] = {(e, t): 0 for e in E for t in T}
    cost: dict[tuple[str, str, int], Any] = {}

    def add_cost(use: str, country: str, t: int, expr: Any) -> None:
        key = (use, country, t)
        cost[key] = cost.get(key, 0) + expr

    # upgrades
    upg_out: dict[tuple[str, int], Any] = {(e, t): 0 for e in E for t in T}
    for _i, u in s.upgrades.iterrows():
        for t in T:
            v = h.addVariable(lb=0, ub=u["capacity"])
            upg_out[u["from_equipment"], t] = upg_out[u["from_equipment"], t] + v
            if t + int(u["lead_time"]) < len(T):
                inflow[u["to_equipment"], t + int(u["lead_time"])] += v
            add_cost("upgrade", "", t, u["unit_cost"] * v)
    # sources
    mu = s.munitions.set_index("id")
    M = list(mu.index)
    sup: dict[tuple[str, int], Any] = {(m, t): 0 for m in M for t in T}
    donated: dict[tuple[str, str, int], Any] = {}
    for _i, so in s.sources.iterrows():
        first = 0 if pd.isna(so["first_period"]) else years.index(int(so["first_period"]))
        last = len(T) - 1 if pd.isna(so["last_period"]) else years.index(int(so["last_period"]))
        for t in T:
            arr = t + int(so["lead_time"])
            if not first <= t <= last or arr >= len(T):
                continue
            v = h.addVariable(lb=0, ub=so["quantity"])
            it = so["item"]
            if it in mu.index:
                sup[it, arr] += v
                use = "ammunition"
            else:
                inflow[it, arr] += v
                deliv[it, arr] += v
                use = "acquisition"
            if so["kind"] == "donor":
                k = (so["country"], it, t)
                donated[k] = donated.get(k, 0) + v
            elif so["price"] > 0:
                add_cost(use, so["country"], t, so["price"] * v)
    # donors
    don = s.donors
    repl_in: dict[tuple[str, str, int], Any] = {}
    lines = s.lines
    for _i, ln in lines.iterrows():
        first = 0 if pd.isna(ln["first_period"]) else years.index(int(ln["first_period"]))
        xs = [h.addVariable(lb=0) for _t in T]
        add(h.qsum(xs) <= ln["max_expansions"])
        for t in T:
            add_cost("expansion", ln["country"], t, ln["expansion_cost"] * xs[t])
        for t in T:
            online = [xs[tau] for tau in T if tau + int(ln["expansion_lead_time"]) <= t]
            capexpr = (
                (ln["capacity"] if t >= first else 0) + ln["expansion_size"] * h.qsum(online)
                if online
                else (ln["capacity"] if t >= first else 0)
            )
            mk = h.addVariable(lb=0)
            out = mk
            it = ln["product"]
            if it in mu.index:
                sup[it, t] += mk
                add_cost("ammunition", ln["country"], t, ln["unit_cost"] * mk)
            else:
                inflow[it, t] += mk
                deliv[it, t] += mk
                add_cost("acquisition", ln["country"], t, ln["unit_cost"] * mk)
            for _j, d in don[don["item"] == it].iterrows():
                r = h.addVariable(lb=0)
                out = out + r
                k = (d["country"], it, t)
                repl_in[k] = repl_in.get(k, 0) + r
                add_cost("replenishment", ln["country"], t, ln["unit_cost"] * r)
            add(out - capexpr <= 0)
    dstock_end: dict[tuple[str, str], Any] = {}
    for _i, d in don.iterrows():
        rb = len(T) - 1 if pd.isna(d["replenish_by"]) else years.index(int(d["replenish_by"]))
        level: Any = d["stock"]
        for t in T:
            k = (d["country"], d["item"], t)
            level = level - donated.get(k, 0) + repl_in.get(k, 0)
            if True:
                add(level >= (d["minimum"] if t >= rb else 0))
        dstock_end[d["country"], d["item"]] = level
    # stock flow
    stock = {}
    for e in E:
        for t in T:
            prev_old = old0[e] if t == 0 else old[e, t - 1]
            prev_new = 0 if t == 0 else new[e, t - 1]
            add(upg_out[e, t] - prev_old <= 0)
            add(old[e, t] - (1 - a[e, t]) * (prev_old - upg_out[e, t]) <= 0)
            add(new[e, t] - (1 - a[e, t]) * (prev_new + inflow[e, t]) <= 0)
            stock[e, t] = old[e, t] + new[e, t]
            add_cost("operation", "", t, eq.at[e, "operating_cost"] * stock[e, t])
    # training
    for _i, tr in s.training.iterrows():
        for t in T:
            members = [deliv[e, t] for e in E if eq.at[e, "class"] == tr["class"]]
            if members:
                add(h.qsum(members) <= tr["capacity"])
    # ammunition
    em = s.equipment_munitions
    ammo_short = {}
    for m in M:
        level = mu.at[m, "stock"]
        rows = em[em["munition"] == m]
        for t in T:
            col = f"use_{inten[t]}"
            cons = (
                h.qsum([r[col] * stock[r["equipment"], t] for _j, r in rows.iterrows()])
                if len(rows)
                else 0
            )
            sh = h.addVariable(lb=0)
            ammo_short[m, t] = sh
            level = level + sup[m, t] - cons + sh
            add(level >= 0)
    # capability floors
    req = s.requirements
    cap_short = {}
    obj: Any = 0
    for _i, r in req[req["kind"] == "capability"].iterrows():
        t = years.index(int(r["period"]))
        sh = h.addVariable(lb=0)
        cap_short[r["role"], t] = (sh, r["minimum"])
        add(
            h.qsum(
                [eq.at[e, "combat_value"] * stock[e, t] for e in E if eq.at[e, "role"] == r["role"]]
            )
            + sh
            >= r["minimum"]
        )
        obj = obj + 1e5 * sh / r["minimum"]
    # interoperability (the project's per-type score)
    score = type_scores(s).to_dict()
    total0 = float((eq["combat_value"] * pd.Series(old0)).sum())
    int_short = {}
    for _i, r in req[req["kind"] == "interoperability"].iterrows():
        t = years.index(int(r["period"]))
        sh = h.addVariable(lb=0)
        int_short[t] = sh
        add(
            h.qsum(
                [
                    (score[e] - r["minimum"]) * eq.at[e, "combat_value"] * stock[e, t]
                    for e in E
                    if abs(score[e] - r["minimum"]) > 1e-9
                ]
            )
            + total0 * sh
            >= 0
        )
        obj = obj + 1e5 * sh
    unit_cost = mu["unit_cost"].astype(float).to_dict()
    for (m, _t), sh in ammo_short.items():
        obj = obj + 1e3 * max(unit_cost[m], 1e-3) * sh
    # budgets
    bud = s.budgets.set_index(["stream", "period"])["amount"]
    uses = s.budget_uses
    pay_by_stream: dict[tuple[str, int], Any] = {}
    total_cost: Any = 0
    for (use, country, t), expr in cost.items():
        ok = uses[(uses["use"] == use) & ((uses["country"] == "") | (uses["country"] == country))]
        streams = sorted(set(ok["stream"]))
        pays = []
        for b in streams:
            v = h.addVariable(lb=0)
            pays.append(v)
            pay_by_stream[b, t] = pay_by_stream.get((b, t), 0) + v
        unpaid = h.addVariable(lb=0)
        add(h.qsum(pays) + unpaid - expr == 0 if pays else unpaid - expr == 0)
        obj = obj + 1e3 * unpaid + expr
        total_cost = total_cost + expr
        cost[use, country, t] = (expr, unpaid)
    for (b, t), expr in pay_by_stream.items():
        add(expr <= float(bud.get((b, years[t]), 0.0)))
    h.minimize(obj)
    print(
        "check:",
        h.getModelStatus(),
        f"objective {h.getObjectiveValue():,.0f}",
    )
    for (r, t), (sh, minimum) in cap_short.items():
        if h.val(sh) > 1e-6 * minimum:
            print(f"  capability shortfall {r} {years[t]}: {h.val(sh):.1f} of {minimum:g}")
    roles = sorted(set(eq["role"]))
    print("  capability / floor per role and year:")
    floors = req[req["kind"] == "capability"].set_index(["role", "period"])["minimum"]
    for r in roles:
        got = [
            sum(eq.at[e, "combat_value"] * h.val(stock[e, t]) for e in E if eq.at[e, "role"] == r)
            for t in T
        ]
        ratio = [f"{g / floors.get((r, years[t]), float('nan')):.2f}" for t, g in enumerate(got)]
        print(f"    {r:20s} {' '.join(ratio)}")
    for t, sh in int_short.items():
        if h.val(sh) > 1e-6:
            print(f"  interoperability shortfall {years[t]}: {h.val(sh):.3f}")
    for (m, t), sh in ammo_short.items():
        if h.val(sh) > 1e-6:
            print(f"  ammunition shortfall {m} {years[t]}: {h.val(sh):,.0f}")
    for (use, country, t), (_expr, unpaid) in cost.items():
        if h.val(unpaid) > 1e-6:
            print(f"  unpaid {use} {country} {years[t]}: {h.val(unpaid):,.0f}")
    print("  spend per stream and year (MUSD):")
    for b in s.budgets["stream"].unique():
        spent = [round(h.val(pay_by_stream[b, t])) if (b, t) in pay_by_stream else 0 for t in T]
        amt = [int(bud.get((b, y), 0)) for y in years]
        print(f"    {b:24s} {spent}  of {amt}")
    fin = pd.Series({e: h.val(stock[e, len(T) - 1]) for e in E})
    top = fin[fin > 0.5].round(0).sort_values(ascending=False).head(40)
    print("  final stock (top):", top.to_dict())
    idx = [
        sum(score[e] * eq.at[e, "combat_value"] * h.val(stock[e, t]) for e in E)
        / max(sum(eq.at[e, "combat_value"] * h.val(stock[e, t]) for e in E), 1e-9)
        for t in T
    ]
    print("  interoperability index:", [round(float(x), 3) for x in idx])


def main(argv: Iterable[str] | None = None) -> int:
    """Write the folder (and optionally print sanity figures)."""
    p = argparse.ArgumentParser(description="Generate the shipped notional scenario.")
    p.add_argument("--summary", action="store_true", help="print sanity figures")
    p.add_argument("--check", action="store_true", help="solve a simplified plan (slow)")
    p.add_argument("--dest", type=Path, default=DEST, help="folder to write")
    args = p.parse_args(list(argv) if argv is not None else None)
    s = build()
    for w in s.warnings:
        print(w, file=sys.stderr)
    write_folder(s.header, s.tables, args.dest, overwrite=True)
    print(f"wrote {args.dest}")
    if args.summary:
        _print_summary(s)
    if args.check:
        _check(s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
