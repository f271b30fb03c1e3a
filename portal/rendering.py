"""Rendering the Jinja2 templates with what every page shows (the day, the demo banner)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from credit.service import Service

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
PUBLIC_CACHE = "public, max-age=60"


def service_of(request: Request) -> Service:
    """The process's `Service`, set on the app by `create_app`."""
    service: Service = request.app.state.service
    return service


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page: the template with the common context; public pages cacheable for 60 s."""
    service = service_of(request)
    page_context = {"today": service.today(), "demo": service.is_demo, **(context or {})}
    response = TEMPLATES.TemplateResponse(
        request, template, page_context, status_code=status_code, headers=headers
    )
    response.headers.setdefault("Cache-Control", PUBLIC_CACHE)
    return response
