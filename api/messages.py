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


def _value_of(found: re.Match[str]) -> str:
    return f"应为{_TYPES.get(found['type'], found['type'])}"


def _variable(found: re.Match[str]) -> str:
    place = f"（{found['at'].lstrip('.')}）" if found["at"] else " "
    return f"变量 {found['name']}{place}的值无效：{_told(found['rest']) or found['rest']}"


_WORDED: list[tuple[str, str | Callable[[re.Match[str]], str]]] = [
    ("Cannot query field '<field>' on type '<type>'", "类型 {type} 没有字段 {field}"),
    ("Unknown argument '<arg>' on field '<field>'", "字段 {field} 没有参数 {arg}"),
    (r"Variable '<name>' has invalid value(?: at (?P<at>\S+))?: (?P<rest>.*)", _variable),
    ("Int cannot represent non 32-bit signed integer", "整数超出范围"),
    ("(?P<type>Int|Float|String|Boolean|ID) cannot represent ", _value_of),
    ("Enum '<enum>' cannot represent non-", "应为 {enum} 的一个取值（不加引号）"),
    ("Expected value of non-null type '*' not to be None", "不能为 null"),
    (
        "Expected value of type '<type>' not to include unknown field '<field>'",
        "类型 {type} 没有字段 {field}",
    ),
    ("Field '<field>' is not defined by type '<type>'", "类型 {type} 没有字段 {field}"),
    ("Variable '<name>' is never used", "变量 {name} 未被使用"),
    ("Unknown fragment '<name>'", "未定义的片段 {name}"),
    ("Value cannot represent a Date: ", "日期应为 YYYY-MM-DD 格式的有效日期"),
    ("The (?P<op>mutation|subscription) operation is not", "本接口只提供查询，不支持 {op}"),
    ("Field '<field>' of type '*' must have a selection", "字段 {field} 需要列出要取的子字段"),
    ("Argument '<arg>' of type '*' is required, but it was not provided", "缺少必填参数 {arg}"),
    ("Variable '<name>' of required type '*' was not provided", "缺少必填变量 {name}"),
    ("Expected a value of non-null type '*' to be provided", "缺少必填的值"),
    ("Value '<value>' does not exist in '<enum>' enum", "{enum} 没有取值 {value}"),
    ("Unknown type '<type>'", "未知类型 {type}"),
    ("Variable '<name>' is not defined", "变量 {name} 未声明"),
    ("Variable '<name>' of type '*' used in position", "变量 {name} 的类型与所在参数不符"),
    ("There can be only one (?P<what>argument|variable|operation|fragment) named", "名称重复"),
    ("This anonymous operation must be the only defined operation", "匿名操作须是唯一的操作"),
    ("Fragment '<name>' is never used", "片段 {name} 未被使用"),
    ("Cannot spread fragment '<name>' within itself", "片段 {name} 不能引用自身"),
    ("Unknown directive", "未知的指令"),
    ("Field '<field>' must not have a selection", "字段 {field} 没有子字段"),
    ("Syntax Error: ", "查询语句有语法错误"),
    ("Must provide query string", "缺少查询语句"),
]  # fmt: skip
"""Each refusal's start and its Chinese: a template of the start's named parts, or a
function of the match. In a start, `'<field>'` is a quoted name kept as `field`, `'*'` a
quoted name left out; the rest is a regular expression."""


def _pattern(start: str) -> re.Pattern[str]:
    start = re.sub(r"'<(\w+)>'", r"'(?P<\1>[^']+)'", start)
    return re.compile(start.replace("'*'", "'[^']+'"))


_PATTERNS = [(_pattern(start), told) for start, told in _WORDED]


def _told(message: str) -> str | None:
    for pattern, told in _PATTERNS:
        if found := pattern.match(message):
            return told(found) if callable(told) else told.format_map(found.groupdict())
    return None


def in_chinese(message: str) -> str:
    """`查询无效：类型 Query 没有字段 nope（Cannot query field 'nope' on type 'Query'.）`."""
    told = _told(message)
    return f"查询无效：{told}（{message}）" if told else f"查询无效：{message}"
