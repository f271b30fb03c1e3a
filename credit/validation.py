"""Turning one parsed feed object into a model, or into problems a person can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from credit.models import CreditRecord, FeedItem, TypicalCase, Withdrawal

_MESSAGES = {
    "missing": "缺少必填字段 (required field is missing)",
    "extra_forbidden": "未知字段 (unknown field)",
    "string_type": "应为文本 (must be a string)",
    "tuple_type": "应为列表 (must be a list)",
    "list_type": "应为列表 (must be a list)",
    "too_short": "不能为空列表 (must not be an empty list)",
    "literal_error": "取值无效 (invalid value)",
}


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field of a line."""

    field: str
    message: str


class FeedLineError(Exception):
    """A line that cannot be applied, with every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def parse_item(data: Any) -> FeedItem:
    """Validate one decoded JSON object (or CSV row) as a record, case or withdrawal."""
    if not isinstance(data, dict):
        raise FeedLineError([Problem("", "每行应为一个 JSON 对象 (each line must be an object)")])
    model: type[FeedItem]
    if "op" in data:
        model = Withdrawal
    elif data.get("kind") == "case":
        model = TypicalCase
    else:
        model = CreditRecord
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise FeedLineError(problems_of(error)) from None


def problems_of(error: ValidationError) -> list[Problem]:
    """Bilingual problems from a pydantic error, never repeating the rejected value."""
    problems = []
    for detail in error.errors(include_url=False, include_input=False):
        context = detail.get("ctx") or {}
        field = ".".join(str(part) for part in detail["loc"]) or str(context.get("field", ""))
        if detail["type"] == "ipcredit":
            message = detail["msg"]
        else:
            message = _MESSAGES.get(detail["type"], f"取值无效 (invalid value: {detail['type']})")
        problems.append(Problem(field, message))
    return problems
