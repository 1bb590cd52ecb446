"""The review queue's page of the workspace, on worlds of its own (a judgement changes
the world it is made in).

    Hong Kong wrote one front three ways: the first two share a phone, the last two
    an email, so the three are one entity, and the first and the last, which share
    nothing but a name, wait for an analyst; it wrote two namesakes in Guangzhou
    that wait too. Chinese customs wrote a pair of namesakes of its own, released to
    no one.

The page lists what `GET /v1/suggestions` lists, in its order, page by page; an
analyst's form posted with the session's token judges at once (a rejection splits
the front); an investigator reads the queue and cannot judge; a partner gets
nothing; China's pair is on no other agency's page; every call is audited, the
judgement's form without its token.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.audit import entries
from api.workspace.sessions import SESSION_COOKIE
from graph.analysis.networks import build_networks
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.resolve.service import resolve
from graph.schema import ensure_schema
from graph.store import GraphStore
from ingest.normalised import party_identity
from tests.browser import guarded_page
from tests.conftest import open_test_store
from tests.factories import load_records, seizure_record
from tests.helpers import auth, form_token, new_key, serve_in_thread, workspace_client

PHONE = "+86 755 1234 5678"
EMAIL = "sales@huaxin-trading.cn"
FRONT = (
    "Shenzhen Huaxin Trading Co., Ltd.",  # the phone
    "Huaxin Trading (Shenzhen) Co Ltd",  # the phone and the email
    "Huaxin Trading Co Ltd",  # the email
)
GUANGZHOU = ("Guangzhou Meili Garments Co Ltd", "Guangzhou Meili Garment Factory")
CHINA_ONLY = ("Jiemei Watch Co Ltd", "Shenzhen Jie-Mei Watch Co., Ltd.")


def pid(name: str) -> str:
    return party_identity(name, "CN").id


def records() -> list[dict[str, Any]]:
    out = [
        seizure_record(
            seizure_date="2024-01-10", shipper={"name": FRONT[0], "country": "CN", "phone": PHONE}
        ),
        seizure_record(
            seizure_date="2024-02-10",
            shipper={"name": FRONT[1], "country": "CN", "phone": PHONE, "email": EMAIL},
        ),
        seizure_record(
            seizure_date="2024-03-10", shipper={"name": FRONT[2], "country": "CN", "email": EMAIL}
        ),
    ]
    for number, name in enumerate(GUANGZHOU):
        out.append(
            seizure_record(
                seizure_date=f"2023-0{number + 1}-05",
                shipper={"name": name, "country": "CN"},
                consignee={"name": f"Rotterdam Receivers {number} BV", "country": "NL"},
            )
        )
    for name in CHINA_ONLY:
        out.append(
            seizure_record(
                agency="CN-GACC",
                shipper={"name": name, "country": "CN"},
                handling={"tlp": "AMBER", "releasable_to": []},
            )
        )
    return out


@dataclass
class World:
    store: GraphStore
    base_url: str
    settings: Settings
    keys: dict[tuple[str, str], str] = field(default_factory=dict)

    def key(self, agency: str = "HK-CED", role: str = "analyst") -> str:
        if (agency, role) not in self.keys:
            self.keys[(agency, role)] = new_key(self.store, agency=agency, role=role)
        return self.keys[(agency, role)]

    def web(
        self, agency: str = "HK-CED", role: str = "analyst"
    ) -> contextlib.AbstractContextManager[httpx.Client]:
        return workspace_client(self.base_url, self.key(agency, role))

    def api(self, agency: str = "HK-CED", role: str = "analyst") -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url, timeout=60, headers=auth(self.key(agency, role))
        )

    def audit_of(self, answer: httpx.Response) -> dict[str, Any]:
        wanted = answer.headers["X-Request-Id"]
        for _, entry in entries(self.settings.audit_dir):
            if entry and entry["request_id"] == wanted:
                return entry
        raise AssertionError(f"no audit entry for {answer.request.url}")


@contextlib.contextmanager
def make_world(embedded_server: EmbeddedServer, tmp: Path) -> Iterator[World]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(name)
    try:
        with open_test_store(embedded_server, name) as store:
            ensure_schema(store)
            load_records(store, tmp / "feeds", records())
            resolve(store)
            build_networks(store)
            settings = Settings(data_dir=tmp / "data")
            with serve_in_thread(create_app(settings, store=store)) as base_url:
                yield World(store=store, base_url=base_url, settings=settings)
    finally:
        embedded_server.drop_database(name)


@pytest.fixture(scope="module")
def world(
    embedded_server: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """A world no test of this module judges in."""
    with make_world(embedded_server, tmp_path_factory.mktemp("review-page")) as made:
        yield made


@pytest.fixture
def fresh(embedded_server: EmbeddedServer, tmp_path: Path) -> Iterator[World]:
    """A world of the test's own, to judge in."""
    with make_world(embedded_server, tmp_path) as made:
        yield made


