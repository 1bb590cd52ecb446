"""`iprgraph view` and `iprgraph export`: graph answers as pictures and as files for
analysts' tools, for a local operator (full access: every record is visible).

The answers are built by `graph.answers.Answers` (the services the API calls, for
the operator here, who sees every record); `viz/` then turns them into a page
(`viz.render_page`) or an export (`viz.export`) without touching the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from api.cli.common import app, console, open_store, read_settings
from graph.access import OPERATOR
from graph.analysis.neighbourhood import DEFAULT_LIMIT
from graph.analysis.paths import PathMode
from graph.answers import Answer, Answers
from graph.errors import IprgraphError
from graph.export import canonical_records
from graph.store import GraphStore
from viz import ExportFormat, export, render_page

view_app = typer.Typer(
    help="Write a graph answer as a standalone interactive HTML page (works offline).",
    no_args_is_help=True,
)
app.add_typer(view_app, name="view")

DEFAULT_API_BASE = "http://127.0.0.1:8000"


@dataclass
class _Run:
    store: GraphStore
    answers: Answers


def _open() -> _Run:
    settings = read_settings()
    store = open_store(settings)
    return _Run(store, Answers(store, OPERATOR, settings.analysis_time_limit_s))


def _write_page(answer: Answer, out: Path, api_base: str) -> None:
    html = render_page(answer.model, api_base=api_base, **answer.picture_args)
    out.write_text(html, encoding="utf-8")
    console.print(
        f"Wrote {out} ({len(html.encode('utf-8')) / 1024:,.0f} KB); open it in a browser."
    )


_Out = Annotated[Path, typer.Option("--out", help="The HTML file to write.")]
_ApiBase = Annotated[
    str,
    typer.Option(
        "--api-base", help="Where the page's 'API answer' links point (an iprgraph serve)."
    ),
]
_ThroughHubs = Annotated[
    bool, typer.Option("--through-hubs", help="Walk through ports, marks, agencies and busy nodes.")
]


def _types(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


@view_app.command("network")
def view_network(
    network: Annotated[
        str, typer.Argument(help="A network id (net:...), or an entity or party id.")
    ],
    out: _Out,
    api_base: _ApiBase = DEFAULT_API_BASE,
) -> None:
    """An infringer network with its key players and communities."""
    run = _open()
    with run.store:
        _write_page(run.answers.network(network), out, api_base)


@view_app.command("neighbourhood")
def view_neighbourhood(
    node: Annotated[
        str, typer.Argument(help="Any node id: party, seizure, container, tm:<mark>...")
    ],
    out: _Out,
    depth: Annotated[int, typer.Option(min=1, max=4)] = 2,
    types: Annotated[
        str | None, typer.Option(help="Only these node types, comma-separated.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=2000)] = DEFAULT_LIMIT,
    through_hubs: _ThroughHubs = False,
    api_base: _ApiBase = DEFAULT_API_BASE,
) -> None:
    """The nodes within DEPTH relationships of a node."""
    run = _open()
    with run.store:
        answer = run.answers.neighbourhood(node, depth, _types(types), limit, through_hubs)
        _write_page(answer, out, api_base)


@view_app.command("paths")
def view_paths(
    source: Annotated[str, typer.Argument(help="Node id at one end.")],
    target: Annotated[str, typer.Argument(help="Node id at the other end.")],
    out: _Out,
    max_hops: Annotated[int, typer.Option(min=1, max=8)] = 4,
    mode: Annotated[PathMode, typer.Option()] = PathMode.SHORTEST,
    k: Annotated[int, typer.Option(min=1, max=10)] = 3,
    through_hubs: _ThroughHubs = False,
    api_base: _ApiBase = DEFAULT_API_BASE,
) -> None:
    """The paths between two nodes, each hop with its records."""
    run = _open()
    with run.store:
        answer = run.answers.paths(source, target, max_hops, mode, k, through_hubs)
        _write_page(answer, out, api_base)


@view_app.command("entity")
def view_entity(
    party: Annotated[str, typer.Argument(help="An entity id or any member party's id.")],
    out: _Out,
    api_base: _ApiBase = DEFAULT_API_BASE,
) -> None:
    """An entity: its member parties, their names as written, SAME_AS links and suggestions."""
    run = _open()
    with run.store:
        _write_page(run.answers.entity(party), out, api_base)


@app.command("export")
def export_command(
    out: Annotated[
        Path,
        typer.Argument(
            help="File to write; for i2, a folder (entities.csv, links.csv, README.txt) or a .zip."
        ),
    ],
    format_: Annotated[
        ExportFormat,
        typer.Option("--format", help="graphml, gexf, cytoscape, i2, ftm or ndjson."),
    ] = ExportFormat.NDJSON,
    network: Annotated[str | None, typer.Option(help="A network (or an entity in one).")] = None,
    neighbourhood_of: Annotated[
        str | None, typer.Option("--neighbourhood", help="The neighbourhood of this node.")
    ] = None,
    depth: Annotated[int, typer.Option(min=1, max=4, help="With --neighbourhood.")] = 2,
    paths: Annotated[
        tuple[str, str] | None,
        typer.Option("--paths", help="SOURCE TARGET: the paths between two nodes."),
    ] = None,
    max_hops: Annotated[int, typer.Option(min=1, max=8, help="With --paths.")] = 4,
    entity_of: Annotated[str | None, typer.Option("--entity", help="An entity.")] = None,
) -> None:
    """Write a graph answer for Gephi, Cytoscape, i2 Analyst's Notebook or FtM tools;
    with no scope and --format ndjson, every seizure as canonical records (ingesting
    them rebuilds the graph)."""
    scopes = [s for s in (network, neighbourhood_of, paths, entity_of) if s is not None]
    if len(scopes) > 1:
        raise IprgraphError("Give one scope: --network, --neighbourhood, --paths or --entity.")
    run = _open()
    with run.store:
        if not scopes:
            if format_ != ExportFormat.NDJSON:
                raise IprgraphError(
                    f"--format {format_.value} needs a scope (--network, --neighbourhood, "
                    "--paths or --entity); only ndjson exports the whole graph."
                )
            _export_records(run.store, out)
            return
        if network is not None:
            answer = run.answers.network(network)
        elif neighbourhood_of is not None:
            answer = run.answers.neighbourhood(neighbourhood_of, depth, None, DEFAULT_LIMIT, False)
        elif paths is not None:
            answer = run.answers.paths(paths[0], paths[1], max_hops, PathMode.K, 3, False)
        else:
            assert entity_of is not None
            answer = run.answers.entity(entity_of)
        exported = export(answer.model, format_, **answer.picture_args)
    if format_ == ExportFormat.I2 and out.suffix.lower() != ".zip":
        out.mkdir(parents=True, exist_ok=True)
        for name, data in exported.files.items():
            (out / name).write_bytes(data)
        written = ", ".join(str(out / name) for name in exported.files)
    else:
        out.write_bytes(exported.content())
        written = str(out)
    console.print(f"Wrote {written} (handling TLP:{exported.handling}).")


def _export_records(store: GraphStore, out: Path) -> None:
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for record in canonical_records(store):
            handle.write(record + "\n")
            count += 1
    console.print(f"Wrote {count} records to {out}.")
