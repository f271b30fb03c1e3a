from __future__ import annotations

import pytest

from credit.screening.booths import BOOTH_WORDS, is_booth_code, is_written_on_booth


@pytest.mark.parametrize("text", ["A101", "B2-05", "2023", "3#", "a.12"])
def test_booth_codes(text: str) -> None:
    assert is_booth_code(text)


@pytest.mark.parametrize("text", ["Ltd.", "工会委员会", "A1012345678", "王某某"])
def test_not_booth_codes(text: str) -> None:
    assert not is_booth_code(text)


def test_booth_words_are_whole_words() -> None:
    assert all(BOOTH_WORDS.search(t) for t in ("A01展位", "3号馆", "Hall 3", "booth A1"))
    assert not any(BOOTH_WORDS.search(t) for t in ("Standard", "Hallstatt", "个体工商户"))


@pytest.mark.parametrize("text", ["A01", "3号馆", "3号馆A01", "展位号A01", "A01展位", "B2-05"])
def test_booths_written_on(text: str) -> None:
    assert is_written_on_booth(text)


@pytest.mark.parametrize("text", ["展馆管理部", "上海展台", "12", "2023", "Ltd", "展位"])
def test_not_booths_written_on(text: str) -> None:
    assert not is_written_on_booth(text)
