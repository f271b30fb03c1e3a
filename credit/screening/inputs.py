"""Reading a list of exhibitors in memory: CSV, XLSX or pasted lines.

CSV may be UTF-8 (with or without BOM), GB18030 (what Chinese spreadsheets export),
or UTF-16 with BOM; its delimiter is a comma, tab or semicolon. The name and code
columns are found by their Chinese or English headers, or chosen by the caller (by
header text, 1-based number or column letter). Every worksheet of an XLSX file that has
rows is read, each with its own header; rows of several sheets make one table whose
first column 工作表 names the sheet. Row numbers are those of the file (blank rows and
rows above the header counted). Uploads are limited to 10,000 rows and 5 MB; the CLI
reads a file of any length as a stream (`open_rows`). Every cell is masked as it is read:
a personal ID number (居民身份证号码) is never held whole (`credit.personal`). A row whose
name or code is a formula the file holds no result of is INVALID, the cell named
(`unsaved.py`), not dropped as blank. Every problem is an `InputProblem` with a Chinese
message. Nothing read here is stored or logged.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from credit.personal import is_masked_id_number, mask_id_numbers
from credit.screening.matching import Entry
from credit.screening.unsaved import MAX_CELLS, TooManyUnsaved, unsaved_formula_cells
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
    "参展公司名称",
    "公司名称",
    "机构名称",
    "组织名称",
    "主体名称",
    "企业全称",
    "公司全称",
    "单位全称",
    "机构全称",
    "展商全称",
    "参展商全称",
    "参展企业全称",
    "参展单位全称",
    "全称",
    "参展单位",
    "参展企业",
    "参展公司",
    "参展商",
    "展商",
    "企业",
    "公司",
    "单位",
    "机构",
    "name",
    "companyname",
    "company",
    "companyfullname",
    "enterprisename",
    "enterprise",
    "exhibitor",
    "exhibitorname",
    "exhibitorcompany",
    "organization",
    "organizationname",
    "organisation",
    "organisationname",
    "entityname",
    "corporatename",
    "legalname",
    "名字",
    "姓名",
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
_NOT_NAME_HEADERS = frozenset(
    {
        *("序号", "编号", "行号", "no", "no.", "#", "number", "id"),
        *("展位", "展位号", "摊位号", "展台号", "展馆", "展区", "booth", "boothno", "hall"),
        *("备注", "说明", "remark", "remarks", "note", "notes"),
        *("组织机构代码", "注册号", "工商注册号", "营业执照号", "纳税人识别号", "税号"),
        *("电话", "联系电话", "手机", "手机号", "邮箱", "email", "phone", "tel"),
    }
)
"""Headers of columns that never hold the name: beside a code column they may stay."""
SHEET_HEADER = "工作表"
MAX_TITLE_ROWS = 3
"""Title lines above a header (`2026 年某某展参展企业名单`) passed over at most."""
"""The first column of a table read from several worksheets: the sheet of each row."""
UNSAVED = "\ue000"
"""What a formula cell without a saved result reads as until its row is made
(`unsaved.py`): a private-use character, which a cell that holds only it (text no
list of names has) is taken for."""
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_ALNUM = "0-9A-Za-z０-９Ａ-Ｚａ-ｚ"
_CODE_TOKEN = re.compile(f"(?<![{_ALNUM}])[{_ALNUM}]{{15,20}}(?![{_ALNUM}])")


class InputProblem(ValueError):
    """A list that cannot be read as it is; the message says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _NoColumns(InputProblem):
    """A sheet where neither column is found: in a workbook, other sheets may still do."""


class _NameUnclear(InputProblem):
    """A sheet with a code column whose name column the user has to choose: in a workbook,
    other sheets may still have both."""


@dataclass(frozen=True)
class InputRow:
    """One non-blank row: its line (1-based, as a spreadsheet shows it), the original
    cells, the entry to screen (whose `ref` names the row: `6`, or `「B馆」第6行` when
    the table joins several worksheets), and that worksheet's title (or "")."""

    line: int
    cells: tuple[str, ...]
    entry: Entry
    sheet: str = ""


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
    """A list read as a stream (the CLI): headers, columns, the rows to come, and notes
    on the worksheets passed over."""

    headers: list[str]
    name_column: int | None
    uscc_column: int | None
    rows: Iterator[InputRow]
    notes: list[str] = field(default_factory=list)


# --- personal data -------------------------------------------------------------------------------


