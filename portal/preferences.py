"""The large-text (适老化) mode: a form button that sets a cookie, no JavaScript needed."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.rendering import LARGE_TEXT_COOKIE

ONE_YEAR = 365 * 24 * 3600


async def text_size(request: Request) -> Response:
    """POST `large=1|0`, `next=/path`: remember the choice and go back to the page."""
    form = await request.form()
    large = form.get("large") == "1"
    response = RedirectResponse(_local(str(form.get("next", "/"))), status_code=303)
    response.set_cookie(
        LARGE_TEXT_COOKIE, "1" if large else "0", max_age=ONE_YEAR, httponly=True, samesite="lax"
    )
    return response


def _local(target: str) -> str:
    """Only a path on this site (never `//host` or a scheme): no open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
