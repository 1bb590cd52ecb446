"""Principals of the caller's own agency, for its admins: create (the key shown
once), list (never the keys), revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from api.answer import noted
from api.auth import AdminDep, note_revocation
from api.deps import SettingsDep, StoreDep
from graph import principals as service
from graph.access import Role

router = APIRouter(tags=["principals"])


class PrincipalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=service.MAX_NAME, examples=["CBP IPR Branch"])
    role: Role = Field(description="investigator, analyst, partner or admin.")


class PrincipalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    agency: str
    role: Role
    key_prefix: str = Field(description="The key's first characters, to tell keys apart.")
    created_at: str
    created_by: str | None
    revoked_at: str | None
    revoked_by: str | None


class NewPrincipalOut(PrincipalOut):
    key: str = Field(description="The key. Shown this once: iprgraph keeps only its hash.")


class PrincipalList(BaseModel):
    items: list[PrincipalOut]


@router.post(
    "/principals",
    response_model=NewPrincipalOut,
    status_code=201,
    summary="Create a principal of the admin's agency; its key is shown once",
)
def create_principal(
    request: Request, body: PrincipalIn, viewer: AdminDep, store: StoreDep
) -> NewPrincipalOut:
    assert viewer.agency is not None
    made = service.create_principal(
        store, name=body.name, agency=viewer.agency, role=body.role, created_by=viewer.principal
    )
    return noted(
        request,
        NewPrincipalOut.model_validate({**vars(made.principal), "key": made.key}),
    )


@router.get(
    "/principals",
    response_model=PrincipalList,
    summary="The principals of the admin's agency (never their keys)",
)
def list_principals(request: Request, viewer: AdminDep, store: StoreDep) -> PrincipalList:
    found = service.list_principals(store, viewer.agency)
    return noted(request, PrincipalList(items=[PrincipalOut.model_validate(p) for p in found]))


@router.delete(
    "/principals/{principal_id}",
    response_model=PrincipalOut,
    summary="Revoke a principal of the admin's agency: its key stops working at once",
)
def revoke_principal(
    request: Request,
    viewer: AdminDep,
    store: StoreDep,
    settings: SettingsDep,
    principal_id: Annotated[str, Path(max_length=100)],
) -> PrincipalOut:
    revoked = service.revoke_principal(
        store, principal_id, agency=viewer.agency, by=viewer.principal
    )
    note_revocation(settings)
    return noted(request, PrincipalOut.model_validate(revoked))
