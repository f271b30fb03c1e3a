"""Reading a list of exhibitors in memory: CSV, XLSX or pasted lines.

CSV may be UTF-8 (with or without BOM), GB18030 (what Chinese spreadsheets export),
or UTF-16 with BOM; its delimiter is a comma, tab or semicolon. The name and code
columns are found by their Chinese or English headers, or chosen by the caller (by
header text, 1-based number or column letter). Uploads are limited to 10,000 rows and
5 MB; the CLI reads a file of any length as a stream (`open_rows`). Every problem is an
`InputProblem` with a Chinese message. Nothing read here is stored or logged.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from credit.screening.matching import Entry
from credit.text import normalize
from credit.uscc import normalize_uscc

__all__ = [
    "MAX_BYTES",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "InputProblem",
    "InputRow",
    "Table",
    "TableStream",
    "open_rows",
    "read_pasted",
    "read_upload",
]

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
MAX_CELL_CHARS = 32_767
"""What one spreadsheet cell holds (Excel's limit): the reports keep every cell."""
MAX_COLUMNS = 16_380
"""Excel's 16,384 columns less the four a report adds."""

NAME_HEADERS = (
    "名称",
    "企业名称",
    "单位名称",
    "展商名称",
    "参展商名称",
    "参展企业名称",
    "参展单位名称",
    "参展单位",
    "参展商",
    "展商",
    "公司名称",
    "机构名称",
    "主体名称",
    "企业",
    "单位",
    "name",
    "companyname",
    "company",
    "exhibitor",
    "exhibitorname",
    "organization",
    "organisation",
    "entityname",
)
USCC_HEADERS = (
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "统一代码",
    "uscc",
    "creditcode",
    "unifiedsocialcreditcode",
    "socialcreditcode",
)
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"
_CODE_TOKEN = re.compile(f"(?<![{_ALNUM}])[{_ALNUM}]{{15,20}}(?![{_ALNUM}])")


class InputProblem(ValueError):
    """A list that cannot be read as it is; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class InputRow:
    """One non-blank row: its line (1-based, as a spreadsheet shows it), the original
    cells, and the entry to screen."""

    line: int
    cells: tuple[str, ...]
    entry: Entry


@dataclass
class Table:
    """A list read whole: original headers, the rows, the columns used."""

    headers: list[str]
    rows: list[InputRow]
    name_column: int | None
    uscc_column: int | None
    blank_rows: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class TableStream:
    """A list read as a stream (the CLI): headers, columns, and the rows to come."""

    headers: list[str]
    name_column: int | None
    uscc_column: int | None
    rows: Iterator[InputRow]


# --- column detection ----------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return re.sub(r"[\s*:：()\-_/]", "", normalize(text))


def _pick(headers: list[str], known: tuple[str, ...], contains: str, what: str) -> int | None:
    keys = [_header_key(h) for h in headers]
    for wanted in known:
        found = [i for i, k in enumerate(keys) if k == wanted]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise _ambiguous(headers, found, what)
    loose = [i for i, k in enumerate(keys) if contains in k and "简称" not in k and "英文" not in k]
    if len(loose) == 1:
        return loose[0]
    if len(loose) > 1:
        raise _ambiguous(headers, loose, what)
    return None


def _ambiguous(headers: list[str], found: list[int], what: str) -> InputProblem:
    shown = "、".join(f"「{headers[i]}」" for i in found)
    return InputProblem(f"有多列可能是{what}：{shown}，请指定使用哪一列。")


def _letter_index(text: str) -> int | None:
    if not re.fullmatch(r"[A-Za-z]{1,2}", text):
        return None
    index = 0
    for char in text.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def _chosen(headers: list[str], choice: str, what: str) -> int:
    """The column the user chose: header text, 1-based number, or letter (A, B, …)."""
    wanted = _header_key(choice)
    for index, header in enumerate(headers):
        if _header_key(header) == wanted:
            return index
    if choice.strip().isdigit() and 1 <= int(choice) <= len(headers):
        return int(choice) - 1
    letter = _letter_index(choice.strip())
    if letter is not None and letter < len(headers):
        return letter
    shown = "、".join(f"「{h}」" for h in headers if h.strip()) or "（无表头）"
    raise InputProblem(f"找不到指定的{what}「{choice}」。表头为：{shown}。")


def _columns(
    headers: list[str], name_column: str | None, uscc_column: str | None
) -> tuple[int | None, int | None]:
    name_at = (
        _chosen(headers, name_column, "名称列")
        if name_column
        else _pick(headers, NAME_HEADERS, "名称", "名称列")
    )
    uscc_at = (
        _chosen(headers, uscc_column, "统一社会信用代码列")
        if uscc_column
        else _pick(headers, USCC_HEADERS, "信用代码", "统一社会信用代码列")
    )
    if name_at is None and uscc_at is None:
        shown = "、".join(f"「{h}」" for h in headers if h.strip()) or "（空）"
        raise InputProblem(
            "找不到名称列或统一社会信用代码列：第一行应为表头，包含「企业名称」「单位名称」"
            f"「展商名称」或「统一社会信用代码」等；当前第一行为 {shown}。也可以指定使用哪一列。"
        )
    if name_at is not None and name_at == uscc_at:
        raise InputProblem("名称列与统一社会信用代码列不能是同一列。")
    return name_at, uscc_at


def _rows(
    raw: Iterable[list[str]],
    name_at: int | None,
    uscc_at: int | None,
    first_line: int,
    on_blank: Callable[[], None],
) -> Iterator[InputRow]:
    for line, cells in enumerate(raw, start=first_line):
        if not any(cell.strip() for cell in cells):
            on_blank()
            continue
        _check_width(f"第 {line} 行", cells)
        name = cells[name_at] if name_at is not None and name_at < len(cells) else ""
        code = cells[uscc_at] if uscc_at is not None and uscc_at < len(cells) else ""
        yield InputRow(line, tuple(cells), Entry(str(line), name, code))


# --- CSV -----------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputProblem("无法识别文件编码：请使用 UTF-8 或 GB18030（GBK）编码的 CSV。")


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", "\t", ";", "，")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(text: str) -> Iterator[list[str]]:
    first = text.split("\n", 1)[0]
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    except csv.Error as error:
        raise InputProblem(f"CSV 格式错误：{error}") from None


def _table(
    records: Iterator[list[str]],
    name_column: str | None,
    uscc_column: str | None,
    max_rows: int | None,
) -> Table:
    headers = _header_row(records)
    name_at, uscc_at = _columns(headers, name_column, uscc_column)
    table = Table(headers, [], name_at, uscc_at)

    def blank() -> None:
        table.blank_rows += 1

    for row in _rows(records, name_at, uscc_at, 2, blank):
        if max_rows is not None and len(table.rows) >= max_rows:
            raise InputProblem(
                f"行数过多：每次最多 {max_rows:,} 行，本文件超过此数。"
                "请拆分后分别上传，或使用命令行 ipcredit screen（不限行数）。"
            )
        table.rows.append(row)
    if not table.rows:
        raise InputProblem("文件中除表头外没有数据行。")
    widest = max(len(row.cells) for row in table.rows)
    table.headers += [f"第{n}列" for n in range(len(table.headers) + 1, widest + 1)]
    if table.blank_rows:
        table.notes.append(f"已跳过 {table.blank_rows} 个空行。")
    return table


def _header_row(records: Iterator[list[str]]) -> list[str]:
    for cells in records:
        if any(cell.strip() for cell in cells):
            _check_width("表头", cells)
            return [cell.strip() for cell in cells]
    raise InputProblem("文件为空。")


def _check_width(where: str, cells: Sequence[str]) -> None:
    """Refuse a row that no report could hold whole: too many columns, or too long a cell."""
    if len(cells) > MAX_COLUMNS:
        raise InputProblem(f"{where}有 {len(cells):,} 列，超过上限 {MAX_COLUMNS:,} 列。")
    for column, cell in enumerate(cells, start=1):
        if len(cell) > MAX_CELL_CHARS:
            raise InputProblem(
                f"{where}第 {column} 列有 {len(cell):,} 个字符，"
                f"超过一个单元格的上限 {MAX_CELL_CHARS:,} 个字符。"
            )


# --- XLSX ----------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError)


def _unreadable_xlsx(error: Exception) -> InputProblem:
    return InputProblem(f"无法读取 XLSX 文件（{type(error).__name__}）：请确认文件完好。")


def _xlsx_records(source: IO[bytes]) -> Iterator[list[str]]:
    """The first worksheet's rows as text (streamed: openpyxl's read-only mode)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except _XLSX_ERRORS as error:
        raise _unreadable_xlsx(error) from None
    try:
        sheet = book.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    except _XLSX_ERRORS as error:
        raise _unreadable_xlsx(error) from None
    finally:
        book.close()


