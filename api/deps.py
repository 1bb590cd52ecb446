"""Dependencies shared by the routes: `StoreDep` keeps signatures short and honest.

The ones that only read the app's state are `async def`: FastAPI runs a plain `def`
dependency in its thread pool, a hop that costs more than the lookup it wraps.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from graph.config import Settings
from graph.store import GraphStore
from ingest.normalise import PortResolver
from ingest.ports import ports_for


async def get_store(request: Request) -> GraphStore:
    store: GraphStore = request.app.state.store
    return store


StoreDep = Annotated[GraphStore, Depends(get_store)]


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with (`create_app`), not the environment's."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


@lru_cache(maxsize=4)
def _ports_of(data_dir: Path) -> PortResolver:
    return ports_for(data_dir)


def get_port_resolver(settings: SettingsDep) -> PortResolver:
    """The port table ingest resolves against: the shipped one, plus the official
    UN/LOCODE list when one was loaded into the data directory (read once)."""
    return _ports_of(settings.data_dir)


PortsDep = Annotated[PortResolver, Depends(get_port_resolver)]
