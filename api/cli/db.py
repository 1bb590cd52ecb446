"""`iprgraph db`: the embedded graph server."""

from __future__ import annotations

import json

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.cli.common import app, console, err_console, open_store, read_settings, require_embedded
from graph import stats_cells
from graph.embedded import EmbeddedServer
from graph.errors import GraphUnavailable
from graph.exchange.lookups import give_references
from graph.schema import ensure_schema
from graph.store import GraphStore
from graph.summary import totals

db_app = typer.Typer(help="The embedded graph server (used when no Neo4j is configured).")
app.add_typer(db_app, name="db")


@db_app.command("start")
def db_start() -> None:
    """Start the embedded graph server (no-op when it runs) and create the schema."""
    settings = read_settings()
    server = require_embedded(settings)
    with console.status("Starting the embedded graph server..."):
        info = server.start()
    with GraphStore.open(settings) as store:
        ensure_schema(store)
    console.print(f"Embedded graph server running at {info.uri} (pid {info.pid}).")


@db_app.command("migrate")
def db_migrate(
    statistics: bool = typer.Option(
        False, "--statistics", help="Build the kept seizure statistics again even if complete."
    ),
) -> None:
    """Bring a graph loaded by an earlier version of iprgraph up to date: each
    seizure gets the reference a partner's "held by" answer names it by, and the
    seizure statistics kept per month are built from the seizures (until then
    `/v1/stats/seizures` counts the seizures themselves, more slowly). Run it while
    no loader writes to the graph."""
    settings = read_settings()
    with open_store(settings) as store:
        with console.status("Giving seizures their references..."):
            given = give_references(store)
        console.print(f"{given} seizures were given a reference.")
        complete = store.execute_read(stats_cells.is_complete)
        if complete and not statistics:
            console.print("The kept seizure statistics are complete.")
        else:
            bars = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("months"),
                TimeRemainingColumn(),
                console=err_console,
                disable=not err_console.is_terminal,
            )
            with bars:
                task = bars.add_task("building seizure statistics", total=None)

                def progress(done: int, total: int) -> None:
                    bars.update(task, completed=done, total=total)

                cells = stats_cells.rebuild(store, progress)
            console.print(f"Seizure statistics built: {cells} cells kept.")
    console.print("The graph is up to date.")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded graph server cleanly."""
    server = require_embedded(read_settings())
    with console.status("Stopping the embedded graph server..."):
        stopped = server.stop()
    console.print("Embedded graph server stopped." if stopped else "It was not running.")


@db_app.command("status")
def db_status(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object for scripts."),
) -> None:
    """Whether the graph server is up, where, and how much it holds."""
    settings = read_settings()
    status: dict[str, object] = {
        "running": False,
        "uri": None,
        "nodes": None,
        "relationships": None,
    }
    if settings.uses_embedded:
        info = EmbeddedServer.from_settings(settings).running()
        reachable = info is not None
    else:
        status["uri"] = settings.neo4j_uri
        reachable = True
    if reachable:
        try:
            with GraphStore.open(settings, start_embedded=False) as store:
                nodes, relationships = totals(store)
            status.update(running=True, uri=store.uri, nodes=nodes, relationships=relationships)
        except GraphUnavailable as exc:
            status["reason"] = exc.message
    if as_json:
        typer.echo(json.dumps(status))
    elif status["running"]:
        console.print(
            f"Running at {status['uri']}: {status['nodes']} nodes, "
            f"{status['relationships']} relationships."
        )
    else:
        reason = status.get("reason") or "The embedded graph server is not running."
        console.print(f"Not running. {reason}")
    if not status["running"]:
        raise typer.Exit(3)
