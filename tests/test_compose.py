"""The production deployment files say what the architecture decided.

No Docker engine runs where this project is built and tested, so nothing here starts
a container: the tests read docker-compose.yml (PyYAML) and the Dockerfile and check
the properties production relies on: Neo4j 5 community with its data on a named
volume, a health check over Bolt, no default password, nothing published beyond the
host's loopback, an API that waits for a healthy Neo4j and never runs as root. The
image's command runs as a process, with compose's environment for the API.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import yaml

from graph.embedded import EmbeddedServer
from graph.errors import ConstraintViolation
from tests.conftest import open_test_store
from tests.helpers import auth, free_port, new_key, wait_for_http

REPO_ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"

# Compose's "required variable" form: unset or empty stops `docker compose` with an error.
REQUIRED_PASSWORD = "${NEO4J_PASSWORD:?"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def neo4j(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]["neo4j"]


@pytest.fixture(scope="module")
def api(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]["api"]


def environment(service: dict[str, Any]) -> dict[str, str]:
    """A service's environment, whether written as a mapping or as a KEY=VALUE list."""
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def healthcheck_text(service: dict[str, Any]) -> str:
    check = service.get("healthcheck")
    assert check, "no healthcheck"
    assert not check.get("disable", False), "healthcheck disabled"
    test = check["test"]
    # ["CMD", ...] and ["CMD-SHELL", "..."] are lists; a plain string is CMD-SHELL.
    return " ".join(test) if isinstance(test, list) else test


def host_ip_of(port: str | dict[str, Any]) -> str | None:
    """The host address a port is published on; None when it binds all interfaces."""
    if isinstance(port, dict):  # long syntax
        return port.get("host_ip")
    spec = str(port).split("/", 1)[0]
    if spec.startswith("["):  # [::1]:8000:8000
        return spec[1 : spec.index("]")]
    parts = spec.split(":")
    # "IP:HOST:CONTAINER" names an address; "HOST:CONTAINER" and "CONTAINER" do not.
    return parts[0] if len(parts) == 3 else None


def container_port_of(port: str | dict[str, Any]) -> int:
    if isinstance(port, dict):
        return int(port["target"])
    return int(str(port).split("/", 1)[0].rsplit(":", 1)[-1])


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, comments dropped, continuations joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        instructions.append((keyword.upper(), args.strip()))
    assert not pending, "Dockerfile ends inside a line continuation"
    return instructions


# --- docker-compose.yml: neo4j ----------------------------------------------------


def test_neo4j_image_is_5_community(neo4j: dict[str, Any]) -> None:
    # 5.x, community: a bare "neo4j:5[.x]" tag is community too; enterprise needs a
    # licence and 2025.x speaks another default Cypher than the linter pins (CYPHER 5).
    assert re.fullmatch(r"neo4j:5(\.\d+){0,2}(-community)?", neo4j["image"]), neo4j["image"]


@pytest.mark.parametrize("target", ["/data", "/logs"])
def test_neo4j_keeps_data_and_logs_on_named_volumes(
    compose: dict[str, Any], neo4j: dict[str, Any], target: str
) -> None:
    sources = []
    for mount in neo4j["volumes"]:
        if isinstance(mount, dict):
            if mount["target"] == target:
                assert mount.get("type", "volume") == "volume", mount
                sources.append(mount["source"])
        else:
            source, _, rest = mount.partition(":")
            if rest.split(":", 1)[0] == target:
                sources.append(source)
    assert len(sources) == 1, f"exactly one mount at {target}: {neo4j['volumes']}"
    name = sources[0]
    # A bind mount (path) would tie the database to one host directory and its owner.
    assert not name.startswith((".", "/", "~", "$")), f"{target} is a bind mount: {name}"
    assert name in (compose.get("volumes") or {}), f"volume {name} not declared at top level"


def test_neo4j_healthcheck_logs_in_over_bolt(neo4j: dict[str, Any]) -> None:
    test = healthcheck_text(neo4j)
    assert "cypher-shell" in test
    assert "bolt://" in test
    assert "RETURN 1" in test
    # Every `$` meant for the container's shell is written `$$`; a single `$` would be
    # substituted by compose on the host (empty, or the host's value) instead.
    assert "$" not in test.replace("$$", ""), test
    # The password comes from the container's own NEO4J_AUTH ...
    assert "$${NEO4J_AUTH#neo4j/}" in test, test


