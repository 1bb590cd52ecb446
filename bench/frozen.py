"""How long a frozen (SIGSTOP) database keeps a caller waiting (issue 24).

    python -m bench.frozen [--stall-check-s 2.0]

A fresh embedded server and the API on it (in this process, default settings but
`--stall-check-s`; 0 turns the check off, as before it): one record loaded, pooled
connections warmed by a call of each route, then the server is stopped with SIGSTOP
and each route asked at once; the time to its answer (and its status) is printed.
SIGCONT afterwards. Timings are never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import signal
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from api.app import create_app
from graph.config import Settings
from graph.embedded import EmbeddedServer
from graph.schema import ensure_schema
from graph.store import GraphStore
from tests.factories import load_records, seizure_record
from tests.helpers import auth, new_key, serve_in_thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stall-check-s", type=float, default=2.0)
    parser.add_argument("--give-up-s", type=float, default=60.0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="iprgraph-bench-frozen-"))
    settings = Settings(data_dir=root, api_stall_check_s=args.stall_check_s)
    server = EmbeddedServer(root / "embedded", heap="1g")
    info = server.start()
    try:
        credentials = server.credentials()
        store = GraphStore(
            info.uri,
            credentials.user,
            credentials.password,
            server.database,
            max_transaction_retry_time_s=settings.api_transaction_retry_time_s,
            connection_timeout_s=settings.connection_timeout_s,
            query_timeout_s=settings.query_timeout_s,
        )
        ensure_schema(store)
        record = seizure_record()
        load_records(store, root / "feeds", [record])
        seizure = f"{record['agency']}:{record['record_id']}"
        key = new_key(store, agency="HK-CED")
        with (
            serve_in_thread(create_app(settings, store=store)) as base_url,
            httpx.Client(base_url=base_url, timeout=args.give_up_s, headers=auth(key)) as client,
        ):
            party = client.get(f"/v1/seizures/{seizure}").json()["parties"]["shipper"]["id"]
            routes = {
                "/readyz": {},
                f"/v1/seizures/{seizure}": {},
                "/v1/graph/summary": {},
                "/v1/entities": {"q": "Huaxin"},
                f"/v1/entities/{party}/neighborhood": {},
                "/v1/stats/seizures": {},
            }

            def ask(path: str) -> tuple[str, int | str, float]:
                started = time.perf_counter()
                try:
                    status: int | str = client.get(path, params=routes[path]).status_code
                except httpx.TimeoutException:
                    status = f"no answer in {args.give_up_s:g} s"
                return path, status, time.perf_counter() - started

            with ThreadPoolExecutor(len(routes)) as pool:
                list(pool.map(ask, routes))  # warm: pooled connections just used
                os.kill(info.pid, signal.SIGSTOP)
                try:
                    answers = list(pool.map(ask, routes))
                finally:
                    os.kill(info.pid, signal.SIGCONT)
            print(
                f"api_stall_check_s={args.stall_check_s:g}, "
                f"connection_timeout_s={settings.connection_timeout_s:g}"
            )
            for path, status, seconds in answers:
                print(f"{seconds:6.2f} s  {status}  {path.split('?')[0][:60]}")
        store.close()
    finally:
        process = info.pid
        os.kill(process, signal.SIGCONT)
        server.stop()


if __name__ == "__main__":
    main()
