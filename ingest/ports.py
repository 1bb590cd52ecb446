"""Which port table ingest resolves against: the shipped one, plus the official
UN/LOCODE list when a user has loaded it (`iprgraph reference load-locode`)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ingest.normalise import PortResolver


def _installed(data_dir: Path) -> Path:
    return data_dir / "reference" / "unlocode.csv"


def install_locode_list(path: Path, data_dir: Path) -> int:
    """Check the file reads as a UN/LOCODE list, keep a copy; return its locations."""
    count = PortResolver().load_locode_csv(path)
    if count == 0:
        raise ValueError("no locations in it")
    target = _installed(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return count


def ports_for(data_dir: Path) -> PortResolver:
    resolver = PortResolver.default()
    installed = _installed(data_dir)
    if installed.is_file():
        resolver.load_locode_csv(installed)
    return resolver
