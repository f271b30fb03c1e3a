"""Booths and halls as exhibitor lists write them: never part of a name.

A booth code is up to ten letters, digits and `.#/-`, a digit among them (`A101`,
`B2-05`, `2023`); booth words say booth or hall (`A01展位`, `3号馆`, `Hall 3`).
"""

from __future__ import annotations

import re

__all__ = ["BOOTH_WORDS", "is_booth_code", "is_written_on_booth"]

_CHINESE_WORDS = "展位|展台|展馆|展区|号馆|摊位"
_CODE_CHARACTERS = r"[0-9A-Za-z.#/\-]"
BOOTH_WORDS = re.compile(
    rf"{_CHINESE_WORDS}|(?<![A-Za-z])(?:booth|hall|stand)(?![A-Za-z])", re.IGNORECASE
)
_CODE = re.compile(rf"{_CODE_CHARACTERS}{{1,10}}")


def is_booth_code(text: str) -> bool:
    """`A101`, `B2-05`: a short code with a digit (a name's words have none)."""
    return _CODE.fullmatch(text) is not None and any(ch.isdigit() for ch in text)


_WRITTEN_ON = re.compile(rf"(?:{_CODE_CHARACTERS}+|(?:{_CHINESE_WORDS})号?)+")
_WORD = re.compile(_CHINESE_WORDS)


def is_written_on_booth(text: str) -> bool:
    """A booth written with no space beside a name: codes and booth words only, with a
    booth word or a code of letters and digits among them (`3号馆`, `展位号A01`, `A01`,
    `A01展位`); not a word that holds one (`展馆管理部`, `上海展台`) or a bare number."""
    if not _WRITTEN_ON.fullmatch(text) or not any(ch.isdigit() for ch in text):
        return False
    return bool(_WORD.search(text)) or any(ch.isalpha() and ch.isascii() for ch in text)
