"""Reading one feed file into batches of normalised records: read -> validate ->
normalise, with rejected rows quarantined on the way. No database here: the
graph's loader (`graph.load`) writes the batches.

Every row ends in exactly one of three places, per file:
read = loaded + quarantined + unchanged. Rejected rows go to a quarantine NDJSON
file under the data directory with file, line, raw content and a reason a person
understands.
"""

from __future__ import annotations

import contextlib
import queue
import re
import threading
from collections.abc import Generator, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from ingest.normalise import NormaliseError
from ingest.normalised import Normaliser, Source
from ingest.profile import Profile, ProfileError, read_tabular
from ingest.quarantine import Quarantine
from ingest.read import RawRow, UnreadableFile, file_sha256, read_json, read_ndjson
from ingest.record import SeizureRecord, describe_validation_error
from ingest.rows import SeizureWrite

# Rows per transaction: large enough that UNWIND amortises the round trip, small
# enough that a retried batch is cheap and memory stays flat.
DEFAULT_BATCH_SIZE = 500
# A file's first batch is this small, and each next one twice the size up to the
# batch size: the writer starts on a file's first records instead of waiting while
# a whole batch is normalised (about 1.7 ms a record, 0.85 s for 500, idle time at
# the start of every file), and the normaliser keeps ahead as the batches grow.
FIRST_BATCH_SIZE = 50

T = TypeVar("T")


@dataclass
class FileReport:
    file: str
    sha256: str
    read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    flagged: int = 0
    constraint_retries: int = 0
    quarantine_file: str | None = None
    # The same rows as a spreadsheet (cells neutralised, `ingest.csvsafe`).
    quarantine_report: str | None = None
    # Rejected rows counted by kind of reason (`reason_kind`).
    reasons: dict[str, int] = field(default_factory=dict)
    # Why the file could not be read (to its end): one sentence. The rows read
    # before it are counted as usual.
    failed: str | None = None

    @property
    def balanced(self) -> bool:
        return self.read == self.loaded + self.quarantined + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_DETAILS = re.compile(r"\s*\(.*$")
_NUMBER = re.compile(r"(?<![\w-])\d+(?:,\d{3})*(?![\w-])")
# The reason of a row that failed in a way iprgraph does not know (a bug): it is
# quarantined like any other, and the fuzzing tests look for this kind.
INTERNAL_ERROR = "the row could not be read because of an error inside iprgraph"


def reason_kind(reason: str) -> str:
    """What a rejection says, without where or what exactly, for the summary's counts
    ("line 1507 contains NUL bytes" -> "line N contains NUL bytes"; a field's value
    and a parenthesised detail left out). The quarantine file keeps each whole reason."""
    head = _DETAILS.sub("", reason.split(":")[0])
    return _NUMBER.sub("N", head).strip() or "rejected"


class IngestError(Exception):
    """A feed that cannot be read at all (missing file, unknown format)."""


def rows_of(path: Path) -> Iterator[RawRow]:
    suffix = path.suffix.lower()
    if suffix in (".ndjson", ".jsonl"):
        return read_ndjson(path)
    if suffix == ".json":
        return read_json(path)
    raise IngestError(
        f"{path}: iprgraph reads .ndjson and .json in the canonical shape without a profile; "
        "for CSV, TSV or XLSX give a profile"
    )


def _sentence(text: str, limit: int = 400) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def file_failure(path: Path, exc: BaseException) -> str:
    """One sentence that says why `path` could not be read, whatever went wrong."""
    if isinstance(exc, IngestError | ProfileError | UnreadableFile):
        return _sentence(str(exc))
    if isinstance(exc, UnicodeError | LookupError):
        return _sentence(f"{path} cannot be decoded ({exc})")
    if isinstance(exc, OSError):
        return _sentence(f"{path} cannot be read ({exc.strerror or exc})")
    if isinstance(exc, RecursionError):
        return f"{path} is nested too deeply to be read"
    if isinstance(exc, MemoryError):
        return f"{path} needed more memory than the machine gave iprgraph to read it"
    return _sentence(
        f"{path} could not be read because of an error inside iprgraph "
        f"({type(exc).__name__}: {exc}); the rows before it were read"
    )


