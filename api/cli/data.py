"""Commands over the data: ingest, resolve, networks, judgements, evaluation,
reference tables and the generator (`export` is in view.py). The load-resolve-networks sequence
itself is `graph.pipeline`; these commands show its progress and print its reports."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from api.cli.common import app, console, err_console, open_store, read_settings
from graph import pipeline
from graph.analysis.network_eval import evaluate_networks
from graph.analysis.networks import BuildReport, build_networks
from graph.analysis.networks.incremental import UpdateReport
from graph.config import Settings
from graph.errors import IprgraphError
from graph.live import webhooks
from graph.live.alerts import AlertConfig, AlertReport
from graph.model import LinkStatus
from graph.resolve.entities import Judgement
from graph.resolve.service import ResolveReport, evaluate_store
from graph.store import GraphStore
from ingest.agencies import AgencyRegistry, RegistryFileError, UnknownAgency
from ingest.feed import FileReport
from ingest.generate import generate as generate_feeds
from ingest.generate.continuation import ContinuationError, continue_world
from ingest.manifest import MANIFEST, Feed, manifest_feeds
from ingest.normalised import Normaliser
from ingest.ports import install_locode_list, ports_for
from ingest.profile import Profile, ProfileError

# Exit status of an ingest that ran to its end but could not read some files (their
# sentences are in the summary): 0 is all read (rows may be quarantined), 1 a run
# that an error stopped, 2 Typer's usage errors, 3 `db status` down.
EXIT_FILES_FAILED = 4


def pipeline_lock_file(settings: Settings) -> Path:
    """The lock that keeps the pipeline's writers apart: an ingest's batches, what
    follows a load, pushes (`graph.pipeline`)."""
    return settings.data_dir / "pipeline.lock"


def agency_registry(settings: Settings) -> AgencyRegistry:
    """The agency registry, extended by the configured file."""
    try:
        return AgencyRegistry.load(settings.agency_registry_file)
    except RegistryFileError as exc:
        raise IprgraphError(str(exc)) from exc


def _feeds(
    paths: list[Path], profile: str | None, agency: str | None, agencies: AgencyRegistry
) -> list[Feed]:
    """The files to load: named files, or the feeds a folder's manifest lists.

    What the command line names is checked first (a missing path, an unreadable
    --profile, an unknown --agency end the command before anything loads); a folder
    whose manifest cannot be read, and each feed of it that cannot be, is a failed
    feed of the run."""
    try:
        chosen = Profile.load(profile) if profile else None
        code = agencies.check(agency).code if agency else None
    except (ProfileError, UnknownAgency) as exc:
        raise IprgraphError(str(exc)) from exc
    feeds: list[Feed] = []
    for path in paths:
        if path.is_dir():
            try:
                feeds += manifest_feeds(path, agencies)
            except ProfileError as exc:
                feeds.append(Feed(path / MANIFEST, None, None, problem=str(exc)))
        elif path.is_file():
            feeds.append(Feed(path, chosen, code))
        else:
            raise IprgraphError(f"{path}: no such file or folder")
    return feeds


@contextlib.contextmanager
def ingest_progress() -> Iterator[pipeline.Progress]:
    """The pipeline's progress as Rich bars on stderr (rows and rows a second per
    file, parties compared, networks being built); silent when stderr is no terminal."""
    bars = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )
    current: dict[str, Any] = {}

    def file_started(name: str) -> None:
        current["task"] = bars.add_task(name, total=None, unit="rows", rate="-")
        current["started"] = time.monotonic()

    def rows_read(rows: int) -> None:
        task: TaskID = current["task"]
        rate = rows / max(time.monotonic() - current["started"], 1e-6)
        bars.update(task, completed=rows, rate=f"{rate:,.0f} rows/s")

    def parties_resolved(parties: int) -> None:
        if "resolve" not in current:
            current["resolve"] = bars.add_task(
                "resolving parties", total=None, unit="parties", rate=""
            )
        bars.update(current["resolve"], completed=parties)

    def building_networks() -> None:
        bars.add_task("building networks", total=None, unit="", rate="")

    with bars:
        yield pipeline.Progress(file_started, rows_read, parties_resolved, building_networks)


def print_reports(reports: list[FileReport]) -> None:
    table = Table(title="Ingest summary")
    columns = ("file", "read", "loaded", "of which updated", "unchanged", "quarantined", "status")
    for number, column in enumerate(columns):
        table.add_column(column, justify="left" if number in (0, 6) else "right")
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
            "[bold red]failed[/]" if report.failed else "read",
        )
    console.print(table)
    for report in reports:
        if report.quarantine_file:
            console.print(
                f"{report.quarantined} rows of {Path(report.file).name} were quarantined: "
                f"{report.quarantine_file} (for a spreadsheet: {report.quarantine_report})",
                highlight=False,
            )
    failed = [report for report in reports if report.failed]
    for report in failed:
        console.print(f"[bold red]failed:[/] {report.failed}", highlight=False)
    if failed:
        console.print(
            f"{len(failed)} of {len(reports)} files could not be read (to their end); "
            "the others were read.",
            highlight=False,
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
    unchanged; rejected rows go to IPRGRAPH_DATA_DIR/quarantine with the reason. A
    file that cannot be read is reported failed with the reason and the next one is
    read; then the exit status is 4.
    """
    settings = read_settings()
    agencies = agency_registry(settings)
    feeds = _feeds(paths, profile, agency, agencies)
    with open_store(settings) as store, ingest_progress() as progress:
        report = pipeline.run(
            store,
            feeds,
            settings.data_dir / "quarantine",
            normaliser=Normaliser(ports_for(settings.data_dir), agencies=agencies),
            resolve=resolve_after,
            progress=progress,
            lock=pipeline_lock_file(settings),
            alerting=AlertConfig.from_settings(settings),
        )
        _wait_for_webhooks()
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        print_pipeline(report)
    if report.stopped is not None:
        raise report.stopped
    if report.failed_files:
        raise typer.Exit(EXIT_FILES_FAILED)


