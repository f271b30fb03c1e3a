"""Per-request loaders: the engine reads a query's resolvers share, deduplicated and batched.

Every load happens in the event loop's current tick together with the other rows of the
same list, so the batch functions see every key a list needs at once. Published-ness is one
engine query for the whole batch; records and entities are fetched once per distinct key,
concurrently (the engine interface has no multi-key read for them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from datetime import date

from strawberry.dataloader import DataLoader

from credit.search.engine import Body
from credit.search.query import Entity
from credit.service import Service


class Loaders:
    """The loaders of one request, all answering for `day`."""

    def __init__(self, service: Service, day: date) -> None:
        self._service = service
        self.day = day
        self.records: DataLoader[str, Body | None] = DataLoader(self._load_records)
        self.entities: DataLoader[str, Entity | None] = DataLoader(self._load_entities)
        self.published: DataLoader[str, bool] = DataLoader(self._load_published)

    def prime_records(self, bodies: Iterable[Body]) -> None:
        """Remember records a search already returned (published on `day`)."""
        for body in bodies:
            record_id = str(body["record_id"])
            self.records.prime(record_id, body)
            self.published.prime(record_id, True)

    async def _load_records(self, ids: list[str]) -> Sequence[Body | None]:
        engine = await self._service.engine()
        return await asyncio.gather(*(engine.get_record(i, day=self.day) for i in ids))

    async def _load_entities(self, usccs: list[str]) -> Sequence[Entity | None]:
        engine = await self._service.engine()
        found = await asyncio.gather(*(engine.get_entity(u, day=self.day) for u in usccs))
        for entity in found:
            if entity is not None:
                self.prime_records(entity.records)
        return found

    async def _load_published(self, ids: list[str]) -> Sequence[bool]:
        engine = await self._service.engine()
        published = await engine.published_record_ids(ids, day=self.day)
        return [i in published for i in ids]
