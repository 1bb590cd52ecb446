"""Every Cypher statement iprgraph sends, in one place.

Rules (see docs/architecture.md, "Cypher that runs on both engines"):
- every value is a `$parameter`; labels, relationship types and property keys come
  from the enums in `graph.model`, never from input;
- every anchored node carries a label, so both engines use the index;
- each statement is run by a test against the embedded server and passes Neo4j's
  own linter (`tests/test_cypher_lint.py`).

Statements are module-level `*_QUERY` constants or `*_query()` builders whose
arguments are enum members; `all_queries()` lists every statement either produces,
for the linter and for the test that checks each one is exercised.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from enum import StrEnum

from graph.model import (
    ANCHOR_LABELS,
    DISPLAY_KEYS,
    HUB_LABELS,
    INDEXED_PROPERTIES,
    KEYED_LABELS,
    LINKS,
    LOOKUP_LABELS,
    MACHINE_STATUSES,
    RECORD_LABELS,
    Label,
    PartyRole,
    RelType,
)

# A seizure's parties, in any role; and a party's identity artefacts.
_PARTY_RELS = "|".join(link.rel for link in LINKS if link.role is not None)
_ARTEFACT_RELS = "|".join(
    (RelType.HAS_ADDRESS, RelType.HAS_PHONE, RelType.HAS_EMAIL, RelType.HAS_IDENTIFIER)
)

PING_QUERY = "RETURN 1 AS ok"

COUNT_NODES_QUERY = "MATCH (n) RETURN count(n) AS nodes"

COUNT_RELATIONSHIPS_QUERY = "MATCH ()-[r]->() RETURN count(r) AS relationships"

# Empties a database in batches, so a large graph is not deleted in one transaction
# that holds everything in memory. Only the tests use it so far.
DELETE_BATCH_QUERY = """
MATCH (n)
WITH n LIMIT $batch_size
DETACH DELETE n
RETURN count(*) AS deleted
"""


def visible(var: str, key: str = "vis") -> str:
    """A condition: the element `var` is visible to the viewer whose tokens are
    `$see` (`graph.access.Viewer.see`; null: the operator, who sees everything)."""
    return f"($see IS NULL OR any(t IN coalesce({var}.{key}, []) WHERE t IN $see))"


def view_cluster(var: str) -> str:
    """The entity the party `var` belongs to in the view `$view` (an agency; null:
    the whole graph): its entry in `view_clusters` for that agency, else the public
    view's, else its cluster (`graph.resolve.views`)."""
    entries = f"coalesce({var}.view_clusters, [])"
    return (
        f"CASE WHEN $view IS NULL THEN {var}.cluster ELSE coalesce("
        f"head([x IN {entries} WHERE x STARTS WITH $view + '=' | substring(x, size($view) + 1)]), "
        f"head([x IN {entries} WHERE x STARTS WITH '*=' | substring(x, 2)]), {var}.cluster) END"
    )


def shown_name(var: str) -> str:
    """The party `var`'s name as the viewer `$see` may see it: the name it keeps when
    a record the viewer sees wrote it, else a spelling such a record wrote."""
    return (
        f"CASE WHEN {visible(var, 'label_vis')} THEN {var}.name ELSE "
        f"head([({var})<-[r:{_PARTY_RELS}]-(:{Label.SEIZURE}) WHERE {visible('r')} "
        "| r.name_as_written]) END"
    )


def _inter(a: str, b: str) -> str:
    """The tokens of what is visible to whoever sees both `a` and `b` (token lists)."""
    return (
        f"CASE WHEN '*' IN {a} THEN {b} WHEN '*' IN {b} THEN {a} ELSE [t IN {a} WHERE t IN {b}] END"
    )


def count_label_query(label: Label) -> str:
    return f"MATCH (n:{label}) RETURN count(n) AS count"


def count_visible_query(label: Label) -> str:
    """Nodes of `label` the viewer `$see` may see, and the relationships that leave
    them that it may see (every relationship leaves a node of some label once)."""
    return f"""
MATCH (n:{label})
WHERE {visible("n")}
RETURN count(n) AS count, sum(COUNT {{ (n)-[r]->() WHERE {visible("r")} }}) AS relationships
""".strip()


def unique_id_constraint_query(label: Label) -> str:
    return (
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
    )


def property_index_query(label: Label, key: str) -> str:
    return f"CREATE INDEX {label.lower()}_{key} IF NOT EXISTS FOR (n:{label}) ON (n.{key})"


def schema_queries() -> list[str]:
    """The statements that create every constraint and index; each is idempotent."""
    statements = [unique_id_constraint_query(label) for label in KEYED_LABELS]
    statements += [property_index_query(label, key) for label, key in INDEXED_PROPERTIES]
    return statements


def all_queries() -> dict[str, str]:
    """Name -> statement for every statement this module can produce."""
    found = {
        name: value
        for name, value in globals().items()
        if name.endswith("_QUERY") and isinstance(value, str)
    }
    for label in Label:
        found[f"count_label_query({label.name})"] = count_label_query(label)
    for label in RECORD_LABELS:
        found[f"count_visible_query({label.name})"] = count_visible_query(label)
    for link in LINKS:
        found[f"link_query({link.name})"] = link_query(
            link.source, link.rel, link.target, ordered=link.ordered
        )
    for role in PartyRole:
        found[f"role_label_query({role.name})"] = role_label_query(role)
    for roles in role_combinations():
        names = ", ".join(role.name for role in roles)
        found[f"create_parties_query({names})"] = create_parties_query(roles)
    for label in LOOKUP_LABELS:
        found[f"node_by_id_query({label.name})"] = node_by_id_query(label)
    for label in ANCHOR_LABELS:
        found[f"expand_query({label.name})"] = expand_query(label)
    for label in ARTEFACT_RELS:
        found[f"artefact_holders_query({label.name})"] = artefact_holders_query(label)
    found["path_step_query(None)"] = path_step_query()
    found["path_step_query(None, bounded=True)"] = path_step_query(bounded=True)
    found["path_step_query(None, details=True)"] = path_step_query(details=True)
    for label in ANCHOR_LABELS:
        found[f"path_step_query({label.name})"] = path_step_query(label)
    for label in sorted({link.target for link in LINKS}):
        found[f"upsert_nodes_query({label.name})"] = upsert_nodes_query(label)
    for index, statement in enumerate(schema_queries()):
        found[f"schema_queries()[{index}]"] = statement
    for label in RECORD_LABELS:
        if label != Label.SEIZURE:
            found[f"recompute_vis_query({label.name})"] = recompute_vis_query(label)
    for label in JURISDICTION_HOLDERS:
        found[f"recompute_jurisdiction_links_query({label.name})"] = (
            recompute_jurisdiction_links_query(label)
        )
    for anchor in (None, *SeizureFilter):
        found[f"list_seizures_query({anchor and anchor.name})"] = list_seizures_query(anchor)
    for group in (None, *SeizureGroup):
        found[f"seizure_stats_query({group and group.name})"] = seizure_stats_query(group)
    for by_partner in (False, True):
        found[f"stats_cells_query(by_partner={by_partner})"] = stats_cells_query(by_partner)
    from graph.live import queries as live  # it imports this module

    found.update(live.all_queries())
    return found


# --- Loading seizure records ---------------------------------------------------------
# A batch is written in one transaction by `graph.write`: seizures first, then every
# link of theirs through `link_query`. Every statement is a MERGE on ids, or a
# CREATE of parties the transaction found missing (`create_parties_query`, which a
# loader alongside turns into a constraint failure and a retry), so a batch that is
# retried, re-run after a crash, or run by two loaders at once ends in the same graph.

EXISTING_SEIZURES_QUERY = """
UNWIND $ids AS id
MATCH (s:Seizure {id: id})
RETURN s.id AS id, s.content_hash AS content_hash, s.record AS record, s.source AS source,
       s.history AS history
"""

# The statements that write nodes return `[id, elementId]` per node: the links of
# the same transaction find their ends by element id, about twice as fast on the
# embedded engine as a lookup in the id index (both engines keep an element id
# valid within a transaction).
# A seizure's `vis` is its record's tokens, and the agencies it was released to by
# approved detailed requests (`released_to`), which a corrected version keeps. A new
# or corrected seizure is queued for the alerts step by the loader (`graph.work`).
UPSERT_SEIZURES_QUERY = """
UNWIND $rows AS r
MERGE (s:Seizure {id: r.id})
SET s += r.props
SET s.history = coalesce(s.history, []) + r.history,
    s.vis = r.props.vis + [a IN coalesce(s.released_to, []) WHERE NOT a IN r.props.vis],
    s.reference = coalesce(s.reference, r.reference)
RETURN collect([r.id, elementId(s)]) AS written
"""

# A corrected record replaces the links of the version it corrects; the earlier
# version stays in the seizure's `history`. Returns what the old links led to, by
# label: who may see those is worked out again once the new version is written
# (`graph.visibility`).
CLEAR_SEIZURE_LINKS_QUERY = """
UNWIND $ids AS id
MATCH (s:Seizure {id: id})-[e]->(n)
WITH e, n, labels(n) AS labels, n.id AS target
DELETE e
RETURN collect(DISTINCT [labels, target]) AS targets
"""


_MERGE_AGENCIES = (
    "reduce(acc = coalesce({var}.agencies, []), agency IN r.agencies | "
    "CASE WHEN agency IN acc THEN acc ELSE acc + agency END)"
)
# The union of an element's visibility tokens and those of the rows' records.
_MERGE_VIS = (
    "reduce(acc = coalesce({var}.vis, []), token IN r.vis | "
    "CASE WHEN token IN acc THEN acc ELSE acc + token END)"
)


def _label_vis(var: str, key: str, start: str) -> str:
    """The tokens of the records that wrote exactly the text the node shows
    (`{var}.{key}`), added to `start`: `r.labels` holds per text written in the batch
    the tokens of the records that wrote it."""
    return (
        f"reduce(acc = {start}, x IN r.labels | CASE WHEN x.v = {var}.{key} "
        "THEN acc + [t IN x.vis WHERE NOT t IN acc] ELSE acc END)"
    )


def upsert_nodes_query(label: Label) -> str:
    """MERGE one node per row of `$rows`: created with `r.node` as its properties.

    `first_source` keeps the smallest source key seen and `agencies` the agencies
    that reported the node; both are order-independent, so two loaders at once give
    the graph of one after the other. `graph.write` sends each node once per batch.

    A Party starts as an entity of its own (`cluster` is its id); the loader queues
    it for entity resolution each time a new or corrected record names it
    (`graph.work`). (A new Party is created by `create_parties_query`; this is for
    those that exist.)
    """
    party_on_create = ", b.cluster = r.id" if label == Label.PARTY else ""
    key = DISPLAY_KEYS.get(label)
    shown = (
        f",\n    b.label_vis = {_label_vis('b', key, 'coalesce(b.label_vis, [])')}" if key else ""
    )
    return f"""
UNWIND $rows AS r
MERGE (b:{label} {{id: r.id}})
ON CREATE SET b += r.node{party_on_create}
SET b.first_source = CASE
      WHEN b.first_source IS NULL OR r.source < b.first_source THEN r.source
      ELSE b.first_source END,
    b.agencies = {_MERGE_AGENCIES.format(var="b")},
    b.vis = {_MERGE_VIS.format(var="b")}{shown}
RETURN collect([r.id, elementId(b)]) AS written
""".strip()


def link_query(source: Label, rel: RelType, target: Label, *, ordered: bool = False) -> str:
    """MERGE `(source)-[rel]->(target)` for each row of `$rows`, the nodes named by
    their element ids `r.a` and `r.b`.

    Both nodes were written earlier in the transaction, which gave their element
    ids (`UPSERT_SEIZURES_QUERY`, `upsert_nodes_query`, `create_parties_query`).
    The relationship carries `r.props` and the provenance `r.prov` (agency, source
    file sha256 and line, handling) of the record with the smallest source key, plus
    the agencies that reported it. `ordered` keys it by `seq` (transit port order).
    `linked` counts the rows whose two nodes were found: fewer than sent means a
    node was rewritten under another element id meanwhile (`graph.write`).
    """
    rel_key = " {seq: r.seq}" if ordered else ""
    return f"""
UNWIND $rows AS r
MATCH (a:{source}) WHERE elementId(a) = r.a
MATCH (b:{target}) WHERE elementId(b) = r.b
MERGE (a)-[e:{rel}{rel_key}]->(b)
WITH r, e, (e.source IS NULL OR r.prov.source <= e.source) AS earliest
SET e += CASE WHEN earliest THEN r.props ELSE {{}} END
SET e += CASE WHEN earliest THEN r.prov ELSE {{}} END
SET e.agencies = {_MERGE_AGENCIES.format(var="e")}, e.vis = {_MERGE_VIS.format(var="e")}
RETURN count(e) AS linked
""".strip()


