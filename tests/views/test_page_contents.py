"""What the workspace's search and entity pages hold, on a world of their own.

    Hong Kong wrote a front in Latin letters with a phone, in a container, under a
    bill of lading, with a mark; Chinese customs wrote the same front in Chinese
    characters with that phone (released to Hong Kong only); Hong Kong wrote a
    near-namesake without a phone, which resolution only suggests.

The search box finds the front written in either script, and finds its container,
mark, port and document; the entity page lists its members, its names as each
agency wrote them, its link with score and reason, and the suggestion waiting for
an analyst. US customs sees Hong Kong's records but not China's: no page shows it
the Chinese spelling or that record's phone link.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.resolve.service import resolve
from graph.schema import ensure_schema
from graph.store import GraphStore
from ingest.normalised import party_identity
from tests.conftest import open_test_store
from tests.factories import load_records, seizure_record
from tests.helpers import new_key, serve_in_thread, workspace_client

PHONE = "+86 755 1234 5678"
HUAXIN = "Shenzhen Huaxin Trading Co., Ltd."
HUAXIN_ZH = "深圳华信贸易有限公司"
NAMESAKE = "Shenzhen Huaxing Trading Co., Ltd."  # 0.88: between review and auto
CONTAINER = "TGHU8234561"
DOCUMENT = "MAEU 245891776"


def pid(name: str) -> str:
    return party_identity(name, "CN").id


@dataclass
class World:
    store: GraphStore
    base_url: str

    def workspace(self, agency: str) -> contextlib.AbstractContextManager[httpx.Client]:
        """A client of an investigator of `agency`, signed in through the form."""
        return workspace_client(self.base_url, new_key(self.store, agency=agency))


@pytest.fixture(scope="module")
def world(
    embedded_server: EmbeddedServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    embedded_server.create_database(name)
    tmp: Path = tmp_path_factory.mktemp("page-contents")
    records = [
        seizure_record(
            shipper={"name": HUAXIN, "country": "CN", "phone": PHONE},
            containers=[CONTAINER],
            transport_document=DOCUMENT,
            trademarks=[{"mark": "ROLEX", "rights_holder": "Rolex SA"}],
            transit_ports=["SGSIN"],
        ),
        seizure_record(
            agency="CN-GACC",
            shipper={"name": HUAXIN_ZH, "country": "CN", "phone": PHONE},
            handling={"tlp": "AMBER", "releasable_to": ["HK-CED"]},
        ),
        seizure_record(shipper={"name": NAMESAKE, "country": "CN"}),
    ]
    try:
        with open_test_store(embedded_server, name) as store:
            ensure_schema(store)
            load_records(store, tmp / "feeds", records)
            resolve(store)
            app = create_app(Settings(data_dir=tmp / "data"), store=store)
            with serve_in_thread(app) as base_url:
                yield World(store=store, base_url=base_url)
    finally:
        embedded_server.drop_database(name)


def hits(client: httpx.Client, q: str, kind: str = "") -> list[tuple[str, str, str]]:
    """(type, link, text) of each row of the search page's hits."""
    page = client.get("/search", params={"q": q, "type": kind})
    assert page.status_code == 200, page.text
    rows = re.findall(
        r'<tr>\s*<td>([a-z]+)</td>\s*<td class="hit"><a href="([^"]+)">([^<]*)</a>', page.text
    )
    return [(kind, href, unescape(text)) for kind, href, text in rows]


def table(html: str, table_id: str) -> str:
    found = re.search(rf'<table id="{table_id}">(.*?)</table>', html, re.S)
    assert found is not None, f"no table {table_id!r}"
    return unescape(found.group(1))


def rows(table_html: str) -> list[str]:
    """The body rows of a table."""
    return re.findall(r"<tr>.*?</tr>", table_html.split("</thead>")[1], re.S)


def test_the_search_box_finds_a_party_in_either_script_and_every_kind_of_node(
    world: World,
) -> None:
    entity = min(pid(HUAXIN), pid(HUAXIN_ZH))
    with world.workspace("HK-CED") as client:
        for typed in (HUAXIN_ZH, "深圳华信贸易", "Shenzhen Huaxin Trading", "SHENZEN HUAXIN"):
            found = [h for h in hits(client, typed) if h[0] == "party"]
            assert found, typed
            assert found[0][1] == f"/entities/{entity}", (typed, found)
        assert HUAXIN_ZH in {text for _, _, text in hits(client, HUAXIN_ZH)}
        for typed, kind, node in (
            ("TGHU 823456-1", "container", CONTAINER),
            ("rolex", "trademark", "tm:rolex"),
            ("SGSIN", "port", "SGSIN"),
            ("maeu245891776", "document", "doc:MAEU245891776"),
        ):
            found = hits(client, typed)
            assert (kind, f"/neighborhood/{node}") in {(k, href) for k, href, _ in found}, (
                typed,
                found,
            )
            # The type box keeps to one kind.
            assert {k for k, _, _ in hits(client, typed, kind)} == {kind}
            neighbourhood = client.get(f"/neighborhood/{node}")
            assert neighbourhood.status_code == 200, neighbourhood.text[:300]
            assert HUAXIN in unescape(neighbourhood.text)


def test_the_entity_page_shows_members_names_links_and_suggestions(world: World) -> None:
    entity = min(pid(HUAXIN), pid(HUAXIN_ZH))
    with world.workspace("HK-CED") as client:
        page = client.get(f"/entities/{pid(HUAXIN_ZH)}")
    assert page.status_code == 200, page.text
    members = table(page.text, "members")
    assert HUAXIN in members and HUAXIN_ZH in members and NAMESAKE not in members
    names = re.findall(r"<tr>\s*<td>([^<]+)</td>\s*<td>([^<]*)</td>", table(page.text, "names"))
    assert sorted(names) == sorted([(HUAXIN, "HK-CED"), (HUAXIN_ZH, "CN-GACC")])
    [link] = rows(table(page.text, "links"))
    assert "<td>auto</td>" in link and "same phone" in link and "different scripts" in link
    assert re.search(r'<td class="num">(0\.9\d|1\.00)</td>', link), link
    assert "shared_phone 1.00" in link  # the features behind the score
    suggested = rows(table(page.text, "suggestions"))
    assert len(suggested) == 2, suggested  # the namesake against each member
    for row in suggested:
        assert "suggested" in row and NAMESAKE in row and "nothing else shared" in row
        assert re.search(r'<td class="num">0\.[78]\d</td>', row), row
    assert f'<p class="hint">{entity} ' in page.text  # the entity's own id


def test_an_agency_sees_nothing_of_a_record_it_may_not_see_on_these_pages(
    world: World,
) -> None:
    """US customs sees Hong Kong's records, not China's."""
    with world.workspace("US-CBP") as client:
        page = client.get(f"/entities/{pid(HUAXIN)}")
        assert page.status_code == 200, page.text
        text = unescape(page.text)
        assert HUAXIN in text and HUAXIN_ZH not in text and "CN-GACC" not in text
        assert 'id="links"' not in text
        assert not [h for h in hits(client, HUAXIN_ZH) if h[2] == HUAXIN_ZH]
        assert client.get(f"/entities/{pid(HUAXIN_ZH)}").status_code == 404
        phone = unescape(client.get(f"/neighborhood/{pid(HUAXIN)}?depth=2").text)
        assert HUAXIN_ZH not in phone
