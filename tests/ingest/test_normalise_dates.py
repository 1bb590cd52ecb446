from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalise import NormaliseError, parse_date

D = date(2024, 8, 23)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-08-23", "2024-08-23T10:15:00", "2024-08-23T10:15:00+08:00", "2024-08-23 10:15:00Z",
        "23/08/2024", "23-08-2024", "23.08.2024", "2024/08/23", "20240823", "23-AUG-2024",
        "23 Aug 2024", "Aug 23, 2024", "August 23, 2024", "2024年8月23日", " 23/08/2024 ",
        "08/23/2024", 45527, 45527.75, "45527", 20240823,
        D, datetime(2024, 8, 23, 23, 59, tzinfo=timezone(timedelta(hours=8))),
    ],
)  # fmt: skip
def test_formats(raw: object) -> None:
    assert parse_date(raw) == D  # type: ignore[arg-type]


def test_ambiguous_prefers_day_first() -> None:
    assert parse_date("03/04/2024") == date(2024, 4, 3)
    assert parse_date("03/04/2024", formats=["%m/%d/%Y"]) == date(2024, 3, 4)


def test_explicit_formats_only() -> None:
    with pytest.raises(NormaliseError, match="MM/DD/YYYY"):
        parse_date("2024-08-23", formats=["%m/%d/%Y"])


@pytest.mark.parametrize(
    "raw", ["31/02/2024", "", "tomorrow", "1989-12-31", "2101-01-01", 12, True]
)
def test_rejects(raw: object) -> None:
    with pytest.raises(NormaliseError) as err:
        parse_date(raw)  # type: ignore[arg-type]
    assert err.value.field == "date"


def test_reason_names_value_and_formats() -> None:
    with pytest.raises(NormaliseError) as err:
        parse_date("31/02/2024")
    assert "'31/02/2024'" in err.value.reason and "DD/MM/YYYY" in err.value.reason


CLAIMED = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y%m%d", "%d-%b-%Y",
           "%d %b %Y", "%b %d, %Y", "%B %d, %Y", "%Y年%m月%d日"]  # fmt: skip
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@settings(max_examples=150)
@given(DAYS, st.sampled_from(CLAIMED), st.booleans())
def test_round_trip(day: date, fmt: str, upper: bool) -> None:
    text = day.strftime(fmt)
    assert parse_date(text.upper() if upper else text) == day
    assert parse_date(text, formats=[fmt]) == day


@settings(max_examples=100)
@given(DAYS)
def test_excel_serial_round_trip(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(float(serial) + 0.5) == day
