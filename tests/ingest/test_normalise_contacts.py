from hypothesis import given
from hypothesis import strategies as st

from ingest.normalise import (
    normalise_address,
    normalise_email,
    normalise_phone,
    normalise_registration_id,
)


def test_phone() -> None:
    assert normalise_phone("+86 755 1234 5678", None) == "+8675512345678"
    assert normalise_phone("0755-1234 5678", "CN") == "+8675512345678"
    assert normalise_phone("2345 6789", "HK") == "+85223456789"
    assert normalise_phone("(212) 555-0123", "us") == "+12125550123"
    assert normalise_phone("not a number", "CN") is None
    assert normalise_phone("12", None) is None
    assert normalise_phone("", "HK") is None


@given(st.text(), st.sampled_from([None, "CN", "HK", "US", "zz"]))
def test_phone_never_raises(raw: str, country: str | None) -> None:
    out = normalise_phone(raw, country)
    assert out is None or out.startswith("+")


def test_email() -> None:
    assert normalise_email("  Sales@Example.CN ") == "sales@example.cn"
    assert normalise_email("Li Wei <li.wei@huaxin.com.cn>") == "li.wei@huaxin.com.cn"
    assert normalise_email("mailto:a@b.co") == "a@b.co"
    assert normalise_email("x@例子.cn") == "x@xn--fsqu00a.cn"
    for junk in ["", "n/a", "sales at huaxin.com", "a@b", "a b@c.com", "@c.com"]:
        assert normalise_email(junk) is None


def test_address() -> None:
    a = normalise_address("Rm 1401, 14/F, Blk A, Huaxin Bldg, 88 Shennan Rd, Futian Dist.")
    b = normalise_address(
        "ROOM 1401 14TH FLOOR BLOCK A HUAXIN BUILDING 88 SHENNAN ROAD FUTIAN DISTRICT"
    )
    assert a == b == "room 1401 14 floor block a huaxin building 88 shennan road futian district"
    assert normalise_address("深圳市福田区").startswith("shen zhen shi")
    assert normalise_address("") == ""


@given(st.text())
def test_address_never_raises_and_is_stable(raw: str) -> None:
    out = normalise_address(raw)
    assert normalise_address(out) == out


def test_registration_id() -> None:
    ok = normalise_registration_id("9111 0000 6000 3734 1L", "CN")
    assert (ok.value, ok.valid) == ("91110000600037341L", True)
    bad = normalise_registration_id("91110000600037341X", "cn")
    assert bad.valid is False
    other = normalise_registration_id("hrb-12345", "DE")
    assert (other.value, other.valid) == ("HRB12345", None)
    assert normalise_registration_id("91110000600037341L", None).valid is None
