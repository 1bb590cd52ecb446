"""Pairwise scoring on the hard cases of customs party names."""

from __future__ import annotations

import pytest

from graph.resolve.score import (
    AUTO_THRESHOLD,
    REVIEW_THRESHOLD,
    compare,
    match_names,
    name_similarity,
)
from ingest.normalise import comparison_form
from tests.resolve import party

HUAXIN = "Shenzhen Huaxin Trading Co., Ltd."


def auto(a: str, b: str) -> bool:
    return compare(party(a), party(b)).score >= AUTO_THRESHOLD


@pytest.mark.parametrize(
    "variant",
    [
        "SHENZHEN HUAXIN TRADING CO LTD",
        "Shenzhen Huaxin Trading Company Limited",
        "Shenzhen Huaxin Trading",  # legal form dropped
        "Huaxin Trading (Shenzhen) Co., Ltd.",  # word order
        "Shenzhen Hua Xin Trading Co Ltd",  # split pinyin
        "Shenzhen Hua-Xin Trade Co., Limited",  # split, industry variant
        "深圳华信贸易有限公司",  # Chinese script (simplified)
        "深圳市華信貿易有限公司",  # traditional, with 市
        "Shenzhen Hauxin Trading Co., Ltd.",  # two letters swapped
    ],
)
def test_spellings_of_one_company_link_on_the_name(variant: str) -> None:
    assert auto(HUAXIN, variant)


def test_abbreviations_and_synonyms() -> None:
    base = "Shenzhen Huaxin Import & Export Co., Ltd."
    for variant in ("Shenzhen Huaxin Imp & Exp Co Ltd", "SHENZHEN HUAXIN I/E CO LTD"):
        assert name_similarity(comparison_form(base), comparison_form(variant)) > 0.95
        assert auto(base, variant)
    assert auto("Dongguan Runxiang Shoes Co., Ltd.", "Dongguan Runxiang Footwear Co Ltd")


def test_hong_kong_markers() -> None:
    name = "Huaxin International Trading (HK) Limited"
    for variant in ("Huaxin Intl Trading (H.K.) Ltd", "HUAXIN INT'L TRADING HONG KONG LTD"):
        assert compare(party(name, "HK"), party(variant, "HK")).score >= AUTO_THRESHOLD
    # A mainland company without a country cannot be told from the Hong Kong arm.
    mainland = compare(party(name, "HK"), party("Huaxin International Trading Co Ltd", None))
    assert mainland.score < AUTO_THRESHOLD
    assert "place_omission" in mainland.features


def test_distractor_in_another_city_is_not_auto_even_with_a_near_name() -> None:
    other_city = compare(party(HUAXIN), party("Guangzhou Huaxin Trading Co., Ltd."))
    assert other_city.score < REVIEW_THRESHOLD
    assert "name_conflict" in other_city.features
    assert "shenzhen / guangzhou" in other_city.explanation
    near_name = compare(party(HUAXIN), party("Shenzhen Huaxing Trading Co., Ltd."))
    assert near_name.score < AUTO_THRESHOLD
    other_business = compare(party(HUAXIN), party("Shenzhen Huaxin Electronics Co., Ltd."))
    assert other_business.score < REVIEW_THRESHOLD


def test_dropped_city_needs_an_artefact() -> None:
    plain = compare(party(HUAXIN), party("Huaxin Trading Co Ltd"))
    assert REVIEW_THRESHOLD <= plain.score < AUTO_THRESHOLD
    assert "only one name has shenzhen" in plain.explanation
    with_phone = compare(
        party(HUAXIN, phones=("+8675512345678",)),
        party("Huaxin Trading Co Ltd", phones=("+8675512345678",)),
    )
    assert with_phone.score >= AUTO_THRESHOLD
    assert with_phone.features["shared_phone"] == 1.0


def test_shared_phone_lifts_a_typo_but_not_another_name() -> None:
    phone = ("+8675512345678",)
    typo = "Shenzhen Huaxn Trading Co Ltd"  # a letter dropped
    assert not auto(HUAXIN, typo)
    lifted = compare(party(HUAXIN, phones=phone), party(typo, phones=phone))
    assert lifted.score >= AUTO_THRESHOLD
    assert "same phone +8675512345678" in lifted.explanation
    front = compare(
        party(HUAXIN, phones=phone), party("Shenzhen Jiaming Trading Co Ltd", phones=phone)
    )
    assert front.score < REVIEW_THRESHOLD


def test_another_pinyin_syllable_is_another_name_even_with_an_email() -> None:
    email = ("hongtian802@163.com",)
    result = compare(
        party("Quanzhou Hengtian E-Commerce Co., Ltd.", emails=email),
        party("Quanzhou Hongtian E-Commerce Co., Ltd.", emails=email),
    )
    assert REVIEW_THRESHOLD <= result.score < AUTO_THRESHOLD
    assert "name_syllable_changed" in result.features


