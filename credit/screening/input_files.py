"""Reading an exhibitor list's file: CSV or XLSX into sheets of masked text cells.

CSV may be UTF-8 (with or without BOM), GB18030 (what Chinese spreadsheets export),
or UTF-16 with BOM; its delimiter is a comma, tab or semicolon. Every visible worksheet
of an XLSX file is a sheet (openpyxl's read-only mode, streamed). Every cell is masked as
it is read: a personal ID number (居民身份证号码) is never held whole
(`credit.personal`). A formula cell whose result the file does not hold reads as
`UNSAVED` (`unsaved.py`). Every problem is an `InputProblem` with a Chinese message.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from credit.personal import mask_id_number, mask_id_numbers, starts_as_id_number
from credit.screening.unsaved import MAX_CELLS, TooManyUnsaved, unsaved_formula_cells

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "UNSAVED",
    "InputProblem",
    "Sheets",
    "check_width",
    "csv_file_sheets",
    "csv_sheets",
    "decode",
    "file_encoding",
    "file_kind",
    "mask_cell",
    "masked",
    "xlsx_file_sheets",
    "xlsx_sheets",
]


class InputProblem(ValueError):
    """A list that cannot be read as it is; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


UNSAVED = "\ue000"
"""What a formula cell without a saved result reads as until its row is made
(`unsaved.py`): a private-use character, which a cell that holds only it (text no
list of names has) is taken for."""
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
MAX_CELL_CHARS = 32_767
"""What one spreadsheet cell holds (Excel's limit): the reports keep every cell."""
MAX_COLUMNS = 16_380
"""Excel's 16,384 columns less the four a report adds."""


def mask_cell(text: str) -> str:
    """A cell as it may be kept: ID numbers masked (an all-digit USCC is not one: its
    characters 7–14 are no birth date, `credit.personal.looks_like_id_number`)."""
    return mask_id_numbers(text)


def masked(records: Iterable[list[str]]) -> Iterator[list[str]]:
    """Every record with its cells masked (`mask_cell`)."""
    for cells in records:
        yield [mask_cell(cell) for cell in cells]


def check_width(where: str, cells: Sequence[str]) -> None:
    """Refuse a row that no report could hold whole: too many columns, or too long a cell."""
    if len(cells) > MAX_COLUMNS:
        raise InputProblem(f"{where}有 {len(cells):,} 列，超过上限 {MAX_COLUMNS:,} 列。")
    for column, cell in enumerate(cells, start=1):
        if len(cell) > MAX_CELL_CHARS:
            raise InputProblem(
                f"{where}第 {column} 列有 {len(cell):,} 个字符，"
                f"超过一个单元格的上限 {MAX_CELL_CHARS:,} 个字符。"
            )


Sheets = Iterator[tuple[str, Iterator[list[str]]]]
"""(title, masked records) for each sheet; the title is "" when the file has one sheet."""


def decode(data: bytes) -> str:
    """An uploaded CSV's text: UTF-16 with a BOM, UTF-8 (with or without), or GB18030."""
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
    first_line = re.search(r"^[^\n]*\S[^\n]*", text, re.MULTILINE)
    first = first_line.group() if first_line else ""
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    except csv.Error as error:
        raise InputProblem(f"CSV 格式错误：{error}") from None


def csv_sheets(text: str) -> Sheets:
    """A CSV text as the one sheet it is."""
    yield "", masked(_csv_records(text))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return _integer_text(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


EXACT_DIGITS = 15
"""The significant digits a spreadsheet keeps of a number (Excel's limit)."""


def _integer_text(value: float) -> str:
    """A whole number as text; one of more than `EXACT_DIGITS` digits in scientific
    notation (`9.13202006204840E+17`), as a spreadsheet may show it: its last digits
    were lost when it was stored as a number (an 18-digit USCC typed into a number
    cell), and writing it out in full would invent them. An ID number so stored keeps
    its region and birth date in those digits: it reads masked (`110105********1000`).
    Its check character and last digits are lost, so whatever starts with a known
    province, then a year and a month of birth, is taken for one."""
    if abs(value) < 10**EXACT_DIGITS:
        return str(int(value))
    mantissa, exponent = f"{abs(value):.{EXACT_DIGITS - 1}e}".split("e")
    digits = mantissa.replace(".", "").ljust(int(exponent) + 1, "0")
    if len(digits) in (17, 18) and starts_as_id_number(digits):
        return mask_id_number(digits)
    return f"{value:.{EXACT_DIGITS - 1}E}"


_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError)


