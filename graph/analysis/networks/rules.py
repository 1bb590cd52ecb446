"""The rules that form networks and score their risk (see `graph.analysis.networks`)."""

from __future__ import annotations

from graph.model import RelType

LINK_WEIGHTS: dict[str, float] = {
    "identifier": 1.0,
    "phone": 0.9,
    "email": 0.9,
    "document": 0.9,
    "address": 0.45,
    "co_seizure": 0.4,
    "forwarder": 0.3,
    "container": 0.2,
}
# Corroborating kinds: capped so that together they stay below STRONG, and never
# enough alone to bring an entity into a network.
KIND_CAPS: dict[str, float] = {"forwarder": 0.3, "container": 0.35}
WEAK_KINDS = frozenset(KIND_CAPS)
STRONG = 0.6
# What the links of an entity outside every core must weigh together for it to join
# the one core they all lead into: more than a single seizure together.
PENDANT_MIN = 0.5
PENDANT_ROUNDS = 3
CONTAINER_WINDOW_DAYS = 90
ARTEFACT_CAP = 12
CONTAINER_CAP = 20
FORWARDER_CAP = 25
# Seizures cited per link in an answer (the total is given too).
EVIDENCE_PER_LINK = 5
# Networks with at least this many entities are split into communities (Louvain).
COMMUNITY_MIN_ENTITIES = 8
LOUVAIN_SEED = 7
KEY_PLAYERS = 10
_WRITE_ROWS = 1000
_WRITE_BYTES = 4_000_000
# Links stored per network (the strongest); an answer says when more exist.
MAX_STORED_LINKS = 5000

RISK_WEIGHTS: dict[str, float] = {
    "seizures": 0.10,
    "value_usd": 0.10,
    "jurisdictions": 0.15,
    "recency": 0.10,
    "growth": 0.10,
    "confirmed_infringers": 0.15,
    "shared_identity": 0.15,
    "corroborated_links": 0.15,
}

# The roles that make an entity a principal of a seizure (not its forwarder).
PRINCIPAL_RELS = frozenset({RelType.SHIPPED_BY, RelType.CONSIGNED_TO, RelType.MANUFACTURED_BY})
# Evidence that two distinct entities share an identity (the risk input above).
IDENTITY_KINDS = frozenset({"address", "phone", "email", "identifier"})
# Kinds that bind entities by being seized together, not by what they hold: a link
# with no other kind is a trade lane, not evidence of an organisation (the risk
# input `corroborated_links`).
SEIZED_TOGETHER_KINDS = frozenset({"co_seizure", *WEAK_KINDS})
# The kind named first when a link has several (the strongest sort of evidence).
KIND_ORDER = list(LINK_WEIGHTS)


def pair_weight(counts: dict[str, int]) -> float:
    """Weight of a link from its evidence counts per kind (noisy-or, capped kinds)."""
    miss = 1.0
    for kind, n in counts.items():
        weight = 1.0 - (1.0 - LINK_WEIGHTS[kind]) ** n
        miss *= 1.0 - min(weight, KIND_CAPS.get(kind, 1.0))
    return round(1.0 - miss, 4)
