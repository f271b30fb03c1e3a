"""`strawberry.field` with a description, typed for mypy (its overload returns `Any`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import strawberry

F = TypeVar("F", bound=Callable[..., Any])


def resolver(description: str) -> Callable[[F], F]:
    """Decorate a resolver method as a field with this description."""
    return cast(Callable[[F], F], strawberry.field(description=description))
