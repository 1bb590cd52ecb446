"""Every statement of `graph/queries.py` passes Neo4j's own Cypher linter.

The tests run every statement against the embedded ArcadeDB server; that proves it
runs there, not that Neo4j accepts it. Production is Neo4j 5, so each statement also
goes through `lintCypherQuery` of the npm package `@neo4j-cypher/language-support`
(the linter of Neo4j's editors), driven by `tools/cypher-lint/lint.mjs`.

The linter runs without a database schema (see lint.mjs): labels, property keys,
functions and procedures are not checked, the grammar and Neo4j's semantic analysis
are. Parameters are bound by the driver at run time, so the linter's "Parameter $x is
not defined." is the one diagnostic excepted here; everything else fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from graph.queries import all_queries

REPO_ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = REPO_ROOT / "tools" / "cypher-lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
LINTER_PACKAGE = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"
INSTALL_HINT = "run `make test`, or `npm ci --prefix tools/cypher-lint` from the repository root"

# Node start-up and loading the linter take about 1 s, each statement about 0.15 s on
# the build machine (50 statements: 7-11 s, 29 s on a cold disk cache). Generous, and
# below pytest-timeout's 300 s so that this message, not a bare timeout, explains it.
LINT_TIMEOUT_S = 240
# The statements are shared out between this many linters at once (one per core:
# about 70 s for 460 statements in one process on the build machine).
LINT_PROCESSES = max(1, min(4, os.cpu_count() or 1))

# The exact text lintCypherQuery (syntaxValidation.js, errorOnUndeclaredParameters)
# produces for a parameter missing from the schema: `Parameter $name is not defined.`,
# with the name backticked when it was written so. Note: 2.0.0-next.38 reports it with
# severity *error*, not warning, so it is excepted by text whatever its severity.
UNDECLARED_PARAMETER = re.compile(r"Parameter \$(?P<name>\w+|`(?:[^`]|``)+`) is not defined\.")


def _lint_group(statements: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(LINT_SCRIPT)],
        input=json.dumps(statements),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO_ROOT,
        timeout=LINT_TIMEOUT_S,
        check=False,
    )


def run_cypher_lint(statements: dict[str, str]) -> list[dict[str, Any]]:
    """Lint `statements` (name -> Cypher) with Neo4j's linter; return its diagnostics.

    Fails (never skips) when node or the linter is missing: a skipped lint test would
    let a statement that only ArcadeDB accepts through to production.
    """
    if shutil.which("node") is None:
        pytest.fail(f"node is not on PATH; the Cypher lint needs Node.js 20+ ({INSTALL_HINT})")
    if not LINTER_PACKAGE.is_dir():
        pytest.fail(f"Neo4j's Cypher linter is not installed in {LINT_DIR}: {INSTALL_HINT}")
    names = sorted(statements)
    parts = max(1, min(LINT_PROCESSES, len(names)))
    groups = [{name: statements[name] for name in names[i::parts]} for i in range(parts)]
    try:
        with ThreadPoolExecutor(parts) as pool:
            procs = list(pool.map(_lint_group, groups))
    except subprocess.TimeoutExpired:
        pytest.fail(f"the Cypher linter did not finish within {LINT_TIMEOUT_S} s")
    diagnostics: list[dict[str, Any]] = []
    for proc in procs:
        if proc.returncode != 0:
            pytest.fail(
                f"the Cypher linter crashed (exit {proc.returncode}); {INSTALL_HINT} if a "
                f"module is missing.\nstderr:\n{proc.stderr}"
            )
        found = json.loads(proc.stdout)
        assert isinstance(found, list), proc.stdout
        diagnostics += found
    for d in diagnostics:
        # A diagnostic we cannot attribute or classify must not be filtered by accident.
        assert d["name"] in statements, d
        assert d["severity"] in {"error", "warning"}, d
    return diagnostics


def is_undeclared_parameter(diagnostic: dict[str, Any], statement: str) -> bool:
    """True only for the linter's "parameter not defined" about a `$param` really used."""
    match = UNDECLARED_PARAMETER.fullmatch(diagnostic["message"])
    if match is None:
        return False
    # `$id` must not be excused by a statement that only uses `$identifier`.
    return re.search(re.escape("$" + match["name"]) + r"(?!\w)", statement) is not None


def _fmt(d: dict[str, Any]) -> str:
    return f"{d['name']}:{d['line']}:{d['column']}: {d['severity']}: {d['message']}"


def test_every_query_passes_neo4j_linter() -> None:
    queries = all_queries()
    assert queries, "graph.queries.all_queries() is empty: nothing would be linted"

    diagnostics = run_cypher_lint(queries)

    excepted = [d for d in diagnostics if is_undeclared_parameter(d, queries[d["name"]])]
    failures = [d for d in diagnostics if d not in excepted]
    if excepted:
        print(f"excepted {len(excepted)} undeclared-parameter diagnostics (bound at run time):")
        for d in excepted:
            print("  " + _fmt(d))
    assert not failures, "Neo4j's linter rejects these statements of graph/queries.py:\n" + (
        "\n".join(_fmt(d) for d in failures)
    )


def test_linter_reports_broken_statements() -> None:
    """Proves the lint above can fail: errors come back, and only parameters are excepted."""
    statements = {
        "SYNTAX": "MATCH (n RETURN n",
        "UNDEFINED_VARIABLE": "MATCH (n) RETURN m",
        "PARAMETERISED": "MATCH (p:Party {id: $id}) RETURN p",
    }

    diagnostics = run_cypher_lint(statements)

    errors: dict[str, list[str]] = {name: [] for name in statements}
    for d in diagnostics:
        if d["severity"] == "error" and not is_undeclared_parameter(d, statements[d["name"]]):
            errors[d["name"]].append(d["message"])
    assert any(m.startswith("Invalid input 'RETURN'") for m in errors["SYNTAX"]), diagnostics
    assert "Variable `m` not defined" in errors["UNDEFINED_VARIABLE"], diagnostics
    assert errors["PARAMETERISED"] == [], diagnostics
    # ... and the parameter diagnostic that was excepted really came from the linter.
    assert [d["message"] for d in diagnostics if d["name"] == "PARAMETERISED"] == [
        "Parameter $id is not defined."
    ]


def test_parameter_exception_is_narrow() -> None:
    """Only the exact message about a parameter the statement uses is excepted."""

    def diag(message: str) -> dict[str, Any]:
        return {"name": "Q", "severity": "error", "message": message, "line": 1, "column": 1}

    statement = "MATCH (p:Party {id: $id}) WHERE p.name = $`full name` RETURN p"
    assert is_undeclared_parameter(diag("Parameter $id is not defined."), statement)
    assert is_undeclared_parameter(diag("Parameter $`full name` is not defined."), statement)
    assert not is_undeclared_parameter(diag("Parameter $other is not defined."), statement)
    # $i is a prefix of $id, not a parameter of this statement.
    assert not is_undeclared_parameter(diag("Parameter $i is not defined."), statement)
    assert not is_undeclared_parameter(diag("Variable `m` not defined"), statement)
    assert not is_undeclared_parameter(
        diag("Parameter $id is not defined. Also something else"), statement
    )
