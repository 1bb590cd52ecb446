"""Alerts: the pipeline's last step tells the agencies that watch something what the
records just loaded mean for it.

Every new or corrected seizure is queued by the loader (`graph.work`); the step
runs after resolution and networks (`graph.pipeline.refresh`), reads the queue,
and for each agency that watches something (`graph.live.watches`) looks only at
what that agency may see: the queued seizures visible to it, earlier seizures
visible to it, its own view of entities and networks. A RED record of another
agency neither raises an alert for it nor appears in one. Rules:

- `watched-item`: a new seizure names or links into a watched item: it names a
  party of a watched entity or network, or a party that gave a watched phone,
  email, registration number or address (in this record or, visibly, an earlier
  one); or it was in a watched container, or infringes a watched mark;
- `risk-threshold`: a watched network (one holding a watched party, entity or
  artefact holder) reaches the watch's risk threshold (`AlertConfig`) with the new
  seizures; `new-jurisdiction`: such a network is seized in a jurisdiction it had
  not been seen in;
- `shipper-rotation`: a party seized for the first time (as shipper, consignee or
  manufacturer) gave a phone, email, registration number or address that another
  party, of another entity, gave in an earlier seizure: one operator under a new
  name;
- `new-route`: an entity seized before appears with a port of loading or transit
  none of its earlier seizures had.

The last three are about networks and parties an agency watches (the party, its
entity, its network, or the artefact): an agency that watches nothing hears
nothing. Each alert says why in a sentence an investigator can act on, lists the
records behind it, and is raised once (its id is a digest of what raised it, so a
batch sent again, which loads nothing, raises nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from graph import work
from graph.access import visible_to
from graph.config import Settings
from graph.live import queries as live
from graph.live.watched import (
    Watched,
    chunks,
    entity_parties,
    network_nodes,
    network_states,
    resolve_watches,
    see,
)
from graph.live.watches import Watch, WatchKind, list_watches
from graph.live.webhooks import DeliveryConfig
from graph.model import RelType
from graph.store import GraphStore
from graph.work import Queued, Work

_BATCH = 1000
# The records an alert cites at most (the explanation counts the others).
MAX_CITED = 10
_PRINCIPAL_RELS = {RelType.SHIPPED_BY, RelType.CONSIGNED_TO, RelType.MANUFACTURED_BY}
_ROLE = {
    RelType.SHIPPED_BY: "shipper",
    RelType.CONSIGNED_TO: "consignee",
    RelType.MANUFACTURED_BY: "manufacturer",
    RelType.FORWARDED_BY: "forwarder",
}
_ARTEFACT_NOUN = {"tel": "phone", "mail": "email", "id": "registration number", "addr": "address"}


class Rule(StrEnum):
    WATCHED_ITEM = "watched-item"
    RISK_THRESHOLD = "risk-threshold"
    NEW_JURISDICTION = "new-jurisdiction"
    SHIPPER_ROTATION = "shipper-rotation"
    NEW_ROUTE = "new-route"
    WATCHED_CHANGED = "watched-changed"


@dataclass(frozen=True)
class AlertConfig:
    # A network's risk (0-100) that is worth an alert when a watch sets none.
    risk_threshold: float = 50.0
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)

    @classmethod
    def from_settings(cls, settings: Settings) -> AlertConfig:
        return cls(
            risk_threshold=settings.alert_risk_threshold,
            delivery=DeliveryConfig(
                attempts=settings.webhook_attempts,
                backoff_s=settings.webhook_backoff_s,
                timeout_s=settings.webhook_timeout_s,
            ),
        )


@dataclass
class AlertReport:
    seizures: int = 0
    watches: int = 0
    agencies: int = 0
    raised: int = 0
    by_rule: Counter[str] = field(default_factory=Counter)
    by_agency: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "seizures_looked_at": self.seizures,
            "watches": self.watches,
            "agencies_watching": self.agencies,
            "raised": self.raised,
            "by_rule": dict(sorted(self.by_rule.items())),
            "by_agency": dict(sorted(self.by_agency.items())),
            "seconds": round(self.seconds, 2),
        }

    def for_agency(self, agency: str | None) -> dict[str, Any]:
        """What a caller of `agency` may know of a run: the alerts raised for its own
        agency, never what other agencies' watches raised (the operator: all)."""
        raised = self.raised if agency is None else self.by_agency.get(agency, 0)
        return {"raised_for_your_agency": raised, "seconds": round(self.seconds, 2)}