def _kind(head: bytes, filename: str) -> str:
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    if head.startswith(_XLS_MAGIC) or filename.lower().endswith(".xls"):
        raise InputProblem("不支持旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV 后上传。")
    return "csv"


# --- public --------------------------------------------------------------------------------------


def read_upload(
    data: bytes,
    filename: str = "",
    *,
    name_column: str | None = None,
    uscc_column: str | None = None,
    max_rows: int | None = MAX_ROWS,
    max_bytes: int | None = MAX_BYTES,
) -> Table:
    """Read an uploaded CSV or XLSX file held in memory."""
    if max_bytes is not None and len(data) > max_bytes:
        raise InputProblem(
            f"文件过大：最多 {max_bytes / 1024 / 1024:.0f} MB，"
            f"本文件 {len(data) / 1024 / 1024:.1f} MB。请拆分后分别上传。"
        )
    if not data.strip():
        raise InputProblem("文件为空。")
    if _kind(data[:8], filename) == "xlsx":
        records = _xlsx_records(io.BytesIO(data))
    else:
        records = _csv_records(_decode(data))
    return _table(records, name_column, uscc_column, max_rows)


def read_pasted(text: str, *, max_rows: int | None = MAX_ROWS) -> Table:
    """Pasted lines: one exhibitor a line, a name, a code, or both (any order, separated
    by a tab, comma or spaces). A first line with known headers makes it a table."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    keys = {_header_key(cell) for cell in re.split(r"[\t,，]", first)}
    if keys & {*NAME_HEADERS, *USCC_HEADERS}:
        return _table(_csv_records(text), None, None, max_rows)
    table = Table(["名称", "统一社会信用代码"], [], 0, 1)
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            table.blank_rows += 1
            continue
        if max_rows is not None and len(table.rows) >= max_rows:
            raise InputProblem(f"行数过多：每次最多 {max_rows:,} 行。请分批粘贴或上传文件。")
        name, code = _split_line(line)
        table.rows.append(InputRow(line_no, (name, code), Entry(str(line_no), name, code)))
    if not table.rows:
        raise InputProblem("没有可核查的内容：请每行粘贴一个名称或统一社会信用代码。")
    return table


def _split_line(line: str) -> tuple[str, str]:
    """A pasted line's name and code: the code is a 15–20 character letter/digit run."""
    for match in _CODE_TOKEN.finditer(line):
        token = match.group()
        if any(ch.isdigit() for ch in normalize_uscc(token)):
            rest = (line[: match.start()] + " " + line[match.end() :]).strip(_SEPARATORS)
            return re.sub(r"\s+", " ", rest), token
    return line.strip(_SEPARATORS), ""


