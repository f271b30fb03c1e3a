"""The GraphQL endpoint (`/graphql`) as an ASGI app over the shared `Service`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.context import ApiContext, context_for
from api.schema import SCHEMA
from credit.service import Service


class GraphQLApp(GraphQL[ApiContext, None]):
    """Strawberry's ASGI view; each request gets a context of its own (day, loaders)."""

    def __init__(self, service: Service) -> None:
        super().__init__(SCHEMA, graphql_ide="graphiql", allow_queries_via_get=True)
        self.service = service

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> ApiContext:
        return context_for(self.service)


def graphql_app(service: Service) -> ASGIApp:
    """The Strawberry app mounted at `/graphql` (GraphiQL on GET from a browser)."""
    return GraphQLApp(service)
