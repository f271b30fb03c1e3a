"""The GraphQL endpoint (`/graphql`) as an ASGI app over the shared `Service`."""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp

from credit.service import Service


def graphql_app(service: Service) -> ASGIApp:
    """The Strawberry app mounted at `/graphql` (GraphiQL on GET from a browser)."""
    return JSONResponse({"errors": [{"message": "GraphQL API not built yet"}]}, 501)
