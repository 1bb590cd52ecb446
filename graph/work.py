"""Work the loader leaves for the pipeline's later steps: the parties a batch named,
for entity resolution; the seizures it wrote, for the alerts step.

A batch's transaction writes one `Queued` node per kind of work, holding the ids;
a step reads the nodes of its kind (`queued`) and deletes those it has done
(`done`) once it has done them, so a run stopped on the way leaves its work queued
and the next run does it. Work queued while a step runs is in nodes the step did not
read, and waits for the next run.

Earlier versions flagged each Party (`er_queued`, before it `er_pending`) and each
Seizure (`alert_queued`), and every step scanned every party or seizure for the
flags: 0.2 to 0.3 s at 100k records on every push, however small. A graph they
left is taken over once, with the schema (`adopt_flags`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial

from graph import queries
from graph.errors import ConstraintViolation
from graph.store import GraphStore, Tx

# Set once the flags of earlier versions are in the queue (a graph without it was
# left by one of them).
ADOPTED = "queued:flags-adopted"
_BATCH = 5000


class Work(StrEnum):
    PARTIES = "parties"  # to resolve
    SEIZURES = "seizures"  # to raise alerts about
    MARKER = "marker"  # not work: `ADOPTED`


@dataclass
class Queued:
    """The work of one kind that was queued when it was read: the ids (sorted, once
    each), whether every party is to be resolved (a full run), and the nodes that
    held it (`done` deletes them)."""

    ids: list[str] = field(default_factory=list)
    everything: bool = False
    nodes: list[str] = field(default_factory=list)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def queue(tx: Tx, kind: Work, ids: list[str], *, everything: bool = False) -> None:
    """Queue `ids` for `kind` in the transaction `tx` (the loader's, or one of its
    own: `store.execute_write`), in nodes of at most `_BATCH` ids; `everything`:
    every party, for a run that resolves them all. Nothing is written for no ids."""
    if not ids and not everything:
        return
    wanted = sorted(set(ids))
    for start in range(0, max(len(wanted), 1), _BATCH):
        params = {
            "id": f"queued:{uuid.uuid4().hex}",
            "kind": kind.value,
            "ids": wanted[start : start + _BATCH],
            "everything": everything,
            "at": _now(),
        }
        tx.run(queries.QUEUE_WORK_QUERY, **params)


def queued(store: GraphStore, kind: Work) -> Queued:
    """The work of `kind` queued now."""
    out = Queued()
    ids: set[str] = set()
    for row in store.read(queries.QUEUED_WORK_QUERY, kind=kind.value):
        out.nodes.append(row["id"])
        ids.update(row["ids"] or [])
        out.everything |= bool(row["everything"])
    if out.everything:
        ids = {row["id"] for row in store.read(queries.ALL_PARTY_IDS_QUERY)}
    out.ids = sorted(ids)
    return out


def done(store: GraphStore, work: Queued) -> None:
    """Take the nodes of `work` off the queue."""
    for start in range(0, len(work.nodes), _BATCH):
        store.write(queries.DONE_WORK_QUERY, ids=work.nodes[start : start + _BATCH])


def adopt_flags(store: GraphStore) -> int:
    """Queue what a graph left by an earlier version flagged as queued, once (a
    marker says it was done); returns how many parties and seizures. The flags are
    removed after the ids are queued: a run stopped between the two queues them
    again, which only does the same work twice."""
    if store.read(queries.QUEUE_MARKER_QUERY, id=ADOPTED):
        return 0
    adopted = 0
    for kind, flagged, unflag in (
        (Work.PARTIES, queries.FLAGGED_PARTIES_QUERY, queries.UNFLAG_PARTIES_QUERY),
        (Work.SEIZURES, queries.FLAGGED_SEIZURES_QUERY, queries.UNFLAG_SEIZURES_QUERY),
    ):
        [row] = store.read(flagged)
        ids = sorted(row["ids"] or [])
        store.execute_write(partial(queue, kind=kind, ids=ids))
        for start in range(0, len(ids), _BATCH):
            store.write(unflag, ids=ids[start : start + _BATCH])
        adopted += len(ids)
    # Another process starting at the same moment may have set it.
    with contextlib.suppress(ConstraintViolation):
        store.write(queries.SET_QUEUE_MARKER_QUERY, id=ADOPTED, kind=Work.MARKER.value, at=_now())
    return adopted
