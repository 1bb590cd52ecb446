"""The synthetic feed generator: determinism, accounting, shapes and the hard cases."""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypinyin import Style, pinyin
from stdnum import iso6346

from ingest.agencies import agency
from ingest.generate import generate
from ingest.generate.feeds import PROFILE_DIR
from ingest.generate.generator import WorldRun
from ingest.generate.routes import AGENCY_JURISDICTION
from ingest.generate.tables import CHINESE_SURNAMES, INDUSTRIES, SYLLABLES, WEBMAIL_DOMAINS
from ingest.generate.world import World
from ingest.normalise.names import comparison_form
from ingest.normalise.readings import cantonese_readings
from ingest.record import SeizureRecord
from tests.generate.conftest import RECORDS, SEED, Generated, load_profile, read_header, read_rows

# The canonical record's keys: the contract as the ingest side enforces it.
CONTRACT_KEYS = set(SeizureRecord.model_fields)
REQUIRED = {"record_id", "agency", "seizure_date", "port_of_seizure", "transport_mode"}
PARTY_KEYS = {"name", "address", "country", "phone", "email", "registration_id"}
GOODS_KEYS = {"description", "hs_code", "quantity", "unit", "trademarks"}
MODES = {"sea", "air", "road", "rail", "postal", "express"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def _malformed_lines(g: Generated) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for m in g.truth["malformed"]:
        out[m["file"]].add(m["line"])
    return out


def _well_formed(
    g: Generated,
) -> dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any] | None]]:
    """(agency, record_id) -> (row values, profile or None) for every well-formed row."""
    bad = _malformed_lines(g)
    records = {}
    for entry in g.manifest["feeds"]:
        profile = load_profile(g.out, entry) if "profile" in entry else None
        for row in read_rows(g.out, entry):
            if row.line in bad[entry["file"]]:
                continue
            assert row.values is not None, (entry["file"], row.line)
            rid = (
                row.values["record_id"]
                if profile is None
                else row.values[profile["columns"]["record_id"]]
            )
            key = (entry["agency"], str(rid))
            assert key not in records, f"duplicate record id {key}"
            records[key] = (row.values, profile)
    return records


def _party_names(
    values: dict[str, Any], profile: dict[str, Any] | None
) -> list[tuple[str, int, str]]:
    """(role, index, name) of every party named in a row."""
    out: list[tuple[str, int, str]] = []
    if profile is None:
        for role in ("shipper", "consignee", "forwarder"):
            if role in values:
                out.append((role, 0, values[role]["name"]))
        for i, m in enumerate(values.get("manufacturers", [])):
            out.append(("manufacturer", i, m["name"]))
        return out
    cols = profile["columns"]
    for role in ("shipper", "consignee", "forwarder"):
        cell = values.get(cols[f"{role}.name"])
        if cell:
            out.append((role, 0, str(cell)))
    cell = values.get(cols["manufacturers.name"])
    if cell:
        for i, name in enumerate(str(cell).split(profile.get("list_separator", ";"))):
            out.append(("manufacturer", i, name))
    return out


