"""Resolution's floors on real names: a fixed sample of real entities written by
their sources in several scripts, romanisations and languages
(tests/data/realnames/, drawn from the held-out part of the corpus that nothing is
tuned on). The whole corpus, beside OpenSanctions' logic-v2, is measured by
`python -m bench realnames` (BENCHMARKS.md).

Each floor is issue 26's goal (logic-v2's recall at precision >= 0.98) where the
sample reaches it, and never under the figure measured on the sample when it was
set less a margin; a regression of a part below it fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.resolve.realnames import figures, forms_of, read_corpus, resolve_forms

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "realnames" / "sample.ndjson"
PRECISION_FLOOR = 0.98

# The goal of issue 26: at least OpenSanctions' logic-v2 recall (nomenklatura 4.17.4,
# match at 0.70) on every part at precision >= 0.98, measured on the whole corpus
# (python -m bench realnames, BENCHMARKS.md), names alone. A person's name alone
# only suggests, so persons are held to it by their suggestions.
LOGIC_V2_RECALL = {
    "jp-edinet": 0.001,
    "tw-boft": 0.000,
    "us-ofac-sdn/company": 0.307,
    "us-ofac-sdn/person": 0.488,
    "wikidata-he": 0.266,
    "wikidata-ko": 0.235,
}
# A floor is the goal where this sample reaches it, and never less than the figure
# measured on it when the floor was set less a margin for an honest change
# elsewhere (a part beyond the goal must not slide back to it unnoticed); where the
# goal is not reached, the measured figure less the margin (BENCHMARKS.md says
# what is short). Measured on 2026-12-06 with the commit of this test.
MARGIN = 0.03


def _floor(measured: float, goal: float | None = None) -> float:
    return max(goal or 0.0, round(measured - MARGIN, 3))


# Recall of automatic links per part, names alone (and the entity's country):
# measured jp-edinet 0.392, tw-boft 0.037, OFAC companies 0.150 (goal not reached);
# tw-boft 0.100 on 2026-12-07 with lines of business translated (CC-CEDICT), 0.125
# with Tongyong readings (0.1125 before).
NAMES_RECALL = {
    "jp-edinet": _floor(0.392, LOGIC_V2_RECALL["jp-edinet"]),
    "tw-boft": _floor(0.125, LOGIC_V2_RECALL["tw-boft"]),
    "us-ofac-sdn/company": _floor(0.150),
}
# Recall of suggestions (what an analyst is shown, one by one), names alone, with
# their precision: persons are held to the goal here. Measured OFAC persons 0.524,
# Hebrew 0.518, Korean 0.375, jp-edinet 0.412, OFAC companies 0.260; OFAC persons
# 0.556 with a part written as two parts one part (Ali Reza / Alireza), 0.564 with
# a particle beside another part left over a part.
SUGGESTED_RECALL = {
    "us-ofac-sdn/person": _floor(0.564, LOGIC_V2_RECALL["us-ofac-sdn/person"]),
    "wikidata-he": _floor(0.518, LOGIC_V2_RECALL["wikidata-he"]),
    "wikidata-ko": _floor(0.375, LOGIC_V2_RECALL["wikidata-ko"]),
    "jp-edinet": _floor(0.412),
    "us-ofac-sdn/company": _floor(0.260),
}
SUGGESTED_PRECISION = ("us-ofac-sdn/person", "wikidata-he", "wikidata-ko")
# Recall of automatic links per part when the forms of half the entities share a
# registration number: measured 0.725, 0.388, 0.254, 0.264, Hebrew 0.568, Korean
# 0.375 on 2026-12-07, with names compatible across scripts and person-name parts
# (graph.resolve.decisive; the commit before it measured 0.717, 0.388, 0.232, 0.224,
# 0.420, 0.375); tw-boft 0.425 with lines of business translated (before: 0.388);
# OFAC persons 0.332 and companies 0.262 on 2026-12-07 with person-name parts
# compared more loosely beside the number (before: 0.264, 0.254); companies 0.282
# and tw-boft 0.450 with a company's words spelt otherwise (before: 0.262, 0.425),
# companies 0.290 with words formed from one another (Proektnye / Project).
SHARED_RECALL = {
    "jp-edinet": _floor(0.725),
    "tw-boft": _floor(0.450),
    "us-ofac-sdn/company": _floor(0.290),
    "us-ofac-sdn/person": _floor(0.332),
    "wikidata-he": _floor(0.568),
    "wikidata-ko": _floor(0.375),
}


@pytest.fixture(scope="module")
def names_only() -> dict[str, Any]:
    forms = forms_of(read_corpus(SAMPLE))
    return figures(forms, resolve_forms(forms))


@pytest.fixture(scope="module")
def shared_registration() -> dict[str, Any]:
    forms = forms_of(read_corpus(SAMPLE), artefact_share=0.5)
    return figures(forms, resolve_forms(forms))


def test_the_sample_holds_every_part() -> None:
    parts = {e.source for e in read_corpus(SAMPLE)}
    assert parts == {"jp-edinet", "tw-boft", "us-ofac-sdn", "wikidata-he", "wikidata-ko"}


def test_automatic_links_on_names_alone(names_only: dict[str, Any]) -> None:
    auto = names_only["auto"]
    for part in ["all", *NAMES_RECALL]:
        assert auto[part]["precision"] >= PRECISION_FLOOR, (part, auto[part])
    for part, floor in NAMES_RECALL.items():
        assert auto[part]["recall"] >= floor, (part, auto[part])


def test_automatic_links_with_a_shared_registration_number(
    shared_registration: dict[str, Any],
) -> None:
    auto = shared_registration["auto"]
    for part in ["all", *SHARED_RECALL]:
        assert auto[part]["precision"] >= PRECISION_FLOOR, (part, auto[part])
    for part, floor in SHARED_RECALL.items():
        assert auto[part]["recall"] >= floor, (part, auto[part])


def test_suggestions_on_names_alone(names_only: dict[str, Any]) -> None:
    suggested = names_only["suggested"]
    for part in SUGGESTED_PRECISION:
        assert suggested[part]["precision"] >= PRECISION_FLOOR, (part, suggested[part])
    for part, floor in SUGGESTED_RECALL.items():
        assert suggested[part]["recall"] >= floor, (part, suggested[part])


def test_every_floor_can_fail() -> None:
    floors = [*NAMES_RECALL.values(), *SUGGESTED_RECALL.values(), *SHARED_RECALL.values()]
    assert all(floor > 0 for floor in floors)
