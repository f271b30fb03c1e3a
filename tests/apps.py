"""Driving the real application in tests: an app over an indexed engine, an ASGI client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from credit.config import Settings
from credit.search.engine import SearchEngine
from credit.service import Service
from portal.app import create_app
from tests.engines import build_async_engine


def app_over(engine: SearchEngine | None, data_dir: Path, **env: str) -> Starlette:
    """The real app serving `engine` (None: open the configured engine from `data_dir`)."""
    settings = Settings.from_env(
        {"IPCREDIT_DATA_DIR": str(data_dir), "IPCREDIT_RATE_LIMIT": "0", **env}
    )
    return create_app(Service(settings, engine))


def indexed_app(
    lines: Iterable[Mapping[str, Any] | str], tmp_path: Path, engine: str = "tantivy"
) -> Starlette:
    """The real app over a fresh engine holding `lines`."""
    built = build_async_engine(engine, lines, tmp_path)
    return app_over(built, tmp_path / f"data-{engine}")


@asynccontextmanager
async def client_for(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client speaking ASGI to `app` (no sockets; the lifespan is not run)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
