"""`/screen`: exhibitor screening for trade-fair organizers, and `/screen/verify`.

An uploaded list is read in memory, screened, and answered in one response: the result
page carries the signed report in both formats as download links (data URLs), so nothing
of the list is stored anywhere, and no log line names it.
"""

from __future__ import annotations

import base64
from typing import Any

import anyio.to_thread
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from credit import collector
from credit.screening.helper import screen_list
from credit.screening.inputs import (
    InputProblem,
    Table,
    read_pasted,
    read_upload,
)
from credit.screening.matching import (
    BASIS_LABELS,
    VERDICT_LABELS,
    VERDICTS,
    RowResult,
    summarize,
)
from credit.screening.reports import (
    ReportInfo,
    new_report_info,
    report_from_table,
    report_to_csv,
    report_to_xlsx,
)
from credit.screening.signing import load_or_create_key, public_key_pem, verify_report
from portal.body_limit import LIMITS
from portal.rendering import render, service_of
from portal.screen_limits import form_limits

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_STORE = {"Cache-Control": "no-store"}


async def screen_form(request: Request) -> Response:
    return render(request, "screen.html", form_limits(), headers=NO_STORE)


async def screen_upload(request: Request) -> Response:
    """Read the list, screen every row, answer with the result page and the signed report."""
    form = await request.form(max_files=1, max_fields=8, max_part_size=LIMITS["/screen"])
    upload = form.get("file")
    pasted = str(form.get("pasted") or "")
    name_column = str(form.get("name_column") or "").strip() or None
    uscc_column = str(form.get("uscc_column") or "").strip() or None
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            table = read_upload(
                data, upload.filename, name_column=name_column, uscc_column=uscc_column
            )
        elif pasted.strip():
            table = read_pasted(pasted)
        else:
            raise InputProblem("请选择要上传的 CSV 或 Excel 文件，或在文本框中粘贴名单。")
    except InputProblem as problem:
        refused = {**form_limits(), "error": problem.message}
        return render(request, "screen.html", refused, status_code=400, headers=NO_STORE)

    with collector.relaxed():  # the rows, their records and both reports live till the end
        return await _screened(request, table)


async def _screened(request: Request, table: Table) -> Response:
    """The result page of a readable upload: verdicts, rows by severity, signed reports."""
    service = service_of(request)
    day = service.today()
    engine = await service.engine()
    entries = [row.entry for row in table.rows]
    results = await screen_list(engine, entries, day=day, helper=service.screening_helper)
    info = new_report_info(as_of=day, data_version=await engine.data_version())
    key = load_or_create_key(service.settings.data_dir)
    # Writing and signing both files takes about a second for 10,000 rows: in a thread,
    # so this worker's other requests are answered meanwhile.
    downloads = await anyio.to_thread.run_sync(_downloads, table, results, info, key)
    rank = {verdict: index for index, verdict in enumerate(VERDICTS)}
    rows = sorted(
        zip((row.entry.ref for row in table.rows), results, strict=True),
        key=lambda pair: rank[pair[1].verdict],
    )
    context: dict[str, Any] = {
        "info": info,
        "summary": summarize(results),
        "verdict_labels": VERDICT_LABELS,
        "basis_labels": BASIS_LABELS,
        "rows": rows,
        "notes": table.notes,
        "downloads": downloads,
    }
    return render(request, "screen_result.html", context, headers=NO_STORE)


def _downloads(
    table: Table, results: list[RowResult], info: ReportInfo, key: Ed25519PrivateKey
) -> list[tuple[str, str, str]]:
    """The signed report as (format, file name, data URL), CSV and XLSX."""
    report = report_from_table(table, results, info)
    stem = f"ipcredit-screening-{info.report_id}"
    return [
        ("CSV", f"{stem}.csv", _data_url("text/csv", report_to_csv(report, key))),
        ("Excel", f"{stem}.xlsx", _data_url(XLSX_TYPE, report_to_xlsx(report, key))),
    ]


async def verify_form(request: Request) -> Response:
    return render(request, "screen_verify.html", headers=NO_STORE)


async def verify_upload(request: Request) -> Response:
    """Whether an uploaded report is genuine and unmodified, and what it speaks for."""
    form = await request.form(max_files=1, max_fields=2, max_part_size=LIMITS["/screen"])
    upload = form.get("report")
    if not isinstance(upload, UploadFile) or not upload.filename:
        context = {"error": "请选择要核验的报告文件（CSV 或 Excel）。"}
        return render(request, "screen_verify.html", context, status_code=400, headers=NO_STORE)
    key = load_or_create_key(service_of(request).settings.data_dir)
    verification = verify_report(await upload.read(), key.public_key())
    return render(request, "screen_verify.html", {"verification": verification}, headers=NO_STORE)


async def report_key(request: Request) -> Response:
    """The public key that verifies this site's screening reports (PEM)."""
    key = load_or_create_key(service_of(request).settings.data_dir)
    return Response(
        public_key_pem(key.public_key()),
        media_type="application/x-pem-file",
        headers={"Cache-Control": "public, max-age=3600"},
    )


def _data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"