# The batch's parties that exist already, with their labels: `graph.write` creates
# the others with their role labels, and labels these only where a role is new.
EXISTING_PARTIES_QUERY = """
UNWIND $ids AS id
MATCH (p:Party {id: id})
RETURN collect([id, labels(p)]) AS found
"""


def create_parties_query(roles: Iterable[PartyRole]) -> str:
    """CREATE a Party per row of `$rows` (the rows `upsert_nodes_query` takes) with
    the role labels `roles` and what that statement gives a new party.

    For parties the transaction found missing (`EXISTING_PARTIES_QUERY`): created
    with their labels, they need no relabelling, which costs the embedded engine
    about half a millisecond a party (it rewrites the node). A loader alongside
    that creates one of them first makes this one fail on the id constraint, and
    `graph.write` runs the batch again.
    """
    labels = "".join(f":{role}" for role in sorted(roles))
    return f"""
UNWIND $rows AS r
CREATE (b:{Label.PARTY}{labels} {{id: r.id}})
SET b += r.node, b.cluster = r.id, b.first_source = r.source,
    b.agencies = r.agencies, b.vis = r.vis
SET b.label_vis = {_label_vis("b", DISPLAY_KEYS[Label.PARTY], "[]")}
RETURN collect([r.id, elementId(b)]) AS written
""".strip()


def role_combinations() -> list[tuple[PartyRole, ...]]:
    """Every non-empty set of roles, as `create_parties_query` takes them."""
    roles = sorted(PartyRole)
    return [
        combination
        for size in range(1, len(roles) + 1)
        for combination in itertools.combinations(roles, size)
    ]


def role_label_query(role: PartyRole) -> str:
    """Give the parties `$ids` the role label, once: parties that existed before
    the batch and were named in a new role.

    Its own transaction, after the one that wrote the links: ArcadeDB changes a
    node's labels by rewriting the node, which fails for a node created, or
    relabelled, earlier in the same transaction (measured on arcadedb-embedded
    26.10.2.post1: ConstraintValidationFailed on the Party id index).
    """
    return f"""
UNWIND $ids AS id
MATCH (p:Party {{id: id}})
WHERE NOT p:{role}
SET p:{role}
""".strip()


# --- Entity resolution (issue 4) ------------------------------------------------------
# `graph.resolve.service` marks, reads and links Party nodes; scoring is Python
# (`graph.resolve.score`). SAME_AS always points from the smaller id to the larger,
# so a pair has one relationship whatever order it was found in.

# --- Work queued for the pipeline's later steps (`graph.work`) ---------------------
# A loader's batch leaves one node per kind of work: the parties it named (for
# resolution), the seizures it wrote (for alerts). A step reads the nodes of its
# kind, a scan of a label holding a few nodes, and deletes those it has done.
# (Earlier versions flagged each Party and Seizure, and every step scanned them all:
# 0.2 to 0.3 s at 100k records, on every push however small.)
QUEUE_WORK_QUERY = f"""
CREATE (q:{Label.QUEUED} {{id: $id}})
SET q.kind = $kind, q.ids = $ids, q.everything = $everything, q.at = $at
""".strip()

QUEUED_WORK_QUERY = f"""
MATCH (q:{Label.QUEUED})
WHERE q.kind = $kind
RETURN q.id AS id, q.ids AS ids, q.everything AS everything
""".strip()

DONE_WORK_QUERY = f"""
UNWIND $ids AS id
MATCH (q:{Label.QUEUED} {{id: id}})
DELETE q
""".strip()

# Every party: what a run that compares them all (`everything`) resolves.
ALL_PARTY_IDS_QUERY = f"""
MATCH (p:{Label.PARTY})
RETURN p.id AS id
""".strip()

# Whether the flags of earlier versions were taken into the queue (`$id`, a marker).
QUEUE_MARKER_QUERY = f"""
MATCH (q:{Label.QUEUED} {{id: $id}})
RETURN q.id AS id
""".strip()

SET_QUEUE_MARKER_QUERY = f"""
MERGE (q:{Label.QUEUED} {{id: $id}})
SET q.kind = $kind, q.at = $at
""".strip()

# What earlier versions flagged as queued: a party for resolution (`er_queued`,
# before it the indexed `er_pending`), a seizure for alerts (`alert_queued`).
FLAGGED_PARTIES_QUERY = f"""
MATCH (p:{Label.PARTY})
WHERE p.er_queued = true OR p.er_pending = true
RETURN collect(p.id) AS ids
""".strip()

FLAGGED_SEIZURES_QUERY = f"""
MATCH (s:{Label.SEIZURE})
WHERE s.alert_queued = true
RETURN collect(s.id) AS ids
""".strip()

UNFLAG_PARTIES_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
REMOVE p.er_queued, p.er_pending
""".strip()

UNFLAG_SEIZURES_QUERY = f"""
UNWIND $ids AS id
MATCH (s:{Label.SEIZURE} {{id: id}})
REMOVE s.alert_queued
""".strip()

# A party and a seizure queued as earlier versions queued them; only the tests use
# these.
LEGACY_QUEUE_PARTY_QUERY = f"""
MATCH (p:{Label.PARTY} {{id: $id}})
SET p.er_pending = true
""".strip()

LEGACY_QUEUE_SEIZURE_QUERY = f"""
MATCH (s:{Label.SEIZURE} {{id: $id}})
SET s.alert_queued = true
""".strip()

# Reads of many small items return one row holding a list: on the embedded engine
# each row returned costs about 40 us, its values in a list a tenth of that.

# `[id, name, name_key, country, labels, cluster, artefact ids]` per party
# (`graph.resolve.service.PROFILE_FIELDS`), as the viewer `$see` / `$view` sees it
# (both null: the whole graph, as resolution sees it): the name a visible record
# wrote, the entity of its view, the artefacts visible records gave it. The
# artefacts in a pattern comprehension: a quarter faster on the embedded engine than
# an OPTIONAL MATCH collected per party.
_PARTY_PROFILE = f"""[p.id, {shown_name("p")}, p.name_key, p.country, labels(p),
                {view_cluster("p")},
                [(p)-[r:{_ARTEFACT_RELS}]->(a) WHERE {visible("r")} | a.id]]"""

PARTY_PROFILES_QUERY = f"""
UNWIND $ids AS id
MATCH (p:Party {{id: id}})
WHERE {visible("p")}
RETURN collect({_PARTY_PROFILE}) AS parties
"""

# Blocking keys. A `BlockKey` node lists the parties that hold it (`holders`) and
# counts them (`parties`); a Party lists its keys (`block_keys`). Lists, not a
# relationship per party and key: a party has about thirty keys, and on the
# embedded engine every relationship written costs about 100 us; a run writes each
# key once, with every holder it gained or lost (about four times fewer writes at
# 10k records, more at 100k). A key held by too many parties (a city, a common
# word) is a hub and yields no candidates.
PARTY_BLOCK_KEYS_QUERY = """
UNWIND $ids AS id
MATCH (p:Party {id: id})
RETURN collect([id, coalesce(p.block_keys, [])]) AS found
"""

# Idempotent: a holder is added once and removed wherever it is, so a run killed
# between this and `SET_PARTY_BLOCK_KEYS_QUERY` and run again ends the same. The
# holders are filtered only when some are dropped: the engine evaluates the filter
# once per holder, a third of the statement's time for a list of nothing to drop.
# A key that would list more than `$max_listed` holders becomes a hub: its list is
# emptied, `parties` set to `$max_listed + 1`, and it is left so from then on
# (`graph.resolve.blocking.MAX_LISTED`). A key of an earlier version holding more
# still lists them: it is rewritten once, as a hub, when next touched.
UPDATE_BLOCK_KEYS_QUERY = """
UNWIND $rows AS r
MERGE (k:BlockKey {id: r.key})
WITH k, r
WHERE coalesce(k.parties, 0) <= $max_listed OR size(coalesce(k.holders, [])) > 0
WITH k, r,
     CASE WHEN size(r.dropped) = 0 THEN coalesce(k.holders, [])
          ELSE [x IN coalesce(k.holders, []) WHERE NOT x IN r.dropped] END AS kept
WITH k, kept + [x IN r.added WHERE NOT x IN kept] AS holders
WITH k, holders, size(holders) > $max_listed AS hub
SET k.holders = CASE WHEN hub THEN [] ELSE holders END,
    k.parties = CASE WHEN hub THEN $max_listed + 1 ELSE size(holders) END
"""

SET_PARTY_BLOCK_KEYS_QUERY = """
UNWIND $rows AS r
MATCH (p:Party {id: r.id})
SET p.block_keys = r.keys
"""

# Graphs resolved before keys listed their holders have keys without `holders`
# (and a HAS_BLOCK_KEY relationship per party and key): every key carries the list
# since, so one key tells.
LEGACY_BLOCK_KEYS_QUERY = """
MATCH (k:BlockKey)
RETURN k.holders IS NULL AS legacy
LIMIT 1
"""

# Removes keys, with whatever links them, in batches (before rewriting them all).
DELETE_BLOCK_KEYS_QUERY = """
MATCH (k:BlockKey)
WITH k LIMIT $batch_size
DETACH DELETE k
RETURN count(*) AS deleted
"""

# A key as graphs resolved before holder lists wrote it (count, no list); only the
# tests use it, to check that such a graph is rewritten.
LEGACY_BLOCK_KEY_QUERY = """
MERGE (k:BlockKey {id: $key})
SET k.parties = $parties
"""

BLOCK_KEYS_QUERY = """
UNWIND $keys AS key
MATCH (k:BlockKey {id: key})
RETURN key, k.parties AS parties, k.holders AS holders
"""

BLOCK_CANDIDATES_QUERY = """
UNWIND $keys AS key
MATCH (k:BlockKey {id: key})
WHERE k.parties <= $max_block
RETURN collect([key, coalesce(k.holders, [])]) AS found
"""

# How many parties hold each key, and who, for the keys held by at most
# `$max_block` (an empty list for the others); a key not in the graph is left out.
# What resolution changes the keys from, and the first half of `/match`'s first
# look (KEY_HOLDER_PROFILES_QUERY). `[key, holders counted, holders]` per key.
_KEY_HOLDERS = """UNWIND $keys AS key
MATCH (k:BlockKey {id: key})
WITH collect([key, k.parties,
              CASE WHEN k.parties <= $max_block THEN coalesce(k.holders, []) ELSE [] END])
     AS found"""

BLOCK_KEY_HOLDERS_QUERY = f"""
{_KEY_HOLDERS}
RETURN found
"""

# `/match`'s first look in one round trip: what BLOCK_KEY_HOLDERS_QUERY returns
# (`found`), and the profiles of those holders as PARTY_PROFILES_QUERY lists them
# (`parties`). Two statements cost a query a round trip and a statement's start on
# the engine more. A party holds several of a query's keys, so the holders are made
# distinct before they are looked up. A query whose keys have no holders still gets
# its one row: an empty UNWIND would end the statement with none, so it looks up
# the id '' (no Party has it), not null, which the embedded engine answers by
# scanning every Party (230 ms at 100k records).
KEY_HOLDER_PROFILES_QUERY = f"""
{_KEY_HOLDERS}
WITH found, reduce(acc = [], f IN found | acc + f[2]) AS held
UNWIND (CASE WHEN size(held) = 0 THEN [''] ELSE held END) AS id
WITH found, collect(DISTINCT id) AS ids
UNWIND ids AS id
OPTIONAL MATCH (p:Party {{id: id}})
WHERE {visible("p")}
RETURN found, collect(CASE WHEN p IS NULL THEN null ELSE {_PARTY_PROFILE} END) AS parties
"""


# Every SAME_AS that touches one of `$ids`, with its status (and whether an "unsure"
# judgement keeps it binding).
TOUCHING_LINKS_QUERY = """
UNWIND $ids AS id
MATCH (p:Party {id: id})-[s:SAME_AS]-(:Party)
WITH DISTINCT s
RETURN startNode(s).id AS a, endNode(s).id AS b, s.status AS status,
       coalesce(s.binds, false) AS binds
