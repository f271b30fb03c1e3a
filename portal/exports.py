"""Exports of a record or case search as CSV or JSON Lines: streamed, at most 10,000 rows.

Every row carries the day it speaks for and the data version; CSV cells that a spreadsheet
would run as formulas are neutralized. Pages are fetched from the engine one at a time
(hits only, no facets), so memory stays flat however many rows are written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from credit import regions
from credit import vocabulary as vocab
from credit.search.engine import SearchEngine
from credit.search.errors import EngineUnavailable, SearchError
from credit.search.query import CaseQuery, SearchPage, SearchQuery, check_text, uscc_in_query
from credit.spreadsheet import BOM, neutralize_cell
from portal.case_params import CaseParams
from portal.rendering import render, service_of
from portal.search_params import SearchParams

MAX_ROWS = 10_000
PAGE = 250  # rows read from the engine at once; one chunk of the response each
RECORD_COLUMNS = (
    "record_id", "kind", "kind_label", "category", "category_label", "severity",
    "subject_type", "subject_name", "uscc", "former_names", "legal_representative",
    "id_number_masked", "region_code", "region_name", "reason", "legal_basis", "measures",
    "authority", "decision_no", "decided_on", "publish_from", "publish_until", "source",
)  # fmt: skip
CASE_COLUMNS = (
    "case_id", "title", "case_type", "case_type_label", "publishers", "published_on",
    "region_code", "region_name", "summary", "facts", "handling", "significance",
    "legal_basis", "tags", "related_record_ids", "source_url",
)  # fmt: skip
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}

Fetch = Callable[[SearchEngine, str | None, date], Awaitable[SearchPage]]


async def export_records(request: Request) -> Response:
    """`/search/export.{csv,jsonl}?…`: the rows of the same search as `/search?…`."""
    base = SearchParams.parse(request.query_params).to_query()

    async def fetch(engine: SearchEngine, cursor: str | None, day: date) -> SearchPage:
        asked = SearchQuery(base.text, base.filter, base.sort, PAGE, cursor, facets=False)
        return await engine.search_records(asked, day=day)

    return await _export(request, base.text, "records", RECORD_COLUMNS, _record_row, fetch)


async def export_cases(request: Request) -> Response:
    """`/cases/export.{csv,jsonl}?…`: the rows of the same search as `/cases?…`."""
    base = CaseParams.parse(request.query_params).to_query()

    async def fetch(engine: SearchEngine, cursor: str | None, day: date) -> SearchPage:
        asked = CaseQuery(base.text, base.filter, PAGE, cursor, facets=False)
        return await _published_related(engine, await engine.search_cases(asked, day=day), day)

    return await _export(request, base.text, "cases", CASE_COLUMNS, _case_row, fetch)


async def _published_related(engine: SearchEngine, page: SearchPage, day: date) -> SearchPage:
    """The page with each case's related records cut to those published on `day`, as the
    case page and GraphQL show them: a record not published is not named."""
    related = {str(i) for hit in page.hits for i in hit.body.get("related_record_ids", [])}
    if not related:
        return page
    shown = await engine.published_record_ids(sorted(related), day=day)

    def published(body: dict[str, Any]) -> dict[str, Any]:
        ids = [i for i in body.get("related_record_ids", []) if str(i) in shown]
        return {**body, "related_record_ids": ids}

    return replace(page, hits=[replace(hit, body=published(hit.body)) for hit in page.hits])


async def _export(
    request: Request,
    text: str,
    what: str,
    columns: Sequence[str],
    row_of: Callable[[dict[str, Any]], dict[str, Any]],
    fetch: Fetch,
) -> Response:
    file_format = request.path_params["format"]
    if file_format not in FORMATS:
        raise HTTPException(404)
    service = service_of(request)
    day = service.today()
    try:
        check_text(text)
        if what == "records":
            uscc_in_query(text)
        engine = await service.engine()
        first = await fetch(engine, None, day)
        version = await engine.data_version()
    except EngineUnavailable:
        raise
    except SearchError as refused:
        message = refused.message
        return render(request, "error.html", {"status": 400, "message": message}, status_code=400)

    async def pages() -> AsyncIterator[SearchPage]:
        page, written = first, 0
        while True:
            yield page
            written += len(page.hits)
            if not page.next_cursor or written >= MAX_ROWS:
                return
            page = await fetch(engine, page.next_cursor, day)

    meta = {"as_of": day.isoformat(), "data_version": version}
    rows = _rows(pages(), row_of)
    body = _csv(rows, columns, meta) if file_format == "csv" else _jsonl(rows, what, meta, text)
    filename = f"ipcredit-{what}-{day.isoformat()}.{file_format}"
    return StreamingResponse(
        body,
        media_type=FORMATS[file_format],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "public, max-age=60",
        },
    )


async def _rows(
    pages: AsyncIterator[SearchPage], row_of: Callable[[dict[str, Any]], dict[str, Any]]
) -> AsyncIterator[list[dict[str, Any]]]:
    """The rows of each engine page (one chunk each), cut at MAX_ROWS."""
    written = 0
    async for page in pages:
        chunk = [row_of(hit.body) for hit in page.hits[: MAX_ROWS - written]]
        written += len(chunk)
        yield chunk


async def _csv(
    chunks: AsyncIterator[list[dict[str, Any]]], columns: Sequence[str], meta: dict[str, Any]
) -> AsyncIterator[str]:
    yield BOM + _csv_lines([[*columns, "as_of", "data_version"]])
    stamp = [meta["as_of"], str(meta["data_version"])]
    async for rows in chunks:
        yield _csv_lines([[_cell(row.get(column)) for column in columns] + stamp for row in rows])


async def _jsonl(
    chunks: AsyncIterator[list[dict[str, Any]]], what: str, meta: dict[str, Any], text: str
) -> AsyncIterator[bytes]:
    yield orjson.dumps({"ipcredit_export": what, **meta, "query": text}) + b"\n"
    async for rows in chunks:
        yield b"".join(orjson.dumps(row) + b"\n" for row in rows)


def _csv_lines(rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "；".join(str(item) for item in value)
    return neutralize_cell(str(value))


def _record_row(body: dict[str, Any]) -> dict[str, Any]:
    region = body.get("region_code") or ""
    return {
        **{column: body.get(column) for column in RECORD_COLUMNS},
        "kind_label": vocab.KINDS.get(body["kind"], body["kind"]),
        "category_label": vocab.category_label(body["kind"], body["category"]),
        "region_name": regions.region_name(region) if region else None,
    }


def _case_row(body: dict[str, Any]) -> dict[str, Any]:
    region = body.get("region_code") or ""
    return {
        **{column: body.get(column) for column in CASE_COLUMNS},
        "case_type_label": vocab.CASE_TYPES.get(body["case_type"], body["case_type"]),
        "region_name": regions.region_name(region) if region else None,
    }
