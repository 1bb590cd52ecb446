"""The web workspace over HTTP: signing in and out, the session cookie and where the
session lives, forms sent from elsewhere, who may see which page, the audit of
every page view, and that a key is written nowhere."""

from __future__ import annotations

import stat
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.audit import LOG_NAME, entries
from api.workspace.pages import router as workspace_router
from api.workspace.sessions import SESSION_COOKIE
from graph.config import Settings
from graph.principals import list_principals, revoke_principal
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import form_token, new_key, serve_in_thread, workspace_client
from tests.views.conftest import Site

# What the API, its documentation and probes own: no page of the workspace is there.
RESERVED = ("/v1", "/docs", "/redoc", "/openapi.json", "/healthz", "/readyz")


def pages(site: Site) -> list[str]:
    """A path of each page of the workspace, for this world."""
    return [
        "/",
        "/search?q=Huaxin",
        f"/entities/{site.front_a}",
        f"/networks/{site.network}",
        f"/neighborhood/{site.front_a}?depth=2",
        f"/paths?source={site.hostile}&target={site.front_b}&max_hops=6",
        "/paths",
        f"/seizures/{seizure_of(site)}",
        "/review",
        f"/review?sort=score&entity={site.front_a}",
    ]


def seizure_of(site: Site) -> str:
    with site.api() as client:
        found = client.get("/v1/seizures", params={"party": site.front_b}).json()["items"]
    return str(found[0]["id"])


def audit_of(site: Site, answer: httpx.Response) -> dict[str, object]:
    wanted = answer.headers["X-Request-Id"]
    for _, entry in entries(site.settings.audit_dir):
        if entry and entry["request_id"] == wanted:
            return entry
    raise AssertionError(f"no audit entry for {answer.request.url}")


def test_the_workspace_owns_no_path_of_the_api_docs_or_probes(site: Site) -> None:
    paths = [route.path for route in workspace_router.routes]  # type: ignore[attr-defined]
    assert {"/", "/signin", "/signout", "/search"} <= set(paths)
    for path in paths:
        assert not path.startswith(RESERVED), path
    with httpx.Client(base_url=site.base_url) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/docs").status_code == 200
        assert client.get("/v1/seizures").status_code == 401


def test_signing_in_sets_a_strict_http_only_session_kept_server_side(site: Site) -> None:
    key = site.key()
    with httpx.Client(base_url=site.base_url, timeout=60) as client:
        form = client.get("/signin")
        assert "HttpOnly" in form.headers["set-cookie"]
        assert "SameSite=strict" in form.headers["set-cookie"]
        signed = client.post("/signin", data={"key": key, "csrf_token": form_token(form.text)})
        assert signed.status_code == 303 and signed.headers["location"] == "/"
        cookie = next(
            c for c in signed.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
        )
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
        token = client.cookies[SESSION_COOKIE]
        assert key not in cookie and len(token) == 43
        folder = site.settings.data_dir / "workspace" / "sessions"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        files = list(folder.glob("*.json"))
        assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
        assert not any(token in f.name or token in f.read_text() for f in files)
        assert not any(key in f.read_text() for f in files)
        home = client.get("/")
        assert home.status_code == 200 and "test investigator of US-CBP" in home.text
        assert key not in home.text and token not in home.text


def test_every_page_needs_a_session_and_answers_a_reader(site: Site) -> None:
    with httpx.Client(base_url=site.base_url, timeout=60) as anonymous:
        for path in pages(site):
            answer = anonymous.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == "/signin", path
        assert anonymous.post("/signout").status_code == 303
    with site.workspace() as client:
        for path in pages(site):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.text[:500])
            assert answer.headers["content-type"].startswith("text/html")
            policy = answer.headers["Content-Security-Policy"]
            assert "default-src 'none'" in policy and "script-src" not in policy
            assert answer.headers["Cache-Control"] == "no-store"
            entry = audit_of(site, answer)
            assert entry["agency"] == "US-CBP" and entry["role"] == "investigator", entry
            assert entry["principal"] and entry["status"] == 200
            assert isinstance(entry["items"], int), (path, entry)


