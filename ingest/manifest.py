"""A folder's `manifest.yaml`: which feed files it holds, with profile and agency.

```yaml
feeds:
  - file: hk-ced.csv
    profile: profiles/hk-ced-csv.yaml   # a path relative to the manifest, or a shipped name
    agency: HK-CED
  - file: eu-nl.ndjson                  # no profile: canonical NDJSON
    agency: EU-NL
```

A manifest is small, plain YAML (`ingest.plainyaml`) and names files inside its own
folder only: a path that leads out of it (`../other.ndjson`, an absolute path, a
link to elsewhere) is refused. An entry that cannot be used (that, a profile that
cannot be read, an agency the registry does not know) is a feed with a `problem`,
reported as a failed file while the other feeds load (`manifest_feeds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from ingest.agencies import DEFAULT_REGISTRY, AgencyRegistry, UnknownAgency
from ingest.plainyaml import NotPlainYaml, load_plain_yaml
from ingest.profile import Profile, ProfileError
from ingest.record import describe_validation_error

MANIFEST = "manifest.yaml"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    file: StrictStr = Field(min_length=1, max_length=1000)
    profile: StrictStr | None = Field(default=None, max_length=1000)
    agency: StrictStr | None = Field(default=None, max_length=100)


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    feeds: list[_Entry] = Field(max_length=10_000)


@dataclass(frozen=True)
class Feed:
    path: Path
    profile: Profile | None
    agency: str | None
    # Why this feed cannot be read (its path, profile or agency): it is reported as
    # a failed file with this sentence, and the other feeds are read.
    problem: str | None = None


def read_manifest(folder: Path) -> list[Feed]:
    """The feeds of a folder; `ProfileError` naming the first that cannot be used."""
    feeds = manifest_feeds(folder)
    for feed in feeds:
        if feed.problem is not None:
            raise ProfileError(feed.problem)
    return feeds


def manifest_feeds(folder: Path, agencies: AgencyRegistry = DEFAULT_REGISTRY) -> list[Feed]:
    """The feeds of a folder, each with its `problem` when it cannot be used;
    `ProfileError` (a sentence naming it) when the manifest itself cannot be."""
    path = folder / MANIFEST
    if not path.is_file():
        raise ProfileError(f"{folder} is a folder with no {MANIFEST}; name the files")
    try:
        manifest = _Manifest.model_validate(load_plain_yaml(path))
    except NotPlainYaml as exc:
        raise ProfileError(f"manifest {exc}") from exc
    except ValidationError as exc:
        problems = describe_validation_error(exc, whole="manifest")
        raise ProfileError(f"{path} is not a valid manifest: {problems}") from exc
    root = folder.resolve()
    return [_feed(root, folder, path, entry, agencies) for entry in manifest.feeds]


def _feed(
    root: Path, folder: Path, manifest: Path, entry: _Entry, agencies: AgencyRegistry
) -> Feed:
    file = folder / entry.file
    try:
        _inside(root, manifest, entry.file, "file")
        agency = agencies.check(entry.agency).code if entry.agency else None
        profile = None
        if entry.profile:
            relative = folder / entry.profile
            if _exists(relative):
                _inside(root, manifest, entry.profile, "profile")
                profile = Profile.load(relative)
            else:
                profile = _shipped(manifest, entry.profile)
    except (ProfileError, UnknownAgency) as exc:
        return Feed(file, None, entry.agency, problem=f"{file}: {exc}")
    return Feed(file, profile, agency)


def _shipped(manifest: Path, name: str) -> Profile:
    try:
        return Profile.shipped(name)
    except ProfileError as exc:
        raise ProfileError(
            f"{manifest} names the profile {name!r}: there is no such file in its folder, and {exc}"
        ) from exc


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _inside(root: Path, manifest: Path, name: str, what: str) -> None:
    """Refuse a path of the manifest that leads out of its folder."""
    try:
        resolved = (root / name).resolve()
    except (OSError, ValueError, RuntimeError) as exc:  # a NUL byte, a link loop
        raise ProfileError(
            f"{manifest} names the {what} {name!r}, which is no path ({exc})"
        ) from exc
    if not resolved.is_relative_to(root):
        raise ProfileError(
            f"{manifest} names the {what} {name!r}, which is outside the manifest's folder; "
            "a manifest names files in its own folder only"
        )
