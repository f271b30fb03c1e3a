"""Screening a file of any length into a signed report, as a stream (`ipcredit screen`).

Rows are read, screened (a bounded window at a time) and written in input order, so
memory does not grow with the list. The report speaks for one day and the data
version the engine reflected when the run began.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import BinaryIO, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from credit.screening.inputs import InputRow, open_rows
from credit.screening.matching import Entry, Verdict, screen_stream
from credit.screening.reports import CsvReportWriter, ReportInfo, XlsxReportWriter, new_report_info
from credit.search.engine import SearchEngine

__all__ = ["ReportFormat", "report_format", "screen_file"]

ReportFormat = Literal["csv", "xlsx"]


def report_format(path: Path | None) -> ReportFormat:
    """XLSX for a `.xlsx` path, CSV otherwise (and for standard output)."""
    return "xlsx" if path is not None and path.suffix.lower() == ".xlsx" else "csv"


async def screen_file(
    engine: SearchEngine,
    source: Path,
    out: BinaryIO | Path,
    *,
    key: Ed25519PrivateKey,
    day: date,
    report: ReportFormat = "csv",
    name_column: str | None = None,
    uscc_column: str | None = None,
    on_row: Callable[[int], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> tuple[ReportInfo, dict[Verdict, int]]:
    """Screen every row of `source` and write the signed report to `out` (a binary stream
    for CSV, a path for XLSX); `on_note` hears what was passed over (a worksheet without
    the columns). Raises `InputProblem` when the file cannot be read."""
    stream = open_rows(source, name_column=name_column, uscc_column=uscc_column)
    for note in stream.notes:
        if on_note is not None:
            on_note(note)
    info = new_report_info(as_of=day, data_version=await engine.data_version())
    writer: CsvReportWriter | XlsxReportWriter
    if report == "xlsx":
        if not isinstance(out, Path):
            raise ValueError("an XLSX report is written to a path")
        writer = XlsxReportWriter(out, info, stream.headers, key)
    else:
        if isinstance(out, Path):
            raise ValueError("a CSV report is written to a binary stream")
        writer = CsvReportWriter(out, info, stream.headers, key)
    pending: dict[str, InputRow] = {}

    def entries() -> Iterator[Entry]:
        for row in stream.rows:
            pending[row.entry.ref] = row
            yield row.entry

    done = 0
    async for result in screen_stream(engine, entries(), day=day):
        row = pending.pop(result.entry.ref)
        writer.write(row.cells, result)
        done += 1
        if on_row is not None:
            on_row(done)
    return info, writer.finish()
