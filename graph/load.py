"""Loading feed files into the graph: `ingest.feed` reads and normalises them into
batches, `graph.write` writes each batch in one transaction.

Every row ends in exactly one of three places, per file:
read = loaded + quarantined + unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from graph.errors import ConstraintViolation, GraphUnavailable, IprgraphError, QueryTimeout
from graph.store import GraphStore
from graph.write import write_seizures
from ingest.feed import DEFAULT_BATCH_SIZE, FeedReader, FileReport
from ingest.normalised import Normaliser
from ingest.profile import Profile
from ingest.quarantine import Quarantine
from ingest.rows import SeizureWrite

# Failures of a batch that say nothing about its records: the database is away,
# busy, or raced a loader alongside past the retries. They end the run.
_NOT_THE_DATA = (GraphUnavailable, QueryTimeout, ConstraintViolation)


class LoadInterrupted(Exception):
    """Writing a file stopped on a failure that is not its records' (the database
    went away): `report` counts what the file's rows came to before it, and its
    `failed` says why. The cause is the failure itself."""

    def __init__(self, report: FileReport) -> None:
        super().__init__(report.failed)
        self.report = report


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
        batch_guard: Callable[[], AbstractContextManager[object]] | None = None,
    ) -> None:
        """`batch_guard`, if given, is entered around the writing of each batch (the
        pipeline's lock, `graph.pipeline`): what else writes under it runs between
        two batches, never beside one."""
        self.store = store
        self.batch_guard = batch_guard or contextlib.nullcontext
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
        another agency is quarantined. What the file holds never raises: a file that
        cannot be read is the report's `failed` sentence. A failure to write that
        is not a record's (the database is away) raises `LoadInterrupted`.
        """
        with self.reader.batches(path, profile, agency) as (report, batches, quarantine):
            try:
                for batch in batches:
                    self._flush(batch, report, quarantine)
                    if progress:
                        progress(report.read)
            except Exception as exc:
                message = exc.message if isinstance(exc, IprgraphError) else f"{exc!r}"
                report.failed = f"{path}: the load stopped in this file: {message}"
                raise LoadInterrupted(report) from exc
        return report

    def _flush(
        self, batch: list[SeizureWrite], report: FileReport, quarantine: Quarantine | None
    ) -> None:
        if not batch:
            return
        refused: list[Exception] = []
        with self.batch_guard():
            self._write(batch, report, quarantine, refused)
        if refused and len(refused) == len(batch) > 1:
            # Not one record of the batch could be written: that is not a record's
            # fault (a statement or the database is broken). Its rows are in the
            # quarantine with the reason; the run stops here.
            raise refused[0]

    def _write(
        self,
        batch: list[SeizureWrite],
        report: FileReport,
        quarantine: Quarantine | None,
        refused: list[Exception],
    ) -> None:
        """Write the batch; when the database refuses it for something it holds,
        write its halves, down to the one record it refuses, which is quarantined
        (and added to `refused`)."""
        try:
            outcome = write_seizures(self.store, batch)
        except _NOT_THE_DATA:
            raise
        except Exception as exc:
            if quarantine is None:
                raise
            if len(batch) > 1:
                half = len(batch) // 2
                self._write(batch[:half], report, quarantine, refused)
                self._write(batch[half:], report, quarantine, refused)
                return
            (write,) = batch
            reason = " ".join(str(exc).split())[:300]
            self.reader.quarantine(
                report,
                quarantine,
                write.prov["source_line"],
                write.props["record"],
                f"the graph database refused the record ({type(exc).__name__}: {reason})",
            )
            refused.append(exc)
            return
        report.loaded += outcome.loaded + outcome.updated
        report.updated += outcome.updated
        report.unchanged += outcome.unchanged
        report.constraint_retries += outcome.constraint_retries
