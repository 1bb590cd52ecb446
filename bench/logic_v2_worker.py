"""OpenSanctions' logic-v2 matcher over pairs of entities, for `python -m bench realnames`.

Run by the bench with the interpreter of the bench-only environment that holds
`nomenklatura` (`.venv-bench`, made by `python -m bench.realnames --setup`), never
in the project's own: reads {"entities": {id: {schema, name, country,
identifier}}, "pairs": [[id, id], ...]} as JSON on stdin and writes the score of
each pair, in order, as a JSON list on stdout. Imports nothing of iprgraph.
"""

from __future__ import annotations

import json
import sys

from followthemoney import model
from nomenklatura.matching import LogicV2

_IDENTIFIER = {"Company": "registrationNumber", "Person": "idNumber"}


def main() -> None:
    job = json.load(sys.stdin)
    entities = {}
    for key, spec in job["entities"].items():
        entity = model.make_entity(spec["schema"])
        # Unique ids: logic-v2 caches a name analysis per entity id.
        entity.id = key
        entity.add("name", spec["name"])
        if spec.get("country"):
            entity.add("country", spec["country"].lower())
        if spec.get("identifier"):
            entity.add(_IDENTIFIER[spec["schema"]], spec["identifier"])
        entities[key] = entity
    config = LogicV2.default_config()
    scores = [
        round(LogicV2.compare(entities[a], entities[b], config).score, 4) for a, b in job["pairs"]
    ]
    json.dump(scores, sys.stdout)


if __name__ == "__main__":
    main()
