"""A Latin name read as a Chinese or Japanese one, in the system its register uses."""

from __future__ import annotations

from graph.resolve.score import AUTO_THRESHOLD, REVIEW_THRESHOLD, compare
from tests.resolve import party


def test_cantonese_reading_links_and_says_so() -> None:
    result = compare(party("漢昌貿易有限公司", "HK"), party("HON CHEONG TRADING CO., LTD.", "HK"))
    assert result.score >= AUTO_THRESHOLD, result
    assert "name_reading" in result.features
    assert "Cantonese (Hong Kong) reading of 漢昌 = HON CHEONG" in result.explanation


def test_wade_giles_reading_as_taiwan_writes_it() -> None:
    result = compare(party("達臨企業有限公司", "TW"), party("TA LIN ENTERPRISE CO., LTD.", "TW"))
    assert result.score >= AUTO_THRESHOLD, result
    assert "Wade-Giles" in result.explanation


def test_kanji_name_its_kana_reading_and_its_hepburn_spelling() -> None:
    kanji = party("東京特殊電線株式会社", "JP")
    kana = party("トウキョウトクシュデンセンカブシキガイシャ", "JP")
    latin = party("Tokyo Tokushu Densen Co., Ltd.", "JP")
    both = compare(kanji, kana)
    assert both.score >= AUTO_THRESHOLD, both
    assert "Japanese (Hepburn) reading" in both.explanation
    hepburn = compare(kanji, latin)
    assert hepburn.score >= AUTO_THRESHOLD, hepburn
    assert "= TOKYOTOKUSHUDENSEN" in hepburn.explanation


def test_a_translation_is_no_reading() -> None:
    result = compare(party("元漢企業有限公司", "TW"), party("CYNOSURE ENTERPRISE CO., LTD.", "TW"))
    assert result.score < REVIEW_THRESHOLD, result
    assert "name_reading" not in result.features


def test_another_name_of_the_same_sound_is_not_read_into_it() -> None:
    # 漢昌 read in Cantonese is HON CHEONG, not HON CHEUNG KEE.
    result = compare(party("漢昌貿易有限公司", "HK"), party("HON CHEUNG KEE TRADING", "HK"))
    assert result.score < AUTO_THRESHOLD, result


def test_legal_forms_compare_as_kinds_across_languages() -> None:
    # 株式会社 (joint-stock) is "Co., Ltd." in the company's English name; АО is "JSC".
    jp = compare(party("株式会社ユシロ", "JP"), party("YUSHIRO CO., LTD.", "JP"))
    assert "legal_form_conflict" not in jp.features
    cyrillic = party("Акционерное общество Ригель", "RU")
    ru = compare(cyrillic, party("JOINT STOCK COMPANY RIGEL", "RU"))
    assert ru.score >= AUTO_THRESHOLD, ru
    partnership = compare(party("Rigel LLP", "GB"), party("Rigel Ltd", "GB"))
    assert "legal_form_conflict" in partnership.features
