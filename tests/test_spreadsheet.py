"""`credit.spreadsheet`: cells that never run as formulas, CSV that Excel opens as UTF-8."""

from __future__ import annotations

import csv
import io

import pytest

from credit.spreadsheet import csv_text, neutralize_cell, xlsx_text
from tests.csv_injection import PAYLOADS, dangerous


@pytest.mark.parametrize(
    ("cell", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=x", "'\t=x"),
        ("\r=x", "'\r=x"),
        ("\n=x", "'\n=x"),
        (" =1+1", "' =1+1"),
        ("\u3000=1+1", "'\u3000=1+1"),
        ("\u00a0@SUM(1)", "'\u00a0@SUM(1)"),
        ("\u200b=1+1", "'\u200b=1+1"),
        ('"=1+1"', '\'"=1+1"'),
        ("＝1+1", "'＝1+1"),
        ("－2+3", "'－2+3"),
        ("'=1+1", "'=1+1"),
        (" 广东省", " 广东省"),
        ('"广东省"', '"广东省"'),
        ("1-2", "1-2"),
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


def test_every_corpus_payload_is_neutralized_and_kept() -> None:
    for payload in PAYLOADS:
        assert neutralize_cell(payload) == "'" + payload
        assert not dangerous(neutralize_cell(payload))


def test_xlsx_text_replaces_what_xml_cannot_hold() -> None:
    assert xlsx_text("a\x01b\x0bc\td\ne\rf\r\ng") == "a\ufffdb\ufffdc\td\ne\nf\ng"
    assert xlsx_text("深圳") == "深圳"
