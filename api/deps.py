"""Dependencies shared by the routes: `StoreDep` keeps signatures short and honest."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.store import GraphStore


def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


StoreDep = Annotated[GraphStore, Depends(get_store)]