def print_pipeline(report: pipeline.PipelineReport) -> None:
    print_reports(report.files)
    if report.resolution is not None:
        print_resolution(report.resolution)
    if report.networks is not None:
        print_update(report.networks)
    if report.alerts is not None:
        print_alerts(report.alerts)


# How long a command waits, at its end, for the webhook deliveries of the alerts
# it raised (the API's process delivers in the background as long as it runs).
WEBHOOK_WAIT_S = 60.0


def _wait_for_webhooks() -> None:
    if not webhooks.wait_for_deliveries(WEBHOOK_WAIT_S):
        err_console.print(
            "Some alerts are still being delivered to webhooks; those not delivered stay "
            "pending for the next run ('iprgraph alerts list' shows their delivery)."
        )


def print_alerts(report: AlertReport) -> None:
    if not report.watches:
        return
    rules = ", ".join(f"{count} {rule}" for rule, count in sorted(report.by_rule.items()))
    console.print(
        f"Alerts: {report.raised} raised for {len(report.by_agency)} agencies"
        + (f" ({rules})" if rules else "")
        + f" over {report.seizures} new or corrected seizures and {report.watches} watches "
        f"({report.seconds:.1f} s); 'iprgraph alerts list' shows them.",
        highlight=False,
    )


def print_resolution(report: ResolveReport) -> None:
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


def print_update(report: UpdateReport) -> None:
    if report.full is not None:
        console.print(f"Networks built in full ({report.full_build}).", highlight=False)
        print_networks(report.full)
        return
    console.print(
        f"Networks updated around {report.seeds} parties: a region of "
        f"{report.region_parties} parties and {report.region_seizures} seizures, "
        f"{report.networks_written} networks written and {report.networks_deleted} gone "
        f"(every view), {report.parties_changed} parties changed network, "
        f"{report.recency_views} views with a newer seizure day "
        f"({report.seconds:.1f} s).",
        highlight=False,
    )