_SEPARATORS = " \t\u3000,，;；|"


def _utf8_ok(path: Path) -> bool:
    """True when the whole file decodes as UTF-8 (checked in chunks: constant memory)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as source:
        try:
            while chunk := source.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _file_encoding(path: Path) -> str:
    with path.open("rb") as source:
        head = source.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _utf8_ok(path):
        return "utf-8-sig"
    return "gb18030"


def open_rows(
    path: Path, *, name_column: str | None = None, uscc_column: str | None = None
) -> TableStream:
    """A CSV, XLSX or text file of any length as a stream of rows (the CLI; no limits).

    A `.txt` file is read as pasted lines. Blank rows are skipped.
    """
    try:
        with path.open("rb") as source:
            head = source.read(8)
    except OSError as error:
        raise InputProblem(f"无法打开文件 {path.name}：{error.strerror}") from None
    if not head:
        raise InputProblem("文件为空。")
    if path.suffix.lower() == ".txt":
        encoding = _file_encoding(path)
        table = read_pasted(path.read_text(encoding=encoding), max_rows=None)
        return TableStream(table.headers, 0, 1, iter(table.rows))
    if _kind(head, path.name) == "xlsx":
        records: Iterator[list[str]] = _xlsx_records(path.open("rb"))
    else:
        records = _streamed_csv(path, _file_encoding(path))
    headers = _header_row(records)
    name_at, uscc_at = _columns(headers, name_column, uscc_column)
    return TableStream(headers, name_at, uscc_at, _rows(records, name_at, uscc_at, 2, _nothing))


def _nothing() -> None:
    return None


def _streamed_csv(path: Path, encoding: str) -> Iterator[list[str]]:
    try:
        with path.open(encoding=encoding, newline="", errors="strict") as source:
            first = source.readline()
            source.seek(0)
            try:
                yield from csv.reader(source, delimiter=_delimiter(first))
            except csv.Error as error:
                raise InputProblem(f"CSV 格式错误：{error}") from None
    except UnicodeDecodeError:
        raise InputProblem("无法识别文件编码：请使用 UTF-8 或 GB18030（GBK）编码的 CSV。") from None
