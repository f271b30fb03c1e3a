"""The portal's routes (CONTRACT "Portal routes") and `/healthz`."""

from __future__ import annotations

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from credit import consistency
from credit.search.errors import EngineUnavailable
from portal.case_views import case, cases
from portal.exports import export_cases, export_records
from portal.feeds import cases_feed, records_feed
from portal.help_pages import categories, credit_repair
from portal.home import home
from portal.preferences import text_size
from portal.rendering import service_of
from portal.screen_views import (
    report_key,
    screen_form,
    screen_upload,
    verify_form,
    verify_upload,
)
from portal.search_view import search
from portal.stats_view import stats, stats_csv
from portal.subject_views import entity, record


async def healthz(request: Request) -> Response:
    """Engine status and data version, as JSON; 503 while the engine cannot answer.

    Where the data directory holds the store of record (the indexer's host), the store's
    data version is shown too, and an engine missing, behind or ahead of the store is
    named (`problem`, and a Chinese `message` saying to run `ipcredit reindex`); status
    `out_of_step` while the engine answers, `unavailable` (503) when it is missing.
    """
    service = service_of(request)
    settings = service.settings
    headers = {"Cache-Control": "no-store"}
    try:
        engine = await service.engine()
        version = await engine.data_version()
    except EngineUnavailable as unavailable:
        body: dict[str, object] = {
            "status": "unavailable",
            "engine": settings.engine,
            "message": unavailable.message,
        }
        state = await anyio.to_thread.run_sync(consistency.for_health, settings, None)
        if state is not None and state.message:
            body.update(
                problem=state.problem,
                message=state.message,
                store_data_version=state.store_version,
            )
        return JSONResponse(body, status_code=503, headers=headers)
    body = {
        "status": "ok",
        "engine": settings.engine,
        "data_version": version,
        "as_of": service.today().isoformat(),
        "demo": service.is_demo,
    }
    state = await anyio.to_thread.run_sync(consistency.for_health, settings, version)
    if state is not None:
        body["store_data_version"] = state.store_version
        if state.indexing:
            body["indexing"] = True
        if state.message:
            body.update(status="out_of_step", problem=state.problem, message=state.message)
    return JSONResponse(body, headers=headers)


def routes() -> list[BaseRoute]:
    return [
        Route("/", home, name="home"),
        Route("/search", search, name="search"),
        Route("/search/export.{format:str}", export_records, name="export_records"),
        Route("/entity/{uscc}", entity, name="entity"),
        Route("/record/{record_id}", record, name="record"),
        Route("/cases", cases, name="cases"),
        Route("/cases/export.{format:str}", export_cases, name="export_cases"),
        Route("/cases/{case_id}", case, name="case"),
        Route("/stats", stats, name="stats"),
        Route("/stats/{chart}.csv", stats_csv, name="stats_csv"),
        Route("/screen", screen_form, methods=["GET"], name="screen"),
        Route("/screen", screen_upload, methods=["POST"], name="screen_upload"),
        Route("/screen/verify", verify_form, methods=["GET"], name="screen_verify"),
        Route("/screen/verify", verify_upload, methods=["POST"], name="screen_verify_upload"),
        Route("/.well-known/ipcredit-report-key", report_key, name="report_key"),
        Route("/feeds/records.atom", records_feed, name="records_feed"),
        Route("/feeds/cases.atom", cases_feed, name="cases_feed"),
        Route("/help/credit-repair", credit_repair, name="credit_repair"),
        Route("/help/categories", categories, name="categories"),
        Route("/preferences/text-size", text_size, methods=["POST"], name="text_size"),
        Route("/healthz", healthz, name="healthz"),
    ]
