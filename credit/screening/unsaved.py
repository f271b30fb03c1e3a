"""Formula cells whose result an XLSX file does not hold.

Excel and WPS save a formula's last result beside it (`<f>…</f><v>…</v>`); a workbook
written by a program often holds the formula alone. A reader then sees an empty cell —
an exhibitor's name silently gone. This finds such cells in a worksheet's XML, read in
pieces (a worksheet of the CLI's unlimited lists may be large), by their references.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import IO

__all__ = ["MAX_CELLS", "TooManyUnsaved", "unsaved_formula_cells"]

_PIECE = 1 << 20
_CARRY = 1 << 16
"""Bytes kept from one piece to the next: a cell cut by a piece's end is read whole."""
_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>[^<]*</(?:\w+:)?f>)"
    rb"\s*(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"
)
"""A formula cell with no value, or an empty one (what openpyxl writes: `<v />`)."""
_REFERENCE = re.compile(rb"""\br=["']([A-Z]{1,3})([0-9]+)["']""")
MAX_CELLS = 100_000
"""Formula cells without a result read at most (a 5 MB upload could hold a million)."""
_TEXT_RESULT = re.compile(rb'\bt="str"')
"""An empty value of a text formula is a saved result: the text "" (`=IF(…,"",…)`)."""


class TooManyUnsaved(ValueError):
    """More than `MAX_CELLS` formula cells without a result in one worksheet."""


def unsaved_formula_cells(worksheet_xml: IO[bytes]) -> set[tuple[int, int]]:
    """(row, column), both 1-based, of every formula cell without a saved value; raises
    `TooManyUnsaved` beyond `MAX_CELLS`."""
    from openpyxl.utils.cell import column_index_from_string  # loaded with the workbook

    found: set[tuple[int, int]] = set()
    for attributes in _unsaved_cells(_pieces(worksheet_xml)):
        if reference := _REFERENCE.search(attributes):
            column = column_index_from_string(reference[1].decode())
            found.add((int(reference[2]), column))
            if len(found) > MAX_CELLS:
                raise TooManyUnsaved(f"more than {MAX_CELLS} formula cells without a result")
    return found


def _pieces(stream: IO[bytes]) -> Iterable[tuple[bytes, bool]]:
    """The stream in pieces, each with whether it is the last."""
    piece = stream.read(_PIECE)
    while piece:
        following = stream.read(_PIECE)
        yield piece, not following
        piece = following


def _unsaved_cells(pieces: Iterable[tuple[bytes, bool]]) -> Iterable[bytes]:
    """The attributes of each formula cell without a value, every cell once: a match
    reaching into the carried tail is read again with the next piece (a cell is far
    shorter than the tail: a formula has at most 8,192 characters)."""
    carried = b""
    for piece, last in pieces:
        text = carried + piece
        settled = len(text) if last else len(text) - _CARRY
        carried = text[max(settled, 0) :]
        for match in _CELL.finditer(text):
            if match.end() > settled:
                carried = text[match.start() :]
                break
            if match[2] is None or not _TEXT_RESULT.search(match[1]):
                yield match[1]
