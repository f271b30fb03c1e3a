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


class BadUserInput(SearchError):
    """An argument outside what the API accepts (page size, filter value, cursor)."""

    code = "BAD_USER_INPUT"


class PersonalNumberQuery(SearchError):
    """A query holding a personal ID or mobile number, whole or masked: nothing searches
    by one (the number is never repeated in the message)."""

    code = "BAD_USER_INPUT"


class QueryTooComplex(SearchError):
    """A GraphQL document over the depth, token or alias limits."""

    code = "QUERY_TOO_COMPLEX"


class TooManyEntries(SearchError):
    """A screening list longer than the service accepts at once."""

    code = "TOO_MANY_ENTRIES"


class RateLimited(SearchError):
    """The client's request budget is spent for now."""

    code = "RATE_LIMITED"


class QueryTimeout(EngineUnavailable):
    """The engine did not answer within the time limit; the request is answered anyway."""
