"""Personal data: ID numbers (居民身份证号码) and mobile numbers are never kept whole.

An individual's `id_number` is masked at ingestion to its first 6 and last 4
characters. Valid 18-digit ID numbers, first-generation 15-digit ones and mainland
mobile numbers inside free text are masked the same way (`mask_personal_data`;
`mask_id_numbers` masks the ID numbers alone, for text whose phone numbers are to be
kept) — also when written in groups (`110105 19900307 1239`, `138-0013-8000`).
`redact_digits` is the blunt version for text that is not validated (rejected feed
lines, log lines): every long run of digits is masked whether or not its check digit
is right.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from credit import regions

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MASKED_ID = re.compile(r"\d{6}\*{8}[\dX]{4}")
# `\d` is any decimal digit, full-width ones too (`１１０１…`); letters may follow a number
# (`…1239abc`); the check character is read after NFKC (`joined_number`).
# A number may be written in groups: one space (half or full width) or hyphen between them.
_GAP = "[ \u3000-]?"
_ID_IN_TEXT = re.compile(rf"(?<!\d)(?:\d{_GAP}){{17}}[\dXxＸｘ](?!\d)")
_OLD_ID_IN_TEXT = re.compile(rf"(?<!\d)\d(?:{_GAP}\d){{14}}(?!{_GAP}\d)")
_MOBILE_IN_TEXT = re.compile(rf"(?<!\d)[1１][3-9３-９]\d{_GAP}\d{{4}}{_GAP}\d{{4}}(?!\d)")
_DIGIT_RUN = re.compile(rf"\d(?:{_GAP}\d){{10,}}(?:{_GAP}[Xx])?")
_ELEVEN_DIGITS = re.compile(rf"\d(?:{_GAP}\d){{10}}")
_SEPARATORS = str.maketrans("", "", " \u3000-")
_DATES = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ \u3000]\d{4}-\d{2}-\d{2})*")


def id_check_character(first17: str) -> str:
    """The 18th character (GB 11643) for the first 17 digits of an ID number."""
    total = sum(int(ch) * weight for ch, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def joined_number(number: str) -> str:
    """Half-width characters, the groups joined: `１１０１０５ １９９０…` → `110105199…`."""
    return unicodedata.normalize("NFKC", number).translate(_SEPARATORS)


def id_number_check_ok(number: str) -> bool:
    """True for an 18-character ID number whose check character (GB 11643) is right,
    written in half-width or full-width characters."""
    number = joined_number(number)
    if len(number) != 18 or not number[:17].isdigit():
        return False
    return id_check_character(number[:17]) == number[17].upper()


def looks_like_id_number(number: str) -> bool:
    """An ID number as issued: its check character right and characters 7–14 a birth date.

    The date tells one from an all-digit USCC whose last character happens to be an ID
    number's check character (`911101051000000295`: `05100000` is no date)."""
    number = joined_number(number)
    if not id_number_check_ok(number):
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return born.year >= 1900


def looks_like_old_id_number(number: str) -> bool:
    """A first-generation (15-digit) ID number: a known province, then a birth date
    `YYMMDD` of the 1900s at characters 7–12 (it has no check character)."""
    number = joined_number(number)
    if len(number) != 15 or not number.isdigit() or not regions.province_known(number[:6]):
        return False
    try:
        date(1900 + int(number[6:8]), int(number[8:10]), int(number[10:12]))
    except ValueError:
        return False
    return True


def mask_id_number(number: str) -> str:
    """`110105199003071239` → `110105********1239`, a 15-digit `110105900307123` →
    `110105*****7123` (half-width, groups joined; an X check character upper-cased)."""
    number = joined_number(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:].upper()


def is_masked_id_number(text: str) -> bool:
    """True for an already masked ID number such as `110105********1239`."""
    return _MASKED_ID.fullmatch(text) is not None


def mask_mobile(number: str) -> str:
    """`13800138000` → `138****8000` (as written: `138 0013 8000` → `138****8000`)."""
    number = number.translate(_SEPARATORS)
    return number[:3] + "****" + number[-4:]


def mask_id_numbers(text: str) -> str:
    """Mask ID numbers (`looks_like_id_number`, `looks_like_old_id_number`) inside free
    text; everything else (mobile numbers too) is left as it is."""
    if len(text) < 15:
        return text
    text = _ID_IN_TEXT.sub(
        lambda m: mask_id_number(m[0]) if looks_like_id_number(m[0]) else m[0], text
    )
    return _OLD_ID_IN_TEXT.sub(
        lambda m: mask_id_number(m[0]) if looks_like_old_id_number(m[0]) else m[0], text
    )


def mask_personal_data(text: str) -> str:
    """Mask valid ID numbers and mobile numbers inside free text."""
    if not may_hold_personal_numbers(text):
        return text
    return _MOBILE_IN_TEXT.sub(lambda m: mask_mobile(m[0]), mask_id_numbers(text))


_IDENTIFIERS = frozenset({"record_id", "case_id", "uscc", "related_record_ids"})


def may_hold_personal_numbers(text: str) -> bool:
    """Whether `text` has a run of 11 digits (any width, maybe in groups): no ID or mobile
    number is shorter, so text without one needs no masking."""
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
    """Mask every run of 11 or more digits (IDs, phones, whatever their check digit), also
    one written in groups; dates side by side (`2025-03-10 2025-04-01`) are left."""
    return _DIGIT_RUN.sub(_redacted, text)


def _redacted(match: re.Match[str]) -> str:
    run = match[0]
    if _DATES.fullmatch(run):
        return run
    joined = run.translate(_SEPARATORS)
    return joined[:3] + "*" * (len(joined) - 7) + joined[-4:]
