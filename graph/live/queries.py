"""The Cypher of live intelligence: the region an incremental network update reads,
watch lists, alerts and their delivery.

Same rules as `graph.queries` (parameters for every value, labels from the enums,
every anchored node labelled); `graph.queries.all_queries` lists these too, so the
linter and the test that every statement runs cover them.
"""

from __future__ import annotations

from graph.model import LINKS, Label, RelType
from graph.queries import VIEW_STAMP_OF_N, visible

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
        p.view_networks, p.network_rounds] AS row, 'Forwarder' IN labels(p) AS forwarder
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

# The mentions of the parties `$ids` whose record gave them one of the artefacts
# `$artefacts` (rows as `REGION_MENTIONS_QUERY` gives them): what a context party
# shares through an artefact, without its other mentions.
ARTEFACT_MENTIONS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE})
WHERE any(a IN coalesce(r.artefacts, []) WHERE a IN $artefacts)
RETURN [s.id, type(r), p.id, coalesce(r.artefacts, []), r.name_as_written] AS row
""".strip()

# The seizures `$ids`: their own facts as `NETWORK_SEIZURES_QUERY` gives them, every
# mention of a party (rows as `REGION_MENTIONS_QUERY` gives them), and their
# containers, documents and cases.
REGION_SEIZURES_QUERY = f"""
UNWIND $ids AS id
MATCH (s:{Label.SEIZURE} {{id: id}})
RETURN [s.id, s.agency, s.record_id, s.seizure_date, s.value_usd, s.transport_mode,
        s.tlp, s.vis] AS row,
       [(s)-[r:{_PARTY_RELS}]->(p:{Label.PARTY}) |
        [s.id, type(r), p.id, coalesce(r.artefacts, []), r.name_as_written]] AS mentions,
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


# Per forwarder of `$ids`, how many entities (counted low: distinct clusters, other
# forwarders never counted) it forwarded for in seizures every agency may see, as
# principals every agency may see, up to `$enough`. The public view is in every
# other view, so more than the cap here is a hub in every view, read without its
# seizures; the walk stops at `$enough` entities (a busy forwarder has thousands of
# seizures: 17-21 ms each read whole at 100k, 5-6 ms so, warm).
FORWARDER_PUBLIC_PARTNERS_QUERY = f"""
UNWIND $ids AS id
MATCH (f:{Label.PARTY} {{id: id}})
CALL (f) {{
  MATCH (f)<-[:{RelType.FORWARDED_BY}]-(s:{Label.SEIZURE})
  WHERE $public IN s.vis
  MATCH (s)-[:{_PRINCIPAL_RELS}]->(p:{Label.PARTY})
  WHERE $public IN p.vis AND p.id <> f.id AND NOT 'Forwarder' IN labels(p)
  WITH DISTINCT coalesce(p.cluster, p.id) AS entity
  LIMIT $enough
  RETURN count(entity) AS entities
}}
RETURN f.id AS node, entities
""".strip()

# The seizures the parties `$ids` forwarded.
FORWARDED_SEIZURES_QUERY = f"""
UNWIND $ids AS id
MATCH (f:{Label.PARTY} {{id: id}})<-[:{RelType.FORWARDED_BY}]-(s:{Label.SEIZURE})
RETURN f.id AS node, s.id AS seizure
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

# The same among the seizures dated `$since` or later (a range of the date's index):
# enough when each view is known to see a seizure on or after `$since`.
NEWEST_SEIZURE_SINCE_QUERY = f"""
MATCH (s:{Label.SEIZURE})
WHERE s.seizure_date >= $since
RETURN s.vis AS vis, max(s.seizure_date) AS newest
""".strip()

# The recency stamps `$ids` (`build.recency_stamp_id`): the day each view's
# networks are counted to; the whole graph's lists the agencies with a view.
RECENCY_STAMPS_QUERY = f"""
UNWIND $ids AS id
MATCH (n:{Label.NETWORK} {{id: id}})
RETURN n.id AS id, n.recency_as_of AS as_of, n.views AS views
""".strip()

# Each view's day `$rows` ({id, as_of}): the day its recency is counted to.
STAMP_RECENCY_QUERY = f"""
UNWIND $rows AS r
MERGE (n:{Label.NETWORK} {{id: r.id}})
SET n.recency_as_of = r.as_of
""".strip()

# The entities (clusters) of parties, before resolution changes them.
PARTY_CLUSTERS_OF_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
RETURN p.id AS id, p.cluster AS cluster
""".strip()

# --- Watch lists --------------------------------------------------------------------

_WATCH_FIELDS = (
    "w {.id, .agency, .kind, .item, .value, .country, .note, .risk_threshold, "
    ".created_by, .created_at}"
)

