"""Resolution's floors on real names: a fixed sample of real entities written by
their sources in several scripts, romanisations and languages
(tests/data/realnames/, drawn from the held-out part of the corpus that nothing is
tuned on). The whole corpus, beside OpenSanctions' logic-v2, is measured by
`python -m bench realnames` (BENCHMARKS.md).

Each floor is the figure measured on this sample when it was set, less a margin
for an honest change elsewhere; a regression of a part below it fails here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.resolve.realnames import figures, forms_of, read_corpus, resolve_forms

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "realnames" / "sample.ndjson"
PRECISION_FLOOR = 0.98

# Measured on this sample on 2026-12-06 (commit of this test), less about 0.03. A
# part whose recall is still nil (Hebrew, and Korean on names alone) has no floor
# yet: one of 0 could not fail. BENCHMARKS.md gives the figures of the corpus.
# Recall of automatic links per part, names alone (and the entity's country):
# measured jp-edinet 0.392, tw-boft 0.038, OFAC companies 0.151, persons 0.016.
NAMES_RECALL = {
    "jp-edinet": 0.36,
    "tw-boft": 0.02,
    "us-ofac-sdn/company": 0.12,
    "us-ofac-sdn/person": 0.008,
}
# Recall of automatic links per part when the forms of half the entities share a
# registration number: measured 0.417, 0.063, 0.226, 0.196, Korean 0.075.
SHARED_RECALL = {
    "jp-edinet": 0.38,
    "tw-boft": 0.04,
    "us-ofac-sdn/company": 0.19,
    "us-ofac-sdn/person": 0.16,
    "wikidata-ko": 0.05,
}
# Recall of suggestions per part, names alone (what an analyst is shown, one by
# one): measured 0.413, 0.100, 0.284, 0.472, Korean 0.175.
SUGGESTED_RECALL = {
    "jp-edinet": 0.38,
    "tw-boft": 0.07,
    "us-ofac-sdn/company": 0.25,
    "us-ofac-sdn/person": 0.44,
    "wikidata-ko": 0.14,
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
    for part, floor in SUGGESTED_RECALL.items():
        assert suggested[part]["recall"] >= floor, (part, suggested[part])
