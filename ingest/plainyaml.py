"""Small, plain YAML for profiles, manifests and the agency registry.

YAML anchors and aliases let a few hundred bytes describe gigabytes (a 586-byte
profile grew ingest to 1.7 GB in 30 s), and nothing in a profile or manifest needs
them, so a file that uses one is refused with a sentence, as is a file larger than
`MAX_BYTES`, nested deeper than `MAX_DEPTH`, with a key given twice, or that is not
UTF-8 text. What is left is parsed by PyYAML's safe loader (no Python objects).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node

# A shipped profile is about 2 KB and a manifest of a hundred feeds about 8 KB.
MAX_BYTES = 256 * 1024
# A profile is three levels deep (columns -> field -> list of columns).
MAX_DEPTH = 16


class NotPlainYaml(ValueError):
    """The file is not small, plain YAML; the message is a sentence naming it."""


class _PlainLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors, aliases, deep nesting and repeated keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise NotPlainYaml(
                f"line {event.start_mark.line + 1} uses a YAML anchor or alias (& or *), "
                "which iprgraph does not accept: write the values out"
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise NotPlainYaml(
                    f"line {event.start_mark.line + 1} is nested more than {MAX_DEPTH} levels deep"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = key_node.value if key_node.tag == "tag:yaml.org,2002:str" else None
            if key is not None and key in seen:
                raise NotPlainYaml(
                    f"line {key_node.start_mark.line + 1} gives the key {key!r} twice"
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_plain_yaml(path: Path) -> Any:
    """The one YAML document in `path`; `NotPlainYaml` (a sentence that names the
    file) when it is too large, not UTF-8, not YAML, or uses what plain YAML does not."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise NotPlainYaml(f"{path} cannot be read ({exc.strerror or exc})") from exc
    if len(data) > MAX_BYTES:
        raise NotPlainYaml(
            f"{path} is larger than {MAX_BYTES // 1024} KiB; a profile or manifest is a small file"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotPlainYaml(
            f"{path} is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8"
        ) from exc
    try:
        return parse_plain_yaml(text)
    except NotPlainYaml as exc:
        raise NotPlainYaml(f"{path}: {exc}") from exc


def parse_plain_yaml(text: str) -> Any:
    """`load_plain_yaml` for text already read (no size check here)."""
    loader: _PlainLoader | None = None
    try:
        # The loader reads its stream when it is made: a character YAML does not
        # allow (a control character) is an error here already.
        loader = _PlainLoader(text)
        return loader.get_single_data()
    except NotPlainYaml:
        raise
    except yaml.YAMLError as exc:
        raise NotPlainYaml(f"not valid YAML ({_one_line(exc)})") from exc
    except (ValueError, TypeError, RecursionError, OverflowError) as exc:
        # A scalar the safe constructor cannot build (an integer of 5,000 digits,
        # a timestamp out of range).
        raise NotPlainYaml(f"a value cannot be read ({_one_line(exc)})") from exc
    finally:
        if loader is not None:
            loader.dispose()


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()).replace(' in "<unicode string>",', "")
    # Python's own advice on its digit limit is not the reader's business.
    return text.split("; use sys.")[0]
