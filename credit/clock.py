"""Today in China Standard Time, from a clock that tests can set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    """Something that tells the current instant (timezone-aware)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock stopped at one instant; naive datetimes are taken as UTC."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant if instant.tzinfo else instant.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self.instant


_clock: Clock = SystemClock()


def set_clock(clock: Clock) -> None:
    """Replace the process clock (tests and operator tools only)."""
    global _clock
    _clock = clock


@contextmanager
def clock_set_to(instant: datetime) -> Iterator[None]:
    """Run a block with the process clock stopped at `instant`."""
    previous = _clock
    set_clock(FixedClock(instant))
    try:
        yield
    finally:
        set_clock(previous)


def now() -> datetime:
    """The current instant in Asia/Shanghai."""
    return _clock.now().astimezone(SHANGHAI)


def today() -> date:
    """The calendar date in Asia/Shanghai now: the day the public is served."""
    return now().date()
