"""Synthetic seizure feeds with ground truth: `generate(records, seed, out)`.

Writes agency feeds in their own layouts (CSV, TSV, XLSX, canonical NDJSON), the
mapping profiles they need, a manifest, and `truth.json` naming the entity behind every
party mention, the planted infringer networks, look-alike distractors and every
malformed row.
"""

from ingest.generate.generator import GenerateResult, generate

__all__ = ["GenerateResult", "generate"]
