"""Request body limits: 413 before an oversized body is read into memory."""

from __future__ import annotations

from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from portal.rendering import render
from portal.screen_limits import form_limits

MIB = 1024 * 1024
LIMITS = {  # the longest prefix first: `limit_for` takes the first that matches
    "/screen/verify": 64 * MIB,  # a report: 10,000 rows' CSV reach 8 MB, the CLI's any size
    "/screen": 6 * MIB,  # an upload of 5 MB plus form overhead
    "/graphql": 2 * MIB,  # 1,000 `screen` entries of the longest names, escaped as \uXXXX
}
DEFAULT_LIMIT = 64 * 1024

# A file part of a form is kept in memory up to the largest body accepted, never spooled
# to a temporary file (Starlette's default spools above 1 MiB): an uploaded list is
# never written to disk. A request holds at most its route's limit in memory.
MultiPartParser.spool_max_size = max(LIMITS.values())


class TooLarge(Exception):
    pass


def limit_for(path: str) -> int:
    for prefix, limit in LIMITS.items():
        if path == prefix or path.startswith(prefix + "/"):
            return limit
    return DEFAULT_LIMIT


class BodyLimit:
    """Refuses a declared Content-Length over the route's limit; counts chunked bodies too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > limit:
            await _refusal(Request(scope), limit)(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except TooLarge:
            if not started:
                await _refusal(Request(scope), limit)(scope, receive, send)


_FORMS = {"/screen": "screen.html", "/screen/verify": "screen_verify.html"}
"""Pages whose form answers a body over the limit itself, so the user can try again."""


def _refusal(request: Request, limit: int) -> Response:
    size = f"{limit // MIB} MB" if limit >= MIB else f"{limit // 1024} KB"
    message = f"提交的内容过大：此处最多接受 {size}。"
    path = request.url.path
    if path == "/graphql":
        body = {"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]}
        return JSONResponse(body, status_code=413)
    if path in _FORMS:
        if path == "/screen":
            message = (
                f"提交的名单过大：上传的文件最多 {form_limits()['max_mb']} MB，"
                f"每次提交（含粘贴的名单）最多 {size}。请拆分后分别提交。"
            )
        context = {**form_limits(), "error": message}
        no_store = {"Cache-Control": "no-store"}
        return render(request, _FORMS[path], context, status_code=413, headers=no_store)
    return render(request, "error.html", {"status": 413, "message": message}, status_code=413)
