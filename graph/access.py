"""Who may see what: roles, the viewer an answer is computed for, visibility tokens.

Every record carries its handling (TLP 2.0 and `releasable_to`). The loader turns
it into *visibility tokens* (`record_tokens`) and stores them, as `vis`, on the
seizure and on every node and relationship the record evidences, as the union
over all the records that evidence it. A viewer of agency A sees an element when
one of its tokens is `PUBLIC` or A (`Viewer.see`), so statements filter in the
database (`graph.queries.visible`):

| TLP            | tokens of the record                                  |
|----------------|-------------------------------------------------------|
| CLEAR, GREEN   | `*`: every agency on the platform                     |
| AMBER, AMBER+STRICT | the reporting agency and those in `releasable_to` |
| RED            | the reporting agency only                             |

An approved detailed request releases one record to one more agency: the
agency is added to the record's tokens; its handling is never rewritten.

A derived fact (an entity, a network, a count) is computed over what the viewer
sees; see `graph.visibility` for labels and `graph.resolve.views` for entities.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from ingest.handling import PUBLIC, record_tokens

__all__ = [
    "OPERATOR",
    "PUBLIC",
    "PUBLIC_VIEWER",
    "READERS",
    "TLP_LEVELS",
    "Role",
    "Viewer",
    "record_tokens",
    "visible_to",
]

TLP_LEVELS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
# Who the public view is computed for (`visible_to`): an agency no token names, so it
# sees only what every agency may see.
PUBLIC_VIEWER = "\x00public"


def visible_to(tokens: Collection[str] | None, agency: str | None) -> bool:
    """Whether an element with these tokens is visible to an agency (None: the
    operator, who sees everything). Called for every element a network build or an
    answer reads, hence two membership tests rather than a loop."""
    if agency is None:
        return True
    if not tokens:
        return False
    return PUBLIC in tokens or agency in tokens


class Role(StrEnum):
    """What a principal may do (the handling contract's table of roles)."""

    INVESTIGATOR = "investigator"  # every read route, within what its agency sees
    ANALYST = "analyst"  # an investigator's reads, plus judgements and watch lists
    PARTNER = "partner"  # lookups only: hit / no-hit, exchange statistics, requests
    ADMIN = "admin"  # principals, keys and agreements; reads as an investigator
    FEED = "feed"  # a system of an agency that pushes its records; reads nothing


# Roles that read the graph (search, seizures, entities, link analysis, networks...).
READERS = frozenset({Role.INVESTIGATOR, Role.ANALYST, Role.ADMIN})


@dataclass(frozen=True)
class Viewer:
    """The agency an answer is computed for: what it may see, and who asks.

    `agency` None is the operator at the command line, who holds the database
    itself and sees every record; the API never builds one.
    """

    agency: str | None
    role: Role | None = None
    principal: str | None = None  # the principal's id, for what it writes
    name: str | None = None

    @classmethod
    def operator(cls) -> Viewer:
        return cls(agency=None)

    @property
    def see(self) -> list[str] | None:
        """The tokens that make an element visible (None: everything)."""
        return None if self.agency is None else [PUBLIC, self.agency]

    @property
    def view(self) -> str | None:
        """The name of this viewer's view of derived facts (entities, networks):
        its agency (None: the whole graph)."""
        return self.agency

    def sees(self, tokens: Collection[str] | None) -> bool:
        return visible_to(tokens, self.agency)

    @property
    def params(self) -> dict[str, object]:
        """What statements take of the viewer: `$see` and `$view`."""
        return {"see": self.see, "view": self.view}


# The command line's operator: the whole graph, every record.
OPERATOR = Viewer.operator()
