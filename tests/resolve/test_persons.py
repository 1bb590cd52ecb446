"""Person names across scripts and romanisations, and what a party's name may say
on its own: the cases of issue 26, each from the field's reference tables."""

from __future__ import annotations

import pytest

from graph.resolve.blocking import blocking_keys
from graph.resolve.persons import match_persons
from graph.resolve.score import AUTO_THRESHOLD, REVIEW_THRESHOLD, compare
from ingest.normalise.cyrillic import canonical_reading, same_word
from ingest.normalise.readings import KOREAN_MR, KOREAN_RR, hangul_readings
from tests.resolve import party


@pytest.mark.parametrize(
    ("one", "other", "letter"),
    [
        ("Kalashov", "Kalaschow", "ш"),  # BGN/PCGN and German
        ("Kalashov", "Kalachov", "ш"),  # French (MVD 310)
        ("Zakhar", "Zaxar", "х"),  # Belarusian Latin alphabet
        ("Ivanovich", "Ivanovych", "и"),  # Russian and Ukrainian
        ("Milskaia", "Milskaya", "я"),
        ("Petrov", "Петров", "п"),  # Cyrillic reads as itself
    ],
)
def test_romanisations_of_one_cyrillic_word(one: str, other: str, letter: str) -> None:
    found = same_word(one, other)
    assert found is not None
    assert letter in {unit for unit, _, _ in found.differences}


@pytest.mark.parametrize(
    ("one", "other"),
    [("Ivanov", "Ivanova"), ("Lena", "Lina"), ("Kimura", "Imura"), ("Popov", "Popova")],
)
def test_other_words_are_not_romanisations_of_one(one: str, other: str) -> None:
    assert same_word(one, other) is None


def test_romanisations_read_back_alike_for_blocking() -> None:
    assert canonical_reading("Kalaschov") == canonical_reading("Kalaschow")
    assert canonical_reading("Yelena") == canonical_reading("Elena")
    assert canonical_reading("ab") is None


def test_hangul_syllables_in_both_systems() -> None:
    jeong = hangul_readings("정")
    assert jeong[KOREAN_RR] == {"jeong"}
    assert {"chong", "jong"} <= jeong[KOREAN_MR]  # alone, and voiced inside a word
    assert hangul_readings("a") == {}


def test_a_korean_name_read_in_either_system_and_the_reading_said() -> None:
    revised = match_persons("하병옥", "Ha Byeong-ok")
    assert revised is not None and revised.similarity >= 0.9
    assert "Revised Romanization" in revised.readings[0]
    mccune = match_persons("김정은", "Kim Jong-un")
    assert mccune is not None and "McCune-Reischauer" in mccune.readings[0]
    assert "KIM JONG UN" in mccune.readings[0]
    # Family name last in the Latin name.
    assert match_persons("기무라 다모쓰", "Tamotsu Kimura").similarity >= 0.9  # type: ignore[union-attr]


def test_hebrew_and_latin_through_rigours_name_table_and_consonants() -> None:
    found = match_persons("Abdallah Somekh", "עבדאללה סומך")
    assert found is not None and found.similarity >= REVIEW_THRESHOLD
    assert any("rigour's name table" in r for r in found.readings)
    assert any("same consonants" in r for r in found.readings)
    # Consonants alone, with no surer part beside them, say nothing.
    alone = match_persons("Serge Ankri", "סרג' יונכור")
    assert alone is not None and alone.similarity < REVIEW_THRESHOLD


def test_a_persons_name_alone_suggests_and_a_shared_identifier_links() -> None:
    one, other = "MILSKAIA, Elena Igorevna", "MILSKAYA, Yelena"
    alone = compare(party(one, "RU"), party(other, "RU"))
    assert REVIEW_THRESHOLD <= alone.score < AUTO_THRESHOLD
    assert "person_name" in alone.features
    assert "YELENA = ELENA" in alone.explanation or "ELENA = YELENA" in alone.explanation
    assert "romanisations of one Cyrillic name" in alone.explanation
    linked = compare(
        party(one, "RU", identifiers=("770123",)), party(other, "RU", identifiers=("770123",))
    )
    assert linked.score >= AUTO_THRESHOLD
    phone = compare(party(one, "RU", phones=("+7495",)), party(other, "RU", phones=("+7495",)))
    assert phone.score >= AUTO_THRESHOLD


def test_patronymics_written_differently_with_a_shared_number_link() -> None:
    result = compare(
        party("KALASHOV, Zakhar Knyazevich", "RU", identifiers=("1",)),
        party("KALASCHOW, Sachary Knyasevich", "RU", identifiers=("1",)),
    )
    assert result.score >= AUTO_THRESHOLD


