"""Who may call what: keys, roles, the one problem shape, bounded bodies.

Every route the OpenAPI document lists is tried, so a route added later is covered
without a word here: none answers without a key, an unknown key or a revoked one,
and each answers only the roles the handling contract gives it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.workspace.pages import router as workspace_router
from graph.config import Settings
from graph.principals import list_principals, revoke_principal
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import auth, new_key, serve_in_thread, workspace_client

PUBLIC = {"/healthz", "/readyz", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"}
# Which roles each route is for (the contract's table of roles), by path and method.
PARTNER_ROUTES = {
    ("post", "/v1/match"),
    ("get", "/v1/agreements"),
    ("get", "/v1/exchange/statistics"),
    ("get", "/v1/requests"),
    ("get", "/v1/requests/{request_id}"),
}
# Filed by partners only (handling contract: detailed requests).
PARTNER_ONLY_ROUTES = {("post", "/v1/requests")}
ANALYST_ROUTES = {
    ("post", "/v1/judgements"),
    ("post", "/v1/requests/{request_id}/decision"),
    # Watch lists and the webhook alerts go to (reading watches and alerts, and
    # acknowledging an alert, are for every reader).
    ("post", "/v1/watches"),
    ("delete", "/v1/watches/{watch_id}"),
    ("put", "/v1/webhook"),
    ("get", "/v1/webhook"),
    ("delete", "/v1/webhook"),
}
ADMIN_ROUTES = {
    ("post", "/v1/principals"),
    ("get", "/v1/principals"),
    ("delete", "/v1/principals/{principal_id}"),
}
# Pushing one's agency's records: its systems (feed) and its analysts.
PUSH_ROUTES = {("post", "/v1/records")}
ROLES = ("investigator", "analyst", "partner", "admin", "feed")


def allowed(method: str, path: str, role: str) -> bool:
    route = (method, path)
    if route in PUSH_ROUTES:
        return role in ("analyst", "feed")
    if role == "feed":
        return False  # a feed pushes and reads nothing
    if route in ADMIN_ROUTES:
        return role == "admin"
    if route in ANALYST_ROUTES:
        return role == "analyst"
    if route in PARTNER_ONLY_ROUTES:
        return role == "partner"
    if route in PARTNER_ROUTES:
        return True
    return role != "partner"


@pytest.fixture
def served(store: GraphStore, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    load_records(store, tmp_path / "feeds", [seizure_record(record_id="A-1")])
    settings = Settings(data_dir=tmp_path / "data")
    with serve_in_thread(create_app(settings, store=store)) as base_url:
        yield base_url, settings


def routes(base_url: str) -> list[tuple[str, str]]:
    spec = httpx.get(f"{base_url}/openapi.json").json()
    return sorted(
        (method, path)
        for path, methods in spec["paths"].items()
        for method in methods
        if path not in PUBLIC
    )


def call_url(path: str) -> str:
    """The route's path with placeholder parameters."""
    return (
        path.replace("{seizure_id}", "HK-CED:A-1")
        .replace("{principal_id}", "prn:none")
        .replace("{network_id}", "net:none")
        .replace("{entity_id}", "party:none")
        .replace("{node_id}", "party:none")
        .replace("{request_id}", "req:none")
        .replace("{watch_id}", "watch:none")
        .replace("{alert_id}", "alert:none")
    )


def call_body(method: str, path: str) -> Any:
    """A body that parses, for the routes that take one."""
    bodies: dict[str, Any] = {
        "/v1/match": {"queries": [{"name": "Huaxin"}]},
        "/v1/judgements": {"a": "party:a", "b": "party:b", "decision": "unsure"},
        "/v1/principals": {"name": "someone", "role": "investigator"},
        "/v1/records": [],
        "/v1/requests": {"reference": "ref-none"},
        "/v1/requests/{request_id}/decision": {"decision": "deny", "reason": "a test"},
        "/v1/watches": {"kind": "mark", "value": "Rolex"},
        "/v1/webhook": {"url": "https://soc.example.org/hook"},
    }
    return bodies.get(path) if method in ("post", "put") else None


