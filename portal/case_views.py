"""`/cases` and `/cases/{id}`: the typical-case library and one structured case article."""

from __future__ import annotations

import asyncio
from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from credit import regions
from credit import vocabulary as vocab
from credit.search.engine import Body, SearchEngine
from credit.search.errors import EngineUnavailable, SearchError
from credit.search.query import CaseFilter, CaseQuery, check_text
from portal.case_params import CaseParams
from portal.params import PAGE_SIZE
from portal.rendering import render, service_of

CASE_FACETS = {
    "case_type": "case_type",
    "year": "year",
    "province": "province",
    "publishers": "publisher",
}
RELATED_CASES = 5
MAX_RELATED_RECORDS = 50


async def cases(request: Request) -> Response:
    params = CaseParams.parse(request.query_params)
    service = service_of(request)
    context: dict[str, object] = {
        "params": params,
        "page": None,
        "notice": params.ignored(request.query_params),
    }
    try:
        check_text(params.q)
        engine = await service.engine()
        page = await engine.search_cases(params.to_query(), day=service.today())
    except EngineUnavailable:
        raise
    except SearchError as refused:
        context["error"] = refused.message
        return render(request, "cases.html", context, status_code=400)
    context["page"] = page
    context["facets"] = params.facet_links(page.facets, CASE_FACETS)
    context["first_hit_number"] = (params.page - 1) * PAGE_SIZE + 1 if page.hits else 0
    return render(request, "cases.html", context)


async def case(request: Request) -> Response:
    """One case; its related records appear only while they are published today."""
    service = service_of(request)
    day = service.today()
    engine = await service.engine()
    body = await engine.get_case(request.path_params["case_id"][:64], day=day)
    if body is None:
        raise HTTPException(404)
    related_ids = [str(i) for i in body.get("related_record_ids", [])][:MAX_RELATED_RECORDS]
    found = await asyncio.gather(*(engine.get_record(i, day=day) for i in related_ids))
    return render(
        request,
        "case.html",
        {
            "case": body,
            "case_type": vocab.CASE_TYPES.get(body["case_type"], body["case_type"]),
            "region": regions.region_name(body.get("region_code") or ""),
            "related_records": [record for record in found if record is not None],
            "related_cases": await _related_cases(engine, body, day=day),
            "source_url": _web_link(body.get("source_url")),
        },
    )


async def _related_cases(engine: SearchEngine, body: Body, *, day: date) -> list[Body]:
    """Other cases of the same type first, then ones sharing a tag; newest first each."""
    filters = [CaseFilter(case_types=(body["case_type"],))]
    filters += [CaseFilter(tag=str(tag)) for tag in body.get("tags", [])[:3]]
    pages = await asyncio.gather(
        *(
            engine.search_cases(CaseQuery(filter=f, size=RELATED_CASES + 1, facets=False), day=day)
            for f in filters
        )
    )
    related: dict[str, Body] = {}
    for page in pages:
        for hit in page.hits:
            if hit.id != body["case_id"]:
                related.setdefault(hit.id, hit.body)
    return list(related.values())[:RELATED_CASES]


def _web_link(url: object) -> str | None:
    """Only http(s) links are shown as links."""
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None