def print_networks(report: BuildReport) -> None:
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
    settings = read_settings()
    with open_store(settings) as store:
        report = _build_networks(store)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
    else:
        print_networks(report)


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
    settings = read_settings()
    with open_store(settings) as store, ingest_progress() as progress:
        report, networks, alerts = pipeline.refresh_and_alert(
            store,
            full=full,
            progress=progress,
            lock=pipeline_lock_file(settings),
            alerting=AlertConfig.from_settings(settings),
        )
        _wait_for_webhooks()
    if as_json:
        typer.echo(
            json.dumps(
                {**report.as_dict(), "networks": networks.as_dict(), "alerts": alerts.as_dict()},
                indent=2,
            )
        )
    else:
        print_resolution(report)
        print_update(networks)
        print_alerts(alerts)


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
    settings = read_settings()
    try:
        status = LinkStatus(decision.value)
        judgement = Judgement(a=a, b=b, status=status, decided_by=by, reason=reason)
        with open_store(settings) as store:
            result, networks = pipeline.judge_and_update(
                store,
                judgement,
                lock=pipeline_lock_file(settings),
                alerting=AlertConfig.from_settings(settings),
            )
    except ValueError as exc:
        raise IprgraphError(str(exc)) from exc
    raised = result.pop("alerts")
    if as_json:
        out = {**result, "networks": networks.as_dict(), "alerts": raised.as_dict()}
        typer.echo(json.dumps(out, indent=2))
    else:
        console.print(
            f"{result['a']} and {result['b']}: {result['status']} by {result['decided_by']} "
            f"(score {result['score']})."
        )
        print_update(networks)
        if raised.raised:
            console.print(f"{raised.raised} alert(s) raised for the agencies watching them.")


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
    settings = read_settings()
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
            ("networks with no planted member in the top 10", ranking["background_in_top_10"]),
        ]

    _evaluate(truth, ("mentions", "networks"), evaluate_networks, as_json, "Networks", rows)


reference_app = typer.Typer(help="Reference tables used to normalise records.")
app.add_typer(reference_app, name="reference")


@reference_app.command("load-locode")
def load_locode(
    path: Annotated[Path, typer.Argument(help="The official UN/LOCODE code list (CSV).")],
) -> None:
    """Add the full official UN/LOCODE list to port resolution for later ingests."""
    settings = read_settings()
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
    continue_from: Annotated[
        Path | None,
        typer.Option(
            "--continue",
            help="A folder `iprgraph generate` wrote (first or continued): write new "
            "seizures of the same world, dated after its newest, with new record ids and "
            "a truth.json extending its truth. --seed then picks one continuation.",
        ),
    ] = None,
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
        if continue_from is None:
            task = progress.add_task("generate", total=records)
            result = generate_feeds(
                records, seed, out, progress=lambda done: progress.update(task, completed=done)
            )
        else:
            rebuilding = progress.add_task("rebuilding the world", total=None)

            def rebuilt() -> None:
                progress.update(rebuilding, total=1, completed=1)

            task = progress.add_task("generate", total=records)
            try:
                result = continue_world(
                    continue_from,
                    records,
                    out,
                    seed,
                    progress=lambda done: progress.update(task, completed=done),
                    rebuilt=rebuilt,
                )
            except ContinuationError as exc:
                raise IprgraphError(str(exc)) from exc
    what = f" continuing the world of {continue_from}" if continue_from else ""
    console.print(
        f"Wrote {sum(result.records_per_file.values())} rows in {len(result.files)} feeds "
        f"({result.malformed} malformed on purpose){what}, {result.entities} true entities and "
        f"{result.networks} planted networks to {out}. Load them with "
        f"'iprgraph ingest {out}'."
    )