def _problem_in_values(data: dict[str, Any]) -> str | None:
    """A NUL character or a lone surrogate anywhere in a record's keys or text: the
    README promises that NUL bytes are quarantined, and a lone surrogate (the JSON
    escape \\ud800) is no text the graph can store."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and (problem := _text_problem(key)):
                    return f"key {name!r} {problem}"
                stack.append((name, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str) and (problem := _text_problem(value)):
            return f"field '{where}' {problem}"
    return None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    if _SURROGATE.search(text):
        return "contains a lone surrogate (an escape such as \\ud800 that is no character)"
    return None


class FeedReader:
    """Reads feed files into batches of normalised records (`SeizureWrite`),
    quarantining the rows that cannot be read, validated or normalised.

    Nothing a file holds ends a run: a row that cannot be used is quarantined with
    its reason, and a file that cannot be read (to its end) is reported with one
    sentence in its `FileReport.failed`, its rows before that counted as usual.
    """

    def __init__(
        self,
        quarantine_dir: Path,
        *,
        normaliser: Normaliser | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        agency: str | None = None,
    ) -> None:
        self.quarantine_dir = quarantine_dir
        self.normaliser = normaliser or Normaliser()
        self.batch_size = batch_size
        self.agency = agency.strip().upper() if agency else None

    @contextlib.contextmanager
    def batches(
        self, path: Path, profile: Profile | None = None, agency: str | None = None
    ) -> Iterator[tuple[FileReport, Iterator[list[SeizureWrite]], Quarantine | None]]:
        """The file's report, its batches, read and normalised a batch or two ahead
        in a background thread while the caller writes one (`prefetched`), and its
        quarantine (None when the file could not be opened).

        `agency` (or the reader's) fills records that name none; a record that names
        another agency is quarantined. The quarantine files are rewritten on each
        run of the same file, so re-running does not pile up copies, and removed
        when no row was rejected.
        """
        try:
            if not path.is_file():
                raise IngestError(f"{path}: no such file")
            report = FileReport(file=str(path), sha256=file_sha256(path))
        except (IngestError, OSError, ValueError) as exc:
            failed = FileReport(file=str(path), sha256="", failed=file_failure(path, exc))
            yield failed, iter(()), None
            return
        expected_agency = agency.strip().upper() if agency else self.agency
        quarantine = Quarantine(self.quarantine_dir, path.name, report.sha256)
        try:
            rows = self._guarded(path, profile, report)
            batches = self._batches(rows, path, report, expected_agency, quarantine)
            # Reading and normalising the next batch (Python) overlaps with writing
            # this one (the database, on the other core); the thread releases the
            # interpreter while it waits on the socket. Batches are written in
            # order, by the caller's thread only, so crash safety is unchanged.
            ahead = prefetched(batches, depth=2)
            try:
                yield report, ahead, quarantine
            finally:
                ahead.close()
        finally:
            quarantine.close()
        if quarantine.rows:
            report.quarantine_file = str(quarantine.path)
            report.quarantine_report = str(quarantine.report_path)

    def _guarded(self, path: Path, profile: Profile | None, report: FileReport) -> Iterator[RawRow]:
        """The file's rows; whatever stops the reading (a file that is no workbook, a
        header without the profile's columns, an error inside iprgraph) ends them
        and is the report's `failed` sentence."""
        try:
            yield from read_tabular(path, profile) if profile is not None else rows_of(path)
        except Exception as exc:  # the file's boundary: any failure is this file's alone
            report.failed = file_failure(path, exc)

    def quarantine(
        self, report: FileReport, quarantine: Quarantine, line: int, raw: str, reason: str
    ) -> None:
        """Put one row in the quarantine and count it (`report.quarantined`)."""
        report.quarantined += 1
        key = reason_kind(reason)
        report.reasons[key] = report.reasons.get(key, 0) + 1
        quarantine.add(
            {
                "file": report.file,
                "sha256": report.sha256,
                "line": line,
                "reason": reason,
                "raw": raw,
            }
        )

    def _batches(
        self,
        rows: Iterator[RawRow],
        path: Path,
        report: FileReport,
        agency: str | None,
        quarantine: Quarantine,
    ) -> Iterator[list[SeizureWrite]]:
        """Batches of prepared records; rejected rows go to `quarantine` on the way.

        Counts `read`, `quarantined` and `flagged` (the writer counts the rest).
        The first batches are smaller (`FIRST_BATCH_SIZE`).
        """
        batch: list[SeizureWrite] = []
        sizes = batch_sizes(self.batch_size)
        size = next(sizes)
        for row in rows:
            report.read += 1
            try:
                write, reason = self._prepare(row, path, report.sha256, agency)
            except Exception as exc:  # a row's boundary: a bug costs the row, not the file
                write, reason = None, _sentence(f"{INTERNAL_ERROR} ({type(exc).__name__}: {exc})")
            if write is None:
                self.quarantine(report, quarantine, row.line, row.raw, reason or "rejected")
                continue
            if write.props["flags"]:
                report.flagged += 1
            batch.append(write)
            if len(batch) >= size:
                yield batch
                batch = []
                size = next(sizes)
        # The last, possibly empty, batch: an empty one still reports progress.
        yield batch

    def _prepare(
        self, row: RawRow, path: Path, sha256: str, agency: str | None
    ) -> tuple[SeizureWrite | None, str | None]:
        if row.error is not None or row.data is None:
            return None, row.error or "the row is empty"
        data = row.data
        problem = _problem_in_values(data)
        if problem is not None:
            return None, problem
        if agency is not None:
            given = data.get("agency")
            if given and str(given).strip().upper() != agency:
                return None, f"the record says agency {given!r} but the feed is {agency!r}"
            data = {**data, "agency": agency}
        try:
            record = SeizureRecord.model_validate(data)
        except ValidationError as exc:
            return None, describe_validation_error(exc)
        try:
            source = Source(path.name, sha256, row.line)
            return self.normaliser.to_write(record, source, row.flags), None
        except NormaliseError as exc:
            return None, f"field '{exc.field or 'record'}': {exc.reason}"


_DONE = object()


def batch_sizes(batch_size: int) -> Iterator[int]:
    """The sizes of a file's batches: `FIRST_BATCH_SIZE`, doubling up to `batch_size`."""
    size = min(FIRST_BATCH_SIZE, batch_size)
    while True:
        yield size
        size = min(2 * size, batch_size)


def prefetched(items: Iterator[T], depth: int) -> Generator[T, None, None]:
    """Yield `items`, produced by a background thread up to `depth` ahead.

    An error in the producer is raised here, in the consumer's thread. When the
    consumer stops early (an error while writing, or the generator is closed), the
    producer is stopped and joined before this returns, so nothing it holds (an
    open quarantine file) is used after the caller has closed it.
    """
    channel: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                channel.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed to the consumer, raised there
            put(_Failure(exc))
            return
        put(_DONE)

    producer = threading.Thread(target=produce, name="ingest-prefetch", daemon=True)
    producer.start()
    try:
        while True:
            item = channel.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        producer.join()


@dataclass(frozen=True)
class _Failure:
    error: BaseException
