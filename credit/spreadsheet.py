"""Files for spreadsheets: cells that never run as formulas, CSV that Excel reads as UTF-8."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def neutralize_cell(cell: str) -> str:
    """A text cell a spreadsheet will not run as a formula: `=1+1` → `'=1+1`."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """CSV with a BOM and CRLF line ends; text cells neutralized, numbers written as they are."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralize_cell(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()
