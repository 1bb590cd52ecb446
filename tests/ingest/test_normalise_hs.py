import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.normalise import NormaliseError, normalise_hs


def test_examples() -> None:
    assert normalise_hs("6404.11") == normalise_hs("6404 11")
    code = normalise_hs("6404.11.00.90")
    assert (code.code, code.chapter, code.heading, code.subheading) == (
        "6404110090", "64", "6404", "640411",
    )  # fmt: skip
    assert normalise_hs("42").chapter == "42"
    assert normalise_hs("9903.88.03").chapter == "99"  # national chapter, accepted


@pytest.mark.parametrize("raw", ["", "6", "64041100901", "00.11", "64a4", "６４０４", "64/04"])
def test_rejects(raw: str) -> None:
    with pytest.raises(NormaliseError) as err:
        normalise_hs(raw)
    assert err.value.field == "hs_code"


@given(
    st.integers(1, 99), st.text(alphabet="0123456789", max_size=8), st.sampled_from(["", ".", " "])
)
def test_property(chapter: int, rest: str, sep: str) -> None:
    digits = f"{chapter:02d}{rest}"
    raw = sep.join(digits[i : i + 2] for i in range(0, len(digits), 2))
    code = normalise_hs(raw)
    assert code.code == digits and code.chapter == f"{chapter:02d}"
