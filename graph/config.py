"""The one settings object of iprgraph (environment prefix `IPRGRAPH_`).

With no `IPRGRAPH_NEO4J_URI`, iprgraph runs its embedded graph server (ArcadeDB over
Bolt) in `IPRGRAPH_DATA_DIR`; with it, every command talks to that Neo4j instead and
the embedded server is never started.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Schemes the official driver accepts: bolt for one server, neo4j for routing in a
# cluster; the +s/+ssc variants add TLS.
_DRIVER_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="IPRGRAPH_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"),
        description="Embedded database, its credentials, quarantine files.",
    )
    neo4j_uri: str | None = Field(
        default=None, description="bolt:// or neo4j:// URI of an external Neo4j."
    )
    neo4j_user: str = "neo4j"
    # No default: a password for an external Neo4j is always given, never guessed.
    neo4j_password: SecretStr | None = None
    neo4j_database: str = "neo4j"

    # Bolt database name of the embedded server (ArcadeDB creates it at first start).
    embedded_database: str = "iprgraph"
    # A cold start of the embedded server takes a few seconds (JVM + plugin); past
    # this the start is reported as failed with the server's log.
    embedded_start_timeout_s: float = 90.0
    # Java heap of the embedded server; ArcadeDB's default is a quarter of RAM.
    embedded_heap: str = "2g"

    # How long a unit of work may retry transient errors before it gives up.
    max_transaction_retry_time_s: float = 15.0
    # The API retries for less: a caller is better served by a quick 503.
    api_transaction_retry_time_s: float = 2.0
    # Bolt connect timeout: a database that is away must answer /readyz quickly.
    connection_timeout_s: float = 3.0
    # Server-side cap on one statement, so a runaway query cannot hold the API: sent
    # with every transaction (Neo4j stops it), and the embedded server's own
    # statement timeout (ArcadeDB ignores what a driver sends).
    query_timeout_s: float = Field(default=30.0, gt=0)
    # A walk of link analysis (neighbourhood, paths) that runs longer is stopped
    # between two of its statements and answered with 503: ArcadeDB does not stop a
    # statement at the driver's timeout, so the API keeps this bound itself.
    analysis_time_limit_s: float = 10.0

    # Agencies added to the registry (`ingest.agencies`); by default `agencies.yaml`
    # in the data directory, when there is one.
    agencies_file: Path | None = Field(
        default=None, description="YAML file of agencies added to the agency registry."
    )

    api_host: str = "127.0.0.1"
    api_port: int = 8000
    # API processes (`iprgraph serve`); 0 is one per core. One process answers in
    # Python under one interpreter lock: at 100k records, serving `/match` to eight
    # clients, it used 0.9 of a core and the database 0.4 (BENCHMARKS.md).
    api_workers: int = Field(default=0, ge=0, le=64)
    # The largest request body the API reads (1 MiB: a hundred /match queries take a
    # few kilobytes); a larger one is refused with 413 before it is parsed.
    api_max_body_bytes: int = Field(default=1 << 20, ge=1024)
    # A call not answered after this long has the database checked (a new
    # connection must complete its handshake within `connection_timeout_s`): a
    # database that is frozen, not dead, accepts connections and never answers, so
    # without the check a call would wait on it without end. A slow statement of a
    # database that answers is left to run. 0 turns the check off.
    api_stall_check_s: float = Field(default=2.0, ge=0)
    # Heavy calls (paths, neighbourhoods of depth 2 or more, statistics, network
    # details, pictures, exports) a principal may have running at once on this host,
    # and how many it may start per minute (with a burst of as many at once); past
    # either, 429 with Retry-After. One principal's flood then leaves the rest of the
    # API to the others (BENCHMARKS.md).
    api_heavy_concurrent: int = Field(default=2, ge=1, le=64)
    api_heavy_per_minute: int = Field(default=30, ge=1, le=10_000)
    # `POST /v1/records`: the largest batch of pushed records (bytes and records);
    # larger loads go through `iprgraph ingest`.
    api_max_push_bytes: int = Field(default=8 << 20, ge=1024)
    api_max_push_records: int = Field(default=5000, ge=1)
    # Pushes queue: each loads, resolves and updates networks holding the pipeline's
    # lock, and waits at most this long for its turn (then 503 with Retry-After, the
    # batch kept). A full push at 100k records takes about a minute; a handful of
    # agencies pushing at once wait a few of those.
    api_push_wait_s: float = Field(default=600.0, ge=0)
    # Alerts (`graph.live.alerts`): the network risk worth an alert when a watch
    # sets none, and how webhooks are tried (`graph.live.webhooks`).
    alert_risk_threshold: float = Field(default=50.0, ge=0, le=100)
    webhook_attempts: int = Field(default=5, ge=1, le=20)
    webhook_backoff_s: float = Field(default=2.0, ge=0)
    webhook_timeout_s: float = Field(default=10.0, gt=0)
    # Sync every audit entry to disk before the answer leaves (a disk flush per
    # call); off, entries are written but a power loss may take the last ones.
    audit_fsync: bool = False

    @field_validator("neo4j_uri")
    @classmethod
    def _check_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        scheme = value.split("://", 1)[0].lower()
        if "://" not in value or scheme not in _DRIVER_SCHEMES:
            raise ValueError(f"must start with bolt:// or neo4j:// (got {value!r})")
        return value

    @model_validator(mode="after")
    def _external_needs_password(self) -> Settings:
        if self.neo4j_uri and self.neo4j_password is None:
            raise ValueError(
                "IPRGRAPH_NEO4J_URI is set but IPRGRAPH_NEO4J_PASSWORD is not: "
                "an external Neo4j needs its password"
            )
        return self

    @property
    def uses_embedded(self) -> bool:
        return self.neo4j_uri is None

    @property
    def embedded_dir(self) -> Path:
        return self.data_dir / "embedded"

    @property
    def audit_dir(self) -> Path:
        return self.data_dir / "audit"

    @property
    def agency_registry_file(self) -> Path | None:
        """The agency registry file to read: the configured one, or the data
        directory's `agencies.yaml` when it exists."""
        if self.agencies_file is not None:
            return self.agencies_file
        default = self.data_dir / "agencies.yaml"
        return default if default.is_file() else None

    @property
    def api_processes(self) -> int:
        """How many API processes `api_workers` asks for."""
        return self.api_workers or os.cpu_count() or 1


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
