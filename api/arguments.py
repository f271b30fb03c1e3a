"""Checking arguments before the engine sees them; each refusal is a `SearchError`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from credit import uscc as uscc_codes
from credit.search.errors import BadUserInput, InvalidUscc
from credit.search.query import MAX_PAGE_SIZE, decode_cursor

MAX_NAME_CHARS = 200
MAX_CURSOR_CHARS = 200
_REGION = re.compile(r"\d{2}(?:\d{2}){0,2}")
_SOURCE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


DEFAULT_PAGE_SIZE = 20
"""`first` when it is not given, or given as null (a client's way of saying "not given")."""


def page_size(first: int | None) -> int:
    """`first` as a page size: 1 to 100."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput(f"参数 first 应在 1 到 {MAX_PAGE_SIZE} 之间，当前为 {first}。")
    return first


def page_offset(after: str | None) -> int:
    """How many hits come before the page that starts after the cursor `after`."""
    if after is not None and len(after) > MAX_CURSOR_CHARS:
        raise BadUserInput("参数 after 无效，请从第一页重新开始。")
    return decode_cursor(after)


def known_values(
    field: str, values: Sequence[str] | None, allowed: Mapping[str, str]
) -> tuple[str, ...]:
    """Filter values each of which must be one of `allowed` (duplicates dropped)."""
    chosen = tuple(dict.fromkeys(values or ()))
    unknown = [value for value in chosen if value not in allowed]
    if unknown:
        raise BadUserInput(
            f"筛选条件 {field} 的取值无效：{'、'.join(unknown[:3])}。可选值：{'、'.join(allowed)}。"
        )
    return chosen


def region_prefix(field: str, region: str | None) -> str | None:
    """A region code prefix: 2 (province), 4 (city) or 6 digits."""
    if region is None or region == "":
        return None
    if not _REGION.fullmatch(region):
        raise BadUserInput(f"筛选条件 {field} 应为 2、4 或 6 位行政区划代码，如 44 或 440300。")
    return region


def short_text(field: str, value: str | None) -> str | None:
    """A name-like filter value (authority, publisher, tag), at most 200 characters."""
    if value is None or not value.strip():
        return None
    if len(value) > MAX_NAME_CHARS:
        raise BadUserInput(f"筛选条件 {field} 过长：最多 {MAX_NAME_CHARS} 个字符。")
    return value.strip()


def valid_uscc(text: str) -> str:
    """The normalized USCC, or INVALID_USCC saying what is wrong with it."""
    code = uscc_codes.normalize_uscc(text[:MAX_NAME_CHARS])
    refused = uscc_codes.refusal(code)
    if refused:
        raise InvalidUscc(refused)
    return code


def source_id(value: str) -> str | None:
    """A record or case id as feeds spell them; None for anything no feed can hold."""
    return value if _SOURCE_ID.fullmatch(value) else None
