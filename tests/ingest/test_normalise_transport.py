import pytest

from ingest.normalise import TRANSPORT_MODES, NormaliseError, normalise_transport_mode

CASES = {
    "sea": "sea", "OCEAN": "sea", "Vessel": "sea", "maritime": "sea", "海运": "sea",
    "air": "air", "Air Cargo": "air", "air-freight": "air", "空运": "air",
    "courier": "express", "Express Courier": "express", "快件": "express",
    "EMS": "postal", "mail": "postal", "Post": "postal", "邮递": "postal",
    "truck": "road", "LORRY": "road", "land": "road",
    "railway": "rail", "Rail": "rail",
}  # fmt: skip


@pytest.mark.parametrize(("raw", "mode"), sorted(CASES.items()))
def test_synonyms(raw: str, mode: str) -> None:
    assert normalise_transport_mode(raw) == mode


@pytest.mark.parametrize("mode", TRANSPORT_MODES)
def test_modes_are_their_own_synonyms(mode: str) -> None:
    assert normalise_transport_mode(mode.upper()) == mode


@pytest.mark.parametrize("raw", ["", "pigeon", "by camel"])
def test_unknown(raw: str) -> None:
    with pytest.raises(NormaliseError, match="not a transport mode"):
        normalise_transport_mode(raw)
