"""Rendering the Jinja2 templates with what every page shows (the day, the demo banner)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from credit import regions
from credit import vocabulary as vocab
from credit.personal import mask_personal_data
from credit.service import Service

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
# Templates are read once per process: no file check on every include (restart to see edits).
TEMPLATES.env.auto_reload = False
TEMPLATES.env.filters.update(
    kind_label=lambda kind: vocab.KINDS.get(kind, kind),
    category_label=lambda record: vocab.category_label(record["kind"], record["category"]),
    severity_label=lambda severity: vocab.SEVERITIES.get(severity or "", ""),
    subject_type_label=lambda subject_type: vocab.SUBJECT_TYPES.get(subject_type, ""),
    region_name=lambda code: regions.region_name(code or "") or "",
    case_type_label=lambda case_type: vocab.CASE_TYPES.get(case_type, case_type),
)
PUBLIC_CACHE = "public, max-age=60"
LARGE_TEXT_COOKIE = "ipcredit_large_text"


def service_of(request: Request) -> Service:
    """The process's `Service`, set on the app by `create_app`."""
    service: Service = request.app.state.service
    return service


def _here(request: Request) -> str:
    """This page's path and query (the text-size switch returns to it), any personal ID or
    mobile number in the query, or in the code of an `/entity/…` path, masked (a record
    id may hold eleven digits and stays as it is)."""
    items = [(key, mask_personal_data(value)) for key, value in request.query_params.multi_items()]
    path = request.url.path
    if path.startswith("/entity/"):
        path = mask_personal_data(path)
    return path + (f"?{urlencode(items)}" if items else "")


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
    page_context = {
        "today": service.today(),
        "demo": service.is_demo,
        "large_text": request.cookies.get(LARGE_TEXT_COOKIE) == "1",
        "here": _here(request),
        **(context or {}),
    }
    response = TEMPLATES.TemplateResponse(
        request, template, page_context, status_code=status_code, headers=headers
    )
    response.headers.setdefault("Cache-Control", PUBLIC_CACHE)
    response.headers["Vary"] = "Cookie"
    return response
