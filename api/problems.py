"""One error shape on every route: RFC 9457 problem details.

Every refusal and failure answers `application/problem+json` with `type`
(`urn:iprgraph:problem:<kind>`), `title`, `status`, `detail` (one sentence a person
can act on), `instance` (the path asked) and `request_id` (also the `X-Request-Id`
header and the audit entry); a 422 adds `parameter` (the first offending one) and
`errors` (each offending parameter: where, which, what is wrong). What the caller
sent is never echoed back: a detail names a parameter, not its value.

Domain errors (`graph.errors`) carry their status and kind; `ApiProblem` is for what
only the HTTP layer knows (no key, the wrong role, a body too large).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, get_args, get_origin

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import GraphUnavailable, InvalidInput, IprgraphError, QueryTimeout

PROBLEM_MEDIA_TYPE = "application/problem+json"
_TYPE = "urn:iprgraph:problem:"
_log = logging.getLogger("iprgraph.api")


class ProblemParameter(BaseModel):
    parameter: str = Field(description="The parameter, as the caller named it.")
    location: str = Field(description="query, path, header or body.", examples=["query"])
    detail: str = Field(description="What is wrong with it.")


class Problem(BaseModel):
    """Every error answer (RFC 9457 problem details)."""

    type: str = Field(
        description="What kind of problem: `urn:iprgraph:problem:` and a short name.",
        examples=["urn:iprgraph:problem:not-found"],
    )
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(
        description="One sentence a person can act on.",
        examples=["No seizure has the id 'HK-CED:X-1'."],
    )
    instance: str | None = Field(None, description="The path asked.")
    request_id: str | None = Field(None, description="As in the X-Request-Id header.")
    parameter: str | None = Field(
        None, description="For 422: the first parameter that is not valid."
    )
    errors: list[ProblemParameter] | None = Field(
        None, description="For 422: every parameter that is not valid."
    )


class ApiProblem(Exception):
    """A problem only the HTTP layer knows about."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.headers = headers or {}


def unauthorized(detail: str) -> ApiProblem:
    return ApiProblem(
        401, "unauthorized", "No valid API key", detail, {"WWW-Authenticate": "Bearer"}
    )


def forbidden(detail: str) -> ApiProblem:
    return ApiProblem(403, "forbidden", "Not allowed for this role", detail)


