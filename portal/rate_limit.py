"""Per-client rate limiting (`IPCREDIT_RATE_LIMIT`): a token bucket per client, in memory.

Each process keeps its own buckets, so a node with N workers allows up to N times the
budget; the README documents the limit per node.
"""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from portal.rendering import render

LIMITED_PREFIXES = ("/search", "/graphql", "/screen", "/export", "/cases", "/stats", "/feeds")
MAX_CLIENTS = 100_000
_PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
_BUDGET = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour)\s*$")


@dataclass(frozen=True)
class Budget:
    """`capacity` requests at once, refilled at `per_second`."""

    capacity: float
    per_second: float

    @classmethod
    def parse(cls, text: str) -> Budget | None:
        """`120/minute` → a budget; `0` → None (no limit). Anything else is a ValueError."""
        if text.strip() == "0":
            return None
        match = _BUDGET.match(text)
        if not match or int(match[1]) == 0:
            raise ValueError(
                f"IPCREDIT_RATE_LIMIT={text!r} 无效：应为 0（不限）或 “次数/second|minute|hour”，"
                "例如 120/minute"
            )
        count = int(match[1])
        return cls(capacity=count, per_second=count / _PERIODS[match[2]])


class TokenBuckets:
    """One bucket per client; the least recently seen clients are forgotten past a bound."""

    def __init__(
        self,
        budget: Budget,
        max_clients: int = MAX_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, client: str) -> float:
        """Spend one token: 0.0 when allowed, else the seconds until one is available."""
        now = self.clock()
        tokens, seen = self._buckets.pop(client, (self.budget.capacity, now))
        tokens = min(self.budget.capacity, tokens + (now - seen) * self.budget.per_second)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.budget.per_second
        self._buckets[client] = (tokens, now)
        if len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return wait


class RateLimit:
    """429 with Retry-After on the limited routes once a client has spent its budget."""

    def __init__(self, app: ASGIApp, budget: Budget | None) -> None:
        self.app = app
        self.buckets = TokenBuckets(budget) if budget else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.buckets is None or scope["type"] != "http" or not _limited(scope["path"]):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "unknown")
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        response = _refusal(Request(scope), math.ceil(wait))
        await response(scope, receive, send)


def _limited(path: str) -> bool:
    """The route or anything under it (`/search`, `/search/export`, `/search.csv`)."""
    return any(
        path == prefix or path[len(prefix) : len(prefix) + 1] in ("/", ".")
        for prefix in LIMITED_PREFIXES
        if path.startswith(prefix)
    )


def _refusal(request: Request, retry_after: int) -> Response:
    headers = {"Retry-After": str(retry_after), "Cache-Control": "no-store"}
    message = f"请求过于频繁，请 {retry_after} 秒后再试。"
    if request.url.path == "/graphql":
        body = {"errors": [{"message": message, "extensions": {"code": "RATE_LIMITED"}}]}
        return JSONResponse(body, status_code=429, headers=headers)
    return render(
        request, "rate_limited.html", {"retry_after": retry_after}, status_code=429, headers=headers
    )
