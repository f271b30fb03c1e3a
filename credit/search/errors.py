"""Errors a reader can show the public; each has a code (CONTRACT's `extensions.code`)."""

from __future__ import annotations


class SearchError(Exception):
    """A search that cannot be answered as asked; `message` is for the public (Chinese)."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QueryTooLong(SearchError):
    code = "QUERY_TOO_LONG"


class InvalidUscc(SearchError):
    code = "INVALID_USCC"


class PagingTooDeep(SearchError):
    code = "BAD_USER_INPUT"


class BadCursor(SearchError):
    code = "BAD_USER_INPUT"


class EngineUnavailable(SearchError):
    code = "ENGINE_UNAVAILABLE"