def problem_response(
    request: Request | None,
    status: int,
    kind: str,
    title: str,
    detail: str,
    *,
    errors: Sequence[ProblemParameter] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    request_id = getattr(request.state, "request_id", None) if request is not None else None
    body = Problem(
        type=_TYPE + kind,
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path if request is not None else None,
        request_id=request_id,
        parameter=errors[0].parameter if errors else None,
        errors=list(errors) or None,
    )
    if request is not None:
        # What the audit records of a refusal: its reason.
        request.state.refusal = detail
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


# --- handlers ---------------------------------------------------------------------------

# Per route, the parameters that make its question narrower: named when the
# question ran past the time limit.
_NARROWING: dict[str, str] = {
    "/v1/entities/{node_id}/neighborhood": "a smaller depth, fewer types, a lower limit, or "
    "through_hubs=false",
    "/v1/paths": "fewer max_hops, mode=shortest, or through_hubs=false",
    "/v1/stats/seizures": "a shorter period (from, to), a reporting or a partner jurisdiction",
    "/v1/seizures": "a shorter period (from, to) or a filter (party, container, port, trademark)",
    "/v1/networks": "min_jurisdictions, since, or a lower limit",
}


def route_template(scope: Any) -> str | None:
    """The path template of the route that answered (`/v1/seizures/{seizure_id}`);
    None when no route did. A router included under a prefix keeps its own paths."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if path is None:
        return None
    asked = str(scope.get("path", ""))
    if asked.startswith("/v1/") and not path.startswith("/v1/"):
        path = "/v1" + path
    return str(path)


def _route_path(request: Request) -> str:
    return route_template(request.scope) or request.url.path


def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IprgraphError)
    headers: dict[str, str] = {}
    detail = exc.message
    errors: list[ProblemParameter] = []
    retry_after = getattr(exc, "retry_after_s", None)
    if retry_after is not None:  # the graph away, a quota used up
        headers["Retry-After"] = str(retry_after)
    if isinstance(exc, QueryTimeout):
        narrowing = _NARROWING.get(_route_path(request))
        if narrowing:
            detail = f"{detail.rstrip('.')}; narrow it with {narrowing}."
    elif isinstance(exc, InvalidInput) and exc.parameter:
        errors.append(ProblemParameter(parameter=exc.parameter, location="query", detail=detail))
    if exc.status_code >= 500 and not isinstance(exc, GraphUnavailable):
        _log.error("request %s failed: %s", getattr(request.state, "request_id", "-"), exc)
    return problem_response(
        request, exc.status_code, exc.kind, exc.title, detail, errors=errors, headers=headers
    )


def _api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return problem_response(
        request, exc.status, exc.kind, exc.title, exc.detail, headers=exc.headers
    )


def _field_path(loc: Sequence[Any]) -> str:
    """`("queries", 0, "telephone")` -> `queries[0].telephone`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "body"


def _model_at(model: Any, loc: Sequence[Any]) -> type[BaseModel] | None:
    """The pydantic model that holds the field at `loc` (without its last part),
    walking lists and optionals; None when it cannot be told."""
    current = model
    for part in loc[:-1]:
        if isinstance(part, int):
            args = get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            current = field.annotation if field is not None else None
        else:
            return None
        while (
            current is not None
            and get_origin(current) is not None
            and not isinstance(current, type)
        ):
            inner = [arg for arg in get_args(current) if arg is not type(None)]
            if get_origin(current) in (list, tuple):
                break
            current = inner[0] if len(inner) == 1 else None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _body_model(request: Request) -> Any:
    route = request.scope.get("route")
    field = getattr(route, "body_field", None)
    return getattr(field, "type_", None) if field is not None else None


def _query_names(request: Request) -> set[str]:
    """The query parameters the route that answered takes (those of a query model by
    their aliases: `from`, `to`)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    names: set[str] = set()
    for param in getattr(dependant, "query_params", []):
        model = param.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names.update(f.alias or n for n, f in model.model_fields.items())
        else:
            names.add(param.alias)
    return names


def _describe(request: Request, error: dict[str, Any]) -> ProblemParameter:
    loc = list(error.get("loc") or ())
    where = str(loc[0]) if loc else "body"
    rest = loc[1:] if where in ("query", "path", "header", "body", "cookie") else loc
    name = _field_path(rest) if where == "body" else (str(rest[0]) if rest else where)
    message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
    if error.get("type") == "extra_forbidden" and where == "query":
        known = ", ".join(sorted(_query_names(request)))
        message = f"unknown parameter {name!r}" + (f"; this route takes {known}" if known else "")
    elif error.get("type") == "extra_forbidden":
        holder = _model_at(_body_model(request), rest)
        fields = ", ".join(holder.model_fields) if holder is not None else ""
        message = f"unknown field {rest[-1]!r}" + (
            f"; this part of the body takes {fields}" if fields else ""
        )
    elif error.get("type") == "missing":
        message = "is required"
    elif error.get("type") == "json_invalid":
        name, message = "body", "is not valid JSON"
    return ProblemParameter(parameter=name, location=where, detail=message)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_describe(request, dict(error)) for error in exc.errors()[:20]]
    first = errors[0] if errors else None
    if first is None:
        detail = "The request is not valid."
    elif first.detail.startswith("unknown "):
        detail = f"The {first.location} holds an {first.detail}."
    else:
        detail = f"The {first.location} parameter {first.parameter!r} {first.detail}."
        if not first.detail.startswith(("is ", "must ")):
            detail = f"The {first.location} parameter {first.parameter!r}: {first.detail}."
    return problem_response(
        request, 422, "invalid-parameter", "A parameter is not valid", detail, errors=errors
    )


_HTTP_KINDS = {
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    413: ("payload-too-large", "The body is too large"),
}


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind, title = _HTTP_KINDS.get(exc.status_code, ("http-error", "HTTP error"))
    detail = str(exc.detail) if exc.detail else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No route answers {request.url.path}; /docs lists them."
    elif exc.status_code == 405:
        detail = f"{request.method} is not a method {request.url.path} takes."
    return problem_response(
        request, exc.status_code, kind, title, detail, headers=dict(exc.headers or {})
    )


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    request_id = getattr(request.state, "request_id", "-")
    _log.exception("request %s failed unexpectedly", request_id)
    return problem_response(
        request,
        500,
        "internal",
        "iprgraph failed",
        f"iprgraph failed unexpectedly; quote request id {request_id} to its operator.",
    )


# One table: each kind of error answers in the problem shape.
EXCEPTION_HANDLERS = {
    IprgraphError: _domain_error,
    ApiProblem: _api_problem,
    RequestValidationError: _validation_error,
    StarletteHTTPException: _http_error,
    Exception: _unexpected,
}

# What OpenAPI says every route may answer besides its success.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No key, an unknown key or a revoked key."},
    403: {"model": Problem, "description": "The key's role may not use this route."},
    422: {"model": Problem, "description": "A parameter is not valid, or the query too broad."},
    429: {
        "model": Problem,
        "description": "The key runs or started too many heavy calls (paths, deep "
        "neighbourhoods, statistics, network details, pictures, exports); `Retry-After` "
        "says when to send it again.",
    },
    503: {"model": Problem, "description": "The database is away, or the audit cannot be written."},
}
