"""Tests of the pure resolution core (no database). `party` is the factory for
profiles: tests say the name, country and artefacts that matter, the rest follows."""

from __future__ import annotations

import hashlib

import pytest

from graph.resolve.evaluate import Corpus, load_corpus
from graph.resolve.profile import PartyProfile
from ingest.generate import generate
from ingest.normalise import comparison_form


def generated_corpus(tmp_path_factory: pytest.TempPathFactory, records: int, seed: int) -> Corpus:
    """The profiles and truth of `records` generated records, as loaded in memory."""
    folder = tmp_path_factory.mktemp("corpus") / "corpus"
    generate(records, seed, folder)
    return load_corpus(folder)


def party(
    name: str,
    country: str | None = "CN",
    *,
    phones: tuple[str, ...] = (),
    emails: tuple[str, ...] = (),
    addresses: tuple[str, ...] = (),
    identifiers: tuple[str, ...] = (),
    roles: tuple[str, ...] = ("shipper",),
) -> PartyProfile:
    """A profile as the loader would make it: name key from `comparison_form`, id from
    name key and country; artefacts given as plain values become node ids."""
    key = comparison_form(name) or name.casefold()
    digest = hashlib.sha256(f"{key}\x1f{country or ''}".encode()).hexdigest()[:24]
    return PartyProfile(
        id=f"party:{digest}",
        name=name,
        name_key=key,
        country=country,
        phones=frozenset(f"tel:{p}" for p in phones),
        emails=frozenset(f"mail:{e}" for e in emails),
        addresses=frozenset(f"addr:{a}" for a in addresses),
        identifiers=frozenset(f"id:{country or 'XX'}:{i}" for i in identifiers),
        roles=frozenset(roles),
    )
