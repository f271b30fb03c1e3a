"""Reading a list of exhibitors: the rows of a CSV or XLSX file, or of pasted lines.

The files are read by `input_files` (encodings, worksheets, masking), the columns found
by `columns`, pasted lines split by `pasted`. Here every sheet with rows gets its header
(up to three title lines above it passed over) and its columns; rows of several sheets
make one table whose first column 工作表 names the sheet. Row numbers are those of the
file (blank rows and rows above the header counted). Uploads are limited to 10,000 rows
and 5 MB; the CLI reads a file of any length as a stream (`open_rows`). A row whose name
or code is a formula the file holds no result of names the cell (`unsaved.py`) and is
screened on the other, not dropped as blank. Nothing read here is stored or logged.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from credit.os_reasons import os_reason
from credit.screening.columns import (
    NAME_HEADERS,
    USCC_HEADERS,
    NameUnclear,
    NoColumns,
    find_columns,
    header_key,
    is_license_column,
    looks_like_title,
    maybe_names,
    no_columns,
)
from credit.screening.input_files import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    UNSAVED,
    InputProblem,
    Sheets,
    check_width,
    csv_file_sheets,
    csv_sheets,
    decode,
    file_encoding,
    file_kind,
    xlsx_file_sheets,
    xlsx_sheets,
)
from credit.screening.matching import Entry
from credit.screening.pasted import line_cells, tabbed_cells
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

SHEET_HEADER = "工作表"
"""The first column of a table read from several worksheets: the sheet of each row."""
MAX_TITLE_ROWS = 3
"""Title lines above a header (`2026 年某某展参展企业名单`) passed over at most."""


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


# --- sheets: one for a CSV, one per worksheet for XLSX -------------------------------------------


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
    first_problem: InputProblem | None = None
    note: str = ""
    license_code: bool = False
    """The code column is headed as a licence or tax number: an older registration number
    in it is left out of the row's lookup, with a message."""
    fallback: tuple[int, list[str], int | None, int | None] | None = None
    """A title-like row that names a column (`企业名称汇总`): the header after all when no
    row below it does (its line, headers and columns)."""
    held: list[tuple[int, list[str]]] = field(default_factory=list)
    """Rows below `fallback` that named no column but may be titles too (`制表日期：…`):
    data rows if `fallback` is the header."""
    titles_passed: dict[int, str] = field(default_factory=dict)
    """Rows held below the title-like header that were titles too: line → title."""
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

    def data(line: int, cells: list[str]) -> None:
        if _is_blank(cells, sheet):
            sheet.blank_rows += 1
            return
        check_width(sheet.where(f"第 {line} 行"), cells)
        sheet.widest = max(sheet.widest, len(cells))
        sheet.data_rows += 1
        if sheet.problem is None:
            keep(sheet, line, cells)

    for line, cells in enumerate(records, start=1):
        looking = not sheet.header_line or (_below_a_title(sheet) and not _is_blank(cells))
        if looking and (_is_blank(cells) or _header(sheet, line, cells, name_column, uscc_column)):
            continue
        if looking:  # the title-like row above is the header: the rows held are data
            _release_held(sheet, data)
        data(line, cells)
    if isinstance(sheet.problem, NoColumns) and sheet.fallback is not None:  # no header below
        _take_fallback(sheet)
        _release_held(sheet, data)
    if isinstance(sheet.problem, NoColumns):  # rows tried below a first that was no title
        sheet.problem = sheet.first_problem or sheet.problem
    return sheet if sheet.header_line else None


_TITLE_END = re.compile(r"(?:名单|名录|名册|一览表?|汇总表?|清单|目录|列表)(?:\([^()]*\))?$")
"""How a list's title ends (`2026年第一批参展企业名单`, `参展企业一览（第二批）`)."""
_MADE_ON = re.compile(r"(?:制表|填报|填表|编制|打印|导出|更新|统计)?(?:日期|时间)[:：]")
"""How a line saying when the list was made starts (`制表日期：2026-11-01`)."""