def test_a_wrong_or_revoked_key_is_refused_and_not_written_down(site: Site) -> None:
    wrong = "ipr_" + "w" * 43
    with httpx.Client(base_url=site.base_url, timeout=60) as client:
        form = client.get("/signin")
        refused = client.post("/signin", data={"key": wrong, "csrf_token": form_token(form.text)})
        assert refused.status_code == 401
        assert "not one that iprgraph issued" in refused.text
        assert SESSION_COOKIE not in client.cookies and wrong not in refused.text
        entry = audit_of(site, refused)
        assert entry["status"] == 401 and entry["principal"] is None
        assert entry["key_prefix"] == wrong[:12]
        assert entry["body"] == {"withheld": True, "bytes": len(refused.request.content)}
    # A key revoked while its session is open ends the session at once.
    key = new_key(site.store, agency="US-CBP")
    with workspace_client(site.base_url, key) as client:
        assert client.get("/").status_code == 200
        [holder] = [p for p in list_principals(site.store, "US-CBP") if p.key_prefix == key[:12]]
        revoke_principal(site.store, holder.id)
        assert client.get("/").headers["location"] == "/signin"
        form = client.get("/signin")
        again = client.post("/signin", data={"key": key, "csrf_token": form_token(form.text)})
        assert again.status_code == 401 and "was revoked" in again.text
    log = (site.settings.audit_dir / LOG_NAME).read_text(encoding="utf-8")
    assert wrong not in log and key not in log
    assert key[:12] in log  # who was refused, by the key's first characters


def test_a_form_from_elsewhere_is_refused_and_changes_nothing(site: Site) -> None:
    with site.workspace() as client:
        home = client.get("/")
        token = form_token(home.text)
        origin = site.base_url
        for data, headers, why in (
            ({}, {}, "token is missing"),
            ({"csrf_token": "x" * 43}, {}, "does not match"),
            ({"csrf_token": token}, {"Origin": "http://elsewhere.test"}, "another origin"),
            ({"csrf_token": token}, {"Origin": "null"}, "another origin"),
            ({"csrf_token": token}, {"Sec-Fetch-Site": "cross-site"}, "another site"),
            ({"csrf_token": token}, {"Sec-Fetch-Site": "same-site"}, "another site"),
        ):
            refused = client.post("/signout", data=data, headers=headers)
            assert refused.status_code == 403, (data, headers)
            assert why in refused.text
            assert client.get("/").status_code == 200, "still signed in"
        # Signing in needs the token of the form the browser was given.
        with httpx.Client(base_url=site.base_url, timeout=60) as other:
            other.get("/signin")
            blind = other.post("/signin", data={"key": site.key(), "csrf_token": "y" * 43})
            assert blind.status_code == 403 and SESSION_COOKIE not in other.cookies
        done = client.post("/signout", data={"csrf_token": token}, headers={"Origin": origin})
        assert done.status_code == 303 and done.headers["location"] == "/signin"
        assert client.get("/").headers["location"] == "/signin"


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(site: Site) -> None:
    with site.workspace() as client:
        token = client.cookies[SESSION_COOKIE]
        with httpx.Client(
            base_url=site.base_url, timeout=60, cookies={SESSION_COOKIE: token}
        ) as copy:
            assert copy.get("/").status_code == 200
            assert copy.get("/v1/graph/summary").status_code == 200
            out = client.post("/signout", data={"csrf_token": form_token(client.get("/").text)})
            assert out.status_code == 303
            assert SESSION_COOKIE not in client.cookies
            assert copy.get("/").headers["location"] == "/signin"
            assert copy.get("/v1/graph/summary").status_code == 401


def test_the_session_cookie_opens_the_apis_reads_not_its_writes(site: Site) -> None:
    with site.workspace("US-CBP", "analyst") as client:
        assert client.get("/v1/graph/summary").status_code == 200
        assert client.get(f"/v1/pictures/entity/{site.front_a}").status_code == 200
        for method, path, body in (
            ("POST", "/v1/match", {"queries": [{"name": "Huaxin"}]}),
            (
                "POST",
                "/v1/judgements",
                {"a": site.front_a, "b": site.front_b, "decision": "unsure"},
            ),
        ):
            refused = client.request(method, path, json=body)
            assert refused.status_code == 401, (path, refused.text)


def test_a_partner_signs_in_to_a_page_that_shows_nothing_of_the_graph(site: Site) -> None:
    with site.workspace("CN-GACC", "partner") as client:
        home = client.get("/")
        assert home.status_code == 200 and 'id="partner"' in home.text
        assert "Huaxin" not in home.text and 'action="/search"' not in home.text
        for path in pages(site)[1:]:
            refused = client.get(path)
            assert refused.status_code == 403, path
            assert "role partner may not see the graph" in refused.text
            entry = audit_of(site, refused)
            assert entry["role"] == "partner" and entry["status"] == 403
            assert "may not see the graph" in str(entry["reason"])
        assert client.get(f"/v1/pictures/network/{site.network}").status_code == 403


