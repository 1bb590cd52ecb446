"""The `iprgraph` command line.

Errors read as sentences; `--debug` shows the traceback. Commands that need the
graph start the embedded server on demand when no Neo4j is configured.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from graph.analysis.network_eval import evaluate_networks
from graph.analysis.networks import BuildReport, build_networks
from graph.config import Settings, get_settings
from graph.embedded import EmbeddedServer
from graph.errors import GraphUnavailable, IprgraphError
from graph.export import canonical_records
from graph.model import LinkStatus
from graph.resolve.service import (
    Judgement,
    ResolveReport,
    evaluate_store,
    judge,
)
from graph.resolve.service import resolve as resolve_parties
from graph.schema import ensure_schema
from graph.store import GraphStore
from graph.summary import summarise, totals
from ingest.generate import generate as generate_feeds
from ingest.load import FileReport, IngestError, Loader
from ingest.manifest import Feed, read_manifest
from ingest.normalised import Normaliser
from ingest.ports import install_locode_list, ports_for
from ingest.profile import Profile, ProfileError

app = typer.Typer(
    name="iprgraph",
    help="Seizure records of many customs agencies in one graph: infringers resolved, "
    "networks traced across jurisdictions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="The embedded graph server (used when no Neo4j is configured).")
app.add_typer(db_app, name="db")

console = Console()
err_console = Console(stderr=True)


@dataclass
class _State:
    debug: bool = False


_state = _State()


@app.callback()
def _main_options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors."),
) -> None:
    _state.debug = debug
    # The driver logs each retry it makes; the command reports the outcome instead.
    logging.getLogger("neo4j").setLevel(logging.DEBUG if debug else logging.ERROR)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        problems = " ".join(
            (f"IPRGRAPH_{str(error['loc'][0]).upper()}: " if error["loc"] else "")
            + error["msg"].removeprefix("Value error, ")
            + "."
            for error in exc.errors()
        )
        raise IprgraphError(f"The configuration is not valid. {problems}") from exc


def _require_embedded(settings: Settings) -> EmbeddedServer:
    if not settings.uses_embedded:
        raise IprgraphError(
            f"IPRGRAPH_NEO4J_URI is set ({settings.neo4j_uri}), so iprgraph uses that "
            "Neo4j and the embedded server is not used; unset it to manage the embedded one."
        )
    return EmbeddedServer.from_settings(settings)


def open_store(settings: Settings, *, for_api: bool = False) -> GraphStore:
    """The configured store with its schema in place (embedded server started on demand);
    `for_api` gives it the API's short retry budget."""
    with console.status("Connecting to the graph database..."):
        if for_api:
            from api.app import open_api_store

            store = open_api_store(settings)
        else:
            store = GraphStore.open(settings)
        ensure_schema(store)
    return store


@db_app.command("start")
def db_start() -> None:
    """Start the embedded graph server (no-op when it runs) and create the schema."""
    settings = _settings()
    server = _require_embedded(settings)
    with console.status("Starting the embedded graph server..."):
        info = server.start()
    with GraphStore.open(settings) as store:
        ensure_schema(store)
    console.print(f"Embedded graph server running at {info.uri} (pid {info.pid}).")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded graph server cleanly."""
    server = _require_embedded(_settings())
    with console.status("Stopping the embedded graph server..."):
        stopped = server.stop()
    console.print("Embedded graph server stopped." if stopped else "It was not running.")


@db_app.command("status")
def db_status(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON object for scripts."),
) -> None:
    """Whether the graph server is up, where, and how much it holds."""
    settings = _settings()
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
    settings = _settings()
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


def _feeds(paths: list[Path], profile: str | None, agency: str | None) -> list[Feed]:
    """The files to load: named files, or the feeds a folder's manifest lists."""
    chosen = Profile.load(profile) if profile else None
    feeds: list[Feed] = []
    for path in paths:
        if path.is_dir():
            feeds += read_manifest(path)
        elif path.is_file():
            feeds.append(Feed(path, chosen, agency))
        else:
            raise IprgraphError(f"{path}: no such file or folder")
    return feeds


def _ingest_files(settings: Settings, store: GraphStore, feeds: list[Feed]) -> list[FileReport]:
    loader = Loader(
        store, settings.data_dir / "quarantine", normaliser=Normaliser(ports_for(settings.data_dir))
    )
    reports = []
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )
    with progress:
        for feed in feeds:
            task = progress.add_task(feed.path.name, total=None, rate="-")
            started = time.monotonic()

            def advance(rows: int, task: TaskID = task, started: float = started) -> None:
                rate = rows / max(time.monotonic() - started, 1e-6)
                progress.update(task, completed=rows, rate=f"{rate:,.0f}")

            reports.append(
                loader.load_file(feed.path, feed.profile, progress=advance, agency=feed.agency)
            )
    return reports


