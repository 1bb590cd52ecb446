"""Response models of the HTTP API."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class Ready(BaseModel):
    status: str = Field(examples=["ready"])
    database: str = Field(description="Where the graph lives.", examples=["bolt://127.0.0.1:7687"])


class Problem(BaseModel):
    """Every error answer: one sentence a person can act on."""

    detail: str = Field(examples=["The graph database at bolt://127.0.0.1:7687 cannot be reached."])


class LabelCount(BaseModel):
    label: str
    count: int


class GraphSummary(BaseModel):
    nodes: int
    relationships: int
    labels: list[LabelCount] = Field(description="Nodes per label, labels with none left out.")
