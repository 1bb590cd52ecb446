"""A record's versions over HTTP, each shown by its own handling."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from api.app import create_app
from graph.config import Settings
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import auth, new_key, serve_in_thread


def test_history_shows_the_versions_each_agency_may_see(store: GraphStore, tmp_path: Path) -> None:
    red = seizure_record(record_id="H/1", handling={"tlp": "RED"}, port_of_seizure="HKHKG")
    green = {**red, "handling": {"tlp": "GREEN"}, "port_of_seizure": "MOMFM"}
    amber = {**red, "handling": {"tlp": "AMBER", "releasable_to": ["US-CBP"]}}
    # Three versions of one record in one feed, applied in order.
    load_records(store, tmp_path / "feeds", [red, green, amber])
    seizure = "HK-CED:H/1"
    keys = {agency: new_key(store, agency=agency) for agency in ("HK-CED", "US-CBP", "MO-CS")}
    with serve_in_thread(create_app(Settings(data_dir=tmp_path), store=store)) as base_url:

        def history(agency: str, seizure_id: str = seizure) -> httpx.Response:
            return httpx.get(
                f"{base_url}/v1/seizures/{seizure_id}/history", headers=auth(keys[agency])
            )

        own = history("HK-CED")
        assert own.status_code == 200, own.text
        versions = own.json()["versions"]
        assert [(v["version"], v["tlp"], v["current"]) for v in versions] == [
            (1, "RED", False),
            (2, "GREEN", False),
            (3, "AMBER", True),
        ]
        assert versions[0]["record"]["port_of_seizure"] == "HKHKG"
        assert versions[1]["record"]["port_of_seizure"] == "MOMFM"
        assert all(v["source"] for v in versions)

        # US-CBP: the current version was released to it, the GREEN one is for
        # everyone, the RED one is HK-CED's alone: not shown, not counted, no gap.
        partner = history("US-CBP")
        assert partner.status_code == 200, partner.text
        body = partner.json()
        assert [(v["version"], v["tlp"]) for v in body["versions"]] == [(1, "GREEN"), (2, "AMBER")]
        assert "RED" not in json.dumps(body) and "HKHKG" not in json.dumps(body["versions"][0])
        assert versions[0]["source"] not in partner.text

        # MO-CS may not see the record at all: as if there were none.
        hidden = history("MO-CS")
        assert hidden.status_code == 404
        unknown = history("HK-CED", "HK-CED:NOPE")
        assert unknown.status_code == 404
        assert hidden.json()["detail"] == unknown.json()["detail"].replace("NOPE", "H/1")

        # The seizure itself still answers at its own route.
        one = httpx.get(f"{base_url}/v1/seizures/{seizure}", headers=auth(keys["US-CBP"]))
        assert one.status_code == 200 and one.json()["id"] == seizure
