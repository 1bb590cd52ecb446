"""Writing seizure records: batched UNWIND ... MERGE in one managed transaction.

`ingest/` turns canonical records into `SeizureWrite` values (plain data: ids,
properties, links); this module decides per record whether it is new, unchanged or
a correction, and writes the batch. Every statement MERGEs on ids, except that
parties the transaction found missing are created with their role labels; a
retried or re-run batch ends in the same graph.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from graph import queries, stats_cells, work
from graph.errors import ConstraintViolation
from graph.model import DISPLAY_KEYS, LINKS, LINKS_BY_NAME, ROLE_LABELS, Label, Link, PartyRole
from graph.store import GraphStore, Row, Tx
from graph.visibility import refresh_after_correction
from graph.work import Work
from ingest.rows import LinkRow, SeizureWrite

# ArcadeDB can fail a batch whose MERGEs race another transaction's with a
# uniqueness error where Neo4j would lock (docs/architecture.md, "Concurrent
# writers"); the driver does not retry client errors, so we do, a few times.
# The same for a batch whose links found a node of theirs gone (`_NodeRewritten`).
_CONSTRAINT_RETRIES = 8
_CONSTRAINT_BACKOFF_S = 0.05


class _NodeRewritten(Exception):
    """A link statement matched fewer rows than it was sent: a node written earlier
    in the transaction has another element id now. ArcadeDB relabels a node by
    rewriting it under a new one, and a loader alongside may relabel a party this
    batch wrote. When that was made to happen (tests/ingest/test_load.py) the engine
    failed the transaction as a transient conflict, which the driver retries; this
    is for a timing where it would not, so that no link is dropped without a word.
    The batch is rolled back and runs again."""


@dataclass
class WriteOutcome:
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    # Times the batch ran again after clashing with a loader alongside.
    constraint_retries: int = 0


def write_seizures(store: GraphStore, batch: list[SeizureWrite]) -> WriteOutcome:
    """Write one batch in one transaction; report what was new, corrected, unchanged.

    Rows of one record in a batch are its versions, written in their order
    (`_write_versions`)."""
    outcome = WriteOutcome()
    roles = _party_roles(batch)
    for attempt in range(_CONSTRAINT_RETRIES + 1):
        try:
            result, new_roles = store.execute_write(lambda tx: _write_versions(tx, batch, roles))
        except (ConstraintViolation, _NodeRewritten):
            if attempt == _CONSTRAINT_RETRIES:
                raise
            outcome.constraint_retries += 1
            time.sleep(_CONSTRAINT_BACKOFF_S * 2**attempt)
            continue
        result.constraint_retries = outcome.constraint_retries
        _label_roles(store, new_roles)
        return result
    raise AssertionError("unreachable")


def _versions(batch: list[SeizureWrite]) -> list[list[SeizureWrite]]:
    """The batch in rounds of distinct records: a record's n-th row in the batch is
    in the n-th round, so that its versions are written in the order they came."""
    rounds: list[list[SeizureWrite]] = []
    seen: dict[str, int] = defaultdict(int)
    for seizure in batch:
        version = seen[seizure.id]
        seen[seizure.id] += 1
        if version == len(rounds):
            rounds.append([])
        rounds[version].append(seizure)
    return rounds


def _write_versions(
    tx: Tx, batch: list[SeizureWrite], roles: dict[str, frozenset[PartyRole]]
) -> tuple[WriteOutcome, dict[PartyRole, list[str]]]:
    """`_write` of each round of `_versions`, in order, in one transaction: a later
    version finds the one before it written, keeps it in its `history` and is
    counted as a correction (three versions of a new record: loaded 1, updated 2),
    and a copy identical to the one before it is counted unchanged."""
    outcome = WriteOutcome()
    new_roles: dict[PartyRole, list[str]] = defaultdict(list)
    for round_ in _versions(batch):
        result, gained = _write(tx, round_, roles)
        outcome.loaded += result.loaded
        outcome.updated += result.updated
        outcome.unchanged += result.unchanged
        for role, parties in gained.items():
            new_roles[role] += [party for party in parties if party not in new_roles[role]]
    return outcome, new_roles


def _applied_before(seizure: SeizureWrite, history: list[str] | None) -> bool:
    """Whether this very row (its content from its source) was written before and
    superseded by a later version: reading the same feeds again changes nothing."""
    for entry in history or ():
        earlier = json.loads(entry)
        if (earlier.get("content_hash"), earlier.get("source")) == (
            seizure.content_hash,
            seizure.prov["source"],
        ):
            return True
    return False


def _party_roles(batch: list[SeizureWrite]) -> dict[str, frozenset[PartyRole]]:
    """Party id -> the roles the batch's records give it (every record, unchanged
    ones too: a load killed between the link transaction and the role labels is
    completed by running it again)."""
    roles: dict[str, set[PartyRole]] = defaultdict(set)
    for seizure in batch:
        for row in seizure.links:
            role = _link_of(row).role
            if role is not None:
                roles[row.target_id].add(role)
    return {party: frozenset(found) for party, found in roles.items()}


def _link_of(row: LinkRow) -> Link:
    link = LINKS_BY_NAME.get(row.link)
    if link is None:
        raise ValueError(f"a link of no known kind: {row.link!r}")
    return link


def _collapse(
    seizures: list[SeizureWrite],
) -> tuple[dict[Label, dict[str, Row]], dict[str, dict[tuple[str, str, int | None], Row]]]:
    """One row per node and per relationship of the batch.

    Hubs (a port, a jurisdiction, a famous mark) appear in most records of a batch;
    sending them once, with the smallest source key and every reporting agency,
    keeps the statements short and the hub nodes from being rewritten per record.
    Each node and relationship also carries the union of the visibility tokens of
    the batch's records that evidence it (`vis`), and a node shown by text as
    written (`DISPLAY_KEYS`) the tokens of the records per text they wrote
    (`labels`), so that the statements can tell who may see the text it keeps.
    """
    nodes: dict[Label, dict[str, Row]] = defaultdict(dict)
    links: dict[str, dict[tuple[str, str, int | None], Row]] = defaultdict(dict)
    for seizure in seizures:
        prov = seizure.prov
        tokens = prov["vis"]
        for row in seizure.links:
            link = _link_of(row)
            node = nodes[link.target].get(row.target_id)
            if node is None:
                node = nodes[link.target][row.target_id] = {
                    "id": row.target_id,
                    "node": row.node,
                    "source": prov["source"],
                    "agencies": [prov["agency"]],
                    "vis": list(tokens),
                    "labels": {},
                }
            else:
                if prov["source"] < node["source"]:
                    node["source"] = prov["source"]
                    node["node"] = row.node
                if prov["agency"] not in node["agencies"]:
                    node["agencies"].append(prov["agency"])
                _merge(node["vis"], tokens)
            display = DISPLAY_KEYS.get(link.target)
            if display is not None and row.node.get(display) is not None:
                _merge(node["labels"].setdefault(row.node[display], []), tokens)
            key = (row.source_id, row.target_id, row.seq)
            edge = links[row.link].get(key)
            if edge is None:
                links[row.link][key] = {
                    "source_id": row.source_id,
                    "target_id": row.target_id,
                    "seq": row.seq,
                    "props": row.props,
                    "prov": prov,
                    "agencies": [prov["agency"]],
                    "vis": list(tokens),
                }
            else:
                if prov["source"] < edge["prov"]["source"]:
                    edge["prov"] = prov
                    edge["props"] = row.props
                if prov["agency"] not in edge["agencies"]:
                    edge["agencies"].append(prov["agency"])
                _merge(edge["vis"], tokens)
    for by_id in nodes.values():
        for node in by_id.values():
            node["labels"] = [{"v": value, "vis": vis} for value, vis in node["labels"].items()]
    return nodes, links


def _merge(into: list[str], tokens: list[str]) -> None:
    for token in tokens:
        if token not in into:
            into.append(token)


def _label_roles(store: GraphStore, new_roles: dict[PartyRole, list[str]]) -> None:
    """Role labels that parties which existed before the batch gained in it, one
    transaction per role (parties created by the batch got theirs then)."""
    for role in PartyRole:
        if new_roles.get(role):
            store.write(queries.role_label_query(role), ids=new_roles[role])


def _existing_roles(
    tx: Tx, roles: dict[str, frozenset[PartyRole]]
) -> dict[str, frozenset[PartyRole]]:
    """The batch's parties that exist already -> the role labels they carry."""
    if not roles:
        return {}
    (row,) = tx.run(queries.EXISTING_PARTIES_QUERY, ids=sorted(roles))
    return {
        party: frozenset(PartyRole(label) for label in labels if label in ROLE_LABELS)
        for party, labels in row["found"]
    }


