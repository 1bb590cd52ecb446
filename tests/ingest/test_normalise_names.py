from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalise import comparison_form, name_tokens

HUAXIN = [
    "Shenzhen Huaxin Trading Co., Ltd.",
    "SHENZHEN HUAXIN TRADING CO LTD",
    "Shenzhen Huaxin Trading Company Limited",
    "Shenzhen Huaxin Trading Limited",
    "shenzhen  huaxin trading co.,ltd",
    "ＳＨＥＮＺＨＥＮ ＨＵＡＸＩＮ ＴＲＡＤＩＮＧ ＣＯ ＬＴＤ",
]


def test_legal_form_spellings_share_one_form() -> None:
    forms = {comparison_form(n) for n in HUAXIN}
    assert forms == {"shenzhen huaxin trading llc"}


def test_chinese_name_is_pinyin_with_legal_form() -> None:
    assert comparison_form("深圳华信贸易有限公司") == "shen zhen hua xin mao yi llc"
    assert comparison_form("深圳华信贸易 有限公司") == "shen zhen hua xin mao yi llc"
    assert comparison_form("华信股份有限公司") == "hua xin jsc"
    assert comparison_form("香港華信貿易有限公司") == "xiang gang hua xin mao yi llc"


def test_other_legal_forms() -> None:
    assert comparison_form("Foo GmbH") == comparison_form("FOO G.m.b.H.") == "foo llc"
    assert comparison_form("Bar S.A.") == "bar jsc"
    assert comparison_form("Baz LLC") == comparison_form("Baz L.L.C.") == "baz llc"
    assert comparison_form("Qux Inc.") == "qux llc"
    assert comparison_form("ООО Ромашка") == "llc romashka"


def test_name_tokens() -> None:
    name = "Shenzhen Huaxin Trading Co., Ltd."
    assert name_tokens(name) == ["shenzhen", "huaxin", "trading", "llc"]
    assert name_tokens(name, drop_legal_forms=True) == ["shenzhen", "huaxin", "trading"]
    assert name_tokens("深圳华信贸易有限公司", drop_legal_forms=True)[:2] == ["shen", "zhen"]
    assert name_tokens("Limited", drop_legal_forms=True) == ["llc"]
    assert name_tokens("") == []


def test_junk() -> None:
    assert comparison_form("") == ""
    assert comparison_form("\x00😀 ...") == ""
    assert len(comparison_form("a" * 1_000_000)) <= 384


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_never_raises_and_idempotent(text: str) -> None:
    form = comparison_form(text)
    assert form == comparison_form(form)
    assert form == form.strip() and "  " not in form
    assert form.isascii()


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=1, max_size=20), st.integers(1000, 50000))
def test_huge_strings(text: str, times: int) -> None:
    form = comparison_form(text * times)
    assert form == comparison_form(form)


WORD = st.text(
    alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyzéüñ0123456789华信贸易深圳"),
    min_size=1,
    max_size=8,
)
LEGAL = st.sampled_from(["", "Co., Ltd.", "LIMITED", "GmbH", "S.A.", "LLC", "Inc.", "有限公司"])
NOISE = st.sampled_from([" ", "  ", " , ", " . ", "\t", " - ", " (", ") "])


@settings(max_examples=200, deadline=None)
@given(st.lists(WORD, min_size=1, max_size=5), LEGAL, NOISE)
def test_invariant_under_case_whitespace_punctuation(
    words: list[str], legal: str, noise: str
) -> None:
    name = " ".join([*words, legal])
    base = comparison_form(name)
    assert comparison_form(name.upper()) == base
    assert comparison_form(name.lower()) == base
    assert comparison_form(noise + noise.join([*words, legal]) + noise) == base