def _title_passed(cells: list[str]) -> str | None:
    """The text of a row held below the title-like header that is another title, not an
    exhibitor: its one text ends as a list's title or says when the list was made. A name
    that merely holds such a word (`中国统计出版社`, `上海仪表`) is screened."""
    texts = [cell.strip() for cell in cells if cell.strip()]
    if len(texts) != 1:
        return None
    text = unicodedata.normalize("NFKC", texts[0]).replace(" ", "")  # `（…）` as `(…)`
    return texts[0] if _TITLE_END.search(text) or _MADE_ON.match(text) else None


def _release_held(sheet: _Sheet, data: Callable[[int, list[str]], None]) -> None:
    """The rows held below the title-like header (`企业名称汇总`) are data, but for more
    titles (`_title_passed`), which are named in a note."""
    for line, cells in sheet.held:
        if title := _title_passed(cells):
            sheet.titles_passed[line] = title
            continue
        data(line, cells)


def _below_a_title(sheet: _Sheet) -> bool:
    """Whether the row taken as the header was a title line (no columns found in its one
    or two texts — `参展企业名单`, `制表日期：…` — nothing after it yet): the next non-blank
    row is then tried (up to three titles)."""
    title = [cell for cell in sheet.headers if cell]
    return (
        isinstance(sheet.problem, NoColumns)
        and not sheet.data_rows
        and len(title) <= 2
        and sheet.title_rows < MAX_TITLE_ROWS
    )


def _header(
    sheet: _Sheet, line: int, cells: list[str], name_column: str | None, uscc_column: str | None
) -> bool:
    """Take `cells` as the sheet's header and find its columns (or why not); False when
    they are a data row instead, below a title-like row that is the header after all."""
    check_width(sheet.where("表头" if sheet.fallback is None else f"第 {line} 行"), cells)
    if sheet.header_line:  # the row before was a title: `展会参展企业名单`
        sheet.title_rows += 1
    headers = [cell.replace(UNSAVED, "").strip() for cell in cells]
    title_like = not (name_column or uscc_column) and looks_like_title(headers)
    columns: tuple[int | None, int | None] | None = None
    problem: InputProblem | None = None
    try:
        columns = find_columns(headers, name_column, uscc_column)
    except (NoColumns, NameUnclear) as found:  # another sheet may have them
        problem = found
    except InputProblem as found:
        if not title_like:
            raise _in_sheet(sheet, found) from None  # else `单位名称及统一社会信用代码汇总表`
    if sheet.fallback is not None and columns is None and not isinstance(problem, NameUnclear):
        if (len([h for h in headers if h]) > 2 and not title_like) or (
            sheet.title_rows >= MAX_TITLE_ROWS
        ):
            _take_fallback(sheet)
            return False
        sheet.held.append((line, cells))  # another title, or a name of the list
        problem = no_columns(headers)
    elif title_like:  # the header is looked for below it; the rows held above were titles
        sheet.fallback = (line, headers, *columns) if columns else None
        sheet.held, problem = [], no_columns(headers)
    elif problem is not None:
        sheet.fallback, sheet.held = None, []  # `NameUnclear`: a header, its name unclear
    sheet.header_line, sheet.headers, sheet.widest = line, headers, len(cells)
    if problem is not None:
        sheet.problem = _in_sheet(sheet, problem)
        if not title_like and not sheet.held:
            sheet.first_problem = sheet.first_problem or sheet.problem  # what the user sees
        return True
    assert columns is not None
    (sheet.name_at, sheet.uscc_at), sheet.problem = columns, None
    sheet.note = _codes_only_note(sheet)
    sheet.license_code = sheet.uscc_at is not None and is_license_column(headers[sheet.uscc_at])
    sheet.fallback, sheet.held = None, []  # the rows held were titles
    return True


