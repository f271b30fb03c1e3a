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


def test_a_row_without_a_name_or_code_says_a_merged_cell_may_be_why() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["名称", "统一社会信用代码", "展位"], ["甲公司", "", "A1"], ["", "", "A2"]):
        sheet.append(row)
    sheet.merge_cells("A2:A3")  # one exhibitor, two booths
    out = io.BytesIO()
    book.save(out)
    rows = read_upload(out.getvalue(), "list.xlsx").rows
    assert [(row.entry.name, row.entry.problem) for row in rows] == [
        ("甲公司", ""),
        (
            "",
            "名称和统一社会信用代码单元格均为空（若是与上一行合并的单元格，请取消合并后在每一行填写）",
        ),
    ]


def test_a_code_stored_as_a_number_is_read_as_the_number_it_now_is() -> None:
    """A spreadsheet keeps 15 significant digits of a number: an 18-digit USCC typed into
    a number cell has lost its last ones, and writing it out whole would invent them
    (913202006204839633 reads back as 913202006204839936)."""
    rows: list[list[object]] = [["名称", "统一社会信用代码"]]
    rows += [["甲公司", 913202006204839633], ["乙公司", 123456789012345]]
    table = read_upload(xlsx_bytes(rows), "list.xlsx")
    assert [row.entry.uscc for row in table.rows] == ["9.13202006204840E+17", "123456789012345"]


def test_an_id_number_stored_as_a_number_reads_masked() -> None:
    """Its 15 digits kept hold the region and the birth date: masked, not in scientific
    notation, where no masking would read it."""
    rows: list[list[object]] = [["名称", "统一社会信用代码", "法人身份证号"]]
    rows.append(["甲公司", 110105199003071239, 110105199003071239])
    rows.append(["乙公司", "", 110105196001014122])  # kept as a valid USCC would read
    rows.append(["丙公司", "", 110105199912319502])  # kept as 19991232: no such day
    table = read_upload(xlsx_bytes(rows), "list.xlsx")
    assert table.rows[0].cells[1:] == ("110105********1000", "110105********1000")
    assert [row.cells[2] for row in table.rows[1:]] == ["110105********4000", "110105********0000"]
    assert not any(birth in repr(table) for birth in ("1990030", "1960010", "1999123"))


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


def test_a_bare_name_header_beside_an_organizations_column_asks_the_user() -> None:
    """`名称` may be a product's name where `公司` holds the exhibitor's: the user says which;
    `单位` beside it is a unit of measure, and `名称` stays the name column."""
    rows = [
        ["序号", "公司", "名称", "展位"],
        ["1", "深圳市创明知识产权代理有限公司", "专利代理", "A1"],
    ]
    with pytest.raises(InputProblem, match="有多列可能是名称列：「公司」、「名称」，请指定"):
        read_upload(csv_bytes(rows), "a.csv")
    chosen = read_upload(csv_bytes(rows), "a.csv", name_column="公司")
    assert chosen.rows[0].entry.name == "深圳市创明知识产权代理有限公司"
    units = read_upload(csv_bytes([["名称", "单位", "数量"], ["某公司", "个", "1"]]), "a.csv")
    assert units.name_column == 0


def test_limits() -> None:
    rows = [["名称"], *([["某公司"]] * 10_001)]
    with pytest.raises(InputProblem, match="行数过多：每次最多 10,000 行"):
        read_upload(csv_bytes(rows), "a.csv")
    assert len(read_upload(csv_bytes(rows[:10_001]), "a.csv").rows) == 10_000
    with pytest.raises(InputProblem, match=r"文件过大：最多 5 MB，本文件 5\.01 MB"):
        read_upload(b"x" * (5 * 1024 * 1024 + 1), "a.csv")  # just over: shown over


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


# --- pasted spreadsheet rows ---------------------------------------------------------------------


