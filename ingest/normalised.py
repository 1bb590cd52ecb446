"""From a canonical record to what the graph stores: ids, normalised values, links.

A value that cannot be normalised is kept as written and flagged on the seizure
(`flags`); only what makes a record meaningless (no readable date, an unknown
transport mode) rejects it, and the caller quarantines it with the reason.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Any, Final

from ingest import normalise
from ingest.agencies import DEFAULT_REGISTRY, AgencyRegistry, UnknownAgency
from ingest.handling import record_tokens
from ingest.normalise import (
    NormaliseError,
    PortResolver,
    PortResult,
    RatesTable,
    fold_port_name,
    normalise_container,
    normalise_email,
    normalise_hs,
    normalise_registration_id,
    normalise_transport_mode,
    parse_date,
)
from ingest.record import PartyRecord, SeizureRecord
from ingest.rows import LinkRow, SeizureWrite

# Names, addresses, phones, countries and ports recur across records (a network's
# shipper, a forwarder, a hub port), and their normalisers (rigour's transliteration,
# phonenumbers) cost about a millisecond a call: remember the answers. They are pure
# functions of their arguments.
_CACHE = 1 << 16
comparison_form = lru_cache(maxsize=_CACHE)(normalise.comparison_form)
normalise_address = lru_cache(maxsize=_CACHE)(normalise.normalise_address)
normalise_phone = lru_cache(maxsize=_CACHE)(normalise.normalise_phone)
resolve_country = lru_cache(maxsize=_CACHE)(normalise.resolve_country)

# Bounds past which a number is a typing or export error, not a seizure: kept in the
# record as sent and flagged, but not stored as a value that sums would add (a
# quantity of 1e308 made every total infinite). The largest seizures on record are
# worth some hundreds of millions of US dollars; 1e15 units of any currency is
# beyond any of them even in currencies worth a hundred-thousandth of a dollar.
MAX_AMOUNT: Final = Decimal("1e15")
MAX_USD: Final = 1e11
MAX_QUANTITY: Final = Decimal("1e12")


@dataclass(frozen=True)
class Source:
    """Where a record came from: file name, its sha256, the line (or sheet row)."""

    file: str
    sha256: str
    line: int

    @property
    def key(self) -> str:
        # Zero-padded line: keys of one file sort in file order.
        return f"{self.sha256}:{self.line:09d}"


class Normaliser:
    """Holds the reference tables (ports, rates) that normalising needs."""

    def __init__(
        self,
        ports: PortResolver | None = None,
        rates: RatesTable | None = None,
        agencies: AgencyRegistry | None = None,
    ):
        self._ports = ports
        self._rates = rates
        self.agencies = agencies or DEFAULT_REGISTRY

    @cached_property
    def ports(self) -> PortResolver:
        return self._ports or PortResolver.default()

    @cached_property
    def resolve_port(self) -> Callable[[str], PortResult]:
        return lru_cache(maxsize=_CACHE)(self.ports.resolve)

    @cached_property
    def rates(self) -> RatesTable:
        return self._rates or RatesTable.load()

    def to_write(
        self, record: SeizureRecord, source: Source, flags: tuple[str, ...] = ()
    ) -> SeizureWrite:
        """What the graph stores of `record`; `flags` are problems the reader found
        with values it left out (kept on the seizure with the normaliser's own)."""
        return _Builder(self, record, source, flags).build()


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


class _Builder:
    def __init__(
        self,
        normaliser: Normaliser,
        record: SeizureRecord,
        source: Source,
        flags: tuple[str, ...] = (),
    ):
        self.n = normaliser
        self.record = record
        self.source = source
        try:
            self.agency = normaliser.agencies.check(record.agency)
            releasable = {normaliser.agencies.check(c).code for c in record.handling.releasable_to}
        except UnknownAgency as exc:
            field = "agency" if normaliser.agencies.get(record.agency) is None else None
            raise NormaliseError(str(exc), field or "handling.releasable_to") from None
        self.releasable_to = sorted(releasable)
        self.id = f"{self.agency.code}:{record.record_id}"
        self.flags: list[str] = list(flags)
        self.links: list[LinkRow] = []

    def build(self) -> SeizureWrite:
        record = self.record
        try:
            seizure_date = parse_date(record.seizure_date)
        except NormaliseError as exc:
            raise exc.with_field("seizure_date") from None
        try:
            mode = normalise_transport_mode(record.transport_mode)
        except NormaliseError as exc:
            raise exc.with_field("transport_mode") from None

        canonical = record.model_dump(mode="json", exclude_defaults=True)
        canonical_json = json.dumps(canonical, sort_keys=True, ensure_ascii=False)
        handling = record.handling
        # Copied onto every relationship the record writes (by the record that sorts
        # first): `seizure` names the record that evidences it.
        prov = {
            "seizure": self.id,
            "agency": self.agency.code,
            "source": self.source.key,
            "source_file": self.source.file,
            "source_sha256": self.source.sha256,
            "source_line": self.source.line,
            "tlp": handling.tlp,
            "releasable_to": self.releasable_to,
            # Who may see what the record says (`ingest.handling`).
            "vis": record_tokens(self.agency.code, handling.tlp, self.releasable_to),
        }
        props: dict[str, Any] = {
            "record_id": record.record_id,
            "agency": self.agency.code,
            "seizure_date": seizure_date.isoformat(),
            "transport_mode": mode,
            "vessel_or_flight": record.vessel_or_flight,
            "record": canonical_json,
            # What the record says, not where it came from: a byte-identical record
            # in another file is the same record, unchanged.
            "content_hash": _digest(canonical_json),
            **{key: prov[key] for key in ("source", "source_file", "source_sha256")},
            "source_line": self.source.line,
            "tlp": handling.tlp,
            "releasable_to": prov["releasable_to"],
            "vis": prov["vis"],
        }
        props.update(self._value(seizure_date))
        props.update(self._goods())
        self._agency()
        self._ports()
        self._countries()
        self._containers()
        self._document()
        self._trademarks()
        self._case()
        self._parties()
        props["flags"] = self.flags
        return SeizureWrite(
            id=self.id,
            content_hash=props["content_hash"],
            props=props,
            prov=prov,
            links=self.links,
        )

    def _link(
        self, name: str, target_id: str, node: dict[str, Any] | None = None, **extra: Any
    ) -> None:
        source_id = extra.pop("source_id", self.id)
        seq = extra.pop("seq", None)
        self.links.append(
            LinkRow(name, source_id, target_id, {"id": target_id, **(node or {})}, extra, seq)
        )

    def _agency(self) -> None:
        self._link("reported_by", self.agency.code, {"name": self.agency.name})
        if self.agency.jurisdiction:
            self._link(
                "agency_in",
                self.agency.jurisdiction,
                source_id=self.agency.code,
            )

    def _value(self, on: Any) -> dict[str, Any]:
        value = self.record.value
        if value is None:
            return {}
        if value.amount > MAX_AMOUNT:
            self.flags.append(
                f"value: {value.amount} {value.currency} is not a plausible seizure value "
                f"(more than {MAX_AMOUNT:.0E}); kept in the record, not counted"
            )
            return {}
        props: dict[str, Any] = {
            "value_amount": float(value.amount),
            "value_currency": value.currency,
        }
        try:
            usd = self.n.rates.to_usd(value.amount, value.currency, on)
        except NormaliseError as exc:
            self.flags.append(f"value: {exc.reason}")
            return props
        if usd.amount_usd > MAX_USD:
            self.flags.append(
                f"value: {value.amount} {value.currency} is {usd.amount_usd:.3g} US dollars, "
                f"not a plausible seizure value (more than {MAX_USD:.0e}); not counted in dollars"
            )
            return props
        props.update(
            value_usd=round(usd.amount_usd, 2), usd_rate=usd.rate, usd_rate_month=usd.rate_month
        )
        return props

    def _goods(self) -> dict[str, Any]:
        descriptions, hs_codes, chapters, quantities, units = [], [], [], [], []
        for index, goods in enumerate(self.record.goods):
            descriptions.append(goods.description or "")
            quantity = goods.quantity
            if quantity is not None and quantity > MAX_QUANTITY:
                self.flags.append(
                    f"goods[{index}].quantity: {quantity} is not a plausible quantity "
                    f"(more than {MAX_QUANTITY:.0E}); kept in the record, not counted"
                )
                quantity = None
            quantities.append(float(quantity) if quantity is not None else -1.0)
            units.append(goods.unit or "")
            code = ""
            if goods.hs_code:
                try:
                    hs = normalise_hs(goods.hs_code)
                    code = hs.code
                    chapters.append(hs.chapter)
                except NormaliseError as exc:
                    self.flags.append(f"goods[{index}].hs_code: {exc.reason}")
            hs_codes.append(code)
        if not self.record.goods:
            return {}
        # Parallel lists: graph properties hold lists of scalars, not maps. A
        # quantity of -1 means "not given".
        return {
            "goods_descriptions": descriptions,
            "hs_codes": hs_codes,
            "hs_chapters": sorted(set(chapters)),
            "quantities": quantities,
            "units": units,
            "quantity_total": sum(q for q in quantities if q >= 0),
        }

    def _port(self, name: str, raw: str, **extra: Any) -> None:
        result = self.n.resolve_port(raw)
        port_id = port_node_id(raw, result.locode)
        if result.locode and not result.resolved:
            self.flags.append(f"{name}: UN/LOCODE {result.locode} is not in the reference table")
        elif not result.locode:
            self.flags.append(f"{name}: port {raw!r} could not be resolved to a UN/LOCODE")
        node = {
            "locode": result.locode,
            "name": result.name or raw,
            "country": result.country,
            "resolved": result.resolved,
        }
        self._link(LINK_OF_PORT_FIELD[name], port_id, node, raw=raw, **extra)
        if result.country:
            self._link("port_in", result.country, source_id=port_id)

    def _ports(self) -> None:
        record = self.record
        self._port("port_of_seizure", record.port_of_seizure)
        if record.port_of_loading:
            self._port("port_of_loading", record.port_of_loading)
        for seq, raw in enumerate(record.transit_ports):
            self._port("transit_ports", raw, seq=seq)
        if record.port_of_discharge:
            self._port("port_of_discharge", record.port_of_discharge)

    def _countries(self) -> None:
        for name, link in (("origin_country", "origin"), ("destination_country", "destination")):
            raw = getattr(self.record, name)
            if not raw:
                continue
            code = resolve_country(raw)
            if code is None:
                self.flags.append(f"{name}: {raw!r} is not a country we know")
                continue
            self._link(link, code, raw=raw)

    def _containers(self) -> None:
        for raw in self.record.containers:
            container = normalise_container(raw)
            if not container.valid:
                self.flags.append(f"containers: {raw!r}: {container.reason}")
            self._link(
                "in_container",
                container.number,
                {"number": container.number, "valid": container.valid},
                raw=raw,
            )

    def _document(self) -> None:
        raw = self.record.transport_document
        if not raw:
            return
        doc_id = document_id(raw)
        if doc_id:
            self._link("documented_by", doc_id, {"number": doc_id.removeprefix("doc:")}, raw=raw)

    def _trademarks(self) -> None:
        marks: dict[str, dict[str, str | None]] = {}
        for mark in self.record.trademarks:
            marks[mark.mark] = {
                "rights_holder": mark.rights_holder,
                "registration": mark.registration,
            }
        for goods in self.record.goods:
            for mark_name in goods.trademarks:
                marks.setdefault(mark_name, {"rights_holder": None, "registration": None})
        for mark_name, details in marks.items():
            mark_id = trademark_id(mark_name)
            holder = details["rights_holder"]
            holder_id = f"rh:{comparison_form(holder) or holder.casefold()}" if holder else None
            # The seizure's own link says what the record wrote of the mark and its
            # rights holder: the evidence of the mark's label and of OWNED_BY.
            self._link(
                "infringes",
                mark_id,
                {"mark": mark_name.strip()},
                registration=details["registration"],
                as_written=mark_name,
                rights_holder=holder_id,
                rights_holder_name=holder,
            )
            if holder and holder_id:
                self._link("owned_by", holder_id, {"name": holder}, source_id=mark_id)

    def _case(self) -> None:
        if self.record.case_ref:
            case_id = f"{self.agency.code}:{self.record.case_ref}"
            self._link("part_of", case_id, {"ref": self.record.case_ref})

    def _parties(self) -> None:
        record = self.record
        roles: list[tuple[str, int, PartyRecord | None]] = [
            ("shipped_by", 0, record.shipper),
            ("consigned_to", 0, record.consignee),
            ("forwarded_by", 0, record.forwarder),
        ]
        roles += [("manufactured_by", i, party) for i, party in enumerate(record.manufacturers)]
        for link, index, party in roles:
            if party is not None:
                self._party(link, index, party)

    def _party(self, link: str, index: int, party: PartyRecord) -> None:
        ident = party_identity(
            party.name,
            party.country,
            address=party.address,
            phone=party.phone,
            email=party.email,
            registration_id=party.registration_id,
        )
        self.flags.extend(f"{link}: {problem}" for problem in ident.problems)
        country = ident.country
        # The artefacts this record gives the party: the evidence of each of the
        # party's HAS_* links (who may see them follows from who may see this record).
        artefacts = [
            node_id
            for node_id in (
                ident.address_id,
                ident.phone_id,
                ident.email_id,
                ident.identifier_id,
            )
            if node_id
        ]
        self._link(
            link,
            ident.id,
            {"name": party.name, "name_key": ident.name_key, "country": country},
            name_as_written=party.name,
            index=index,
            artefacts=artefacts,
        )
        if ident.address_id:
            self._link(
                "has_address",
                ident.address_id,
                {"text": party.address, "normalised": ident.address, "country": country},
                source_id=ident.id,
            )
        if ident.phone_id:
            self._link("has_phone", ident.phone_id, {"number": ident.phone}, source_id=ident.id)
        if ident.email_id:
            self._link("has_email", ident.email_id, {"address": ident.email}, source_id=ident.id)
        if ident.identifier_id:
            self._link(
                "has_identifier",
                ident.identifier_id,
                {
                    "value": ident.identifier,
                    "country": country,
                    "valid": ident.identifier_valid,
                },
                source_id=ident.id,
            )


# --- Node ids ---------------------------------------------------------------------------
# One function per id rule, for the loader and for every lookup that must find the
# node a record made (`/v1/seizures?port=`, `/v1/entities?q=`, `/v1/match`).


def port_node_id(raw: str, locode: str | None) -> str:
    """A Port's id: its UN/LOCODE, or `unresolved:<folded name>` when none is known."""
    return locode or f"unresolved:{fold_port_name(raw)}"


def trademark_id(mark: str) -> str:
    """A Trademark's id: the mark with case and spacing folded."""
    return "tm:" + " ".join(mark.casefold().split())


def document_id(raw: str) -> str | None:
    """A TransportDocument's id: letters and digits only, upper case; None if none."""
    number = "".join(ch for ch in raw.upper() if ch.isalnum())
    return f"doc:{number}" if number else None


@dataclass(frozen=True)
class PartyIdentity:
    """The ids a party's name and contact details become in the graph.

    One function makes them for the loader and for lookups (`/v1/match`), so a
    query finds exactly the nodes a record with the same details would have made.
    """

    id: str
    name_key: str
    country: str | None
    address: str | None = None
    address_id: str | None = None
    phone: str | None = None
    phone_id: str | None = None
    email: str | None = None
    email_id: str | None = None
    identifier: str | None = None
    identifier_id: str | None = None
    identifier_valid: bool | None = None
    problems: tuple[str, ...] = ()


def party_identity(
    name: str,
    country: str | None = None,
    *,
    address: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    registration_id: str | None = None,
) -> PartyIdentity:
    problems: list[str] = []
    code = resolve_country(country) if country else None
    if country and code is None:
        problems.append(f"country {country!r} is not a country we know")
    name_key = comparison_form(name) or name.casefold()
    fields: dict[str, Any] = {}
    if address:
        normalised = normalise_address(address)
        if normalised:
            fields["address"] = normalised
            fields["address_id"] = f"addr:{_digest(normalised, code or '')}"
    if phone:
        number = normalise_phone(phone, code)
        if number:
            fields["phone"] = number
            fields["phone_id"] = f"tel:{number}"
        else:
            problems.append(f"phone {phone!r} is not a phone number")
    if email:
        mail = normalise_email(email)
        if mail:
            fields["email"] = mail
            fields["email_id"] = f"mail:{mail}"
        else:
            problems.append(f"email {email!r} is not an email address")
    if registration_id:
        registration = normalise_registration_id(registration_id, code)
        if registration.value:
            fields["identifier"] = registration.value
            fields["identifier_id"] = f"id:{code or 'XX'}:{registration.value}"
            fields["identifier_valid"] = registration.valid
    return PartyIdentity(
        id=f"party:{_digest(name_key, code or '')}",
        name_key=name_key,
        country=code,
        problems=tuple(problems),
        **fields,
    )


LINK_OF_PORT_FIELD = {
    "port_of_seizure": "seized_at",
    "port_of_loading": "loaded_at",
    "transit_ports": "transited",
    "port_of_discharge": "discharged_at",
}
