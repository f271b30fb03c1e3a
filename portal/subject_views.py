"""`/entity/{uscc}` and `/record/{id}`: what is published today about one subject, one record."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from credit import regions
from credit import uscc as uscc_codes
from credit import vocabulary as vocab
from portal.rendering import render, service_of

GROUPS = ("serious_list", "dishonest_act", "good_credit")


async def entity(request: Request) -> Response:
    """The same page whether the subject was never listed or nothing is published any more."""
    code = uscc_codes.normalize_uscc(request.path_params["uscc"])
    message = uscc_codes.refusal(code)  # never quotes a personal number
    if message:
        return render(request, "error.html", {"status": 400, "message": message}, status_code=400)
    service = service_of(request)
    day = service.today()
    engine = await service.engine()
    found = await engine.get_entity(code, day=day)
    groups = [
        (kind, vocab.KINDS[kind], [r for r in found.records if r["kind"] == kind] if found else [])
        for kind in GROUPS
    ]
    return render(
        request,
        "entity.html",
        {
            "uscc": code,
            "entity": found,
            "region": regions.region_name(found.region_code or "") if found else None,
            "groups": groups,
            "data_version": await engine.data_version(),
        },
    )


async def record(request: Request) -> Response:
    """One record; a record not published today is the same 404 as an unknown id."""
    service = service_of(request)
    engine = await service.engine()
    body = await engine.get_record(request.path_params["record_id"][:64], day=service.today())
    if body is None:
        raise HTTPException(404)
    return render(
        request, "record.html", {"record": body, "data_version": await engine.data_version()}
    )
