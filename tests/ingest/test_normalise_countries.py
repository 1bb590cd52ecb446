import pytest

from ingest.normalise import resolve_country

CASES = {
    "CHINA, PEOPLES REP": "CN", "PEOPLE'S REPUBLIC OF CHINA": "CN", "PRC": "CN", "China": "CN",
    "CN": "CN", "chn": "CN", "中国": "CN",
    "U.S.A.": "US", "USA": "US", "UNITED STATES OF AMERICA": "US", "United States": "US",
    "us": "US",
    "Hong Kong SAR": "HK", "HONG KONG, CHINA": "HK", "Hong Kong": "HK", "HKG": "HK", "hk": "HK",
    "香港": "HK",
    "Macau": "MO", "Macao SAR": "MO", "MACAO, CHINA": "MO", "MO": "MO",
    "UK": "GB", "Great Britain": "GB", "United Kingdom": "GB", "England": "GB",
    "UAE": "AE", "United Arab Emirates": "AE",
    "Korea, Republic of": "KR", "South Korea": "KR", "KOREA, REP": "KR",
    "Viet Nam": "VN", "Vietnam": "VN", "Türkiye": "TR", "Turkey": "TR", "Holland": "NL",
    "Deutschland": "DE", "Taiwan": "TW", "Chinese Taipei": "TW", "Kosovo": "XK",
    # Customs tables' inverted names with their abbreviations.
    "GERMANY, FED REP": "DE", "RUSSIA, FED": "RU", "KOREA, REP OF": "KR",
    "IRAN, ISLAMIC REP": "IR", "KOREA, DEM PEOPLES REP": "KP", "CONGO, DEM REP": "CD",
    "CONGO, REP": "CG", "TANZANIA, UNITED REP": "TZ", "MOLDOVA, REP OF": "MD",
    "LAO PEOPLES DEM REP": "LA", "SYRIAN ARAB REP": "SY", "VENEZUELA, BOLIVARIAN REP": "VE",
    "LAO PDR": "LA", "KOREA, DPR": "KP", "DPRK": "KP",
}  # fmt: skip


@pytest.mark.parametrize(("raw", "code"), sorted(CASES.items()))
def test_resolves(raw: str, code: str) -> None:
    assert resolve_country(raw) == code


@pytest.mark.parametrize("raw", ["", "  ", "Narnia", "XX", "EU", "European Union", "12"])
def test_unknown(raw: str) -> None:
    assert resolve_country(raw) is None
