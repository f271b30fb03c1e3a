"""The GraphQL endpoint (`/graphql`) as an ASGI app over the shared `Service`."""

from __future__ import annotations

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Strawberry's transport errors (no query, body not JSON…) as GraphQL JSON errors."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response: Response = await self.run(Request(scope=scope, receive=receive))
        except HTTPException as refused:
            response = transport_error(refused.status_code, refused.reason)
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> ApiContext:
        return context_for(self.service)


TRANSPORT_MESSAGES = {
    "No GraphQL query found in the request": "请求中没有 GraphQL 查询（query）。",
    "Unable to parse request body as JSON": "请求体不是有效的 JSON。",
    "Unsupported content type": "请以 application/json 提交查询。",
}


def transport_error(status: int, reason: str) -> JSONResponse:
    """A request the GraphQL view could not read, answered as a GraphQL error."""
    message = TRANSPORT_MESSAGES.get(reason, "无法处理该 GraphQL 请求。")
    if status == 405:
        message = "GraphQL 只接受 GET 和 POST 请求。"
    body = {"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]}
    return JSONResponse(body, status_code=status)


def graphql_app(service: Service) -> ASGIApp:
    """The Strawberry app mounted at `/graphql` (GraphiQL on GET from a browser)."""
    return GraphQLApp(service)
