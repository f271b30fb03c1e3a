"""Formula cells without a saved result, found in a worksheet's XML."""

from __future__ import annotations

import io

import pytest

from credit.screening import unsaved
from credit.screening.unsaved import unsaved_formula_cells

CELLS = (
    b'<sheetData><row r="7">'
    b'<c r="A7"><f>1+1</f></c>'  # no value
    b'<c r="B7"><f>"a"&amp;"b"</f><v /></c>'  # an empty one (openpyxl)
    b'<x:c r="C7"><x:f t="shared" si="0"/></x:c>'  # a shared formula, a prefix
    b'<c r="D7"><f>1+1</f><v>2</v></c>'  # saved
    b'<c r="E7" t="str"><f>IF(1,"","")</f><v></v></c>'  # saved: the text ""
    b'<c r="AB12"><v>3</v></c>'  # no formula
    b"</row></sheetData>"
)


def test_formula_cells_without_a_result() -> None:
    assert unsaved_formula_cells(io.BytesIO(CELLS)) == {(7, 1), (7, 2), (7, 3)}


def test_a_cell_cut_between_pieces_is_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><f>ROW()</f></c><c r="B%d"><v>1</v></c></row>' % (n, n, n)
        for n in range(1, 2_000)
    )
    monkeypatch.setattr(unsaved, "_PIECE", 97)
    monkeypatch.setattr(unsaved, "_CARRY", 64)
    assert unsaved_formula_cells(io.BytesIO(rows)) == {(n, 1) for n in range(1, 2_000)}


def test_single_quoted_references_and_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    assert unsaved_formula_cells(io.BytesIO(b"<c r='B2'><f>1</f></c>")) == {(2, 2)}
    monkeypatch.setattr(unsaved, "MAX_CELLS", 3)
    many = b"".join(b'<c r="A%d"><f>1</f></c>' % n for n in range(1, 10))
    with pytest.raises(unsaved.TooManyUnsaved):
        unsaved_formula_cells(io.BytesIO(many))
