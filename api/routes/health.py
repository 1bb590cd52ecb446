"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.problems import Problem
from api.schemas import Health, Ready

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process is alive")
async def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Ready,
    summary="The graph database answers",
    responses={503: {"model": Problem, "description": "The database cannot be reached."}},
)
def readyz(store: StoreDep) -> Ready:
    store.ping()
    return Ready(status="ready", database=store.uri)