"""

# Machine links: written where no analyst has decided (a rejection, confirmation or
# "unsure" is never overwritten by an automatic run).
UPSERT_MACHINE_LINKS_QUERY = """
UNWIND $rows AS r
MATCH (a:Party {id: r.a})
MATCH (b:Party {id: r.b})
MERGE (a)-[s:SAME_AS]->(b)
WITH s, r
WHERE s.status IS NULL OR s.status IN $machine_statuses
SET s.score = r.score, s.features = r.features, s.explanation = r.explanation,
    s.status = r.status, s.scored_at = r.at
"""

# A machine link whose pair now scores under the lower threshold goes.
DELETE_MACHINE_LINKS_QUERY = """
UNWIND $pairs AS pair
MATCH (a:Party {id: pair[0]})-[s:SAME_AS]->(b:Party {id: pair[1]})
WHERE s.status IN $machine_statuses
DELETE s
"""

# An analyst's judgement on a pair. "unsure" keeps the pair as it was: a link that
# bound the two (auto, confirmed, or unsure and binding) keeps binding (`binds`).
JUDGE_QUERY = """
MATCH (a:Party {id: $a})
MATCH (b:Party {id: $b})
MERGE (a)-[s:SAME_AS]->(b)
ON CREATE SET s.score = $score, s.features = $features, s.explanation = $explanation
WITH s, (s.status IN $binding OR (s.status = 'unsure' AND coalesce(s.binds, false)))
        AS was_binding
SET s.binds = CASE WHEN $status = 'unsure' THEN was_binding ELSE null END
SET s.status = $status, s.decided_by = $decided_by, s.decided_agency = $decided_agency,
    s.decided_at = $decided_at, s.reason = $reason,
    s.judgements = coalesce(s.judgements, []) + $entry
RETURN s.status AS status, s.score AS score, s.explanation AS explanation
"""

# The binding links (auto, confirmed, and "unsure" judgements of links that bound) of
# the parties `$ids`, seen from each of them, with who may see them
# (`graph.resolve.views`).
BINDING_NEIGHBOURS_QUERY = """
UNWIND $ids AS id
MATCH (p:Party {id: id})-[s:SAME_AS]-(q:Party)
WHERE s.status IN $statuses OR (s.status = 'unsure' AND s.binds = true)
RETURN p.id AS a, q.id AS b, s.status AS status, s.vis AS vis, s.evidence_vis AS evidence_vis
"""

# Every SAME_AS that touches a party of `$ids`, whatever its status, as
# `[from, to, status, binds]` in one row: a walk of entities reads its links and
# the binding ones lead it on (`graph.resolve.service.links_around`). One row,
# not a row per link: about 40 us a row returned on the embedded engine.
SAME_AS_OF_PARTIES_QUERY = """
UNWIND $ids AS id
MATCH (:Party {id: id})-[s:SAME_AS]-(:Party)
RETURN collect([startNode(s).id, endNode(s).id, s.status, coalesce(s.binds, false)]) AS links
"""

# BINDING_NEIGHBOURS_QUERY's rows in one row: `[party, neighbour, status, vis,
# evidence_vis]` per binding link of a party of `$ids`, seen from it.
BINDING_LINKS_OF_QUERY = """
UNWIND $ids AS id
MATCH (p:Party {id: id})-[s:SAME_AS]-(q:Party)
WHERE s.status IN $statuses OR (s.status = 'unsure' AND s.binds = true)
RETURN collect([p.id, q.id, s.status, s.vis, s.evidence_vis]) AS links
"""

# The entities of the parties `$ids`, `[id, cluster, vis, view_clusters]` each, in one row.
ENTITIES_OF_PARTIES_QUERY = """
UNWIND $ids AS id
MATCH (p:Party {id: id})
RETURN collect([p.id, p.cluster, p.vis, p.view_clusters]) AS parties
"""

# Who may see each SAME_AS that touches a party of `$ids`: `evidence_vis`, whoever
# sees both parties, the names they were compared by and every identity artefact
# they share (all that the link was scored on); `vis`, who may see the link at all:
# that for a link resolution made (status in `$machine`), whoever sees both parties
# for an analyst's judgement.
REFRESH_LINK_VISIBILITY_QUERY = f"""
UNWIND $ids AS id
MATCH (:Party {{id: id}})-[s:SAME_AS]-(:Party)
WITH DISTINCT s
WITH s, startNode(s) AS a, endNode(s) AS b
WITH s, a, b, {_inter("coalesce(a.vis, [])", "coalesce(b.vis, [])")} AS both
WITH s, both, {_inter("coalesce(a.label_vis, [])", "coalesce(b.label_vis, [])")} AS names,
     [(a)-[ra:{_ARTEFACT_RELS}]->(x)<-[rb:{_ARTEFACT_RELS}]-(b)
      | {_inter("coalesce(ra.vis, [])", "coalesce(rb.vis, [])")}] AS shared
WITH s, both, {_inter("both", "names")} AS named, shared
WITH s, both, reduce(acc = named, v IN shared | {_inter("acc", "v")}) AS evidence
SET s.evidence_vis = evidence,
    s.vis = CASE WHEN s.status IN $machine THEN evidence ELSE both END
"""

PARTY_CLUSTERS_QUERY = "MATCH (p:Party) RETURN p.id AS id, p.cluster AS cluster"

# Every SAME_AS with what resolution wrote on it, and every party's entities: what
# `bench.resolve_same` compares between two versions of the resolution code.
ALL_SAME_AS_QUERY = """
MATCH (a:Party)-[s:SAME_AS]->(b:Party)
RETURN a.id AS a, b.id AS b, s.status AS status, s.score AS score, s.features AS features,
       s.explanation AS explanation, s.vis AS vis, s.evidence_vis AS evidence_vis
"""

ALL_PARTY_ENTITIES_QUERY = """
MATCH (p:Party)
RETURN p.id AS id, p.cluster AS cluster, p.view_clusters AS view_clusters
"""

SET_CLUSTERS_QUERY = """
UNWIND $rows AS r
MATCH (p:Party {id: r.id})
SET p.cluster = r.cluster, p.view_clusters = r.view_clusters
"""

# The entity of party `$id` in the viewer's view (`$see`, `$view`; null: the whole
# graph), with its members: the parties of the party's cluster that the viewer sees
# and that are of that entity in its view. No row when the viewer may not see the
# party. Members as `[id, name as the viewer may see it, country, labels]`.
ENTITY_MEMBERS_QUERY = f"""
MATCH (p:{Label.PARTY} {{id: $id}})
WHERE {visible("p")}
WITH p.cluster AS cluster, {view_cluster("p")} AS entity
MATCH (m:{Label.PARTY} {{cluster: cluster}})
WHERE {visible("m")} AND {view_cluster("m")} = entity
RETURN entity, collect([m.id, {shown_name("m")}, m.country, labels(m)]) AS members
""".strip()

# Every spelling a member was written in by a record the viewer sees, with who wrote
# it and when.
ENTITY_NAME_VARIANTS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE})
WHERE {visible("r")}
WITH p.id AS party, r.name_as_written AS name, s
ORDER BY s.seizure_date, s.id
RETURN party, name, collect(DISTINCT s.agency) AS agencies, count(s) AS seizures,
       min(s.seizure_date) AS first_seen, max(s.seizure_date) AS last_seen,
       collect(s.id)[0..$examples] AS examples
ORDER BY party, name
""".strip()

# The SAME_AS links of the members `$ids` the viewer may see: a machine link (status
# in `$machine`) when it sees all it was scored on, an analyst's when it sees both
# parties (`graph.resolve.views`); `evidence_seen` says whether the stored score
# rests only on what the viewer sees.
ENTITY_LINKS_QUERY = f"""
UNWIND $ids AS id
MATCH (:{Label.PARTY} {{id: id}})-[s:{RelType.SAME_AS}]-(:{Label.PARTY})
WITH DISTINCT s
WHERE (s.status IN $machine AND {visible("s", "evidence_vis")})
   OR (NOT s.status IN $machine AND {visible("s")})
RETURN startNode(s).id AS a, endNode(s).id AS b, s.status AS status, s.score AS score,
       s.features AS features, s.explanation AS explanation, s.decided_by AS decided_by,
       s.decided_agency AS decided_agency, s.decided_at AS decided_at, s.reason AS reason,
       {visible("s", "evidence_vis")} AS evidence_seen
ORDER BY a, b
""".strip()


def node_by_id_query(label: Label) -> str:
    """The nodes of `label` among `$ids` that the viewer `$see` may see, with how many
    of the seizures naming them it sees."""
    return f"""
UNWIND $ids AS id
MATCH (n:{label} {{id: id}})
WHERE {visible("n")}
RETURN n.id AS id, properties(n) AS props,
       COUNT {{ (n)<-[r]-(s:{Label.SEIZURE}) WHERE {visible("s")} }} AS seizures
""".strip()


# Every trademark the viewer `$see` may see, with the mark it keeps and who may see
# that text, for typo-tolerant search (marks number in the hundreds or thousands,
# not millions).
TRADEMARK_NAMES_QUERY = f"""
MATCH (t:{Label.TRADEMARK})
WHERE {visible("t")}
RETURN t.id AS id, t.mark AS mark, t.label_vis AS label_vis
""".strip()

# Which Party each seizure names in each role, for scoring against ground truth.
PARTY_MENTIONS_QUERY = """
MATCH (s:Seizure)-[r:SHIPPED_BY|CONSIGNED_TO|MANUFACTURED_BY|FORWARDED_BY]->(p:Party)
RETURN s.id AS seizure, type(r) AS rel, r.index AS index, p.id AS party
"""

# --- Export ---------------------------------------------------------------------------

# Pages through seizures in id order; each holds its canonical record as loaded.
EXPORT_SEIZURES_QUERY = """
MATCH (s:Seizure)
WHERE s.id > $after
RETURN s.id AS id, s.record AS record
ORDER BY s.id
LIMIT $limit
"""

# Every node but the queue's (`graph.work`): work waiting, under ids drawn at random.
ALL_NODE_IDS_QUERY = f"""
MATCH (n)
WHERE NOT '{Label.QUEUED}' IN labels(n)
RETURN n.id AS id, labels(n) AS labels
""".strip()

ALL_RELATIONSHIPS_QUERY = """
MATCH (a)-[r]->(b)
RETURN a.id AS source, type(r) AS type, b.id AS target, r.seq AS seq, r.source AS record
"""

NODE_PROVENANCE_QUERY = f"""
MATCH (n)
WHERE NOT '{Label.QUEUED}' IN labels(n)
RETURN n.id AS id, n.first_source AS first_source, n.agencies AS agencies
""".strip()


# --- Neighbourhoods and paths (issue 5) ---------------------------------------------
# Read by `graph.analysis.expand` level by level: the caller anchors a node by id and
# label once, then expands a whole frontier per round trip by the elements' ids
# (`elementId(n) = e` is an id seek on both engines; `elementId(n) IN $list` is a
# scan on ArcadeDB). Hubs are decided by the caller; a neighbour's degree is counted
# here, except for the labels that are hubs by nature (a port touches thousands of
# seizures, counting them would cost more than the answer).

# Every relationship an analyst follows.
_ANALYSIS_RELS = "|".join(RelType)


def view_network(var: str) -> str:
    """The network the party `var` is in, in the view `$view` (null: the whole
    graph): its entry in `view_networks` for that agency, else the public view's
    (for an agency no record names); an empty entry is no network
    (`graph.analysis.networks`)."""
    entries = f"coalesce({var}.view_networks, [])"
    found = (
        f"coalesce(head([x IN {entries} WHERE x STARTS WITH $view + '=' "
        "| substring(x, size($view) + 1)]), "
        f"head([x IN {entries} WHERE x STARTS WITH '*=' | substring(x, 2)]), '')"
    )
    return (
        f"CASE WHEN $view IS NULL THEN {var}.network WHEN {found} = '' THEN null ELSE {found} END"
    )


def _node_props(var: str) -> str:
    """The properties an answer shows of the node `var` (absent keys come back null),
    as the viewer `$see` / `$view` may see them: its entity and network in the
    viewer's view, and who may see the text it is shown by (`label_vis`, which
    `graph.visibility.display_props` applies and drops). Never the seizure's
    `record`, which is the whole canonical record as text, nor an address as a
    record wrote it (`text`): an address is shown in its normalised form, which
    every record naming it shares."""
    return (
        f"{var} {{.id, .name, .mark, .number, .normalised, .address, .value, .ref, "
        ".record_id, .agency, .seizure_date, .value_usd, .transport_mode, .country, .locode, "
        ".resolved, .valid, .tlp, .releasable_to, .label_vis, "
        f"cluster: {view_cluster(var)}, network: {view_network(var)}}}"
    )


