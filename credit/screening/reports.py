"""Screening reports: the model, and signed CSV and XLSX files of it.

A report keeps the uploaded columns of each row, then 判定 verdict, 依据 basis,
匹配记录 matched records and 原因 reason, in the input's order. Every cell that would
start a formula in a spreadsheet (`=`, `+`, `-`, `@`, tab, carriage return, also after
leading spaces or invisible characters: `credit.spreadsheet`) gets a leading `'`; in XLSX,
control characters XML cannot hold become U+FFFD.

CSV (UTF-8 with BOM, CRLF): a first row with the report id, the day it speaks for, the
data version and when it was made; the header row; the rows; a summary row; and the
seal row (`signing`). XLSX: sheet 筛查结果 (header row, rows), sheet 报告信息 (the same
facts and the counts), the seal in the ZIP comment. Writers stream: the CLI writes a
row as soon as it is screened.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credit import clock
from credit.screening.inputs import InputProblem, Table
from credit.screening.matching import (
    BASIS_LABELS,
    VERDICT_LABELS,
    VERDICTS,
    RowResult,
    Verdict,
    summarize,
)
from credit.screening.signing import CSV_SEAL_CELL, SealFields, key_id, seal
from credit.spreadsheet import neutralize_cell, xlsx_text
from credit.vocabulary import KINDS

__all__ = [
    "OUTPUT_HEADERS",
    "CsvReportWriter",
    "Report",
    "ReportInfo",
    "ReportRow",
    "XlsxReportWriter",
    "neutralize",
    "new_report_info",
    "report_from_table",
    "report_to_csv",
    "report_to_xlsx",
    "result_cells",
]

OUTPUT_HEADERS = ("判定 verdict", "依据 basis", "匹配记录 matched records", "原因 reason")
RESULTS_SHEET = "筛查结果"
INFO_SHEET = "报告信息"
XLSX_MAX_ROWS = 1_048_575
SIGNATURE_NOTE = (
    "Ed25519 签名在文件的 ZIP 注释中；可在 /screen/verify 或用 ipcredit verify-report 核验"
)


@dataclass(frozen=True)
class ReportInfo:
    """What a report speaks for: its id, the day, the data version, when it was made."""

    report_id: str
    as_of: date
    data_version: int
    created_at: datetime


def new_report_info(*, as_of: date, data_version: int) -> ReportInfo:
    """A fresh report id (`SR-20250701-3F9A0C1B7E`) for a screening as of `as_of`."""
    report_id = f"SR-{as_of:%Y%m%d}-{secrets.token_hex(5).upper()}"
    return ReportInfo(report_id, as_of, data_version, clock.now().replace(microsecond=0))


@dataclass(frozen=True)
class ReportRow:
    """One input row's original cells and its result."""

    cells: tuple[str, ...]
    result: RowResult


@dataclass
class Report:
    """A screening report held whole (uploads: at most 10,000 rows)."""

    info: ReportInfo
    headers: list[str]
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def summary(self) -> dict[Verdict, int]:
        return summarize(row.result for row in self.rows)


def report_from_table(table: Table, results: Sequence[RowResult], info: ReportInfo) -> Report:
    """The report of an uploaded table and its results (same order)."""
    if len(results) != len(table.rows):
        raise ValueError("one result per row is needed")
    rows = [ReportRow(row.cells, result) for row, result in zip(table.rows, results, strict=True)]
    return Report(info, list(table.headers), rows)


neutralize = neutralize_cell  # one rule for every file meant for spreadsheets


def result_cells(result: RowResult) -> list[str]:
    """The four cells a report adds to a row: verdict, basis, matched records, reason."""
    verdict = f"{VERDICT_LABELS[result.verdict]}（{result.verdict}）"
    basis = result.basis
    basis_cell = f"{BASIS_LABELS[basis]}（{basis}）" if basis else ""
    records = "；".join(
        f"{m.record_id}（{KINDS.get(m.kind, m.kind)}，{BASIS_LABELS[m.basis]}）"
        for m in result.matches
    )
    reason = result.reason
    extra = [m for m in result.messages if m not in reason]
    if extra:
        reason += "。提示：" + "；".join(extra)
    return [verdict, basis_cell, records, reason]


