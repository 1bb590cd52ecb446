"""Entity resolution over the real store: links, increments, judgements, entity views,
matching and search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph import queries, work
from graph.access import OPERATOR
from graph.errors import InvalidInput, NotFound
from graph.export import node_ids
from graph.load import Loader
from graph.lookup import search
from graph.model import MACHINE_STATUSES, LinkStatus
from graph.resolve.blocking import blocking_keys
from graph.resolve.clusters import bound_parties, links_around, resolution_outcome
from graph.resolve.decide import HELD_SEVERAL
from graph.resolve.entities import Judgement, entity, judge
from graph.resolve.match import QueryParty, match_parties, query_profile
from graph.resolve.score import AUTO_THRESHOLD, REVIEW_THRESHOLD, compare
from graph.resolve.service import (
    evaluate_store,
    holders_after,
    key_changes,
    key_holders,
    mark_all_pending,
    party_clusters,
    party_profiles,
    resolve,
    stored_keys,
    write_key_changes,
)
from graph.schema import ensure_schema
from graph.store import GraphStore
from graph.work import Work
from ingest.normalise import PortResolver
from ingest.normalised import party_identity
from tests.factories import seizure_record, write_ndjson

PHONE = "+86 755 1234 5678"
SPELLINGS = (
    ("Shenzhen Huaxin Trading Co., Ltd.", "HK-CED"),
    ("Huaxin Trading (Shenzhen) Co Ltd", "US-CBP"),
    ("深圳华信贸易有限公司", "CN-GACC"),
)
NAMESAKE = "Dongguan Huaxin Trading Co., Ltd."


def _pid(name: str, country: str = "CN") -> str:
    return party_identity(name, country).id


def _load(store: GraphStore, tmp_path: Path, records: list[dict[str, Any]], name: str) -> None:
    loader = Loader(store, tmp_path / "quarantine")
    report = loader.load_file(write_ndjson(tmp_path / name, records))
    assert report.quarantined == 0, report.reasons


def _spelling_records() -> list[dict[str, Any]]:
    records = []
    for name, agency in SPELLINGS:
        shipper = {"name": name, "country": "CN", "phone": PHONE}
        records.append(seizure_record(agency=agency, shipper=shipper))
    # A company of nearly the same name in another city, sharing nothing.
    records.append(seizure_record(shipper={"name": NAMESAKE, "country": "CN"}))
    return records


@pytest.fixture
def resolved(store: GraphStore, tmp_path: Path) -> GraphStore:
    _load(store, tmp_path, _spelling_records(), "first.ndjson")
    resolve(store)
    return store


def test_spellings_and_scripts_sharing_a_phone_become_one_entity(resolved: GraphStore) -> None:
    clusters = party_clusters(resolved)
    ids = [_pid(name) for name, _ in SPELLINGS]
    assert len({clusters[pid] for pid in ids}) == 1
    assert clusters[ids[0]] == min(ids)


def test_a_namesake_in_another_city_with_nothing_shared_is_not_linked_automatically(
    resolved: GraphStore,
) -> None:
    clusters = party_clusters(resolved)
    namesake = _pid(NAMESAKE)
    assert clusters[namesake] == namesake
    view = entity(resolved, OPERATOR, namesake)
    assert [m["id"] for m in view.members] == [namesake]
    assert all(link["status"] != LinkStatus.AUTO for link in view.links)


def test_every_link_says_why(resolved: GraphStore) -> None:
    view = entity(resolved, OPERATOR, _pid(SPELLINGS[0][0]))
    auto = [link for link in view.links if link["status"] == LinkStatus.AUTO]
    assert auto
    for link in auto:
        assert link["score"] >= AUTO_THRESHOLD
        assert link["features"]["name_similarity"] > 0
        assert link["explanation"]
        assert link["a"] < link["b"]


def test_the_entity_view_lists_every_spelling_with_its_agency(resolved: GraphStore) -> None:
    view = entity(resolved, OPERATOR, _pid(SPELLINGS[1][0]))
    assert {m["id"] for m in view.members} == {_pid(name) for name, _ in SPELLINGS}
    written = {(row["name"], tuple(row["agencies"])) for row in view.names}
    assert written == {(name, (agency,)) for name, agency in SPELLINGS}
    for row in view.names:
        assert row["seizures"] == 1
        assert len(row["examples"]) == 1 and row["examples"][0].startswith(row["agencies"][0])


def test_unknown_party_is_not_found(store: GraphStore) -> None:
    with pytest.raises(NotFound, match="party:nope"):
        entity(store, OPERATOR, "party:nope")


def test_resolving_again_compares_only_new_or_renamed_parties(
    resolved: GraphStore, tmp_path: Path
) -> None:
    assert resolve(resolved).compared_parties == 0
    newcomer = {"name": "Huaxin Trading Co Ltd", "country": "CN", "phone": PHONE}
    _load(resolved, tmp_path, [seizure_record(shipper=newcomer)], "second.ndjson")
    report = resolve(resolved)
    # The new record names its shipper (new) and its consignee (named again).
    assert report.compared_parties == 2
    clusters = party_clusters(resolved)
    assert clusters[_pid("Huaxin Trading Co Ltd")] == clusters[_pid(SPELLINGS[0][0])]


def test_an_incremental_run_reads_the_links_of_its_parties_and_among_their_entities(
    resolved: GraphStore, tmp_path: Path
) -> None:
    # One entity of three spellings, one of them rejected with another by an
    # analyst, and a namesake with a suggestion or no link: the walk must give what
    # reading the pending parties' links, then every link among the parties of the
    # entities reached, gives.
    chinese, hk, us = (_pid(name) for name, _ in SPELLINGS)
    judge(
        resolved,
        Judgement(a=chinese, b=us, status=LinkStatus.REJECTED, decided_by="analyst-7"),
    )
    newcomer = {"name": "Huaxin Trading Co Ltd", "country": "CN", "phone": PHONE}
    _load(resolved, tmp_path, [seizure_record(shipper=newcomer)], "second.ndjson")
    pending = [_pid("Huaxin Trading Co Ltd"), _pid(NAMESAKE)]
    around = [hk, us]

    def fields(rows: list[dict[str, Any]]) -> set[tuple[str, str, str, bool]]:
        return {(row["a"], row["b"], row["status"], bool(row["binds"])) for row in rows}

    reached = bound_parties(resolved, {*pending, *around})
    assert {hk, us} <= reached
    expected = fields(resolved.read(queries.TOUCHING_LINKS_QUERY, ids=pending)) | fields(
        resolved.read(queries.LINKS_AMONG_QUERY, ids=sorted(reached))
    )
    walked = links_around(resolved, pending, around)
    assert fields(walked) == expected
    assert len(walked) == len(expected)
    # The rejection holds among the parties reached, the namesake's links as they are.
    assert {status for _, _, status, _ in expected} >= {"rejected", "auto"}


def test_resolving_unchanged_parties_again_writes_the_same_links_and_entities(
    resolved: GraphStore, tmp_path: Path
) -> None:
    chinese, _, us = (_pid(name) for name, _ in SPELLINGS)
    judge(
        resolved,
        Judgement(a=chinese, b=us, status=LinkStatus.REJECTED, decided_by="analyst-7"),
    )
    before = resolution_outcome(resolved)
    assert len(before["links"]) >= 3
    assert {row[0] for row in before["parties"]} == set(party_clusters(resolved))
    # Every party queued again, resolved incrementally: nothing to change.
    assert mark_all_pending(resolved) == len(before["parties"])
    report = resolve(resolved)
    assert report.compared_parties == len(before["parties"])
    assert report.workers == 0
    assert resolution_outcome(resolved) == before


def test_a_name_written_short_by_two_companies_does_not_join_them(
    store: GraphStore, tmp_path: Path
) -> None:
    # Two companies of one trade name in two cities, each in two spellings with its
    # own phone; both also write the name short, which makes one Party with both
    # phones. With blocking keys held by at most three parties (what the trade
    # name's words become at 100k records: too common to be keys), only pairs that
    # share a phone are compared, and no pair says the two companies differ.
    dongguan, xiamen = "+86 769 2233 4455", "+86 592 6677 8899"
    named = [
        ("Dongguan Fuchang Industrial Co., Ltd.", dongguan),
        ("Fuchang Industrial (Dongguan) Co Ltd", dongguan),
        ("Xiamen Fuchang Industrial Co., Ltd.", xiamen),
        ("XIAMEN FUCHANG INDUSTRIAL CO LIMITED", xiamen),
        ("Fuchang Industrial Co., Ltd.", dongguan),
        ("Fuchang Industrial Co., Ltd.", xiamen),
    ]
    records = [
        seizure_record(shipper={"name": name, "country": "CN", "phone": phone})
        for name, phone in named
    ]
    _load(store, tmp_path, records, "short.ndjson")
    short = _pid("Fuchang Industrial Co., Ltd.")
    assert party_profiles(store, [short])[short].may_be_several
    resolve(store, max_block=3)
    clusters = party_clusters(store)
    assert clusters[_pid(named[0][0])] == clusters[_pid(named[1][0])]
    assert clusters[_pid(named[2][0])] == clusters[_pid(named[3][0])]
    assert clusters[_pid(named[0][0])] != clusters[_pid(named[2][0])]
    # The short name joins one of them; its links to the other are suggestions.
    view = entity(store, OPERATOR, short)
    assert clusters[short] in {clusters[_pid(named[0][0])], clusters[_pid(named[2][0])]}
    held = [row for row in view.suggestions if row["score"] >= AUTO_THRESHOLD]
    assert held
    assert all(row["explanation"].endswith(HELD_SEVERAL) for row in held)


def _assert_keys_are_sound(store: GraphStore, ids: list[str]) -> dict[str, set[str]]:
    """Each party holds exactly its blocking keys, and each key lists and counts
    exactly the parties holding it."""
    held = stored_keys(store, ids)
    profiles = party_profiles(store, ids)
    assert held == {pid: blocking_keys(profile) for pid, profile in profiles.items()}
    keys = key_holders(store, set().union(*held.values()))
    assert keys
    for key, (count, holders) in keys.items():
        assert count == len(holders) == len(set(holders))
        assert set(holders) == {pid for pid in ids if key in held[pid]}
    return held


def test_keys_are_written_once_and_counted_as_they_change(
    resolved: GraphStore, tmp_path: Path
) -> None:
    ids = [_pid(name) for name, _ in SPELLINGS] + [_pid(NAMESAKE)]
    before = _assert_keys_are_sound(resolved, ids)
    phone_key = next(key for key in before[ids[0]] if key.startswith("art:tel:"))
    assert key_holders(resolved, [phone_key])[phone_key][0] == len(SPELLINGS)
    # A full run rewrites no key: nothing changed.
    assert write_key_changes(resolved, key_changes(before, stored_keys(resolved, ids))) == 0
    resolve(resolved, full=True)
    assert _assert_keys_are_sound(resolved, ids) == before
    # The namesake gains a phone: it gains that key, and the key one holder.
    gained = {"name": NAMESAKE, "country": "CN", "phone": PHONE}
    _load(resolved, tmp_path, [seizure_record(shipper=gained)], "second.ndjson")
    resolve(resolved)
    after = _assert_keys_are_sound(resolved, ids)
    assert after[_pid(NAMESAKE)] == before[_pid(NAMESAKE)] | {phone_key}
    assert key_holders(resolved, [phone_key])[phone_key][0] == len(SPELLINGS) + 1
    # Keys a party no longer has (blocking changed between versions) lose it; a run
    # killed before the parties' lists were written, run again, ends the same.
    fewer = {_pid(NAMESAKE): after[_pid(NAMESAKE)] - {phone_key}}
    assert write_key_changes(resolved, key_changes(fewer, after)) == 1
    assert write_key_changes(resolved, key_changes(fewer, after)) == 1
    assert stored_keys(resolved, fewer) == fewer
    count, holders = key_holders(resolved, [phone_key])[phone_key]
    assert count == len(holders) == len(SPELLINGS)
    assert _pid(NAMESAKE) not in holders


def test_who_holds_each_key_is_worked_out_before_the_keys_are_written(
    resolved: GraphStore, tmp_path: Path
) -> None:
    """`resolve` scores pairs while the keys are written, from `holders_after`: it
    must give what the graph holds once they are, for any size of common key."""
    newcomer = {"name": "Huaxin Trading Co Ltd", "country": "CN", "phone": PHONE}
    _load(resolved, tmp_path, [seizure_record(shipper=newcomer)], "second.ndjson")
    ids = [_pid(name) for name, _ in SPELLINGS] + [_pid(NAMESAKE), _pid(newcomer["name"])]
    held = stored_keys(resolved, ids)
    keys_of = {pid: blocking_keys(p) for pid, p in party_profiles(resolved, ids).items()}
    phone_key = next(key for key in held[ids[0]] if key.startswith("art:tel:"))
    # One party loses the phone's key (blocking changed between versions).
    keys_of[ids[0]] = keys_of[ids[0]] - {phone_key}
    changes = key_changes(keys_of, held)
    assert any(row["dropped"] for row in changes.keys)
    assert any(row["added"] for row in changes.keys)
    sizes = (1, 2, 3, 50)
    worked_out = {size: holders_after(resolved, keys_of, changes, size) for size in sizes}
    write_key_changes(resolved, changes)
    stored = key_holders(resolved, set().union(*keys_of.values()))
    for size in sizes:
        expected = {key: sorted(found) for key, (count, found) in stored.items() if count <= size}
        assert {key: sorted(holders) for key, holders in worked_out[size].items()} == expected
    assert worked_out[3][phone_key] and phone_key not in worked_out[2]


def test_a_key_held_by_more_parties_than_a_key_lists_becomes_a_hub_and_stays_one(
    resolved: GraphStore, tmp_path: Path
) -> None:
    """A key held by more than `max_listed` parties stops listing them (rewriting
    a city's list of thousands was most of an incremental run's writing at 100k)."""
    ids = [_pid(name) for name, _ in SPELLINGS]
    held = _assert_keys_are_sound(resolved, [*ids, _pid(NAMESAKE)])
    phone_key = next(key for key in held[ids[0]] if key.startswith("art:tel:"))
    with pytest.raises(ValueError, match="max_block"):
        resolve(resolved, max_block=4, max_listed=3)
    # The namesake gains the phone: its key, held by four with room for three
    # listed, becomes a hub; who will hold what is worked out so beforehand.
    gained = {"name": NAMESAKE, "country": "CN", "phone": PHONE}
    _load(resolved, tmp_path, [seizure_record(shipper=gained)], "second.ndjson")
    namesake = _pid(NAMESAKE)
    keys_of = {namesake: blocking_keys(party_profiles(resolved, [namesake])[namesake])}
    changes = key_changes(keys_of, stored_keys(resolved, [namesake]))
    worked_out = holders_after(resolved, keys_of, changes, max_block=3, max_listed=3)
    assert phone_key not in worked_out
    resolve(resolved, max_block=3, max_listed=3)
    assert phone_key in stored_keys(resolved, [namesake])[namesake]
    assert key_holders(resolved, [phone_key])[phone_key] == (4, [])
    stored = key_holders(resolved, keys_of[namesake])
    listed = {key: sorted(found) for key, (count, found) in stored.items() if count <= 3}
    assert {key: sorted(found) for key, found in worked_out.items()} == listed
    # Losing a holder, even twice over (a killed run run again), leaves it a hub;
    # the other keys of that party still list exactly their holders.
    after = stored_keys(resolved, ids)
    fewer = {ids[0]: after[ids[0]] - {phone_key}}
    lost = key_changes(fewer, after)
    assert phone_key not in holders_after(resolved, fewer, lost, 3, 3)
    for _ in range(2):
        write_key_changes(resolved, lost, max_listed=3)
    assert key_holders(resolved, [phone_key])[phone_key] == (4, [])
    for key, (count, found) in key_holders(resolved, after[ids[0]] - {phone_key}).items():
        assert (count, found) == (4, []) or (count == len(found) and ids[0] in found), key


def test_keys_of_an_earlier_layout_are_rewritten_by_a_full_run(resolved: GraphStore) -> None:
    ids = [_pid(name) for name, _ in SPELLINGS] + [_pid(NAMESAKE)]
    before = _assert_keys_are_sound(resolved, ids)
    # Keys as an earlier version wrote them: counted, not listed.
    resolved.write(queries.DELETE_BLOCK_KEYS_QUERY, batch_size=100_000)
    for key in sorted(set().union(*before.values())):
        resolved.write(queries.LEGACY_BLOCK_KEY_QUERY, key=key, parties=1)
    report = resolve(resolved)
    assert report.legacy_keys_removed == len(set().union(*before.values()))
    assert report.compared_parties == len(party_clusters(resolved))
    assert _assert_keys_are_sound(resolved, ids) == before
    assert resolve(resolved).compared_parties == 0


def test_work_an_earlier_version_queued_is_done(resolved: GraphStore) -> None:
    """Earlier versions flagged a queued party (`er_pending`, later `er_queued`) and
    a queued seizure (`alert_queued`); the schema takes a graph they left over once."""
    pid = _pid(SPELLINGS[0][0])
    assert resolve(resolved).compared_parties == 0
    # The loaded seizures' alerts step has not run: its work is taken off.
    work.done(resolved, work.queued(resolved, Work.SEIZURES))
    seizure = min(i for i, labels in node_ids(resolved).items() if "Seizure" in labels)
    resolved.write(queries.LEGACY_QUEUE_PARTY_QUERY, id=pid)
    resolved.write(queries.LEGACY_QUEUE_SEIZURE_QUERY, id=seizure)
    # Flags under this version's marker are nobody's: only a graph left by an
    # earlier version (no marker) has its flags taken over.
    assert work.adopt_flags(resolved) == 0
    assert resolve(resolved).compared_parties == 0
    resolved.write(queries.DONE_WORK_QUERY, ids=[work.ADOPTED])
    ensure_schema(resolved)
    assert work.queued(resolved, Work.SEIZURES).ids == [seizure]
    report = resolve(resolved)
    assert report.compared_parties == 1
    assert report.candidate_pairs > 0
    assert resolve(resolved).compared_parties == 0
    # Taken over once: the flags are gone, the marker is back.
    assert work.adopt_flags(resolved) == 0


def test_a_machine_link_its_pair_no_longer_earns_is_removed(resolved: GraphStore) -> None:
    """A link written by an earlier run (here planted, as if scoring had changed
    since) goes when its pair is compared again and scores under review; the other
    links of the party stay as scored."""
    namesake = _pid(NAMESAKE)
    others = [_pid(name) for name, _ in SPELLINGS]
    profiles = party_profiles(resolved, [namesake, *others])
    scores = {pid: compare(profiles[namesake], profiles[pid]).score for pid in others}
    unlinked = [pid for pid, score in scores.items() if score < REVIEW_THRESHOLD]
    assert unlinked, scores  # the case this test is about
    planted = [
        {
            "a": min(namesake, pid),
            "b": max(namesake, pid),
            "score": 0.99,
            "features": "{}",
            "explanation": "planted",
            "status": LinkStatus.AUTO.value,
            "at": "2026-01-01T00:00:00Z",
        }
        for pid in unlinked
    ]
    machine = [status.value for status in MACHINE_STATUSES]
    resolved.write(queries.UPSERT_MACHINE_LINKS_QUERY, rows=planted, machine_statuses=machine)
    before = {frozenset((x["a"], x["b"])): x for x in entity(resolved, OPERATOR, others[0]).links}
    planted_links = {
        frozenset((x["a"], x["b"])) for x in entity(resolved, OPERATOR, namesake).links
    }
    assert {frozenset((namesake, pid)) for pid in unlinked} <= planted_links
    resolved.execute_write(lambda tx: work.queue(tx, Work.PARTIES, [namesake]))
    report = resolve(resolved)
    assert report.removed == len(unlinked)
    assert party_clusters(resolved)[namesake] == namesake
    left = {frozenset((x["a"], x["b"])): x for x in entity(resolved, OPERATOR, namesake).links}
    assert not any(frozenset((namesake, pid)) in left for pid in unlinked)
    after = {frozenset((x["a"], x["b"])): x for x in entity(resolved, OPERATOR, others[0]).links}
    assert {pair: after[pair] for pair in after if namesake not in pair} == {
        pair: before[pair] for pair in before if namesake not in pair
    }


def test_scoring_in_worker_processes_links_exactly_as_scoring_in_place(
    resolved: GraphStore,
) -> None:
    ids = [_pid(name) for name, _ in SPELLINGS] + [_pid(NAMESAKE)]

    def links() -> list[tuple[str, str, float, str]]:
        views = [entity(resolved, OPERATOR, pid) for pid in ids]
        return sorted({(x["a"], x["b"], x["score"], x["status"]) for v in views for x in v.links})

    in_place = links()
    assert in_place
    report = resolve(resolved, full=True, workers=2)
    assert report.candidate_pairs > 0
    assert links() == in_place


def test_a_rejection_splits_the_entity_and_survives_a_full_run(resolved: GraphStore) -> None:
    chinese = _pid(SPELLINGS[2][0])
    others = [_pid(name) for name, _ in SPELLINGS[:2]]
    for other in others:
        result = judge(
            resolved,
            Judgement(
                a=chinese,
                b=other,
                status=LinkStatus.REJECTED,
                decided_by="analyst-7",
                reason="a different company",
            ),
        )
        assert result["status"] == "rejected"
        assert result["decided_by"] == "analyst-7"
    clusters = party_clusters(resolved)
    assert clusters[chinese] == chinese
    resolve(resolved, full=True)
    clusters = party_clusters(resolved)
    assert clusters[chinese] == chinese
    view = entity(resolved, OPERATOR, chinese)
    statuses = {frozenset((link["a"], link["b"])): link["status"] for link in view.links}
    assert {statuses[frozenset((chinese, other))] for other in others} == {"rejected"}


def test_a_confirmation_joins_entities_the_machine_kept_apart(resolved: GraphStore) -> None:
    namesake, huaxin = _pid(NAMESAKE), _pid(SPELLINGS[0][0])
    judge(
        resolved,
        Judgement(a=namesake, b=huaxin, status=LinkStatus.CONFIRMED, decided_by="analyst-7"),
    )
    clusters = party_clusters(resolved)
    assert clusters[namesake] == clusters[huaxin]
    resolve(resolved, full=True)
    assert party_clusters(resolved)[namesake] == clusters[huaxin]


def test_judging_an_unknown_party_or_a_machine_status_is_refused(resolved: GraphStore) -> None:
    huaxin = _pid(SPELLINGS[0][0])
    with pytest.raises(NotFound, match="party:missing"):
        judge(
            resolved,
            Judgement(a=huaxin, b="party:missing", status=LinkStatus.REJECTED, decided_by="x"),
        )
    with pytest.raises(InvalidInput, match="not an analyst"):
        judge(
            resolved, Judgement(a=huaxin, b=_pid(NAMESAKE), status=LinkStatus.AUTO, decided_by="x")
        )


def test_match_finds_the_entity_from_another_script_and_ranks_it_first(
    resolved: GraphStore,
) -> None:
    batch = [
        QueryParty(name="深圳华信贸易有限公司", country="CN"),
        QueryParty(name="HUAXIN TRADING SHENZHEN", phone="0755 1234 5678", country="China"),
        QueryParty(name="Completely Unrelated Widgets GmbH", country="DE"),
    ]
    first, second, third = match_parties(
        resolved, OPERATOR, batch, threshold=AUTO_THRESHOLD, limit=5
    )
    huaxin_entity = party_clusters(resolved)[_pid(SPELLINGS[0][0])]
    assert first[0].entity_id == huaxin_entity and first[0].match
    assert second[0].entity_id == huaxin_entity and second[0].match
    assert "phone" in second[0].explanation
    assert not any(c.match for c in third)
    # One entry per entity, best member first, scores descending.
    for candidates in (first, second):
        assert len({c.entity_id for c in candidates}) == len(candidates)
        assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)


def test_match_with_a_written_form_held_back_finds_its_entity_through_the_others(
    resolved: GraphStore,
) -> None:
    """`exclude` (the held-back benchmark) leaves that node out of the candidates."""
    chinese = _pid(SPELLINGS[2][0])
    query = QueryParty(name=SPELLINGS[2][0], country="CN")
    [with_it] = match_parties(resolved, OPERATOR, [query], threshold=0.5, limit=5)
    [held_back] = match_parties(
        resolved, OPERATOR, [query], threshold=0.5, limit=5, exclude={chinese}
    )
    assert with_it[0].party_id == chinese and with_it[0].score == 1.0
    assert held_back[0].entity_id == with_it[0].entity_id
    assert held_back[0].party_id != chinese and held_back[0].score < 1.0


def test_match_looks_wider_when_the_rare_keys_find_no_sure_match(
    resolved: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 100k records a trade name is held by more parties than `max_block`; here
    `max_block=1` makes every key the held-back Chinese form shares with the other
    spellings that common, so only the wider look can find its entity."""
    statements: list[str] = []
    read = resolved.read
    monkeypatch.setattr(
        resolved, "read", lambda query, **params: statements.append(query) or read(query, **params)
    )
    chinese = _pid(SPELLINGS[2][0])
    query = QueryParty(name=SPELLINGS[2][0], country="CN")
    narrow_only = {"max_block": 1, "wide_block": 1, "exclude": {chinese}}
    [narrow] = match_parties(resolved, OPERATOR, [query], threshold=0.5, limit=5, **narrow_only)
    assert narrow == []
    [wider] = match_parties(
        resolved, OPERATOR, [query], threshold=0.5, limit=5, max_block=1, exclude={chinese}
    )
    huaxin_entity = party_clusters(resolved)[_pid(SPELLINGS[0][0])]
    assert wider[0].entity_id == huaxin_entity and wider[0].party_id != chinese
    assert queries.BLOCK_CANDIDATES_QUERY in statements
    # A query with a sure match among its rare keys (itself) does not look wider.
    statements.clear()
    [sure] = match_parties(resolved, OPERATOR, [query], threshold=0.5, limit=5, max_block=1)
    assert sure[0].party_id == chinese and sure[0].score == 1.0
    assert statements == [queries.KEY_HOLDER_PROFILES_QUERY]