_MACHINE_STATUSES = "[" + ", ".join(f"'{status}'" for status in MACHINE_STATUSES) + "]"


def _rel_seen(var: str) -> str:
    """A condition: the viewer `$see` may see the relationship `var`. A SAME_AS keeps in
    `vis` who may see it (`REFRESH_LINK_VISIBILITY_QUERY`): for one made by
    resolution, whoever sees everything it was scored on; for an analyst's, whoever
    sees both parties (`graph.resolve.views`); so one test serves every type."""
    return visible(var)


def _rel_scored(var: str, key: str) -> str:
    """A SAME_AS's `key` (score, explanation), when the viewer sees what it rests on."""
    return f"CASE WHEN {visible(var, 'evidence_vis')} THEN {var}.{key} END"


# Neighbours in the order a degree cap keeps them: the links that identify first,
# then the records naming the node, newest first; ports, agencies and the like last.
_LINK_RANK: dict[RelType, int] = {
    RelType.SAME_AS: 0,
    RelType.HAS_IDENTIFIER: 1,
    RelType.HAS_PHONE: 1,
    RelType.HAS_EMAIL: 1,
    RelType.HAS_ADDRESS: 1,
    RelType.SHIPPED_BY: 2,
    RelType.CONSIGNED_TO: 2,
    RelType.MANUFACTURED_BY: 2,
    RelType.DOCUMENTED_BY: 3,
    RelType.PART_OF: 3,
    RelType.FORWARDED_BY: 4,
    RelType.IN_CONTAINER: 4,
    RelType.INFRINGES: 5,
}
_RANK = (
    "CASE type(r) "
    + " ".join(f"WHEN '{rel}' THEN {rank}" for rel, rank in _LINK_RANK.items())
    + " ELSE 9 END"
)


def _degree(var: str) -> str:
    """How many relationships `var` has in all, when `$degrees` asks for them, to tell
    a hub before it is expanded; null for a hub label, whose degree is not worth
    counting (thousands of seizures) since it is never walked through anyway. A node
    with at most `HUB_DEGREE` relationships in all is no hub whatever a viewer sees,
    so the count in all (an upper bound of what the viewer sees, read from the node
    without reading a relationship) decides; callers count what the viewer sees for
    the few above it (`VISIBLE_DEGREES_QUERY`), and never show a count in all. (A
    `CASE` choosing between the two counts does not help: the embedded engine
    evaluates both.)"""
    hub_test = " OR ".join(f"{var}:{label}" for label in HUB_LABELS)
    return f"CASE WHEN NOT $degrees OR {hub_test} THEN null ELSE COUNT {{ ({var})--() }} END"


def visible_degree(var: str) -> str:
    """The relationships of `var` the viewer `$see` may see."""
    return f"COUNT {{ ({var})-[x]-() WHERE {_rel_seen('x')} }}"


# The relationships the viewer `$see` may see of the nodes `$eids` (element ids), for
# nodes whose count in all says they may be hubs (`_degree`). One row.
VISIBLE_DEGREES_QUERY = f"""
UNWIND $eids AS e
MATCH (n) WHERE elementId(n) = e
RETURN collect([e, {visible_degree("n")}]) AS degrees
""".strip()


def _expansion_start(anchor: Label | None) -> str:
    """The nodes a level expands: `n` for each element id `e` of `$eids`, or with
    `anchor` for each node of that label among `$ids` that the viewer may see."""
    if anchor is None:
        return "UNWIND $eids AS e\nMATCH (n) WHERE elementId(n) = e"
    return (
        f"UNWIND $ids AS id\nMATCH (n:{anchor} {{id: id}})\nWHERE {visible('n')}\n"
        "WITH elementId(n) AS e, n"
    )


def _kept_neighbours(start: str, *, date_column: bool = False) -> str:
    """After `start`, each node's neighbours as rows `e, n, total, matching, r, m`: at
    most `$cap` of those with a label in `$labels` (when given), in `_LINK_RANK`
    order then newest seizure first; `total` counts its relationships, `matching`
    those shown; a node none of whose neighbours is shown gives one row, `r` null.
    `date_column` sorts on the date as a column (see `path_step_query`)."""
    if date_column:
        date, order = ", coalesce(m.seizure_date, '') AS date", "date DESC"
    else:
        date, order = "", "coalesce(m.seizure_date, '') DESC"
    return f"""{start}
OPTIONAL MATCH (n)-[r:{_ANALYSIS_RELS}]-(m)
WHERE {_rel_seen("r")}
WITH e, n, r, m,
     r IS NOT NULL AND ($labels IS NULL OR any(label IN labels(m) WHERE label IN $labels))
       AS shown,
     {_RANK} AS rank{date}
ORDER BY e, rank, {order}
WITH e, n, collect(CASE WHEN shown THEN [r, m] END)[..$cap] AS kept, count(r) AS total,
     sum(CASE WHEN shown THEN 1 ELSE 0 END) AS matching
UNWIND CASE WHEN size(kept) = 0 THEN [null] ELSE kept END AS pair
WITH e, n, total, matching, pair[0] AS r, pair[1] AS m"""


def expand_query(anchor: Label) -> str:
    """The first level of a breadth-first expansion, which finds the anchors too.

    For each node of label `anchor` among `$ids`: its neighbours
    (only those with a label in `$labels`, when given), at most `$cap` of them in
    `_LINK_RANK` order, how many it has in all (its degree) and how many of those
    labels, and the neighbours' degrees when `$degrees` (only worth counting for
    nodes the walk may expand next). A node none of whose neighbours is shown comes
    back once, with a null `type`. Every row also carries the node's own labels and
    properties. (Later levels read less: `path_step_query`.)
    Relationship properties come back one by one: ArcadeDB returns a relationship
    value in a shape the driver misreads.
    """
    return f"""
{_kept_neighbours(_expansion_start(anchor))}
RETURN e, total, matching, type(r) AS type, startNode(r) = n AS outgoing, r.seq AS seq,
       {_rel_scored("r", "score")} AS score, r.status AS status,
       {_rel_scored("r", "explanation")} AS explanation, r.artefacts AS artefacts,
       elementId(m) AS eid,
       labels(m) AS labels, {_node_props("m")} AS props, {_degree("m")} AS degree,
       labels(n) AS own_labels, {_node_props("n")} AS own_props
""".strip()


def path_step_query(
    anchor: Label | None = None, *, bounded: bool = False, details: bool = False
) -> str:
    """One level of a path search (`graph.analysis.paths`): the expansion of
    `expand_query` (the same neighbours in the same order, the same counts), with
    only what the walk decides on, packed in one row.

    `expanded` holds per node of `$eids` (or, with `anchor`, per node of that label
    among `$ids`) `[element id, total, matching, steps]`, with `anchor` followed by
    the node's id and labels. Each step is `[type, outgoing, neighbour's element id,
    its id, its labels, seq, score, the relationship's element id, the neighbour's
    degree, status]`: no node or relationship properties beyond those (`PATH_HOPS_QUERY`
    reads them for the paths found). One row, because each row an engine returns
    costs more than its values. Without `anchor`, the degree is not counted for the
    neighbours that are keys of the map `$known` (nodes the walk has seen, whose
    degree it has): counting is a third of a level, and half of a level's neighbours
    are known. A map, not a list: `IN $list` tests every item (2,000 items cost
    2.6 ms a level at 100k records).

    `bounded` when the caller knows that the nodes have few relationships together
    (`graph.analysis.paths.BOUNDED_ROWS`): the date is then sorted on as a column,
    because ArcadeDB evaluates an `ORDER BY` expression at each comparison, a
    property read each time (a level at 100k records: 8.4 ms with the expression,
    5.5 ms with the column). Not for nodes of unknown degree: the column is held for
    every relationship until the sort is done, and over a frontier holding ports and
    countries (hundreds of thousands of relationships) it took ArcadeDB past its
    query heap budget where the expression did not.

    `details` adds to each step the relationship's `explanation` and `artefacts` (those
    a record gave a party): a
    neighbourhood's levels after the first (`graph.analysis.neighbourhood`), which
    show every relationship they keep but read the properties only of the nodes that
    fit in the answer (`NODE_PROPERTIES_QUERY`). A SAME_AS's score and explanation
    come only when the viewer sees what they rest on.
    """
    rel = f", {_rel_scored('r', 'explanation')}, r.artefacts" if details else ""
    if anchor is None:
        own = ""
        degree = f"CASE WHEN $known[elementId(m)] IS NOT NULL THEN null ELSE {_degree('m')} END"
    else:
        own = ", n.id, labels(n)"
        degree = _degree("m")
    return f"""
{_kept_neighbours(_expansion_start(anchor), date_column=bounded)}
WITH e, n, total, matching,
     collect(CASE WHEN r IS NOT NULL THEN [type(r), startNode(r) = n, elementId(m), m.id,
                  labels(m), r.seq, {_rel_scored("r", "score")}, elementId(r), {degree},
                  r.status{rel}]
             END) AS steps
RETURN collect([e, total, matching, steps{own}]) AS expanded
""".strip()


# The properties an answer shows of the nodes `$nodes` (element ids), found by a
# level that read only their labels (`path_step_query(details=True)`). One row.
NODE_PROPERTIES_QUERY = f"""
UNWIND $nodes AS e
MATCH (n) WHERE elementId(n) = e
RETURN collect([e, {_node_props("n")}]) AS nodes
""".strip()

# What a path search shows of the paths it found, read once the walk is done: the
# nodes of `$nodes` (element ids) with their labels and properties, and per hop of
# `$hops` (`[element id of one end, of the other, of the relationship]`) the
# relationship's properties. One row.
PATH_HOPS_QUERY = f"""
UNWIND $nodes AS e
MATCH (n) WHERE elementId(n) = e
WITH collect([e, labels(n), {_node_props("n")}, {visible_degree("n")}]) AS nodes
UNWIND $hops AS hop
MATCH (a) WHERE elementId(a) = hop[0]
MATCH (b) WHERE elementId(b) = hop[1]
MATCH (a)-[r]-(b) WHERE elementId(r) = hop[2]
RETURN nodes,
       collect([hop[2], r.seq, {_rel_scored("r", "score")}, r.status,
                {_rel_scored("r", "explanation")}, r.artefacts]) AS hops
""".strip()


# The floor of the lookup benchmarks (bench/lookups.py): one hand-written statement
# per lookup, sent straight to the engine, with no caps, hub rules or evidence. The
# tests check that the services find what these find.
_IDENTITY_RELS = "|".join(
    (
        RelType.SHIPPED_BY,
        RelType.CONSIGNED_TO,
        RelType.MANUFACTURED_BY,
        RelType.FORWARDED_BY,
        RelType.HAS_ADDRESS,
        RelType.HAS_PHONE,
        RelType.HAS_EMAIL,
        RelType.HAS_IDENTIFIER,
        RelType.DOCUMENTED_BY,
        RelType.IN_CONTAINER,
        RelType.PART_OF,
        RelType.SAME_AS,
    )
)
_NOT_HUB = " AND ".join(f"NOT m:{label}" for label in HUB_LABELS)

FLOOR_ONE_HOP_QUERY = f"""
MATCH (n:Party {{id: $id}})-[r:{_ANALYSIS_RELS}]-(m)
RETURN type(r) AS type, m.id AS id
"""

FLOOR_TWO_HOP_QUERY = f"""
MATCH (n:Party {{id: $id}})-[r:{_ANALYSIS_RELS}]-(m)
WHERE {_NOT_HUB}
MATCH (m)-[r2:{_ANALYSIS_RELS}]-(o)
RETURN m.id AS via, type(r2) AS type, o.id AS id
"""

# Over identity links only, like `graph.analysis.paths` without `through_hubs`.
FLOOR_SHORTEST_PATH_QUERY = f"""
MATCH (a:Party {{id: $source}})
MATCH (b:Party {{id: $target}})
MATCH p = shortestPath((a)-[:{_IDENTITY_RELS}*..8]-(b))
RETURN [node IN nodes(p) | node.id] AS ids
"""


# The seizure records the viewer `$see` may see that evidence a party's artefact
# link (`$pairs` of [party id, artefact id]: the records whose own link to the
# party lists the artefact) or a mark's owner ([mark id, rights holder id]: the
# records whose link to the mark names the holder): per pair the earliest `$cap`,
# [id, agency, record id, date, tlp], and how many there are. One row.
ARTEFACT_EVIDENCE_QUERY = f"""
UNWIND $pairs AS pair
MATCH (:{Label.PARTY} {{id: pair[0]}})<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE})
WHERE pair[1] IN coalesce(r.artefacts, []) AND {visible("r")}
WITH pair, s
ORDER BY s.seizure_date, s.id
WITH pair, collect(DISTINCT [s.id, s.agency, s.record_id, s.seizure_date, s.tlp]) AS found
RETURN collect([pair[0], pair[1], found[..$cap], size(found)]) AS evidence
""".strip()

