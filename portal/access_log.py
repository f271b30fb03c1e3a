"""One structured log line per request: route, status, time, data version.

The route is the pattern (`/entity/{uscc}`), never the URL: no query text, no uploaded
list, no personal data reaches the log.
"""

from __future__ import annotations

import logging
import sys
import time

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credit.service import Service

LOGGER = logging.getLogger("ipcredit.access")


def log_to_stdout() -> None:
    """Serving processes write the access lines to standard output (once per process)."""
    if not LOGGER.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        LOGGER.addHandler(handler)
        LOGGER.setLevel(logging.INFO)
        LOGGER.propagate = False


class AccessLog:
    def __init__(self, app: ASGIApp, service: Service) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def noting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting_send)
        finally:
            route = scope.get("route")
            line = {
                "method": scope["method"],
                "route": getattr(route, "path", None) or _unrouted(scope["path"]),
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "data_version": await self.service.recent_data_version(),
            }
            LOGGER.info(orjson.dumps(line).decode())


def _unrouted(path: str) -> str:
    """Static files keep their path (no data in it); anything else is just 'unmatched'."""
    return path if path.startswith("/static/") else "(unmatched)"