def _mask_cell(text: str) -> str:
    """A cell as it may be kept: ID numbers masked (an all-digit USCC is not one: its
    characters 7–14 are no birth date, `credit.personal.looks_like_id_number`)."""
    return mask_id_numbers(text)


def _masked(records: Iterable[list[str]]) -> Iterator[list[str]]:
    """Every record with its cells masked (`_mask_cell`)."""
    for cells in records:
        yield [_mask_cell(cell) for cell in cells]


# --- column detection ----------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return re.sub(r"[\s*:：()\-_/]", "", normalize(text))


def _pick(
    headers: list[str], known: tuple[str, ...], contains: tuple[str, ...], what: str
) -> int | None:
    """The one column whose header is known (in `known`'s order), or else the one whose
    header holds a word of `contains` (not a short or English name); None when none."""
    keys = [_header_key(h) for h in headers]
    for wanted in known:
        found = [i for i, k in enumerate(keys) if k == wanted]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise _ambiguous(headers, found, what)
    loose = [
        i
        for i, k in enumerate(keys)
        if any(word in k for word in contains) and "简称" not in k and "英文" not in k
    ]
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
    raise _NoColumns(f"找不到指定的{what}「{choice}」。表头为：{shown}。")


def _columns(
    headers: list[str], name_column: str | None, uscc_column: str | None
) -> tuple[int | None, int | None]:
    name_at = (
        _chosen(headers, name_column, "名称列")
        if name_column
        else _pick(headers, NAME_HEADERS, ("名称", "全称"), "名称列")
    )
    uscc_at = (
        _chosen(headers, uscc_column, "统一社会信用代码列")
        if uscc_column
        else _pick(headers, USCC_HEADERS, ("信用代码",), "统一社会信用代码列")
    )
    if name_at is None and uscc_at is None:
        shown = "、".join(f"「{h}」" for h in headers if h.strip()) or "（空）"
        raise _NoColumns(
            "找不到名称列或统一社会信用代码列：第一行应为表头，包含「企业名称」「单位名称」"
            f"「展商名称」或「统一社会信用代码」等；当前第一行为 {shown}。也可以指定使用哪一列。"
        )
    if name_at is not None and name_at == uscc_at:
        raise InputProblem("名称列与统一社会信用代码列不能是同一列。")
    if name_at is None and uscc_at is not None:
        _check_no_name_column(headers, uscc_at)
    return name_at, uscc_at


def _check_no_name_column(headers: list[str], uscc_at: int) -> None:
    """Beside the code column, a column that may hold the names (any header but a row
    number, booth, remark and the like): the user has to say which, or that none does."""
    maybe = [
        i
        for i, header in enumerate(headers)
        if i != uscc_at and header.strip() and _header_key(header) not in _NOT_NAME_HEADERS
    ]
    if maybe:
        shown = "、".join(f"「{headers[i]}」" for i in maybe)
        raise _NameUnclear(
            f"找不到名称列：表头中没有「企业名称」「单位名称」「展商名称」等，{shown}可能是名称列，"
            "请指定使用哪一列。若名单中没有名称，请只保留统一社会信用代码列。"
        )


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


# --- sheets: one for a CSV, one per worksheet for XLSX -------------------------------------------

_Sheets = Iterator[tuple[str, Iterator[list[str]]]]
"""(title, masked records) for each sheet; the title is "" when the file has one sheet."""


@dataclass
class _Sheet:
    """What a first look at one sheet found: its header and columns, and what follows."""

    position: int
    title: str
    header_line: int = 0
    headers: list[str] = field(default_factory=list)
    name_at: int | None = None
    uscc_at: int | None = None
    problem: InputProblem | None = None
    widest: int = 0
    title_rows: int = 0
    data_rows: int = 0
    blank_rows: int = 0
    kept: list[tuple[int, list[str]]] = field(default_factory=list)

    def where(self, place: str) -> str:
        """`第 6 行`, or `工作表「B馆」第 6 行` in a workbook of several sheets."""
        return f"工作表「{self.title}」{place}" if self.title else place


def _is_blank(cells: Sequence[str], sheet: _Sheet | None = None) -> bool:
    """No text in any cell. A formula without a saved result (`UNSAVED`) counts only in
    the name or code column of `sheet`'s data rows: such a row is INVALID, the cell named,
    where a number column prefilled with `=ROW()-1` below the list is still blank."""
    columns = (sheet.name_at, sheet.uscc_at) if sheet else ()
    return not any(
        (at in columns) if cell == UNSAVED else cell.strip() for at, cell in enumerate(cells)
    )


