"""`ipcredit screen FILE --out REPORT` with the CSV-injection corpus in every column: every
cell of the CSV and XLSX reports neutralized, and `ipcredit verify-report` still says genuine.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import RunCli
from tests.csv_injection import (
    PAYLOADS,
    assert_neutralized,
    csv_cells,
    neutral,
    xlsx_cells,
    xlsx_storable,
)
from tests.engines import write_feed
from tests.portal.test_csv_injection import (
    USCC,
    hostile_lines,
    upload_rows,
    xlsx_form,
    xml_text,
)

AS_OF = "2025-07-01"


@pytest.fixture
def indexed(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("index", write_feed(hostile_lines(), tmp_path / "hostile.jsonl"))
    assert result.returncode == 0, result.stderr


def screened(run_cli: RunCli, source: Path, report: Path) -> list[list[str]]:
    """Screen `source` into `report`, check the report verifies, return its cells."""
    result = run_cli("screen", source, "--out", report, "--as-of", AS_OF)
    assert result.returncode == 0, result.stderr
    verified = run_cli("verify-report", report)
    assert verified.returncode == 0 and "报告真实且未被修改" in verified.stdout, verified.stdout
    data = report.read_bytes()
    return csv_cells(data) if report.suffix == ".csv" else xlsx_cells(data)


def check(rows: list[list[str]], expected: list[str], where: str) -> None:
    assert assert_neutralized(rows, where) > len(expected)
    cells = {cell for row in rows for cell in row}
    missing = [p for p in expected if neutral(p) not in cells]
    assert not missing, f"{where}: not in the report: {missing[:3]}"
    matched = [cell for row in rows for cell in row if "-CSVI（" in cell]
    assert matched and all(cell.startswith("'-") for cell in matched), where


@pytest.mark.usefixtures("indexed")
def test_csv_list_to_csv_and_xlsx_reports(run_cli: RunCli, tmp_path: Path) -> None:
    headers, rows = upload_rows()
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([headers, *rows])
    source = tmp_path / "list.csv"
    source.write_text(out.getvalue(), encoding="utf-8", newline="")
    check(screened(run_cli, source, tmp_path / "report.csv"), PAYLOADS, "CSV → CSV")
    expected = [xlsx_form(p) for p in PAYLOADS]
    check(screened(run_cli, source, tmp_path / "report.xlsx"), expected, "CSV → XLSX")


@pytest.mark.usefixtures("indexed")
def test_xlsx_list_to_csv_report(run_cli: RunCli, tmp_path: Path) -> None:
    headers, rows = upload_rows()
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    kept = [row for row in rows if all(xlsx_storable(cell) for cell in row)]
    for line, cells in enumerate([headers, *kept], start=1):
        for column, value in enumerate(cells, start=1):
            cell = sheet.cell(line, column)
            cell.value = value
            cell.data_type = "s"
    source = tmp_path / "list.xlsx"
    book.save(source)
    expected = [xml_text(p) for p in PAYLOADS if xlsx_storable(p)]
    check(screened(run_cli, source, tmp_path / "report.csv"), expected, "XLSX → CSV")


@pytest.mark.usefixtures("indexed")
def test_pasted_lines_file_to_xlsx_report(run_cli: RunCli, tmp_path: Path) -> None:
    source = tmp_path / "list.txt"
    lines = [p for p in PAYLOADS if not any(c in p for c in "\r\n\x0b")]
    source.write_text("\n".join([*lines, f"某公司 {USCC}"]), encoding="utf-8")
    expected = [xlsx_form(p.strip(" \t\u3000")) for p in lines]
    check(screened(run_cli, source, tmp_path / "report.xlsx"), expected, "TXT → XLSX")