OWNER_EVIDENCE_QUERY = f"""
UNWIND $pairs AS pair
MATCH (:{Label.TRADEMARK} {{id: pair[0]}})<-[r:{RelType.INFRINGES}]-(s:{Label.SEIZURE})
WHERE r.rights_holder = pair[1] AND {visible("r")}
WITH pair, s
ORDER BY s.seizure_date, s.id
WITH pair, collect(DISTINCT [s.id, s.agency, s.record_id, s.seizure_date, s.tlp]) AS found
RETURN collect([pair[0], pair[1], found[..$cap], size(found)]) AS evidence
""".strip()


# --- Seizure lookups and statistics (issue 5) ---
# Read by `graph.seizures` for `/v1/seizures` and `/v1/stats/seizures`. A seizure is
# anchored by its id, by the entity a listing is filtered on, or by the
# `seizure_date` index. Dates are stored as ISO 8601 text, so ranges compare as text.


# Every port a seizure names: where it was seized, loaded, transited and discharged.
_PORT_RELS = "|".join(
    (RelType.SEIZED_AT, RelType.LOADED_AT, RelType.TRANSITED, RelType.DISCHARGED_AT)
)
# The ports the goods passed through on their way: loading and transit. The "main
# ports of transit" of the statistics agencies exchange.
_ROUTE_PORT_RELS = f"{RelType.LOADED_AT}|{RelType.TRANSITED}"
# Ports that place a seizure in a partner jurisdiction: all but the port of seizure,
# which is where the reporting agency itself acted.
_PARTNER_PORT_RELS = f"{RelType.LOADED_AT}|{RelType.TRANSITED}|{RelType.DISCHARGED_AT}"

# One seizure's own properties, with its agency and the agency's jurisdiction.
SEIZURE_QUERY = f"""
MATCH (s:{Label.SEIZURE} {{id: $id}})
WHERE {visible("s")}
OPTIONAL MATCH (s)-[:{RelType.REPORTED_BY}]->(a:{Label.AGENCY})
OPTIONAL MATCH (a)-[:{RelType.IN}]->(j:{Label.JURISDICTION})
RETURN s.id AS id, s.record_id AS record_id, s.agency AS agency, a.name AS agency_name,
       j.id AS agency_jurisdiction, s.seizure_date AS seizure_date,
       s.transport_mode AS transport_mode, s.vessel_or_flight AS vessel_or_flight,
       s.goods_descriptions AS goods_descriptions, s.hs_codes AS hs_codes,
       s.quantities AS quantities, s.units AS units, s.quantity_total AS quantity_total,
       s.value_amount AS value_amount, s.value_currency AS value_currency,
       s.value_usd AS value_usd, s.usd_rate AS usd_rate, s.usd_rate_month AS usd_rate_month,
       s.source_file AS source_file, s.source_sha256 AS source_sha256,
       s.source_line AS source_line, s.tlp AS tlp, s.releasable_to AS releasable_to,
       s.flags AS flags, s.record AS record
""".strip()

# A seizure the viewer may see, with its current version (`record`, `source`) and
# the earlier ones the loader kept in `history` (JSON, oldest first); which of
# those the viewer may see is told by each version's own handling
# (`graph.history`).
SEIZURE_HISTORY_QUERY = f"""
MATCH (s:{Label.SEIZURE} {{id: $id}})
WHERE {visible("s")}
RETURN s.id AS id, s.agency AS agency, s.record AS record, s.source AS source,
       s.tlp AS tlp, s.releasable_to AS releasable_to, s.history AS history
""".strip()

# Everything a seizure links to (ports, parties, containers, ...), with what the
# record wrote (`raw`, `name_as_written`) and the order of transit ports and
# manufacturers. One row per relationship; `graph.seizures` sorts them by type.
SEIZURE_LINKS_QUERY = f"""
MATCH (s:{Label.SEIZURE} {{id: $id}})-[e]->(n)
RETURN type(e) AS rel, e.seq AS seq, e.index AS index, e.raw AS raw,
       e.name_as_written AS name_as_written, e.registration AS registration,
       n.id AS id, n.name AS name, n.mark AS mark, n.number AS number, n.ref AS ref,
       n.locode AS locode, n.country AS country, n.resolved AS resolved, n.valid AS valid,
       labels(n) AS labels, n.label_vis AS label_vis
""".strip()

# The rights holders of the marks a seizure infringes, as the graph knows them from
# the records the viewer `$see` may see.
SEIZURE_RIGHTS_HOLDERS_QUERY = f"""
MATCH (s:{Label.SEIZURE} {{id: $id}})-[:{RelType.INFRINGES}]->(t:{Label.TRADEMARK})
      -[o:{RelType.OWNED_BY}]->(h:{Label.RIGHTS_HOLDER})
WHERE {visible("o")}
RETURN t.id AS trademark, h.id AS id, h.name AS name, h.label_vis AS label_vis
ORDER BY trademark, id
""".strip()


class SeizureFilter(StrEnum):
    """What a seizure listing can be filtered on; each is a `$parameter` of that name
    holding a node id (null: not filtered)."""

    PARTY = "party"
    CONTAINER = "container"
    TRADEMARK = "trademark"
    PORT = "port"


# The filter as a pattern from the seizure `s` to the node with the filter's id.
_FILTER_PATTERNS: dict[SeizureFilter, str] = {
    SeizureFilter.PARTY: f"(s)-[:{_PARTY_RELS}]->(:{Label.PARTY} {{id: $party}})",
    SeizureFilter.CONTAINER: (
        f"(s)-[:{RelType.IN_CONTAINER}]->(:{Label.CONTAINER} {{id: $container}})"
    ),
    SeizureFilter.TRADEMARK: (
        f"(s)-[:{RelType.INFRINGES}]->(:{Label.TRADEMARK} {{id: $trademark}})"
    ),
    SeizureFilter.PORT: f"(s)-[:{_PORT_RELS}]->(:{Label.PORT} {{id: $port}})",
}

# The same, written from the filtered node, so that the statement starts from its
# id index rather than from every seizure in the period.
_ANCHOR_PATTERNS: dict[SeizureFilter, str] = {
    SeizureFilter.PARTY: f"(:{Label.PARTY} {{id: $party}})<-[:{_PARTY_RELS}]-(s:{Label.SEIZURE})",
    SeizureFilter.CONTAINER: (
        f"(:{Label.CONTAINER} {{id: $container}})<-[:{RelType.IN_CONTAINER}]-(s:{Label.SEIZURE})"
    ),
    SeizureFilter.TRADEMARK: (
        f"(:{Label.TRADEMARK} {{id: $trademark}})<-[:{RelType.INFRINGES}]-(s:{Label.SEIZURE})"
    ),
    SeizureFilter.PORT: f"(:{Label.PORT} {{id: $port}})<-[:{_PORT_RELS}]-(s:{Label.SEIZURE})",
}


def list_seizures_query(anchor: SeizureFilter | None) -> str:
    """One page of seizures, newest first, in the order (seizure_date desc, id).

    Starts from the node of the `anchor` filter (or from the date index when none
    is set); every other filter is `$name IS NULL OR EXISTS {...}`. Parameters:
    `$from`, `$to` (ISO dates, inclusive), the four filters, the keyset cursor
    `$after_date` / `$after_id` (null on the first page) and `$limit`. DISTINCT: a
    party can be shipper and manufacturer of one seizure, a port both its port of
    loading and of transit.
    """
    start = f"(s:{Label.SEIZURE})" if anchor is None else _ANCHOR_PATTERNS[anchor]
    others = "".join(
        f"\n  AND (${name} IS NULL OR EXISTS {{ {_FILTER_PATTERNS[name]} }})"
        for name in SeizureFilter
        if name is not anchor
    )
    return f"""
MATCH {start}
WHERE s.seizure_date >= $from AND s.seizure_date <= $to AND {visible("s")}
  AND ($after_date IS NULL OR s.seizure_date < $after_date
       OR (s.seizure_date = $after_date AND s.id > $after_id)){others}
WITH DISTINCT s
ORDER BY s.seizure_date DESC, s.id
LIMIT $limit
RETURN s.id AS id, s.record_id AS record_id, s.agency AS agency,
       s.seizure_date AS seizure_date, s.transport_mode AS transport_mode,
       s.quantity_total AS quantity_total, s.value_usd AS value_usd,
       s.value_amount AS value_amount, s.value_currency AS value_currency,
       s.hs_chapters AS hs_chapters, s.tlp AS tlp, s.releasable_to AS releasable_to
""".strip()


class SeizureGroup(StrEnum):
    """How seizure statistics are grouped (`/v1/stats/seizures?group_by=`)."""

    TRANSPORT_MODE = "transport_mode"
    PORT = "port"
    JURISDICTION = "jurisdiction"
    TRADEMARK = "trademark"
    HS_CHAPTER = "hs_chapter"
    MONTH = "month"


# Each grouping ends in `WITH s, key, name, name_vis, quantity`: one row per seizure and group
# it falls in, `quantity` being what that seizure contributes to the group: its goods
# lines as [quantity, unit] pairs (units are told apart in Python: never added
# across them). A quantity of -1 is "not given".
_LINES = "[i IN range(0, size(coalesce(s.quantities, [])) - 1) | [s.quantities[i], s.units[i]]]"
_GROUPINGS: dict[SeizureGroup | None, str] = {
    None: f"WITH s, null AS key, null AS name, null AS name_vis, {_LINES} AS quantity",
    SeizureGroup.TRANSPORT_MODE: (
        f"WITH s, s.transport_mode AS key, null AS name, null AS name_vis, {_LINES} AS quantity"
    ),
    SeizureGroup.MONTH: (
        "WITH s, substring(s.seizure_date, 0, 7) AS key, null AS name, null AS name_vis, "
        f"{_LINES} AS quantity"
    ),
    SeizureGroup.JURISDICTION: (
        f"OPTIONAL MATCH (s)-[:{RelType.REPORTED_BY}]->(:{Label.AGENCY})"
        f"-[:{RelType.IN}]->(j:{Label.JURISDICTION})\n"
        f"WITH s, j.id AS key, null AS name, null AS name_vis, {_LINES} AS quantity"
    ),
    SeizureGroup.PORT: (
        f"OPTIONAL MATCH (s)-[:{_ROUTE_PORT_RELS}]->(p:{Label.PORT})\n"
        "WITH DISTINCT s, p\n"
        f"WITH s, p.id AS key, p.name AS name, p.label_vis AS name_vis, {_LINES} AS quantity"
    ),
    SeizureGroup.TRADEMARK: (
        f"OPTIONAL MATCH (s)-[:{RelType.INFRINGES}]->(t:{Label.TRADEMARK})\n"
        f"WITH s, t.id AS key, t.mark AS name, t.label_vis AS name_vis, {_LINES} AS quantity"
    ),
    # Per goods line (parallel lists on the seizure): the chapter is the first two
    # digits of its HS code, its quantity counts in that chapter only; a seizure with
    # no goods, or a line with no HS code, falls under null.
    SeizureGroup.HS_CHAPTER: """
UNWIND CASE WHEN size(coalesce(s.hs_codes, [])) = 0 THEN [-1]
            ELSE range(0, size(s.hs_codes) - 1) END AS i
WITH s, CASE WHEN i < 0 OR s.hs_codes[i] = '' THEN null
             ELSE substring(s.hs_codes[i], 0, 2) END AS key,
     CASE WHEN i >= 0 THEN [s.quantities[i], s.units[i]] ELSE null END AS line
WITH s, key, null AS name, null AS name_vis, collect(line) AS quantity
""".strip(),
}


# Who reported the seizure, and the partner side of it (see `seizure_stats_query`).
_REPORTED_IN = (
    f"(s)-[:{RelType.REPORTED_BY}]->(:{Label.AGENCY})"
    f"-[:{RelType.IN}]->(:{Label.JURISDICTION} {{id: $reporting}})"
)
_PARTNER_COUNTRY = (
    f"(s)-[:{RelType.ORIGIN}|{RelType.DESTINATION}]->(:{Label.JURISDICTION} {{id: $partner}})"
)
_PARTNER_PORT = (
    f"(s)-[:{_PARTNER_PORT_RELS}]->(:{Label.PORT})"
    f"-[:{RelType.IN}]->(:{Label.JURISDICTION} {{id: $partner}})"
)


