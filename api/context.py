"""What every resolver of one request shares: the service, the day served, the loaders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeAlias

from strawberry.types import Info as StrawberryInfo

from api.loaders import Loaders
from credit.search.engine import SearchEngine
from credit.service import Service


@dataclass(frozen=True)
class ApiContext:
    """One per request: `day` is taken once, so every resolver answers for the same day."""

    service: Service
    day: date
    loaders: Loaders

    async def engine(self) -> SearchEngine:
        """The engine, or `EngineUnavailable` (ENGINE_UNAVAILABLE)."""
        return await self.service.engine()


def context_for(service: Service) -> ApiContext:
    """A fresh context: today's day and empty loaders."""
    day = service.today()
    return ApiContext(service, day, Loaders(service, day))


Info: TypeAlias = StrawberryInfo[ApiContext, None]
