import csv
from collections import Counter

import pycountry

from ingest.normalise import PortResolver, RatesTable, fold_port_name, load_port_table
from ingest.normalise.money import SHIPPED_RATES
from ingest.normalise.ports import SHIPPED_PORTS

REQUIRED_CURRENCIES = {"HKD", "MOP", "CNY", "EUR", "GBP", "JPY", "SGD", "AED", "KRW", "TWD",
                       "INR", "CAD", "AUD", "CHF", "MYR", "THB", "VND"}  # fmt: skip


def test_ports_table() -> None:
    rows = load_port_table(SHIPPED_PORTS)
    keys = Counter((r.locode, r.kind) for r in rows)
    assert [k for k, n in keys.items() if n > 1] == []
    kinds = Counter(r.kind for r in rows)
    assert kinds["sea"] >= 300 and kinds["air"] >= 100 and set(kinds) == {"sea", "air"}
    for row in rows:
        assert len(row.locode) == 5 and row.locode.isalnum() and row.locode.isupper(), row
        assert row.locode[:2] == row.country, row
        assert pycountry.countries.get(alpha_2=row.country) is not None, row
        assert row.name
    by_locode: dict[str, set[tuple[str, str]]] = {}
    for row in rows:
        by_locode.setdefault(row.locode, set()).add((row.name, row.country))
    assert all(len(v) == 1 for v in by_locode.values()), "one name per location"


def test_no_ambiguous_names_in_ports_table() -> None:
    owners: dict[str, set[str]] = {}
    for row in load_port_table(SHIPPED_PORTS):
        for text in (row.name, *row.aliases):
            owners.setdefault(fold_port_name(text), set()).add(row.locode)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert len(PortResolver.default().locodes) > 400


def test_rates_table() -> None:
    with SHIPPED_RATES.open(encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    assert set(rows[0]) == {"currency", "month", "usd_per_unit", "source"}
    currencies = {r["currency"] for r in rows}
    assert currencies >= REQUIRED_CURRENCIES
    for code in currencies:
        assert pycountry.currencies.get(alpha_3=code) is not None, code
    assert len({(r["currency"], r["month"]) for r in rows}) == len(rows)
    assert all(float(r["usd_per_unit"]) > 0 for r in rows)
    table = RatesTable.load()
    for code in currencies:
        months = table.months(code)
        assert months[0] == "2018-01" and months[-1] == "2026-10", code
        index = [int(m[:4]) * 12 + int(m[5:]) for m in months]
        assert index == list(range(index[0], index[0] + len(index))), f"{code} has gaps"
