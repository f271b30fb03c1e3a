"""The publication window as index terms: `published on day D` as a few term lookups.

Two range conditions over fast fields (`from_day ≤ D ≤ last_day`) scan a value per
document: on a million records that is most of a common query's time. Here each
window `[from, last]` is indexed as the dyadic intervals that tile it (a segment
tree over day numbers: the interval of level `L` and index `i` holds the days
`i·2^L … (i+1)·2^L − 1`); a day lies in exactly one interval per level, so a
record is published on D exactly when one of D's `LEVELS + 1` intervals is among
the record's terms. A window tiles into at most two intervals per level (about
eight terms on average for real windows).

Day numbers count from `EPOCH` and stop at `LAST_NUMBER` (year 2617). A window
reaching past that is cut there, and one starting before `EPOCH` starts at it:
exact for every day in between. Days outside that span have no intervals
(`day_terms` answers None) and the engine falls back to the range conditions.
"""

from __future__ import annotations

from datetime import date

from credit.search.documents import NEVER

FIELD = "window_spans"
EPOCH = date(1900, 1, 1)
LEVELS = 18
LAST_NUMBER = (1 << LEVELS) - 1
_EPOCH_ORDINAL = EPOCH.toordinal()


def _term(level: int, index: int) -> int:
    return (level << 32) | index


def day_offset(day_number: int) -> int:
    """`20250310` (the engine documents' day numbers) → days since EPOCH."""
    year, rest = divmod(day_number, 10_000)
    month, day = divmod(rest, 100)
    return date(year, month, day).toordinal() - _EPOCH_ORDINAL


def window_terms(first: int, last: int) -> list[int]:
    """The terms of the window `[first, last]` (days since EPOCH, inclusive; none if empty)."""
    low, high = max(first, 0), min(last, LAST_NUMBER)
    terms: list[int] = []
    level = 0
    while low <= high:
        if low & 1:
            terms.append(_term(level, low))
            low += 1
        if not high & 1 and low <= high:
            terms.append(_term(level, high))
            high -= 1
        low, high, level = low >> 1, high >> 1, level + 1
    return terms


def document_terms(from_day: int, last_day: int) -> list[int]:
    """The terms of an engine document's window (`from_day`, `last_day` as `record_document`)."""
    if last_day == NEVER:
        return []
    return window_terms(day_offset(from_day), day_offset(last_day))


def day_terms(day: date) -> list[int] | None:
    """The terms one of which every window publishing `day` holds; None outside the span."""
    offset = day.toordinal() - _EPOCH_ORDINAL
    if not 0 <= offset <= LAST_NUMBER:
        return None
    return [_term(level, offset >> level) for level in range(LEVELS + 1)]