def test_neo4j_gets_no_password_variable(neo4j: dict[str, Any]) -> None:
    # ... because the image's entrypoint turns every other NEO4J_* variable into a
    # neo4j.conf setting ("PASSWORD=..."), which strict config validation rejects.
    assert "NEO4J_PASSWORD" not in environment(neo4j)


def test_no_default_password(compose: dict[str, Any], neo4j: dict[str, Any]) -> None:
    auth = environment(neo4j)["NEO4J_AUTH"]
    assert auth.startswith("neo4j/" + REQUIRED_PASSWORD), auth
    assert auth.endswith("}"), auth
    raw = COMPOSE_FILE.read_text(encoding="utf-8")
    # ${VAR:-default} and ${VAR-default} would start Neo4j with a guessable password.
    assert not re.search(r"\$\{NEO4J_PASSWORD:?-", raw), "a default for NEO4J_PASSWORD"
    assert "NEO4J_AUTH: none" not in raw and "NEO4J_AUTH=none" not in raw


# --- docker-compose.yml: all services ---------------------------------------------


def test_every_published_port_is_on_loopback(compose: dict[str, Any]) -> None:
    published: dict[str, set[int]] = {}
    for name, service in compose["services"].items():
        # Host networking publishes every listening port on every interface.
        assert service.get("network_mode") != "host", name
        for port in service.get("ports", []):
            assert host_ip_of(port) == "127.0.0.1", f"{name} publishes {port} beyond loopback"
            published.setdefault(name, set()).add(container_port_of(port))
    assert published == {"neo4j": {7474, 7687}, "api": {8000}}


# --- docker-compose.yml: api ------------------------------------------------------


def test_api_is_built_from_the_dockerfile(api: dict[str, Any]) -> None:
    build = api["build"]
    if isinstance(build, str):
        build = {"context": build}
    assert build["context"] in {".", "./"}, build
    assert build.get("dockerfile", "Dockerfile") == "Dockerfile", build
    assert "image" not in api or api["image"].startswith("iprgraph"), api.get("image")


def test_api_waits_for_a_healthy_neo4j(api: dict[str, Any]) -> None:
    # The list form of depends_on only waits for the container to start, not for Bolt.
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"


def test_api_talks_to_the_neo4j_service(compose: dict[str, Any], api: dict[str, Any]) -> None:
    env = environment(api)
    match = re.fullmatch(r"(bolt|neo4j)(\+s|\+ssc)?://([\w.-]+):7687", env["IPRGRAPH_NEO4J_URI"])
    assert match, env["IPRGRAPH_NEO4J_URI"]
    assert match[3] == "neo4j" and match[3] in compose["services"]
    assert env["IPRGRAPH_NEO4J_USER"] == "neo4j"
    assert env["IPRGRAPH_NEO4J_DATABASE"] == "neo4j"
    assert env["IPRGRAPH_NEO4J_PASSWORD"].startswith(REQUIRED_PASSWORD)


def test_api_healthcheck_probes_healthz(api: dict[str, Any]) -> None:
    test = healthcheck_text(api)
    assert "http://127.0.0.1:8000/healthz" in test
    # The slim Python image has python, not curl or wget.
    assert test.startswith(("CMD python", "CMD-SHELL python")), test


# --- Dockerfile -------------------------------------------------------------------


def test_dockerfile_runs_as_a_non_root_user() -> None:
    users = [args for keyword, args in dockerfile_instructions() if keyword == "USER"]
    assert users, "no USER: the API would run as root"
    final = users[-1].split(":", 1)[0]
    assert final not in {"root", "0"}, users[-1]
    runs = " ".join(args for keyword, args in dockerfile_instructions() if keyword == "RUN")
    assert re.search(rf"useradd\b.*\b{re.escape(final)}\b", runs), "USER is never created"


