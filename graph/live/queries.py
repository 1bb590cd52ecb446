"""The Cypher of live intelligence (issue 27): the region an incremental network
update reads, watch lists and alerts.

Same rules as `graph.queries` (parameters for every value, labels from the enums,
every anchored node labelled); `graph.queries.all_queries` lists these too, so the
linter and the test that every statement runs cover them.
"""

from __future__ import annotations

from graph.model import LINKS, Label, RelType
from graph.queries import visible

_PARTY_RELS = "|".join(link.rel for link in LINKS if link.role is not None)
_PRINCIPAL_RELS = "|".join((RelType.SHIPPED_BY, RelType.CONSIGNED_TO, RelType.MANUFACTURED_BY))

# The artefact labels, by the prefix of their ids (`ingest.normalised`), and the
# relationship a party holds each by.
ARTEFACTS: dict[str, tuple[Label, RelType]] = {
    "addr": (Label.ADDRESS, RelType.HAS_ADDRESS),
    "tel": (Label.PHONE, RelType.HAS_PHONE),
    "mail": (Label.EMAIL, RelType.HAS_EMAIL),
    "id": (Label.IDENTIFIER, RelType.HAS_IDENTIFIER),
}

# --- The region of an incremental network update -------------------------------------

# Parties as the networks build reads them (`NETWORK_PARTIES_QUERY`), with whether
# the party was ever named as a forwarder.
REGION_PARTIES_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
RETURN [p.id, p.cluster, p.name, p.network, p.vis, p.view_clusters, p.label_vis,
        p.view_networks] AS row, 'Forwarder' IN labels(p) AS forwarder
""".strip()

# The parties of the entities `$clusters`.
CLUSTER_MEMBERS_QUERY = f"""
UNWIND $clusters AS cluster
MATCH (p:{Label.PARTY} {{cluster: cluster}})
RETURN DISTINCT p.id AS id
""".strip()

# The members of stored networks (any view).
NETWORK_PARTY_IDS_QUERY = f"""
UNWIND $ids AS id
MATCH (n:{Label.NETWORK} {{id: id}})
RETURN n.id AS id, coalesce(n.party_ids, []) AS parties
""".strip()

# Every mention of the parties `$ids`: [seizure, relationship, party, artefact ids,
# name as written], as `NETWORK_MENTIONS_QUERY` gives them.
REGION_MENTIONS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE})
RETURN [s.id, type(r), p.id, coalesce(r.artefacts, []), r.name_as_written] AS row
""".strip()

# The seizures `$ids`: their own facts as `NETWORK_SEIZURES_QUERY` gives them, every
# party they name, and their containers, documents and cases.
REGION_SEIZURES_QUERY = f"""
UNWIND $ids AS id
MATCH (s:{Label.SEIZURE} {{id: id}})
RETURN [s.id, s.agency, s.record_id, s.seizure_date, s.value_usd, s.transport_mode,
        s.tlp, s.vis] AS row,
       [(s)-[:{_PARTY_RELS}]->(p:{Label.PARTY}) | p.id] AS parties,
       [(s)-[r:{RelType.IN_CONTAINER}|{RelType.DOCUMENTED_BY}|{RelType.PART_OF}]->(n) |
        [s.id, type(r), n.id]] AS shared
""".strip()


def shared_seizures_query(label: Label, rel: RelType) -> str:
    """The seizures in the containers (or under the documents) `$ids`, with the
    principals each names and who may see each: what decides whether the node is a
    hub in every view."""
    return f"""
UNWIND $ids AS id
MATCH (n:{label} {{id: id}})<-[:{rel}]-(s:{Label.SEIZURE})
RETURN n.id AS node, s.id AS seizure, s.vis AS vis,
       [(s)-[:{_PRINCIPAL_RELS}]->(p:{Label.PARTY}) |
        [p.id, p.cluster, p.vis, 'Forwarder' IN labels(p)]] AS principals
""".strip()