def seizure_stats_query(group: SeizureGroup | None) -> str:
    """Number of seizures, quantity and USD value per group (for `None` the totals:
    one row with a null key, none when no seizure matches), over the seizures of a
    period, a reporting jurisdiction and a partner jurisdiction.

    Parameters: `$from`, `$to` (ISO dates, inclusive); `$reporting`: the
    jurisdiction of the reporting agency; `$partner`: a jurisdiction that is the
    seizure's origin or destination, or that of its port of loading, a transit port
    or its port of discharge (either null: any). Each row also carries the TLP
    levels and the releasable_to lists of the seizures counted, from which the
    handling of the figure follows.
    """
    return f"""
MATCH (s:{Label.SEIZURE})
WHERE s.seizure_date >= $from AND s.seizure_date <= $to AND {visible("s")}
  AND ($reporting IS NULL OR EXISTS {{ {_REPORTED_IN} }})
  AND ($partner IS NULL OR EXISTS {{ {_PARTNER_COUNTRY} }} OR EXISTS {{ {_PARTNER_PORT} }})
{_GROUPINGS[group]}
RETURN key, name, name_vis, count(s) AS seizures, collect(quantity) AS quantities,
       sum(s.value_usd) AS value_usd, count(s.value_usd) AS valued,
       collect(DISTINCT s.tlp) AS tlp_levels, collect(DISTINCT s.releasable_to) AS releasable_to
""".strip()


# --- Kept seizure statistics (`graph.stats_cells`) ---
# What one seizure adds to the kept statistics, as the statistics statement above
# reads it: [id, seizure_date, agency, the agency's jurisdiction, transport_mode,
# quantities, units, hs_codes, value_usd, tlp, releasable_to, vis, the partner
# jurisdictions (origin, destination, and those of the ports of loading, transit
# and discharge; repeats possible)].
_STATS_CONTRIBUTION = f"""
[s.id, s.seizure_date, s.agency,
 head([(s)-[:{RelType.REPORTED_BY}]->(:{Label.AGENCY})
        -[:{RelType.IN}]->(j:{Label.JURISDICTION}) | j.id]),
 s.transport_mode, s.quantities, s.units, s.hs_codes, s.value_usd, s.tlp, s.releasable_to,
 s.vis,
 [(s)-[:{RelType.ORIGIN}|{RelType.DESTINATION}]->(j:{Label.JURISDICTION}) | j.id]
 + [(s)-[:{_PARTNER_PORT_RELS}]->(:{Label.PORT})-[:{RelType.IN}]->(j:{Label.JURISDICTION}) | j.id]]
""".strip()

# The contributions of the seizures `$ids` (those that exist), in one row.
STATS_CONTRIBUTIONS_QUERY = f"""
UNWIND $ids AS id
MATCH (s:{Label.SEIZURE} {{id: id}})
RETURN collect({_STATS_CONTRIBUTION}) AS rows
""".strip()

# The contributions of the seizures of a period (`$from`, `$to`, inclusive), in one
# row: what a rebuild reads, a month at a time.
STATS_CONTRIBUTIONS_BY_DATE_QUERY = f"""
MATCH (s:{Label.SEIZURE})
WHERE s.seizure_date >= $from AND s.seizure_date <= $to
RETURN collect({_STATS_CONTRIBUTION}) AS rows
""".strip()

# The first and the last seizure date of the graph (nulls when it holds none).
SEIZURE_DATE_SPAN_QUERY = f"""
MATCH (s:{Label.SEIZURE})
RETURN min(s.seizure_date) AS first, max(s.seizure_date) AS last
""".strip()

# Whether the graph holds a seizure at all.
ANY_SEIZURE_QUERY = f"""
MATCH (s:{Label.SEIZURE})
RETURN s.id AS id
LIMIT 1
""".strip()

# The cells `$ids` that exist: [[id, element id, figures], ...] in one row.
STATS_CELLS_BY_ID_QUERY = f"""
UNWIND $ids AS id
MATCH (c:{Label.STATS_CELL} {{id: id}})
RETURN collect([c.id, elementId(c), c.figures]) AS cells
""".strip()

# New cells (`$rows`: {id, props}). A loader alongside that creates the same cell
# fails the uniqueness constraint, and its batch runs again (`graph.write`).
CREATE_STATS_CELLS_QUERY = f"""
UNWIND $rows AS r
CREATE (c:{Label.STATS_CELL} {{id: r.id}})
SET c += r.props
""".strip()

# New figures of cells read in the same transaction (`$rows`: {eid, seizures, figures}).
UPDATE_STATS_CELLS_QUERY = """
UNWIND $rows AS r
MATCH (c) WHERE elementId(c) = r.eid
SET c.seizures = r.seizures, c.figures = r.figures
""".strip()

# Cells that count no seizure any more, by element id.
DELETE_STATS_CELLS_QUERY = """
UNWIND $eids AS e
MATCH (c) WHERE elementId(c) = e
DELETE c
""".strip()

# Whether the graph keeps any cell.
ANY_STATS_CELL_QUERY = f"""
MATCH (c:{Label.STATS_CELL})
RETURN c.id AS id
LIMIT 1
""".strip()

# Up to `$limit` kept cells deleted (a rebuild starts from none).
CLEAR_STATS_CELLS_QUERY = f"""
MATCH (c:{Label.STATS_CELL})
WITH c LIMIT $limit
DELETE c
RETURN count(*) AS deleted
""".strip()

# Every kept cell: [[id, figures], ...] in one row (what `graph.stats_cells.kept`
# compares with the seizures).
ALL_STATS_CELLS_QUERY = f"""
MATCH (c:{Label.STATS_CELL})
RETURN collect([c.id, c.figures]) AS cells
""".strip()

STATS_STATE_QUERY = f"""
MATCH (m:{Label.STATS_STATE} {{id: $id}})
RETURN m.complete AS complete
""".strip()

DELETE_STATS_STATE_QUERY = f"""
MATCH (m:{Label.STATS_STATE} {{id: $id}})
DELETE m
""".strip()

SET_STATS_STATE_QUERY = f"""
MERGE (m:{Label.STATS_STATE} {{id: $id}})
SET m.complete = $complete, m.at = $at
""".strip()


# The kept cells of partner `$partner` ('*': any) for the months `$from`..`$to`
# (YYYY-MM, inclusive) of reporting jurisdiction `$reporting` (null: any) that the
# viewer `$see` may see, in one row: [month, reporting, tlp, releasable_to,
# figures]. Every seizure a cell counts carries exactly the cell's tokens. The cells
# are looked up by the slots (partner and year) of the period, `$slots`, or, with
# `by_partner`, by the partner alone (a period without bounds); the months and the
# rest are tested after the `WITH`, so that the engine does not plan around them.
def stats_cells_query(by_partner: bool = False) -> str:
    find = (
        f"MATCH (c:{Label.STATS_CELL})\nWHERE c.partner = $partner"
        if by_partner
        else f"UNWIND $slots AS slot\nMATCH (c:{Label.STATS_CELL} {{slot: slot}})"
    )
    return f"""
{find}
WITH c
WHERE c.month >= $from AND c.month <= $to
  AND ($reporting IS NULL OR c.reporting = $reporting) AND {visible("c")}
RETURN collect([c.month, c.reporting, c.tlp, c.releasable_to, c.figures]) AS cells
""".strip()


# --- Networks (issue 5) ---
# Read and written by `graph.analysis.networks`. `build_networks` pulls the
# identity-link projection with a few whole-graph statements (never one per node),
# computes networks in networkx and writes `Network` nodes and `Party.network`.
# Answers anchor on the `Network` id constraint and the `Party.network` index.


# The whole-graph reads return their rows packed in lists, one row per bucket (the
# last character of an id, or the month of a seizure): on the embedded server each
# row returned costs about 50 us, ten times what an element of a list costs.

# Every Party: [id, entity (`cluster`), name, the network it is in now, who may
# see it, its entity per view, who may see its name, its network per view, the
# round it joined its network in, per view].
NETWORK_PARTIES_QUERY = f"""
MATCH (p:{Label.PARTY})
WITH right(p.id, 1) AS bucket,
     collect([p.id, p.cluster, p.name, p.network, p.vis, p.view_clusters, p.label_vis,
              p.view_networks, p.network_rounds]) AS rows
RETURN bucket, rows
""".strip()

# Every seizure's own facts a network summary and its evidence need:
# [id, agency, record_id, date, value_usd, transport_mode, tlp, who may see it].
NETWORK_SEIZURES_QUERY = f"""
MATCH (s:{Label.SEIZURE})
WITH substring(s.seizure_date, 0, 7) AS bucket,
     collect([s.id, s.agency, s.record_id, s.seizure_date, s.value_usd, s.transport_mode,
              s.tlp, s.vis]) AS rows
RETURN bucket, rows
""".strip()

# Which parties each seizure names, in which role, the artefacts (addresses, phones,
# emails, registration numbers) the record gives the party, and how it spelled it:
# [seizure, relationship, party, artefact ids, name as written].
NETWORK_MENTIONS_QUERY = f"""
MATCH (s:{Label.SEIZURE})-[r:{_PARTY_RELS}]->(p:{Label.PARTY})
WITH substring(s.seizure_date, 0, 7) AS bucket,
     collect([s.id, type(r), p.id, coalesce(r.artefacts, []), r.name_as_written]) AS rows
RETURN bucket, rows
""".strip()

# Containers, transport documents and cases of every seizure: [seizure, rel, node].
NETWORK_SHARED_QUERY = f"""
MATCH (s:{Label.SEIZURE})-[r:{RelType.IN_CONTAINER}|{RelType.DOCUMENTED_BY}|{RelType.PART_OF}]->(n)
WITH substring(s.seizure_date, 0, 7) AS bucket, collect([s.id, type(r), n.id]) AS rows
RETURN bucket, rows
""".strip()

# Pairs of parties an analyst confirmed to be one entity, with who may see them.
NETWORK_CONFIRMED_LINKS_QUERY = f"""
MATCH (a:{Label.PARTY})-[s:{RelType.SAME_AS}]->(b:{Label.PARTY})
WHERE s.status = $status
RETURN a.id AS a, b.id AS b, s.vis AS vis
""".strip()

AGENCY_JURISDICTIONS_QUERY = f"""
MATCH (a:{Label.AGENCY})
OPTIONAL MATCH (a)-[:{RelType.IN}]->(j:{Label.JURISDICTION})
RETURN a.id AS agency, j.id AS jurisdiction
""".strip()

EXISTING_NETWORKS_QUERY = f"MATCH (n:{Label.NETWORK}) RETURN n.id AS id"

UPSERT_NETWORKS_QUERY = f"""
UNWIND $rows AS r
MERGE (n:{Label.NETWORK} {{id: r.id}})
SET n += r.props
""".strip()

# Networks stored by an earlier version, with their risk counted to one day
# (`build.adopt_stored_risks`).
DAY_COUNTED_RISKS_QUERY = f"""
MATCH (n:{Label.NETWORK})
WHERE n.risk IS NOT NULL
RETURN n.id AS id, n.risk_inputs AS risk_inputs
""".strip()

# Their risk as it is stored now: the inputs that do not depend on the day.
SET_RISK_BASES_QUERY = f"""
UNWIND $rows AS r
MATCH (n:{Label.NETWORK} {{id: r.id}})
SET n.risk_base = r.risk_base, n.risk_inputs = r.risk_inputs
REMOVE n.risk, n.risk_explanation
""".strip()

DELETE_NETWORKS_QUERY = f"""
UNWIND $ids AS id
MATCH (n:{Label.NETWORK} {{id: id}})
DETACH DELETE n
""".strip()

# A null `network` removes the property: the party is in no network any more;
# `view_networks` likewise.
SET_PARTY_NETWORKS_QUERY = f"""
UNWIND $rows AS r
MATCH (p:{Label.PARTY} {{id: r.id}})
SET p.network = r.network, p.view_networks = r.view_networks,
    p.network_rounds = r.network_rounds
""".strip()

# The stamp of a Network `n`'s view (`build.recency_stamp_id`), as `stamp`: the day
# its risk's recency is counted to when read (`risk.risk_at`).
VIEW_STAMP_OF_N = f"OPTIONAL MATCH (stamp:{Label.NETWORK} {{id: 'view:' + n.view}})"

