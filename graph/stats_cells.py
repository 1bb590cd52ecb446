"""Seizure statistics kept up to date as records arrive, so that
`GET /v1/stats/seizures` reads a few hundred cells instead of every seizure of the
period (`graph.stats`).

A *cell* (`StatsCell`) holds what the seizures of one month, one reporting agency,
one partner jurisdiction ('*' for any) and one handling (TLP, releasable_to and
visibility tokens `vis`) add up to: seizures, value in USD, seizures with a value,
quantity per unit, in all, per transport mode and per HS chapter. A seizure counts
in the cell of each of its partner jurisdictions and in the '*' cell once. Because
the handling is part of the key, every seizure a cell counts carries exactly the
cell's tokens: a viewer sees a cell exactly when it sees the seizures behind it,
and a figure never counts a record the viewer may not see.

Cells are changed in the transaction that changes a seizure: the loader's
(`graph.write`: a new record, a corrected one) and a release under a detailed
request (`graph.exchange.requests`). Each reads what the seizures added before the
change and after it (`contributions`, from the graph, as the statistics statement
would see them) and applies the difference (`apply`).

A graph loaded before cells existed has none: `init_state`, run with the schema,
finds seizures and no cell and marks it not complete (`StatsState`); it becomes
complete with `iprgraph db migrate` (`rebuild`), and until then the statistics are
computed from the seizures, as before. A graph loaded by this version keeps its
cells from the first record on and needs no state.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from graph import queries
from graph.store import GraphStore, Tx
from ingest.normalise.units import normalise_unit

# The key of a figure inside a cell: the grouping ('' for all, 'transport_mode',
# 'hs_chapter') and the group's key (None: the seizure records none).
FigureKey = tuple[str, str | None]
# [seizures, value_usd, seizures with a value_usd, {unit: [quantity, lines]}]: the
# number of goods lines behind each unit's quantity tells a unit no line gives any
# more (a corrected record) from a quantity of 0.
Figure = list[Any]

ANY_PARTNER = "*"
NO_UNIT = "unspecified"
STATE_ID = "seizures"
ALL = ""
KEPT_GROUPS = ("transport_mode", "hs_chapter")
_BATCH = 1000


def unit_totals(lines: Iterable[Iterable[Any]]) -> dict[str, float]:
    """Quantities of goods lines ([quantity, unit] pairs; -1 or null: not given) added
    up per unit, in one spelling per unit; not rounded."""
    return {unit: total for unit, (total, _) in unit_lines(lines).items()}


def unit_lines(lines: Iterable[Iterable[Any]]) -> dict[str, list[Any]]:
    """Unit -> [quantity, number of lines] of goods lines (`unit_totals`)."""
    totals: dict[str, list[Any]] = {}
    for quantity, unit in lines:
        if quantity is None or quantity < 0:
            continue
        kept = totals.setdefault(normalise_unit(unit) or NO_UNIT, [0.0, 0])
        kept[0] += float(quantity)
        kept[1] += 1
    return totals


def _at(values: list[Any] | None, index: int) -> Any:
    # A list property read past its end is null in Cypher.
    return values[index] if values is not None and index < len(values) else None


def _figures(row: list[Any]) -> dict[FigureKey, Figure]:
    """What one seizure (a `contributions` row) adds, per figure of a cell, the way
    `graph.queries.seizure_stats_query` counts it."""
    _, _, _, _, mode, quantities, units, hs_codes, value, *_ = row
    valued = 0 if value is None else 1
    amount = float(value or 0.0)
    lines = [[quantities[i], _at(units, i)] for i in range(len(quantities or []))]
    whole: Figure = [1, amount, valued, unit_lines(lines)]
    found: dict[FigureKey, Figure] = {(ALL, None): whole, ("transport_mode", mode): whole}
    # HS chapters: per goods line, the chapter its code starts with; a chapter's
    # quantity is that of its lines; a seizure without lines is under null.
    if not hs_codes:
        found[("hs_chapter", None)] = [1, amount, valued, {}]
        return found
    by_chapter: dict[str | None, list[list[Any]]] = defaultdict(list)
    for index, code in enumerate(hs_codes):
        by_chapter[code[:2] if code else None].append([_at(quantities, index), _at(units, index)])
    for chapter, chapter_lines in by_chapter.items():
        found[("hs_chapter", chapter)] = [1, amount, valued, unit_lines(chapter_lines)]
    return found


def _tokens(values: list[str] | None) -> list[str] | None:
    return None if values is None else sorted(set(values))


def slot(partner: str, year: str) -> str:
    """The key cells are looked up by: a partner ('*': any) and a year."""
    return f"{partner}|{year}"


def cells_of(row: list[Any]) -> list[tuple[str, dict[str, Any]]]:
    """The cells one seizure counts in: (cell id, the cell's own properties). None
    for a seizure without a date, which no period counts."""
    _, date, agency, reporting, *_, tlp, releasable, vis, partners = row
    if not date:
        return []
    month = str(date)[:7]
    releasable_to, tokens = _tokens(releasable), _tokens(vis)
    found = []
    for partner in [*sorted({p for p in partners or [] if p}), ANY_PARTNER]:
        key = [month, agency, partner, tlp, releasable_to, tokens]
        props = {
            "month": month,
            "agency": agency,
            "reporting": reporting,
            "partner": partner,
            "slot": slot(partner, month[:4]),
            "tlp": tlp,
            "releasable_to": releasable_to,
            "vis": tokens,
        }
        found.append((json.dumps(key, separators=(",", ":")), props))
    return found


def contributions(tx: Tx, ids: Iterable[str]) -> list[list[Any]]:
    """What the seizures `ids` add to the statistics now (those that exist)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    [row] = tx.run(queries.STATS_CONTRIBUTIONS_QUERY, ids=wanted)
    return list(row["rows"])


class Delta:
    """Changes to cells: what some seizures add, less what they added before."""

    def __init__(self) -> None:
        self.props: dict[str, dict[str, Any]] = {}
        self.figures: dict[str, dict[FigureKey, Figure]] = defaultdict(dict)

    def add(self, rows: Iterable[list[Any]], sign: int = 1) -> Delta:
        for row in rows:
            figures = _figures(row)
            for cell, props in cells_of(row):
                self.props.setdefault(cell, props)
                _merge(self.figures[cell], figures, sign)
        return self


def _merge(into: dict[FigureKey, Figure], figures: dict[FigureKey, Figure], sign: int) -> None:
    for key, (seizures, value, valued, quantity) in figures.items():
        kept = into.setdefault(key, [0, 0.0, 0, {}])
        kept[0] += sign * seizures
        kept[1] += sign * value
        kept[2] += sign * valued
        for unit, (amount, lines) in quantity.items():
            total = kept[3].setdefault(unit, [0.0, 0])
            total[0] += sign * amount
            total[1] += sign * lines
            if total[1] == 0:
                del kept[3][unit]


def encode(figures: dict[FigureKey, Figure]) -> str:
    """A cell's figures as kept: JSON [[grouping, key, seizures, value, valued,
    {unit: quantity}], ...], figures of no seizure left out."""
    kept = [
        [group, key, seizures, value, valued, quantity]
        for (group, key), (seizures, value, valued, quantity) in sorted(
            figures.items(), key=lambda item: (item[0][0], item[0][1] or "")
        )
        if seizures
    ]
    return json.dumps(kept, separators=(",", ":"))


def decode(text: str | None) -> dict[FigureKey, Figure]:
    """A cell's figures as `encode` kept them (fresh lists: callers change them)."""
    return {(entry[0], entry[1]): entry[2:] for entry in json.loads(text or "[]")}


def apply(tx: Tx, delta: Delta) -> None:
    """Add `delta` to the kept cells: cells left counting no seizure are deleted."""
    # A cell whose figures cancel out (a record sent again with a change that moves
    # it to no other cell) is left alone.
    changed = [
        cell
        for cell, figures in delta.figures.items()
        if any(f[0] or f[1] or f[2] or f[3] for f in figures.values())
    ]
    created: list[dict[str, Any]] = []
    updated: list[dict[str, Any]] = []
    gone: list[str] = []
    for start in range(0, len(changed), _BATCH):
        chunk = changed[start : start + _BATCH]
        [row] = tx.run(queries.STATS_CELLS_BY_ID_QUERY, ids=chunk)
        kept = {cell: (eid, decode(figures)) for cell, eid, figures in row["cells"]}
        for cell in chunk:
            eid, figures = kept.get(cell, (None, {}))
            _merge(figures, delta.figures[cell], 1)
            total = figures.get((ALL, None), [0])[0]
            if eid is None:
                if total > 0:
                    props = {**delta.props[cell], "seizures": total, "figures": encode(figures)}
                    created.append({"id": cell, "props": props})
            elif total > 0:
                updated.append({"eid": eid, "seizures": total, "figures": encode(figures)})
            else:
                gone.append(eid)
    for query, key, rows in (
        (queries.UPDATE_STATS_CELLS_QUERY, "rows", updated),
        (queries.CREATE_STATS_CELLS_QUERY, "rows", created),
        (queries.DELETE_STATS_CELLS_QUERY, "eids", gone),
    ):
        for start in range(0, len(rows), _BATCH):
            tx.run(query, **{key: rows[start : start + _BATCH]})


# --- whether the cells are complete, and building them ---------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def is_complete(tx: Tx) -> bool:
    """Whether the kept cells count every seizure: yes unless the state says
    otherwise (a graph loaded by an earlier version, or being rebuilt)."""
    rows = tx.run(queries.STATS_STATE_QUERY, id=STATE_ID)
    return not rows or bool(rows[0]["complete"])


def init_state(store: GraphStore) -> bool:
    """Mark a graph loaded by an earlier version (seizures but no cell, no state)
    as not complete, so that the statistics count seizures until `rebuild`; a
    graph loaded by this version keeps its cells from the first record on and
    needs nothing. Whether the cells are complete."""

    def work(tx: Tx) -> bool:
        if tx.run(queries.STATS_STATE_QUERY, id=STATE_ID):
            return is_complete(tx)
        if tx.run(queries.ANY_SEIZURE_QUERY) and not tx.run(queries.ANY_STATS_CELL_QUERY):
            tx.run(queries.SET_STATS_STATE_QUERY, id=STATE_ID, complete=False, at=_now())
            return False
        return True

    return store.execute_write(work)


def _months(first: str, last: str) -> list[tuple[str, str]]:
    """(first day, last day) of each month from the month of `first` to that of
    `last` (ISO dates)."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while (year, month) <= (int(last[:4]), int(last[5:7])):
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        end = following - dt.timedelta(days=1)
        months.append((f"{year:04d}-{month:02d}-01", end.isoformat()))
        year, month = following.year, following.month
    return months


def drop(store: GraphStore) -> None:
    """Forget the kept cells and their state, as in a graph loaded before cells
    existed (`init_state` then marks it not complete)."""
    store.write(queries.SET_STATS_STATE_QUERY, id=STATE_ID, complete=False, at=_now())
    while store.write(queries.CLEAR_STATS_CELLS_QUERY, limit=5000)[0]["deleted"]:
        pass
    store.write(queries.DELETE_STATS_STATE_QUERY, id=STATE_ID)


def rebuild(store: GraphStore, progress: Callable[[int, int], None] | None = None) -> int:
    """Work out every cell again from the seizures, then mark the cells complete;
    the number of cells. The statistics are computed from the seizures meanwhile.
    Run it with no loader writing (`iprgraph db migrate` says so): a record loaded
    during the rebuild could be counted twice or not at all until the next one.
    `progress(done, total)` is called after each month."""
    store.write(queries.SET_STATS_STATE_QUERY, id=STATE_ID, complete=False, at=_now())
    while store.write(queries.CLEAR_STATS_CELLS_QUERY, limit=5000)[0]["deleted"]:
        pass
    [span] = store.read(queries.SEIZURE_DATE_SPAN_QUERY)
    months = _months(span["first"], span["last"]) if span["first"] else []
    cells = 0
    for done, (first, last) in enumerate(months, start=1):
        [row] = store.read(queries.STATS_CONTRIBUTIONS_BY_DATE_QUERY, **{"from": first, "to": last})
        delta = Delta().add(row["rows"])
        cells += len(delta.figures)

        def write(tx: Tx, delta: Delta = delta) -> None:
            apply(tx, delta)

        store.execute_write(write)
        if progress is not None:
            progress(done, len(months))
    store.write(queries.SET_STATS_STATE_QUERY, id=STATE_ID, complete=True, at=_now())
    return cells


# --- checking the kept cells against the seizures ---------------------------------


def _comparable(figures: dict[FigureKey, Figure]) -> dict[FigureKey, tuple[Any, ...]]:
    return {
        key: (
            seizures,
            round(value, 2),
            valued,
            {unit: (round(q, 3), lines) for unit, (q, lines) in sorted(quantity.items())},
        )
        for key, (seizures, value, valued, quantity) in figures.items()
        if seizures
    }


def kept(store: GraphStore) -> dict[str, dict[FigureKey, tuple[Any, ...]]]:
    """Every kept cell's figures (values rounded to cents, quantities to 0.001)."""
    [row] = store.read(queries.ALL_STATS_CELLS_QUERY)
    return {cell: _comparable(decode(figures)) for cell, figures in row["cells"]}


def recomputed(store: GraphStore) -> dict[str, dict[FigureKey, tuple[Any, ...]]]:
    """What every cell should hold, worked out from the seizures now (as `kept`)."""
    [span] = store.read(queries.SEIZURE_DATE_SPAN_QUERY)
    delta = Delta()
    for first, last in _months(span["first"], span["last"]) if span["first"] else []:
        [row] = store.read(queries.STATS_CONTRIBUTIONS_BY_DATE_QUERY, **{"from": first, "to": last})
        delta.add(row["rows"])
    found = {cell: _comparable(figures) for cell, figures in delta.figures.items()}
    return {cell: figures for cell, figures in found.items() if figures}