def listed(html: str) -> list[tuple[str, str]]:
    """The pairs a page of the queue lists, in its order."""
    return re.findall(r'<li class="suggestion" data-a="([^"]+)" data-b="([^"]+)">', html)


def next_link(html: str) -> str | None:
    found = re.search(r'<a id="next-page" href="([^"]+)"', html)
    return unescape(found.group(1)) if found else None


def members(world: World, party: str) -> set[str]:
    with world.api() as api:
        answer = api.get(f"/v1/entities/{party}")
    assert answer.status_code == 200, answer.text
    return {m["id"] for m in answer.json()["members"]}


def test_the_page_lists_what_the_api_lists_in_its_order_page_by_page(world: World) -> None:
    with world.api() as api, world.web() as web:
        for sort in ("risk", "score", "recent"):
            expected: list[tuple[str, str]] = []
            cursor = None
            while True:
                answer = api.get(
                    "/v1/suggestions", params={"sort": sort, "limit": 1, "cursor": cursor}
                )
                page = answer.json()
                expected += [(i["a"]["party"], i["b"]["party"]) for i in page["items"]]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            shown: list[tuple[str, str]] = []
            link: str | None = f"/review?sort={sort}&limit=1"
            while link is not None:
                got = web.get(link)
                assert got.status_code == 200, got.text[:500]
                assert len(listed(got.text)) == 1, link
                shown += listed(got.text)
                link = next_link(got.text)
            assert shown == expected, sort
            assert len(shown) == len(set(shown)) == page["total"] == 2


def test_each_link_shows_both_parties_its_evidence_and_what_a_decision_changes(
    world: World,
) -> None:
    a, c = sorted((pid(FRONT[0]), pid(FRONT[2])))
    with world.api() as api:
        [item] = api.get("/v1/suggestions", params={"entity": a}).json()["items"]
    with world.web() as web:
        page = web.get("/review", params={"entity": a})
    assert page.status_code == 200, page.text
    text = unescape(page.text)
    assert listed(page.text) == [(item["a"]["party"], item["b"]["party"])] == [(a, c)]
    for side in (item["a"], item["b"]):
        assert side["name"] in text and side["party"] in text
        for written in side["names_as_written"]:
            assert written["name"] in text
            assert all(example in text for example in written["examples"])
    assert "HK-CED" in text
    assert f"{item['score']:.2f}" in text and item["explanation"] in text
    assert all(f"{name} {value:.2f}" in text for name, value in item["features"].items())
    assert item["impact"] in text and "a rejection splits it" in item["impact"]
    assert text.count('action="/review/judgements"') == 1
    for decision in ("confirmed", "rejected", "unsure"):
        assert f'name="decision" value="{decision}"' in text
    # The entity page sends its analyst to the queue of its links.
    entity_page = unescape(web_get(world, f"/entities/{a}"))
    assert f'href="/review?entity={a.replace(":", "%3A")}"' in entity_page


def web_get(world: World, path: str, agency: str = "HK-CED", role: str = "analyst") -> str:
    with world.web(agency, role) as web:
        answer = web.get(path)
    assert answer.status_code == 200, (path, answer.text[:500])
    return answer.text


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("sort=loudest", "sort must be one of risk, score, recent"),
        ("jurisdiction=Atlantis", "is not a country or jurisdiction"),
        ("cursor=bm90IGEgY3Vyc29y", "cursor"),
        ("entity=party:nobody", "No entity or party has the id"),
        ("limit=0", "limit must be a whole number between 1 and 200"),
    ],
)
def test_a_queue_that_cannot_be_shown_says_why(world: World, query: str, why: str) -> None:
    with world.web() as web:
        answer = web.get(f"/review?{query}")
    assert answer.status_code in (404, 422), answer.text
    assert why in unescape(answer.text)