# The Network node `$id`: one of the whole graph (`net:...`) or of a view
# (`net:...@<view>`), with its summary, members and links, and the day its view's
# recency is counted to (`risk.risk_at`).
NETWORK_QUERY = f"""
MATCH (n:{Label.NETWORK} {{id: $id}})
{VIEW_STAMP_OF_N}
RETURN properties(n) AS props, stamp.recency_as_of AS as_of
""".strip()

# Whether a view of the networks was built for agency `$agency` (an agency no record
# names has none: it sees the public view).
NETWORK_VIEW_QUERY = f"""
OPTIONAL MATCH (n:{Label.NETWORK} {{id: 'view:' + $agency}})
RETURN n IS NOT NULL AS built
""".strip()

# The network a party is in, in the viewer's view (`$view`; null: the whole graph),
# and the view that answered: the agency's own, or the public one.
PARTY_NETWORK_QUERY = f"""
MATCH (p:{Label.PARTY} {{id: $id}})
WHERE {visible("p")}
RETURN p.id AS id, {view_network("p")} AS network,
       CASE WHEN $view IS NULL THEN ''
            WHEN any(x IN coalesce(p.view_networks, []) WHERE x STARTS WITH $view + '=')
            THEN $view ELSE '*' END AS view
""".strip()

# The parties `$ids` (a network's) as the viewer `$see` may see them:
# [id, name, country, labels].
NETWORK_MEMBERS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
RETURN collect([p.id, {shown_name("p")}, p.country, labels(p)]) AS rows
""".strip()

# The seizures the viewer `$see` may see that name one of the parties `$ids`, packed
# in one row: [seizure, member party, agency, record_id, date, value_usd, tlp].
NETWORK_MEMBER_SEIZURES_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})<-[:{_PARTY_RELS}]-(s:{Label.SEIZURE})
WHERE {visible("s")}
RETURN collect([s.id, p.id, s.agency, s.record_id, s.seizure_date, s.value_usd, s.tlp])
       AS rows
""".strip()

# The ports of the seizures `$ids` (loading, transit with its order, seizure,
# discharge), packed in one row: [seizure, relationship, seq, port].
NETWORK_ROUTES_QUERY = f"""
UNWIND $ids AS id
MATCH (s:{Label.SEIZURE} {{id: id}})-[r:{_PORT_RELS}]->(p:{Label.PORT})
RETURN collect([s.id, type(r), r.seq, p.id]) AS rows
""".strip()

# One page of networks in the order (`key` descending, id), `key` being the sort
# the caller chose (risk: `risk.RISK_KEY_PARAMS` counts recency to the view's
# day); `$after_key` / `$after_id` is the keyset cursor (null: first page).
LIST_NETWORKS_QUERY = f"""
OPTIONAL MATCH (stamp:{Label.NETWORK} {{id: 'view:' + $network_view}})
WITH stamp.recency_as_of AS as_of
MATCH (n:{Label.NETWORK} {{view: $network_view}})
WITH n, as_of, CASE $sort
          WHEN 'value' THEN toFloat(n.value_usd)
          WHEN 'seizures' THEN toFloat(n.seizures)
          WHEN 'recent' THEN toFloat(n.last_day)
          ELSE coalesce(n.risk_base, 0.0) + $recency_points * exp(-(CASE
            WHEN coalesce(n.last_day, 0) = 0 OR coalesce(as_of, -1) < 0 THEN $no_date_days
            ELSE toFloat(as_of - n.last_day) END) / 365.0) END AS key
WHERE size(n.jurisdictions) >= $min_jurisdictions
  AND ($since IS NULL OR n.last_seizure >= $since)
  AND ($after_key IS NULL OR key < $after_key
       OR (key = $after_key AND n.network > $after_id))
RETURN n.network AS id, n.id AS node, key, n.entities AS entities, n.parties AS parties,
       n.seizures AS seizures, n.value_usd AS value_usd, n.jurisdictions AS jurisdictions,
       n.agencies AS agencies, n.first_seizure AS first_seizure,
       n.last_seizure AS last_seizure, n.transport_modes AS transport_modes,
       n.risk_inputs AS risk_inputs, n.last_day AS last_day, as_of, n.label AS label
ORDER BY key DESC, id
LIMIT $limit
""".strip()


# --- Principals (`graph.principals`) ---------------------------------------------------

_PRINCIPAL_FIELDS = (
    "p.id AS id, p.name AS name, p.agency AS agency, p.role AS role, "
    "p.key_prefix AS key_prefix, p.created_at AS created_at, p.created_by AS created_by, "
    "p.revoked_at AS revoked_at, p.revoked_by AS revoked_by"
)

CREATE_PRINCIPAL_QUERY = f"""
CREATE (p:{Label.PRINCIPAL} {{id: $id, name: $name, agency: $agency, role: $role,
        key_hash: $key_hash, key_prefix: $key_prefix, created_at: $at, created_by: $by}})
RETURN {_PRINCIPAL_FIELDS}
""".strip()

# Every API call: the principal holding the key whose sha256 is `$key_hash`.
PRINCIPAL_BY_KEY_QUERY = f"""
MATCH (p:{Label.PRINCIPAL} {{key_hash: $key_hash}})
RETURN {_PRINCIPAL_FIELDS}
""".strip()

# Principals of `$agency` (null: all), in a stable order.
LIST_PRINCIPALS_QUERY = f"""
MATCH (p:{Label.PRINCIPAL})
WHERE $agency IS NULL OR p.agency = $agency
RETURN {_PRINCIPAL_FIELDS}
ORDER BY agency, name, id
""".strip()

# Revokes principal `$id` (of `$agency` when not null); revoking twice keeps the
# first time. No row: no such principal (of that agency).
REVOKE_PRINCIPAL_QUERY = f"""
MATCH (p:{Label.PRINCIPAL} {{id: $id}})
WHERE $agency IS NULL OR p.agency = $agency
SET p.revoked_by = coalesce(p.revoked_by, $by), p.revoked_at = coalesce(p.revoked_at, $at)
RETURN {_PRINCIPAL_FIELDS}
""".strip()


# --- Visibility after a correction (`graph.visibility`) -------------------------------
# A corrected record's old links are gone, and the union of tokens each element kept
# may hold the old version's: every element the old version evidenced is worked out
# again from the records that evidence it now, which its seizures' own links tell
# (`name_as_written` and `artefacts` on a party's link, `as_written` and
# `rights_holder` on a mark's, `raw` on a port's).


# Pattern comprehensions start from the node they are about: the embedded engine
# evaluates `[(:Seizure)-[r]->(p) | ...]` from every seizure, a scan (0.7 to 1.2 s at
# 100k records where `[(p)<-[r]-(:Seizure) | ...]` takes a millisecond).


def _union_of(values: str) -> str:
    """The union of the token lists of the pattern comprehension `values`."""
    return f"reduce(acc = [], v IN {values} | acc + [t IN coalesce(v, []) WHERE NOT t IN acc])"


_LABEL_EVIDENCE: dict[Label, str] = {
    Label.PARTY: f"[(n)<-[r:{_PARTY_RELS}]-(:{Label.SEIZURE}) WHERE r.name_as_written = n.name "
    "| r.vis]",
    Label.TRADEMARK: f"[(n)<-[r:{RelType.INFRINGES}]-(:{Label.SEIZURE}) "
    "WHERE trim(r.as_written) = n.mark | r.vis]",
    Label.RIGHTS_HOLDER: f"[(n)<-[:{RelType.OWNED_BY}]-(:{Label.TRADEMARK})"
    f"<-[r:{RelType.INFRINGES}]-(:{Label.SEIZURE}) WHERE r.rights_holder = n.id "
    "AND r.rights_holder_name = n.name | r.vis]",
    Label.PORT: f"[(n)<-[r:{_PORT_RELS}]-(:{Label.SEIZURE}) WHERE r.raw = n.name | r.vis]",
}


def recompute_vis_query(label: Label) -> str:
    """Who may see the nodes of `label` among `$ids`: the union of the tokens of the
    relationships that lead to them (a SAME_AS is derived from the parties, not
    evidence of them), and for a node shown by text as written, of the records that
    wrote that text (a resolved port shows its reference name, which every record
    naming it gives)."""
    shown = ""
    if label in _LABEL_EVIDENCE:
        evidence = _union_of(_LABEL_EVIDENCE[label])
        if label == Label.PORT:
            evidence = f"CASE WHEN n.resolved THEN n.vis ELSE {evidence} END"
        shown = f"\nSET n.label_vis = {evidence}"
    return f"""
UNWIND $ids AS id
MATCH (n:{label} {{id: id}})
SET n.vis = {_union_of(f"[(n)<-[r]-(m) WHERE type(r) <> '{RelType.SAME_AS}' | r.vis]")}{shown}
""".strip()


# A party's addresses, phones, emails and registration numbers: each link is
# evidenced by the records whose own link to the party lists the artefact; one that
# no record gives any more goes. Returns the artefacts, to be worked out next.
_GIVING_RECORDS = (
    f"[(p)<-[r:{_PARTY_RELS}]-(:{Label.SEIZURE}) WHERE a.id IN coalesce(r.artefacts, []) | r.vis]"
)
RECOMPUTE_ARTEFACT_LINKS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})-[h:{_ARTEFACT_RELS}]->(a)
WITH h, a, {_union_of(_GIVING_RECORDS)} AS vis
SET h.vis = vis
WITH h, a, vis, [labels(a), a.id] AS target
FOREACH (_ IN CASE WHEN size(vis) = 0 THEN [1] ELSE [] END | DELETE h)
RETURN collect(DISTINCT target) AS targets
""".strip()

# A mark's rights holders: evidenced by the records whose link to the mark names
# the holder; one no record names any more goes. Returns the holders.
RECOMPUTE_OWNERS_QUERY = f"""
UNWIND $ids AS id
MATCH (t:{Label.TRADEMARK} {{id: id}})-[o:{RelType.OWNED_BY}]->(h:{Label.RIGHTS_HOLDER})
WITH o, h, {
    _union_of(
        f"[(t)<-[r:{RelType.INFRINGES}]-(:{Label.SEIZURE}) WHERE r.rights_holder = h.id | r.vis]"
    )
} AS vis
SET o.vis = vis
WITH o, h, vis, [labels(h), h.id] AS target
FOREACH (_ IN CASE WHEN size(vis) = 0 THEN [1] ELSE [] END | DELETE o)
RETURN collect(DISTINCT target) AS targets
""".strip()

# Nodes whose jurisdiction (`IN`) a record writes with them.
JURISDICTION_HOLDERS: tuple[Label, ...] = (Label.PORT, Label.AGENCY)


def recompute_jurisdiction_links_query(label: Label) -> str:
    """A port's or an agency's jurisdiction is written by every record that names
    it: the link is visible to whoever sees the node. Returns the jurisdictions."""
    return f"""
UNWIND $ids AS id
MATCH (n:{label} {{id: id}})-[i:{RelType.IN}]->(j:{Label.JURISDICTION})
SET i.vis = n.vis
RETURN collect(DISTINCT [labels(j), j.id]) AS targets
""".strip()


# Per party of `$ids`: [id, [[date, seizure id, name as written]...]] for the records
# the viewer sees that name it; `graph.visibility.visible_names` picks the earliest.
VISIBLE_PARTY_NAMES_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
RETURN collect([p.id, [(p)<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE}) WHERE {visible("r")}
                       | [coalesce(s.seizure_date, ''), s.id, r.name_as_written]]]) AS names
""".strip()


# --- The analyst's loop: review queue, judgements at once (issue 25) -----------------

# Every link waiting for an analyst (status in `$pending`) that the viewer `$see` may
# see (a machine link when it sees all it was scored on, an "unsure" judgement when it
# sees both parties), with both parties' entities and networks in the viewer's view
# (`$view`, `$network_view`). Light on purpose: the queue ranks every pending link and
# reads the details of one page (`PENDING_LINK_DETAILS_QUERY`).
PENDING_LINKS_QUERY = f"""
MATCH (a:{Label.PARTY})-[s:{RelType.SAME_AS}]->(b:{Label.PARTY})
WHERE s.status IN $pending
  AND ((s.status IN $machine AND {visible("s", "evidence_vis")})
       OR (NOT s.status IN $machine AND {visible("s")}))
RETURN a.id AS a, b.id AS b, s.status AS status, s.score AS score,
       coalesce(s.decided_at, s.scored_at) AS at, a.country AS country_a,
       b.country AS country_b, {view_cluster("a")} AS entity_a, {view_cluster("b")} AS entity_b,
       CASE WHEN $network_view IS NULL THEN a.network ELSE coalesce(
         head([x IN coalesce(a.view_networks, []) WHERE x STARTS WITH $network_view + '='
               | substring(x, size($network_view) + 1)]), '') END AS network_a,
       CASE WHEN $network_view IS NULL THEN b.network ELSE coalesce(
         head([x IN coalesce(b.view_networks, []) WHERE x STARTS WITH $network_view + '='
               | substring(x, size($network_view) + 1)]), '') END AS network_b
""".strip()