def _in_sheet(sheet: _Sheet, problem: InputProblem) -> InputProblem:
    """The problem, saying which worksheet it is in (when the file has several)."""
    if not sheet.title:
        return problem
    return type(problem)(f"工作表「{sheet.title}」：{problem.message}")


def _scan(
    position: int,
    title: str,
    records: Iterable[list[str]],
    name_column: str | None,
    uscc_column: str | None,
    keep: Callable[[_Sheet, int, list[str]], None],
) -> _Sheet | None:
    """Find a sheet's header (its first non-blank row) and columns, then check every row
    after it, giving `keep` the non-blank ones of a sheet whose columns were found.
    None for a sheet without a non-blank row."""
    sheet = _Sheet(position, title)
    for line, cells in enumerate(records, start=1):
        if not sheet.header_line or (_below_a_title(sheet) and not _is_blank(cells)):
            if not _is_blank(cells):
                _header(sheet, line, cells, name_column, uscc_column)
        elif _is_blank(cells, sheet):
            sheet.blank_rows += 1
        else:
            _check_width(sheet.where(f"第 {line} 行"), cells)
            sheet.widest = max(sheet.widest, len(cells))
            sheet.data_rows += 1
            if sheet.problem is None:
                keep(sheet, line, cells)
    return sheet if sheet.header_line else None


def _below_a_title(sheet: _Sheet) -> bool:
    """Whether the row taken as the header was a title line (one cell, no columns found,
    nothing after it yet): the next non-blank row is then tried (up to three titles)."""
    title = [cell for cell in sheet.headers if cell]
    return (
        sheet.problem is not None
        and not sheet.data_rows
        and len(title) == 1
        and sheet.title_rows < MAX_TITLE_ROWS
    )


def _header(
    sheet: _Sheet, line: int, cells: list[str], name_column: str | None, uscc_column: str | None
) -> None:
    """Take `cells` as the sheet's header; find its columns (or why not)."""
    _check_width(sheet.where("表头"), cells)
    if sheet.header_line:  # the row before was a title: `展会参展企业名单`
        sheet.title_rows += 1
    sheet.header_line, sheet.headers = line, [cell.replace(UNSAVED, "").strip() for cell in cells]
    sheet.widest, sheet.problem = len(cells), None
    try:
        sheet.name_at, sheet.uscc_at = _columns(sheet.headers, name_column, uscc_column)
    except (_NoColumns, _NameUnclear) as problem:  # another sheet may have them
        sheet.problem = _in_sheet(sheet, problem)
    except InputProblem as problem:
        raise _in_sheet(sheet, problem) from None


def _chosen_sheets(sheets: list[_Sheet]) -> tuple[list[_Sheet], list[str]]:
    """The sheets to screen and notes on the others and on blank rows. With a single
    sheet, that sheet; with several, those whose columns were found and that have rows
    after the header."""
    if not sheets:
        raise InputProblem("文件为空。")
    usable = [sheet for sheet in sheets if sheet.problem is None]
    if not usable:
        raise sheets[0].problem or InputProblem("文件为空。")
    chosen = [sheet for sheet in usable if sheet.data_rows] or usable[:1]
    positions = {sheet.position for sheet in chosen}
    notes = [
        f"已跳过工作表「{sheet.title}」："
        + (
            "找不到要核查的名称列或统一社会信用代码列。"
            if sheet.problem
            else "除表头外没有数据行。"
        )
        for sheet in sheets
        if sheet.position not in positions
    ]
    if len(chosen) > 1 or notes or chosen[0].position:
        notes.insert(0, "已核查工作表" + "".join(f"「{sheet.title}」" for sheet in chosen) + "。")
    if blank_rows := sum(sheet.blank_rows for sheet in chosen):
        notes.append(f"已跳过 {blank_rows} 个空行。")
    return chosen, notes


def _widened(headers: list[str], width: int) -> list[str]:
    """The headers, and `第N列` for the columns of rows wider than the header."""
    return headers + [f"第{n}列" for n in range(len(headers) + 1, width + 1)]


@dataclass
class _Layout:
    """How the chosen sheets make one table: its headers and columns, and for a table of
    several sheets where each sheet's columns go (after the 工作表 column)."""

    headers: list[str]
    name_column: int | None
    uscc_column: int | None
    places: dict[int, tuple[int, ...]] = field(default_factory=dict)


