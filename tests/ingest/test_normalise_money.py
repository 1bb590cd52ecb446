from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.normalise import NormaliseError, RatesTable, to_usd


def test_pegged_hkd_and_mop() -> None:
    value = to_usd(Decimal("150000"), "HKD", date(2024, 8, 23))
    assert value.rate == pytest.approx(0.128, abs=0.0012)
    assert value.amount_usd == pytest.approx(150000 * value.rate)
    assert (value.rate_month, value.currency) == ("2024-08", "HKD")
    mop = to_usd(1, "mop", date(2020, 5, 1))
    hkd = to_usd(1, "HKD", date(2020, 5, 1))
    assert mop.rate == pytest.approx(hkd.rate / 1.03)
    assert to_usd(1, "AED", date(2021, 3, 3)).rate == pytest.approx(1 / 3.6725)


def test_usd_and_others() -> None:
    assert to_usd(12.5, "USD", date(1999, 1, 1)).amount_usd == 12.5
    assert 0.95 < to_usd(1, "EUR", date(2024, 1, 15)).rate < 1.2
    assert 0.12 < to_usd(1, "CNY", date(2024, 1, 15)).rate < 0.16


def test_past_the_table_uses_last_month() -> None:
    value = to_usd(1, "EUR", date(2031, 1, 1))
    assert value.rate_month == RatesTable.load().months("EUR")[-1]


@pytest.mark.parametrize(
    ("currency", "on", "reason"),
    [("XYZ", date(2024, 1, 1), "ISO 4217"), ("H K D", date(2024, 1, 1), "ISO 4217"),
     ("BRL", date(2024, 1, 1), "no exchange rate"),
     ("EUR", date(2017, 12, 31), "starts in 2018-01")],
)  # fmt: skip
def test_errors(currency: str, on: date, reason: str) -> None:
    with pytest.raises(NormaliseError, match=reason):
        to_usd(1, currency, on)


def test_custom_table(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("# mine\ncurrency,month,usd_per_unit,source\nEUR,2020-01,1.1,test\n")
    table = RatesTable.load(path)
    value = table.to_usd(10, "eur", date(2020, 6, 1))
    assert (value.amount_usd, value.rate_month) == (pytest.approx(11.0), "2020-01")