def test_pasted_spreadsheet_rows_find_the_name_and_code_cells() -> None:
    """Tabs make a line a row of cells: the row number and the booth are not the name."""
    text = (
        "1\t深圳市某某知识产权代理有限公司\tA101\n"
        "2\t91440300MA5F0A1B2N\t广州市恒远贸易有限公司\tB2-05\n"
        "3\tA102\t3号馆\t东莞市精工模具有限公司 \n"
        "4\tAcme Trading Ltd.\tacme@example.com\n"
        "5\tA103\n"
        "6\t王某某\t个人参展\n"  # a person's name beside a longer remark
        "7\t上海某某展台搭建有限公司\t北京某贸易有限公司\n"  # a company, whatever its trade
    )
    table = read_pasted(text)
    assert [(r.entry.name, r.entry.uscc) for r in table.rows] == [
        ("深圳市某某知识产权代理有限公司", ""),
        ("广州市恒远贸易有限公司", "91440300MA5F0A1B2N"),
        ("东莞市精工模具有限公司", ""),
        ("Acme Trading Ltd.", ""),
        ("", ""),
        ("王某某", ""),
        ("上海某某展台搭建有限公司", ""),
    ]
    assert table.rows[0].cells == ("深圳市某某知识产权代理有限公司", "", "1", "A101")
    assert table.rows[2].cells == ("东莞市精工模具有限公司", "", "3", "A102", "3号馆")
    assert table.headers == ["名称", "统一社会信用代码", "其他1", "其他2", "其他3"]
    assert [r.line for r in table.rows] == [1, 2, 3, 4, 5, 6, 7]


def test_pasted_spreadsheet_rows_with_a_header_are_a_table() -> None:
    table = read_pasted("\n序号\t企业全称\t展位号\n1\t深圳市某某知识产权代理有限公司\tA101\n")
    assert (table.name_column, table.uscc_column) == (1, None)
    assert table.rows[0].entry.name == "深圳市某某知识产权代理有限公司"
    assert table.rows[0].line == 3


def test_pasted_lines_without_tabs_are_read_as_before() -> None:
    table = read_pasted("1 深圳市某某知识产权代理有限公司 91440300MA5F0A1B2N\n")
    assert table.rows[0].cells == ("1 深圳市某某知识产权代理有限公司", "91440300MA5F0A1B2N")


# --- workbooks of several sheets -----------------------------------------------------------------


