"""Field types of the feed: each cleans its value or fails with a bilingual message.

Messages never repeat the value they reject: it may be personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Annotated, Any, NoReturn

from pydantic import AfterValidator, BeforeValidator
from pydantic_core import PydanticCustomError

from credit import personal, regions, uscc

NAME_LIMIT = 200
TEXT_LIMIT = 10_000
URL_LIMIT = 2_000
_SOURCE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})"
)
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_URL = re.compile(r"https?://[^\s<>\"']+")
_BEYOND_MICROSECONDS = re.compile(r"(\.\d{6})\d+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def fail(message: str, field: str | None = None) -> NoReturn:
    """Reject a value; `field` names it when the check spans several fields."""
    raise PydanticCustomError("ipcredit", message, {"field": field} if field else None)


def _limited_text(value: str, limit: int, control: re.Pattern[str]) -> str:
    value = value.strip()
    if not value:
        fail("不能为空 (must not be empty)")
    if len(value) > limit:
        fail(f"超过 {limit} 个字符 (longer than {limit} characters)")
    if control.search(value):
        fail("含有控制字符 (contains control characters)")
    return personal.mask_personal_data(value)


def clean_name(value: str) -> str:
    """A name or short label: at most 200 characters on one line."""
    return _limited_text(value, NAME_LIMIT, _ANY_CONTROL)


def clean_text(value: str) -> str:
    """Free text: at most 10,000 characters; tabs and line breaks allowed."""
    return _limited_text(value, TEXT_LIMIT, _TEXT_CONTROL)


def clean_source_id(value: str) -> str:
    """A source's id: `[A-Za-z0-9._:-]{1,64}`."""
    if not _SOURCE_ID.fullmatch(value):
        fail("编号只能由 1–64 个字母、数字和 . _ : - 组成 (id must match [A-Za-z0-9._:-]{1,64})")
    return value


def clean_uscc(value: str) -> str:
    """A USCC, normalized, check character verified."""
    code = uscc.normalize_uscc(value)
    problem = uscc.uscc_problem(code)
    if problem:
        fail(problem)
    return code


def clean_region_code(value: str) -> str:
    """A 6-digit GB/T 2260 code whose province is known."""
    if not (len(value) == 6 and value.isdigit()):
        fail("行政区划代码应为 6 位数字 (region code must be 6 digits)")
    if not regions.province_known(value):
        fail("行政区划代码的省级部分不存在 (region code names no known province)")
    return value


def clean_id_number(value: str) -> str:
    """An 18-digit ID number (maybe written in groups), check digit verified, returned
    masked (first 6 + last 4)."""
    value = value.strip()
    if personal.is_masked_id_number(value):
        return value
    value = personal.joined_number(value)
    if len(value) == 15:
        fail("15 位的一代身份证号码请换为 18 位 (a 15-digit ID number must be given as 18)")
    if len(value) != 18:
        fail("身份证号码应为 18 位 (ID number must have 18 characters)")
    if not personal.id_number_check_ok(value):
        fail("身份证号码校验位错误 (ID number check digit is wrong)")
    return personal.mask_id_number(value)


def clean_url(value: str) -> str:
    """An http(s) URL of at most 2,000 characters, personal numbers in it masked (a query
    string may carry one: `?tel=138****8000`, also in escapes: `138%200013%208000`)."""
    value = value.strip()
    if len(value) > URL_LIMIT or not _URL.fullmatch(value):
        fail("应为 http:// 或 https:// 开头的网址 (must be an http or https URL)")
    return personal.mask_personal_data(value)


def parse_day(value: Any) -> date:
    """`YYYY-MM-DD` only."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        fail("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail("日期不存在 (no such date)")


def parse_timestamp(value: Any) -> datetime:
    """An RFC 3339 timestamp with its offset."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        fail(
            "时间格式应为 RFC 3339，如 2025-03-10T09:00:00+08:00"
            " (timestamp must be RFC 3339 with an offset)"
        )
    text = value.upper().replace("Z", "+00:00")
    if "." in text:  # fromisoformat takes microseconds at most
        text = _BEYOND_MICROSECONDS.sub(r"\1", text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        fail("时间不存在 (no such time)")


def timestamp_micros(instant: datetime) -> int:
    """Microseconds since the Unix epoch: how versions are compared and stored."""
    since = instant - _EPOCH
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


def one_of(table: Mapping[str, str]) -> Callable[[str], str]:
    """A check that the value is a key of `table`."""
    allowed = ", ".join(table)

    def check(value: str) -> str:
        if value not in table:
            fail(f"取值无效，可选值：{allowed} (must be one of: {allowed})")
        return value

    return check


Name = Annotated[str, AfterValidator(clean_name)]
Text = Annotated[str, AfterValidator(clean_text)]
SourceId = Annotated[str, AfterValidator(clean_source_id)]
Uscc = Annotated[str, AfterValidator(clean_uscc)]
RegionCode = Annotated[str, AfterValidator(clean_region_code)]
IdNumber = Annotated[str, AfterValidator(clean_id_number)]
Url = Annotated[str, AfterValidator(clean_url)]
Day = Annotated[date, BeforeValidator(parse_day)]
Timestamp = Annotated[datetime, BeforeValidator(parse_timestamp)]