CREATE_WATCH_QUERY = f"""
MERGE (w:{Label.WATCH} {{id: $id}})
ON CREATE SET w += $props
RETURN {_WATCH_FIELDS} AS watch
""".strip()

# The watches of one agency (`$agency`), or of every agency (null).
LIST_WATCHES_QUERY = f"""
MATCH (w:{Label.WATCH})
WHERE $agency IS NULL OR w.agency = $agency
RETURN {_WATCH_FIELDS} AS watch
ORDER BY w.created_at, w.id
""".strip()

DELETE_WATCH_QUERY = f"""
MATCH (w:{Label.WATCH} {{id: $id}})
WHERE w.agency = $agency
WITH w, {_WATCH_FIELDS} AS watch
DETACH DELETE w
RETURN watch
""".strip()

# The parties `$ids` the viewer `$see` may see, with their entity: what a watch on
# an entity names, and the entities the alert rules compare.
VISIBLE_PARTIES_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
WHERE {visible("p")}
RETURN p.id AS id, p.cluster AS cluster, p.view_clusters AS view_clusters
""".strip()

# --- The alerts step ----------------------------------------------------------------

# What the rules read of the queued seizures `$ids`: their own facts, who may see
# them, every party they name ([party, relationship, name as written, artefacts the
# record gave it, entity, entity per view, network, network per view]), their
# containers, marks, and loading and transit ports.
ALERT_SEIZURES_QUERY = f"""
UNWIND $ids AS id
MATCH (s:{Label.SEIZURE} {{id: id}})
RETURN s.id AS id, s.agency AS agency, s.record_id AS record_id,
       s.seizure_date AS date, s.vis AS vis,
       [(s)-[r:{_PARTY_RELS}]->(p:{Label.PARTY}) |
        [p.id, type(r), r.name_as_written, coalesce(r.artefacts, []), p.cluster,
         p.view_clusters, p.network, p.view_networks]] AS parties,
       [(s)-[:{RelType.IN_CONTAINER}]->(c:{Label.CONTAINER}) | c.id] AS containers,
       [(s)-[:{RelType.INFRINGES}]->(t:{Label.TRADEMARK}) | t.id] AS marks,
       [(s)-[r:{RelType.LOADED_AT}|{RelType.TRANSITED}]->(port:{Label.PORT}) |
        [type(r), coalesce(r.seq, 0), port.id]] AS route,
       [(s)-[:{RelType.SEIZED_AT}]->(port:{Label.PORT}) | port.id] AS seized_at
""".strip()

# The parties of the entities `$clusters`, with their entity per view.
ENTITY_PARTIES_QUERY = f"""
UNWIND $clusters AS cluster
MATCH (p:{Label.PARTY} {{cluster: cluster}})
RETURN p.id AS id, p.cluster AS cluster, p.view_clusters AS view_clusters, p.vis AS vis
""".strip()

# The networks `$ids` (Network node ids): what the network rules compare.
NETWORK_STATES_QUERY = f"""
UNWIND $ids AS id
MATCH (n:{Label.NETWORK} {{id: id}})
{VIEW_STAMP_OF_N}
RETURN n.id AS id, n.network AS network, n.risk_inputs AS risk_inputs,
       n.last_day AS last_day, stamp.recency_as_of AS as_of,
       coalesce(n.jurisdictions, []) AS jurisdictions, coalesce(n.party_ids, []) AS parties,
       n.label AS label
""".strip()

# The networks of the parties `$ids`, per view: [party, network, network per view].
PARTY_NETWORKS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
RETURN p.id AS id, p.network AS network, p.view_networks AS view_networks
""".strip()


def earlier_holders_query(label: Label, rel: RelType) -> str:
    """Who gave the artefacts `$ids` before: each party that holds one, with the
    seizures the viewer `$see` may see that gave it to the party, other than the
    queued ones (`$fresh`): [seizure, agency, record id, date, name as written]."""
    return f"""
UNWIND $ids AS id
MATCH (a:{label} {{id: id}})<-[:{rel}]-(q:{Label.PARTY})<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE})
WHERE id IN coalesce(r.artefacts, []) AND {visible("s")} AND NOT s.id IN $fresh
RETURN a.id AS artefact, q.id AS party, q.cluster AS cluster,
       q.view_clusters AS view_clusters,
       collect([s.id, s.agency, s.record_id, s.seizure_date, r.name_as_written]) AS seizures
""".strip()