def workbook(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    book = Workbook()
    for index, (title, rows) in enumerate(sheets.items()):
        sheet = book.active if index == 0 else book.create_sheet()
        assert sheet is not None
        sheet.title = title
        for row in rows:
            sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HALLS: dict[str, Sequence[Sequence[object]]] = {
    "A馆": [["展位", "企业名称"], ["A01", "深圳市创明知识产权代理有限公司"]],
    "B馆": [
        ["统一社会信用代码", "参展企业", "联系人"],
        [],
        ["91440300MA5F0A1B2N", "广州市恒远贸易有限公司", "王五"],
        [None, None, None],
        [None, None, None],
        ["", "东莞市精工模具有限公司", "赵六"],
    ],
    "空表": [],
}


def test_every_worksheet_with_rows_is_read(tmp_path: Path) -> None:
    table = read_upload(workbook(HALLS), "list.xlsx")
    assert table.headers == ["工作表", "展位", "企业名称", "统一社会信用代码", "联系人"]
    assert (table.name_column, table.uscc_column) == (2, 3)
    assert [r.entry.ref for r in table.rows] == ["「A馆」第2行", "「B馆」第3行", "「B馆」第6行"]
    assert [(r.sheet, r.line) for r in table.rows] == [("A馆", 2), ("B馆", 3), ("B馆", 6)]
    joined = ("B馆", "", "广州市恒远贸易有限公司", "91440300MA5F0A1B2N", "王五")
    assert table.rows[1].cells == joined
    assert table.rows[1].entry.uscc == "91440300MA5F0A1B2N"
    assert table.rows[2].entry.name == "东莞市精工模具有限公司"
    assert "已核查工作表「A馆」「B馆」。" in table.notes

    path = tmp_path / "list.xlsx"
    path.write_bytes(workbook(HALLS))
    stream = open_rows(path)
    assert (stream.headers, stream.notes) == (table.headers, table.notes)
    assert [(r.entry.ref, r.cells) for r in stream.rows] == [
        (r.entry.ref, r.cells) for r in table.rows
    ]


def test_an_empty_first_sheet_is_passed_over(tmp_path: Path) -> None:
    data = workbook({"封面": [], "名单": [["名称"], ["深圳市创明知识产权代理有限公司"]]})
    table = read_upload(data, "list.xlsx")
    assert table.headers == ["名称"] and [r.entry.ref for r in table.rows] == ["2"]
    assert "已核查工作表「名单」。" in table.notes
    path = tmp_path / "list.xlsx"
    path.write_bytes(data)
    assert [r.entry.name for r in open_rows(path).rows] == ["深圳市创明知识产权代理有限公司"]
    with pytest.raises(InputProblem, match="文件为空"):
        read_upload(workbook({"a": [], "b": []}), "list.xlsx")


def test_a_sheet_without_known_columns_is_named_and_passed_over() -> None:
    data = workbook({**HALLS, "填表说明": [["请按模板填写"], ["每行一家企业"]]})
    table = read_upload(data, "list.xlsx")
    assert len(table.rows) == 3
    assert any("已跳过工作表「填表说明」" in note for note in table.notes)
    twice = workbook({**HALLS, "B馆": [["企业名称", "企业名称"], ["某公司", "某公司"]]})
    with pytest.raises(InputProblem, match="工作表「B馆」：有多列可能是名称列"):
        read_upload(twice, "a.xlsx")


# --- name headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        ["公司全称", "信用代码"],
        ["参展企业", "统一社会信用代码"],
        ["序号", "企业全称", "社会信用代码"],
        ["Enterprise Name", "USCC"],
        ["名字", "USCC"],
        ["单位全称", "统一社会信用代码"],
        ["Company", "USCC"],
        ["Organization", "USCC"],
        ["参展单位", "USCC"],
        ["企业（单位）全称", "USCC"],
    ],
)
def test_common_name_headers_are_found(headers: list[str]) -> None:
    row = ["深圳市创明知识产权代理有限公司" if h != "序号" else "1" for h in headers]
    row[-1] = "91440300MA5F0A1B2N"
    table = read_upload(csv_bytes([headers, row]), "a.csv")
    assert table.rows[0].entry.name == "深圳市创明知识产权代理有限公司"
    assert table.rows[0].entry.uscc == "91440300MA5F0A1B2N"


def test_a_table_whose_name_column_is_not_found_asks_which() -> None:
    data = csv_bytes([["公司简称", "信用代码"], ["创明", "91440300MA5F0A1B2N"]])
    with pytest.raises(InputProblem, match=r"找不到名称列.*「公司简称」可能是名称列，请指定"):
        read_upload(data, "a.csv")
    assert read_upload(data, "a.csv", name_column="A").rows[0].entry.name == "创明"
    only_codes = [["统一社会信用代码"], ["91440300MA5F0A1B2N"]]
    numbered = [["序号", "统一社会信用代码", "备注"], ["1", "91440300MA5F0A1B2N", "x"]]
    for rows in (only_codes, numbered):
        table = read_upload(csv_bytes(rows), "a.csv")
        assert table.name_column is None
        assert table.rows[0].entry.uscc == "91440300MA5F0A1B2N"


# --- personal ID numbers -------------------------------------------------------------------------

ID_NUMBER = "11010519491231002X"
USCC_ALSO_AN_ID = "911101051000000295"  # a valid USCC whose check digit an ID number would have


