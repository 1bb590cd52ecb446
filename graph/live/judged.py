"""Alerts after an analyst's judgement: a confirmation joins two entities (and may
join their networks), a rejection splits one; the networks around them are updated
(`graph.pipeline.judge_and_update`), and the agencies watching what changed are
told, as after a load:

- `risk-threshold`: a watched network around the judged parties reaches the
  watch's threshold (or `AlertConfig.risk_threshold`) with the judgement;
- `new-jurisdiction`: such a network now holds a jurisdiction the network watched
  before did not (it joined one seized elsewhere);
- `watched-changed`: a watched entity or network gained or lost parties.

`before` reads, under the pipeline's lock and before the judgement, what the rules
compare with; `raise_after` runs them after the networks were updated. Each
agency is told only about its own view: networks of its view, the parties of
them it may see, the judged parties only when it may see them. Alert ids are
digests of the judgement and the change, so nothing is raised twice; a judgement
that changes nothing raises nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.live import queries as live
from graph.live.alerts import (
    AlertConfig,
    AlertReport,
    Raised,
    Rule,
    jurisdictions_gained,
    risk_now_and_before,
    store_alerts,
    watch_threshold,
)
from graph.live.watched import (
    Watched,
    chunks,
    network_nodes,
    network_states,
    resolve_watches,
    see,
)
from graph.live.watches import Watch, WatchKind, list_watches
from graph.model import LinkStatus
from graph.resolve.entities import Judgement
from graph.store import GraphStore

_VERB = {
    LinkStatus.CONFIRMED: "confirmed that {a} and {b} are one entity",
    LinkStatus.REJECTED: "rejected that {a} and {b} are one entity",
    LinkStatus.UNSURE: "marked unsure whether {a} and {b} are one entity",
}


@dataclass
class _AgencyState:
    # Network node -> its state (`live.NETWORK_STATES_QUERY`).
    networks: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Watch id -> the parties it covers (entity watches: the entity's visible
    # parties; network watches: the network's parties).
    covered: dict[str, set[str]] = field(default_factory=dict)
    # Network node -> the ids of the watches that made it watched.
    watched: dict[str, set[str]] = field(default_factory=dict)


@dataclass
class Snapshot:
    """What the rules compare with: per watching agency, the networks around the
    judged parties and what each of its watches covers, before the judgement."""

    parties: set[str]
    watches: list[Watch]
    agencies: dict[str, _AgencyState] = field(default_factory=dict)


def _by_agency(watches: list[Watch]) -> dict[str, list[Watch]]:
    out: dict[str, list[Watch]] = defaultdict(list)
    for watch in watches:
        out[watch.agency].append(watch)
    return out


def _covered(watched: Watched, states: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    covered: dict[str, set[str]] = defaultdict(set)
    for pid, watches in watched.party_watches.items():
        for watch in watches:
            if watch.kind == WatchKind.ENTITY:
                covered[watch.id].add(pid)
    for node, watches in watched.networks.items():
        for watch in watches:
            if watch.kind == WatchKind.NETWORK and node in states:
                covered[watch.id] |= set(states[node]["parties"])
    return dict(covered)


def _state(store: GraphStore, watched: Watched, parties: set[str]) -> _AgencyState:
    around = network_nodes(store, parties, watched.view)
    states = network_states(store, {*watched.networks, *around.values()})
    nodes = {node: {w.id for w in ws} for node, ws in watched.networks.items()}
    return _AgencyState(states, _covered(watched, states), nodes)


def before(store: GraphStore, parties: set[str]) -> Snapshot:
    """The state the rules compare with, for the parties around a judgement (the
    parties of the two judged parties' entities)."""
    watches = list_watches(store, None)
    snapshot = Snapshot(set(parties), watches)
    for agency, group in _by_agency(watches).items():
        snapshot.agencies[agency] = _state(store, resolve_watches(store, agency, group), parties)
    return snapshot


def _visible(store: GraphStore, ids: set[str], agency: str) -> set[str]:
    out: set[str] = set()
    for chunk in chunks(ids):
        out.update(
            row["id"] for row in store.read(live.VISIBLE_PARTIES_QUERY, ids=chunk, see=see(agency))
        )
    return out


def _listed(ids: set[str], most: int = 5) -> str:
    shown = sorted(ids)
    more = f" and {len(shown) - most} more" if len(shown) > most else ""
    return ", ".join(shown[:most]) + more


def raise_after(
    store: GraphStore,
    snapshot: Snapshot,
    judgement: Judgement,
    parties: set[str],
    config: AlertConfig | None = None,
    *,
    hooked: set[str] | None = None,
) -> AlertReport:
    """Run the rules for every watching agency, comparing the graph now with
    `snapshot`; `parties` are those around the judgement now (with the snapshot's).
    Store the new alerts (pending delivery for the agencies in `hooked`)."""
    started = time.perf_counter()
    config = config or AlertConfig()
    report = AlertReport(watches=len(snapshot.watches))
    raised = Raised()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
    around = snapshot.parties | parties
    groups = _by_agency(snapshot.watches)
    report.agencies = len(groups)
    for agency, group in sorted(groups.items()):
        earlier = snapshot.agencies.get(agency, _AgencyState())
        watched = resolve_watches(store, agency, group)
        current = _state(store, watched, around)
        covered = set().union(set(), *earlier.covered.values(), *current.covered.values())
        seen = _visible(store, around | covered | {judgement.a, judgement.b}, agency)
        delivery = "pending" if hooked and agency in hooked else None
        judged = _judged(judgement, seen, agency)
        _network_rules(
            raised, watched, earlier, current, around, judged, judgement, config, now, delivery
        )
        _changed(raised, watched, earlier, current, seen, judged, judgement, now, delivery)
    store_alerts(store, raised, report)
    report.seconds = time.perf_counter() - started
    return report


def _judged(judgement: Judgement, seen: set[str], agency: str) -> str:
    """The judgement in words, for `agency`: the parties named when it may see them,
    the analyst when of its own agency."""
    a = judgement.a if judgement.a in seen else "a party you may not see"
    b = judgement.b if judgement.b in seen else "a party you may not see"
    who = (
        f"{judgement.decided_by} of your agency"
        if judgement.agency == agency and judgement.decided_by
        else "an analyst"
    )
    what = _VERB.get(judgement.status, "judged whether {a} and {b} are one entity")
    return f"{who} {what.format(a=a, b=b)} on {judgement.decided_at[:10]}"


def _network_rules(
    raised: Raised,
    watched: Watched,
    earlier: _AgencyState,
    current: _AgencyState,
    around: set[str],
    judged: str,
    judgement: Judgement,
    config: AlertConfig,
    now: str,
    delivery: str | None,
) -> None:
    key = (judgement.a, judgement.b, judgement.status.value, judgement.decided_at)
    for node, after in sorted(current.networks.items()):
        watches = watched.networks.get(node)
        members = set(after["parties"])
        if not watches or not members & around:
            continue
        # What the watcher knew: the networks it watched (by the same watches) that
        # this one holds parties of; failing those, every one it holds parties of.
        ids = {w.id for w in watches}
        overlapping = {
            node: state
            for node, state in earlier.networks.items()
            if members & set(state["parties"])
        }
        was = [
            state for node, state in overlapping.items() if earlier.watched.get(node, set()) & ids
        ] or list(overlapping.values())
        name = f"network {after['network']} ('{after['label']}')"
        threshold = watch_threshold(watches, config)
        risk, before_risk = risk_now_and_before(after, was)
        if risk >= threshold and (before_risk is None or before_risk < threshold):
            since = "formed by it" if before_risk is None else f"was {before_risk:.0f} before"
            raised.add(
                watched.agency,
                Rule.RISK_THRESHOLD,
                ("judgement", key, after["network"], threshold),
                f"Risk of {name} reached {risk:.0f}",
                f"The {name}, which you watch, now scores {risk:.0f} of 100 (threshold "
                f"{threshold:.0f}; {since}) after {judged}. "
                f"{after['risk_explanation'] or ''}".strip(),
                [],
                subject=after["network"],
                network=after["network"],
                watches=watches,
                now=now,
                delivery=delivery,
            )
        known, gained = jurisdictions_gained(after, was)
        if was and gained:
            raised.add(
                watched.agency,
                Rule.NEW_JURISDICTION,
                ("judgement", key, after["network"], gained),
                f"The {name} now reaches {', '.join(gained)}",
                f"The {name}, which you watch, was seen in "
                f"{', '.join(sorted(known)) or 'no jurisdiction'}; after {judged} it holds "
                f"parties seized in {', '.join(gained)} as well: tell that jurisdiction's "
                "customs.",
                [],
                subject=after["network"],
                network=after["network"],
                watches=watches,
                now=now,
                delivery=delivery,
            )


def _changed(
    raised: Raised,
    watched: Watched,
    earlier: _AgencyState,
    current: _AgencyState,
    seen: set[str],
    judged: str,
    judgement: Judgement,
    now: str,
    delivery: str | None,
) -> None:
    key = (judgement.a, judgement.b, judgement.status.value, judgement.decided_at)
    for watch in watched.watches:
        if watch.kind not in (WatchKind.ENTITY, WatchKind.NETWORK):
            continue
        had, has = earlier.covered.get(watch.id, set()), current.covered.get(watch.id, set())
        if had == has:
            continue
        gained, lost = (has - had) & seen, (had - has) & seen
        if not gained and not lost:
            continue
        noun = "entity" if watch.kind == WatchKind.ENTITY else "network"
        changes = []
        if gained:
            changes.append(
                f"it gained {len(gained)} part{'y' if len(gained) == 1 else 'ies'} "
                f"({_listed(gained)})"
            )
        if lost:
            changes.append(
                f"it lost {len(lost)} part{'y' if len(lost) == 1 else 'ies'} ({_listed(lost)})"
            )
        raised.add(
            watched.agency,
            Rule.WATCHED_CHANGED,
            ("judgement", key, watch.id, sorted(gained), sorted(lost)),
            f"The {noun} {watch.value} you watch changed",
            f"After {judged}, {watch.describe()} holds {len(has & seen)} parties you may see "
            f"(was {len(had & seen)}): {'; '.join(changes)}. Review what its seizures now "
            "add up to.",
            [],
            subject=watch.item,
            network=None,
            watches=[watch],
            now=now,
            delivery=delivery,
        )
