"""The one pipeline: load feeds, resolve the parties they touched, update their
networks, raise alerts.

The command line (`iprgraph ingest`, `resolve`, `judge`, `demo`) and the API
(`POST /v1/records`) run it, so that a record is always loaded, resolved and in its
network by the same sequence. Presentation stays with the caller: progress is
reported through the optional callbacks of `Progress`.

No step of the pipeline writes beside another: each holds the pipeline's lock, a
file in the data directory (`pipeline_lock`). A push (`push`, with `queue_wait_s`)
waits for it at most `IPRGRAPH_API_PUSH_WAIT_S` and holds it while it loads; the
command line (`run` without `queue_wait_s`) takes it for each batch it writes. What
follows a load (resolution, networks, alerts) takes it once more and works on
whatever is queued when it starts, whoever loaded it. So a push during an ingest
waits for one batch (whoever waits takes its turn first: the ingest cannot take the
lock back before the push has it), and two ingests at once write their batches in
turns.

Pushes at once share what follows their loads (`_SharedRefresh`): a push that has
loaded while another push's refresh runs is served by the next refresh, one for
every push that loaded meanwhile, and answers when it ends. (Seven agencies pushing
1,000 records at once into 100k ran seven refreshes one after the other when each
push had its own, six of them full network builds: BENCHMARKS.md.) Sharing is sound
because resolution links the same pairs whichever runs took the parties in
(`graph.resolve.service.cap_crossings`): two pushes at once, or a push during an
ingest, end in the graph of one after the other. One difference can remain, rarely:
whether a link is automatic or a suggestion, where a run grows an earlier run's
entity link by link and one run would weigh its links at once
(`graph.resolve.decide`; tests/graph/test_resolution_order.py).

Why not loads side by side: the embedded engine fails writes that meet on the same
pages (DeadlockDetected, "concurrent modification on page"), which the driver
retries; pushes loading beside other loads at 100k met more of those than the API's
retry budget (2 s, `api_transaction_retry_time_s`) absorbs and answered 503. Loads
one after the other do not conflict. (Processes on other hosts sharing one Neo4j
server do not share the lock file.)
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from graph.analysis.networks import build_networks
from graph.analysis.networks.incremental import UpdateReport, update_networks
from graph.errors import Busy, IprgraphError
from graph.heap import paused_gc
from graph.live import alerts, judged, webhooks
from graph.live import queries as live
from graph.load import Loader, LoadInterrupted
from graph.resolve.entities import Judgement, judge
from graph.resolve.service import ResolveReport
from graph.resolve.service import resolve as resolve_parties
from graph.store import GraphStore
from ingest.feed import FileReport
from ingest.manifest import Feed
from ingest.normalised import Normaliser

_T = TypeVar("_T")


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
    networks: UpdateReport | None = None
    alerts: alerts.AlertReport | None = None
    # What stopped the run before its end (the database went away), if anything:
    # the files not loaded are reported failed, and no resolution ran.
    stopped: Exception | None = None

    @property
    def failed_files(self) -> list[FileReport]:
        return [report for report in self.files if report.failed is not None]

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"files": [report.as_dict() for report in self.files]}
        out["failed_files"] = len(self.failed_files)
        if self.stopped is not None:
            out["stopped"] = _reason(self.stopped)
        if self.resolution is not None:
            out["resolution"] = self.resolution.as_dict()
        if self.networks is not None:
            out["networks"] = self.networks.as_dict()
        if self.alerts is not None:
            out["alerts"] = self.alerts.as_dict()
        return out


def _reason(error: Exception) -> str:
    return error.message if isinstance(error, IprgraphError) else f"{type(error).__name__}: {error}"


def load_feeds(
    store: GraphStore,
    feeds: list[Feed],
    quarantine_dir: Path,
    *,
    normaliser: Normaliser | None = None,
    progress: Progress | None = None,
    batch_guard: Callable[[], AbstractContextManager[object]] | None = None,
) -> tuple[list[FileReport], Exception | None]:
    """Load the feeds one after the other: one report per feed, and what stopped
    the run, if anything did.

    A feed that cannot be read is a report with its `failed` sentence, and the next
    feed is read: nothing a file holds stops the run. A failure of the database
    does: the feed it happened in and those after it are reported failed.

    `batch_guard` is entered around the writing of each batch (`Loader`).
    """
    progress = progress or Progress()
    loader = Loader(store, quarantine_dir, normaliser=normaliser, batch_guard=batch_guard)
    reports: list[FileReport] = []
    for index, feed in enumerate(feeds):
        progress.file_started(feed.path.name)
        if feed.problem is not None:
            reports.append(FileReport(file=str(feed.path), sha256="", failed=feed.problem))
            continue
        try:
            reports.append(
                loader.load_file(
                    feed.path, feed.profile, progress=progress.rows_read, agency=feed.agency
                )
            )
        except LoadInterrupted as interrupted:
            reports.append(interrupted.report)
            cause = interrupted.__cause__
            error = cause if isinstance(cause, Exception) else interrupted
            reports += [
                FileReport(
                    file=str(later.path),
                    sha256="",
                    failed=f"{later.path}: not read, because the run stopped before it "
                    f"({_reason(error)})",
                )
                for later in feeds[index + 1 :]
            ]
            return reports, error
    return reports, None


# The lock of the steps after a load, per lock file, within this process (flock
# also excludes other processes).
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


# How often a wait for the lock file looks again (`pipeline_lock` with `wait_s`).
_POLL_S = 0.05


@contextmanager
def pipeline_lock(path: Path | None, wait_s: float | None = None) -> Iterator[None]:
    """Hold the pipeline's lock (`path`, a file in the data directory; None: this
    process only). With `wait_s`, wait at most that long for it, then raise `Busy`
    (without: as long as it takes).

    Whoever waits takes its turn first (a second lock file, `<path>.turn`, held
    only while waiting for the lock): a command line that takes the lock batch
    after batch (`run`) cannot take it again while a push is waiting, so the push
    waits for one batch, not for the whole load. flock wakes no waiter in order,
    and a loader that lets go and takes the lock again at once would win it over a
    push that looks every `_POLL_S`."""
    key = path or Path("/")
    with _LOCKS_GUARD:
        local = _LOCKS.setdefault(key, threading.Lock())
    deadline = None if wait_s is None else time.monotonic() + wait_s
    if not local.acquire(timeout=-1 if wait_s is None else max(wait_s, 0.0)):
        raise _busy(wait_s)
    try:
        if path is None:
            yield
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            with path.with_name(path.name + ".turn").open("a") as turn:
                _flock(turn, deadline, wait_s)
                try:
                    _flock(handle, deadline, wait_s)
                finally:
                    fcntl.flock(turn, fcntl.LOCK_UN)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        local.release()


def _flock(handle: IO[str], deadline: float | None, wait_s: float | None) -> None:
    """Lock `handle`'s file: as long as it takes (no `deadline`), or until the
    deadline, then raise `Busy`."""
    if deadline is None:
        fcntl.flock(handle, fcntl.LOCK_EX)
        return
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _busy(wait_s) from None
            time.sleep(_POLL_S)


def _busy(wait_s: float | None) -> Busy:
    return Busy(
        f"Earlier loads are still being processed: this one waited {wait_s:g} s for its "
        "turn (IPRGRAPH_API_PUSH_WAIT_S). Nothing was loaded; send the same batch again "
        "later (it is kept, and loading it twice changes nothing)."
    )


def refresh(
    store: GraphStore,
    *,
    full: bool = False,
    progress: Progress | None = None,
    lock: Path | None = None,
) -> tuple[ResolveReport, UpdateReport]:
    """`refresh_and_alert`, for callers that show no alerts."""
    resolution, networks, _ = refresh_and_alert(store, full=full, progress=progress, lock=lock)
    return resolution, networks


def refresh_and_alert(
    store: GraphStore,
    *,
    full: bool = False,
    progress: Progress | None = None,
    lock: Path | None = None,
    alerting: alerts.AlertConfig | None = None,
) -> tuple[ResolveReport, UpdateReport, alerts.AlertReport]:
    """What follows a load: resolve the queued parties (all with `full`), then update
    the networks around the parties resolution compared or moved to another entity
    (a full build after a full resolution), then raise the alerts of the seizures
    loaded since the last run (`graph.live.alerts`). Webhook deliveries of those
    alerts start in the background and are not waited for."""
    with pipeline_lock(lock):
        return _refresh_and_alert(store, full=full, progress=progress, alerting=alerting)


def _refresh_and_alert(
    store: GraphStore,
    *,
    full: bool = False,
    progress: Progress | None = None,
    alerting: alerts.AlertConfig | None = None,
) -> tuple[ResolveReport, UpdateReport, alerts.AlertReport]:
    """`refresh_and_alert`, the pipeline's lock held by the caller; the cycle
    collector paused (`graph.heap`)."""
    with paused_gc():
        progress = progress or Progress()
        alerting = alerting or alerts.AlertConfig()
        found = alerts.before(store)
        resolution = resolve_parties(store, full=full, progress=progress.parties_resolved)
        progress.building_networks()
        if full:
            networks = UpdateReport(full_build="every party was resolved again")
            networks.full = build_networks(store)
            networks.seconds = networks.full.seconds
        else:
            networks = update_networks(store, {*resolution.parties, *resolution.entity_changed})
        hooked = webhooks.hooked_agencies(store, {watch.agency for watch in found.watches})
        raised = alerts.raise_alerts(store, found, alerting, hooked=hooked)
        if raised.raised and hooked:
            webhooks.deliver_soon(store, alerting.delivery)
        return resolution, networks, raised


def judge_and_update(
    store: GraphStore,
    judgement: Judgement,
    *,
    lock: Path | None = None,
    alerting: alerts.AlertConfig | None = None,
    **kwargs: Any,
) -> tuple[dict[str, Any], UpdateReport]:
    """Record an analyst's decision (`graph.resolve.entities.judge`), update the
    networks of the two parties' entities, before and after it, and raise the
    alerts about networks and watched entities it changed (`graph.live.judged`),
    in the result's `alerts`. Webhook deliveries start in the background."""
    alerting = alerting or alerts.AlertConfig()
    with pipeline_lock(lock):
        ids = [judgement.a, judgement.b]
        mates = _around(store, ids)
        found = judged.before(store, mates)
        result = judge(store, judgement, **kwargs)
        networks = update_networks(store, mates)
        hooked = webhooks.hooked_agencies(store, {watch.agency for watch in found.watches})
        raised = judged.raise_after(
            store, found, judgement, _around(store, ids), alerting, hooked=hooked
        )
    if raised.raised and hooked:
        webhooks.deliver_soon(store, alerting.delivery)
    return {**result, "alerts": raised}, networks


