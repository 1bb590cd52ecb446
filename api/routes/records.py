"""Pushing seizure records as they happen: `POST /v1/records`.

Who: a principal of the roles `feed` (an agency's system) or `analyst`; the records
must be its own agency's. The batch goes through the pipeline `iprgraph ingest`
runs (`graph.pipeline.push`): when the answer comes, the records are loaded,
resolved and in their networks. Larger loads stay with the command line.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import PushDep
from api.deps import PortsDep, SettingsDep, StoreDep
from api.problems import ApiProblem, Problem
from graph import pipeline
from graph.errors import InvalidInput
from graph.live.alerts import AlertConfig
from ingest.agencies import AgencyRegistry
from ingest.normalised import Normaliser

router = APIRouter(tags=["records"])

NDJSON_TYPES = ("application/x-ndjson", "application/ndjson", "application/jsonl")


class Rejected(BaseModel):
    line: int | None = Field(description="Line (NDJSON) or item number (JSON array), from 1.")
    record_id: str | None
    reason: str


class PushAnswer(BaseModel):
    read: int = Field(description="read = loaded + quarantined + unchanged")
    loaded: int = Field(description="New records, and corrections of earlier ones.")
    updated: int = Field(description="Of the loaded, corrections.")
    unchanged: int = Field(description="Records the graph held already as sent.")
    quarantined: int
    rejected: list[Rejected] = Field(description="Each refused record and why.")
    reasons: dict[str, int] = Field(description="Refused records by kind of reason.")
    failed: str | None = Field(None, description="Why the batch could not be read (to its end).")
    resolution: dict[str, Any] | None = Field(
        None,
        description="How long the resolution that took the batch in ran (`seconds`, "
        "`phases_s`). Pushes that load at the same time share one run; its counts cover "
        "other agencies' records and are not given.",
    )
    networks: dict[str, Any] | None = Field(
        None, description="How long that run's network update took (`seconds`, `phases_s`)."
    )
    alerts: dict[str, Any] | None = Field(
        None,
        description="What that run raised for your agency's watches (the batch, with the "
        "pushes that shared its run).",
    )


def _timings(figures: dict[str, Any]) -> dict[str, Any]:
    """Of a resolution's or a network update's figures, how long it took. Its counts
    (parties compared, links, networks written, the region's size) are over every
    agency's records queued with the push, other agencies' RED ones included, in
    every agency's view: not the pusher's to see (docs/handling.md)."""
    phases = figures.get("phases_s") or {}
    return {
        "seconds": figures.get("seconds"),
        "phases_s": {name: value for name, value in phases.items() if name != "rounds"},
    }


def _records_in(body: bytes, ndjson: bool) -> int:
    if ndjson:
        return sum(1 for line in body.splitlines() if line.strip())
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"the body is not JSON ({exc})", "body") from exc
    if not isinstance(data, list):
        raise InvalidInput(
            "the body must be a JSON array of records (or NDJSON, one record a line, "
            "sent as application/x-ndjson)",
            "body",
        )
    return len(data)


@router.post(
    "/records",
    response_model=PushAnswer,
    summary="Push a batch of your agency's seizure records",
    description="A JSON array of canonical records (`application/json`), or NDJSON, one "
    "record a line (`application/x-ndjson`), at most `IPRGRAPH_API_MAX_PUSH_RECORDS` (5,000) "
    "records and `IPRGRAPH_API_MAX_PUSH_BYTES` (8 MiB): 413 above either. Every record must be "
    "the caller's agency's (one naming none is taken as the caller's); another agency's is "
    "refused with its reason. read = loaded + quarantined + unchanged; sending the same batch "
    "again loads nothing. When the answer comes the records are loaded, resolved and in their "
    "networks, and the alerts they raise for the agencies watching what they touch are listed "
    "(`GET /v1/alerts`). Roles: feed, analyst.",
    responses={413: {"model": Problem}, 422: {"model": Problem}, 503: {"model": Problem}},
)
async def push_records(
    request: Request,
    viewer: PushDep,
    store: StoreDep,
    settings: SettingsDep,
    ports: PortsDep,
) -> Response:
    body = await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    ndjson = media in NDJSON_TYPES or (media != "application/json" and body.lstrip()[:1] == b"{")
    count = _records_in(body, ndjson)
    if count == 0:
        raise InvalidInput("the body holds no record", "body")
    if count > settings.api_max_push_records:
        raise ApiProblem(
            413,
            "payload-too-large",
            "Too many records",
            f"The batch holds {count:,} records; this API takes at most "
            f"{settings.api_max_push_records:,} per call (IPRGRAPH_API_MAX_PUSH_RECORDS). "
            "Send smaller batches, or load the file with 'iprgraph ingest'.",
        )
    assert viewer.agency is not None
    agency = viewer.agency

    def work() -> bytes:
        normaliser = Normaliser(ports, agencies=AgencyRegistry.load(settings.agency_registry_file))
        report = pipeline.push(
            store,
            body,
            ndjson=ndjson,
            agency=agency,
            data_dir=settings.data_dir,
            normaliser=normaliser,
            lock=settings.data_dir / "pipeline.lock",
            alerting=AlertConfig.from_settings(settings),
            queue_wait_s=settings.api_push_wait_s,
        )
        if report.pipeline.stopped is not None:
            raise report.pipeline.stopped
        file = report.file
        answer = PushAnswer(
            read=file.read,
            loaded=file.loaded,
            updated=file.updated,
            unchanged=file.unchanged,
            quarantined=file.quarantined,
            rejected=[Rejected(**item) for item in report.rejected],
            reasons=file.reasons,
            failed=file.failed.replace(str(settings.data_dir), "<data>") if file.failed else None,
            resolution=_timings(report.pipeline.resolution.as_dict())
            if report.pipeline.resolution
            else None,
            networks=_timings(report.pipeline.networks.as_dict())
            if report.pipeline.networks
            else None,
            alerts=report.pipeline.alerts.for_agency(agency) if report.pipeline.alerts else None,
        )
        request.state.items = file.read
        return answer.model_dump_json().encode()

    return Response(await run_in_threadpool(work), media_type="application/json")
