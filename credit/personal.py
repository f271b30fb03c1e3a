"""Personal data: ID numbers (居民身份证号码) and mobile numbers are never kept whole.

An individual's `id_number` is masked at ingestion to its first 6 and last 4
characters. Valid 18-digit ID numbers and mainland mobile numbers inside free
text are masked the same way (`mask_personal_data`; `mask_id_numbers` masks the ID
numbers alone, for text whose phone numbers are to be kept). `redact_digits` is the
blunt version for text that is not validated (rejected feed lines, log lines): every
long run of digits is masked whether or not its check digit is right.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MASKED_ID = re.compile(r"\d{6}\*{8}[\dX]{4}")
# `\d` is any decimal digit, full-width ones too (`１１０１…`); letters may follow a number
# (`…1239abc`); the check character is read after NFKC (`_half_width`).
_ID_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXxＸｘ](?!\d)")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)[1１][3-9３-９]\d{9}(?!\d)")
_DIGIT_RUN = re.compile(r"\d{11,}[Xx]?")
_ELEVEN_DIGITS = re.compile(r"\d{11}")


def id_check_character(first17: str) -> str:
    """The 18th character (GB 11643) for the first 17 digits of an ID number."""
    total = sum(int(ch) * weight for ch, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _half_width(number: str) -> str:
    return unicodedata.normalize("NFKC", number)


def id_number_check_ok(number: str) -> bool:
    """True for an 18-character ID number whose check character (GB 11643) is right,
    written in half-width or full-width characters."""
    number = _half_width(number)
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return id_check_character(number[:17]) == number[17].upper()


def looks_like_id_number(number: str) -> bool:
    """An ID number as issued: its check character right and characters 7–14 a birth date.

    The date tells one from an all-digit USCC whose last character happens to be an ID
    number's check character (`911101051000000295`: `05100000` is no date)."""
    number = _half_width(number)
    if not id_number_check_ok(number):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born.year >= 1900


def mask_id_number(number: str) -> str:
    """`110105199003071239` → `110105********1239` (half-width; an X check character
    upper-cased)."""
    number = _half_width(number)
    return number[:6] + "*" * 8 + number[-4:].upper()


def is_masked_id_number(text: str) -> bool:
    """True for an already masked ID number such as `110105********1239`."""
    return _MASKED_ID.fullmatch(text) is not None


def mask_mobile(number: str) -> str:
    """`13800138000` → `138****8000`."""
    return number[:3] + "****" + number[-4:]


def mask_id_numbers(text: str) -> str:
    """Mask ID numbers (`looks_like_id_number`) inside free text; everything else (mobile
    numbers too) is left as it is."""
    if len(text) < 18:
        return text
    return _ID_IN_TEXT.sub(
        lambda m: mask_id_number(m[0]) if looks_like_id_number(m[0]) else m[0], text
    )


def mask_personal_data(text: str) -> str:
    """Mask valid ID numbers and mobile numbers inside free text."""
    if not may_hold_personal_numbers(text):
        return text
    return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m[0]), mask_id_numbers(text))


_IDENTIFIERS = frozenset({"record_id", "case_id", "uscc", "related_record_ids"})


def may_hold_personal_numbers(text: str) -> bool:
    """Whether `text` has a run of 11 digits (any width): no ID or mobile number is shorter,
    so text without one needs no masking."""
    return _ELEVEN_DIGITS.search(text) is not None


def mask_stored_body(body: dict[str, Any]) -> dict[str, Any]:
    """A stored record or case with ID and mobile numbers masked in every text (not in its
    identifiers). What validation does to a new line, for bodies stored before it masked
    as much (full-width digits, a number followed by letters); a no-op on the others."""
    return {
        key: value if key in _IDENTIFIERS else _masked_value(value) for key, value in body.items()
    }


def _masked_value(value: Any) -> Any:
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, list):
        return [_masked_value(item) for item in value]
    return value


def redact_digits(text: str) -> str:
    """Mask every run of 11 or more digits (IDs, phones, whatever their check digit)."""
    return _DIGIT_RUN.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 7) + m[0][-4:], text)
