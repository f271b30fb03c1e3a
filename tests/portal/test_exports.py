"""Exports: CSV and JSON Lines of a search, streamed, at most 10,000 rows, formulas neutralized."""

from __future__ import annotations

import asyncio
import csv
import io
import tracemalloc
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.types import Message

from indexer.generate import generate_feed_lines
from portal.exports import PAGE
from tests.apps import client_for, indexed_app
from tests.portal.conftest import AS_OF
from tests.test_models import RECORD


@pytest.fixture(scope="module")
def big_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    lines = list(generate_feed_lines(21_000, seed=11, today=AS_OF))
    formula = {**RECORD, "record_id": "FORMULA-1", "subject_name": '=HYPERLINK("x")有限公司'}
    return indexed_app([*lines, formula], tmp_path_factory.mktemp("exports"))


@dataclass
class Streamed:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    chunks: int = 0
    size: int = 0
    lines: int = 0
    head: bytes = b""
    peak: int = 0


async def stream(app: Starlette, path: str, params: dict[str, str]) -> Streamed:
    """Drive the app over ASGI, keeping only counts of what it sends (and the first 64 KiB)."""
    query = urlencode(params).encode()
    scope: dict[str, Any] = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
        "root_path": "", "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 1),
        "server": ("testserver", 80), "state": {},
    }  # fmt: skip
    seen = Streamed()

    requested = False

    async def receive() -> Message:
        """The request once; then, like a client still connected, nothing more."""
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            seen.status = message["status"]
            seen.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            body: bytes = message.get("body", b"")
            seen.chunks += 1
            seen.size += len(body)
            seen.lines += body.count(b"\n")
            if len(seen.head) < 65_536:
                seen.head += body[: 65_536 - len(seen.head)]

    tracemalloc.start()
    try:
        await app(scope, receive, send)
        seen.peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return seen


async def test_csv_export_streams_10000_rows_in_flat_memory(big_app: Starlette) -> None:
    result = await stream(big_app, "/search/export.csv", {"sort": "newest"})
    assert result.status == 200
    assert result.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment;" in result.headers["content-disposition"]
    assert result.lines == 1 + 10_000  # the header, then the cap
    assert result.chunks >= 10_000 // PAGE  # one chunk per engine page, as it goes
    # The whole file is several megabytes; the export holds one engine page at a time, which
    # is less than the file (holding every row would take several times the file's size).
    assert result.size > 4_000_000
    assert result.peak < result.size / 2, (result.peak, result.size)
    text = result.head.decode("utf-8", errors="ignore").rsplit("\r\n", 1)[0]  # whole rows
    assert text.startswith("\ufeffrecord_id,kind,kind_label,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0]["as_of"] == AS_OF.isoformat() and rows[0]["data_version"].isdigit()


async def test_jsonl_export_has_meta_then_rows(big_app: Starlette) -> None:
    result = await stream(big_app, "/search/export.jsonl", {"q": "有限公司"})
    assert result.status == 200
    lines = result.head.split(b"\n")
    meta = orjson.loads(lines[0])
    assert meta["ipcredit_export"] == "records" and meta["as_of"] == AS_OF.isoformat()
    assert meta["query"] == "有限公司"
    first = orjson.loads(lines[1])
    assert "有限公司" in first["subject_name"] or "有限公司" in "".join(first["former_names"] or [])
    assert "updated_at" not in first and "delisted_on" not in first


async def test_export_matches_the_search_total_when_small(big_app: Starlette) -> None:
    async with client_for(big_app) as http:
        page = (await http.get("/search", params={"kind": "serious_list", "q": "深圳"})).text
        total = int(page.split("共 <strong>")[1].split("</strong>")[0].replace(",", ""))
        assert 0 < total < 10_000
        export = await http.get("/search/export.csv", params={"kind": "serious_list", "q": "深圳"})
        rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert len(rows) == total
    assert {row["kind"] for row in rows} == {"serious_list"}


async def test_formula_cells_are_neutralized(big_app: Starlette) -> None:
    async with client_for(big_app) as http:
        export = await http.get("/search/export.csv", params={"q": "HYPERLINK"})
    rows = list(csv.DictReader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert [row["subject_name"] for row in rows] == ['\'=HYPERLINK("x")有限公司']


async def test_case_export_and_bad_requests(client: httpx.AsyncClient) -> None:
    export = await client.get("/cases/export.jsonl")
    lines = [orjson.loads(line) for line in export.text.splitlines()]
    assert lines[0]["ipcredit_export"] == "cases"
    assert [line["case_id"] for line in lines[1:]] == ["CASE-2025-02", "CASE-2025-01"]
    assert (await client.get("/cases/export.xlsx")).status_code == 404
    too_long = await client.get("/search/export.csv", params={"q": "专" * 101})
    assert too_long.status_code == 400 and "最多 100 个字符" in too_long.text


async def test_case_exports_name_only_published_related_records(
    client: httpx.AsyncClient,
) -> None:
    """CASE-2025-02 relates the record its subject had delisted by credit repair: as on
    the case page, an export does not name it."""
    export = await client.get("/cases/export.jsonl")
    lines = [orjson.loads(line) for line in export.text.splitlines()]
    related = {line["case_id"]: line["related_record_ids"] for line in lines[1:]}
    assert related == {"CASE-2025-02": [], "CASE-2025-01": ["CNIPA-2025-0001"]}
    export = await client.get("/cases/export.csv")
    assert "CNIPA-2024-0033" not in export.text and "CNIPA-2025-0001" in export.text


async def test_search_page_links_its_exports(client: httpx.AsyncClient) -> None:
    page = (await client.get("/search", params={"q": "有限公司", "kind": "serious_list"})).text
    assert (
        'href="/search/export.csv?q=%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8&amp;kind=serious_list"'
        in page
    )
