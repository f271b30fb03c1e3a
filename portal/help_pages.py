"""Plain-language pages: credit repair (信用修复) and what each category means."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from credit import vocabulary as vocab
from portal.rendering import render


async def credit_repair(request: Request) -> Response:
    return render(request, "help_repair.html")


async def categories(request: Request) -> Response:
    return render(
        request,
        "help_categories.html",
        {
            "dishonesty": vocab.DISHONESTY_CATEGORIES,
            "good_credit": vocab.GOOD_CREDIT_CATEGORIES,
            "severities": vocab.SEVERITIES,
        },
    )
