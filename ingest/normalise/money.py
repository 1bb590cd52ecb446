"""Seizure values converted to US dollars with a dated monthly rates table."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Final

import pycountry

from ingest.reference import REFERENCE_DIR

from .errors import NormaliseError

__all__ = ["RatesTable", "UsdValue", "to_usd"]

SHIPPED_RATES: Final = REFERENCE_DIR / "usd_rates.csv"


@dataclass(frozen=True, slots=True)
class UsdValue:
    amount_usd: float
    rate: float  # USD per unit of `currency`
    rate_month: str  # YYYY-MM of the rate used
    currency: str


def _month(on: date) -> str:
    return f"{on.year:04d}-{on.month:02d}"


def _valid_currency(code: str) -> bool:
    return pycountry.currencies.get(alpha_3=code) is not None


class RatesTable:
    """Monthly average USD rates per currency (columns currency, month YYYY-MM,
    usd_per_unit, source; lines starting with # are comments)."""

    def __init__(self, rates: dict[str, dict[str, float]]) -> None:
        self._rates = rates
        self._months = {cur: sorted(months) for cur, months in rates.items()}

    @classmethod
    def load(cls, path: Path | None = None) -> RatesTable:
        """The table in `path`, or the shipped one (cached) when None."""
        if path is None:
            return _shipped()
        return cls._read(path)

    @classmethod
    def _read(cls, path: Path) -> RatesTable:
        rates: dict[str, dict[str, float]] = {}
        with path.open(encoding="utf-8", newline="") as fh:
            lines = (line for line in fh if line.strip() and not line.startswith("#"))
            for row in csv.DictReader(lines):
                currency = row["currency"].strip().upper()
                rates.setdefault(currency, {})[row["month"].strip()] = float(row["usd_per_unit"])
        return cls(rates)

    @property
    def currencies(self) -> frozenset[str]:
        return frozenset(self._rates) | {"USD"}

    def months(self, currency: str) -> list[str]:
        return list(self._months.get(currency.upper(), []))

    def rate(self, currency: str, on: date) -> tuple[float, str]:
        """(USD per unit, YYYY-MM used) for `currency` in the month of `on`; the
        nearest earlier month when `on` is past the end of the table."""
        code = currency.strip().upper()
        if code == "USD":
            return 1.0, _month(on)
        if not _valid_currency(code):
            raise NormaliseError(f"'{currency}' is not an ISO 4217 currency code", "currency")
        months = self._months.get(code)
        if not months:
            raise NormaliseError(
                f"there is no exchange rate for {code} in the rates table "
                f"(it has {', '.join(sorted(self._rates))})",
                "currency",
            )
        wanted = _month(on)
        if wanted < months[0]:
            raise NormaliseError(
                f"the rates table for {code} starts in {months[0]}; "
                f"there is no rate for {on.isoformat()}",
                "currency",
            )
        if wanted in self._rates[code]:
            return self._rates[code][wanted], wanted
        earlier = [m for m in months if m <= wanted]
        return self._rates[code][earlier[-1]], earlier[-1]

    def to_usd(self, amount: Decimal | float, currency: str, on: date) -> UsdValue:
        rate, month = self.rate(currency, on)
        return UsdValue(
            amount_usd=float(Decimal(str(amount)) * Decimal(str(rate))),
            rate=rate,
            rate_month=month,
            currency=currency.strip().upper(),
        )


@lru_cache(maxsize=1)
def _shipped() -> RatesTable:
    return RatesTable._read(SHIPPED_RATES)


def to_usd(amount: Decimal | float, currency: str, on: date) -> UsdValue:
    """Convert with the shipped table."""
    return RatesTable.load().to_usd(amount, currency, on)
