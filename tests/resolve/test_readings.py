"""A Latin name read as a Chinese or Japanese one, in the system its register uses."""

from __future__ import annotations

import pytest

from graph.resolve.blocking import name_keys
from graph.resolve.profile import name_parts
from graph.resolve.score import AUTO_THRESHOLD, REVIEW_THRESHOLD, compare
from ingest.normalise.glosses import english_stem, glosses
from ingest.normalise.readings import mps2, tongyong
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


def test_gwoyeu_romatzyh_spellings_of_tones_as_taiwan_keeps_them() -> None:
    # 宏 is HORNG and 益 YIH in Gwoyeu Romatzyh (pypinyin's table), not HONG and YI.
    result = compare(party("宏益企業有限公司", "TW"), party("HORNG YIH ENTERPRISE CO., LTD.", "TW"))
    assert result.score >= AUTO_THRESHOLD, result
    assert "Mandarin (Gwoyeu Romatzyh) reading of 宏益 = HORNG YIH" in result.explanation


def test_tongyong_spellings_follow_the_systems_rules() -> None:
    # The Ministry of Education's 2002 table spells these syllables so.
    spelt = {
        "ju": "jyu", "qu": "cyu", "xu": "syu", "lv": "lyu", "xue": "syue", "jun": "jyun",
        "qiong": "cyong", "zhi": "jhih", "shi": "shih", "si": "sih", "ci": "cih",
        "liu": "liou", "gui": "guei", "wen": "wun", "weng": "wong", "feng": "fong",
        "zhong": "jhong", "xiang": "siang", "qi": "ci", "yu": "yu", "yuan": "yuan",
        "er": "er", "dun": "dun", "deng": "deng", "xin": "sin",
    }  # fmt: skip
    assert {hanyu: tongyong(hanyu) for hanyu in spelt} == spelt


def test_mps2_spellings_follow_the_systems_rules() -> None:
    # Mandarin Phonetic Symbols II, Taiwan's system of 1986 to 2002.
    spelt = {
        "xiang": "shiang", "qi": "chi", "zhi": "jr", "chi": "chr", "shi": "shr", "ri": "r",
        "zi": "tz", "ci": "tsz", "si": "sz", "zhong": "jung", "ju": "jiu", "xue": "shiue",
        "jun": "jiun", "lv": "liu", "qiong": "chiung", "yong": "yung", "liu": "liou",
        "gui": "guei", "shun": "shuen", "zeng": "tzeng", "cai": "tsai", "feng": "feng",
        "yuan": "yuan", "wen": "wen",
    }  # fmt: skip
    assert {hanyu: mps2(hanyu) for hanyu in spelt} == spelt


def test_taiwans_spellings_of_a_line_of_business_are_that_line() -> None:
    # 實業 SHIH YE (Tongyong) and SHR YE (MPS II) are SHI YE; 企業 CI YE is QI YE.
    assert name_parts("guang jyu shih ye").groups == ("", "", "industry", "industry")
    assert name_parts("guang jyu shr ye").groups == ("", "", "industry", "industry")
    assert name_parts("hang sin ci ye").groups[2:] == ("filler", "filler")
    # 皮具 PIJU (leather) is PIJIU in MPS II, which is pinyin for 啤酒 (beer): a
    # brewery's name keeps it as its own word.
    assert name_parts("qingdao pijiu").groups[-1] == ""
    assert name_parts("qingdao piju").groups[-1] == "leather"


def test_mps2_reading_as_taiwan_wrote_it_links_and_says_so() -> None:
    result = compare(
        party("志文印刷事業有限公司", "TW"), party("JR WEN PRINTING INDUSTRY CO., LTD.", "TW")
    )
    assert result.score >= AUTO_THRESHOLD, result
    assert "Mandarin (MPS II) reading of 志文 = JR WEN" in result.explanation
    # Taiwan's own systems are for names of Taiwan.
    mainland = compare(
        party("志文印刷事業有限公司", "CN"), party("JR WEN PRINTING CO., LTD.", "CN")
    )
    assert mainland.score < REVIEW_THRESHOLD, mainland


