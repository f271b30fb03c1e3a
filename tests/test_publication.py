"""The publication rule on its boundary days, with the clock at 17:00 UTC (next day in Shanghai)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from credit import clock
from credit.publication import Window, is_published, last_published_day, never_published_again

FROM = date(2025, 3, 10)
UNTIL = date(2025, 9, 30)
DELISTED = date(2025, 6, 1)
ONE_DAY = timedelta(days=1)


def today_at_17_utc_before(shanghai_day: date) -> date:
    """`today()` with the process clock at 17:00 UTC on the day before `shanghai_day`."""
    instant = datetime.combine(shanghai_day - ONE_DAY, datetime.min.time(), UTC).replace(hour=17)
    with clock.clock_set_to(instant):
        return clock.today()


def test_shanghai_day_starts_at_16_utc() -> None:
    assert today_at_17_utc_before(date(2025, 1, 1)) == date(2025, 1, 1)
    with clock.clock_set_to(datetime(2024, 12, 31, 15, 59, tzinfo=UTC)):
        assert clock.today() == date(2024, 12, 31)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(FROM - ONE_DAY, False), (FROM, True), (FROM + ONE_DAY, True)],
)
def test_publish_from_is_the_first_day(day: date, expected: bool) -> None:
    window = Window(FROM, UNTIL)
    assert is_published(window, today_at_17_utc_before(day)) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(UNTIL - ONE_DAY, True), (UNTIL, True), (UNTIL + ONE_DAY, False)],
)
def test_publish_until_is_inclusive(day: date, expected: bool) -> None:
    window = Window(FROM, UNTIL)
    assert is_published(window, today_at_17_utc_before(day)) is expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(DELISTED - ONE_DAY, True), (DELISTED, False), (DELISTED + ONE_DAY, False)],
)
def test_delisted_on_is_exclusive(day: date, expected: bool) -> None:
    window = Window(FROM, UNTIL, DELISTED)
    assert is_published(window, today_at_17_utc_before(day)) is expected


def test_open_ended_window_never_ends() -> None:
    window = Window(FROM)
    assert is_published(window, date(2262, 1, 1))
    assert last_published_day(window) is None
    assert not never_published_again(window, date(2262, 1, 1))


def test_never_published_again() -> None:
    window = Window(FROM, UNTIL, DELISTED)
    assert last_published_day(window) == DELISTED - ONE_DAY
    assert not never_published_again(window, DELISTED - ONE_DAY)
    assert never_published_again(window, DELISTED)
    assert never_published_again(Window(FROM, FROM, FROM), FROM - ONE_DAY)
