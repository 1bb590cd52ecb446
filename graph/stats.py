"""Seizure statistics for a period and a pair of jurisdictions: the service behind
`/v1/stats/seizures`.

Figures are read from the cells kept as records arrive (`graph.stats_cells`) for
the whole months of the period, and computed from the seizures for the days of a
month the period covers only in part, for the groupings cells do not keep (port,
trademark) and for a graph whose cells are not complete yet (loaded by an earlier
version: `iprgraph db migrate`). Either way, only the seizures the viewer's agency
may see are counted, and each figure carries the handling of the records counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph import queries, stats_cells
from graph.access import Viewer
from graph.queries import SeizureGroup
from graph.seizures import TLP_LEVELS, Handling
from graph.store import GraphStore, Row, Tx
from graph.visibility import display_props

__all__ = [
    "MAX_MONTHS",
    "NO_UNIT",
    "SeizureGroup",
    "SeizureStats",
    "StatsFigure",
    "StatsGroupRow",
    "per_unit",
    "seizure_stats",
]

NO_UNIT = stats_cells.NO_UNIT
MAX_MONTHS = 1200

# A period of more years than this (one without bounds) reads the cells of its
# partner in every year, rather than year by year.
_MAX_SLOT_YEARS = 20

# Open ends of a period: ISO dates compare as text, so these bound every date.
_EARLIEST = "0001-01-01"
_LATEST = "9999-12-31"

# Groupings the kept cells answer (None: the totals); the month and the reporting
# jurisdiction are a cell's own keys, the others figures inside it.
_CELL_GROUPS: dict[SeizureGroup | None, str | None] = {
    None: None,
    SeizureGroup.TRANSPORT_MODE: "transport_mode",
    SeizureGroup.HS_CHAPTER: "hs_chapter",
    SeizureGroup.MONTH: None,
    SeizureGroup.JURISDICTION: None,
}


@dataclass(frozen=True)
class StatsFigure:
    seizures: int
    # Per unit (`ingest.normalise.units`; "unspecified" for lines without one): never
    # added across units.
    quantity: dict[str, float]
    value_usd: float
    seizures_without_value_usd: int
    handling: Handling


@dataclass(frozen=True)
class StatsGroupRow(StatsFigure):
    key: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class SeizureStats:
    group_by: SeizureGroup
    date_from: dt.date | None
    date_to: dt.date | None
    reporting: str | None
    partner: str | None
    totals: StatsFigure
    groups: list[StatsGroupRow]


def per_unit(lines: Iterable[Iterable[Any]]) -> dict[str, float]:
    """Quantities of goods lines ([quantity, unit] pairs; a quantity of -1 or null is
    not given) added up per unit, in one spelling per unit."""
    return {unit: round(total, 3) for unit, total in sorted(stats_cells.unit_totals(lines).items())}


@dataclass
class _Tally:
    """One figure being added up, from rows of the statistics statement and from
    kept cells."""

    seizures: int = 0
    value_usd: float = 0.0
    valued: int = 0
    quantity: dict[str, float] = field(default_factory=dict)
    tlps: set[str] = field(default_factory=set)
    releasable: set[frozenset[str]] = field(default_factory=set)
    name: str | None = None

    def add(
        self,
        seizures: int,
        value_usd: float | None,
        valued: int,
        quantity: dict[str, float],
        tlps: Iterable[str | None],
        releasable: Iterable[Iterable[str] | None],
    ) -> None:
        self.seizures += int(seizures)
        self.value_usd += float(value_usd or 0.0)
        self.valued += int(valued)
        for unit, amount in quantity.items():
            self.quantity[unit] = self.quantity.get(unit, 0.0) + amount
        self.tlps.update(level for level in tlps if level)
        # A seizure without a releasable_to list narrows nothing (as `collect` skips it).
        self.releasable.update(
            frozenset(agencies) for agencies in releasable if agencies is not None
        )

    def add_row(self, row: Row) -> None:
        lines = (line for lines in row["quantities"] for line in lines or ())
        self.add(
            row["seizures"],
            row["value_usd"],
            row["valued"],
            stats_cells.unit_totals(lines),
            row["tlp_levels"] or [],
            row["releasable_to"] or [],
        )

    def values(self) -> dict[str, Any]:
        return {
            "seizures": self.seizures,
            "quantity": {unit: round(total, 3) for unit, total in sorted(self.quantity.items())},
            "value_usd": round(self.value_usd, 2),
            "seizures_without_value_usd": self.seizures - self.valued,
            "handling": self.handling(),
        }

    def handling(self) -> Handling:
        """The most restrictive TLP of the records counted, and the agencies that
        every one of them may be released to."""
        # An unknown level is treated as the most restrictive.
        tlp = (
            max(self.tlps, key=lambda level: TLP_LEVELS.index(level) if level in TLP_LEVELS else 99)
            if self.tlps
            else None
        )
        lists = [set(agencies) for agencies in self.releasable]
        releasable = set.intersection(*lists) if lists else set()
        return Handling(tlp=tlp, releasable_to=sorted(releasable))


def _group_name(viewer: Viewer, row: Row) -> str | None:
    """A group's name (a port's, a mark) as the viewer may see it."""
    if row["name"] is None or row["key"] is None or viewer.sees(row["name_vis"]):
        return row["name"]
    label = "Trademark" if str(row["key"]).startswith("tm:") else "Port"
    shown = display_props(
        viewer,
        label,
        {"id": row["key"], "name": row["name"], "mark": row["name"], "label_vis": row["name_vis"]},
    )
    return str(shown["mark"] if label == "Trademark" else shown["name"])


def _empty_months(
    groups: list[StatsGroupRow], date_from: dt.date | None, date_to: dt.date | None
) -> list[StatsGroupRow]:
    """The months of the period (or, unbounded, between the first and the last with
    a seizure) that no seizure fell in, each with zeros: a month without seizures is
    a figure too."""
    found = {row.key for row in groups if row.key}
    if not found and (date_from is None or date_to is None):
        return []
    first = date_from or dt.date.fromisoformat(min(found) + "-01")
    last = date_to or dt.date.fromisoformat(max(found) + "-01")
    year, month = first.year, first.month
    empty: list[StatsGroupRow] = []
    while (year, month) <= (last.year, last.month) and len(empty) < MAX_MONTHS:
        key = f"{year:04d}-{month:02d}"
        if key not in found:
            empty.append(
                StatsGroupRow(0, {}, 0.0, 0, Handling(tlp=None, releasable_to=[]), key=key)
            )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return empty


def _group_order(group_by: SeizureGroup, row: StatsGroupRow) -> tuple[Any, ...]:
    # Months in time order; everything else by seizures, most first. Ties by key;
    # the null group (nothing recorded) last.
    if group_by is SeizureGroup.MONTH:
        return (row.key is None, row.key or "")
    return (row.key is None, -row.seizures, row.key or "")


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def whole_months(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[str, str, list[tuple[dt.date, dt.date]]] | None:
    """The whole months of a period, as the first and last (YYYY-MM), and the days
    outside them (a month the period covers only in part: at most one period at
    each end). None when the period holds no whole month."""
    edges: list[tuple[dt.date, dt.date]] = []
    first = "0000-01"
    if date_from is not None:
        start = date_from if date_from.day == 1 else _next_month(date_from)
        if start != date_from:
            edges.append((date_from, min(start - dt.timedelta(days=1), date_to or dt.date.max)))
        first = start.isoformat()[:7]
    last = "9999-12"
    if date_to is not None:
        end = date_to if _next_month(date_to) - dt.timedelta(days=1) == date_to else None
        if end is None:
            end = _month_start(date_to) - dt.timedelta(days=1)
            edges.append((max(_month_start(date_to), date_from or dt.date.min), date_to))
        last = end.isoformat()[:7]
    if first > last:
        return None
    return first, last, edges


def _period(date_from: dt.date | None, date_to: dt.date | None) -> dict[str, str]:
    return {
        "from": date_from.isoformat() if date_from else _EARLIEST,
        "to": date_to.isoformat() if date_to else _LATEST,
    }


def seizure_stats(
    store: GraphStore,
    viewer: Viewer,
    group_by: SeizureGroup,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    reporting: str | None = None,
    partner: str | None = None,
) -> SeizureStats:
    """Seizures, quantity and value in USD per group, and over all, for a period, a
    reporting jurisdiction and a partner jurisdiction (see `seizure_stats_query`),
    over the seizures the viewer may see.

    Totals and groups are read in one transaction, so they agree. Where a seizure
    falls in several groups (ports, trademarks, HS chapters) it counts in each, and
    the groups add up to more than the totals.
    """
    side = {"reporting": reporting, "partner": partner, "see": viewer.see}
    totals = _Tally()
    groups: dict[str | None, _Tally] = {}

    def counted(tx: Tx, first: dt.date | None, last: dt.date | None) -> None:
        """The seizures of `first`..`last`, counted from the seizures themselves."""
        params = {**_period(first, last), **side}
        for row in tx.run(queries.seizure_stats_query(None), **params):
            totals.add_row(row)
        for row in tx.run(queries.seizure_stats_query(group_by), **params):
            tally = groups.setdefault(row["key"], _Tally())
            if tally.name is None and row["name"] is not None:
                tally.name = _group_name(viewer, row)
            tally.add_row(row)

    def kept(tx: Tx, first: str, last: str) -> None:
        """The whole months `first`..`last`, from the kept cells."""
        other = partner or stats_cells.ANY_PARTNER
        years = range(int(first[:4]), int(last[:4]) + 1)
        [row] = tx.run(
            queries.stats_cells_query(by_partner=len(years) > _MAX_SLOT_YEARS),
            **{"from": first, "to": last},
            slots=[stats_cells.slot(other, str(year)) for year in years][:_MAX_SLOT_YEARS],
            reporting=reporting,
            partner=other,
            see=viewer.see,
        )
        inside = _CELL_GROUPS[group_by]
        for month, cell_reporting, tlp, releasable_to, figures in row["cells"]:
            handling = ([tlp], [releasable_to])
            decoded = stats_cells.decode(figures)
            for (grouping, key), (seizures, value, valued, lines) in decoded.items():
                quantity = {unit: total for unit, (total, _) in lines.items()}
                if grouping == stats_cells.ALL:
                    totals.add(seizures, value, valued, quantity, *handling)
                    if group_by is SeizureGroup.MONTH:
                        key = month
                    elif group_by is SeizureGroup.JURISDICTION:
                        key = cell_reporting
                    else:
                        continue
                elif grouping != inside:
                    continue
                groups.setdefault(key, _Tally()).add(seizures, value, valued, quantity, *handling)

    def work(tx: Tx) -> None:
        # A transaction run again starts from nothing.
        totals.__dict__.update(_Tally().__dict__)
        groups.clear()
        months = whole_months(date_from, date_to)
        if group_by not in _CELL_GROUPS or months is None or not stats_cells.is_complete(tx):
            counted(tx, date_from, date_to)
            return
        first, last, edges = months
        for edge_from, edge_to in edges:
            counted(tx, edge_from, edge_to)
        kept(tx, first, last)

    store.execute_read(work)
    group_rows = [
        StatsGroupRow(key=key, name=tally.name, **tally.values())
        for key, tally in groups.items()
        if tally.seizures
    ]
    if group_by is SeizureGroup.MONTH:
        group_rows += _empty_months(group_rows, date_from, date_to)
    group_rows.sort(key=lambda row: _group_order(group_by, row))
    figure = totals.values() if totals.seizures else None
    return SeizureStats(
        group_by=group_by,
        date_from=date_from,
        date_to=date_to,
        reporting=reporting,
        partner=partner,
        totals=StatsFigure(**figure)
        if figure
        else StatsFigure(0, {}, 0.0, 0, Handling(tlp=None, releasable_to=[])),
        groups=group_rows,
    )