def test_tongyong_reading_as_taiwan_writes_it_links_and_says_so() -> None:
    # 志強 JHIH CIANG and 實業 SHIH YE in Tongyong, neither pinyin nor Wade-Giles.
    result = compare(party("志強實業有限公司", "TW"), party("JHIH CIANG SHIH YE CO., LTD.", "TW"))
    assert result.score >= AUTO_THRESHOLD, result
    assert "Mandarin (Tongyong) reading of 志強 = JHIH CIANG" in result.explanation
    # A register that mixes systems: GUANG in pinyin, JYU in Tongyong; WU JIN
    # (hardware) and SHIH YE (industry) are the line of business, not the trade name.
    mixed = compare(
        party("廣鉅五金實業社", "TW", identifiers=("RN430C7C6CD3",)),
        party("GUANG JYU WU JIN SHIH YE SHE CO.", "TW", identifiers=("RN430C7C6CD3",)),
    )
    assert mixed.score >= AUTO_THRESHOLD, mixed
    assert "reading of 廣鉅社 = GUANG JYU SHE" in mixed.explanation
    # Another trade name in Tongyong is still another company.
    other = compare(party("志強實業有限公司", "TW"), party("JHIH SIN SHIH YE CO., LTD.", "TW"))
    assert other.score < REVIEW_THRESHOLD, other
    # Tongyong is Taiwan's: a Hong Kong name is not read half in it (兴 SING) and
    # half in Cantonese (昌 CHEUNG).
    hong_kong = compare(
        party("香港兴昌贸易有限公司", "HK"), party("Singcheung Trading (HK) Limited", "HK")
    )
    assert "Tongyong" not in hong_kong.explanation
    assert hong_kong.score < AUTO_THRESHOLD, hong_kong


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


@pytest.mark.parametrize(
    ("han", "latin", "said", "other"),
    [
        # Taiwan's registers: the trade name read aloud (Wade-Giles here), the line
        # of business translated (CC-CEDICT's glosses: 冷凍 "to freeze", 食品 "food").
        (
            "宏達冷凍食品有限公司",
            "HUNG TA FROZEN FOOD CO., LTD.",
            ("reading of 宏達 = HUNG TA", "of 冷凍 = FROZEN", "of 食品 = FOOD"),
            "HUNG FA FROZEN FOOD CO., LTD.",
        ),
        # WEAVING is no generic word, but it translates 紡織 ("spinning and
        # weaving"), which is the line of business: the reading is of 高恒 alone.
        (
            "高恒紡織企業有限公司",
            "KAO HENG WEAVING ENTERPRISE CO., LTD.",
            ("reading of 高恒 = KAO HENG", "CC-CEDICT translation of 紡織 = WEAVING"),
            "KAO HSIN WEAVING ENTERPRISE CO., LTD.",
        ),
    ],
)
def test_line_of_business_translated_beside_the_trade_name_read(
    han: str, latin: str, said: tuple[str, ...], other: str
) -> None:
    result = compare(party(han, "TW"), party(latin, "TW"))
    assert result.score >= AUTO_THRESHOLD, result
    for words in said:
        assert words in result.explanation
    # Another trade name beside the same line of business stays another company.
    another = compare(party(han, "TW"), party(other, "TW"))
    assert another.score < AUTO_THRESHOLD, another
    assert "CC-CEDICT" not in another.explanation


def test_a_line_of_business_translated_beside_a_name_in_pinyin() -> None:
    # 實業 ("industry; commercial enterprise") is ENTERPRISE here: not a line of
    # business named on one side only. Words of one group say nothing more.
    result = compare(
        party("長明鴻實業有限公司", "TW"), party("CHANG MING HONG ENTERPRISE CO., LTD.", "TW")
    )
    assert result.score >= AUTO_THRESHOLD, result
    assert "CC-CEDICT translation of 實業 = ENTERPRISE" in result.explanation
    same = compare(party("深圳华信贸易有限公司", "CN"), party("Shenzhen Huaxin Trading Co.", "CN"))
    assert "CC-CEDICT" not in same.explanation


