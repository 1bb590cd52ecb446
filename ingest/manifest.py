"""A folder's `manifest.yaml`: which feed files it holds, with profile and agency.

```yaml
feeds:
  - file: hk-ced.csv
    profile: profiles/hk-ced-csv.yaml   # a path relative to the manifest, or a shipped name
    agency: HK-CED
  - file: eu-nl.ndjson                  # no profile: canonical NDJSON
    agency: EU-NL
```
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from ingest.profile import Profile, ProfileError
from ingest.record import describe_validation_error

MANIFEST = "manifest.yaml"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str
    profile: str | None = None
    agency: str | None = None


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    feeds: list[_Entry]


@dataclass(frozen=True)
class Feed:
    path: Path
    profile: Profile | None
    agency: str | None


def read_manifest(folder: Path) -> list[Feed]:
    path = folder / MANIFEST
    try:
        manifest = _Manifest.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise ProfileError(f"{folder} is a folder with no {MANIFEST}; name the files") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path} is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = describe_validation_error(exc, whole="manifest")
        raise ProfileError(f"{path} is not a valid manifest: {problems}") from exc
    feeds = []
    for entry in manifest.feeds:
        profile = None
        if entry.profile:
            relative = folder / entry.profile
            profile = Profile.load(relative if relative.is_file() else entry.profile)
        feeds.append(Feed(folder / entry.file, profile, entry.agency))
    return feeds
