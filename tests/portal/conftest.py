"""Shared by the portal page tests: the sample feed served by the real app on 2025-07-01."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from credit.clock import clock_set_to
from tests.apps import client_for, indexed_app

SAMPLES = Path(__file__).parent.parent / "fixtures" / "samples"
AS_OF = date(2025, 7, 1)
# 09:30 in Beijing on AS_OF (01:30 UTC).
SERVED_AT = datetime(2025, 7, 1, 1, 30)
SAMPLE_LINES = [
    *(SAMPLES / "records.jsonl").read_text(encoding="utf-8").splitlines(),
    *(SAMPLES / "cases.jsonl").read_text(encoding="utf-8").splitlines(),
]


@pytest.fixture(scope="module")
def samples_app(tmp_path_factory: pytest.TempPathFactory) -> Starlette:
    return indexed_app(SAMPLE_LINES, tmp_path_factory.mktemp("portal"))


@pytest.fixture(autouse=True)
def served_on_as_of() -> Iterator[None]:
    with clock_set_to(SERVED_AT):
        yield


@pytest.fixture
async def client(samples_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(samples_app) as http:
        yield http
