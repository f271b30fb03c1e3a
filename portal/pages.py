"""The portal's routes (CONTRACT "Portal routes")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from credit.search.errors import EngineUnavailable
from portal.rendering import render, service_of


async def home(request: Request) -> Response:
    return render(request, "home.html")


async def healthz(request: Request) -> Response:
    """Engine status and data version, as JSON; 503 while the engine cannot answer."""
    service = service_of(request)
    headers = {"Cache-Control": "no-store"}
    try:
        engine = await service.engine()
        version = await engine.data_version()
    except EngineUnavailable as unavailable:
        body: dict[str, object] = {
            "status": "unavailable",
            "engine": service.settings.engine,
            "message": unavailable.message,
        }
        return JSONResponse(body, status_code=503, headers=headers)
    body = {
        "status": "ok",
        "engine": service.settings.engine,
        "data_version": version,
        "as_of": service.today().isoformat(),
        "demo": service.is_demo,
    }
    return JSONResponse(body, headers=headers)


def routes() -> list[BaseRoute]:
    return [
        Route("/", home, name="home"),
        Route("/healthz", healthz, name="healthz"),
    ]