@pytest.mark.parametrize(
    ("one", "other", "joined"),
    [
        ("CHOGHAMARANI, Alireza Moradi", "CHOGHAMARANI, Ali Reza Moradi", "ALI REZA"),
        ("FAKHRZADEH, Mohammad", "FAKHR ZADEH, Mohammad", "FAKHR ZADEH"),
        ("ABED, Abdolreza", "ABED, Abdul Reza", "ABDUL REZA"),  # and a vowel otherwise
        ("SEYEDOSHOHADA, Ahmad", "SEYED AL-SHOHADA, Ahmad", "SEYED AL SHOHADA"),
    ],
)
def test_a_part_written_as_two_is_one_part(one: str, other: str, joined: str) -> None:
    # OFAC's aliases of one person (us-ofac-sdn): the parts were a part matched and
    # a part missing, 0.4 to 0.57; the name alone is a suggestion, as any person's.
    result = compare(party(one, "IR"), party(other, "IR"))
    assert REVIEW_THRESHOLD <= result.score < AUTO_THRESHOLD, result
    assert f"{joined} written as one part" in result.explanation
    linked = compare(party(one, "IR", identifiers=("1",)), party(other, "IR", identifiers=("1",)))
    assert linked.score >= AUTO_THRESHOLD, linked


def test_a_particle_beside_another_part_left_over_is_a_part_that_differs() -> None:
    # "un" is an article in rigour's stopwords: as a particle it was left out, and
    # father and son were one person beside a shared phone (0.95).
    for shared in ({}, {"phones": ("+85021234567",)}, {"addresses": ("Pyongyang",)}):
        result = compare(party("Kim Jong-un", "KP", **shared), party("Kim Jong-il", "KP", **shared))
        assert result.score < REVIEW_THRESHOLD, result
        assert "names differ in un / il" in result.explanation
    # A particle the other name lacks altogether is still a particle.
    assert compare(party("AL-SAMAHI, Alaa", "IR"), party("SAMAHI, Alaa", "IR")).score >= (
        REVIEW_THRESHOLD
    )
    # And particles written as one part are that part.
    joined = compare(party("Juan de la Cruz", "PH"), party("Juan dela Cruz", "PH"))
    assert joined.score >= REVIEW_THRESHOLD, joined
    assert "DE LA written as one part (DELA)" in joined.explanation


def test_a_part_that_only_begins_another_is_not_it() -> None:
    # Ali is not Alireza, nor Reza Ali Mohammadi's parts one part.
    assert compare(party("KARIMI, Ali", "IR"), party("KARIMI, Alireza", "IR")).score < (
        REVIEW_THRESHOLD
    )
    apart = match_persons("KARIMI, Ali Mohammad", "KARIMI, Alireza")
    assert apart is not None and apart.similarity < 0.7, apart


def test_other_given_names_hold_apart_whatever_is_shared() -> None:
    result = compare(
        party("Ivan Petrov", "RU", phones=("+7495",)),
        party("Sergei Petrov", "RU", phones=("+7495",)),
    )
    assert result.score < REVIEW_THRESHOLD
    assert "name_conflict" in result.features


def test_a_person_and_the_company_named_after_them_are_two_entities() -> None:
    result = compare(
        party("NAJIBI, Seyyed Mohammad Masnaei", "IR"),
        party("SEYYED MOHAMMAD MASNAEI NAJIBI & CO. COMPANY", "IR"),
    )
    assert result.score < REVIEW_THRESHOLD
    assert "person_company" in result.features


@pytest.mark.parametrize(
    ("short", "formal", "one"),
    [
        # Half a name in rigour's table ("Bank", "Prime"): a company's name written
        # without its legal form, word for word.
        ("MB BANK", "JSC MB BANK", True),
        ("Prime Deals", "Prime Deals Inc.", True),
        # Every part a given or family name: a person, and the company named after
        # them.
        ("Wong Ka Ming", "Wong Ka Ming Limited", False),
        # Another word beside the legal form: no company's name written short.
        ("MB BANK", "JSC MB BANK GROUP", False),
    ],
)
def test_a_company_written_without_its_legal_form_is_no_person(
    short: str, formal: str, one: bool
) -> None:
    result = compare(party(short, None), party(formal, None))
    assert (result.score >= AUTO_THRESHOLD) is one, result.explanation
    assert ("person_company" in result.features) is not one


def test_person_keys_meet_across_scripts_and_spellings() -> None:
    hebrew = blocking_keys(party("ארנסט בלוך", None))
    latin = blocking_keys(party("Ernst Bloch", None))
    assert {k for k in hebrew & latin if k.startswith("sym2:")}
    korean = blocking_keys(party("김정은", None))
    assert "read:kimjongun" in korean