def _layout(sheets: list[_Sheet]) -> _Layout:
    """One sheet keeps its columns. Several share columns by header text (each sheet's
    name and code columns go to one name and one code column), after 工作表."""
    if len(sheets) == 1:
        only = sheets[0]
        return _Layout(_widened(only.headers, only.widest), only.name_at, only.uscc_at)
    layout = _Layout([SHEET_HEADER], None, None)
    for sheet in sheets:
        taken = {0}
        spots: list[int] = []
        for index, header in enumerate(_widened(sheet.headers, sheet.widest)):
            spot = _spot(layout, index, header, sheet, taken)
            taken.add(spot)
            spots.append(spot)
        layout.places[sheet.position] = tuple(spots)
    return layout


def _spot(layout: _Layout, index: int, header: str, sheet: _Sheet, taken: set[int]) -> int:
    """Where column `index` of `sheet` goes in the joined table (added when new)."""
    if index == sheet.name_at:
        if layout.name_column is None:
            layout.name_column = len(layout.headers)
            layout.headers.append(header)
        return layout.name_column
    if index == sheet.uscc_at:
        if layout.uscc_column is None:
            layout.uscc_column = len(layout.headers)
            layout.headers.append(header)
        return layout.uscc_column
    reserved = {*taken, layout.name_column, layout.uscc_column}
    for spot, known in enumerate(layout.headers):
        if known == header and spot not in reserved:
            return spot
    layout.headers.append(header)
    return len(layout.headers) - 1


def _input_row(sheet: _Sheet, layout: _Layout, line: int, cells: list[str]) -> InputRow:
    """A row of `sheet` as the table holds it."""
    name = cells[sheet.name_at] if sheet.name_at is not None and sheet.name_at < len(cells) else ""
    code = cells[sheet.uscc_at] if sheet.uscc_at is not None and sheet.uscc_at < len(cells) else ""
    problem = _unsaved_problem(sheet, line, name, code)
    if UNSAVED in cells:  # such a cell is blank in the report
        cells = ["" if cell == UNSAVED else cell for cell in cells]
        name, code = ("" if cell == UNSAVED else cell for cell in (name, code))
    spots = layout.places.get(sheet.position)
    if spots is None:
        return InputRow(line, tuple(cells), Entry(str(line), name, code, problem))
    if len(cells) > len(spots):
        raise InputProblem("文件在读取过程中被修改，请重新运行。")
    placed = [""] * (max(spots[: len(cells)], default=0) + 1)
    placed[0] = sheet.title
    for spot, cell in zip(spots, cells, strict=False):
        placed[spot] = cell
    ref = f"「{sheet.title}」第{line}行"
    return InputRow(line, tuple(placed), Entry(ref, name, code, problem), sheet.title)


def _unsaved_problem(sheet: _Sheet, line: int, name: str, code: str) -> str:
    """Why the row cannot be screened when its name or code is a formula without a saved
    result; "" when it can."""
    from openpyxl.utils.cell import get_column_letter  # only XLSX rows hold `UNSAVED`

    unsaved = [
        f"{label}单元格 {get_column_letter(at + 1)}{line}"
        for label, at, cell in (("名称", sheet.name_at, name), ("代码", sheet.uscc_at, code))
        if at is not None and cell == UNSAVED
    ]
    if not unsaved:
        return ""
    return (
        f"{'、'.join(unsaved)} 是公式，文件中没有保存它的计算结果（常见于程序生成的表格）："
        "请用 Excel 或 WPS 打开文件、保存后重新核查"
    )


# --- the table read whole (uploads, pasted tables) -----------------------------------------------


def _table(
    sheets: _Sheets,
    name_column: str | None,
    uscc_column: str | None,
    max_rows: int | None,
) -> Table:
    """Every sheet's rows, kept in memory (at most `max_rows` non-blank rows in all)."""
    count = 0

    def keep(sheet: _Sheet, line: int, cells: list[str]) -> None:
        nonlocal count
        if max_rows is not None and count >= max_rows:
            raise InputProblem(
                f"行数过多：每次最多 {max_rows:,} 行，本文件超过此数。"
                "请拆分后分别上传，或使用命令行 ipcredit screen（不限行数）。"
            )
        count += 1
        sheet.kept.append((line, cells))

    scanned = [
        sheet
        for position, (title, records) in enumerate(sheets)
        if (sheet := _scan(position, title, records, name_column, uscc_column, keep))
    ]
    chosen, notes = _chosen_sheets(scanned)
    layout = _layout(chosen)
    rows = [_input_row(sheet, layout, *kept) for sheet in chosen for kept in sheet.kept]
    if not rows:
        raise InputProblem("文件中除表头外没有数据行。")
    blank_rows = sum(sheet.blank_rows for sheet in chosen)
    return Table(layout.headers, rows, layout.name_column, layout.uscc_column, blank_rows, notes)


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
    first_line = re.search(r"^[^\n]*\S[^\n]*", text, re.MULTILINE)
    first = first_line.group() if first_line else ""
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    except csv.Error as error:
        raise InputProblem(f"CSV 格式错误：{error}") from None


