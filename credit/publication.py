"""The publication rule: whether a record is published on a given day.

A record is published on day D when `publish_from ≤ D`, and `publish_until` is
empty or `D ≤ publish_until` (inclusive), and `delisted_on` is empty or
`D < delisted_on` (exclusive). Days are calendar dates in Asia/Shanghai
(`credit.clock.today()`). Every engine expresses this same rule inside its
query; this function is the reference they are tested against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Window:
    """The dates that decide publication."""

    publish_from: date
    publish_until: date | None = None
    delisted_on: date | None = None


def is_published(window: Window, day: date) -> bool:
    """True when a record with this window is published on `day`."""
    if day < window.publish_from:
        return False
    if window.publish_until is not None and day > window.publish_until:
        return False
    return window.delisted_on is None or day < window.delisted_on


def last_published_day(window: Window) -> date | None:
    """The last day the window can publish; None when it is open-ended."""
    ends = [window.publish_until] if window.publish_until else []
    if window.delisted_on is not None:
        ends.append(window.delisted_on - timedelta(days=1))
    return min(ends) if ends else None


def never_published_again(window: Window, day: date) -> bool:
    """True when no day from `day` on publishes the record (it may be purged)."""
    last = last_published_day(window)
    return last is not None and (last < day or last < window.publish_from)
