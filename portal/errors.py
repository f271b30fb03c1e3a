"""Error pages: not found, bad requests, and the engine being unavailable (503)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from credit.search.errors import EngineUnavailable
from portal.rendering import render

RETRY_AFTER_SECONDS = 30


async def not_found(request: Request, exc: Exception) -> Response:
    return render(request, "404.html", status_code=404)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return await not_found(request, exc)
    return render(
        request,
        "error.html",
        {"status": exc.status_code, "message": exc.detail},
        status_code=exc.status_code,
        headers=dict(exc.headers or {}),
    )


async def engine_unavailable(request: Request, exc: Exception) -> Response:
    """503 with a Chinese page and Retry-After; the next request tries the engine again."""
    assert isinstance(exc, EngineUnavailable)
    return render(
        request,
        "unavailable.html",
        {"message": exc.message},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
    )


Handler = Callable[[Request, Exception], Awaitable[Response]]
EXCEPTION_HANDLERS: Mapping[object, Handler] = {
    HTTPException: http_error,
    EngineUnavailable: engine_unavailable,
}
