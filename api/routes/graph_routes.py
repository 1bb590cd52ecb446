"""What the graph holds, in counts."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.answer import noted
from api.auth import ReaderDep
from api.deps import StoreDep
from api.schemas import GraphSummary, LabelCount
from graph.summary import summarise

router = APIRouter(tags=["graph"])


@router.get(
    "/graph/summary",
    response_model=GraphSummary,
    summary="Node and relationship counts, nodes per label, of what the caller may see",
)
def graph_summary(request: Request, viewer: ReaderDep, store: StoreDep) -> GraphSummary:
    summary = summarise(store, viewer)
    return noted(
        request,
        GraphSummary(
            nodes=summary.nodes,
            relationships=summary.relationships,
            labels=[
                LabelCount(label=label, count=count) for label, count in summary.labels.items()
            ],
        ),
    )
