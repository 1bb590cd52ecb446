"""Units of seized quantities, in one spelling: what statistics group quantities by,
so that pieces, pairs and kilograms are never added together.

`normalise_unit("PCS")` is "pieces", `normalise_unit("prs")` "pairs", `"KGS"` "kg";
an empty unit is None (a quantity without a unit is counted apart, never merged
into another's); a unit no table knows is kept, casefolded and trimmed, so that it
still groups with itself. Other code (statistics, exchange tables) imports it from
here rather than keeping its own table.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["UNITS", "normalise_unit"]

# The spellings customs records use, by the unit they mean (after casefold, dots and
# spaces removed, a trailing plural "s" tried too).
UNITS: Final[dict[str, tuple[str, ...]]] = {
    "pieces": ("pc", "pcs", "piece", "pieces", "pce", "pces", "item", "items", "unit",
               "units", "ea", "each", "nos", "no", "nmb", "u", "stk", "stück", "stuck"),
    "pairs": ("pr", "prs", "pair", "pairs", "pa", "npr"),
    "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kgm"),
    "g": ("g", "gr", "gram", "grams", "gramme", "grm"),
    "tonnes": ("t", "tonne", "tonnes", "ton", "tons", "mt", "tne"),
    "litres": ("l", "lt", "ltr", "litre", "litres", "liter", "liters", "ltrs"),
    "ml": ("ml", "millilitre", "millilitres", "milliliter", "milliliters"),
    "cartons": ("ctn", "ctns", "carton", "cartons", "cs", "case", "cases"),
    "boxes": ("box", "boxes", "bx"),
    "packs": ("pk", "pks", "pack", "packs", "pkt", "pkts", "packet", "packets"),
    "sets": ("set", "sets"),
    "dozens": ("dz", "dzn", "doz", "dozen", "dozens"),
    "rolls": ("roll", "rolls", "rl"),
    "metres": ("m", "mtr", "mtrs", "metre", "metres", "meter", "meters"),
    "sticks": ("stick", "sticks", "cigarette", "cigarettes"),
    "tablets": ("tab", "tabs", "tablet", "tablets", "pill", "pills"),
    "bottles": ("btl", "btls", "bottle", "bottles"),
}  # fmt: skip

_SPELLINGS: Final[dict[str, str]] = {
    spelling: unit for unit, spellings in UNITS.items() for spelling in spellings
}
_NOISE: Final = re.compile(r"[\s.]+")


def normalise_unit(raw: str | None) -> str | None:
    """One spelling per unit (see the module); None for no unit."""
    if raw is None:
        return None
    text = _NOISE.sub("", str(raw).strip().casefold())
    if not text:
        return None
    if text in _SPELLINGS:
        return _SPELLINGS[text]
    if text.endswith("s") and text[:-1] in _SPELLINGS:
        return _SPELLINGS[text[:-1]]
    return " ".join(str(raw).split()).casefold()