def test_a_business_suffix_and_a_word_that_is_a_reading() -> None:
    # 社 ends the name of a business that is no company; 陽 glosses "yang" (yin
    # and yang), but YANG here is its reading, not its translation.
    agency = compare(party("永豐廣告社", "TW"), party("YUNG FENG ADVERTISING CO.", "TW"))
    assert agency.score >= AUTO_THRESHOLD, agency
    assert "社 is the kind of business the name ends with" in agency.explanation
    springs = compare(
        party("華陽彈簧工業有限公司", "TW"), party("HUA YANG SPRINGS INDUSTRIAL CO., LTD.", "TW")
    )
    assert springs.score >= AUTO_THRESHOLD, springs
    assert "reading of 華陽 = HUA YANG" in springs.explanation
    assert "translation of 彈簧 = SPRINGS" in springs.explanation


def test_a_translated_trade_name_is_still_no_reading() -> None:
    # Every word translated and none read: a translation of the whole name, which
    # only a shared artefact may link.
    result = compare(
        party("金龍貿易有限公司", "TW"), party("GOLDEN DRAGON TRADING CO., LTD.", "TW")
    )
    assert result.score < REVIEW_THRESHOLD, result
    assert "name_reading" not in result.features


def test_glosses_compare_lemmas() -> None:
    assert english_stem("frozen") == english_stem("freeze") in glosses("冷凍")
    assert english_stem("Industrial") in glosses("工業")
    assert english_stem("springs") in glosses("弹簧")  # simplified and traditional
    assert glosses("no such word") == frozenset()


def test_a_hong_kong_name_in_simplified_characters_is_read_in_cantonese() -> None:
    # A mainland register writes a Hong Kong company's name in simplified characters;
    # Hong Kong's Cantonese table holds the traditional forms (达 is 達).
    result = compare(party("香港达德贸易有限公司", "HK"), party("Tat Tak Trading (HK) Ltd", "HK"))
    assert result.score >= AUTO_THRESHOLD, result
    assert "Cantonese (Hong Kong) reading of 达德 = TAT TAK" in result.explanation
    # Every spelling the table gives a character is a blocking key of the name.
    keys = name_keys(party("香港达德贸易有限公司", "HK"))
    assert {"tok:tattak", "tok:daatdak"} <= keys
    # A mainland company's name is read in Mandarin only, and keyed so.
    mainland = name_keys(party("深圳达德贸易有限公司", "CN"))
    assert "tok:dade" in mainland and "tok:tattak" not in mainland  # one spelling only


def test_two_hong_kong_names_in_cantonese_are_one_name_or_two() -> None:
    # 安瑞 and 安智, 源達 and 潤達: Hong Kong names whose words read as Cantonese
    # syllables, spelt otherwise, are no Cyrillic word romanised two ways ("sh" /
    # "ch") nor a "ü" written "ue" and "u": a suggestion on the names alone.
    phone = ("+85223456789",)
    for left, right in (
        ("ONSHUI LOGISTIC (HK) LIMITED", "ONCHI LOGISTICS (HK) LTD"),
        ("Yuentat Technology (HK) Company Limited", "Yuntat Technology (H.K.) LTD."),
    ):
        result = compare(party(left, "HK"), party(right, "HK"))
        assert REVIEW_THRESHOLD <= result.score < AUTO_THRESHOLD, result
        assert "Cantonese syllables spelt otherwise" in result.explanation
        # A shared phone lifts them: a company may write a character two ways (華 is
        # WA and WAH in the table), so the spelling that differs is no conflict.
        shared = compare(party(left, "HK", phones=phone), party(right, "HK", phones=phone))
        assert shared.score >= AUTO_THRESHOLD, shared
    # Elsewhere both still are.
    cyrillic = compare(party("OTKRITIE FAKTORING OOO", "RU"), party("OTKRYTIE FACTORING OOO", "RU"))
    assert cyrillic.score >= AUTO_THRESHOLD, cyrillic
    german = compare(party("Mueller Trading GmbH", "DE"), party("Muller Trading GmbH", "DE"))
    assert german.score >= AUTO_THRESHOLD, german