def _take_fallback(sheet: _Sheet) -> None:
    """Make the title-like row that named a column the header (`企业名称汇总`)."""
    assert sheet.fallback is not None
    sheet.header_line, sheet.headers, sheet.name_at, sheet.uscc_at = sheet.fallback
    sheet.widest, sheet.problem, sheet.fallback = len(sheet.headers), None, None


def _codes_only_note(sheet: _Sheet) -> str:
    """What a code column chosen alone leaves out: columns that may have held the names."""
    if sheet.name_at is not None or sheet.uscc_at is None:
        return ""
    left = "、".join(f"「{sheet.headers[i]}」" for i in maybe_names(sheet.headers, sheet.uscc_at))
    return f"只按统一社会信用代码核查：{left}未作为名称列使用。" if left else ""


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
    notes += dict.fromkeys(sheet.note for sheet in chosen if sheet.note)
    notes += [
        sheet.where(f"第 {line} 行「{title}」读作标题，未作为参展单位核查。")
        for sheet in chosen
        for line, title in sheet.titles_passed.items()
    ]
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


_NEITHER_CELL = (
    "名称和统一社会信用代码单元格均为空（若是与上一行合并的单元格，请取消合并后在每一行填写）"
)
"""A row with other cells (a booth) but neither a name nor a code: one exhibitor's name
merged down over two rows leaves the second row so."""


def _input_row(sheet: _Sheet, layout: _Layout, line: int, cells: list[str]) -> InputRow:
    """A row of `sheet` as the table holds it."""
    name = cells[sheet.name_at] if sheet.name_at is not None and sheet.name_at < len(cells) else ""
    code = cells[sheet.uscc_at] if sheet.uscc_at is not None and sheet.uscc_at < len(cells) else ""
    problem = _unsaved_problem(sheet, line, name, code) or (
        "" if name.strip() or code.strip() else _NEITHER_CELL
    )
    if UNSAVED in cells:  # such a cell is blank in the report
        cells = ["" if cell == UNSAVED else cell for cell in cells]
        name, code = ("" if cell == UNSAVED else cell for cell in (name, code))
    if sheet.license_code and _registration_number(code):
        header = sheet.headers[sheet.uscc_at or 0]
        left_out = f"{header}「{code.strip()}」不是统一社会信用代码（可能是旧的注册号），未用于核查"
        problem, code = "；".join(p for p in (problem, left_out) if p), ""
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


def _registration_number(code: str) -> bool:
    """A registration number of before 2015 (15 digits) where a USCC may stand: a
    licence or tax number column (`_Sheet.license_code`)."""
    number = normalize_uscc(code)
    return len(number) == 15 and number.isdigit()


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
    sheets: Sheets,
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
            f"本文件 {_megabytes(len(data))} MB。请拆分后分别上传。"
        )
    if not data.strip():
        raise InputProblem("文件为空。")
    hidden: list[str] = []
    if file_kind(data[:8], filename) == "xlsx":
        sheets = xlsx_sheets(io.BytesIO(data), hidden)
    else:
        sheets = csv_sheets(decode(data))
    with _telling_hidden(hidden):
        table = _table(sheets, name_column, uscc_column, max_rows)
    table.notes += _hidden_notes(hidden)
    return table


def _hidden_notes(hidden: list[str]) -> list[str]:
    """What the hidden worksheets, which are not screened, ask of the user."""
    return [
        f"未核查隐藏的工作表「{title}」：如其中有要核查的单位，请取消隐藏后重新核查。"
        for title in dict.fromkeys(hidden)
    ]


@contextmanager
def _telling_hidden(hidden: list[str]) -> Iterator[None]:
    """A problem with the visible sheets also names the hidden ones: the list may be there."""
    try:
        yield
    except InputProblem as problem:
        if not hidden:
            raise
        raise type(problem)(" ".join([problem.message, *_hidden_notes(hidden)])) from None


def _megabytes(size: int) -> str:
    """A size in MB, rounded up to hundredths: a file just over the limit shows as over
    it (`5.01`, not `5.0`)."""
    return f"{math.ceil(size / 1024 / 1024 * 100) / 100:.2f}"


