"""The publication window as dyadic interval terms: exactly the days of the window."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from credit.search import tantivy_windows as windows
from credit.search.documents import NEVER, OPEN_END, day_number

END = windows.LAST_NUMBER


def _matches(first: int, last: int, day: int) -> int:
    """How many of the day's terms the window holds (the query is their union)."""
    found = windows.day_terms(windows.EPOCH + timedelta(days=day))
    assert found is not None
    return len(set(windows.window_terms(first, last)) & set(found))


@given(
    st.integers(-50, END + 50),
    st.integers(-50, END + 50),
    st.integers(0, END),
)
def test_a_day_is_in_the_window_exactly_when_one_term_is_shared(
    first: int, last: int, day: int
) -> None:
    assert _matches(first, last, day) == (1 if max(first, 0) <= day <= last else 0)


@given(st.integers(0, END), st.integers(0, 3000), st.integers(-40, 40))
def test_near_the_ends_of_a_window(first: int, length: int, shift: int) -> None:
    last = first + length
    for day in (first + shift, last + shift):
        if 0 <= day <= END:
            assert _matches(first, last, day) == (1 if first <= day <= last else 0)


def test_every_day_of_a_few_windows() -> None:
    for first, last in ((0, 0), (0, END), (5, 5), (6, 9), (1000, 2100), (44_000, END + 9)):
        terms = set(windows.window_terms(first, last))
        assert len(terms) <= 2 * (windows.LEVELS + 1)
        for day in range(max(0, first - 70), min(END, last + 70) + 1, 7):
            found = windows.day_terms(windows.EPOCH + timedelta(days=day))
            assert found is not None
            assert len(terms & set(found)) == (1 if first <= day <= last else 0)


def test_days_outside_the_span_have_no_terms() -> None:
    assert windows.day_terms(windows.EPOCH - timedelta(days=1)) is None
    assert windows.day_terms(windows.EPOCH + timedelta(days=END + 1)) is None
    assert windows.day_terms(windows.EPOCH + timedelta(days=END)) is not None


def test_day_offset_reads_the_document_day_numbers() -> None:
    for day in (date(1900, 1, 1), date(2024, 2, 29), date(2025, 12, 31), date(9999, 12, 31)):
        assert windows.day_offset(day_number(day)) == (day - windows.EPOCH).days


def test_document_terms_of_empty_and_open_windows() -> None:
    assert windows.document_terms(day_number(date(2025, 3, 1)), NEVER) == []
    open_ended = set(windows.document_terms(day_number(date(2025, 3, 1)), OPEN_END))
    for day in (date(2025, 3, 1), date(2099, 1, 1), date(2617, 1, 1)):
        assert len(open_ended & set(windows.day_terms(day) or ())) == 1
    assert not open_ended & set(windows.day_terms(date(2025, 2, 28)) or ())