def _print_reports(reports: list[FileReport]) -> None:
    table = Table(title="Ingest summary")
    for column in ("file", "read", "loaded", "of which updated", "unchanged", "quarantined"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for report in reports:
        table.add_row(
            Path(report.file).name,
            *(
                str(value)
                for value in (
                    report.read,
                    report.loaded,
                    report.updated,
                    report.unchanged,
                    report.quarantined,
                )
            ),
        )
    console.print(table)
    for report in reports:
        if report.quarantine_file:
            console.print(
                f"{report.quarantined} rows of {Path(report.file).name} were quarantined: "
                f"{report.quarantine_file}"
            )


@app.command("ingest")
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Feed files, or folders with a manifest.yaml (as `iprgraph generate` writes)."
        ),
    ],
    profile: Annotated[
        str | None,
        typer.Option(help="Mapping profile for CSV/TSV/XLSX: a shipped name or a YAML file."),
    ] = None,
    agency: Annotated[
        str | None, typer.Option(help="Agency code for records that name none.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    resolve_after: Annotated[
        bool,
        typer.Option(
            "--resolve/--no-resolve",
            help="Resolve the parties the load added or changed (entity resolution).",
        ),
    ] = True,
) -> None:
    """Load seizure records into the graph; re-loading a file changes nothing.

    NDJSON/JSON in the canonical shape need no profile; CSV, TSV and XLSX are read
    through a mapping profile. Every file ends with read = loaded + quarantined +
    unchanged; rejected rows go to IPRGRAPH_DATA_DIR/quarantine with the reason.
    """
    settings = _settings()
    try:
        feeds = _feeds(paths, profile, agency)
        with open_store(settings) as store:
            reports = _ingest_files(settings, store, feeds)
            resolution = _resolve(store, full=False) if resolve_after else None
            networks = _build_networks(store) if resolve_after else None
    except (IngestError, ProfileError) as exc:
        raise IprgraphError(str(exc)) from exc
    if as_json:
        out: dict[str, object] = {"files": [report.as_dict() for report in reports]}
        if resolution is not None:
            out["resolution"] = resolution.as_dict()
        if networks is not None:
            out["networks"] = networks.as_dict()
        typer.echo(json.dumps(out, indent=2))
    else:
        _print_reports(reports)
        if resolution is not None:
            _print_resolution(resolution)
        if networks is not None:
            _print_networks(networks)


def _resolve(store: GraphStore, *, full: bool) -> ResolveReport:
    progress = Progress(
        TextColumn("[bold]resolving parties"),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )
    with progress:
        task = progress.add_task("resolve", total=None)
        return resolve_parties(
            store, full=full, progress=lambda n: progress.update(task, completed=n)
        )


def _print_resolution(report: ResolveReport) -> None:
    if report.legacy_keys_removed:
        console.print(
            f"The graph's {report.legacy_keys_removed} blocking keys were written by an "
            "earlier version of iprgraph; they were rewritten and every party compared again."
        )
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
    console.print(
        f"Resolution: compared {report.compared_parties} parties over "
        f"{report.candidate_pairs} candidate pairs; {report.auto} automatic links, "
        f"{report.suggested} suggestions for an analyst, {report.removed} links removed; "
        f"{report.clusters_changed} parties changed entity ({report.seconds:.1f} s"
        + (f": {phases}" if phases else "")
        + ")."
    )


def _build_networks(store: GraphStore) -> BuildReport:
    with err_console.status("Building infringer networks...", spinner="dots"):
        return build_networks(store)


def _print_networks(report: BuildReport) -> None:
    hubs = ", ".join(f"{n} {kind}" for kind, n in sorted(report.hubs_left_out.items()) if n)
    console.print(
        f"Networks: {report.networks} networks of {report.entities_in_networks} entities "
        f"(largest {report.largest_network}) from {report.binding_links} binding of "
        f"{report.links} identity links between {report.entities} entities; "
        f"{report.created} new, {report.deleted} gone, {report.parties_changed} parties "
        f"changed network; hubs left out: {hubs or 'none'} ({report.seconds:.1f} s)."
    )


networks_app = typer.Typer(help="Infringer networks over the identity-link projection.")
app.add_typer(networks_app, name="networks")


