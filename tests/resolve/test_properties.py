"""Properties of scoring and blocking over arbitrary names and artefacts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.resolve.blocking import name_keys
from graph.resolve.score import AUTO_THRESHOLD, compare, name_similarity
from ingest.normalise import comparison_form
from tests.resolve import party

WORDS = ["Shenzhen", "Huaxin", "Hua", "Xin", "Trading", "Co", "Ltd", "HK", "深圳", "华信", "贸易"]
WORDS += ["有限公司", "Imp", "&", "Exp", "John", "Smith", "J.", "GmbH", "Müller", "Mueller"]
names = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
    st.text(min_size=1, max_size=40),
)
countries = st.sampled_from(["CN", "HK", "US", None])
artefacts = st.lists(st.sampled_from(["+8675512345678", "+85221234567"]), max_size=2).map(tuple)


@settings(max_examples=300, deadline=None)
@given(names, countries, artefacts, names, countries, artefacts)
def test_compare_is_symmetric_and_bounded(
    name_a: str,
    country_a: str | None,
    phones_a: tuple[str, ...],
    name_b: str,
    country_b: str | None,
    phones_b: tuple[str, ...],
) -> None:
    a, b = party(name_a, country_a, phones=phones_a), party(name_b, country_b, phones=phones_b)
    ab, ba = compare(a, b), compare(b, a)
    assert ab == ba
    assert 0.0 <= ab.score <= 1.0
    assert all(0.0 <= value <= 1.0 for value in ab.features.values())
    assert ab.explanation and "\n" not in ab.explanation


@settings(max_examples=200, deadline=None)
@given(names, countries, artefacts)
def test_a_party_is_itself(name: str, country: str | None, phones: tuple[str, ...]) -> None:
    profile = party(name, country, phones=phones)
    assert compare(profile, profile).score >= AUTO_THRESHOLD


@settings(max_examples=200, deadline=None)
@given(names, countries, st.sampled_from(["+8675512345678", "+85221234567"]))
def test_same_name_and_phone_links(name: str, country: str | None, phone: str) -> None:
    if not comparison_form(name):
        return
    a = party(name, country, phones=(phone,))
    b = party(name, None if country else "CN", phones=(phone,))
    assert compare(a, b).score >= AUTO_THRESHOLD


@settings(max_examples=300, deadline=None)
@given(names, names)
def test_name_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    key_a, key_b = comparison_form(a), comparison_form(b)
    similarity = name_similarity(key_a, key_b)
    assert similarity == name_similarity(key_b, key_a)
    assert 0.0 <= similarity <= 1.0
    if key_a:
        assert name_similarity(key_a, key_a) == 1.0


@settings(max_examples=300, deadline=None)
@given(names, countries)
def test_name_keys_are_deterministic_strings(name: str, country: str | None) -> None:
    keys = name_keys(party(name, country))
    assert keys == name_keys(party(name, country))
    assert all(isinstance(k, str) and ":" in k for k in keys)
