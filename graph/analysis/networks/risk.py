"""Risk of a network, 0 to 100, input by input (see `graph.analysis.networks`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from graph.analysis.networks.grouping import day
from graph.analysis.networks.projection import Seizure
from graph.analysis.networks.rules import RISK_WEIGHTS

# --- risk -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskInput:
    name: str
    value: float
    score: float
    weight: float
    points: float


def risk_of(
    seizures: list[Seizure],
    jurisdictions: int,
    confirmed_share: float,
    identity_pairs: int,
    as_of: int | None,
    corroborated_links: int = 0,
) -> tuple[float, list[RiskInput]]:
    days = sorted(d for s in seizures if (d := day(s.date)) is not None)
    value = sum(s.value_usd or 0.0 for s in seizures)
    since_last = float(as_of - days[-1]) if days and as_of is not None else 3650.0
    growth = 0.0
    if len(days) >= 4 and days[-1] > days[0]:
        middle = (days[0] + days[-1]) / 2
        late = sum(1 for d in days if d > middle)
        early = len(days) - late
        growth = (late - early) / len(days)
    scores = {
        "seizures": (len(seizures), min(1.0, math.log1p(len(seizures)) / math.log(101))),
        "value_usd": (round(value, 2), min(1.0, math.log10(1 + value) / 7)),
        "jurisdictions": (jurisdictions, min(1.0, max(0, jurisdictions - 1) / 3)),
        "recency": (since_last, math.exp(-since_last / 365)),
        "growth": (round(growth, 3), max(0.0, growth)),
        "confirmed_infringers": (round(confirmed_share, 3), confirmed_share),
        "shared_identity": (identity_pairs, 1.0 - 0.5**identity_pairs),
        "corroborated_links": (corroborated_links, 1.0 - 0.5**corroborated_links),
    }
    inputs = [
        RiskInput(
            name,
            float(value_),
            round(score, 4),
            RISK_WEIGHTS[name],
            round(100 * RISK_WEIGHTS[name] * score, 2),
        )
        for name, (value_, score) in scores.items()
    ]
    return round(sum(i.points for i in inputs), 2), inputs


_RISK_WORDS = {
    "seizures": "{v:.0f} seizures",
    "value_usd": "USD {v:,.0f} seized",
    "jurisdictions": "{v:.0f} jurisdictions",
    "recency": "last seizure {v:.0f} days before the newest in the graph",
    "growth": "growth {v:+.2f} (late against early half of its activity)",
    "confirmed_infringers": "{v:.0%} of its entities confirmed infringers",
    "shared_identity": "pairs of its entities sharing a phone, email, registration "
    "number or address: {v:.0f}",
    "corroborated_links": "links that bind on more than seizures together (a transport "
    "document, phone, email, registration number or address): {v:.0f}",
}


def risk_sentence(risk: float, inputs: list[RiskInput]) -> str:
    parts = [
        f"{_RISK_WORDS[i.name].format(v=i.value)}: {i.points:.1f} of {100 * i.weight:.0f}"
        for i in sorted(inputs, key=lambda i: -i.points)
    ]
    return f"Risk {risk:.1f} of 100. " + "; ".join(parts) + "."