# The seizures the viewer `$see` may see, other than the queued ones (`$fresh`),
# that name the parties `$ids`, with their loading and transit ports:
# [seizure, date, ports].
PARTY_HISTORY_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})<-[:{_PARTY_RELS}]-(s:{Label.SEIZURE})
WHERE {visible("s")} AND NOT s.id IN $fresh
RETURN p.id AS party,
       collect([s.id, s.seizure_date,
                [(s)-[:{RelType.LOADED_AT}|{RelType.TRANSITED}]->(port:{Label.PORT}) | port.id]])
       AS seizures
""".strip()

# The seizures `$ids` the viewer `$see` may see (what an alert rests on, checked
# again when it is read: a record may have been corrected since).
VISIBLE_SEIZURES_QUERY = f"""
UNWIND $ids AS id
MATCH (s:{Label.SEIZURE} {{id: id}})
WHERE {visible("s")}
RETURN collect(s.id) AS ids
""".strip()

# --- Alerts ---------------------------------------------------------------------------

_ALERT_FIELDS = (
    "a {.id, .agency, .rule, .title, .explanation, .seizures, .subject, .network, "
    ".watches, .created_at, .status, .acknowledged_by, .acknowledged_at, .delivery, "
    ".delivery_attempts, .delivery_error, .delivered_at}"
)

# An alert is raised once: its id is a digest of what raised it.
RAISE_ALERTS_QUERY = f"""
UNWIND $rows AS r
MERGE (a:{Label.ALERT} {{id: r.id}})
ON CREATE SET a += r.props
RETURN collect(a.id) AS ids
""".strip()

# Which of the alerts `$ids` were raised already.
EXISTING_ALERTS_QUERY = f"""
UNWIND $ids AS id
MATCH (a:{Label.ALERT} {{id: id}})
RETURN collect(a.id) AS ids
""".strip()

# One page of an agency's alerts, newest first; `$after_at`/`$after_id` the keyset
# cursor (null: the first page).
LIST_ALERTS_QUERY = f"""
MATCH (a:{Label.ALERT})
WHERE ($agency IS NULL OR a.agency = $agency)
  AND ($since IS NULL OR a.created_at >= $since)
  AND ($status IS NULL OR a.status = $status)
  AND ($after_at IS NULL OR a.created_at < $after_at
       OR (a.created_at = $after_at AND a.id > $after_id))
RETURN {_ALERT_FIELDS} AS alert
ORDER BY a.created_at DESC, a.id
LIMIT $limit
""".strip()

ACKNOWLEDGE_ALERT_QUERY = f"""
MATCH (a:{Label.ALERT} {{id: $id}})
WHERE a.agency = $agency
SET a.status = 'acknowledged', a.acknowledged_by = coalesce(a.acknowledged_by, $by),
    a.acknowledged_at = coalesce(a.acknowledged_at, $at)
RETURN {_ALERT_FIELDS} AS alert
""".strip()

# --- Webhooks ------------------------------------------------------------------------

SET_WEBHOOK_QUERY = f"""
MERGE (h:{Label.WEBHOOK} {{id: $id}})
SET h += $props
RETURN h {{.agency, .url, .created_by, .created_at}} AS hook
""".strip()

WEBHOOK_QUERY = f"""
MATCH (h:{Label.WEBHOOK} {{id: $id}})
RETURN h {{.agency, .url, .secret, .created_by, .created_at}} AS hook
""".strip()

DELETE_WEBHOOK_QUERY = f"""
MATCH (h:{Label.WEBHOOK} {{id: $id}})
DETACH DELETE h
RETURN count(*) AS deleted
""".strip()

# Alerts waiting for delivery: claimed by setting them `sending`, so that no other
# deliverer sends them too.
CLAIM_DELIVERIES_QUERY = f"""
MATCH (a:{Label.ALERT})
WHERE a.delivery = 'pending'
WITH a ORDER BY a.created_at, a.id LIMIT $limit
SET a.delivery = 'sending', a.delivery_claimed_at = $at
RETURN {_ALERT_FIELDS} AS alert
""".strip()

# Deliveries claimed longer ago than `$before` (a deliverer that stopped): pending
# again.
RELEASE_STALE_DELIVERIES_QUERY = f"""
MATCH (a:{Label.ALERT})
WHERE a.delivery = 'sending' AND a.delivery_claimed_at < $before
SET a.delivery = 'pending'
RETURN count(a) AS released
""".strip()

SET_DELIVERY_QUERY = f"""
MATCH (a:{Label.ALERT} {{id: $id}})
SET a.delivery = $delivery, a.delivery_attempts = $attempts, a.delivery_error = $error,
    a.delivered_at = $delivered_at
""".strip()


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
        found[f"live.earlier_holders_query({label.name})"] = earlier_holders_query(label, rel)
    return found