def test_match_reads_keys_holders_and_their_profiles_in_one_statement(
    resolved: GraphStore,
) -> None:
    """KEY_HOLDER_PROFILES_QUERY answers what BLOCK_KEY_HOLDERS_QUERY and then
    PARTY_PROFILES_QUERY of the holders answer, and still gives its row when no key
    is known or no key lists a holder."""
    query = QueryParty(name="Huaxin Trading Co., Ltd.", country="CN")
    keys = [*sorted(blocking_keys(query_profile(query)[0])), "name:no-such-key"]

    def one_read(keys: list[str], max_block: int) -> tuple[Any, Any]:
        [row] = resolved.read(
            queries.KEY_HOLDER_PROFILES_QUERY, keys=keys, max_block=max_block, **OPERATOR.params
        )
        return sorted(row["found"]), sorted(row["parties"])

    def two_reads(keys: list[str], max_block: int) -> tuple[Any, Any]:
        [row] = resolved.read(queries.BLOCK_KEY_HOLDERS_QUERY, keys=keys, max_block=max_block)
        held = {pid for _, _, holders in row["found"] for pid in holders}
        [profiles] = resolved.read(
            queries.PARTY_PROFILES_QUERY, ids=sorted(held), **OPERATOR.params
        )
        return sorted(row["found"]), sorted(profiles["parties"])

    found, parties = one_read(keys, 30)
    assert (found, parties) == two_reads(keys, 30)
    assert len(parties) == 4  # the three spellings and the namesake, each once
    # Every key over the size: counted, nobody listed, no profile.
    found, parties = one_read(keys, 0)
    assert found and all(holders == [] for _, _, holders in found) and parties == []
    assert one_read(["name:no-such-key"], 30) == ([], [])
    assert one_read([], 30) == ([], [])


