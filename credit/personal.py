"""Personal data: ID numbers (居民身份证号码) and mobile numbers are never kept whole.

An individual's `id_number` is masked at ingestion to its first 6 and last 4
characters. Valid 18-digit ID numbers, first-generation 15-digit ones and mainland
mobile numbers inside free text are masked the same way — and so are ID numbers written
with a wrong check character or without it, whose province and birth date read as an
ID number's: the check character is no secret (`mask_personal_data`;
`mask_id_numbers` masks the ID numbers alone, for text whose phone numbers are to be
kept) — also when written in groups (`110105 19900307 1239`, `138-0013-8000`).
So are those a URL spells in escapes (`?tel=138%200013%208000`, `credit.escaped`).
`redact_digits` is the blunt version for text that is not validated (rejected feed
lines, log lines): every long run of digits is masked whether or not its check digit
is right.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

from credit import escaped, regions
from credit.check_characters import id_check_character, uscc_check_ok

__all__ = [
    "body_may_hold_personal_numbers",
    "holds_personal_number",
    "id_check_character",
    "id_number_check_ok",
    "is_masked_id_number",
    "joined_number",
    "looks_like_id_number",
    "looks_like_mistyped_id_number",
    "looks_like_mobile",
    "looks_like_old_id_number",
    "mask_id_number",
    "mask_id_numbers",
    "mask_mobile",
    "mask_personal_data",
    "mask_stored_body",
    "may_hold_personal_numbers",
    "reads_as_masked_id_number",
    "redact_digits",
    "starts_as_id_number",
]
_MASKED_ID = re.compile(r"\d{6}\*{8}[\dX]{4}")
_ANY_MASKED_ID = re.compile(r"\d{6}(?:\*{8}\d{3}[\dX]|\*{7}\d{4}|\*{5}\d{4})")
# `\d` is any decimal digit, full-width ones too (`１１０１…`); letters may follow a number
# (`…1239abc`); the check character is read after NFKC (`joined_number`). A number may be
# written in groups: one space or dash of any width between two (never a line break).
_GAP = escaped.GAP
_GROUP = r"\d+[XxＸｘ]?"
_CHECK_X = r"[XxＸｘ](?![0-9A-Za-z０-９Ａ-Ｚａ-ｚ])"
"""An ID number's check character written as a group of its own (`11010519491231002 X`)."""
_RUN = re.compile(
    rf"(?<!\d)(?=\d(?:{_GAP}?\d){{10}}){_GROUP}(?:{_GAP}{_GROUP})*(?:{_GAP}{_CHECK_X})?"
)
"""Digits in groups, eleven or more, as long as they go: a number is looked for at each
group."""
_GROUPS = re.compile(rf"{_GROUP}|{_CHECK_X}")
_GAPS = re.compile(_GAP)
_DIGIT_RUN = re.compile(rf"\d(?:{_GAP}?\d){{10,}}(?:{_GAP}?[Xx])?")
_ELEVEN_DIGITS = re.compile(rf"\d(?:{_GAP}?\d){{10}}")
_DATES = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}}(?:{_GAP}\d{{4}}-\d{{2}}-\d{{2}})*")
_REGISTRATION_BEFORE = re.compile(r"注册(?:号码?|码)[：:]?\s*$")
"""A 15-digit number named a registration number (工商注册号) is one, not an ID number."""
_LONGEST = 18
_ID_FORM = re.compile(r"\d{17}[\dX]")
_MASKED_NUMBER = re.compile(r"\d{3,6}\*{4,9}\d{3,4}[Xx]?")
_COUNTRY_CODE = re.compile(r"(?:00)?86(?=1)")


def joined_number(number: str) -> str:
    """Half-width characters, the groups joined: `１１０１０５ １９９０…` → `110105199…`."""
    return _GAPS.sub("", unicodedata.normalize("NFKC", number))


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
    return id_number_check_ok(number) and _born(number)


def looks_like_mistyped_id_number(number: str) -> bool:
    """An ID number written with its check character wrong or left out: 18 characters
    (17 digits, then a digit or an `X`) that are not a valid USCC either, or 17 digits;
    a known province, and characters 7–14 a birth date.

    Its other characters are a person's all the same, and the check character follows
    from them (`110105199003071238`, `11010519900307123`). One in 31 such numbers is a
    valid USCC too, and is left: a record quotes USCCs, and an 18-digit one reads so."""
    number = joined_number(number).upper()
    if len(number) == 18:
        if not _ID_FORM.fullmatch(number) or id_number_check_ok(number) or uscc_check_ok(number):
            return False
    elif len(number) != 17 or not number.isdigit():
        return False
    return regions.province_known(number[:6]) and _born(number)


