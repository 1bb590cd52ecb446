"""Measuring the stored networks against the generator's ground truth (`truth.json`).

Party nodes are mapped to true entities the way `graph.resolve.service.evaluate_store`
does: a node's entity is the majority entity of the truth mentions that name it. A
computed network's *truth members* are the true entities of its parties.

- **Purity** of a computed network: the share of its truth members that belong to
  the planted network holding most of them. Background entities (in no planted
  network) count against it. Given over the computed networks that hold at least
  one planted member (mean, and weighted by size); computed networks with no planted
  member at all are counted as `background_networks`.
- A planted network is **recovered** when one computed network holds at least 80 %
  of its members (`RECOVERY`) *and* is at least 80 % pure (`PURITY`), i.e. holds
  little else.
- **Ranking**: does risk put the planted cross-jurisdiction networks above the
  background? `auc` is the probability that a planted cross-jurisdiction network
  (scored by the risk of the computed network holding most of its members; 0 if
  none holds any) outranks a background network (ties count half).
  `top_k_share`: of the k highest-risk computed networks, k being the number of
  planted cross-jurisdiction networks, the share whose dominant planted network is
  cross-jurisdiction with purity at least 0.5. `background_in_top_10`: how many of
  the ten highest-risk computed networks hold no planted member at all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from graph.access import OPERATOR
from graph.analysis.networks import NetworkSummary, list_networks, party_networks
from graph.resolve.service import party_truth
from graph.store import GraphStore

__all__ = ["PURITY", "RECOVERY", "evaluate_networks"]

RECOVERY = 0.8
PURITY = 0.8
# The networks an analyst triages first: none of them should be background.
TOP_SHOWN = 10


def _all_networks(store: GraphStore) -> dict[str, NetworkSummary]:
    out: dict[str, NetworkSummary] = {}
    cursor = None
    while True:
        page = list_networks(store, OPERATOR, limit=200, cursor=cursor)
        out.update((item.id, item) for item in page.items)
        cursor = page.next_cursor
        if cursor is None:
            return out


def _auc(positives: list[float], negatives: list[float]) -> float | None:
    if not positives or not negatives:
        return None
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


def evaluate_networks(store: GraphStore, truth: dict[str, Any]) -> dict[str, Any]:
    """Recovery of planted networks, purity of computed ones, and ranking by risk."""
    item_truth, _, unmatched = party_truth(store, truth)
    planted: dict[str, set[str]] = {
        nid: set(body["members"]) for nid, body in truth.get("networks", {}).items()
    }
    cross = {nid for nid, body in truth.get("networks", {}).items() if body["cross_jurisdiction"]}
    planted_of: dict[str, str] = {e: nid for nid, members in planted.items() for e in members}

    members: dict[str, set[str]] = defaultdict(set)
    for pid, network in party_networks(store).items():
        if network and pid in item_truth:
            members[network].add(item_truth[pid])
    summaries = _all_networks(store)

    dominant: dict[str, tuple[str | None, float]] = {}
    for nid in summaries:
        entities = members.get(nid, set())
        counts = Counter(planted_of[e] for e in entities if e in planted_of)
        if not counts:
            dominant[nid] = (None, 0.0)
            continue
        top, n = min(counts.items(), key=lambda item: (-item[1], item[0]))
        dominant[nid] = (top, n / len(entities))

    recovered: set[str] = set()
    best_risk: dict[str, float] = {}
    for pid, truth_members in planted.items():
        shares = {
            nid: len(entities & truth_members) / len(truth_members)
            for nid, entities in members.items()
            if nid in summaries and entities & truth_members
        }
        if not shares:
            continue
        holder = min(shares, key=lambda nid: (-shares[nid], nid))
        best_risk[pid] = summaries[holder].risk
        held_by, purity = dominant[holder]
        if shares[holder] >= RECOVERY and held_by == pid and purity >= PURITY:
            recovered.add(pid)

    with_planted = [nid for nid, (best, _) in dominant.items() if best is not None]
    background = [nid for nid, (best, _) in dominant.items() if best is None]
    purities = [dominant[nid][1] for nid in with_planted]
    sizes = [len(members.get(nid, ())) for nid in with_planted]
    weighted = (
        sum(p * s for p, s in zip(purities, sizes, strict=True)) / sum(sizes) if sizes else None
    )

    ranked = sorted(summaries.values(), key=lambda s: (-s.risk, s.id))
    k = len(cross)
    highest = ranked[:k]
    hits = sum(1 for n in highest if dominant[n.id][0] in cross and dominant[n.id][1] >= 0.5)
    background_top = sum(1 for n in ranked[:TOP_SHOWN] if dominant[n.id][0] is None)
    auc = _auc(
        [best_risk.get(pid, 0.0) for pid in sorted(cross)],
        [summaries[nid].risk for nid in background],
    )
    return {
        "criteria": {"recovery": RECOVERY, "purity": PURITY},
        "parties_with_truth": len(item_truth),
        "mentions_not_in_graph": unmatched,
        "planted_networks": len(planted),
        "recovered": len(recovered),
        "recovery_rate": round(len(recovered) / len(planted), 4) if planted else None,
        "cross_jurisdiction_planted": len(cross),
        "cross_jurisdiction_recovered": len(recovered & cross),
        "computed_networks": len(summaries),
        "computed_with_planted_members": len(with_planted),
        "background_networks": len(background),
        "purity": {
            "mean": round(sum(purities) / len(purities), 4) if purities else None,
            "weighted_by_size": round(weighted, 4) if weighted is not None else None,
            "share_at_least_criterion": (
                round(sum(1 for p in purities if p >= PURITY) / len(purities), 4)
                if purities
                else None
            ),
        },
        "ranking": {
            "auc_cross_jurisdiction_vs_background": round(auc, 4) if auc is not None else None,
            "top_k": k,
            "top_k_share": round(hits / k, 4) if k else None,
            "background_in_top_10": background_top,
        },
    }