def _row(cells: Sequence[str], width: int, result: RowResult) -> list[str]:
    padded = [*cells, *([""] * (width - len(cells)))][:width] if width else list(cells)
    return [neutralize(c) for c in [*padded, *result_cells(result)]]


def _info_cells(info: ReportInfo) -> list[str]:
    return [
        "ipcredit 展商信用筛查报告",
        "报告编号 report id",
        info.report_id,
        "公示日期 as of",
        info.as_of.isoformat(),
        "数据版本 data version",
        str(info.data_version),
        "生成时间 created",
        info.created_at.isoformat(),
    ]


def _summary_cells(counts: dict[Verdict, int]) -> list[str]:
    return [
        "汇总 summary",
        *(f"{verdict}={counts[verdict]}" for verdict in VERDICTS),
        f"合计 total={sum(counts.values())}",
    ]


class CsvReportWriter:
    """Writes a signed CSV report row by row to a binary stream."""

    def __init__(
        self, out: BinaryIO, info: ReportInfo, headers: Sequence[str], key: Ed25519PrivateKey
    ) -> None:
        self.out = out
        self.info = info
        self.key = key
        self.width = len(headers)
        self.counts: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
        self.digest = hashlib.sha512()
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer, lineterminator="\r\n")
        self._emit(b"\xef\xbb\xbf")
        self._line(_info_cells(info))
        self._line([neutralize(h) for h in [*headers, *OUTPUT_HEADERS]])

    def _emit(self, data: bytes) -> None:
        self.digest.update(data)
        self.out.write(data)

    def _line(self, cells: Sequence[str]) -> None:
        self._csv.writerow(cells)
        self._emit(self._buffer.getvalue().encode("utf-8"))
        self._buffer.seek(0)
        self._buffer.truncate()

    def write(self, cells: Sequence[str], result: RowResult) -> None:
        """One row: its original cells, then the result's."""
        self.counts[result.verdict] += 1
        self._line(_row(cells, self.width, result))

    def finish(self) -> dict[Verdict, int]:
        """The summary row and the seal; returns the counts."""
        self._line(_summary_cells(self.counts))
        fields = SealFields(
            self.info.report_id,
            self.info.as_of,
            self.info.data_version,
            sum(self.counts.values()),
            key_id(self.key.public_key()),
        )
        seal_text = seal(fields, self.digest.digest(), self.key)
        self.out.write(f"{CSV_SEAL_CELL},{seal_text}\r\n".encode())
        return dict(self.counts)


