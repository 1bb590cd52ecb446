"""A shared registration number links names that are compatible across scripts,
romanisations and name-part equivalences, and not names that clearly conflict
(issue 26; `graph.resolve.decisive`). Names of no real entity of the corpus."""

from __future__ import annotations

import pytest

from graph.resolve.decisive import scripts_apart
from graph.resolve.persons import consonants_begin, first_sounds, registered_alike, sound_alike
from graph.resolve.score import AUTO_THRESHOLD, REVIEW_THRESHOLD, compare
from tests.resolve import party

NUMBER = ("RN4471902",)


def _pair(left: str, right: str, country: str, **shared: tuple[str, ...]) -> tuple[float, str]:
    found = compare(party(left, country, **shared), party(right, country, **shared))
    return found.score, found.explanation


# One person or company written two ways: linked by one registration number, and
# only suggested (or less) on the names alone.
COMPATIBLE = [
    # Cyrillic and a Latin transliteration; patronymic left out, Ukrainian given
    # name beside its Russian form in Latin letters.
    ("Бондаренко Олександр Петрович", "BONDARENKO, Aleksandr", "UA"),
    ("BONDARENKO, Oleksandr Petrovych", "BONDARENKO, Alexander", "UA"),
    # A Polish spelling of a Ukrainian family name in Cyrillic (w for в, cz for ч).
    ("Anna Kowalczyk", "Анна Ковальчук", "PL"),
    # Hebrew and Latin letters: the family name's vowels are not written in Hebrew.
    ("Moshe Kaplinsky", "משה קפלינסקי", "IL"),
    ("Daniel Kagan", "דניאל כגן", "IL"),
    # Hangul and Latin: a family name outside both romanisation systems (Park).
    ("Park Ji-hoon", "박지훈", "KR"),
    # A Japanese name in kanji and kana beside its reading in Latin letters.
    ("ヤマサキ精機株式会社", "YAMASAKI SEIKI CO., LTD.", "JP"),
    # A short given name in its Ukrainian and Russian forms (no five consonants to
    # compare), a Korean syllable in two romanisations, a name spaced, hyphenated or
    # written with its vowels otherwise, a theophoric ending left out, initials
    # written together.
    ("MOROZOV, Oleksiy", "MOROZOV, Aleksei", "UA"),
    ("PAK, Song Gyu", "PAK, Song-Kyu", "KP"),
    ("KHALILI, Abdolhossein", "KHALILI, Abdul Hossein", "IR"),
    ("POUR-MOHAMMADI, Ali-Akbar", "POURMOHAMMADI, Ali Akbar", "IR"),
    ("SALEHI, Hedayat", "SALEHI, Hedayatollah", "IR"),
    ("ORLOV, V.A.", "ORLOV, Viktor", "RU"),
    # A company's word transliterated from Russian beside its English spelling.
    ("AKTSIONERNOE OBSHCHESTVO SOKOL FINANS", "SOKOL FINANCE JSC", "RU"),
    # A Russian adjective formed from the word the English name writes.
    ("AO SOKOL PROEKTNYE TEKHNOLOGII", "JSC SOKOL PROJECT TECHNOLOGIES", "RU"),
    # Initials of words the other name writes out, beside one registration number.
    (
        "NPP SVETOCH AO",
        "AKTSIONERNOE OBSHCHESTVO NAUCHNO-PROIZVODSTVENNOE PREDPRIYATIE SVETOCH",
        "RU",
    ),
]

# Names that clearly conflict: the number does not make them one entity.
CONFLICTING = [
    ("Ivanov, Pyotr", "Ivanov, Pavel", "RU"),  # another given name, one script
    ("KARIMI, Nasser", "KARIMI, Aboutaleb", "IR"),
    ("ORLOV, P.A.", "ORLOV, Viktor", "RU"),  # another initial
    ("SALEHI, Ali", "RAHIMI, Ali", "IR"),  # another family name
    ("ZARYA MACHINE PLANT JSC", "ZVEZDA MACHINE PLANT JSC", "RU"),  # other consonants
    ("KOVALEV, Ivan", "KOVALENKO, Ivan", "UA"),  # family names formed from one another
    # One letter of pinyin is another character: no spelling of one word.
    ("Shenzhen Jiaheng Trading Co., Ltd.", "Shenzhen Jiahong Trading Co., Ltd.", "CN"),
    ("Бондаренко Олександр Петрович", "BONDARENKO, Sergei", "UA"),
    ("Yitzhak Rosenthal", "יצחק כהן", "IL"),  # another family name in Hebrew
    ("Kim Min-jun", "박지훈", "KR"),  # another name in Hangul, nothing read alike
    ("深圳市德美贸易有限公司", "Shenzhen Senlong Trading Co., Ltd.", "CN"),  # another name
    ("永智貿易有限公司", "YUNG FENG TRADING CO., LTD.", "TW"),  # 智 is no FENG
    ("深圳杰宏贸易有限公司", "Shenzhen Senrun Trading Co., Ltd.", "CN"),  # s and j: one class
    # A Latin name in pinyin that shares no word with the Han name's reading is
    # another Chinese name, not a translation (源天 reads Yuantian, not Yuanbao).
    ("广州源天贸易有限公司", "Yuanbao Trading Co., Ltd.", "CN"),
    ("义乌市诚恒电子商务有限公司", "Jiesen E-Commerce (Guangzhou) Co., Limited", "CN"),
    ("Rosenthal Trading Ltd", "יצחק רוזנטל", "IL"),  # a company and a person
    # NPP is no research institute's initials (NII): another kind of organisation.
    ("NPP SVETOCH AO", "AKTSIONERNOE OBSHCHESTVO NAUCHNO ISSLEDOVATELSKII INSTITUT SVETOCH", "RU"),
]


