"""`iprgraph suggestions`: the review queue at the command line (the operator's view:
every record)."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from api.cli.common import app, console, open_store, read_settings
from graph.access import OPERATOR
from graph.cursor import InvalidCursor
from graph.errors import IprgraphError
from graph.resolve.suggestions import QueueSort, as_dict, review_queue
from ingest.normalise.countries import resolve_country

suggestions_app = typer.Typer(help="Links waiting for an analyst (the review queue).")
app.add_typer(suggestions_app, name="suggestions")


@suggestions_app.command("list")
def list_suggestions(
    sort: Annotated[
        QueueSort,
        typer.Option(help="risk: the decisions that matter most first; score; recent."),
    ] = QueueSort.RISK,
    jurisdiction: Annotated[
        list[str] | None,
        typer.Option(help="Only links with a party of this country (any spelling); repeatable."),
    ] = None,
    entity: Annotated[
        str | None, typer.Option(help="Only links touching this entity (or party) id.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Links per page.")] = 20,
    cursor: Annotated[
        str | None, typer.Option(help="The next page: the cursor the last page printed.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the page as JSON.")] = False,
) -> None:
    """List pending links (suggested, or marked unsure) with both parties as written,
    sources, score and explanation, and what a decision would change. Decide one with
    `iprgraph judge A B --decision confirmed|rejected|unsure --by NAME`."""
    codes = []
    for text in jurisdiction or []:
        code = resolve_country(text)
        if code is None:
            raise IprgraphError(f"--jurisdiction {text!r} is not a country iprgraph knows")
        codes.append(code)
    settings = read_settings()
    with open_store(settings) as store:
        try:
            page = review_queue(
                store,
                OPERATOR,
                sort=sort,
                jurisdictions=codes,
                entity=entity,
                limit=limit,
                cursor=cursor,
            )
        except InvalidCursor as exc:
            raise IprgraphError(f"--cursor: {exc}") from exc
    if as_json:
        payload = {
            "total": page.total,
            "counts": page.counts,
            "sort": page.sort.value,
            "next_cursor": page.next_cursor,
            "items": [as_dict(item) for item in page.items],
        }
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    table = Table(
        title=f"{page.total} links wait for an analyst "
        + ", ".join(f"{n} {status}" for status, n in sorted(page.counts.items()))
        + f" (by {page.sort.value})",
        show_lines=True,
    )
    for column in ("a", "b", "score", "why", "a decision would"):
        table.add_column(column)
    for item in page.items:
        table.add_row(
            f"{item.a.name}\n{item.a.party}\n{item.a.country or '?'}; "
            f"{', '.join(item.a.agencies)}; {item.a.seizures} seizures",
            f"{item.b.name}\n{item.b.party}\n{item.b.country or '?'}; "
            f"{', '.join(item.b.agencies)}; {item.b.seizures} seizures",
            f"{item.score:.2f}" if item.score is not None else "-",
            item.explanation or "",
            item.impact,
        )
    console.print(table)
    if page.next_cursor:
        console.print(f"Next page: --cursor {page.next_cursor}", highlight=False, soft_wrap=True)
