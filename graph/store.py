"""The graph store: the only module that imports the `neo4j` driver.

One `GraphStore` per process holds one driver. Writes and units of work go through
managed transactions (`write`, `execute_read` / `execute_write`), which the driver
retries on transient errors, so every write function must be idempotent (MERGE, not
CREATE). A single read (`read`) is auto-committed, one round trip instead of two,
and rerun in a managed transaction when it fails in a way the driver retries.
Every call names its database and its routing, so the same code serves the embedded
server, a Neo4j server and a Neo4j cluster. Driver exceptions never leave this
module: they become the domain errors of `graph.errors`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import neo4j
from neo4j import GraphDatabase, RoutingControl
from neo4j import exceptions as neo4j_errors

from graph import queries
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.errors import (
    ConstraintViolation,
    GraphUnavailable,
    InvalidQuery,
    IprgraphError,
    QueryTimeout,
)

T = TypeVar("T")
Row = dict[str, Any]

# Values a row holds as they come: the driver's `Record.data()` checks every value of
# every row against abstract base classes, which cost half of a 1-hop lookup.
_SCALARS = frozenset({str, int, float, bool, type(None)})
_GRAPH_TYPES = (neo4j.graph.Node, neo4j.graph.Relationship, neo4j.graph.Path)


class _GraphValue(Exception):
    """A row holds a node, relationship or path: `Record.data()` converts those."""


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    # Items that are scalars (nearly all) are taken without a call.
    if kind is list:
        return [item if type(item) in _SCALARS else _plain(item) for item in value]
    if kind is dict:
        return {
            key: item if type(item) in _SCALARS else _plain(item) for key, item in value.items()
        }
    if isinstance(value, _GRAPH_TYPES):
        raise _GraphValue
    return value  # temporal and spatial values, bytes: as `Record.data()` leaves them


def _row(record: neo4j.Record) -> Row:
    """The record as a dict, exactly as `Record.data()` gives it, faster."""
    try:
        # Iterating a record gives its values; `items()` looks each one up by key.
        return {
            key: value if type(value) in _SCALARS else _plain(value)
            for key, value in zip(record.keys(), record, strict=True)
        }
    except _GraphValue:
        return record.data()


_USER_AGENT = "iprgraph/0.1"
# Seconds a pooled connection may sit idle before it is checked before use.
_LIVENESS_CHECK_AFTER_S = 2.0
# Neo4j's codes for a statement stopped by its transaction timeout.
_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.TransactionTimedOut",
)
_CONSTRAINT_CODE = "Neo.ClientError.Schema.ConstraintValidationFailed"


class Tx:
    """A transaction handed to a unit of work; hides the driver's types."""

    def __init__(self, tx: neo4j.ManagedTransaction) -> None:
        self._tx = tx

    def run(self, query: str, **params: Any) -> list[Row]:
        result = self._tx.run(query, params)
        return [_row(record) for record in result]


@contextlib.contextmanager
def _translated_errors(uri: str) -> Iterator[None]:
    """Turn driver errors into domain errors that say what happened."""
    try:
        yield
    except neo4j_errors.AuthError as exc:
        raise GraphUnavailable(
            f"The graph database at {uri} rejected iprgraph's credentials."
        ) from exc
    except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired) as exc:
        raise GraphUnavailable(f"The graph database at {uri} cannot be reached.") from exc
    except neo4j_errors.TransientError as exc:
        if exc.code in _TIMEOUT_CODES:
            raise QueryTimeout("The query ran past the time limit and was stopped.") from exc
        raise GraphUnavailable(
            f"The graph database at {uri} is busy and the retries ran out ({exc.code})."
        ) from exc
    except neo4j_errors.ClientError as exc:
        if exc.code in _TIMEOUT_CODES:
            raise QueryTimeout("The query ran past the time limit and was stopped.") from exc
        if exc.code == _CONSTRAINT_CODE:
            raise ConstraintViolation(exc.message or "A uniqueness constraint failed.") from exc
        raise InvalidQuery(f"The graph database rejected a statement: {exc.message}") from exc
    except neo4j_errors.DatabaseError as exc:
        raise IprgraphError(f"The graph database failed: {exc.message}") from exc
    except (neo4j_errors.DriverError, OSError) as exc:
        raise GraphUnavailable(f"The graph database at {uri} cannot be reached: {exc}") from exc


