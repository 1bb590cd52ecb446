from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalise import PortResolver, load_port_table
from ingest.normalise.ports import (
    _LOCODE,
    SHIPPED_LOCODE,
    SHIPPED_PORTS,
    _names_in,
    _strip_noise,
    fold_port_name,
)

ROWS = load_port_table(SHIPPED_PORTS)
RESOLVER = PortResolver.default()


@pytest.mark.parametrize(
    ("raw", "locode"),
    [
        ("HKHKG", "HKHKG"), ("HK HKG", "HKHKG"), ("hkhkg", "HKHKG"), ("HK-HKG", "HKHKG"),
        ("Hong Kong", "HKHKG"), ("HONGKONG", "HKHKG"), ("Hong Kong SAR", "HKHKG"),
        ("HKG Airport", "HKHKG"), ("Chek Lap Kok", "HKHKG"), ("Port of Hong Kong", "HKHKG"),
        ("Yantian", "CNYTN"), ("Shenzhen-Yantian", "CNYTN"), ("SHENZHEN YANTIAN", "CNYTN"),
        ("Yantian Terminal", "CNYTN"), ("Los Angeles", "USLAX"), ("Long Beach", "USLGB"),
        ("Los Angeles/Long Beach", "USLAX"), ("Port Klang", "MYPKG"), ("Klang", "MYPKG"),
        ("Port Klang (Westport)", "MYPKG"), ("Macao", "MOMFM"), ("Jebel Ali", "AEJEA"),
        ("Port of Spain", "TTPOS"), ("Port Said", "EGPSD"), ("Antwerpen", "BEANR"),
        ("Göteborg", "SEGOT"), ("深圳", "CNSZX"), ("Singapore Changi", "SGSIN"),
    ],
)  # fmt: skip
def test_examples(raw: str, locode: str) -> None:
    result = RESOLVER.resolve(raw)
    assert result.resolved and result.locode == locode and result.raw == raw


def test_kinds_and_names() -> None:
    hk = RESOLVER.resolve("hk hkg")
    assert (hk.name, hk.country, hk.kinds) == ("Hong Kong", "HK", ("air", "sea"))


@pytest.mark.parametrize("raw", ["Spain", "Atlantis", "", "   ", "Port", "XXABC"])
def test_unknown(raw: str) -> None:
    result = RESOLVER.resolve(raw)
    assert not result.resolved and result.locode is None and result.raw == raw


@pytest.mark.parametrize("raw", ["CN-XYZ", "CNXYZ", "cn xyz", "CN  XYZ", "CN.XYZ"])
def test_well_formed_unknown_code_is_kept_unresolved_whatever_its_spacing(raw: str) -> None:
    result = RESOLVER.resolve(raw)
    assert (result.resolved, result.locode, result.country) == (False, "CNXYZ", "CN")


@pytest.mark.parametrize(
    "raw", ["Port Klang (Pelabuhan Klang)", "PORT KLANG (PELABUHAN KLANG)", "Klang (Port Klang)"]
)
def test_a_name_with_its_alternative_in_parentheses(raw: str) -> None:
    # UN/LOCODE's official name of MYPKG is "Port Klang (Pelabuhan Klang)".
    assert RESOLVER.resolve(raw).locode == "MYPKG"


SPACINGS = ["{c}{l}", "{c} {l}", "{c}-{l}", " {c}  {l} ", "{c}.{l}"]


@pytest.mark.parametrize("spacing", SPACINGS)
def test_every_locode_in_any_spacing(spacing: str) -> None:
    for row in ROWS:
        for code in (row.locode, row.locode.lower()):
            raw = spacing.format(c=code[:2], l=code[2:])
            assert RESOLVER.resolve(raw).locode == row.locode, raw


def test_every_name_and_alias() -> None:
    owners: dict[str, set[str]] = {}
    for row in ROWS:
        for text in (row.name, *row.aliases):
            owners.setdefault(_strip_noise(fold_port_name(text)), set()).add(row.locode)
    for row in ROWS:
        for text in (row.name, *row.aliases):
            for variant in (text, text.upper(), text.lower(), f" {text}. "):
                assert RESOLVER.resolve(variant).locode == row.locode, (variant, row.locode)
            for variant in (f"Port of {text}", f"{text} Terminal", f"{text} (Intl Airport)"):
                result = RESOLVER.resolve(variant)
                if len(owners[_strip_noise(fold_port_name(text))]) == 1:
                    assert result.locode == row.locode, (variant, row.locode)
                else:  # the name without noise words is shared: never guessed
                    assert result.locode in (None, row.locode), (variant, row.locode)


@settings(max_examples=300)
@given(st.text())
def test_never_raises(raw: str) -> None:
    result = RESOLVER.resolve(raw)
    assert result.resolved == (result.name is not None)