# The stored details of the links `$pairs` ([a, b], a < b) for one page of the queue.
PENDING_LINK_DETAILS_QUERY = f"""
UNWIND $pairs AS pair
MATCH (:{Label.PARTY} {{id: pair[0]}})-[s:{RelType.SAME_AS}]->(:{Label.PARTY} {{id: pair[1]}})
RETURN pair[0] AS a, pair[1] AS b, s.status AS status, s.score AS score,
       s.features AS features, s.explanation AS explanation, s.decided_by AS decided_by,
       s.decided_agency AS decided_agency, s.decided_at AS decided_at, s.reason AS reason,
       {visible("s", "evidence_vis")} AS evidence_seen
""".strip()

# Networks by the ids of their Network nodes: the label and risk a queue item shows.
NETWORK_RISKS_QUERY = f"""
UNWIND $ids AS id
MATCH (n:{Label.NETWORK} {{id: id}})
{VIEW_STAMP_OF_N}
RETURN n.id AS id, n.network AS network, n.label AS label, n.risk_inputs AS risk_inputs,
       n.last_day AS last_day, stamp.recency_as_of AS as_of, n.entities AS entities
""".strip()

# How many members the entity of each party of `$ids` has in the viewer's view.
ENTITY_SIZES_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
WHERE {visible("p")}
WITH p, p.cluster AS cluster, {view_cluster("p")} AS entity
MATCH (m:{Label.PARTY} {{cluster: cluster}})
WHERE {visible("m")} AND {view_cluster("m")} = entity
RETURN p.id AS id, entity, count(m) AS members
""".strip()

# The newest seizure date the viewer sees naming each party of `$ids`.
PARTY_LAST_SEEN_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE})
WHERE {visible("r")}
RETURN p.id AS id, max(s.seizure_date) AS last_seen
""".strip()

# Every SAME_AS between two parties of `$ids`, whatever its status: what a judgement
# decides again around itself (`graph.resolve.judgements`).
LINKS_AMONG_QUERY = f"""
UNWIND $ids AS id
MATCH (a:{Label.PARTY} {{id: id}})-[s:{RelType.SAME_AS}]->(b:{Label.PARTY})
WHERE b.id IN $ids
RETURN a.id AS a, b.id AS b, s.status AS status, s.score AS score, s.features AS features,
       s.explanation AS explanation, coalesce(s.binds, false) AS binds
""".strip()

# A machine link decided again around a judgement: its status and explanation (the
# reason it was held back, if it was); never a link an analyst decided.
REDECIDE_MACHINE_LINKS_QUERY = f"""
UNWIND $rows AS r
MATCH (:{Label.PARTY} {{id: r.a}})-[s:{RelType.SAME_AS}]->(:{Label.PARTY} {{id: r.b}})
WHERE s.status IN $machine
SET s.status = r.status, s.explanation = r.explanation, s.scored_at = r.at
RETURN count(s) AS changed
""".strip()

# The artefacts a search box lookup reads (`graph.identifiers`), with the relationship
# a party holds each by.
ARTEFACT_RELS: dict[Label, RelType] = {
    Label.PHONE: RelType.HAS_PHONE,
    Label.EMAIL: RelType.HAS_EMAIL,
    Label.IDENTIFIER: RelType.HAS_IDENTIFIER,
    Label.ADDRESS: RelType.HAS_ADDRESS,
}


def artefact_holders_query(label: Label) -> str:
    """The parties the viewer `$see` / `$view` may see holding an artefact of `label`
    among `$ids`, by a record it may see: [artefact, party, name, country, entity]."""
    return f"""
UNWIND $ids AS id
MATCH (x:{label} {{id: id}})<-[h:{ARTEFACT_RELS[label]}]-(p:{Label.PARTY})
WHERE {visible("h")} AND {visible("p")}
RETURN x.id AS artefact, p.id AS party, {shown_name("p")} AS name, p.country AS country,
       {view_cluster("p")} AS entity
""".strip()


# Per party of `$ids`: how many seizures the viewer sees name a member of its entity
# (in the viewer's view).
ENTITY_SEIZURE_COUNTS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
WHERE {visible("p")}
WITH p, p.cluster AS cluster, {view_cluster("p")} AS entity
MATCH (m:{Label.PARTY} {{cluster: cluster}})
WHERE {visible("m")} AND {view_cluster("m")} = entity
MATCH (m)<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE})
WHERE {visible("r")}
RETURN p.id AS id, count(DISTINCT s) AS seizures
""".strip()


# --- Partner exchange (`graph.exchange`) ------------------------------------------------

AGREEMENT_QUERY = f"""
MATCH (a:{Label.AGREEMENT} {{id: $id}})
RETURN properties(a) AS props
""".strip()

SET_AGREEMENT_QUERY = f"""
MERGE (a:{Label.AGREEMENT} {{id: $id}})
SET a += $props
RETURN properties(a) AS props
""".strip()

# Agreements `$agency` is a party to (null: all), by name.
LIST_AGREEMENTS_QUERY = f"""
MATCH (a:{Label.AGREEMENT})
WHERE $agency IS NULL OR $agency IN a.agencies
RETURN properties(a) AS props
ORDER BY a.name, a.id
""".strip()

END_AGREEMENT_QUERY = f"""
MATCH (a:{Label.AGREEMENT} {{id: $id}})
SET a.ended_at = $ended, a.updated_at = $at,
    a.valid_to = CASE WHEN a.valid_to IS NULL OR a.valid_to > $ended THEN $ended
                      ELSE a.valid_to END
RETURN properties(a) AS props
""".strip()

# Of the parties `$ids`, those named in AMBER records of the agencies `$agencies`
# that the viewer `$see` may not see, with per such record [agency, date, reference,
# name as written, artefacts it gave the party]: what a partner's lookup may answer
# "held by" about (`graph.exchange.lookups`). One row.
HELD_RECORDS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
WITH p, [(p)<-[r:{_PARTY_RELS}]-(s:{Label.SEIZURE})
         WHERE s.tlp = 'AMBER' AND s.agency IN $agencies AND s.reference IS NOT NULL
           AND NOT {visible("s")}
         | [s.agency, s.seizure_date, s.reference, r.name_as_written, r.artefacts]] AS held
WHERE size(held) > 0
RETURN collect([p.id, p.name_key, p.country, held]) AS held
""".strip()

# Per party of `$ids`, the records the viewer `$see` may see that name it:
# [id, agency, record id, date, tlp]. One row.
PARTY_RECORDS_QUERY = f"""
UNWIND $ids AS id
MATCH (p:{Label.PARTY} {{id: id}})
RETURN collect([p.id, [(p)<-[:{_PARTY_RELS}]-(s:{Label.SEIZURE}) WHERE {visible("s")}
                       | [s.id, s.agency, s.record_id, s.seizure_date, s.tlp]]]) AS records
""".strip()

# The seizures `$agency` reported between `$from` and `$to` (ISO dates), not RED, of
# goods originating in or destined for the jurisdiction `$partner`, packed in one row:
# [id, date, originating, destined, transport mode, quantities, units, value in USD,
# currency, USD rate, rate month, ports of loading and transit]. The agency is
# tested after the dates (`WITH`): tested with them, the embedded engine reads every
# seizure of the agency (0.7 s at 100k) rather than those of the period (0.15 s).
EXCHANGE_SEIZURES_QUERY = f"""
MATCH (s:{Label.SEIZURE})
WHERE s.seizure_date >= $from AND s.seizure_date <= $to
WITH s
WHERE s.agency = $agency AND s.tlp <> 'RED'
WITH s,
     EXISTS {{ (s)-[:{RelType.ORIGIN}]->(:{Label.JURISDICTION} {{id: $partner}}) }} AS originating,
     EXISTS {{ (s)-[:{RelType.DESTINATION}]->(:{Label.JURISDICTION} {{id: $partner}}) }}
       AS destined
WHERE originating OR destined
RETURN collect([s.id, s.seizure_date, originating, destined, s.transport_mode,
                s.quantities, s.units, s.value_usd, s.value_currency, s.usd_rate,
                s.usd_rate_month, [(s)-[:{_ROUTE_PORT_RELS}]->(p:{Label.PORT}) | p.id]])
       AS rows
""".strip()

# Seizures loaded before references existed (by an earlier version): up to `$limit`.
SEIZURES_WITHOUT_REFERENCE_QUERY = f"""
MATCH (s:{Label.SEIZURE})
WHERE s.reference IS NULL
RETURN s.id AS id
LIMIT $limit
""".strip()

# Give each seizure of `$rows` ({id, reference}) its reference, unless it has one.
GIVE_REFERENCES_QUERY = f"""
UNWIND $rows AS row
MATCH (s:{Label.SEIZURE} {{id: row.id}})
WHERE s.reference IS NULL
SET s.reference = row.reference
RETURN count(s) AS given
""".strip()

# A seizure by the opaque reference a partner's hit gave: what filing a detailed
# request needs to know of it (never shown to the partner).
SEIZURE_BY_REFERENCE_QUERY = f"""
MATCH (s:{Label.SEIZURE} {{reference: $reference}})
RETURN s.id AS id, s.agency AS agency, s.tlp AS tlp, s.vis AS vis
LIMIT 1
""".strip()

REQUEST_QUERY = f"""
MATCH (r:{Label.REQUEST} {{id: $id}})
RETURN properties(r) AS props
""".strip()

# File a detailed request against the quota `$quota` of its agreement, asking
# agency and period (`$quota_id`): the count is raised in the same statement, so
# that of two requests filed at once for the last place one is refused (the other
# transaction's write of the count conflicts and is retried, then finds it used).
# No row: the quota is used up.
FILE_REQUEST_QUERY = f"""
MERGE (q:{Label.QUOTA} {{id: $quota_id}})
ON CREATE SET q.used = 0, q.agreement = $props.agreement, q.agency = $props.requester,
              q.period = $props.period
WITH q
WHERE q.used < $quota
SET q.used = q.used + 1
CREATE (r:{Label.REQUEST} {{id: $id}})
SET r += $props
RETURN properties(r) AS props, q.used AS used
""".strip()

# The requests `$agency` filed (`$side` 'requester') or that were filed with it
# ('holder'), the newest first.
LIST_REQUESTS_QUERY = f"""
MATCH (r:{Label.REQUEST})
WHERE ($side = 'requester' AND r.requester = $agency)
   OR ($side = 'holder' AND r.holder = $agency)
RETURN properties(r) AS props
ORDER BY r.filed_at DESC, r.id
""".strip()

# Decide a request that is still pending; no row when another call decided it.
DECIDE_REQUEST_QUERY = f"""
MATCH (r:{Label.REQUEST} {{id: $id}})
WHERE r.status = 'pending'
SET r.status = $status, r.decided_by = $by, r.decided_at = $at, r.decision_reason = $reason
RETURN properties(r) AS props
""".strip()

# Release the seizure `$id` to the agency `$agency` (an approved detailed request):
# the agency joins its `released_to` and its tokens, the release is logged
# (`$release`, JSON); returns the parties it names, to be queued for resolution (the
# agency's view of them changes). The record's handling is not touched.
RELEASE_SEIZURE_QUERY = f"""
MATCH (s:{Label.SEIZURE} {{id: $id}})
SET s.released_to = CASE WHEN $agency IN coalesce(s.released_to, []) THEN s.released_to
                         ELSE coalesce(s.released_to, []) + [$agency] END,
    s.vis = CASE WHEN $agency IN coalesce(s.vis, []) THEN s.vis
                 ELSE coalesce(s.vis, []) + [$agency] END,
    s.releases = coalesce(s.releases, []) + [$release]
RETURN s.id AS id, [(s)-[:{_PARTY_RELS}]->(p:{Label.PARTY}) | p.id] AS parties
""".strip()

# The links of a released seizure take the agency into their tokens; returns what
# they lead to, to be worked out again (`graph.visibility`).
RELEASE_LINKS_QUERY = f"""
MATCH (s:{Label.SEIZURE} {{id: $id}})-[e]->(n)
SET e.vis = CASE WHEN $agency IN coalesce(e.vis, []) THEN e.vis
                 ELSE coalesce(e.vis, []) + [$agency] END
RETURN collect(DISTINCT [labels(n), n.id]) AS targets
""".strip()
