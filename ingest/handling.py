"""A record's handling as visibility tokens: who may see what it says.

The graph stores, on every element a record evidences, the union of the tokens of
those records (`vis`); an agency sees an element holding `PUBLIC` or its own code.
`graph.access` applies them; the rule itself is here, where records are read, so
that the loader and every reader agree on it.

| TLP                 | tokens                                               |
|---------------------|------------------------------------------------------|
| CLEAR, GREEN        | `*` (`PUBLIC`): every agency on the platform         |
| AMBER, AMBER+STRICT | the reporting agency and those in `releasable_to`    |
| RED                 | the reporting agency only                            |
"""

from __future__ import annotations

from collections.abc import Iterable

PUBLIC = "*"
_EVERYONE = frozenset({"CLEAR", "GREEN"})


def record_tokens(agency: str, tlp: str, releasable_to: Iterable[str] = ()) -> list[str]:
    """The visibility tokens of one record, sorted."""
    if tlp in _EVERYONE:
        return [PUBLIC]
    own = agency.strip().upper()
    if tlp == "RED":
        return [own]
    return sorted({own, *(code.strip().upper() for code in releasable_to if code.strip())})


def merge_tokens(*groups: Iterable[str]) -> list[str]:
    """The union of token lists, sorted."""
    return sorted({token for group in groups for token in group})
