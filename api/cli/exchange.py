"""`iprgraph agreements` and `iprgraph exchange`: the agreements agencies share under,
and the exchange statistics file a memorandum asks for."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from api.cli.common import app, audited, console, open_store, read_settings
from graph.access import Role, Viewer
from graph.errors import InvalidInput
from graph.exchange import agreements as service
from graph.exchange.statistics import ExchangeTable, StatisticsAsk, statistics_for, table_csv
from graph.store import GraphStore
from ingest.agencies import agency as agency_of

agreements_app = typer.Typer(
    help="Agreements between two agencies: what each may ask of the other, and until when."
)
app.add_typer(agreements_app, name="agreements")
exchange_app = typer.Typer(help="What agreements let agencies send each other.")
app.add_typer(exchange_app, name="exchange")

_JSON = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(f"{option} {text!r} is not a date (YYYY-MM-DD)", option) from exc


def _contacts(items: list[str]) -> dict[str, str]:
    contacts: dict[str, str] = {}
    for item in items:
        agency, equals, text = item.partition("=")
        if not equals or not agency.strip() or not text.strip():
            raise InvalidInput(
                f"--contact {item!r}: write AGENCY=contact point, such as "
                "'US-CBP=IPR Branch, ipr@cbp.example'",
                "contact",
            )
        contacts[agency.strip().upper()] = " ".join(text.split())
    return contacts


def _print(agreement: service.Agreement) -> None:
    today = dt.datetime.now(dt.UTC).date()
    state = "in force" if agreement.active(today) else "not in force"
    until = agreement.valid_to.isoformat() if agreement.valid_to else "no end date"
    console.print(
        f"[bold]{agreement.name}[/] ({agreement.id}): {' and '.join(agreement.agencies)}, "
        f"from {agreement.valid_from.isoformat()} to {until}"
        + (f", ended {agreement.ended_at}" if agreement.ended_at else "")
        + f"; {state} today.",
        highlight=False,
    )
    for direction, terms in sorted(agreement.terms.items()):
        asker, _, holder = direction.partition(">")
        what: list[str] = []
        if terms.statistics:
            what.append(
                f"statistics by {terms.statistics_period} ({', '.join(terms.statistics_fields)};"
                f" cells under {terms.statistics_k} seizures suppressed)"
            )
        if terms.requests_quota:
            what.append(
                f"{terms.requests_quota} detailed requests a {terms.requests_period} "
                f"(released: {', '.join(terms.request_fields)})"
            )
        if terms.lookups:
            what.append("hit/no-hit lookups")
        console.print(
            f"  {asker} may ask {holder} for: {'; '.join(what) or 'nothing'}", highlight=False
        )
    for agency, contact in sorted(agreement.contacts.items()):
        console.print(f"  contact point of {agency}: {contact}", highlight=False)


@agreements_app.command("set")
def agreements_set(
    name: Annotated[str, typer.Option(help="The agreement's name (its id is made from it).")],
    agency: Annotated[list[str], typer.Option(help="One of the two agencies; give it twice.")],
    terms: Annotated[
        list[str],
        typer.Option(
            help="What one agency may ask of the other, such as "
            "'US-CBP>CN-GACC: statistics=half-year, k=3, requests=10/quarter, lookups' "
            "('A<>B:' for both directions). Repeat for the other direction.",
        ),
    ],
    valid_from: Annotated[str, typer.Option("--from", help="First day in force (YYYY-MM-DD).")],
    valid_to: Annotated[
        str | None, typer.Option("--to", help="Last day in force (none: until ended).")
    ] = None,
    contact: Annotated[
        list[str] | None,
        typer.Option(help="AGENCY=contact point, told to a partner whose lookup hits."),
    ] = None,
    as_json: _JSON = False,
) -> None:
    """Create an agreement, or replace its terms (the earlier terms are kept)."""
    settings = read_settings()
    params: dict[str, Any] = {
        "name": name,
        "agencies": agency,
        "terms": terms,
        "from": valid_from,
        "to": valid_to,
        "contacts": contact or [],
    }
    with audited(settings, "agreements set", params):
        if len(agency) != 2:
            raise InvalidInput(
                "an agreement is between two agencies: give --agency twice", "agency"
            )
        parsed: dict[str, service.Terms] = {}
        for text in terms:
            parsed.update(service.parse_terms(text))
        contacts = _contacts(contact or [])
        start = _date(valid_from, "--from")
        assert start is not None
        with open_store(settings) as store:
            made = service.set_agreement(
                store,
                name=name,
                agencies=(agency[0], agency[1]),
                terms=parsed,
                contacts=contacts,
                valid_from=start,
                valid_to=_date(valid_to, "--to"),
            )
    if as_json:
        typer.echo(json.dumps(made.as_dict(), indent=2))
    else:
        _print(made)


@agreements_app.command("list")
def agreements_list(
    agency: Annotated[str | None, typer.Option(help="Only those this agency is party to.")] = None,
    as_json: _JSON = False,
) -> None:
    """Every agreement, in force or not."""
    settings = read_settings()
    with open_store(settings) as store:
        found = service.list_agreements(store, agency)
    if as_json:
        typer.echo(json.dumps([a.as_dict() for a in found], indent=2))
        return
    today = dt.datetime.now(dt.UTC).date()
    table = Table(title="Agreements")
    for column in ("id", "name", "agencies", "from", "to", "in force", "directions"):
        table.add_column(column)
    for a in found:
        table.add_row(
            a.id,
            a.name,
            " & ".join(a.agencies),
            a.valid_from.isoformat(),
            a.valid_to.isoformat() if a.valid_to else "",
            "yes" if a.active(today) else ("ended " + a.ended_at if a.ended_at else "no"),
            ", ".join(sorted(a.terms)),
        )
    console.print(table)


@agreements_app.command("show")
def agreements_show(
    name: Annotated[str, typer.Argument(help="The agreement's name or id (agr:...).")],
    as_json: _JSON = False,
) -> None:
    """One agreement: its terms each way and its contact points."""
    settings = read_settings()
    with open_store(settings) as store:
        found = service.get_agreement(store, name)
    if as_json:
        typer.echo(
            json.dumps({**found.as_dict(), "history": [json.loads(h) for h in found.history]})
        )
    else:
        _print(found)


@agreements_app.command("end")
def agreements_end(
    name: Annotated[str, typer.Argument(help="The agreement's name or id (agr:...).")],
    on: Annotated[str | None, typer.Option(help="The day it ends (default today).")] = None,
    as_json: _JSON = False,
) -> None:
    """End an agreement: nothing more may be asked under it."""
    settings = read_settings()
    with (
        audited(settings, "agreements end", {"name": name, "on": on}),
        open_store(settings) as store,
    ):
        ended = service.end_agreement(store, name, _date(on, "--on"))
    if as_json:
        typer.echo(json.dumps(ended.as_dict(), indent=2))
    else:
        console.print(f"Ended {ended.name!r} ({ended.id}) on {ended.ended_at}.")


@exchange_app.command("statistics")
def exchange_statistics(
    partner: Annotated[str, typer.Option(help="The other side: a country (CN) or an agency.")],
    period: Annotated[
        str | None,
        typer.Option(help="The period to report, such as 2025-H2 (default: the last complete)."),
    ] = None,
    agency: Annotated[
        str | None,
        typer.Option(help="The reporting agency (needed only when several have agreements)."),
    ] = None,
    incoming: Annotated[
        bool,
        typer.Option(
            "--incoming", help="The partner's table about this agency's side, not its own."
        ),
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Write the CSV here (UTF-8 with BOM) instead of stdout.")
    ] = None,
    as_json: _JSON = False,
) -> None:
    """The exchange statistics an agreement asks for, as the file to send: per period
    and direction, seizures, quantities per unit, value in USD, transport modes and
    main ports, with small cells suppressed."""
    settings = read_settings()
    direction = "incoming" if incoming else "outgoing"
    params = {"partner": partner, "period": period, "agency": agency, "incoming": incoming}
    with audited(settings, "exchange statistics", params), open_store(settings) as store:
        first = last = granularity = None
        if period is not None:
            _, granularity, first, last = service.parse_period(period)
        reporting = agency.upper() if agency else _reporting_agency(store, partner, direction)
        viewer = Viewer(agency=reporting, role=Role.ANALYST, principal="operator")
        ask = StatisticsAsk(
            partner=partner, direction=direction, date_from=first, date_to=last, period=granularity
        )
        table, agreement = statistics_for(store, viewer, ask)
    if as_json:
        typer.echo(json.dumps(_table_json(table, agreement), indent=2))
        return
    text = table_csv(table)
    if out is None:
        typer.echo(text.lstrip("\ufeff"), nl=False)
        return
    out.write_text(text, encoding="utf-8", newline="")
    suppressed = sum(1 for row in table.rows if row.suppressed)
    console.print(
        f"Wrote {out}: {table.reporting}'s seizures about {table.partner}, "
        f"{table.date_from.isoformat()} to {table.date_to.isoformat()} by {table.period}, "
        f"under {agreement.name!r}; {len(table.rows)} rows, {suppressed} with suppressed "
        f"cells (fewer than {table.k} seizures).",
        highlight=False,
    )


def _reporting_agency(store: GraphStore, partner: str, direction: str) -> str:
    """The one agency with an agreement in force that gives statistics to or from
    `partner`; a sentence asking for --agency when there are none or several."""
    today = dt.datetime.now(dt.UTC).date()
    wanted = partner.strip().upper()
    found: set[str] = set()
    for agreement in service.list_agreements(store):
        if not agreement.active(today):
            continue
        for key, terms in agreement.terms.items():
            asker, _, holder = key.partition(">")
            reporter, other = (holder, asker) if direction == "outgoing" else (asker, holder)
            if terms.statistics and wanted in (other, agency_of(other).jurisdiction):
                found.add(reporter)
    if len(found) != 1:
        which = f"several agencies ({', '.join(sorted(found))})" if found else "no agency"
        raise InvalidInput(
            f"{which} exchange statistics with {wanted} under an agreement in force; "
            "name the reporting one with --agency",
            "agency",
        )
    return found.pop()


def _table_json(table: ExchangeTable, agreement: service.Agreement) -> dict[str, Any]:
    return {
        "agreement": agreement.id,
        **{k: v for k, v in asdict(table).items() if k not in ("date_from", "date_to")},
        "date_from": table.date_from.isoformat(),
        "date_to": table.date_to.isoformat(),
    }