def _port(port_id: str) -> str:
    return port_id.removeprefix("unresolved:")


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass
class _Seizure:
    id: str
    agency: str
    record_id: str
    date: str | None
    vis: list[str]
    parties: list[list[Any]]
    containers: list[str]
    marks: list[str]
    route: list[list[Any]]
    seized_at: list[str]

    @property
    def cite(self) -> str:
        where = f" at {', '.join(_port(p) for p in self.seized_at)}" if self.seized_at else ""
        return f"{self.id} (seized by {self.agency} on {self.date or 'an unknown date'}{where})"


def _seizures(store: GraphStore, ids: list[str]) -> dict[str, _Seizure]:
    out: dict[str, _Seizure] = {}
    for chunk in chunks(ids):
        for row in store.read(live.ALERT_SEIZURES_QUERY, ids=chunk):
            values: dict[str, Any] = {k: row[k] or [] if k in _LISTS else row[k] for k in row}
            out[row["id"]] = _Seizure(**values)
    return out


_LISTS = ("vis", "parties", "containers", "marks", "route", "seized_at")


@dataclass
class Before:
    """What the alerts step needs from before resolution and networks changed the
    graph: the queued seizures, the watches, and the state of the networks each
    watching agency may be told about."""

    # The queued seizures, and the queue's nodes that held them (taken off once the
    # rules have run).
    work: Queued
    watches: list[Watch]
    networks: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def queued(self) -> list[str]:
        return self.work.ids


def before(store: GraphStore) -> Before:
    """Read the queue and, when some agency watches something, the networks (in its
    view) that the queued seizures' parties and its watched parties are in."""
    pending = work.queued(store, Work.SEIZURES)
    queued = pending.ids
    watches = list_watches(store, None) if queued else []
    found = Before(pending, watches)
    if not watches:
        return found
    named: set[str] = set()
    for chunk in chunks(queued):
        for item in store.read(live.ALERT_SEIZURES_QUERY, ids=chunk):
            named.update(p[0] for p in item["parties"] or [])
    by_agency: dict[str, list[Watch]] = defaultdict(list)
    for watch in watches:
        by_agency[watch.agency].append(watch)
    for agency, group in by_agency.items():
        watched = resolve_watches(store, agency, group)
        nodes = set(watched.networks) | set(network_nodes(store, named, watched.view).values())
        found.networks[agency] = network_states(store, nodes)
    return found


