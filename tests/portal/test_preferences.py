"""The large-text mode: works without JavaScript, is remembered, never redirects off-site."""

from __future__ import annotations

import httpx
import pytest


async def test_large_text_is_set_remembered_and_unset(client: httpx.AsyncClient) -> None:
    page = (await client.get("/search?q=创明")).text
    assert '<html lang="zh-CN">' in page
    assert 'name="next" value="/search?q=%E5%88%9B%E6%98%8E"' in page

    response = await client.post(
        "/preferences/text-size", data={"large": "1", "next": "/search?q=创明"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/search?q=%E5%88%9B%E6%98%8E"
    assert "ipcredit_large_text=1" in response.headers["set-cookie"]
    assert "Max-Age=31536000" in response.headers["set-cookie"]

    for path in ("/", "/search?q=创明", "/entity/91440300MA5F0A1B2N", "/help/categories"):
        page = (await client.get(path)).text
        assert '<html lang="zh-CN" class="large-text">' in page, path
        assert "标准字号" in page

    await client.post("/preferences/text-size", data={"large": "0", "next": "/"})
    assert '<html lang="zh-CN">' in (await client.get("/")).text


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
async def test_no_open_redirect(client: httpx.AsyncClient, target: str) -> None:
    response = await client.post("/preferences/text-size", data={"large": "1", "next": target})
    assert response.headers["location"] == "/"


async def test_pages_vary_on_the_cookie(client: httpx.AsyncClient) -> None:
    assert (await client.get("/")).headers["vary"] == "Cookie"
