"""Booths and halls as exhibitor lists write them: never part of a name.

A booth code is up to ten letters, digits and `.#/-`, a digit among them (`A101`,
`B2-05`, `2023`); booth words say booth or hall (`A01展位`, `3号馆`, `Hall 3`).
"""

from __future__ import annotations

import re

__all__ = ["BOOTH_WORDS", "is_booth_code"]

BOOTH_WORDS = re.compile(
    r"展位|展台|展馆|展区|号馆|摊位|(?<![A-Za-z])(?:booth|hall|stand)(?![A-Za-z])", re.IGNORECASE
)
_CODE = re.compile(r"[0-9A-Za-z.#/\-]{1,10}")


def is_booth_code(text: str) -> bool:
    """`A101`, `B2-05`: a short code with a digit (a name's words have none)."""
    return _CODE.fullmatch(text) is not None and any(ch.isdigit() for ch in text)