def test_same_seed_gives_identical_bytes(generated: Generated, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(2000, 20240823, again)
    first = sorted(p.relative_to(generated.out) for p in generated.out.rglob("*") if p.is_file())
    second = sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert first == second
    for rel in first:
        assert (generated.out / rel).read_bytes() == (again / rel).read_bytes(), rel


def test_different_seed_gives_different_output(generated: Generated, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(2000, 1, other)
    for name in ("hk-ced.csv", "mo-cs.xlsx", "eu-nl.ndjson", "truth.json"):
        assert (generated.out / name).read_bytes() != (other / name).read_bytes(), name


def test_accounting_and_manifest(generated: Generated) -> None:
    g = generated
    assert g.truth["records"] == 2000 and g.truth["seed"] == 20240823
    files = [e["file"] for e in g.manifest["feeds"]]
    on_disk = {p.name for p in g.out.iterdir() if p.is_file()} - {"manifest.yaml", "truth.json"}
    assert set(files) == on_disk
    total = 0
    for entry in g.manifest["feeds"]:
        assert (g.out / entry["file"]).exists()
        if "profile" in entry:
            assert (g.out / entry["profile"]).is_file()
        rows = read_rows(g.out, entry)
        assert len(rows) == g.result.records_per_file[entry["file"]]
        total += len(rows)
    assert total == g.truth["records"]
    assert len(g.truth["malformed"]) == g.result.malformed
    assert len(_well_formed(g)) + len(g.truth["malformed"]) == g.truth["records"]
    # At least three tabular layouts with profiles, plus canonical NDJSON.
    assert sum("profile" in e for e in g.manifest["feeds"]) >= 3
    assert any(e["file"].endswith(".ndjson") for e in g.manifest["feeds"])


def test_every_file_has_some_malformed_rows(generated: Generated) -> None:
    per_file = _malformed_lines(generated)
    for entry in generated.manifest["feeds"]:
        assert per_file[entry["file"]], entry["file"]


def test_malformed_lines_point_at_the_defect(generated: Generated) -> None:
    g = generated
    rows = {e["file"]: {r.line: r for r in read_rows(g.out, e)} for e in g.manifest["feeds"]}
    entries = {e["file"]: e for e in g.manifest["feeds"]}
    for m in g.truth["malformed"]:
        row = rows[m["file"]][m["line"]]
        entry = entries[m["file"]]
        if "profile" not in entry:
            if m["defect"] == "broken JSON":
                assert row.values is None
            elif m["defect"] == "unknown key":
                assert set(row.values or {}) - CONTRACT_KEYS
            elif m["defect"] == "missing record_id":
                assert "record_id" not in (row.values or {})
            continue
        profile = load_profile(g.out, entry)
        cols = profile["columns"]
        width = len(read_header(g.out / entry["file"], profile))
        values = row.values or {}
        if m["defect"] == "NUL byte":
            assert "\x00" in str(values[cols["record_id"]])
        elif m["defect"] == "missing record_id":
            assert not values[cols["record_id"]]
        elif m["defect"] == "truncated row":
            assert len([c for c in row.raw if c not in (None, "")]) < width // 2
        elif m["defect"] == "formula cell":
            assert str(values[cols["record_id"]]).startswith("=")
        elif m["defect"] == "non-numeric value":
            assert not re.fullmatch(r"[\d.]+", str(values[cols["value.amount"]]))


def test_ndjson_has_exactly_the_contract_shape(generated: Generated) -> None:
    g = generated
    bad = _malformed_lines(g)
    checked = 0
    for entry in g.manifest["feeds"]:
        if "profile" in entry:
            continue
        for row in read_rows(g.out, entry):
            if row.line in bad[entry["file"]]:
                continue
            rec = row.values
            assert rec is not None
            assert set(rec) <= CONTRACT_KEYS, set(rec) - CONTRACT_KEYS
            assert set(rec) >= REQUIRED
            assert rec["agency"] == entry["agency"]
            assert rec["transport_mode"] in MODES
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rec["seizure_date"])
            for role in ("shipper", "consignee", "forwarder"):
                if role in rec:
                    assert set(rec[role]) <= PARTY_KEYS and "name" in rec[role]
            for m in rec.get("manufacturers", []):
                assert set(m) <= PARTY_KEYS
            for item in rec.get("goods", []):
                assert set(item) <= GOODS_KEYS
            assert set(rec["value"]) == {"amount", "currency"} and rec["value"]["currency"] == "EUR"
            assert isinstance(rec["value"]["amount"], int | float)
            for t in rec.get("trademarks", []):
                assert set(t) <= {"mark", "rights_holder", "registration"}
            assert set(rec["handling"]) <= {"tlp", "releasable_to"}
            checked += 1
    assert checked > 100


def test_every_party_in_every_well_formed_record_has_one_mention(generated: Generated) -> None:
    g = generated
    records = _well_formed(g)
    mentions: dict[tuple[str, str], list[tuple[str, int, str]]] = defaultdict(list)
    for m in g.truth["mentions"]:
        assert m["entity"] in g.truth["entities"]
        mentions[(m["agency"], m["record_id"])].append((m["role"], m["index"], m["name"]))
    assert set(mentions) <= set(records)
    for key, (values, profile) in records.items():
        assert sorted(_party_names(values, profile)) == sorted(mentions.get(key, [])), key


def test_profiles_parse_and_name_real_headers(generated: Generated) -> None:
    for entry in generated.manifest["feeds"]:
        if "profile" not in entry:
            continue
        profile = load_profile(generated.out, entry)
        source = yaml.safe_load(
            (PROFILE_DIR / Path(entry["profile"]).name).read_text(encoding="utf-8")
        )
        assert profile == source
        assert profile["fixed"]["agency"] == entry["agency"]
        header = read_header(generated.out / entry["file"], profile)
        for canon, cols in profile["columns"].items():
            for col in cols if isinstance(cols, list) else [cols]:
                assert col in header, (entry["file"], canon, col)


def test_us_profile_declares_month_first_dates() -> None:
    profile = yaml.safe_load((PROFILE_DIR / "us-cbp-tsv.yaml").read_text(encoding="utf-8"))
    assert profile["date_format"] == ["%m/%d/%Y"]


def test_containers_are_mostly_valid_iso6346(generated: Generated) -> None:
    g = generated
    numbers: list[str] = []
    for (_, _), (values, profile) in _well_formed(g).items():
        if profile is None:
            numbers.extend(values.get("containers", []))
        else:
            cell = values.get(profile["columns"]["containers"])
            if cell:
                numbers.extend(str(cell).split(profile.get("list_separator", ";")))
    assert len(numbers) > 200
    # stdnum's compact() drops spaces only; "MSKU 123456-5" (the contract's own example)
    # writes the check digit after a hyphen.
    valid = sum(iso6346.is_valid(n.replace("-", "")) for n in numbers)
    assert 0.9 <= valid / len(numbers) < 1.0


def test_gacc_feed_is_gb18030(generated: Generated) -> None:
    raw = (generated.out / "cn-gacc.csv").read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        raise AssertionError("cn-gacc.csv decodes as UTF-8")
    assert "案件编号" in raw.decode("gb18030")


def test_hk_feed_has_bom_and_xlsx_header_is_not_first_row(generated: Generated) -> None:
    assert (generated.out / "hk-ced.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    profile = yaml.safe_load((PROFILE_DIR / "mo-cs-xlsx.yaml").read_text(encoding="utf-8"))
    assert profile["header_row"] > 1


def test_one_entity_has_three_spellings_including_chinese(generated: Generated) -> None:
    names: dict[str, set[str]] = defaultdict(set)
    for m in generated.truth["mentions"]:
        names[m["entity"]].add(m["name"])
    rich = [e for e, ns in names.items() if len(ns) >= 3 and any(CJK.search(n) for n in ns)]
    assert len(rich) >= 5


def test_distractors_are_distinct_entities_outside_each_others_network(
    generated: Generated,
) -> None:
    ents = generated.truth["entities"]
    pairs = generated.truth["distractors"]
    assert len(pairs) >= 3
    for a, b, why in pairs:
        assert a != b and a in ents and b in ents and why
        assert ents[b]["network"] is None or ents[b]["network"] != ents[a]["network"]
        assert ents[a]["canonical_name"] != ents[b]["canonical_name"]


def test_planted_networks_and_cross_jurisdiction(generated: Generated) -> None:
    g = generated
    nets = g.truth["networks"]
    assert 5 <= len(nets) <= 2000 // 150 + 1
    juris = {code: agency(code).jurisdiction for code in AGENCY_JURISDICTION}
    seen: dict[str, set[str]] = defaultdict(set)
    for m in g.truth["mentions"]:
        seen[m["entity"]].add(juris[m["agency"]])
    cross = 0
    for net_id, net in nets.items():
        assert net["planted"] is True
        assert 1 <= len(net["members"]) <= 12
        for member in net["members"]:
            assert g.truth["entities"][member]["network"] == net_id
        actual = set().union(*(seen[m] for m in net["members"]))
        assert sorted(actual) == net["jurisdictions"]
        cross += net["cross_jurisdiction"]
    assert cross >= 1
    fronts = [e for e in g.truth["entities"].values() if e["front_of"]]
    assert fronts and all(
        g.truth["entities"][f["front_of"]]["network"] == f["network"] for f in fronts
    )


def test_small_runs_work(tmp_path: Path) -> None:
    result = generate(30, 3, tmp_path)
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth["records"] == 30 == sum(result.records_per_file.values())
    empty = generate(0, 3, tmp_path / "empty")
    assert empty.malformed == 0 and sum(empty.records_per_file.values()) == 0


def test_entity_names_and_emails_are_unique(generated: Generated) -> None:
    """No two entities share a canonical name (comparison form) in one country: a party
    node keyed by (comparison form, country) names exactly one true entity."""
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    for eid, e in generated.truth["entities"].items():
        holders[comparison_form(e["canonical_name"]), e["country"]].append(eid)
    shared = {key: ids for key, ids in holders.items() if len(ids) > 1}
    assert not shared, list(shared.items())[:5]


def test_emails_are_shared_only_inside_a_network() -> None:
    """A mailbox, or a company's own domain, belongs to one entity; only a network's
    fronts deliberately reuse their principal's address."""
    world = World(random.Random(SEED))
    for i in range(15):
        world.network(f"N{i + 1:04d}", 0, 2000)
    for country in ("US", "NL", "DE", "BE", "HK", "MO", "US", "GB"):
        for _ in range(150):
            world.consignee(country, person_share=0.4)
    for _ in range(300):
        world.cn_company()
        world.hk_company()
    owners: dict[str, set[str]] = defaultdict(set)
    for e in world.entities.values():
        if e.email:
            owners[e.email].add(e.network or e.id)
            domain = e.email.split("@")[1]
            if domain not in WEBMAIL_DOMAINS:
                owners[f"@{domain}"].add(e.network or e.id)
    assert not {k: v for k, v in owners.items() if len(v) > 1}
    assert sum(1 for e in world.entities.values() if e.front_of and e.email) >= 1


def test_regular_traders_reuse_transport_documents_as_networks_do() -> None:
    """A document on several records is no sign of a network by itself: a regular
    trader's shipment is recorded twice (seized at two places, or a record per rights
    holder) about as often as a network reuses a document, with the same parties."""
    run = WorldRun(RECORDS, SEED)
    carried: dict[str, list[tuple[int, tuple[tuple[str, int, str], ...]]]] = defaultdict(list)
    regular = planted = 0
    for slot in run.first_slots:
        built = run.builder.build(slot)
        parties = tuple(sorted((role, i, e) for role, i, _, e in built.mentions))
        shipper = next(e for role, _, e in parties if role == "shipper")
        carried[built.record["transport_document"]].append((slot.network, parties))
        if slot.network >= 0:
            planted += 1
        elif shipper in run.builder.regular_ids:
            regular += 1
    run.close()
    shared = [holders for holders in carried.values() if len(holders) > 1]
    background = [h for h in shared if all(net < 0 for net, _ in h)]
    in_networks = [h for h in shared if all(net >= 0 for net, _ in h)]
    assert len(background) + len(in_networks) == len(shared), "no document spans both"
    assert all(len({pair for _, pair in h}) == 1 for h in background)  # one shipment
    regular_share = sum(map(len, background)) / regular
    planted_share = sum(map(len, in_networks)) / planted
    # Given an earlier document of its mode, a trader reuses one as often as a network
    # (12 %); a network ships more often per mode, so more of its records share one
    # (here 0.09 of regular traders' records against 0.21 of the networks').
    assert len(background) >= 5
    assert 0.25 < regular_share / planted_share < 1.5, (regular_share, planted_share)


def test_hong_kong_names_are_written_in_cantonese_from_the_package() -> None:
    """A Hong Kong company registers its trade name in the Hong Kong government's
    Cantonese romanisation of its characters, from cantonese-romanisation's table
    (not the generator's pinyin), under an English name no other Hong Kong company
    holds; a mainland company's stays in Hanyu pinyin as pypinyin reads it."""
    world = World(random.Random(SEED))
    hk = [world.hk_company() for _ in range(400)]
    cn = [world.cn_company() for _ in range(100)]
    written: set[str] = set()
    differs = 0
    for company in hk:
        parts = company.parts
        in_pinyin = [s.pinyin for s in parts.brand]
        if list(parts.latin) != in_pinyin:  # else every Cantonese spelling was taken
            differs += 1
            for spelt, syllable in zip(parts.latin, parts.brand, strict=True):
                assert spelt in cantonese_readings(syllable.traditional), (spelt, syllable)
        name = comparison_form(f"{''.join(parts.latin)} {INDUSTRIES[parts.industry].english}")
        assert name not in written, name  # the register refuses a name it holds
        written.add(name)
    assert differs > 0.9 * len(hk)
    for company in cn:
        assert company.parts.latin == ()
        for syllable in company.parts.brand:
            assert syllable.pinyin == pinyin(syllable.simplified, style=Style.NORMAL)[0][0]


def test_the_generators_own_tables_agree_with_the_reference_packages() -> None:
    # Every syllable's pinyin is pypinyin's reading of its character, and every
    # Hong Kong surname's spelling is one cantonese-romanisation's table gives.
    for syllable in SYLLABLES:
        assert syllable.pinyin == pinyin(syllable.simplified, style=Style.NORMAL)[0][0]
    for spelt, simplified, traditional, cantonese in CHINESE_SURNAMES:
        assert spelt.lower() == pinyin(simplified, style=Style.NORMAL)[0][0]
        assert cantonese.lower() in cantonese_readings(traditional), (traditional, cantonese)


def test_a_romanisation_leaves_the_world_as_it_was(generated: Generated, tmp_path: Path) -> None:
    """Names written in Cantonese draw nothing from the world's random stream: the
    same seed written with every name in pinyin holds the same entities, networks,
    records and mentions, only the names of Hong Kong parties differ."""
    import ingest.generate.world as world

    pinyin_only = tmp_path / "pinyin"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(world, "cantonese_readings", lambda ch: ())
        generate(RECORDS, SEED, pinyin_only)
    other = json.loads((pinyin_only / "truth.json").read_text(encoding="utf-8"))
    truth = generated.truth
    assert other["entities"] == truth["entities"]
    assert other["networks"] == truth["networks"]
    assert other["distractors"] == truth["distractors"]
    renamed = 0
    for ours, theirs in zip(truth["mentions"], other["mentions"], strict=True):
        assert {k: v for k, v in ours.items() if k != "name"} == {
            k: v for k, v in theirs.items() if k != "name"
        }
        if ours["name"] != theirs["name"]:
            renamed += 1
            assert truth["entities"][ours["entity"]]["country"] in {"HK", "MO"}
    assert renamed > 0