def _born(number: str) -> bool:
    """Characters 7–14 are a birth date from 1900 to this year (a later one is a serial
    number's date, not a person's)."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= date.today().year


def starts_as_id_number(digits: str) -> bool:
    """A known province, then a birth year from 1900 to this one and a month: how an ID
    number starts (for a number whose later digits are lost, a spreadsheet's rounding
    perhaps carrying its day over: `…19991231…` kept as `…19991232…`)."""
    if len(digits) < 12 or not digits[:12].isdigit():
        return False
    year, month = int(digits[6:10]), int(digits[10:12])
    known = regions.province_known(digits[:6])
    return known and 1900 <= year <= date.today().year and 1 <= month <= 12


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


def reads_as_masked_id_number(text: str) -> bool:
    """True for any ID number as `mask_id_number` masks it: 18 characters, 17 of a mistyped
    one (`110105*******7123`) or 15 of a first-generation one (`110105*****7123`)."""
    return _ANY_MASKED_ID.fullmatch(text) is not None


def looks_like_mobile(number: str) -> bool:
    """A mainland mobile number: eleven digits, `1` then `3`–`9`."""
    number = joined_number(number)
    return len(number) == 11 and number.isdigit() and number[0] == "1" and number[1] in "3456789"


def mask_mobile(number: str) -> str:
    """`13800138000` → `138****8000` (as written: `138 0013 8000` → `138****8000`)."""
    number = joined_number(number)
    return number[:3] + "****" + number[-4:]


def mask_id_numbers(text: str) -> str:
    """Mask ID numbers (`looks_like_id_number`, `looks_like_mistyped_id_number`,
    `looks_like_old_id_number`) inside free text and its URLs, as `mask_personal_data`
    does; everything else (mobile numbers too) is left as it is."""
    return text if len(text) < 15 else _masked_until_fixed(text, _ID_NUMBERS)


def mask_personal_data(text: str) -> str:
    """Mask valid ID numbers and mobile numbers inside free text, and inside its URLs as
    the URL writes them (`?tel=138%200013%208000`, `credit.escaped`), until nothing more
    is masked: an ID number's last four digits and the group after them can read as a
    mobile number (`110105********1380 0138000`), and text masked once is then masked
    the same way again (validation, then a stored body on its way to the engine)."""
    return _masked_until_fixed(text, _PERSONAL_NUMBERS)


def _masked_until_fixed(text: str, kinds: tuple[_Kind, ...]) -> str:
    while True:
        masked = text
        if may_hold_personal_numbers(masked):
            masked = _masked_numbers(masked, kinds)
        if "://" in masked:
            masked = escaped.URLS.sub(lambda url: _masked_url(url[0], kinds), masked)
        if masked == text:
            return text
        text = masked


def _masked_url(url: str, kinds: tuple[_Kind, ...]) -> str:
    """A URL with the numbers its escapes spell masked; as written when it has none (a
    number it writes plainly is masked as in text)."""
    view = escaped.url_view(url)
    if not may_hold_personal_numbers(view):
        return url
    masked = _masked_numbers(view, kinds)
    return url if masked == view else escaped.url_written(masked)


_Kind = tuple[int, Callable[[str], bool], Callable[[str], str]]
"""A personal number: its length, how it is told, how it is masked."""
_ID_NUMBERS: tuple[_Kind, ...] = (
    (18, looks_like_id_number, mask_id_number),
    (18, looks_like_mistyped_id_number, mask_id_number),
    (17, looks_like_mistyped_id_number, mask_id_number),
    (15, looks_like_old_id_number, mask_id_number),
)
_PERSONAL_NUMBERS = (*_ID_NUMBERS, (11, looks_like_mobile, mask_mobile))


def _masked_numbers(text: str, kinds: tuple[_Kind, ...]) -> str:
    """Every run of digit groups with the numbers of `kinds` in it masked; a number starts
    and ends with a group (`序号 12 1101 0519 9003 0712 39` holds one)."""

    def masked(run: re.Match[str]) -> str:
        groups = list(_GROUPS.finditer(run[0]))
        pieces: list[str] = []
        done = first = 0
        while first < len(groups):
            registration = first == 0 and _REGISTRATION_BEFORE.search(text, 0, run.start())
            found = _number_from(run[0], groups, first, kinds, bool(registration))
            if found is not None:
                start, end = groups[first].start(), groups[found[0]].end()
                if _in_a_uscc(text, run.start() + start, run.start() + end):
                    found = None
            if found is None:
                first += 1
                continue
            last, replacement = found
            pieces += [run[0][done : groups[first].start()], replacement]
            done, first = groups[last].end(), last + 1
        return "".join([*pieces, run[0][done:]])

    return _RUN.sub(masked, text)


def _number_from(
    run: str,
    groups: list[re.Match[str]],
    first: int,
    kinds: tuple[_Kind, ...],
    registration: bool,
) -> tuple[int, str] | None:
    """The last group and the masked text of the first personal number starting at group
    `first` — 17 digits of an ID number with their check character, when it follows as a
    group of its own (`…0307123 9`) — or None. A mobile number may follow the country code
    in its group: `8613800138000`."""
    length = 0
    code = _COUNTRY_CODE.match(unicodedata.normalize("NFKC", groups[first][0]))  # 1:1 for digits
    found: tuple[int, str] | None = None
    for last in range(first, len(groups)):
        length += len(groups[last][0])
        if length > _LONGEST:  # a mobile number after 0086 is 15 long
            break
        written = run[groups[first].start() : groups[last].end()]
        for size, told, mask in kinds:
            if size == 15 and registration:
                continue
            if length == size and told(written):
                found = last, mask(written)
                break
            if code and size == 11 and length - code.end() == 11 and told(written[code.end() :]):
                found = last, written[: code.end()] + mask(written[code.end() :])
                break
        if found is not None and length != 17:  # 17 digits: their check character may follow
            return found
    return found


def _in_a_uscc(text: str, start: int, end: int) -> bool:
    """Whether `text[start:end]`, 17 digits, is a valid USCC with the character before it
    (`N14408119590607598`) or after it (`…0307123U`): no ID number."""
    number = text[start:end]
    if len(number) != 17:
        return False
    around = (text[max(start - 1, 0) : end], text[start : end + 1])
    return any(len(code) == 18 and uscc_check_ok(_folded(code)) for code in around)


def _folded(code: str) -> str:
    return unicodedata.normalize("NFKC", code).upper()


_IDENTIFIERS = frozenset({"record_id", "case_id", "uscc", "related_record_ids"})


def holds_personal_number(text: str) -> bool:
    """Whether `text` holds a personal ID or mobile number, whole or masked
    (`110105********1239`, `138****8000`): a query that asks by one."""
    return _MASKED_NUMBER.search(text) is not None or mask_personal_data(text) != text


def may_hold_personal_numbers(text: str) -> bool:
    """Whether `text` has a run of 11 digits (any width, maybe in groups): no ID or mobile
    number is shorter, so text without one needs no masking."""
    return _ELEVEN_DIGITS.search(text) is not None


def body_may_hold_personal_numbers(text: str) -> bool:
    """`may_hold_personal_numbers` for a stored body's JSON, read as its strings read
    (`\t`, `\u0031`) and its URLs as they spell numbers (`credit.escaped`): a body
    without such a run needs no `mask_stored_body`."""
    text = escaped.json_view(text)
    if may_hold_personal_numbers(text):
        return True
    return "://" in text and may_hold_personal_numbers(escaped.url_view(text))


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
    one written in groups, or in escapes (`\u0031`, a URL's `%31` or `138%200013%208000`:
    the line is then kept as it reads, `credit.escaped`); dates side by side
    (`2025-03-10 2025-04-01`) are left."""
    view = escaped.json_view(text)
    if "://" in view:
        view = escaped.URLS.sub(lambda url: escaped.url_view(url[0]), view)
    redacted = _DIGIT_RUN.sub(_redacted, view)
    return text if redacted == view else redacted.replace(escaped.PLUS, "+")


def _redacted(match: re.Match[str]) -> str:
    run = match[0]
    if _DATES.fullmatch(run):
        return run
    joined = _GAPS.sub("", run)
    return joined[:3] + "*" * (len(joined) - 7) + joined[-4:]
