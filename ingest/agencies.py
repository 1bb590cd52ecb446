"""The registry of reporting agencies: code -> name and jurisdiction.

An agency code not listed here still works when it starts with a jurisdiction code
(`EU-<member>`, `SG-CUSTOMS`...): the prefix, or the member state after `EU-`, names
its jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.normalise import resolve_country


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    jurisdiction: str | None


_KNOWN = {
    "HK-CED": Agency("HK-CED", "Hong Kong Customs and Excise Department", "HK"),
    "MO-CS": Agency("MO-CS", "Macao Customs Service", "MO"),
    "CN-GACC": Agency("CN-GACC", "General Administration of Customs of China", "CN"),
    "US-CBP": Agency("US-CBP", "U.S. Customs and Border Protection", "US"),
}


def agency(code: str) -> Agency:
    code = code.strip().upper()
    if code in _KNOWN:
        return _KNOWN[code]
    prefix, _, rest = code.partition("-")
    if prefix == "EU" and rest:
        member = resolve_country(rest.split("-")[0])
        return Agency(code, f"Customs of {member or rest} (EU)", member)
    return Agency(code, code, resolve_country(prefix) if len(prefix) in (2, 3) else None)