def test_id_numbers_are_masked_as_they_are_read(tmp_path: Path) -> None:
    from datetime import date, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from credit.screening.matching import RowResult
    from credit.screening.reports import ReportInfo, report_from_table, report_to_csv

    masked = "110105********002X"
    upload = read_upload(csv_bytes([["姓名", "备注"], ["张三", ID_NUMBER]]), "a.csv")
    pasted = read_pasted(f"张三,{ID_NUMBER}\n张三\t{ID_NUMBER}\t13800138000\n")
    book = read_upload(xlsx_bytes([["姓名", "备注"], ["张三", ID_NUMBER]]), "a.xlsx")
    for table in (upload, pasted, book):
        assert ID_NUMBER not in repr(table) and masked in repr(table)
    assert pasted.rows[1].cells == ("张三", "", masked, "13800138000")  # a mobile is kept
    with pytest.raises(InputProblem) as problem:
        read_upload(csv_bytes([["张三", ID_NUMBER], ["李四", ""]]), "a.csv")
    assert ID_NUMBER not in problem.value.message and masked in problem.value.message
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes([["姓名", "备注"], ["张三", ID_NUMBER]]))
    assert ID_NUMBER not in repr(list(open_rows(source).rows))

    results = [RowResult(row.entry, "CLEAR", (), (), "未发现") for row in upload.rows]
    info = ReportInfo("SR-1", date(2025, 7, 1), 1, datetime(2025, 7, 1, 9, 0))
    report = report_to_csv(report_from_table(upload, results, info), Ed25519PrivateKey.generate())
    assert ID_NUMBER.encode() not in report and masked.encode() in report


def test_an_id_number_that_also_passes_the_uscc_check_is_masked() -> None:
    pasted = read_pasted("张三\t110105199003070439\tA101\n")
    assert "110105199003070439" not in str(pasted.rows[0])


def test_an_id_number_without_its_check_character_is_masked() -> None:
    first17 = ID_NUMBER[:17]
    pasted = read_pasted(f"张三\t{first17}\n{ID_NUMBER[:-1]}0\n")
    assert first17 not in repr(pasted)
    assert pasted.rows[0].cells[1:] == ("", first17[:6] + "*" * 7 + first17[-4:])
    assert pasted.rows[1].entry.uscc == ID_NUMBER[:6] + "*" * 8 + ID_NUMBER[-4:-1] + "0"


def test_a_valid_uscc_is_never_masked() -> None:
    table = read_upload(csv_bytes([["名称", "信用代码"], ["某公司", USCC_ALSO_AN_ID]]), "a.csv")
    assert table.rows[0].entry.uscc == USCC_ALSO_AN_ID
    assert read_pasted(f"某公司 {USCC_ALSO_AN_ID}\n").rows[0].entry.uscc == USCC_ALSO_AN_ID


# --- row numbers ---------------------------------------------------------------------------------

BELOW = [[], [], ["名称", "信用代码"], ["深圳市创明知识产权代理有限公司", ""], [], ["某公司", ""]]


def test_row_numbers_are_the_files_when_the_header_is_lower(tmp_path: Path) -> None:
    csv_data = "\r\n".join(",".join(row) for row in BELOW).encode()
    xlsx_data = xlsx_bytes(BELOW)
    assert [r.line for r in read_upload(csv_data, "a.csv").rows] == [4, 6]
    assert [r.entry.ref for r in read_upload(xlsx_data, "a.xlsx").rows] == ["4", "6"]
    for name, data in (("a.csv", csv_data), ("a.xlsx", xlsx_data)):
        (tmp_path / name).write_bytes(data)
        assert [(r.line, r.entry.ref) for r in open_rows(tmp_path / name).rows] == [
            (4, "4"),
            (6, "6"),
        ]


# --- the CLI keeps wide rows ---------------------------------------------------------------------


def test_streamed_rows_wider_than_the_header_keep_every_cell(tmp_path: Path) -> None:
    from datetime import date, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from credit.screening.matching import RowResult
    from credit.screening.reports import CsvReportWriter, ReportInfo

    rows = [["名称", "信用代码"], ["某公司", "", "展位A01", "备注甲"], ["另一公司"]]
    source = tmp_path / "list.csv"
    source.write_bytes(csv_bytes(rows))
    stream = open_rows(source)
    assert stream.headers == read_upload(csv_bytes(rows), "a.csv").headers
    assert stream.headers == ["名称", "信用代码", "第3列", "第4列"]
    out = io.BytesIO()
    info = ReportInfo("SR-1", date(2025, 7, 1), 1, datetime(2025, 7, 1, 9, 0))
    writer = CsvReportWriter(out, info, stream.headers, Ed25519PrivateKey.generate())
    for row in stream.rows:
        writer.write(row.cells, RowResult(row.entry, "CLEAR", (), (), "未发现"))
    writer.finish()
    lines = out.getvalue().decode("utf-8-sig").splitlines()
    assert lines[1].startswith("名称,信用代码,第3列,第4列,判定")
    assert lines[2].startswith("某公司,,展位A01,备注甲,")


