"""Metrics against ground truth, on examples computed by hand, and clustering helpers."""

from __future__ import annotations

from collections import Counter

import pytest

from graph.resolve.evaluate import (
    cluster_scores,
    connected_components,
    majority_truth,
    namesake_entities,
    pairwise_scores,
)

# a, b, c are entity E1; d, e are E2; f is E3.
TRUTH = {"a": "E1", "b": "E1", "c": "E1", "d": "E2", "e": "E2", "f": "E3"}
PREDICTED = [{"a", "b"}, {"c", "d", "e"}, {"f"}]


def test_pairwise_by_hand() -> None:
    # True pairs: ab ac bc de (4). Predicted: ab cd ce de (4). Right: ab de.
    scores = pairwise_scores(PREDICTED, TRUTH)
    assert (scores["tp"], scores["fp"], scores["fn"]) == (2, 2, 2)
    assert scores["true_pairs"] == scores["predicted_pairs"] == 4
    assert scores["precision"] == scores["recall"] == scores["f1"] == 0.5


def test_pairwise_edges_of_the_definition() -> None:
    # Nothing predicted: precision 1 (no wrong link), recall 0.
    nothing = pairwise_scores([], TRUTH)
    assert (nothing["precision"], nothing["recall"], nothing["f1"]) == (1.0, 0.0, 0.0)
    perfect = pairwise_scores([{"a", "b", "c"}, {"d", "e"}], TRUTH)
    assert perfect["precision"] == perfect["recall"] == 1.0
    # Items without truth are ignored; an item in two clusters is an error.
    assert pairwise_scores([{"a", "b", "zz"}], TRUTH)["tp"] == 1
    with pytest.raises(ValueError, match="more than one cluster"):
        pairwise_scores([{"a", "b"}, {"b", "c"}], TRUTH)


def test_cluster_scores_by_hand() -> None:
    scores = cluster_scores(PREDICTED, TRUTH)
    # B-cubed precision per item: a 1, b 1, c 1/3, d 2/3, e 2/3, f 1 -> 14/18.
    assert scores["bcubed_precision"] == pytest.approx(14 / 18)
    # B-cubed recall per item: a 2/3, b 2/3, c 1/3, d 1, e 1, f 1 -> 14/18.
    assert scores["bcubed_recall"] == pytest.approx(14 / 18)
    assert scores["bcubed_f1"] == pytest.approx(14 / 18)
    # Only E3 is exactly one predicted cluster.
    assert scores["exact_cluster_share"] == pytest.approx(1 / 3)
    assert (scores["predicted_clusters"], scores["true_clusters"]) == (3, 3)


def test_connected_components() -> None:
    components = connected_components(
        ["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("x", "y"), ("c", "a")]
    )
    assert components == [{"a", "b", "c"}, {"x", "y"}, {"d"}]


def test_majority_truth_reports_mixed_nodes() -> None:
    truth, mixed = majority_truth(
        {
            "p1": Counter({"E1": 2, "E2": 1}),
            "p2": Counter({"E3": 1, "E2": 1}),
            "p3": Counter({"E4": 3}),
        }
    )
    assert truth == {"p1": "E1", "p2": "E2", "p3": "E4"}  # a tie goes to the smallest id
    assert set(mixed) == {"p1", "p2"}


def test_namesakes_share_name_and_country() -> None:
    entities = {
        "E1": {"canonical_name": "Star Goods LLC", "country": "US"},
        "E2": {"canonical_name": "STAR GOODS INC.", "country": "US"},
        "E3": {"canonical_name": "Star Goods LLC", "country": "GB"},
        "E4": {"canonical_name": "Shenzhen Huaxin Trading Co., Ltd.", "country": "CN"},
        "E5": {"canonical_name": "Huaxin Trading (Shenzhen) Co., Ltd.", "country": "CN"},
    }
    assert namesake_entities(entities) == {"E1", "E2", "E4", "E5"}
