from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iso6346

from ingest.normalise import normalise_container


def test_examples() -> None:
    ok = normalise_container("MSKU 123456-5")
    assert (ok.number, ok.valid, ok.reason) == ("MSKU1234565", True, None)
    bad = normalise_container("TGHU1234560")
    assert bad.number == "TGHU1234560" and not bad.valid
    assert bad.reason is not None and "check digit" in bad.reason
    junk = normalise_container(" abc-12 ")
    assert junk.number == "ABC12" and not junk.valid and junk.reason
    empty = normalise_container("  ")
    assert not empty.valid and empty.number == ""


def test_identical_invalid_numbers_link() -> None:
    assert normalise_container("tghu 123456 0").number == normalise_container("TGHU1234560").number


@settings(max_examples=300)
@given(st.text())
def test_never_raises(raw: str) -> None:
    result = normalise_container(raw)
    assert result.valid == (result.reason is None)


OWNER = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3)
CATEGORY = st.sampled_from("UJZ")
SERIAL = st.text(alphabet="0123456789", min_size=6, max_size=6)
SPACING = st.sampled_from(["{o}{c}{s}{d}", "{o}{c} {s} {d}", "{o}{c} {s}-{d}", "{o}{c}-{s}-{d}",
                           "{o} {c}{s}.{d}", " {o}{c}{s}{d} "])  # fmt: skip


@settings(max_examples=200)
@given(OWNER, CATEGORY, SERIAL, SPACING, st.booleans())
def test_generated_numbers(owner: str, cat: str, serial: str, spacing: str, lower: bool) -> None:
    digit = iso6346.calc_check_digit(owner + cat + serial)
    compact = owner + cat + serial + digit
    raw = spacing.format(o=owner, c=cat, s=serial, d=digit)
    result = normalise_container(raw.lower() if lower else raw)
    assert result.valid and result.number == compact
    wrong = str((int(digit) + 1) % 10)
    broken = normalise_container(owner + cat + serial + wrong)
    assert not broken.valid and broken.number == owner + cat + serial + wrong


@settings(max_examples=300)
@given(OWNER, CATEGORY, SERIAL, st.integers(0, 10), st.characters())
def test_a_number_with_any_character_in_it_never_raises(
    owner: str, cat: str, serial: str, at: int, char: str
) -> None:
    # Found by fuzzing the CN-GACC layout: stdnum's pattern takes any Unicode letter
    # or digit ("E癕CU9301105") and its check digit then raised a bare ValueError.
    number = owner + cat + serial + iso6346.calc_check_digit(owner + cat + serial)
    result = normalise_container(number[:at] + char + number[at + 1 :])
    assert result.valid == (result.reason is None)
