"""The registry of reporting agencies: code -> name and jurisdiction.

A record's `agency` and every entry of its `handling.releasable_to` must be an
agency of the registry: the four of the seeds' memoranda, `EU-<member state>` for
the customs of each EU member state, and those a configuration file adds
(`AgencyRegistry.load`, `IPRGRAPH_AGENCIES_FILE`, by default `agencies.yaml` in
the data directory):

```yaml
agencies:
  - code: SG-CUSTOMS
    name: Singapore Customs
    jurisdiction: SG
```

A code that is not there (`*`, `ALL`, `'; DROP`, a typing error) is refused with a
sentence that says how to add it: handling markings that name no agency cannot be
honoured. `agency()` answers for any code (lookups of what the graph holds).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from ingest.normalise import resolve_country
from ingest.plainyaml import NotPlainYaml, load_plain_yaml
from ingest.record import describe_validation_error

# An agency code: a jurisdiction prefix and one or more parts of letters and digits.
CODE = re.compile(r"[A-Z]{2}(?:-[A-Z0-9]{1,20}){1,3}")
# ISO 3166 codes of the EU's 27 member states: `EU-<code>` is that state's customs.
_EU_MEMBERS = (
    *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU"),
    *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"),
)


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    jurisdiction: str | None


_KNOWN = {
    "HK-CED": Agency("HK-CED", "Hong Kong Customs and Excise Department", "HK"),
    "MO-CS": Agency("MO-CS", "Macao Customs Service", "MO"),
    "CN-GACC": Agency("CN-GACC", "General Administration of Customs of China", "CN"),
    "US-CBP": Agency("US-CBP", "U.S. Customs and Border Protection", "US"),
}


class UnknownAgency(ValueError):
    """A code that is not an agency of the registry; the message is a sentence."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    code: StrictStr = Field(pattern=CODE.pattern, max_length=64)
    name: StrictStr = Field(min_length=1, max_length=200)
    jurisdiction: StrictStr | None = Field(default=None, pattern=r"^[A-Z]{2}$")


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    agencies: list[_Entry] = Field(max_length=10_000)


class AgencyRegistry:
    """The agencies records may name: built in, and added by configuration."""

    def __init__(self, extra: Iterable[Agency] = ()) -> None:
        self._agencies = dict(_KNOWN)
        for member in _EU_MEMBERS:
            self._agencies[f"EU-{member}"] = Agency(
                f"EU-{member}", f"Customs of {member} (EU)", member
            )
        self.configured = tuple(extra)
        for added in self.configured:
            self._agencies[added.code] = added

    @classmethod
    def load(cls, path: Path | None) -> AgencyRegistry:
        """The built-in registry extended by the agencies listed in `path` (none when
        it is None); `RegistryFileError`, a sentence naming the file, when it
        cannot be used."""
        if path is None:
            return cls()
        try:
            data = load_plain_yaml(path)
            entries = _File.model_validate(data).agencies
        except NotPlainYaml as exc:
            raise RegistryFileError(f"agency registry {exc}") from exc
        except ValidationError as exc:
            problems = describe_validation_error(exc, whole="registry")
            raise RegistryFileError(f"agency registry {path} is not valid: {problems}") from exc
        return cls(Agency(e.code, e.name, e.jurisdiction) for e in entries)

    def get(self, code: str) -> Agency | None:
        return self._agencies.get(code.strip().upper())

    def check(self, code: str) -> Agency:
        """The agency of `code`; `UnknownAgency` when the registry has none."""
        found = self.get(code)
        if found is None:
            shown = code if len(code) <= 40 else code[:40] + "..."
            raise UnknownAgency(
                f"{shown!r} is not an agency of the registry ({', '.join(sorted(_KNOWN))}, "
                "EU-<member state>"
                + (f", {len(self.configured)} configured" if self.configured else "")
                + "); add it to agencies.yaml (IPRGRAPH_AGENCIES_FILE) if it is one"
            )
        return found

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._agencies)


class RegistryFileError(ValueError):
    """The configured agency registry file cannot be used; a sentence naming it."""


DEFAULT_REGISTRY = AgencyRegistry()


def agency(code: str) -> Agency:
    """The agency of any code, for lookups of what the graph holds: the registry's,
    or, for a code it lacks, one whose jurisdiction is read off its prefix."""
    code = code.strip().upper()
    found = DEFAULT_REGISTRY.get(code)
    if found is not None:
        return found
    prefix, _, rest = code.partition("-")
    if prefix == "EU" and rest:
        member = resolve_country(rest.split("-")[0])
        return Agency(code, f"Customs of {member or rest} (EU)", member)
    return Agency(code, code, resolve_country(prefix) if len(prefix) in (2, 3) else None)
