"""Loading feed files into the graph: `ingest.feed` reads and normalises them into
batches, `graph.write` writes each batch in one transaction.

Every row ends in exactly one of three places, per file:
read = loaded + quarantined + unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from graph.store import GraphStore
from graph.write import write_seizures
from ingest.feed import DEFAULT_BATCH_SIZE, FeedReader, FileReport
from ingest.normalised import Normaliser
from ingest.profile import Profile
from ingest.rows import SeizureWrite


class Loader:
    """Loads feed files into the graph through one store."""

    def __init__(
        self,
        store: GraphStore,
        quarantine_dir: Path,
        *,
        normaliser: Normaliser | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        agency: str | None = None,
    ) -> None:
        self.store = store
        self.reader = FeedReader(
            quarantine_dir, normaliser=normaliser, batch_size=batch_size, agency=agency
        )

    def load_file(
        self,
        path: Path,
        profile: Profile | None = None,
        progress: Callable[[int], None] | None = None,
        agency: str | None = None,
    ) -> FileReport:
        """Load one file (canonical NDJSON/JSON, or any layout through `profile`).

        `agency` (or the loader's) fills records that name none; a record that names
        another agency is quarantined.
        """
        with self.reader.batches(path, profile, agency) as (report, batches):
            for batch in batches:
                self._flush(batch, report)
                if progress:
                    progress(report.read)
        return report

    def _flush(self, batch: list[SeizureWrite], report: FileReport) -> None:
        if not batch:
            return
        outcome = write_seizures(self.store, batch)
        report.loaded += outcome.loaded + outcome.updated
        report.updated += outcome.updated
        report.unchanged += outcome.unchanged
        report.constraint_retries += outcome.constraint_retries
