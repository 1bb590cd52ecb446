"""The seizure statistics that agencies exchange under their agreements."""

from __future__ import annotations

import io
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, Field, field_validator

from api.answer import noted
from api.auth import ReaderDep
from api.deps import StoreDep
from api.params import Period, blank_is_none
from api.problems import Problem
from api.schemas import SeizureStatistics
from graph import stats as service
from graph.stats import SeizureGroup
from ingest.csvsafe import writer as csv_writer

router = APIRouter(tags=["statistics"])

PARTNER_DEFINITION = (
    "A seizure counts for partner jurisdiction P when P is its country of origin, its "
    "country of destination, or the jurisdiction of its port of loading, of any of its "
    "transit ports or of its port of discharge. The port of seizure does not count: it is "
    "where the reporting agency itself acted. A port name that resolved to no UN/LOCODE "
    "has no jurisdiction and places a seizure in none."
)
GROUP_DEFINITION = (
    "transport_mode: sea, air, road, rail, postal or express. "
    "port: the main ports of transit, that is the port of loading and every transit port; "
    "a seizure counts once under each distinct such port. "
    "jurisdiction: the jurisdiction of the reporting agency. "
    "trademark: each mark the seizure infringes. "
    "hs_chapter: the first two digits of the HS code of each line of goods; a chapter's "
    "quantity is that of its lines only. "
    "month: the month of the seizure date (YYYY-MM). "
    "Groups of port, trademark and hs_chapter overlap (a seizure with two transit ports "
    "counts under both, with its whole value), so they can add up to more than the totals; "
    "seizures that record none fall under a null key (an empty cell in CSV)."
)

_JURISDICTION = re.compile(r"[A-Za-z]{2}")


def _jurisdiction(value: str | None) -> str | None:
    if value is None:
        return None
    if not _JURISDICTION.fullmatch(value):
        raise ValueError(
            f"{value!r} is not an ISO 3166 alpha-2 code (two letters; HK and MO are their own)"
        )
    return value.upper()


Jurisdiction = Annotated[str | None, BeforeValidator(blank_is_none)]


class StatsQuery(Period):
    """Query parameters of `GET /v1/stats/seizures`."""

    reporting: Jurisdiction = Field(
        default=None,
        description="Jurisdiction of the reporting agency: ISO 3166 alpha-2 (HK and MO are "
        "their own).",
        examples=["HK"],
    )
    partner: Jurisdiction = Field(
        default=None,
        description=f"The other jurisdiction of the pair, ISO 3166 alpha-2. {PARTNER_DEFINITION}",
        examples=["US"],
    )
    group_by: SeizureGroup = Field(
        default=SeizureGroup.TRANSPORT_MODE, description=GROUP_DEFINITION
    )
    format: Literal["json", "csv"] = Field(
        default="json", description="`csv`: one row per group under a header row (text/csv)."
    )

    @field_validator("reporting", "partner")
    @classmethod
    def _alpha2(cls, value: str | None) -> str | None:
        return _jurisdiction(value)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def stats_csv(stats: service.SeizureStats) -> str:
    """One row per group under a header row, then a totals row; the first column is
    named after the grouping, then a quantity column per unit (never added across
    units). Cells a spreadsheet would run as formulas are neutralised."""
    units = sorted({unit for g in [stats.totals, *stats.groups] for unit in g.quantity})
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerow(
        (
            stats.group_by.value,
            "name",
            "seizures",
            *(f"quantity ({unit})" for unit in units),
            "value_usd",
            "seizures_without_value_usd",
            "tlp",
            "releasable_to",
        )
    )
    rows: list[tuple[str, str, service.StatsFigure]] = [
        (group.key or "", group.name or "", group) for group in stats.groups
    ]
    rows.append(("total", "", stats.totals))
    for key, name, figure in rows:
        writer.writerow(
            (
                key,
                name,
                figure.seizures,
                *(
                    _number(figure.quantity[unit]) if unit in figure.quantity else ""
                    for unit in units
                ),
                f"{figure.value_usd:.2f}",
                figure.seizures_without_value_usd,
                figure.handling.tlp or "",
                " ".join(figure.handling.releasable_to),
            )
        )
    return out.getvalue()


_CSV_EXAMPLE = (
    '"port","name","seizures","quantity (pairs)","quantity (pieces)","value_usd",'
    '"seizures_without_value_usd","tlp","releasable_to"\r\n'
    '"CNYTN","Yantian","4","1200","4000","412000.00","0","AMBER","US-CBP"\r\n'
    '"SGSIN","Singapore","2","","1200","19205.10","0","AMBER","MO-CS US-CBP"\r\n'
    '"total","","5","1200","4600","431205.10","0","AMBER","US-CBP"\r\n'
)


@router.get(
    "/stats/seizures",
    response_model=SeizureStatistics,
    summary="Seizure statistics for a period and a pair of jurisdictions",
    description=(
        "Number of seizures, quantity per unit (never added across units) and total value "
        "in USD, per group and in "
        "total, for the seizures of a period (`from`, `to`, by seizure date), reported by "
        "an agency of the `reporting` jurisdiction and involving the `partner` "
        "jurisdiction (each optional).\n\n"
        f"**partner**: {PARTNER_DEFINITION}\n\n"
        f"**group_by**: {GROUP_DEFINITION}\n\n"
        "Each figure carries its handling: the most restrictive TLP of the records "
        "counted and the agencies every one of them may be released to. Only the "
        "seizures the caller's agency may see are counted.\n\n"
        "`format=csv` answers `text/csv`: a header row, one row per group, a totals row "
        "(`total`); a quantity column per unit; every cell quoted, and cells a "
        "spreadsheet would run as formulas neutralised. With `group_by=month`, months "
        "without a seizure are rows of zeros."
    ),
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}, "example": _CSV_EXAMPLE}}},
        503: {"model": Problem, "description": "The database is away or too slow."},
    },
)
def seizure_statistics(
    request: Request, query: Annotated[StatsQuery, Query()], viewer: ReaderDep, store: StoreDep
) -> SeizureStatistics | Response:
    """Seizure statistics for a period and a pair of jurisdictions (see the description:
    `partner` counts origin, destination, and the ports of loading, transit and
    discharge; `group_by=port` means the port of loading and the transit ports)."""
    stats = service.seizure_stats(
        store,
        viewer,
        query.group_by,
        date_from=query.date_from,
        date_to=query.date_to,
        reporting=query.reporting,
        partner=query.partner,
    )
    noted(request, stats)
    if query.format == "csv":
        filename = f"seizure-stats-{query.group_by.value}.csv"
        return Response(
            stats_csv(stats),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    return SeizureStatistics.model_validate(stats, from_attributes=True)
