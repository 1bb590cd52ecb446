"""A seizure record's versions: the one the graph holds and those it replaced.

The loader keeps each version a later one replaced in the seizure's `history`
(`graph.write`): its record as it was, its source (file sha256 and line) and its
content hash. A caller sees the versions its agency may see by each version's own
handling (a RED first version stays the reporting agency's, even when a later
version is GREEN); the others are neither shown nor counted, and the versions
shown are numbered among themselves, so that no gap tells of one withheld.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from graph import queries
from graph.access import Viewer, record_tokens
from graph.errors import NotFound
from graph.store import GraphStore


@dataclass(frozen=True)
class SeizureVersion:
    version: int  # 1 for the oldest the caller may see
    current: bool  # the version the graph holds now
    source: str | None  # the file's sha256 and the line that gave it
    tlp: str | None
    releasable_to: list[str]
    record: dict[str, Any]  # the canonical record as that version said it


@dataclass(frozen=True)
class SeizureHistory:
    id: str
    versions: list[SeizureVersion]  # oldest first


def _handling(record: dict[str, Any]) -> tuple[str | None, list[str]]:
    handling = record.get("handling") or {}
    return handling.get("tlp"), list(handling.get("releasable_to") or [])


def _loads(text: Any) -> dict[str, Any]:
    try:
        value = json.loads(text) if isinstance(text, str) else text
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def seizure_history(store: GraphStore, viewer: Viewer, seizure_id: str) -> SeizureHistory:
    """The versions of the seizure `seizure_id` the viewer may see, oldest first;
    NotFound when the viewer may not see the seizure (as for one that is not)."""
    rows = store.read(queries.SEIZURE_HISTORY_QUERY, id=seizure_id, see=viewer.see)
    if not rows:
        raise NotFound(f"No seizure has the id {seizure_id!r}.")
    row = rows[0]
    shown: list[tuple[str | None, str | None, list[str], dict[str, Any]]] = []
    for entry in row["history"] or []:
        earlier = _loads(entry)
        record = _loads(earlier.get("record"))
        tlp, releasable = _handling(record)
        if tlp is None:
            continue  # a version that says no handling is shown to nobody
        if viewer.sees(record_tokens(row["agency"], tlp, releasable)):
            shown.append((earlier.get("source"), tlp, releasable, record))
    # The version held now is visible (the statement found the seizure); its
    # handling is the seizure's.
    shown.append(
        (row["source"], row["tlp"], list(row["releasable_to"] or []), _loads(row["record"]))
    )
    return SeizureHistory(
        id=row["id"],
        versions=[
            SeizureVersion(
                version=number,
                current=number == len(shown),
                source=source,
                tlp=tlp,
                releasable_to=releasable,
                record=record,
            )
            for number, (source, tlp, releasable, record) in enumerate(shown, start=1)
        ],
    )
