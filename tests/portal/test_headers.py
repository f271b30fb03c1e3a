"""Security and caching headers on every kind of response."""

from __future__ import annotations

import httpx
import pytest

PATHS = [
    ("/", "public, max-age=60"),
    ("/search?q=创明", "public, max-age=60"),
    ("/entity/91440300MA5F0A1B2N", "public, max-age=60"),
    ("/record/CNIPA-2025-0001", "public, max-age=60"),
    ("/record/unknown", "public, max-age=60"),
    ("/healthz", "no-store"),
    ("/static/site.css", "public, max-age=3600"),
]


@pytest.mark.parametrize(("path", "cache"), PATHS)
async def test_every_response_has_the_headers(
    client: httpx.AsyncClient, path: str, cache: str
) -> None:
    response = await client.get(path)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["cache-control"] == cache


async def test_public_pages_cache_at_most_a_minute(client: httpx.AsyncClient) -> None:
    for path, _ in PATHS:
        cache = (await client.get(path)).headers["cache-control"]
        if cache.startswith("public") and not path.startswith("/static/"):
            assert int(cache.split("max-age=")[1]) <= 60


async def test_pages_have_no_inline_script(client: httpx.AsyncClient) -> None:
    for path, _ in PATHS[:5]:
        page = (await client.get(path)).text
        assert "<script" not in page and " onclick=" not in page and "javascript:" not in page
