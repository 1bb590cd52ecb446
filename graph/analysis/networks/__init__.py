"""Infringer networks: entities bound by identity links, computed over the whole graph.

How a network is formed (`build_networks`)
-------------------------------------------
Nodes are entities (Party clusters, `Party.cluster`). Links between two entities
come from evidence of these kinds, each with a weight per piece of evidence:

- `identifier` (1.0): both hold one registration number;
- `phone`, `email` (0.9): both were written with one phone / email;
- `document` (0.9): their seizures share a transport document, and no seizure on
  it names both (the shipper and consignee of one shipment recorded twice share
  that shipment, nothing more);
- `address` (0.45): both were written at one address. An address corroborates
  and does not bind on its own: unrelated companies share registered-office and
  company-secretary addresses and small serviced offices (at 100k generated
  records, 4,700 addresses are shared by entities of no planted network, against
  510 shared inside one; weighed 0.8, such an address pulled 2 to 6 strangers into
  half of the planted networks). With one seizure together, or a second shared
  address, it binds; alone it does not attach an entity to a network either;
- `co_seizure` (0.4 per shipment): named in one seizure as shipper, consignee or
  manufacturer; seizures on one transport document are one shipment (seized at
  two places along its route, or recorded once per rights holder) and count once;
- `forwarder` (0.3 per seizure, at most 0.3 in all): a forwarder that is not a hub
  and a party of one seizure;
- `container` (0.2 per pair of seizures, at most 0.35 in all): their seizures used
  one container within 90 days of each other.

Repeated evidence of one kind adds up as independent evidence (`1 - (1 - w)^n`),
and kinds combine the same way (noisy-or) into the link's weight. Hubs are not
links: an address, phone, email, identifier or transport document shared by more
than `ARTEFACT_CAP` entities, a container whose seizures name more than
`CONTAINER_CAP` entities, and a forwarder seen with more than `FORWARDER_CAP`
entities give no link at all (a business centre, a carrier's box, DHL); such a
forwarder's own phone and address bind nothing either.

A link is *binding* at weight `STRONG` (0.6) or more. Forwarder and container
evidence are capped so that together they stay below it: they corroborate, never
bind on their own (one seizure together plus two containers within 90 days does
bind). Networks are then formed in two steps, so that weak links cannot merge
unrelated networks:

1. the connected components of binding links that hold two or more entities named
   as shipper, consignee or manufacturer are the cores (offices of one logistics
   group sharing a phone are no infringer network). An entity holding a Party that
   may be several companies or persons (its records give it several addresses,
   phones or registration numbers: a name written short, "Fuchang Industrial Co.,
   Ltd." for the Dongguan and the Xiamen company, or one consignee name for several
   people; `graph.resolve.profile.several_written`) binds nothing: its seizures may
   be another namesake's, and through them it would join unrelated networks;
2. an entity in no core joins a network when it is linked (by links other than
   container-only ones) into that one network and no other, and those links
   together weigh at least `PENDANT_MIN` (0.5, more than one seizure together); in
   up to `PENDANT_ROUNDS` rounds, each on the membership at its start. The
   network's own forwarder joins, and so does a manufacturer named with two of its
   fronts, then the buyer named with that manufacturer and a front; a consignee
   named once with one shipper does not, nor does a consignee linked to two
   networks, and no weak link ever joins two networks. An entity that may be
   several joins this way, when everything it is linked to leads into one network.

A network's id is `net:` followed by its smallest Party id (without `party:`), so
it stays the same across rebuilds while that party stays in it.

Risk (0 to 100)
---------------
`risk = 100 * sum(weight_i * score_i)`, each score in [0, 1]:

- seizures `n` (weight 0.10): `log(1 + n) / log(101)`, 1 at 100;
- value in USD `v` (0.10): `log10(1 + v) / 7`, 1 at 10 million;
- jurisdictions `j` of the agencies that seized (0.15): `(j - 1) / 3`, 1 at 4;
- recency (0.10): `exp(-d / 365)`, `d` the days from its last seizure to the newest
  seizure its view sees (counted when the risk is read, see below);
- growth (0.10): `(late - early) / n`, `late` and `early` its seizures in the second
  and first half of its active period; 0 when shrinking or under 4 seizures;
- confirmed infringers (0.15): the share of its entities that are confirmed;
- shared identity (0.15): `1 - 0.5^k`, `k` the pairs of its entities written with
  one phone, email, registration number or address (links in the network with such
  evidence). Distinct companies that share an identity are what front companies
  look like; two regular traders seized together many times share none. Without
  it, such traders, seized by every agency, outranked the planted networks of the
  generated feeds (AUC 0.47 at 10k records, 0.53 at 100k; 0.81 with it, see
  BENCHMARKS.md).
- corroborated links (0.15): `1 - 0.5^c`, `c` the binding links of the network that
  rest on more than seizures together (a transport document, phone, email,
  registration number or address beside or instead of co-seizures). Regular
  traders seized together in many jurisdictions are bound by co-seizures alone (a
  trade lane); an organisation also reuses documents and identities. Without it,
  such traders outranked dormant planted networks (AUC 0.87 at 10k records, seed 2;
  0.98 with it, BENCHMARKS.md, issue 25).

A *confirmed infringer* is an entity named by a seizure that is part of a Case (an
agency opened an investigation on it), or holding a party whose SAME_AS link an
analyst confirmed (a person looked at it and vouched for it). Dates are relative to
the newest seizure in the graph, not to the clock, so a rebuild of the same graph
gives the same scores. Each network stores the contribution of each input but
recency (`risk_inputs`) and their sum (`risk_base`); recency is counted when the
risk is read (`risk.risk_at`), to the day its view's stamp holds (the newest
seizure the view sees), and the explanation is written then. A seizure newer than
every other thus moves one stamp per view, not the stored risk of every network.

Views
-----
Every network, its members, links, evidence, counts and risk is computed over what
one view sees: the whole graph (the operator's, and what `evaluate-networks`
measures), the public view (records CLEAR or GREEN), and one view per agency that
some record names (`build`, `projection.project`). An agency reads its own view, or
the public one when no record names it (`answers`); it never sees a network, a
member or a count that rests on a record it may not see.

Modules: `rules` (weights, caps, thresholds), `projection` (what networks are
formed from, per view), `grouping` (evidence, links, cores and pendants), `risk`,
`build` (computing and storing every view), `answers` (the API's reads).
"""

from graph.analysis.networks.answers import (
    Community,
    KeyPlayer,
    MonthCount,
    NetworkDetail,
    NetworkPage,
    NetworkSort,
    NetworkSummary,
    NetworkView,
    Route,
    get_network,
    list_networks,
    network_of,
)
from graph.analysis.networks.build import BuildReport, build_networks, network_id
from graph.analysis.networks.projection import party_networks
from graph.analysis.networks.risk import RiskInput
from graph.analysis.networks.rules import pair_weight

__all__ = [
    "BuildReport",
    "Community",
    "KeyPlayer",
    "MonthCount",
    "NetworkDetail",
    "NetworkPage",
    "NetworkSort",
    "NetworkSummary",
    "NetworkView",
    "RiskInput",
    "Route",
    "build_networks",
    "get_network",
    "list_networks",
    "network_id",
    "network_of",
    "pair_weight",
    "party_networks",
]
