"""What keeps two companies apart on their names, and what a shared artefact says
when the names are in two scripts that no reading links (issue 26)."""

from __future__ import annotations

from graph.resolve.score import AUTO_THRESHOLD, REVIEW_THRESHOLD, compare
from tests.resolve import party


def test_a_group_or_holding_is_not_the_company_it_holds_on_the_name_alone() -> None:
    for other in ("Toyo Kohan Group Co., Ltd.", "Toyo Kohan Holdings Co., Ltd."):
        result = compare(party("Toyo Kohan Co., Ltd.", "JP"), party(other, "JP"))
        assert REVIEW_THRESHOLD <= result.score < AUTO_THRESHOLD, other
        assert "name_distinguishing" in result.features
        assert "tell a company from its namesake" in result.explanation
    shared = compare(
        party("Toyo Kohan Co., Ltd.", "JP", identifiers=("5010401",)),
        party("Toyo Kohan Group Co., Ltd.", "JP", identifiers=("5010401",)),
    )
    assert shared.score >= AUTO_THRESHOLD


def test_a_place_that_is_the_partys_own_country_says_nothing() -> None:
    result = compare(party("Huaxin Trading (HK) Ltd", "HK"), party("Huaxin Trading Ltd", "HK"))
    assert result.score >= AUTO_THRESHOLD
    assert "place_omission" not in result.features


def test_a_translated_name_is_linked_only_by_a_shared_registration_number() -> None:
    alone = compare(party("CYNOSURE ENTERPRISE CO., LTD.", "TW"), party("元漢企業有限公司", "TW"))
    assert alone.score < REVIEW_THRESHOLD
    phone = compare(
        party("CYNOSURE ENTERPRISE CO., LTD.", "TW", phones=("+886212345678",)),
        party("元漢企業有限公司", "TW", phones=("+886212345678",)),
    )
    assert REVIEW_THRESHOLD <= phone.score < AUTO_THRESHOLD
    assert "a suggestion at most" in phone.explanation
    registered = compare(
        party("CYNOSURE ENTERPRISE CO., LTD.", "TW", identifiers=("12345678",)),
        party("元漢企業有限公司", "TW", identifiers=("12345678",)),
    )
    assert registered.score >= AUTO_THRESHOLD
    assert "no reading links the two scripts" in registered.explanation


def test_chinese_names_that_read_alike_in_pinyin_are_two_names() -> None:
    # (Two such names with one legal form make one Party node at ingest: the party's
    # identity is its comparison form, which writes Han in pinyin.)
    result = compare(party("勝源企業有限公司", "TW"), party("盛圓企業股份有限公司", "TW"))
    assert result.score < REVIEW_THRESHOLD
    assert "name_homophone" in result.features
    # Simplified and traditional forms of one name are one name.
    same = compare(party("深圳华信贸易有限公司", "CN"), party("深圳華信貿易有限公司", "CN"))
    assert same.score >= AUTO_THRESHOLD


def test_cantonese_readings_are_for_hong_kong_and_macao_names() -> None:
    hong_kong = compare(party("漢昌貿易有限公司", "HK"), party("HON CHEONG TRADING LIMITED", "HK"))
    assert hong_kong.score >= AUTO_THRESHOLD
    assert "Cantonese" in hong_kong.explanation
    taiwan = compare(party("漢昌貿易有限公司", "TW"), party("HON CHEONG TRADING LIMITED", "TW"))
    assert taiwan.score < AUTO_THRESHOLD


def test_two_letters_swapped_in_a_short_name_may_be_another_name() -> None:
    result = compare(party("MIURA CO.,LTD.", "JP"), party("IMURA & Co., Ltd.", "JP"))
    assert result.score < AUTO_THRESHOLD
