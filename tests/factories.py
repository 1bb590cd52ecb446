"""Factories for canonical seizure records: tests say what differs, not everything;
and loading them through the real loader."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.load import Loader

if TYPE_CHECKING:
    from graph.store import GraphStore

_counter = itertools.count(1)


def seizure_record(**overrides: Any) -> dict[str, Any]:
    """A valid canonical record (the contract's example shape) with a fresh record_id."""
    number = next(_counter)
    record: dict[str, Any] = {
        "record_id": f"HKCED-2024-{number:06d}",
        "agency": "HK-CED",
        "seizure_date": "2024-08-23",
        "port_of_seizure": "HKHKG",
        "port_of_loading": "Yantian",
        "transit_ports": ["SGSIN"],
        "origin_country": "CN",
        "destination_country": "US",
        "transport_mode": "sea",
        "transport_document": f"MAEU {100000000 + number}",
        "containers": ["MSKU1234565"],
        "goods": [
            {
                "description": "sports shoes",
                "hs_code": "6404.11",
                "quantity": 1200,
                "unit": "pairs",
                "trademarks": ["NIKE"],
            }
        ],
        "value": {"amount": 150000, "currency": "HKD"},
        "trademarks": [{"mark": "NIKE", "rights_holder": "Nike Inc."}],
        "shipper": {
            "name": "Shenzhen Huaxin Trading Co., Ltd.",
            "country": "CN",
            "phone": "+86 755 1234 5678",
        },
        "consignee": {"name": "Pacific Coast Distributors LLC", "country": "US"},
        "handling": {"tlp": "AMBER", "releasable_to": ["US-CBP"]},
    }
    record.update(overrides)
    return record


def write_ndjson(path: Path, records: list[dict[str, Any]] | list[str]) -> Path:
    """Write records (dicts, or raw lines as given) one per line."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def load_records(
    store: GraphStore, tmp_path: Path, records: list[dict[str, Any]], **loader: Any
) -> None:
    """Load `records` through the real loader, from a feed file of their own
    (`feed.ndjson`, then `feed2.ndjson`...); every one of them must load."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    feed, number = tmp_path / "feed.ndjson", 1
    while feed.exists():
        number += 1
        feed = tmp_path / f"feed{number}.ndjson"
    write_ndjson(feed, records)
    report = Loader(store, tmp_path / "quarantine", **loader).load_file(feed)
    assert (report.loaded, report.quarantined) == (len(records), 0), report.reasons
