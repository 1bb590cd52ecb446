"""What every command shares: the Typer app, the consoles, settings read as
sentences, and the store opened with its schema."""

from __future__ import annotations

import getpass
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console

from api.audit import AuditLog, AuditUnavailable
from graph.config import Settings, get_settings
from graph.embedded import EmbeddedServer
from graph.errors import IprgraphError
from graph.schema import ensure_schema
from graph.store import GraphStore

app = typer.Typer(
    name="iprgraph",
    help="Seizure records of many customs agencies in one graph: infringers resolved, "
    "networks traced across jurisdictions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

console = Console()
err_console = Console(stderr=True)


@dataclass
class State:
    debug: bool = False


state = State()


@app.callback()
def _main_options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks of errors."),
) -> None:
    state.debug = debug
    # The driver logs each retry it makes; the command reports the outcome instead.
    logging.getLogger("neo4j").setLevel(logging.DEBUG if debug else logging.ERROR)


def read_settings() -> Settings:
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


def require_embedded(settings: Settings) -> EmbeddedServer:
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


@contextmanager
def audited(settings: Settings, command: str, params: dict[str, Any]) -> Iterator[None]:
    """A change made at the command line, written to the API's audit log as the
    operator's (the operating-system user): the log is opened first, so that a change
    that could not be audited is not made, and the entry is written once the change
    is made or refused, with the status the API would have answered."""
    log = AuditLog(settings.audit_dir, fsync=settings.audit_fsync)
    try:
        log.ready()
    except AuditUnavailable as exc:
        raise IprgraphError(f"Nothing was changed: {exc}.") from exc
    status, reason = 200, None
    try:
        yield
    except IprgraphError as exc:
        status, reason = exc.status_code, exc.message
        raise
    except Exception as exc:
        status, reason = 500, f"{type(exc).__name__}: {exc}"
        raise
    finally:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = "unknown"
        log.append(
            {
                "at": datetime.now(UTC).isoformat(timespec="microseconds"),
                "request_id": uuid.uuid4().hex,
                "principal": "operator",
                "name": user,
                "agency": None,
                "role": "operator",
                "method": "CLI",
                "route": command,
                "path": command,
                "query": None,
                "body": params,
                "status": status,
                "items": None,
                "reason": reason,
            }
        )
        log.close()