class GraphStore:
    """Driver lifecycle and units of work against one database."""

    def __init__(
        self,
        uri: str,
        user: str,
        password: str,
        database: str,
        *,
        max_transaction_retry_time_s: float = 15.0,
        connection_timeout_s: float = 3.0,
        query_timeout_s: float | None = 30.0,
    ) -> None:
        self.uri = uri
        self.database = database
        self.query_timeout_s = query_timeout_s
        self.connection_timeout_s = connection_timeout_s
        self._auth = (user, password)
        self._driver = GraphDatabase.driver(
            uri,
            auth=(user, password),
            user_agent=_USER_AGENT,
            max_transaction_retry_time=max_transaction_retry_time_s,
            connection_timeout=connection_timeout_s,
            # Waiting for a pooled connection is bounded too: a request must not
            # hang because the database went away.
            connection_acquisition_timeout=connection_timeout_s * 2,
            # A pooled connection to a restarted server is dead. One idle for a
            # while is checked before use (a RESET round trip, a third of a short
            # read); one in steady use is not: if it has died all the same, the
            # statement fails as retryable and runs again on a new connection
            # (`read`, managed transactions).
            liveness_check_timeout=_LIVENESS_CHECK_AFTER_S,
        )

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        start_embedded: bool = True,
        max_transaction_retry_time_s: float | None = None,
    ) -> GraphStore:
        """The store the settings name: external Neo4j, or the embedded server.

        With no Neo4j configured the embedded server is started on demand, unless
        `start_embedded` is False, when it must already have been started once.
        """
        retry = (
            settings.max_transaction_retry_time_s
            if max_transaction_retry_time_s is None
            else max_transaction_retry_time_s
        )
        common: dict[str, Any] = {
            "max_transaction_retry_time_s": retry,
            "connection_timeout_s": settings.connection_timeout_s,
            "query_timeout_s": settings.query_timeout_s,
        }
        if not settings.uses_embedded:
            assert settings.neo4j_uri is not None and settings.neo4j_password is not None
            return cls(
                settings.neo4j_uri,
                settings.neo4j_user,
                settings.neo4j_password.get_secret_value(),
                settings.neo4j_database,
                **common,
            )
        server = EmbeddedServer.from_settings(settings)
        if start_embedded:
            uri = server.start().uri
        else:
            uri = f"bolt://127.0.0.1:{server.recorded_bolt_port()}"
        credentials = server.credentials()
        return cls(
            uri, credentials.user, credentials.password, settings.embedded_database, **common
        )

    def close(self) -> None:
        self._driver.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _query(self, text: str) -> neo4j.Query:
        # typing: the driver types the text as LiteralString; ours come from
        # graph.queries, never from input.
        return neo4j.Query(text, timeout=self.query_timeout_s)

    def read(self, query: str, **params: Any) -> list[Row]:
        """One read statement, auto-committed: one round trip, where a managed
        transaction takes two (begin and run, then commit), which is a third of a
        1-hop lookup. A read changes nothing, so one that fails in a way the driver
        calls retryable (a connection gone stale, a leader that moved) is simply run
        again in a managed transaction, which retries it. The session shares
        `execute_query`'s bookmarks, so a read still sees this driver's writes."""
        with _translated_errors(self.uri):
            try:
                with self._driver.session(
                    database=self.database,
                    default_access_mode=neo4j.READ_ACCESS,
                    bookmark_manager=self._driver.execute_query_bookmark_manager,
                ) as session:
                    return [_row(record) for record in session.run(self._query(query), params)]
            except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as exc:
                if not exc.is_retryable():
                    raise
        return self._execute(query, params, RoutingControl.READ)

    def write(self, query: str, **params: Any) -> list[Row]:
        """One idempotent write statement in its own managed transaction."""
        return self._execute(query, params, RoutingControl.WRITE)

    def _execute(self, query: str, params: Mapping[str, Any], routing: RoutingControl) -> list[Row]:
        with _translated_errors(self.uri):
            records, _, _ = self._driver.execute_query(
                self._query(query),
                dict(params),
                database_=self.database,
                routing_=routing,
            )
        return [_row(record) for record in records]

    def execute_read(self, work: Callable[[Tx], T]) -> T:
        """Run a read unit of work (several statements, one transaction)."""
        with _translated_errors(self.uri), self._session(neo4j.READ_ACCESS) as session:
            return session.execute_read(self._unit(work))

    def execute_write(self, work: Callable[[Tx], T]) -> T:
        """Run a write unit of work; it may run more than once, so make it idempotent."""
        with _translated_errors(self.uri), self._session(neo4j.WRITE_ACCESS) as session:
            return session.execute_write(self._unit(work))

    def _session(self, access_mode: str) -> neo4j.Session:
        return self._driver.session(database=self.database, default_access_mode=access_mode)

    def _unit(self, work: Callable[[Tx], T]) -> Callable[[neo4j.ManagedTransaction], T]:
        @neo4j.unit_of_work(timeout=self.query_timeout_s)
        def run(tx: neo4j.ManagedTransaction) -> T:
            return work(Tx(tx))

        return run

    def answers_within(self, timeout_s: float | None = None) -> bool:
        """Whether the database completes a new connection (Bolt handshake and
        login) within `timeout_s` (default: the connection timeout).

        Tells a database that is frozen (a stopped process, a hung machine: the
        kernel still accepts the connection, nothing answers) from one that runs a
        slow statement: the server answers new connections while its statements
        run. A connection of its own, not one of the pool, whose statements may be
        waiting on the frozen server."""
        timeout = timeout_s if timeout_s is not None else self.connection_timeout_s
        probe = GraphDatabase.driver(
            self.uri,
            auth=self._auth,
            user_agent=_USER_AGENT,
            connection_timeout=timeout,
            connection_acquisition_timeout=timeout,
            max_connection_pool_size=1,
        )
        try:
            probe.verify_connectivity()
            return True
        except (neo4j_errors.Neo4jError, neo4j_errors.DriverError, OSError):
            return False
        finally:
            probe.close()

    def ping(self) -> None:
        """Raise GraphUnavailable unless the database answers a trivial query."""
        with _translated_errors(self.uri):
            self._driver.verify_connectivity()
        self.read(queries.PING_QUERY)
