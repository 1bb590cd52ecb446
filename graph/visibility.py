"""Keeping who-may-see-what right in the graph, and showing nodes within it.

The loader adds each record's visibility tokens (`ingest.handling`) to every element
it evidences (`vis`, a union), which is right as long as records only arrive. A
corrected record can take tokens away (a record made RED, a party no longer named):
`refresh_after_correction` works out again, in the same transaction, every element
the old version evidenced, from the records that evidence it now.

Nodes shown by text as a record wrote it (`graph.model.DISPLAY_KEYS`: a party's
name, a mark, a rights holder, a port's name) keep in `label_vis` the tokens of the
records that wrote exactly that text. `display_label` shows the text to a viewer
who may see one of those records, and otherwise a form every record naming the node
shares; for a party, `visible_names` finds a spelling a visible record wrote.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from graph import queries
from graph.access import Viewer
from graph.model import DISPLAY_KEYS, SYSTEM_LABELS, Label
from graph.store import GraphStore, Tx


def _by_label(targets: Iterable[list[Any]]) -> dict[Label, set[str]]:
    """`[labels, id]` pairs as statements return them -> ids per record label."""
    found: dict[Label, set[str]] = defaultdict(set)
    known = {label.value: label for label in Label}
    for labels, node_id in targets:
        for name in labels:
            label = known.get(name)
            if label is not None and label not in SYSTEM_LABELS:
                found[label].add(node_id)
                break
    return found


def refresh_after_correction(tx: Tx, targets: Iterable[list[Any]]) -> None:
    """Work out again who may see the nodes `targets` (what the corrected records'
    old versions linked to), the links that hang off them, and what those lead to.

    Run after the new versions are written: the nodes first (from their links),
    then the links derived from them (a party's artefacts, a mark's owners, a
    port's or agency's jurisdiction), then the nodes those lead to.
    """
    direct = _by_label(targets)
    for label, ids in sorted(direct.items()):
        tx.run(queries.recompute_vis_query(label), ids=sorted(ids))
    derived: list[list[Any]] = []
    if direct.get(Label.PARTY):
        [row] = tx.run(queries.RECOMPUTE_ARTEFACT_LINKS_QUERY, ids=sorted(direct[Label.PARTY]))
        derived += row["targets"]
    if direct.get(Label.TRADEMARK):
        [row] = tx.run(queries.RECOMPUTE_OWNERS_QUERY, ids=sorted(direct[Label.TRADEMARK]))
        derived += row["targets"]
    for label in queries.JURISDICTION_HOLDERS:
        if direct.get(label):
            [row] = tx.run(
                queries.recompute_jurisdiction_links_query(label), ids=sorted(direct[label])
            )
            derived += row["targets"]
    for label, ids in sorted(_by_label(derived).items()):
        tx.run(queries.recompute_vis_query(label), ids=sorted(ids))


# --- showing a node ----------------------------------------------------------------------


def shared_form(label: str, node_id: str, props: dict[str, Any]) -> str:
    """What every record naming a node of `label` shares: the form it is shown by to
    a viewer who may not see the text it keeps."""
    if label == Label.PORT:
        return str(props.get("locode") or node_id.removeprefix("unresolved:"))
    for prefix in ("tm:", "rh:", "party:"):
        if node_id.startswith(prefix):
            return node_id[len(prefix) :] if prefix != "party:" else node_id
    return node_id


def label_visible(viewer: Viewer, props: dict[str, Any]) -> bool:
    return viewer.sees(props.get("label_vis"))


def display_props(viewer: Viewer, label: str, props: dict[str, Any]) -> dict[str, Any]:
    """`props` with the text of a `DISPLAY_KEYS` node replaced by a form every record
    shares when no record the viewer sees wrote it (a party's name is then replaced
    by its id: `visible_names` finds a spelling). `label_vis` and `vis` are dropped:
    who else may see an element is not the viewer's business."""
    shown = {k: v for k, v in props.items() if k not in ("label_vis", "vis")}
    try:
        key = DISPLAY_KEYS.get(Label(label))
    except ValueError:
        key = None
    if key is not None and shown.get(key) is not None and not label_visible(viewer, props):
        shown[key] = shared_form(label, str(props.get("id", "")), props)
        shown["name_hidden"] = True
    return shown


def visible_names(store: GraphStore, viewer: Viewer, party_ids: Iterable[str]) -> dict[str, str]:
    """Party id -> a spelling of its name that a record the viewer sees wrote (the
    earliest such record's), for parties whose kept name the viewer may not see."""
    ids = sorted(set(party_ids))
    if not ids:
        return {}
    rows = store.read(queries.VISIBLE_PARTY_NAMES_QUERY, ids=ids, see=viewer.see)
    return {pid: min(seen)[2] for pid, seen in rows[0]["names"] if seen}