@pytest.mark.parametrize(("left", "right", "country"), COMPATIBLE)
def test_a_registration_number_links_compatible_names(left: str, right: str, country: str) -> None:
    alone, _ = _pair(left, right, country)
    score, explanation = _pair(left, right, country, identifiers=NUMBER)
    assert score >= AUTO_THRESHOLD, explanation
    assert "one registration number and names that do not conflict" in explanation
    assert "RN4471902" in explanation
    # What the names alone do is unchanged: this pair may be automatic on names
    # alone only where it was (a person's name alone never is).
    assert score >= alone


@pytest.mark.parametrize(("left", "right", "country"), COMPATIBLE[:6])
def test_a_persons_names_alone_stay_a_suggestion_at_most(
    left: str, right: str, country: str
) -> None:
    score, explanation = _pair(left, right, country)
    assert score < AUTO_THRESHOLD, explanation


@pytest.mark.parametrize(("left", "right", "country"), CONFLICTING)
def test_a_registration_number_does_not_link_names_that_clearly_conflict(
    left: str, right: str, country: str
) -> None:
    score, explanation = _pair(left, right, country, identifiers=NUMBER)
    assert score < AUTO_THRESHOLD, explanation
    assert "names that do not conflict" not in explanation


# Why a shared number links each kind of compatible name, as the explanation says.
EXPLAINED = [
    ("Moshe Kaplinsky", "משה קפלינסקי", "IL", "a name in Hebrew beside one in another script"),
    (
        "BONDARENKO, Oleksandr Petrovych",
        "BONDARENKO, Alexander",
        "UA",
        "parts that may be one person's: ALEXANDER / OLEKSANDR (the same consonants)",
    ),
    (
        "SALEHI, Hedayat",
        "SALEHI, Hedayatollah",
        "IR",
        "HEDAYAT / HEDAYATOLLAH (one begins the other)",
    ),
    (
        # "pour" is a particle in rigour's stopwords; beside a part left over it is a
        # part, and the two are one part written together.
        "POUR-MOHAMMADI, Ali-Akbar",
        "POURMOHAMMADI, Ali Akbar",
        "IR",
        "POUR MOHAMMADI written as one part (POURMOHAMMADI)",
    ),
    (
        # Split at another place on each side: the names keyed without spaces meet.
        "POURMO HAMMADI, Ali",
        "POUR MOHAMMADI, Ali",
        "IR",
        "names keyed two ways (pourmo hammadi / pour mohammadi)",
    ),
    (
        "AKTSIONERNOE OBSHCHESTVO SOKOL FINANS",
        "SOKOL FINANCE JSC",
        "RU",
        "words spelt otherwise: FINANS / FINANCE (the same consonants)",
    ),
    (
        "NPP SVETOCH AO",
        "AKTSIONERNOE OBSHCHESTVO NAUCHNO-PROIZVODSTVENNOE PREDPRIYATIE SVETOCH",
        "RU",
        "NPP = NAUCHNO PROIZVODSTVENNOE PREDPRIYATIE",
    ),
]


@pytest.mark.parametrize(("left", "right", "country", "why"), EXPLAINED)
def test_the_explanation_says_why_the_names_are_compatible(
    left: str, right: str, country: str, why: str
) -> None:
    _, explanation = _pair(left, right, country, identifiers=NUMBER)
    assert why in explanation


def test_a_shared_phone_links_alike_names_in_two_scripts_and_not_conflicting_ones() -> None:
    phone = ("+97235551234",)
    score, explanation = _pair("Moshe Kaplinsky", "משה קפלינסקי", "IL", phones=phone)
    assert score >= AUTO_THRESHOLD, explanation
    score, explanation = _pair("Yitzhak Rosenthal", "יצחק כהן", "IL", phones=phone)
    assert score < AUTO_THRESHOLD, explanation
    # Nothing read alike and the family names begin otherwise: not even suggested.
    score, explanation = _pair("Kim Min-jun", "박지훈", "KR", phones=phone)
    assert score < REVIEW_THRESHOLD, explanation


