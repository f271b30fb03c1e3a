"""Errors as the public sees them: a Chinese message and `extensions.code` (CONTRACT).

- a `SearchError` from a resolver keeps its code and message;
- an error already carrying a code (the limits) is kept;
- the parser's token limit is QUERY_TOO_COMPLEX;
- a malformed or invalid document, or a bad variable, is BAD_USER_INPUT with the detail;
- anything else is our fault and masked: a generic message, logged in full here.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.schema import Schema
from strawberry.types import ExecutionContext

from api.limits import TOKENS_MESSAGE, is_token_limit, too_complex
from api.messages import in_chinese
from credit.search.errors import BadUserInput, SearchError

log = logging.getLogger("api")

INTERNAL_CODE = "INTERNAL_SERVER_ERROR"
INTERNAL_MESSAGE = "服务器内部错误，请稍后再试。"


def _unexpected(error: GraphQLError) -> bool:
    """Our fault (a resolver, an extension, a broken result), not a refusal of the input.

    Refusals are a `SearchError`, or graphql-core's errors about the document and its
    variables, which come before execution (no path) and wrap nothing but GraphQL errors.
    """
    original = error.original_error
    if isinstance(original, SearchError):
        return False
    return error.path is not None or not (original is None or isinstance(original, GraphQLError))


def public_error(error: GraphQLError) -> GraphQLError:
    """The error the client receives in place of `error`."""
    original = error.original_error
    if isinstance(original, SearchError):
        message, code = original.message, original.code
    elif error.extensions and "code" in error.extensions:
        return error
    elif is_token_limit(error):
        return too_complex(TOKENS_MESSAGE, error.nodes)
    elif _unexpected(error):
        message, code = INTERNAL_MESSAGE, INTERNAL_CODE
    else:
        message, code = in_chinese(error.message), BadUserInput.code
    return GraphQLError(
        message,
        error.nodes,
        error.source,
        error.positions,
        error.path,
        extensions={"code": code},
    )


class PublicErrors(MaskErrors):
    """Rewrites every error of a result with `public_error`."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: True)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return public_error(error)


class ApiSchema(Schema):
    """Logs only what went wrong on our side; refusals of bad input are not logged."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            if _unexpected(error):
                log.error("GraphQL resolver failed", exc_info=error.original_error)
