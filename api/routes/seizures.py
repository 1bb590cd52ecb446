"""Seizure records: one by id, and filtered pages of them.

Filters are typed the way agencies write them and normalised here the way ingest
normalises records, so that they name the same graph nodes: containers by ISO 6346
number in any spacing or case, ports by UN/LOCODE in any spacing or by name,
trademarks by mark in any case.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
)

from api.answer import noted
from api.auth import ReaderDep
from api.deps import PortsDep, StoreDep
from api.params import Page, Period, blank_is_none, invalid_parameter
from api.problems import Problem
from api.schemas import SeizureOut, SeizurePage
from graph import seizures as service
from graph.history import seizure_history
from ingest.normalise import PortResolver, normalise_container
from ingest.normalised import port_node_id, trademark_id

router = APIRouter(tags=["seizures"])

# Longer than any id, mark or port name; a bound on what reaches the normalisers.
_MAX_TEXT = 300

FilterText = Annotated[
    Annotated[str, StringConstraints(max_length=_MAX_TEXT)] | None, BeforeValidator(blank_is_none)
]


class SeizureListQuery(Period, Page):
    """Query parameters of `GET /v1/seizures`; every filter given must match."""

    party: FilterText = Field(
        default=None,
        description="A Party id: seizures where the party is shipper, consignee, "
        "forwarder or a manufacturer.",
        examples=["party:1836a0a2e2454d850ad76b02"],
    )
    entity: FilterText = Field(
        default=None,
        description="An entity id (or any member's Party id): seizures naming any party "
        "of the entity, as the caller's agency sees it.",
        examples=["party:1836a0a2e2454d850ad76b02"],
    )
    container: FilterText = Field(
        default=None,
        description="An ISO 6346 container number in any spacing or case.",
        examples=["MSKU 123456-5"],
    )
    port: FilterText = Field(
        default=None,
        description="A UN/LOCODE in any spacing (`SGSIN`, `SG SIN`) or a port name "
        "(`Singapore`), resolved as ingest resolves ports: seizures that name the port "
        "as port of seizure, loading, transit or discharge.",
        examples=["SG SIN"],
    )
    trademark: FilterText = Field(
        default=None,
        description="A mark as written, any case (`Nike`), or a Trademark id (`tm:nike`).",
        examples=["NIKE"],
    )


def _trademark_id(raw: str) -> str:
    """A mark as written, or a `tm:` id as given."""
    text = raw.strip()
    if text[:3].casefold() == "tm:":
        text = text[3:]
    return trademark_id(text)


def _filters(query: SeizureListQuery, ports: PortResolver) -> service.SeizureFilters:
    container = None
    if query.container is not None:
        container = normalise_container(query.container).number
        if not container:
            raise invalid_parameter(
                "container", "a container number needs letters or digits", query.container
            )
    port = None
    if query.port is not None:
        port = port_node_id(query.port, ports.resolve(query.port).locode)
        if port == "unresolved:":
            raise invalid_parameter("port", "a port needs letters or digits", query.port)
    trademark = None
    if query.trademark is not None:
        trademark = _trademark_id(query.trademark)
        if trademark == "tm:":
            raise invalid_parameter("trademark", "a mark needs some text", query.trademark)
    return service.SeizureFilters(
        party=query.party,
        container=container,
        trademark=trademark,
        port=port,
        date_from=query.date_from,
        date_to=query.date_to,
    )


@router.get(
    "/seizures",
    response_model=SeizurePage,
    summary="Seizures, filtered, newest first",
    responses={503: {"model": Problem, "description": "The database is away or too slow."}},
)
def list_seizures(
    request: Request,
    query: Annotated[SeizureListQuery, Query()],
    viewer: ReaderDep,
    store: StoreDep,
    ports: PortsDep,
) -> SeizurePage:
    """Seizures that match every filter given, newest first (seizure date descending,
    then id), one page at a time: pass `next_cursor` back as `cursor`. The order is
    stable, so paging never repeats or skips a seizure that was there at the start.

    Only seizures the caller's agency may see are listed; each carries its handling
    (TLP, releasable_to), which travels with whatever the caller derives from it.
    """
    for name in ("party", "entity"):
        value = getattr(query, name)
        if value is not None and not value.startswith("party:"):
            raise invalid_parameter(
                name,
                f"{name} takes a Party id (party:...), not a name: find the party with "
                f"GET /v1/entities?q={value[:60]} (its hits carry ids), then pass "
                "entity= for the seizures of its whole entity, or party= for that one "
                "spelling",
                value,
            )
    filters = _filters(query, ports)
    try:
        if query.entity is not None:
            page = service.list_entity_seizures(
                store, viewer, query.entity, filters, limit=query.limit, cursor=query.cursor
            )
        else:
            page = service.list_seizures(
                store, viewer, filters, limit=query.limit, cursor=query.cursor
            )
    except service.InvalidCursor as exc:
        raise invalid_parameter("cursor", str(exc), query.cursor) from exc
    return noted(request, SeizurePage.model_validate(page, from_attributes=True))


class SeizureVersionOut(BaseModel):
    version: int = Field(description="1 for the oldest version shown.")
    current: bool = Field(description="The version the graph holds now.")
    source: str | None = Field(
        description="The file's sha256 and the line that gave this version.",
        examples=["9f2c...e1:000000004"],
    )
    tlp: str | None = Field(examples=["AMBER"])
    releasable_to: list[str]
    record: dict[str, Any] = Field(description="The canonical record as this version said it.")


class SeizureHistoryOut(BaseModel):
    id: str
    versions: list[SeizureVersionOut] = Field(description="Oldest first; the last is current.")


# Declared before `/seizures/{seizure_id:path}`, which would take `.../history` as
# part of an id.
@router.get(
    "/seizures/{seizure_id:path}/history",
    response_model=SeizureHistoryOut,
    summary="The versions of one seizure record",
    responses={
        404: {"model": Problem, "description": "No seizure has this id."},
        503: {"model": Problem, "description": "The database is away or too slow."},
    },
)
def get_seizure_history(
    request: Request, seizure_id: str, viewer: ReaderDep, store: StoreDep
) -> SeizureHistoryOut:
    """Every version of the record that the caller's agency may see, oldest first:
    a record sent again with other content (a correction, another handling) keeps
    the version it replaced. Each version is shown by its own handling: a version
    the caller's agency may not see (a RED first report later released GREEN) is
    neither shown nor counted, and the versions shown are numbered among themselves.
    A seizure the caller may not see is answered as one that does not exist."""
    history = seizure_history(store, viewer, seizure_id)
    return noted(
        request,
        SeizureHistoryOut(
            id=history.id,
            versions=[SeizureVersionOut(**vars(version)) for version in history.versions],
        ),
    )


@router.get(
    "/seizures/{seizure_id:path}",
    response_model=SeizureOut,
    summary="One seizure",
    responses={
        404: {"model": Problem, "description": "No seizure has this id."},
        503: {"model": Problem, "description": "The database is away or too slow."},
    },
)
def get_seizure(
    request: Request, seizure_id: str, viewer: ReaderDep, store: StoreDep
) -> SeizureOut:
    """One seizure by its id (`agency:record_id`, e.g. `HK-CED:HKCED-2024-000123`; a
    record id may hold `/`): what was seized, where, on which route, in which
    containers, by whom, infringing which marks; the parties with their ids and the
    names as the record wrote them; where the record came from (file sha256, line)
    and its handling (TLP, releasable_to). A seizure the caller's agency may not see
    is answered as one that does not exist.
    """
    detail = service.get_seizure(store, viewer, seizure_id)
    return noted(request, SeizureOut.model_validate(detail, from_attributes=True))
