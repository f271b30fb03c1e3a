"""`credit.spreadsheet`: cells that never run as formulas, CSV that Excel opens as UTF-8."""

from __future__ import annotations

import csv
import io

import pytest

from credit.spreadsheet import csv_text, neutralize_cell


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("广东省", "广东省"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_neutralize_cell(cell: str, safe: str) -> None:
    assert neutralize_cell(cell) == safe


def test_csv_text_has_bom_crlf_and_keeps_numbers() -> None:
    text = csv_text([("名称", "变化"), ("=cmd", -5), ("甲,乙", None)])
    assert text.startswith("\ufeff") and text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows == [["名称", "变化"], ["'=cmd", "-5"], ["甲,乙", ""]]