def read_pasted(text: str, *, max_rows: int | None = MAX_ROWS) -> Table:
    """Pasted lines: one exhibitor a line, a name, a code, or both (any order, separated
    by a tab, comma or spaces). A first line with known headers makes it a table. A line
    with tabs (copied from a spreadsheet) is a row of cells: the code's cell, the cell
    that looks most like a name, then the others (columns 其他1, 其他2, …)."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    known = {*NAME_HEADERS, *USCC_HEADERS}
    words = {header_key(word) for word in first.split()}
    # a header of words alone (`企业名称`, `企业名称 信用代码`): the lines below are read as
    # pasted lines, so a name is not cut at its comma (`ABC Co., Ltd.`)
    typed_header = bool(words) and words <= known and not re.search(r"[\t,，]", first)
    keys = {header_key(cell) for cell in re.split(r"[\t,，]", first)}
    if keys & known and not typed_header:
        return _table(csv_sheets(text), None, None, max_rows)
    table = Table(["名称", "统一社会信用代码"], [], 0, 1)
    for line_no, line in enumerate(lines, start=1):
        if typed_header and line is first:
            continue
        if not line.strip():
            table.blank_rows += 1
            continue
        if max_rows is not None and len(table.rows) >= max_rows:
            raise InputProblem(f"行数过多：每次最多 {max_rows:,} 行。请分批粘贴或上传文件。")
        cells = tabbed_cells(line) if "\t" in line else line_cells(line)
        check_width(f"第 {line_no} 行", cells)
        table.rows.append(InputRow(line_no, cells, Entry(str(line_no), cells[0], cells[1])))
    if not table.rows:
        raise InputProblem("没有可核查的内容：请每行粘贴一个名称或统一社会信用代码。")
    widest = max(len(row.cells) for row in table.rows)
    table.headers += [f"其他{n}" for n in range(1, widest - 1)]
    return table


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
        raise InputProblem(f"无法打开文件 {path.name}：{os_reason(error)}") from None
    if not head:
        raise InputProblem("文件为空。")
    if path.suffix.lower() == ".txt":
        encoding = file_encoding(path)
        table = read_pasted(path.read_text(encoding=encoding), max_rows=None)
        rows = iter(table.rows)
        return TableStream(table.headers, table.name_column, table.uscc_column, rows, table.notes)
    hidden: list[str] = []
    if file_kind(head, path.name) == "xlsx":
        sheets: Callable[[], Sheets] = partial(xlsx_file_sheets, path, hidden)
    else:
        sheets = partial(csv_file_sheets, path, file_encoding(path))
    with _telling_hidden(hidden):
        scanned = [
            sheet
            for position, (title, records) in enumerate(sheets())
            if (sheet := _scan(position, title, records, name_column, uscc_column, _ignore))
        ]
        chosen, notes = _chosen_sheets(scanned)
    layout = _layout(chosen)
    notes += _hidden_notes(hidden)
    rows = _streamed_rows(sheets, chosen, layout)
    return TableStream(layout.headers, layout.name_column, layout.uscc_column, rows, notes)


def _ignore(sheet: _Sheet, line: int, cells: list[str]) -> None:
    """The first pass of a stream keeps no row."""
    return None


def _streamed_rows(
    sheets: Callable[[], Sheets], chosen: list[_Sheet], layout: _Layout
) -> Iterator[InputRow]:
    """The second pass: the chosen sheets' non-blank rows after their headers."""
    by_position = {sheet.position: sheet for sheet in chosen}
    for position, (_title, records) in enumerate(sheets()):
        sheet = by_position.get(position)
        if sheet is None:
            continue
        for line, cells in enumerate(records, start=1):
            if line <= sheet.header_line or line in sheet.titles_passed:
                continue
            if not _is_blank(cells, sheet):
                yield _input_row(sheet, layout, line, cells)
