"""`iprgraph serve` and `iprgraph demo`: the HTTP API."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import typer

from api.cli.common import app, console, open_store, read_settings
from api.cli.data import ingest_progress, print_pipeline
from graph import pipeline
from graph.config import Settings
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

    processes = f", {workers} processes" if workers > 1 else ""
    console.print(f"API on http://{host}:{port} (docs at http://{host}:{port}/docs{processes})")
    if workers > 1:
        store.close()
        uvicorn.run(
            "api.serving:worker_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
        return
    try:
        app = create_app(settings, store=store)
        settle_heap()
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
    summary = summarise(store)
    console.print(
        f"The graph at {store.uri} holds {summary.nodes} nodes and "
        f"{summary.relationships} relationships."
    )
    if not serve_api:
        store.close()
        return
    host, api_port = settings.api_host, port or settings.api_port
    console.print(
        "Where to look:\n"
        f"  API documentation  http://{host}:{api_port}/docs\n"
        f"  what the graph holds  http://{host}:{api_port}/v1/graph/summary\n"
        f"  readiness  http://{host}:{api_port}/readyz\n"
        "Ctrl-C stops the API; the graph server keeps running ('iprgraph db stop' stops it)."
    )
    _serve(settings, store, host, api_port, settings.api_processes)
