"""`iprgraph principals` and `iprgraph audit`: who may call the API, and what they did."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.table import Table

from api.audit import entries, verify
from api.auth import note_revocation
from api.cli.common import app, console, open_store, read_settings
from graph import principals as service
from graph.access import Role
from graph.errors import IprgraphError

principals_app = typer.Typer(help="Principals: API keys, each of one agency and one role.")
app.add_typer(principals_app, name="principals")
audit_app = typer.Typer(help="The audit log of every API call (a hash chain).")
app.add_typer(audit_app, name="audit")


def _out(principal: service.Principal) -> dict[str, Any]:
    return {**asdict(principal), "role": principal.role.value}


@principals_app.command("create")
def principals_create(
    agency: Annotated[str, typer.Option(help="The principal's agency (HK-CED, US-CBP...).")],
    role: Annotated[Role, typer.Option(help="investigator, analyst, partner, admin or feed.")],
    name: Annotated[str, typer.Option(help="Who or what holds the key.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Create a principal and print its key: the only time the key is shown."""
    settings = read_settings()
    with open_store(settings) as store:
        made = service.create_principal(
            store, name=name, agency=agency, role=role, created_by="cli"
        )
    if as_json:
        typer.echo(json.dumps({**_out(made.principal), "key": made.key}, indent=2))
        return
    principal = made.principal
    console.print(
        f"Created {principal.id}: {principal.name}, {principal.role} of {principal.agency}.\n"
        "Its key (shown once; iprgraph keeps only its hash):"
    )
    typer.echo(made.key)


@principals_app.command("list")
def principals_list(
    agency: Annotated[str | None, typer.Option(help="Only this agency's.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Every principal (never a key: only its first characters)."""
    settings = read_settings()
    with open_store(settings) as store:
        found = service.list_principals(store, agency)
    if as_json:
        typer.echo(json.dumps([_out(p) for p in found], indent=2))
        return
    table = Table(title="Principals")
    for column in ("id", "name", "agency", "role", "key", "created", "revoked"):
        table.add_column(column)
    for p in found:
        table.add_row(
            p.id,
            p.name,
            p.agency,
            p.role.value,
            p.key_prefix + "...",
            p.created_at,
            p.revoked_at or "",
        )
    console.print(table)


@principals_app.command("revoke")
def principals_revoke(
    principal_id: Annotated[str, typer.Argument(help="The principal's id (prn:...).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Revoke a principal's key: it stops working at once, in every API process."""
    settings = read_settings()
    with open_store(settings) as store:
        revoked = service.revoke_principal(store, principal_id, by="cli")
    note_revocation(settings)
    if as_json:
        typer.echo(json.dumps(_out(revoked), indent=2))
    else:
        console.print(f"Revoked {revoked.id} ({revoked.name}) at {revoked.revoked_at}.")


@audit_app.command("verify")
def audit_verify(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Check the chain: exit 0 when intact, 1 naming the first entry that was
    altered, removed or reordered."""
    settings = read_settings()
    result = verify(settings.audit_dir)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "intact": result.intact,
                    "entries": result.entries,
                    "problem": result.problem,
                    "line": result.line,
                    "entry": result.seq,
                }
            )
        )
    elif result.intact:
        console.print(f"The audit log is intact: {result.entries} entries.")
    else:
        console.print(f"The audit log is NOT intact: {result.problem}.")
    if not result.intact:
        raise typer.Exit(1)


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise IprgraphError(f"--since {value!r} is not an ISO date or time") from exc


@audit_app.command("show")
def audit_show(
    principal: Annotated[str | None, typer.Option(help="Only this principal's calls.")] = None,
    since: Annotated[str | None, typer.Option(help="Only calls at or after (ISO).")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many, the latest.")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The latest audit entries, oldest first."""
    settings = read_settings()
    start = _since(since)
    chosen: list[dict[str, Any]] = []
    for _, entry in entries(settings.audit_dir):
        if entry is None:
            continue
        if principal is not None and entry.get("principal") != principal:
            continue
        if start is not None and str(entry.get("at", "")) < start:
            continue
        chosen.append(entry)
        if len(chosen) > limit:
            chosen.pop(0)
    if as_json:
        for entry in chosen:
            typer.echo(json.dumps(entry, ensure_ascii=False))
        return
    table = Table(title=f"Audit ({len(chosen)} entries)")
    for column in ("#", "at", "principal", "agency", "role", "call", "status", "items", "reason"):
        table.add_column(column)
    for entry in chosen:
        who = entry.get("name") or entry.get("key_prefix") or "-"
        table.add_row(
            str(entry.get("seq")),
            str(entry.get("at", ""))[:23],
            str(who),
            str(entry.get("agency") or ""),
            str(entry.get("role") or ""),
            f"{entry.get('method')} {entry.get('path')}",
            str(entry.get("status")),
            str(entry.get("items") if entry.get("items") is not None else ""),
            str(entry.get("reason") or ""),
        )
    console.print(table)