def test_dockerfile_installs_the_project() -> None:
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    copied = " ".join(args for keyword, args in instructions if keyword == "COPY")
    for needed in ("pyproject.toml", "README.md", "graph", "ingest", "api", "viz"):
        assert re.search(rf"(^|\s){re.escape(needed)}(\s|$)", copied), f"{needed} not copied"
    runs = [args for keyword, args in instructions if keyword == "RUN"]
    assert any(re.search(r"\bpip install\b[^&;]*\s\.(\s|$)", run) for run in runs), runs


def dockerfile_cmd() -> list[str]:
    cmds = [args for keyword, args in dockerfile_instructions() if keyword == "CMD"]
    assert cmds, "no CMD"
    cmd = json.loads(cmds[-1])  # exec form: the command is PID 1 and gets SIGTERM itself
    assert isinstance(cmd, list), cmd
    return [str(arg) for arg in cmd]


def test_dockerfile_serves_with_iprgraph_serve() -> None:
    """The API runs as the benchmarks measure it: `iprgraph serve` (one process per
    core, the heap settled, the schema created), on the port compose publishes."""
    cmd = dockerfile_cmd()
    assert cmd[:2] == ["iprgraph", "serve"], cmd
    assert cmd[cmd.index("--host") + 1] == "0.0.0.0", cmd
    assert cmd[cmd.index("--port") + 1] == "8000", cmd
    assert ("EXPOSE", "8000") in dockerfile_instructions()


def test_the_image_command_serves_with_the_compose_environment(
    api: dict[str, Any], embedded_server: EmbeddedServer, database: str, tmp_path: Path
) -> None:
    """No container runs here, so the image's command runs as a process: the
    `iprgraph` that `pip install .` puts on the PATH, with the environment compose
    gives the api service, the session's graph server standing in for the neo4j
    service (its address, credentials and a database of this test's own) and a
    loopback address and free port in place of the container's. It must create the
    schema, answer, and stop with its workers on SIGTERM, as in a container."""
    info = embedded_server.running()
    assert info is not None
    credentials = embedded_server.credentials()
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPRGRAPH_")}
    stand_in = {
        "IPRGRAPH_NEO4J_URI": info.uri,
        "IPRGRAPH_NEO4J_USER": credentials.user,
        "IPRGRAPH_NEO4J_PASSWORD": credentials.password,
        "IPRGRAPH_NEO4J_DATABASE": database,
    }
    compose_env = environment(api)
    assert set(stand_in) == set(compose_env), compose_env
    env.update(stand_in)
    port = free_port()
    cmd = dockerfile_cmd()
    cmd[0] = str(Path(sys.executable).parent / cmd[0])
    cmd[cmd.index("--host") + 1] = "127.0.0.1"
    cmd[cmd.index("--port") + 1] = str(port)
    server = subprocess.Popen(
        cmd,
        cwd=tmp_path,  # the image's WORKDIR, where IPRGRAPH_DATA_DIR (./data) lands
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/readyz", timeout_s=120)
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=10)
        assert ready.status_code == 200, ready.text
        with open_test_store(embedded_server, database) as store:
            key = new_key(store, agency="HK-CED")
        matched = httpx.post(
            f"http://127.0.0.1:{port}/v1/match",
            json={"queries": [{"type": "party", "name": "Huaxin Trading", "country": "CN"}]},
            headers=auth(key),
            timeout=30,
        )
        assert matched.status_code == 200, matched.text
        workers = psutil.Process(server.pid).children(recursive=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0, server.stderr.read() if server.stderr else ""
    # The database was created empty; its uniqueness constraints come from the start.
    with open_test_store(embedded_server, database) as store:
        store.write("CREATE (s:Seizure {id: $id})", id="same")
        with pytest.raises(ConstraintViolation, match="same"):
            store.write("CREATE (s:Seizure {id: $id})", id="same")
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"processes left running: {[p.pid for p in alive]}"


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    entries = {
        line.strip().rstrip("/")
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for needed in (".git", ".venv", "data"):
        assert needed in entries, needed
    assert entries & {"node_modules", "**/node_modules"}, "node_modules not ignored"
