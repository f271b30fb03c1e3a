"""One structured line per request, with the route pattern and never the query or a body."""

from __future__ import annotations

import logging

import httpx
import orjson
import pytest


async def test_one_line_per_request_without_query_text(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="ipcredit.access"):
        await client.get("/search", params={"q": "张三 110105199003071239"})
        await client.get("/entity/91440300MA5F0A1B2N")
        await client.get("/no/such/place?secret=1")
        await client.post("/preferences/text-size", data={"large": "1", "next": "/"})
    lines = [orjson.loads(r.getMessage()) for r in caplog.records if r.name == "ipcredit.access"]
    assert [(line["route"], line["status"]) for line in lines] == [
        ("/search", 400),  # a personal ID number in the query is refused
        ("/entity/{uscc}", 200),
        ("(unmatched)", 404),
        ("/preferences/text-size", 303),
    ]
    assert all(isinstance(line["data_version"], int) and line["ms"] >= 0 for line in lines)
    text = caplog.text
    for secret in ("张三", "110105", "91440300MA5F0A1B2N", "secret"):
        assert secret not in text