def _written(tx: Tx, query: str, rows: list[Row]) -> dict[str, str]:
    """Run a statement that writes nodes; node id -> element id."""
    (row,) = tx.run(query, rows=rows)
    return dict(row["written"])


def _write_parties(
    tx: Tx,
    rows: dict[str, Row],
    roles: dict[str, frozenset[PartyRole]],
    existing: dict[str, frozenset[PartyRole]],
) -> dict[str, str]:
    """The batch's Party nodes: new ones created with their role labels, one
    statement per set of roles; those that exist upserted like any node. Party id
    -> element id."""
    by_roles: dict[tuple[PartyRole, ...], list[Row]] = defaultdict(list)
    upserts = []
    for party, row in rows.items():
        if party in existing:
            upserts.append(row)
        else:
            by_roles[tuple(sorted(roles[party]))].append(row)
    written: dict[str, str] = {}
    for combination in sorted(by_roles):
        query = queries.create_parties_query(combination)
        written.update(_written(tx, query, by_roles[combination]))
    if upserts:
        written.update(_written(tx, queries.upsert_nodes_query(Label.PARTY), upserts))
    return written


def _write(
    tx: Tx, batch: list[SeizureWrite], roles: dict[str, frozenset[PartyRole]]
) -> tuple[WriteOutcome, dict[PartyRole, list[str]]]:
    """Write a batch of distinct records (`_versions`); what it was, and the role
    labels existing parties gain."""
    by_id = {seizure.id: seizure for seizure in batch}
    existing = {row["id"]: row for row in tx.run(queries.EXISTING_SEIZURES_QUERY, ids=list(by_id))}
    labelled = _existing_roles(tx, roles)
    new_roles: dict[PartyRole, list[str]] = defaultdict(list)
    for party in sorted(labelled):
        for role in sorted(roles[party] - labelled[party]):
            new_roles[role].append(party)
    outcome = WriteOutcome()
    to_write: list[SeizureWrite] = []
    corrected: list[str] = []
    rows = []
    for seizure in by_id.values():
        before = existing.get(seizure.id)
        history: list[str] = []
        if before is None:
            outcome.loaded += 1
        elif _applied_before(seizure, before["history"]):
            outcome.unchanged += 1
            continue
        elif before["content_hash"] == seizure.content_hash:
            outcome.unchanged += 1
            if before["source"] is not None and seizure.prov["source"] >= before["source"]:
                continue
            # The same record from a source that sorts first (another file, or a
            # loader running alongside): its provenance wins, so the graph does not
            # depend on which loader got there first. Counted as unchanged.
        else:
            outcome.updated += 1
            corrected.append(seizure.id)
            history.append(
                json.dumps(
                    {
                        "content_hash": before["content_hash"],
                        "source": before["source"],
                        "record": before["record"],
                        "superseded_by": seizure.prov["source"],
                    },
                    sort_keys=True,
                )
            )
        to_write.append(seizure)
        rows.append(
            {
                "id": seizure.id,
                "props": seizure.props,
                "history": history,
                # Kept from the first version on: the opaque reference a partner's
                # hit names the seizure by (`graph.exchange`), never its id.
                "reference": f"ref-{secrets.token_hex(10)}",
            }
        )
    if not to_write:
        return outcome, new_roles
    # What the versions written over added to the kept statistics: taken back below.
    counted_before = stats_cells.contributions(tx, [s.id for s in to_write if s.id in existing])
    # Element ids of the nodes written, by label and id: the links find their
    # ends by them.
    element_ids = {Label.SEIZURE: _written(tx, queries.UPSERT_SEIZURES_QUERY, rows)}
    superseded: list[list[Any]] = []
    if corrected:
        [cleared] = tx.run(queries.CLEAR_SEIZURE_LINKS_QUERY, ids=corrected)
        superseded = cleared["targets"]
    nodes, links = _collapse(to_write)
    for label in sorted(nodes):
        if label == Label.PARTY:
            element_ids[label] = _write_parties(tx, nodes[label], roles, labelled)
        else:
            query = queries.upsert_nodes_query(label)
            element_ids[label] = _written(tx, query, list(nodes[label].values()))
    for link in LINKS:
        link_rows = links.get(link.name)
        if link_rows:
            sources, targets = element_ids[link.source], element_ids[link.target]
            (linked,) = tx.run(
                queries.link_query(link.source, link.rel, link.target, ordered=link.ordered),
                rows=[
                    {
                        "a": sources[row["source_id"]],
                        "b": targets[row["target_id"]],
                        "seq": row["seq"],
                        "props": row["props"],
                        # The tokens travel as `vis` (a union), not with the provenance
                        # of the one record that sorts first.
                        "prov": {k: v for k, v in row["prov"].items() if k != "vis"},
                        "agencies": row["agencies"],
                        "vis": row["vis"],
                    }
                    for row in link_rows.values()
                ],
            )
            if linked["linked"] != len(link_rows):
                raise _NodeRewritten(link.name)
    dropped: list[str] = []
    if superseded:
        refresh_after_correction(tx, superseded)
        # The parties the old versions named are resolved again, and their networks
        # worked out again, like those the new versions name.
        dropped = [target for labels, target in superseded if Label.PARTY in labels]
    # What the pipeline's later steps take up (`graph.work`): the parties named, for
    # resolution, and the seizures written, for alerts.
    work.queue(tx, Work.PARTIES, [*nodes.get(Label.PARTY, {}), *dropped])
    work.queue(tx, Work.SEIZURES, [s.id for s in to_write])
    after = stats_cells.contributions(tx, [s.id for s in to_write])
    stats_cells.apply(tx, stats_cells.Delta().add(counted_before, -1).add(after))
    return outcome, new_roles