# --- titles, unclear sheets, hidden sheets ------------------------------------------------------

TITLED = [
    ["2026 年某某展参展企业名单"],
    [],
    ["企业名称", "统一社会信用代码"],
    ["深圳市创明知识产权代理有限公司", ""],
]


def test_a_title_line_above_the_header_is_passed_over() -> None:
    for table in (
        read_upload(csv_bytes(TITLED), "a.csv"),
        read_upload(xlsx_bytes(TITLED), "a.xlsx"),
    ):
        assert table.headers[:2] == ["企业名称", "统一社会信用代码"]
        assert [(r.line, r.entry.name) for r in table.rows] == [
            (4, "深圳市创明知识产权代理有限公司")
        ]


@pytest.mark.parametrize(
    "title",
    [
        ["参展企业名称一览表", "", ""],  # a column word in the title
        ["2026年参展单位名称及统一社会信用代码汇总表", "", ""],
        ["参展企业名单", "", "制表日期：2026-03-01"],  # a second text beside it
    ],
)
def test_a_title_that_names_a_column_is_not_taken_for_the_header(title: list[str]) -> None:
    rows = [
        title,
        ["序号", "企业名称", "统一社会信用代码"],
        ["1", "深圳市创明知识产权代理有限公司", ""],
        ["2", "广州市恒远商标代理有限公司", ""],
    ]
    for table in (read_upload(csv_bytes(rows), "a.csv"), read_upload(xlsx_bytes(rows), "a.xlsx")):
        assert table.headers == ["序号", "企业名称", "统一社会信用代码"]
        assert [(r.line, r.entry.name) for r in table.rows] == [
            (3, "深圳市创明知识产权代理有限公司"),
            (4, "广州市恒远商标代理有限公司"),
        ]


def test_a_title_naming_a_column_then_a_date_line_then_the_header() -> None:
    rows = [
        ["参展企业名称一览表", ""],
        ["制表日期：2026-03-01", ""],
        ["企业名称", "统一社会信用代码"],
        ["深圳市创明知识产权代理有限公司", "91440300MA5F0A1B2N"],
    ]
    for table in (read_upload(csv_bytes(rows), "a.csv"), read_upload(xlsx_bytes(rows), "a.xlsx")):
        assert (table.headers, table.name_column, table.uscc_column) == (rows[2], 0, 1)
        assert [(r.line, r.entry.uscc) for r in table.rows] == [(4, "91440300MA5F0A1B2N")]


@pytest.mark.parametrize("header", ["企业名称汇总", "参展企业名称表", "企业名称清单"])
def test_a_title_like_header_of_a_one_column_list_is_its_header(header: str) -> None:
    names = ["北京某某科技有限公司", "深圳市创明知识产权代理有限公司", "甲公司", "乙公司", "丙公司"]
    for count in (2, 5):  # all held as maybe titles, or more than titles can be
        rows = [[header], *([name] for name in names[:count])]
        for table in (
            read_upload(csv_bytes(rows), "a.csv"),
            read_upload(xlsx_bytes(rows), "a.xlsx"),
        ):
            assert table.headers == [header] and table.name_column == 0
            assert [(r.line, r.entry.name) for r in table.rows] == [
                (line, name) for line, name in enumerate(names[:count], start=2)
            ]


