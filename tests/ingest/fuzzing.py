"""What the fuzzing of the readers runs and checks, shared by the hypothesis tests
(tests/ingest/test_fuzz.py) and the coverage-guided harness (tests/ingest/fuzz_atheris.py).

`read_through` reads a file as a feed, the way `iprgraph ingest` does up to the
database (read, map, validate, normalise, quarantine), and checks what must hold
for any input: nothing raised, every row read is in a batch or in the quarantine,
no row or file failed because of an error inside iprgraph, and what would be
written can go over the wire (UTF-8 text, finite numbers).
"""

from __future__ import annotations

import json
import random
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from ingest.feed import INTERNAL_ERROR, FeedReader, FileReport
from ingest.normalised import Normaliser
from ingest.profile import Profile

# Bytes that change how a reader splits and decodes what follows.
TOKENS = (
    b"\r",
    b"\n",
    b"\r\n",
    b'"',
    b",",
    b"\t",
    b";",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"\xfe\xff",
    b"\xc3",
    b"\\",
    b"\\u0000",
    b"\\ud800",
    b"[",
    b"]",
    b"{",
    b"}",
    b"<",
    b">",
    b"&",
    b"<![CDATA[",
    b"<!DOCTYPE x>",
    b"&#0;",
    b"1e400",
    b"-0",
    b"inf",
    b"NaN",
    b"9" * 30,
    b"12,5",
    b"1.500,00",
    b"=",
    b"1900-01-00",
)


@dataclass(frozen=True)
class Mutation:
    """One edit of a byte string: at a fraction of its length, delete `remove`
    bytes and insert `insert`."""

    where: float
    remove: int
    insert: bytes


def mutate(data: bytes, mutations: list[Mutation]) -> bytes:
    out = bytearray(data)
    for mutation in mutations:
        at = int(mutation.where * len(out))
        out[at : at + mutation.remove] = mutation.insert
    return bytes(out)


def mutate_xlsx(data: bytes, part: str, mutations: list[Mutation]) -> bytes:
    """The workbook with one of its parts (an XML part, by name) mutated."""
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                content = mutate(content, mutations)
            target.writestr(info.filename, content)
    return out.getvalue()


class Problem(AssertionError):
    """Fuzzing found input that breaks a promise of the readers."""


_NORMALISER = Normaliser()


def read_through(path: Path, profile: Profile | None, quarantine: Path) -> FileReport:
    """Read `path` as a feed to the end and check the promises; the report."""
    reader = FeedReader(quarantine, normaliser=_NORMALISER, batch_size=50)
    prepared = 0
    with reader.batches(path, profile) as (report, batches, _):
        for batch in batches:
            prepared += len(batch)
            for write in batch:
                try:
                    wire = json.dumps(write.props, allow_nan=False, ensure_ascii=False)
                    wire += json.dumps([link.props for link in write.links], allow_nan=False)
                    wire.encode("utf-8")
                except (ValueError, UnicodeEncodeError) as exc:
                    raise Problem(f"{write.id} cannot be written: {exc}") from exc
    if report.read != prepared + report.quarantined:
        raise Problem(f"rows lost: read {report.read}, {prepared} prepared, {report.quarantined}")
    if report.failed is not None and (
        "\n" in report.failed or "error inside iprgraph" in report.failed
    ):
        raise Problem(f"the file failed because of iprgraph: {report.failed}")
    if report.quarantine_file:
        text = Path(report.quarantine_file).read_text(encoding="utf-8")
        for line in text.splitlines():
            reason = json.loads(line)["reason"]
            if INTERNAL_ERROR in reason:
                raise Problem(f"a row failed because of iprgraph: {reason}")
    return report


def random_mutations(rng: random.Random, count: int) -> list[Mutation]:
    """Mutations drawn by a plain random generator (the atheris harness)."""
    mutations = []
    for _ in range(count):
        choice = rng.random()
        if choice < 0.4:
            insert = rng.choice(TOKENS)
        elif choice < 0.7:
            insert = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        else:
            insert = b""
        mutations.append(Mutation(rng.random(), rng.randrange(0, 16), insert))
    return mutations