def test_match_compares_in_full_a_shortlist_and_whoever_shares_an_artefact(
    resolved: GraphStore,
) -> None:
    """Beyond `shortlist` (or twice the limit) candidates, only the most alike names
    are compared in full, and every candidate sharing an artefact with the query."""
    by_name = QueryParty(name="Huaxin Trading Co., Ltd.", country="CN")
    [everyone] = match_parties(resolved, OPERATOR, [by_name], threshold=0.5, limit=5)
    [short] = match_parties(resolved, OPERATOR, [by_name], threshold=0.5, limit=1, shortlist=1)
    huaxin = party_clusters(resolved)[_pid(SPELLINGS[0][0])]
    assert sum(c.members for c in everyone) == 4  # the three spellings and the namesake
    assert everyone[0].entity_id == huaxin and everyone[0].members == 3
    # A limit of 1 shortlists two names: two of the entity's three spellings.
    assert short[0].entity_id == huaxin and short[0].members == 2
    by_phone = QueryParty(name="Huaxin Trading Co., Ltd.", country="CN", phone=PHONE)
    [with_phone] = match_parties(
        resolved, OPERATOR, [by_phone], threshold=0.5, limit=1, shortlist=1
    )
    # The third spelling is compared too: the three share the phone.
    assert with_phone[0].entity_id == huaxin and with_phone[0].members == 3


