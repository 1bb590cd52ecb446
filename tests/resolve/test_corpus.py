"""Resolution on a generated corpus against its ground truth (no database).

The floors are asserted over the resolvable Party nodes (`Corpus.resolvable_truth`):
the generator gives many distinct western companies and persons the same name in
the same country, whose mentions the loader merges into one Party node before
resolution starts. Figures over all nodes are in bench/resolution_offline.py.
"""

from __future__ import annotations

import pytest

from graph.resolve.blocking import candidate_pairs
from graph.resolve.decide import AUTO, decide_links
from graph.resolve.evaluate import Corpus, connected_components, pairwise_scores
from graph.resolve.profile import may_be_several
from graph.resolve.score import compare
from tests.resolve import generated_corpus

RECORDS = 1500
SEED = 7


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return generated_corpus(tmp_path_factory, RECORDS, SEED)


def test_auto_links_meet_the_floors(corpus: Corpus) -> None:
    by_id = {p.id: p for p in corpus.profiles}
    candidates = candidate_pairs(corpus.profiles)
    assert len(candidates) < 20 * len(by_id)  # blocking, not all pairs
    scored = {pair: compare(by_id[pair[0]], by_id[pair[1]]) for pair in sorted(candidates)}
    decisions = decide_links(scored, several=may_be_several(corpus.profiles), profiles=by_id)
    clusters = connected_components(by_id, [p for p, d in decisions.items() if d == AUTO])
    truth = corpus.resolvable_truth()
    assert len(truth) > 0.8 * len(corpus.truth)
    scores = pairwise_scores(clusters, truth)
    assert scores["precision"] >= 0.98, scores
    assert scores["recall"] >= 0.90, scores
    # No planted look-alike pair ends up in one cluster.
    for x, y, *_ in corpus.distractors:
        assert not any({truth.get(i) for i in c} >= {x, y} for c in clusters), (x, y)