def _csv_sheets(text: str) -> _Sheets:
    """A CSV text as the one sheet it is."""
    yield "", _masked(_csv_records(text))


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


def _xlsx_sheets(source: IO[bytes]) -> _Sheets:
    """Every worksheet, its rows as masked text (streamed: openpyxl's read-only mode);
    titles are given when the book has more than one sheet. A formula cell whose result
    the file does not hold reads as `UNSAVED`."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(source, read_only=True, data_only=True)
        archive = zipfile.ZipFile(source)
    except _XLSX_ERRORS as error:
        raise _unreadable_xlsx(error) from None
    try:
        worksheets = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"]
        for sheet in worksheets:
            title = _mask_cell(sheet.title) if len(worksheets) > 1 else ""
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
            f"工作表「{_mask_cell(sheet.title)}」有超过 {MAX_CELLS:,} 个公式单元格没有保存计算结果"
            "（常见于程序生成的表格）：请用 Excel 或 WPS 打开文件、保存后重新核查。"
        ) from None
    except _XLSX_ERRORS as error:
        raise _unreadable_xlsx(error) from None


def _worksheet_rows(sheet: Any, unsaved: set[tuple[int, int]]) -> Iterator[list[str]]:
    """A worksheet's rows, every row from the first (blank ones too), as masked text."""
    try:
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield [
                UNSAVED if v is None and (line, at) in unsaved else _mask_cell(_cell_text(v))
                for at, v in enumerate(values, start=1)
            ]
    except _XLSX_ERRORS as error:
        raise _unreadable_xlsx(error) from None


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
        sheets = _xlsx_sheets(io.BytesIO(data))
    else:
        sheets = _csv_sheets(_decode(data))
    return _table(sheets, name_column, uscc_column, max_rows)


def read_pasted(text: str, *, max_rows: int | None = MAX_ROWS) -> Table:
    """Pasted lines: one exhibitor a line, a name, a code, or both (any order, separated
    by a tab, comma or spaces). A first line with known headers makes it a table. A line
    with tabs (copied from a spreadsheet) is a row of cells: the code's cell, the cell
    that looks most like a name, then the others (columns 其他1, 其他2, …)."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    keys = {_header_key(cell) for cell in re.split(r"[\t,，]", first)}
    if keys & {*NAME_HEADERS, *USCC_HEADERS}:
        return _table(_csv_sheets(text), None, None, max_rows)
    table = Table(["名称", "统一社会信用代码"], [], 0, 1)
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            table.blank_rows += 1
            continue
        if max_rows is not None and len(table.rows) >= max_rows:
            raise InputProblem(f"行数过多：每次最多 {max_rows:,} 行。请分批粘贴或上传文件。")
        cells = _tabbed_cells(line) if "\t" in line else _line_cells(line)
        _check_width(f"第 {line_no} 行", cells)
        table.rows.append(InputRow(line_no, cells, Entry(str(line_no), cells[0], cells[1])))
    if not table.rows:
        raise InputProblem("没有可核查的内容：请每行粘贴一个名称或统一社会信用代码。")
    widest = max(len(row.cells) for row in table.rows)
    table.headers += [f"其他{n}" for n in range(1, widest - 1)]
    return table


def _line_cells(line: str) -> tuple[str, str]:
    """A pasted line without tabs: its name and code, masked."""
    name, code = _split_line(line)
    return _mask_cell(name), _mask_cell(code)


def _split_line(line: str) -> tuple[str, str]:
    """A pasted line's name and code: the code is a 15–20 character letter/digit run."""
    for match in _CODE_TOKEN.finditer(line):
        token = match.group()
        if any(ch.isdigit() for ch in normalize_uscc(token)):
            rest = (line[: match.start()] + " " + line[match.end() :]).strip(_SEPARATORS)
            return re.sub(r"\s+", " ", rest), token
    return line.strip(_SEPARATORS), ""