@dataclass
class Raised:
    """The alerts a run of the rules raises, as rows to store (`store_alerts`)."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        agency: str,
        rule: Rule,
        key: Any,
        title: str,
        explanation: str,
        seizures: Iterable[str],
        *,
        subject: str | None = None,
        network: str | None = None,
        watches: Iterable[Watch] = (),
        now: str,
        delivery: str | None,
    ) -> None:
        cited = list(dict.fromkeys(seizures))
        self.rows.append(
            {
                "id": "alert:" + _digest(agency, rule.value, key),
                "props": {
                    "agency": agency,
                    "rule": rule.value,
                    "title": title,
                    "explanation": explanation,
                    "seizures": cited[:MAX_CITED],
                    "subject": subject,
                    "network": network,
                    "watches": sorted({w.id for w in watches}),
                    "created_at": now,
                    "status": "new",
                    "delivery": delivery,
                    "delivery_attempts": 0,
                },
            }
        )


def _name(entry: list[Any]) -> str:
    return str(entry[2] or entry[0])


def _role(entry: list[Any]) -> str:
    return _ROLE.get(RelType(entry[1]), "party")


def _artefact(item: str) -> str:
    prefix, _, rest = item.partition(":")
    noun = _ARTEFACT_NOUN.get(prefix, "item")
    if prefix == "id":
        rest = rest.split(":", 1)[-1]
    if prefix == "addr":
        return "an address"
    return f"the {noun} {rest}"


def _watched_item(
    raised: Raised,
    watched: Watched,
    seizure: _Seizure,
    holders: dict[str, set[str]],
    now: str,
    delivery: str | None,
) -> None:
    reasons: list[str] = []
    touched: list[Watch] = []

    def note(watch: Watch, reason: str) -> None:
        if watch not in touched:
            touched.append(watch)
            reasons.append(reason)

    for item in seizure.containers:
        for watch in watched.items.get(item, ()):
            note(watch, f"it was in {watch.describe()}")
    for item in seizure.marks:
        for watch in watched.items.get(item, ()):
            note(watch, f"it infringes {watch.describe()}")
    for entry in seizure.parties:
        pid, artefacts = entry[0], entry[3]
        who = f"{_role(entry)} '{_name(entry)}'"
        for item in artefacts:
            for watch in watched.items.get(item, ()):
                note(watch, f"its {who} gave {watch.describe()}")
        for watch in watched.party_watches.get(pid, ()):
            if watch.kind == WatchKind.ENTITY:
                note(watch, f"it names {who}, of {watch.describe()}")
            elif watch.kind == WatchKind.NETWORK:
                note(watch, f"it names {who}, a member of {watch.describe()}")
            elif pid in holders.get(watch.item, set()):
                note(
                    watch,
                    f"it names {who}, who gave {_artefact(watch.item)} in an earlier record, "
                    f"{watch.describe()}",
                )
    if not touched:
        return
    raised.add(
        watched.agency,
        Rule.WATCHED_ITEM,
        (seizure.id, sorted(w.id for w in touched)),
        f"New seizure {seizure.id} touches what you watch",
        f"{seizure.cite}: " + "; ".join(reasons) + ".",
        [seizure.id],
        subject=seizure.id,
        watches=touched,
        now=now,
        delivery=delivery,
    )


def watch_threshold(watches: list[Watch], config: AlertConfig) -> float:
    """The risk that raises an alert for these watches of one network: the lowest
    they set, else the configured one."""
    return min(
        (w.risk_threshold for w in watches if w.risk_threshold is not None),
        default=config.risk_threshold,
    )


def risk_now_and_before(
    after: dict[str, Any], earlier: list[dict[str, Any]]
) -> tuple[float, float | None]:
    """A network's risk now, and the highest of the networks it holds parties of
    before (None: it is new)."""
    risk = float(after["risk"] or 0.0)
    return risk, max((float(s["risk"] or 0.0) for s in earlier), default=None)


def jurisdictions_gained(
    after: dict[str, Any], earlier: list[dict[str, Any]]
) -> tuple[set[str], list[str]]:
    """The jurisdictions the networks before were seen in, and those the network now
    holds that none of them did."""
    known: set[str] = set().union(*(set(s["jurisdictions"]) for s in earlier))
    return known, sorted(set(after["jurisdictions"]) - known)


def _network_rules(
    raised: Raised,
    watched: Watched,
    fresh: list[_Seizure],
    before_states: dict[str, dict[str, Any]],
    states: dict[str, dict[str, Any]],
    party_network: dict[str, str],
    config: AlertConfig,
    now: str,
    delivery: str | None,
) -> None:
    touched: dict[str, list[_Seizure]] = defaultdict(list)
    for seizure in fresh:
        for entry in seizure.parties:
            node = party_network.get(entry[0])
            if node in watched.networks and seizure not in touched[node]:
                touched[node].append(seizure)
    for node, seizures in sorted(touched.items()):
        after = states.get(node)
        if after is None:
            continue
        members = set(after["parties"])
        earlier = [s for s in before_states.values() if members & set(s["parties"])]
        watches = watched.networks[node]
        threshold = watch_threshold(watches, config)
        risk, was = risk_now_and_before(after, earlier)
        cited = [s.id for s in seizures]
        name = f"network {after['network']} ('{after['label']}')"
        new_ids = ", ".join(cited[:MAX_CITED])
        if risk >= threshold and (was is None or was < threshold):
            since = "formed with" if was is None else f"was {was:.0f} before"
            raised.add(
                watched.agency,
                Rule.RISK_THRESHOLD,
                (after["network"], threshold, cited),
                f"Risk of {name} reached {risk:.0f}",
                f"The {name}, which you watch, now scores {risk:.0f} of 100 "
                f"(threshold {threshold:.0f}; {since}) after the seizures {new_ids}. "
                f"{after['risk_explanation'] or ''}".strip(),
                cited,
                subject=after["network"],
                network=after["network"],
                watches=watches,
                now=now,
                delivery=delivery,
            )
        if earlier:
            known, gained = jurisdictions_gained(after, earlier)
            if gained:
                where = [s for s in seizures if s.id in cited]
                raised.add(
                    watched.agency,
                    Rule.NEW_JURISDICTION,
                    (after["network"], gained, cited),
                    f"The {name} is seized in {', '.join(gained)} for the first time",
                    f"The {name}, which you watch, was seen in "
                    f"{', '.join(sorted(known)) or 'no jurisdiction'} until {new_ids} "
                    f"({', '.join(s.cite for s in where[:3])}); it is now seized in "
                    f"{', '.join(gained)} as well: tell that jurisdiction's customs.",
                    cited,
                    subject=after["network"],
                    network=after["network"],
                    watches=watches,
                    now=now,
                    delivery=delivery,
                )


def _covering(
    watched: Watched, parties: Iterable[str], party_network: dict[str, str], items: Iterable[str]
) -> list[Watch]:
    """The watches that make an event about `parties` (and the artefacts `items`)
    the agency's business."""
    found: list[Watch] = []
    for pid in parties:
        found += watched.party_watches.get(pid, [])
        node = party_network.get(pid)
        if node is not None:
            found += watched.networks.get(node, [])
    for item in items:
        found += watched.items.get(item, [])
    return list(dict.fromkeys(found))


