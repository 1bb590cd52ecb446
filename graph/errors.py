"""Domain errors: what callers above `graph/` see instead of driver exceptions.

Each class carries the HTTP status the API answers with, so `api/app.py` needs one
handler for the whole family (the yente `exc.py` pattern).
"""

from __future__ import annotations


class IprgraphError(Exception):
    """Base of every error iprgraph reports to a person.

    `status_code` is the HTTP status the API answers with, and `kind` the last part
    of the problem type it names (`urn:iprgraph:problem:<kind>`, RFC 9457).
    """

    status_code = 500
    kind = "internal"
    title = "iprgraph failed"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class GraphUnavailable(IprgraphError):
    """The graph database cannot be reached or went away; worth retrying later."""

    status_code = 503
    kind = "graph-unavailable"
    title = "The graph database is unavailable"
    retry_after_s = 5


class Busy(IprgraphError):
    """Earlier work holds what this call needs for longer than the call may wait
    (pushes queue behind one another: `graph.pipeline.push`); worth retrying later."""

    status_code = 503
    kind = "busy"
    title = "Busy with earlier work"
    retry_after_s = 30


class QueryTimeout(IprgraphError):
    """A statement or a walk ran past the server's time limit and was stopped: the
    question was too broad for the time allowed, which is no outage (the database
    answers), so it is not answered as one. The API names the parameters that
    narrow it."""

    status_code = 422
    kind = "query-too-broad"
    title = "The query was too broad"


class NotFound(IprgraphError):
    status_code = 404
    kind = "not-found"
    title = "Not found"


class InvalidInput(IprgraphError):
    """What the caller sent cannot be answered as it is; `parameter` names what."""

    status_code = 422
    kind = "invalid-parameter"
    title = "A parameter is not valid"

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class Conflict(IprgraphError):
    """The request clashes with the state of what it names (a revoked principal
    revoked again, an agreement that ended)."""

    status_code = 409
    kind = "conflict"
    title = "Conflict"


class InvalidQuery(IprgraphError):
    """The database rejected a statement: a bug in iprgraph, not the caller's fault."""

    status_code = 500
    kind = "invalid-statement"


class ConstraintViolation(IprgraphError):
    """A write broke a uniqueness constraint (two writers raced to create a node)."""

    status_code = 409
    kind = "conflict"
    title = "Conflict"


class EmbeddedServerError(IprgraphError):
    """The embedded graph server could not be started, reached or stopped."""

    status_code = 503
    kind = "graph-unavailable"
    title = "The graph database is unavailable"
