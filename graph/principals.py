"""Principals: who may call the API, stored in the graph.

A principal belongs to one agency and has one role (`graph.access.Role`). Its key
is a long random secret shown once, when it is created; the graph keeps only the
key's sha256 (a key carries 256 random bits, so a fast hash is enough: nobody can
guess one from its hash) and its first characters (`key_prefix`), by which a
person can tell keys apart in lists and in the audit. Revoking sets `revoked_at`;
every call looks its key up again, so a revoked key stops working at once in every
API process, on every host that shares the graph (a Neo4j cluster replicates it).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from graph import queries
from graph.access import Role
from graph.errors import Conflict, InvalidInput, NotFound
from graph.store import GraphStore, Row
from ingest.agencies import agency as agency_of

__all__ = [
    "KEY_PREFIX",
    "NewPrincipal",
    "Principal",
    "authenticate",
    "create_principal",
    "hash_key",
    "list_principals",
    "revoke_principal",
]

# Every key starts so: a secret scanner (or a person) can tell what it is.
KEY_PREFIX = "ipr_"
# Characters of a key kept in the clear to tell keys apart ("ipr_" and 8 more).
_SHOWN = len(KEY_PREFIX) + 8
# Bytes of randomness in a key (43 characters of URL-safe base64).
_KEY_BYTES = 32
MAX_NAME = 120


@dataclass(frozen=True)
class Principal:
    id: str
    name: str
    agency: str
    role: Role
    key_prefix: str
    created_at: str
    created_by: str | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class NewPrincipal:
    """A principal just created, with its key: the only time the key is seen."""

    principal: Principal
    key: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _principal(row: Row) -> Principal:
    return Principal(
        id=row["id"],
        name=row["name"],
        agency=row["agency"],
        role=Role(row["role"]),
        key_prefix=row["key_prefix"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        revoked_at=row["revoked_at"],
        revoked_by=row["revoked_by"],
    )


def checked_agency(code: str) -> str:
    """The agency code as the registry knows it; InvalidInput when it names no
    agency (a principal of an agency nobody can place would see nothing sensible)."""
    text = code.strip().upper()
    if not text or agency_of(text).jurisdiction is None:
        raise InvalidInput(
            f"{code!r} is not an agency iprgraph knows (HK-CED, MO-CS, CN-GACC, US-CBP, "
            "EU-<member state>, or a code that starts with its jurisdiction)",
            parameter="agency",
        )
    return agency_of(text).code


def create_principal(
    store: GraphStore, *, name: str, agency: str, role: Role | str, created_by: str | None = None
) -> NewPrincipal:
    """Create a principal with a fresh key; the key is returned once, never stored."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"a principal needs a name of 1 to {MAX_NAME} characters", "name")
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            f"{role!r} is not a role; one of {', '.join(r.value for r in Role)}", "role"
        ) from None
    key = KEY_PREFIX + secrets.token_urlsafe(_KEY_BYTES)
    rows = store.write(
        queries.CREATE_PRINCIPAL_QUERY,
        id=f"prn:{uuid.uuid4().hex[:16]}",
        name=name,
        agency=checked_agency(agency),
        role=role.value,
        key_hash=hash_key(key),
        key_prefix=key[:_SHOWN],
        at=_now(),
        by=created_by,
    )
    return NewPrincipal(_principal(rows[0]), key)


def authenticate(store: GraphStore, key: str) -> Principal | None:
    """The principal holding `key` (revoked ones too: the caller tells them apart),
    or None when no principal has it."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    rows = store.read(queries.PRINCIPAL_BY_KEY_QUERY, key_hash=hash_key(key))
    return _principal(rows[0]) if rows else None


def list_principals(store: GraphStore, agency: str | None = None) -> list[Principal]:
    """Every principal (of `agency` when given), keys never included."""
    return [
        _principal(row)
        for row in store.read(queries.LIST_PRINCIPALS_QUERY, agency=agency and agency.upper())
    ]


def revoke_principal(
    store: GraphStore, principal_id: str, *, agency: str | None = None, by: str | None = None
) -> Principal:
    """Revoke a principal's key (of `agency` only, when given: an admin revokes its
    own agency's principals). Revoking a revoked principal is a Conflict."""
    before = [p for p in list_principals(store, agency) if p.id == principal_id]
    if not before:
        raise NotFound(f"No principal has the id {principal_id!r}.")
    if not before[0].active:
        raise Conflict(f"The principal {principal_id!r} was revoked on {before[0].revoked_at}.")
    rows = store.write(
        queries.REVOKE_PRINCIPAL_QUERY, id=principal_id, agency=agency, by=by, at=_now()
    )
    return _principal(rows[0])