def _history(
    store: GraphStore, parties: Iterable[str], agency: str, fresh: list[str]
) -> dict[str, list[list[Any]]]:
    out: dict[str, list[list[Any]]] = {}
    for chunk in chunks(parties):
        for row in store.read(live.PARTY_HISTORY_QUERY, ids=chunk, see=see(agency), fresh=fresh):
            out[row["party"]] = row["seizures"]
    return out


def _party_rules(
    store: GraphStore,
    raised: Raised,
    watched: Watched,
    fresh: list[_Seizure],
    queued: list[str],
    party_network: dict[str, str],
    now: str,
    delivery: str | None,
) -> None:
    agency = watched.agency
    principals = {
        entry[0]: entry
        for seizure in fresh
        for entry in seizure.parties
        if RelType(entry[1]) in _PRINCIPAL_RELS
    }
    if not principals:
        return
    entities = entity_parties(store, principals, agency)
    history = _history(store, set().union(*entities.values(), principals), agency, queued)
    # Shipper rotation: first seen now, sharing an artefact with an earlier party.
    newcomers = {pid for pid in principals if not history.get(pid)}
    artefacts: dict[str, set[str]] = defaultdict(set)
    for seizure in fresh:
        for entry in seizure.parties:
            if entry[0] in newcomers:
                for item in entry[3]:
                    artefacts[item.split(":", 1)[0]].add(item)
    earlier: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for prefix, items in artefacts.items():
        if prefix not in live.ARTEFACTS:
            continue
        label, rel = live.ARTEFACTS[prefix]
        for chunk in chunks(items):
            for row in store.read(
                live.earlier_holders_query(label, rel), ids=chunk, see=see(agency), fresh=queued
            ):
                earlier[row["artefact"]].append(row)
    for seizure in fresh:
        for entry in seizure.parties:
            pid = entry[0]
            if pid not in newcomers or RelType(entry[1]) not in _PRINCIPAL_RELS:
                continue
            entity = entities.get(pid, {pid})
            for item in entry[3]:
                for holder in earlier.get(item, ()):
                    if holder["party"] == pid or holder["party"] in entity:
                        continue
                    watches = _covering(watched, [pid, holder["party"]], party_network, [item])
                    if not watches:
                        continue
                    before_ = sorted(holder["seizures"], key=lambda s: (s[3] or "", s[0]))
                    first = before_[0]
                    raised.add(
                        agency,
                        Rule.SHIPPER_ROTATION,
                        (seizure.id, pid, item, holder["party"]),
                        f"'{_name(entry)}' may be '{first[4]}' under another name",
                        f"'{_name(entry)}', {_role(entry)} in {seizure.cite}, was never "
                        f"seized before, and gave {_artefact(item)} that '{first[4]}' gave "
                        f"in {len(before_)} earlier seizure(s), first {first[0]} (seized by "
                        f"{first[1]} on {first[3]}): the same operator may be shipping under "
                        "a new name. Compare the two parties' records before deciding.",
                        [seizure.id, *(s[0] for s in before_)],
                        subject=pid,
                        network=party_network.get(pid, "").split("@")[0] or None,
                        watches=watches,
                        now=now,
                        delivery=delivery,
                    )
    # A known infringer on a new route.
    for seizure in fresh:
        route = sorted(seizure.route, key=lambda r: (r[0] != RelType.LOADED_AT, r[1]))
        ports = [r[2] for r in route]
        if not ports:
            continue
        for entry in seizure.parties:
            pid = entry[0]
            if RelType(entry[1]) not in _PRINCIPAL_RELS or pid in newcomers:
                continue
            entity = entities.get(pid, {pid})
            past = {s[0]: s for m in entity for s in history.get(m, [])}
            if not past:
                continue
            seen = {port for s in past.values() for port in s[2]}
            if not seen:
                continue
            new = [p for p in ports if p not in seen]
            if not new:
                continue
            watches = _covering(watched, entity, party_network, [])
            if not watches:
                continue
            dates = sorted(s[1] for s in past.values() if s[1])
            raised.add(
                agency,
                Rule.NEW_ROUTE,
                (seizure.id, sorted(entity), new),
                f"'{_name(entry)}' on a new route through {', '.join(_port(p) for p in new)}",
                f"'{_name(entry)}', {_role(entry)} in {seizure.cite}, was seized "
                f"{len(past)} time(s) before{f' (first on {dates[0]})' if dates else ''}, "
                f"loaded at or passing through {', '.join(sorted(_port(p) for p in seen))}; "
                f"this shipment was loaded at or passed through "
                f"{', '.join(_port(p) for p in new)}, where it was not seen: a route to "
                "add to targeting.",
                [seizure.id, *sorted(past)],
                subject=pid,
                network=party_network.get(pid, "").split("@")[0] or None,
                watches=watches,
                now=now,
                delivery=delivery,
            )


