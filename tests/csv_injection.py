"""The CSV-injection corpus and what "neutralized" means, for the screening and export tests.

`tests/fixtures/csv_injection/payloads.txt` holds one payload a line; `\\t`, `\\r`, `\\n`,
`\\xNN` and `\\uNNNN` in it stand for the character, so a payload can start with a tab,
a carriage return or an invisible character. Every payload would run as a formula (or a
DDE command) in some spreadsheet if it reached a cell as it is.

A cell is dangerous when it starts with `=`, `+`, `-`, `@` (or their full-width forms)
after any whitespace, control or invisible characters and double quotes, or when it starts
with a tab, carriage return or line feed; a cell starting with `'` is text to a
spreadsheet. The check here is written independently of `credit.spreadsheet`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

from openpyxl import load_workbook

from tests.conftest import FIXTURES

_ESCAPE = re.compile(r"\\(t|r|n|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})")
_SIMPLE = {"t": "\t", "r": "\r", "n": "\n"}
_DANGER = re.compile(r'[\s"\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060\ufeff]*[=+\-@＝＋－＠]')
# What a feed accepts in a name (no control characters at all) and in free text (tab and
# line breaks inside, none at either end: feed values are trimmed).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What an XLSX file can hold in a cell (openpyxl refuses the other control characters).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _decode(line: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return _SIMPLE.get(code) or chr(int(code[1:], 16))

    return _ESCAPE.sub(one, line)


PAYLOADS: list[str] = [
    _decode(line)
    for line in (FIXTURES / "csv_injection/payloads.txt").read_text(encoding="utf-8").splitlines()
    if line and not line.startswith("# ")
]


def dangerous(cell: str) -> bool:
    """Whether a spreadsheet could run this cell as a formula."""
    if cell.startswith("'"):
        return False
    return cell.startswith(("\t", "\r", "\n")) or bool(_DANGER.match(cell))


def neutral(payload: str) -> str:
    """How a payload must look in a report or export: behind a `'`."""
    return "'" + payload


def name_value(payload: str) -> str:
    """The payload as a feed's name field keeps it (control characters removed, trimmed)."""
    return _CONTROL.sub("", payload).strip()


def text_value(payload: str) -> str:
    """The payload as a feed's free-text field keeps it (trimmed; tabs, breaks inside kept)."""
    return _TEXT_CONTROL.sub("", payload).strip()


def xlsx_storable(payload: str) -> bool:
    return not _XLSX_ILLEGAL.search(payload)


def csv_cells(data: bytes | str) -> list[list[str]]:
    """Every row of a CSV file (UTF-8, BOM optional) as cells."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def xlsx_cells(data: bytes) -> list[list[str]]:
    """Every row of every sheet of an XLSX file; a formula cell fails the test."""
    book = load_workbook(io.BytesIO(data))
    rows: list[list[str]] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
            rows.append(["" if cell.value is None else str(cell.value) for cell in row])
    return rows


def assert_neutralized(rows: Iterable[Iterable[str]], where: str) -> int:
    """No cell of `rows` is dangerous; returns how many cells were checked."""
    checked = 0
    for number, row in enumerate(rows, start=1):
        for cell in row:
            checked += 1
            assert not dangerous(cell), f"{where}, row {number}: {cell!r}"
    return checked