def _unreadable_xlsx(error: Exception) -> InputProblem:
    return InputProblem(f"无法读取 XLSX 文件（{type(error).__name__}）：请确认文件完好。")


def xlsx_sheets(source: IO[bytes], hidden: list[str] | None = None) -> Sheets:
    """Every visible worksheet, its rows as masked text (streamed: openpyxl's read-only
    mode); titles are given when the book has more than one sheet. A formula cell whose
    result the file does not hold reads as `UNSAVED`. The titles of the hidden sheets,
    which are not read, are added to `hidden`."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
        archive = zipfile.ZipFile(source)
    except _XLSX_ERRORS as error:
        raise _unreadable_xlsx(error) from None
    try:
        worksheets = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
        if hidden is not None:  # not "veryHidden" ones: a template's lists, which no menu shows
            hidden += [mask_cell(s.title) for s in book.worksheets if s.sheet_state == "hidden"]
        for sheet in worksheets:
            title = mask_cell(sheet.title) if len(worksheets) > 1 else ""
            yield title, _worksheet_rows(sheet, _unsaved_in(archive, sheet))
    finally:
        archive.close()
        book.close()


def _unsaved_in(archive: zipfile.ZipFile, sheet: Any) -> set[tuple[int, int]]:
    """The sheet's formula cells without a saved result (none found when openpyxl does
    not say where the sheet's XML is)."""
    path = getattr(sheet, "_worksheet_path", None)
    if not isinstance(path, str):
        return set()
    try:
        with archive.open(path) as xml:
            return unsaved_formula_cells(xml)
    except TooManyUnsaved:
        raise InputProblem(
            f"工作表「{mask_cell(sheet.title)}」有超过 {MAX_CELLS:,} 个公式单元格没有保存计算结果"
            "（常见于程序生成的表格）：请用 Excel 或 WPS 打开文件、保存后重新核查。"
        ) from None
    except _XLSX_ERRORS as error:
        raise _unreadable_xlsx(error) from None


def _worksheet_rows(sheet: Any, unsaved: set[tuple[int, int]]) -> Iterator[list[str]]:
    """A worksheet's rows, every row from the first (blank ones too), as masked text."""
    try:
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield [
                UNSAVED if v is None and (line, at) in unsaved else mask_cell(_cell_text(v))
                for at, v in enumerate(values, start=1)
            ]
    except _XLSX_ERRORS as error:
        raise _unreadable_xlsx(error) from None


def file_kind(head: bytes, filename: str) -> str:
    if head.startswith(_XLSX_MAGIC):
        return "xlsx"
    if head.startswith(_XLS_MAGIC) or filename.lower().endswith(".xls"):
        raise InputProblem("不支持旧版 Excel（.xls）文件：请另存为 .xlsx 或 CSV 后上传。")
    return "csv"


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


def file_encoding(path: Path) -> str:
    with path.open("rb") as source:
        head = source.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _utf8_ok(path):
        return "utf-8-sig"
    return "gb18030"


def xlsx_file_sheets(path: Path, hidden: list[str] | None = None) -> Sheets:
    """An XLSX file's worksheets, read from the start (`xlsx_sheets`)."""
    with path.open("rb") as source:
        yield from xlsx_sheets(source, hidden)


def csv_file_sheets(path: Path, encoding: str) -> Sheets:
    """A CSV file as its one sheet, read from the start."""
    yield "", masked(_streamed_csv(path, encoding))


def _streamed_csv(path: Path, encoding: str) -> Iterator[list[str]]:
    try:
        with path.open(encoding=encoding, newline="", errors="strict") as source:
            first = source.readline()
            while first and not first.strip():
                first = source.readline()
            source.seek(0)
            try:
                yield from csv.reader(source, delimiter=_delimiter(first))
            except csv.Error as error:
                raise InputProblem(f"CSV 格式错误：{error}") from None
    except UnicodeDecodeError:
        raise InputProblem("无法识别文件编码：请使用 UTF-8 或 GB18030（GBK）编码的 CSV。") from None