_SEPARATORS = " \t\u3000,，;；|"
_LETTER = re.compile(r"[^\W\d_]")
_BOOTH = re.compile(r"[0-9A-Za-z.#/\-]{1,10}")
_ORGANIZATION = re.compile(
    r"(公司|集团|厂|店|中心|事务所|研究院|研究所|协会|学会|商会|联合会|委员会|合作社|工作室|"
    r"大学|学院|学校|医院|银行|基金会|经营部|门市部|商行|合伙\)|ltd\.?|limited|inc\.?|"
    r"co\.?|corp\.?|corporation|llc|gmbh)$"
)


def _tabbed_cells(line: str) -> tuple[str, ...]:
    """A pasted spreadsheet row (`1⇥深圳市某某有限公司⇥A101`): name, code, then the
    other cells in their order. The code is the first code token in a cell
    (`_split_line`); the name is the cell that looks most like a name (`_name_rank`)."""
    cells = [_mask_cell(cell.strip()) for cell in line.split("\t")]
    code, code_at = "", -1
    for index, cell in enumerate(cells):
        rest, found = _split_line(cell)
        if found:
            code, code_at, cells[index] = found, index, rest
            break
    ranked = [(rank, i) for i, cell in enumerate(cells) if (rank := _name_rank(cell))]
    name_at = max(ranked)[1] if ranked else -1
    name = cells[name_at] if ranked else ""
    others = [cell for i, cell in enumerate(cells) if i != name_at and (i != code_at or cell)]
    while others and not others[-1]:
        others.pop()
    return (name, code, *others)


def _name_rank(cell: str) -> tuple[bool, int] | None:
    """How much a cell looks like an organization's or a person's name: (ends like an
    organization's name, length); None when it holds no letter or Han character, or is a
    booth number (`A101`), a masked ID number, an e-mail or web address."""
    text = unicodedata.normalize("NFKC", cell).lower()
    if not _LETTER.search(text) or is_masked_id_number(cell.upper()):
        return None
    if (_BOOTH.fullmatch(text) and any(ch.isdigit() for ch in text)) or re.search(
        r"@|://|^www\.", text
    ):
        return None
    return bool(_ORGANIZATION.search(text)), len(text)


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

    A `.txt` file is read as pasted lines. Blank rows are skipped. The file is read
    twice, in constant memory: a first pass finds every sheet's header and columns and
    its widest row (and refuses a row no report could hold) before any row is screened,
    so the headers are complete when the report's header row is written: cells beyond
    the header get the columns `第3列`, `第4列`, … exactly as an upload does. The second
    pass yields the rows.
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
        rows = iter(table.rows)
        return TableStream(table.headers, table.name_column, table.uscc_column, rows, table.notes)
    if _kind(head, path.name) == "xlsx":
        sheets: Callable[[], _Sheets] = partial(_xlsx_file_sheets, path)
    else:
        sheets = partial(_csv_file_sheets, path, _file_encoding(path))
    scanned = [
        sheet
        for position, (title, records) in enumerate(sheets())
        if (sheet := _scan(position, title, records, name_column, uscc_column, _ignore))
    ]
    chosen, notes = _chosen_sheets(scanned)
    layout = _layout(chosen)
    rows = _streamed_rows(sheets, chosen, layout)
    return TableStream(layout.headers, layout.name_column, layout.uscc_column, rows, notes)


def _ignore(sheet: _Sheet, line: int, cells: list[str]) -> None:
    """The first pass of a stream keeps no row."""
    return None


def _streamed_rows(
    sheets: Callable[[], _Sheets], chosen: list[_Sheet], layout: _Layout
) -> Iterator[InputRow]:
    """The second pass: the chosen sheets' non-blank rows after their headers."""
    by_position = {sheet.position: sheet for sheet in chosen}
    for position, (_title, records) in enumerate(sheets()):
        sheet = by_position.get(position)
        if sheet is None:
            continue
        for line, cells in enumerate(records, start=1):
            if line > sheet.header_line and not _is_blank(cells, sheet):
                yield _input_row(sheet, layout, line, cells)


def _xlsx_file_sheets(path: Path) -> _Sheets:
    """An XLSX file's worksheets, read from the start."""
    with path.open("rb") as source:
        yield from _xlsx_sheets(source)


def _csv_file_sheets(path: Path, encoding: str) -> _Sheets:
    """A CSV file as its one sheet, read from the start."""
    yield "", _masked(_streamed_csv(path, encoding))


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
