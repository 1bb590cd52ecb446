"""Profiles from what the loader writes, and names taken apart."""

from __future__ import annotations

from typing import Any

from graph.resolve.profile import (
    is_pinyin,
    name_parts,
    party_mentions,
    pinyin_syllables,
    profiles_from_writes,
)
from ingest.normalised import Normaliser, Source
from ingest.record import SeizureRecord
from ingest.rows import SeizureWrite
from tests.factories import seizure_record


def writes(*records: dict[str, Any]) -> list[SeizureWrite]:
    normaliser = Normaliser()
    return [
        normaliser.to_write(SeizureRecord.model_validate(r), Source("feed.ndjson", "0" * 64, n))
        for n, r in enumerate(records, 1)
    ]


def test_profiles_gather_artefacts_roles_and_counterparties() -> None:
    shipper = {"name": "Shenzhen Huaxin Trading Co., Ltd.", "country": "CN"}
    first = seizure_record(shipper={**shipper, "phone": "+86 755 1234 5678"})
    second = seizure_record(
        shipper={**shipper, "phone": "0755-87654321", "registration_id": "91440300MA5F0XYZ12"},
        manufacturers=[{"name": "Dongguan Runxiang Shoes Co Ltd"}],
    )
    done = writes(first, second)
    profiles = {p.name: p for p in profiles_from_writes(done)}
    huaxin = profiles["Shenzhen Huaxin Trading Co., Ltd."]
    assert huaxin.name_key == "shenzhen huaxin trading llc"
    assert huaxin.country == "CN"
    assert huaxin.phones == {"tel:+8675512345678", "tel:+8675587654321"}
    assert huaxin.identifiers == {"id:CN:91440300MA5F0XYZ12"}
    assert huaxin.roles == {"shipper"}
    maker = profiles["Dongguan Runxiang Shoes Co Ltd"]
    assert maker.roles == {"manufacturer"} and maker.country is None
    assert maker.id in huaxin.counterparties and huaxin.id in maker.counterparties
    mentions = party_mentions(done[1])
    assert mentions[(done[1].id, "shipper", 0)] == huaxin.id
    assert mentions[(done[1].id, "manufacturer", 0)] == maker.id


def test_name_parts() -> None:
    parts = name_parts("shen zhen shi hua xin mao yi llc")
    assert parts.identifying == ("shen", "zhen", "shi", "hua", "xin")
    assert list(parts.groups[-2:]) == ["trade", "trade"]
    assert parts.legal_forms == {"llc"}
    # Read from the end: 实业 (industrial), not 服饰 (apparel) + 业.
    assert name_parts("xiang fu shi ye llc").identifying == ("xiang", "fu")
    assert name_parts("huaxin trading h k llc").places == {"HK"}
    assert name_parts("crescent imports pvt llc").identifying == ("crescent",)
    assert name_parts("wang xiao ming").person_like
    assert not name_parts("wang xiao ming trading").person_like


def test_pinyin() -> None:
    assert is_pinyin("huaxin") and is_pinyin("hengtian") and is_pinyin("xi")
    assert not is_pinyin("hauxin") and not is_pinyin("snezhi") and not is_pinyin("")


def test_pinyin_syllables_are_the_fewest_a_word_reads_as() -> None:
    assert pinyin_syllables("yuanbao") == 2  # yuan-bao, not yu-an-bao
    assert pinyin_syllables("diabase") == 4  # di-a-ba-se
    assert pinyin_syllables("guangzhou") == 2
    assert pinyin_syllables("hauxin") is None
    assert pinyin_syllables("") is None
