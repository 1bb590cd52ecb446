"""Entity resolution, the pure part: which Party nodes are the same entity.

- `profile`: what resolution knows about a party (`PartyProfile`) and its name taken
  apart (`name_parts`);
- `blocking`: keys under which parties are compared (`name_keys`, `candidate_pairs`);
- `score`: one pair scored with explainable features (`compare`), thresholds, and
  auto / review decisions over many pairs (`decide_links`);
- `evaluate`: figures against the generator's ground truth.

No database here: the graph plumbing reads profiles from the store and writes the
decisions as SAME_AS relationships.
"""