def test_pages_show_what_the_callers_agency_sees_and_names_as_text(site: Site) -> None:
    with site.workspace("US-CBP") as cbp, site.workspace("HK-CED") as hk:
        assert "Dongguan Mingri" in cbp.get(f"/networks/{site.network}").text
        assert hk.get(f"/networks/{site.network}").status_code == 404
        assert hk.get(f"/entities/{site.front_b}").status_code == 404
        assert "No party has the id" in hk.get(f"/entities/{site.front_b}").text
        found = hk.get("/search", params={"q": "Dongguan Mingri Electronics"}).text
        assert site.front_b not in found and "Lone Star" not in found
        assert site.front_b in cbp.get("/search", params={"q": "Dongguan Mingri Electronics"}).text
        assert "Dongguan Mingri" not in hk.get(f"/neighborhood/{site.front_a}?depth=4").text
        # A name written as markup is text on every page.
        page = cbp.get(f"/entities/{site.hostile}").text
        assert "<script>alert" not in page and "&lt;script&gt;alert(" in page


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/neighborhood/party:x?depth=9", "depth must be a whole number between 1 and 4"),
        ("/paths?source=a&target=a", "a path needs two nodes"),
        ("/paths?source=a&target=b&mode=fastest", "mode must be one of"),
        ("/search?q=x&type=planet", "type must be one of"),
        ("/seizures/HK-CED:NOPE", "No seizure has the id"),
    ],
)
def test_a_page_that_cannot_be_shown_says_why(site: Site, path: str, why: str) -> None:
    with site.workspace() as client:
        answer = client.get(path)
    assert answer.status_code in (404, 422), answer.text
    assert why in answer.text and answer.headers["content-type"].startswith("text/html")


def test_a_session_runs_out(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.workspace import sessions

    with site.workspace() as client:
        assert client.get("/").status_code == 200
        folder: Path = site.settings.data_dir / "workspace" / "sessions"
        mine = {f.name for f in folder.glob("*.json")}
        assert mine
        # Every session on disk has now been idle for longer than the limit.
        monkeypatch.setattr(sessions, "IDLE_S", -1)
        assert client.get("/").headers["location"] == "/signin"
        sessions.SessionStore(folder).purge()
        assert not list(folder.glob("*.json"))


def test_ids_holding_a_slash_open_their_pages(store: GraphStore, tmp_path: Path) -> None:
    """A record id or a mark may hold a `/`: the page links escape it and the page
    routes take it back whole."""
    record = seizure_record(
        record_id="2024/0117",
        trademarks=[{"mark": "AC/DC", "rights_holder": "Leidseplein Presse B.V."}],
    )
    load_records(store, tmp_path / "feeds", [record])
    app = create_app(Settings(data_dir=tmp_path / "data"), store=store)
    with (
        serve_in_thread(app) as base_url,
        workspace_client(base_url, new_key(store, agency="HK-CED")) as client,
    ):
        seizure = client.get("/seizures/HK-CED:2024%2F0117")
        assert seizure.status_code == 200, seizure.text
        assert 'href="/neighborhood/tm:ac%2Fdc"' in seizure.text
        for path in ("/neighborhood/tm:ac%2Fdc", "/v1/pictures/neighborhood/tm:ac%2Fdc"):
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.text[:300])
            assert "AC/DC" in answer.text


def test_a_key_pasted_anywhere_is_withheld_from_the_audit(site: Site) -> None:
    pasted = new_key(site.store, agency="US-CBP")
    with site.api() as client:
        searched = client.get("/v1/entities", params={"q": pasted})
        matched = client.post("/v1/match", json={"queries": [{"name": f"Acme {pasted}"}]})
    assert audit_of(site, searched)["query"] == {"q": "ipr_(withheld)"}
    body = audit_of(site, matched)["body"]
    assert body == {"queries": [{"name": "Acme ipr_(withheld)"}]}, body
    with site.workspace() as web:
        token = form_token(web.get("/").text)
        out = web.post("/signout", data={"csrf_token": token})
        assert out.status_code == 303
    assert audit_of(site, out)["body"] == {"withheld": True, "bytes": len(out.request.content)}
    log = (site.settings.audit_dir / LOG_NAME).read_text(encoding="utf-8")
    assert pasted not in log and token not in log