def _read_both(rows: list[list[str]], tmp_path: Path) -> list[list[tuple[int, str, str]]]:
    """The rows an upload and the streamed CLI read from the same CSV."""
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(rows))
    read = [read_upload(csv_bytes(rows), "a.csv").rows, list(open_rows(path).rows)]
    return [[(r.line, r.entry.name, r.entry.uscc) for r in found] for found in read]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (  # a name that reads as a title, under a title-like header
            [["参展企业名称汇总"], ["北京某某统计咨询有限公司"], ["上海某某有限公司"]],
            [(2, "北京某某统计咨询有限公司", ""), (3, "上海某某有限公司", "")],
        ),
        (  # a second title-like header: the rows above it are titles
            [["企业名称汇总"], ["制表日期：2026-01-01"], ["参展单位名称一览表"], ["甲公司"]],
            [(4, "甲公司", "")],
        ),
        (  # titles naming no column below it, then a short list (held to its end)
            [["企业名称汇总"], ["2026年第一批参展企业名单"], ["制表日期：2026-11-01"], ["甲公司"]],
            [(4, "甲公司", "")],
        ),
        (  # names that hold a title's word are names: each is screened
            [["企业名称汇总"], ["上海仪表"], ["中国统计出版社"], ["某某清单科技"]],
            [(2, "上海仪表", ""), (3, "中国统计出版社", ""), (4, "某某清单科技", "")],
        ),
        (  # a row of a name and a remark is a row
            [["企业名称汇总"], ["深圳某某电子科技", "制表日期：2026-11-01"], ["乙公司"]],
            [(2, "深圳某某电子科技", ""), (3, "乙公司", "")],
        ),
        (  # the same, then more rows than titles can be
            [["企业名称汇总"], ["第一批名单"], *([f"{c}公司"] for c in "甲乙丙丁")],
            [(line, f"{c}公司", "") for line, c in enumerate("甲乙丙丁", start=3)],
        ),
    ],
)
def test_titles_and_names_below_a_title_like_header_read_alike_in_both_paths(
    rows: list[list[str]], expected: list[tuple[int, str, str]], tmp_path: Path
) -> None:
    assert _read_both(rows, tmp_path) == [expected, expected]


def test_a_title_passed_over_below_a_title_like_header_is_noted() -> None:
    rows = [["企业名称汇总"], ["2026年第一批参展企业名单"], ["甲科技有限公司"]]
    table = read_upload(csv_bytes(rows), "a.csv")
    assert [r.entry.name for r in table.rows] == ["甲科技有限公司"]
    assert table.notes == ["第 2 行「2026年第一批参展企业名单」读作标题，未作为参展单位核查。"]


def test_a_title_below_a_title_like_header_in_a_workbook_is_noted_with_its_sheet() -> None:
    book = workbook(
        {
            "A馆": [["企业名称", "统一社会信用代码"], ["甲有限公司", ""]],
            "B馆": [["企业名称汇总"], ["B馆参展名单"], ["上海仪表"], ["中国统计出版社"]],
        }
    )
    table = read_upload(book, "a.xlsx")
    assert [r.entry.name for r in table.rows] == ["甲有限公司", "上海仪表", "中国统计出版社"]
    assert "工作表「B馆」第 2 行「B馆参展名单」读作标题，未作为参展单位核查。" in table.notes


def test_a_row_below_a_title_like_header_is_told_as_a_row_when_too_wide() -> None:
    rows = [["企业名称汇总"], ["某" * 40_000]]
    with pytest.raises(InputProblem, match=r"^第 2 行第 1 列有 40,000 个字符"):
        read_upload(csv_bytes(rows), "a.csv")


def test_a_title_naming_a_column_above_an_unclear_header_asks_which(tmp_path: Path) -> None:
    rows = [
        ["2026年参展企业名称汇总表"],
        ["参展方", "统一社会信用代码", "展位"],
        ["甲科技有限公司", "91440300MA5F0A1B2N", "A1"],
    ]
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(rows))
    for read in (lambda: read_upload(csv_bytes(rows), "a.csv"), lambda: open_rows(path)):
        with pytest.raises(InputProblem, match="「参展方」可能是名称列"):
            read()


