"""Risk of a network, 0 to 100, input by input (see `graph.analysis.networks`).

Every input but recency depends on the network alone and is stored with it
(`stored`: `risk_base`, the points of those inputs, and `risk_inputs`). Recency
counts the days from the network's last seizure to the newest seizure its view
sees, which moves whenever a newer seizure arrives anywhere; it is counted when the
risk is read (`risk_at`; the networks list sorts in Cypher with
`RISK_KEY_PARAMS`), so a new seizure rewrites no network it is not in.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

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


RECENCY = "recency"
# The days counted when a network or its view has no dated seizure.
_NO_DATE_DAYS = 3650.0


@dataclass(frozen=True)
class Risk:
    """A network's risk counted to one day: total, inputs, and the sentence."""

    risk: float
    inputs: list[RiskInput]
    explanation: str


def _since(last_day: int | None, as_of: int | None) -> float:
    if not last_day or as_of is None or as_of < 0:
        return _NO_DATE_DAYS
    return float(as_of - last_day)


def _recency(since: float) -> RiskInput:
    weight = RISK_WEIGHTS[RECENCY]
    score = math.exp(-since / 365)
    return RiskInput(RECENCY, since, round(score, 4), weight, round(100 * weight * score, 2))


def risk_of(
    seizures: list[Seizure],
    jurisdictions: int,
    confirmed_share: float,
    identity_pairs: int,
    corroborated_links: int = 0,
) -> list[RiskInput]:
    """The inputs of a network's risk but recency (`risk_at` adds it)."""
    days = sorted(d for s in seizures if (d := day(s.date)) is not None)
    value = sum(s.value_usd or 0.0 for s in seizures)
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
        "growth": (round(growth, 3), max(0.0, growth)),
        "confirmed_infringers": (round(confirmed_share, 3), confirmed_share),
        "shared_identity": (identity_pairs, 1.0 - 0.5**identity_pairs),
        "corroborated_links": (corroborated_links, 1.0 - 0.5**corroborated_links),
    }
    return [
        RiskInput(
            name,
            float(value_),
            round(score, 4),
            RISK_WEIGHTS[name],
            round(100 * RISK_WEIGHTS[name] * score, 2),
        )
        for name, (value_, score) in scores.items()
    ]


def stored(inputs: list[RiskInput]) -> dict[str, Any]:
    """The Network properties of its risk that do not depend on the day: the points
    of every input but recency (`risk_base`) and those inputs (`risk_inputs`)."""
    kept = [i for i in inputs if i.name != RECENCY]
    return {
        "risk_base": round(sum(i.points for i in kept), 2),
        "risk_inputs": json.dumps([i.__dict__ for i in kept]),
    }


def risk_at(risk_inputs: str | None, last_day: int | None, as_of: int | None) -> Risk:
    """A network's risk with its recency counted to `as_of` (the newest seizure of its
    view, None or -1: none), from its stored `risk_inputs` and `last_day`. A graph
    stored before recency was counted at read holds a recency input: it is counted
    again like the rest."""
    kept = [
        RiskInput(**item) for item in json.loads(risk_inputs or "[]") if item["name"] != RECENCY
    ]
    base = round(sum(i.points for i in kept), 2)
    recency = _recency(_since(last_day, as_of))
    order = list(RISK_WEIGHTS)
    inputs = sorted([*kept, recency], key=lambda i: order.index(i.name))
    risk = round(base + recency.points, 2)
    return Risk(risk, inputs, risk_sentence(risk, inputs))


def risk_of_row(row: dict[str, Any]) -> Risk:
    """`risk_at` of a row that reads a Network's `risk_inputs` and `last_day` and its
    view's day as `as_of` (`queries.VIEW_STAMP_OF_N`)."""
    return risk_at(row["risk_inputs"], row["last_day"], row["as_of"])


# What `queries.LIST_NETWORKS_QUERY` sorts by risk with: it adds to `risk_base`
# recency's points counted to the view's day, not rounded. `risk_at` rounds the same
# points, and `risk_base` holds whole hundredths, so that order is the order of the
# risks shown.
RISK_KEY_PARAMS = {"recency_points": 100 * RISK_WEIGHTS[RECENCY], "no_date_days": _NO_DATE_DAYS}


_RISK_WORDS = {
    "seizures": "{v:.0f} seizures",
    "value_usd": "USD {v:,.0f} seized",
    "jurisdictions": "{v:.0f} jurisdictions",
    "recency": "last seizure {v:.0f} days before the newest seizure of the view",
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
