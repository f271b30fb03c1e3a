"""Cursors of the Elasticsearch engine: the offset (for the depth limit) and `search_after`.

A cursor is the same opaque token as the embedded engine's (`{"o": offset}`),
with the sort values of the last hit shown (`"a"`) and the order they belong
to (`"s"`) added. With them the next page is a `search_after` from that hit,
which stays cheap however deep the page; without them (a cursor made
elsewhere) the page is read from the offset. Paging stops at 10,000 hits
either way, with the same errors as the embedded engine.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

import orjson

from credit.search.errors import BadCursor
from credit.search.query import MAX_DEPTH, decode_cursor

SortValue = str | int | float


@dataclass(frozen=True)
class Position:
    """Where a page starts: the offset, and the sort values of the hit before it."""

    offset: int
    after: list[SortValue] | None = None


def _bad() -> BadCursor:
    return BadCursor("翻页参数无效，请从第一页重新开始。")


def decode(cursor: str | None, order: str) -> Position:
    """The position a cursor stands for under sort `order`; refused at 10,000 hits."""
    offset = decode_cursor(cursor)
    if not cursor:
        return Position(0)
    data: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    after = data.get("a")
    if after is None:
        return Position(offset)
    valid = (
        data.get("s") == order
        and isinstance(after, list)
        and after
        and all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in after)
    )
    if not valid:
        raise _bad()
    return Position(offset, after)


def encode(offset: int, after: list[SortValue], order: str) -> str:
    payload = {"o": offset, "a": after, "s": order}
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def following(
    position: Position,
    shown: int,
    size: int,
    total: int,
    last_sort: list[SortValue] | None,
    order: str,
) -> str | None:
    """The cursor of the next page, or None on the last page or at the depth limit."""
    after = position.offset + size
    if shown < size or after >= total or after >= MAX_DEPTH or not last_sort:
        return None
    return encode(after, last_sort, order)


def page_request(position: Position) -> dict[str, Any]:
    """The paging part of a search request."""
    if position.after is not None:
        return {"search_after": position.after}
    return {"from": position.offset} if position.offset else {}
