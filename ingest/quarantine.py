"""The quarantine of one feed file: the rows that could not be loaded, with reasons.

`<file>.<sha256 prefix>.ndjson` holds one JSON object per rejected row (file, line,
reason, the raw row as sent) and is what a program reads back; `<file>.<sha256
prefix>.csv` is the same for a person with a spreadsheet, its cells neutralised
(`ingest.csvsafe`). Raw rows carry their handling markings (TLP, releasable_to),
so both files are readable by their owner only (mode 0600, in a folder of mode
0700). They are rewritten on each run of the same file, and removed when no row
was rejected. Writes come from the reading thread and the writing one (a record
the database refused), so they take a lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import IO, Any

from ingest import csvsafe

_COLUMNS = ("file", "line", "reason", "raw")


def _private_file(path: Path) -> IO[str]:
    """`path` opened for writing, created or truncated, readable by its owner only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # A file that existed keeps its mode through O_CREAT: set it.
    os.fchmod(descriptor, 0o600)
    # backslashreplace: a lone surrogate in a reason or a raw row is written as the
    # JSON escape it was (\udc80), not a failure to write the quarantine.
    return open(descriptor, "w", encoding="utf-8", errors="backslashreplace", newline="")  # noqa: PTH123


# Characters some readers take for line ends (Python's str.splitlines, old
# JavaScript): escaped, so that one entry is one line for every reader. They can
# only be inside JSON strings, where the escape means the same character.
_LINE_ENDS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _one_line(text: str) -> str:
    return text.translate(_LINE_ENDS)


class Quarantine:
    """Rejected rows of one file; nothing is written until the first one."""

    def __init__(self, folder: Path, name: str, sha256: str) -> None:
        self.folder = folder
        stem = f"{name}.{sha256[:12]}"
        self.path = folder / f"{stem}.ndjson"
        self.report_path = folder / f"{stem}.csv"
        self.rows = 0
        self._lock = threading.Lock()
        self._ndjson: IO[str] | None = None
        self._csv: IO[str] | None = None
        self._writer: csvsafe.SafeWriter | None = None

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(PermissionError):  # a shared folder someone else owns
            self.folder.chmod(0o700)
        self._ndjson = _private_file(self.path)
        self._csv = _private_file(self.report_path)
        self._writer = csvsafe.writer(self._csv)
        self._writer.writerow(_COLUMNS)

    def add(self, entry: dict[str, Any]) -> None:
        """Write one rejected row: file, sha256, line, reason, raw."""
        with self._lock:
            if self._ndjson is None:
                self._open()
            assert self._ndjson is not None and self._writer is not None
            self._ndjson.write(_one_line(json.dumps(entry, ensure_ascii=False)) + "\n")
            self._writer.writerow([entry.get(column) for column in _COLUMNS])
            self.rows += 1

    def close(self) -> None:
        """Close the files, or remove those of an earlier run when none was written."""
        with self._lock:
            for handle in (self._ndjson, self._csv):
                if handle is not None:
                    handle.close()
            if self._ndjson is None:
                self.path.unlink(missing_ok=True)
                self.report_path.unlink(missing_ok=True)