def test_a_title_above_an_unclear_header_still_asks_which_column() -> None:
    rows = [["参展企业名单"], ["公司简称", "信用代码"], ["创明", "91440300MA5F0A1B2N"]]
    with pytest.raises(InputProblem, match=r"「公司简称」可能是名称列，请指定"):
        read_upload(csv_bytes(rows), "a.csv")


def test_a_header_typed_with_spaces_above_pasted_lines_is_not_a_row() -> None:
    table = read_pasted("企业名称  统一社会信用代码\n深圳市创明知识产权代理有限公司\n")
    assert [(r.line, r.entry.name) for r in table.rows] == [(2, "深圳市创明知识产权代理有限公司")]
    named = read_pasted("企业名称\nABC Co., Ltd.\n某某公司，91440300MA5F0A1B2N\n")
    assert [(r.entry.name, r.entry.uscc) for r in named.rows] == [
        ("ABC Co., Ltd.", ""),  # not cut at its comma
        ("某某公司", "91440300MA5F0A1B2N"),
    ]


def test_a_name_header_in_chinese_and_english_is_the_name_column() -> None:
    rows = [
        ["序号", "参展商名称（中英文）", "英文名称"],
        ["1", "深圳市创明知识产权代理有限公司", "X"],
    ]
    assert read_upload(csv_bytes(rows), "a.csv").name_column == 1
    english = [["No.", "Company Name (English)", "Company Name (Chinese)"], ["1", "X", "某公司"]]
    assert read_upload(csv_bytes(english), "a.csv").name_column == 2


def test_a_code_column_chosen_alone_screens_codes_only() -> None:
    rows = [["统一社会信用代码", "联系人"], ["91440300MA5F0A1B2N", "王五"]]
    with pytest.raises(InputProblem, match="请指定使用哪一列"):
        read_upload(csv_bytes(rows), "a.csv")
    table = read_upload(csv_bytes(rows), "a.csv", uscc_column="统一社会信用代码")
    assert table.name_column is None
    assert [(r.entry.name, r.entry.uscc) for r in table.rows] == [("", "91440300MA5F0A1B2N")]
    assert "只按统一社会信用代码核查：「联系人」未作为名称列使用。" in table.notes


def test_a_licence_number_column_is_the_code_column_when_no_uscc_column_is_found() -> None:
    rows = [
        ["企业名称", "营业执照号码"],
        ["甲公司", "91440300MA5F0A1B2N"],
        ["乙公司", "110108000000016"],  # a registration number from before 2015
    ]
    for table in (read_upload(csv_bytes(rows), "a.csv"), read_upload(xlsx_bytes(rows), "a.xlsx")):
        assert table.uscc_column == 1
        new, old = table.rows
        assert (new.entry.uscc, new.entry.problem) == ("91440300MA5F0A1B2N", "")
        assert (old.entry.name, old.entry.uscc) == ("乙公司", "")  # screened on the name
        assert old.entry.problem == (
            "营业执照号码「110108000000016」不是统一社会信用代码（可能是旧的注册号），未用于核查"
        )
        assert old.cells[1] == "110108000000016"  # the report keeps the cell
    mistyped = [["企业名称", "纳税人识别号"], ["甲公司", "91440300MA5F0A1B2X"]]  # a wrong check
    row = read_upload(csv_bytes(mistyped), "a.csv").rows[0]
    assert (row.entry.uscc, row.entry.problem) == ("91440300MA5F0A1B2X", "")  # checked as a USCC
    both = [["企业名称", "营业执照号码", "统一社会信用代码"], ["甲公司", "x", "91440300MA5F0A1B2N"]]
    assert read_upload(csv_bytes(both), "a.csv").uscc_column == 2


def test_a_one_column_list_headed_by_a_name_header_still_reads() -> None:
    table = read_upload(csv_bytes([["企业名称"], ["深圳市创明知识产权代理有限公司"]]), "a.csv")
    assert [r.entry.name for r in table.rows] == ["深圳市创明知识产权代理有限公司"]