OFFICIAL = """\
,CN,,.CHINA,,,,,,,,
,CN,XYZ,Xiyazhen,Xiyazhen,44,RL,1-------,1601,,2233N 11406E,
,CN,YTN,Yantian,Yantian,44,AI,1-------,0001,,,
,FR,PBQ,Pébrac,Pebrac,43,RL,--3-----,0307,,,
,US,ZZW,Springfield,Springfield,IL,AI,1--4----,0001,,,
,US,ZZV,Springfield,Springfield,MA,AI,1-------,0001,,,
X,DE,QQQ,Gone,Gone,,XX,1-------,0001,,,
+,DE,ZQA,Neuhafen a.d. Küste,Neuhafen a.d. Kuste,NI,RL,1-------,2401,,,
"""


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1"])
def test_load_official_list(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "code-list.csv"
    path.write_bytes(OFFICIAL.encode(encoding))
    resolver = PortResolver.default()
    assert resolver.load_locode_csv(path) == 6
    new = resolver.resolve("CN XYZ")
    assert (new.resolved, new.name, new.country, new.kinds) == (True, "Xiyazhen", "CN", ("sea",))
    assert resolver.resolve("xiyazhen").locode == "CNXYZ"
    assert resolver.resolve("FRPBQ").resolved
    assert resolver.resolve("Pébrac").locode == "FRPBQ"
    assert resolver.resolve("Neuhafen a.d. Küste").locode == "DEZQA"
    assert resolver.resolve("USZZW").kinds == ("air", "sea")
    assert not resolver.resolve("Springfield").resolved  # two locations: ambiguous
    assert not resolver.resolve("DEQQQ").resolved  # marked for deletion
    assert resolver.resolve("Yantian").name == "Yantian"  # curated row kept
    # the shipped default is not changed by extending another resolver
    assert not PortResolver.default().resolve("CNXYZ").resolved


# -- the shipped UN/LOCODE extract (ingest/reference/unlocode.csv) ------------------


def _extract() -> list[list[str]]:
    import csv

    with SHIPPED_LOCODE.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


EXTRACT = _extract()


def test_the_extract_is_much_larger_than_the_curated_table() -> None:
    assert len(EXTRACT) > 80_000
    assert len(RESOLVER.locodes) > 50 * len({row.locode for row in ROWS})


@pytest.mark.parametrize("spacing", ["{c}{l}", "{c} {l}", "{c}-{l}"])
def test_every_code_of_the_extract_in_any_spacing_and_case(spacing: str) -> None:
    named: dict[str, set[str]] = {}
    for row in EXTRACT:
        for name in _names_in(row[3]):
            named.setdefault(fold_port_name(name), set()).add(row[1] + row[2])
    for row in ROWS:
        for text in (row.name, *row.aliases):
            named.setdefault(fold_port_name(text), set()).add(row.locode)
    for row in EXTRACT:
        country, location = row[1], row[2]
        if not _LOCODE.fullmatch(country + location):
            continue  # a few codes of the 2015 list use 0 and 1, which codes do not
        for c, loc in ((country, location), (country.lower(), location.lower())):
            raw = spacing.format(c=c, l=loc)
            result = RESOLVER.resolve(raw)
            # A code that is also a place's name ("Arica") is read as the name.
            expected = {country + location, *named.get(fold_port_name(raw), ())}
            assert result.resolved and result.locode in expected, raw


def test_every_official_name_of_the_extract_that_names_one_location() -> None:
    owners: dict[str, set[str]] = {}
    for row in EXTRACT:
        for name in _names_in(row[3]):
            owners.setdefault(fold_port_name(name), set()).add(row[1] + row[2])
    curated = {fold_port_name(text) for row in ROWS for text in (row.name, *row.aliases)}
    checked = 0
    for row in EXTRACT:
        folded = fold_port_name(row[3])
        if (
            len(owners[folded]) > 1
            or folded in curated
            or _strip_noise(folded) != folded
            or _LOCODE.fullmatch(row[3])
        ):
            continue  # ambiguous, a curated name that wins, or a name written as a code
        for written in (row[3], row[3].upper(), "  " + row[3].lower() + " "):
            assert RESOLVER.resolve(written).locode == row[1] + row[2], written
        checked += 1
    assert checked > 60_000


def test_parenthesised_alternatives_of_the_extract() -> None:
    # "Laem Chabang (Si Racha)"-style official names: the whole and each part.
    found = 0
    for row in EXTRACT:
        name = row[3]
        if "(" not in name or not name.endswith(")"):
            continue
        whole = RESOLVER.resolve(name)
        if whole.locode == row[1] + row[2]:
            found += 1
    assert found > 500
    assert RESOLVER.resolve("PELABUHAN KLANG").locode == "MYPKG"
    assert RESOLVER.resolve("pissotte").locode == "FRPKG"  # a small place, not curated
