"""`/search`: results with highlights, facets as filter links, sort, paging, empty states."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from credit import vocabulary as vocab
from credit.search.errors import EngineUnavailable, SearchError
from credit.search.query import FACET_NAMES, check_text, uscc_in_query
from portal.params import FACET_TITLES, PAGE_SIZE
from portal.rendering import render, service_of
from portal.search_params import SORTS, SearchParams

FILTER_CHOICES = {"severity": vocab.SEVERITIES, "subject_type": vocab.SUBJECT_TYPES}
"""The filters the form offers as a choice (value → label); the facets list the others."""


async def search(request: Request) -> Response:
    params = SearchParams.parse(request.query_params)
    service = service_of(request)
    context: dict[str, object] = {
        "params": params,
        "sorts": SORTS,
        "page": None,
        "notice": params.ignored(request.query_params),
        "filter_choices": FILTER_CHOICES,
        "filter_titles": FACET_TITLES,
    }
    try:
        text = check_text(params.q)
        code = uscc_in_query(text)
        if code:
            return RedirectResponse(f"/entity/{code}", status_code=303)
        engine = await service.engine()
        page = await engine.search_records(params.to_query(), day=service.today())
    except EngineUnavailable:
        raise
    except SearchError as refused:
        context["error"] = refused.message
        return render(request, "search.html", context, status_code=400)
    context["page"] = page
    context["facets"] = params.facet_links(page.facets, {name: name for name in FACET_NAMES})
    context["first_hit_number"] = (params.page - 1) * PAGE_SIZE + 1 if page.hits else 0
    return render(request, "search.html", context)