def test_search_reads_containers_ports_marks_and_documents_any_way(
    resolved: GraphStore,
) -> None:
    ports = PortResolver.default()

    def top(text: str, kind: str) -> str:
        hits = search(
            resolved, OPERATOR, text, types=[kind], jurisdiction=None, limit=5, ports=ports
        )
        assert hits, f"nothing found for {text!r}"
        return hits[0].id

    assert top("msku 123456 5", "container") == "MSKU1234565"
    assert top("Hong Kong", "port") == "HKHKG"
    assert top("hk hkg", "port") == "HKHKG"
    assert top("nikee", "trademark") == "tm:nike"
    record_doc = min(i for i in node_ids(resolved) if i.startswith("doc:"))
    number = record_doc.removeprefix("doc:")
    assert top(f"{number[:4]} {number[4:]}".lower(), "document") == record_doc
    assert top("Huaxin Trading", "party") in {_pid(name) for name, _ in SPELLINGS} | {
        _pid(NAMESAKE)
    }


def test_entities_are_scored_against_ground_truth_mention_by_mention(
    store: GraphStore, tmp_path: Path
) -> None:
    records = _spelling_records()
    _load(store, tmp_path, records, "first.ndjson")
    resolve(store)
    entity_of = {name: "E1" for name, _ in SPELLINGS} | {NAMESAKE: "E2"}
    mentions = []
    for record in records:
        for role, party, entity_id in (
            ("shipper", record["shipper"], entity_of[record["shipper"]["name"]]),
            ("consignee", record["consignee"], "E3"),
        ):
            mentions.append(
                {
                    "agency": record["agency"],
                    "record_id": record["record_id"],
                    "role": role,
                    "index": 0,
                    "name": party["name"],
                    "entity": entity_id,
                }
            )
    mentions.append({**mentions[0], "record_id": "NEVER-LOADED"})
    figures = evaluate_store(store, {"mentions": mentions})
    assert figures["parties"] == 5  # three spellings, the namesake, one consignee
    assert figures["mentions_not_in_graph"] == 1
    assert figures["parties_naming_several_entities"] == 0
    pairwise = figures["pairwise"]
    assert (pairwise["tp"], pairwise["fp"], pairwise["fn"]) == (3, 0, 0)
    assert figures["clusters"]["true_clusters"] == 3
