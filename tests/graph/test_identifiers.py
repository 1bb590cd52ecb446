"""What the search box reads a text as: a name, or only what parties hold (an email,
a phone, a registration number), and when it is an address."""

from __future__ import annotations

import pytest

from graph.identifiers import may_be_a_name, read_identifiers
from graph.model import Label


@pytest.mark.parametrize(
    "text",
    [
        "sales@huaxin-trading.cn",
        " SALES@Huaxin-Trading.CN ",
        "23965725",
        "2396 5725",
        "+852 2396 5725",
        "0086-755-1234-5678",
        "(755) 1234-5678",
        "91440300MA5F7XYZ12",
        "10794388",
        "48-2130205",
    ],
)
def test_an_email_or_a_number_is_not_read_as_a_name(text: str) -> None:
    assert not may_be_a_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "Huaxin Trading",
        "深圳华信贸易有限公司",
        "3M",
        "7-Eleven",
        "Rm 1118, 11/F, Wing On Plaza",
        "Trading @ Home Ltd",  # an at sign, but no address
        "HRB 12345",
    ],
)
def test_a_name_is_read_as_a_name(text: str) -> None:
    assert may_be_a_name(text)


def test_a_phone_in_groups_is_no_address_and_an_address_is_one() -> None:
    kinds = {r.label for r in read_identifiers("+86 755 1234 5678", None, "HK")}
    assert kinds == {Label.PHONE, Label.IDENTIFIER}
    local = read_identifiers("2396 5725", None, "HK")
    assert [r.ids for r in local if r.label == Label.PHONE] == [("tel:+85223965725",)]
    address = read_identifiers("Rm 1118, 11/F, Wing On Plaza", "HK", None)
    assert Label.ADDRESS in {r.label for r in address}
