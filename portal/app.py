"""The Starlette application: the portal pages, `/graphql`, `/healthz` and `/static`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from api.app import graphql_app
from credit.config import Settings
from credit.service import Service
from credit.warm import ready_serving_process
from portal import pages
from portal.access_log import AccessLog, log_to_stdout
from portal.body_limit import BodyLimit
from portal.errors import EXCEPTION_HANDLERS
from portal.headers import SecurityHeaders
from portal.rate_limit import Budget, RateLimit

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def create_app(service: Service) -> Starlette:
    """The whole public site over one `Service`."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(ready_serving_process)
        yield
        await service.close()

    app = Starlette(
        middleware=[
            Middleware(AccessLog, service=service),
            Middleware(SecurityHeaders),
            Middleware(BodyLimit),
            Middleware(RateLimit, budget=Budget.parse(service.settings.rate_limit)),
        ],
        routes=[
            *pages.routes(),
            Route("/graphql", graphql_app(service), methods=["GET", "POST"]),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.service = service
    return app


def app_from_env() -> Starlette:
    """The app configured from `IPCREDIT_*` variables (uvicorn's `--factory` entry point)."""
    log_to_stdout()
    return create_app(Service(Settings.from_env()))
