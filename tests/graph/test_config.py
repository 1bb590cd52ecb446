from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from graph.config import Settings


def test_defaults_select_the_embedded_server(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("IPRGRAPH_NEO4J_URI", "IPRGRAPH_DATA_DIR", "IPRGRAPH_NEO4J_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.uses_embedded
    assert settings.data_dir == Path("data")
    assert settings.embedded_dir == Path("data") / "embedded"


def test_external_neo4j_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPRGRAPH_NEO4J_URI", "neo4j://graph.internal:7687")
    monkeypatch.setenv("IPRGRAPH_NEO4J_USER", "analyst")
    monkeypatch.setenv("IPRGRAPH_NEO4J_PASSWORD", "s3cret")
    monkeypatch.setenv("IPRGRAPH_NEO4J_DATABASE", "ipr")
    settings = Settings()
    assert not settings.uses_embedded
    assert settings.neo4j_uri == "neo4j://graph.internal:7687"
    assert settings.neo4j_user == "analyst"
    assert settings.neo4j_password is not None
    assert settings.neo4j_password.get_secret_value() == "s3cret"
    assert settings.neo4j_database == "ipr"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", "redis://x"])
def test_uri_must_be_bolt_or_neo4j(monkeypatch: pytest.MonkeyPatch, uri: str) -> None:
    monkeypatch.setenv("IPRGRAPH_NEO4J_URI", uri)
    monkeypatch.setenv("IPRGRAPH_NEO4J_PASSWORD", "x")
    with pytest.raises(ValidationError, match="bolt:// or neo4j://"):
        Settings()


def test_external_neo4j_needs_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IPRGRAPH_NEO4J_URI", "bolt://localhost:7687")
    monkeypatch.delenv("IPRGRAPH_NEO4J_PASSWORD", raising=False)
    with pytest.raises(ValidationError, match="IPRGRAPH_NEO4J_PASSWORD"):
        Settings()


def test_api_processes_default_to_one_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IPRGRAPH_API_WORKERS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert Settings().api_processes == 6
    monkeypatch.setenv("IPRGRAPH_API_WORKERS", "3")
    assert Settings().api_processes == 3
    monkeypatch.setenv("IPRGRAPH_API_WORKERS", "-1")
    with pytest.raises(ValidationError, match="api_workers"):
        Settings()
