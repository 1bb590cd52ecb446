"""Blocking keys and candidate pairs."""

from __future__ import annotations

from itertools import combinations

from graph.resolve.blocking import (
    DEFAULT_MAX_BLOCK,
    MAX_LISTED,
    artefact_keys,
    candidate_pairs,
    name_keys,
)
from graph.resolve.match import WIDE_BLOCK
from tests.resolve import party


def test_name_keys_of_a_company() -> None:
    keys = name_keys(party("Shenzhen Huaxin Trading Co., Ltd."))
    assert {"tok:huaxin", "tok:shenzhen"} <= keys
    # Generic words and legal forms are no keys of their own.
    words = {k for k in keys if not k.startswith(("read:", "name:"))}
    assert not {k for k in words if k.endswith(("trading", "llc", ":co", ":ltd"))}
    assert "pair:huaxin|shenzhen" in keys
    # The whole name read as one word (legal form aside) meets a reading of it.
    assert "read:shenzhenhuaxintrading" in keys
    # The name's words but its fillers (legal forms are no words of it).
    assert "name:shenzhen huaxin trading" in keys
    assert all(
        k.split(":", 1)[0] in {"tok", "ph", "del", "pair", "acr", "read", "name"} for k in keys
    )


def test_a_name_meets_itself_written_with_other_fillers() -> None:
    # "&" is no word and "and" a filler: before, the two shared no key at all.
    amp = name_keys(party("Worldwide Shipping & Transportation Limited", "IR"))
    spelt = name_keys(party("Worldwide Shipping and Transportation Limited", "IR"))
    assert "name:worldwide shipping transportation" in amp & spelt
    # Its one identifying word is a hub ("Iran" names hundreds): the rest meets.
    short = name_keys(party("Iran Electronic Development", "IR"))
    full = name_keys(party("Iran Electronic Development Co.", "IR"))
    assert "name:iran electronic" in short & full
    assert {k for k in short & full if k.startswith("tok:")} == {"tok:iran"}


def test_readings_of_chinese_and_japanese_names_meet_their_latin_forms() -> None:
    # Hong Kong's Cantonese romanisation and Taiwan's Wade-Giles of the characters.
    assert "tok:honcheong" in name_keys(party("漢昌貿易有限公司", "HK"))
    assert "tok:honcheong" in name_keys(party("Hon Cheong Trading Co Ltd", "HK"))
    assert "tok:talin" in name_keys(party("達臨企業有限公司", "TW"))
    assert "tok:talin" in name_keys(party("TA LIN ENTERPRISE CO., LTD.", "TW"))
    # A kanji name, its katakana reading and its Hepburn spelling share one key.
    kanji = name_keys(party("株式会社ユシロ", "JP"))
    kana = name_keys(party("カブシキガイシャユシロ", "JP"))
    latin = name_keys(party("Yushiro Inc.", "JP"))
    assert "read:yushiro" in kanji & kana & latin


def test_chinese_script_meets_the_joined_pinyin() -> None:
    english = name_keys(party("Shenzhen Huaxin Trading Co., Ltd."))
    chinese = name_keys(party("深圳市华信贸易有限公司"))
    assert "tok:huaxin" in chinese
    assert "tok:maoyi" not in chinese and "tok:mao" not in chinese  # 贸易 is "trading"
    assert english & chinese


def test_typos_share_a_key() -> None:
    word = name_keys(party("Guangzhou Chengbao Logistics Co Ltd"))
    for typo in (
        "Chngbao Logistics Co., Ltd.",
        "Guangzhou Chegnbao Logistics",
        "Cheng-Bao Logistic",
    ):
        assert word & name_keys(party(typo)), typo


def test_acronyms_share_a_key() -> None:
    assert name_keys(party("K+N", "HK")) & name_keys(party("Kuehne + Nagel", "HK"))
    assert name_keys(party("DGF", "HK")) & name_keys(party("DHL Global Forwarding", "HK"))


def test_name_of_generic_words_only_still_has_a_key() -> None:
    assert name_keys(party("International Trading Co Ltd")) == {
        "name:international trading",
        "acr:it",
    }


def test_name_keys_are_deterministic() -> None:
    profile = party("Huaxin Trading (Shenzhen) Co Ltd")
    assert name_keys(profile) == name_keys(profile) == name_keys(party(profile.name))


def test_registration_number_meets_across_countries() -> None:
    a = party("A Co", "CN", identifiers=("91440300MA5F0XYZ12",))
    b = party("B Co", None, identifiers=("91440300MA5F0XYZ12",))
    assert artefact_keys(a) & artefact_keys(b) == {"art:id:91440300MA5F0XYZ12"}


def test_candidate_pairs_from_names_and_artefacts() -> None:
    huaxin = party("Shenzhen Huaxin Trading Co., Ltd.")
    chinese = party("深圳华信贸易有限公司")
    front = party("Dongguan Jiaming Electronics Co Ltd", phones=("+8675512345678",))
    principal = party("Shenzhen Runxiang Toys Co Ltd", phones=("+8675512345678",))
    stranger = party("Ningbo Kaijie Industrial Co Ltd")
    pairs = candidate_pairs([huaxin, chinese, front, principal, stranger])
    assert tuple(sorted((huaxin.id, chinese.id))) in pairs
    assert tuple(sorted((front.id, principal.id))) in pairs
    assert all(stranger.id not in pair for pair in pairs)
    assert all(a < b for a, b in pairs)


def test_hub_blocks_are_skipped() -> None:
    # Forty companies of one city share "shenzhen" and nothing else.
    brands = ["Hua", "Xin", "Jia", "Ming", "Long", "Tai", "Fu", "Kang"]
    names = [f"Shenzhen {a}{b.lower()} Trading Co Ltd" for a, b in combinations(brands, 2)]
    profiles = [party(n) for n in names[:40]]
    pairs = candidate_pairs(profiles, max_block=10)
    assert len(pairs) < len(list(combinations(profiles, 2))) / 4
    everything = candidate_pairs(profiles, max_block=1000)
    assert len(everything) == len(list(combinations(profiles, 2)))


def test_every_look_at_holders_stays_within_the_keys_that_list_them() -> None:
    # A key held by more than MAX_LISTED parties lists nobody: resolution's cap and
    # /match's wider look must read only keys that still list their holders.
    assert DEFAULT_MAX_BLOCK < WIDE_BLOCK <= MAX_LISTED
