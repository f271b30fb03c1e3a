"""Reading exhibitor lists: formats, encodings, headers, chosen columns, limits, messages."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from credit.screening.inputs import (
    InputProblem,
    open_rows,
    read_pasted,
    read_upload,
)

ROWS = [
    ["展位号", "展商名称", "统一社会信用代码"],
    ["A01", "深圳市创明知识产权代理有限公司", "91440300MA5F0A1B2N"],
    ["A02", "東莞市（長安）精工模具有限公司", ""],
    ["", "", ""],
    ["A03", '=HYPERLINK("x")', "123"],
]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    text = "\r\n".join(delimiter.join(f'"{c}"' if '"' in c else c for c in r) for r in rows)
    return text.replace('"=HYPERLINK("x")"', '"=HYPERLINK(""x"")"').encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings(encoding: str) -> None:
    table = read_upload(csv_bytes(ROWS, encoding), "list.csv")
    assert table.headers == ROWS[0]
    assert (table.name_column, table.uscc_column) == (1, 2)
    assert [r.entry.name for r in table.rows] == [ROWS[1][1], ROWS[2][1], ROWS[4][1]]
    assert table.rows[0].entry.uscc == "91440300MA5F0A1B2N"
    assert [r.line for r in table.rows] == [2, 3, 5]
    assert table.blank_rows == 1 and "空行" in table.notes[0]


@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_csv_delimiters(delimiter: str) -> None:
    table = read_upload(csv_bytes(ROWS[:3], delimiter=delimiter), "list.csv")
    assert table.rows[1].entry.name == ROWS[2][1]


def test_xlsx() -> None:
    table = read_upload(xlsx_bytes([*ROWS, ["A04", "某公司", 12345.0]]), "list.xlsx")
    assert (table.name_column, table.uscc_column) == (1, 2)
    assert table.rows[0].cells == tuple(ROWS[1])
    assert table.rows[-1].cells[2] == "12345"
    assert len(table.rows) == 4


@pytest.mark.parametrize(
    ("headers", "name_at", "uscc_at"),
    [
        (["Company Name", "USCC"], 0, 1),
        (["No.", "企业名称（全称）", "社会信用代码"], 1, 2),
        (["单位名称", "备注"], 0, None),
        (["序号", "Credit Code"], None, 1),
        (["名称", "信用代码"], 0, 1),
    ],
)
def test_headers_are_found(headers: list[str], name_at: int | None, uscc_at: int | None) -> None:
    table = read_upload(csv_bytes([headers, ["x"] * len(headers)]), "a.csv")
    assert (table.name_column, table.uscc_column) == (name_at, uscc_at)


def test_chosen_columns_by_header_number_or_letter() -> None:
    data = csv_bytes([["甲", "乙", "丙"], ["1", "深圳市创明知识产权代理有限公司", "x"]])
    with pytest.raises(InputProblem, match="找不到名称列"):
        read_upload(data, "a.csv")
    for choice in ("乙", "2", "B"):
        table = read_upload(data, "a.csv", name_column=choice)
        assert table.rows[0].entry.name == "深圳市创明知识产权代理有限公司"
    with pytest.raises(InputProblem, match="找不到指定的名称列「丁」"):
        read_upload(data, "a.csv", name_column="丁")
    with pytest.raises(InputProblem, match="不能是同一列"):
        read_upload(data, "a.csv", name_column="乙", uscc_column="B")


def test_ambiguous_columns_ask_the_user() -> None:
    data = csv_bytes([["企业名称", "企业名称", "x"], ["a", "b", "c"]])
    with pytest.raises(InputProblem, match=r"有多列可能是名称列.*请指定"):
        read_upload(data, "a.csv")


def test_limits() -> None:
    rows = [["名称"], *([["某公司"]] * 10_001)]
    with pytest.raises(InputProblem, match="行数过多：每次最多 10,000 行"):
        read_upload(csv_bytes(rows), "a.csv")
    assert len(read_upload(csv_bytes(rows[:10_001]), "a.csv").rows) == 10_000
    with pytest.raises(InputProblem, match="文件过大：最多 5 MB"):
        read_upload(b"x" * (5 * 1024 * 1024 + 1), "a.csv")


def test_a_row_no_report_could_hold_is_refused(tmp_path: Path) -> None:
    """A cell past a spreadsheet cell's 32,767 characters, or more columns than a report
    sheet has room for, in the header or a row, uploaded or streamed."""
    long_cell = "长" * 32_768
    assert len(read_upload(csv_bytes([["名称", "备注"], ["某公司", "长" * 32_767]]), "a.csv").rows)
    with pytest.raises(InputProblem, match="第 3 行第 2 列有 32,768 个字符，超过一个单元格的上限"):
        read_upload(csv_bytes([["名称", "备注"], ["某公司", ""], ["某公司", long_cell]]), "a.csv")
    with pytest.raises(InputProblem, match="表头有 16,381 列，超过上限 16,380 列"):
        read_upload(csv_bytes([["名称", *["x"] * 16_380], ["某公司"]]), "a.csv")
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes([["名称", "备注"], ["某公司", long_cell]]))
    with pytest.raises(InputProblem, match="第 2 行第 2 列有 32,768 个字符"):
        list(open_rows(source).rows)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.csv", "文件为空"),
        (b"\r\n\r\n", "a.csv", "文件为空"),
        ("名称\r\n".encode(), "a.csv", "没有数据行"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.xls", "不支持旧版 Excel"),
        (b"PK\x03\x04broken", "a.xlsx", "无法读取 XLSX 文件"),
        (b"name\r\n\xff\xff\x80", "a.csv", "无法识别文件编码"),
    ],
)
def test_problem_messages(data: bytes, filename: str, message: str) -> None:
    with pytest.raises(InputProblem, match=message):
        read_upload(data, filename)


def test_pasted_lines() -> None:
    text = (
        "深圳市创明知识产权代理有限公司\t91440300MA5F0A1B2N\n"
        "\n"
        "91440300MA5F0A1B2N\n"
        "東莞市（長安）精工模具有限公司, ９１４４０３００ＭＡ５Ｆ０Ａ１Ｂ２Ｎ\n"
        "  广州市恒远贸易有限公司  \n"
    )
    table = read_pasted(text)
    assert [(r.entry.name, r.entry.uscc) for r in table.rows] == [
        ("深圳市创明知识产权代理有限公司", "91440300MA5F0A1B2N"),
        ("", "91440300MA5F0A1B2N"),
        ("東莞市（長安）精工模具有限公司", "９１４４０３００ＭＡ５Ｆ０Ａ１Ｂ２Ｎ"),
        ("广州市恒远贸易有限公司", ""),
    ]
    assert table.blank_rows == 1
    with pytest.raises(InputProblem, match="没有可核查的内容"):
        read_pasted(" \n\n")
    with pytest.raises(InputProblem, match="行数过多"):
        read_pasted("某公司\n" * 10_001)


def test_pasted_table_with_headers() -> None:
    table = read_pasted("企业名称\t统一社会信用代码\n某某公司\t91440300MA5F0A1B2N\n")
    assert table.rows[0].entry.uscc == "91440300MA5F0A1B2N"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_streamed_csv(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(ROWS, encoding))
    stream = open_rows(path)
    assert stream.headers == ROWS[0]
    assert [r.entry.name for r in stream.rows] == [ROWS[1][1], ROWS[2][1], ROWS[4][1]]


def test_streamed_xlsx_and_text(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx_bytes(ROWS))
    assert len(list(open_rows(path).rows)) == 3
    text = tmp_path / "list.txt"
    text.write_text("某公司\n91440300MA5F0A1B2N\n", encoding="gb18030")
    assert [r.entry.uscc for r in open_rows(text).rows] == ["", "91440300MA5F0A1B2N"]
    with pytest.raises(InputProblem, match="无法打开文件"):
        open_rows(tmp_path / "missing.csv")
    (tmp_path / "bad.csv").write_bytes("甲,乙\n1,2\n".encode())
    with pytest.raises(InputProblem, match="找不到名称列"):
        open_rows(tmp_path / "bad.csv")