def _around(store: GraphStore, ids: list[str]) -> set[str]:
    """The parties `ids` and every party of their entities."""
    clusters = {
        row["cluster"] or row["id"] for row in store.read(live.PARTY_CLUSTERS_OF_QUERY, ids=ids)
    }
    mates = {row["id"] for row in store.read(live.CLUSTER_MEMBERS_QUERY, clusters=sorted(clusters))}
    return {*ids, *mates}


class _SharedRefresh:
    """What follows the loads of the pushes to one graph in this process: one
    refresh at a time, each serving every push that finished loading before it
    took the pipeline's lock.

    A push loads inside `loading()`, then asks for a refresh (`run`): the next one
    to take the lock covers it. If none is on its way, it runs one itself; if one
    is on its way but has the lock already (it may have read the queue before this
    push's records were in), it waits for the next, which the first of its waiters
    runs once the current one ends. A refresh first waits for the pushes that were
    loading when it was asked for (not for those that start later), so that pushes
    at once are served by one. Each push gets what the refresh that covered it
    returned, or raised."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._started = 0  # refreshes that have taken the lock
        self._done = 0
        self._running = False
        self._loading: set[object] = set()
        self._outcomes: dict[int, tuple[Any, BaseException | None]] = {}
        self._waiting: Counter[int] = Counter()

    @contextmanager
    def loading(self) -> Iterator[None]:
        token = object()
        with self._changed:
            self._loading.add(token)
        try:
            yield
        finally:
            with self._changed:
                self._loading.discard(token)
                self._changed.notify_all()

    def run(
        self, refresh: Callable[[], _T], guard: Callable[[], AbstractContextManager[object]]
    ) -> _T:
        """`refresh()` under `guard()` (the pipeline's lock), or the outcome of the
        one that covers this push."""
        with self._changed:
            ticket = self._started + 1
            self._waiting[ticket] += 1
            while self._done < ticket and self._running:
                self._changed.wait()
            mine = self._done < ticket
            if mine:
                self._running = True
                loading = set(self._loading)
                while loading & self._loading:
                    self._changed.wait()
        if mine:
            outcome: tuple[Any, BaseException | None]
            try:
                with guard():
                    with self._changed:
                        self._started = ticket
                    outcome = (refresh(), None)
            except BaseException as exc:  # every push it serves is told
                outcome = (None, exc)
            with self._changed:
                self._outcomes[ticket] = outcome
                self._started = self._done = ticket
                self._running = False
                self._changed.notify_all()
        with self._changed:
            result, error = self._outcomes[ticket]
            self._waiting[ticket] -= 1
            if not self._waiting[ticket]:
                del self._waiting[ticket], self._outcomes[ticket]
        if error is not None:
            raise error
        return cast(_T, result)


_SHARED: dict[tuple[Path | None, int], _SharedRefresh] = {}


def _shared(store: GraphStore, lock: Path | None) -> _SharedRefresh:
    with _LOCKS_GUARD:
        return _SHARED.setdefault((lock, id(store)), _SharedRefresh())


@contextmanager
def _push_load(shared: _SharedRefresh, lock: Path | None, wait_s: float) -> Iterator[None]:
    """A push's load: known to `shared` while it waits for the lock and loads."""
    with shared.loading(), pipeline_lock(lock, wait_s):
        yield


def _shared_refresh(
    store: GraphStore,
    *,
    shared: _SharedRefresh,
    lock: Path | None,
    progress: Progress | None = None,
    alerting: alerts.AlertConfig | None = None,
) -> tuple[ResolveReport, UpdateReport, alerts.AlertReport]:
    """What follows a push's load, shared with the pushes that loaded meanwhile."""
    return shared.run(
        functools.partial(_refresh_and_alert, store, progress=progress, alerting=alerting),
        functools.partial(pipeline_lock, lock),
    )


def run(
    store: GraphStore,
    feeds: list[Feed],
    quarantine_dir: Path,
    *,
    normaliser: Normaliser | None = None,
    resolve: bool = True,
    progress: Progress | None = None,
    lock: Path | None = None,
    alerting: alerts.AlertConfig | None = None,
    queue_wait_s: float | None = None,
) -> PipelineReport:
    """Load the feeds, then (unless `resolve` is False) resolve and rebuild networks.

    Without `queue_wait_s` (the command line), each batch is written holding the
    pipeline's lock and lets it go after, and the steps after the load take it once
    more: a push, or a refresh of another run, gets its turn between two batches.
    With `queue_wait_s` (a push), the load waits for the lock (at most that long,
    else `Busy`: nothing was loaded) and holds it, so that pushes load one after
    another and nothing writes beside them; the steps after it are shared with the
    pushes that loaded meanwhile (`_SharedRefresh`), and wait for the lock as long
    as it takes (the records are in: they must be resolved).

    Never raises for what the feeds hold or for the database: what stopped the run
    is the report's `stopped`, for the caller to raise after showing the report
    (`Busy` is raised: nothing was read)."""
    refresh: Callable[..., tuple[ResolveReport, UpdateReport, alerts.AlertReport]]
    load_guard: Callable[[], AbstractContextManager[object]] = contextlib.nullcontext
    batch_guard: Callable[[], AbstractContextManager[object]] | None = None
    if queue_wait_s is not None:
        shared = _shared(store, lock)
        refresh = functools.partial(_shared_refresh, shared=shared, lock=lock)
        load_guard = functools.partial(_push_load, shared, lock, queue_wait_s)
    else:
        refresh = functools.partial(refresh_and_alert, lock=lock)
        batch_guard = functools.partial(pipeline_lock, lock)
    return _run(
        store,
        feeds,
        quarantine_dir,
        normaliser,
        resolve,
        progress,
        alerting,
        refresh=refresh,
        batch_guard=batch_guard,
        load_guard=load_guard,
    )


def _run(
    store: GraphStore,
    feeds: list[Feed],
    quarantine_dir: Path,
    normaliser: Normaliser | None,
    resolve: bool,
    progress: Progress | None,
    alerting: alerts.AlertConfig | None,
    *,
    refresh: Callable[..., tuple[ResolveReport, UpdateReport, alerts.AlertReport]],
    batch_guard: Callable[[], AbstractContextManager[object]] | None,
    load_guard: Callable[[], AbstractContextManager[object]],
) -> PipelineReport:
    """`run`: load (the whole load under `load_guard`, each batch under
    `batch_guard`), then `refresh`, which takes the pipeline's lock itself."""
    with load_guard():
        files, stopped = load_feeds(
            store,
            feeds,
            quarantine_dir,
            normaliser=normaliser,
            progress=progress,
            batch_guard=batch_guard,
        )
    report = PipelineReport(files=files, stopped=stopped)
    if resolve and stopped is None:
        try:
            report.resolution, report.networks, report.alerts = refresh(
                store, progress=progress, alerting=alerting
            )
        except Exception as exc:  # the caller shows the files' summary, then this
            report.stopped = exc
    return report


@dataclass
class PushReport:
    """What a push of records came to: the pipeline's report of its one feed, and
    each rejected record with its reason."""

    pipeline: PipelineReport
    rejected: list[dict[str, Any]] = field(default_factory=list)

    @property
    def file(self) -> FileReport:
        return self.pipeline.files[0]


def _rejected(report: FileReport) -> list[dict[str, Any]]:
    """The rejected records of a load, from its quarantine file: line, record id
    (when the record has one), reason."""
    if not report.quarantine_file:
        return []
    out: list[dict[str, Any]] = []
    with Path(report.quarantine_file).open(encoding="utf-8") as handle:
        for text in handle:
            entry = json.loads(text)
            record_id = None
            try:
                raw = json.loads(entry.get("raw") or "null")
                if isinstance(raw, dict) and isinstance(raw.get("record_id"), str):
                    record_id = raw["record_id"]
            except ValueError:
                pass
            out.append(
                {"line": entry.get("line"), "record_id": record_id, "reason": entry["reason"]}
            )
    return out


def push(
    store: GraphStore,
    body: bytes,
    *,
    ndjson: bool,
    agency: str,
    data_dir: Path,
    normaliser: Normaliser | None = None,
    lock: Path | None = None,
    alerting: alerts.AlertConfig | None = None,
    queue_wait_s: float | None = None,
) -> PushReport:
    """Load a batch of canonical records sent by `agency` (a JSON array, or NDJSON),
    then resolve, update networks and raise alerts, as `iprgraph ingest` does for a
    file.

    The batch is kept first, as it came, under `data_dir/pushed/<agency>/` (named by
    its SHA-256: the same batch again is the same file, and loads nothing new); a
    record that names another agency is refused with its reason, like every
    rejected record, in the quarantine.

    With `queue_wait_s`, pushes queue: each waits (at most that long, else `Busy`)
    for the pipeline's lock and loads under it, beside no other write (an ingest
    writes its batches under the same lock). Loads of small batches side by side
    met the embedded engine's page-level conflicts (DeadlockDetected) more often
    than a request's short retry budget absorbs; one after the other they do not
    conflict, and each answer still comes when its records are in their networks."""
    digest = hashlib.sha256(body).hexdigest()
    folder = data_dir / "pushed" / agency
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{digest[:32]}.{'ndjson' if ndjson else 'json'}"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
        partial.replace(path)
    report = run(
        store,
        [Feed(path, None, agency)],
        data_dir / "quarantine" / "pushed" / agency,
        normaliser=normaliser,
        lock=lock,
        alerting=alerting,
        queue_wait_s=queue_wait_s,
    )
    return PushReport(report, _rejected(report.files[0]))
