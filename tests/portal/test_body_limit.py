"""Request bodies over the route's limit are refused with 413 before they are read."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from portal.body_limit import DEFAULT_LIMIT, LIMITS


async def test_declared_oversized_form_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/preferences/text-size", content=b"large=1&next=/" + b"x" * DEFAULT_LIMIT
    )
    assert response.status_code == 413
    assert "提交的内容过大" in response.text


async def test_oversized_graphql_document_gets_a_json_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=b" " * (LIMITS["/graphql"] + 1))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_chunked_body_is_counted_too(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"large=1&next=/"
        for _ in range(10):
            yield b"x" * (DEFAULT_LIMIT // 4)

    form = {"content-type": "application/x-www-form-urlencoded"}
    response = await client.post("/preferences/text-size", content=chunks(), headers=form)
    assert response.status_code == 413


async def test_small_bodies_pass(client: httpx.AsyncClient) -> None:
    response = await client.post("/preferences/text-size", data={"large": "1", "next": "/"})
    assert response.status_code == 303


async def test_a_list_over_the_limit_gets_the_upload_form_again(client: httpx.AsyncClient) -> None:
    big = b"x" * (LIMITS["/screen"] + 1)
    response = await client.post("/screen", files={"file": ("list.csv", big)})
    assert response.status_code == 413
    assert "提交的名单过大：上传的文件最多 5 MB" in response.text
    assert 'enctype="multipart/form-data"' in response.text  # the form, to try again
    report = await client.post("/screen/verify", files={"report": ("r.csv", b"x" * (65 << 20))})
    assert report.status_code == 413 and "最多接受 64 MB" in report.text
    assert 'name="report"' in report.text
