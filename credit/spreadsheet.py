"""Files for spreadsheets: cells that never run as formulas, CSV that Excel reads as UTF-8."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence

# OWASP "CSV Injection": a cell starting with one of these is prefixed with `'`.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters a spreadsheet (or a person retyping the cell) may read as the start of a formula,
# full-width forms included: a Chinese input method types `＝` and Excel accepts it.
FORMULA_CHARACTERS = frozenset("=+-@＝＋－＠")
# What may come before them and still leave the cell read as a formula: whitespace that an
# importer trims ("trim spaces" in LibreOffice), line breaks, invisible format characters
# (zero-width space, BOM, direction marks) and a stray double quote.
_SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
BOM = "\ufeff"
# Control characters XML 1.0 (and so an XLSX file) cannot hold; tab, LF and CR it can.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _leading_character(cell: str) -> str:
    """The first character of `cell` that is not whitespace, invisible or a double quote."""
    for char in cell:
        if char.isspace() or char == '"' or unicodedata.category(char) in _SKIPPED_CATEGORIES:
            continue
        return char
    return ""


def is_formula_like(cell: str) -> bool:
    """True when a spreadsheet could run `cell` as a formula (or DDE command)."""
    return cell.startswith(FORMULA_STARTS) or _leading_character(cell) in FORMULA_CHARACTERS


def neutralize_cell(cell: str) -> str:
    """A text cell a spreadsheet will not run as a formula: `=1+1` → `'=1+1`, and so are
    ` =1+1`, `\\t@SUM(1)`, `"-2+3"` and `＝1+1`; other text is left as it is."""
    return "'" + cell if is_formula_like(cell) else cell


def xlsx_text(cell: str) -> str:
    """A text cell an XLSX file can hold: each control character XML forbids becomes U+FFFD,
    and line ends are LF (as XML reads CR LF and CR back; a writer that escapes CR shows
    `_x000D_` to some readers)."""
    return _XLSX_ILLEGAL.sub("\ufffd", cell.replace("\r\n", "\n").replace("\r", "\n"))


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """CSV with a BOM and CRLF line ends; text cells neutralized, numbers written as they are."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralize_cell(cell) if isinstance(cell, str) else cell for cell in row])
    return out.getvalue()
