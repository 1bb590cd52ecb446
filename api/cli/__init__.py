"""The `iprgraph` command line.

Errors read as sentences; `--debug` shows the traceback. Commands that need the
graph start the embedded server on demand when no Neo4j is configured. Each module
of this package registers its commands on the one Typer app (`common.app`).
"""

from __future__ import annotations

import sys

from api.cli import (  # noqa: F401  (they register their commands)
    access,
    alerts,
    data,
    db,
    exchange,
    review,
    serve,
    view,
)
from api.cli.common import app, err_console, state
from graph.errors import IprgraphError

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: domain errors become one sentence and exit status 1."""
    try:
        app()
    except IprgraphError as exc:
        if state.debug:
            raise
        err_console.print(f"[bold red]error:[/] {exc.message}", highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if state.debug:
            raise
        err_console.print(
            f"[bold red]error:[/] iprgraph failed unexpectedly ({type(exc).__name__}: {exc}). "
            "Run it again with --debug to see where.",
            highlight=False,
        )
        sys.exit(1)
