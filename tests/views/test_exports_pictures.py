"""`GET /v1/export` and `GET /v1/pictures/...` over HTTP: the files read back by the
tools' own readers hold exactly the answer the services give the caller's agency,
carry its handling, and are refused to partners; the pages are the caller's
picture, and the agency that may not see a record finds nothing of it in either."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any

import networkx as nx
import pytest
from followthemoney import model as ftm_model

from api.audit import entries
from graph.analysis.paths import PathMode
from graph.answers import Answer
from tests.graph.test_networks import FRONT_B
from tests.views.conftest import Site
from viz import picture_of
from viz.i2 import ENTITY_COLUMNS, LINK_COLUMNS

KINDS = ("network", "neighbourhood", "paths", "entity")


def scope_of(site: Site, kind: str) -> dict[str, Any]:
    """The query parameters naming each kind of answer, as the export route takes them."""
    return {
        "network": {"network": site.network},
        "neighbourhood": {"node": site.front_a, "depth": 2},
        "paths": {"source": site.hostile, "target": site.front_b, "max_hops": 6},
        "entity": {"entity": site.front_a},
    }[kind]


def expected(site: Site, kind: str, agency: str = "US-CBP") -> Answer:
    """What the services answer `agency` for the same scope (the export's paths are
    mode=k, k=3, as its parameters default to)."""
    answers = site.answers(agency)
    if kind == "network":
        return answers.network(site.network)
    if kind == "neighbourhood":
        return answers.neighbourhood(site.front_a, 2, None, 200, False)
    if kind == "paths":
        return answers.paths(site.hostile, site.front_b, 6, PathMode.K, 3, False)
    return answers.entity(site.front_a)


@pytest.mark.parametrize("kind", KINDS)
def test_graphml_and_gexf_through_http_read_back_as_the_callers_answer(
    site: Site, kind: str
) -> None:
    answer = expected(site, kind)
    picture = picture_of(answer.model, **answer.picture_args)
    nodes = {node.id for node in picture.graph.nodes}
    assert len(nodes) > 1
    with site.api() as client:
        for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
            got = client.get("/v1/export", params={**scope_of(site, kind), "format": fmt})
            assert got.status_code == 200, got.text
            assert got.headers["X-TLP"] == picture.handling
            assert got.headers["Content-Disposition"].startswith("attachment; filename=")
            assert got.headers["Cache-Control"] == "no-store"
            graph = read(io.BytesIO(got.content))
            assert set(graph.nodes) == nodes, fmt
            assert graph.number_of_edges() == len(picture.graph.edges), fmt
            for node in picture.graph.nodes:
                assert graph.nodes[node.id]["label"] == node.label
                assert graph.nodes[node.id]["node_type"] == node.type
            if fmt == "graphml":
                assert graph.graph["tlp"] == picture.handling


def test_ftm_cytoscape_and_ndjson_through_http(site: Site) -> None:
    answer = expected(site, "network")
    picture = picture_of(answer.model, **answer.picture_args)
    with site.api() as client:
        ftm = client.get("/v1/export", params={"network": site.network, "format": "ftm"})
        entities = [json.loads(line) for line in ftm.text.splitlines()]
        assert entities[0]["properties"]["name"] == ["iprgraph export: TLP:RED"]
        ids = {entity["id"] for entity in entities}
        for data in entities:
            proxy = ftm_model.get_proxy(data, cleaned=False)
            proxy.schema.validate(data)
            for prop in proxy.schema.properties.values():
                if prop.type.name == "entity":
                    assert set(proxy.get(prop)) <= ids
        cyjs = client.get("/v1/export", params={"network": site.network, "format": "cytoscape"})
        document = cyjs.json()
        assert {n["data"]["id"] for n in document["elements"]["nodes"]} == {
            node.id for node in picture.graph.nodes
        }
        assert document["data"]["tlp"] == "RED" == cyjs.headers["X-TLP"]
        lines = client.get("/v1/export", params={"entity": site.front_a, "format": "ndjson"})
        meta = json.loads(lines.text.splitlines()[0])
        assert meta["kind"] == "meta" and meta["tlp"] == lines.headers["X-TLP"] == "AMBER"


def test_i2_is_a_zip_or_either_csv_alone(site: Site) -> None:
    scope = scope_of(site, "neighbourhood")
    with site.api() as client:
        pair = client.get("/v1/export", params={**scope, "format": "i2"})
        assert pair.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(pair.content)) as archive:
            assert set(archive.namelist()) == {"entities.csv", "links.csv", "README.txt"}
            zipped = {name: archive.read(name) for name in ("entities.csv", "links.csv")}
            assert f"TLP:{pair.headers['X-TLP']}" in archive.read("README.txt").decode()
        for part, columns in (("entities", ENTITY_COLUMNS), ("links", LINK_COLUMNS)):
            alone = client.get("/v1/export", params={**scope, "format": "i2", "part": part})
            assert alone.status_code == 200, alone.text
            assert alone.headers["content-type"].startswith("text/csv")
            assert alone.headers["Content-Disposition"] == f'attachment; filename="{part}.csv"'
            assert alone.headers["X-TLP"] == pair.headers["X-TLP"]
            assert alone.content == zipped[f"{part}.csv"]
            rows = list(csv.reader(io.StringIO(alone.content.decode("utf-8-sig"))))
            assert tuple(rows[0]) == columns and len(rows) > 2
        wrong = client.get("/v1/export", params={**scope, "format": "graphml", "part": "links"})
        assert wrong.status_code == 422 and wrong.json()["parameter"] == "part"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"format": "graphml"}, "network"),
        ({"format": "graphml", "network": "net:x", "entity": "party:x"}, "network"),
        ({"format": "graphml", "network": "net:x", "depth": 2}, "depth"),
        ({"format": "graphml", "entity": "party:x", "max_hops": 3}, "max_hops"),
        ({"format": "graphml", "source": "party:x"}, "target"),
        ({"format": "graphml", "node": "party:x", "depht": 2}, "depht"),
        ({"format": "pdf", "node": "party:x"}, "format"),
        ({"network": "net:x"}, "format"),
    ],
)
def test_an_export_names_what_is_wrong_with_its_scope(
    site: Site, params: dict[str, Any], parameter: str
) -> None:
    with site.api() as client:
        answer = client.get("/v1/export", params=params)
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["parameter"] == parameter, problem
    assert problem["detail"].endswith(".")


def test_partners_may_not_export_or_draw_and_each_call_is_audited(site: Site) -> None:
    with site.api("CN-GACC", "partner") as partner:
        for path, params in (
            ("/v1/export", {"network": site.network, "format": "ndjson"}),
            (f"/v1/pictures/network/{site.network}", {}),
            (f"/v1/pictures/entity/{site.front_a}", {}),
        ):
            refused = partner.get(path, params=params)
            assert refused.status_code == 403, refused.text
            assert "role partner" in refused.json()["detail"]
    with site.api() as client:
        done = client.get("/v1/export", params={"entity": site.front_a, "format": "gexf"})
        assert done.status_code == 200
    log = {entry["request_id"]: entry for _, entry in entries(site.settings.audit_dir) if entry}
    entry = log[done.headers["X-Request-Id"]]
    assert entry["route"] == "/v1/export" and entry["status"] == 200
    assert entry["agency"] == "US-CBP" and entry["role"] == "investigator"
    assert entry["query"] == {"entity": site.front_a, "format": "gexf"}
    assert entry["items"] == 2  # the entity's two member parties


def _drawn(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="iprgraph-data">(.*?)</script>', html)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


@pytest.mark.parametrize("kind", KINDS)
def test_each_picture_route_answers_the_callers_standalone_page(site: Site, kind: str) -> None:
    answer = expected(site, kind)
    picture = picture_of(answer.model, **answer.picture_args)
    path = {
        "network": (f"/v1/pictures/network/{site.network}", {}),
        "neighbourhood": (f"/v1/pictures/neighborhood/{site.front_a}", {"depth": 2}),
        "paths": (
            "/v1/pictures/paths",
            {"source": site.hostile, "target": site.front_b, "max_hops": 6, "mode": "k"},
        ),
        "entity": (f"/v1/pictures/entity/{site.front_a}", {}),
    }[kind]
    with site.api() as client:
        page = client.get(path[0], params=path[1])
    assert page.status_code == 200, page.text
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert page.headers["Cache-Control"] == "no-store"
    assert "connect-src 'none'" in page.text
    data = _drawn(page.text)
    assert {node["id"] for node in data["nodes"]} == {node.id for node in picture.graph.nodes}
    assert data["meta"]["tlp"] == picture.handling and data["meta"]["api_base"] == ""
    # The page's links point at the API answers of this server.
    assert f'href="{picture.api_path}"' in page.text.replace("&amp;", "&")


def test_an_agency_finds_nothing_of_a_record_it_may_not_see(site: Site) -> None:
    """CBP's RED seizure alone names the second front and its buyer: Hong Kong's
    pictures and exports around the first front (which shares a phone with the
    second) hold neither, CBP's hold both."""
    secrets = (FRONT_B["name"], site.front_b, "Lone Star Wholesale Inc")
    for agency, shown in (("US-CBP", True), ("HK-CED", False)):
        with site.api(agency) as client:
            texts = [
                client.get(f"/v1/pictures/neighborhood/{site.front_a}", params={"depth": 4}).text,
                client.get(
                    "/v1/export", params={"node": site.front_a, "depth": 4, "format": "ndjson"}
                ).text,
                client.get(
                    "/v1/export",
                    params={"node": site.front_a, "depth": 4, "format": "i2", "part": "entities"},
                ).text,
            ]
            network = client.get(f"/v1/pictures/network/{site.network}")
            assert network.status_code == (200 if shown else 404), agency
        for secret in secrets:
            assert any(secret in text for text in texts) == shown, (agency, secret)
