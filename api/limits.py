"""The document limits: depth 10, 12,000 tokens, 15 aliases (QUERY_TOO_COMPLEX).

Strawberry's own extensions do the counting; their validators report through a context
that turns the first error into one Chinese QUERY_TOO_COMPLEX error. The token limit stops
the parser itself, and `api.errors` recognises its syntax error.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from typing import Any

from graphql import ASTValidationRule, GraphQLError, ValidationContext, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from credit.search.errors import QueryTooComplex

MAX_DEPTH = 10
MAX_TOKENS = 12_000
"""Sized for `screen`'s 1,000 entries written inline: a full entry `{ref: "…", name: "…",
uscc: "…"}` is 11 tokens (commas are not tokens), so 1,000 are 11,000 plus the operation
and its selection (about 40 tokens). 12,000 is the smallest round number above that, with
a margin for a larger selection, and 1,001 entries still reach the resolver's
TOO_MANY_ENTRIES. It still bounds the parser: 12,000 tokens parse in about 50 ms.
Input objects and lists do not count towards the depth, and no aliases are needed."""
MAX_ALIASES = 15
CACHED_DOCUMENTS = 256
"""Documents whose validation is kept (clients send the same few again and again; bounded,
so unique documents cannot grow the memory)."""

DEPTH_MESSAGE = f"查询嵌套过深：最多 {MAX_DEPTH} 层。"
TOKENS_MESSAGE = f"查询语句过长：最多 {MAX_TOKENS} 个词法单元。"
ALIASES_MESSAGE = f"查询使用的别名过多：最多 {MAX_ALIASES} 个。"


def too_complex(message: str, nodes: Any = None) -> GraphQLError:
    """A QUERY_TOO_COMPLEX error for the public."""
    return GraphQLError(message, nodes, extensions={"code": QueryTooComplex.code})


class _FirstErrorAs:
    """A validation context whose `report_error` reports one coded error, once."""

    def __init__(self, context: ValidationContext, message: str) -> None:
        self._context = context
        self._message = message
        self._reported = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)

    def report_error(self, error: GraphQLError) -> None:
        if not self._reported:
            self._reported = True
            self._context.report_error(too_complex(self._message, error.nodes))


def _coded(rules: list[type[Any]], message: str) -> list[type[ValidationRule]]:
    """Rules that run strawberry's checking rules and report `message` instead."""

    def make(rule: type[Any]) -> type[ValidationRule]:
        class Coded(ValidationRule):
            def __init__(self, context: ValidationContext) -> None:
                super().__init__(context)
                # strawberry's depth rule fails on an unknown fragment, which graphql-core's
                # own rule reports (KnownFragmentNamesRule)
                with contextlib.suppress(KeyError):
                    rule(_FirstErrorAs(context, message))

        return Coded

    return [make(rule) for rule in rules]


def limit_extensions() -> list[Callable[[], SchemaExtension]]:
    """Factories of the schema extensions enforcing the three limits (one set per request),
    then of the one caching validations: a document is validated once under the same
    rules, which are the same classes for every request. (Parsing is not cached: the
    token limit stops the parser, and its error must come from strawberry's own parse.)"""
    depth = QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules
    aliases = MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules
    rules: list[type[ASTValidationRule]] = [
        *_coded(depth, DEPTH_MESSAGE),
        *_coded(aliases, ALIASES_MESSAGE),
    ]
    return [
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(AddValidationRules, rules),
        partial(ValidationCache, maxsize=CACHED_DOCUMENTS),
    ]


def is_token_limit(error: GraphQLError) -> bool:
    """The parser's refusal of a document over `MAX_TOKENS` (graphql-core words it so)."""
    return error.message.startswith("Syntax Error: Document contains more than")
