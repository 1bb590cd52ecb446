"""`iprgraph alerts list` and `iprgraph watches`: the alerts raised for the agencies'
watches, and the watches, in a terminal.

The operator at the command line holds the database and sees every agency's
alerts; `--agency` shows one agency's, as its investigators see them in the API
(alerts resting on a record it may no longer see are left out).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from api.cli.common import app, audited, console, open_store, read_settings
from graph.access import OPERATOR, Viewer
from graph.live import inbox, watches
from graph.live.watches import WatchKind

alerts_app = typer.Typer(help="Alerts raised for what agencies watch.")
app.add_typer(alerts_app, name="alerts")


@alerts_app.command("list")
def list_alerts(
    agency: Annotated[
        str | None, typer.Option(help="Only this agency's alerts, as it may see them.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Raised at or after (ISO date or date and time, UTC).")
    ] = None,
    status: Annotated[str | None, typer.Option(help="new or acknowledged.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=inbox.MAX_PAGE)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """List alerts, newest first: rule, when, for whom, and why."""
    settings = read_settings()
    viewer = OPERATOR if agency is None else Viewer(agency=agency.upper())
    params = {"agency": agency, "since": since, "status": status, "limit": limit}
    with audited(settings, "alerts list", params), open_store(settings) as store:
        page = inbox.list_alerts(store, viewer, since=since, status=status, limit=limit)
    if as_json:
        typer.echo(json.dumps({"items": page.items}, indent=2, ensure_ascii=False))
        return
    if not page.items:
        console.print("No alerts" + (f" for {agency}" if agency else "") + ".")
        return
    table = Table(show_lines=True)
    for column in ("raised", "agency", "rule", "status", "alert"):
        table.add_column(column, overflow="fold")
    for item in page.items:
        table.add_row(
            str(item["created_at"])[:19].replace("T", " "),
            item["agency"],
            item["rule"],
            item["status"] + (f"\n{item['delivery']}" if item.get("delivery") else ""),
            f"[bold]{escape(item['title'])}[/]\n{escape(item['explanation'])}\n"
            f"[dim]{item['id']}[/]",
        )
    console.print(table)
    if page.next_cursor:
        console.print(f"(the {limit} newest shown; --since or --limit for others)")


watches_app = typer.Typer(help="What agencies watch (their analysts manage them in the API too).")
app.add_typer(watches_app, name="watches")


@watches_app.command("add")
def add_watch(
    agency: Annotated[str, typer.Option(help="The agency the watch is for.")],
    kind: Annotated[WatchKind, typer.Option(help="What is watched.", case_sensitive=False)],
    value: Annotated[str, typer.Option(help="The item as a record writes it, or an id.")],
    country: Annotated[
        str | None, typer.Option(help="Country of a phone, registration or address.")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why it is watched.")] = None,
    risk_threshold: Annotated[float | None, typer.Option(min=0, max=100)] = None,
) -> None:
    """Watch an item for an agency, as its analyst would (`POST /v1/watches`)."""
    settings = read_settings()
    viewer = Viewer(agency=agency.upper(), principal="operator")
    params = {"agency": viewer.agency, "kind": kind.value, "value": value}
    with audited(settings, "watches add", params), open_store(settings) as store:
        made = watches.create_watch(
            store, viewer, kind, value, country=country, note=note, risk_threshold=risk_threshold
        )
    console.print(f"{made.id}: {made.agency} watches {made.kind} {made.item}", highlight=False)


@watches_app.command("list")
def list_watches(
    agency: Annotated[str | None, typer.Option(help="Only this agency's.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """The watches of every agency, or of one."""
    settings = read_settings()
    with open_store(settings) as store:
        found = watches.list_watches(store, agency.upper() if agency else None)
    if as_json:
        typer.echo(json.dumps({"items": [vars(w) for w in found]}, indent=2))
        return
    for watch in found:
        console.print(
            f"{watch.id}  {watch.agency}  {watch.kind}  {watch.item}"
            + (f"  ({watch.note})" if watch.note else ""),
            highlight=False,
        )
    if not found:
        console.print("No watches.")


@watches_app.command("remove")
def remove_watch(
    agency: Annotated[str, typer.Option(help="The agency the watch is for.")],
    watch_id: Annotated[str, typer.Argument(help="The watch's id.")],
) -> None:
    """Stop watching."""
    settings = read_settings()
    viewer = Viewer(agency=agency.upper(), principal="operator")
    params = {"agency": viewer.agency, "id": watch_id}
    with audited(settings, "watches remove", params), open_store(settings) as store:
        gone = watches.delete_watch(store, viewer, watch_id)
    console.print(f"{gone.id} removed.", highlight=False)
