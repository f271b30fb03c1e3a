"""graphql-core's refusals of a document or its variables, told in Chinese first.

The English message follows in brackets: it names the exact place, and a developer may
search for it. A message with no pattern here is given as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["in_chinese"]

_TYPES = {
    "Int": "整数",
    "Float": "数值",
    "String": "字符串",
    "Boolean": "布尔值（true 或 false）",
    "ID": "编号（字符串）",
}

Told = Callable[[re.Match[str]], str]


def _value_of(found: re.Match[str]) -> str:
    return f"应为{_TYPES.get(found['type'], found['type'])}"


def _variable(found: re.Match[str]) -> str:
    place = f"（{found['at'].lstrip('.')}）" if found["at"] else " "
    return f"变量 {found['name']}{place}的值无效：{_told(found['rest']) or found['rest']}"


_PATTERNS: list[tuple[re.Pattern[str], Told]] = [
    (
        re.compile(r"Cannot query field '(?P<field>[^']+)' on type '(?P<type>[^']+)'\."),
        lambda f: f"类型 {f['type']} 没有字段 {f['field']}",
    ),
    (
        re.compile(r"Unknown argument '(?P<arg>[^']+)' on field '(?P<field>[^']+)'\."),
        lambda f: f"字段 {f['field']} 没有参数 {f['arg']}",
    ),
    (
        re.compile(
            r"Variable '(?P<name>\$[^']+)' has invalid value(?: at (?P<at>\S+))?: (?P<rest>.*)"
        ),
        _variable,
    ),
    (re.compile(r"Int cannot represent non 32-bit signed integer"), lambda f: "整数超出范围"),
    (re.compile(r"(?P<type>Int|Float|String|Boolean|ID) cannot represent "), _value_of),
    (
        re.compile(r"Enum '(?P<enum>[^']+)' cannot represent non-enum value"),
        lambda f: f"{f['enum']} 应为枚举值，不加引号",
    ),
    (
        re.compile(r"Expected value of non-null type '[^']+' not to be None"),
        lambda f: "不能为 null",
    ),
    (
        re.compile(
            r"Expected value of type '(?P<type>[^']+)' not to include unknown field"
            r" '(?P<field>[^']+)'"
        ),
        lambda f: f"类型 {f['type']} 没有字段 {f['field']}",
    ),
    (
        re.compile(r"Field '(?P<field>[^']+)' is not defined by type '(?P<type>[^']+)'"),
        lambda f: f"类型 {f['type']} 没有字段 {f['field']}",
    ),
    (
        re.compile(r"Variable '(?P<name>\$[^']+)' is never used"),
        lambda f: f"变量 {f['name']} 未被使用",
    ),
    (re.compile(r"Unknown fragment '(?P<name>[^']+)'"), lambda f: f"未定义的片段 {f['name']}"),
    (
        re.compile(r"Value cannot represent a Date: "),
        lambda f: "日期应为 YYYY-MM-DD 格式的有效日期",
    ),
    (
        re.compile(r"The (?P<op>mutation|subscription) operation is not supported"),
        lambda f: f"本接口只提供查询（query），不支持 {f['op']}",
    ),
    (
        re.compile(r"Field '(?P<field>[^']+)' of type '[^']+' must have a selection of subfields"),
        lambda f: f"字段 {f['field']} 需要列出要取的子字段，如 {f['field']} {{ … }}",
    ),
    (
        re.compile(
            r"Argument '(?P<arg>[^']+)' of type '[^']+' is required, but it was not provided"
        ),
        lambda f: f"缺少必填参数 {f['arg']}",
    ),
    (
        re.compile(r"Variable '(?P<name>\$[^']+)' of required type '[^']+' was not provided"),
        lambda f: f"缺少必填变量 {f['name']}",
    ),
    (
        re.compile(r"Expected a value of non-null type '[^']+' to be provided"),
        lambda f: "缺少必填的值",
    ),
    (
        re.compile(r"Value '(?P<value>[^']+)' does not exist in '(?P<enum>[^']+)' enum"),
        lambda f: f"{f['enum']} 没有取值 {f['value']}",
    ),
    (re.compile(r"Unknown type '(?P<type>[^']+)'"), lambda f: f"未知类型 {f['type']}"),
    (re.compile(r"Syntax Error: "), lambda f: "查询语句有语法错误"),
    (re.compile(r"Must provide query string"), lambda f: "缺少查询语句"),
]


def _told(message: str) -> str | None:
    for pattern, told in _PATTERNS:
        if found := pattern.match(message):
            return told(found)
    return None


def in_chinese(message: str) -> str:
    """`查询无效：类型 Query 没有字段 nope（Cannot query field 'nope' on type 'Query'.）`."""
    told = _told(message)
    return f"查询无效：{told}（{message}）" if told else f"查询无效：{message}"