class XlsxReportWriter:
    """Writes a signed XLSX report row by row to a path or an in-memory buffer; the seal is
    added to the ZIP comment when it is finished. XlsxWriter (10,000 rows in 0.52 s,
    against 0.70–0.85 s with openpyxl's write-only mode) builds a buffer in memory (an
    upload never touches the disk) and streams a path row by row (the CLI's long lists)."""

    def __init__(
        self,
        target: Path | io.BytesIO,
        info: ReportInfo,
        headers: Sequence[str],
        key: Ed25519PrivateKey,
    ) -> None:
        import xlsxwriter

        self.target = target
        self.info = info
        self.key = key
        self.width = len(headers)
        self.counts: dict[Verdict, int] = dict.fromkeys(VERDICTS, 0)
        streamed = isinstance(target, Path)
        self.book = xlsxwriter.Workbook(
            str(target) if streamed else target,
            {
                "constant_memory": streamed,
                "in_memory": not streamed,
                # Text stays text: never a formula, a number or a link.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.sheet = self.book.add_worksheet(RESULTS_SHEET)
        for offset, width in enumerate((24, 16, 40, 60)):
            self.sheet.set_column(self.width + offset, self.width + offset, width)
        self._rows = 0
        self._append([neutralize(h) for h in [*headers, *OUTPUT_HEADERS]])

    def _append(self, cells: Sequence[str]) -> None:
        for column, cell in enumerate(cells):
            if cell:
                _write_text(self.sheet, self._rows, column, xlsx_text(cell))
        self._rows += 1

    def write(self, cells: Sequence[str], result: RowResult) -> None:
        """One row: its original cells, then the result's."""
        if sum(self.counts.values()) >= XLSX_MAX_ROWS:
            raise InputProblem(
                f"名单超过 XLSX 报告的上限 {XLSX_MAX_ROWS:,} 行："
                "请改用 CSV 报告（--out 报告.csv）。"
            )
        self.counts[result.verdict] += 1
        self._append(_row(cells, self.width, result))

    def finish(self) -> dict[Verdict, int]:
        """The info sheet, the file, and the seal; returns the counts."""
        info = self.book.add_worksheet(INFO_SHEET)
        info.set_column(0, 0, 28)
        info.set_column(1, 1, 40)
        facts = _info_cells(self.info)
        lines: list[list[str | int]] = [[facts[0]]]
        lines += [[label, value] for label, value in zip(facts[1::2], facts[2::2], strict=True)]
        lines += [[f"{VERDICT_LABELS[v]}（{v}）", self.counts[v]] for v in VERDICTS]
        lines.append(["合计 total", sum(self.counts.values())])
        lines.append(
            [
                "签名 signature",
                "Ed25519，见文件内 ZIP 注释；在 /screen/verify 或 ipcredit 命令行核验",
            ]
        )
        for row, line in enumerate(lines):
            info.write_row(row, 0, line)
        self.book.close()
        fields = SealFields(
            self.info.report_id,
            self.info.as_of,
            self.info.data_version,
            sum(self.counts.values()),
            key_id(self.key.public_key()),
        )
        _seal_zip(self.target, fields, self.key)
        return dict(self.counts)


def _write_text(sheet: Any, row: int, column: int, text: str) -> None:
    """One text cell, exactly as given. XlsxWriter copies a string that starts with `<r>`
    and ends with `</r>` into the file as ready-made rich-text XML: such text goes in as
    plain runs instead, escaped like any other."""
    if text.startswith("<r>") and text.endswith("</r>"):
        status = sheet.write_rich_string(row, column, text[:1], text[1:2], text[2:])
    else:
        status = sheet.write_string(row, column, text)
    if status != 0:  # past the sheet's last column (-1) or cut at 32,767 characters (-2)
        raise ValueError(f"第 {row + 1} 行第 {column + 1} 列无法写入 XLSX：请改用 CSV 输出")


def _seal_zip(target: Path | io.BytesIO, fields: SealFields, key: Ed25519PrivateKey) -> None:
    """Put the seal in the ZIP comment of a file that has none; the content is every byte
    before the comment length."""
    data = target.read_bytes() if isinstance(target, Path) else target.getvalue()
    if data[-22:-18] != b"PK\x05\x06" or data[-2:] != b"\x00\x00":
        raise ValueError("unexpected XLSX end record")
    content = data[:-2]
    text = seal(fields, hashlib.sha512(content).digest(), key).encode("ascii")
    tail = len(text).to_bytes(2, "little") + text
    if isinstance(target, Path):
        with target.open("r+b") as out:
            out.seek(len(content))
            out.write(tail)
            out.truncate()
    else:
        target.seek(len(content))
        target.write(tail)
        target.truncate()


def _write_all(writer: CsvReportWriter | XlsxReportWriter, rows: Iterable[ReportRow]) -> None:
    for row in rows:
        writer.write(row.cells, row.result)
    writer.finish()


def report_to_csv(report: Report, key: Ed25519PrivateKey) -> bytes:
    """The signed CSV report file."""
    out = io.BytesIO()
    _write_all(CsvReportWriter(out, report.info, report.headers, key), report.rows)
    return out.getvalue()


def report_to_xlsx(report: Report, key: Ed25519PrivateKey) -> bytes:
    """The signed XLSX report file."""
    out = io.BytesIO()
    _write_all(XlsxReportWriter(out, report.info, report.headers, key), report.rows)
    return out.getvalue()