def test_a_sheet_whose_name_column_is_unclear_is_passed_over_in_a_workbook() -> None:
    data = workbook(
        {**HALLS, "联系人": [["统一社会信用代码", "联系人"], ["91440300MA5F0A1B2N", "王五"]]}
    )
    table = read_upload(data, "list.xlsx")
    assert len(table.rows) == 3
    assert any("已跳过工作表「联系人」" in note for note in table.notes)
    alone = workbook({"联系人": [["统一社会信用代码", "联系人"], ["91440300MA5F0A1B2N", "王五"]]})
    with pytest.raises(InputProblem, match="请指定使用哪一列"):
        read_upload(alone, "list.xlsx")


def test_hidden_worksheets_are_not_screened_and_are_named(tmp_path: Path) -> None:
    book = Workbook()
    shown = book.active
    assert shown is not None
    shown.append(["企业名称"])
    shown.append(["深圳市创明知识产权代理有限公司"])
    hidden = book.create_sheet("旧名单")
    hidden.sheet_state = "hidden"
    hidden.append(["企业名称"])
    hidden.append(["广州市恒远贸易有限公司"])
    lists = book.create_sheet("下拉选项")  # a template's lists: no menu unhides it
    lists.sheet_state = "veryHidden"
    lists.append(["企业名称"])
    out = io.BytesIO()
    book.save(out)
    table = read_upload(out.getvalue(), "list.xlsx")
    assert [r.entry.name for r in table.rows] == ["深圳市创明知识产权代理有限公司"]
    told = "未核查隐藏的工作表「旧名单」：如其中有要核查的单位，请取消隐藏后重新核查。"
    assert table.notes == [told]
    path = tmp_path / "list.xlsx"
    path.write_bytes(out.getvalue())
    assert open_rows(path).notes == [told]
    shown.delete_rows(1, 2)
    shown.append(["说明：名单见另一工作表"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputProblem, match=r"找不到名称列.*未核查隐藏的工作表「旧名单」"):
        read_upload(out.getvalue(), "list.xlsx")


def test_a_formula_without_a_saved_result_is_named_not_dropped(tmp_path: Path) -> None:
    # openpyxl, like many programs, writes formulas without their results
    data = xlsx_bytes(
        [
            ["展商名称", "统一社会信用代码", "序号"],
            ["甲公司", "", 1],
            ['="乙"&"公司"', "", "=ROW()-1"],
            ["丙公司", '=""&"91440300MA5F0A1B2N"', "=ROW()-1"],
        ]
    )
    path = tmp_path / "list.xlsx"
    path.write_bytes(data)
    for rows in (read_upload(data, "list.xlsx").rows, list(open_rows(path).rows)):
        assert [(r.line, r.entry.name) for r in rows] == [(2, "甲公司"), (3, ""), (4, "丙公司")]
        assert rows[0].entry.problem == ""
        assert rows[1].entry.problem.startswith("名称单元格 A3 是公式，文件中没有保存它的计算结果")
        assert rows[2].entry.problem.startswith("代码单元格 B4 是公式")
        assert [r.cells[2] for r in rows] == ["1", "", ""]  # blank in the report


def test_formulas_outside_the_name_and_code_columns_leave_a_row_blank() -> None:
    data = xlsx_bytes(
        [
            ['="2026年"&"参展企业名单"'],  # a title written as a formula: passed over
            ["序号", "展商名称", "统一社会信用代码"],
            [1, "甲公司", ""],
            ["=ROW()-2", "", ""],  # numbers prefilled below the list
            ["=ROW()-2", "", ""],
        ]
    )
    table = read_upload(data, "list.xlsx")
    assert table.headers == ["序号", "展商名称", "统一社会信用代码"]
    assert [(r.line, r.entry.name) for r in table.rows] == [(3, "甲公司")]
    assert table.blank_rows == 2


def test_too_many_formulas_without_results_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("credit.screening.unsaved.MAX_CELLS", 1)
    data = xlsx_bytes([["展商名称"], ["=A1"], ["=A1"]])
    with pytest.raises(InputProblem, match="公式单元格没有保存计算结果"):
        read_upload(data, "list.xlsx")