def store_alerts(store: GraphStore, raised: Raised, report: AlertReport) -> None:
    """Store the alerts raised; those not stored before count in the report (an
    alert's id is a digest of what raised it: raised again, it is not new)."""
    new: list[str] = []
    rows = list({row["id"]: row for row in raised.rows}.values())
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        existing = set()
        for row in store.read(live.EXISTING_ALERTS_QUERY, ids=[r["id"] for r in batch]):
            existing.update(row["ids"])
        store.write(live.RAISE_ALERTS_QUERY, rows=batch)
        for row in batch:
            if row["id"] not in existing:
                new.append(row["id"])
                report.by_rule[row["props"]["rule"]] += 1
                report.by_agency[row["props"]["agency"]] += 1
    report.raised += len(new)


def raise_alerts(
    store: GraphStore,
    found: Before,
    config: AlertConfig | None = None,
    *,
    hooked: set[str] | None = None,
) -> AlertReport:
    """Run the rules over the queued seizures for each watching agency, store the
    new alerts (pending delivery for the agencies in `hooked`, which have a
    webhook), and clear the queue of the seizures looked at."""
    started = time.perf_counter()
    config = config or AlertConfig()
    report = AlertReport(seizures=len(found.queued), watches=len(found.watches))
    raised = Raised()
    if found.queued and found.watches:
        seizures = _seizures(store, found.queued)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        by_agency: dict[str, list[Watch]] = defaultdict(list)
        for watch in found.watches:
            by_agency[watch.agency].append(watch)
        report.agencies = len(by_agency)
        for agency, watches in sorted(by_agency.items()):
            fresh = [s for s in seizures.values() if visible_to(s.vis, agency)]
            if not fresh:
                continue
            delivery = "pending" if hooked and agency in hooked else None
            watched = resolve_watches(store, agency, watches)
            holders = {
                item: {
                    pid
                    for pid, ws in watched.party_watches.items()
                    if any(w.item == item for w in ws)
                }
                for item in watched.items
            }
            named = {entry[0] for s in fresh for entry in s.parties}
            party_network = network_nodes(store, named | set(watched.party_watches), watched.view)
            for seizure in fresh:
                _watched_item(raised, watched, seizure, holders, now, delivery)
            states = network_states(store, {party_network[p] for p in named if p in party_network})
            _network_rules(
                raised,
                watched,
                fresh,
                found.networks.get(agency, {}),
                states,
                party_network,
                config,
                now,
                delivery,
            )
            _party_rules(store, raised, watched, fresh, found.queued, party_network, now, delivery)
    store_alerts(store, raised, report)
    work.done(store, found.work)
    report.seconds = time.perf_counter() - started
    return report
