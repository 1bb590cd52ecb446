"""What comparing two parties gives, and the thresholds decisions are taken at.

Shared by the scorer (`graph.resolve.score`) and the decisions over many pairs
(`graph.resolve.decide`): a `Comparison` is a score, the features that produced it
and one line an analyst can check; features in `CONFLICTS` say two parties
disagree, those in `AMBIGUITIES` that a name alone cannot tell them from a namesake.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AMBIGUITIES", "AUTO_THRESHOLD", "CONFLICTS", "REVIEW_THRESHOLD", "Comparison"]

# Link automatically at or above this score. Reached by names that are the same
# once spelling, word order, script and legal form are set aside, or by alike
# names with a shared artefact; see the ceilings of `graph.resolve.score` for what
# cannot reach it.
AUTO_THRESHOLD = 0.9
# Suggest to an analyst between this and AUTO_THRESHOLD: alike names whose
# difference the evidence cannot settle (a dropped city, a typo or a
# one-letter different trade name, another script, another country).
REVIEW_THRESHOLD = 0.7


@dataclass(frozen=True)
class Comparison:
    score: float
    features: dict[str, float]
    explanation: str


# Features that cap a score below REVIEW_THRESHOLD (disagreement), and those that cap a
# pair with no shared artefact below AUTO_THRESHOLD (not enough to tell namesakes apart).
CONFLICTS = (
    "person_company",
    "name_homophone",
    "name_conflict",
    "name_reordered",
    "business_conflict",
    "legal_form_conflict",
    "country_conflict",
)
AMBIGUITIES = (
    "name_omission",
    "name_approximate",
    "name_acronym",
    "business_omission",
    "person_name",
    "place_omission",
    "name_distinguishing",
)