@networks_app.command("build")
def networks_build(
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Compute the networks and store them (replacing the previous ones).

    Entities are linked by shared identifiers, phones, emails, addresses and transport
    documents, and by seizures that name them together; containers (within 90 days)
    and forwarders only corroborate, and hubs are left out. `ingest` and `resolve`
    run this too.
    """
    settings = _settings()
    with open_store(settings) as store:
        report = _build_networks(store)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        _print_networks(report)


@app.command("resolve")
def resolve(
    full: Annotated[
        bool, typer.Option("--full", help="Compare every party again, not only pending ones.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Link parties that are the same entity (SAME_AS), incrementally by default.

    Analysts' decisions stand: a rejected, confirmed or unsure pair is never
    overwritten by an automatic run.
    """
    settings = _settings()
    with open_store(settings) as store:
        report = _resolve(store, full=full)
        networks = _build_networks(store)
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "networks": networks.as_dict()}, indent=2))
    else:
        _print_resolution(report)
        _print_networks(networks)


class Decision(StrEnum):
    CONFIRMED = LinkStatus.CONFIRMED.value
    REJECTED = LinkStatus.REJECTED.value
    UNSURE = LinkStatus.UNSURE.value


@app.command("judge")
def judge_pair(
    a: Annotated[str, typer.Argument(help="One Party id.")],
    b: Annotated[str, typer.Argument(help="The other Party id.")],
    decision: Annotated[
        Decision,
        typer.Option(help="What the analyst decided.", case_sensitive=False),
    ],
    by: Annotated[str, typer.Option("--by", help="Who decides (name or user id).")],
    reason: Annotated[str, typer.Option(help="Why.")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Record an analyst's decision on whether two parties are the same entity."""
    settings = _settings()
    try:
        status = LinkStatus(decision.value)
        judgement = Judgement(a=a, b=b, status=status, decided_by=by, reason=reason)
        with open_store(settings) as store:
            result = judge(store, judgement)
    except ValueError as exc:
        raise IprgraphError(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(result, indent=2))
    else:
        console.print(
            f"{result['a']} and {result['b']}: {result['status']} by {result['decided_by']} "
            f"(score {result['score']})."
        )


def _evaluate(
    truth: Path,
    keys: tuple[str, ...],
    evaluate: Callable[[GraphStore, dict[str, Any]], dict[str, Any]],
    as_json: bool,
    title: str,
    rows: Callable[[dict[str, Any]], list[tuple[str, object]]],
) -> None:
    """Score the graph against the ground truth `iprgraph generate` wrote (an error
    naming what is wrong when `truth` is no such file) and print the figures: JSON,
    or a table of `rows`."""
    try:
        data = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IprgraphError(f"{truth}: cannot read it as truth.json ({exc})") from exc
    missing = [key for key in keys if not isinstance(data, dict) or key not in data]
    if missing:
        quoted = " or ".join(f"'{key}'" for key in missing)
        raise IprgraphError(f"{truth}: not a truth.json (it has no {quoted})")
    settings = _settings()
    with open_store(settings) as store:
        figures = evaluate(store, data)
    if as_json:
        typer.echo(json.dumps(figures, indent=2))
        return
    table = Table(title=f"{title} against {truth}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in rows(figures):
        table.add_row(name, str(value))
    console.print(table)


@app.command("evaluate-resolution")
def evaluate_resolution(
    truth: Annotated[Path, typer.Option(help="truth.json written by `iprgraph generate`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Pairwise and cluster precision/recall of the graph's entities against ground truth."""

    def rows(figures: dict[str, Any]) -> list[tuple[str, object]]:
        pairwise, clusters = figures["pairwise"], figures["clusters"]
        return [
            ("parties (nodes) with ground truth", figures["parties"]),
            ("pairwise precision", f"{pairwise['precision']:.4f}"),
            ("pairwise recall", f"{pairwise['recall']:.4f}"),
            ("pairwise F1", f"{pairwise['f1']:.4f}"),
            ("B-cubed precision", f"{clusters['bcubed_precision']:.4f}"),
            ("B-cubed recall", f"{clusters['bcubed_recall']:.4f}"),
            ("entities found exactly", f"{clusters['exact_cluster_share']:.4f}"),
            (
                "predicted / true entities",
                f"{clusters['predicted_clusters']} / {clusters['true_clusters']}",
            ),
        ]

    _evaluate(truth, ("mentions",), evaluate_store, as_json, "Entity resolution", rows)


@app.command("evaluate-networks")
def evaluate_networks_command(
    truth: Annotated[Path, typer.Option(help="truth.json written by `iprgraph generate`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Planted networks recovered, purity of the computed ones, and ranking by risk."""

    def rows(figures: dict[str, Any]) -> list[tuple[str, object]]:
        purity, ranking = figures["purity"], figures["ranking"]
        return [
            (
                "planted networks recovered",
                f"{figures['recovered']} / {figures['planted_networks']} "
                f"({figures['recovery_rate']})",
            ),
            (
                "cross-jurisdiction planted recovered",
                f"{figures['cross_jurisdiction_recovered']} / "
                f"{figures['cross_jurisdiction_planted']}",
            ),
            ("computed networks", figures["computed_networks"]),
            ("of which hold no planted member", figures["background_networks"]),
            (
                "purity (mean / weighted by size)",
                f"{purity['mean']} / {purity['weighted_by_size']}",
            ),
            ("share of networks at least 0.8 pure", purity["share_at_least_criterion"]),
            (
                "AUC: planted cross-jurisdiction vs background",
                ranking["auc_cross_jurisdiction_vs_background"],
            ),
            (f"planted cross-jurisdiction in the top {ranking['top_k']}", ranking["top_k_share"]),
        ]

    _evaluate(truth, ("mentions", "networks"), evaluate_networks, as_json, "Networks", rows)


@app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="File to write (NDJSON, one record per line).")],
    format_: Annotated[
        str, typer.Option("--format", help="Only ndjson: the canonical record, one per line.")
    ] = "ndjson",
) -> None:
    """Write every seizure back as canonical records; ingesting them rebuilds the graph."""
    if format_ != "ndjson":
        raise IprgraphError(f"--format {format_!r} is not supported; use ndjson")
    settings = _settings()
    count = 0
    with open_store(settings) as store, out.open("w", encoding="utf-8") as handle:
        for record in canonical_records(store):
            handle.write(record + "\n")
            count += 1
    console.print(f"Wrote {count} records to {out}.")


reference_app = typer.Typer(help="Reference tables used to normalise records.")
app.add_typer(reference_app, name="reference")


@reference_app.command("load-locode")
def load_locode(
    path: Annotated[Path, typer.Argument(help="The official UN/LOCODE code list (CSV).")],
) -> None:
    """Add the full official UN/LOCODE list to port resolution for later ingests."""
    settings = _settings()
    if not path.is_file():
        raise IprgraphError(f"{path}: no such file")
    try:
        count = install_locode_list(path, settings.data_dir)
    except (OSError, ValueError) as exc:
        raise IprgraphError(f"{path} could not be read as a UN/LOCODE code list: {exc}") from exc
    console.print(
        f"Read {count} locations from {path}; later ingests resolve ports against them too."
    )


@app.command("generate")
def generate(
    out: Annotated[Path, typer.Option(help="Folder to write the feeds into.")],
    records: Annotated[int, typer.Option(min=0, help="How many seizure records.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Same seed, same bytes.")] = 1,
) -> None:
    """Write realistic multi-agency feeds with their profiles, a manifest and truth.json."""
    progress = Progress(
        TextColumn("[bold]generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )
    with progress:
        task = progress.add_task("generate", total=records)
        result = generate_feeds(
            records, seed, out, progress=lambda done: progress.update(task, completed=done)
        )
    console.print(
        f"Wrote {sum(result.records_per_file.values())} rows in {len(result.files)} feeds "
        f"({result.malformed} malformed on purpose), {result.entities} true entities and "
        f"{result.networks} planted networks to {out}. Load them with "
        f"'iprgraph ingest {out}'."
    )


@app.command("demo")
def demo(
    port: int = typer.Option(None, help="API port (default IPRGRAPH_API_PORT, 8000)."),
    serve_api: bool = typer.Option(True, "--serve/--no-serve", help="Serve the API afterwards."),
) -> None:
    """Start the graph, load example seizure records, and serve the API."""
    settings = _settings()
    store = open_store(settings, for_api=True)
    examples = Path(str(resources.files("ingest") / "examples" / "seizures.ndjson"))
    reports = _ingest_files(settings, store, [Feed(examples, None, None)])
    _print_reports(reports)
    _print_resolution(_resolve(store, full=False))
    _print_networks(_build_networks(store))
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


def main() -> None:
    """Console entry point: domain errors become one sentence and exit status 1."""
    try:
        app()
    except IprgraphError as exc:
        if _state.debug:
            raise
        err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if _state.debug:
            raise
        err_console.print(
            f"[bold red]error:[/] iprgraph failed unexpectedly ({type(exc).__name__}: {exc}). "
            "Run it again with --debug to see where.",
            highlight=False,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
