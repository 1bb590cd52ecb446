"""`python -m bench.pictures`: how long a picture takes to render and to settle.

For networks of 200, 2,000 and 10,000 entities (and 2.5 links per entity), built
as the network service builds them (`NetworkDetail`, communities and key players,
every link citing seizure records), this measures:

- the server side: `viz.render_page` (median of `--repeat` runs) and the page size;
- the browser side: Debian's chromium, headless, driven by Playwright, opens the
  page from disk with every request refused, and reads the time from the start of
  the page's script until the layout settled (physics stopped), as the page itself
  reports it (`window.iprgraphPicture.state.settleMs`), and how many nodes it drew.

Above the page's cap (viz.page.MAX_NODES) the page draws fewer nodes and says so;
the 10,000-entity row shows that. The networks are synthetic (networks this large
do not occur in the generated feeds, whose biggest has tens of entities): clusters
of 8 to 40 entities bound inside, a few links between clusters, so the layout has
the structure of real networks rather than a random hairball.

    python -m bench.pictures [--sizes 200 2000 10000] [--repeat 3] [--settles 3] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from graph.analysis.networks import Community, KeyPlayer, NetworkDetail, NetworkSummary
from graph.analysis.subgraph import Evidence, GraphEdge, GraphNode, Subgraph
from viz.page import render_page

CHROMIUM = os.environ.get("IPRGRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_ROLES = ("Shipper", "Consignee", "Manufacturer", "Forwarder")
_TLP = ("GREEN", "AMBER", "AMBER", "AMBER+STRICT")
_AGENCIES = ("HK-CED", "US-CBP", "MO-CS", "CN-GACC", "EU-NL")


def synthetic_network(entities: int, links_per_entity: float = 2.5, seed: int = 1) -> NetworkDetail:
    """A network of `entities` entities in the shape `get_network` returns."""
    rng = random.Random(seed)
    nodes: list[GraphNode] = []
    clusters: list[list[str]] = []
    while len(nodes) < entities:
        size = min(rng.randint(8, 40), entities - len(nodes))
        members = []
        for _ in range(size):
            index = len(nodes)
            entity = f"party:{index:08x}"
            nodes.append(
                GraphNode(
                    id=entity,
                    type="Entity",
                    label=f"Entity {index} Trading Co., Ltd.",
                    jurisdiction=rng.choice(("CN", "HK", "US", "MO", "NL")),
                    properties={
                        "parties": [{"id": entity, "name": f"ENTITY {index} TRADING CO LTD"}],
                        "seizures": rng.randint(1, 30),
                    },
                    roles=[rng.choice(_ROLES)],
                )
            )
            members.append(entity)
        clusters.append(members)
    edges: list[GraphEdge] = []
    seen: set[tuple[str, str]] = set()
    target = int(entities * links_per_entity)
    record = 0

    def link(a: str, b: str) -> None:
        nonlocal record
        if a == b or (a, b) in seen or (b, a) in seen:
            return
        seen.add((a, b))
        evidence = []
        for _ in range(rng.randint(1, 3)):
            record += 1
            agency = rng.choice(_AGENCIES)
            date = f"{rng.randint(2021, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            evidence.append(
                Evidence(f"{agency}:R{record}", agency, f"R{record}", date, rng.choice(_TLP))
            )
        kinds = rng.choice(({"phone": 1}, {"co_seizure": 2}, {"container": 1}, {"address": 1}))
        edges.append(
            GraphEdge(
                source=a,
                target=b,
                type="IDENTITY_LINK",
                weight=round(rng.uniform(0.2, 1.0), 3),
                properties={"kinds": kinds, "binding": True, "why": str(kinds)},
                evidence=evidence,
                evidence_total=len(evidence),
            )
        )

    while len(edges) < target:
        cluster = rng.choice(clusters)
        if rng.random() < 0.93 and len(cluster) > 1:
            link(*rng.sample(cluster, 2))
        else:
            link(rng.choice(rng.choice(clusters)), rng.choice(rng.choice(clusters)))
    degree: dict[str, int] = {}
    for edge in edges:
        degree[edge.source] = degree.get(edge.source, 0) + 1
        degree[edge.target] = degree.get(edge.target, 0) + 1
    for node in nodes:
        node.degree = degree.get(node.id, 0)
    top = sorted(nodes, key=lambda n: -(n.degree or 0))[:10]
    summary = NetworkSummary(
        id=f"net:synthetic-{entities}",
        label=f"synthetic network of {entities}",
        entities=entities,
        parties=entities,
        seizures=record,
        value_usd=1e6,
        jurisdictions=["CN", "HK", "US"],
        agencies=list(_AGENCIES),
        first_seizure="2021-01-01",
        last_seizure="2024-12-28",
        transport_modes=["sea"],
        risk=50.0,
        risk_explanation="synthetic",
    )
    return NetworkDetail(
        summary=summary,
        risk_inputs=[],
        graph=Subgraph(nodes=nodes, edges=edges),
        routes=[],
        confirmed_entities=0,
        key_players=[KeyPlayer(n.id, n.label, 0.1, 0.01) for n in top],
        communities=[Community(i, members, members) for i, members in enumerate(clusters)],
        timeline=[],
    )


def settle_in_browser(
    page_file: Path, timeout_s: float = 120.0, framed: bool = False
) -> dict[str, Any]:
    """Open the page in headless chromium with the network refused; what it reports.
    `framed`: in a 640-pixel-high frame of a laptop-sized page, as the workspace's
    pages frame a picture (api/workspace/static/workspace.css)."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def refuse(route: Any) -> None:
                if not route.request.url.startswith(("file:", "data:")):
                    blocked.append(route.request.url)
                    route.abort()
                else:
                    route.continue_()

            page.route("**/*", refuse)
            target = page_file
            if framed:
                target = page_file.with_name(f"framed-{page_file.name}")
                target.write_text(
                    f'<!doctype html><meta charset="utf-8"><h1>Network</h1>'
                    f'<iframe src="{page_file.name}" style="width:100%;height:640px"></iframe>',
                    encoding="utf-8",
                )
            opened = time.perf_counter()
            page.goto(target.as_uri())
            frame = page.frames[1] if framed else page.main_frame
            frame.wait_for_selector(
                "body[data-settled=true]", state="attached", timeout=timeout_s * 1000
            )
            wall = time.perf_counter() - opened
            state = frame.evaluate("window.iprgraphPicture.state")
        finally:
            browser.close()
    return {
        "settle_s": state["settleMs"] / 1000,
        "open_to_settled_s": round(wall, 2),
        "nodes_drawn": state["drawn"],
        "blocked_requests": len(blocked),
        "console_errors": errors,
    }


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }


def measure(sizes: list[int], repeat: int, settles: int, out: Path) -> list[dict[str, Any]]:
    """Each size: render `repeat` times (median), then open the page in a fresh
    browser `settles` times alone and `settles` times framed as the workspace frames
    it (median, min and max of each browser figure). The load
    average is printed with each row: the machine is shared, and a settle time
    means little without it."""
    rows = []
    for size in sizes:
        model = synthetic_network(size)
        times = []
        html = ""
        for _ in range(repeat):
            started = time.perf_counter()
            html = render_page(model)
            times.append(time.perf_counter() - started)
        page_file = out / f"network-{size}.html"
        page_file.write_text(html, encoding="utf-8")
        load = os.getloadavg()[0]
        opened = [settle_in_browser(page_file) for _ in range(settles)]
        framed = [settle_in_browser(page_file, framed=True) for _ in range(settles)]
        row = {
            "entities": size,
            "links": len(model.graph.edges),
            "render_s": round(statistics.median(times), 3),
            "page_mb": round(len(html.encode("utf-8")) / 2**20, 2),
            "settle_s": _spread([o["settle_s"] for o in opened]),
            "open_to_settled_s": _spread([o["open_to_settled_s"] for o in opened]),
            "framed_settle_s": _spread([o["settle_s"] for o in framed]),
            "nodes_drawn": sorted({o["nodes_drawn"] for o in opened + framed}),
            "blocked_requests": sum(o["blocked_requests"] for o in opened + framed),
            "console_errors": [e for o in opened + framed for e in o["console_errors"]],
            "load_average_1m": round(load, 1),
        }
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="Renders per size (median).")
    parser.add_argument(
        "--settles", type=int, default=3, help="Browser openings per size (median, min, max)."
    )
    parser.add_argument("--out", type=Path, default=None, help="Keep the pages in this folder.")
    args = parser.parse_args()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        measure(args.sizes, args.repeat, args.settles, args.out)
    else:
        with tempfile.TemporaryDirectory() as folder:
            measure(args.sizes, args.repeat, args.settles, Path(folder))


if __name__ == "__main__":
    main()