SHARED_NODES: tuple[tuple[Label, RelType], ...] = (
    (Label.CONTAINER, RelType.IN_CONTAINER),
    (Label.TRANSPORT_DOCUMENT, RelType.DOCUMENTED_BY),
)


def artefact_holders_query(label: Label, rel: RelType) -> str:
    """The parties holding the artefacts `$ids`, with who may see the party and
    the records that gave it the artefact (the relationship's tokens)."""
    return f"""
UNWIND $ids AS id
MATCH (a:{label} {{id: id}})<-[r:{rel}]-(p:{Label.PARTY})
RETURN a.id AS node, p.id AS party, p.cluster AS cluster, p.vis AS vis, r.vis AS given_vis,
       'Forwarder' IN labels(p) AS forwarder
""".strip()


# The seizures a party forwarded, with the principals each names: whether the
# forwarder is a hub in every view.
FORWARDER_PARTNERS_QUERY = f"""
UNWIND $ids AS id
MATCH (f:{Label.PARTY} {{id: id}})<-[:{RelType.FORWARDED_BY}]-(s:{Label.SEIZURE})
RETURN f.id AS node, s.id AS seizure, s.vis AS vis,
       [(s)-[:{_PRINCIPAL_RELS}]->(p:{Label.PARTY}) |
        [p.id, p.cluster, p.vis, 'Forwarder' IN labels(p)]] AS principals
""".strip()

# Confirmed SAME_AS links touching the parties `$ids`.
REGION_CONFIRMED_QUERY = f"""
UNWIND $ids AS id
MATCH (a:{Label.PARTY} {{id: id}})-[s:{RelType.SAME_AS}]->(b:{Label.PARTY})
WHERE s.status = $status
RETURN a.id AS a, b.id AS b, s.vis AS vis
""".strip()

# The newest seizure date per group of visibility tokens: the date networks' recency
# is counted to, per view.
NEWEST_SEIZURE_QUERY = f"""
MATCH (s:{Label.SEIZURE})
RETURN s.vis AS vis, max(s.seizure_date) AS newest
""".strip()

# The agencies that have a view of their own (`view:<agency>` marker nodes).
VIEW_MARKERS_QUERY = f"""
MATCH (n:{Label.NETWORK})
WHERE n.marks_view IS NOT NULL
RETURN n.marks_view AS agency
""".strip()

# The networks of one view ("" the whole graph): what their recency needs.
VIEW_NETWORK_RISKS_QUERY = f"""
MATCH (n:{Label.NETWORK})
WHERE n.view = $view
RETURN n.id AS id, n.last_day AS last_day, n.risk_inputs AS risk_inputs, n.risk AS risk
""".strip()

SET_NETWORK_RISKS_QUERY = f"""
UNWIND $rows AS r
MATCH (n:{Label.NETWORK} {{id: r.id}})
SET n.risk = r.risk, n.risk_inputs = r.risk_inputs, n.risk_explanation = r.risk_explanation
""".strip()

# Parties that a corrected record named before and no longer does: queued for
# resolution like those it names now (their records changed).
QUEUE_PARTIES_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
SET p.er_queued = true
""".strip()

# The entities (clusters) of parties, before resolution changes them.
PARTY_CLUSTERS_OF_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
RETURN p.id AS id, p.cluster AS cluster
""".strip()

_ = visible  # used by the watch and alert statements below


def all_queries() -> dict[str, str]:
    found = {
        f"live.{name}": value
        for name, value in globals().items()
        if name.endswith("_QUERY") and isinstance(value, str)
    }
    for label, rel in SHARED_NODES:
        found[f"live.shared_seizures_query({label.name})"] = shared_seizures_query(label, rel)
    for label, rel in ARTEFACTS.values():
        found[f"live.artefact_holders_query({label.name})"] = artefact_holders_query(label, rel)
    return found
