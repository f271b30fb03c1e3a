"""The plain-language pages on credit repair and on the categories."""

from __future__ import annotations

import httpx

from credit import vocabulary as vocab


async def test_credit_repair_page(client: httpx.AsyncClient) -> None:
    response = await client.get("/help/credit-repair")
    assert response.status_code == 200
    assert "<h1>什么是信用修复</h1>" in response.text
    assert "60 秒" in response.text


async def test_categories_page_explains_every_category(client: httpx.AsyncClient) -> None:
    page = (await client.get("/help/categories")).text
    for label in (*vocab.DISHONESTY_CATEGORIES.values(), *vocab.GOOD_CREDIT_CATEGORIES.values()):
        assert label in page
    for code in vocab.DISHONESTY_CATEGORIES:
        assert f'href="/search?category={code}"' in page