def test_every_route_needs_a_valid_key_and_the_right_role(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, _ = served
    listed = routes(base_url)
    assert ("get", "/v1/seizures/{seizure_id}") in listed and ("post", "/v1/match") in listed
    keys = {role: new_key(store, agency="HK-CED", role=role) for role in ROLES}
    revoked = new_key(store, agency="HK-CED", role="investigator")
    [holder] = [p for p in list_principals(store) if p.key_prefix == revoked[:12]]
    revoke_principal(store, holder.id)
    with httpx.Client(base_url=base_url, timeout=30) as client:
        for method, path in listed:
            for headers, why in (
                ({}, "needs an API key"),
                (auth("ipr_" + "n" * 43), "not one that iprgraph issued"),
                (auth("not-even-a-key"), "not one that iprgraph issued"),
                ({"Authorization": "Basic dXNlcjpwYXNz"}, "needs an API key"),
                (auth(revoked), "was revoked"),
            ):
                answer = client.request(
                    method.upper(), call_url(path), json=call_body(method, path), headers=headers
                )
                assert answer.status_code == 401, (method, path, headers, answer.text)
                problem = answer.json()
                assert problem["type"] == "urn:iprgraph:problem:unauthorized", problem
                assert why in problem["detail"], problem
                assert answer.headers["WWW-Authenticate"] == "Bearer"
            for role, key in keys.items():
                answer = client.request(
                    method.upper(),
                    call_url(path),
                    json=call_body(method, path),
                    headers=auth(key),
                )
                if allowed(method, path, role):
                    # A 403 that is not about the role (no agreement allows it) is fine.
                    refused = answer.status_code == 403 and f"role {role}" in answer.text
                    assert answer.status_code != 401 and not refused, (method, path, role)
                else:
                    assert answer.status_code == 403, (method, path, role, answer.text)
                    problem = answer.json()
                    assert problem["type"] == "urn:iprgraph:problem:forbidden"
                    assert f"role {role}" in problem["detail"]


def test_openapi_says_how_to_authenticate(served: tuple[str, Settings]) -> None:
    base_url, _ = served
    spec = httpx.get(f"{base_url}/openapi.json").json()
    scheme = spec["components"]["securitySchemes"]["ApiKey"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    operation = spec["paths"]["/v1/seizures/{seizure_id}"]["get"]
    assert operation["security"] == [{"ApiKey": []}]
    assert "security" not in spec["paths"]["/healthz"]["get"]
    assert httpx.get(f"{base_url}/healthz").status_code == 200


def test_an_admin_manages_its_own_agency_s_principals(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, _ = served
    admin = auth(new_key(store, agency="HK-CED", role="admin"))
    foreign = new_key(store, agency="US-CBP", role="investigator")
    with httpx.Client(base_url=base_url, timeout=30, headers=admin) as client:
        made = client.post("/v1/principals", json={"name": "HK analyst 7", "role": "analyst"})
        assert made.status_code == 201, made.text
        body = made.json()
        assert body["agency"] == "HK-CED" and body["key"].startswith("ipr_")
        new = auth(body["key"])
        assert httpx.get(f"{base_url}/v1/seizures", headers=new).status_code == 200
        listed = client.get("/v1/principals").json()["items"]
        assert {p["agency"] for p in listed} == {"HK-CED"}
        assert all("key" not in p and "key_hash" not in p for p in listed)
        # Another agency's principal is not the admin's to see or revoke.
        [cbp] = list_principals(store, "US-CBP")
        assert client.delete(f"/v1/principals/{cbp.id}").status_code == 404
        assert httpx.get(f"{base_url}/v1/seizures", headers=auth(foreign)).status_code == 200
        gone = client.delete(f"/v1/principals/{body['id']}")
        assert gone.status_code == 200 and gone.json()["revoked_at"]
        assert httpx.get(f"{base_url}/v1/seizures", headers=new).status_code == 401
        assert client.delete(f"/v1/principals/{body['id']}").status_code == 409


def test_a_body_over_the_limit_is_413_and_never_echoed(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, settings = served
    headers = auth(new_key(store, agency="HK-CED"))
    huge = '{"queries": [{"name": "' + "A" * (settings.api_max_body_bytes + 10) + '"}]}'
    with httpx.Client(base_url=base_url, timeout=60, headers=headers) as client:
        declared = client.post(
            "/v1/match", content=huge, headers={"Content-Type": "application/json"}
        )
        assert declared.status_code == 413, declared.text[:200]
        assert len(declared.content) < 1000 and "AAAA" not in declared.text
        assert declared.json()["type"] == "urn:iprgraph:problem:payload-too-large"

        def chunks() -> Iterator[bytes]:  # no Content-Length: read until the bound
            data = huge.encode()
            for start in range(0, len(data), 65536):
                yield data[start : start + 65536]

        streamed = client.post(
            "/v1/match", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413 and "AAAA" not in streamed.text


def test_unknown_fields_are_422_naming_them(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, _ = served
    headers = auth(new_key(store, agency="HK-CED"))
    answer = httpx.post(
        f"{base_url}/v1/match",
        json={"queries": [{"name": "Huaxin", "telephone": "+852 2345 6789"}]},
        headers=headers,
    )
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["parameter"] == "queries[0].telephone"
    assert "unknown field 'telephone'" in problem["detail"] and "phone" in problem["detail"]
    assert "+852" not in answer.text


@pytest.mark.parametrize(
    ("method", "path", "status", "kind"),
    [
        ("get", "/v1/no-such-route", 404, "not-found"),
        ("delete", "/v1/seizures", 405, "method-not-allowed"),
        ("get", "/v1/seizures?limit=0", 422, "invalid-parameter"),
        ("get", "/v1/seizures/HK-CED:NOPE", 404, "not-found"),
    ],
)
def test_every_error_is_a_problem_with_the_request_id(
    served: tuple[str, Settings], store: GraphStore, method: str, path: str, status: int, kind: str
) -> None:
    base_url, _ = served
    answer = httpx.request(
        method.upper(), f"{base_url}{path}", headers=auth(new_key(store, agency="HK-CED"))
    )
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == f"urn:iprgraph:problem:{kind}" and problem["status"] == status
    assert problem["title"] and problem["detail"].endswith(".")
    assert problem["request_id"] == answer.headers["X-Request-Id"]


def test_a_workspace_session_opens_what_its_role_may_read_and_nothing_that_writes(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    """The web workspace's session cookie authenticates the API's GET routes for the
    roles they are for, and no route that changes something."""
    base_url, _ = served
    listed = routes(base_url)
    for role in ROLES:
        with workspace_client(base_url, new_key(store, agency="HK-CED", role=role)) as client:
            for method, path in listed:
                answer = client.request(
                    method.upper(), call_url(path), json=call_body(method, path)
                )
                if method != "get":
                    assert answer.status_code == 401, (method, path, role, answer.text)
                elif allowed(method, path, role):
                    assert answer.status_code not in (401, 403), (path, role, answer.text)
                else:
                    assert answer.status_code == 403, (path, role, answer.text)


# The workspace's pages (not in the OpenAPI document: they answer HTML to browsers).
WORKSPACE_OPEN = {"/signin"}  # no session needed
WORKSPACE_PARTNER = {"/", "/signin"}  # all a partner (or a feed's key) may open


def test_every_workspace_page_needs_a_session_and_a_reader(
    served: tuple[str, Settings], store: GraphStore
) -> None:
    base_url, _ = served
    pages = sorted(
        (method.lower(), route.path)
        for route in workspace_router.routes
        for method in getattr(route, "methods", ())
    )
    assert ("get", "/") in pages and ("post", "/signout") in pages
    for _, path in pages:
        assert not path.startswith(("/v1", "/docs", "/redoc", "/openapi.json", "/healthz")), path
    with httpx.Client(base_url=base_url, timeout=30) as anonymous:
        for method, path in pages:
            answer = anonymous.request(method.upper(), call_url(path))
            if path in WORKSPACE_OPEN:
                # The form answers; a post without the form's token is refused.
                assert answer.status_code == (200 if method == "get" else 403), path
            else:
                assert answer.status_code == 303, (method, path)
                assert answer.headers["location"] == "/signin"
    for role in ROLES:
        with workspace_client(base_url, new_key(store, agency="HK-CED", role=role)) as client:
            for method, path in pages:
                if method != "get":
                    continue
                answer = client.get(call_url(path))
                if path == "/signin":
                    assert answer.status_code == 303, (path, role)  # signed in already
                elif role in ("partner", "feed") and path not in WORKSPACE_PARTNER:
                    assert answer.status_code == 403, (path, role, answer.text)
                else:
                    assert answer.status_code not in (303, 401, 403), (path, role)