def test_syllables_in_another_order_are_another_name() -> None:
    result = compare(party("Xun Bao Technology Ltd", "HK"), party("Bao Xun Technologies Ltd", "HK"))
    assert result.score < REVIEW_THRESHOLD
    assert "name_reordered" in result.features


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # A rotation of three syllables: companies of the generator's distractors,
        # each auto-linked at 1.0 before (100k records, nothing else shared).
        ("NINGBO FENG XIN LONG INDUSTRIAL", "Xin Long Feng Industrial (Ningbo) Co. Ltd."),
        ("义乌兴森盛贸易有限公司", "义乌市森盛兴贸易有限公司"),
        ("DONGGUAN CHENG-AN-YUAN TRADING CO., LTD.", "Dongguan An Yuan Cheng Trading Co., Limited"),
    ],
)
def test_a_trade_name_rotated_is_another_name(one: str, other: str) -> None:
    result = compare(party(one), party(other))
    assert "name_reordered" in result.features
    assert result.score < REVIEW_THRESHOLD


@pytest.mark.parametrize(
    ("one", "other"),
    [
        # The city after the trade name, or one syllable twice: not a reordering.
        ("深圳华信贸易有限公司", "HUA XIN TRADING (SHEN ZHEN) CO LTD"),
        ("PUTIAN BO TIAN TRADING CO.,LTD", "莆田博天贸易有限公司"),
        ("Bo Tian Trade (Putian) Co Ltd", "莆田博天贸易有限公司"),
        ("Ningbo Yuan-Bo Electronic Limited", "宁波市源博电子有限公司"),
    ],
)
def test_a_city_moved_or_a_syllable_twice_is_not_a_reordering(one: str, other: str) -> None:
    result = compare(
        party(one, phones=("+8657412345678",)), party(other, phones=("+8657412345678",))
    )
    assert "name_reordered" not in result.features
    assert result.score >= AUTO_THRESHOLD


def test_countries_that_differ_keep_a_pair_apart() -> None:
    phone = ("+8675512345678",)
    result = compare(
        party("Huaxin Trading Co Ltd", "CN", phones=phone),
        party("Huaxin Trading Limited", "HK", phones=phone),
    )
    assert result.score < REVIEW_THRESHOLD
    assert "different countries CN / HK" in result.explanation


def test_person_names_need_an_artefact() -> None:
    same_order = compare(party("WANG Xiaoming"), party("Xiaoming Wang"))
    assert same_order.features["person_name"] == 1.0
    assert REVIEW_THRESHOLD <= same_order.score < AUTO_THRESHOLD
    assert compare(party("John Smith", "US"), party("SMITH, John", "US")).score < AUTO_THRESHOLD
    initial = compare(party("John Smith", "US"), party("J. Smith", "US"))
    assert initial.score < AUTO_THRESHOLD
    address = ("1 Canal St",)
    with_address = compare(
        party("John Smith", "US", addresses=address), party("SMITH, John", "US", addresses=address)
    )
    assert with_address.score >= AUTO_THRESHOLD
    script = compare(party("WANG Xiao Ming"), party("王小明", None))
    assert script.features["name_similarity"] == 1.0
    assert script.score < AUTO_THRESHOLD


def test_registration_number_without_country_meets_the_same_number() -> None:
    number = ("91440300MA5F0XYZ12",)
    result = compare(
        party(HUAXIN, "CN", identifiers=number),
        party("深圳华信贸易有限公司", None, identifiers=number),
    )
    assert result.features["shared_identifier"] == 1.0
    assert result.score >= AUTO_THRESHOLD


def test_legal_forms_that_differ() -> None:
    result = compare(
        party("Schmidt Handels GmbH", "DE"), party("Schmidt Handels GmbH & Co. KG", "DE")
    )
    assert "legal_form_conflict" in result.features
    assert result.score < REVIEW_THRESHOLD
    assert auto("Karachi Traders (Pvt) Ltd", "Karachi Traders Private Limited")


def test_acronym_is_a_suggestion() -> None:
    result = compare(party("DGF", "HK"), party("DHL Global Forwarding", "HK"))
    assert result.features["name_acronym"] == 1.0
    assert REVIEW_THRESHOLD <= result.score < AUTO_THRESHOLD


def test_explanation_reads_as_one_line() -> None:
    result = compare(
        party(HUAXIN, phones=("+8675512345678",)),
        party("深圳华信贸易有限公司", phones=("+8675512345678",)),
    )
    assert "\n" not in result.explanation
    assert result.explanation.startswith(f"names 0.98 alike ({HUAXIN} / 深圳华信贸易有限公司)")
    assert "same phone +8675512345678" in result.explanation
    assert "same country CN" in result.explanation


def test_match_names_tells_what_differs() -> None:
    names = match_names(
        comparison_form("Shenzhen Huaxin Trading Co Ltd"), comparison_form("Huaxin Trading Co Ltd")
    )
    assert names.extra_left == ("shenzhen",)
    assert names.omission and not names.conflict
