"""`iprgraph serve` and `iprgraph demo`: the HTTP API."""

from __future__ import annotations

import datetime as dt
import json
import os
from importlib import resources
from pathlib import Path

import typer
from rich.table import Table

from api.cli.common import app, audited, console, open_store, read_settings
from api.cli.data import ingest_progress, print_pipeline
from graph import pipeline
from graph.access import OPERATOR
from graph.config import Settings
from graph.errors import NotFound
from graph.exchange.agreements import (
    Agreement,
    Terms,
    get_agreement,
    parse_terms,
    set_agreement,
)
from graph.principals import authenticate, create_principal
from graph.store import GraphStore
from graph.summary import summarise
from ingest.manifest import Feed
from ingest.normalised import Normaliser
from ingest.ports import ports_for


@app.command("serve")
def serve(
    host: str = typer.Option(None, help="Address to bind (default IPRGRAPH_API_HOST)."),
    port: int = typer.Option(None, help="Port (default IPRGRAPH_API_PORT)."),
    workers: int = typer.Option(
        None,
        min=1,
        max=64,
        help="API processes (default IPRGRAPH_API_WORKERS, or one per core).",
    ),
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs)."""
    settings = read_settings()
    store = open_store(settings, for_api=True)
    _serve(
        settings,
        store,
        host or settings.api_host,
        port or settings.api_port,
        workers or settings.api_processes,
    )


def _serve(settings: Settings, store: GraphStore, host: str, port: int, workers: int) -> None:
    """Serve the API from `workers` processes. `store` has started the graph and
    created its schema; with one process it serves, with several each opens its own
    (`api.serving.worker_app`) and this one only watches them."""
    import uvicorn

    from api.app import create_app
    from api.serving import settle_heap

    where = f"API on http://{host}:{port} (docs at http://{host}:{port}/docs"
    if workers > 1:
        # The workers start behind the socket uvicorn binds first: a request sent
        # while they warm up waits for one.
        console.print(f"{where}, {workers} processes)")
        store.close()
        uvicorn.run(
            "api.serving:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            # A worker's start-up (imports, the graph connection, the frozen heap) took
            # longer than uvicorn's 5 s health check on a loaded machine: it was killed
            # and started again, again and again.
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        )
        return
    try:
        app = create_app(settings, store=store)
        settle_heap()
        console.print(f"{where})")
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()


@app.command("demo")
def demo(
    port: int = typer.Option(None, help="API port (default IPRGRAPH_API_PORT, 8000)."),
    serve_api: bool = typer.Option(True, "--serve/--no-serve", help="Serve the API afterwards."),
) -> None:
    """Start the graph, load example seizure records, and serve the API."""
    settings = read_settings()
    store = open_store(settings, for_api=True)
    examples = Path(str(resources.files("ingest") / "examples" / "seizures.ndjson"))
    with ingest_progress() as progress:
        report = pipeline.run(
            store,
            [Feed(examples, None, None)],
            settings.data_dir / "quarantine",
            normaliser=Normaliser(ports_for(settings.data_dir)),
            progress=progress,
        )
    print_pipeline(report)
    if report.stopped is not None:
        raise report.stopped
    summary = summarise(store, OPERATOR)
    console.print(
        f"The graph at {store.uri} holds {summary.nodes} nodes and "
        f"{summary.relationships} relationships."
    )
    keys = demo_principals(settings, store)
    host, api_port = settings.api_host, port or settings.api_port
    table = Table(
        title=f"Demo principals (their keys are kept in {settings.data_dir / _DEMO_KEYS})"
    )
    for column in ("agency", "role", "name", "key"):
        table.add_column(column)
    for (agency, role, name), key in zip(DEMO_PRINCIPALS, keys, strict=True):
        table.add_row(agency, role, name, key)
    console.print(table)
    agreements = demo_agreements(settings, store)
    console.print(
        "Agreements: "
        + "; ".join(f"{a.name} ({' & '.join(a.agencies)})" for a in agreements)
        + " ('iprgraph agreements show NAME' for the terms)."
    )
    investigator = keys[0]
    console.print(
        f"The web workspace: http://{host}:{api_port}/ (sign in with one of these keys"
        + (")." if serve_api else "; 'iprgraph serve' serves it).")
    )
    # The curl lines are echoed unwrapped: a key broken over two lines does not paste.
    console.print(
        "Every /v1 route needs a key. Try Hong Kong's investigator, who sees its own records "
        "and those released to it (Macao's and CBP's investigators see less):"
    )
    typer.echo(
        f"  curl -H 'Authorization: Bearer {investigator}' "
        f"'http://{host}:{api_port}/v1/entities?q=Huaxin'"
    )
    console.print(
        "and the network behind it: the Hong Kong consignee writes the Shenzhen shipper's "
        "email, and the network's risk says why it ranks where it does:"
    )
    typer.echo(
        f"  curl -H 'Authorization: Bearer {investigator}' 'http://{host}:{api_port}/v1/networks'"
    )
    partner = keys[[role for _, role, _ in DEMO_PRINCIPALS].index("partner")]
    console.print(
        "GACC's partner key looks names up under the memorandum: a hit with the records "
        "GACC may see, and who holds a record it may not see (Hong Kong's, here):"
    )
    typer.echo(
        f"  curl -H 'Authorization: Bearer {partner}' -H 'Content-Type: application/json' "
        f'-d \'{{"queries": [{{"name": "Shenzhen Huaxin Trading Co., Ltd.", "country": "CN"}}]}}\' '
        f"'http://{host}:{api_port}/v1/match'"
    )
    if not serve_api:
        store.close()
        return
    console.print(
        "Where to look:\n"
        f"  web workspace  http://{host}:{api_port}/ (sign in with a key above)\n"
        f"  API documentation  http://{host}:{api_port}/docs (Authorize with a key above)\n"
        f"  what the graph holds  http://{host}:{api_port}/v1/graph/summary\n"
        f"  readiness  http://{host}:{api_port}/readyz\n"
        "Ctrl-C stops the API; the graph server keeps running ('iprgraph db stop' stops it)."
    )
    _serve(settings, store, host, api_port, settings.api_processes)


# The demo's principals: (agency, role, name). The first is the one the curl line uses.
DEMO_PRINCIPALS: tuple[tuple[str, str, str], ...] = (
    ("HK-CED", "investigator", "HK C&E Intellectual Property Investigation Bureau"),
    ("HK-CED", "analyst", "HK C&E intelligence analyst"),
    ("HK-CED", "admin", "HK C&E security officer"),
    ("MO-CS", "investigator", "Macao Customs investigator"),
    ("US-CBP", "investigator", "CBP IPR Branch"),
    ("CN-GACC", "partner", "GACC IPR liaison"),
)
_DEMO_KEYS = "demo-keys.json"
# How long uvicorn waits for a worker of `iprgraph serve --workers N` to answer its
# health check (its default, 5 s, is shorter than a worker's start-up on a loaded
# machine).
WORKER_HEALTHCHECK_S = 60

# The demo's agreements: (name, agencies, terms as `iprgraph agreements set --terms`
# writes them, contact points).
DEMO_AGREEMENTS: tuple[tuple[str, tuple[str, str], tuple[str, ...], dict[str, str]], ...] = (
    (
        "CBP-GACC IPR memorandum",
        ("US-CBP", "CN-GACC"),
        ("US-CBP<>CN-GACC: statistics=half-year, k=3, requests=10/quarter, lookups",),
        {
            "US-CBP": "CBP Office of Trade, IPR Branch (demo contact)",
            "CN-GACC": "GACC Department of Comprehensive Business, IPR Division (demo contact)",
        },
    ),
    (
        "HK-Macao intelligence exchange",
        ("HK-CED", "MO-CS"),
        ("HK-CED<>MO-CS: requests=100/month, lookups",),
        {
            "HK-CED": "HK C&E Intellectual Property Investigation Bureau (demo contact)",
            "MO-CS": "Macao Customs Service, IPR division (demo contact)",
        },
    ),
    (
        "HK-Guangdong intelligence exchange",
        ("HK-CED", "CN-GACC"),
        ("HK-CED<>CN-GACC: requests=100/month, lookups",),
        {
            "HK-CED": "HK C&E Intellectual Property Investigation Bureau (demo contact)",
            "CN-GACC": "Guangdong Sub-Administration of GACC, IPR office (demo contact)",
        },
    ),
    (
        "Macao-Guangdong intelligence exchange",
        ("MO-CS", "CN-GACC"),
        ("MO-CS<>CN-GACC: requests=100/month, lookups",),
        {
            "MO-CS": "Macao Customs Service, IPR division (demo contact)",
            "CN-GACC": "Guangdong Sub-Administration of GACC, IPR office (demo contact)",
        },
    ),
)


def demo_agreements(settings: Settings, store: GraphStore) -> list[Agreement]:
    """The demo's agreements, set (and audited) when the graph does not hold them yet."""
    found: list[Agreement] = []
    for name, agencies, terms, contacts in DEMO_AGREEMENTS:
        try:
            found.append(get_agreement(store, name))
            continue
        except NotFound:
            pass
        parsed: dict[str, Terms] = {}
        for text in terms:
            parsed.update(parse_terms(text))
        params = {"name": name, "agencies": list(agencies), "terms": list(terms)}
        with audited(settings, "agreements set", params):
            found.append(
                set_agreement(
                    store,
                    name=name,
                    agencies=agencies,
                    terms=parsed,
                    contacts=contacts,
                    valid_from=dt.date(2020, 1, 1),
                )
            )
    return found


def demo_principals(settings: Settings, store: GraphStore) -> list[str]:
    """The demo principals' keys: those kept from an earlier demo while they still
    work, new principals for the others. Kept readable by their owner only."""
    path = settings.data_dir / _DEMO_KEYS
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    keys: list[str] = []
    for agency, role, name in DEMO_PRINCIPALS:
        key = kept.get(f"{agency}/{role}") if isinstance(kept, dict) else None
        found = authenticate(store, key) if isinstance(key, str) else None
        if not isinstance(key, str) or found is None or not found.active:
            key = create_principal(
                store, name=name, agency=agency, role=role, created_by="demo"
            ).key
        keys.append(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(
            {
                f"{agency}/{role}": key
                for (agency, role, _), key in zip(DEMO_PRINCIPALS, keys, strict=True)
            },
            handle,
            indent=2,
        )
    return keys
