"""Who may see what is kept right in the graph: as records arrive, when one is
corrected, and in what a node is shown by."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.access import OPERATOR, Viewer
from graph.analysis.neighbourhood import neighbourhood
from graph.errors import NotFound
from graph.lookup import search
from graph.resolve.entities import entity
from graph.resolve.service import resolve
from graph.seizures import get_seizure
from graph.store import GraphStore
from graph.summary import summarise
from ingest.normalise import PortResolver
from ingest.normalised import party_identity
from tests.factories import load_records, seizure_record

HK, CBP, MACAO = Viewer("HK-CED"), Viewer("US-CBP"), Viewer("MO-CS")
SHIPPER = {
    "name": "Ostrava Lantern Trading Co., Ltd.",
    "country": "CN",
    "phone": "+86 755 2222 3333",
    "email": "sales@ostrava-lantern.cn",
    "address": "Rm 9, 1 Lantern Road, Shenzhen",
    "registration_id": "91440300MA5OSTRAVA",
}


def _record(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "record_id": "V-1",
        "case_ref": "OP-LANTERN",
        "shipper": SHIPPER,
        "containers": ["TGHU1234560"],
        "handling": {"tlp": "GREEN", "releasable_to": []},
    }
    return seizure_record(**{**fields, **overrides})


def _pid() -> str:
    return party_identity(SHIPPER["name"], "CN").id


def _labels(store: GraphStore, viewer: Viewer) -> dict[str, int]:
    return summarise(store, viewer).labels


def test_a_record_made_red_takes_everything_only_it_said_away_from_the_others(
    store: GraphStore, tmp_path: Path
) -> None:
    load_records(store, tmp_path / "v1", [_record()])
    around = neighbourhood(store, CBP, _pid(), depth=1)
    kinds = {node.type for node in around.nodes}
    assert {"Phone", "Email", "Address", "Identifier", "Seizure"} <= kinds
    assert _labels(store, CBP)["Case"] == 1
    # The same record, corrected: now RED.
    load_records(store, tmp_path / "v2", [_record(handling={"tlp": "RED", "releasable_to": []})])
    for viewer in (CBP, MACAO):
        labels = _labels(store, viewer)
        for label in ("Seizure", "Party", "Phone", "Email", "Address", "Identifier", "Case"):
            assert label not in labels, (viewer, label)
        try:
            neighbourhood(store, viewer, _pid(), depth=1)
            raise AssertionError("the party is still there for another agency")
        except NotFound:
            pass
    # Hong Kong, which reported it, sees it all still.
    assert {"Phone", "Email", "Address", "Identifier", "Case"} <= set(_labels(store, HK))
    assert get_seizure(store, HK, "HK-CED:V-1").handling.tlp == "RED"


def test_a_correction_that_drops_a_phone_drops_its_link(store: GraphStore, tmp_path: Path) -> None:
    load_records(store, tmp_path / "v1", [_record()])
    without = {key: value for key, value in SHIPPER.items() if key != "phone"}
    load_records(store, tmp_path / "v2", [_record(shipper=without)])
    around = neighbourhood(store, OPERATOR, _pid(), depth=1)
    assert "Phone" not in {node.type for node in around.nodes}
    assert "Phone" not in _labels(store, HK)


def test_a_name_only_an_unseen_record_spelled_is_never_shown(
    store: GraphStore, tmp_path: Path
) -> None:
    """The party is first named by Hong Kong's RED record, then by a GREEN one that
    spells it otherwise: CBP sees the party by the GREEN spelling only."""
    secret = "OSTRAVA LANTERN TRADING CO LTD"
    open_spelling = "Ostrava Lantern Trading Co Ltd"
    assert party_identity(secret, "CN").id == party_identity(open_spelling, "CN").id
    red = seizure_record(
        record_id="R-1",
        shipper={"name": secret, "country": "CN"},
        handling={"tlp": "RED", "releasable_to": []},
    )
    green = seizure_record(
        record_id="G-1",
        agency="US-CBP",
        shipper={"name": open_spelling, "country": "CN"},
        handling={"tlp": "GREEN", "releasable_to": []},
    )
    load_records(store, tmp_path / "a", [red])
    load_records(store, tmp_path / "b", [green])
    resolve(store)
    pid = party_identity(open_spelling, "CN").id
    shown = neighbourhood(store, CBP, pid, depth=1)
    party = next(node for node in shown.nodes if node.id == pid)
    assert party.label == open_spelling and secret not in repr(shown)
    assert entity(store, CBP, pid).members[0]["name"] == open_spelling
    names = {row["name"] for row in entity(store, CBP, pid).names}
    assert names == {open_spelling}
    hits = search(
        store,
        CBP,
        "Ostrava Lantern",
        types=["party"],
        jurisdiction=None,
        limit=5,
        ports=PortResolver.default(),
    )
    assert [hit.label for hit in hits] == [open_spelling]
    # Hong Kong sees both, and the name kept: the RED record's.
    assert {row["name"] for row in entity(store, HK, pid).names} == {secret, open_spelling}
    assert neighbourhood(store, HK, pid, depth=1).nodes[0].label == secret


def test_a_link_resting_on_a_red_record_binds_only_for_its_agency(
    store: GraphStore, tmp_path: Path
) -> None:
    """Two spellings in two scripts, each written openly, are linked through a phone
    only Hong Kong's RED records give them: one entity for Hong Kong; for CBP, two
    parties and no link, nor anything that says there was one."""
    latin, chinese = "Shenzhen Huaxin Trading Co., Ltd.", "深圳华信贸易有限公司"
    phone = "+86 755 1234 5678"

    def named(record_id: str, name: str, tlp: str, **party: Any) -> dict[str, Any]:
        return seizure_record(
            record_id=record_id,
            shipper={"name": name, "country": "CN", **party},
            handling={"tlp": tlp, "releasable_to": []},
        )

    load_records(
        store,
        tmp_path,
        [
            named("O-1", latin, "GREEN"),
            named("O-2", chinese, "GREEN"),
            named("S-1", latin, "RED", phone=phone),
            named("S-2", chinese, "RED", phone=phone),
        ],
    )
    resolve(store)
    a, b = (party_identity(name, "CN").id for name in (latin, chinese))
    hk = entity(store, HK, a)
    assert {m["id"] for m in hk.members} == {a, b}
    assert any("phone" in (link["explanation"] or "") for link in hk.links)
    cbp = entity(store, CBP, a)
    assert [m["id"] for m in cbp.members] == [a]
    assert cbp.links == [] and cbp.suggestions == []
    assert entity(store, CBP, b).id == b
    # Nor in a walk: no SAME_AS, no phone.
    around = neighbourhood(store, CBP, a, depth=2)
    assert {edge.type for edge in around.edges}.isdisjoint({"SAME_AS", "HAS_PHONE"})
    assert "+8675512345678" not in repr(around)


def test_a_busy_node_is_a_hub_by_what_the_viewer_sees_of_it(
    store: GraphStore, tmp_path: Path
) -> None:
    """A container in 70 open seizures and 50 of Hong Kong's RED ones: more than
    `HUB_DEGREE` relationships in all, so its degree is counted again over what the
    viewer sees. For CBP it has 70 and is no hub, so a walk goes on through it; for
    Hong Kong 120, a hub where a walk stops. (Asked twice: the second count is the
    one kept for a minute.)"""
    box = "TGHU1234560"
    records = [
        _record(record_id=f"OPEN-{n}", containers=[box], handling={"tlp": "GREEN"})
        for n in range(70)
    ] + [
        _record(record_id=f"RED-{n}", containers=[box], handling={"tlp": "RED"}) for n in range(50)
    ]
    load_records(store, tmp_path, records)
    for viewer, degree, hub in ((CBP, 70, False), (HK, 120, True), (CBP, 70, False)):
        around = neighbourhood(store, viewer, "HK-CED:OPEN-0", depth=2)
        [node] = [node for node in around.nodes if node.type == "Container"]
        assert (node.degree, node.hub, node.expanded) == (degree, hub, not hub), viewer
