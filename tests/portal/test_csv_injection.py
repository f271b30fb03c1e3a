"""A CSV-injection corpus through every way a list reaches screening, and through exports.

The payloads (`tests/fixtures/csv_injection/payloads.txt`) go in as exhibitor names and in
the other columns an organizer uploads (they come back in the report), in CSV and XLSX
uploads and pasted lines; and into every text field of records and typical cases, so
they come back in the reports' reasons and matched records and in `/search/export.csv`
and `/cases/export.csv`. Every cell of every CSV and XLSX file must be neutralized, the
payloads must still be there behind a `'`, and the signed reports must still verify.
GraphQL answers JSON, which no spreadsheet runs: there the payloads must come back exactly
as sent.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
import openpyxl
import pytest
from starlette.applications import Starlette

from credit.screening.signing import load_public_key, verify_report
from tests.apps import client_for, indexed_app
from tests.csv_injection import (
    PAYLOADS,
    assert_neutralized,
    csv_cells,
    dangerous,
    name_value,
    neutral,
    text_value,
    xlsx_cells,
    xlsx_storable,
)
from tests.test_models import CASE, RECORD

USCC = RECORD["uscc"]
# Two payloads as the headers of extra columns (no delimiter other than the comma in them,
# no word a name or code column is found by).
HEADER_PAYLOADS = [
    p
    for p in PAYLOADS
    if p == p.strip() and not re.search(r"[;\t，]|名称|信用代码", p) and "," not in p
][:2]


def record_id(number: int) -> str:
    """Record ids may start with `-`: the matched-records cell of a report then does too."""
    return f"-{number:03d}-CSVI"


def hostile_lines() -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for number, payload in enumerate(PAYLOADS):
        name, text = name_value(payload), text_value(payload)
        lines.append(
            {
                **RECORD,
                "record_id": record_id(number),
                "subject_name": name,
                "former_names": [name],
                "legal_representative": name,
                "reason": text,
                "legal_basis": text,
                "measures": [text, f"{text}；措施"],
                "authority": name,
                "decision_no": name,
                "source": name,
            }
        )
        lines.append(
            {
                **CASE,
                "case_id": f"CSVI-CASE-{number:03d}",
                "title": name,
                "publishers": [name],
                "summary": text,
                "facts": text,
                "handling": text,
                "significance": text,
                "legal_basis": text,
                "tags": [name[:50]],
                "related_record_ids": [record_id(number)],
            }
        )
    return lines


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app(hostile_lines(), tmp_path_factory.mktemp("csv-injection"))


@pytest.fixture
async def http(hostile_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(hostile_app) as client:
        yield client


def test_the_corpus() -> None:
    assert len(PAYLOADS) >= 30 and len(set(PAYLOADS)) == len(PAYLOADS)
    assert all(dangerous(payload) for payload in PAYLOADS)
    starts = {payload[0] for payload in PAYLOADS}
    assert {"=", "+", "-", "@", "\t", "\r", " ", '"'} <= starts
    assert len(HEADER_PAYLOADS) == 2


# --- screening uploads ---------------------------------------------------------------------------


def upload_rows() -> tuple[list[str], list[list[str]]]:
    """An exhibitor list with a payload in every column, and rows that match records (by
    code, so the matched-records and reason cells carry record ids and names too)."""
    headers = ["展商名称", "统一社会信用代码", "展位", *HEADER_PAYLOADS, "备注"]
    rows = []
    for payload in PAYLOADS:
        rows.append([payload, "", payload, payload, payload, f"{payload}备注"])
        rows.append([payload, payload, payload, "", "", payload])  # an invalid code
    rows.append(["深圳市测试科技有限公司", USCC, PAYLOADS[0], PAYLOADS[1], "", ""])
    return headers, rows


def csv_upload() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    headers, rows = upload_rows()
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def xlsx_upload() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    headers, rows = upload_rows()
    kept = [row for row in rows if all(xlsx_storable(cell) for cell in row)]
    for line, cells in enumerate([headers, *kept], start=1):
        for column, value in enumerate(cells, start=1):
            cell = sheet.cell(line, column)
            cell.value = value
            cell.data_type = "s"  # the text as typed, never a formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def downloads(page: str) -> dict[str, bytes]:
    found = re.findall(r'href="data:[^;]+;base64,([^"]+)" download="[^"]+\.(csv|xlsx)"', page)
    return {kind: base64.b64decode(data) for data, kind in found}


async def check_reports(
    http: httpx.AsyncClient, response: httpx.Response, expected: Sequence[str], where: str
) -> None:
    """Both downloads of a result page: every cell neutralized, each expected cell present
    behind a `'`, the report's own matched-records and reason cells too, and genuine."""
    assert response.status_code == 200, response.text[:500]
    files = downloads(response.text)
    assert set(files) == {"csv", "xlsx"}, where
    public = load_public_key((await http.get("/.well-known/ipcredit-report-key")).content)
    for kind, data in files.items():
        rows = csv_cells(data) if kind == "csv" else xlsx_cells(data)
        assert assert_neutralized(rows, f"{where} ({kind})") > 0
        cells = {cell for row in rows for cell in row}
        shown = [p if kind == "csv" else xlsx_form(p) for p in expected]
        missing = [p for p in shown if neutral(p) not in cells]
        assert not missing, f"{where} ({kind}): not in the report: {missing[:3]}"
        matched = [cell for row in rows for cell in row if re.match(r"'?-\d{3}-CSVI（", cell)]
        assert matched and all(cell.startswith("'") for cell in matched), (where, kind)
        assert verify_report(data, public).genuine, f"{where} ({kind})"
        answer = await http.post("/screen/verify", files={"report": (f"r.{kind}", data)})
        assert "报告真实、未被修改" in answer.text, f"{where} ({kind})"


