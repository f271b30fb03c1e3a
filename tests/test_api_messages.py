"""graphql-core's refusals told in Chinese first (`api.messages`)."""

from __future__ import annotations

import pytest

from api.messages import in_chinese


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("Cannot query field 'nope' on type 'Query'.", "类型 Query 没有字段 nope"),
        (
            "Unknown argument 'nope' on field 'Query.searchRecords'.",
            "字段 Query.searchRecords 没有参数 nope",
        ),
        ('Int cannot represent non-integer value: "x"', "应为整数"),
        (
            "Variable '$f' has invalid value at .decidedFrom: Value cannot represent a Date:"
            ' "2025-13-40". month must be in 1..12',
            "变量 $f（decidedFrom）的值无效：日期应为 YYYY-MM-DD 格式的有效日期",
        ),
        (
            "Variable '$n' has invalid value: Int cannot represent non-integer value: 'x'",
            "变量 $n 的值无效：应为整数",
        ),
        ("The mutation operation is not supported by the schema.", "不支持 mutation"),
        ("Value 'SIDEWAYS' does not exist in 'RecordSort' enum.", "RecordSort 没有取值 SIDEWAYS"),
        ("Syntax Error: Expected Name, found <EOF>.", "查询语句有语法错误"),
        ("Int cannot represent non 32-bit signed integer value: 99999999999", "整数超出范围"),
        (
            "Enum 'RecordSort' cannot represent non-enum value: \"NEWEST\".",
            "应为 RecordSort 的一个取值（不加引号）",
        ),
        (
            "Variable '$u' has invalid value: Expected value of non-null type 'String!' not to"
            " be None.",
            "变量 $u 的值无效：不能为 null",
        ),
        ("Variable '$x' is never used.", "变量 $x 未被使用"),
        ("Unknown fragment 'F'.", "未定义的片段 F"),
        ("Enum 'RecordSort' cannot represent non-string value: 5.", "应为 RecordSort 的一个取值"),
        ("Variable '$n' is not defined.", "变量 $n 未声明"),
        ("Fragment 'G' is never used.", "片段 G 未被使用"),
        (
            "Field 'totalCount' must not have a selection since type 'Int!' has no subfields.",
            "字段 totalCount 没有子字段",
        ),
    ],
)
def test_known_refusals_are_told_in_chinese_with_the_english_after(
    english: str, chinese: str
) -> None:
    told = in_chinese(english)
    assert told.startswith("查询无效：") and chinese in told
    assert told.endswith(f"（{english}）")


def test_an_unknown_refusal_is_given_as_it_is() -> None:
    assert in_chinese("Something new.") == "查询无效：Something new."
