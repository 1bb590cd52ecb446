"""Domain errors: what callers above `graph/` see instead of driver exceptions.

Each class carries the HTTP status the API answers with, so `api/app.py` needs one
handler for the whole family (the yente `exc.py` pattern).
"""

from __future__ import annotations


class IprgraphError(Exception):
    """Base of every error iprgraph reports to a person."""

    status_code = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GraphUnavailable(IprgraphError):
    """The graph database cannot be reached or went away; worth retrying later."""

    status_code = 503
    retry_after_s = 5


class QueryTimeout(GraphUnavailable):
    """A statement ran past the server-side time limit and was stopped."""


class NotFound(IprgraphError):
    status_code = 404


class InvalidQuery(IprgraphError):
    """The database rejected a statement: a bug in iprgraph, not the caller's fault."""

    status_code = 500


class ConstraintViolation(IprgraphError):
    """A write broke a uniqueness constraint (two writers raced to create a node)."""

    status_code = 409


class EmbeddedServerError(IprgraphError):
    """The embedded graph server could not be started, reached or stopped."""

    status_code = 503