def xml_text(cell: str) -> str:
    """A cell as it reads back from XLSX (XML turns CR LF and lone CR into LF)."""
    return cell.replace("\r\n", "\n").replace("\r", "\n")


def xlsx_form(cell: str) -> str:
    """A cell of an uploaded CSV as an XLSX report holds it: read back through XML, and
    with each control character XML cannot hold shown as U+FFFD."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "\ufffd", xml_text(cell))


async def test_csv_upload_reports_are_neutralized_and_verify(http: httpx.AsyncClient) -> None:
    response = await http.post("/screen", files={"file": ("list.csv", csv_upload(), "text/csv")})
    await check_reports(http, response, [*PAYLOADS, *HEADER_PAYLOADS], "CSV upload")


async def test_xlsx_upload_reports_are_neutralized_and_verify(http: httpx.AsyncClient) -> None:
    files = {"file": ("list.xlsx", xlsx_upload(), "application/octet-stream")}
    response = await http.post("/screen", files=files)
    # what an XLSX file holds, read back through XML
    expected = [xml_text(p) for p in PAYLOADS if xlsx_storable(p)]
    assert len(expected) >= 30
    await check_reports(http, response, expected, "XLSX upload")


async def test_pasted_lines_reports_are_neutralized_and_verify(http: httpx.AsyncClient) -> None:
    lines = [*PAYLOADS, f"{PAYLOADS[0]} {USCC}"]
    response = await http.post("/screen", data={"pasted": "\n".join(lines)})
    # A pasted line is one line, trimmed: payloads with line breaks arrive in pieces.
    expected = [p.strip(" \t\u3000") for p in PAYLOADS if not re.search(r"[\r\n\x0b]", p)]
    await check_reports(http, response, expected, "pasted lines")


async def test_graphql_screen_returns_payloads_exactly(http: httpx.AsyncClient) -> None:
    entries = [{"ref": p[:100], "name": p, "uscc": ""} for p in PAYLOADS]
    entries.append({"ref": PAYLOADS[0], "name": "", "uscc": USCC})
    query = (
        "query($e: [ScreenEntryInput!]!) { screen(entries: $e) {"
        " rows { ref verdict reason matches { record { id subjectName reason } } } } }"
    )
    response = await http.post("/graphql", json={"query": query, "variables": {"e": entries}})
    answer = response.json()
    assert response.status_code == 200 and "errors" not in answer, answer.get("errors")
    rows = answer["data"]["screen"]["rows"]
    assert [row["ref"] for row in rows] == [entry["ref"] for entry in entries]
    records = {m["record"]["id"]: m["record"] for m in rows[-1]["matches"]}
    assert len(records) == len(PAYLOADS)
    for number, payload in enumerate(PAYLOADS):
        assert records[record_id(number)]["subjectName"] == name_value(payload)
        assert records[record_id(number)]["reason"] == text_value(payload)


# --- exports -------------------------------------------------------------------------------------


async def test_record_export_is_neutralized(http: httpx.AsyncClient) -> None:
    response = await http.get("/search/export.csv")
    assert response.status_code == 200
    rows = csv_cells(response.text)
    assert len(rows) == 1 + len(PAYLOADS)  # every hostile line was indexed and exported
    assert assert_neutralized(rows, "/search/export.csv") > len(PAYLOADS) * 10
    table = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"), newline="")))
    by_id = {row["record_id"].removeprefix("'"): row for row in table}
    for number, payload in enumerate(PAYLOADS):
        row = by_id[record_id(number)]
        assert row["record_id"] == neutral(record_id(number))
        for column in ("subject_name", "former_names", "legal_representative", "authority"):
            assert row[column] == neutral(name_value(payload)), (column, payload)
        for column in ("reason", "legal_basis"):
            assert row[column] == neutral(text_value(payload)), (column, payload)


async def test_case_export_is_neutralized(http: httpx.AsyncClient) -> None:
    response = await http.get("/cases/export.csv")
    assert response.status_code == 200
    rows = csv_cells(response.text)
    assert len(rows) == 1 + len(PAYLOADS)
    assert assert_neutralized(rows, "/cases/export.csv") > len(PAYLOADS) * 10
    table = list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"), newline="")))
    titles = sorted(row["title"] for row in table)
    assert titles == sorted(neutral(name_value(p)) for p in PAYLOADS)
    for row in table:
        for column in ("facts", "handling", "significance", "related_record_ids"):
            assert row[column].startswith("'"), (column, row[column])
