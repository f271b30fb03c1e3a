from __future__ import annotations

import pytest

from credit.screening.booths import BOOTH_WORDS, is_booth_code


@pytest.mark.parametrize("text", ["A101", "B2-05", "2023", "3#", "a.12"])
def test_booth_codes(text: str) -> None:
    assert is_booth_code(text)


@pytest.mark.parametrize("text", ["Ltd.", "工会委员会", "A1012345678", "王某某"])
def test_not_booth_codes(text: str) -> None:
    assert not is_booth_code(text)


def test_booth_words_are_whole_words() -> None:
    assert all(BOOTH_WORDS.search(t) for t in ("A01展位", "3号馆", "Hall 3", "booth A1"))
    assert not any(BOOTH_WORDS.search(t) for t in ("Standard", "Hallstatt", "个体工商户"))
