"""Validating decoded feed lines into store rows; picklable so a worker pool can run it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credit.fields import timestamp_micros
from credit.models import FeedItem, TypicalCase, Withdrawal
from credit.validation import FeedLineError, Problem, parse_item
from indexer.store import Row, case_row, record_row

Key = tuple[str, str]


@dataclass(frozen=True)
class Valid:
    """A line that validated: which table and id, its version, and the row to write."""

    key: Key
    updated_at: int
    withdrawn: bool
    row: Row


Checked = Valid | list[Problem]


def key_of(item: FeedItem) -> Key:
    """(`records` or `cases`, source id) of a validated line."""
    if isinstance(item, Withdrawal):
        if item.record_id:
            return "records", item.record_id
        assert item.case_id is not None
        return "cases", item.case_id
    if isinstance(item, TypicalCase):
        return "cases", item.case_id
    return "records", item.record_id


def check_line(data: Any) -> Checked:
    """The row of a valid line, or the problems of an invalid one."""
    try:
        item = parse_item(data)
    except FeedLineError as error:
        return error.problems
    key = key_of(item)
    row = record_row(item) if key[0] == "records" else case_row(item)  # type: ignore[arg-type]
    return Valid(key, timestamp_micros(item.updated_at), isinstance(item, Withdrawal), row)
