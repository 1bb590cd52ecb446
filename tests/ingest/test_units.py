"""The unit normaliser: every spelling of a unit is one unit, units never merge."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ingest.normalise.units import UNITS, normalise_unit


def test_customs_spellings_read_as_one_unit() -> None:
    for written in ("pcs", "PCS", "Pcs.", "pieces", "PIECE", "pce", "each"):
        assert normalise_unit(written) == "pieces", written
    for written in ("prs", "PRS", "pair", "Pairs", "pr."):
        assert normalise_unit(written) == "pairs", written
    assert normalise_unit("KGS") == "kg"
    assert normalise_unit(" Litres ") == "litres"
    assert normalise_unit("sticks") == "sticks"
    assert normalise_unit("") is None and normalise_unit("  ") is None
    assert normalise_unit(None) is None
    # A unit no table knows is kept, and groups with itself only.
    assert normalise_unit("Blister Cards") == "blister cards"


@given(st.sampled_from(sorted({s for spellings in UNITS.values() for s in spellings})))
def test_every_spelling_in_any_case_and_spacing_is_its_unit(spelling: str) -> None:
    unit = normalise_unit(spelling)
    assert unit in UNITS
    assert normalise_unit(spelling.upper()) == unit
    assert normalise_unit(f" {spelling}. ") == unit
    # Normalising is idempotent: a normalised unit is its own spelling.
    assert normalise_unit(unit) == unit


@given(st.text(max_size=30))
def test_any_text_gives_a_stable_unit_or_none(text: str) -> None:
    unit = normalise_unit(text)
    assert unit is None or normalise_unit(unit) == unit
