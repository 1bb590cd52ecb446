"""Fuzzing the readers: arbitrary bytes, and mutations of real feeds, under every
shipped profile and format; mutated profiles and manifests. For any input the
readers must neither raise nor lose a row nor fail for a reason inside iprgraph
(tests/ingest/fuzzing.py says what is checked).

The suite draws a bounded, repeatable set of examples (`EXAMPLES` each);
`HYPOTHESIS_PROFILE=explore` draws many fresh ones, and tests/ingest/fuzz_atheris.py
hunts with coverage guidance.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.generate import generate
from ingest.manifest import manifest_feeds
from ingest.plainyaml import NotPlainYaml, parse_plain_yaml
from ingest.profile import Profile, ProfileError
from tests.ingest.fuzzing import TOKENS, Mutation, mutate, mutate_xlsx, read_through

EXPLORING = os.environ.get("HYPOTHESIS_PROFILE") == "explore"
EXAMPLES = 2000 if EXPLORING else 100
fuzz = settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

mutations = st.lists(
    st.builds(
        Mutation,
        where=st.floats(0, 1),
        remove=st.integers(0, 64),
        insert=st.one_of(st.sampled_from(TOKENS), st.binary(max_size=16)),
    ),
    min_size=1,
    max_size=8,
)

# Shipped layouts: (feed file of the generated folder, its profile or None).
LAYOUTS = {
    "hk-ced-csv": "hk-ced.csv",
    "mo-cs-xlsx": "mo-cs.xlsx",
    "cn-gacc-csv": "cn-gacc.csv",
    "us-cbp-tsv": "us-cbp.tsv",
    "ndjson": "eu-nl.ndjson",
    "json": "eu-be.json",
    # HK-CED's layout with its encoding left to detection (charset_normalizer).
    "detected-csv": "hk-ced.csv",
}


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real feeds to mutate: a small generated folder, one file per layout."""
    folder = tmp_path_factory.mktemp("seeds")
    generate(40, 4, folder)
    records = [line for line in (folder / "eu-be.ndjson").read_text().splitlines() if line]
    (folder / "eu-be.json").write_text("[" + ",\n".join(records) + "]", encoding="utf-8")
    return folder


def _profile(seeds: Path, layout: str) -> Profile | None:
    if layout in ("ndjson", "json"):
        return None
    if layout == "detected-csv":
        return Profile.load(seeds / "profiles" / "hk-ced-csv.yaml").model_copy(
            update={"encoding": None}
        )
    return Profile.load(seeds / "profiles" / f"{layout}.yaml")


_counter = itertools.count()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield tmp_path_factory.mktemp("fuzz")


def _read(workdir: Path, seeds: Path, layout: str, data: bytes) -> None:
    path = workdir / f"input-{next(_counter)}{Path(LAYOUTS[layout]).suffix}"
    path.write_bytes(data)
    try:
        read_through(path, _profile(seeds, layout), workdir / "quarantine")
    finally:
        path.unlink()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@fuzz
@given(data=st.binary(max_size=4096))
def test_arbitrary_bytes_under_every_layout(
    seeds: Path, workdir: Path, layout: str, data: bytes
) -> None:
    _read(workdir, seeds, layout, data)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@fuzz
@given(edits=mutations)
def test_mutated_real_feeds(seeds: Path, workdir: Path, layout: str, edits: list[Mutation]) -> None:
    _read(workdir, seeds, layout, mutate((seeds / LAYOUTS[layout]).read_bytes(), edits))


XLSX_PARTS = (
    "xl/worksheets/sheet1.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "_rels/.rels",
)


@fuzz
@given(part=st.sampled_from(XLSX_PARTS), edits=mutations)
def test_mutated_parts_of_a_real_workbook(
    seeds: Path, workdir: Path, part: str, edits: list[Mutation]
) -> None:
    data = mutate_xlsx((seeds / "mo-cs.xlsx").read_bytes(), part, edits)
    _read(workdir, seeds, "mo-cs-xlsx", data)


# JSON values that a record's fields may be given instead of what they should hold.
def _containers(children: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    _containers,
    max_leaves=12,
)


@fuzz
@given(replacements=st.dictionaries(st.sampled_from(
    [
        "record_id", "agency", "seizure_date", "case_ref", "port_of_seizure", "port_of_loading",
        "transit_ports", "port_of_discharge", "origin_country", "destination_country",
        "transport_mode", "transport_document", "vessel_or_flight", "containers", "goods",
        "value", "trademarks", "shipper", "consignee", "manufacturers", "forwarder", "handling",
    ]
), json_values, min_size=1, max_size=4))  # fmt: skip
def test_records_with_any_json_in_their_fields(
    seeds: Path, workdir: Path, replacements: dict[str, object]
) -> None:
    record = json.loads((seeds / "eu-nl.ndjson").read_text().splitlines()[0])
    record.update(replacements)
    _read(workdir, seeds, "ndjson", (json.dumps(record, ensure_ascii=False) + "\n").encode())


@fuzz
@given(text=st.text(max_size=400))
def test_any_text_as_plain_yaml(text: str) -> None:
    try:
        parse_plain_yaml(text)
    except NotPlainYaml as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("layout", ["hk-ced-csv", "mo-cs-xlsx", "cn-gacc-csv", "us-cbp-tsv"])
@fuzz
@given(edits=mutations)
def test_mutated_profiles_load_or_say_why(
    seeds: Path, workdir: Path, layout: str, edits: list[Mutation]
) -> None:
    path = workdir / f"profile-{next(_counter)}.yaml"
    path.write_bytes(mutate((seeds / "profiles" / f"{layout}.yaml").read_bytes(), edits))
    try:
        profile = Profile.load(path)
    except ProfileError as exc:
        assert "\n" not in str(exc)
        return
    finally:
        path.unlink()
    feed = LAYOUTS[layout]
    read_through(seeds / feed, profile, workdir / "quarantine")


@fuzz
@given(edits=mutations)
def test_mutated_manifests_give_feeds_or_say_why(
    seeds: Path, workdir: Path, edits: list[Mutation]
) -> None:
    original = (seeds / "manifest.yaml").read_bytes()
    (seeds / "manifest.yaml").write_bytes(mutate(original, edits))
    try:
        feeds = manifest_feeds(seeds)
    except ProfileError as exc:
        assert "\n" not in str(exc)
        return
    finally:
        (seeds / "manifest.yaml").write_bytes(original)
    for feed in feeds:
        assert feed.problem is None or "\n" not in feed.problem
        if feed.problem is None:
            assert feed.path.resolve().is_relative_to(seeds.resolve())