def test_filters_keep_to_a_jurisdiction_or_an_entity(world: World) -> None:
    with world.web() as web:
        everything = listed(web.get("/review").text)
        assert len(everything) == 2
        assert listed(web.get("/review", params={"jurisdiction": "China"}).text) == everything
        assert "No link waits" in web.get("/review", params={"jurisdiction": "U.S.A."}).text
        meili = listed(web.get("/review", params={"entity": pid(GUANGZHOU[0])}).text)
        assert meili == [tuple(sorted(pid(name) for name in GUANGZHOU))]


def test_an_agency_queues_only_what_it_sees_and_a_partner_gets_nothing(world: World) -> None:
    china = {pid(name) for name in CHINA_ONLY}
    hong_kong = unescape(web_get(world, "/review", "HK-CED", "investigator"))
    assert not any(party in hong_kong for party in china)
    assert not any(name in hong_kong for name in CHINA_ONLY)
    us = unescape(web_get(world, "/review", "US-CBP", "investigator"))
    assert not any(name in us for name in CHINA_ONLY) and FRONT[2] in us
    chinese = listed(web_get(world, "/review", "CN-GACC", "analyst"))
    assert chinese == [tuple(sorted(china))]
    with world.web("HK-CED", "partner") as partner:
        refused = partner.get("/review")
        assert refused.status_code == 403
        assert FRONT[0] not in unescape(refused.text)
        posted = partner.post(
            "/review/judgements",
            data={
                "a": pid(FRONT[0]),
                "b": pid(FRONT[2]),
                "decision": "rejected",
                "csrf_token": form_token(partner.get("/").text),
            },
        )
        assert posted.status_code == 403
    with httpx.Client(base_url=world.base_url) as anonymous:
        answer = anonymous.get("/review")
        assert answer.status_code == 303 and answer.headers["location"] == "/signin"
    assert pid(FRONT[2]) in members(world, pid(FRONT[0]))


def test_an_investigator_reads_the_queue_and_cannot_judge(world: World) -> None:
    a, c = pid(FRONT[0]), pid(FRONT[2])
    with world.web("HK-CED", "investigator") as web:
        page = web.get("/review")
        assert page.status_code == 200
        assert len(listed(page.text)) == 2
        assert 'action="/review/judgements"' not in page.text
        assert "read-only for your role" in page.text
        refused = web.post(
            "/review/judgements",
            data={"a": a, "b": c, "decision": "rejected", "csrf_token": form_token(page.text)},
        )
        assert refused.status_code == 403 and "judgements are for analysts" in refused.text
        entry = world.audit_of(refused)
        assert entry["role"] == "investigator" and entry["status"] == 403
    assert c in members(world, a)


def test_a_form_without_the_sessions_token_changes_nothing(world: World) -> None:
    a, c = pid(FRONT[0]), pid(FRONT[2])
    with world.web() as web:
        for token in ("", "guessed"):
            refused = web.post(
                "/review/judgements",
                data={"a": a, "b": c, "decision": "rejected", "csrf_token": token},
            )
            assert refused.status_code == 403 and "cross-site token" in refused.text
        token = form_token(web.get("/review").text)
        elsewhere = web.post(
            "/review/judgements",
            data={"a": a, "b": c, "decision": "rejected", "csrf_token": token},
            headers={"Origin": "http://elsewhere.example"},
        )
        assert elsewhere.status_code == 403 and "another origin" in elsewhere.text
        bad = web.post(
            "/review/judgements", data={"a": a, "b": c, "decision": "maybe", "csrf_token": token}
        )
        assert bad.status_code == 422 and "decision must be one of" in bad.text
    assert c in members(world, a)
    with world.api() as api:
        assert api.get("/v1/suggestions").json()["total"] == 2


