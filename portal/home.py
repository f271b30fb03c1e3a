"""`/`: the search box, what ipcredit publishes and why, today's counts, the latest publications."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from credit import vocabulary as vocab
from credit.search.query import SearchQuery
from portal.rendering import render, service_of

LATEST = 10


async def home(request: Request) -> Response:
    service = service_of(request)
    day = service.today()
    engine = await service.engine()
    counts = await engine.count_records(day=day, by=["kind"])
    by_kind = {value.value: value.count for value in counts["kind"]}
    latest = await engine.search_records(SearchQuery(sort="newest", size=LATEST), day=day)
    return render(
        request,
        "home.html",
        {
            "counts": [(kind, label, by_kind.get(kind, 0)) for kind, label in vocab.KINDS.items()],
            "total": sum(by_kind.values()),
            "latest": [hit.body for hit in latest.hits],
        },
    )
