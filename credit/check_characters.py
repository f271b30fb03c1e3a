"""The check characters of the two national codes a text may hold: the USCC (GB 32100)
and the resident ID number (GB 11643). `credit.uscc` and `credit.personal` use them; they
are here so that each can tell one code from the other."""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {char: index for index, char in enumerate(USCC_ALPHABET)}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def uscc_check_character(first17: str) -> str:
    """A USCC's 18th character for its first 17 (which must use `USCC_ALPHABET`)."""
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_check_ok(code: str) -> bool:
    """Whether an 18-character code of `USCC_ALPHABET` ends with its right check character."""
    return (
        len(code) == 18
        and all(ch in _USCC_VALUE for ch in code)
        and uscc_check_character(code[:17]) == code[17]
    )


def id_check_character(first17: str) -> str:
    """An ID number's 18th character for its first 17 digits."""
    total = sum(int(ch) * weight for ch, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]
