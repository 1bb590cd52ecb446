"""What the graph holds, in counts."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.schemas import GraphSummary, LabelCount, Problem
from graph.summary import summarise

router = APIRouter(tags=["graph"])


@router.get(
    "/graph/summary",
    response_model=GraphSummary,
    summary="Node and relationship counts, nodes per label",
    responses={503: {"model": Problem}},
)
def graph_summary(store: StoreDep) -> GraphSummary:
    summary = summarise(store)
    return GraphSummary(
        nodes=summary.nodes,
        relationships=summary.relationships,
        labels=[LabelCount(label=label, count=count) for label, count in summary.labels.items()],
    )
