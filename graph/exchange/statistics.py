"""Exchange statistics: the memorandum's table of one agency's seizures about another
side, for the other side.

Every period (half-year by the CBP-GACC memorandum) each side sends the other, about
the goods originating in or destined for the other side's jurisdiction: the number
of seizures, the quantity of goods per unit (pieces, pairs and kilograms are never
added together), their value in USD with the rates used, the transport modes and the
main ports of transit (ports of loading and of transit, the most frequent first).

One row per period and direction (originating in / destined for the other side);
RED records are never counted. Any figure resting on fewer than `k` seizures (3 by
default) is suppressed and marked so. Within a breakdown of a row (units, modes),
the next smallest figures are suppressed with it until the suppressed ones cannot be
worked out from the row's total and what is shown (at least two, adding up to `k` or
more and to more than one each; failing that, the breakdown is withheld whole); a
port is named only when `k` seizures or more passed through it; and totals add up
only what is shown, so that no suppressed row is the difference of the totals and
the rows shown. A seizure with goods of two units counts under each.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph import queries
from graph.access import Viewer
from graph.errors import InvalidInput
from graph.exchange.agreements import (
    STATISTICS_FIELDS,
    Agreement,
    NotAllowed,
    Terms,
    list_agreements,
    period_of,
)
from graph.store import GraphStore
from ingest.agencies import agency as agency_of
from ingest.csvsafe import writer as csv_writer
from ingest.normalise.units import normalise_unit

__all__ = [
    "DIRECTIONS",
    "ExchangeRow",
    "ExchangeTable",
    "StatisticsAsk",
    "exchange_statistics",
    "period_labels",
    "statistics_for",
    "table_csv",
    "tabulate",
]

DIRECTIONS = ("originating", "destined")
TOP_PORTS = 5
# The longest range one table covers.
MAX_DAYS = 10 * 366
NO_UNIT = "unspecified"


@dataclass
class ExchangeRow:
    period: str
    direction: str  # "originating" in, or "destined" for, the other side
    seizures: int | None  # None: suppressed
    quantity: dict[str, float | None] = field(default_factory=dict)
    value_usd: float | None = None
    transport_modes: dict[str, int | None] = field(default_factory=dict)
    ports: list[tuple[str, int]] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)  # what of the row was


@dataclass
class ExchangeTable:
    reporting: str  # the agency whose records are counted
    partner: str  # the other side's jurisdiction
    date_from: dt.date
    date_to: dt.date
    period: str
    k: int
    fields: tuple[str, ...]
    rows: list[ExchangeRow]
    totals: ExchangeRow
    rates: list[dict[str, Any]]
    notes: list[str]


def _unit(raw: str | None) -> str:
    """One spelling per unit (`ingest.normalise.units`: PCS and pieces are pieces);
    quantities without a unit are counted apart as `NO_UNIT`."""
    return normalise_unit(raw) or NO_UNIT


def _suppress(counts: dict[str, int], k: int) -> set[str] | None:
    """Of a breakdown of a row's seizures (key -> seizures, every seizure under one
    key), the keys to suppress: those under `k`, and then the next smallest, until
    the suppressed ones cannot be worked out from the row's total and the figures
    shown: at least two, adding up to `k` or more, and to more than one each (a
    suppressed figure is at least 1, so two suppressed figures adding up to 2 are
    both 1). None when no such set exists short of all of them adding up to one
    each: the breakdown is then withheld whole, keys included."""
    hidden = {key for key, n in counts.items() if n < k}
    if not hidden:
        return hidden
    shown = sorted((n, key) for key, n in counts.items() if key not in hidden)

    def safe() -> bool:
        total = sum(counts[key] for key in hidden)
        return len(hidden) >= 2 and total >= k and total > len(hidden)

    while not safe() and shown:
        hidden.add(shown.pop(0)[1])
    return hidden if safe() else None


def period_labels(date_from: dt.date, date_to: dt.date, period: str) -> list[str]:
    """The names of the periods of `period` granularity from one date to the other."""
    labels, on = [], date_from
    while on <= date_to:
        label, _, last = period_of(on, period)
        labels.append(label)
        on = last + dt.timedelta(days=1)
    return labels


def exchange_statistics(
    store: GraphStore,
    *,
    reporting: str,
    partner: str,
    date_from: dt.date,
    date_to: dt.date,
    period: str = "half-year",
    k: int = 3,
    fields: tuple[str, ...] = STATISTICS_FIELDS,
) -> ExchangeTable:
    """The table of `reporting`'s seizures (not RED) of goods originating in or
    destined for the jurisdiction `partner`, between the two dates, per `period`."""
    [row] = store.read(
        queries.EXCHANGE_SEIZURES_QUERY,
        agency=reporting,
        partner=partner,
        **{"from": date_from.isoformat(), "to": date_to.isoformat()},
    )
    return tabulate(
        row["rows"],
        reporting=reporting,
        partner=partner,
        date_from=date_from,
        date_to=date_to,
        period=period,
        k=k,
        fields=fields,
    )


def tabulate(
    items: list[list[Any]],
    *,
    reporting: str,
    partner: str,
    date_from: dt.date,
    date_to: dt.date,
    period: str,
    k: int,
    fields: tuple[str, ...],
) -> ExchangeTable:
    """The table of seizures packed as `queries.EXCHANGE_SEIZURES_QUERY` gives them:
    [id, date, originating, destined, transport mode, quantities, units, value in
    USD, currency, USD rate, rate month, ports]."""
    groups: dict[tuple[str, str], list[list[Any]]] = {
        (label, direction): []
        for label in period_labels(date_from, date_to, period)
        for direction in DIRECTIONS
    }
    for item in items:
        label = period_of(dt.date.fromisoformat(item[1]), period)[0]
        if item[2]:
            groups.setdefault((label, "originating"), []).append(item)
        if item[3]:
            groups.setdefault((label, "destined"), []).append(item)
    rows, rates = [], {}
    order = {direction: i for i, direction in enumerate(DIRECTIONS)}
    for (label, direction), items in sorted(
        groups.items(), key=lambda group: (group[0][0], order[group[0][1]])
    ):
        out = ExchangeRow(period=label, direction=direction, seizures=len(items))
        if 0 < len(items) < k:
            out.seizures = None
            out.suppressed = ["row"]
            rows.append(out)
            continue
        if "quantity" in fields:
            per_unit: dict[str, float] = defaultdict(float)
            seizures_of: dict[str, set[str]] = defaultdict(set)
            for item in items:
                for quantity, unit in zip(item[5] or [], item[6] or [], strict=False):
                    if quantity is not None and quantity >= 0:
                        per_unit[_unit(unit)] += float(quantity)
                        seizures_of[_unit(unit)].add(item[0])
            hidden = _suppress({u: len(s) for u, s in seizures_of.items()}, k)
            if hidden is None:
                out.suppressed.append("quantity")
            else:
                out.quantity = {
                    unit: (None if unit in hidden else round(total, 3))
                    for unit, total in sorted(per_unit.items())
                }
                out.suppressed += [f"quantity {unit}" for unit in sorted(hidden)]
        if "value" in fields:
            out.value_usd = round(sum(item[7] or 0.0 for item in items), 2)
            for item in items:
                if item[8] and item[9] is not None:
                    rates[(item[8], item[10])] = item[9]
        if "transport_mode" in fields:
            modes = Counter(item[4] or "unknown" for item in items)
            hidden = _suppress(dict(modes), k)
            if hidden is None:
                out.suppressed.append("transport_mode")
            else:
                out.transport_modes = {
                    mode: (None if mode in hidden else n) for mode, n in sorted(modes.items())
                }
                out.suppressed += [f"mode {mode}" for mode in sorted(hidden)]
        if "ports" in fields:
            ports = Counter(port for item in items for port in set(item[11] or []))
            out.ports = [
                (port, n)
                for port, n in sorted(ports.items(), key=lambda x: (-x[1], x[0]))
                if n >= k
            ][:TOP_PORTS]
        rows.append(out)
    totals = _totals(rows)
    notes = [
        f"Figures resting on fewer than {k} seizures are suppressed; totals add up the "
        "figures shown only.",
        "RED records are never counted. A seizure with goods in several units counts "
        "under each unit.",
    ]
    return ExchangeTable(
        reporting=reporting,
        partner=partner,
        date_from=date_from,
        date_to=date_to,
        period=period,
        k=k,
        fields=fields,
        rows=rows,
        totals=totals,
        rates=[
            {"currency": currency, "month": month, "usd_rate": rate}
            for (currency, month), rate in sorted(
                rates.items(), key=lambda x: (x[0][0], x[0][1] or "")
            )
        ],
        notes=notes,
    )


def _totals(rows: list[ExchangeRow]) -> ExchangeRow:
    shown = [row for row in rows if row.seizures is not None]
    quantity: dict[str, float] = defaultdict(float)
    modes: dict[str, int] = defaultdict(int)
    for row in shown:
        for unit, total in row.quantity.items():
            if total is not None:
                quantity[unit] += total
        for mode, n in row.transport_modes.items():
            if n is not None:
                modes[mode] += n
    return ExchangeRow(
        period="total",
        direction="shown",
        seizures=sum(row.seizures or 0 for row in shown),
        quantity={unit: round(total, 3) for unit, total in sorted(quantity.items())},
        value_usd=round(sum(row.value_usd or 0.0 for row in shown), 2),
        transport_modes=dict(sorted(modes.items())),
    )


def table_csv(table: ExchangeTable) -> str:
    """The table as a spreadsheet opens it: UTF-8 with a BOM, a header row, one row
    per period and direction, a totals row; suppressed figures written as
    `suppressed`; cells neutralised against formulas."""
    units = sorted({u for row in table.rows for u in row.quantity} | set(table.totals.quantity))
    modes = sorted(
        {m for row in table.rows for m in row.transport_modes} | set(table.totals.transport_modes)
    )
    out = io.StringIO()
    out.write("\ufeff")
    write = csv_writer(out, lineterminator="\r\n")
    header = ["period", "direction", "seizures"]
    header += [f"quantity ({unit})" for unit in units]
    header += ["value_usd"] + [f"mode {mode}" for mode in modes] + ["main ports of transit"]
    write.writerow(header)

    def figure(value: Any, suppressed: bool) -> Any:
        return "suppressed" if suppressed else ("" if value is None else value)

    for row in [*table.rows, table.totals]:
        hidden = row.seizures is None
        direction = {
            "originating": f"originating in {table.partner}",
            "destined": f"destined for {table.partner}",
        }.get(row.direction, "total of the figures shown")
        cells: list[Any] = [row.period, direction, figure(row.seizures, hidden)]
        cells += [
            figure(
                row.quantity.get(unit),
                hidden or (unit in row.quantity and row.quantity[unit] is None),
            )
            for unit in units
        ]
        cells.append(figure(row.value_usd, hidden))
        cells += [
            figure(
                row.transport_modes.get(mode),
                hidden or (mode in row.transport_modes and row.transport_modes[mode] is None),
            )
            for mode in modes
        ]
        cells.append("; ".join(f"{port} {n}" for port, n in row.ports))
        write.writerow(cells)
    return out.getvalue()


@dataclass(frozen=True)
class StatisticsAsk:
    """What a caller asked of `statistics_for`."""

    partner: str  # a jurisdiction (CN) or an agency (CN-GACC)
    direction: str = "outgoing"  # outgoing: the caller's agency's table; incoming: the partner's
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    period: str | None = None  # the granularity; the agreement's when None


def statistics_for(
    store: GraphStore, viewer: Viewer, ask: StatisticsAsk, today: dt.date | None = None
) -> tuple[ExchangeTable, Agreement]:
    """The exchange table an agreement in force gives the caller's agency:

    - outgoing: its own seizures about the partner's jurisdiction, as it sends them
      to a partner agency whose agreement lets it ask for statistics;
    - incoming: a partner agency's seizures about the caller's jurisdiction, when an
      agreement lets the caller's agency ask that agency for them.

    The granularity is the agreement's, and the dates must bound whole periods of it
    (the last complete one by default): tables over other periods or ranges would
    give suppressed figures away by difference.
    """
    assert viewer.agency is not None
    on = today or dt.datetime.now(dt.UTC).date()
    own = agency_of(viewer.agency)
    if ask.direction not in ("outgoing", "incoming"):
        raise InvalidInput("direction is outgoing or incoming", "direction")
    wanted = ask.partner.strip().upper()
    found: tuple[Agreement, Terms, str] | None = None
    for agreement in list_agreements(store, viewer.agency):
        other = next(a for a in agreement.agencies if a != viewer.agency)
        if wanted not in (other, agency_of(other).jurisdiction) or not agreement.active(on):
            continue
        asker, holder = (
            (other, viewer.agency) if ask.direction == "outgoing" else (viewer.agency, other)
        )
        terms = agreement.terms_for(asker, holder)
        if terms is not None and terms.statistics:
            found = (agreement, terms, other)
            break
    if found is None:
        side = (
            f"{wanted} to ask {viewer.agency}"
            if ask.direction == "outgoing"
            else f"{viewer.agency} to ask {wanted}"
        )
        raise NotAllowed(f"No agreement in force lets {side} for exchange statistics.")
    agreement, terms, other = found
    period = ask.period or terms.statistics_period
    if period != terms.statistics_period:
        raise InvalidInput(
            f"{agreement.name!r} exchanges statistics by {terms.statistics_period}, not "
            f"by {period}",
            "period",
        )
    if ask.date_from is None and ask.date_to is None:
        _, first, _ = period_of(on, period)
        _, date_from, date_to = period_of(first - dt.timedelta(days=1), period)
    else:
        date_from = ask.date_from or period_of(ask.date_to or on, period)[1]
        date_to = ask.date_to or period_of(date_from, period)[2]
    _, first, _ = period_of(date_from, period)
    _, _, last = period_of(date_to, period)
    if date_from != first:
        raise InvalidInput(
            f"from must be the first day of a {period} (such as {first.isoformat()})", "from"
        )
    if date_to != last:
        raise InvalidInput(
            f"to must be the last day of a {period} (such as {last.isoformat()})", "to"
        )
    if date_to < date_from or (date_to - date_from).days > MAX_DAYS:
        raise InvalidInput(f"from must come before to, at most {MAX_DAYS // 365} years apart", "to")
    if ask.direction == "outgoing":
        reporting = viewer.agency
        jurisdiction = agency_of(other).jurisdiction
    else:
        reporting = other
        jurisdiction = own.jurisdiction
    assert jurisdiction is not None
    table = exchange_statistics(
        store,
        reporting=reporting,
        partner=jurisdiction,
        date_from=date_from,
        date_to=date_to,
        period=period,
        k=terms.statistics_k,
        fields=terms.statistics_fields,
    )
    return table, agreement
