"""The one pipeline: load feeds, resolve the parties they touched, rebuild networks.

The command line (`iprgraph ingest`, `resolve`, `demo`) runs it, and so will every
other way records reach the graph, so that a record is always loaded, resolved and
in its network by the same sequence. Presentation stays with the caller: progress
is reported through the optional callbacks of `Progress`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.analysis.networks import BuildReport, build_networks
from graph.load import Loader
from graph.resolve.service import ResolveReport
from graph.resolve.service import resolve as resolve_parties
from graph.store import GraphStore
from ingest.feed import FileReport
from ingest.manifest import Feed
from ingest.normalised import Normaliser


def _ignore(*_: Any) -> None:
    return None


@dataclass
class Progress:
    """What a long run tells its caller as it goes; every callback is optional."""

    # A feed file starts: its name.
    file_started: Callable[[str], None] = _ignore
    # Rows read so far in the current file.
    rows_read: Callable[[int], None] = _ignore
    # Parties compared so far by entity resolution.
    parties_resolved: Callable[[int], None] = _ignore
    # Networks are being rebuilt (no count: one pass over the projection).
    building_networks: Callable[[], None] = _ignore


@dataclass
class PipelineReport:
    files: list[FileReport] = field(default_factory=list)
    resolution: ResolveReport | None = None
    networks: BuildReport | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"files": [report.as_dict() for report in self.files]}
        if self.resolution is not None:
            out["resolution"] = self.resolution.as_dict()
        if self.networks is not None:
            out["networks"] = self.networks.as_dict()
        return out


def load_feeds(
    store: GraphStore,
    feeds: list[Feed],
    quarantine_dir: Path,
    *,
    normaliser: Normaliser | None = None,
    progress: Progress | None = None,
) -> list[FileReport]:
    """Load the feeds one after the other; one report per file."""
    progress = progress or Progress()
    loader = Loader(store, quarantine_dir, normaliser=normaliser)
    reports = []
    for feed in feeds:
        progress.file_started(feed.path.name)
        reports.append(
            loader.load_file(
                feed.path, feed.profile, progress=progress.rows_read, agency=feed.agency
            )
        )
    return reports


def refresh(
    store: GraphStore, *, full: bool = False, progress: Progress | None = None
) -> tuple[ResolveReport, BuildReport]:
    """What follows a load: resolve the queued parties (all with `full`), then
    rebuild the networks over the entities that gives."""
    progress = progress or Progress()
    resolution = resolve_parties(store, full=full, progress=progress.parties_resolved)
    progress.building_networks()
    return resolution, build_networks(store)


def run(
    store: GraphStore,
    feeds: list[Feed],
    quarantine_dir: Path,
    *,
    normaliser: Normaliser | None = None,
    resolve: bool = True,
    progress: Progress | None = None,
) -> PipelineReport:
    """Load the feeds, then (unless `resolve` is False) resolve and rebuild networks."""
    report = PipelineReport(
        files=load_feeds(store, feeds, quarantine_dir, normaliser=normaliser, progress=progress)
    )
    if resolve:
        report.resolution, report.networks = refresh(store, progress=progress)
    return report
