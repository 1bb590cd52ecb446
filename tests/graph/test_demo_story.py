"""The demo's records (`ingest/examples/seizures.ndjson`) tell the story the issue
of the analyst's loop asked for, on the real embedded server: the Huaxin network
holds the company under its four spellings, its Hong Kong consignee and its
makers; the Hong Kong forwarder, seized once with Huaxin and once with an
unrelated Rotterdam shipment, is not a member and brings nothing of Rotterdam's."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from graph import pipeline
from graph.access import OPERATOR
from graph.analysis.networks import list_networks, party_networks
from graph.resolve.service import party_clusters
from graph.store import GraphStore
from ingest.normalised import party_identity
from tests.factories import load_records

EXAMPLES = Path(str(resources.files("ingest") / "examples" / "seizures.ndjson"))
HUAXIN_FORMS = [
    ("Shenzhen Huaxin Trading Co., Ltd.", "CN"),
    ("SHENZHEN HUAXIN TRADING CO LTD", "CN"),
    ("深圳华信贸易有限公司", "CN"),
    ("Huaxin Trading (Shenzhen) Co Ltd", "CN"),
]


def _examples() -> list[dict[str, Any]]:
    return [json.loads(line) for line in EXAMPLES.read_text(encoding="utf-8").splitlines()]


def test_the_forwarder_is_no_member_and_huaxin_is_one_entity(
    store: GraphStore, tmp_path: Path
) -> None:
    records = _examples()
    # One more spelling without its city: alone it stays apart (checked: two
    # entities without the number), one with the registration number it shares
    # with the first record's shipper.
    respelled = dict(records[0])
    respelled["record_id"] = "HKCED-2025-000999"
    respelled["seizure_date"] = "2025-07-01"
    respelled["shipper"] = {
        "name": "HUAXIN TRADING CO LTD",
        "country": "CN",
        "registration_id": records[0]["shipper"]["registration_id"],
    }
    load_records(store, tmp_path, [*records, respelled])
    pipeline.refresh(store)

    entity_of = party_clusters(store)
    forms = [*HUAXIN_FORMS, ("HUAXIN TRADING CO LTD", "CN")]
    huaxin = {entity_of[party_identity(name, country).id] for name, country in forms}
    assert len(huaxin) == 1, "one company, one entity"

    [network] = list_networks(store, OPERATOR).items
    assert network.label == "Shenzhen Huaxin Trading Co., Ltd."
    assert "NL" not in network.jurisdictions  # Rotterdam's seizure is not Huaxin's
    members = {pid for pid, nid in party_networks(store).items() if nid == network.id}
    assert party_identity("Kerry Logistics (Hong Kong) Ltd", None).id not in members
    assert party_identity("Golden Harbour Trading (HK) Limited", "HK").id in members
    assert party_identity("Ningbo Everbright Electronics Co., Ltd.", "CN").id not in members