def test_a_confirmation_from_the_page_joins_and_is_audited_without_its_token(
    fresh: World,
) -> None:
    left, right = sorted(pid(name) for name in GUANGZHOU)
    assert right not in members(fresh, left)
    with fresh.web() as web:
        page = web.get("/review", params={"sort": "score"})
        token = form_token(page.text)
        judged = web.post(
            "/review/judgements",
            data={
                "a": left,
                "b": right,
                "decision": "confirmed",
                "reason": "Same factory address on the invoices.",
                "csrf_token": token,
                "sort": "score",
            },
        )
        assert judged.status_code == 303, judged.text
        location = judged.headers["location"]
        assert location.startswith("/review?sort=score&judged=1&a="), location
        entry = fresh.audit_of(judged)
        assert entry["route"] == "/review/judgements" and entry["role"] == "analyst"
        assert entry["body"]["decision"] == "confirmed" and entry["body"]["a"] == left
        assert entry["body"]["reason"] == "Same factory address on the invoices."
        assert entry["body"]["csrf_token"] == "(withheld)"
        assert token not in str(entry) and web.cookies[SESSION_COOKIE] not in str(entry)
        after = web.get(location)
        text = unescape(after.text)
        assert "is now <strong>confirmed</strong>, decided by prn:" in text
        assert "The two are one entity." in text
        assert (left, right) not in listed(after.text)
        assert fresh.audit_of(after)["items"] == len(listed(after.text)) == 1
        # What the page says of a judgement is read from the graph: a pair with no
        # link between them gets no word, whatever the address says.
        front = pid(FRONT[1])
        crafted = web.get("/review", params={"judged": "1", "a": left, "b": front})
        assert crafted.status_code == 200 and 'id="judged"' not in crafted.text
    assert right in members(fresh, left)
    with fresh.api() as api:
        item = api.get(f"/v1/entities/{left}").json()
        [link] = [x for x in item["links"] if {x["a"], x["b"]} == {left, right}]
        assert link["status"] == "confirmed" and link["reason"].startswith("Same factory")


def test_an_analyst_rejects_from_the_page_and_the_entity_page_shows_the_split(
    browser: Any, fresh: World
) -> None:
    """In headless Chromium, with every request outside the test server refused."""
    origin = fresh.base_url.replace("127.0.0.1", "iprgraph.test")
    a, b, c = (pid(name) for name in FRONT)
    assert {a, b, c} <= members(fresh, a)
    with guarded_page(browser, origin) as guarded:
        page = guarded.page
        # An investigator sees the queue and no form to judge with.
        page.goto(f"{origin}/signin")
        page.fill("#key", fresh.key("HK-CED", "investigator"))
        page.click("form[action='/signin'] button")
        page.click("nav a[href='/review']")
        assert page.url == f"{origin}/review"
        assert page.locator("li.suggestion").count() == 2
        assert page.locator("form.judge").count() == 0
        page.click("#signout button")

        # The analyst opens the front's entity, follows it to the queue, rejects.
        page.fill("#key", fresh.key("HK-CED", "analyst"))
        page.click("form[action='/signin'] button")
        page.goto(f"{origin}/entities/{a}")
        assert page.locator("#members tbody tr").count() == 3
        page.click("#review-link")
        card = page.locator(f"li.suggestion[data-a='{min(a, c)}'][data-b='{max(a, c)}']")
        assert "a rejection splits it" in card.locator(".impact").inner_text()
        card.locator(".reason").fill("Different registration numbers on the invoices.")
        card.locator("button[value=rejected]").click()
        assert page.url.startswith(f"{origin}/review?") and "judged=1" in page.url
        notice = page.locator("#judged").inner_text()
        assert "rejected" in notice and "The two are separate entities." in notice
        shown_pairs = page.locator("li.suggestion").evaluate_all(
            "cards => cards.map(c => [c.dataset.a, c.dataset.b])"
        )
        assert [min(a, c), max(a, c)] not in shown_pairs
        assert guarded.errors == [] and guarded.blocked == []

        # The entity page shows the split: a and c are no longer one entity.
        page.goto(f"{origin}/entities/{a}")
        shown = page.locator("#members tbody tr").count()
        assert 1 <= shown < 3
        assert FRONT[0] in page.locator("#members").inner_text()
        assert FRONT[2] not in page.locator("#members").inner_text()
        assert guarded.errors == [] and guarded.blocked == []
    assert c not in members(fresh, a) and a not in members(fresh, c)