def test_a_households_phone_and_address_do_not_join_relatives() -> None:
    phone = ("+97235551234",)
    home = {"phones": phone, "addresses": ("12 Herzl Street, Haifa",)}
    # Given names that begin alike, in one script or two, and one across two scripts.
    for left, right in (
        ("Daniel Kagan", "David Kagan"),
        ("Daniel Kagan", "דוד כגן"),
        ("Daniel Kagan", "דניאל כגן"),
    ):
        for shared in ({"phones": phone}, home):
            score, explanation = _pair(left, right, "IL", **shared)
            assert score < AUTO_THRESHOLD, explanation
    # One registration number is one person's: the same consonants are one name.
    score, explanation = _pair(
        "BONDARENKO, Oleksandr Petrovych", "BONDARENKO, Alexander", "UA", identifiers=NUMBER
    )
    assert score >= AUTO_THRESHOLD, explanation


def test_scripts_apart_are_those_not_transliterated_letter_for_letter() -> None:
    assert scripts_apart("Иван Петров", "Ivan Petrov") == ""  # both modern alphabets
    assert scripts_apart("משה", "Moshe") == "Hebrew"
    assert scripts_apart("永智貿易", "ヨウチ") == "Han and Katakana"
    assert scripts_apart("ヤマサキ精機", "Yamasaki Seiki") == "Han and Katakana"
    assert scripts_apart("永智貿易", "Yung Jyh Trading") == ""  # read syllable by syllable
    assert scripts_apart("永智貿易", "永智") == ""
    assert scripts_apart("山村硝子", "Yamamura Glass", ("JP", "JP")) == "Han"  # kanji


def test_sound_alike_parts_share_their_consonants() -> None:
    assert sound_alike("alexander", "oleksandr")
    assert sound_alike("kowalczyk", "kovalchuk")
    assert sound_alike("rodionovna", "radzivonawna")  # one class in five
    assert not sound_alike("petrov", "sidorov")
    assert not sound_alike("pavel", "pyotr")  # too few consonants to tell
    assert not sound_alike("sergei", "stanislav")
    assert not sound_alike("oleksiy", "aleksei")  # two classes: alone, too few to tell
    assert first_sounds("משה") == first_sounds("Moshe") == {"5"}
    assert first_sounds("ודיוס") & first_sounds("Vedius")  # a vav read as v
    assert first_sounds("loteulauteu") == first_sounds("Rotraut")  # ㄹ as l and as r
    assert not first_sounds("כהן") & first_sounds("Rosenthal")


def test_parts_beside_a_registration_number_may_be_spelt_more_ways() -> None:
    # One person's number: a short part's consonants, or a part that begins the
    # other, are no conflict; other consonants are.
    assert registered_alike("oleksiy", "aleksei") == "consonants"
    assert registered_alike("gyu", "kyu") == "consonants"
    assert registered_alike("hedayat", "hedayatollah") == "begins"
    assert registered_alike("abd", "abdul") == "begins"
    assert not registered_alike("pyotr", "pavel")
    assert not registered_alike("nasser", "aboutaleb")
    assert not registered_alike("al", "ali")  # two letters begin many names
    assert not registered_alike("aleksei", "алексей")  # Latin letters only
    # A company's word and one formed from it: its consonants begin the other's.
    assert consonants_begin("project", "proektnye") == "derived"
    assert consonants_begin("motorny", "motor") == "derived"
    assert not consonants_begin("yard", "plant")
    assert not consonants_begin("tutaev", "tutaevski")  # two classes say too little


def test_a_translation_and_a_cantonese_reading_stay_untold_beside_pinyin_told_apart() -> None:
    # A translation, and a Cantonese romanisation of a mainland party's name (read in
    # Mandarin only), are not read as another name: one number still links them.
    # So does a word that reads as more pinyin syllables than the Han name has
    # characters (di-a-ba-se beside 迪虹).
    for left, right, country in (
        ("元漢企業有限公司", "CYNOSURE ENTERPRISE CO., LTD.", "CN"),
        ("漢昌貿易有限公司", "HON CHEONG TRADING CO LTD", "CN"),
        ("迪虹企業有限公司", "DIABASE ENTERPRISE LTD.", "CN"),
    ):
        score, explanation = _pair(left, right, country, identifiers=NUMBER)
        assert score >= AUTO_THRESHOLD, explanation
        assert "no reading links the two scripts" in explanation
    # Taichia is 台嘉 read in Wade-Giles (Taiwan's registers write it and mixed
    # spellings), 社 the kind of business: a reading, which says so.
    score, explanation = _pair("台嘉企業社", "Taichia Co.", "TW", identifiers=NUMBER)
    assert score >= AUTO_THRESHOLD, explanation
    assert "Mandarin (Wade-Giles) reading of 台嘉 = TAI CHIA" in explanation
    score, explanation = _pair(
        "广州源天贸易有限公司", "Yuanbao Trading Co., Ltd.", "CN", identifiers=NUMBER
    )
    assert "names differ in guang zhou yuan tian / yuanbao" in explanation
    # The reading itself still links the same name in pinyin.
    score, explanation = _pair(
        "广州源天贸易有限公司", "Yuantian Trading Co., Ltd.", "CN", identifiers=NUMBER
    )
    assert score >= AUTO_THRESHOLD, explanation
